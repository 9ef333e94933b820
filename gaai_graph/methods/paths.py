"""Paths: routes between named vertices and how far things are.

Routes, distances, the nearest k, reach within k hops, eccentricity and diameter.

References:
    Breadth-first search: Moore, "The shortest path through a maze" (1959). Dijkstra, "A note
    on two problems in connexion with graphs", Numer. Math. 1 (1959). A*: Hart, Nilsson and
    Raphael, "A formal basis for the heuristic determination of minimum cost paths", IEEE
    Trans. SSC 4 (1968). k shortest loopless paths: Yen, "Finding the k shortest loopless
    paths in a network", Management Science 17 (1971). Eccentricity and diameter: Harary,
    "Graph Theory" (1969).

Computed by `gaai_graph.methods.compute.paths` (igraph's searches). Every answer says whether
lengths are hops or the sum of a weight attribute.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gaai_graph.methods.answering import (
    MODE,
    WEIGHT,
    answer_outcome,
    focus_values,
    ids_of,
    named,
    one_named,
    read_answer,
    read_scores,
    vertices_parameter,
    weight_of,
)
from gaai_graph.methods.base import DataNeeds, LocalJob, Method, Outcome, ParameterSpec, Picture
from gaai_graph.methods.compute import paths
from gaai_graph.methods.writing import format_number

__all__ = ["METHODS"]

SOURCE = vertices_parameter("source", "Where the routes start (a vertex id).")
TARGET = vertices_parameter("target", "Where the routes end (a vertex id).")
K = ParameterSpec("k", "int", 5, "How many to list.", minimum=1, maximum=1000)
X_ATTRIBUTE = ParameterSpec(
    "x_attribute", "str", None, "Vertex attribute with x (or longitude) for A*.", nullable=True
)
Y_ATTRIBUTE = ParameterSpec(
    "y_attribute", "str", None, "Vertex attribute with y (or latitude) for A*.", nullable=True
)
METRIC = ParameterSpec(
    "coordinates",
    "choice",
    "euclidean",
    "How coordinates measure straight-line distance: planar (euclidean) or latitude/longitude "
    "in degrees (haversine, km).",
    choices=("euclidean", "haversine"),
)


def _unit(parameters: dict[str, Any]) -> str:
    attribute = parameters.get("weight_attribute")
    return f"total {attribute}" if attribute else "hops"


def _direction(job: LocalJob) -> str:
    if not job.graph.is_directed() or job.parameters.get("mode") == "all":
        return "edge direction ignored"
    return "along edge directions" if job.parameters.get("mode") != "in" else "against edges"


def _route_value(job: LocalJob, route: paths.Route) -> dict[str, Any]:
    return {"path": ids_of(job, route.path), "length": route.length}


def _coordinates(job: LocalJob) -> paths.Coordinates | None:
    x, y = job.parameters.get("x_attribute"), job.parameters.get("y_attribute")
    if x is None or y is None:
        return None
    attributes = job.graph.vs.attributes()
    if x not in attributes or y not in attributes:
        return None
    return paths.Coordinates(
        x=job.graph.vs[x], y=job.graph.vs[y], metric=job.parameters["coordinates"]
    )


def _shortest_path(job: LocalJob) -> Outcome:
    source, target = one_named(job, "source"), one_named(job, "target")
    with job.clock.running():
        route, notes = paths.shortest_path(
            job.graph,
            source,
            target,
            weights=weight_of(job),
            mode=job.parameters["mode"],
            coordinates=_coordinates(job),
        )
    unit = _unit(job.parameters)
    convention = f"length in {unit}, {_direction(job)}"
    if route is None:
        headline = (
            f"{job.data.vertex_ids[target]} cannot be reached from {job.data.vertex_ids[source]}."
        )
        return answer_outcome("route", None, convention, "shortest_path", headline, notes=notes)
    headline = (
        f"The shortest route from {job.data.vertex_ids[source]} to {job.data.vertex_ids[target]} "
        f"is {format_number(route.length)} {unit} ({format_number(len(route.path) - 1)} hops): "
        + " -> ".join(ids_of(job, route.path))
        + "."
    )
    return answer_outcome(
        "route",
        _route_value(job, route),
        f"{convention}, found by {route.algorithm}",
        "shortest_path",
        headline,
        metrics={"route_length": route.length, "route_hops": len(route.path) - 1},
        notes=notes,
    )


def _k_shortest(job: LocalJob) -> Outcome:
    source, target = one_named(job, "source"), one_named(job, "target")
    with job.clock.running():
        routes = paths.k_shortest_paths(
            job.graph,
            source,
            target,
            job.parameters["k"],
            weights=weight_of(job),
            mode=job.parameters["mode"],
        )
    unit = _unit(job.parameters)
    lengths = ", ".join(format_number(r.length) for r in routes)
    headline = (
        f"{format_number(len(routes))} routes from {job.data.vertex_ids[source]} to "
        f"{job.data.vertex_ids[target]}, best first, of {lengths} {unit}."
        if routes
        else f"{job.data.vertex_ids[target]} cannot be reached from {job.data.vertex_ids[source]}."
    )
    return answer_outcome(
        "routes",
        [_route_value(job, r) for r in routes],
        f"loopless routes by length in {unit} (Yen), {_direction(job)}",
        "k_shortest_paths",
        headline,
        metrics={"route_count": len(routes)},
    )


def _all_shortest(job: LocalJob) -> Outcome:
    source, target = one_named(job, "source"), one_named(job, "target")
    with job.clock.running():
        result = paths.all_shortest_paths(
            job.graph,
            source,
            target,
            weights=weight_of(job),
            mode=job.parameters["mode"],
            max_paths=job.parameters["max_paths"],
        )
    unit = _unit(job.parameters)
    if result.length is None:
        headline = (
            f"{job.data.vertex_ids[target]} cannot be reached from {job.data.vertex_ids[source]}."
        )
    else:
        headline = (
            f"{format_number(result.count)} shortest routes of {format_number(result.length)} "
            f"{unit} lead from {job.data.vertex_ids[source]} to {job.data.vertex_ids[target]}"
            + (
                "."
                if result.complete
                else f"; the first {format_number(len(result.paths))} are listed."
            )
        )
    return answer_outcome(
        "routes",
        [{"path": ids_of(job, p), "length": result.length} for p in result.paths],
        f"every shortest route, length in {unit}, {_direction(job)}, at most "
        f"{job.parameters['max_paths']} listed",
        "all_shortest_paths",
        headline,
        metrics={"route_count": result.count},
    )


def _distances(job: LocalJob) -> Outcome:
    source = one_named(job, "source")
    with job.clock.running():
        distances = paths.single_source_distances(
            job.graph, source, weights=weight_of(job), mode=job.parameters["mode"]
        )
    reachable = np.isfinite(distances)
    unit = _unit(job.parameters)
    convention = f"distance from {job.data.vertex_ids[source]} in {unit}, {_direction(job)}"
    given, extra = focus_values(job, distances, "single_source_distances", convention, "Distance")
    reached = int(reachable.sum()) - 1
    farthest = float(distances[reachable].max()) if reachable.any() else 0.0
    headline = extra.get("headline") or (
        f"{format_number(reached)} vertices can be reached from {job.data.vertex_ids[source]}; "
        f"the farthest is {format_number(farthest)} {unit} away."
    )
    return answer_outcome(
        given["kind"] if given else "value",
        given["value"] if given else farthest,
        convention if given else f"largest {convention}",
        "single_source_distances",
        str(headline),
        metrics={"reached": reached, "unreachable": int((~reachable).sum())},
    )


def _k_nearest(job: LocalJob) -> Outcome:
    source = one_named(job, "source")
    with job.clock.running():
        nearest = paths.k_nearest(
            job.graph,
            source,
            job.parameters["k"],
            weights=weight_of(job),
            mode=job.parameters["mode"],
        )
    unit = _unit(job.parameters)
    listed = "; ".join(f"{job.data.vertex_ids[v]} ({format_number(d)})" for v, d in nearest)
    headline = (
        f"The {format_number(len(nearest))} nearest to {job.data.vertex_ids[source]}, in {unit}: "
        f"{listed}."
        if nearest
        else f"Nothing can be reached from {job.data.vertex_ids[source]}."
    )
    return answer_outcome(
        "entities",
        ids_of(job, [v for v, _ in nearest]),
        f"nearest first by distance in {unit}, {_direction(job)}, ties by id order",
        "k_nearest",
        headline,
        metrics={"nearest_count": len(nearest)},
    )


def _reachability(job: LocalJob) -> Outcome:
    sources = named(job, "sources")
    hops = job.parameters["max_hops"]
    with job.clock.running():
        reached = paths.reachability(job.graph, sources, hops, mode=job.parameters["mode"])
    ordered = sorted(reached, key=lambda v: (reached[v], v))
    by_hops: dict[int, int] = {}
    for h in reached.values():
        by_hops[h] = by_hops.get(h, 0) + 1
    headline = (
        f"{format_number(len(reached))} vertices are within {hops} hops of "
        f"{', '.join(ids_of(job, sources))}"
        + (
            " ("
            + ", ".join(f"{format_number(n)} at {h}" for h, n in sorted(by_hops.items()))
            + ")."
            if reached
            else "."
        )
    )
    return answer_outcome(
        "count",
        len(reached),
        f"vertices within {hops} hops (breadth-first), {_direction(job)}, sources excluded",
        "reachability",
        headline,
        metrics={"reached_ids_listed": min(len(ordered), 1000)},
    )


def _eccentricity(job: LocalJob) -> Outcome:
    with job.clock.running():
        values = paths.eccentricity(job.graph, weights=weight_of(job), mode=job.parameters["mode"])
    unit = _unit(job.parameters)
    convention = f"greatest distance in {unit} to a reachable vertex, {_direction(job)}"
    given, extra = focus_values(job, values, "eccentricity", convention, "Eccentricity")
    radius = float(values.min()) if values.size else 0.0
    return answer_outcome(
        given["kind"] if given else "value",
        given["value"] if given else radius,
        convention if given else f"radius: smallest eccentricity, {convention}",
        "eccentricity",
        str(
            extra.get("headline")
            or f"The most central vertex reaches every other within "
            f"{format_number(radius)} {unit} (the radius)."
        ),
        scores=values,
        metrics={"radius": radius},
    )


def _diameter(job: LocalJob) -> Outcome:
    directed = job.parameters["mode"] != "all"
    with job.clock.running():
        result = paths.diameter(job.graph, weights=weight_of(job), directed=directed)
    unit = _unit(job.parameters)
    ends = ids_of(job, list(result.endpoints)) if result.endpoints else []
    headline = (
        f"The diameter is {format_number(result.value)} {unit}"
        + (f", between {ends[0]} and {ends[1]}" if ends else "")
        + (
            "."
            if result.connected
            else "; the graph is not connected, so this is the largest "
            "distance between vertices that reach each other."
        )
    )
    return answer_outcome(
        "value",
        result.value,
        f"longest shortest distance in {unit}, "
        + (
            "along edge directions"
            if directed and job.graph.is_directed()
            else "edge direction ignored"
        )
        + ("" if result.connected else ", within reach (graph not connected)"),
        "diameter",
        headline,
        metrics={"connected": result.connected},
    )


def _answer_method(
    name: str,
    label: str,
    description: str,
    reference: str,
    local: Any,
    parameters: tuple[ParameterSpec, ...],
    needs: DataNeeds,
    *,
    kind: str = "answer",
    intents: tuple[Any, ...] = ("paths",),
) -> Method:
    return Method(
        name=name,
        label=label,
        long_name=label,
        description=description,
        reference=reference,
        kind=kind,  # type: ignore[arg-type]
        result_attribute=name,
        intents=intents,
        score_name=label if kind == "scoring" else None,
        needs=needs,
        parameters=parameters,
        local=local,
        interpret=read_scores(label) if kind == "scoring" else read_answer,
        picture=Picture(score_axis=label, score_meaning=label) if kind == "scoring" else Picture(),
    )


TWO = DataNeeds(direction="either", weights="optional", named_entities="two")
ONE = DataNeeds(direction="either", weights="optional", named_entities="one")

SHORTEST_PATH = _answer_method(
    "shortest_path",
    "shortest path",
    "The shortest route between two named vertices, by hops or by a weight (A* with coordinates).",
    "Moore 1959; Dijkstra 1959; Hart, Nilsson and Raphael 1968",
    _shortest_path,
    (SOURCE, TARGET, WEIGHT, MODE, X_ATTRIBUTE, Y_ATTRIBUTE, METRIC),
    TWO,
)
K_SHORTEST_PATHS = _answer_method(
    "k_shortest_paths",
    "k shortest paths",
    "The best route and the next best alternatives between two named vertices.",
    "Yen 1971",
    _k_shortest,
    (SOURCE, TARGET, K, WEIGHT, MODE),
    TWO,
)
ALL_SHORTEST_PATHS = _answer_method(
    "all_shortest_paths",
    "all shortest paths",
    "Every shortest route between two named vertices (counted, listed up to a bound).",
    "Dijkstra 1959; Brandes 2001 (path counting)",
    _all_shortest,
    (
        SOURCE,
        TARGET,
        WEIGHT,
        MODE,
        ParameterSpec("max_paths", "int", 1000, "Most routes listed.", minimum=1),
    ),
    TWO,
)
SINGLE_SOURCE_DISTANCES = _answer_method(
    "single_source_distances",
    "distance",
    "Distances from a named vertex to every other.",
    "Dijkstra 1959",
    _distances,
    (SOURCE, WEIGHT, MODE, vertices_parameter("vertices", "Vertices whose distance is asked for.")),
    ONE,
)
K_NEAREST = _answer_method(
    "k_nearest",
    "k nearest",
    "The k vertices nearest to a named vertex, by hops or by a weight.",
    "Dijkstra 1959",
    _k_nearest,
    (SOURCE, K, WEIGHT, MODE),
    ONE,
)
REACHABILITY = _answer_method(
    "reachability",
    "reachability",
    "What can be reached from named vertices within k hops.",
    "Moore 1959",
    _reachability,
    (
        vertices_parameter("sources", "Where the search starts (ids joined with '|')."),
        ParameterSpec("max_hops", "int", 2, "Most hops.", minimum=1),
        MODE,
    ),
    DataNeeds(direction="either", named_entities="many"),
    intents=("paths", "connectivity"),
)
ECCENTRICITY = _answer_method(
    "eccentricity",
    "eccentricity",
    "How far each vertex is from the vertex farthest from it.",
    "Harary 1969",
    _eccentricity,
    (
        WEIGHT,
        ParameterSpec("mode", "choice", "all", MODE.description, choices=("out", "in", "all")),
        vertices_parameter("vertices", "Vertices whose eccentricity is asked for."),
    ),
    DataNeeds(direction="either", weights="optional", named_entities="optional"),
    kind="scoring",
    intents=("paths", "connectivity"),
)
DIAMETER = _answer_method(
    "diameter",
    "diameter",
    "The longest shortest route in the graph.",
    "Harary 1969",
    _diameter,
    (WEIGHT, ParameterSpec("mode", "choice", "all", MODE.description, choices=("out", "all"))),
    DataNeeds(direction="either", weights="optional"),
    intents=("paths", "connectivity"),
)

METHODS: tuple[Method, ...] = (
    SHORTEST_PATH,
    K_SHORTEST_PATHS,
    ALL_SHORTEST_PATHS,
    SINGLE_SOURCE_DISTANCES,
    K_NEAREST,
    REACHABILITY,
    ECCENTRICITY,
    DIAMETER,
)
