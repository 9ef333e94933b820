"""Dependencies: single points of failure in layered graphs (supplier -> part -> product).

Reference: single-sourcing risk and disruption cascades in supply networks — Kim, Chen and
Linderman, "Supply network disruption and resilience: a network structural perspective",
Journal of Operations Management 33-34 (2015). The cascade (a vertex fails when every one of
its providers has failed) is computed by `gaai_graph.methods.compute.dependencies`, written
for this project (igraph has no such analysis).
"""

from __future__ import annotations

from gaai_graph.methods.answering import answer_outcome, ids_of, read_answer
from gaai_graph.methods.base import DataNeeds, LocalJob, Method, Outcome, ParameterSpec
from gaai_graph.methods.compute import dependencies
from gaai_graph.methods.writing import ReportWriter, format_number
from gaai_graph.models import MetricValue

__all__ = ["METHODS"]

LISTED = 20
"""Providers listed with their cascade in the answer (all are counted)."""


def _sole_dependency(job: LocalJob) -> Outcome:
    flag = job.parameters["critical_attribute"]
    if flag is not None and flag not in job.graph.vs.attributes():
        flag_note = [f"No vertex carries the attribute {flag!r}: no vertex is flagged critical."]
        flag = None
    else:
        flag_note = []
    with job.clock.running():
        found = dependencies.sole_dependency(
            job.graph, direction=job.parameters["direction"], critical=flag
        )
    metrics: dict[str, MetricValue] = {"sole_provider_count": len(found)}
    values: dict[str, float] = {}
    for rank, entry in enumerate(found[:LISTED]):
        vertex = job.data.vertex_ids[entry.provider]
        values[vertex] = float(len(entry.failed))
        metrics[f"provider_{rank}_sole_dependents"] = len(entry.sole_dependents)
        metrics[f"provider_{rank}_failed"] = len(entry.failed)
        metrics[f"provider_{rank}_critical_failed"] = len(entry.critical_failed)
        metrics[f"provider_{rank}_exposed"] = entry.exposed
    if found:
        top = found[0]
        critical = (
            f", {format_number(len(top.critical_failed))} of them flagged {flag}"
            if flag is not None
            else ""
        )
        headline = (
            f"{format_number(len(found))} providers are the only source of something. "
            f"The most consequential, {job.data.vertex_ids[top.provider]}, is the sole "
            f"provider of {', '.join(ids_of(job, top.sole_dependents[:5]))}; if it fails, "
            f"{format_number(len(top.failed))} vertices lose every provider{critical}."
        )
    else:
        headline = "No vertex depends on a single provider: every dependent has an alternative."
    return answer_outcome(
        "values",
        values,
        "vertices left with no working provider if the provider fails (cascade through "
        f"sole dependencies), most consequential first, first {LISTED} listed",
        "sole_dependency",
        headline,
        metrics=metrics,
        notes=flag_note,
    )


def _read(writer: ReportWriter) -> None:
    read_answer(writer)
    if writer.answer is None:
        return
    metrics = writer.execution.metrics
    for rank, provider in enumerate(writer.answer["value"]):
        failed = metrics.get(f"provider_{rank}_failed")
        critical = metrics.get(f"provider_{rank}_critical_failed")
        writer.pattern(
            "sole_supplier",
            [provider],
            flagged=bool(critical) or (isinstance(failed, int) and failed >= 2),
            evidence={
                "sole_dependents": metrics.get(f"provider_{rank}_sole_dependents"),
                "observed": failed,
                "critical": critical,
                "exposed": metrics.get(f"provider_{rank}_exposed"),
            },
            confidence_value=1.0,
            explanation=f"The only provider of what {format_number(float(failed or 0))} "
            "vertices need, directly or through them.",
        )


SOLE_DEPENDENCY = Method(
    name="sole_dependency",
    label="sole-dependency analysis",
    long_name="sole-dependency analysis",
    description="Single points of failure: providers something depends on alone, weighted by "
    "what fails with them.",
    reference="Kim, Chen and Linderman 2015",
    kind="answer",
    result_attribute="failed_with",
    intents=("dependencies",),
    needs=DataNeeds(direction="directed"),
    parameters=(
        ParameterSpec(
            "direction",
            "choice",
            "provider_to_dependent",
            "Which way provision edges point: supplier -> part (provider_to_dependent) or "
            "product -> part it uses (dependent_to_provider).",
            choices=("provider_to_dependent", "dependent_to_provider"),
        ),
        ParameterSpec(
            "critical_attribute",
            "str",
            "critical",
            "Vertex attribute whose true values flag critical vertices (counted apart).",
            nullable=True,
        ),
    ),
    local=_sole_dependency,
    interpret=_read,
)

METHODS: tuple[Method, ...] = (SOLE_DEPENDENCY,)
