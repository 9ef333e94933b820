"""Tests of the run summary: headline, findings, failures, unanswered requirements, timings."""

from __future__ import annotations

from langgraph.runtime import Runtime

from gaai_graph.context import Context
from gaai_graph.models import (
    AnalysisTemplate,
    GraphProjection,
    GraphSchema,
    Insight,
    PhaseTiming,
    Report,
    Requirement,
    RunError,
    UseCase,
    Vertical,
)
from gaai_graph.nodes.aggregate import aggregate, summarize_run
from gaai_graph.state import WorkflowState

PROJECTION = GraphProjection(vertex_collections=["customers"], edge_collections=["follows"])


def _template(index: int, algorithm: str = "pagerank") -> AnalysisTemplate:
    return AnalysisTemplate(
        id=f"TPL-{index:03d}",
        use_case_id=f"UC-{index:03d}",
        requirement_ids=[f"REQ-{index:03d}"],
        title=f"Analysis {index}",
        algorithm=algorithm,
        projection=PROJECTION,
    )


def _insight(title: str, confidence: float) -> Insight:
    return Insight(
        title=title,
        description=f"{title} backed by 0.5.",
        confidence=confidence,
        evidence={"statistics.gini": 0.5},
    )


def _report(template: AnalysisTemplate, *insights: Insight, error: str | None = None) -> Report:
    return Report(
        template_id=template.id,
        use_case_id=template.use_case_id,
        requirement_ids=template.requirement_ids,
        title=template.title,
        algorithm=template.algorithm,
        projection=template.projection,
        status="failed" if error else "succeeded",
        error=error,
        insights=list(insights),
    )


def _state() -> WorkflowState:
    templates = [_template(i) for i in range(1, 6)]
    reports = [
        # Completion order differs from template order, as with parallel chains.
        _report(templates[3], _insight("Rings found", 0.62), _insight("Minor", 0.2)),
        _report(templates[0], _insight("Influence concentrated", 0.91)),
        _report(templates[4], error="report writing failed: KeyError: 'x'"),
        _report(templates[2], error="unknown collection 'galaxies'"),
        _report(templates[1], _insight("Weak communities", 0.31), _insight("Big one", 0.77)),
    ]
    return WorkflowState(
        run_id="run-42",
        schema=GraphSchema(source="demo", graph_name="shop", collections=[], fingerprint="f"),
        vertical=Vertical(name="ecommerce", title="E-commerce"),
        requirements=[Requirement(id="REQ-001", kind="objective", text="x", source="d.md", line=1)],
        use_cases=[
            UseCase(
                id="UC-001",
                title="Influence",
                intent="influence",
                description="Who matters?",
                requirement_ids=["REQ-001"],
            )
        ],
        templates=templates,
        reports=reports,
        errors=[
            RunError(
                phase="execute", template_id="TPL-003", message="unknown collection 'galaxies'"
            ),
            RunError(phase="generate_use_cases", message="REQ-009: shortest paths not supported"),
            RunError(phase="extract_requirements", message="skipped empty.md: no text"),
        ],
        timings=[
            PhaseTiming(phase="analyze_schema", seconds=0.5),
            PhaseTiming(phase="extract_requirements", seconds=0.25),
            *[
                PhaseTiming(phase=step, seconds=seconds, template_id=f"TPL-00{i}")
                for i, (step, seconds) in enumerate(
                    [("execute", 1.5), ("execute", 2.0), ("report", 0.125), ("report", 0.375)],
                    start=1,
                )
            ],
            PhaseTiming(phase="total", seconds=6.0),
        ],
    )


def test_summary_counts_successes_and_names_the_strongest_finding() -> None:
    summary = summarize_run(_state(), run_id="run-42", source="demo")
    assert summary.headline.startswith("3 of 5 analyses succeeded, 2 failed.")
    assert "Influence concentrated" in summary.headline
    assert "Analysis 1" in summary.headline
    assert summary.run_id == "run-42"
    assert summary.vertical == "ecommerce"
    assert summary.graph_name == "shop"
    assert summary.source == "demo"


