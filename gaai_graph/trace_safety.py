"""Safe LangSmith tracing: no data in traces by default, a failing backend never slows a run.

When LangSmith tracing is on (`LANGSMITH_TRACING=true` and a key), langchain traces every
node with its whole input and output: the state of a run is hundreds of KB, customer names
and requirement text included. `install_safe_tracing` gives LangSmith a client that

- keeps payloads out: each input and output is replaced by its shape (`payload_shape`:
  counts, numbers and ids, no text or attribute values) unless the operator opts in with
  `GAAI_TRACE_PAYLOADS=full`;
- gives up quickly on an unreachable or refusing backend (`GAAI_TRACE_TIMEOUT_MS`, default
  2000 ms per connect and per read) and sends from LangSmith's background thread, so the run
  never waits for it;
- reports a failing backend once, in one line, instead of a warning per batch.

The graph's runs are named and tagged so they can be found (`template_run_config`): each
phase's run is its node's name, each template chain's run is "template <id> <algorithm>",
with the thread, template, algorithm and schema fingerprint as metadata.
"""

from __future__ import annotations

import dataclasses
import inspect
import logging
import os
import threading
from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any, TypeVar, cast

import requests
from pydantic import BaseModel

logger = logging.getLogger(__name__)

_ID_KEYS = frozenset(
    {
        "id",
        "algorithm",
        "method",
        "phase",
        "status",
        "state",
        "event",
        "kind",
        "intent",
        "fingerprint",
        "graph_name",
        "generated_by",
    }
)
"""Keys (besides those ending in `_id`) whose short text values are identifiers, kept."""

_Node = TypeVar("_Node", bound=Callable[..., Awaitable[dict[str, Any]]])

_MAX_DEPTH = 3
_MAX_KEYS = 40
_installed = threading.Lock()
_state: dict[str, Any] = {"client": None}


def full_payloads_wanted() -> bool:
    """Whether the operator opted in to full payloads in traces (`GAAI_TRACE_PAYLOADS=full`)."""
    return os.environ.get("GAAI_TRACE_PAYLOADS", "").strip().lower() == "full"


def _keeps_text(key: str, value: str) -> bool:
    return (key in _ID_KEYS or key.endswith("_id")) and len(value) <= 120 and "\n" not in value


def payload_shape(value: Any, key: str = "", depth: int = 0) -> Any:
    """What a trace may show of a payload: its shape, counts, numbers and ids, no text.

    Args:
        value: A run's input or output (dicts, lists, dataclasses, pydantic models, ...).
        key: The key the value is held under (ids are kept by key).
        depth: Nesting depth so far; deeper values become their type name.

    Returns:
        Plain data: numbers, booleans and None as they are, text only under id keys (else
        `"<text: N chars>"`), lists as `{"count": N}` (their first item's shape when short),
        objects as their fields' shapes up to a small depth.
    """
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return value if _keeps_text(key, value) else f"<text: {len(value)} chars>"
    if isinstance(value, list | tuple | set | frozenset):
        return {"count": len(value)}
    if depth >= _MAX_DEPTH:
        return f"<{type(value).__name__}>"
    fields = _fields_of(value)
    if fields is None:
        return f"<{type(value).__name__}>"
    shown = {
        str(name): payload_shape(item, str(name), depth + 1)
        for name, item in list(fields.items())[:_MAX_KEYS]
    }
    if len(fields) > _MAX_KEYS:
        shown["..."] = f"{len(fields) - _MAX_KEYS} more keys"
    return shown


def _fields_of(value: Any) -> dict[Any, Any] | None:
    if isinstance(value, dict):
        return value
    if isinstance(value, BaseModel):
        return {name: getattr(value, name) for name in type(value).model_fields}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    return None


def _hide(payload: dict[str, Any]) -> dict[str, Any]:
    shaped = payload_shape(payload)
    return shaped if isinstance(shaped, dict) else {"value": shaped}


class _ReportOnce(logging.Filter):
    """Let the first failure of the tracing backend through, as one line; drop the rest."""

    def __init__(self) -> None:
        super().__init__()
        self.reported = False
        self.dropped = 0
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return True
        with self._lock:
            if self.reported:
                self.dropped += 1
                return False
            self.reported = True
        reason = record.getMessage().splitlines()[0][:300]
        record.msg = "LangSmith tracing failed, the run goes on without traces (reported once): %s"
        record.args = (reason,)
        record.exc_info = None
        record.exc_text = None
        return True


_report_once = _ReportOnce()


