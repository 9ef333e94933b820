"""Path computations: routes, distances, nearest vertices and reach.

Shortest routes (hops, Dijkstra, A*), k shortest (Yen), all shortest, distances and nearest
vertices, reachability within k hops, eccentricity and diameter.

igraph runs every search (BFS, Dijkstra 1959, A* of Hart, Nilsson & Raphael 1968, Yen 1971).
Written here: the A* heuristic and its admissibility check, and the enumeration of all
shortest paths over igraph's distances (counted first, so the work is bounded).
Trees over the graph (spanning and Steiner) live in `gaai_graph.methods.compute.trees`.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import igraph as ig
import numpy as np
import numpy.typing as npt

from gaai_graph.errors import TemplateValidationError
from gaai_graph.methods.compute._common import (
    Mode,
    Weights,
    check_choice,
    check_mode,
    check_positive_int,
    edge_weights,
    vertex_index,
    vertex_indices,
)

__all__ = [
    "AllShortestPaths",
    "Coordinates",
    "Diameter",
    "Route",
    "all_shortest_paths",
    "diameter",
    "eccentricity",
    "k_nearest",
    "k_shortest_paths",
    "reachability",
    "reachable_within",
    "shortest_path",
    "single_source_distances",
]

EARTH_RADIUS_KM = 6371.0088
_UNREACHABLE = "Couldn't reach some vertices"
"""igraph warns so when the target is unreachable; the functions here return that instead."""
_RELATIVE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Route:
    """A path, the edge taken at each hop, its length and how it was found."""

    path: list[int]
    edges: list[int]
    length: float
    """Hops when unweighted, else the sum of the weights along the path."""
    algorithm: str
    """"bfs", "dijkstra", "astar" or "yen"."""


@dataclass(frozen=True)
class Coordinates:
    """Vertex positions for A*: planar x/y, or latitude/longitude in degrees."""

    x: Sequence[float]
    """x, or longitude in degrees for "haversine"."""
    y: Sequence[float]
    """y, or latitude in degrees for "haversine"."""
    metric: Literal["euclidean", "haversine"] = "euclidean"
    """Straight-line distance in the coordinates' units, or great-circle kilometres."""


def _route(
    graph: ig.Graph, source: int, edges: list[int], weights: list[float] | None, how: str
) -> Route:
    path = [source]
    for edge in edges:
        u, v = graph.es[edge].tuple
        path.append(v if u == path[-1] else u)
    length = float(len(edges)) if weights is None else float(sum(weights[e] for e in edges))
    return Route(path=path, edges=list(edges), length=length, algorithm=how)


def _straight_line(
    coordinates: Coordinates, n: int
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], str]:
    metric = check_choice(coordinates.metric, "coordinates metric", ("euclidean", "haversine"))
    xs = np.asarray(coordinates.x, dtype=np.float64)
    ys = np.asarray(coordinates.y, dtype=np.float64)
    if xs.shape != (n,) or ys.shape != (n,):
        raise TemplateValidationError(f"coordinates must give x and y for each of the {n} vertices")
    if not (np.isfinite(xs).all() and np.isfinite(ys).all()):
        raise TemplateValidationError("coordinates must be finite numbers for every vertex")
    return xs, ys, metric


def _distance(
    xs: npt.NDArray[np.float64],
    ys: npt.NDArray[np.float64],
    metric: str,
    u: int | npt.NDArray[np.int64],
    v: int | npt.NDArray[np.int64],
) -> npt.NDArray[np.float64]:
    if metric == "euclidean":
        return np.hypot(xs[u] - xs[v], ys[u] - ys[v])
    lon1, lat1, lon2, lat2 = (np.radians(a) for a in (xs[u], ys[u], xs[v], ys[v]))
    h = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def shortest_path(
    graph: ig.Graph,
    source: int,
    target: int,
    *,
    weights: Weights = None,
    mode: Mode = "out",
    coordinates: Coordinates | None = None,
) -> tuple[Route | None, list[str]]:
    """The shortest route from `source` to `target`, and notes on how it was found.

    By hops (BFS) without weights, by least total weight (Dijkstra) with them. With
    coordinates and weights, A* guided by the straight-line distance to the target, used only
    when that guide is admissible: every edge at least as long as the straight line between
    its ends (else A* could miss the best route, so Dijkstra runs and a note says why).

    Returns:
        The route (None when the target cannot be reached) and notes.
    """
    source = vertex_index(graph, source, "source")
    target = vertex_index(graph, target, "target")
    mode = check_mode(mode)
    values = edge_weights(graph, weights)
    notes: list[str] = []
    how = "bfs" if values is None else "dijkstra"
    if coordinates is not None and values is not None:
        xs, ys, metric = _straight_line(coordinates, graph.vcount())
        pairs = np.asarray(graph.get_edgelist(), dtype=np.int64).reshape(-1, 2)
        straight = _distance(xs, ys, metric, pairs[:, 0], pairs[:, 1])
        shorter = int((np.asarray(values) < straight * (1 - 1e-9)).sum())
        if shorter:
            notes.append(
                f"A* was not used: {shorter:,} edges weigh less than the straight-line distance "
                "between their ends, so the guide could overestimate; Dijkstra found the route."
            )
        else:
            how = "astar"
    elif coordinates is not None:
        notes.append("A* needs edge weights (lengths); without them the route is counted in hops.")
    if source == target:
        return Route(path=[source], edges=[], length=0.0, algorithm=how), notes
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=_UNREACHABLE)
        if how == "astar":

            def guide(_graph: ig.Graph, vertex: int, goal: int) -> float:
                return float(_distance(xs, ys, metric, vertex, goal))

            edges = graph.get_shortest_path_astar(
                source, target, guide, weights=values, mode=mode, output="epath"
            )
        else:
            edges = graph.get_shortest_path(
                source, target, weights=values, mode=mode, output="epath"
            )
    if not edges:
        return None, notes
    return _route(graph, source, edges, values, how), notes


