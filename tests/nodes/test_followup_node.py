"""A follow-up sent as graph input on a finished thread computes only what the run lacks."""

from __future__ import annotations

from typing import Any

import pytest
from langgraph.checkpoint.memory import InMemorySaver

from gaai_graph.catalog import SqliteCatalog
from gaai_graph.context import Context
from gaai_graph.errors import GaaiError
from gaai_graph.graph import build_graph
from gaai_graph.nodes import execute
from gaai_graph.nodes.followup import FollowUpError, record_followup
from gaai_graph.persistence import allow_state_types, compile_graph
from gaai_graph.thread_identity import ThreadIdentityError
from gaai_graph.trust import TrustPolicy

FIRST = "Who are the most influential customers?"
SEGMENTS = "Which segments of customers are there?"


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The algorithms the local engine runs, in order (every execution goes through it)."""
    ran: list[str] = []
    run = execute._engine.run

    def counting(projection: Any, template: Any, **kwargs: Any) -> Any:
        ran.append(template.algorithm)
        return run(projection, template, **kwargs)

    monkeypatch.setattr(execute._engine, "run", counting)
    return ran


@pytest.fixture
def graph() -> Any:
    return compile_graph(allow_state_types(InMemorySaver()))


def _config(thread_id: str) -> dict[str, Any]:
    return {"configurable": {"thread_id": thread_id}}


async def _finished_run(graph: Any, thread_id: str) -> dict[str, Any]:
    documents = [{"content": FIRST, "name": "memo"}]
    result: dict[str, Any] = await graph.ainvoke({"documents": documents}, _config(thread_id))
    assert result["summary"] is not None
    return result


async def test_a_question_the_run_answered_runs_nothing_new(graph, counted) -> None:
    run = await _finished_run(graph, "t1")
    assert counted == ["pagerank"]
    result = await graph.ainvoke({"followup": FIRST}, _config("t1"))
    assert counted == ["pagerank"]  # nothing executed again
    (answer,) = result["followups"]
    assert answer.executed == []
    assert [r.algorithm for r in answer.reports] == ["pagerank"]
    (new_id, old_id) = next(iter(answer.reused.items()))
    assert new_id.startswith("F1-") and old_id == run["reports"][0].template_id
    assert answer.reports[0].notes[0].startswith(f"Reused from run {run['summary'].run_id}")
    assert answer.summary.headline.startswith("Follow-up on run ")
    assert "0 new analyses, 1 reused" in answer.summary.headline
    # The run's own reports and summary are as the run wrote them.
    assert result["reports"] == run["reports"] and result["summary"] == run["summary"]


async def test_a_new_question_runs_exactly_the_new_template(graph, counted) -> None:
    run = await _finished_run(graph, "t2")
    result = await graph.ainvoke({"followup": SEGMENTS}, _config("t2"))
    assert counted == ["pagerank", "leiden"]  # only the grouping is new
    (answer,) = result["followups"]
    assert answer.reused == {}
    assert [r.algorithm for r in answer.reports] == ["leiden"]
    assert answer.executed == [answer.reports[0].template_id]
    assert answer.reports[0].status == "succeeded"
    assert answer.summary.run_id == f"{run['summary'].run_id}-followup-1"
    assert result["reports"] == run["reports"]
    # Asked again, it is answered from the first follow-up's execution.
    again = await graph.ainvoke({"followup": SEGMENTS}, _config("t2"))
    assert counted == ["pagerank", "leiden"]
    assert len(again["followups"]) == 2
    assert again["followups"][1].reused == {"F2-" + answer.executed[0][3:]: answer.executed[0]}


async def test_after_a_follow_up_plain_input_is_a_run_again(graph, counted) -> None:
    await _finished_run(graph, "t3")
    await graph.ainvoke({"followup": FIRST}, _config("t3"))
    # The question lives for the one call that sent it: the run's inputs again start the run.
    await _finished_run(graph, "t3")
    assert counted == ["pagerank", "pagerank"]


async def test_a_follow_up_without_a_finished_run_is_one_clear_error(graph, counted) -> None:
    with pytest.raises(FollowUpError, match="no finished run to follow up on") as raised:
        await graph.ainvoke({"followup": FIRST}, _config("empty"))
    assert "\n" not in str(raised.value)
    assert counted == []
    # The refused question is not left behind: the thread can still start its run.
    await _finished_run(graph, "empty")
    assert counted == ["pagerank"]


async def test_a_follow_up_may_not_name_another_source(graph, counted, tmp_path) -> None:
    await _finished_run(graph, "t4")
    with pytest.raises(ThreadIdentityError, match="source"):
        await graph.ainvoke(
            {"followup": SEGMENTS}, _config("t4"), context=Context(source=str(tmp_path))
        )
    with pytest.raises(ThreadIdentityError, match="other requirement documents"):
        await graph.ainvoke(
            {"followup": SEGMENTS, "documents": [{"content": "other"}]}, _config("t4")
        )
    assert counted == ["pagerank"]


async def test_an_empty_follow_up_is_refused(graph, counted) -> None:
    await _finished_run(graph, "t5")
    with pytest.raises(FollowUpError, match="expected a question"):
        await graph.ainvoke({"followup": "   "}, _config("t5"))


async def test_a_follow_up_is_recorded_with_lineage_to_its_run(graph, counted, tmp_path) -> None:
    await _finished_run(graph, "t6")
    result = await graph.ainvoke({"followup": SEGMENTS}, _config("t6"))
    (answer,) = result["followups"]
    catalog = tmp_path / "catalog.sqlite"
    state = (await graph.aget_state(_config("t6"))).values
    assert record_followup(catalog, state, answer, follows="t6") is None
    store = SqliteCatalog(catalog)
    epoch = store.get_epoch(answer.summary.run_id)
    assert epoch.status == "finished" and "follows:t6" in epoch.tags
    assert epoch.headline == answer.summary.headline
    assert epoch.source == state["schema"].source
    assert [node.data["algorithm"] for node in store.nodes(epoch.id, "report")] == ["leiden"]
    store.close()


async def test_a_question_scoped_to_a_group_is_refused_not_answered_wrongly(graph, counted) -> None:
    await _finished_run(graph, "t7")
    with pytest.raises(FollowUpError, match="lists no groups"):
        await graph.ainvoke({"followup": "Who leads group 1?"}, _config("t7"))
    await graph.ainvoke({"followup": SEGMENTS}, _config("t7"))
    with pytest.raises(FollowUpError, match=r"names segment 1 of report F1-.*gaai ask"):
        await graph.ainvoke({"followup": "Who leads segment 1?"}, _config("t7"))
    assert counted == ["pagerank", "leiden"]


async def test_a_follow_up_on_the_server_obeys_its_trust_policy(counted, tmp_path) -> None:
    # As the server runs it: contexts arrive as mappings, checked against the operator's policy.
    served = build_graph(TrustPolicy.for_server()).compile(
        checkpointer=allow_state_types(InMemorySaver())
    )
    config = _config("served")
    await served.ainvoke({"documents": [{"content": FIRST}]}, config, context={})
    with pytest.raises(GaaiError, match="is not inside a directory this server lets callers read"):
        await served.ainvoke({"followup": SEGMENTS}, config, context={"source": str(tmp_path)})
    assert counted == ["pagerank"]
    result = await served.ainvoke({"followup": SEGMENTS}, config, context={})
    assert [r.algorithm for r in result["followups"][0].reports] == ["leiden"]
    assert counted == ["pagerank", "leiden"]
