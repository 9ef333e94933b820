"""One phase's conversation with a real ChatOpenAI over HTTP to the scripted server.

Covers `gaai_graph.llm.call`: a good answer, malformed JSON and a hallucinated name (each with
one repair round, then the rule path), 429 and 5xx answers retried by the openai client, a
timeout, an answer trickled past the request's deadline, the circuit breaker, the ways of
asking for structured output (and the fallback when a server refuses `response_format`),
usage and cost records, and secrets kept out of the recorded errors.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from fake_openai import (
    FakeOpenAI,
    Reply,
    answer,
    rate_limited,
    server_error,
    too_slow,
    trickling,
    user_text,
)
from langchain_core.language_models import BaseChatModel
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import BaseModel, Field

from gaai_graph.context import Context
from gaai_graph.llm.call import (
    UNREACHABLE_REASON,
    LLMSession,
    open_session,
    parse_answer,
    request_deadline,
)
from gaai_graph.prompts import ANSWER_SCHEMA_INSTRUCTION

KNOWN_COLLECTIONS = {"customers", "orders"}
MODEL_NAME = "gpt-4o-mini"


class Pick(BaseModel):
    """The answer shape of the test phase."""

    collection: str
    count: int


def check_pick(pick: Pick) -> str:
    """The phase's validation: only collections of the (pretend) schema are accepted."""
    if pick.collection not in KNOWN_COLLECTIONS:
        raise ValueError(f"unknown collection {pick.collection!r}; known: customers, orders")
    return f"{pick.collection}:{pick.count}"


MESSAGES = [
    {"role": "system", "content": "You pick collections."},
    {"role": "user", "content": "Which collection holds the buyers?"},
]


@pytest.fixture
def session_for(fake_openai: FakeOpenAI, monkeypatch: pytest.MonkeyPatch):
    """Build a session whose model is a real ChatOpenAI pointed at the fake server."""
    monkeypatch.setenv("OPENAI_BASE_URL", fake_openai.base_url)

    def build(context: Context | None = None, **context_options) -> LLMSession:
        options = {"model": "gpt-4o-mini", "llm_timeout": 5.0, "llm_max_retries": 2}
        options.update(context_options)
        session = open_session(context or Context(**options), "generate_templates")
        assert session is not None
        return session

    return build


async def test_good_answer_is_validated_and_accounted(fake_openai, session_for):
    fake_openai.add(answer({"collection": "customers", "count": 3}), schema="Pick")
    session = session_for()

    reply = await session.ask(Pick, MESSAGES, check_pick)

    assert reply.value == "customers:3"
    assert fake_openai.calls() == 1
    request = fake_openai.requests[0]
    assert request["model"] == "gpt-4o-mini"
    assert request["messages"][-1]["content"] == "Which collection holds the buyers?"
    [call] = session.calls
    assert (call.status, call.purpose, call.cached) == ("ok", "answer", False)
    assert (call.input_tokens, call.output_tokens) == (100, 20)
    assert call.cost_usd == pytest.approx((100 * 0.15 + 20 * 0.60) / 1_000_000)
    assert call.phase == "generate_templates"
    assert call.model.startswith("gpt-4o-mini@127.0.0.1:")
    assert session.fallbacks == []


async def test_price_override_from_the_context(fake_openai, session_for):
    fake_openai.add(answer({"collection": "orders", "count": 1}), schema="Pick")
    session = session_for(llm_prices={"gpt-4o-mini": [1.0, 2.0]})

    await session.ask(Pick, MESSAGES, check_pick)

    assert session.calls[0].cost_usd == pytest.approx((100 * 1.0 + 20 * 2.0) / 1_000_000)


async def test_unpriced_model_has_no_cost_rather_than_a_guess(fake_openai, session_for):
    fake_openai.add(answer({"collection": "orders", "count": 1}), schema="Pick")
    session = session_for(model="llama3.1:8b")

    await session.ask(Pick, MESSAGES, check_pick)

    assert session.calls[0].cost_usd is None
    assert session.calls[0].input_tokens == 100


