"""Shared plumbing of the methods that answer with a value: named vertices, weights, answers.

The method families of `gaai_graph.methods` built on `gaai_graph.methods.compute` (paths,
similarity, connectivity, dependencies, loops, trees, colouring, projection, partitions and
the extra centralities) read their parameters, resolve the vertices a question names and state
their direct answer the same way, here:

- named vertices arrive as parameters holding ArangoDB ids (`collection/key`); several are
  joined with `|`, a character ArangoDB keys cannot contain;
- `weight_attribute` names a numeric edge attribute of the projection;
- the direct answer has the shape of docs/report-contract.md
  (`{kind, value, convention, method}`) and its one-sentence statement (`metrics.headline`)
  is the report's first finding.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from gaai_graph.errors import TemplateValidationError
from gaai_graph.methods.base import Interpreter, LocalJob, Outcome, ParameterSpec
from gaai_graph.methods.scores import leader_recommendation, score_findings
from gaai_graph.methods.writing import ReportWriter, display_label, format_number
from gaai_graph.models import Entity, Group, MetricValue

__all__ = [
    "LEADERS_LISTED",
    "MODE",
    "VERTEX_SEPARATOR",
    "WEIGHT",
    "answer",
    "answer_outcome",
    "composed_findings",
    "focus_values",
    "ids_of",
    "named",
    "one_named",
    "ranking_answer",
    "read_answer",
    "read_scores",
    "vertices_parameter",
    "weight_of",
]

VERTEX_SEPARATOR = "|"
"""Joins several vertex ids in one parameter (ArangoDB keys cannot contain it)."""

WEIGHT = ParameterSpec(
    "weight_attribute",
    "str",
    None,
    "Numeric edge attribute used as weight (a length or cost for paths, a strength for "
    "centrality); null: every edge counts 1.",
    nullable=True,
)
MODE = ParameterSpec(
    "mode",
    "choice",
    "out",
    "Follow edges forwards (out), backwards (in) or either way (all); undirected graphs "
    "always use all.",
    choices=("out", "in", "all"),
)


def vertices_parameter(name: str, description: str) -> ParameterSpec:
    """A parameter naming vertices by id (`collection/key`, several joined with `|`)."""
    return ParameterSpec(name, "str", None, description, nullable=True)


def named(job: LocalJob, name: str, *, required: bool = True) -> list[int]:
    """Vertex indices of the ids in parameter `name`, in the order given.

    Raises:
        TemplateValidationError: the parameter is missing (when required) or names a vertex
            that is not in the projection.
    """
    raw = job.parameters.get(name)
    if raw is None or not str(raw).strip():
        if required:
            raise TemplateValidationError(
                f"parameter '{name}' is required: name the vertices by id (collection/key, "
                f"several joined with '{VERTEX_SEPARATOR}')"
            )
        return []
    index = job.data.engine_cache.get("vertex_index")
    if index is None:
        index = {vertex_id: i for i, vertex_id in enumerate(job.data.vertex_ids)}
        job.data.engine_cache["vertex_index"] = index
    found = []
    for vertex_id in (part.strip() for part in str(raw).split(VERTEX_SEPARATOR)):
        if not vertex_id:
            continue
        if vertex_id not in index:
            collections = ", ".join(job.data.projection.vertex_collections) or "none"
            raise TemplateValidationError(
                f"parameter '{name}': {vertex_id!r} is not a vertex of the projection "
                f"(vertex collections: {collections}); check the id or the projection"
            )
        found.append(index[vertex_id])
    if required and not found:
        raise TemplateValidationError(f"parameter '{name}' names no vertex")
    return list(dict.fromkeys(found))


def one_named(job: LocalJob, name: str) -> int:
    """The one vertex named by parameter `name`."""
    found = named(job, name)
    if len(found) != 1:
        raise TemplateValidationError(f"parameter '{name}' must name exactly one vertex")
    return found[0]


def ids_of(job: LocalJob, indices: Sequence[int]) -> list[str]:
    """ArangoDB ids of vertex indices."""
    return [job.data.vertex_ids[i] for i in indices]


def weight_of(job: LocalJob) -> str | None:
    """The weight attribute to use, or None; checked against the graph's edge attributes."""
    attribute = job.parameters.get("weight_attribute")
    if attribute is None:
        return None
    if attribute not in job.graph.es.attributes():
        known = ", ".join(sorted(job.graph.es.attributes())) or "none"
        raise TemplateValidationError(
            f"weight attribute {attribute!r} is not on the projection's edges (edge "
            f"attributes: {known}); name another or leave it null"
        )
    values = job.graph.es[attribute]
    missing = sum(
        1
        for value in values
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value)
    )
    if missing:
        raise TemplateValidationError(
            f"weight attribute {attribute!r} is missing or not a number on {missing:,} of "
            f"{len(values):,} edges; fill those edges, narrow the projection, or choose "
            "another weight"
        )
    return str(attribute)


