"""Tracing from real events: node runs from the stream, LLM calls from langchain callbacks."""

from __future__ import annotations

import asyncio
import itertools
import json
import socket
from typing import Any

import pytest
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langgraph.graph import END, START, StateGraph
from typing_extensions import TypedDict

import gaai_graph.nodes.execute as execute_module
from gaai_graph.errors import EngineError, GaaiError
from gaai_graph.runner import AgenticWorkflowRunner
from gaai_graph.tracing import LLMCall, WorkflowTracer, langsmith_status, render_trace_summary

USAGE = {"input_tokens": 10, "output_tokens": 5, "total_tokens": 15}


class CountingChatModel(BaseChatModel):
    """A chat model that answers 'ok' with fixed usage, or fails when the prompt says so."""

    fail_when_prompt_contains: str | None = None

    @property
    def _llm_type(self) -> str:
        return "counting-fake"

    def _get_ls_params(self, stop: list[str] | None = None, **kwargs: Any) -> Any:
        params = super()._get_ls_params(stop=stop, **kwargs)
        params["ls_model_name"] = "gpt-4o-mini"
        return params

    def _generate(
        self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **_: Any
    ) -> ChatResult:
        text = str(messages[-1].content)
        if self.fail_when_prompt_contains and self.fail_when_prompt_contains in text:
            raise RuntimeError("model unavailable")
        message = AIMessage(content="ok", usage_metadata=USAGE)  # type: ignore[arg-type]
        return ChatResult(generations=[ChatGeneration(message=message)])


class _State(TypedDict, total=False):
    answers: list[str]


def _tiny_graph(model: BaseChatModel, calls_per_node: int) -> Any:
    async def ask(state: _State) -> _State:
        answers = [str((await model.ainvoke("hi")).content) for _ in range(calls_per_node)]
        return {"answers": answers}

    builder = StateGraph(_State)
    builder.add_node("first", ask)
    builder.add_node("second", ask)
    builder.add_edge(START, "first")
    builder.add_edge("first", "second")
    builder.add_edge("second", END)
    return builder.compile()


async def _traced_run(graph: Any, tracer: WorkflowTracer) -> None:
    async for mode, chunk in graph.astream(
        {"answers": []}, {"callbacks": [tracer]}, stream_mode=["tasks", "updates"]
    ):
        tracer.observe_stream_chunk(mode, chunk)
    tracer.finish()


async def test_counts_calls_of_any_chat_model_through_callbacks() -> None:
    model = GenericFakeChatModel(
        messages=iter([AIMessage(content=f"a{i}", usage_metadata=USAGE) for i in range(10)])
    )
    tracer = WorkflowTracer()
    await _traced_run(_tiny_graph(model, calls_per_node=2), tracer)

    summary = tracer.summary()
    assert summary.llm_calls == 4
    assert summary.llm_total_tokens == 4 * 15
    assert summary.llm_input_tokens == 40 and summary.llm_output_tokens == 20
    assert summary.steps_completed == 2
    assert summary.messages_exchanged == 2
    assert [call.node for call in tracer.llm_calls] == ["first", "first", "second", "second"]
    # GenericFakeChatModel is not in the price table: cost 0, and the summary says why.
    assert summary.estimated_cost_usd == 0.0
    assert summary.unpriced_models == [tracer.llm_calls[0].model]


async def test_cost_and_llm_time_come_from_the_recorded_calls() -> None:
    tracer = WorkflowTracer()
    await _traced_run(_tiny_graph(CountingChatModel(), calls_per_node=3), tracer)

    summary = tracer.summary()
    assert summary.llm_calls == 6
    assert {call.model for call in tracer.llm_calls} == {"gpt-4o-mini"}
    expected = 6 * (10 * 0.15 + 5 * 0.60) / 1_000_000
    assert summary.estimated_cost_usd == pytest.approx(expected)
    assert summary.llm_seconds == pytest.approx(sum(c.seconds for c in tracer.llm_calls))
    assert 0 < summary.llm_seconds <= summary.total_seconds
    first, second = tracer.nodes
    assert first.ended is not None and second.started >= first.ended


def test_prices_come_from_the_project_table_with_overrides() -> None:
    mini = LLMCall(run_id="1", model="gpt-4o-mini-2024", started=0, ended=1, input_tokens=10**6)
    full = LLMCall(run_id="2", model="gpt-4o-2024", started=0, ended=1, input_tokens=10**6)
    assert mini.cost_usd() == pytest.approx(0.15)
    assert full.cost_usd() == pytest.approx(2.50)
    local = LLMCall(run_id="3", model="local-llama", started=0, ended=1, output_tokens=10**6)
    assert local.cost_usd() is None
    assert local.cost_usd({"local-llama": [0.0, 0.5]}) == pytest.approx(0.5)


