from __future__ import annotations

import itertools
import math
import random

import networkx as nx
import pytest

from gaai_graph.errors import TemplateValidationError
from gaai_graph.methods.compute import paths

from ._graphs import general_graphs, karate, to_igraph

GRAPHS = general_graphs()
IDS = [name for name, _ in GRAPHS]
PAIRS = [(0, 5), (2, 7), (1, 3), (4, 0)]


def nx_view(graph, mode):
    if not graph.is_directed() or mode == "out":
        return graph
    return graph.reverse() if mode == "in" else graph.to_undirected()


def path_length(graph, path, weight):
    if weight is None:
        return len(path) - 1
    return sum(graph[u][v][weight] for u, v in itertools.pairwise(path))


@pytest.mark.parametrize(("name", "graph"), GRAPHS, ids=IDS)
@pytest.mark.parametrize("weight", [None, "weight"])
@pytest.mark.parametrize("mode", ["out", "all"])
def test_shortest_path_matches_networkx(name, graph, weight, mode):
    g = to_igraph(graph)
    view = nx_view(graph, mode)
    for source, target in PAIRS:
        route, _ = paths.shortest_path(g, source, target, weights=weight, mode=mode)
        if not nx.has_path(view, source, target):
            assert route is None
            continue
        expected = nx.shortest_path_length(view, source, target, weight=weight)
        assert route.length == pytest.approx(expected)
        assert route.path[0] == source and route.path[-1] == target
        assert path_length(view, route.path, weight) == pytest.approx(expected)
        assert route.algorithm == ("bfs" if weight is None else "dijkstra")


def grid_with_coordinates(seed):
    """A 6x6 grid, edge weight = straight-line length times a detour factor >= 1."""
    rng = random.Random(seed)
    graph = nx.convert_node_labels_to_integers(nx.grid_2d_graph(6, 6), label_attribute="xy")
    xs = [graph.nodes[v]["xy"][0] + rng.uniform(-0.3, 0.3) for v in graph]
    ys = [graph.nodes[v]["xy"][1] + rng.uniform(-0.3, 0.3) for v in graph]
    for u, v in graph.edges:
        graph[u][v]["weight"] = math.hypot(xs[u] - xs[v], ys[u] - ys[v]) * rng.uniform(1, 1.6)
    return graph, xs, ys


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_astar_matches_networkx_when_the_guide_is_admissible(seed):
    graph, xs, ys = grid_with_coordinates(seed)
    g = to_igraph(graph)
    coordinates = paths.Coordinates(x=xs, y=ys)
    for source, target in [(0, 35), (5, 30), (14, 21)]:
        route, notes = paths.shortest_path(
            g, source, target, weights="weight", coordinates=coordinates
        )
        assert route.algorithm == "astar" and notes == []
        assert route.length == pytest.approx(nx.dijkstra_path_length(graph, source, target))
        heuristic = lambda a, b: math.hypot(xs[a] - xs[b], ys[a] - ys[b])  # noqa: E731
        assert route.length == pytest.approx(nx.astar_path_length(graph, source, target, heuristic))


def test_astar_falls_back_when_the_guide_could_overestimate():
    graph, xs, ys = grid_with_coordinates(1)
    u, v = next(iter(graph.edges))
    graph[u][v]["weight"] = 0.01  # shorter than the straight line
    route, notes = paths.shortest_path(
        to_igraph(graph), 0, 35, weights="weight", coordinates=paths.Coordinates(x=xs, y=ys)
    )
    assert route.algorithm == "dijkstra" and "A* was not used" in notes[0]
    assert route.length == pytest.approx(nx.dijkstra_path_length(graph, 0, 35))


def test_haversine_guide_on_latitude_longitude():
    # Three stations on a meridian 1 degree apart (about 111.2 km); track lengths 120 km.
    graph = nx.Graph()
    graph.add_weighted_edges_from([(0, 1, 120.0), (1, 2, 120.0), (0, 2, 260.0)])
    coordinates = paths.Coordinates(x=[0.0, 0.0, 0.0], y=[50.0, 51.0, 52.0], metric="haversine")
    route, _ = paths.shortest_path(
        to_igraph(graph), 0, 2, weights="weight", coordinates=coordinates
    )
    assert route.algorithm == "astar" and route.path == [0, 1, 2] and route.length == 240.0


@pytest.mark.parametrize(("name", "graph"), GRAPHS, ids=IDS)
@pytest.mark.parametrize("weight", [None, "weight"])
def test_k_shortest_paths_match_networkx(name, graph, weight):
    g = to_igraph(graph)
    for source, target in PAIRS:
        routes = paths.k_shortest_paths(g, source, target, 4, weights=weight)
        if not nx.has_path(graph, source, target):
            assert routes == []
            continue
        expected = [
            path_length(graph, p, weight)
            for p in itertools.islice(
                nx.shortest_simple_paths(graph, source, target, weight=weight), 4
            )
        ]
        assert [r.length for r in routes] == pytest.approx(expected)
        assert len({tuple(r.path) for r in routes}) == len(routes)
        for route in routes:
            assert route.length == pytest.approx(path_length(graph, route.path, weight))