async def test_malformed_json_gets_one_repair_round(fake_openai, session_for):
    fake_openai.add(
        Reply(content='{"collection": "customers", "count": '),
        answer({"collection": "customers", "count": 7}),
        schema="Pick",
    )
    session = session_for()

    reply = await session.ask(Pick, MESSAGES, check_pick)

    assert reply.value == "customers:7"
    assert [(c.purpose, c.status) for c in session.calls] == [
        ("answer", "malformed"),
        ("json_repair", "ok"),
    ]
    repair_messages = fake_openai.requests[1]["messages"]
    assert repair_messages[-2] == {
        "role": "assistant",
        "content": '{"collection": "customers", "count": ',
    }
    assert "not valid JSON" in repair_messages[-1]["content"]
    # The shape is spelled out for servers that ignore response_format.
    schema = repair_messages[-1]["content"].split("matching this JSON Schema: ", 1)[1]
    assert json.loads(schema) == Pick.model_json_schema()
    assert [(f.action, f.phase) for f in session.fallbacks] == [("repaired", "generate_templates")]


async def test_malformed_json_twice_sends_the_phase_to_its_rules(fake_openai, session_for):
    fake_openai.add(Reply(content="Sure! Here are the collections you asked for."), schema="Pick")
    session = session_for()

    reply = await session.ask(Pick, MESSAGES, check_pick)

    assert reply.value is None
    assert "still wrong after one repair round" in reply.reason
    assert fake_openai.calls() == 2
    assert [c.status for c in session.calls] == ["malformed", "malformed"]


async def test_answer_of_the_wrong_shape_is_malformed(fake_openai, session_for):
    fake_openai.add(answer({"collection": "customers", "count": "many"}), schema="Pick")
    session = session_for()

    reply = await session.ask(Pick, MESSAGES, check_pick)

    assert reply.value is None
    assert "count" in fake_openai.requests[1]["messages"][-1]["content"]


async def test_hallucinated_collection_is_repaired_with_the_validation_error(
    fake_openai, session_for
):
    fake_openai.add(
        answer({"collection": "shoppers", "count": 2}),
        answer({"collection": "customers", "count": 2}),
        schema="Pick",
    )
    session = session_for()

    reply = await session.ask(Pick, MESSAGES, check_pick)

    assert reply.value == "customers:2"
    assert "unknown collection 'shoppers'" in fake_openai.requests[1]["messages"][-1]["content"]
    assert [(c.purpose, c.status) for c in session.calls] == [
        ("answer", "invalid"),
        ("validation_repair", "ok"),
    ]
    assert session.fallbacks[0].action == "repaired"
    assert "shoppers" in session.fallbacks[0].reason


async def test_hallucination_that_survives_the_repair_falls_back(fake_openai, session_for):
    fake_openai.add(answer({"collection": "shoppers", "count": 2}), schema="Pick")
    session = session_for()

    reply = await session.ask(Pick, MESSAGES, check_pick)

    assert reply.value is None
    assert "shoppers" in reply.reason
    assert [c.status for c in session.calls] == ["invalid", "invalid"]


async def test_429_is_retried_by_the_client_with_backoff(fake_openai, session_for):
    fake_openai.add(
        rate_limited(), rate_limited(), answer({"collection": "orders", "count": 4}), schema="Pick"
    )
    session = session_for(llm_max_retries=2)

    reply = await session.ask(Pick, MESSAGES, check_pick)

    assert reply.value == "orders:4"
    assert fake_openai.calls() == 3
    assert [c.status for c in session.calls] == ["ok"]


async def test_429_after_the_last_retry_falls_back(fake_openai, session_for):
    fake_openai.add(rate_limited(), schema="Pick")
    session = session_for(llm_max_retries=1)

    reply = await session.ask(Pick, MESSAGES, check_pick)

    assert reply.value is None
    assert "RateLimitError" in reply.reason
    assert fake_openai.calls() == 2  # the first try and one retry; no repair round
    [call] = session.calls
    assert call.status == "error"
    assert "RateLimitError" in (call.error or "")


