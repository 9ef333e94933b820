"""Dependencies: single points of failure in layered graphs (supplier -> part -> product).

Reference: single-sourcing risk and disruption cascades in supply networks — Kim, Chen and
Linderman, "Supply network disruption and resilience: a network structural perspective",
Journal of Operations Management 33-34 (2015). The cascade (a vertex fails when every one of
its providers has failed) is computed by `gaai_graph.methods.compute.dependencies`, written
for this project (igraph has no such analysis).
"""

from __future__ import annotations

from gaai_graph.evidence import outliers
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
    # The baseline: what fails with each provider, over every vertex that provides anything
    # (most are the sole source of nothing or of one thing); unusual counts are alarms.
    mode = "out" if job.parameters["direction"] == "provider_to_dependent" else "in"
    providers = [v for v, d in enumerate(job.graph.degree(mode=mode)) if d > 0]
    failed_by_provider = {entry.provider: len(entry.failed) for entry in found}
    unusual = dict(outliers([failed_by_provider.get(v, 0) for v in providers], limit=LISTED))
    position_of = {v: position for position, v in enumerate(providers)}
    values: dict[str, float] = {}
    for rank, entry in enumerate(found[:LISTED]):
        position = position_of.get(entry.provider, -1)
        if position in unusual:
            metrics[f"provider_{rank}_z_score"] = unusual[position]["z_score"]
            metrics[f"provider_{rank}_percentile"] = unusual[position]["percentile"]
            metrics[f"provider_{rank}_confidence"] = unusual[position]["confidence"]
        metrics[f"provider_{rank}_providers_compared"] = len(providers)
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
        sole = metrics.get(f"provider_{rank}_sole_dependents")
        outlier = metrics.get(f"provider_{rank}_confidence")
        compared = metrics.get(f"provider_{rank}_providers_compared")
        # An alarm when something flagged critical fails with it (the data's own judgement),
        # or when more fails with it than with almost any other provider (the baseline).
        is_critical = isinstance(critical, int) and critical > 0
        flagged = is_critical or isinstance(outlier, float)
        n = float(compared) if isinstance(compared, int) else 0.0
        if isinstance(outlier, float):
            confidence = outlier
        elif is_critical:
            # Sole source of a critical part: certain as observed, damped for a small catalogue.
            confidence = n / (n + 5.0) if n else 0.5
        else:
            confidence = 0.2
        writer.pattern(
            "sole_supplier",
            [provider],
            flagged=flagged,
            evidence={
                "sole_dependents": sole,
                "observed": failed,
                "critical": critical,
                "exposed": metrics.get(f"provider_{rank}_exposed"),
                "z_score": metrics.get(f"provider_{rank}_z_score"),
                "percentile": metrics.get(f"provider_{rank}_percentile"),
                "compared": compared,
            },
            confidence_value=confidence,
            explanation=f"The only provider of what {format_number(float(failed or 0))} "
            "vertices need, directly or through them"
            + (
                f", {format_number(float(critical))} of them flagged critical."
                if is_critical and isinstance(critical, int)
                else (
                    ", far more than for almost any other provider."
                    if flagged
                    else "; ordinary for this graph, where many depend on one provider."
                )
            ),
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