@pytest.mark.parametrize(("name", "graph"), GRAPHS, ids=IDS)
@pytest.mark.parametrize("weight", [None, "weight"])
def test_all_shortest_paths_match_networkx(name, graph, weight):
    g = to_igraph(graph)
    for source, target in PAIRS:
        result = paths.all_shortest_paths(g, source, target, weights=weight)
        if not nx.has_path(graph, source, target):
            assert result.count == 0 and result.paths == [] and result.length is None
            continue
        expected = sorted(nx.all_shortest_paths(graph, source, target, weight=weight))
        assert result.paths == expected
        assert result.count == len(expected) and result.complete


def test_all_shortest_paths_are_counted_beyond_the_listing_bound():
    # A chain of 12 diamonds has 2**12 shortest paths end to end.
    graph = nx.Graph()
    for i in range(12):
        a, b, c, d = 3 * i, 3 * i + 1, 3 * i + 2, 3 * i + 3
        graph.add_edges_from([(a, b), (a, c), (b, d), (c, d)])
    result = paths.all_shortest_paths(to_igraph(graph), 0, 36, max_paths=10)
    assert result.count == 4096 and len(result.paths) == 10 and not result.complete
    assert result.paths == sorted(nx.all_shortest_paths(graph, 0, 36))[:10]


@pytest.mark.parametrize(("name", "graph"), GRAPHS, ids=IDS)
@pytest.mark.parametrize("weight", [None, "weight"])
@pytest.mark.parametrize("mode", ["out", "in"])
def test_distances_and_nearest_match_networkx(name, graph, weight, mode):
    g = to_igraph(graph)
    view = nx_view(graph, mode)
    expected = nx.single_source_dijkstra_path_length(view, 0, weight=weight or (lambda *_: 1))
    ours = paths.single_source_distances(g, 0, weights=weight, mode=mode)
    for v in range(graph.number_of_nodes()):
        assert ours[v] == pytest.approx(expected.get(v, math.inf))
    nearest = paths.k_nearest(g, 0, 3, weights=weight, mode=mode)
    ranked = sorted((d, v) for v, d in expected.items() if v != 0)[:3]
    assert nearest == [(v, pytest.approx(d)) for d, v in ranked]


@pytest.mark.parametrize(("name", "graph"), GRAPHS, ids=IDS)
@pytest.mark.parametrize("hops", [1, 2, 3])
def test_reachability_matches_networkx(name, graph, hops):
    g = to_igraph(graph)
    expected = {}
    for source in (0, 4):
        for v, h in nx.single_source_shortest_path_length(graph, source, cutoff=hops).items():
            expected[v] = min(h, expected.get(v, h))
    expected = {v: h for v, h in expected.items() if v not in (0, 4)}
    assert paths.reachability(g, [0, 4], hops) == expected


@pytest.mark.parametrize(("name", "graph"), GRAPHS, ids=IDS)
@pytest.mark.parametrize("weight", [None, "weight"])
def test_eccentricity_and_diameter_match_networkx_per_component(name, graph, weight):
    g = to_igraph(graph)
    ours = paths.eccentricity(g, weights=weight, mode="all" if not graph.is_directed() else "out")
    if graph.is_directed():
        # Within reach: the largest finite distance from each vertex.
        for v in graph:
            reach = nx.single_source_dijkstra_path_length(graph, v, weight=weight or (lambda *_: 1))
            assert ours[v] == pytest.approx(max(reach.values()))
    else:
        for component in nx.connected_components(graph):
            sub = graph.subgraph(component)
            expected = nx.eccentricity(sub, weight=weight)
            for v in component:
                assert ours[v] == pytest.approx(expected[v])
        result = paths.diameter(g, weights=weight)
        assert result.value == pytest.approx(
            max(
                nx.diameter(graph.subgraph(c), weight=weight)
                for c in nx.connected_components(graph)
            )
        )
        u, v = result.endpoints
        assert nx.shortest_path_length(graph, u, v, weight=weight) == pytest.approx(result.value)
        assert result.connected == nx.is_connected(graph)


def test_tiny_and_empty():
    assert paths.diameter(to_igraph(nx.Graph())).endpoints is None
    assert paths.diameter(to_igraph(nx.empty_graph(3))).value == 0
    g = to_igraph(nx.Graph([(0, 1)]))
    route, _ = paths.shortest_path(g, 0, 0)
    assert route.path == [0] and route.length == 0
    assert paths.k_nearest(g, 0, 5) == [(1, 1.0)]
    assert paths.eccentricity(to_igraph(nx.Graph())).size == 0


def test_bad_parameters():
    g = to_igraph(karate())
    with pytest.raises(TemplateValidationError, match="target 99 is not a vertex"):
        paths.shortest_path(g, 0, 99)
    with pytest.raises(TemplateValidationError, match="k must be a whole number"):
        paths.k_shortest_paths(g, 0, 1, 0)
    with pytest.raises(TemplateValidationError, match="coordinates must give x and y"):
        paths.shortest_path(g, 0, 1, weights="weight", coordinates=paths.Coordinates(x=[0], y=[0]))
    with pytest.raises(TemplateValidationError, match="must not be negative"):
        paths.single_source_distances(g, 0, weights=[-1.0] * g.ecount())
    with pytest.raises(TemplateValidationError, match="max_hops must be a whole number"):
        paths.reachability(g, [0], 0)
