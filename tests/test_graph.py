"""End-to-end tests of the wired workflow on the bundled demo."""

from __future__ import annotations

import asyncio
import importlib
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gaai_graph.context import Context
from gaai_graph.graph import build_graph, graph
from gaai_graph.models import AnalysisTemplate, ExecutionResult, GraphProjection
from gaai_graph.nodes import admission as admission_module
from gaai_graph.nodes import execute as execute_module
from gaai_graph.nodes.admission import AnalysisAdmission
from gaai_graph.nodes.templates import generate_templates as real_generate_templates

# The package re-exports the compiled `graph`, which shadows the module of the same name.
graph_module = importlib.import_module("gaai_graph.graph")

REQUIREMENTS_TEXT = """# Fraud review

## Requirements
- Detect fraud rings: groups of customers sharing devices or payment cards.
- Identify our most influential customers in the referral programme.
"""


def _patch_templates(
    monkeypatch: pytest.MonkeyPatch,
    rewrite: Callable[[list[AnalysisTemplate]], list[AnalysisTemplate]],
) -> Any:
    """Build a graph whose template phase is the real one followed by `rewrite`."""

    async def generate_templates(state: Any, runtime: Any) -> dict[str, Any]:
        update = await real_generate_templates(state, runtime)
        update["templates"] = rewrite(update["templates"])
        return update

    monkeypatch.setattr(graph_module, "generate_templates", generate_templates)
    return build_graph().compile()


async def test_demo_run_produces_a_report_per_template() -> None:
    result = await graph.ainvoke({"documents": []}, context=Context(source="demo"))

    summary = result["summary"]
    reports = result["reports"]
    assert summary is not None
    assert len(reports) == len(summary.templates) >= 5
    assert {r.template_id for r in reports} == {t.id for t in summary.templates}
    assert all(r.status == "succeeded" for r in reports), [r.error for r in reports]
    assert summary.vertical == "ecommerce"
    for phase in ("analyze_schema", "extract_requirements", "generate_templates", "execute"):
        assert phase in summary.timings


async def test_runs_without_a_context_using_defaults() -> None:
    result = await graph.ainvoke({"documents": [{"content": REQUIREMENTS_TEXT}]})

    algorithms = {report.algorithm for report in result["reports"]}
    assert "shared_identifiers" in algorithms  # rings of shared devices
    assert "pagerank" in algorithms


async def test_accepts_documents_as_paths_and_inline_text(tmp_path: Path) -> None:
    document = tmp_path / "brief.md"
    document.write_text(REQUIREMENTS_TEXT, encoding="utf-8")
    inline = "## Requirements\n- Find circular referral chains abusing the referral bonus.\n"

    result = await graph.ainvoke(
        {"documents": [str(document), {"content": inline, "name": "memo"}]},
        context=Context(source="demo"),
    )

    sources = {requirement.source for requirement in result["summary"].requirements}
    assert sources == {"brief.md", "memo"}
    assert "scc" in {report.algorithm for report in result["reports"]}


async def test_two_hundred_templates_lose_no_report(monkeypatch: pytest.MonkeyPatch) -> None:
    def multiply(templates: list[AnalysisTemplate]) -> list[AnalysisTemplate]:
        return [
            template.model_copy(update={"id": f"TPL-{index:03d}"})
            for index, template in enumerate(
                (templates[i % len(templates)] for i in range(200)), start=1
            )
        ]

    patched = _patch_templates(monkeypatch, multiply)
    result = await patched.ainvoke(
        {"documents": []}, context=Context(source="demo", max_executions=64)
    )

    ids = [report.template_id for report in result["reports"]]
    assert len(ids) == 200
    assert len(set(ids)) == 200
    assert sum(1 for report in result["reports"] if report.status == "succeeded") == 200
    assert len(result["summary"].reports) == 200


