"""Structured progress events on LangGraph's `custom` stream: the run's story for clients.

Every phase says when it started and when it finished (with its counts and elapsed seconds) in
ONE place, the node wrapper `reporting_phase` that `graph.py` puts around each node, so the
nodes themselves stay free of progress bookkeeping. Templates are announced `queued` (with
n of N) when they are dispatched (`template_queued_events`); the template chains then say
`running`, `reporting` and `finished` themselves (`gaai_graph.nodes.execute.template_event`).

A client streams them with `stream_mode="custom"` (LangGraph Studio shows them too); the event
schema is documented in docs/server.md. Every event is a flat dict of plain JSON values with
`event` set to `PHASE_EVENT` or `gaai_graph.nodes.execute.TEMPLATE_EVENT`.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from functools import wraps
from typing import Any, TypeVar, cast

from langgraph.config import get_stream_writer
from langgraph.errors import GraphBubbleUp
from langgraph.runtime import Runtime
from typing_extensions import TypedDict

from gaai_graph.models import AnalysisTemplate, GraphSchema

PHASE_EVENT = "gaai.phase"
"""The `event` of the custom stream chunks that tell a phase's progress."""

_BOOKKEEPING = frozenset({"timings"})
"""State fields left out of a phase's counts (how long it took is `elapsed_seconds`)."""

_Node = TypeVar("_Node", bound=Callable[..., Awaitable[dict[str, Any]]])


class PhaseEvent(TypedDict, total=False):
    """One step of a phase, as written to LangGraph's `custom` stream."""

    event: str
    """Always `PHASE_EVENT`."""
    phase: str
    """The node's name: analyze_schema, extract_requirements, resolve_vertical,
    generate_use_cases, generate_templates, approve_templates, aggregate."""
    state: str
    """'started', 'finished', 'paused' (waiting for a person) or 'failed'."""
    elapsed_seconds: float
    """Wall time of the phase so far ('finished', 'paused', 'failed')."""
    counts: dict[str, int]
    """'finished': what the phase produced, e.g. {"requirements": 4} or {"reports": 6}."""
    error: str
    """'failed': the error's type and message (one line)."""


def phase_event(phase: str, state: str, **extra: Any) -> PhaseEvent:
    """Build the custom stream chunk for one step of `phase`.

    Args:
        phase: The node's name.
        state: 'started', 'finished', 'paused' or 'failed'.
        **extra: `elapsed_seconds`, `counts`, `error`.
    """
    event = PhaseEvent(event=PHASE_EVENT, phase=phase, state=state)
    event.update(extra)  # type: ignore[typeddict-item]
    return event


def is_phase_event(chunk: Any) -> bool:
    """Tell whether a custom stream chunk is a `PhaseEvent`."""
    return isinstance(chunk, dict) and chunk.get("event") == PHASE_EVENT


def phase_counts(update: Mapping[str, Any] | None) -> dict[str, int]:
    """The sizes of what a phase wrote: one count per list field of its state update."""
    if not isinstance(update, Mapping):
        return {}
    counts = {
        key: len(value)
        for key, value in update.items()
        if isinstance(value, list) and key not in _BOOKKEEPING
    }
    schema = update.get("schema")
    if isinstance(schema, GraphSchema):
        counts["vertex_collections"] = len(schema.vertex_collections)
        counts["edge_collections"] = len(schema.edge_collections)
    return counts


def schema_summary(schema: GraphSchema) -> dict[str, Any]:
    """A small, plain-data view of the schema for clients (no attribute profiles or values).

    Args:
        schema: The introspected schema.

    Returns:
        Graph name, fingerprint and each collection's name, kind, role and size.
    """
    return {
        "graph_name": schema.graph_name,
        "fingerprint": schema.fingerprint,
        "collections": [
            {"name": c.name, "kind": c.kind, "role": c.role, "count": c.count}
            for c in schema.collections
        ],
        "edge_definitions": len(schema.edge_definitions),
        "warnings": len(schema.warnings),
    }


def reporting_phase(phase: str, node: _Node) -> _Node:
    """Wrap a node so it tells its start, end, counts and elapsed time on the custom stream.

    The analyze_schema phase also writes `schema_summary` (so the output schema, which clients
    stream as `updates`, carries it). An interrupt (a person is asked) is told as 'paused'.

    Args:
        phase: The node's name.
        node: The async node `(state, runtime) -> update`.
    """
    # LangGraph reads the node's signature through `wraps`: a node declaring no runtime is
    # called without one, and so is this wrapper; the stream writer then comes from the run.
    takes_runtime = "runtime" in inspect.signature(node).parameters

    @wraps(node)
    async def run(state: Any, runtime: Runtime[Any] | None = None) -> dict[str, Any]:
        write = _writer(runtime)
        write(phase_event(phase, "started"))
        started = time.perf_counter()
        try:
            update = await (node(state, runtime) if takes_runtime else node(state))
        except GraphBubbleUp:
            write(phase_event(phase, "paused", elapsed_seconds=_since(started)))
            raise
        except Exception as error:
            message = f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
            write(
                phase_event(phase, "failed", elapsed_seconds=_since(started), error=message[:300])
            )
            raise
        if isinstance(update, dict) and isinstance(update.get("schema"), GraphSchema):
            update = {**update, "schema_summary": schema_summary(update["schema"])}
        write(
            phase_event(
                phase, "finished", elapsed_seconds=_since(started), counts=phase_counts(update)
            )
        )
        return update

    return cast("_Node", run)


def template_queued_events(templates: Sequence[AnalysisTemplate]) -> list[dict[str, Any]]:
    """The `queued` template events of a dispatch: one per template, with n of N."""
    from gaai_graph.nodes.execute import TEMPLATE_EVENT

    total = len(templates)
    return [
        {
            "event": TEMPLATE_EVENT,
            "state": "queued",
            "template_id": template.id,
            "title": template.title,
            "algorithm": template.algorithm,
            "method": getattr(template, "method", None) or template.algorithm,
            "n": position,
            "total": total,
        }
        for position, template in enumerate(templates, start=1)
    ]


def _since(started: float) -> float:
    return round(time.perf_counter() - started, 3)


def _ignore(_chunk: Any) -> None:
    return None


def _writer(runtime: Runtime[Any] | None) -> Callable[[Any], None]:
    writer = getattr(runtime, "stream_writer", None)
    if writer is not None:
        return cast("Callable[[Any], None]", writer)
    try:
        return get_stream_writer()
    except RuntimeError:  # called outside a run (a unit test)
        return _ignore
