"""How ranking methods are read: concentration of the score, the leader, the action.

Shared by every method that scores each vertex (centrality, coreness, triangles). The Gini
coefficient measures concentration (Gini, "Variabilità e mutabilità", 1912); a leader is
compared with the median vertex.
"""

from __future__ import annotations

import math
from typing import Any, Literal

from gaai_graph.methods.base import Adapter, Interpreter, Plan
from gaai_graph.methods.topology import SchemaTopology
from gaai_graph.methods.writing import (
    LEADER_FINDING_RATIO,
    LISTED_TIES_SHOWN,
    Quoter,
    ReportWriter,
    _number,
    display_label,
    priority_for,
)
from gaai_graph.models import Recommendation, UseCase
from gaai_graph.words import join_names

__all__ = ["leader_finding", "leader_recommendation", "score_findings", "scoring_adapter"]


def score_findings(
    writer: ReportWriter,
    score: str,
    *,
    specifics: Interpreter | None = None,
    zero_said_by_specifics: bool = False,
    state_approximation: bool = False,
) -> None:
    """Insights for methods that score every vertex: concentration, leader, then specifics.

    Args:
        writer: The report being written.
        score: What the score is called in prose ("PageRank score").
        specifics: The method's own insights, written after the shared ones.
        zero_said_by_specifics: When every score is 0, the specifics say so (a census), so
            the shared "no vertex has any" insight is left out.
        state_approximation: Quote the engine's approximation (sampling) in the
            concentration insight.
    """
    execution = writer.execution
    statistics = execution.statistics
    if statistics is None or statistics.count == 0:
        return
    population = writer.population()

    if statistics.max == 0 and statistics.min == 0:
        # Nothing to rank or to call concentrated: say so once (the triangle census does).
        if not zero_said_by_specifics:
            q = writer.quoter()
            writer.add(
                f"No vertex has any {score}",
                f"All {q.count('statistics.count', writer.population(plural=False))} have a "
                f"{score} of {q.num('statistics.max')}.",
                0.7,
                q,
                actionable=False,
            )
        if specifics is not None:
            specifics(writer)
        return

    # Concentration: strength = max(gini, 1 - gini), so a clearly unequal or clearly even
    # distribution is a firm finding and a middling Gini a weak one.
    q = writer.quoter()
    gini = statistics.gini
    if gini >= 0.6:
        band = "highly concentrated"
    elif gini >= 0.3:
        band = "moderately concentrated"
    else:
        band = "evenly spread"
    title = f"{score[0].upper()}{score[1:]} is {band}"
    description = (
        f"Across {q.count('statistics.count', writer.population(plural=False))}, {score} "
        f"is {band}: the Gini "
        f"coefficient is {q.num('statistics.gini')} and the top-ranked {population} (the "
        f"report's top-k) hold {q.pct('statistics.top_k_share')} of the total."
    )
    if state_approximation and writer.approximate:
        if q.has("metrics.approximation"):
            description += f" Scores are approximate: {q.text('metrics.approximation')}."
        else:
            note = next((i for i, n in enumerate(execution.notes) if "sampl" in n.lower()), None)
            if note is not None:
                description += f" Scores are approximate: {q.text(f'notes[{note}]')}."
    # Only a concentrated score calls for action; an even spread is context.
    kind: Literal["finding", "context"] = "finding" if gini >= 0.6 else "context"
    writer.add(title, description, max(gini, 1 - gini), q, kind=kind)

    if execution.top_entities and execution.top_entities[0].value > 0:
        leader_finding(writer, score, population)
    if specifics is not None:
        specifics(writer)


def leader_finding(writer: ReportWriter, score: str, population: str) -> None:
    """The top-ranked entity, or the entities tied for first, against the median.

    Whether the top is a finding (an alarm) or the ordinary top of the distribution is judged
    by the engine against every score ranked (`gaai_graph.evidence.leaders.ranking_evidence`,
    metrics ``rank_0_*``); its confidence is that evidence's. Results without that evidence
    (older engines) fall back to the ratio to the median.
    """
    execution = writer.execution
    top = execution.top_entities[0]
    q = writer.quoter()
    tied = int(_number(writer.measures.get("derived.top_tie_count")) or 1)
    related = [e.id for e in execution.top_entities[: max(5, min(tied, LISTED_TIES_SHOWN))]]
    judged = writer.measures.get("metrics.rank_0_unusual")
    judged_confidence = _number(writer.measures.get("metrics.rank_0_confidence"))
    if q.has("derived.top_to_median_ratio"):
        ratio = q.value("derived.top_to_median_ratio")
        against = (
            f"{q.times('derived.top_to_median_ratio')} the median of {q.num('statistics.median')}"
        )
        # A leader 100× the median is unmistakable; 1× is no signal at all.
        strength = min(1.0, max(0.0, math.log10(max(ratio, 1.0)) / 2))
        kind: Literal["finding", "context"] = (
            "finding" if ratio >= LEADER_FINDING_RATIO else "context"
        )
    else:
        against = None
        strength = 0.8
        kind = "finding"
    if isinstance(judged, bool):
        kind = "finding" if judged and tied <= 1 else "context"
    value = q.num("top_entities[0].value")
    if tied <= 1:
        description = f"{q.entity(0, top)} ranks first with a {score} of {value}"
        description += (
            f", {against}."
            if against
            else f" while the median vertex scores {q.num('statistics.median')}: at least half "
            f"of the {population} have no {score} at all."
        )
        if isinstance(judged, bool):
            description += " " + _standing(q, judged, population)
            related = [top.id] if judged else related
        title = (
            f"{display_label(top)} leads by {score}"
            if kind == "finding" or not isinstance(judged, bool)
            else f"{display_label(top)} tops an ordinary ranking by {score}"
        )
    else:
        exact = bool(writer.measures.get("derived.top_tie_count_is_exact"))
        count = q.num("derived.top_tie_count")
        leaders = writer.leaders()
        who = f"{count} {leaders}" if exact else f"At least {count} {leaders}"
        shown = min(tied, LISTED_TIES_SHOWN, len(execution.top_entities))
        names = ", ".join(q.entity(i, execution.top_entities[i]) for i in range(shown))
        more = "" if shown == tied else " and the others"
        description = f"{who} tie for first with a {score} of {value}"
        description += (
            f", {against}"
            if against
            else f", while the median vertex scores {q.num('statistics.median')}"
        )
        description += f": {names}{more}. No single one leads."
        if not exact:
            description += " The listing ends inside the tie; raise top_k to see all of it."
        title = f"{who} tie for first by {score}"
    insight = writer.add(title, description, strength, q, related, kind=kind)
    if isinstance(judged, bool) and judged_confidence is not None and tied <= 1:
        # The confidence is the evidence's (derived from the distribution), not the ratio's.
        insight.confidence = round(max(0.05, min(0.99, judged_confidence)), 2)