async def test_server_error_is_retried(fake_openai, session_for):
    fake_openai.add(server_error(503), answer({"collection": "orders", "count": 5}), schema="Pick")
    session = session_for(llm_max_retries=1)

    reply = await session.ask(Pick, MESSAGES, check_pick)

    assert reply.value == "orders:5"
    assert fake_openai.calls() == 2


async def test_timeout_falls_back_without_waiting_for_the_answer(fake_openai, session_for):
    fake_openai.add(too_slow(3.0), schema="Pick")
    session = session_for(llm_timeout=0.3, llm_max_retries=0)

    started = time.perf_counter()
    reply = await session.ask(Pick, MESSAGES, check_pick)
    elapsed = time.perf_counter() - started

    assert reply.value is None
    assert "Timeout" in reply.reason
    assert elapsed < 2.5
    assert session.calls[0].status == "error"


async def test_api_key_never_appears_in_recorded_errors(
    fake_openai, session_for, monkeypatch: pytest.MonkeyPatch
):
    secret = "sk-test-0123456789abcdef"
    monkeypatch.setenv("OPENAI_API_KEY", secret)

    def echo_key(body):
        # OpenAI's own 401 quotes the key it was given; ours echoes what was sent.
        sent = fake_openai.authorization[-1].removeprefix("Bearer ")
        return Reply(status=401, content=f'{{"error": {{"message": "bad key {sent}"}}}}')

    fake_openai.add(echo_key, schema="Pick")
    session = session_for()

    reply = await session.ask(Pick, MESSAGES, check_pick)

    assert fake_openai.authorization[-1] == f"Bearer {secret}"
    assert reply.value is None
    assert secret not in reply.reason
    assert secret not in (session.calls[0].error or "")
    assert "***" in (session.calls[0].error or "")


def test_parse_answer_accepts_a_json_fence_only_around_the_whole_answer():
    assert parse_answer('```json\n{"collection": "orders", "count": 1}\n```', Pick).count == 1
    with pytest.raises(ValueError, match="count"):
        parse_answer('{"collection": "orders"}', Pick)


async def test_any_langchain_chat_model_object_can_answer():
    """A chat model without structured-output support is asked for plain JSON text."""
    model = GenericFakeChatModel(
        messages=iter([AIMessage(content='{"collection": "orders", "count": 9}')])
    )
    session = open_session(Context(chat_model=model), "report", "TPL-001")
    assert session is not None

    reply = await session.ask(Pick, MESSAGES, check_pick)

    assert reply.value == "orders:9"
    [call] = session.calls
    assert (call.model, call.template_id, call.cost_usd) == (
        "GenericFakeChatModel",
        "TPL-001",
        None,
    )


async def test_fake_server_answers_function_calling_structured_output_too(fake_openai):
    """The scripted server also serves `method="function_calling"` (a forced tool call)."""
    from langchain_openai import ChatOpenAI

    fake_openai.add(answer({"collection": "orders", "count": 2}), schema="Pick")
    model = ChatOpenAI(model=MODEL_NAME, base_url=fake_openai.base_url, api_key="sk-local")

    pick = await model.with_structured_output(Pick, method="function_calling").ainvoke("which?")

    assert pick == Pick(collection="orders", count=2)
    assert fake_openai.requests[0]["tool_choice"]["function"]["name"] == "Pick"


