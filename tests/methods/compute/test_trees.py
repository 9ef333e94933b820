from __future__ import annotations

import itertools

import networkx as nx
import pytest
from networkx.algorithms.approximation import steiner_tree as nx_steiner_tree

from gaai_graph.errors import TemplateValidationError
from gaai_graph.methods.compute import trees

from ._graphs import general_graphs, to_igraph, weighted

GRAPHS = general_graphs()
IDS = [name for name, _ in GRAPHS]


@pytest.mark.parametrize(("name", "graph"), GRAPHS, ids=IDS)
@pytest.mark.parametrize("weight", [None, "weight"])
def test_minimum_spanning_forest_matches_networkx(name, graph, weight):
    undirected = graph.to_undirected() if graph.is_directed() else graph
    forest = trees.minimum_spanning_tree(to_igraph(graph), weights=weight)
    expected = nx.minimum_spanning_tree(nx.Graph(undirected), weight=weight or "__none__")
    assert forest.weight == pytest.approx(
        expected.size(weight=weight) if weight else expected.number_of_edges()
    )
    assert forest.trees == nx.number_connected_components(undirected)
    assert len(forest.edges) == undirected.number_of_nodes() - forest.trees


def brute_force_steiner(graph, terminals):
    """Lightest tree over terminals: MST of every induced subgraph containing them."""
    others = [v for v in graph if v not in terminals]
    best = float("inf")
    for size in range(len(others) + 1):
        for extra in itertools.combinations(others, size):
            sub = graph.subgraph([*terminals, *extra])
            if nx.is_connected(sub):
                best = min(best, nx.minimum_spanning_tree(sub).size(weight="weight"))
    return best


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_steiner_tree_matches_networkx_kou_and_is_within_its_bound(seed):
    graph = weighted(nx.connected_watts_strogatz_graph(11, 4, 0.3, seed=seed), seed)
    terminals = [0, 3, 6, 9]
    tree = trees.steiner_tree(to_igraph(graph), terminals, weights="weight")
    expected = nx_steiner_tree(graph, terminals, weight="weight", method="kou")
    assert tree.weight == pytest.approx(expected.size(weight="weight"))
    assert set(tree.edges) == {(min(u, v), max(u, v)) for u, v in expected.edges}
    result = nx.Graph(tree.edges)
    assert nx.is_tree(result) and set(terminals) <= set(result)
    assert (
        tree.weight <= 2 * (1 - 1 / len(terminals)) * brute_force_steiner(graph, terminals) + 1e-9
    )


def test_steiner_tree_of_two_terminals_is_their_shortest_path():
    graph = weighted(nx.karate_club_graph(), 3)
    tree = trees.steiner_tree(to_igraph(graph), [0, 33], weights="weight")
    assert tree.weight == pytest.approx(nx.dijkstra_path_length(graph, 0, 33))


def test_steiner_tree_bad_input():
    g = to_igraph(nx.Graph([(0, 1), (2, 3)]))
    with pytest.raises(TemplateValidationError, match="terminals 0 and 2 are not connected"):
        trees.steiner_tree(g, [0, 2])
    with pytest.raises(TemplateValidationError, match="at least two distinct terminals"):
        trees.steiner_tree(g, [0, 0])


def test_empty_graph_has_an_empty_forest():
    forest = trees.minimum_spanning_tree(to_igraph(nx.Graph()))
    assert forest.edges == [] and forest.weight == 0 and forest.trees == 0