def _json_plain(value: Any) -> Any:
    """`value` with numpy numbers made Python numbers and non-finite floats made None."""
    if isinstance(value, dict):
        return {str(k): _json_plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def answer(kind: str, value: Any, convention: str, method: str) -> dict[str, Any]:
    """A direct answer in the docs/report-contract.md shape, JSON-safe (no numpy, no inf or NaN)."""
    return {"kind": kind, "value": _json_plain(value), "convention": convention, "method": method}


def _plain(value: float) -> float | int:
    return int(value) if float(value).is_integer() else float(value)


def answer_outcome(
    kind: str,
    value: Any,
    convention: str,
    method: str,
    headline: str,
    *,
    metrics: dict[str, MetricValue] | None = None,
    notes: list[str] | None = None,
    scores: npt.NDArray[np.float64] | None = None,
    membership: list[int] | None = None,
) -> Outcome:
    """An outcome carrying a direct answer and the sentence stating it first in the report."""
    all_metrics: dict[str, MetricValue] = {"headline": headline, "answer_kind": kind}
    if kind in ("value", "count") and value is not None:
        all_metrics["answer_value"] = _plain(float(value))
    if kind == "yes_no":
        all_metrics["answer_value"] = bool(value)
    all_metrics.update(metrics or {})
    return Outcome(
        scores=scores,
        membership=membership,
        answer=answer(kind, value, convention, method),
        metrics=all_metrics,
        notes=list(notes or []),
    )


def focus_values(
    job: LocalJob, scores: npt.NDArray[np.float64], method: str, convention: str, what: str
) -> tuple[dict[str, Any] | None, dict[str, MetricValue]]:
    """The scores of the vertices named in parameter `vertices` as a "values" answer.

    Returns the answer (None without named vertices) and metrics holding its headline.
    """
    chosen = named(job, "vertices", required=False)
    if not chosen:
        return None, {}
    values: dict[str, float | None] = {
        job.data.vertex_ids[i]: float(scores[i]) if math.isfinite(scores[i]) else None
        for i in chosen
    }
    stated = "; ".join(
        f"{vertex}: {format_number(v) if v is not None else 'unreachable'}"
        for vertex, v in values.items()
    )
    headline = f"{what} ({convention}): {stated}."
    if len(values) == 2:
        (first, a), (second, b) = values.items()
        if a is not None and b is not None and not math.isclose(a, b):
            leader = first if a > b else second
            headline += f" {leader} scores higher."
    return answer("values", values, convention, method), {"headline": headline}


def read_answer(writer: ReportWriter) -> None:
    """State the direct answer first: carry it onto the report and add its headline."""
    execution = writer.execution
    given = getattr(execution, "answer", None)
    if given is not None:
        writer.answer = given.model_dump() if hasattr(given, "model_dump") else dict(given)
    q = writer.quoter()
    if not q.has("metrics.headline"):
        return
    text = q.text("metrics.headline")
    related: list[str] = []
    if writer.answer is not None:
        value = writer.answer.get("value")
        if isinstance(value, dict) and "path" in value:
            related = list(value["path"])
        elif isinstance(value, dict):
            related = [str(k) for k in value]
        elif isinstance(value, list) and value and isinstance(value[0], str):
            related = list(value)
    writer.add("The answer", text, 0.9, q, related[:50], kind="finding")


def ranking_answer(writer: ReportWriter) -> None:
    """Without a direct answer, a ranking answers "which are the most ..." with its top entities.

    The answer is the ranking's listed top vertices (`entities`, highest first); the report's
    prose states them already, so no sentence is added.
    """
    execution = writer.execution
    if writer.answer is not None or not execution.top_entities:
        return
    listed = [entity.id for entity in execution.top_entities]
    total = writer.vertex_count
    method = str(writer.template.algorithm)
    writer.answer = answer(
        "entities",
        listed,
        f"highest {method} first, the top {len(listed)}"
        + (f" of {format_number(total)} vertices" if total else ""),
        method,
    )


def read_scores(score_name: str) -> Interpreter:
    """Interpreter of a per-vertex score: the answer about named vertices, then the ranking."""

    def interpret(writer: ReportWriter) -> None:
        read_answer(writer)
        ranking_answer(writer)
        score_findings(writer, score_name)
        leader_recommendation(writer)

    return interpret


def outlier_patterns(writer: ReportWriter, kind: str, explanation: str) -> None:
    """Record the listed top vertices as `kind` patterns, flagging those unusual.

    Unusual is judged by the engine against every score ranked (metrics ``rank_<i>_*``,
    `gaai_graph.evidence.leaders.ranking_evidence`: far, rare and beyond the ordinary tail,
    or a leader standing apart from the runner-up), never by a fixed cut-off.
    """
    execution = writer.execution
    statistics = execution.statistics
    if statistics is None or statistics.count < 3:
        return
    metrics = execution.metrics
    for rank, entity in enumerate(execution.top_entities[:10]):
        if entity.value <= statistics.median:
            continue
        unusual = metrics.get(f"rank_{rank}_unusual")
        judged = metrics.get(f"rank_{rank}_confidence")
        writer.pattern(
            kind,
            [entity.id],
            flagged=unusual is True,
            evidence={
                "observed": entity.value,
                "expected": metrics.get(f"rank_{rank}_expected", statistics.median),
                "z_score": metrics.get(f"rank_{rank}_z_score"),
                "percentile": metrics.get(f"rank_{rank}_percentile"),
                "rule": metrics.get(f"rank_{rank}_rule"),
                "compared": metrics.get("ranking_compared"),
            },
            confidence_value=float(judged) if isinstance(judged, int | float) else 0.0,
            explanation=explanation.format(
                value=format_number(entity.value), mean=format_number(statistics.median)
            ),
        )


# --------------------------------------------------------------------------- composed answers

LEADERS_LISTED = 10
"""Groups whose leader a composed answer ("who leads each group") names."""


def _projection_finding(writer: ReportWriter) -> None:
    """Say that a two-mode graph was projected, onto what and through what, with its size."""
    q = writer.quoter()
    if not q.has("metrics.projected_onto") or not q.has("metrics.projected_through"):
        return
    onto = q.text("metrics.projected_onto")
    other = q.text("metrics.projected_through")
    writer.add(
        f"Projected onto {onto}",
        f"The graph is two-mode, so it was projected onto {onto} through shared {other} "
        f"(weights = number shared): {q.count('metrics.projected_vertex_count', onto)} linked "
        f"by {q.count('metrics.projected_edge_count', 'pair')}, from "
        f"{q.count('metrics.two_mode_vertex_count', 'vertex')} and "
        f"{q.count('metrics.two_mode_edge_count', 'edge')} of the two-mode graph.",
        0.5,
        q,
        kind="context",
    )


def _leader_text(q: Any, index: int, group: Group) -> str:
    leader = str(group.leader)
    # A label that is an e-mail address (or missing) is never printed: the id stands in.
    label = display_label(Entity(id=leader, value=0.0, label=group.leader_label or ""))
    shown = (
        f"{q.text(f'groups[{index}].leader_label')} ({q.text(f'groups[{index}].leader')})"
        if label != leader
        else q.text(f"groups[{index}].leader")
    )
    return (
        f"{shown} leads the group of {q.num(f'groups[{index}].size')} "
        f"(score {q.num(f'groups[{index}].leader_score')})"
    )


def _group_leaders(writer: ReportWriter) -> None:
    """Answer "who leads each group" in the groups' own report (a composed question).

    With `AnalysisTemplate.ranked_within`, the engine ranked each group's members inside the
    group (`gaai_graph.engines.composed`): the leader is named with its score there and the
    group's size. Without it (a template from elsewhere that still asks), the member with the
    most links in the projection stands in, and the answer says so.
    """
    execution = writer.execution
    if "importance" not in writer.template.intents or not execution.groups:
        return
    listed = [
        index
        for index, group in enumerate(execution.groups[:LEADERS_LISTED])
        if group.size >= 2 and (group.leader or group.members_sample)
    ]
    if not listed:
        return
    q = writer.quoter()
    ranked = any(execution.groups[i].leader for i in listed)
    if ranked:
        listed = [i for i in listed if execution.groups[i].leader]
        leaders = [str(execution.groups[i].leader) for i in listed]
        how = q.text("metrics.leaders_ranked_by") if q.has("metrics.leaders_ranked_by") else ""
        parts = [_leader_text(q, i, execution.groups[i]) for i in listed]
        text = (
            f"{q.count('group_count', 'group')} found; the leader of each, by {how} "
            "computed inside its own group: " + "; ".join(parts) + "."
        )
        convention = (
            f"for each of the largest groups, largest first, the member with the highest {how} "
            "computed inside the group"
        )
    else:
        leaders = [execution.groups[i].members_sample[0] for i in listed]
        parts = [
            f"{q.text(f'groups[{i}].members_sample[0]')} leads the group of "
            f"{q.num(f'groups[{i}].size')}"
            for i in listed
        ]
        text = "Who leads each group (its member with the most links): " + "; ".join(parts) + "."
        convention = (
            "the member with the most links in the projection, for each of the largest "
            "groups, largest group first"
        )
    writer.add("The answer", text, 0.7, q, leaders)
    if writer.answer is None:
        writer.answer = {
            "kind": "entities",
            "value": leaders,
            "convention": convention,
            "method": execution.algorithm,
        }


def composed_findings(writer: ReportWriter) -> None:
    """What a composed template adds to its method's findings.

    The projection of a two-mode graph onto one side (said as context), and the leader of
    each group when the question asks who leads each (the answer, stated first).
    """
    _projection_finding(writer)
    _group_leaders(writer)
