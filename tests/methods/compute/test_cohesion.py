from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from gaai_graph.errors import TemplateValidationError
from gaai_graph.methods.compute import cohesion

from ._graphs import general_graphs, karate, tiny_graphs, to_igraph

GRAPHS = general_graphs()
IDS = [name for name, _ in GRAPHS]


def partition_of(graph, groups=3):
    return [node % groups for node in range(graph.number_of_nodes())]


def communities_of(membership):
    groups = {}
    for vertex, group in enumerate(membership):
        groups.setdefault(group, set()).add(vertex)
    return list(groups.values())


@pytest.mark.parametrize(("name", "graph"), GRAPHS, ids=IDS)
@pytest.mark.parametrize("weight", [None, "weight"])
@pytest.mark.parametrize("resolution", [1.0, 0.5])
def test_modularity_matches_networkx(name, graph, weight, resolution):
    membership = partition_of(graph)
    ours = cohesion.modularity(to_igraph(graph), membership, weights=weight, resolution=resolution)
    theirs = nx.community.modularity(
        graph, communities_of(membership), weight=weight, resolution=resolution
    )
    assert ours == pytest.approx(theirs, abs=1e-12)


@pytest.mark.parametrize(("name", "graph"), GRAPHS, ids=IDS)
@pytest.mark.parametrize("weight", [None, "weight"])
def test_conductance_matches_networkx(name, graph, weight):
    membership = partition_of(graph)
    ours = cohesion.conductance(to_igraph(graph), membership, weights=weight)
    # Every edge counts, reciprocal directed pairs as two: NetworkX on the undirected multigraph.
    undirected = nx.MultiGraph()
    undirected.add_nodes_from(graph)
    undirected.add_edges_from(graph.edges(data=True))
    for group, members in enumerate(communities_of(membership)):
        assert ours[group] == pytest.approx(
            nx.conductance(undirected, members, weight=weight), abs=1e-12
        )


def test_conductance_of_an_isolated_group_is_undefined():
    g = to_igraph(nx.Graph([(0, 1), (2, 3)]))
    assert cohesion.conductance(g, [0, 0, 1, 1]) == {0: 0.0, 1: 0.0}
    g = to_igraph(nx.empty_graph(2))
    assert cohesion.conductance(g, [0, 1]) == {0: None, 1: None}


def test_attribute_partition_of_the_karate_club():
    graph = karate()
    g = to_igraph(graph)
    g.vs["club"] = [graph.nodes[v]["club"] for v in range(g.vcount())]
    partition = cohesion.attribute_partition(g, "club")
    assert sorted(partition.values) == ["Mr. Hi", "Officer"]
    for vertex in range(g.vcount()):
        assert partition.values[partition.membership[vertex]] == graph.nodes[vertex]["club"]
    assert cohesion.modularity(g, partition.membership) == pytest.approx(
        nx.community.modularity(graph, communities_of(partition.membership), weight=None)
    )


def test_label_propagation_is_seeded_and_follows_weights():
    # Two triangles joined through 2-3; heavy weights inside, light across.
    graph = nx.Graph()
    graph.add_weighted_edges_from(
        [(0, 1, 5), (1, 2, 5), (0, 2, 5), (3, 4, 5), (4, 5, 5), (3, 5, 5), (2, 3, 0.1)]
    )
    g = to_igraph(graph)
    first = cohesion.label_propagation(g, weights="weight", seed=3)
    assert first.tolist() == cohesion.label_propagation(g, weights="weight", seed=3).tolist()
    assert {frozenset(c) for c in communities_of(first)} == {
        frozenset({0, 1, 2}),
        frozenset({3, 4, 5}),
    }
    # Weights decide: a star whose centre is pulled by one heavy edge.
    many = [
        cohesion.label_propagation(to_igraph(karate()), weights="weight", seed=s) for s in range(3)
    ]
    assert all(len(m) == 34 for m in many)


@pytest.mark.parametrize(("name", "graph"), GRAPHS, ids=IDS)
def test_clustering_matches_networkx(name, graph):
    simple = nx.Graph(graph.to_undirected())
    result = cohesion.clustering(to_igraph(graph))
    theirs = nx.clustering(simple)
    np.testing.assert_allclose(result.local, [theirs[v] for v in range(len(theirs))], atol=1e-12)
    assert result.average == pytest.approx(nx.average_clustering(simple))
    assert result.transitivity == pytest.approx(nx.transitivity(simple))


@pytest.mark.parametrize("graph", tiny_graphs())
def test_tiny_graphs(graph):
    g = to_igraph(graph)
    membership = [0] * graph.number_of_nodes()
    assert len(cohesion.label_propagation(g)) == graph.number_of_nodes()
    result = cohesion.clustering(g)
    assert result.average == (nx.average_clustering(graph) if graph.number_of_nodes() else 0.0)
    if graph.number_of_edges():
        assert cohesion.modularity(g, membership) == pytest.approx(
            nx.community.modularity(graph, [set(graph)])
        )
    else:
        assert cohesion.modularity(g, membership) is None


def test_bad_parameters():
    g = to_igraph(karate())
    with pytest.raises(TemplateValidationError, match="one group per vertex"):
        cohesion.modularity(g, [0, 1])
    with pytest.raises(TemplateValidationError, match="'colour' is not a vertex attribute"):
        cohesion.attribute_partition(g, "colour")
