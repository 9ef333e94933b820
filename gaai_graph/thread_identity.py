"""What a thread was started with, kept in its state, so every later step of it uses the same.

A run's context is not checkpointed by LangGraph: a client resuming an approval interrupt
without sending the context again would get the defaults (the `demo` source). So the first step
of a run (`gaai_graph.nodes.start.start_run`) writes `WorkflowState.run_identity`, plain data:

```python
{"context": {"source": "snapshots/shop", "graph_name": None, "vertical": "auto", ...},
 "documents": "sha256:..."}
```

`context` holds the `Context` fields that decide what is analysed (`KEPT_FIELDS`; a source
URL without its password); `documents` a digest of the requirement documents as given (paths
and inline text), so a large text or a secret in it is not copied. Every node then works with
`context_for_thread(recorded, given)`: the recorded context when the caller sent none (or only
the defaults), the caller's when it agrees, and a `ThreadIdentityError` naming what differs
otherwise. Settings that only decide how hard to work (`max_executions`, `enable_parallelism`,
the model client's timeouts and retries, prices, a chat model object) come from the caller.

A context equal to the defaults in every identity field counts as none sent: the LangGraph
server fills a missing context with the defaults, so an explicit `source="demo"` cannot be
told from no source at all, and continues the thread with its own source.
"""

from __future__ import annotations

import dataclasses
import hashlib
import inspect
import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from functools import wraps
from pathlib import PurePath
from typing import Any, TypeVar, cast

from langgraph.runtime import Runtime

from gaai_graph.context import Context
from gaai_graph.errors import GaaiError
from gaai_graph.sources.arango_url import redact_source

__all__ = [
    "IDENTITY_FIELDS",
    "KEPT_FIELDS",
    "ThreadIdentityError",
    "context_for_thread",
    "documents_digest",
    "identity_differences",
    "identity_of",
    "using_thread_context",
]

IDENTITY_FIELDS: tuple[str, ...] = (
    "source",
    "graph_name",
    "core_collections",
    "vertical",
    "max_templates",
    "top_k",
    "seed",
    "model",
    "llm_structured_method",
    "write_results",
    "engine",
    "gae_engine",
)
"""The `Context` fields that make a thread what it is: they change what a run analyses or
answers, so a later call must agree on them (or send none)."""

KEPT_FIELDS: tuple[str, ...] = (*IDENTITY_FIELDS, "approve_templates")
"""Recorded too, and used when the caller sends no context; `approve_templates` is not
compared (a resume that answers the approval need not ask for it again)."""

_Node = TypeVar("_Node", bound=Callable[..., Awaitable[dict[str, Any]]])
"""A node as the graph calls it: `(state, runtime)` -> its update."""


_DOCUMENT_DEPTH = 4
"""How deep a document's structure is digested (a valid one is a path or a flat mapping)."""


class ThreadIdentityError(GaaiError):
    """A run or resume on a thread gives other inputs than the thread was started with."""


def documents_digest(documents: Sequence[Any]) -> str:
    """A SHA-256 digest of requirement documents as given (paths and inline texts, in order)."""

    def plain(document: Any, depth: int = 0) -> Any:
        # A valid document is at most a mapping of text; deeper input is refused when the
        # documents are read, and must not overflow the stack here first.
        if depth > _DOCUMENT_DEPTH:
            return "<nested too deep>"
        if isinstance(document, PurePath):
            return str(document)
        if isinstance(document, Mapping):
            return {str(key): plain(value, depth + 1) for key, value in document.items()}
        if isinstance(document, list | tuple):
            return [plain(value, depth + 1) for value in document]
        if isinstance(document, bytes):
            return "sha256:" + hashlib.sha256(document).hexdigest()
        if isinstance(document, str | int | float | bool | None):
            return document
        return f"<{type(document).__name__}>"

    text = json.dumps([plain(d) for d in documents], sort_keys=True)
    return "sha256:" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _recorded_context(context: Context) -> dict[str, Any]:
    recorded = {name: getattr(context, name) for name in KEPT_FIELDS}
    recorded["source"] = redact_source(str(context.source))  # no password in state
    if recorded["core_collections"] is not None:
        recorded["core_collections"] = list(recorded["core_collections"])
    return recorded


