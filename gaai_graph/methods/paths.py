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

from gaai_graph.errors import TemplateValidationError
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
from gaai_graph.methods.measures import convention_unit, label_of, labels_of, unit_word
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
    """What lengths are stated in: "hops" or the weight's unit ("km")."""
    return unit_word(parameters.get("weight_attribute"))


def _measure(parameters: dict[str, Any]) -> str:
    """The measure for conventions: "hops" or "km (sum of distance_km)"."""
    return convention_unit(parameters.get("weight_attribute"))


def _amount(value: float, parameters: dict[str, Any]) -> str:
    """A length with its unit: "14.39 km", "5 hops"."""
    return f"{format_number(value)} {_unit(parameters)}"


def _route_words(job: LocalJob, path: list[int]) -> str:
    return " -> ".join(labels_of(job, path))


def _direction(job: LocalJob) -> str:
    if not job.graph.is_directed() or job.parameters.get("mode") == "all":
        return "edge direction ignored"
    return "along edge directions" if job.parameters.get("mode") != "in" else "against edges"


def _route_value(job: LocalJob, route: paths.Route) -> dict[str, Any]:
    # sums of decimal weights carry float noise (55.29699999999999): state what was summed
    return {"path": ids_of(job, route.path), "length": round(route.length, 9)}


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
    convention = f"length in {_measure(job.parameters)}, {_direction(job)}"
    start, end = label_of(job, source), label_of(job, target)
    if route is None:
        headline = f"{end} cannot be reached from {start}."
        return answer_outcome("route", None, convention, "shortest_path", headline, notes=notes)
    hops = len(route.path) - 1
    length = _amount(route.length, job.parameters)
    if job.parameters.get("weight_attribute"):
        length += f" ({format_number(hops)} hops)"
    headline = (
        f"From {start} to {end}: {length} by the shortest route, {_route_words(job, route.path)}."
    )
    return answer_outcome(
        "route",
        _route_value(job, route),
        f"{convention}, found by {route.algorithm}",
        "shortest_path",
        headline,
        metrics={"route_length": route.length, "route_hops": hops},
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
    start, end = label_of(job, source), label_of(job, target)
    if routes:
        listed = "; ".join(
            f"{position}. {_amount(r.length, job.parameters)}: {_route_words(job, r.path)}"
            for position, r in enumerate(routes, start=1)
        )
        headline = (
            f"The {format_number(len(routes))} shortest routes from {start} to {end}, best "
            f"first: {listed}."
        )
    else:
        headline = f"{end} cannot be reached from {start}."
    return answer_outcome(
        "routes",
        [_route_value(job, r) for r in routes],
        f"loopless routes by length in {_measure(job.parameters)} (Yen), best first, "
        f"{_direction(job)}",
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
    start, end = label_of(job, source), label_of(job, target)
    if result.length is None:
        headline = f"{end} cannot be reached from {start}."
    else:
        headline = (
            f"{format_number(result.count)} shortest routes of "
            f"{_amount(result.length, job.parameters)} lead from {start} to {end}"
            + (
                "."
                if result.complete
                else f"; the first {format_number(len(result.paths))} are listed."
            )
        )
    return answer_outcome(
        "routes",
        [{"path": ids_of(job, p), "length": result.length} for p in result.paths],
        f"every shortest route, length in {_measure(job.parameters)}, {_direction(job)}, at most "
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
    start = label_of(job, source)
    convention = f"distance from {job.data.vertex_ids[source]} in {_measure(job.parameters)}, "
    convention += _direction(job)
    reached = int(reachable.sum()) - 1
    metrics: dict[str, Any] = {"reached": reached, "unreachable": int((~reachable).sum())}
    # the source's own distance (0) answers nothing: "how far is the farthest from X"
    asked = [v for v in named(job, "vertices", required=False) if v != source]
    if asked:
        values = {
            job.data.vertex_ids[v]: float(distances[v]) if reachable[v] else None for v in asked
        }
        stated = "; ".join(
            f"{label_of(job, v)} is "
            + (f"{_amount(float(distances[v]), job.parameters)} away" if reachable[v] else "")
            + ("" if reachable[v] else "unreachable")
            for v in asked
        )
        return answer_outcome(
            "values",
            values,
            convention,
            "single_source_distances",
            f"From {start}: {stated}.",
            metrics=metrics,
        )
    others = reachable.copy()
    others[source] = False
    if not others.any():
        headline = f"Nothing can be reached from {start}."
        return answer_outcome(
            "value", None, f"largest {convention}", "single_source_distances", headline
        )
    farthest_vertex = int(np.argmax(np.where(others, distances, -np.inf)))
    farthest = float(distances[farthest_vertex])
    headline = (
        f"The farthest place reachable from {start} is {label_of(job, farthest_vertex)}, "
        f"{_amount(farthest, job.parameters)} away; {format_number(reached)} vertices can be "
        "reached."
    )
    metrics["farthest"] = job.data.vertex_ids[farthest_vertex]
    return answer_outcome(
        "value",
        farthest,
        f"largest {convention}",
        "single_source_distances",
        headline,
        metrics=metrics,
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
    listed = "; ".join(f"{label_of(job, v)} ({_amount(d, job.parameters)})" for v, d in nearest)
    start = label_of(job, source)
    headline = (
        f"The {format_number(len(nearest))} nearest to {start}: {listed}."
        if nearest
        else f"Nothing can be reached from {start}."
    )
    return answer_outcome(
        "entities",
        ids_of(job, [v for v, _ in nearest]),
        f"nearest first by distance in {_measure(job.parameters)}, {_direction(job)}, "
        "ties by id order",
        "k_nearest",
        headline,
        metrics={"nearest_count": len(nearest)},
    )


def _reachability(job: LocalJob) -> Outcome:
    sources = named(job, "sources")
    budget = job.parameters.get("max_distance")
    start = ", ".join(labels_of(job, sources))
    if budget is not None:
        return _reachable_within(job, sources, float(budget), start)
    hops = job.parameters["max_hops"]
    with job.clock.running():
        reached = paths.reachability(job.graph, sources, hops, mode=job.parameters["mode"])
    ordered = sorted(reached, key=lambda v: (reached[v], v))
    by_hops: dict[int, int] = {}
    for h in reached.values():
        by_hops[h] = by_hops.get(h, 0) + 1
    headline = f"{format_number(len(reached))} vertices are within {hops} hops of {start}" + (
        " (" + ", ".join(f"{format_number(n)} at {h}" for h, n in sorted(by_hops.items())) + ")."
        if reached
        else "."
    )
    return answer_outcome(
        "count",
        len(reached),
        f"vertices within {hops} hops (breadth-first), {_direction(job)}, sources excluded",
        "reachability",
        headline,
        metrics={"reached_ids_listed": min(len(ordered), 1000)},
    )


def _reachable_within(job: LocalJob, sources: list[int], budget: float, start: str) -> Outcome:
    """Reach within a distance or time budget: needs the weight that measures it."""
    weight = weight_of(job)
    if weight is None:
        raise TemplateValidationError(
            f"a reach of {format_number(budget)} (a distance or a time) needs an edge "
            "attribute measuring it: set weight_attribute to one of "
            f"{', '.join(sorted(job.graph.es.attributes())) or 'none (the edges carry none)'}, "
            "or ask within a number of hops"
        )
    with job.clock.running():
        reached = paths.reachable_within(
            job.graph, sources, budget, weights=weight, mode=job.parameters["mode"]
        )
    amount = _amount(budget, job.parameters)
    nearest = sorted(reached, key=lambda v: (reached[v], v))[:5]
    headline = f"{format_number(len(reached))} vertices are within {amount} of {start}" + (
        ", nearest " + ", ".join(labels_of(job, nearest)) + "." if reached else "."
    )
    return answer_outcome(
        "count",
        len(reached),
        f"vertices within {format_number(budget)} {_measure(job.parameters)} (Dijkstra), "
        f"{_direction(job)}, sources excluded",
        "reachability",
        headline,
        metrics={"reached_ids_listed": min(len(reached), 1000)},
    )


def _eccentricity(job: LocalJob) -> Outcome:
    with job.clock.running():
        values = paths.eccentricity(job.graph, weights=weight_of(job), mode=job.parameters["mode"])
    convention = (
        f"greatest distance in {_measure(job.parameters)} to a reachable vertex, {_direction(job)}"
    )
    given, extra = focus_values(job, values, "eccentricity", convention, "Eccentricity")
    radius = float(values.min()) if values.size else 0.0
    return answer_outcome(
        given["kind"] if given else "value",
        given["value"] if given else radius,
        convention if given else f"radius: smallest eccentricity, {convention}",
        "eccentricity",
        str(
            extra.get("headline")
            or f"The radius is {_amount(radius, job.parameters)}: the most central vertex "
            "reaches every other it can reach within that."
        ),
        scores=values,
        metrics={"radius": radius},
    )


def _diameter(job: LocalJob) -> Outcome:
    directed = job.parameters["mode"] != "all"
    with job.clock.running():
        result = paths.diameter(job.graph, weights=weight_of(job), directed=directed)
    ends = list(result.endpoints) if result.endpoints else []
    headline = (
        f"The diameter (the longest shortest route) is {_amount(result.value, job.parameters)}"
        + (f", between {label_of(job, ends[0])} and {label_of(job, ends[1])}" if ends else "")
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
        f"longest shortest distance in {_measure(job.parameters)}, "
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
    "What can be reached from named vertices within k hops, or within a distance or time.",
    "Moore 1959",
    _reachability,
    (
        vertices_parameter("sources", "Where the search starts (ids joined with '|')."),
        ParameterSpec("max_hops", "int", 2, "Most hops.", minimum=1),
        ParameterSpec(
            "max_distance",
            "float",
            None,
            "Reach within this total weight (a distance or a time, in the weight's unit) "
            "instead of within max_hops; needs weight_attribute.",
            nullable=True,
        ),
        WEIGHT,
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
