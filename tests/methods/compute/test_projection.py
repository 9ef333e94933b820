from __future__ import annotations

import networkx as nx
import pytest

from gaai_graph.errors import TemplateValidationError
from gaai_graph.methods.compute import projection

from ._graphs import to_igraph


def people_events(seed):
    graph = nx.bipartite.random_graph(12, 8, 0.3, seed=seed)
    return graph


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("onto", [0, 1])
def test_projection_matches_networkx(seed, onto):
    graph = people_events(seed)
    g = to_igraph(graph)
    g.vs["kind"] = ["person" if graph.nodes[v]["bipartite"] == 0 else "event" for v in graph]
    side = "person" if onto == 0 else "event"
    result = projection.bipartite_projection(g, "kind", onto=side)
    kept = [v for v in graph if graph.nodes[v]["bipartite"] == onto]
    expected = nx.bipartite.weighted_projected_graph(graph, kept)
    assert sorted(result.vertices) == sorted(kept)
    ours = {
        frozenset((result.vertices[u], result.vertices[v])): w
        for (u, v), w in zip(result.graph.get_edgelist(), result.graph.es["weight"], strict=True)
    }
    assert ours == {frozenset((u, v)): d["weight"] for u, v, d in expected.edges(data=True)}
    assert result.other_side == graph.number_of_nodes() - len(kept)


def test_not_bipartite_is_said():
    g = to_igraph(nx.Graph([(0, 1), (1, 2), (0, 2)]))
    with pytest.raises(TemplateValidationError, match="not bipartite by that side: edge 0-1"):
        projection.bipartite_projection(g, [True, True, False])
    with pytest.raises(TemplateValidationError, match="no vertex is on side 'x'"):
        projection.bipartite_projection(g, [True, True, False], onto="x")


def test_projection_without_shared_neighbours():
    g = to_igraph(nx.Graph([(0, 1)]))
    result = projection.bipartite_projection(g, [True, False])
    assert result.vertices == [0] and result.graph.ecount() == 0