def test_key_findings_take_the_best_insight_of_each_success_by_confidence() -> None:
    summary = summarize_run(_state(), run_id="r", source="demo")
    assert len(summary.key_findings) == 3
    assert [f.split(":")[0] for f in summary.key_findings] == [
        "Analysis 1",
        "Analysis 2",
        "Analysis 4",
    ]
    assert "Big one" in summary.key_findings[1]
    assert "Weak communities" not in " ".join(summary.key_findings)


def test_failures_merge_errors_and_failed_reports_without_duplicates() -> None:
    summary = summarize_run(_state(), run_id="r", source="demo")
    by_template = {f.template_id: f for f in summary.failures}
    assert set(by_template) == {"TPL-003", "TPL-005"}
    assert by_template["TPL-003"].phase == "execute"
    assert by_template["TPL-005"].phase == "report"
    assert len(summary.failures) == 2
    # Skipped documents are not failed analyses; unanswered requirements are listed apart.
    assert all(f.phase != "extract_requirements" for f in summary.failures)
    assert summary.unanswered == ["REQ-009: shortest paths not supported"]


def test_timings_sum_per_template_steps_and_keep_the_total() -> None:
    summary = summarize_run(_state(), run_id="r", source="demo")
    assert summary.timings == {
        "analyze_schema": 0.5,
        "extract_requirements": 0.25,
        "execute": 3.5,
        "report": 0.5,
        "total": 6.0,
    }


def test_digests_follow_template_order_and_keep_one_per_template() -> None:
    state = _state()
    # A resumed run can deliver a template's report again; the latest one counts.
    rerun = _report(state.templates[2], _insight("Recovered", 0.5))
    state.reports.append(rerun)
    stray = _report(_template(99), _insight("Hand-made", 0.4))
    state.reports.insert(0, stray)
    summary = summarize_run(state, run_id="r", source="demo")
    assert [d.template_id for d in summary.reports] == [
        "TPL-001",
        "TPL-002",
        "TPL-003",
        "TPL-004",
        "TPL-005",
        "TPL-099",
    ]
    assert summary.reports[2].status == "succeeded"
    assert summary.reports[0].title == "Analysis 1"


def test_a_run_without_reports_says_so() -> None:
    state = WorkflowState()
    summary = summarize_run(state, run_id="r", source="demo")
    assert "No analysis ran" in summary.headline
    assert summary.reports == []
    assert summary.vertical == "unknown"


def test_all_failed_headline_has_no_finding() -> None:
    state = _state()
    state.reports = [r for r in state.reports if r.status == "failed"]
    summary = summarize_run(state, run_id="r", source="demo")
    assert summary.headline == "0 of 2 analyses succeeded, 2 failed."
    assert summary.key_findings == []


async def test_aggregate_node_uses_context_source_and_times_itself() -> None:
    state = _state()
    update = await aggregate(state, Runtime(context=Context(source="demo:2")))
    summary = update["summary"]
    assert summary.source == "demo:2"
    assert summary.run_id == "run-42"
    [timing] = update["timings"]
    assert timing.phase == "aggregate"
    assert summary.timings["aggregate"] == round(timing.seconds, 6)


async def test_aggregate_generates_a_run_id_when_none_was_given() -> None:
    state = _state()
    state.run_id = ""
    first = (await aggregate(state, Runtime()))["summary"]
    second = (await aggregate(state, Runtime()))["summary"]
    assert len(first.run_id) == 32 and int(first.run_id, 16) >= 0
    assert first.run_id != second.run_id
    assert first.source == Context().source


# --------------------------------------------------------------------------- polish


def test_findings_lead_the_headline_over_more_confident_context() -> None:
    state = _state()
    even = _insight("Coreness is evenly spread", 0.98).model_copy(update={"kind": "context"})
    state.reports = [
        _report(state.templates[0], even),
        _report(state.templates[1], _insight("Suspicious rings", 0.6)),
    ]
    summary = summarize_run(state, run_id="r", source="demo")
    assert "Strongest finding (Analysis 2): Suspicious rings" in summary.headline
    assert "evenly spread" not in summary.headline
    assert summary.key_findings[0].startswith("Analysis 2: Suspicious rings")
    assert summary.key_findings[1].endswith("(confidence 0.98, context)")

    # Only context anywhere: the headline says there is no actionable finding.
    state.reports = [_report(state.templates[0], even)]
    summary = summarize_run(state, run_id="r", source="demo")
    assert "No actionable finding; context (Analysis 1)" in summary.headline


