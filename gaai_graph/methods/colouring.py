"""Colouring and independent sets: which entities can be scheduled together.

References:
    Brélaz, "New methods to color the vertices of a graph", Comm. ACM 22 (1979) (DSatur, run
    by igraph). Minimum-degree greedy independent set: Halldórsson and Radhakrishnan, "Greed
    is good: approximating independent sets in sparse and bounded-degree graphs",
    Algorithmica 18 (1997), written for this project (igraph only enumerates all of them).
"""

from __future__ import annotations

from gaai_graph.methods.answering import answer_outcome, ids_of, read_answer
from gaai_graph.methods.base import DataNeeds, LocalJob, Method, Outcome, ParameterSpec, Picture
from gaai_graph.methods.compute import colouring
from gaai_graph.methods.groups import members_by_group
from gaai_graph.methods.writing import ReportWriter, format_number

__all__ = ["METHODS"]


def _greedy_colouring(job: LocalJob) -> Outcome:
    with job.clock.running():
        colours = colouring.greedy_colouring(job.graph, method=job.parameters["heuristic"])
    count = int(colours.max()) + 1 if colours.size else 0
    return answer_outcome(
        "count",
        count,
        "colours used by a greedy proper colouring (an upper bound on the fewest possible), "
        "edge direction ignored",
        "greedy_colouring",
        f"{format_number(count)} colours suffice so that no two linked vertices share one: "
        f"{format_number(count)} slots schedule everything without a clash.",
        membership=colours.tolist(),
        metrics={"colour_count": count},
    )


def _independent_set(job: LocalJob) -> Outcome:
    with job.clock.running():
        chosen = colouring.maximal_independent_set(job.graph)
    return answer_outcome(
        "entities",
        ids_of(job, chosen),
        "a maximal set of mutually unlinked vertices (no vertex can be added), chosen "
        "greedily by fewest neighbours; not necessarily the largest",
        "maximal_independent_set",
        f"{format_number(len(chosen))} vertices, no two of them linked, can go together; "
        "every other vertex is linked to one of them.",
        metrics={"set_size": len(chosen)},
    )


def _read_colouring(writer: ReportWriter) -> None:
    """The number of colours, then who gets the largest colours, by name."""
    read_answer(writer)
    members_by_group(writer, "colour")


GREEDY_COLOURING = Method(
    name="greedy_colouring",
    label="greedy colouring",
    long_name="greedy graph colouring",
    description="Slots so that no two linked entities share one (scheduling without clashes).",
    reference="Brélaz 1979 (DSatur)",
    kind="grouping",
    result_attribute="colour",
    intents=("colouring",),
    needs=DataNeeds(direction="undirected"),
    parameters=(
        ParameterSpec(
            "heuristic",
            "choice",
            "dsatur",
            "Which vertex to colour next: most distinct neighbour colours (dsatur) or most "
            "coloured neighbours.",
            choices=("dsatur", "colored_neighbors"),
        ),
    ),
    local=_greedy_colouring,
    interpret=_read_colouring,
    picture=Picture(group_nouns=("colour", "colours"), count_axis="colours"),
)
MAXIMAL_INDEPENDENT_SET = Method(
    name="maximal_independent_set",
    label="maximal independent set",
    long_name="maximal independent set",
    description="Entities no two of which are linked, as many as a greedy choice finds.",
    reference="Halldórsson and Radhakrishnan 1997",
    kind="answer",
    result_attribute="independent",
    intents=("colouring",),
    needs=DataNeeds(direction="undirected"),
    local=_independent_set,
    interpret=read_answer,
)

METHODS: tuple[Method, ...] = (GREEDY_COLOURING, MAXIMAL_INDEPENDENT_SET)