def schema_in_system_message(messages: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The JSON Schema the system message states (None when it states none)."""
    system = next((m["content"] for m in messages if m["role"] == "system"), "")
    if ANSWER_SCHEMA_INSTRUCTION not in system:
        return None
    return json.loads(system.split(ANSWER_SCHEMA_INSTRUCTION, 1)[1])


class RecordingChatModel(BaseChatModel):
    """A chat model without structured-output support that keeps the messages it was sent."""

    reply: str
    received: list[list[BaseMessage]] = Field(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "recording-fake"

    def _generate(self, messages: list[BaseMessage], stop=None, run_manager=None, **kwargs):
        self.received.append(list(messages))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=self.reply))])


async def test_a_model_without_structured_output_sees_the_schema_in_its_first_request():
    model = RecordingChatModel(reply='{"collection": "orders", "count": 9}')
    session = open_session(Context(chat_model=model), "report", "TPL-001")
    assert session is not None

    reply = await session.ask(Pick, MESSAGES, check_pick)

    assert reply.value == "orders:9"
    [sent] = model.received
    assert sent[0].type == "system"
    assert sent[0].content.startswith("You pick collections.")
    stated = schema_in_system_message([{"role": m.type, "content": m.content} for m in sent])
    assert stated == Pick.model_json_schema()
    assert [c.purpose for c in session.calls] == ["answer"]  # no repair round needed


@pytest.mark.parametrize("method", ["prompt", "json_mode", "function_calling"])
async def test_structured_output_method_from_the_context(fake_openai, session_for, method):
    fake_openai.add(answer({"collection": "customers", "count": 3}), schema="Pick")
    session = session_for(llm_structured_method=method)

    reply = await session.ask(Pick, MESSAGES, check_pick)

    assert reply.value == "customers:3"
    [request] = fake_openai.requests
    response_format = request.get("response_format")
    if method == "function_calling":
        assert request["tool_choice"]["function"]["name"] == "Pick"
        assert response_format is None
    elif method == "json_mode":
        assert response_format == {"type": "json_object"}
    else:
        assert response_format is None and "tools" not in request
    # Where the request itself does not carry the shape, the system message states it.
    stated = schema_in_system_message(request["messages"])
    if method == "function_calling":
        assert stated is None
    else:
        assert stated == Pick.model_json_schema()


def test_an_unknown_structured_output_method_is_refused():
    with pytest.raises(ValueError, match="llm_structured_method"):
        Context(llm_structured_method="grammar")


@pytest.mark.parametrize("status", [400, 422])
async def test_a_refused_response_format_is_asked_again_with_the_schema_in_the_prompt(
    fake_openai, session_for, status
):
    fake_openai.refuse_response_format = status
    fake_openai.add(answer({"collection": "orders", "count": 2}), schema="Pick")
    context = Context(model="gpt-4o-mini", llm_timeout=5.0, llm_max_retries=2)
    session = session_for(context)

    reply = await session.ask(Pick, MESSAGES, check_pick)

    assert reply.value == "orders:2"
    first, second = fake_openai.requests
    assert first["response_format"]["type"] == "json_schema"
    assert "response_format" not in second
    assert schema_in_system_message(second["messages"]) == Pick.model_json_schema()
    assert [(c.purpose, c.status) for c in session.calls] == [("answer", "error"), ("answer", "ok")]
    assert "response_format" in (session.calls[0].error or "")
    assert session.fallbacks == []

    # Later phases of the same run ask that way at once: no second refusal.
    fake_openai.reset()
    later = session_for(context)
    assert (await later.ask(Pick, MESSAGES, check_pick)).value == "orders:2"
    [request] = fake_openai.requests
    assert "response_format" not in request
    assert [c.status for c in later.calls] == ["ok"]


async def test_a_refusal_of_another_kind_is_not_retried_with_the_prompt(fake_openai, session_for):
    fake_openai.add(
        Reply(status=400, content='{"error": {"message": "the context length is exceeded"}}'),
        schema="Pick",
    )
    session = session_for()

    reply = await session.ask(Pick, MESSAGES, check_pick)

    assert reply.value is None
    assert fake_openai.calls() == 1
    assert "Error code: 400 - the context length is exceeded" in reply.reason


async def test_an_answer_trickling_past_the_deadline_is_abandoned(fake_openai, session_for):
    # Each read gets a byte within the client's timeout, so only the deadline ends it.
    fake_openai.add(trickling(30.0, {"collection": "orders", "count": 1}), schema="Pick")
    session = session_for(llm_timeout=1.0, llm_max_retries=0)
    assert request_deadline(session.context) == pytest.approx(2.0)

    started = time.perf_counter()
    reply = await session.ask(Pick, MESSAGES, check_pick)
    elapsed = time.perf_counter() - started

    assert reply.value is None
    assert "deadline" in reply.reason and "TimeoutError" in reply.reason
    assert elapsed < 10 * 1.0  # ten times the configured timeout, far below the 30 s trickle
    assert session.calls[0].status == "error"


def test_the_deadline_covers_every_attempt_and_the_backoff_between_them():
    context = Context(llm_timeout=10.0, llm_max_retries=2)

    # Two retries: three reads of at most 10 s, backoff of at most 0.5 s and 1 s, 1 s margin.
    assert request_deadline(context) == pytest.approx(10.0 * 3 + 0.5 + 1.0 + 1.0)


async def test_a_model_that_keeps_timing_out_is_not_asked_again_in_that_run(
    fake_openai, session_for
):
    fake_openai.add(too_slow(3.0), schema="Pick")
    context = Context(model="gpt-4o-mini", llm_timeout=0.3, llm_max_retries=0)

    first, second, third = (session_for(context) for _ in range(3))
    assert (await first.ask(Pick, MESSAGES, check_pick)).value is None
    assert (await second.ask(Pick, MESSAGES, check_pick)).value is None
    started = time.perf_counter()
    skipped = await third.ask(Pick, MESSAGES, check_pick)

    assert time.perf_counter() - started < 0.3
    assert skipped.value is None
    assert skipped.reason.startswith(UNREACHABLE_REASON)
    assert fake_openai.calls() == 2
    assert third.calls == []
    # Another run (another context) asks again.
    fake_openai.add(answer({"collection": "orders", "count": 1}), schema="Pick")
    assert (await session_for().ask(Pick, MESSAGES, check_pick)).value == "orders:1"


async def test_an_answer_between_timeouts_keeps_the_model_in_use(fake_openai, session_for):
    fake_openai.add(
        too_slow(3.0), answer({"collection": "orders", "count": 1}), too_slow(3.0), schema="Pick"
    )
    context = Context(model="gpt-4o-mini", llm_timeout=0.3, llm_max_retries=0)

    outcomes = [(await session_for(context).ask(Pick, MESSAGES, check_pick)).value for _ in "abc"]

    assert outcomes == [None, "orders:1", None]
    fake_openai.add(answer({"collection": "orders", "count": 5}), schema="Pick")
    assert (await session_for(context).ask(Pick, MESSAGES, check_pick)).value == "orders:5"


async def test_a_connection_refused_counts_as_unreachable(monkeypatch):
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again: nothing listens there
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{port}/v1")
    context = Context(model="gpt-4o-mini", llm_timeout=2.0, llm_max_retries=0)

    replies = []
    for _ in range(3):
        session = open_session(context, "report")
        assert session is not None
        replies.append(await session.ask(Pick, MESSAGES, check_pick))

    assert "ConnectionError: Connection error." in replies[0].reason
    assert not replies[1].reason.startswith(UNREACHABLE_REASON)
    assert replies[2].reason.startswith(UNREACHABLE_REASON)


def test_the_fake_server_trickles_the_answer_it_was_given(fake_openai):
    """The trickling reply arrives whole when the client waits long enough."""
    import httpx

    fake_openai.add(trickling(0.3, {"collection": "orders", "count": 1}), schema="Pick")
    body = {"model": "m", "messages": [{"role": "user", "content": "x"}]}
    body["response_format"] = {"type": "json_schema", "json_schema": {"name": "Pick"}}

    response = httpx.post(f"{fake_openai.base_url}/chat/completions", json=body, timeout=5)

    content = response.json()["choices"][0]["message"]["content"]
    assert json.loads(content) == {"collection": "orders", "count": 1}
    assert "x" in user_text(body)
