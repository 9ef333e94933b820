"""The seed-compatible runner API and the `gaai run` progress/--json modes."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import re
import threading
from pathlib import Path
from typing import Any

import pytest

import gaai_graph
import gaai_graph.nodes.execute as execute_module
from gaai_graph.cli import main
from gaai_graph.context import Context
from gaai_graph.errors import GaaiError
from gaai_graph.runner import AgenticWorkflowRunner, WorkflowResult, run_agentic_workflow_async


@pytest.fixture
def concurrency_probe(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Record the largest number of template executions running at the same time."""
    probe = {"running": 0, "peak": 0}
    lock = threading.Lock()
    original = execute_module.execute_template

    async def probed(*args: Any, **kwargs: Any) -> Any:
        with lock:
            probe["running"] += 1
            probe["peak"] = max(probe["peak"], probe["running"])
        try:
            await asyncio.sleep(0.02)  # long enough for siblings to overlap if allowed
            return await original(*args, **kwargs)
        finally:
            with lock:
                probe["running"] -= 1

    monkeypatch.setattr(execute_module, "execute_template", probed)
    return probe


def test_package_exports_the_runner_api() -> None:
    assert gaai_graph.AgenticWorkflowRunner is AgenticWorkflowRunner
    assert gaai_graph.run_agentic_workflow_async is run_agentic_workflow_async


async def test_run_async_defaults_to_the_demo_and_returns_titled_reports(
    concurrency_probe: dict[str, int],
) -> None:
    runner = AgenticWorkflowRunner(graph_name="ecommerce_graph", max_executions=3)
    state = await runner.run_async()

    assert isinstance(state, WorkflowResult)
    assert state.summary is not None and state.summary.source == "demo"
    assert state.summary.graph_name == "ecommerce_graph"
    assert len(state.reports) == len(state.values["templates"]) >= 4
    assert all(report.title for report in state.reports)
    assert 1 < concurrency_probe["peak"] <= 3


async def test_run_inside_a_running_loop_is_sequential(
    concurrency_probe: dict[str, int],
) -> None:
    # This coroutine runs in the event loop, as a Jupyter cell does: run() must still work.
    asyncio.get_running_loop()
    runner = AgenticWorkflowRunner(graph_name="ecommerce_graph", max_executions=8)
    state = runner.run()
    assert state.summary is not None and len(state.reports) >= 4
    assert concurrency_probe["peak"] == 1


def test_run_from_plain_code_and_parallelism_switch(concurrency_probe: dict[str, int]) -> None:
    runner = AgenticWorkflowRunner(graph_name="ecommerce_graph")
    asyncio.run(runner.run_async(enable_parallelism=False))
    assert concurrency_probe["peak"] == 1
    state = runner.run()
    assert state.summary is not None


async def test_documents_by_path_and_by_content(tmp_path: Path) -> None:
    document = tmp_path / "requirements.md"
    document.write_text("# Goals\n\n- Find the most influential customers.\n")
    state = await run_agentic_workflow_async(
        graph_name="ecommerce_graph",
        input_documents=[
            {"path": str(document)},
            {"content": "Detect rings of customers sharing devices or payment methods."},
        ],
        max_executions=2,
    )
    sources = {requirement.source for requirement in state.values["requirements"]}
    assert len(sources) == 2 and any("requirements.md" in s for s in sources)
    algorithms = {report.algorithm for report in state.reports}
    assert "pagerank" in algorithms
    assert algorithms & {"wcc", "scc", "connected_components", "weakly_connected_components"}


async def test_a_bad_document_is_a_clear_error(tmp_path: Path) -> None:
    runner = AgenticWorkflowRunner(graph_name="ecommerce_graph")
    with pytest.raises(GaaiError, match=r"missing\.md"):
        await runner.run_async(input_documents=[{"path": str(tmp_path / "missing.md")}])


def test_bad_options_fail_at_construction() -> None:
    with pytest.raises(GaaiError, match="unknown runner option"):
        AgenticWorkflowRunner(graph_nmae="x")
    with pytest.raises(GaaiError, match="max_executions"):
        AgenticWorkflowRunner(max_executions=0)
    if "model" not in {f.name for f in dataclasses.fields(Context)}:
        with pytest.raises(GaaiError, match="no LLM path"):
            AgenticWorkflowRunner(model="gpt-4o-mini")


def test_trace_needs_a_traced_run() -> None:
    runner = AgenticWorkflowRunner(enable_tracing=False)
    with pytest.raises(GaaiError, match="no trace recorded"):
        runner.print_trace_summary()
    runner.run()
    with pytest.raises(GaaiError, match="no trace recorded"):
        runner.export_trace("unused")


async def test_export_reports_writes_every_format(tmp_path: Path) -> None:
    runner = AgenticWorkflowRunner(graph_name="ecommerce_graph")
    state = await runner.run_async()
    runner.export_reports(state, tmp_path)
    assert (tmp_path / "index.html").is_file() and (tmp_path / "summary.json").is_file()
    for suffix in ("json", "md", "html"):
        assert len(list((tmp_path / "reports").glob(f"*.{suffix}"))) == len(state.reports)
    unfinished = WorkflowResult(run_id="r", thread_id="r")
    with pytest.raises(GaaiError, match="no summary"):
        runner.export_reports(unfinished, tmp_path)


async def test_debug_mode_logs_node_events(capsys: pytest.CaptureFixture[str]) -> None:
    runner = AgenticWorkflowRunner(graph_name="ecommerce_graph", enable_debug_mode=True)
    await runner.run_async(max_executions=2)
    err = capsys.readouterr().err
    assert "[gaai debug] task analyze_schema start" in err
    assert "[gaai debug] update from aggregate" in err


# -- gaai run ---------------------------------------------------------------------------------


def test_cli_shows_progress_per_phase_and_template(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", "--out", str(tmp_path), "--max-executions", "2"]) == 0
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    templates = [line for line in lines if line.rstrip().endswith(" started")]
    finished = [line for line in lines if re.search(r"\] +TPL-\S+ .*\(\d+/\d+\)$", line)]
    assert len(templates) >= 4 and len(finished) == len(templates)
    assert finished[-1].rstrip().endswith(f"({len(templates)}/{len(templates)})")
    for phase in ("analyze_schema", "extract_requirements", "generate_templates", "aggregate"):
        assert any(f"] {phase}:" in line for line in lines)
    assert "Reports written to" in captured.out
    assert (tmp_path / "index.html").is_file()


def test_cli_quiet_and_json_modes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--out", str(tmp_path), "--quiet", "--json"]) == 0
    captured = capsys.readouterr()
    # No progress lines (the checkpoint thread id may still be named on stderr).
    assert not [line for line in captured.err.splitlines() if line.startswith("[")]
    data = json.loads(captured.out)
    assert data["graph_name"] == "ecommerce_graph"
    assert data["index_html"] == str(tmp_path / "index.html")
    assert data["reports"] and all(r["status"] == "succeeded" for r in data["reports"])
    for report in data["reports"]:
        for path in report["files"].values():
            assert Path(path).is_file()
    assert data["trace"]["steps_completed"] == 6 + len(data["reports"])
    assert data["trace"]["llm_calls"] == 0