def tracing_timeout_ms() -> int:
    """Connect and read timeout for the tracing backend (`GAAI_TRACE_TIMEOUT_MS`, ms)."""
    text = os.environ.get("GAAI_TRACE_TIMEOUT_MS", "").strip()
    return int(text) if text.isdigit() and int(text) > 0 else 1000


class _CircuitBreakerSession(requests.Session):
    """A session that stops calling a tracing backend once it has failed.

    LangSmith's client retries every batch (with backoff, and on a timeout sleeps before
    trying again), and flushes its queue when the process exits: against a backend that is
    down or refuses the key that cost 10 s (closed port) to 140 s (a listener that never
    answers) per run. After the first refusal (401, 403, 5xx), connection error or timeout,
    every further request fails at once without touching the network; a timeout is raised as
    a connection error, which LangSmith does not sleep before retrying.
    """

    def __init__(self) -> None:
        super().__init__()
        self.failure: str | None = None

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        if self.failure is not None:
            raise requests.ConnectionError(
                f"the tracing backend failed earlier ({self.failure}); not tried again"
            )
        try:
            response = super().request(method, url, *args, **kwargs)
        except requests.Timeout as error:
            self.failure = "timed out"
            raise requests.ConnectionError(f"the tracing backend timed out: {error}") from error
        except requests.RequestException as error:
            self.failure = type(error).__name__
            raise
        if response.status_code in (401, 403) or response.status_code >= 500:
            self.failure = f"HTTP {response.status_code}"
        return response


def install_safe_tracing() -> bool:
    """Give LangSmith a safe client when tracing is on (idempotent; no network here).

    Returns:
        True when tracing is on and the safe client is installed, else False.
    """
    from gaai_graph.tracing import langsmith_status

    if not langsmith_status()["enabled"]:
        return False
    with _installed:
        if _state["client"] is not None:
            return True
        import langsmith
        from langsmith import Client
        from urllib3.util.retry import Retry

        hide = None if full_payloads_wanted() else _hide
        timeout = tracing_timeout_ms()
        client = Client(
            timeout_ms=(timeout, timeout),
            hide_inputs=hide,
            hide_outputs=hide,
            session=_CircuitBreakerSession(),
            retry_config=Retry(total=0, raise_on_status=False, raise_on_redirect=False),
        )
        langsmith.configure(client=client)
        logging.getLogger("langsmith.client").addFilter(_report_once)
        logging.getLogger("langsmith").addFilter(_report_once)
        _state["client"] = client
    return True


def template_run_config(
    template_id: str, algorithm: str, fingerprint: str | None, thread_id: str | None
) -> dict[str, Any]:
    """The run name, tags and metadata of one template chain's trace.

    Args:
        template_id: The template's id.
        algorithm: Its algorithm (or method).
        fingerprint: The schema's fingerprint, to find every run over the same data.
        thread_id: The thread the run belongs to, when known.
    """
    metadata: dict[str, Any] = {
        "gaai_template_id": template_id,
        "gaai_algorithm": algorithm,
    }
    if fingerprint:
        metadata["gaai_schema_fingerprint"] = fingerprint
    if thread_id:
        metadata["thread_id"] = thread_id
    return {
        "run_name": f"template {template_id} {algorithm}",
        "tags": ["gaai", "template", f"algorithm:{algorithm}"],
        "metadata": metadata,
    }


def named_template_chain(node: _Node) -> _Node:
    """Wrap the template chain node so its trace is a run named after the template.

    Only while LangSmith tracing is on (otherwise nothing is added to the chain). The node's
    own run is "run_template" for every template; this child run carries the template's name,
    tags and metadata (`template_run_config`), and so can be searched for in LangSmith.
    """
    takes_runtime = "runtime" in inspect.signature(node).parameters

    def call(task: Any, runtime: Any) -> Awaitable[dict[str, Any]]:
        return node(task, runtime) if takes_runtime else node(task)

    @wraps(node)
    async def run(task: Any, runtime: Any = None) -> dict[str, Any]:
        from gaai_graph.tracing import langsmith_status

        if not langsmith_status()["enabled"]:
            return await call(task, runtime)
        from langchain_core.runnables import RunnableLambda
        from langgraph.config import get_config

        try:
            thread_id = get_config().get("configurable", {}).get("thread_id")
        except RuntimeError:
            thread_id = None
        template = task.template
        schema = getattr(task, "schema", None)
        config = template_run_config(
            template.id,
            template.algorithm,
            getattr(schema, "fingerprint", None),
            str(thread_id) if thread_id else None,
        )

        async def chain(_: Any) -> dict[str, Any]:
            return await call(task, runtime)

        result: dict[str, Any] = await RunnableLambda(chain).ainvoke(None, config)  # type: ignore[arg-type]
        return result

    return cast("_Node", run)