def test_a_high_priority_use_case_leads_among_findings() -> None:
    state = _state()
    state.use_cases = [
        UseCase(
            id=f"UC-00{i}",
            title=f"Use case {i}",
            intent="rings",
            description="q",
            requirement_ids=[],
            priority=priority,
        )
        for i, priority in ((1, "medium"), (2, "high"))
    ]
    state.reports = [
        _report(state.templates[0], _insight("Hub leads", 0.96)),
        _report(state.templates[1], _insight("Suspicious rings", 0.8)),
    ]
    summary = summarize_run(state, run_id="r", source="demo")
    assert "(Analysis 2): Suspicious rings" in summary.headline


def test_concurrent_steps_count_once_in_wall_time_and_the_sum_is_kept_apart() -> None:
    state = _state()
    state.timings = [
        PhaseTiming(phase="analyze_schema", seconds=0.5, started_at=100.0, finished_at=100.5),
        # Three templates executing at once over [101, 103.5], then one alone over [104, 105].
        PhaseTiming(
            phase="execute", seconds=2.0, template_id="A", started_at=101.0, finished_at=103.0
        ),
        PhaseTiming(
            phase="execute", seconds=2.0, template_id="B", started_at=101.5, finished_at=103.5
        ),
        PhaseTiming(
            phase="execute", seconds=1.0, template_id="C", started_at=102.0, finished_at=103.0
        ),
        PhaseTiming(
            phase="execute", seconds=1.0, template_id="D", started_at=104.0, finished_at=105.0
        ),
        PhaseTiming(
            phase="report", seconds=0.25, template_id="A", started_at=103.0, finished_at=103.25
        ),
        # A step recorded without a span (an older checkpoint) makes its phase fall back to the sum.
        PhaseTiming(phase="aggregate", seconds=0.125),
    ]
    summary = summarize_run(state, run_id="r", source="demo")
    assert summary.timings["execute"] == 3.5  # 2.5 s + 1 s, not 6 s
    assert summary.summed_step_seconds["execute"] == 6.0
    assert summary.timings["analyze_schema"] == 0.5
    assert summary.timings["report"] == 0.25
    assert summary.timings["aggregate"] == 0.125
    assert "analyze_schema" not in summary.summed_step_seconds


def test_use_cases_beyond_max_templates_are_skipped_not_failed() -> None:
    state = _state()
    state.errors = [
        *state.errors,
        RunError(
            phase="generate_templates",
            message="UC-009 (Hub sellers) got no template: max_templates=8 reached",
        ),
        RunError(
            phase="generate_templates",
            message="UC-010 (Bridges) got no template: none of its focus collections is in the "
            "schema",
        ),
    ]
    summary = summarize_run(state, run_id="r", source="demo")
    assert [e.message for e in summary.skipped] == [
        "UC-009 (Hub sellers) got no template: max_templates=8 reached"
    ]
    failed = [f.message for f in summary.failures]
    assert not any("max_templates" in message for message in failed)
    assert any("UC-010" in message for message in failed)
    assert "1 use case skipped (max_templates=8 reached)." in summary.headline


def test_warnings_collect_schema_requirement_and_vertical_notes_once() -> None:
    state = _state()
    assert state.schema is not None
    dangling = "edge collection 'placed': 3 edges point to missing vertices (e.g. placed/p1)"
    state.schema.warnings = [dangling]
    state.errors = [
        *state.errors,
        RunError(phase="analyze_schema", message=dangling),
        RunError(
            phase="extract_requirements",
            message="no requirements found in the documents; used the vertical's standard "
            "questions (documents read: memo)",
        ),
        RunError(phase="resolve_vertical", message="using a generated vertical: Things"),
    ]

    summary = summarize_run(state, run_id="r", source="demo")

    assert summary.warnings == [
        "skipped empty.md: no text",
        dangling,
        "no requirements found in the documents; used the vertical's standard questions "
        "(documents read: memo)",
        "using a generated vertical: Things",
    ]
    # Warnings are neither failures nor unanswered requirements.
    assert all(f.phase not in {"analyze_schema", "resolve_vertical"} for f in summary.failures)
    assert summary.unanswered == ["REQ-009: shortest paths not supported"]
    assert summary.to_jsonable()["warnings"] == summary.warnings
