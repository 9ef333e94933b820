"""Summaries of an algorithm's per-vertex output, always over the whole result.

A report may only quote numbers that describe every vertex (DESIGN §5: our predecessor read
the first ten rows). Everything here is vectorised with numpy so a million scores or group
labels summarise in a fraction of a second; Python loops run only over the top-k.
"""

from __future__ import annotations

import heapq
import math
import threading
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from gaai_graph.evidence.leaders import ranking_metrics
from gaai_graph.methods.local_tools import sorted_distinct
from gaai_graph.models import Entity, Group, HistogramBin, MetricValue, ScoreStatistics

__all__ = [
    "MEMBERS_LISTED_IN_FULL_UP_TO",
    "MEMBERS_SAMPLE_SIZE",
    "SCORE_HISTOGRAM_BINS",
    "GroupSummary",
    "ScoreSummary",
    "collection_codes",
    "forget_collection_codes",
    "gini",
    "group_size_histogram",
    "in_collections",
    "score_histogram",
    "score_statistics",
    "summarize_groups",
    "summarize_scores",
    "top_indices",
]

SCORE_HISTOGRAM_BINS = 10
MEMBERS_SAMPLE_SIZE = 5
"""Members shown for a group too large to list in full."""
MEMBERS_LISTED_IN_FULL_UP_TO = 25
"""Groups of at most this many vertices list every member, so a reviewer gets the whole ring."""
SHARED_THRESHOLD = 2
"""A vertex with a score (degree) of at least this is counted as shared by several others."""
_SKEWED_FIRST_BIN_SHARE = 0.8
"""A linear histogram that puts more than this share of values in its first bin hides the
shape of the tail; such non-negative scores get logarithmic bins instead."""

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class ScoreSummary:
    """What a scoring algorithm's result says, ready for an `ExecutionResult`."""

    statistics: ScoreStatistics
    histogram: list[HistogramBin]
    top_entities: list[Entity]
    metrics: dict[str, MetricValue] = field(default_factory=dict)
    """Whole-result counts over the result collections (see `score_metrics`)."""


@dataclass(frozen=True)
class GroupSummary:
    """What a grouping algorithm's result says, ready for an `ExecutionResult`."""

    group_count: int
    groups: list[Group]
    size_histogram: list[HistogramBin]
    metrics: dict[str, MetricValue] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- scores


def summarize_scores(
    values: npt.ArrayLike,
    vertex_ids: Sequence[str],
    labels: Sequence[str],
    *,
    top_k: int,
    result_collections: Collection[str] = (),
) -> ScoreSummary:
    """Summarise one score per vertex.

    Args:
        values: The score of each vertex, by vertex index; finite numbers.
        vertex_ids: `<collection>/<_key>` of each vertex.
        labels: Human label of each vertex.
        top_k: How many top entities to list.
        result_collections: When given, only vertices of these collections are listed as top
            entities; statistics and the histogram still cover every vertex.

    Returns:
        Statistics and histogram of all scores, and the top-k entities (highest score first,
        ties by id). `top_k_share` is the share of the total held by the listed entities.

    Raises:
        ValueError: there are no values, or their count differs from the vertex count.
    """
    scores = np.asarray(values, dtype=np.float64)
    if scores.size == 0:
        raise ValueError("cannot summarise an empty result")
    if scores.size != len(vertex_ids):
        raise ValueError(f"{scores.size} scores for {len(vertex_ids)} vertices")
    candidates = None
    if result_collections:
        candidates = np.flatnonzero(in_collections(vertex_ids, result_collections))
    top = top_indices(scores, vertex_ids, top_k, candidates)
    entities = [Entity(id=vertex_ids[i], value=float(scores[i]), label=labels[i]) for i in top]
    metrics = score_metrics(scores, vertex_ids, result_collections)
    # Which listed entities stand out against the scores they were ranked among (issue 17).
    ranked = scores if candidates is None else scores[candidates]
    # Candidates are ascending (`flatnonzero`): a listed vertex's position among them is found
    # by bisection, with no look-up table of every candidate.
    listed = top if candidates is None else np.searchsorted(candidates, top).tolist()
    metrics.update(ranking_metrics(ranked, listed))
    return ScoreSummary(
        statistics=score_statistics(scores, top_sum=float(scores[top].sum()) if top else 0.0),
        histogram=score_histogram(scores),
        top_entities=entities,
        metrics=metrics,
    )


