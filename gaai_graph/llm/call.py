"""One reasoning phase's conversation with a chat model: ask, parse, validate, repair once.

Every phase asks once for an answer of a pydantic shape. A malformed answer (not JSON, or
not of the shape) or one that fails the phase's validation (an unknown collection, a number
not in the evidence) gets exactly one repair round that quotes the problem; what is still
wrong after it sends the phase to its rule path. Timeouts, 429s and 5xx answers are retried
with exponential backoff by the OpenAI client itself (`Context.llm_max_retries`); when those
run out the phase falls back too. Each request is one LangGraph task with a `CachePolicy`
keyed on the model (class, name, server and sampling settings), the way the answer is asked
for and the exact messages, so an unchanged re-run on a graph compiled with a cache replays
the answers without a single request.

How the answer is asked for is `Context.llm_structured_method`. A server that refuses
`response_format` (HTTP 400/422 naming it, as many local servers do) is asked the same
question again with the JSON Schema written into the prompt, and every later request of the
run to that model is sent that way. Each request has an overall deadline (`request_deadline`),
since the client's timeout applies to each read and a server trickling bytes never trips
it; after `UNREACHABLE_AFTER` consecutive timeouts or connection failures to one model the
run's remaining phases use their rules without asking.

No provider exception leaves a request: the task raises `LLMRequestError` with the redacted
message only (no chained original), because LangGraph keeps a failed task's exception as a
pending write in the checkpoint, and the provider's text can quote the API key.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage
from langchain_core.runnables import Runnable
from langgraph.config import get_config
from langgraph.func import task
from langgraph.types import CachePolicy
from pydantic import BaseModel, ValidationError

from gaai_graph.context import Context, StructuredMethod
from gaai_graph.errors import GaaiError
from gaai_graph.llm.config import cache_identity, chat_model_for, model_identity, model_name
from gaai_graph.llm.secrets import redact, remember_secrets_of
from gaai_graph.llm.usage import call_cost
from gaai_graph.models import Fallback, LLMCall
from gaai_graph.prompts import with_answer_schema

__all__ = [
    "UNREACHABLE_AFTER",
    "LLMRequestError",
    "LLMSession",
    "Reply",
    "open_session",
    "request_deadline",
]

Shape = TypeVar("Shape", bound=BaseModel)
Result = TypeVar("Result")
FailureKind = Literal["unreachable", "error"]

UNREACHABLE_AFTER = 2
"""Consecutive timeouts or connection failures to one model after which a run stops asking it."""

UNREACHABLE_REASON = "model unreachable, rules used"

_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.DOTALL)
_MAX_ERROR_CHARS = 300

# The openai client's backoff before retry n (0-based) is at most min(0.5 * 2**n, 8) s.
_FIRST_BACKOFF_SECONDS = 0.5
_MAX_BACKOFF_SECONDS = 8.0
_DEADLINE_MARGIN_SECONDS = 1.0

# Words of a 400/422 answer that say the server does not take the way the answer was asked
# for (vLLM, llama.cpp, LM Studio and older Ollama builds name the field they refuse).
_REFUSED_FORMAT_WORDS = ("response_format", "json_schema", "json_object", "tool_choice", "tools")

# Failures that mean the server did not answer at all (langchain-core's provider-neutral
# classes, openai's, httpx's and builtin ones; matched by name so the rule path never imports
# a provider client).
_UNREACHABLE_ERRORS = frozenset(
    {
        "ModelConnectionError",
        "ModelTimeoutError",
        "TimeoutError",
        "APITimeoutError",
        "APIConnectionError",
        "ConnectError",
        "ConnectTimeout",
        "ReadTimeout",
        "WriteTimeout",
        "PoolTimeout",
        "TimeoutException",
        "ConnectionError",
    }
)

# Ids of answers requested by this process; an answer whose id is not here was replayed from
# the cache (possibly written by another process).
_fresh_answers: set[str] = set()


class LLMRequestError(GaaiError):
    """A chat-model request failed; the message is redacted and no provider error is attached.

    Attributes:
        kind: "unreachable" for a timeout or a connection failure (counted by the circuit
            breaker), "error" for any other failure (an HTTP error after the retries).
    """

    def __init__(self, message: str, kind: FailureKind = "error") -> None:
        """Keep the redacted `message` and the failure's `kind`."""
        super().__init__(message)
        self.kind: FailureKind = kind


