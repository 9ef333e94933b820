"""Partitions and cohesion measures: how good a given grouping is, how knit the graph is.

Modularity and conductance of a given grouping (also a grouping by a vertex attribute), and
clustering coefficients.

References:
    Modularity: Newman, "Modularity and community structure in networks", PNAS 103 (2006).
    Conductance: Kannan, Vempala and Vetta, "On clusterings: good, bad and spectral", JACM 51
    (2004). Clustering: Watts and Strogatz, Nature 393 (1998); transitivity as in Newman,
    SIAM Review 45 (2003). Attribute partitions are the grouping an analyst compares found
    communities with (purity as in Manning, Raghavan and Schütze, "Introduction to
    Information Retrieval", 2008).

Computed by `gaai_graph.methods.compute.cohesion` (igraph for modularity and clustering;
conductance and the attribute grouping written here).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gaai_graph.errors import TemplateValidationError
from gaai_graph.methods.answering import (
    WEIGHT,
    answer_outcome,
    focus_values,
    read_answer,
    read_scores,
    vertices_parameter,
    weight_of,
)
from gaai_graph.methods.base import DataNeeds, LocalJob, Method, Outcome, ParameterSpec, Picture
from gaai_graph.methods.compute import cohesion
from gaai_graph.methods.groups import members_by_group
from gaai_graph.methods.writing import ReportWriter, format_number

__all__ = ["METHODS"]

ATTRIBUTE = ParameterSpec(
    "attribute",
    "str",
    None,
    "Vertex attribute whose values form the groups (null: the vertex collection).",
    nullable=True,
)


def _groups(job: LocalJob) -> tuple[cohesion.AttributePartition, str]:
    attribute = job.parameters.get("attribute")
    if attribute is None:
        job.graph.vs["collection"] = [v.split("/", 1)[0] for v in job.data.vertex_ids]
        attribute = "collection"
    if attribute not in job.graph.vs.attributes():
        known = ", ".join(sorted(job.graph.vs.attributes())) or "none"
        raise TemplateValidationError(
            f"attribute {attribute!r} is not on the projection's vertices (vertex attributes: "
            f"{known})"
        )
    return cohesion.attribute_partition(job.graph, attribute), attribute


def _attribute_partition(job: LocalJob) -> Outcome:
    with job.clock.running():
        partition, attribute = _groups(job)
        score = cohesion.modularity(job.graph, partition.membership, weights=weight_of(job))
    sizes = [int((partition.membership == g).sum()) for g in range(len(partition.values))]
    headline = (
        f"Grouped by {attribute}, the vertices form {format_number(len(sizes))} groups"
        + (f" with modularity {format_number(score)}" if score is not None else "")
        + f"; the largest ({partition.values[0]!s}) holds {format_number(sizes[0])}."
        if sizes
        else "No vertex to group."
    )
    return answer_outcome(
        "count",
        len(sizes),
        f"groups by the value of {attribute}; modularity (Newman, resolution 1) of that grouping",
        "attribute_partition",
        headline,
        membership=partition.membership.tolist(),
        metrics={"modularity": score, "attribute": attribute},
    )


def _modularity(job: LocalJob) -> Outcome:
    with job.clock.running():
        partition, attribute = _groups(job)
        score = cohesion.modularity(
            job.graph,
            partition.membership,
            weights=weight_of(job),
            resolution=job.parameters["resolution"],
        )
    headline = (
        f"The grouping by {attribute} has modularity {format_number(score)}"
        + (" (the groups hold more edges inside than chance would)." if score > 0.3 else ".")
        if score is not None
        else "Modularity is undefined: the projection has no edges."
    )
    return answer_outcome(
        "value",
        score,
        f"Newman modularity of the grouping by {attribute}, resolution "
        f"{job.parameters['resolution']}, -0.5..1",
        "modularity",
        headline,
        metrics={"modularity": score, "group_count": len(partition.values)},
    )


def _conductance(job: LocalJob) -> Outcome:
    with job.clock.running():
        partition, attribute = _groups(job)
        by_group = cohesion.conductance(job.graph, partition.membership, weights=weight_of(job))
    values = {str(partition.values[g]): c for g, c in by_group.items() if c is not None}
    best = min(values.items(), key=lambda kv: kv[1]) if values else None
    headline = (
        f"Conductance of each {attribute} group (share of its edge weight leaving it): "
        + "; ".join(f"{k}: {format_number(v)}" for k, v in list(values.items())[:10])
        + (f". Most self-contained: {best[0]}." if best else ".")
    )
    return answer_outcome(
        "values",
        values,
        f"cut / smaller volume for each value of {attribute}, 0 = sealed off, edge direction "
        "ignored",
        "conductance",
        headline,
    )


def _clustering(job: LocalJob) -> Outcome:
    with job.clock.running():
        result = cohesion.clustering(job.graph)
    convention = "share of a vertex's neighbour pairs that are linked (0..1), direction ignored"
    given, extra = focus_values(job, result.local, "clustering", convention, "Local clustering")
    headline = extra.get("headline") or (
        f"Average clustering {format_number(result.average)}, transitivity "
        f"{format_number(result.transitivity)}: "
        + (
            "neighbours of a vertex are often linked themselves."
            if result.average >= 0.3
            else "neighbours of a vertex are seldom linked to each other."
        )
    )
    return answer_outcome(
        given["kind"] if given else "value",
        given["value"] if given else result.average,
        convention
        if given
        else "average local clustering coefficient (mean over all "
        "vertices, 0 below two neighbours)",
        "clustering",
        str(headline),
        scores=result.local,
        metrics={"average_clustering": result.average, "transitivity": result.transitivity},
    )


def _declare(
    name: str,
    label: str,
    description: str,
    reference: str,
    kind: str,
    run: Callable[[LocalJob], Outcome],
    parameters: tuple[ParameterSpec, ...],
    **extra: Any,
) -> Method:
    return Method(
        name=name,
        label=label,
        long_name=label,
        description=description,
        reference=reference,
        kind=kind,  # type: ignore[arg-type]
        result_attribute=name,
        intents=("communities", "cohesion"),
        needs=DataNeeds(direction="undirected", weights="optional"),
        parameters=parameters,
        local=run,
        **extra,
    )


def _read_partition(writer: ReportWriter) -> None:
    """The grouping's answer, then who is in its largest groups, by name."""
    read_answer(writer)
    members_by_group(writer, "group")


