"""The local engine: runs a template's algorithm in process on igraph.

`LocalEngine.run` is synchronous and CPU bound; callers run it in a worker thread. It turns a
`ProjectionData` into an igraph graph, runs one algorithm from the registry and summarises the
whole result (see `gaai_graph.engines.summary`), recording every approximation it made.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import igraph as ig
import numpy as np
import numpy.typing as npt

from gaai_graph.engines.registry import algorithm_spec, validate_parameters
from gaai_graph.engines.summary import summarize_groups, summarize_scores
from gaai_graph.errors import EngineError
from gaai_graph.models import AnalysisTemplate, ExecutionResult, MetricValue
from gaai_graph.sources.base import ProjectionData

__all__ = ["DEFAULT_BETWEENNESS_SAMPLES", "AlgorithmOutput", "LocalEngine"]

DEFAULT_BETWEENNESS_SAMPLES = 256
"""Sources sampled for betweenness when the template leaves `sample_size` null and the
projection is larger than `exact_threshold` (DESIGN §7: 200 samples take 18 s at 10^6 edges)."""

# igraph draws random numbers from one process-wide generator. Seeding it and running a
# randomised algorithm must happen under this lock, or two templates running in threads would
# interleave draws from each other's seeded streams and neither result would be reproducible.
_RANDOM_LOCK = threading.Lock()


@contextmanager
def _seeded_igraph(seed: int) -> Iterator[None]:
    """Give igraph a private generator seeded with `seed` for the duration of the block."""
    with _RANDOM_LOCK:
        ig.set_random_number_generator(random.Random(seed))
        try:
            yield
        finally:
            # Back to igraph's default (Python's `random` module), leaving its state untouched.
            ig.set_random_number_generator(random)


@dataclass
class _Outcome:
    """What one algorithm produced: scores or a membership, plus what to say about it."""

    scores: npt.NDArray[np.float64] | None = None
    membership: list[int] | None = None
    metrics: dict[str, MetricValue] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@dataclass
class AlgorithmOutput:
    """An algorithm's per-vertex output on one projection, before summarising."""

    algorithm: str
    parameters: dict[str, Any]
    """Effective parameters, defaults included."""
    scores: npt.NDArray[np.float64] | None
    """Score of each vertex by index, for scoring algorithms."""
    membership: npt.NDArray[np.int64] | None
    """Group label of each vertex by index, for grouping algorithms."""
    degrees: npt.NDArray[np.float64] | None
    """Degree of each vertex in the projection (grouping algorithms, for member samples)."""
    metrics: dict[str, MetricValue]
    """vertex_count, edge_count, runtime_seconds (algorithm only), directed, skipped_edges,
    seed (randomised algorithms) and algorithm-specific values."""
    notes: list[str]
    """Approximations and caveats, in words."""


class _Clock:
    """Accumulates the time spent in the algorithm itself (not in graph building or summary)."""

    def __init__(self) -> None:
        self.seconds = 0.0

    @contextmanager
    def running(self) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds += time.perf_counter() - start


_Runner = Callable[[ig.Graph, dict[str, Any], int, _Clock], _Outcome]


