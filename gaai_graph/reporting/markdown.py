"""Markdown and plain-text renderers for reports and run summaries.

Everything that comes from data (labels, ids, collection names, error messages, even text
written by rules that quote labels) is escaped before it is placed in Markdown, so a vertex
labelled `| **x** <script>` shows up as those characters instead of changing the page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from gaai_graph.models import (
    Entity,
    Recommendation,
    Report,
    ReportDigest,
    RunSummary,
    ScoreStatistics,
)
from gaai_graph.nodes.report import display_label, format_number, format_percent

_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]#+!|~])")
_LIST_MARKER = re.compile(r"^(\d+)([.)])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x1b]")
_ID_TOKEN = re.compile(r"[^\s,;:()]+")
_UNSAFE_FILE_CHARS = re.compile(r"[^A-Za-z0-9._-]+")
_RESERVED_NAMES = frozenset(
    {
        "con",
        "prn",
        "aux",
        "nul",
        *(f"com{i}" for i in range(1, 10)),
        *(f"lpt{i}" for i in range(1, 10)),
    }
)


def escape_markdown(value: object) -> str:
    """Escape data for inline Markdown: no formatting, links, HTML, tables or new blocks.

    Line breaks become spaces (a newline could start a heading or a list), HTML's `<`, `>`
    and `&` become entities, and Markdown punctuation is backslash-escaped, including `|` so
    the text is safe inside a table cell. Parentheses stay as they are: with `[` and `]`
    escaped they cannot form a link.

    Args:
        value: Any value; it is converted with `str` first.

    Returns:
        Text that renders literally.
    """
    text = _CONTROL.sub("", str(value))
    text = " ".join(text.split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)
    # Characters that only matter at the start of a line (list items, setext headings).
    if text[:1] in {"-", "="}:
        text = "\\" + text
    return _LIST_MARKER.sub(r"\1\\\2", text)


def plain_text(value: object) -> str:
    """Make data safe for a terminal: no control characters or escape sequences, one line."""
    return " ".join(_CONTROL.sub("", str(value)).split())


def report_file_stems(template_ids: Iterable[str]) -> dict[str, str]:
    """Map template ids to safe, distinct file name stems.

    Stems keep letters, digits, `.`, `_` and `-`; anything else (path separators, `..`,
    spaces) becomes `_`, leading dots are dropped, length is capped, reserved device names
    are prefixed and collisions get a numeric suffix, so no id can escape the reports folder
    or overwrite another report.

    Args:
        template_ids: Ids in the order their files are written.

    Returns:
        Template id -> file stem (without extension).
    """
    stems: dict[str, str] = {}
    used: set[str] = set()
    for template_id in template_ids:
        if template_id in stems:
            continue
        # Leading dots would hide the file or name a parent; leading dashes look like options.
        stem = _UNSAFE_FILE_CHARS.sub("_", template_id)[:100].strip("._-") or "report"
        if stem.lower().split(".", 1)[0] in _RESERVED_NAMES:
            stem = f"_{stem}"
        candidate, counter = stem, 2
        while candidate.lower() in used:
            candidate = f"{stem}-{counter}"
            counter += 1
        used.add(candidate.lower())
        stems[template_id] = candidate
    return stems


def _number(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return format_number(value)
    return escape_markdown(value)


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _entity_cell(entity: Entity) -> tuple[str, str]:
    return escape_markdown(entity.id), escape_markdown(display_label(entity))


def _statistics_table(statistics: ScoreStatistics) -> list[str]:
    return _table(
        ["vertices", "min", "median", "mean", "p90", "p99", "max", "std", "Gini", "top-k share"],
        [
            [
                format_number(statistics.count),
                format_number(statistics.min),
                format_number(statistics.median),
                format_number(statistics.mean),
                format_number(statistics.p90),
                format_number(statistics.p99),
                format_number(statistics.max),
                format_number(statistics.std),
                format_number(statistics.gini),
                format_percent(statistics.top_k_share),
            ]
        ],
    )


def render_report_markdown(report: Report) -> str:
    """Render one report as a Markdown document.

    Args:
        report: A succeeded or failed report.

    Returns:
        Markdown with title, status, what was analysed, summary, insights, top entities,
        largest groups, distribution statistics, recommendations and notes.
    """
    lines = [f"# {escape_markdown(report.title)}", ""]
    lines.append(
        f"**Status:** {escape_markdown(report.status)} · "
        f"**Template:** {escape_markdown(report.template_id)} · "
        f"**Use case:** {escape_markdown(report.use_case_id)} · "
        f"**Requirements:** {escape_markdown(', '.join(report.requirement_ids) or 'none')}"
    )
    lines += ["", "## What was analysed", ""]
    lines.append(f"- Algorithm: {escape_markdown(report.algorithm)}")
    if report.projection is not None:
        projection = report.projection
        lines.append(
            f"- Vertex collections: {escape_markdown(', '.join(projection.vertex_collections))}"
        )
        lines.append(
            f"- Edge collections: {escape_markdown(', '.join(projection.edge_collections))}"
        )
        lines.append(f"- Directed: {'yes' if projection.directed else 'no'}")
    if report.parameters:
        parameters = ", ".join(
            f"{escape_markdown(name)} = {_number(value)}"
            for name, value in sorted(report.parameters.items())
        )
        lines.append(f"- Parameters: {parameters}")
    size = [
        f"{_number(report.metrics[name])} {label}"
        for name, label in (("vertex_count", "vertices"), ("edge_count", "edges"))
        if report.metrics.get(name) is not None
    ]
    if size:
        lines.append(f"- Graph: {', '.join(size)}")
    runtime = report.metrics.get("runtime_seconds")
    if isinstance(runtime, int | float) and not isinstance(runtime, bool):
        lines.append(f"- Run time: {runtime:.2f} s")

    lines += ["", "## Summary", "", escape_markdown(report.summary or "No summary.")]
    if report.status == "failed":
        lines += ["", "## Error", "", escape_markdown(report.error or "unknown error")]

    if report.insights:
        lines += ["", "## Insights"]
        for insight in report.insights:
            lines += [
                "",
                f"### {escape_markdown(insight.title)} (confidence {insight.confidence:.2f})",
                "",
                escape_markdown(insight.description),
            ]

    if report.top_entities:
        lines += ["", "## Top entities", ""]
        rows = []
        for rank, entity in enumerate(report.top_entities, start=1):
            entity_id, label = _entity_cell(entity)
            rows.append([str(rank), entity_id, label, format_number(entity.value)])
        lines += _table(["#", "Entity", "Label", "Score"], rows)

    if report.groups:
        lines += ["", "## Largest groups", ""]
        if report.group_count is not None:
            noun = "group" if report.group_count == 1 else "groups"
            lines += [f"{format_number(report.group_count)} {noun} in total.", ""]
        rows = []
        for rank, group in enumerate(report.groups, start=1):
            composition = ", ".join(
                f"{escape_markdown(name)}: {format_number(count)}"
                for name, count in sorted(group.composition.items(), key=lambda kv: -kv[1])
            )
            members = ", ".join(escape_markdown(member) for member in group.members_sample)
            rows.append([str(rank), format_number(group.size), composition, members])
        lines += _table(["#", "Size", "Composition", "Sample members"], rows)

    if report.statistics is not None:
        lines += ["", "## Score distribution", ""]
        lines += _statistics_table(report.statistics)

    if report.recommendations:
        lines += ["", "## Recommendations", ""]
        for recommendation in report.recommendations:
            lines.append(_recommendation_line(recommendation))

    if report.notes:
        lines += ["", "## Notes", ""]
        lines += [f"- {escape_markdown(note)}" for note in report.notes]
    if report.fallbacks:
        # Where the model's answer was repaired, trimmed or replaced by the rule path.
        lines += ["", "## LLM fallbacks", ""]
        lines += [f"- {escape_markdown(note)}" for note in report.fallbacks]
    return "\n".join(lines) + "\n"


def _recommendation_line(recommendation: Recommendation) -> str:
    """One list item for a recommendation.

    Shows the priority, the bold title, the description without repeating the title, and
    only those related entities that the description does not already name.
    """
    title, description = recommendation.title.strip(), recommendation.description.strip()
    if description.startswith(title):
        text = f"**{escape_markdown(title)}**{escape_markdown(description[len(title) :])}"
    else:
        text = f"**{escape_markdown(title)}**. {escape_markdown(description)}"
    line = f"- **{escape_markdown(recommendation.priority)}**: {text}"
    named = {token.rstrip(".") for token in _ID_TOKEN.findall(description)}
    unnamed = [e for e in recommendation.related_entities if e not in named]
    if unnamed:
        label = "entities" if len(unnamed) == len(recommendation.related_entities) else "also"
        line += f" ({label}: {', '.join(escape_markdown(e) for e in unnamed)})"
    return line


def top_finding(report: Report) -> str:
    """The report's lead insight: its most confident finding, else its most confident context.

    The one choice of headline insight per report: the console summary, `summary.md` and the
    HTML index all show this.
    """
    if report.status == "failed":
        return f"failed: {report.error or 'unknown error'}"
    best = report.lead_insight()
    return best.title if best is not None else "no finding"


def _llm_lines(summary: RunSummary) -> list[str]:
    """The LLM usage per phase and every fallback; nothing when no model was configured."""
    lines: list[str] = []
    by_phase = summary.llm_usage.get("by_phase", {})
    if by_phase:
        lines += ["", "## LLM reasoning", ""]
        lines += _table(
            ["Phase", "Requests", "From cache", "Input tokens", "Output tokens", "Cost (USD)"],
            [
                [
                    escape_markdown(phase),
                    str(usage["calls"]),
                    str(usage["cached"]),
                    str(usage["input_tokens"]),
                    str(usage["output_tokens"]),
                    "unknown" if usage["cost_usd"] is None else f"{usage['cost_usd']:.6f}",
                ]
                for phase, usage in by_phase.items()
            ],
        )
    if summary.fallbacks:
        lines += ["", "## LLM fallbacks", ""]
        lines += [
            f"- {escape_markdown(f.phase)}"
            + (f" {escape_markdown(f.template_id)}" if f.template_id else "")
            + f" ({escape_markdown(f.action)}): {escape_markdown(f.reason)}"
            for f in summary.fallbacks
        ]
    return lines


def render_summary_markdown(summary: RunSummary, reports: list[Report]) -> str:
    """Render the run summary as a Markdown document linking each report's file.

    Args:
        summary: The aggregated run summary.
        reports: The run's reports (for their top findings); links assume the layout of
            `write_run_outputs` (`reports/<stem>.md`).

    Returns:
        Markdown with headline, warnings, key findings, a table of reports, failures,
        unanswered requirements, the requirements analysed and timings.
    """
    by_id = {report.template_id: report for report in reports}
    digests = summary.reports or [
        ReportDigest(template_id=r.template_id, status=r.status, title=r.title) for r in reports
    ]
    stems = report_file_stems([r.template_id for r in reports])
    lines = [f"# Analysis run {escape_markdown(summary.run_id)}", ""]
    lines.append(escape_markdown(summary.headline))
    lines += [
        "",
        f"- Vertical: {escape_markdown(summary.vertical)}",
        f"- Source: {escape_markdown(summary.source)}",
    ]
    if summary.graph_name:
        lines.append(f"- Graph: {escape_markdown(summary.graph_name)}")

    if summary.warnings:
        # Near the top: a warning (standard questions used, collections ignored) changes how
        # everything below is read.
        lines += ["", "## Warnings", ""]
        lines += [f"- {escape_markdown(warning)}" for warning in summary.warnings]

    if summary.key_findings:
        lines += ["", "## Key findings", ""]
        lines += [
            f"{index}. {escape_markdown(finding)}"
            for index, finding in enumerate(summary.key_findings, start=1)
        ]

    if digests:
        lines += ["", "## Reports", ""]
        rows = []
        for digest in digests:
            report = by_id.get(digest.template_id)
            template_id = escape_markdown(digest.template_id)
            if digest.template_id in stems:
                template_id = f"[{template_id}](reports/{stems[digest.template_id]}.md)"
            rows.append(
                [
                    template_id,
                    escape_markdown(digest.title),
                    escape_markdown(report.algorithm if report else ""),
                    escape_markdown(digest.status),
                    escape_markdown(top_finding(report) if report else ""),
                ]
            )
        lines += _table(["Template", "Title", "Algorithm", "Status", "Top finding"], rows)

    if summary.failures:
        lines += ["", "## Failures", ""]
        lines += [
            f"- {escape_markdown(failure.phase)}"
            + (f" ({escape_markdown(failure.template_id)})" if failure.template_id else "")
            + f": {escape_markdown(failure.message)}"
            for failure in summary.failures
        ]

    if summary.skipped:
        lines += ["", "## Skipped use cases", ""]
        lines += [f"- {escape_markdown(item.message)}" for item in summary.skipped]

    if summary.unanswered:
        lines += ["", "## Unanswered requirements", ""]
        lines += [f"- {escape_markdown(item)}" for item in summary.unanswered]

    if summary.requirements:
        lines += ["", "## Requirements", ""]
        lines += _table(
            ["Id", "Kind", "Priority", "Text", "Source"],
            [
                [
                    escape_markdown(r.id),
                    escape_markdown(r.kind),
                    escape_markdown(r.priority),
                    escape_markdown(r.text),
                    escape_markdown(f"{r.source}:{r.line}"),
                ]
                for r in summary.requirements
            ],
        )

    lines += _llm_lines(summary)
    if summary.timings:
        lines += ["", "## Timings", ""]
        lines += _table(
            ["Phase", "Wall-clock seconds", "Summed over templates"],
            [
                [
                    escape_markdown(phase),
                    f"{seconds:.3f}",
                    f"{summary.summed_step_seconds[phase]:.3f}"
                    if phase in summary.summed_step_seconds
                    else "",
                ]
                for phase, seconds in summary.timings.items()
            ],
        )
        if summary.summed_step_seconds:
            lines += [
                "",
                "Template steps run concurrently: a phase's wall-clock time counts the time "
                "during which any of its steps ran, while the summed figure adds up every "
                "template's step.",
            ]
    return "\n".join(lines) + "\n"


def render_console_summary(summary: RunSummary, reports: list[Report]) -> str:
    """Render a plain-text summary for the terminal.

    Args:
        summary: The aggregated run summary.
        reports: The run's reports.

    Returns:
        Headline, warnings, one line per report (status, id, algorithm, title, top finding),
        failures, unanswered requirements and timings. The caller adds where the files were written.
    """
    by_id = {report.template_id: report for report in reports}
    order = [d.template_id for d in summary.reports if d.template_id in by_id]
    order += [r.template_id for r in reports if r.template_id not in set(order)]
    lines = [
        plain_text(
            f"Run {summary.run_id} · vertical {summary.vertical} · source {summary.source}"
            + (f" · graph {summary.graph_name}" if summary.graph_name else "")
        ),
        plain_text(summary.headline),
    ]
    if summary.warnings:
        lines += ["", "Warnings:"]
        lines += [f"  - {plain_text(warning)}" for warning in summary.warnings]
    if order:
        lines += ["", "Reports:"]
        width = max(len(plain_text(tid)) for tid in order)
        for template_id in order:
            report = by_id[template_id]
            marker = "ok  " if report.status == "succeeded" else "FAIL"
            name, algorithm = plain_text(template_id), plain_text(report.algorithm)
            lines.append(
                f"  {marker} {name:<{width}}  {algorithm:<17} "
                f"{plain_text(report.title)} — {plain_text(top_finding(report))}"
            )
    if summary.failures:
        lines += ["", "Failures:"]
        lines += [
            "  - "
            + plain_text(
                f"[{failure.phase}]"
                + (f" {failure.template_id}" if failure.template_id else "")
                + f": {failure.message}"
            )
            for failure in summary.failures
        ]
    if summary.skipped:
        lines += ["", "Skipped:"]
        lines += [f"  - {plain_text(item.message)}" for item in summary.skipped]
    if summary.unanswered:
        lines += ["", "Unanswered:"]
        lines += [f"  - {plain_text(item)}" for item in summary.unanswered]
    if summary.timings:
        lines += ["", "Timings:"]
        width = max(len(phase) for phase in summary.timings)
        lines += [
            f"  {plain_text(phase):<{width}}  {seconds:8.2f} s"
            + (
                f"  (summed over templates {summary.summed_step_seconds[phase]:.2f} s)"
                if phase in summary.summed_step_seconds
                else ""
            )
            for phase, seconds in summary.timings.items()
        ]
    return "\n".join(lines)