def score_metrics(
    values: npt.ArrayLike, vertex_ids: Sequence[str], result_collections: Collection[str] = ()
) -> dict[str, MetricValue]:
    """Counts over every vertex of the result collections (all vertices when none are given).

    - `result_vertex_count`: vertices the counts below range over.
    - `result_vertices_at_max`: how many of them reach the highest score of the whole result
      (for k-core: the members of the innermost core).
    - For integer scores (degree, coreness, triangles) only: `result_vertices_at_least_2`,
      how many score 2 or more (for degree: vertices shared by at least two edges), and
      per result collection `result_vertices_at_least_2_in_<collection>` and
      `result_vertex_count_in_<collection>`.

    Returns:
        Metric name -> count.
    """
    scores = np.asarray(values, dtype=np.float64)
    if result_collections:
        names, codes = collection_codes(vertex_ids)
        chosen = np.isin(codes, [names.index(c) for c in set(result_collections) if c in names])
    else:
        chosen = np.ones(scores.size, dtype=bool)
    selected = scores[chosen]
    metrics: dict[str, MetricValue] = {"result_vertex_count": int(selected.size)}
    if scores.size:
        metrics["result_vertices_at_max"] = int((selected == scores.max()).sum())
    if scores.size and bool(np.all(scores == np.floor(scores))):
        shared = chosen & (scores >= SHARED_THRESHOLD)
        metrics["result_vertices_at_least_2"] = int(shared.sum())
        for name in sorted(set(result_collections)):
            in_name = codes == names.index(name) if name in names else np.zeros_like(chosen)
            metrics[f"result_vertices_at_least_2_in_{name}"] = int((shared & in_name).sum())
            metrics[f"result_vertex_count_in_{name}"] = int(in_name.sum())
    return metrics


def score_statistics(values: npt.ArrayLike, *, top_sum: float = 0.0) -> ScoreStatistics:
    """Distribution statistics of `values` (population standard deviation, linear percentiles).

    Args:
        values: Finite scores, at least one.
        top_sum: Sum of the listed top-k scores, for `top_k_share`.

    Returns:
        The statistics.
    """
    scores = np.sort(np.asarray(values, dtype=np.float64))
    total = float(scores.sum())
    median, p90, p99 = np.percentile(scores, [50, 90, 99])
    return ScoreStatistics(
        count=int(scores.size),
        min=float(scores[0]),
        max=float(scores[-1]),
        mean=float(scores.mean()),
        median=float(median),
        std=float(scores.std()),
        p90=float(p90),
        p99=float(p99),
        total=total,
        gini=_gini_of_sorted(scores, total),
        top_k_share=top_sum / total if total > 0 else 0.0,
    )


def gini(values: npt.ArrayLike) -> float:
    """Gini coefficient of non-negative values: 0 when all are equal, (n-1)/n when one holds all.

    Returns:
        The coefficient, 0 for an empty or all-zero input.
    """
    scores = np.sort(np.asarray(values, dtype=np.float64))
    return _gini_of_sorted(scores, float(scores.sum()))


def _gini_of_sorted(scores: FloatArray, total: float) -> float:
    n = scores.size
    if n == 0 or total <= 0:
        return 0.0
    # Mean absolute difference over twice the mean, in the O(n) form for sorted data.
    ranks = np.arange(1, n + 1, dtype=np.float64)
    value = 2.0 * float(np.dot(ranks, scores)) / (n * total) - (n + 1) / n
    return min(max(value, 0.0), 1.0)


