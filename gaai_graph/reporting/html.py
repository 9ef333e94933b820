"""Self-contained HTML reports: one page per report, an index, and a trace page.

Pages are rendered by Jinja2 with autoescaping on, so every piece of text from data (labels,
ids, error messages, requirement text) is shown as text, never interpreted as markup. Each
page carries its own CSS and inline SVG charts; nothing is loaded from a CDN, and a
Content-Security-Policy forbids scripts and remote resources altogether.

The index's "finding" column shows the same headline insight per report as the console
summary and `summary.md` (`gaai_graph.reporting.markdown.top_finding`).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

from gaai_graph.models import Report, RunSummary
from gaai_graph.nodes.report import format_number
from gaai_graph.reporting.change_charts import movers_chart
from gaai_graph.reporting.charts import (
    Bar,
    BarChart,
    charts_for_report,
    index_charts,
    omitted_charts,
)
from gaai_graph.reporting.connections import Names, connected_findings
from gaai_graph.reporting.markdown import top_finding
from gaai_graph.reporting.network import (
    MAX_DRAWN_VERTICES,
    GraphIndex,
    NetworkDrawing,
    report_drawings,
    report_findings,
)
from gaai_graph.reporting.template_cache import bytecode_cache
from gaai_graph.trace_summary import TraceSummary, render_trace_summary

if TYPE_CHECKING:
    from gaai_graph.catalog.changes import RunChanges

__all__ = ["render_index_html", "render_report_html", "render_trace_html"]

_TEMPLATES = Path(__file__).parent / "templates"


_OPTIONS: dict[str, Any] = {"autoescape": True, "trim_blocks": True, "lstrip_blocks": True}
"""The options the templates are compiled with (they also key the compiled-template cache)."""


@cache
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_TEMPLATES),
        undefined=jinja2.StrictUndefined,
        bytecode_cache=bytecode_cache(_OPTIONS),
        **_OPTIONS,
    )
    environment.filters["number"] = _number_text
    environment.filters["plural"] = plural
    return environment


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """'1 requirement', '2 requirements', '1,200 customers'."""
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count:,} {word}"


def _number_text(value: Any) -> str:
    """A value for people: numbers to 3 significant digits with separators, others as text."""
    if isinstance(value, bool) or value is None:
        return "not measured" if value is None else ("yes" if value else "no")
    if isinstance(value, int | float):
        return format_number(value)
    return str(value)


def _lead_sentences(report: Report, sentences: int = 2) -> str:
    """The first sentences of the report's lead insight (the finding, not the caveats)."""
    lead = report.lead_insight()
    if lead is None:
        return report.summary or report.error or ""
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z])", lead.description.strip())
    return " ".join(parts[:sentences])


def _preferred_chart(charts: list[BarChart]) -> BarChart | None:
    for kind in ("top-k", "largest-groups", "group-sizes", "score-distribution"):
        for chart in charts:
            if chart.kind == kind:
                return chart
    return None


def _statistics_rows(report: Report) -> list[tuple[str, str]]:
    statistics = report.statistics
    if statistics is None:
        return []
    return [
        (name, format_number(float(value)))
        for name, value in statistics.model_dump().items()
        if isinstance(value, int | float)
    ]


def render_report_html(
    report: Report,
    index_href: str = "../index.html",
    graph: GraphIndex | None = None,
    names: Names | None = None,
    changes: RunChanges | None = None,
    drawings: list[NetworkDrawing] | None = None,
) -> str:
    """Render one report as a standalone HTML page with its charts and network drawings.

    Args:
        report: The report.
        index_href: Link back to the run's index page.
        graph: Names and links of the analysed graph; without it the page has no network
            drawings and shows the names the report itself carries.
        names: Names shared by the run's pages (built from `report` and `graph` when None).
        changes: What changed since an earlier run of the question
            (`catalog.changes.annotate_from_catalog`); the report's movers are drawn.
        drawings: The report's `report_drawings` when the caller has them already (the
            index page shows their first); None draws them from `graph`.

    Returns:
        The complete HTML document.
    """
    names = names or Names([report], graph)
    compared = changes.for_template(report.template_id) if changes is not None else None
    return (
        _environment()
        .get_template("report.html.j2")
        .render(
            report=report,
            charts=charts_for_report(report),
            omitted=omitted_charts(report),
            statistics=_statistics_rows(report),
            fmt=format_number,
            index_href=index_href,
            drawings=report_drawings(report, graph) if drawings is None else drawings,
            findings=report_findings(report),
            names=names,
            cap=MAX_DRAWN_VERTICES,
            movers=(
                movers_chart(compared, report, epoch_before=changes.epoch_before)
                if compared is not None and changes is not None
                else None
            ),
        )
    )


