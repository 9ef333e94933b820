"""Progress events of the phases (`gaai_graph.progress`) and the sync refusal of the graph."""

from __future__ import annotations

from typing import Any

import pytest
from langgraph.runtime import Runtime
from langgraph.types import interrupt

from gaai_graph.errors import GaaiError
from gaai_graph.progress import is_phase_event, phase_counts, reporting_phase


def _runtime(events: list[dict[str, Any]]) -> Runtime[Any]:
    return Runtime(context=None, stream_writer=events.append)


async def test_a_phase_tells_its_start_end_counts_and_elapsed_time() -> None:
    async def node(state: Any, runtime: Any) -> dict[str, Any]:
        return {"requirements": [1, 2, 3], "timings": [0], "vertical": "x"}

    events: list[dict[str, Any]] = []
    update = await reporting_phase("extract_requirements", node)(None, _runtime(events))
    assert update["requirements"] == [1, 2, 3]
    assert [e["state"] for e in events] == ["started", "finished"]
    assert all(is_phase_event(e) and e["phase"] == "extract_requirements" for e in events)
    assert events[1]["counts"] == {"requirements": 3}  # bookkeeping (timings) left out
    assert events[1]["elapsed_seconds"] >= 0


async def test_a_failing_phase_says_so_in_one_line_and_still_raises() -> None:
    async def node(state: Any, runtime: Any) -> dict[str, Any]:
        raise GaaiError("source 'x' not found\nsecond line")

    events: list[dict[str, Any]] = []
    with pytest.raises(GaaiError):
        await reporting_phase("analyze_schema", node)(None, _runtime(events))
    assert events[-1]["state"] == "failed"
    assert events[-1]["error"] == "GaaiError: source 'x' not found"


def test_counts_are_only_for_lists() -> None:
    assert phase_counts({"use_cases": [], "summary": {"a": 1}}) == {"use_cases": 0}
    assert phase_counts(None) == {}


async def test_an_interrupt_is_told_as_paused() -> None:
    from langgraph.checkpoint.memory import InMemorySaver
    from langgraph.graph import END, START, StateGraph
    from typing_extensions import TypedDict

    class State(TypedDict, total=False):
        answer: str

    async def ask(state: State, runtime: Runtime[Any]) -> dict[str, Any]:
        return {"answer": interrupt("approve?")}

    builder = StateGraph(State)
    builder.add_node("ask", reporting_phase("ask", ask))
    builder.add_edge(START, "ask")
    builder.add_edge("ask", END)
    graph = builder.compile(checkpointer=InMemorySaver())
    events = [
        chunk
        async for chunk in graph.astream(
            {}, {"configurable": {"thread_id": "t"}}, stream_mode="custom"
        )
    ]
    assert [e["state"] for e in events] == ["started", "paused"]


def test_the_served_graph_refuses_sync_calls_naming_the_async_ones() -> None:
    from gaai_graph.graph import graph

    with pytest.raises(GaaiError, match=r"await graph\.ainvoke"):
        graph.invoke({})
    with pytest.raises(GaaiError, match=r"graph\.astream"):
        graph.stream({})


def test_the_server_copy_keeps_the_serializer_allowlist() -> None:
    from gaai_graph.graph import GaaiGraph, build_graph

    served = GaaiGraph.of(build_graph().compile())
    served._serde_allowlist = {("gaai_graph.models", "Report")}  # what strict mode builds
    copied = served.copy(update={"checkpointer": None})  # what the server does
    assert isinstance(copied, GaaiGraph)
    assert copied._serde_allowlist == {("gaai_graph.models", "Report")}


async def test_a_node_without_runtime_is_called_without_one_and_still_reports() -> None:
    from langgraph.graph import END, START, StateGraph
    from typing_extensions import TypedDict

    class State(TypedDict, total=False):
        items: list[int]

    async def stub(state: State) -> dict[str, Any]:
        return {"items": [1, 2]}

    builder = StateGraph(State)
    builder.add_node("stub", reporting_phase("stub", stub))
    builder.add_edge(START, "stub")
    builder.add_edge("stub", END)
    events = [chunk async for chunk in builder.compile().astream({}, stream_mode="custom")]
    assert [(e["state"], e.get("counts")) for e in events] == [
        ("started", None),
        ("finished", {"items": 2}),
    ]