class LocalEngine:
    """Runs algorithms in process with igraph; safe to share between threads."""

    name = "local"

    def run(
        self, data: ProjectionData, template: AnalysisTemplate, *, seed: int = 42
    ) -> ExecutionResult:
        """Run `template`'s algorithm on `data` and summarise the whole result.

        Args:
            data: The template's projection.
            template: The analysis to run; its parameters are validated first.
            seed: Seed for randomised algorithms (community detection, sampled betweenness);
                the same seed gives the same result, also when templates run concurrently.

        Returns:
            A succeeded execution result with metrics, statistics or groups, and notes.

        Raises:
            TemplateValidationError: the algorithm or a parameter is invalid.
            EngineError: the projection is empty or the algorithm failed.
        """
        output = self.compute(data, template, seed=seed)
        result = ExecutionResult(
            template_id=template.id,
            status="succeeded",
            algorithm=template.algorithm,
            parameters=output.parameters,
            projection=data.projection,
            metrics=dict(output.metrics),
            notes=list(output.notes),
        )
        if output.scores is not None:
            scores = summarize_scores(
                output.scores,
                data.vertex_ids,
                data.labels,
                top_k=template.top_k,
                result_collections=template.result_collections,
            )
            result.statistics = scores.statistics
            result.score_histogram = scores.histogram
            result.top_entities = scores.top_entities
            result.metrics.update(scores.metrics)
        elif output.membership is not None and output.degrees is not None:
            groups = summarize_groups(
                output.membership,
                data.vertex_ids,
                output.degrees,
                top_k=template.top_k,
                result_collections=template.result_collections,
            )
            result.group_count = groups.group_count
            result.groups = groups.groups
            result.group_size_histogram = groups.size_histogram
            result.metrics.update(groups.metrics)
            result.notes.extend(groups.notes)
        return result

    def compute(
        self, data: ProjectionData, template: AnalysisTemplate, *, seed: int = 42
    ) -> AlgorithmOutput:
        """Run `template`'s algorithm on `data` and return its per-vertex output unsummarised.

        This is what `run` summarises, and what a caller writing results back per vertex needs.

        Args:
            data: The template's projection.
            template: The analysis to run; its parameters are validated first.
            seed: Seed for randomised algorithms.

        Returns:
            Scores or a membership by vertex index, with metrics, notes and the effective
            parameters.

        Raises:
            TemplateValidationError: the algorithm or a parameter is invalid.
            EngineError: the projection is empty or the algorithm failed.
        """
        parameters = validate_parameters(template.algorithm, template.parameters)
        algorithm = template.algorithm
        if data.vertex_count == 0:
            collections = ", ".join(data.projection.vertex_collections) or "none"
            raise EngineError(
                f"cannot run {algorithm}: the projection has no vertices (vertex collections: "
                f"{collections})"
            )
        clock = _Clock()
        try:
            graph = _igraph_of(data, algorithm).copy()
            outcome = _RUNNERS[algorithm](graph, parameters, seed, clock)
            degrees = _as_scores(graph.degree()) if outcome.membership is not None else None
        except EngineError:
            raise
        except Exception as error:
            raise EngineError(f"{algorithm} failed on {_size_of(data)}: {error}") from error
        if outcome.scores is not None and not np.isfinite(outcome.scores).all():
            raise EngineError(f"{algorithm} produced scores that are not finite numbers")

        metrics: dict[str, MetricValue] = {
            "vertex_count": data.vertex_count,
            "edge_count": data.edge_count,
            "runtime_seconds": round(clock.seconds, 6),
            "directed": data.directed,
            "skipped_edges": data.skipped_edges,
        }
        if algorithm_spec(algorithm).randomized:
            metrics["seed"] = seed
        metrics.update(outcome.metrics)
        return AlgorithmOutput(
            algorithm=algorithm,
            parameters=parameters,
            scores=outcome.scores,
            membership=(
                np.asarray(outcome.membership, dtype=np.int64)
                if outcome.membership is not None
                else None
            ),
            degrees=degrees,
            metrics=metrics,
            notes=outcome.notes,
        )


# --------------------------------------------------------------------------- graph variants

_BUILD_LOCK = threading.Lock()


def _igraph_of(data: ProjectionData, algorithm: str) -> ig.Graph:
    """The projection's igraph graph, built once and kept in `data.engine_cache`.

    Templates sharing a projection (the executor caches projections) share one build; each
    run works on a `copy()` (milliseconds at 10^6 edges, where building takes ~0.4 s), because
    igraph caches derived properties on a graph and some algorithms below modify theirs.

    Args:
        data: The projection.
        algorithm: The algorithm about to run (named in errors).

    Raises:
        EngineError: An edge names a vertex index outside 0..vertex_count-1.
    """
    with _BUILD_LOCK:
        graph = data.engine_cache.get("igraph")
        if graph is None:
            graph = _build_igraph(data, algorithm)
            data.engine_cache["igraph"] = graph
        return graph


def _build_igraph(data: ProjectionData, algorithm: str) -> ig.Graph:
    edges = data.edges
    if len(edges):
        lowest, highest = int(edges.min()), int(edges.max())
        if lowest < 0:
            raise EngineError(
                f"{algorithm} failed on {_size_of(data)}: an edge names vertex index {lowest}, "
                "and indices cannot be negative"
            )
        if highest >= data.vertex_count:
            # igraph would silently add vertices for out-of-range edge endpoints.
            raise EngineError(
                f"{algorithm} cannot run: an edge names vertex index {highest}, but the "
                f"projection has {data.vertex_count} vertices"
            )
    # igraph reads Python pairs much faster than a numpy array (~0.4 s against ~1 s at 10^6).
    pairs = zip(edges[:, 0].tolist(), edges[:, 1].tolist(), strict=True)
    return ig.Graph(n=data.vertex_count, edges=pairs, directed=data.directed)


def _undirected_simple(graph: ig.Graph, purpose: str) -> tuple[ig.Graph, list[str]]:
    """The graph without direction, parallel edges or self-loops, and notes saying so."""
    notes = []
    if graph.is_directed():
        simple = graph.as_undirected(mode="collapse")
        notes.append(
            f"{purpose} ignores edge direction: the directed projection was collapsed to an "
            "undirected simple graph."
        )
    else:
        simple = graph.copy()
    before = simple.ecount()
    simple.simplify(multiple=True, loops=True)
    removed = before - simple.ecount()
    if removed and not graph.is_directed():
        notes.append(
            f"{purpose} counts each neighbour once: {removed:,} parallel edges and "
            "self-loops were dropped."
        )
    return simple, notes


