"""Tests of the Markdown and console renderers."""

from __future__ import annotations

import re

from gaai_graph.models import (
    Entity,
    GraphProjection,
    Group,
    Insight,
    Recommendation,
    Report,
    ReportDigest,
    RunError,
    RunSummary,
    ScoreStatistics,
)
from gaai_graph.reporting.markdown import (
    escape_markdown,
    render_console_summary,
    render_report_markdown,
    render_summary_markdown,
    report_file_stems,
)

HOSTILE = "Eve | **bold** <script>alert(1)</script> [x](http://evil) `code`"


def _report(**overrides: object) -> Report:
    fields: dict[str, object] = {
        "template_id": "TPL-001",
        "use_case_id": "UC-001",
        "requirement_ids": ["REQ-001"],
        "title": "Influential customers",
        "algorithm": "pagerank",
        "parameters": {"damping_factor": 0.85},
        "projection": GraphProjection(
            vertex_collections=["customers"], edge_collections=["follows"]
        ),
        "status": "succeeded",
        "metrics": {"vertex_count": 12480, "edge_count": 48213, "runtime_seconds": 0.31},
        "statistics": ScoreStatistics(
            count=12480,
            min=0.0000312,
            max=0.00871,
            mean=0.0000801,
            median=0.0000455,
            std=0.000193,
            p90=0.000142,
            p99=0.00105,
            total=1.0,
            gini=0.71,
            top_k_share=0.184,
        ),
        "top_entities": [
            Entity(id="customers/c1", value=0.00871, label=HOSTILE),
            Entity(id="customers/c2", value=0.00652, label="mail@example.com"),
            Entity(id="customers/c3", value=0.00433, label="Ada"),
        ],
        "groups": [
            Group(size=40, members_sample=["customers/c1|x"], composition={"customers": 40})
        ],
        "group_count": 3,
        "summary": f"Influence is concentrated around {HOSTILE}.",
        "insights": [
            Insight(
                title="Influence is highly concentrated",
                description="The Gini coefficient is 0.710.",
                confidence=0.71,
                evidence={"statistics.gini": 0.71},
            )
        ],
        "recommendations": [
            Recommendation(
                title="Engage the most influential customers",
                description="Start with Ada.",
                priority="high",
                related_entities=["customers/c3"],
            )
        ],
        "notes": ["pagerank converged after 41 iterations"],
    }
    fields.update(overrides)
    return Report.model_validate(fields)


def _summary(reports: list[Report]) -> RunSummary:
    return RunSummary(
        run_id="run-42",
        vertical="ecommerce",
        source="demo",
        headline="2 of 2 analyses succeeded.",
        key_findings=["Influential customers: The Gini coefficient is 0.710."],
        reports=[
            ReportDigest(template_id=r.template_id, status=r.status, title=r.title) for r in reports
        ],
        failures=[RunError(phase="execute", template_id="../x", message="boom *now*")],
        unanswered=["REQ-9: shortest paths are not supported"],
        timings={"analyze_schema": 0.5, "execute": 3.25},
    )


def _outside_code(markdown: str) -> str:
    return re.sub(r"`[^`]*`", "", markdown)


def test_escaping_neutralises_tables_emphasis_html_and_links() -> None:
    escaped = escape_markdown(HOSTILE)
    assert "<script>" not in escaped and "&lt;script&gt;" in escaped
    assert re.search(r"(?<!\\)\|", escaped) is None
    assert re.search(r"(?<!\\)\*", escaped) is None
    assert re.search(r"(?<!\\)\[", escaped) is None
    assert re.search(r"(?<!\\)`", escaped) is None
    assert escape_markdown("line one\n# heading") == "line one \\# heading"
    assert escape_markdown("1. not a list").startswith("1\\.")
    assert escape_markdown("- not a bullet").startswith("\\-")


def test_report_markdown_has_every_section_and_no_injected_markup() -> None:
    markdown = render_report_markdown(_report())
    for heading in (
        "# Influential customers",
        "## What was analysed",
        "## Summary",
        "## Insights",
        "## Top entities",
        "## Largest groups",
        "## Score distribution",
        "## Recommendations",
        "## Notes",
    ):
        assert heading in markdown
    assert "<script>" not in markdown
    assert "(confidence 0.71)" in markdown
    assert "damping_factor" in markdown.replace("\\_", "_")
    assert "12,480 vertices" in markdown
    # Every table row keeps its column count: data cannot add cells with a bare `|`.
    entity_rows = [line for line in markdown.splitlines() if line.startswith("| 1 | customers/c1")]
    assert len(entity_rows) == 1
    assert len(re.findall(r"(?<!\\)\|", entity_rows[0])) == 5
    group_rows = [line for line in markdown.splitlines() if "customers/c1\\|x" in line]
    assert group_rows and len(re.findall(r"(?<!\\)\|", group_rows[0])) == 5
    # The hostile label's emphasis markers are all escaped, in the table and the summary.
    assert "**bold**" not in markdown
    # E-mail labels are not printed.
    assert "mail@example.com" not in markdown


