"""Trees over the graph: the cheapest way to keep things connected.

The minimum spanning tree (forest) and a Steiner tree joining named terminals.

References:
    Kruskal, "On the shortest spanning subtree of a graph", Proc. AMS 7 (1956); Prim,
    "Shortest connection networks and some generalizations", Bell Syst. Tech. J. 36 (1957).
    Kou, Markowsky and Berman, "A fast algorithm for Steiner trees", Acta Informatica 15
    (1981): a 2(1 - 1/terminals)-approximation, written for this project over igraph's
    Dijkstra and spanning trees (igraph's Python API has no Steiner tree).
"""

from __future__ import annotations

from gaai_graph.methods.answering import (
    WEIGHT,
    answer_outcome,
    named,
    read_answer,
    vertices_parameter,
    weight_of,
)
from gaai_graph.methods.base import DataNeeds, LocalJob, Method, Outcome
from gaai_graph.methods.compute import trees
from gaai_graph.methods.writing import format_number

__all__ = ["METHODS"]

LISTED = 500
"""Tree edges listed in the answer."""


def _unit(job: LocalJob) -> str:
    attribute = job.parameters.get("weight_attribute")
    return f"total {attribute}" if attribute else "edges"


def _spanning(job: LocalJob) -> Outcome:
    with job.clock.running():
        forest = trees.minimum_spanning_tree(job.graph, weights=weight_of(job))
    ids = job.data.vertex_ids
    pairs = [job.graph.es[e].tuple for e in forest.edges]
    headline = (
        f"The minimum spanning {'tree' if forest.trees == 1 else 'forest'} joins every vertex "
        f"with {format_number(len(forest.edges))} edges of {format_number(forest.weight)} "
        f"{_unit(job)}"
        + ("." if forest.trees <= 1 else f", in {format_number(forest.trees)} separate trees.")
    )
    return answer_outcome(
        "value",
        forest.weight,
        f"total {job.parameters.get('weight_attribute') or 'edge count'} of the tree, edge "
        "direction ignored",
        "minimum_spanning_tree",
        headline,
        metrics={
            "tree_edges": len(forest.edges),
            "trees": forest.trees,
            "listed_edges": " ; ".join(f"{ids[u]} - {ids[v]}" for u, v in pairs[:LISTED]),
        },
    )


def _steiner(job: LocalJob) -> Outcome:
    terminals = named(job, "terminals")
    with job.clock.running():
        tree = trees.steiner_tree(job.graph, terminals, weights=weight_of(job))
    ids = job.data.vertex_ids
    extra = [v for v in tree.vertices if v not in set(terminals)]
    headline = (
        f"A tree of {format_number(len(tree.edges))} edges and {format_number(tree.weight)} "
        f"{_unit(job)} joins the {format_number(len(terminals))} terminals"
        + (f" through {', '.join(ids[v] for v in extra[:10])}." if extra else " directly.")
    )
    return answer_outcome(
        "value",
        tree.weight,
        f"total {job.parameters.get('weight_attribute') or 'edge count'} of the tree; "
        f"{tree.approximation}",
        "steiner_tree",
        headline,
        metrics={
            "tree_edges": len(tree.edges),
            "connecting_vertices": len(extra),
            "listed_edges": " ; ".join(f"{ids[u]} - {ids[v]}" for u, v in tree.edges[:LISTED]),
        },
        notes=[tree.approximation + "."],
    )


MINIMUM_SPANNING_TREE = Method(
    name="minimum_spanning_tree",
    label="minimum spanning tree",
    long_name="minimum spanning tree (forest)",
    description="The lightest set of edges keeping every connected vertex connected.",
    reference="Kruskal 1956; Prim 1957",
    kind="answer",
    result_attribute="in_tree",
    intents=("paths", "connectivity"),
    needs=DataNeeds(direction="undirected", weights="optional"),
    parameters=(WEIGHT,),
    local=_spanning,
    interpret=read_answer,
)
STEINER_TREE = Method(
    name="steiner_tree",
    label="Steiner tree",
    long_name="Steiner tree (2-approximation)",
    description="A light tree joining named terminals, within twice the optimum.",
    reference="Kou, Markowsky and Berman 1981",
    kind="answer",
    result_attribute="in_tree",
    intents=("paths",),
    needs=DataNeeds(direction="undirected", weights="optional", named_entities="many"),
    parameters=(
        vertices_parameter("terminals", "Vertices the tree must join (ids joined with '|')."),
        WEIGHT,
    ),
    local=_steiner,
    interpret=read_answer,
)

METHODS: tuple[Method, ...] = (MINIMUM_SPANNING_TREE, STEINER_TREE)
