"""Similarity and link prediction: which vertices are alike, which links are missing.

Neighbourhood similarity (Jaccard, overlap, cosine), link scores (common neighbours,
Adamic–Adar, preferential attachment) and k nearest neighbours by vertex attributes.

References: Jaccard (1901); Salton & McGill (1983) for cosine; Liben-Nowell & Kleinberg
(2007) for link prediction; Adamic & Adar (2003). Written here rather than with igraph's
`similarity_jaccard`, which returns an n x n matrix: the pairs worth scoring are those
sharing a neighbour, found by walking two hops from each vertex with the work bounded
(`max_work` neighbour visits) and said when the bound stops the search.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import igraph as ig
import numpy as np
import numpy.typing as npt

from gaai_graph.errors import TemplateValidationError
from gaai_graph.methods.compute._common import (
    Mode,
    check_choice,
    check_mode,
    check_positive_int,
    vertex_index,
    vertex_indices,
)
from gaai_graph.methods.local_tools import edge_ends, sorted_distinct

__all__ = [
    "AttributeNeighbours",
    "ScoredPairs",
    "attribute_knn",
    "link_scores",
    "neighbourhood_similarity",
    "score_pairs",
]

SimilarityMetric = Literal["jaccard", "overlap", "cosine"]
LinkMetric = Literal["common_neighbors", "adamic_adar", "preferential_attachment"]
_SIMILARITY = ("jaccard", "overlap", "cosine")
Scores = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
_LINK = ("common_neighbors", "adamic_adar", "preferential_attachment")
_REVERSE: dict[str, Mode] = {"out": "in", "in": "out", "all": "all"}


@dataclass
class ScoredPairs:
    """Vertex pairs (lower index first) with scores, best first (ties by the pair)."""

    pairs: list[tuple[int, int, float]] = field(default_factory=list)
    complete: bool = True
    """False when `max_work` stopped the search: better pairs may exist."""
    work: int = 0
    """Neighbour visits spent."""


def _neighbours(graph: ig.Graph, mode: Mode) -> list[set[int]]:
    """Distinct neighbours of each vertex (self excluded)."""
    return [
        set(near) - {vertex} for vertex, near in enumerate(graph.get_adjlist(mode=check_mode(mode)))
    ]


def _score(metric: str, common: float, size_u: int, size_v: int) -> float:
    if metric == "jaccard":
        union = size_u + size_v - common
        return common / union if union else 0.0
    if metric == "overlap":
        smaller = min(size_u, size_v)
        return common / smaller if smaller else 0.0
    product = size_u * size_v  # cosine
    return common / math.sqrt(product) if product else 0.0


Scorer = Callable[[int, npt.NDArray[np.int64], npt.NDArray[np.float64]], npt.NDArray[np.float64]]
"""Scores of the pairs (u, v) for candidate vertices v, from their shared-neighbour totals."""


def _best_pairs(
    neighbours: list[set[int]],
    back: list[set[int]],
    gain: npt.NDArray[np.float64] | None,
    starts: Sequence[int],
    score: Scorer,
    top_k: int,
    max_work: int,
    result: ScoredPairs,
    *,
    unlinked_only: bool = False,
) -> list[tuple[int, int, float]]:
    """The `top_k` best pairs among those sharing a neighbour, best first (ties by pair).

    From each start u to each neighbour z, then back from z to every v having z as a
    neighbour (`back` is the reverse of `neighbours`): the shared-neighbour total of (u, v)
    is the number of such z, or the sum of `gain[z]`. Each start is handled whole with numpy
    (a pair of two starts from its lower vertex only), and the search stops before a start
    that would take the work past `max_work`, so every listed score is exact.
    """
    n = len(neighbours)
    is_start = np.zeros(n, dtype=bool)
    is_start[list(starts)] = True
    arrays = [np.fromiter(sorted(near), dtype=np.int64, count=len(near)) for near in back]
    # Min-heap of the best so far; its root is the worst kept: lowest score, then largest pair.
    kept: list[tuple[float, int, int]] = []
    for u in starts:
        middles = sorted(neighbours[u])
        parts = [arrays[z] for z in middles]
        sizes = [part.size for part in parts]
        if result.work + sum(sizes) > max_work:
            result.complete = False
            break
        result.work += sum(sizes)
        if not parts:
            continue
        candidates = np.concatenate(parts)
        weights = None if gain is None else np.repeat(gain[middles], sizes)
        keep = (candidates != u) & ((candidates > u) | ~is_start[candidates])
        if unlinked_only and neighbours[u]:
            linked = np.fromiter(neighbours[u], dtype=np.int64, count=len(neighbours[u]))
            keep &= ~np.isin(candidates, linked)
        candidates = candidates[keep]
        if candidates.size == 0:
            continue
        others, position = np.unique(candidates, return_inverse=True)
        totals = np.bincount(
            position, weights=None if weights is None else weights[keep], minlength=others.size
        ).astype(np.float64)
        scores = score(u, others, totals)
        if scores.size > top_k:
            threshold = np.partition(scores, scores.size - top_k)[scores.size - top_k]
            chosen = np.nonzero(scores >= threshold)[0]
        else:
            chosen = np.arange(scores.size)
        for i in chosen.tolist():
            v = int(others[i])
            low, high = (u, v) if u < v else (v, u)
            item = (float(scores[i]), -low, -high)
            if len(kept) < top_k:
                heapq.heappush(kept, item)
            elif item > kept[0]:
                heapq.heapreplace(kept, item)
    ranked = sorted(kept, reverse=True)
    return [(-low, -high, value) for value, low, high in ranked]


def neighbour_arrays(graph: ig.Graph, mode: Mode) -> tuple[IntArray, IntArray]:
    """Distinct neighbours of each vertex (self excluded) as CSR arrays, each row ascending.

    Returns:
        (offsets, neighbours): vertex u's neighbours are ``neighbours[offsets[u]:offsets[u+1]]``.
    """
    n = graph.vcount()
    ends = edge_ends(graph)
    sources, targets = ends[:, 0], ends[:, 1]
    if not graph.is_directed() or mode == "all":
        sources, targets = np.concatenate([sources, targets]), np.concatenate([targets, sources])
    elif mode == "in":
        sources, targets = targets, sources
    keys = sorted_distinct(sources[sources != targets] * n + targets[sources != targets])
    rows, neighbours = np.divmod(keys, n) if n else (keys, keys)
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=offsets[1:])
    return offsets, neighbours


def _rows_of(offsets: IntArray, values: IntArray, rows: IntArray) -> tuple[IntArray, IntArray]:
    """The entries of CSR rows `rows`, concatenated, with the position in `rows` of each."""
    lengths = offsets[rows + 1] - offsets[rows]
    owner = np.repeat(np.arange(rows.size), lengths)
    if owner.size == 0:
        return owner, values[:0]
    # Position of each entry inside its row, added to its row's start.
    starts = np.cumsum(lengths) - lengths
    inside = np.arange(owner.size) - starts[owner]
    return owner, values[offsets[rows][owner] + inside]


def neighbourhood_similarity(
    graph: ig.Graph,
    metric: SimilarityMetric = "jaccard",
    *,
    top_k: int = 10,
    vertices: Sequence[int] | None = None,
    mode: Mode = "all",
    max_work: int = 5_000_000,
) -> ScoredPairs:
    """The most similar vertex pairs by shared neighbours.

    Jaccard: shared / union; overlap: shared / smaller neighbourhood; cosine: shared /
    sqrt(product of neighbourhood sizes). Only pairs sharing at least one neighbour score
    above 0, so only those are searched. With `vertices`, only pairs involving them.
    `mode` chooses successors ("out"), predecessors ("in") or both ("all") as neighbours.

    The two-hop walk of `_best_pairs` done on whole arrays: from each start u (in order) to
    each neighbour z and back to every v having z as a neighbour, a start's work being its
    walk's length; starts are taken while the work stays within `max_work`, a pair of two
    starts is counted from its lower vertex, and the best `top_k` pairs (score, then pair)
    are kept — the same pairs, scores and work as the per-start search, without a Python
    step per vertex.
    """
    metric = check_choice(metric, "metric", _SIMILARITY)  # type: ignore[assignment]
    top_k = check_positive_int(top_k, "top_k")
    max_work = check_positive_int(max_work, "max_work")
    mode = check_mode(mode)
    n = graph.vcount()
    offsets, near = neighbour_arrays(graph, mode)
    back_offsets, back = neighbour_arrays(graph, _REVERSE[mode])
    starts = np.asarray(
        range(n) if vertices is None else vertex_indices(graph, vertices, "vertices"),
        dtype=np.int64,
    )
    result = ScoredPairs()
    size = np.diff(offsets).astype(np.float64)
    # Work of a start: the back-neighbours of each of its neighbours (prefix sums per row).
    walked = np.concatenate([[0], np.cumsum(np.diff(back_offsets)[near])])
    work = walked[offsets[starts + 1]] - walked[offsets[starts]]
    spent = np.cumsum(work)
    taken = int(np.searchsorted(spent, max_work, side="right"))
    result.complete = taken == starts.size
    result.work = int(spent[taken - 1]) if taken else 0
    is_start = np.zeros(n, dtype=bool)
    is_start[starts] = True
    chosen = starts[:taken]
    hop, middles = _rows_of(offsets, near, chosen)
    step, others = _rows_of(back_offsets, back, middles)
    firsts = chosen[hop[step]]
    keep = (others != firsts) & ((others > firsts) | ~is_start[others])
    pair_keys, common = np.unique(firsts[keep] * max(n, 1) + others[keep], return_counts=True)
    u, v = np.divmod(pair_keys, max(n, 1))
    shared = common.astype(np.float64)
    mine, theirs = size[u], size[v]
    if metric == "jaccard":
        scores = shared / (mine + theirs - shared)
    elif metric == "overlap":
        scores = shared / np.minimum(mine, theirs)
    else:
        scores = shared / np.sqrt(mine * theirs)
    if scores.size > top_k:
        threshold = np.partition(scores, scores.size - top_k)[scores.size - top_k]
        best = np.flatnonzero(scores >= threshold)
    else:
        best = np.arange(scores.size)
    low, high = np.minimum(u[best], v[best]), np.maximum(u[best], v[best])
    order = np.lexsort((high, low, -scores[best]))[:top_k]
    result.pairs = [(int(low[i]), int(high[i]), float(scores[best][i])) for i in order.tolist()]
    return result


def _undirected_neighbours(graph: ig.Graph) -> list[set[int]]:
    return _neighbours(graph, "all")


def link_scores(
    graph: ig.Graph,
    metric: LinkMetric = "adamic_adar",
    *,
    top_k: int = 10,
    vertices: Sequence[int] | None = None,
    max_work: int = 5_000_000,
) -> ScoredPairs:
    """The most likely missing links: unlinked pairs ranked by `metric`.

    Edge direction is ignored.

    common_neighbors: shared neighbours; adamic_adar: sum over shared neighbours z of
    1 / log(degree(z)); preferential_attachment: degree(u) x degree(v) (searched best-first
    over vertices by degree, so the top pairs are found without scoring all pairs).
    """
    metric = check_choice(metric, "metric", _LINK)  # type: ignore[assignment]
    top_k = check_positive_int(top_k, "top_k")
    max_work = check_positive_int(max_work, "max_work")
    neighbours = _undirected_neighbours(graph)
    focus = None if vertices is None else vertex_indices(graph, vertices, "vertices")
    result = ScoredPairs()
    if metric == "preferential_attachment":
        result.pairs = _top_products(neighbours, focus, top_k, max_work, result)
        return result
    gain = None
    if metric == "adamic_adar":
        gain = np.asarray(
            [1.0 / math.log(len(n)) if len(n) > 1 else 0.0 for n in neighbours], dtype=np.float64
        )
    starts = range(graph.vcount()) if focus is None else focus

    def totals(u: int, others: npt.NDArray[np.int64], shared: Scores) -> Scores:
        return shared

    result.pairs = _best_pairs(
        neighbours, neighbours, gain, starts, totals, top_k, max_work, result, unlinked_only=True
    )
    return result


def _top_products(
    neighbours: list[set[int]],
    focus: list[int] | None,
    top_k: int,
    max_work: int,
    result: ScoredPairs,
) -> list[tuple[int, int, float]]:
    """Unlinked pairs with the largest degree products, best-first over degree order."""
    degree = [len(n) for n in neighbours]
    order = sorted(range(len(degree)), key=lambda v: (-degree[v], v))
    firsts = order if focus is None else sorted(focus, key=lambda v: (-degree[v], v))
    if not firsts or len(order) < 2:
        return []
    # Each first vertex walks down the degree order; a heap picks the best next product.
    heap = [(-degree[u] * degree[order[0]], u, 0) for u in firsts]
    heapq.heapify(heap)
    found: dict[tuple[int, int], float] = {}
    while heap and len(found) < top_k:
        result.work += 1
        if result.work > max_work:
            result.complete = False
            break
        negative, u, position = heapq.heappop(heap)
        v = order[position]
        if v != u and v not in neighbours[u]:
            found.setdefault((min(u, v), max(u, v)), float(-negative))
        if position + 1 < len(order):
            heapq.heappush(heap, (-degree[u] * degree[order[position + 1]], u, position + 1))
    ranked = sorted(found.items(), key=lambda item: (-item[1], item[0]))[:top_k]
    return [(u, v, score) for (u, v), score in ranked]


def score_pairs(
    graph: ig.Graph, pairs: Sequence[tuple[int, int]], metric: str, *, mode: Mode = "all"
) -> list[float]:
    """The score of each given pair under a similarity or link metric (named pairs)."""
    metric = check_choice(metric, "metric", _SIMILARITY + _LINK)
    neighbours = _neighbours(graph, mode if metric in _SIMILARITY else "all")
    scores = []
    for u, v in pairs:
        u, v = vertex_index(graph, u, "pair vertex"), vertex_index(graph, v, "pair vertex")
        common = neighbours[u] & neighbours[v]
        if metric in _SIMILARITY:
            scores.append(_score(metric, len(common), len(neighbours[u]), len(neighbours[v])))
        elif metric == "common_neighbors":
            scores.append(float(len(common)))
        elif metric == "adamic_adar":
            scores.append(sum(1.0 / math.log(len(neighbours[z])) for z in common))
        else:
            scores.append(float(len(neighbours[u]) * len(neighbours[v])))
    return scores


@dataclass(frozen=True)
class AttributeNeighbours:
    """Nearest vertices by attribute values, per source vertex."""

    neighbours: dict[int, list[tuple[int, float]]]
    """Source -> [(vertex, distance), ...], nearest first (ties by index)."""
    skipped: list[int]
    """Vertices left out because an attribute was missing or not a number."""


def _attribute_matrix(
    graph: ig.Graph, attributes: Sequence[str], standardise: bool
) -> tuple[npt.NDArray[np.float64], list[int], list[int]]:
    if isinstance(attributes, str) or not attributes:
        raise TemplateValidationError("attributes must name at least one numeric vertex attribute")
    known = set(graph.vs.attributes())
    for attribute in attributes:
        if attribute not in known:
            listed = ", ".join(sorted(known)) or "none"
            raise TemplateValidationError(
                f"attribute {attribute!r} is not a vertex attribute (vertex attributes: {listed})"
            )
    rows, kept, skipped = [], [], []
    columns = [graph.vs[attribute] for attribute in attributes]
    for vertex in range(graph.vcount()):
        values = [column[vertex] for column in columns]
        if all(
            isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)
            for x in values
        ):
            rows.append([float(x) for x in values])
            kept.append(vertex)
        else:
            skipped.append(vertex)
    matrix = np.asarray(rows, dtype=np.float64).reshape(len(rows), len(attributes))
    if standardise and len(rows):
        spread = matrix.std(axis=0)
        matrix = (matrix - matrix.mean(axis=0)) / np.where(spread > 0, spread, 1.0)
    return matrix, kept, skipped


def attribute_knn(
    graph: ig.Graph,
    attributes: Sequence[str],
    k: int,
    *,
    sources: Sequence[int] | None = None,
    metric: Literal["euclidean", "cosine"] = "euclidean",
    standardise: bool = True,
    max_vertices_all: int = 20_000,
) -> AttributeNeighbours:
    """The `k` nearest vertices to each source by numeric vertex attributes (exact search).

    Euclidean distance on the attributes (standardised to mean 0 and standard deviation 1 by
    default, so no attribute dominates by its unit) or cosine distance (1 - cosine
    similarity). Without `sources`, every vertex is a source, allowed up to
    `max_vertices_all` vertices (the search is quadratic).
    """
    k = check_positive_int(k, "k")
    metric = check_choice(metric, "metric", ("euclidean", "cosine"))  # type: ignore[assignment]
    matrix, kept, skipped = _attribute_matrix(graph, attributes, standardise)
    if sources is None:
        if graph.vcount() > max_vertices_all:
            raise TemplateValidationError(
                f"nearest neighbours of all {graph.vcount():,} vertices exceed the bound of "
                f"{max_vertices_all:,}; name the source vertices"
            )
        chosen = kept
    else:
        chosen = vertex_indices(graph, sources, "sources")
        missing = [v for v in chosen if v in set(skipped)]
        if missing:
            raise TemplateValidationError(
                f"source {missing[0]} lacks a numeric value for one of {', '.join(attributes)}"
            )
    row_of = {vertex: row for row, vertex in enumerate(kept)}
    if metric == "cosine":
        norms = np.linalg.norm(matrix, axis=1)
        unit = matrix / np.where(norms > 0, norms, 1.0)[:, None]
    neighbours: dict[int, list[tuple[int, float]]] = {}
    for start in range(0, len(chosen), 512):
        block = chosen[start : start + 512]
        rows = [row_of[v] for v in block]
        if metric == "euclidean":
            gaps = matrix[rows][:, None, :] - matrix[None, :, :]
            distances = np.sqrt((gaps**2).sum(axis=2))
        else:
            distances = 1.0 - unit[rows] @ unit.T
        for offset, vertex in enumerate(block):
            row = distances[offset]
            row[rows[offset]] = np.inf
            order = np.lexsort((np.asarray(kept), row))[: min(k, len(kept) - 1)]
            neighbours[vertex] = [(kept[i], float(row[i])) for i in order if np.isfinite(row[i])]
    return AttributeNeighbours(neighbours=neighbours, skipped=skipped)
