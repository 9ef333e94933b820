"""Bipartite projection: people–events, customers–products and the like, onto one side.

Reference: Newman, "Scientific collaboration networks. I.", Phys. Rev. E 64 (2001); Zhou et
al., "Bipartite network projection and personal recommendation", Phys. Rev. E 76 (2007). The
projected edge weight is the number of shared neighbours on the other side (NetworkX's
`weighted_projected_graph`); igraph projects (`gaai_graph.methods.compute.projection`).

As a method it answers "how are the X linked through the Y": the projected graph's size and
its most strongly linked pairs. Other methods run on the projected graph when the template
design projects first (the report says so, with `projected_onto`).
"""

from __future__ import annotations

import heapq

from gaai_graph.errors import TemplateValidationError
from gaai_graph.methods.answering import answer_outcome, read_answer
from gaai_graph.methods.base import DataNeeds, LocalJob, Method, Outcome, ParameterSpec
from gaai_graph.methods.compute import projection
from gaai_graph.methods.writing import format_number

__all__ = ["METHODS", "collection_sides"]

LISTED = 20


def collection_sides(vertex_ids: list[str]) -> list[str]:
    """The collection of each vertex id (`collection/key`): the natural side of a vertex."""
    return [vertex_id.split("/", 1)[0] for vertex_id in vertex_ids]


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
