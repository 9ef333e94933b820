"""Bipartite projection: people–events, customers–products and the like, onto one side.

igraph projects (`bipartite_projection` with multiplicity); the projected edge weight is the
number of shared neighbours on the other side (NetworkX's `weighted_projected_graph`).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import igraph as ig

from gaai_graph.errors import TemplateValidationError
from gaai_graph.methods.compute._common import undirected_simple

__all__ = ["Projection", "bipartite_projection"]


@dataclass(frozen=True)
class Projection:
    """The projected graph and where its vertices came from."""

    graph: ig.Graph
    """Undirected; edge attribute "weight" = shared neighbours; vertex attribute "original"."""
    vertices: list[int]
    """Original index of each projected vertex (the projected graph's vertex i)."""
    other_side: int
    """How many vertices were on the side projected away."""


def bipartite_projection(
    graph: ig.Graph, side: str | Sequence[Hashable], onto: Hashable = True
) -> Projection:
    """Project `graph` onto the vertices whose side is `onto`.

    Two of them are linked when they share a neighbour, weighted by how many they share
    (edge direction ignored).

    Args:
        graph: A bipartite graph.
        side: A vertex attribute (such as the collection) or one value per vertex.
        onto: The side value to keep (for a boolean sequence, True or False).

    Raises:
        TemplateValidationError: unknown attribute, no vertex on the kept side, or an edge
            joining two vertices of the same side (the graph is not bipartite that way).
    """
    if isinstance(side, str):
        if side not in graph.vs.attributes():
            known = ", ".join(sorted(graph.vs.attributes())) or "none"
            raise TemplateValidationError(
                f"side attribute {side!r} is not a vertex attribute (vertex attributes: {known})"
            )
        values = list(graph.vs[side])
    else:
        values = list(side)
        if len(values) != graph.vcount():
            raise TemplateValidationError(
                f"side must give one value per vertex: got {len(values)} for {graph.vcount()}"
            )
    keep = [value == onto for value in values]
    if not any(keep):
        raise TemplateValidationError(f"no vertex is on side {onto!r}: nothing to project onto")
    simple = undirected_simple(graph)
    for u, v in simple.get_edgelist():
        if keep[u] == keep[v]:
            where = "kept" if keep[u] else "other"
            raise TemplateValidationError(
                f"the graph is not bipartite by that side: edge {u}-{v} joins two vertices of "
                f"the {where} side; project only edge collections that cross the two sides"
            )
    simple.vs["original"] = list(range(simple.vcount()))
    # igraph's types: False is the first projection, True the second; which=1 keeps True.
    projected = simple.bipartite_projection(types=keep, multiplicity=True, which=1)
    if "weight" not in projected.es.attributes():
        projected.es["weight"] = []
    return Projection(
        graph=projected,
        vertices=list(projected.vs["original"]),
        other_side=keep.count(False),
    )
