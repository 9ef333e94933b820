"""The local engine: runs a template's algorithm in process on igraph.

`LocalEngine.run` is synchronous and CPU bound; callers run it in a worker thread. It turns a
`ProjectionData` into an igraph graph, runs one algorithm from the registry and summarises the
whole result (see `gaai_graph.engines.summary`), recording every approximation it made.

Two steps a template may add around the algorithm: a two-mode projection is first projected
onto the side asked about (`GraphProjection.onto`, `gaai_graph.methods.projection`), and a
grouping method's groups may each name their leader (`AnalysisTemplate.ranked_within`,
`gaai_graph.engines.composed`).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import partial
from typing import Any

import igraph as ig
import numpy as np
import numpy.typing as npt

from gaai_graph.engines.composed import group_leaders
from gaai_graph.engines.summary import (
    forget_collection_codes,
    summarize_groups,
    summarize_scores,
)
from gaai_graph.errors import EngineError
from gaai_graph.memory import give_back_freed_memory
from gaai_graph.methods.base import Clock, LocalJob, Method
from gaai_graph.methods.centrality import DEFAULT_BETWEENNESS_SAMPLES
from gaai_graph.methods.local_tools import degrees_of_edges, graph_of_edges
from gaai_graph.methods.projection import SHARED_WEIGHT, project_onto
from gaai_graph.methods.registry import get_method
from gaai_graph.models import AnalysisTemplate, Answer, ExecutionResult, MetricValue
from gaai_graph.sources.base import ProjectionData

__all__ = ["DEFAULT_BETWEENNESS_SAMPLES", "AlgorithmOutput", "LocalEngine", "forget_projection"]


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
    answer: Answer | None = None
    """The method's direct answer (a value, a count, a route...), when it gives one."""
    data: ProjectionData | None = None
    """The projection the algorithm ran on when it is not the one given (a two-mode
    projection projected onto one side): `scores` and `membership` are indexed by its
    vertices."""
    graph: ig.Graph | None = None
    """The graph the algorithm ran on (for steps after it: leaders within groups)."""

    def vertex_ids(self, given: ProjectionData) -> list[str]:
        """The ids `scores` and `membership` are indexed by, for the projection `given`."""
        return (self.data or given).vertex_ids


