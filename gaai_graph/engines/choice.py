"""Which engine runs a template: in process, or ArangoDB's Graph Analytics Engine (issue 18.7).

`--engine local` and `--engine gae` are the operator's explicit choices. `auto` decides by the
size of the template's projection: the local engine holds the projection, its igraph graph and
one working copy in this process, about `LOCAL_BYTES_PER_EDGE` bytes an edge at the demo's
~0.56 vertices an edge (see docs/benchmarks.md, "Beyond one machine", for the arithmetic), so
above `DEFAULT_GAE_MIN_EDGES` edges a live ArangoDB source is sent to the GAE instead. The
operator sets the threshold with `GAAI_GAE_MIN_EDGES`.

The execute node asks `choose_engine` for every template (`gaai_graph.nodes.execute.engine_for`);
`local` stays the default. A LangGraph server whose operator has not allowed the GAE
(`GAAI_ALLOW_GAE`) runs a caller's `auto` as `local` (`gaai_graph.trust`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Literal

from gaai_graph.errors import GaaiError

__all__ = [
    "DEFAULT_GAE_MIN_EDGES",
    "GAE_MIN_EDGES_VARIABLE",
    "LOCAL_BYTES_PER_EDGE",
    "LOCAL_BYTES_PER_PROJECTED_EDGE",
    "LOCAL_BYTES_PER_VERTEX",
    "EngineName",
    "choose_engine",
    "edge_threshold",
    "gae_min_edges",
    "local_bytes",
]

EngineName = Literal["local", "gae"]

LOCAL_BYTES_PER_PROJECTED_EDGE = 104
"""Peak bytes the local engine needs per projected edge: the int32 edge array (8), igraph's
edge and index vectors (32) plus a working copy (32) and an undirected simple variant (32)."""
LOCAL_BYTES_PER_VERTEX = 250
"""Peak bytes the local engine needs per projected vertex: its id and label strings and
igraph's vertex vectors."""
LOCAL_BYTES_PER_EDGE = 250
"""Peak bytes the local engine needs per projected edge from a streamed (live) source, its
vertices included: `LOCAL_BYTES_PER_PROJECTED_EDGE` plus ~0.56 vertices an edge (the demo's
ratio) at `LOCAL_BYTES_PER_VERTEX` (~140 an edge). Rounded up."""

DEFAULT_GAE_MIN_EDGES = 20_000_000
"""`auto` sends projections of at least this many edges to the GAE: 20 million edges need ~5 GB
in process by `LOCAL_BYTES_PER_EDGE`, a quarter of a 24 GB machine, which leaves room for
the run's other templates and reports."""

GAE_MIN_EDGES_VARIABLE = "GAAI_GAE_MIN_EDGES"


def local_bytes(edge_count: int, vertex_count: int) -> int:
    """Estimated peak bytes of a local analysis on a projection of this size."""
    return edge_count * LOCAL_BYTES_PER_PROJECTED_EDGE + vertex_count * LOCAL_BYTES_PER_VERTEX


def edge_threshold(
    variable: str,
    default: int,
    *,
    example: str,
    unset: str,
    environment: Mapping[str, str] | None = None,
) -> int:
    """An edge-count threshold the operator sets in the environment variable `variable`.

    A positive whole number, written plainly (`20000000`), with underscores (`20_000_000`)
    or in scientific notation (`2e7`).

    Args:
        variable: The environment variable's name.
        default: The threshold when the variable is unset or empty.
        example: A valid value for the error message, e.g. "20000000 (or 2e7)".
        unset: What unsetting the variable does, for the error message, e.g. "for the
            default".
        environment: Where to read the variable; None reads `os.environ`.

    Raises:
        GaaiError: The variable is set to something other than a positive whole number.
    """
    environ = os.environ if environment is None else environment
    text = environ.get(variable, "").strip().replace("_", "")
    if not text:
        return default
    try:
        value = int(float(text)) if "e" in text.lower() else int(text)
    except (ValueError, OverflowError):
        value = 0
    if value <= 0:
        raise GaaiError(
            f"{variable}={environ[variable]!r} is not a positive number of edges; set it to "
            f"e.g. {example}, or unset it {unset}"
        )
    return value


def gae_min_edges(environment: Mapping[str, str] | None = None) -> int:
    """The edge count from which `auto` picks the GAE (`GAAI_GAE_MIN_EDGES`, else the default).

    Raises:
        GaaiError: The variable is set to something other than a positive whole number.
    """
    return edge_threshold(
        GAE_MIN_EDGES_VARIABLE,
        DEFAULT_GAE_MIN_EDGES,
        example="20000000 (or 2e7)",
        unset="for the default",
        environment=environment,
    )


def choose_engine(
    requested: str, *, edge_count: int, live_source: bool, min_edges: int | None = None
) -> EngineName:
    """The engine that runs a template whose projection has `edge_count` edges.

    Args:
        requested: 'local', 'gae' (the operator's choice, kept) or 'auto'.
        edge_count: Edges in the template's projection (or its edge collections' counts).
        live_source: Whether the source is a live ArangoDB database; a snapshot or the demo
            has no GAE next to it, so `auto` keeps them local whatever their size.
        min_edges: Threshold for `auto`; None reads `gae_min_edges()`.

    Returns:
        'local' or 'gae'.

    Raises:
        GaaiError: `requested` is not one of the three, or the threshold variable is invalid.
    """
    if requested in ("local", "gae"):
        return "gae" if requested == "gae" else "local"
    if requested != "auto":
        raise GaaiError(f"engine must be 'local', 'gae' or 'auto', got {requested!r}")
    if not live_source:
        return "local"
    threshold = gae_min_edges() if min_edges is None else min_edges
    return "gae" if edge_count >= threshold else "local"