def render_index_html(
    summary: RunSummary,
    reports: list[Report],
    hrefs: dict[str, str],
    graph: GraphIndex | None = None,
    names: Names | None = None,
    changes: RunChanges | None = None,
    drawings: dict[str, list[NetworkDrawing]] | None = None,
) -> str:
    """Render the run's index page: the answer first, then one section per question.

    Args:
        summary: The run summary.
        reports: The run's reports, in the order to list them.
        hrefs: Template id -> relative link of that report's HTML page.
        graph: Names and links of the analysed graph (network drawings); None leaves the
            pictures to bar charts.
        names: Names shared by the run's pages (built from `reports` and `graph` when None).
        changes: What changed since an earlier run of the question; shown after the answer,
            the movers of each top list as a chart (one line when nothing changed).
        drawings: Template id -> that report's `report_drawings`, when the caller has them
            already (the report pages drew them); a report not in it is drawn from `graph`.
    """
    names = names or Names(reports, graph)
    connections = connected_findings(reports, names)
    connected = {template_id for c in connections for template_id, _, _ in c.reports}
    rows: list[dict[str, Any]] = []
    for report in reports:
        known = drawings.get(report.template_id) if drawings is not None else None
        drawn = report_drawings(report, graph) if known is None else known
        rows.append(
            {
                "report": report,
                "href": hrefs[report.template_id],
                "finding": names.named_text(top_finding(report)),
                "answer": names.named_text(_lead_sentences(report)),
                "drawing": drawn[0] if drawn else None,
                "chart": _preferred_chart(charts_for_report(report)),
                "also": [
                    (c, [part for part in c.reports if part[0] != report.template_id])
                    for c in connections
                    if any(part[0] == report.template_id for part in c.reports)
                ],
            }
        )
    # Findings other reports confirm lead the answer: cross-report evidence raises them.
    answer = sorted(
        (row for row in rows if row["report"].status == "succeeded"),
        key=lambda row: row["report"].template_id not in connected,
    )
    failed = sum(1 for report in reports if report.status == "failed")
    return (
        _environment()
        .get_template("index.html.j2")
        .render(
            summary=summary,
            headline=names.named_text(summary.headline),
            rows=rows,
            answer=answer,
            connections=connections,
            names=names,
            charts=index_charts(summary, reports),
            succeeded=len(reports) - failed,
            failed=failed,
            changes=_changes_view(changes, reports),
        )
    )


def _changes_view(changes: RunChanges | None, reports: list[Report]) -> dict[str, Any] | None:
    """What the index's "What changed" section shows, or None when nothing was compared."""
    if changes is None:
        return None
    by_id = {report.template_id: report for report in reports}
    sections = [
        {
            "template_id": compared.template_after,
            "title": compared.title,
            "chart": movers_chart(
                compared, by_id.get(compared.template_after), epoch_before=changes.epoch_before
            ),
            # Each line starts with the title, which the section's heading already gives.
            "lines": [line.removeprefix(f"{compared.title}: ") for line in compared.lines()],
        }
        for compared in changes.reports
        if compared.changed
    ]
    return {
        "epoch_before": changes.epoch_before,
        "changed": changes.changed,
        "line": changes.lines()[0],
        "sections": sections,
        "unchanged": [compared.title for compared in changes.reports if not compared.changed],
        "only_before": changes.only_before,
        "only_after": changes.only_after,
    }


def _timeline_chart(nodes: list[dict[str, Any]]) -> BarChart | None:
    finished = [node for node in nodes if node.get("ended") is not None]
    if not finished:
        return None
    end = max(node["ended"] for node in finished) or 1.0
    label_width, plot_width, row = 200, 400, 18
    bars: list[Bar] = []
    waited = False
    for index, node in enumerate(finished):
        wait = float(node.get("waited") or 0.0)
        if wait > 0:
            waited = True
            # The time a template chain was queued for a free slot, drawn before its work.
            bars.append(
                Bar(
                    x=round(label_width + plot_width * (node["started"] - wait) / end, 2),
                    y=6 + index * row,
                    width=round(max(plot_width * wait / end, 1.0), 2),
                    height=row - 4,
                    label="",
                    value_text="",
                    tooltip=f"{node['label']}: waited {wait:.3f}s for a free slot",
                    css_class="wait",
                    show_value=False,
                )
            )
        bars.append(
            Bar(
                x=round(label_width + plot_width * node["started"] / end, 2),
                y=6 + index * row,
                width=round(max(plot_width * node["seconds"] / end, 1.0), 2),
                height=row - 4,
                label=str(node["label"])[:30],
                value_text=f"{node['seconds'] * 1000:.0f} ms",
                tooltip=f"{node['label']}: {node['started']:.3f}s + {node['seconds']:.3f}s",
            )
        )
    return BarChart(
        kind="timeline",
        title="Timeline",
        caption="When each step started and how long it ran"
        + ("; grey: a template waiting for a free slot." if waited else "."),
        width=700,
        height=12 + len(finished) * row,
        orientation="horizontal",
        bars=bars,
        axis_y=label_width,
    )


def render_trace_html(trace: dict[str, Any]) -> str:
    """Render an exported trace (`WorkflowTracer.to_jsonable()`) as an HTML page."""
    summary_data = dict(trace["summary"])
    summary_data["slowest"] = [(item["step"], item["ms"]) for item in summary_data["slowest"]]
    summary_text = render_trace_summary(TraceSummary(**summary_data))
    return (
        _environment()
        .get_template("trace.html.j2")
        .render(trace=trace, summary_text=summary_text, timeline=_timeline_chart(trace["nodes"]))
    )
