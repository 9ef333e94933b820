from __future__ import annotations

import itertools
import random

import networkx as nx
import pytest

from gaai_graph.errors import TemplateValidationError
from gaai_graph.methods.compute import cycles

from ._graphs import general_graphs, hand_made_directed, to_igraph


def canonical(cycle, directed):
    """A cycle as a tuple starting at its lowest vertex (undirected: lower neighbour next)."""
    low = cycle.index(min(cycle))
    rotated = list(cycle[low:]) + list(cycle[:low])
    if not directed and len(rotated) > 2 and rotated[1] > rotated[-1]:
        rotated = [rotated[0], *reversed(rotated[1:])]
    return tuple(rotated)


def networkx_cycles(graph, low, high):
    simple = nx.DiGraph(graph) if graph.is_directed() else nx.Graph(graph)
    simple.remove_edges_from(nx.selfloop_edges(simple))
    found = nx.simple_cycles(simple, length_bound=high)
    return {canonical(c, graph.is_directed()) for c in found if len(c) >= low}


@pytest.mark.parametrize(("name", "graph"), general_graphs(), ids=[n for n, _ in general_graphs()])
@pytest.mark.parametrize(("low", "high"), [(2, 6), (3, 4), (2, 2)])
def test_cycles_match_networkx(name, graph, low, high):
    result = cycles.short_cycles(to_igraph(graph), min_length=low, max_length=high)
    ours = [tuple(c.vertices) for c in result.cycles]
    assert len(ours) == len(set(ours))
    expected = networkx_cycles(graph, max(low, 2 if graph.is_directed() else 3), high)
    assert set(ours) == expected
    assert result.complete


def test_edges_follow_the_cycle():
    g = to_igraph(hand_made_directed())
    for cycle in cycles.short_cycles(g).cycles:
        hops = list(zip(cycle.vertices, cycle.vertices[1:] + cycle.vertices[:1], strict=True))
        assert [g.es[e].tuple for e in cycle.edges] == hops


def transfers(seed):
    """A random transfer graph with times and amounts on every edge."""
    rng = random.Random(seed)
    graph = nx.gnp_random_graph(18, 0.2, seed=seed, directed=True)
    for u, v in graph.edges:
        graph[u][v]["time"] = rng.randint(0, 30)
        graph[u][v]["amount"] = rng.choice([100.0, 104.0, 150.0, 300.0])
    return graph


def meets(graph, cycle, window, ordered, tolerance):
    hops = list(zip(cycle, cycle[1:] + cycle[:1], strict=True))
    times = [graph[u][v]["time"] for u, v in hops]
    amounts = [graph[u][v]["amount"] for u, v in hops]
    if window is not None and max(times) - min(times) > window:
        return False
    if ordered and not any(
        all(a <= b for a, b in itertools.pairwise(times[i:] + times[:i])) for i in range(len(times))
    ):
        return False
    return tolerance is None or max(amounts) <= (1 + tolerance) * min(amounts)


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize(
    ("window", "ordered", "tolerance"), [(10, False, None), (None, True, None), (15, True, 0.05)]
)
def test_constraints_match_filtered_networkx_cycles(seed, window, ordered, tolerance):
    graph = transfers(seed)
    result = cycles.short_cycles(
        to_igraph(graph),
        max_length=5,
        time_attribute="time",
        window=window,
        ordered_in_time=ordered,
        amount_attribute="amount" if tolerance is not None else None,
        amount_tolerance=tolerance,
    )
    expected = {
        c for c in networkx_cycles(graph, 2, 5) if meets(graph, list(c), window, ordered, tolerance)
    }
    assert {tuple(c.vertices) for c in result.cycles} == expected


def test_work_is_bounded_and_says_so():
    g = to_igraph(nx.complete_graph(12, create_using=nx.DiGraph))
    result = cycles.short_cycles(g, max_cycles=50)
    assert len(result.cycles) == 50
    assert not result.complete
    assert "stopped at that bound" in result.bound
    result = cycles.short_cycles(g, max_steps=100)
    # The search stops within one vertex's edges of the bound.
    assert not result.complete and 100 < result.steps <= 100 + 11


def test_strongly_connected_is_not_a_cycle_list():
    # A 40-vertex ring is one SCC but has no loop of at most 6 hops.
    g = to_igraph(nx.cycle_graph(40, create_using=nx.DiGraph))
    assert cycles.short_cycles(g).cycles == []


def test_tiny_and_empty():
    assert cycles.short_cycles(to_igraph(nx.DiGraph())).cycles == []
    assert [
        c.vertices for c in cycles.short_cycles(to_igraph(nx.DiGraph([(0, 1), (1, 0)]))).cycles
    ] == [[0, 1]]
    assert cycles.short_cycles(to_igraph(nx.Graph([(0, 1)]))).cycles == []


def test_bad_parameters():
    g = to_igraph(transfers(1))
    with pytest.raises(TemplateValidationError, match="max_length must be at most 6"):
        cycles.short_cycles(g, max_length=9)
    with pytest.raises(
        TemplateValidationError, match="min_length must be a whole number of at least 2"
    ):
        cycles.short_cycles(g, min_length=1)
    with pytest.raises(TemplateValidationError, match="needs time_attribute"):
        cycles.short_cycles(g, window=5)
    with pytest.raises(TemplateValidationError, match="'when' is not an edge attribute"):
        cycles.short_cycles(g, time_attribute="when", window=5)
