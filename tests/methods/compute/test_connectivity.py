from __future__ import annotations

import networkx as nx
import pytest

from gaai_graph.errors import TemplateValidationError
from gaai_graph.methods.compute import connectivity

from ._graphs import general_graphs, tiny_graphs, to_igraph

GRAPHS = general_graphs() + [
    (f"tiny{i}", graph) for i, graph in enumerate(tiny_graphs()) if graph.number_of_nodes()
]
IDS = [name for name, _ in GRAPHS]


def as_sets(groups):
    return {frozenset(group) for group in groups}


@pytest.mark.parametrize(("name", "graph"), GRAPHS, ids=IDS)
def test_components_match_networkx(name, graph):
    g = to_igraph(graph)
    if graph.is_directed():
        weak = list(nx.weakly_connected_components(graph))
        strong = list(nx.strongly_connected_components(graph))
    else:
        weak = strong = list(nx.connected_components(graph))
    for kind, expected in (("weak", weak), ("strong", strong)):
        result = connectivity.components(g, connectivity=kind)
        assert as_sets(result.groups()) == as_sets(expected)
        assert result.sizes == sorted(result.sizes, reverse=True)
        assert result.count == len(expected)
    assert connectivity.is_connected(g) == (
        nx.is_weakly_connected(graph) if graph.is_directed() else nx.is_connected(graph)
    )
    if graph.is_directed():
        assert connectivity.is_connected(g, connectivity="strong") == nx.is_strongly_connected(
            graph
        )


@pytest.mark.parametrize(("name", "graph"), GRAPHS, ids=IDS)
def test_cut_vertices_and_bridges_match_networkx(name, graph):
    g = to_igraph(graph)
    undirected = graph.to_undirected()
    assert connectivity.articulation_points(g) == sorted(nx.articulation_points(undirected))
    assert connectivity.bridges(g) == sorted(
        (min(u, v), max(u, v)) for u, v in nx.bridges(nx.Graph(undirected))
    )


def test_parallel_edge_is_no_bridge():
    g = to_igraph(nx.MultiGraph([(0, 1), (0, 1), (1, 2)]))
    assert connectivity.bridges(g) == [(1, 2)]


def test_empty_graph():
    g = to_igraph(nx.Graph())
    assert connectivity.components(g).count == 0
    assert connectivity.is_connected(g) is False
    assert connectivity.articulation_points(g) == []
    assert connectivity.bridges(g) == []


@pytest.mark.parametrize(("name", "graph"), general_graphs(), ids=[n for n, _ in general_graphs()])
@pytest.mark.parametrize("removed", [[3], [0, 5], [1]])
def test_removal_impact_matches_networkx(name, graph, removed):
    g = to_igraph(graph)
    impact = connectivity.removal_impact(g, removed)
    undirected = graph.to_undirected()
    before = list(nx.connected_components(undirected))
    rest = undirected.copy()
    rest.remove_nodes_from(removed)
    after = list(nx.connected_components(rest))
    assert impact.components_before == len(before)
    assert impact.components_after == len(after)
    assert impact.largest_after == max((len(c) for c in after), default=0)
    # Expected split-off pieces: per touched component, every piece but its largest.
    expected = []
    for component in before:
        if not component & set(removed):
            continue
        pieces = sorted((c for c in after if c <= component), key=lambda c: (-len(c), min(c)))
        expected.extend(pieces[1:])
    assert as_sets(impact.split_off) == as_sets(expected)
    assert impact.disconnected_count == sum(len(piece) for piece in expected)


def test_removing_a_cut_vertex_reports_the_split():
    # 0-1-2-3 path plus a triangle 3-4-5: removing 3 cuts {4, 5} away from {0, 1, 2}.
    g = to_igraph(nx.Graph([(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 3)]))
    impact = connectivity.removal_impact(g, [3])
    assert impact.split_off == [[4, 5]]
    assert impact.components_after == 2


def test_bad_parameters():
    g = to_igraph(nx.path_graph(3))
    with pytest.raises(TemplateValidationError, match="connectivity must be one of"):
        connectivity.components(g, connectivity="medium")
    with pytest.raises(TemplateValidationError, match="removed must name at least one vertex"):
        connectivity.removal_impact(g, [])
    with pytest.raises(TemplateValidationError, match="removed 7 is not a vertex"):
        connectivity.removal_impact(g, [7])


@pytest.mark.parametrize(("name", "graph"), GRAPHS, ids=IDS)
def test_bridge_cut_sizes_match_networkx(name, graph):
    undirected = nx.Graph(graph.to_undirected())
    ours = connectivity.bridge_cut_sizes(to_igraph(graph))
    expected = []
    for u, v in nx.bridges(undirected):
        cut = undirected.copy()
        cut.remove_edge(u, v)
        expected.append(
            (
                min(u, v),
                max(u, v),
                min(
                    len(nx.node_connected_component(cut, u)),
                    len(nx.node_connected_component(cut, v)),
                ),
            )
        )
    expected.sort(key=lambda item: (-item[2], item[0], item[1]))
    assert ours == expected


def test_bridge_cut_sizes_on_a_tree_of_blocks():
    # Triangle 0-1-2, bridge 2-3, triangle 3-4-5, bridge 5-6, tail 6-7.
    graph = nx.Graph([(0, 1), (1, 2), (2, 0), (2, 3), (3, 4), (4, 5), (5, 3), (5, 6), (6, 7)])
    assert connectivity.bridge_cut_sizes(to_igraph(graph)) == [(2, 3, 3), (5, 6, 2), (6, 7, 1)]
