"""One phase's conversation with a real ChatOpenAI over HTTP to the scripted server.

Covers `gaai_graph.llm.call`: a good answer, malformed JSON and a hallucinated name (each with
one repair round, then the rule path), 429 and 5xx answers retried by the openai client, a
timeout, usage and cost records, and secrets kept out of the recorded errors.
"""

from __future__ import annotations

import json
import time

import pytest
from fake_openai import FakeOpenAI, Reply, answer, rate_limited, server_error, too_slow
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from pydantic import BaseModel

from gaai_graph.context import Context
from gaai_graph.llm.call import LLMSession, open_session, parse_answer

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

    def build(**context_options) -> LLMSession:
        options = {"model": "gpt-4o-mini", "llm_timeout": 5.0, "llm_max_retries": 2}
        options.update(context_options)
        session = open_session(Context(**options), "generate_templates")
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
