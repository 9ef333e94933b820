"""Community and cohesion computations: how vertices group and how tightly knit they are.

Weighted label propagation, modularity and conductance of a given partition (also a
partition by a vertex attribute), clustering coefficients. igraph computes label
propagation (Raghavan et al. 2007), modularity (Newman 2006) and local clustering (Watts &
Strogatz 1998); conductance (cut over the smaller volume, as in NetworkX) and the attribute
partition are written here.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import igraph as ig
import numpy as np
import numpy.typing as npt

from gaai_graph.errors import TemplateValidationError
from gaai_graph.methods.compute._common import (
    Weights,
    check_number,
    edge_weights,
    seeded_igraph,
    undirected_simple,
)

__all__ = [
    "AttributePartition",
    "Clustering",
    "attribute_partition",
    "clustering",
    "conductance",
    "label_propagation",
    "modularity",
]

Membership = npt.NDArray[np.int64]


def _membership(graph: ig.Graph, membership: Sequence[int] | npt.NDArray[np.int64]) -> list[int]:
    values = [int(group) for group in membership]
    if len(values) != graph.vcount():
        raise TemplateValidationError(
            f"membership must give one group per vertex: got {len(values)} for "
            f"{graph.vcount()} vertices"
        )
    if any(group < 0 for group in values):
        raise TemplateValidationError("membership groups must be numbered from 0")
    return values


def label_propagation(graph: ig.Graph, *, weights: Weights = None, seed: int = 42) -> Membership:
    """Communities by label propagation (weighted when given), edge direction ignored.

    Parallel edges and reciprocal pairs are merged with their weights summed. Randomised
    (update order, ties): the same seed gives the same communities. Groups are renumbered
    by decreasing size.
    """
    values = edge_weights(graph, weights)
    simple = undirected_simple(graph, values)
    with seeded_igraph(seed):
        raw = simple.community_label_propagation(
            weights="weight" if values is not None else None
        ).membership
    return _by_size(raw)


def _by_size(raw: Sequence[int]) -> Membership:
    labels = np.asarray(raw, dtype=np.int64)
    if labels.size == 0:
        return labels
    sizes = np.bincount(labels)
    first = np.full(sizes.size, labels.size)
    np.minimum.at(first, labels, np.arange(labels.size))
    present = [g for g in range(sizes.size) if sizes[g]]
    order = sorted(present, key=lambda g: (-sizes[g], first[g]))
    rank = np.zeros(sizes.size, dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank[labels]


def modularity(
    graph: ig.Graph,
    membership: Sequence[int] | npt.NDArray[np.int64],
    *,
    weights: Weights = None,
    resolution: float = 1.0,
    directed: bool = True,
) -> float | None:
    """Modularity of a given partition (Newman 2006).

    The directed version on directed graphs unless `directed` is False. None when the graph
    has no edges (modularity is undefined then).
    """
    groups = _membership(graph, membership)
    values = edge_weights(graph, weights)
    resolution = check_number(resolution, "resolution", minimum=0.0)
    if graph.ecount() == 0 or (values is not None and sum(values) == 0):
        return None
    return float(graph.modularity(groups, weights=values, resolution=resolution, directed=directed))


def conductance(
    graph: ig.Graph, membership: Sequence[int] | npt.NDArray[np.int64], *, weights: Weights = None
) -> dict[int, float | None]:
    """Conductance of each group: how much of its edge weight leaves it.

    The weight of edges leaving the group over the smaller of its volume and the rest's
    (edge direction ignored; 0 is a perfectly separated group).

    A group is None when that smaller volume is 0 (an isolated group, or the whole graph).
    """
    groups = np.asarray(_membership(graph, membership), dtype=np.int64)
    values = edge_weights(graph, weights)
    pairs = np.asarray(graph.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    weight = np.ones(len(pairs)) if values is None else np.asarray(values)
    count = int(groups.max()) + 1 if groups.size else 0
    volume = np.zeros(count)
    np.add.at(volume, groups[pairs[:, 0]], weight)
    np.add.at(volume, groups[pairs[:, 1]], weight)
    crossing = groups[pairs[:, 0]] != groups[pairs[:, 1]]
    cut = np.zeros(count)
    np.add.at(cut, groups[pairs[crossing, 0]], weight[crossing])
    np.add.at(cut, groups[pairs[crossing, 1]], weight[crossing])
    total = volume.sum()
    result: dict[int, float | None] = {}
    for group in sorted(set(groups.tolist())):
        smaller = min(volume[group], total - volume[group])
        result[group] = float(cut[group] / smaller) if smaller > 0 else None
    return result


@dataclass(frozen=True)
class AttributePartition:
    """Vertices grouped by the value of a vertex attribute."""

    attribute: str
    membership: Membership
    """Group of each vertex; groups numbered by decreasing size."""
    values: list[Any]
    """The attribute value of each group (None: vertices without a value)."""


def attribute_partition(graph: ig.Graph, attribute: str) -> AttributePartition:
    """Group vertices by `attribute` (vertices lacking it form one group with value None).

    Raises:
        TemplateValidationError: `attribute` is not a vertex attribute, or a value is not
            hashable (a list or a mapping cannot name a group).
    """
    if attribute not in graph.vs.attributes():
        known = ", ".join(sorted(graph.vs.attributes())) or "none"
        raise TemplateValidationError(
            f"attribute {attribute!r} is not a vertex attribute (vertex attributes: {known})"
        )
    labels: dict[Hashable, int] = {}
    raw = []
    for index, value in enumerate(graph.vs[attribute]):
        if not isinstance(value, Hashable):
            raise TemplateValidationError(
                f"attribute {attribute!r} of vertex {index} is {type(value).__name__}, "
                "which cannot name a group"
            )
        raw.append(labels.setdefault(value, len(labels)))
    membership = _by_size(raw)
    values: list[Any] = [None] * len(labels)
    for value, label in labels.items():
        values[int(membership[raw.index(label)])] = value
    return AttributePartition(attribute=attribute, membership=membership, values=values)


@dataclass(frozen=True)
class Clustering:
    """Clustering coefficients of the simple undirected view of a graph."""

    local: npt.NDArray[np.float64]
    """Each vertex: share of its neighbour pairs that are linked (0 below two neighbours)."""
    average: float
    """Mean of the local coefficients over all vertices (NetworkX's average_clustering)."""
    transitivity: float
    """Global: 3 x triangles / connected triples (0 when there is no triple)."""


def clustering(graph: ig.Graph) -> Clustering:
    """Local, average and global clustering coefficients.

    Edge direction, parallel edges and self-loops are ignored.
    """
    simple = undirected_simple(graph)
    if simple.vcount() == 0:
        return Clustering(local=np.zeros(0), average=0.0, transitivity=0.0)
    local = np.asarray(simple.transitivity_local_undirected(mode="zero"), dtype=np.float64)
    transitivity = simple.transitivity_undirected()
    return Clustering(
        local=local,
        average=float(local.mean()),
        transitivity=0.0 if np.isnan(transitivity) else float(transitivity),
    )