def score_histogram(values: npt.ArrayLike, bins: int = SCORE_HISTOGRAM_BINS) -> list[HistogramBin]:
    """About `bins` bins covering every value; each bin is [lower, upper), the last closed.

    Integer scores spanning fewer than `bins` values get one bin per integer. Scores whose
    linear histogram would crowd the first bin (PageRank, betweenness, degree on real graphs)
    get logarithmic bins over the positive values, with zeros in a bin of their own.

    Returns:
        The bins, lowest first; empty for an empty input.
    """
    scores = np.asarray(values, dtype=np.float64)
    if scores.size == 0:
        return []
    low, high = float(scores.min()), float(scores.max())
    if low == high:
        return [HistogramBin(lower=low, upper=high, count=int(scores.size))]
    integral = bool(np.all(scores == np.floor(scores)))
    if integral and high - low < bins:
        edges: FloatArray = np.arange(low, high + 2.0)
    else:
        edges = np.linspace(low, high, bins + 1)
        counts, _ = np.histogram(scores, bins=edges)
        if low >= 0 and counts[0] > _SKEWED_FIRST_BIN_SHARE * scores.size:
            edges = _logarithmic_edges(scores, high, bins)
        if integral:
            edges = _integer_edges(edges, high)
    counts, edges = np.histogram(scores, bins=edges)
    return [
        HistogramBin(lower=float(lower), upper=float(upper), count=int(count))
        for lower, upper, count in zip(edges[:-1], edges[1:], counts, strict=True)
    ]


def _logarithmic_edges(scores: FloatArray, high: float, bins: int) -> FloatArray:
    positive_min = float(scores[scores > 0].min())
    has_zeros = bool((scores == 0).any())
    log_bins = max(bins - 1 if has_zeros else bins, 1)
    edges = np.geomspace(positive_min, high, log_bins + 1)
    # Pin the ends: geomspace may round them off by an ulp and drop the extreme values.
    edges[0], edges[-1] = positive_min, high
    return np.concatenate(([0.0], edges)) if has_zeros else edges


def _integer_edges(edges: FloatArray, high: float) -> FloatArray:
    """Round inner edges up to integers so each bin holds whole values, without repeats."""
    rounded = np.unique(np.ceil(edges))
    rounded[-1] = max(rounded[-1], high)
    return rounded


def top_indices(
    values: FloatArray,
    vertex_ids: Sequence[str],
    k: int,
    candidates: IntArray | None = None,
) -> list[int]:
    """Indices of the `k` highest values, highest first, ties broken by ascending id.

    Args:
        values: One value per vertex.
        vertex_ids: Vertex ids, for tie-breaking.
        k: How many to return.
        candidates: Indices to choose from; None means every vertex.

    Returns:
        At most `k` vertex indices.
    """
    pool = np.arange(values.size) if candidates is None else np.asarray(candidates)
    if k <= 0 or pool.size == 0:
        return []
    values = _ranking_values(values)
    pool_values = values[pool]
    if pool.size > k:
        kth = np.partition(pool_values, pool.size - k)[pool.size - k]
        above = pool[pool_values > kth].tolist()
        # Only the tie at the cut-off needs ids; heapq keeps that O(n log k) however many tie.
        tied = heapq.nsmallest(
            k - len(above), pool[pool_values == kth].tolist(), key=vertex_ids.__getitem__
        )
        chosen: list[int] = above + tied
    else:
        chosen = pool.tolist()
    return sorted(chosen, key=lambda i: (-values[i], vertex_ids[i]))


_RANKING_DIGITS = 12
"""Values equal to this many digits (relative to the largest) rank as ties."""


def _ranking_values(values: FloatArray) -> FloatArray:
    """Values rounded for ranking, so that equal scores tie however they were summed.

    Iterative solvers (igraph's PageRank among them) return scores of symmetric vertices that
    differ in the last bits from one call to the next; ranked raw, the order of tied vertices
    would change between runs of the same graph. Rounded relative to the largest magnitude,
    such ties are broken by id, as documented.
    """
    if values.size == 0:
        return values
    largest = float(np.nanmax(np.abs(values)))
    if not math.isfinite(largest) or largest == 0.0:
        return values
    return np.round(values / largest, _RANKING_DIGITS) * largest


# --------------------------------------------------------------------------- groups


