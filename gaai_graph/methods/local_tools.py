"""igraph helpers the local computations of several method families share.

igraph (Csárdi and Nepusz, "The igraph software package for complex network research",
InterJournal Complex Systems 1695, 2006) computes every method of the local engine.
"""

from __future__ import annotations

import itertools
import random
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar

import igraph as ig
import numpy as np
import numpy.typing as npt

from gaai_graph.models import MetricValue

__all__ = [
    "as_scores",
    "community_metrics",
    "degrees_of_edges",
    "edge_ends",
    "edge_pairs",
    "graph_of_edges",
    "modularity",
    "run_starts",
    "seeded_igraph",
    "simple_keeping_direction",
    "simple_notes",
    "simple_undirected_edges",
    "sorted_distinct",
    "undirected_simple",
]


def edge_ends(graph: ig.Graph) -> npt.NDArray[np.int64]:
    """The graph's edges as an (edges, 2) int64 array, in edge order.

    `np.asarray(graph.get_edgelist())` converts each pair as a small sequence; reading the
    flattened pairs through `np.fromiter` gives the same array in about two thirds of the time
    (~0.12 s against ~0.18 s for 5 * 10^5 edges).
    """
    pairs = graph.get_edgelist()
    flat = itertools.chain.from_iterable(pairs)
    return np.fromiter(flat, dtype=np.int64, count=2 * len(pairs)).reshape(-1, 2)


_Scalar = TypeVar("_Scalar", bound=np.generic)

PAIRS_CHUNK = 1 << 16
"""Edges converted to Python pairs at a time while igraph reads them (`edge_pairs`)."""


def edge_pairs(edges: npt.NDArray[np.integer[Any]]) -> Iterator[tuple[int, int]]:
    """The (m, 2) edge array as Python pairs, converted a chunk at a time, for `ig.Graph`.

    igraph reads Python pairs faster than a numpy array (~0.26 s against ~0.75 s for 10^6
    edges: its buffer path is slower; 0.9 s against 7.2 s for 5 * 10^6); converting a chunk
    at a time (rather than two whole columns to lists) is faster still and never holds more
    than a chunk of Python ints, where whole columns took ~70 MB at 10^6 edges.
    """
    for start in range(0, len(edges), PAIRS_CHUNK):
        chunk = edges[start : start + PAIRS_CHUNK]
        yield from zip(chunk[:, 0].tolist(), chunk[:, 1].tolist(), strict=True)


def graph_of_edges(
    vertex_count: int,
    edges: npt.NDArray[np.integer[Any]],
    *,
    directed: bool,
    vertex_values: Mapping[str, Any],
    edge_values: Mapping[str, npt.NDArray[Any]] | None = None,
) -> ig.Graph:
    """An igraph graph of an edge array, with the attribute columns methods read by name.

    Args:
        vertex_count: Vertices (numbered 0..vertex_count-1; the edges are not checked).
        edges: (m, 2) vertex numbers.
        directed: Whether the graph is directed.
        vertex_values: Attribute name -> one value per vertex.
        edge_values: Attribute name -> one value per edge (a numpy array).
    """
    graph = ig.Graph(n=vertex_count, edges=edge_pairs(edges), directed=directed)
    for name, values in (edge_values or {}).items():
        graph.es[name] = values.tolist()
    for name, column in vertex_values.items():
        graph.vs[name] = column
    return graph


def degrees_of_edges(
    edges: npt.NDArray[np.integer[Any]], vertex_count: int, *, directed: bool, mode: str = "all"
) -> npt.NDArray[np.float64]:
    """Each vertex's degree as igraph's `degree(mode=mode, loops=True)` counts it.

    On the graph of these edges: a self-loop counts twice in mode "all" and once each "out"
    and "in"; an undirected graph counts every edge in every mode.
    """
    if not directed or mode == "all":
        ends = edges.ravel()
    else:
        ends = edges[:, 0] if mode == "out" else edges[:, 1]
    counts = np.bincount(ends.astype(np.intp, copy=False), minlength=vertex_count)
    return counts.astype(np.float64)


def simple_undirected_edges(
    edges: npt.NDArray[np.integer[Any]], vertex_count: int
) -> npt.NDArray[np.int64]:
    """The edges of `undirected_simple`'s graph, computed from an edge array without igraph.

    Each distinct unordered pair of distinct endpoints once, lower index first, in ascending
    order: the edge list igraph's `as_undirected(mode="collapse")` and `simplify()` leave
    (checked edge for edge in tests/methods/test_local_tools.py), so a graph built from it
    is the graph they give. One sort of integer keys: at 5 * 10^6 edges ~1.3 s with the
    graph's build, where building the multigraph and simplifying it took ~3.7 s. The keys
    are formed and sorted in place: at 8.6 * 10^6 edges ~0.7 s and ~215 MB at the peak.
    """
    ends = np.asarray(edges).reshape(-1, 2)
    lower = np.minimum(ends[:, 0], ends[:, 1]).astype(np.int64)
    upper = np.maximum(ends[:, 0], ends[:, 1]).astype(np.int64)
    keep = lower != upper
    width = max(vertex_count, 1)
    keys = lower[keep]
    del lower  # the largest arrays here are held one at a time, not side by side
    keys *= width
    keys += upper[keep]
    del upper, keep
    keys.sort()
    keys = keys[run_starts(keys)]
    pairs = np.empty((keys.size, 2), dtype=np.int64)
    np.divmod(keys, width, out=(pairs[:, 0], pairs[:, 1]))
    return pairs


