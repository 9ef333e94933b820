"""Test graphs built in NetworkX and converted to igraph with the same vertex indices."""

from __future__ import annotations

import random
from typing import Any

import igraph as ig
import networkx as nx


def to_igraph(graph: nx.Graph) -> ig.Graph:
    """igraph copy of a NetworkX graph on nodes 0..n-1, edge attributes kept."""
    nodes = sorted(graph.nodes)
    assert nodes == list(range(len(nodes)))
    edges = list(graph.edges(data=True))
    result = ig.Graph(
        n=len(nodes), edges=[(u, v) for u, v, _ in edges], directed=graph.is_directed()
    )
    keys = {key for _, _, data in edges for key in data}
    for key in keys:
        result.es[key] = [data.get(key) for _, _, data in edges]
    return result


def weighted(graph: nx.Graph, seed: int, low: float = 0.5, high: float = 5.0) -> nx.Graph:
    """`graph` with distinct random weights (ties are unlikely, so answers are unique)."""
    rng = random.Random(seed)
    for u, v in graph.edges:
        graph[u][v]["weight"] = round(rng.uniform(low, high), 6)
    return graph


def hand_made_directed() -> nx.DiGraph:
    """Two cycles joined by an edge, a dangling sink and an isolated vertex."""
    graph = nx.DiGraph()
    graph.add_nodes_from(range(9))
    graph.add_edges_from([(0, 1), (1, 2), (2, 0), (2, 3), (3, 4), (4, 5), (5, 3), (5, 6), (1, 7)])
    return graph


def hand_made_undirected() -> nx.Graph:
    """A 4-clique, a triangle sharing a vertex with it, a tail and an isolated vertex."""
    graph = nx.Graph()
    graph.add_nodes_from(range(10))
    graph.add_edges_from(
        [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3), (3, 4), (4, 5), (5, 3), (5, 6), (6, 7)]
    )
    return graph


def disconnected_undirected(seed: int = 3) -> nx.Graph:
    """Two random components and an isolated vertex, weighted."""
    first = nx.gnm_random_graph(12, 24, seed=seed)
    second = nx.gnm_random_graph(7, 10, seed=seed + 1)
    graph = nx.disjoint_union(first, second)
    graph.add_node(graph.number_of_nodes())
    return weighted(graph, seed)


def random_directed(seed: int = 5, n: int = 25, p: float = 0.12) -> nx.DiGraph:
    return weighted(nx.gnp_random_graph(n, p, seed=seed, directed=True), seed)


def karate() -> nx.Graph:
    graph = nx.karate_club_graph()
    for u, v in graph.edges:  # nx stores integer weights on the club's edges
        graph[u][v]["weight"] = float(graph[u][v]["weight"])
    return graph


def tiny_graphs() -> list[nx.Graph]:
    """The empty graph, one vertex, one edge (undirected and directed)."""
    one_edge = nx.Graph([(0, 1)])
    return [nx.Graph(), nx.empty_graph(1), one_edge, nx.DiGraph([(0, 1)])]


def general_graphs() -> list[tuple[str, nx.Graph]]:
    """Directed and undirected, weighted, connected and disconnected graphs."""
    return [
        ("karate", karate()),
        ("hand_undirected", weighted(hand_made_undirected(), 1)),
        ("hand_directed", weighted(hand_made_directed(), 2)),
        ("disconnected", disconnected_undirected()),
        ("random_directed", random_directed()),
    ]


def as_array(values: dict[Any, float], n: int) -> list[float]:
    return [values[i] for i in range(n)]
