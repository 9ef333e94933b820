from __future__ import annotations

import random

import networkx as nx
import pytest

from gaai_graph.errors import TemplateValidationError
from gaai_graph.methods.compute import dependencies

from ._graphs import to_igraph


def supply_chain(seed: int) -> nx.DiGraph:
    """Suppliers 0..5 -> parts 6..20 -> products 21..32, random multi-sourcing."""
    rng = random.Random(seed)
    graph = nx.DiGraph()
    graph.add_nodes_from(range(33))
    for part in range(6, 21):
        for supplier in rng.sample(range(6), rng.choice([1, 1, 2, 3])):
            graph.add_edge(supplier, part)
    for product in range(21, 33):
        for part in rng.sample(range(6, 21), rng.choice([1, 2, 3])):
            graph.add_edge(part, product)
    for vertex in graph:
        graph.nodes[vertex]["critical"] = vertex >= 21 and vertex % 3 == 0
    return graph


def cascade_by_fixpoint(graph: nx.DiGraph, provider) -> set:
    """Vertices with providers that all failed, iterated to a fixpoint, NetworkX only."""
    failed = {provider}
    changed = True
    while changed:
        changed = False
        for vertex in graph:
            own = set(graph.predecessors(vertex)) - {vertex}
            if vertex not in failed and own and own <= failed:
                failed.add(vertex)
                changed = True
    return failed - {provider}


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_sole_providers_and_cascades_match_networkx(seed):
    graph = supply_chain(seed)
    g = to_igraph(graph)
    g.vs["critical"] = [graph.nodes[v]["critical"] for v in range(g.vcount())]
    result = dependencies.sole_dependency(g, critical="critical")
    expected_sole = {}
    for vertex in graph:
        own = set(graph.predecessors(vertex))
        if len(own) == 1:
            expected_sole.setdefault(next(iter(own)), set()).add(vertex)
    assert {r.provider: set(r.sole_dependents) for r in result} == expected_sole
    for entry in result:
        failed = cascade_by_fixpoint(graph, entry.provider)
        assert set(entry.failed) == failed
        assert set(entry.critical_failed) == {v for v in failed if graph.nodes[v]["critical"]}
        assert entry.exposed == len(nx.descendants(graph, entry.provider))
    keys = [(-len(r.critical_failed), -len(r.failed), r.provider) for r in result]
    assert keys == sorted(keys)


def test_direction_can_point_from_dependent_to_provider():
    graph = supply_chain(2)
    forward = dependencies.sole_dependency(to_igraph(graph))
    backward = dependencies.sole_dependency(
        to_igraph(graph.reverse()), direction="dependent_to_provider"
    )
    assert forward == backward


def test_the_sole_supplier_of_a_critical_part_ranks_first():
    # Supplier 0 alone supplies part 2 used by critical products 4 and 5; supplier 1 alone
    # supplies part 3 used by product 6 that also uses part 2.
    graph = nx.DiGraph([(0, 2), (1, 3), (2, 4), (2, 5), (2, 6), (3, 6)])
    g = to_igraph(graph)
    g.vs["critical"] = [False, False, False, False, True, True, False]
    result = dependencies.sole_dependency(g, critical="critical")
    assert result[0].provider == 0
    assert result[0].failed == [2, 4, 5]
    assert result[0].critical_failed == [4, 5]


def test_bad_input():
    with pytest.raises(TemplateValidationError, match="needs directed edges"):
        dependencies.sole_dependency(to_igraph(nx.path_graph(3)))
    with pytest.raises(TemplateValidationError, match="'vital' is not a vertex attribute"):
        dependencies.sole_dependency(to_igraph(nx.DiGraph([(0, 1)])), critical="vital")
    with pytest.raises(TemplateValidationError, match="direction must be one of"):
        dependencies.sole_dependency(to_igraph(nx.DiGraph([(0, 1)])), direction="up")
    assert dependencies.sole_dependency(to_igraph(nx.DiGraph())) == []