def sorted_distinct(values: npt.NDArray[_Scalar]) -> npt.NDArray[_Scalar]:
    """`np.unique(values)` of an integer array, found by sorting.

    numpy 2.3+ answers a bare `np.unique` of integers from a hash table, which is many times
    slower than sorting once there are millions of distinct values (measured with numpy
    2.4: 1.96 s against 0.12 s for 2 * 10^6, 7.2 s against 0.7 s for 10^7 values).
    """
    ordered = np.sort(values.ravel())
    return ordered[run_starts(ordered)]


def run_starts(ordered: npt.NDArray[Any]) -> npt.NDArray[np.intp]:
    """Where each run of equal values of a sorted array starts (`np.unique`'s first index)."""
    if not ordered.size:
        return np.empty(0, dtype=np.intp)
    return np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))


# igraph draws random numbers from one process-wide generator. Seeding it and running a
# randomised algorithm must happen under this lock, or two templates running in threads would
# interleave draws from each other's seeded streams and neither result would be reproducible.
_RANDOM_LOCK = threading.Lock()


@contextmanager
def seeded_igraph(seed: int) -> Iterator[None]:
    """Give igraph a private generator seeded with `seed` for the duration of the block."""
    with _RANDOM_LOCK:
        ig.set_random_number_generator(random.Random(seed))
        try:
            yield
        finally:
            # Back to igraph's default (Python's `random` module), leaving its state untouched.
            ig.set_random_number_generator(random)


@contextmanager
def one_openmp_thread() -> Iterator[None]:
    """Run the block's igraph calls on one OpenMP thread (in this thread only).

    igraph's PRPACK PageRank sums in parallel with OpenMP, so two runs on the same graph
    differ in the last bits and vertices tied on score swap places between runs of one
    question; one thread gives the same scores every time. threadpoolctl sets the calling
    thread's OpenMP limit and restores it afterwards.
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="openmp"):
        yield


def undirected_simple(
    graph: ig.Graph, purpose: str, weight: str | None = None, *, in_place: bool = False
) -> tuple[ig.Graph, list[str]]:
    """The graph without direction, parallel edges or self-loops, and notes saying so.

    With `weight` (a numeric edge attribute), merged edges keep the sum of their weights.
    With `in_place`, an undirected `graph` is simplified itself rather than a copy of it (a
    job's own graph that nothing reads afterwards: a second graph of its size is not held
    while the algorithm runs, ~35 MB at 10^6 edges).
    """
    combine: Any = {weight: "sum"} if weight else None
    if graph.is_directed():
        simple = graph.as_undirected(mode="collapse", combine_edges=combine)
    else:
        simple = graph if in_place else graph.copy()
    before = simple.ecount()
    simple.simplify(multiple=True, loops=True, combine_edges=combine)
    return simple, simple_notes(purpose, graph.is_directed(), before - simple.ecount())


def simple_notes(purpose: str, directed: bool, removed: int) -> list[str]:
    """What `undirected_simple` tells the reader it did to a graph for `purpose`.

    Args:
        purpose: The computation, first word of each note ("Coreness").
        directed: Whether the graph was directed (collapsed: its edges lose direction).
        removed: Parallel edges and self-loops an undirected graph lost.
    """
    if directed:
        return [
            f"{purpose} ignores edge direction: the directed projection was collapsed to an "
            "undirected simple graph."
        ]
    if removed:
        return [
            f"{purpose} counts each neighbour once: {removed:,} parallel edges and "
            "self-loops were dropped."
        ]
    return []


def simple_keeping_direction(graph: ig.Graph) -> tuple[ig.Graph, list[str]]:
    """Drop parallel edges and self-loops, which would count one route several times."""
    simple = graph.copy()
    before = simple.ecount()
    simple.simplify(multiple=True, loops=True)
    removed = before - simple.ecount()
    notes = (
        [f"{removed:,} parallel edges and self-loops were dropped: each route counts once."]
        if removed
        else []
    )
    return simple, notes


def as_scores(values: Any) -> npt.NDArray[np.float64]:
    """Per-vertex values as a float array."""
    return np.asarray(values, dtype=np.float64)


def modularity(
    graph: ig.Graph, membership: list[int], resolution: float = 1.0, weight: str | None = None
) -> float | None:
    """Modularity of `membership` on an undirected graph; None when it has no edges.

    With `weight` (an edge attribute), the weighted modularity.
    """
    if graph.ecount() == 0:
        return None
    return float(graph.modularity(membership, weights=weight, resolution=resolution))


def community_metrics(
    graph: ig.Graph, membership: list[int], resolution: float, weight: str | None = None
) -> dict[str, MetricValue]:
    """Modularity as usually quoted (resolution 1), and at the resolution optimised if other."""
    metrics: dict[str, MetricValue] = {"modularity": modularity(graph, membership, 1.0, weight)}
    if resolution != 1.0:
        metrics["modularity_at_resolution"] = modularity(graph, membership, resolution, weight)
    return metrics