def _size_of(data: ProjectionData) -> str:
    """'2 vertices and 1 edge': the projection's size in words."""
    vertices, edges = data.vertex_count, data.edge_count
    return (
        f"{vertices:,} {'vertex' if vertices == 1 else 'vertices'} and "
        f"{edges:,} {'edge' if edges == 1 else 'edges'}"
    )


def _as_scores(values: Any) -> npt.NDArray[np.float64]:
    return np.asarray(values, dtype=np.float64)


def _modularity(graph: ig.Graph, membership: list[int], resolution: float = 1.0) -> float | None:
    """Modularity of `membership` on an undirected graph; None when it has no edges."""
    if graph.ecount() == 0:
        return None
    return float(graph.modularity(membership, resolution=resolution))


# --------------------------------------------------------------------------- scoring


def _pagerank(graph: ig.Graph, p: dict[str, Any], seed: int, clock: _Clock) -> _Outcome:
    with clock.running():
        values = graph.pagerank(
            damping=p["damping_factor"], directed=graph.is_directed(), implementation="prpack"
        )
    metrics: dict[str, MetricValue] = {}
    notes = []
    if graph.is_directed():
        dangling = int((np.asarray(graph.outdegree()) == 0).sum())
        metrics["dangling_vertices"] = dangling
        if dangling:
            notes.append(
                f"{dangling:,} vertices have no outgoing edge; PageRank spreads their rank "
                "evenly over all vertices."
            )
    return _Outcome(scores=_as_scores(values), metrics=metrics, notes=notes)


def _betweenness(graph: ig.Graph, p: dict[str, Any], seed: int, clock: _Clock) -> _Outcome:
    with clock.running():
        simple, notes = _simple_keeping_direction(graph)
    n = simple.vcount()
    requested = p["sample_size"]
    if requested is None:
        sample = n if n <= p["exact_threshold"] else DEFAULT_BETWEENNESS_SAMPLES
    else:
        sample = requested
    sample = min(sample, n)
    exact = sample >= n
    directed = simple.is_directed()
    with clock.running():
        if exact:
            raw = _as_scores(simple.betweenness(directed=directed))
            sources_per_vertex = np.full(n, n - 1, dtype=np.float64)
        else:
            # Python's sampler on range(n) picks the same sources as networkx's
            # betweenness_centrality(k=..., seed=...) on nodes 0..n-1.
            sources = random.Random(seed).sample(range(n), sample)
            raw = _as_scores(simple.betweenness(directed=directed, sources=sources))
            # A sampled source lies on none of its own paths: it is estimated from the others.
            sources_per_vertex = np.full(n, sample, dtype=np.float64)
            sources_per_vertex[sources] -= 1
    values = _scale_betweenness(raw, sources_per_vertex, directed, p["normalized"])
    metrics: dict[str, MetricValue] = {"exact": exact, "sample_size": sample}
    if not exact:
        metrics["approximation"] = f"sampled {sample:,} of {n:,} sources"
        notes.append(
            f"Betweenness sampled from {sample:,} of {n:,} source vertices (seed {seed}) and "
            "scaled up to all sources, the estimator of networkx's "
            "betweenness_centrality(k=...); scores are estimates."
        )
    return _Outcome(scores=values, metrics=metrics, notes=notes)


def _simple_keeping_direction(graph: ig.Graph) -> tuple[ig.Graph, list[str]]:
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


def _scale_betweenness(
    raw: npt.NDArray[np.float64],
    sources_per_vertex: npt.NDArray[np.float64],
    directed: bool,
    normalized: bool,
) -> npt.NDArray[np.float64]:
    """Scale igraph's (possibly source-sampled) betweenness to networkx's conventions.

    igraph counts each unordered pair once on undirected graphs. Scaling by (n - 1) over the
    number of sources that could reach past a vertex estimates all pairs; normalising divides
    by the number of pairs not involving the vertex.
    """
    n = raw.size
    if n <= 2:
        return np.zeros(n)
    with np.errstate(divide="ignore", invalid="ignore"):
        if normalized:
            factor = (1.0 if directed else 2.0) / (sources_per_vertex * (n - 2))
        else:
            factor = (n - 1) / sources_per_vertex
    # With a single sampled source, that source has no estimate at all; it scores 0.
    return np.where(sources_per_vertex > 0, raw * factor, 0.0)


