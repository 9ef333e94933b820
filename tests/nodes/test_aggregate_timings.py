"""Tests of wall-clock phase timings and of use cases skipped on purpose in the run summary."""

from __future__ import annotations

import importlib
import threading
import time

from gaai_graph.context import Context
from gaai_graph.models import (
    AnalysisTemplate,
    GraphProjection,
    Insight,
    PhaseTiming,
    Report,
    RunError,
)
from gaai_graph.nodes.aggregate import is_skipped, summarize_run
from gaai_graph.nodes.common import timed
from gaai_graph.state import WorkflowState

PROJECTION = GraphProjection(vertex_collections=["customers"], edge_collections=["follows"])


def _span(phase: str, start: float, end: float, template_id: str | None = None) -> PhaseTiming:
    return PhaseTiming(
        phase=phase,
        seconds=end - start,
        template_id=template_id,
        started_at=1_000.0 + start,
        finished_at=1_000.0 + end,
    )


def test_concurrent_steps_count_their_wall_time_once() -> None:
    state = WorkflowState(
        timings=[
            _span("analyze_schema", 0.0, 0.5),
            # Three template executions overlap in [1, 3.5]; a fourth runs alone in [5, 6].
            _span("execute", 1.0, 3.0, "TPL-001"),
            _span("execute", 1.5, 2.5, "TPL-002"),
            _span("execute", 2.0, 3.5, "TPL-003"),
            _span("execute", 5.0, 6.0, "TPL-004"),
            _span("report", 3.0, 3.25, "TPL-001"),
            _span("report", 3.5, 3.75, "TPL-003"),
        ]
    )
    summary = summarize_run(state, run_id="r", source="demo")
    assert summary.timings["analyze_schema"] == 0.5
    assert summary.timings["execute"] == 3.5  # [1, 3.5] + [5, 6], not 2 + 1 + 1.5 + 1
    assert summary.timings["report"] == 0.5
    assert summary.summed_step_seconds == {"execute": 5.5, "report": 0.5}


def test_steps_recorded_without_a_span_fall_back_to_their_sum() -> None:
    state = WorkflowState(
        timings=[
            PhaseTiming(phase="execute", seconds=1.25, template_id="TPL-001"),
            PhaseTiming(phase="execute", seconds=0.75, template_id="TPL-002"),
        ]
    )
    summary = summarize_run(state, run_id="r", source="demo")
    assert summary.timings["execute"] == 2.0


def test_timed_records_a_wall_clock_span_that_merges_concurrent_steps() -> None:
    step_seconds = 0.2
    barrier = threading.Barrier(3)
    timings: list[PhaseTiming] = []
    lock = threading.Lock()

    def step(template_id: str) -> None:
        barrier.wait()
        with timed("execute", template_id) as clock:
            time.sleep(step_seconds)
        with lock:
            timings.append(clock.timing)

    threads = [threading.Thread(target=step, args=(f"TPL-00{i}",)) for i in range(1, 4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    for timing in timings:
        assert timing.started_at is not None and timing.finished_at is not None
        assert timing.finished_at - timing.started_at >= step_seconds * 0.9
        assert abs((timing.finished_at - timing.started_at) - timing.seconds) < 0.01
    summary = summarize_run(WorkflowState(timings=timings), run_id="r", source="demo")
    summed = summary.summed_step_seconds["execute"]
    assert summed >= 3 * step_seconds * 0.9
    # The three sleeps overlapped, so the phase took about one step, well under the sum.
    assert step_seconds * 0.9 <= summary.timings["execute"] < summed * 0.75


def _template(index: int) -> AnalysisTemplate:
    return AnalysisTemplate(
        id=f"TPL-{index:03d}",
        use_case_id=f"UC-{index:03d}",
        requirement_ids=[f"REQ-{index:03d}"],
        title=f"Analysis {index}",
        algorithm="pagerank",
        projection=PROJECTION,
    )


def _skipping_state() -> WorkflowState:
    template = _template(1)
    report = Report(
        template_id=template.id,
        use_case_id=template.use_case_id,
        requirement_ids=template.requirement_ids,
        title=template.title,
        algorithm=template.algorithm,
        projection=template.projection,
        status="succeeded",
        insights=[
            Insight(title="Leader", description="Leader scores 0.5.", confidence=0.8, evidence={})
        ],
    )
    return WorkflowState(
        templates=[template],
        reports=[report],
        errors=[
            RunError(
                phase="generate_templates",
                message="UC-002 (Rings) got no template: max_templates=1 reached",
            ),
            RunError(
                phase="generate_templates",
                message="UC-003 (Cycles) got no template: max_templates=1 reached",
            ),
            RunError(
                phase="generate_templates",
                message="UC-004 (Paths) got no template: no edge collection links customers",
            ),
        ],
    )


def test_use_cases_beyond_max_templates_are_skipped_not_failed() -> None:
    summary = summarize_run(_skipping_state(), run_id="r", source="demo")

    assert [error.message.split(" ")[0] for error in summary.skipped] == ["UC-002", "UC-003"]
    failed = [error.message for error in summary.failures]
    assert failed == ["UC-004 (Paths) got no template: no edge collection links customers"]
    assert summary.headline.startswith("1 of 1 analyses succeeded.")
    assert "2 use cases skipped (max_templates=1 reached)" in summary.headline
    assert "failed" not in summary.headline.split("Strongest")[0]


def test_only_the_template_budget_counts_as_a_skip() -> None:
    budget = RunError(
        phase="generate_templates", message="UC-1 (x) got no template: max_templates=3 reached"
    )
    assert is_skipped(budget)
    assert not is_skipped(RunError(phase="execute", message="max_templates=3 reached"))
    assert not is_skipped(
        RunError(phase="generate_templates", message="UC-1 (x) got no template: bad schema")
    )


async def test_a_demo_run_beyond_its_template_budget_reports_skips_not_failures() -> None:
    compiled = importlib.import_module("gaai_graph.graph").graph
    result = await compiled.ainvoke({}, context=Context(source="demo", max_templates=2))
    summary = result["summary"]

    assert len(result["reports"]) == 2
    assert all(report.status == "succeeded" for report in result["reports"])
    assert len(summary.skipped) == len(summary.use_cases) - 2 > 0
    assert all("max_templates=2 reached" in error.message for error in summary.skipped)
    assert summary.failures == []
    assert "failed" not in summary.headline
    assert f"{len(summary.skipped)} use cases skipped (max_templates=2 reached)" in (
        summary.headline
    )
    # Wall time of a phase never exceeds the sum of its steps' durations.
    assert 0 < summary.timings["execute"] <= summary.summed_step_seconds["execute"] + 1e-6