def summarize_groups(
    membership: npt.ArrayLike,
    vertex_ids: Sequence[str],
    degrees: npt.ArrayLike,
    *,
    top_k: int,
    result_collections: Collection[str] = (),
) -> GroupSummary:
    """Summarise a partition of the vertices into groups.

    Args:
        membership: Group label of each vertex (non-negative integers).
        vertex_ids: `<collection>/<_key>` of each vertex.
        degrees: Degree of each vertex; the member sample shows the best-connected first.
        top_k: How many of the largest groups to list.
        result_collections: Collections the question is about. Groups still count every
            vertex; members from these collections are sampled first and, when the groups
            also hold other vertices, a metric and a note say how many groups hold any of them.

    Returns:
        Group count, the largest groups (size descending, ties by lowest vertex index), the
        power-of-two size histogram, size metrics and notes.

    Raises:
        ValueError: there are no vertices, or the arrays disagree in length.
    """
    labels = np.asarray(membership, dtype=np.int64)
    degree = np.asarray(degrees, dtype=np.float64)
    n = labels.size
    if n == 0:
        raise ValueError("cannot summarise an empty partition")
    if n != len(vertex_ids) or degree.size != n:
        raise ValueError(f"{n} labels, {degree.size} degrees for {len(vertex_ids)} vertices")
    group_labels, first_member, sizes = np.unique(labels, return_index=True, return_counts=True)
    order = np.lexsort((first_member, -sizes))
    preferred = in_collections(vertex_ids, result_collections)
    names, codes = collection_codes(vertex_ids)

    groups = []
    for position in order[: max(top_k, 0)]:
        members = np.flatnonzero(labels == group_labels[position])
        groups.append(
            Group(
                size=int(members.size),
                members_sample=_members_sample(members, preferred, degree, vertex_ids),
                composition=_composition(names, codes[members]),
            )
        )

    metrics: dict[str, MetricValue] = {
        "largest_group_size": int(sizes.max()),
        "largest_group_share": float(sizes.max()) / n,
        "singleton_count": int((sizes == 1).sum()),
        "groups_of_size_at_least_2": int((sizes >= 2).sum()),
        "groups_of_size_at_least_3": int((sizes >= 3).sum()),
        # Rings: groups holding two or more vertices of the collections the question is
        # about (e.g. two customers sharing a device); every vertex counts without them.
        **_multi_member_metrics(labels, group_labels, preferred if result_collections else None),
        "mean_group_size": float(sizes.mean()),
        "median_group_size": float(np.median(sizes)),
    }
    notes = []
    # Only worth saying when the groups also hold vertices the question is not about.
    if result_collections and not preferred.all():
        with_result = int(sorted_distinct(labels[preferred]).size)
        metrics["groups_with_result_members"] = with_result
        listed = ", ".join(sorted(set(result_collections)))
        notes.append(
            f"Groups count every projected vertex; {with_result} of them hold vertices of "
            f"{listed}. Each group's composition gives its members per collection, and its "
            f"member sample lists {listed} first."
        )
    return GroupSummary(
        group_count=int(group_labels.size),
        groups=groups,
        size_histogram=group_size_histogram(sizes),
        metrics=metrics,
        notes=notes,
    )


def _multi_member_metrics(
    labels: IntArray, group_labels: IntArray, preferred: npt.NDArray[np.bool_] | None
) -> dict[str, MetricValue]:
    """Groups with at least two result members, and how many result members they hold."""
    counted = labels if preferred is None else labels[preferred]
    if counted.size == 0:
        return {
            "groups_with_at_least_2_result_members": 0,
            "result_members_in_multi_member_groups": 0,
        }
    # Positions into group_labels (sorted unique labels), so labels may be sparse.
    per_group = np.bincount(np.searchsorted(group_labels, counted), minlength=group_labels.size)
    multi = per_group >= 2
    return {
        "groups_with_at_least_2_result_members": int(multi.sum()),
        "result_members_in_multi_member_groups": int(per_group[multi].sum()),
    }


def _members_sample(
    members: IntArray, preferred: npt.NDArray[np.bool_], degree: FloatArray, ids: Sequence[str]
) -> list[str]:
    # Small groups (a ring under review) are listed in full; large ones by a sample.
    wanted = members.size if members.size <= MEMBERS_LISTED_IN_FULL_UP_TO else MEMBERS_SAMPLE_SIZE
    first = members[preferred[members]]
    chosen = top_indices(degree, ids, wanted, first)
    if len(chosen) < wanted:
        rest = members[~preferred[members]]
        chosen += top_indices(degree, ids, wanted - len(chosen), rest)
    return [ids[i] for i in chosen]


def _composition(names: list[str], codes: npt.NDArray[np.int32]) -> dict[str, int]:
    """Members per collection, largest first (ties by name), from the members' codes."""
    counts = np.bincount(codes, minlength=len(names))
    present = [(names[code], int(count)) for code, count in enumerate(counts) if count]
    return dict(sorted(present, key=lambda item: (-item[1], item[0])))