def _standing(q: Quoter, unusual: bool, population: str) -> str:
    """One sentence on whether the leader stands out against every score ranked, and why."""
    rule = q.text("metrics.rank_0_rule") if q.has("metrics.rank_0_rule") else None
    compared = f"the {q.count('metrics.ranking_compared', 'score')} ranked"
    z = q.num("metrics.rank_0_z_score") if q.has("metrics.rank_0_z_score") else None
    gap = q.num("metrics.rank_0_gap_p_value") if q.has("metrics.rank_0_gap_p_value") else None
    if unusual and rule == "beyond_strongest_tie":
        return (
            f"Beyond its single strongest tie its volume is still an outlier against "
            f"{compared} (robust z-score {z}): it carries volume over several relationships."
        )
    if unusual and rule == "baseline":
        return (
            f"It is an outlier against {compared}: robust z-score {z}, beyond what the upper "
            f"tail of the other {population} predicts."
        )
    if unusual:
        return (
            f"Its lead over the runner-up is larger than the spacing of the top scores predicts "
            f"(p = {gap} among {compared}), so it stands apart."
        )
    why = []
    if z is not None:
        why.append(f"robust z-score {z}")
    if gap is not None:
        why.append(f"lead over the runner-up p = {gap}")
    detail = f" ({', '.join(why)})" if why else ""
    return (
        f"Against {compared} this is the ordinary top of the distribution{detail}: listed, "
        "not flagged."
    )


def leader_recommendation(writer: ReportWriter) -> None:
    """Act on the top-ranked entities, in the words of the use case's intent."""
    execution = writer.execution
    if not execution.top_entities or not writer.findings or execution.top_entities[0].value <= 0:
        # Nobody scores above zero (no triangles at all): there is no one to start with.
        return
    names = ", ".join(display_label(e) for e in execution.top_entities[:3])
    population = writer.leaders()
    actions: dict[str, tuple[str, str]] = {
        "influence": (
            f"Engage the most influential {population}",
            f"Start with {names}: their reach spreads furthest through the network.",
        ),
        "hubs": (
            "Protect and use the top hubs",
            f"Start with {names}: they touch the most connections, so outages or changes there "
            "affect the most neighbours.",
        ),
        "brokers": (
            "Watch the brokers",
            f"Start with {names}: they sit on many shortest paths and bridge otherwise separate "
            "groups.",
        ),
        "cohesion": (
            "Look inside the dense core",
            f"Start with {names}: they sit in the most tightly knit part of the network.",
        ),
    }
    title, description = actions.get(
        writer.intent,
        (f"Review the top-ranked {population}", f"Start with {names}."),
    )
    leaders = [e.id for e in execution.top_entities[:10]]
    already_named = {m for r in writer.extra_recommendations for m in r.related_entities}
    if set(leaders) <= already_named:
        # A more specific action (e.g. review the shared devices) already names every leader;
        # a second list of the same entities would add nothing.
        return
    strongest = writer.signal()
    writer.extra_recommendations.append(
        Recommendation(
            title=title,
            description=description,
            priority=priority_for(strongest),
            related_entities=leaders,
        )
    )


def scoring_adapter(name: str, label: str, parameters: dict[str, Any]) -> Adapter:
    """Run a ranking method a requirement names on the projection its intent's rule chose.

    Args:
        name: The method's registry name ("pagerank").
        label: Its short name ("PageRank").
        parameters: Its parameters on that projection.
    """

    def adapt(plan: Plan, use_case: UseCase, topology: SchemaTopology) -> Plan:
        direction = "directed" if plan.directed else "undirected"
        why = (
            f"{label} over {join_names(plan.edges)} between "
            f"{join_names(plan.vertices)} ({direction}), as the requirement asks, on the "
            f"projection chosen for {use_case.intent} questions."
        )
        return Plan(name, plan.vertices, plan.edges, plan.directed, dict(parameters), why)

    return adapt