def test_failed_report_markdown_shows_the_error() -> None:
    report = _report(
        status="failed",
        error="unknown collection 'galaxies'",
        insights=[],
        top_entities=[],
        groups=[],
        statistics=None,
        summary="The analysis failed.",
    )
    markdown = render_report_markdown(report)
    assert "Status:** failed" in markdown
    assert "## Error" in markdown and "galaxies" in markdown
    assert "## Insights" not in markdown and "## Top entities" not in markdown


def test_summary_markdown_links_each_report_file_and_lists_failures() -> None:
    reports = [_report(), _report(template_id="../../etc/passwd", title="Sneaky | title")]
    summary = _summary(reports)
    markdown = render_summary_markdown(summary, reports)
    stems = report_file_stems([r.template_id for r in reports])
    for stem in stems.values():
        assert f"(reports/{stem}.md)" in markdown
    targets = re.findall(r"\]\(([^)]*)\)", markdown)
    assert targets == [f"reports/{stems[r.template_id]}.md" for r in reports]
    assert all(re.fullmatch(r"reports/[A-Za-z0-9_-][A-Za-z0-9._-]*\.md", t) for t in targets)
    assert "Sneaky \\| title" in markdown
    assert "## Failures" in markdown and "boom \\*now\\*" in markdown
    assert "## Unanswered requirements" in markdown
    assert "| execute | 3.250 |" in markdown
    assert "1. Influential customers" in markdown


def test_console_summary_is_plain_and_complete() -> None:
    good = _report()
    bad = _report(template_id="TPL-002", status="failed", error="boom\x1b[31m", insights=[])
    text = render_console_summary(_summary([good, bad]), [good, bad])
    lines = text.splitlines()
    assert lines[1] == "2 of 2 analyses succeeded."
    assert any(
        line.strip().startswith("ok") and "TPL-001" in line and "Influence is highly" in line
        for line in lines
    )
    assert any("FAIL" in line and "TPL-002" in line and "boom" in line for line in lines)
    assert "\x1b" not in text
    assert "Failures:" in text and "[execute] ../x: boom *now*" in text
    assert "Unanswered:" in text
    assert re.search(r"execute\s+3\.25 s", text)


def test_file_stems_are_safe_and_distinct() -> None:
    stems = report_file_stems(["TPL-001", "../../etc/passwd", "a/b", "a_b", "CON", "..", "x" * 300])
    assert stems["TPL-001"] == "TPL-001"
    for stem in stems.values():
        assert re.fullmatch(r"[A-Za-z0-9._-]{1,104}", stem), stem
        assert not stem.startswith(".")
    assert len(set(stems.values())) == len(stems)
    assert stems["CON"].lower() != "con"


def test_recommendation_lines_do_not_repeat_the_title_or_named_entities() -> None:
    report = _report(
        recommendations=[
            Recommendation(
                title="Limit accounts per device",
                description="Limit accounts per device, so new rings stop at sign-up.",
                priority="high",
            ),
            Recommendation(
                title="Review the ring",
                description="Send customers/c1, customers/c2 for review.",
                priority="medium",
                related_entities=["customers/c1", "customers/c2", "devices/d1"],
            ),
        ]
    )
    markdown = render_report_markdown(report)
    assert "- **high**: **Limit accounts per device**, so new rings stop at sign-up." in markdown
    assert "Limit accounts per device**. Limit accounts per device" not in markdown
    # Entities already named in the description are not listed a second time.
    assert "(also: devices/d1)" in markdown
    review = next(line for line in markdown.splitlines() if "Review the ring" in line)
    assert review.count("customers/c1") == 1


def test_lead_finding_of_a_report_is_a_finding_before_more_confident_context() -> None:
    context = Insight(
        title="Coreness is evenly spread", description="x", confidence=0.98, kind="context"
    )
    finding = Insight(title="Innermost core", description="y", confidence=0.8)
    report = _report(insights=[context, finding])
    assert "Innermost core" in render_console_summary(_summary([report]), [report])
    assert "evenly spread" not in render_console_summary(_summary([report]), [report])


def test_summary_shows_skipped_use_cases_and_wall_and_summed_timings() -> None:
    report = _report()
    summary = _summary([report]).model_copy(
        update={
            "skipped": [
                RunError(
                    phase="generate_templates",
                    message="UC-009 (Hub sellers) got no template: max_templates=8 reached",
                )
            ],
            "summed_step_seconds": {"execute": 9.5},
        }
    )
    markdown = render_summary_markdown(summary, [report])
    assert "## Skipped use cases" in markdown
    assert "max\\_templates=8 reached" in markdown
    assert "| execute | 3.250 | 9.500 |" in markdown
    assert "| analyze\\_schema | 0.500 |  |" in markdown
    console = render_console_summary(summary, [report])
    assert "Skipped:" in console
    assert "(summed over templates 9.50 s)" in console