ATTRIBUTE_PARTITION = _declare(
    "attribute_partition",
    "attribute grouping",
    "Groups by a vertex attribute, scored like found communities.",
    "Newman 2006; Manning, Raghavan and Schütze 2008",
    "grouping",
    _attribute_partition,
    (ATTRIBUTE, WEIGHT),
    interpret=_read_partition,
    picture=Picture(group_nouns=("group", "groups")),
)
MODULARITY = _declare(
    "modularity",
    "modularity",
    "How well a given grouping (by attribute or collection) separates the graph.",
    "Newman 2006",
    "answer",
    _modularity,
    (ATTRIBUTE, WEIGHT, ParameterSpec("resolution", "float", 1.0, "Resolution.", minimum=0.0)),
    interpret=read_answer,
)
CONDUCTANCE = _declare(
    "conductance",
    "conductance",
    "How sealed off each group of a given grouping is.",
    "Kannan, Vempala and Vetta 2004",
    "answer",
    _conductance,
    (ATTRIBUTE, WEIGHT),
    interpret=read_answer,
)
CLUSTERING = _declare(
    "clustering",
    "clustering coefficient",
    "How tightly knit neighbourhoods are (local, average, global).",
    "Watts and Strogatz 1998; Newman 2003",
    "scoring",
    _clustering,
    (vertices_parameter("vertices", "Vertices whose coefficient is asked for."),),
    interpret=read_scores("local clustering coefficient"),
    score_name="local clustering coefficient",
    picture=Picture(score_axis="local clustering", score_meaning="local clustering coefficient"),
)

METHODS: tuple[Method, ...] = (ATTRIBUTE_PARTITION, MODULARITY, CONDUCTANCE, CLUSTERING)
