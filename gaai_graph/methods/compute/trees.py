"""Trees over a graph: minimum spanning tree/forest and the Steiner tree over terminals.

igraph computes the minimum spanning forest (Prim 1957 / Kruskal 1956). igraph has no Steiner
tree in Python, so the 2-approximation of Kou, Markowsky & Berman (1981) is written here over
igraph's Dijkstra and spanning trees: its weight is at most 2(1 - 1/terminals) times the best
possible, and it says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import igraph as ig

from gaai_graph.errors import TemplateValidationError
from gaai_graph.methods.compute._common import Weights, edge_weights, vertex_indices

__all__ = ["SpanningForest", "SteinerTree", "minimum_spanning_tree", "steiner_tree"]


@dataclass(frozen=True)
class SpanningForest:
    """A minimum spanning forest: one tree per (weak) component."""

    edges: list[int]
    """Edge ids of the graph, sorted."""
    weight: float
    """Total weight (edge count when unweighted)."""
    trees: int
    """Number of trees (components, isolated vertices included)."""


def minimum_spanning_tree(graph: ig.Graph, *, weights: Weights = None) -> SpanningForest:
    """The minimum spanning tree, or forest when the graph is disconnected (direction ignored)."""
    values = edge_weights(graph, weights, allow_negative=True)
    edges = sorted(graph.spanning_tree(weights=values, return_tree=False))
    weight = float(len(edges)) if values is None else float(sum(values[e] for e in edges))
    trees = len(graph.connected_components(mode="weak")) if graph.vcount() else 0
    return SpanningForest(edges=edges, weight=weight, trees=trees)


@dataclass(frozen=True)
class SteinerTree:
    """A tree connecting all terminals, within twice the lightest possible."""

    edges: list[tuple[int, int]]
    """(lower, higher) vertex pairs, sorted."""
    weight: float
    vertices: list[int]
    """Terminals and the connecting vertices used, sorted."""
    approximation: str
    """The guarantee, in words."""


def steiner_tree(
    graph: ig.Graph, terminals: Sequence[int], *, weights: Weights = None
) -> SteinerTree:
    """A light tree connecting `terminals` (Kou–Markowsky–Berman 2-approximation).

    Edge direction is ignored; of parallel edges the lightest counts. Steps: shortest
    distances between terminals (Dijkstra), a minimum spanning tree of that complete
    terminal graph, its paths expanded into the graph, a minimum spanning tree of that
    subgraph, then non-terminal leaves pruned.

    Raises:
        TemplateValidationError: fewer than two terminals, an unknown vertex, negative
            weights, or terminals in different components.
    """
    chosen = vertex_indices(graph, terminals, "terminals")
    if len(chosen) < 2:
        raise TemplateValidationError("a Steiner tree needs at least two distinct terminals")
    values = edge_weights(graph, weights)
    simple = graph.copy()
    simple.es["weight"] = values if values is not None else [1.0] * graph.ecount()
    if simple.is_directed():
        simple.to_undirected(mode="collapse", combine_edges="min")
    simple.simplify(multiple=True, loops=True, combine_edges="min")
    lengths = simple.es["weight"]
    distances = simple.distances(chosen, chosen, weights=lengths)
    for i, row in enumerate(distances):
        for j, distance in enumerate(row):
            if distance == float("inf"):
                raise TemplateValidationError(
                    f"terminals {chosen[i]} and {chosen[j]} are not connected: no tree joins them"
                )
    closure = ig.Graph.Full(len(chosen))
    closure.es["weight"] = [distances[u][v] for u, v in closure.get_edgelist()]
    used_edges: set[int] = set()
    for edge in closure.spanning_tree(weights="weight", return_tree=False):
        u, v = closure.es[edge].tuple
        used_edges.update(
            simple.get_shortest_path(chosen[u], chosen[v], weights=lengths, output="epath")
        )
    union = simple.subgraph_edges(sorted(used_edges), delete_vertices=False)
    tree_edges = union.spanning_tree(weights="weight", return_tree=False)
    adjacency: dict[int, set[int]] = {}
    weight_of: dict[tuple[int, int], float] = {}
    for edge in tree_edges:
        u, v = union.es[edge].tuple
        adjacency.setdefault(u, set()).add(v)
        adjacency.setdefault(v, set()).add(u)
        weight_of[(min(u, v), max(u, v))] = union.es[edge]["weight"]
    required = set(chosen)
    # Prune leaves that are not terminals until none is left (each vertex at most once).
    leaves = [v for v, near in adjacency.items() if len(near) == 1 and v not in required]
    while leaves:
        leaf = leaves.pop()
        if leaf not in adjacency or len(adjacency[leaf]) != 1:
            continue
        (neighbour,) = adjacency.pop(leaf)
        adjacency[neighbour].discard(leaf)
        if len(adjacency[neighbour]) == 1 and neighbour not in required:
            leaves.append(neighbour)
    pairs = sorted({(min(u, v), max(u, v)) for u, near in adjacency.items() for v in near})
    vertices = sorted({v for pair in pairs for v in pair} | required)
    return SteinerTree(
        edges=pairs,
        weight=float(sum(weight_of[pair] for pair in pairs)),
        vertices=vertices,
        approximation=(
            f"Kou-Markowsky-Berman 2-approximation: at most {2 * (1 - 1 / len(chosen)):.2f} "
            "times the lightest tree joining the terminals"
        ),
    )
