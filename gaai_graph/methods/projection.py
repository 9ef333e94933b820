"""Bipartite projection: people–events, customers–products and the like, onto one side.

Reference: Newman, "Scientific collaboration networks. I.", Phys. Rev. E 64 (2001); Zhou et
al., "Bipartite network projection and personal recommendation", Phys. Rev. E 76 (2007). The
projected edge weight is the number of shared neighbours on the other side (NetworkX's
`weighted_projected_graph`); igraph projects (`gaai_graph.methods.compute.projection`).

As a method it answers "how are the X linked through the Y": the projected graph's size and
its most strongly linked pairs.

As a step before another method (`GraphProjection.onto`): when the question asks about one side
of a two-mode structure (women and the events they attend, customers and the products they
buy: edges only between two vertex collections, none within either), template design
(`bipartite_onto`) projects onto the side asked about before grouping or ranking it, and the
engine (`project_onto`) runs the method on the projected, weighted graph; the report says
"projected onto <collection> through shared <other collection> (weights = number shared)".
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from gaai_graph.errors import EngineError, TemplateValidationError
from gaai_graph.methods.answering import answer_outcome, read_answer
from gaai_graph.methods.base import DataNeeds, LocalJob, Method, Outcome, ParameterSpec
from gaai_graph.methods.compute import projection
from gaai_graph.methods.writing import format_number
from gaai_graph.models import MetricValue

if TYPE_CHECKING:
    import igraph as ig

    from gaai_graph.methods.topology import SchemaTopology
    from gaai_graph.sources.base import ProjectionData

__all__ = [
    "MAX_PROJECTED_PAIRS",
    "METHODS",
    "SHARED_WEIGHT",
    "ProjectedData",
    "bipartite_onto",
    "collection_sides",
    "project_onto",
    "projection_statement",
]

LISTED = 20

SHARED_WEIGHT = "shared"
"""Edge attribute of a projected graph: how many neighbours on the other side a pair shares."""

MAX_PROJECTED_PAIRS = 20_000_000
"""Upper bound on the pairs a projection may create (the sum over the other side of
deg·(deg-1)/2): one event attended by 10^5 people alone would link 5·10^9 pairs. Above it the
method runs on the two-mode graph as it is, and says so."""


def collection_sides(vertex_ids: list[str]) -> list[str]:
    """The collection of each vertex id (`collection/key`): the natural side of a vertex."""
    return [vertex_id.split("/", 1)[0] for vertex_id in vertex_ids]


def bipartite_onto(
    vertices: list[str], edges: list[str], focus: list[str], topology: SchemaTopology
) -> tuple[str, str] | None:
    """The side to project onto, and the other side, when a projection is two-mode.

    A projection is two-mode when it holds exactly two vertex collections and every one of its
    edge collections runs between them, none within either (women attend events; customers
    buy products). It is projected onto the side the question asks about: exactly one of the
    two must be a focus collection (a question about both sides keeps both).

    Args:
        vertices: The projection's vertex collections.
        edges: Its edge collections.
        focus: The collections the question is about.
        topology: The schema's topology (edge definitions).

    Returns:
        (the side asked about, the other side), or None when the projection is not two-mode or
        the question does not single out one side.
    """
    sides = list(dict.fromkeys(vertices))
    if len(sides) != 2 or not edges:
        return None
    for edge in edges:
        if edge not in topology.ends:
            return None
        sources, targets = (set(end) & set(sides) for end in topology.ends[edge])
        # Each edge collection must cross: one end on each side, neither end on both.
        if len(sources) != 1 or len(targets) != 1 or sources == targets:
            return None
    asked = [side for side in sides if side in focus]
    if len(asked) != 1:
        return None
    onto = asked[0]
    other = sides[1] if onto == sides[0] else sides[0]
    return onto, other


def projection_statement(onto: str, other: str) -> str:
    """How a report says it projected: "projected onto women through shared events (...)"."""
    return f"projected onto {onto} through shared {other} (weights = number shared)"


@dataclass
class ProjectedData:
    """A two-mode projection projected onto one side, with what the report says about it."""

    data: ProjectionData
    """The one-mode projection: the kept side's vertices, pairs weighted by `SHARED_WEIGHT`."""
    notes: list[str] = field(default_factory=list)
    metrics: dict[str, MetricValue] = field(default_factory=dict)