def _degree(graph: ig.Graph, p: dict[str, Any], seed: int, clock: _Clock) -> _Outcome:
    mode = p["mode"]
    with clock.running():
        values = graph.degree(mode=mode, loops=True)
    notes = []
    if not graph.is_directed() and mode != "all":
        notes.append(f"The projection is undirected, so degree mode '{mode}' counts all edges.")
    return _Outcome(scores=_as_scores(values), notes=notes)


def _kcore(graph: ig.Graph, p: dict[str, Any], seed: int, clock: _Clock) -> _Outcome:
    with clock.running():
        simple, notes = _undirected_simple(graph, "Coreness")
        values = _as_scores(simple.coreness(mode="all"))
    top = float(values.max())
    metrics: dict[str, MetricValue] = {
        "max_coreness": int(top),
        "vertices_in_max_core": int((values == top).sum()),
    }
    return _Outcome(scores=values, metrics=metrics, notes=notes)


def _triangles(graph: ig.Graph, p: dict[str, Any], seed: int, clock: _Clock) -> _Outcome:
    with clock.running():
        simple, notes = _undirected_simple(graph, "Triangle counting")
        clustering = _as_scores(simple.transitivity_local_undirected(mode="zero"))
        transitivity = simple.transitivity_undirected()
    degree = _as_scores(simple.degree())
    # Local clustering is triangles over degree-choose-2 pairs, so the count is exact after
    # rounding off the float division.
    triangles = np.rint(clustering * degree * (degree - 1) / 2)
    metrics: dict[str, MetricValue] = {
        "triangle_count": int(triangles.sum() // 3),
        "transitivity": None if np.isnan(transitivity) else float(transitivity),
        "average_clustering": float(clustering.mean()),
        "vertices_in_triangles": int((triangles > 0).sum()),
    }
    scores = clustering if p["score"] == "clustering" else triangles
    return _Outcome(scores=scores, metrics=metrics, notes=notes)


# --------------------------------------------------------------------------- grouping


def _wcc(graph: ig.Graph, p: dict[str, Any], seed: int, clock: _Clock) -> _Outcome:
    with clock.running():
        membership = graph.connected_components(mode="weak").membership
    return _Outcome(membership=membership)


def _scc(graph: ig.Graph, p: dict[str, Any], seed: int, clock: _Clock) -> _Outcome:
    with clock.running():
        membership = graph.connected_components(mode="strong").membership
    notes = []
    if not graph.is_directed():
        notes.append(
            "The projection is undirected, so strongly connected components are simply "
            "connected components."
        )
    return _Outcome(membership=membership, notes=notes)


def _label_propagation(graph: ig.Graph, p: dict[str, Any], seed: int, clock: _Clock) -> _Outcome:
    with clock.running():
        simple, notes = _undirected_simple(graph, "Label propagation")
        with _seeded_igraph(seed):
            membership = simple.community_label_propagation().membership
    return _Outcome(
        membership=membership, metrics={"modularity": _modularity(simple, membership)}, notes=notes
    )


def _louvain(graph: ig.Graph, p: dict[str, Any], seed: int, clock: _Clock) -> _Outcome:
    resolution = p["resolution"]
    with clock.running():
        simple, notes = _undirected_simple(graph, "Louvain")
        with _seeded_igraph(seed):
            membership = simple.community_multilevel(resolution=resolution).membership
    return _Outcome(
        membership=membership,
        metrics=_community_metrics(simple, membership, resolution),
        notes=notes,
    )


def _leiden(graph: ig.Graph, p: dict[str, Any], seed: int, clock: _Clock) -> _Outcome:
    resolution = p["resolution"]
    with clock.running():
        simple, notes = _undirected_simple(graph, "Leiden")
        with _seeded_igraph(seed):
            membership = simple.community_leiden(
                objective_function="modularity",
                resolution=resolution,
                n_iterations=p["iterations"],
            ).membership
    return _Outcome(
        membership=membership,
        metrics=_community_metrics(simple, membership, resolution),
        notes=notes,
    )


def _community_metrics(
    graph: ig.Graph, membership: list[int], resolution: float
) -> dict[str, MetricValue]:
    """Modularity as usually quoted (resolution 1), and at the resolution optimised if other."""
    metrics: dict[str, MetricValue] = {"modularity": _modularity(graph, membership)}
    if resolution != 1.0:
        metrics["modularity_at_resolution"] = _modularity(graph, membership, resolution)
    return metrics


_RUNNERS: dict[str, _Runner] = {
    "pagerank": _pagerank,
    "betweenness": _betweenness,
    "degree": _degree,
    "kcore": _kcore,
    "triangles": _triangles,
    "wcc": _wcc,
    "scc": _scc,
    "label_propagation": _label_propagation,
    "louvain": _louvain,
    "leiden": _leiden,
}
