"""Centrality computations: who matters most, by several definitions.

Degree and strength, the PageRank family, eigenvector, HITS, closeness, harmonic and
betweenness. igraph computes all of them except ArticleRank (written here, after Li et al. 2009 as
implemented by Neo4j GDS) and the reachable-fraction factor of Wasserman–Faust closeness.
Conventions follow NetworkX so that scores can be quoted and checked against it.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

import igraph as ig
import numpy as np
import numpy.typing as npt

from gaai_graph.methods.compute._common import (
    Mode,
    Weights,
    check_mode,
    check_number,
    check_positive_int,
    edge_weights,
    vertex_indices,
)
from gaai_graph.methods.local_tools import one_openmp_thread

__all__ = [
    "HitsScores",
    "articlerank",
    "betweenness",
    "closeness",
    "degree",
    "eigenvector",
    "harmonic",
    "hits",
    "pagerank",
    "personalized_pagerank",
    "strength",
]

Scores = npt.NDArray[np.float64]


def _scores(values: Sequence[float]) -> Scores:
    return np.asarray(values, dtype=np.float64)


def degree(graph: ig.Graph, *, mode: Mode = "all", loops: bool = True) -> Scores:
    """Number of edges at each vertex: incoming ("in"), outgoing ("out") or all ("all").

    A self-loop counts twice in mode "all" (once as in, once as out), as in NetworkX.
    """
    return _scores(graph.degree(mode=check_mode(mode), loops=loops))


def strength(graph: ig.Graph, weights: Weights, *, mode: Mode = "all") -> Scores:
    """Sum of edge weights at each vertex (weighted degree); degree when `weights` is None."""
    values = edge_weights(graph, weights, allow_negative=True)
    return _scores(graph.strength(mode=check_mode(mode), loops=True, weights=values))


def _damping(damping: float) -> float:
    return check_number(damping, "damping", minimum=0.0, maximum=1.0, exclusive_minimum=False)


def pagerank(graph: ig.Graph, *, weights: Weights = None, damping: float = 0.85) -> Scores:
    """PageRank (Brin & Page 1998), weighted by edge weights when given; sums to 1.

    Follows edge direction on directed graphs; a vertex without outgoing edges spreads its
    rank evenly over all vertices (NetworkX's convention).
    """
    values = edge_weights(graph, weights)
    if graph.vcount() == 0:
        return _scores([])
    with one_openmp_thread():
        return _scores(
            graph.pagerank(damping=_damping(damping), weights=values, implementation="prpack")
        )


def personalized_pagerank(
    graph: ig.Graph,
    sources: Sequence[int],
    *,
    weights: Weights = None,
    damping: float = 0.85,
) -> Scores:
    """PageRank whose random walk restarts at `sources` (uniformly) instead of anywhere.

    Scores measure proximity to the sources; they sum to 1. A vertex without outgoing edges
    sends its rank back to the sources (NetworkX's default with a personalisation vector).
    """
    values = edge_weights(graph, weights)
    restart = vertex_indices(graph, sources, "sources")
    with one_openmp_thread():
        return _scores(
            graph.personalized_pagerank(
                damping=_damping(damping),
                reset_vertices=restart,
                weights=values,
                implementation="prpack",
            )
        )


def articlerank(
    graph: ig.Graph,
    *,
    weights: Weights = None,
    damping: float = 0.85,
    tolerance: float = 1e-10,
    max_iterations: int = 1000,
) -> Scores:
    """ArticleRank (Li, Willett et al. 2009), as Neo4j GDS computes it; written here.

    score(v) = (1 - d) + d * sum over edges u->v of w(u, v) * score(u) / (s(u) + mean s),
    where s is out-strength (out-degree without weights) and mean s its average over all
    vertices. Unlike PageRank, a vertex with few out-links does not pass on its whole score,
    so citations from prolific citers count less. Not normalised: the floor is 1 - d.
    On an undirected graph each edge counts in both directions.

    Raises:
        TemplateValidationError: bad damping, tolerance or iteration bound.
    """
    d = _damping(damping)
    tolerance = check_number(tolerance, "tolerance", minimum=0.0, exclusive_minimum=True)
    max_iterations = check_positive_int(max_iterations, "max_iterations")
    values = edge_weights(graph, weights)
    n = graph.vcount()
    if n == 0:
        return _scores([])
    pairs = np.asarray(graph.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    edge_weight = np.ones(len(pairs)) if values is None else np.asarray(values)
    sources, targets = pairs[:, 0], pairs[:, 1]
    if not graph.is_directed():
        sources, targets = np.concatenate([sources, targets]), np.concatenate([targets, sources])
        edge_weight = np.concatenate([edge_weight, edge_weight])
    out_strength = np.bincount(sources, weights=edge_weight, minlength=n)
    denominator = out_strength + out_strength.mean()
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(denominator[sources] > 0, edge_weight / denominator[sources], 0.0)
    score = np.full(n, 1.0 - d)
    for _ in range(max_iterations):
        updated = (1.0 - d) + d * np.bincount(targets, weights=share * score[sources], minlength=n)
        change = float(np.abs(updated - score).sum())
        score = updated
        if change < tolerance:
            break
    return score


def eigenvector(graph: ig.Graph, *, weights: Weights = None) -> Scores:
    """Eigenvector centrality, scaled so the most central vertex scores 1.

    On directed graphs a vertex is central when central vertices point to it (in-edges, as
    in NetworkX). Only meaningful on a connected graph; on a disconnected one the scores of
    smaller components are not comparable with the largest (igraph's and NetworkX's caveat).
    """
    values = edge_weights(graph, weights)
    if graph.vcount() == 0:
        return _scores([])
    if graph.ecount() == 0:
        return np.ones(graph.vcount())
    return _scores(graph.eigenvector_centrality(directed=True, scale=True, weights=values))


@dataclass(frozen=True)
class HitsScores:
    """Kleinberg's hub and authority scores, each scaled so the largest is 1."""

    hubs: Scores
    authorities: Scores


def hits(graph: ig.Graph, *, weights: Weights = None) -> HitsScores:
    """HITS (Kleinberg 1999): hubs point to good authorities, which good hubs point to.

    On an undirected graph both equal eigenvector centrality.
    """
    values = edge_weights(graph, weights)
    n = graph.vcount()
    if n == 0 or graph.ecount() == 0:
        return HitsScores(np.zeros(n), np.zeros(n))
    if not graph.is_directed():
        both = _scores(graph.eigenvector_centrality(scale=True, weights=values))
        return HitsScores(hubs=both, authorities=both.copy())
    hubs = _scores(graph.hub_score(weights=values, scale=True))
    authorities = _scores(graph.authority_score(weights=values, scale=True))
    return HitsScores(hubs=hubs, authorities=authorities)


def closeness(
    graph: ig.Graph,
    *,
    mode: Mode = "in",
    weights: Weights = None,
    wf_improved: bool = True,
) -> Scores:
    """Closeness centrality: (r - 1) / (sum of distances to the r - 1 reachable vertices).

    With `wf_improved` (Wasserman & Faust, NetworkX's default) the score is further scaled by
    (r - 1) / (n - 1), the fraction of the graph the vertex reaches, so a vertex in a small
    component does not look central. Isolated vertices score 0. `mode` "in" measures
    distances *to* the vertex (NetworkX's convention on directed graphs), "out" from it.
    """
    mode = check_mode(mode)
    values = edge_weights(graph, weights)
    n = graph.vcount()
    if n == 0:
        return _scores([])
    raw = np.nan_to_num(_scores(graph.closeness(mode=mode, weights=values, normalized=True)))
    if not wf_improved or n == 1:
        return raw
    reached = _scores(graph.neighborhood_size(order=n, mode=mode)) - 1
    return raw * reached / (n - 1)


def harmonic(
    graph: ig.Graph,
    *,
    mode: Mode = "in",
    weights: Weights = None,
    normalized: bool = False,
) -> Scores:
    """Harmonic centrality: the sum of 1 / distance over all other vertices (0 if unreachable).

    Not normalised by default (NetworkX's convention); `normalized` divides by n - 1. `mode`
    "in" sums over distances to the vertex (NetworkX's convention), "out" from it.
    """
    mode = check_mode(mode)
    values = edge_weights(graph, weights)
    if graph.vcount() == 0:
        return _scores([])
    return _scores(graph.harmonic_centrality(mode=mode, weights=values, normalized=normalized))


def betweenness(
    graph: ig.Graph,
    *,
    weights: Weights = None,
    normalized: bool = True,
    sample_size: int | None = None,
    seed: int = 42,
) -> Scores:
    """Betweenness centrality, exact or estimated from sampled sources (Brandes 2001/2008).

    Exact when `sample_size` is None or at least n; otherwise the shortest paths from
    `sample_size` sources drawn with `random.Random(seed)` (the same sources NetworkX's
    `betweenness_centrality(k=..., seed=...)` draws) are scaled up to all sources.
    Weighted betweenness follows least-weight paths (weights are distances). Parallel edges
    and self-loops are dropped first (for weights the lightest parallel edge is kept), so
    each route counts once. Normalised like NetworkX: by (n-1)(n-2) pairs on directed
    graphs and (n-1)(n-2)/2 on undirected ones.
    """
    values = edge_weights(graph, weights)
    n = graph.vcount()
    if n <= 2:
        return np.zeros(n)
    simple = graph.copy()
    if values is not None:
        simple.es["weight"] = values
    simple.simplify(multiple=True, loops=True, combine_edges="min" if values else "ignore")
    simple_weights = simple.es["weight"] if values is not None else None
    directed = simple.is_directed()
    if sample_size is None or check_positive_int(sample_size, "sample_size") >= n:
        raw = _scores(simple.betweenness(directed=directed, weights=simple_weights))
        sources_per_vertex = np.full(n, n - 1, dtype=np.float64)
    else:
        sources = random.Random(seed).sample(range(n), sample_size)
        raw = _scores(
            simple.betweenness(directed=directed, weights=simple_weights, sources=sources)
        )
        # A sampled source lies on none of its own paths: it is estimated from the others.
        sources_per_vertex = np.full(n, sample_size, dtype=np.float64)
        sources_per_vertex[sources] -= 1
    with np.errstate(divide="ignore", invalid="ignore"):
        if normalized:
            factor = (1.0 if directed else 2.0) / (sources_per_vertex * (n - 2))
        else:
            factor = (n - 1) / sources_per_vertex
    return np.where(sources_per_vertex > 0, raw * factor, 0.0)