def group_size_histogram(sizes: npt.ArrayLike) -> list[HistogramBin]:
    """Power-of-two bins of group sizes: [1, 2), [2, 4), [4, 8), ... up to the largest group.

    Every bin up to the largest is present, empty ones included, so histograms of different
    results line up.

    Returns:
        The bins, smallest sizes first; empty when there are no groups.
    """
    group_sizes = np.asarray(sizes, dtype=np.int64)
    if group_sizes.size == 0:
        return []
    if int(group_sizes.min()) < 1:
        raise ValueError("group sizes must be at least 1")
    exponents = np.floor(np.log2(group_sizes)).astype(np.int64)
    # log2 may round across a power of two for huge sizes; settle on the exact exponent.
    exponents -= (np.left_shift(1, exponents) > group_sizes).astype(np.int64)
    exponents += (np.left_shift(1, exponents + 1) <= group_sizes).astype(np.int64)
    counts = np.bincount(exponents)
    return [
        HistogramBin(lower=float(2**power), upper=float(2 ** (power + 1)), count=int(count))
        for power, count in enumerate(counts)
    ]


_codes_lock = threading.Lock()
_recent_codes: list[tuple[Sequence[str], list[str], npt.NDArray[np.int32]]] = []
"""The vertex-id sequences numbered last, with their results: every summary of one
projection's result asks for the same ids (scores, groups, metrics), and templates on one
projection share its id list, so the per-vertex pass runs once per projection rather than
once per question (a few projections, as the executor caches them, when templates on
different projections alternate)."""
_RECENT_CODES = 4


def collection_codes(vertex_ids: Sequence[str]) -> tuple[list[str], npt.NDArray[np.int32]]:
    """Number the collections of `vertex_ids` in first-seen order.

    A projection's ids (`gaai_graph.sources.projection.VertexIds`) know their collections'
    runs, and are numbered from them without reading an id. For other sequences the one
    per-vertex pass runs once per sequence object: its result is reused while the same
    sequence is summarised again (projections are immutable once built).

    Returns:
        The collection names, and each vertex's index into them.
    """
    runs = getattr(vertex_ids, "runs", None)
    if runs is not None and sum(run.size for run in runs) == len(vertex_ids):
        # A projection's ids (`VertexIds`): each collection is one run of vertices.
        present = [run for run in runs if run.size]
        named = list(dict.fromkeys(run.collection for run in present))
        run_codes = np.array([named.index(run.collection) for run in present], dtype=np.int32)
        counts = np.array([run.size for run in present], dtype=np.int64)
        return named, np.repeat(run_codes, counts)
    with _codes_lock:
        for ids, names, codes in _recent_codes:
            if ids is vertex_ids and len(codes) == len(vertex_ids):
                return names, codes
    collections = [vertex_id.partition("/")[0] for vertex_id in vertex_ids]
    names = list(dict.fromkeys(collections))
    code_of = {name: code for code, name in enumerate(names)}
    codes = np.fromiter(
        map(code_of.__getitem__, collections), dtype=np.int32, count=len(collections)
    )
    with _codes_lock:
        _recent_codes.insert(0, (vertex_ids, names, codes))
        del _recent_codes[_RECENT_CODES:]
    return names, codes


def forget_collection_codes(vertex_ids: Iterable[Sequence[str]] | None = None) -> None:
    """Drop the numberings `collection_codes` keeps for `vertex_ids` (all of them when None).

    The executor calls it when it lets a projection go, so the id lists and code arrays
    (~16 MB at 10^6 vertices) go with the projection instead of staying until four other
    sequences push them out. The ids are told apart by identity, as they are cached.
    """
    with _codes_lock:
        if vertex_ids is None:
            _recent_codes.clear()
            return
        gone = {id(ids) for ids in vertex_ids}
        _recent_codes[:] = [entry for entry in _recent_codes if id(entry[0]) not in gone]


def in_collections(
    vertex_ids: Sequence[str], collections: Collection[str]
) -> npt.NDArray[np.bool_]:
    """Whether each vertex belongs to one of `collections` (all False when none are given)."""
    if not collections:
        return np.zeros(len(vertex_ids), dtype=bool)
    names, codes = collection_codes(vertex_ids)
    wanted = [code for code, name in enumerate(names) if name in set(collections)]
    return np.isin(codes, wanted)
