"""Tests of the summary sections for skipped use cases, wall-clock timings and actions."""

from __future__ import annotations

from gaai_graph.models import Recommendation, RunError, RunSummary
from gaai_graph.reporting.markdown import (
    _recommendation_line,
    render_console_summary,
    render_summary_markdown,
)


def _summary() -> RunSummary:
    return RunSummary(
        run_id="run-1",
        vertical="ecommerce",
        source="demo",
        headline="1 of 1 analyses succeeded. 1 use case skipped (max_templates=1 reached).",
        skipped=[
            RunError(
                phase="generate_templates",
                message="UC-002 (Rings) got no template: max_templates=1 reached",
            )
        ],
        timings={"analyze_schema": 0.25, "execute": 0.5},
        summed_step_seconds={"execute": 1.75},
    )


def test_summary_markdown_lists_skipped_use_cases_apart_from_failures() -> None:
    text = render_summary_markdown(_summary(), [])
    assert "## Skipped use cases" in text
    assert "UC-002 (Rings) got no template: max\\_templates=1 reached" in text
    assert "## Failures" not in text


def test_summary_markdown_shows_wall_clock_and_summed_seconds() -> None:
    text = render_summary_markdown(_summary(), [])
    assert "| Phase | Wall-clock seconds | Summed over templates |" in text
    assert "| execute | 0.500 | 1.750 |" in text
    assert "| analyze\\_schema | 0.250 |  |" in text


def test_console_summary_shows_both_figures_for_template_phases() -> None:
    text = render_console_summary(_summary(), [])
    execute_line = next(line for line in text.splitlines() if line.strip().startswith("execute"))
    assert "0.50 s" in execute_line
    assert "summed over templates 1.75 s" in execute_line
    assert "UC-002 (Rings) got no template" in text


def test_recommendation_line_neither_repeats_the_title_nor_the_named_entities() -> None:
    line = _recommendation_line(
        Recommendation(
            title="Review the ring",
            description="Review the ring, largest first: customers/c1, customers/c2.",
            priority="high",
            related_entities=["customers/c1", "customers/c2", "devices/d9"],
        )
    )
    assert line.startswith("- **high**: **Review the ring**, largest first")
    assert line.count("customers/c1") == 1
    assert line.endswith("(also: devices/d9)")


def test_warnings_are_shown_near_the_top_of_both_summaries() -> None:
    summary = _summary()
    summary.warnings = [
        "edge collection 'placed': 2 edges point to missing vertices (e.g. placed/x: a -> b)",
        "no requirements found in the documents; used the vertical's standard questions",
    ]
    markdown = render_summary_markdown(summary, [])
    console = render_console_summary(summary, [])

    assert "## Warnings" in markdown
    assert markdown.index("## Warnings") < markdown.index("## Skipped use cases")
    assert "- no requirements found in the documents; used the vertical's standard questions" in (
        markdown
    )
    assert "placed/x: a -&gt; b" in markdown
    lines = console.splitlines()
    assert lines[3] == "Warnings:"
    assert "  - edge collection 'placed': 2 edges point to missing vertices" in console
    assert "used the vertical's standard questions" in console


def test_no_warnings_section_without_warnings() -> None:
    assert "Warnings" not in render_summary_markdown(_summary(), [])
    assert "Warnings" not in render_console_summary(_summary(), [])
