"""A thread keeps what it was started with: resume without context, refusal of another one."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.types import Command

from gaai_graph.context import Context
from gaai_graph.persistence import allow_state_types, compile_graph
from gaai_graph.runner import AgenticWorkflowRunner
from gaai_graph.sources.demo import generate_demo
from gaai_graph.sources.snapshot import write_jsonl
from gaai_graph.thread_identity import (
    ThreadIdentityError,
    context_for_thread,
    documents_digest,
    identity_differences,
    identity_of,
)
from gaai_graph.trust import TrustPolicy, policy_of, server_context_schema


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> str:
    directory = tmp_path_factory.mktemp("identity") / "shop"
    write_jsonl(generate_demo(scale=0.3).data, directory)
    return str(directory)


def _config(thread: str) -> Any:
    return {"configurable": {"thread_id": thread}}


def test_the_record_is_plain_data_without_secrets() -> None:
    context = Context(source="arangodb://reader:s3cret@db.example:8529/shop", top_k=5)
    record = identity_of(context, [{"content": "token=abc123 find hubs"}])
    text = json.dumps(record)  # plain JSON, no objects
    assert "s3cret" not in text and "abc123" not in text
    assert record["context"]["source"] == "arangodb://reader@db.example:8529/shop"
    assert record["context"]["top_k"] == 5
    assert record["documents"].startswith("sha256:")
    assert documents_digest([Path("a.md")]) == documents_digest(["a.md"])
    assert documents_digest(["a.md"]) != documents_digest(["b.md"])


def test_differences_name_each_field_and_the_documents() -> None:
    before = identity_of(Context(source="demo", vertical="auto"), ["a.md"])
    after = identity_of(Context(source="demo:0.5", vertical="fraud_aml"), ["b.md"])
    assert identity_differences(before, after) == [
        "source 'demo' (now 'demo:0.5')",
        "vertical 'auto' (now 'fraud_aml')",
        "the requirement documents",
    ]
    assert identity_differences(before, before) == []


def test_context_for_thread_uses_the_record_when_none_or_defaults_are_sent() -> None:
    record = identity_of(Context(source="snap", top_k=3, approve_templates=True), [])
    for given in (None, Context(), Context(max_executions=2, enable_parallelism=False)):
        context = context_for_thread(record, given)
        assert (context.source, context.top_k, context.approve_templates) == ("snap", 3, True)
    # Working settings come from the caller.
    assert context_for_thread(record, Context(max_executions=2)).max_executions == 2
    # The same context, sent again, is accepted (approve_templates need not be repeated).
    assert context_for_thread(record, Context(source="snap", top_k=3)).source == "snap"
    with pytest.raises(ThreadIdentityError, match=r"source 'snap' \(now 'other'\)"):
        context_for_thread(record, Context(source="other", top_k=3))
    # A thread from before the record existed works with what it is given.
    assert context_for_thread(None, Context(source="x")).source == "x"


def test_a_server_context_keeps_its_policy_through_the_thread_record() -> None:
    # Otherwise a server caller's step would run under the local (anything goes) policy.
    schema = server_context_schema(TrustPolicy.from_environment({}))
    record = identity_of(Context(source="demo", top_k=3), [])
    for given in (schema(), schema(source="demo", top_k=3)):
        context = context_for_thread(record, given)
        assert type(context) is schema and policy_of(context).server
    no_context = context_for_thread(record, None, schema)
    assert type(no_context) is schema and policy_of(no_context).server
    assert policy_of(context_for_thread(None, None, schema)).server
    assert not policy_of(context_for_thread(record, Context())).server


def test_document_digest_survives_deep_nesting_and_tells_bytes_apart() -> None:
    nested: Any = "x"
    for _ in range(100_000):
        nested = [nested]
    assert documents_digest([nested]).startswith("sha256:")
    assert documents_digest([{"content": b"a"}]) != documents_digest([{"content": b"b"}])


def test_resuming_an_approval_without_context_keeps_the_threads_source(snapshot: str) -> None:
    async def scenario() -> tuple[Any, ...]:
        graph = compile_graph(allow_state_types(InMemorySaver()))
        config = _config("approval")
        started = Context(source=snapshot, approve_templates=True, top_k=4)
        await graph.ainvoke({"documents": []}, config, context=started)
        paused = await graph.aget_state(config)
        with pytest.raises(ThreadIdentityError, match="another context: source"):
            await graph.ainvoke(Command(resume=True), config, context=Context(source="demo:0.5"))
        still_paused = await graph.aget_state(config)
        # No context at all (as a server client resuming the interrupt sends).
        final = await graph.ainvoke(Command(resume=True), config)
        return paused, still_paused, final

    paused, still_paused, final = asyncio.run(scenario())
    assert paused.interrupts and still_paused.interrupts
    assert final["summary"].source == snapshot  # not the default demo
    assert final["reports"] and all(len(r.top_entities) <= 4 for r in final["reports"])


def test_a_new_run_on_a_thread_with_other_documents_is_refused(snapshot: str) -> None:
    async def scenario() -> None:
        graph = compile_graph(allow_state_types(InMemorySaver()))
        config = _config("same-thread")
        context = Context(source=snapshot)
        await graph.ainvoke(
            {"documents": [{"content": "Who are the hubs?"}]}, config, context=context
        )
        with pytest.raises(ThreadIdentityError, match="the requirement documents"):
            await graph.ainvoke({"documents": [{"content": "Find rings"}]}, config, context=context)

    asyncio.run(scenario())


def test_the_runner_resumes_with_the_threads_context_and_refuses_another(
    snapshot: str,
) -> None:
    started = AgenticWorkflowRunner(source=snapshot, approve_templates=True, checkpoint=":memory:")
    paused = started.run(input_documents=None)
    assert paused.interrupted
    # A runner made without a source (the default demo) goes on with the thread's source ...
    other = AgenticWorkflowRunner(checkpointer=started._checkpointer)
    # ... while one with another source is refused, naming it.
    wrong = AgenticWorkflowRunner(source="demo:0.5", checkpointer=started._checkpointer)
    with pytest.raises(ThreadIdentityError, match=r"demo:0\.5"):
        wrong.resume(True, thread_id=paused.thread_id)
    final = other.resume(True, thread_id=paused.thread_id)
    assert final.summary is not None and final.summary.source == snapshot