@pytest.fixture
def failing_workflow(monkeypatch: pytest.MonkeyPatch) -> CountingChatModel:
    """The real workflow with an LLM-written report per template, TPL-002's execution failing
    and TPL-003's LLM call failing."""
    model = CountingChatModel(fail_when_prompt_contains="TPL-003")
    original_write = execute_module.write_report
    original_run = execute_module._engine.run

    async def write_report_with_llm(task: Any, execution: Any) -> Any:
        await model.ainvoke([HumanMessage(content=f"Summarise {task.template.id}")])
        return original_write(task, execution)

    def run_or_fail(projection: Any, template: Any, **kwargs: Any) -> Any:
        if template.id == "TPL-002":
            raise EngineError("injected engine failure")
        return original_run(projection, template, **kwargs)

    monkeypatch.setattr(execute_module, "write_report", write_report_with_llm)
    monkeypatch.setattr(execute_module._engine, "run", run_or_fail)
    return model


def test_trace_summary_matches_a_run_with_known_calls_and_failures(
    failing_workflow: CountingChatModel, capsys: pytest.CaptureFixture[str]
) -> None:
    runner = AgenticWorkflowRunner(graph_name="ecommerce_graph", enable_tracing=True)
    state = asyncio.run(runner.run_async())
    templates = state.values["templates"]
    n = len(templates)
    assert n >= 4

    summary = runner.trace_summary()
    assert summary.llm_calls == n  # one report-writing call per template
    assert summary.llm_failed_calls == 1  # TPL-003
    assert summary.llm_total_tokens == (n - 1) * 15
    assert summary.estimated_cost_usd == pytest.approx((n - 1) * 4.5 / 1_000_000)
    assert summary.errors == 2  # TPL-002 execution, TPL-003 report
    assert summary.failed_templates == ["TPL-002", "TPL-003"]
    # start_run, 5 phases, aggregate, and one chain per template
    assert summary.steps_completed == 7 + n
    assert summary.messages_exchanged == 7 + n
    # Every recorded event: each task's start and end, each node's update, each chain's
    # running/reporting/finished, each LLM call's start and end (or error).
    assert summary.total_events == 2 * (7 + n) + (7 + n) + 3 * n + 2 * n
    # As in the seed's output (72.45 s over 6 steps: 12075 ms), the run's time per step.
    assert summary.avg_step_ms == pytest.approx(summary.total_seconds * 1000 / (7 + n))
    chains = summary.template_chains
    assert set(chains) == {t.id for t in templates}
    assert all(chain["llm_calls"] == 1 for chain in chains.values())
    assert "injected engine failure" in chains["TPL-002"]["error"]
    assert "model unavailable" in chains["TPL-003"]["error"]
    assert chains["TPL-001"]["error"] is None
    assert summary.slowest[0][1] >= summary.slowest[-1][1]
    # The rest of the run went on.
    statuses = {r.template_id: r.status for r in state.reports}
    assert statuses["TPL-002"] == statuses["TPL-003"] == "failed"
    assert list(statuses.values()).count("succeeded") == n - 2

    runner.print_trace_summary()
    printed = capsys.readouterr().out
    assert f"Total Calls: {n} (1 failed)" in printed
    assert f"Total Tokens: {(n - 1) * 15:,}" in printed
    assert "Errors: 2" in printed
    assert f"Steps Completed: {7 + n}" in printed
    assert f"Total Events: {summary.total_events}\n" in printed
    assert f"Avg Time/Step: {summary.avg_step_ms:.0f}ms\n" in printed
    assert "Slowest Agents:\n 1. " in printed