def identity_of(context: Context, documents: Sequence[Any]) -> dict[str, Any]:
    """The record a thread keeps of what it was started with (plain, JSON-ready data)."""
    return {"context": _recorded_context(context), "documents": documents_digest(documents)}


def identity_differences(recorded: Mapping[str, Any], given: Mapping[str, Any]) -> list[str]:
    """What differs between two identity records, one phrase each (empty: the same inputs)."""
    differences = []
    before, after = recorded.get("context") or {}, given.get("context") or {}
    for name in IDENTITY_FIELDS:
        if name in before and before.get(name) != after.get(name):
            differences.append(f"{name} {_short(before.get(name))} (now {_short(after.get(name))})")
    if recorded.get("documents") != given.get("documents"):
        differences.append("the requirement documents")
    return differences


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:55] + "...'"


def _caller_sent_nothing(context: Context | None) -> bool:
    """True when no context was sent, or one with only the defaults (a server sends those)."""
    if context is None:
        return True
    defaults = Context()
    return all(getattr(context, name) == getattr(defaults, name) for name in IDENTITY_FIELDS)


def context_for_thread(
    recorded: Mapping[str, Any] | None,
    given: Context | None,
    context_class: type[Context] = Context,
) -> Context:
    """The context a step of a thread works with.

    Args:
        recorded: The thread's `run_identity` (None: a thread from before it was kept, or a
            payload without it: the caller's context is used as is).
        given: The context of the current call (`runtime.context`; None when none was sent).
        context_class: The graph's context schema, for a call that sent no context. A context
            built from the record is of the caller's class (else this one), so a server's
            context keeps its trust policy and is checked against it again.

    Returns:
        `given` when it agrees with the record; the recorded context (with `given`'s working
        settings) when the caller sent none or only the defaults.

    Raises:
        ThreadIdentityError: `given` differs from the record in a field the thread keeps.
    """
    if not recorded or not recorded.get("context"):
        return given if given is not None else context_class()
    kept: dict[str, Any] = dict(recorded["context"])
    if not _caller_sent_nothing(given):
        assert given is not None
        differences = identity_differences({"context": kept}, {"context": _recorded_context(given)})
        if differences:
            raise ThreadIdentityError(
                "this thread was started with another context: "
                + "; ".join(differences)
                + ". Resume it without a context (it keeps its own), or start a new thread"
            )
        return given
    working = {
        f.name: getattr(given, f.name)
        for f in dataclasses.fields(Context)
        if given is not None and f.name not in KEPT_FIELDS
    }
    known = {name: value for name, value in kept.items() if name in KEPT_FIELDS}
    context = (type(given) if given is not None else context_class)(**working, **known)
    # Environment overrides apply to fields at their defaults; the thread keeps its own.
    for name, value in known.items():
        setattr(context, name, value)
    return context


def using_thread_context(node: _Node, context_class: type[Context] = Context) -> _Node:
    """Wrap a node so its `runtime.context` is the thread's (`context_for_thread`).

    The node's input (the workflow state, or a template chain's payload) carries the record as
    `run_identity`. `context_class` is the graph's context schema (a server's keeps its policy).
    """
    # LangGraph reads the wrapped node's signature (through `wraps`): a node that takes no
    # runtime is called without one, and needs no context.
    takes_runtime = "runtime" in inspect.signature(node).parameters

    @wraps(node)
    async def run(state: Any, runtime: Runtime[Context] | None = None) -> dict[str, Any]:
        if not takes_runtime:
            return await node(state)
        recorded = getattr(state, "run_identity", None)
        context = context_for_thread(recorded, runtime.context if runtime else None, context_class)
        runtime = Runtime(context=context) if runtime is None else runtime.override(context=context)
        return await node(state, runtime)

    return cast("_Node", run)