def k_shortest_paths(
    graph: ig.Graph,
    source: int,
    target: int,
    k: int,
    *,
    weights: Weights = None,
    mode: Mode = "out",
) -> list[Route]:
    """Up to `k` shortest loopless routes, best first (Yen's algorithm, igraph).

    Routes differ in at least one edge; with parallel edges two routes can visit the same
    vertices.
    """
    source = vertex_index(graph, source, "source")
    target = vertex_index(graph, target, "target")
    k = check_positive_int(k, "k")
    values = edge_weights(graph, weights)
    if source == target:
        return [Route(path=[source], edges=[], length=0.0, algorithm="yen")]
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=_UNREACHABLE)
        found = graph.get_k_shortest_paths(
            source, target, k=k, weights=values, mode=check_mode(mode), output="epath"
        )
    return [_route(graph, source, edges, values, "yen") for edges in found if edges]


@dataclass(frozen=True)
class AllShortestPaths:
    """Every shortest path between two vertices (as vertex sequences), up to a bound."""

    paths: list[list[int]]
    count: int
    """How many shortest paths exist (may exceed the paths listed)."""
    length: float | None
    """Their common length (hops or weight); None when the target is unreachable."""

    @property
    def complete(self) -> bool:
        """Whether every shortest path is listed."""
        return len(self.paths) == self.count


def all_shortest_paths(
    graph: ig.Graph,
    source: int,
    target: int,
    *,
    weights: Weights = None,
    mode: Mode = "out",
    max_paths: int = 1000,
) -> AllShortestPaths:
    """All shortest paths from `source` to `target`: counted exactly, listed up to a bound.

    Listed up to `max_paths`, in lexicographic order of vertex indices. Paths are vertex
    sequences: parallel edges do not multiply them.

    igraph gives the distances from the source and to the target; an edge lies on a shortest
    path when both distances and its weight add up to the shortest length. Counting those
    paths first keeps the listing bounded even when millions exist.
    """
    source = vertex_index(graph, source, "source")
    target = vertex_index(graph, target, "target")
    mode = check_mode(mode)
    max_paths = check_positive_int(max_paths, "max_paths")
    values = edge_weights(graph, weights)
    if source == target:
        return AllShortestPaths(paths=[[source]], count=1, length=0.0)
    reverse = {"out": "in", "in": "out", "all": "all"}[mode]
    from_source = graph.distances(source, weights=values, mode=mode)[0]
    to_target = graph.distances(target, weights=values, mode=reverse)[0]
    best = from_source[target]
    if math.isinf(best):
        return AllShortestPaths(paths=[], count=0, length=None)
    successors: dict[int, set[int]] = {}
    for edge, (u, v) in enumerate(graph.get_edgelist()):
        w = 1.0 if values is None else values[edge]
        steps = [(u, v)] if mode == "out" else [(v, u)] if mode == "in" else [(u, v), (v, u)]
        if not graph.is_directed():
            steps = [(u, v), (v, u)]
        for a, b in steps:
            if a != b and math.isclose(
                from_source[a] + w + to_target[b], best, rel_tol=_RELATIVE_TOLERANCE, abs_tol=1e-12
            ):
                successors.setdefault(a, set()).add(b)
    order = {vertex: sorted(nexts) for vertex, nexts in successors.items()}
    counts: dict[int, int] = {target: 1}

    def count_from(vertex: int) -> int:
        # Iterative post-order: the shortest-path graph is acyclic (weights may be 0, but
        # zero-weight cycles cannot all lie on shortest paths with a strictly positive tail).
        stack = [vertex]
        while stack:
            top = stack[-1]
            pending = [b for b in order.get(top, []) if b not in counts]
            if pending:
                stack.extend(pending)
                continue
            stack.pop()
            counts[top] = sum(counts[b] for b in order.get(top, []))
        return counts[vertex]

    total = count_from(source)
    paths: list[list[int]] = []
    walk = [source]

    def enumerate_from(vertex: int) -> None:
        if len(paths) >= max_paths:
            return
        if vertex == target:
            paths.append(list(walk))
            return
        for b in order.get(vertex, []):
            if counts.get(b, 0) and b not in walk:
                walk.append(b)
                enumerate_from(b)
                walk.pop()

    enumerate_from(source)
    return AllShortestPaths(paths=paths, count=total, length=float(best))


