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
    "EngineName",
    "choose_engine",
    "gae_min_edges",
]

EngineName = Literal["local", "gae"]

LOCAL_BYTES_PER_EDGE = 250
"""Peak bytes the local engine needs per projected edge from a streamed (live) source: the
int32 edge array (8), igraph's edge and index vectors (32) plus a working copy (32) and an
undirected simple variant (32), and per vertex (~0.56 an edge) its id and label strings and
igraph's vertex vectors (~250, so ~140 an edge). Rounded up."""

DEFAULT_GAE_MIN_EDGES = 20_000_000
"""`auto` sends projections of at least this many edges to the GAE: 20 million edges need ~5 GB
in process by `LOCAL_BYTES_PER_EDGE`, a quarter of a 24 GB machine, which leaves room for
the run's other templates and reports."""

GAE_MIN_EDGES_VARIABLE = "GAAI_GAE_MIN_EDGES"


def gae_min_edges(environment: Mapping[str, str] | None = None) -> int:
    """The edge count from which `auto` picks the GAE (`GAAI_GAE_MIN_EDGES`, else the default).

    Raises:
        GaaiError: The variable is set to something other than a positive whole number.
    """
    environ = os.environ if environment is None else environment
    text = environ.get(GAE_MIN_EDGES_VARIABLE, "").strip().replace("_", "")
    if not text:
        return DEFAULT_GAE_MIN_EDGES
    try:
        value = int(float(text)) if "e" in text.lower() else int(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise GaaiError(
            f"{GAE_MIN_EDGES_VARIABLE}={environ[GAE_MIN_EDGES_VARIABLE]!r} is not a positive "
            "number of edges; set it to e.g. 20000000 (or 2e7), or unset it for the default"
        )
    return value


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