def request_deadline(context: Context) -> float:
    """Seconds one request (all of the client's attempts) may take before it is abandoned.

    `llm_timeout` bounds each read, so a server sending a byte now and then never trips it;
    the deadline is `llm_timeout` × (`llm_max_retries` + 1) plus the client's backoff between
    attempts (0.5, 1, 2, 4, 8, 8... s) plus 1 s.
    """
    retries = context.llm_max_retries
    backoff = sum(
        min(_FIRST_BACKOFF_SECONDS * 2.0**attempt, _MAX_BACKOFF_SECONDS)
        for attempt in range(retries)
    )
    return context.llm_timeout * (retries + 1) + backoff + _DEADLINE_MARGIN_SECONDS


def _round_key(
    identity: str,
    shape_name: str,
    json_schema: dict[str, Any],
    method: str,
    messages: list[dict[str, str]],
    model: BaseChatModel,
    deadline: float,
) -> str:
    """Cache key of one request: the model's cache identity, the shape, method and messages.

    The model object is left out (it is not hashable content; its identity stands for it),
    and so is the deadline, which changes how long to wait, not the answer.
    """
    return json.dumps([identity, shape_name, json_schema, method, messages], sort_keys=True)


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


def _structured(
    model: BaseChatModel, method: StructuredMethod, shape_name: str, json_schema: dict[str, Any]
) -> Runnable[Any, Any] | None:
    """The model wrapped to answer in `json_schema` by `method`; None when it cannot."""
    schema = {**json_schema, "title": shape_name}
    try:
        return model.with_structured_output(schema, method=method, include_raw=True)
    except NotImplementedError:
        return None
    except (TypeError, ValueError):
        pass  # a provider without this method (or without `method`): its own default
    try:
        return model.with_structured_output(schema, include_raw=True)
    except NotImplementedError:
        return None


def _method_for(
    model: BaseChatModel, wanted: StructuredMethod, shape_name: str, json_schema: dict[str, Any]
) -> StructuredMethod:
    """`wanted`, or "prompt" for a model without structured-output support."""
    if wanted == "prompt" or _structured(model, wanted, shape_name, json_schema) is None:
        return "prompt"
    return wanted


async def _send(
    model: BaseChatModel,
    method: StructuredMethod,
    shape_name: str,
    json_schema: dict[str, Any],
    messages: list[dict[str, str]],
) -> AIMessage:
    runnable = _structured(model, method, shape_name, json_schema) if method != "prompt" else None
    if runnable is None:
        raw = await model.ainvoke(messages)
    else:
        answer = await runnable.ainvoke(messages)
        raw = answer["raw"] if isinstance(answer, dict) else answer
    if not isinstance(raw, AIMessage):
        raise GaaiError(f"the model returned {type(raw).__name__}, not a chat message")
    return raw


def _refuses_format(error: BaseException) -> bool:
    """Whether `error` is a 400/422 answer refusing how the answer was asked for."""
    if getattr(error, "status_code", None) not in (400, 422):
        return False
    text = f"{error} {getattr(error, 'body', '')}".lower()
    return any(word in text for word in _REFUSED_FORMAT_WORDS)


def _is_unreachable(error: BaseException) -> bool:
    return any(cls.__name__ in _UNREACHABLE_ERRORS for cls in type(error).__mro__)


def _describe(error: BaseException) -> str:
    text = f"{type(error).__name__}: {error}".replace("\n", " ")
    return redact(text)[:_MAX_ERROR_CHARS]


