"""Turn one execution result into a written report (rule path).

The method's own interpreter (declared in its module under `gaai_graph.methods`) writes the
findings with a `gaai_graph.methods.writing.ReportWriter`; this module adds what every report
has: the data-quality note, the vertical's standing actions, the summary and the failed
report. How insights are backed by evidence and how confidence is derived is documented in
`gaai_graph.methods.writing`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import get_args

from gaai_graph.evidence.findings import order_findings
from gaai_graph.methods.answering import composed_findings
from gaai_graph.methods.registry import METHODS
from gaai_graph.methods.scores import leader_recommendation, score_findings
from gaai_graph.methods.writing import (
    ReportWriter,
    check_insight,
    confidence,
    count_at_least,
    display_label,
    format_number,
    format_percent,
    priority_for,
    result_measures,
    unbacked_numbers,
)
from gaai_graph.models import (
    AnalysisTemplate,
    ExecutionResult,
    Insight,
    Intent,
    Recommendation,
    Report,
    Requirement,
    UseCase,
    Vertical,
)
from gaai_graph.nodes.report_findings import report_findings

__all__ = [
    "INTENT_BY_ALGORITHM",
    "check_insight",
    "confidence",
    "count_at_least",
    "display_label",
    "format_number",
    "format_percent",
    "intent_of",
    "result_measures",
    "unbacked_numbers",
    "write_report_by_rules",
]

INTENT_BY_ALGORITHM: dict[str, Intent] = {
    name: method.use_case_intents[0] for name, method in METHODS.items() if method.use_case_intents
}
"""The intent a method answers when no use case says otherwise (from its module)."""

_INTENTS: tuple[Intent, ...] = get_args(Intent)

_VOCABULARY_OF: dict[str, str] = {
    "influence": "importance",
    "hubs": "importance",
    "communities": "communities",
    "rings": "shared_identifiers",
    "brokers": "brokers",
    "cohesion": "cohesion",
    "cycles": "cycles",
}
"""A use-case intent in the question vocabulary (for reports of templates that carry none)."""

_QUESTIONS: dict[str, str] = {
    "influence": "Who holds influence in the network?",
    "hubs": "Which entities are the most connected hubs?",
    "brokers": "Who brokers between otherwise separate parts of the network?",
    "cohesion": "Where is the network most tightly knit?",
    "communities": "Which communities does the network fall into?",
    "rings": "Are there suspicious rings of entities sharing the same resources?",
    "cycles": "Are there cycles in which entities reach each other in a loop?",
}


# Error text -> how to fix it, for the one recommendation of a failed report.
_FIXES: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (
        ("unknown collection", "not found", "does not exist", "no such", "missing"),
        "Check the projection's collections",
        "The analysis names collections or vertices the source does not hold. Re-run schema "
        "analysis on this source, or edit the template's projection to use existing "
        "collections.",
    ),
    (
        ("parameter",),
        "Fix the template's parameters",
        "The engine rejected a parameter. Use the accepted names and ranges from the algorithm "
        "registry, or drop the parameter to use its default.",
    ),
    (
        ("no vertices", "no edges", "empty"),
        "Choose a projection that holds edges",
        "The projection is empty. Add the edge collections that connect its vertex "
        "collections, or pick other collections.",
    ),
    (
        ("timeout", "timed out", "memory", "too large"),
        "Reduce the work for this analysis",
        "The engine ran out of time or memory. Narrow the projection, sample (e.g. fewer "
        "betweenness sources), or run on an engine with more resources.",
    ),
    (
        ("connection", "refused", "unreachable", "unavailable", "503", "502"),
        "Check the engine connection",
        "The engine could not be reached. Check its address and credentials, then resume the run.",
    ),
)


def intent_of(template: AnalysisTemplate, use_cases: Iterable[UseCase]) -> Intent:
    """Return the intent of the use case `template` answers, or the algorithm's default.

    Args:
        template: The executed template.
        use_cases: The run's use cases (any iterable).

    Returns:
        The use case's intent when one matches `template.use_case_id`, else the intent the
        algorithm usually answers.
    """
    for use_case in use_cases:
        if use_case.id == template.use_case_id:
            return use_case.intent
    return INTENT_BY_ALGORITHM.get(template.algorithm, "influence")


def _data_quality_finding(writer: ReportWriter) -> None:
    q = writer.quoter()
    if not q.has("metrics.skipped_edges") or q.value("metrics.skipped_edges") <= 0:
        return
    description = (
        f"{q.count('metrics.skipped_edges', 'edge')} "
        f"{'was' if q.value('metrics.skipped_edges') == 1 else 'were'} left out because an "
        "endpoint lies outside the projection or is missing"
    )
    if q.has("metrics.edge_count"):
        description += f"; results describe the remaining {q.count('metrics.edge_count', 'edge')}"
    description += "."
    writer.add("Edges left out", description, 0.5, q, kind="context")


def _vertical_recommendations(writer: ReportWriter) -> list[Recommendation]:
    """The vertical's standing actions for this intent.

    They are policies, not lists of suspects: the entities to act on are named by the
    result-specific recommendations, so these carry none rather than repeating one list.
    """
    asked = writer.template.intents
    if asked and _VOCABULARY_OF.get(writer.intent) not in asked:
        # The stock actions fit only a question read as that intent: a sole-dependency
        # report is no occasion to "invite the top-ranked customers to the ambassador
        # programme".
        return []
    texts = writer.vertical.recommendations.get(writer.intent, [])
    if not texts:
        return []
    strongest = writer.signal()
    return [
        Recommendation(title=_title_of(text), description=text, priority=priority_for(strongest))
        for text in texts
        if _fits_projection(text, writer)
    ]


_PEOPLE_WORDS = frozenset(
    {"customer", "shopper", "buyer", "user", "account", "member", "client", "person", "people"}
)
"""Words a vertical uses interchangeably for the people in a graph."""


def _fits_projection(text: str, writer: ReportWriter) -> bool:
    """Whether a vertical's action speaks about what this analysis covered.

    A vertical's actions for an intent are written for its typical entities ("secure supply
    for hub products"); the same intent on other collections (hub devices) must not receive
    them. An action is kept when it names none of the vertical's entity words, or at least one
    that matches a collection of the projection, or speaks of people (customer, account...)
    while the projection holds people. Entity words double as verbs ("for review"), so a
    people word is enough to keep an action.
    """
    lowered = text.lower()
    named = {
        fragment.lower()
        for fragment in writer.vertical.entity_terms
        if re.search(rf"\b{re.escape(fragment.lower())}", lowered)
    }
    if not named:
        return True
    projection = writer.execution.projection or writer.template.projection
    names = [name.lower() for name in projection.vertex_collections]
    if any(fragment in name for fragment in named for name in names):
        return True
    people = any(word in name for word in _PEOPLE_WORDS for name in names)
    term_of = {f.lower(): term.lower() for f, term in writer.vertical.entity_terms.items()}
    speaks_of_people = any(re.search(rf"\b{word}", lowered) for word in _PEOPLE_WORDS) or any(
        term_of.get(fragment, "") in _PEOPLE_WORDS for fragment in named
    )
    return people and speaks_of_people


def _title_of(text: str) -> str:
    """A title from a recommendation sentence: its whole first clause, never cut mid-clause.

    The clause ends at the first colon, semicolon, full stop or dash, or at a comma opening a
    subordinate clause (", so ...", ", since ...", ", and measure ..."). A comma inside a list
    ("campaigns, newsletters and recommendations") does not end it, so the title keeps the
    whole action. A sentence with none of these is its own title.
    """
    clause = re.split(r"[:;.—]| - ", text.strip(), maxsplit=1)[0].strip()
    clause = _SUBORDINATE_COMMA.split(clause, maxsplit=1)[0].strip()
    return clause or text.strip()


_SUBORDINATE_COMMA = re.compile(
    r",\s+(?=(?:so|since|because|as|which|while|when|before|after|then|and)\b)",
    re.IGNORECASE,
)
"""A comma followed by a word that opens a subordinate or a second clause."""


def _insight_rank(insight: Insight) -> tuple[bool, float]:
    """Findings before context, then by confidence; sort descending."""
    return (insight.kind == "finding", insight.confidence)


def _summary(writer: ReportWriter, requirements: list[Requirement]) -> str:
    asked = writer.template.intents
    # The use-case intent's stock question and reading fit only when the question was read
    # as that intent (a route question is no "who holds influence").
    stock = not asked or _VOCABULARY_OF.get(writer.intent) in asked
    question = _QUESTIONS.get(writer.intent, "") if stock else ""
    method = METHODS.get(writer.execution.algorithm)
    algorithm = method.long_name if method is not None else writer.execution.algorithm
    ranked = sorted(writer.findings, key=lambda f: _insight_rank(f.insight), reverse=True)
    # The direct answer, when the question asked for one, comes first.
    answer = next((f for f in ranked if f.insight.title == "The answer"), None)
    if answer is not None:
        ranked.remove(answer)
    parts = [answer.insight.description] if answer is not None else []
    parts.append(f"{question} Answered with {algorithm}.".strip())
    if ranked:
        parts.append(ranked[0].insight.description)
        if len(ranked) > 1:
            parts.append(ranked[1].insight.description)
    else:
        parts.append("The result holds no vertices to interpret.")
    reading = writer.vertical.interpretation.get(writer.intent) if stock else None
    if reading and _fits_projection(reading, writer):
        parts.append(f"In {writer.vertical.title}: {reading.strip()}")
    if requirements:
        parts.append(f"This addresses {', '.join(r.id for r in requirements)}.")
    return " ".join(part.strip() for part in parts if part.strip())


FAILED_REPORT_METRICS: tuple[str, ...] = ("vertex_count", "edge_count", "runtime_seconds")
"""Metrics every report carries; a failed one keeps what its execution measured, else null."""


def _failed_report(
    template: AnalysisTemplate, execution: ExecutionResult, base: dict[str, object]
) -> Report:
    error = execution.error or "the engine reported a failure without a message"
    lowered = error.lower()
    recommendations = [
        Recommendation(title=title, description=description, priority="high")
        for keywords, title, description in _FIXES
        if any(keyword in lowered for keyword in keywords)
    ][:1]
    # The contract's size and time keys are always present; what the failed execution did not
    # measure (no projection built, no run) stays null rather than a made-up zero.
    metrics = {name: None for name in FAILED_REPORT_METRICS} | dict(execution.metrics)
    return Report.model_validate(
        {
            **base,
            "metrics": metrics,
            "status": "failed",
            "error": error,
            "summary": (
                f"The analysis '{template.title}' ({template.algorithm}) failed, so this "
                f"question is unanswered: {error}"
            ),
            "insights": [],
            "recommendations": recommendations,
        }
    )


def write_report_by_rules(
    template: AnalysisTemplate,
    execution: ExecutionResult,
    vertical: Vertical,
    requirements: list[Requirement],
    intent: str | None = None,
) -> Report:
    """Write the report of one executed template from rules.

    Args:
        template: The template that ran.
        execution: The engine's summary of the whole result.
        vertical: The industry profile, for vocabulary, interpretation and actions.
        requirements: The requirements the template answers.
        intent: The use case's intent; defaults to the one the algorithm usually answers.

    Returns:
        A report carrying the result fields unchanged plus summary, insights (ordered by
        confidence, each backed by evidence from the result) and recommendations. A failed
        execution gives a failed report with at most one fix-it recommendation.
    """
    resolved: Intent = next(
        (known for known in _INTENTS if known == intent),
        INTENT_BY_ALGORITHM.get(template.algorithm, "influence"),
    )
    base: dict[str, object] = {
        "template_id": template.id,
        "use_case_id": template.use_case_id,
        "requirement_ids": list(template.requirement_ids),
        "title": template.title,
        "algorithm": execution.algorithm or template.algorithm,
        "parameters": dict(execution.parameters or template.parameters),
        "projection": execution.projection or template.projection,
        **execution.result_fields(),
        "generated_by": "rules",
        "intents": list(template.intents) or [_VOCABULARY_OF.get(resolved, "importance")],
        "method": execution.algorithm or template.algorithm,
        "weight_attribute": (execution.parameters or template.parameters).get("weight_attribute"),
        "projected_onto": (execution.parameters or template.parameters).get("onto")
        or execution.metrics.get("projected_onto")
        or None,
    }
    # Design caveats (a requested algorithm replaced, or named for another question) follow
    # the engine's own notes, whose positions insights may cite.
    notes = [*execution.notes, *(n for n in template.notes if n not in execution.notes)]
    base["notes"] = notes
    if execution.status == "failed":
        return _failed_report(template, execution, base)

    writer = ReportWriter(template, execution, vertical, resolved, result_measures(execution))
    method = METHODS.get(execution.algorithm)
    if method is not None and method.interpret is not None:
        method.interpret(writer)
    else:
        # A method without an interpreter of its own is read as a ranking.
        score_findings(writer, "score")
        leader_recommendation(writer)
    composed_findings(writer)
    _data_quality_finding(writer)
    writer.name_entities()
    # The contract's order in every report: alarms, then confidence, magnitude, first id.
    writer.patterns = order_findings(writer.patterns)

    # Findings (actionable, surprising) lead; context follows; each by confidence.
    insights = sorted((f.insight for f in writer.findings), key=_insight_rank, reverse=True)
    recommendations = [*writer.extra_recommendations, *_vertical_recommendations(writer)]
    order = {"high": 0, "medium": 1, "low": 2}
    recommendations.sort(key=lambda r: order[r.priority])
    return Report.model_validate(
        {
            **base,
            "status": "succeeded",
            "error": None,
            "summary": _summary(writer, requirements),
            "insights": insights,
            "recommendations": recommendations,
            "answer": writer.answer or execution.answer,
            "findings": report_findings(writer),
        }
    )
