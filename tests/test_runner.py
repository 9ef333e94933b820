"""The seed-compatible runner API and the `gaai run` progress/--json modes."""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import json
import logging
import re
import threading
from pathlib import Path
from typing import Any

import pytest
from langgraph.checkpoint.memory import InMemorySaver

import gaai_graph
import gaai_graph.nodes.execute as execute_module
from gaai_graph.cli import main
from gaai_graph.context import Context
from gaai_graph.errors import GaaiError
from gaai_graph.runner import (
    MEMORY_CHECKPOINT,
    AgenticWorkflowRunner,
    WorkflowResult,
    default_checkpoint,
    default_state_dir,
    run_agentic_workflow_async,
)


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
    assert algorithms & {"shared_identifiers", "wcc", "scc"}


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


# -- checkpoints, approval and resume ---------------------------------------------------------


def test_the_default_state_dir_is_the_out_dir_unless_gaai_state_dir_says(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("GAAI_STATE_DIR", str(tmp_path / "explicit"))
    assert default_state_dir() == tmp_path / "explicit"
    assert default_state_dir("elsewhere") == tmp_path / "explicit"
    assert default_checkpoint() == str(tmp_path / "explicit" / "checkpoints.sqlite")
    monkeypatch.delenv("GAAI_STATE_DIR")
    assert default_state_dir() == Path("gaai-output")
    assert default_checkpoint(tmp_path / "out") == str(tmp_path / "out" / "checkpoints.sqlite")


async def test_without_gaai_state_dir_state_goes_under_the_out_dir_and_nowhere_else(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("GAAI_STATE_DIR")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg"))
    monkeypatch.chdir(tmp_path)
    runner = AgenticWorkflowRunner(graph_name="ecommerce_graph")
    state = await runner.run_async(max_executions=4)
    store = Path("gaai-output") / "checkpoints.sqlite"
    assert state.checkpoint == str(store) and store.stat().st_size > 0
    runner.export_reports(state)  # into the same directory
    assert (tmp_path / "gaai-output" / "index.html").is_file()
    assert not (tmp_path / "home").exists() and not (tmp_path / "xdg").exists()

    # A runner made later with the same (default) out_dir finds the run; another does not.
    again = await AgenticWorkflowRunner().resume_async(thread_id=state.thread_id)
    assert again.summary == state.summary
    with pytest.raises(GaaiError, match="give the out_dir="):
        await AgenticWorkflowRunner(out_dir="other").resume_async(thread_id=state.thread_id)


async def test_runs_are_checkpointed_in_the_state_dir_by_default(state_dir: Path) -> None:
    runner = AgenticWorkflowRunner(graph_name="ecommerce_graph")
    assert runner.checkpoint == str(state_dir / "checkpoints.sqlite")
    state = await runner.run_async(max_executions=4)
    assert state.summary is not None and state.interrupt is None
    assert state.checkpoint == runner.checkpoint
    assert (state_dir / "checkpoints.sqlite").stat().st_size > 0

    # Another runner (as in a new process) reads the finished run back from the file.
    again = await AgenticWorkflowRunner(graph_name="ecommerce_graph").resume_async(
        thread_id=state.thread_id
    )
    assert again.summary == state.summary
    assert [r.template_id for r in again.reports] == [r.template_id for r in state.reports]


async def test_memory_checkpoints_and_a_given_saver_write_no_file(state_dir: Path) -> None:
    memory = AgenticWorkflowRunner(graph_name="ecommerce_graph", checkpoint=MEMORY_CHECKPOINT)
    saver = AgenticWorkflowRunner(graph_name="ecommerce_graph", checkpointer=InMemorySaver())
    for runner in (memory, saver):
        assert runner.checkpoint is None
        state = await runner.run_async(max_executions=4)
        assert state.summary is not None
    assert not state_dir.exists()
    with pytest.raises(GaaiError, match=r"either checkpointer= .* or checkpoint="):
        AgenticWorkflowRunner(checkpointer=InMemorySaver(), checkpoint="x.sqlite")


@pytest.mark.parametrize("checkpoint", [None, MEMORY_CHECKPOINT])
async def test_approval_pauses_with_the_templates_and_resume_runs_the_approved_ones(
    state_dir: Path,
    tmp_path: Path,
    checkpoint: str | None,
    caplog: pytest.LogCaptureFixture,
) -> None:
    runner = AgenticWorkflowRunner(
        graph_name="ecommerce_graph", approve_templates=True, checkpoint=checkpoint
    )
    paused = await runner.run_async(max_executions=4)

    assert paused.interrupted and paused.interrupt is not None
    assert paused.reports == [] and paused.summary is None
    shown = [template["id"] for template in paused.interrupt.templates]
    assert shown == [template.id for template in paused.values["templates"]]
    assert len(shown) >= 4 and "Approve the" in paused.interrupt.question
    assert paused.interrupt.error is None
    with pytest.raises(GaaiError, match=r"waiting for template approval: call runner\.resume\("):
        runner.export_reports(paused, tmp_path / "out")

    # A refused answer pauses again, saying why; nothing has run.
    refused = await runner.resume_async({"drop": ["TPL-999"]})
    assert refused.interrupt is not None and "TPL-999" in (refused.interrupt.error or "")
    assert refused.reports == []

    with caplog.at_level(logging.WARNING):
        final = await runner.resume_async({"drop": [shown[-1]]})
    assert final.interrupt is None and final.thread_id == paused.thread_id
    assert final.summary is not None
    assert sorted(r.template_id for r in final.reports) == sorted(shown[:-1])
    assert not [r for r in caplog.records if "unregistered type" in r.getMessage()]
    written = runner.export_reports(final, tmp_path / "out")
    assert tmp_path / "out" / "index.html" in written

    # The reviewer's drop is recorded, and is not counted as an error of the run.
    trace = runner.trace_summary()
    assert trace.reviewer_decisions == 2  # the refused answer and the drop
    assert trace.errors == 0
    with pytest.raises(GaaiError, match="not waiting for template approval"):
        await runner.resume_async(True)


def test_sync_resume_accepts_all_and_a_new_runner_resumes_by_thread_id(state_dir: Path) -> None:
    first = AgenticWorkflowRunner(graph_name="ecommerce_graph", approve_templates=True)
    paused = first.run()
    assert paused.interrupt is not None

    # A runner made later (as in another process) finds the paused run in the state dir.
    later = AgenticWorkflowRunner(graph_name="ecommerce_graph", approve_templates=True)
    still = later.resume(thread_id=paused.thread_id)  # no answer: still waiting
    assert still.interrupt is not None and still.reports == []
    final = later.resume(True, thread_id=paused.thread_id)
    assert final.summary is not None and final.interrupt is None
    assert len(final.reports) == len(paused.interrupt.templates)

    with pytest.raises(GaaiError, match="no checkpointed run with thread id 'run-nope'"):
        later.resume(thread_id="run-nope")
    with pytest.raises(GaaiError, match="nothing to resume"):
        AgenticWorkflowRunner().resume()


async def test_a_run_that_crashed_resumes_without_rerunning_finished_templates(
    state_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gaai_graph.nodes.aggregate as aggregate_module

    executed: list[str] = []
    original_execute = execute_module.execute_template
    original_summarize = aggregate_module.summarize_run
    crashes = [RuntimeError("the machine went down")]

    async def counted(task: Any, *args: Any, **kwargs: Any) -> Any:
        executed.append(task.template.id)
        return await original_execute(task, *args, **kwargs)

    def crash_once(*args: Any, **kwargs: Any) -> Any:
        if crashes:
            raise crashes.pop()
        return original_summarize(*args, **kwargs)

    monkeypatch.setattr(execute_module, "execute_template", counted)
    monkeypatch.setattr(aggregate_module, "summarize_run", crash_once)

    runner = AgenticWorkflowRunner(graph_name="ecommerce_graph")
    with pytest.raises(RuntimeError, match="went down"):
        await runner.run_async(max_executions=4, run_id="run-crashed")
    templates = sorted(set(executed))
    assert len(templates) == len(executed) >= 4

    # A new runner (as after a restart) continues the thread from its last checkpoint.
    resumed = await AgenticWorkflowRunner(graph_name="ecommerce_graph").resume_async(
        thread_id="run-crashed"
    )
    assert resumed.summary is not None and resumed.interrupt is None
    assert sorted(r.template_id for r in resumed.reports) == templates
    assert sorted(executed) == templates  # no template chain ran twice


# -- gaai run ---------------------------------------------------------------------------------


def test_cli_shows_progress_per_phase_and_template(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", "--out", str(tmp_path), "--max-executions", "2"]) == 0
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    templates = [line for line in lines if line.rstrip().endswith(" running")]
    queued = [line for line in lines if line.rstrip().endswith(" queued")]
    finished = [line for line in lines if re.search(r"\] +TPL-\S+ .*\(\d+/\d+\)$", line)]
    assert len(templates) >= 4 and len(finished) == len(templates) == len(queued)
    assert finished[-1].rstrip().endswith(f"({len(templates)}/{len(templates)})")
    assert max(_running_counts(lines)) == 2  # never more than --max-executions at once
    for phase in ("analyze_schema", "extract_requirements", "generate_templates", "aggregate"):
        assert any(f"] {phase}:" in line for line in lines)
        # Each phase is announced when it starts, before the line saying it ended.
        start = next(i for i, line in enumerate(lines) if line.endswith(f"] {phase} started"))
        assert start < next(i for i, line in enumerate(lines) if f"] {phase}:" in line)
    assert "Reports written to" in captured.out
    assert (tmp_path / "index.html").is_file()


def _running_counts(lines: list[str]) -> list[int]:
    """How many templates run after each progress line (running minus finished so far)."""
    counts, running = [], 0
    for line in lines:
        if re.search(r"\] +TPL-\S+ .* running$", line):
            running += 1
        elif re.search(r"\] +TPL-\S+ .*\(\d+/\d+\)$", line):
            running -= 1
        counts.append(running)
    return counts


def test_cli_sequential_progress_says_queued_then_runs_one_at_a_time(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", "--out", str(tmp_path), "--sequential"]) == 0
    lines = capsys.readouterr().err.splitlines()
    template_lines = [line for line in lines if re.search(r"\] +TPL-\S+ ", line)]
    queued = [i for i, line in enumerate(template_lines) if line.endswith(" queued")]
    running = [i for i, line in enumerate(template_lines) if line.endswith(" running")]
    assert len(queued) == len(running) >= 4
    # All are scheduled at once, but each starts only after the one before it finished.
    assert max(queued) < running[1]
    assert max(_running_counts(lines)) == 1 and min(_running_counts(lines)) == 0
    for earlier, later in itertools.pairwise(running):
        between = template_lines[earlier + 1 : later]
        assert [line for line in between if re.search(r"\(\d+/\d+\)$", line)], between


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
    assert data["trace"]["steps_completed"] == 7 + len(data["reports"])
    assert data["trace"]["llm_calls"] == 0