async def _request(
    identity: str,
    shape_name: str,
    json_schema: dict[str, Any],
    method: StructuredMethod,
    messages: list[dict[str, str]],
    model: BaseChatModel,
    deadline: float,
) -> dict[str, Any]:
    """Send one request and return the raw answer text with its usage (JSON-ready).

    A refusal of `method` is returned (so it is cached like an answer: the same request to
    the same server is refused again); every other failure is raised as `LLMRequestError`.
    """
    started = time.perf_counter()
    failure: LLMRequestError | None = None
    refusal: str | None = None
    try:
        async with asyncio.timeout(deadline) as scope:
            raw = await _send(model, method, shape_name, json_schema, messages)
    except Exception as error:
        if scope.expired():
            message = f"TimeoutError: no complete answer within the {deadline:g} s deadline"
            failure = LLMRequestError(message, "unreachable")
        elif method != "prompt" and _refuses_format(error):
            refusal = _describe(error)
        else:
            kind: FailureKind = "unreachable" if _is_unreachable(error) else "error"
            failure = LLMRequestError(_describe(error), kind)
    if failure is not None:
        # Raised outside the `except` block, so the provider's exception (whose text may
        # quote the key) is not even the implicit context of what LangGraph stores.
        raise failure from None
    answer_id = uuid.uuid4().hex
    _fresh_answers.add(answer_id)
    seconds = time.perf_counter() - started
    if refusal is not None:
        return {"id": answer_id, "refused": refusal, "seconds": seconds}
    usage: dict[str, Any] = dict(raw.usage_metadata or {})
    return {
        "id": answer_id,
        "text": _text_of(raw),
        "input_tokens": int(usage.get("input_tokens", 0)),
        "output_tokens": int(usage.get("output_tokens", 0)),
        "seconds": seconds,
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


@dataclass
class _RunMemory:
    """What one run learnt about its models: how to ask them, and whether they answer."""

    methods: dict[str, StructuredMethod] = field(default_factory=dict)
    unreachable: dict[str, int] = field(default_factory=dict)
    """Consecutive timeouts or connection failures per model identity."""


# One memory per run, keyed by its Context object (LangGraph hands every node of a run the
# same one); forgotten when the context is.
_run_memories: dict[int, _RunMemory] = {}


def _memory_of(context: Context) -> _RunMemory:
    key = id(context)
    memory = _run_memories.get(key)
    if memory is None:
        memory = _run_memories[key] = _RunMemory()
        weakref.finalize(context, _run_memories.pop, key, None)
    return memory


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
        """The model identity used in records (name and server)."""
        return model_identity(self.model)

    @property
    def _memory(self) -> _RunMemory:
        return _memory_of(self.context)

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

    def unreachable(self) -> bool:
        """Whether this run has stopped asking the model (too many timeouts in a row)."""
        return self._memory.unreachable.get(self.identity, 0) >= UNREACHABLE_AFTER

    async def _round(
        self, shape: type[BaseModel], messages: list[dict[str, str]], purpose: str
    ) -> str | None:
        """Send one request (or replay it from the cache); None when it failed.

        A refusal of the structured-output method is asked again once with the JSON Schema
        in the prompt, which the rest of the run then uses for this model.
        """
        schema = shape.model_json_schema()
        memory = self._memory
        method = memory.methods.get(self.identity) or _method_for(
            self.model, self.context.llm_structured_method, shape.__name__, schema
        )
        answer = await self._send(shape, schema, method, messages, purpose)
        if answer is not None and "refused" in answer:
            memory.methods[self.identity] = "prompt"
            answer = await self._send(shape, schema, "prompt", messages, purpose)
        if answer is None or "refused" in answer:
            return None
        return str(answer["text"])

    async def _send(
        self,
        shape: type[BaseModel],
        schema: dict[str, Any],
        method: StructuredMethod,
        messages: list[dict[str, str]],
        purpose: str,
    ) -> dict[str, Any] | None:
        """One request by `method`, recorded in `calls`; None when it failed."""
        if method in ("prompt", "json_mode"):
            # Neither carries the shape in the request itself: the model reads it here.
            messages = with_answer_schema(messages, schema)
        arguments = (
            cache_identity(self.model),
            shape.__name__,
            schema,
            method,
            messages,
            self.model,
            request_deadline(self.context),
        )
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
                answer: dict[str, Any] = await _cached_request(*arguments)
            else:
                answer = await _request(*arguments)
        except Exception as error:
            record.status = "error"
            record.seconds = time.perf_counter() - started
            record.error = (
                _describe(error) if not isinstance(error, LLMRequestError) else str(error)
            )
            self.calls.append(record)
            failures = self._memory.unreachable
            if isinstance(error, LLMRequestError) and error.kind == "unreachable":
                failures[self.identity] = failures.get(self.identity, 0) + 1
            else:
                failures[self.identity] = 0  # it answered, if only with an error
            return None
        self._memory.unreachable[self.identity] = 0
        fresh = answer["id"] in _fresh_answers
        _fresh_answers.discard(answer["id"])
        record.cached = not fresh
        if "refused" in answer:
            record.status = "error"
            record.error = f"{method} structured output refused: {answer['refused']}"
            record.seconds = answer["seconds"] if fresh else 0.0
            self.calls.append(record)
            return answer
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
        return answer

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
            The validated result, or `Reply(None, reason)` when the phase must use its rules
            (without any request once the run found the model unreachable). Every request
            is in `calls`; a successful repair is in `fallbacks`.
        """
        if self.unreachable():
            return Reply(None, self._unreachable_reason())
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

    def _unreachable_reason(self) -> str:
        return (
            f"{UNREACHABLE_REASON}: {UNREACHABLE_AFTER} requests in a row to {self.identity} "
            "timed out or could not connect"
        )


def open_session(context: Context, phase: str, template_id: str | None = None) -> LLMSession | None:
    """Return a session for `phase` when the context configures a model, else None."""
    model = chat_model_for(context)
    if model is None:
        return None
    # Registered before any request, so every later redaction (records, the tracer) knows them.
    remember_secrets_of(model, context.source)
    return LLMSession(context=context, model=model, phase=phase, template_id=template_id)