class LocalEngine:
    """Runs algorithms in process with igraph; safe to share between threads."""

    name = "local"

    def run(
        self,
        data: ProjectionData,
        template: AnalysisTemplate,
        *,
        seed: int = 42,
        sole_user: bool = False,
    ) -> ExecutionResult:
        """Run `template`'s algorithm on `data` and summarise the whole result.

        Args:
            data: The template's projection.
            template: The analysis to run; its parameters are validated first.
            seed: Seed for randomised algorithms (community detection, sampled betweenness);
                the same seed gives the same result, also when templates run concurrently.
            sole_user: No other template will read `data` (see `compute`).

        Returns:
            A succeeded execution result with metrics, statistics or groups, and notes.

        Raises:
            TemplateValidationError: the algorithm or a parameter is invalid.
            EngineError: the projection is empty or the algorithm failed.
        """
        output = self.compute(data, template, seed=seed, sole_user=sole_user)
        # The algorithm's graphs (tens of MB at 10^6 edges) were freed on this thread's heap,
        # where the summaries and descriptions after it, often on other threads, cannot
        # reuse them: give them back first.
        give_back_freed_memory()
        return self.summarise(output, output.data or data, template, seed=seed)

    def summarise(
        self,
        output: AlgorithmOutput,
        data: ProjectionData,
        template: AnalysisTemplate,
        *,
        seed: int = 42,
    ) -> ExecutionResult:
        """Summarise an algorithm's per-vertex output over the whole result (what `run` returns).

        Args:
            output: What `compute` returned for `template` on `data`.
            data: The projection it ran on (the projected one when the method projected).
            template: The analysis (top-k and result collections shape the listing).
            seed: Random seed of the ranking inside each group (`template.ranked_within`).

        Returns:
            A succeeded execution result with metrics, statistics or groups, and notes.
        """
        result = ExecutionResult(
            template_id=template.id,
            status="succeeded",
            algorithm=template.algorithm,
            parameters=output.parameters,
            projection=data.projection,
            metrics=dict(output.metrics),
            notes=list(output.notes),
            answer=output.answer,
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
            if template.ranked_within and output.graph is not None:
                self._lead_groups(result, data, output, template, seed)
            # Kept out of the serialised result: the attribute profile reads it in-process, on
            # the vertices the partition was computed on (the projected ones, when projected).
            result._partition = (output.membership, output.degrees, data)
        return result

    def _lead_groups(
        self,
        result: ExecutionResult,
        data: ProjectionData,
        output: AlgorithmOutput,
        template: AnalysisTemplate,
        seed: int,
    ) -> None:
        """Name the leader of each listed group: `template.ranked_within` inside the group."""
        assert output.graph is not None and output.membership is not None
        method = get_method(str(template.ranked_within))
        # Members are ranked by the weight the groups were found with (the shared-neighbour
        # count of a projection, or the question's weight), when the ranking reads one.
        weight = output.parameters.get("weight_attribute")
        parameters = method.validate(
            {"weight_attribute": weight} if weight and method.parameter("weight_attribute") else {}
        )
        leaders = group_leaders(
            data,
            output.graph,
            output.membership,
            result.groups,
            method,
            parameters,
            result_collections=template.result_collections,
            seed=seed,
        )
        result.groups = leaders.groups
        result.metrics.update(leaders.metrics)
        result.notes.extend(leaders.notes)

    def compute(
        self,
        data: ProjectionData,
        template: AnalysisTemplate,
        *,
        seed: int = 42,
        sole_user: bool = False,
    ) -> AlgorithmOutput:
        """Run `template`'s algorithm on `data` and return its per-vertex output unsummarised.

        This is what `run` summarises, and what a caller writing results back per vertex needs.

        Args:
            data: The template's projection.
            template: The analysis to run; its parameters are validated first.
            seed: Seed for randomised algorithms.
            sole_user: No other template will read `data`: the algorithm gets the
                projection's igraph graph itself (taken out of `data.engine_cache`) instead of
                a copy, which saves a whole graph's memory while it runs (~50-90 MB at 10^6
                edges). A template that reads `data` later all the same builds the graph
                again, so results never depend on it.

        Returns:
            Scores or a membership by vertex index, with metrics, notes and the effective
            parameters.

        Raises:
            TemplateValidationError: the algorithm or a parameter is invalid.
            EngineError: the projection is empty or the algorithm failed.
        """
        method = get_method(template.algorithm)
        parameters = method.validate(template.parameters)
        algorithm = template.algorithm
        if method.local is None:
            raise EngineError(f"{algorithm} has no local computation")
        if data.vertex_count == 0:
            collections = ", ".join(data.projection.vertex_collections) or "none"
            raise EngineError(
                f"cannot run {algorithm}: the projection has no vertices (vertex collections: "
                f"{collections})"
            )
        clock = Clock()
        given = data
        step_notes: list[str] = []
        step_metrics: dict[str, MetricValue] = {}
        if data.projection.onto:
            data, step_notes, step_metrics = _projected(data, data.projection.onto, algorithm)
            if data is not given:
                parameters = method.validate(
                    _weighted(method, template.parameters, _igraph_of(data, algorithm))
                )
        try:
            if sole_user and data is not given:
                # The two-mode graph served only to project onto one side.
                with _BUILD_LOCK:
                    given.engine_cache.pop("igraph", None)
            # A method that reads the projection's arrays, or only its simple undirected
            # graph, never has the multigraph built (`LocalJob`): the edges are checked here.
            _check_edges(data, algorithm)
            take = sole_user and not template.ranked_within
            job = LocalJob(
                # The graph is the algorithm's to modify; the leaders within groups
                # (`ranked_within`) read the projection's graph after it, so that one keeps it.
                graph=partial(_graph_to_run_on, data, algorithm, take=take),
                parameters=parameters,
                seed=seed,
                clock=clock,
                data=data,
                graph_of_data=True,
            )
            outcome = method.local(job)
            if take:
                # Nothing reads a graph the job did not take (it needed none): let it go.
                with _BUILD_LOCK:
                    data.engine_cache.pop("igraph", None)
            # From the projection's edges, as the graph was built from them: a method may
            # have simplified its graph in place (`undirected_simple(in_place=True)`).
            degrees = (
                degrees_of_edges(data.edges, data.vertex_count, directed=data.directed)
                if outcome.membership is not None
                else None
            )
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
            **step_metrics,
        }
        if method.randomized:
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
            notes=[*step_notes, *outcome.notes],
            data=data if data is not given else None,
            graph=_igraph_of(data, algorithm) if template.ranked_within else None,
            answer=(
                Answer.model_validate({"method": algorithm, **outcome.answer})
                if outcome.answer is not None
                else None
            ),
        )


