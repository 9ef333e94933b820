"""One reasoning phase's conversation with a chat model: ask, parse, validate, repair once.

Every phase asks once for an answer of a pydantic shape. A malformed answer (not JSON, or
not of the shape) or one that fails the phase's validation (an unknown collection, a number
not in the evidence) gets exactly one repair round that quotes the problem; what is still
wrong after it sends the phase to its rule path. Timeouts, 429s and 5xx answers are retried
with exponential backoff by the OpenAI client itself (`Context.llm_max_retries`); when those
run out the phase falls back too. Each request is one LangGraph task with a `CachePolicy`
keyed on the model identity and the exact messages, so an unchanged re-run on a graph
compiled with a cache replays the answers without a single request.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage
from langgraph.config import get_config
from langgraph.func import task
from langgraph.types import CachePolicy
from pydantic import BaseModel, ValidationError

from gaai_graph.context import Context
from gaai_graph.errors import GaaiError
from gaai_graph.llm.config import chat_model_for, model_identity, model_name
from gaai_graph.llm.usage import call_cost
from gaai_graph.models import Fallback, LLMCall

__all__ = ["LLMSession", "Reply", "open_session"]

Shape = TypeVar("Shape", bound=BaseModel)
Result = TypeVar("Result")

_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.DOTALL)
_MAX_ERROR_CHARS = 300

# Ids of answers requested by this process; an answer whose id is not here was replayed from
# the cache (possibly written by another process).
_fresh_answers: set[str] = set()


def _round_key(
    identity: str,
    shape_name: str,
    json_schema: dict[str, Any],
    messages: list[dict[str, str]],
    model: BaseChatModel,
) -> str:
    """Cache key of one request: the model identity, the answer shape and the messages.

    The model object is left out (it is not hashable content); its identity stands for it.
    """
    return json.dumps([identity, shape_name, json_schema, messages], sort_keys=True)


def _text_of(message: AIMessage) -> str:
    if message.tool_calls:
        return json.dumps(message.tool_calls[0]["args"])
    content = message.content
    if isinstance(content, str):
        return content
    return "".join(
        part if isinstance(part, str) else str(part.get("text", ""))
        for part in content
        if isinstance(part, str | dict)
    )


async def _request(
    identity: str,
    shape_name: str,
    json_schema: dict[str, Any],
    messages: list[dict[str, str]],
    model: BaseChatModel,
) -> dict[str, Any]:
    """Send one request and return the raw answer text with its usage (JSON-ready)."""
    started = time.perf_counter()
    try:
        runnable = model.with_structured_output(
            {"title": shape_name, **json_schema}, include_raw=True
        )
        answer = await runnable.ainvoke(messages)
        raw = answer["raw"] if isinstance(answer, dict) else answer
    except NotImplementedError:
        raw = await model.ainvoke(messages)
    if not isinstance(raw, AIMessage):
        raise GaaiError(f"the model returned {type(raw).__name__}, not a chat message")
    usage: dict[str, Any] = dict(raw.usage_metadata or {})
    answer_id = uuid.uuid4().hex
    _fresh_answers.add(answer_id)
    return {
        "id": answer_id,
        "text": _text_of(raw),
        "input_tokens": int(usage.get("input_tokens", 0)),
        "output_tokens": int(usage.get("output_tokens", 0)),
        "seconds": time.perf_counter() - started,
    }


# Typed loosely: langgraph's overloads cannot relate the key function's parameters to the
# task's (mypy infers Never).
_REQUEST_CACHE: CachePolicy[Any] = CachePolicy(key_func=_round_key)
_cached_request: Any = task(name="llm_request", cache_policy=_REQUEST_CACHE)(_request)


def _inside_graph() -> bool:
    try:
        get_config()
    except RuntimeError:
        return False
    return True


def _describe(error: BaseException, secrets: list[str]) -> str:
    text = f"{type(error).__name__}: {error}".replace("\n", " ")
    for secret in secrets:
        text = text.replace(secret, "***")
    return text[:_MAX_ERROR_CHARS]


def _validation_message(error: ValidationError) -> str:
    problems = [
        f"{'.'.join(str(part) for part in item['loc']) or '(root)'}: {item['msg']}"
        for item in error.errors()[:5]
    ]
    return "; ".join(problems)


def parse_answer(text: str, shape: type[Shape]) -> Shape:
    """Parse an answer strictly as JSON of `shape` (a ```json fence is tolerated).

    Raises:
        ValueError: The text is not JSON of that shape; the message says what is wrong.
    """
    fenced = _FENCE.match(text)
    body = fenced.group(1) if fenced else text
    try:
        return shape.model_validate_json(body)
    except ValidationError as error:
        raise ValueError(_validation_message(error)) from error


@dataclass
class Reply(Generic[Result]):
    """What a phase got from the model: a value, or None and why the rules must answer."""

    value: Result | None
    reason: str = ""


@dataclass
class LLMSession:
    """The model of one run and the records of one phase (or one template's report)."""

    context: Context
    model: BaseChatModel
    phase: str
    template_id: str | None = None
    calls: list[LLMCall] = field(default_factory=list)
    fallbacks: list[Fallback] = field(default_factory=list)

    @property
    def identity(self) -> str:
        """The model identity used in records and cache keys."""
        return model_identity(self.model)

    def fallback(self, action: Literal["rules", "repaired", "dropped"], reason: str) -> None:
        """Record that this phase's answer was repaired, trimmed or replaced by rules."""
        self.fallbacks.append(
            Fallback(
                phase=self.phase,
                template_id=self.template_id,
                action=action,
                reason=reason,
            )
        )

    def updates(self) -> dict[str, Any]:
        """State updates carrying this session's records."""
        return {"llm_calls": list(self.calls), "fallbacks": list(self.fallbacks)}

    async def _round(
        self, shape: type[BaseModel], messages: list[dict[str, str]], purpose: str
    ) -> str | None:
        """Send one request (or replay it from the cache); None when it failed."""
        schema = shape.model_json_schema()
        arguments = (self.identity, shape.__name__, schema, messages, self.model)
        record = LLMCall.model_validate(
            {
                "phase": self.phase,
                "model": self.identity,
                "template_id": self.template_id,
                "purpose": purpose,
            }
        )
        started = time.perf_counter()
        try:
            if _inside_graph():
                answer = await _cached_request(*arguments)
            else:
                answer = await _request(*arguments)
        except Exception as error:
            record.status = "error"
            record.seconds = time.perf_counter() - started
            record.error = _describe(error, self._secrets())
            self.calls.append(record)
            return None
        fresh = answer["id"] in _fresh_answers
        _fresh_answers.discard(answer["id"])
        record.cached = not fresh
        if fresh:
            record.input_tokens = answer["input_tokens"]
            record.output_tokens = answer["output_tokens"]
            record.seconds = answer["seconds"]
            record.cost_usd = call_cost(
                model_name(self.model),
                record.input_tokens,
                record.output_tokens,
                self.context.llm_prices,
            )
        self.calls.append(record)
        return str(answer["text"])

    def _secrets(self) -> list[str]:
        secrets: list[str] = []
        key = getattr(self.model, "openai_api_key", None)
        value = getattr(key, "get_secret_value", lambda: None)()
        if isinstance(value, str) and len(value) > 4:
            secrets.append(value)
        return secrets

    async def ask(
        self,
        shape: type[Shape],
        messages: list[dict[str, str]],
        validate: Callable[[Shape], Result],
    ) -> Reply[Result]:
        """Ask for an answer of `shape`, validate it, and repair it at most once.

        Args:
            shape: The pydantic model the answer must parse as.
            messages: The conversation (`{"role", "content"}` dicts).
            validate: Turns a parsed answer into the phase's result; raises `GaaiError` or
                `ValueError` with a message the model can act on when the answer is wrong.

        Returns:
            The validated result, or `Reply(None, reason)` when the phase must use its rules.
            Every request is in `calls`; a successful repair is in `fallbacks`.
        """
        text = await self._round(shape, messages, "answer")
        if text is None:
            return Reply(None, f"the model call failed: {self.calls[-1].error}")
        try:
            parsed = parse_answer(text, shape)
        except ValueError as error:
            problem, purpose = f"not valid JSON of the requested shape: {error}", "json_repair"
        else:
            try:
                return Reply(validate(parsed))
            except (ValueError, GaaiError) as error:
                problem, purpose = str(error), "validation_repair"
        self.calls[-1].status = "malformed" if purpose == "json_repair" else "invalid"
        instruction = "Answer again with the corrected JSON only, of the same shape."
        if purpose == "json_repair":
            # A server that ignores `response_format` (older Ollama or vLLM builds, some
            # OpenRouter providers) never saw the shape; spell it out once.
            schema = json.dumps(shape.model_json_schema(), separators=(",", ":"))
            instruction = f"Answer again with JSON only, matching this JSON Schema: {schema}"
        repair = [
            *messages,
            {"role": "assistant", "content": text},
            {
                "role": "user",
                "content": f"Your answer was rejected: {problem[:1500]}\n{instruction}",
            },
        ]
        repaired = await self._round(shape, repair, purpose)
        if repaired is None:
            return Reply(None, f"repair after '{problem[:200]}' failed: {self.calls[-1].error}")
        try:
            value = validate(parse_answer(repaired, shape))
        except (ValueError, GaaiError) as error:
            self.calls[-1].status = "malformed" if purpose == "json_repair" else "invalid"
            return Reply(None, f"still wrong after one repair round: {str(error)[:300]}")
        self.fallback("repaired", f"one repair round fixed: {problem[:300]}")
        return Reply(value)


def open_session(context: Context, phase: str, template_id: str | None = None) -> LLMSession | None:
    """Return a session for `phase` when the context configures a model, else None."""
    model = chat_model_for(context)
    if model is None:
        return None
    return LLMSession(context=context, model=model, phase=phase, template_id=template_id)