async def test_one_failing_template_leaves_the_others_intact(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hallucinated = AnalysisTemplate(
        id="TPL-999",
        use_case_id="UC-999",
        requirement_ids=[],
        title="Influence among galaxies",
        algorithm="pagerank",
        projection=GraphProjection(vertex_collections=["galaxies"], edge_collections=["orbits"]),
    )
    patched = _patch_templates(monkeypatch, lambda templates: [*templates, hallucinated])

    result = await patched.ainvoke({"documents": []}, context=Context(source="demo"))
    baseline = await graph.ainvoke({"documents": []}, context=Context(source="demo"))

    by_id = {report.template_id: report for report in result["reports"]}
    failed = by_id.pop("TPL-999")
    assert failed.status == "failed"
    assert "galaxies" in (failed.error or "")
    assert by_id and all(report.status == "succeeded" for report in by_id.values())
    assert any(error.template_id == "TPL-999" for error in result["errors"])
    assert "TPL-999" in {failure.template_id for failure in result["summary"].failures}
    # Every other report is exactly what a run without the failing template writes.
    expected = {report.template_id: _content(report) for report in baseline["reports"]}
    assert {tid: _content(report) for tid, report in by_id.items()} == expected


def _content(report: Any) -> dict[str, Any]:
    """A report's content without its wall-clock measurement, which differs between runs."""
    data: dict[str, Any] = report.model_dump(mode="json")
    data["metrics"] = {k: v for k, v in data["metrics"].items() if k != "runtime_seconds"}
    return data


async def test_engine_exception_is_recorded_for_that_template_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real_run = execute_module._engine.run

    def flaky_run(
        projection: Any, template: AnalysisTemplate, *, seed: int, **_: Any
    ) -> ExecutionResult:
        if template.id == "TPL-002":
            raise RuntimeError("engine crashed")
        return real_run(projection, template, seed=seed)

    monkeypatch.setattr(execute_module._engine, "run", flaky_run)
    result = await graph.ainvoke({"documents": []}, context=Context(source="demo"))

    statuses = {report.template_id: report.status for report in result["reports"]}
    assert statuses.pop("TPL-002") == "failed"
    assert statuses and set(statuses.values()) == {"succeeded"}


class _ConcurrencyProbe:
    """Replaces the engine: sleeps per template and records how many ran at once."""

    def __init__(self, delays: dict[str, float] | None = None, default: float = 0.05) -> None:
        self.delays = delays or {}
        self.default = default
        self.running = 0
        self.peak = 0
        self.lock = threading.Lock()
        self.ended: dict[str, float] = {}

    def run(
        self, projection: Any, template: AnalysisTemplate, *, seed: int, **_: Any
    ) -> ExecutionResult:
        with self.lock:
            self.running += 1
            self.peak = max(self.peak, self.running)
        time.sleep(self.delays.get(template.id, self.default))
        with self.lock:
            self.running -= 1
            self.ended[template.id] = time.perf_counter()
        return ExecutionResult(
            template_id=template.id,
            status="succeeded",
            algorithm=template.algorithm,
            metrics={"vertex_count": 1, "edge_count": 0, "runtime_seconds": 0.0},
        )


class _AdmissionByCores(AnalysisAdmission):
    """The admission without its size rule (the templates here differ in size)."""

    def __init__(self, slots: int, *, by_size: bool = True) -> None:
        super().__init__(slots, by_size=False)


@pytest.mark.parametrize(
    ("max_executions", "parallel", "cores", "expected_peak"),
    [(3, True, 8, 3), (3, True, 2, 2), (8, False, 8, 1)],
)
async def test_concurrency_is_bounded(
    monkeypatch: pytest.MonkeyPatch,
    max_executions: int,
    parallel: bool,
    cores: int,
    expected_peak: int,
) -> None:
    # Analyses run at most max_executions at once, and no more than one per core.
    probe = _ConcurrencyProbe()
    monkeypatch.setattr(execute_module._engine, "run", probe.run)
    monkeypatch.setattr(admission_module, "usable_cores", lambda: cores)
    monkeypatch.setattr(execute_module, "AnalysisAdmission", _AdmissionByCores)
    patched = _patch_templates(
        monkeypatch,
        lambda templates: [
            templates[i % len(templates)].model_copy(update={"id": f"TPL-{i:03d}"})
            for i in range(12)
        ],
    )

    result = await patched.ainvoke(
        {"documents": []},
        context=Context(source="demo", max_executions=max_executions, enable_parallelism=parallel),
    )

    assert len(result["reports"]) == 12
    assert probe.peak == expected_peak


async def test_report_starts_when_its_own_execution_ends(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    probe = _ConcurrencyProbe(delays={"TPL-001": 0.8}, default=0.05)
    monkeypatch.setattr(execute_module._engine, "run", probe.run)
    # Every analysis at once (as on a machine with many cores), so the pipelining is seen.
    monkeypatch.setattr(admission_module, "usable_cores", lambda: 16)
    monkeypatch.setattr(execute_module, "AnalysisAdmission", _AdmissionByCores)
    report_started: dict[str, float] = {}
    real_write_report = execute_module.write_report

    def spy_write_report(task: Any, execution: ExecutionResult) -> Any:
        report_started[task.template.id] = time.perf_counter()
        return real_write_report(task, execution)

    monkeypatch.setattr(execute_module, "write_report", spy_write_report)
    await graph.ainvoke({"documents": []}, context=Context(source="demo", max_executions=16))

    slow_end = probe.ended["TPL-001"]
    early_reports = [tid for tid, started in report_started.items() if started < slow_end]
    # Every fast template's report was written while the slow execution still ran.
    assert set(early_reports) == set(report_started) - {"TPL-001"}
    assert early_reports


class _PerRunProbe:
    """Replaces the engine: counts executions running at once per run (told apart by seed)."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.lock = threading.Lock()
        self.running: dict[int, int] = {}
        self.peak: dict[int, int] = {}
        self.total_peak = 0

    def run(
        self, projection: Any, template: AnalysisTemplate, *, seed: int, **_: Any
    ) -> ExecutionResult:
        with self.lock:
            self.running[seed] = self.running.get(seed, 0) + 1
            self.peak[seed] = max(self.peak.get(seed, 0), self.running[seed])
            self.total_peak = max(self.total_peak, sum(self.running.values()))
        time.sleep(self.delay)
        with self.lock:
            self.running[seed] -= 1
        return ExecutionResult(
            template_id=template.id,
            status="succeeded",
            algorithm=template.algorithm,
            metrics={"vertex_count": 1, "edge_count": 0, "runtime_seconds": 0.0},
        )


async def test_concurrent_runs_in_one_process_do_not_share_a_gate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    probe = _PerRunProbe(delay=0.15)
    monkeypatch.setattr(execute_module._engine, "run", probe.run)
    results = await asyncio.gather(
        graph.ainvoke({"documents": []}, context=Context(source="demo", max_executions=1, seed=1)),
        graph.ainvoke({"documents": []}, context=Context(source="demo", max_executions=2, seed=2)),
    )
    assert [len(r["reports"]) for r in results] == [len(r["summary"].templates) for r in results]
    # Each run keeps its own bound, and the two bounds apply side by side: one shared gate
    # would cap both runs together at one or two executions.
    assert probe.peak == {1: 1, 2: 2}
    assert probe.total_peak == 3
    assert not execute_module._gates


def test_the_package_graph_is_the_compiled_graph_even_after_its_module_is_imported() -> None:
    # Importing the submodule gaai_graph.graph binds the package attribute `graph` to it; the
    # public name must still be the compiled workflow.
    import importlib

    import gaai_graph

    importlib.import_module("gaai_graph.graph")
    from gaai_graph import graph as exported

    assert hasattr(exported, "ainvoke")
    assert gaai_graph.graph is exported