def forget_projection(data: ProjectionData) -> None:
    """Drop what the engine keeps about `data` outside it: no template reads it any more.

    Its graph and one-mode projections live in `data.engine_cache` and go with it; the
    summaries' collection numberings of its vertices (and of its one-mode projections'
    vertices) are kept by id list, and are dropped here.
    """
    with _BUILD_LOCK:
        derived = [
            cached[0]
            for key, cached in data.engine_cache.items()
            if key.startswith("onto:") and cached[0] is not data
        ]
    forget_collection_codes([data.vertex_ids, *(one_mode.vertex_ids for one_mode in derived)])


# --------------------------------------------------------------------------- two-mode graphs


def _weighted(method: Method, parameters: dict[str, Any], graph: ig.Graph) -> dict[str, Any]:
    """The parameters with the projection's shared-neighbour weight, when the method reads one.

    On a projected two-mode graph the only edge attribute is how many neighbours a pair
    shares; a method that can weigh edges weighs them by it.
    """
    if method.parameter("weight_attribute") is None:
        return dict(parameters)
    if SHARED_WEIGHT not in graph.es.attributes():
        return dict(parameters)
    return {**parameters, "weight_attribute": SHARED_WEIGHT}


def _projected(
    data: ProjectionData, onto: str, algorithm: str
) -> tuple[ProjectionData, list[str], dict[str, MetricValue]]:
    """The two-mode projection `data` projected onto `onto`, built once per projection.

    Returns:
        (the data to run on, notes, metrics): the projected data with the note and metrics
        saying so, or `data` itself with a note when projecting would create too many pairs.
    """
    key = f"onto:{onto}"
    with _BUILD_LOCK:
        cached = data.engine_cache.get(key)
    if cached is None:
        projected = project_onto(data, _igraph_of(data, algorithm), onto)
        cached = (
            (projected.data, projected.notes, projected.metrics)
            if projected is not None
            else (
                data,
                [
                    f"The graph is two-mode, but projecting it onto {onto} would link too many "
                    f"pairs, so {algorithm} ran on the two-mode graph as it is."
                ],
                {"projected_onto": None},
            )
        )
        with _BUILD_LOCK:
            data.engine_cache[key] = cached
    one_mode, notes, metrics = cached
    return one_mode, list(notes), dict(metrics)


# --------------------------------------------------------------------------- graph variants

_BUILD_LOCK = threading.Lock()


def _igraph_of(data: ProjectionData, algorithm: str) -> ig.Graph:
    """The projection's igraph graph, built once and kept in `data.engine_cache`.

    Templates sharing a projection (the executor caches projections) share one build; each
    run works on a `copy()` (milliseconds at 10^6 edges, where building takes ~0.4 s), because
    igraph caches derived properties on a graph and some algorithms below modify theirs; the
    last of them takes the graph itself (`_graph_to_run_on`).

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


def _graph_to_run_on(data: ProjectionData, algorithm: str, *, take: bool) -> ig.Graph:
    """A graph of `data` an algorithm may modify.

    A copy of the shared graph, or with `take` the shared graph itself, which
    `data.engine_cache` then no longer holds (or a new build when none is cached).
    """
    if not take:
        return _igraph_of(data, algorithm).copy()
    with _BUILD_LOCK:
        graph: ig.Graph | None = data.engine_cache.pop("igraph", None)
    return graph if graph is not None else _build_igraph(data, algorithm)


def _build_igraph(data: ProjectionData, algorithm: str) -> ig.Graph:
    _check_edges(data, algorithm)
    # Attributes the template asked for (a weight, a category, coordinates) travel with the
    # graph, where methods read them by name.
    return graph_of_edges(
        data.vertex_count,
        data.edges,
        directed=data.directed,
        vertex_values=data.vertex_values,
        edge_values=data.edge_values,
    )


def _check_edges(data: ProjectionData, algorithm: str) -> None:
    """Refuse edges naming a vertex index outside 0..vertex_count-1.

    Raises:
        EngineError: An edge names such an index.
    """
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


def _size_of(data: ProjectionData) -> str:
    """'2 vertices and 1 edge': the projection's size in words."""
    vertices, edges = data.vertex_count, data.edge_count
    return (
        f"{vertices:,} {'vertex' if vertices == 1 else 'vertices'} and "
        f"{edges:,} {'edge' if edges == 1 else 'edges'}"
    )
