"""Connectivity computations: whether and how the graph holds together.

Components, "is it connected", cut vertices, bridges and what splits off when named vertices
are removed. igraph computes components, articulation points and bridges (Tarjan's
linear-time DFS); the removal impact is igraph's components on the graph with the vertices
deleted, compared here with the components before.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import igraph as ig
import numpy as np
import numpy.typing as npt

from gaai_graph.methods.compute._common import check_choice, vertex_indices

__all__ = [
    "Components",
    "RemovalImpact",
    "articulation_points",
    "bridge_cut_sizes",
    "bridges",
    "components",
    "is_connected",
    "removal_impact",
]

Connectivity = Literal["weak", "strong"]


@dataclass(frozen=True)
class Components:
    """Components numbered by decreasing size (0 is the largest; ties by lowest vertex)."""

    membership: npt.NDArray[np.int64]
    """Component number of each vertex."""
    sizes: list[int]
    """Size of component 0, 1, ..."""

    @property
    def count(self) -> int:
        """Number of components."""
        return len(self.sizes)

    def groups(self) -> list[list[int]]:
        """The vertices of each component, largest first, each sorted."""
        groups: list[list[int]] = [[] for _ in self.sizes]
        for vertex, component in enumerate(self.membership.tolist()):
            groups[component].append(vertex)
        return groups


def _ordered(membership: Sequence[int]) -> Components:
    """Renumber raw component labels by decreasing size, ties by their lowest vertex."""
    labels = np.asarray(membership, dtype=np.int64)
    if labels.size == 0:
        return Components(membership=labels, sizes=[])
    count = int(labels.max()) + 1
    sizes = np.bincount(labels, minlength=count)
    first = np.full(count, labels.size)
    np.minimum.at(first, labels, np.arange(labels.size))
    order = sorted(range(count), key=lambda c: (-sizes[c], first[c]))
    rank = np.empty(count, dtype=np.int64)
    rank[order] = np.arange(count)
    return Components(membership=rank[labels], sizes=[int(sizes[c]) for c in order])


def components(graph: ig.Graph, *, connectivity: Connectivity = "weak") -> Components:
    """Weakly or strongly connected components (the same thing on an undirected graph)."""
    mode = check_choice(connectivity, "connectivity", ("weak", "strong"))
    return _ordered(graph.connected_components(mode=mode).membership)


def is_connected(graph: ig.Graph, *, connectivity: Connectivity = "weak") -> bool:
    """Whether every vertex reaches every other (strongly: along edge directions).

    A graph with no vertices is not connected (igraph's convention; NetworkX raises).
    """
    mode = check_choice(connectivity, "connectivity", ("weak", "strong"))
    return graph.vcount() > 0 and bool(graph.is_connected(mode=mode))


def articulation_points(graph: ig.Graph) -> list[int]:
    """Cut vertices: removing one disconnects its component (edge direction ignored), sorted."""
    return sorted(int(vertex) for vertex in graph.articulation_points())


def bridges(graph: ig.Graph) -> list[tuple[int, int]]:
    """Bridge edges as (lower, higher) vertex pairs, sorted.

    Removing a bridge disconnects its component (edge direction ignored; an edge doubled by
    a parallel edge is no bridge).
    """
    pairs = (graph.es[edge].tuple for edge in graph.bridges())
    return sorted((min(u, v), max(u, v)) for u, v in pairs)


def bridge_cut_sizes(graph: ig.Graph) -> list[tuple[int, int, int]]:
    """Each bridge with the number of vertices on its smaller side, most cutting first.

    Linear time: the bridges are removed once, the remaining 2-edge-connected blocks are
    contracted into the bridge forest, and one depth-first pass over each tree gives the
    size below every bridge (its component's size minus that is the other side).

    Returns:
        (lower, higher, smaller side) triples, by decreasing smaller side, then by the pair.
    """
    pairs = bridges(graph)
    if not pairs:
        return []
    without = graph.copy()
    without.delete_edges(graph.bridges())
    block = without.connected_components(mode="weak").membership
    weights = np.bincount(np.asarray(block, dtype=np.int64))
    forest = ig.Graph(n=len(weights), edges=[(block[u], block[v]) for u, v in pairs])
    below = weights.astype(np.int64).copy()
    tree_of = np.asarray(forest.connected_components().membership)
    tree_size = np.bincount(tree_of, weights=weights).astype(np.int64)
    parent = np.full(len(weights), -1, dtype=np.int64)
    for root in range(len(weights)):
        if parent[root] >= 0:
            continue
        order, _, parents = forest.bfs(root)
        parent[root] = root
        for vertex in order[1:]:
            parent[vertex] = parents[vertex]
        for vertex in reversed(order[1:]):
            below[parents[vertex]] += below[vertex]
    result = []
    for u, v in pairs:
        a, b = block[u], block[v]
        child = a if parent[a] == b else b  # the deeper block of the two
        side = int(below[child])
        result.append((u, v, min(side, int(tree_size[tree_of[child]]) - side)))
    result.sort(key=lambda item: (-item[2], item[0], item[1]))
    return result


@dataclass(frozen=True)
class RemovalImpact:
    """What removing some vertices does to the (weak) components of a graph."""

    removed: list[int]
    components_before: int
    components_after: int
    """Components among the remaining vertices."""
    largest_before: int
    largest_after: int
    split_off: list[list[int]]
    """Pieces cut off from the rest: for every component that lost a vertex, all pieces it
    fell into except its largest, largest piece first (vertex indices of the full graph)."""

    @property
    def disconnected_count(self) -> int:
        """Remaining vertices cut off from the main piece of their former component."""
        return sum(len(piece) for piece in self.split_off)


def removal_impact(graph: ig.Graph, removed: Sequence[int]) -> RemovalImpact:
    """What splits off when `removed` are taken out (edge direction ignored).

    Raises:
        TemplateValidationError: `removed` is empty or names a vertex the graph lacks.
    """
    gone = vertex_indices(graph, removed, "removed")
    before = _ordered(graph.connected_components(mode="weak").membership)
    keep = [v for v in range(graph.vcount()) if v not in set(gone)]
    rest = graph.induced_subgraph(keep, implementation="create_from_scratch")
    after = _ordered(rest.connected_components(mode="weak").membership)
    touched = {int(before.membership[v]) for v in gone}
    pieces_by_component: dict[int, list[list[int]]] = {}
    for piece in after.groups():
        original = [keep[v] for v in piece]
        component = int(before.membership[original[0]])
        if component in touched:
            pieces_by_component.setdefault(component, []).append(original)
    split_off = [
        piece
        for component in sorted(pieces_by_component)
        for piece in pieces_by_component[component][1:]  # groups() lists the largest first
    ]
    split_off.sort(key=lambda piece: (-len(piece), piece[0]))
    return RemovalImpact(
        removed=sorted(gone),
        components_before=before.count,
        components_after=after.count,
        largest_before=before.sizes[0] if before.sizes else 0,
        largest_after=after.sizes[0] if after.sizes else 0,
        split_off=split_off,
    )