def _pair_bound(graph: ig.Graph, keep: list[bool]) -> int:
    """Pairs the projection would create at most: sum of deg·(deg-1)/2 over the other side."""
    degrees = np.asarray(graph.degree(), dtype=np.int64)
    other = degrees[~np.asarray(keep, dtype=bool)]
    return int((other * (other - 1) // 2).sum())


def project_onto(data: ProjectionData, graph: ig.Graph, onto: str) -> ProjectedData | None:
    """Project a two-mode projection onto the vertex collection `onto`.

    Two vertices of `onto` are linked when they share at least one neighbour on the other side,
    weighted by how many they share (edge direction and parallel edges ignored: NetworkX's
    `bipartite.weighted_projected_graph`). Vertex attributes travel with the kept vertices.

    Args:
        data: The two-mode projection.
        graph: Its igraph graph (vertex i is `data.vertex_ids[i]`).
        onto: The vertex collection to keep.

    Returns:
        The projected data, or None when the projection would create more than
        `MAX_PROJECTED_PAIRS` pairs (the caller then runs on the two-mode graph and says so).

    Raises:
        EngineError: `onto` holds no vertex of the projection, or an edge joins two vertices
            of the same side (the data is not two-mode after all).
    """
    from gaai_graph.sources.base import ProjectionData, labels_at

    sides = collection_sides(data.vertex_ids)
    others = sorted(set(sides) - {onto})
    if onto not in sides:
        raise EngineError(
            f"cannot project onto {onto!r}: it holds no vertex of the projection (vertex "
            f"collections: {', '.join(sorted(set(sides))) or 'none'})"
        )
    simple = graph.as_undirected(mode="collapse") if graph.is_directed() else graph.copy()
    simple.simplify(multiple=True, loops=True)
    keep = [side == onto for side in sides]
    if _pair_bound(simple, keep) > MAX_PROJECTED_PAIRS:
        return None
    try:
        result = projection.bipartite_projection(simple, sides, onto=onto)
    except TemplateValidationError as error:
        raise EngineError(f"cannot project onto {onto!r}: {error}") from error
    projected = result.graph
    kept = result.vertices
    pairs = np.asarray(projected.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    weights = np.asarray(projected.es["weight"] if projected.ecount() else [], dtype=np.float64)
    one_mode = ProjectionData(
        vertex_ids=[data.vertex_ids[i] for i in kept],
        labels=labels_at(data.labels, kept),
        edges=pairs,
        directed=False,
        projection=data.projection,
        skipped_edges=data.skipped_edges,
        edge_values={SHARED_WEIGHT: weights},
        vertex_values={
            name: [column[i] for i in kept] for name, column in data.vertex_values.items()
        },
    )
    other = ", ".join(others) or "the other side"
    note = (
        f"The {onto}–{other} graph is two-mode (edges only between {onto} and {other}), so it "
        f"was {projection_statement(onto, other)}: {projected.vcount():,} {onto} linked by "
        f"{projected.ecount():,} pairs that share at least one of the {result.other_side:,} "
        f"{other}; each link's weight is how many {other} the pair shares."
    )
    metrics: dict[str, MetricValue] = {
        "projected_onto": onto,
        "projected_through": other,
        "two_mode_vertex_count": data.vertex_count,
        "two_mode_edge_count": data.edge_count,
        "projected_vertex_count": projected.vcount(),
        "projected_edge_count": projected.ecount(),
    }
    return ProjectedData(data=one_mode, notes=[note], metrics=metrics)


def _bipartite_projection(job: LocalJob) -> Outcome:
    onto = job.parameters["onto"]
    sides = collection_sides(job.data.vertex_ids)
    if onto not in set(sides):
        known = ", ".join(sorted(set(sides))) or "none"
        raise TemplateValidationError(
            f"parameter 'onto' of bipartite_projection: {onto!r} is not a vertex collection of "
            f"the projection (collections: {known})"
        )
    with job.clock.running():
        result = projection.bipartite_projection(job.graph, sides, onto=onto)
    graph = result.graph
    ids = [job.data.vertex_ids[v] for v in result.vertices]
    weights = graph.es["weight"] if graph.ecount() else []
    strongest = heapq.nsmallest(
        LISTED,
        (
            (ids[u], ids[v], float(w))
            for (u, v), w in zip(graph.get_edgelist(), weights, strict=True)
        ),
        key=lambda item: (-item[2], item[0], item[1]),
    )
    headline = (
        f"Projected onto {onto}: {format_number(graph.vcount())} {onto} linked by "
        f"{format_number(graph.ecount())} pairs that share at least one of the "
        f"{format_number(result.other_side)} other vertices"
        + (
            f"; the most strongly linked pair, {strongest[0][0]} and {strongest[0][1]}, shares "
            f"{format_number(strongest[0][2])}."
            if strongest
            else "."
        )
    )
    return answer_outcome(
        "pairs",
        [list(item) for item in strongest],
        f"pairs of {onto} weighted by the number of shared neighbours, strongest first",
        "bipartite_projection",
        headline,
        metrics={
            "projected_onto": onto,
            "projected_vertices": graph.vcount(),
            "projected_edges": graph.ecount(),
        },
    )


BIPARTITE_PROJECTION = Method(
    name="bipartite_projection",
    label="bipartite projection",
    long_name="bipartite projection",
    description="Links the entities of one side that share neighbours on the other, weighted "
    "by how many.",
    reference="Newman 2001; Zhou et al. 2007",
    kind="answer",
    result_attribute="projected_degree",
    intents=("similarity", "communities", "profile"),
    needs=DataNeeds(direction="undirected", bipartite="any"),
    parameters=(
        ParameterSpec("onto", "str", "", "The vertex collection to keep (the side asked about)."),
    ),
    local=_bipartite_projection,
    interpret=read_answer,
)

METHODS: tuple[Method, ...] = (BIPARTITE_PROJECTION,)