def test_a_chains_time_starts_when_it_gets_a_slot_not_when_it_is_queued(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    original = execute_module.execute_template

    async def slow(*args: Any, **kwargs: Any) -> Any:
        await asyncio.sleep(0.02)  # long enough for a queued chain's wait to show
        return await original(*args, **kwargs)

    monkeypatch.setattr(execute_module, "execute_template", slow)
    runner = AgenticWorkflowRunner(graph_name="ecommerce_graph", max_executions=1)
    asyncio.run(runner.run_async())
    summary = runner.trace_summary()
    chains = sorted(summary.template_chains.values(), key=lambda chain: chain["started"])
    assert len(chains) >= 4
    # One slot: the chains ran one after the other, each from the end of the one before.
    for earlier, later in itertools.pairwise(chains):
        assert later["started"] >= earlier["ended"]
        assert later["queued"] <= earlier["ended"]  # all were scheduled at once
    assert chains[-1]["waited_seconds"] > chains[0]["waited_seconds"]
    # So their own times (what "Slowest Agents" ranks) add up to no more than the run took;
    # counted from when each was queued they would add up to several times that.
    assert sum(chain["seconds"] for chain in chains) <= summary.total_seconds


def test_reviewer_decisions_are_not_errors() -> None:
    from gaai_graph.models import RunError
    from gaai_graph.nodes.approval import PHASE

    tracer = WorkflowTracer()
    decisions = [
        RunError(phase=PHASE, message="TPL-002 (x) skipped: dropped by the reviewer"),
        RunError(phase=PHASE, message="TPL-001 edited by the reviewer (parameters)"),
    ]
    tracer.observe_stream_chunk("updates", {"approve_templates": {"errors": decisions}})
    failure = RunError(phase="execute", template_id="TPL-003", message="engine failed")
    tracer.observe_stream_chunk("updates", {"run_template": {"errors": [failure]}})
    summary = tracer.summary()
    assert summary.errors == 1 and summary.failed_templates == ["TPL-003"]
    assert summary.reviewer_decisions == 2
    assert "Reviewer Decisions: 2 (not errors)" in render_trace_summary(summary)
    assert len(tracer.to_jsonable()["reviewer_decisions"]) == 2


def test_export_trace_writes_json_html_and_markdown(
    failing_workflow: CountingChatModel, tmp_path: Any
) -> None:
    runner = AgenticWorkflowRunner(graph_name="ecommerce_graph")
    asyncio.run(runner.run_async())
    paths = runner.export_trace(tmp_path, formats=["json", "html", "markdown"])
    assert sorted(p.suffix for p in paths) == [".html", ".json", ".md"]

    data = json.loads(next(p for p in paths if p.suffix == ".json").read_text())
    assert data["summary"]["llm_calls"] == len(data["llm_calls"])
    assert data["summary"]["steps_completed"] == len(data["nodes"])
    assert len(data["errors"]) == 2
    # Prompts and answers are never stored, only counts and timings.
    assert "Summarise" not in json.dumps(data)

    html = next(p for p in paths if p.suffix == ".html").read_text()
    assert 'data-chart="timeline"' in html and "<script" not in html
    markdown = next(p for p in paths if p.suffix == ".md").read_text()
    assert "| TPL-002 | run_template |" in markdown

    with pytest.raises(GaaiError, match="unknown trace format"):
        runner.export_trace(tmp_path, formats=["pdf"])


def test_langsmith_status_reads_only_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "LANGSMITH_TRACING",
        "LANGCHAIN_TRACING_V2",
        "LANGSMITH_API_KEY",
        "LANGCHAIN_API_KEY",
        "LANGSMITH_PROJECT",
        "LANGCHAIN_PROJECT",
    ):
        monkeypatch.delenv(name, raising=False)
    assert langsmith_status() == {"enabled": False, "project": None}
    monkeypatch.setenv("LANGSMITH_TRACING", "true")
    assert langsmith_status()["enabled"] is False  # no key, no tracing
    monkeypatch.setenv("LANGSMITH_API_KEY", "lsv2-secret-key")
    monkeypatch.setenv("LANGSMITH_PROJECT", "gaai")
    status = langsmith_status()
    assert status == {"enabled": True, "project": "gaai"}
    assert "lsv2-secret-key" not in json.dumps(status)


def test_no_network_attempt_without_langsmith_variables(
    monkeypatch: pytest.MonkeyPatch, failing_workflow: CountingChatModel
) -> None:
    for name in (
        "LANGSMITH_TRACING",
        "LANGCHAIN_TRACING_V2",
        "LANGSMITH_API_KEY",
        "LANGCHAIN_API_KEY",
        "LANGSMITH_ENDPOINT",
    ):
        monkeypatch.delenv(name, raising=False)
    attempts: list[Any] = []
    real_connect = socket.socket.connect

    def guarded_connect(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            attempts.append(address)
            raise OSError("network disabled by test")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    runner = AgenticWorkflowRunner(graph_name="ecommerce_graph", enable_tracing=True)
    state = asyncio.run(runner.run_async())
    assert state.reports and runner.trace_summary().llm_calls == len(state.reports)
    assert attempts == []


def test_callback_counts_agree_with_the_llm_paths_own_records() -> None:
    # The reasoning phases (gaai_graph/llm) record every request in state; the tracer sees the
    # same requests through callbacks. The fake answers are not JSON, so the phases also make
    # repair requests and fall back to rules: every one of them must be counted.
    runner = AgenticWorkflowRunner(
        graph_name="ecommerce_graph", model=CountingChatModel(), max_executions=8
    )
    state = asyncio.run(runner.run_async())
    recorded = [call for call in state.values.get("llm_calls", []) if not call.cached]
    assert recorded, "the LLM path recorded no request"
    summary = runner.trace_summary()
    assert summary.llm_calls == len(recorded)
    assert summary.llm_total_tokens == sum(c.input_tokens + c.output_tokens for c in recorded)
    assert len(state.reports) == len(state.values["templates"])

    # An unchanged re-run is answered from LangGraph's cache: no request, so no callback; the
    # trace still says how many answers were replayed.
    rerun = AgenticWorkflowRunner(
        graph_name="ecommerce_graph", model=CountingChatModel(), max_executions=8
    )
    asyncio.run(rerun.run_async())
    again = rerun.trace_summary()
    assert again.llm_calls == 0
    assert again.llm_cached_answers == len(recorded)