def single_source_distances(
    graph: ig.Graph, source: int, *, weights: Weights = None, mode: Mode = "out"
) -> npt.NDArray[np.float64]:
    """Distance from `source` to every vertex (hops, or least total weight).

    inf when unreachable, 0 for the source itself.
    """
    source = vertex_index(graph, source, "source")
    values = edge_weights(graph, weights)
    return np.asarray(
        graph.distances(source, weights=values, mode=check_mode(mode))[0], dtype=np.float64
    )


def k_nearest(
    graph: ig.Graph, source: int, k: int, *, weights: Weights = None, mode: Mode = "out"
) -> list[tuple[int, float]]:
    """The `k` vertices nearest to `source`, with their distances, nearest first.

    The source itself is excluded, unreachable vertices never listed; ties by vertex index.
    """
    k = check_positive_int(k, "k")
    distances = single_source_distances(graph, source, weights=weights, mode=mode)
    reachable = [
        (float(d), v) for v, d in enumerate(distances.tolist()) if v != source and math.isfinite(d)
    ]
    reachable.sort()
    return [(v, d) for d, v in reachable[:k]]


def reachability(
    graph: ig.Graph, sources: Sequence[int], max_hops: int, *, mode: Mode = "out"
) -> dict[int, int]:
    """Vertices reachable from any of `sources` within `max_hops` hops, with the hops needed.

    Breadth-first (igraph); the sources themselves are left out.
    """
    starts = vertex_indices(graph, sources, "sources")
    max_hops = check_positive_int(max_hops, "max_hops")
    hops = np.asarray(graph.distances(starts, mode=check_mode(mode)), dtype=np.float64).min(axis=0)
    return {v: int(h) for v, h in enumerate(hops.tolist()) if 0 < h <= max_hops and v not in starts}


def reachable_within(
    graph: ig.Graph,
    sources: Sequence[int],
    max_distance: float,
    *,
    weights: Weights,
    mode: Mode = "out",
) -> dict[int, float]:
    """Vertices within `max_distance` (least total weight) of any source, with that distance.

    Dijkstra (igraph) from every source; the sources themselves are left out.
    """
    starts = vertex_indices(graph, sources, "sources")
    if not math.isfinite(max_distance) or max_distance <= 0:
        raise TemplateValidationError(
            f"max_distance must be a positive number, got {max_distance!r}"
        )
    values = edge_weights(graph, weights)
    distances = np.asarray(
        graph.distances(starts, weights=values, mode=check_mode(mode)), dtype=np.float64
    ).min(axis=0)
    limit = max_distance * (1 + _RELATIVE_TOLERANCE)
    return {
        v: float(d) for v, d in enumerate(distances.tolist()) if 0 < d <= limit and v not in starts
    }


def eccentricity(
    graph: ig.Graph, *, weights: Weights = None, mode: Mode = "all"
) -> npt.NDArray[np.float64]:
    """Each vertex's greatest distance to a vertex it reaches (hops or weight).

    Unreachable vertices are ignored (igraph's convention): on a disconnected graph this is
    the eccentricity within the vertex's component. On directed graphs mode "out" measures
    distances from the vertex (NetworkX's convention), "in" distances to it.
    """
    mode = check_mode(mode)
    values = edge_weights(graph, weights)
    if graph.vcount() == 0:
        return np.zeros(0)
    return np.asarray(graph.eccentricity(mode=mode, weights=values), dtype=np.float64)


@dataclass(frozen=True)
class Diameter:
    """The longest shortest path of a graph."""

    value: float
    """Hops or weight; 0 for a graph without edges."""
    endpoints: tuple[int, int] | None
    """Two vertices that far apart (None without vertices)."""
    connected: bool
    """False when some vertices cannot reach others: the value is then the largest within
    reach (per component), not infinity."""


def diameter(graph: ig.Graph, *, weights: Weights = None, directed: bool = True) -> Diameter:
    """The diameter (igraph), with two vertices that far apart.

    The greatest distance (hops or weight) between two vertices that reach each other.
    """
    values = edge_weights(graph, weights)
    if graph.vcount() == 0:
        return Diameter(value=0.0, endpoints=None, connected=False)
    mode = "strong" if directed and graph.is_directed() else "weak"
    first, second, value = graph.farthest_points(directed=directed, unconn=True, weights=values)
    if first is None:
        return Diameter(value=0.0, endpoints=(0, 0), connected=graph.vcount() == 1)
    return Diameter(
        value=float(value),
        endpoints=(int(first), int(second)),
        connected=bool(graph.is_connected(mode=mode)),
    )
