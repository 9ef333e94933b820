from __future__ import annotations

import networkx as nx
import pytest

from gaai_graph.methods.compute import colouring

from ._graphs import general_graphs, tiny_graphs, to_igraph

GRAPHS = (
    general_graphs()
    + [
        ("bipartite", nx.complete_bipartite_graph(4, 6)),
        ("odd_cycle", nx.cycle_graph(7)),
        ("complete", nx.complete_graph(6)),
        ("tree", nx.balanced_tree(2, 4)),
    ]
    + [(f"tiny{i}", g) for i, g in enumerate(tiny_graphs())]
)
IDS = [name for name, _ in GRAPHS]


@pytest.mark.parametrize(("name", "graph"), GRAPHS, ids=IDS)
@pytest.mark.parametrize("method", ["dsatur", "colored_neighbors"])
def test_colouring_is_proper_and_within_networkx_bounds(name, graph, method):
    colours = colouring.greedy_colouring(to_igraph(graph), method=method).tolist()
    undirected = nx.Graph(graph.to_undirected())
    undirected.remove_edges_from(nx.selfloop_edges(undirected))
    assert len(colours) == undirected.number_of_nodes()
    assert all(colours[u] != colours[v] for u, v in undirected.edges)
    used = len(set(colours))
    max_degree = max((d for _, d in undirected.degree), default=-1)
    assert used <= max_degree + 1
    if method == "dsatur":
        theirs = nx.greedy_color(undirected, strategy="DSATUR")
        assert used <= max(theirs.values(), default=-1) + 1 + 1  # same heuristic, other ties
    if name == "bipartite" and method == "dsatur":
        assert used == 2
    if name in ("odd_cycle",):
        assert used == 3
    if name == "complete":
        assert used == 6


@pytest.mark.parametrize(("name", "graph"), GRAPHS, ids=IDS)
def test_maximal_independent_set(name, graph):
    chosen = colouring.maximal_independent_set(to_igraph(graph))
    undirected = nx.Graph(graph.to_undirected())
    undirected.remove_edges_from(nx.selfloop_edges(undirected))
    # NetworkX completes a given independent set to a maximal one; a maximal one comes back as is.
    if undirected.number_of_nodes():
        assert sorted(nx.maximal_independent_set(undirected, nodes=chosen, seed=1)) == chosen
    else:
        assert chosen == []
    if name == "bipartite":
        assert len(chosen) == 6  # min-degree greedy takes the larger side
    if name == "complete":
        assert len(chosen) == 1
