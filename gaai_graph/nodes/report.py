"""Turn one execution result into a written report (rule path).

The rules read only the summaries an engine computes over the *whole* result (statistics,
metrics, group counts, histograms), never the first rows of a listing, and every number a
sentence quotes is taken from a named measure and recorded as the insight's evidence.
`check_insight` re-derives those measures from the execution result, so a report that cites a
number the result does not hold is caught by the tests rather than by a reader.

Confidence of an insight (documented here because tests and readers rely on it)::

    size_factor = min(1, 0.5 + 0.125 * log10(max(vertex_count, 1)))   # 1 → 0.5, 10^4+ → 1.0
    confidence  = clamp(strength * size_factor * (0.85 if approximate else 1), 0.05, 0.99)

where `strength` in 0..1 says how clear the signal is (documented at each rule), and
`approximate` is true when the engine sampled (e.g. betweenness from a sample of sources).
Recommendation priority follows the confidence of the finding it rests on:
high ≥ 0.7, medium ≥ 0.45, low otherwise.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Literal, get_args

from gaai_graph.methods.writing import (
    LEADER_FINDING_RATIO,
    LISTED_TIES_SHOWN,
    ReportWriter,
    _collection_of,
    _is_main_component,
    _number,
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
from gaai_graph.words import noun_for

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
    "pagerank": "influence",
    "degree": "hubs",
    "betweenness": "brokers",
    "kcore": "cohesion",
    "triangles": "cohesion",
    "louvain": "communities",
    "leiden": "communities",
    "label_propagation": "communities",
    "wcc": "rings",
    "scc": "cycles",
}
"""The intent an algorithm answers when no use case says otherwise."""

ALGORITHM_NAMES: dict[str, str] = {
    "pagerank": "PageRank",
    "degree": "degree",
    "betweenness": "betweenness centrality",
    "kcore": "k-core decomposition",
    "triangles": "triangle counting",
    "louvain": "Louvain",
    "leiden": "Leiden",
    "label_propagation": "label propagation",
    "wcc": "weakly connected components",
    "scc": "strongly connected components",
}

_SCORE_NAMES: dict[str, str] = {
    "pagerank": "PageRank score",
    "degree": "degree",
    "betweenness": "betweenness",
    "kcore": "coreness",
    "triangles": "triangle count",
}

_INTENTS: tuple[Intent, ...] = get_args(Intent)

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


# --------------------------------------------------------------------------- helpers


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


def _score_findings(writer: ReportWriter) -> None:
    """Insights for algorithms that score every vertex (concentration, leader, specifics)."""
    execution = writer.execution
    statistics = execution.statistics
    if statistics is None or statistics.count == 0:
        return
    score = _SCORE_NAMES.get(execution.algorithm, "score")
    if execution.algorithm == "triangles" and execution.parameters.get("score") == "clustering":
        score = "local clustering coefficient"
    population = writer.population()

    if statistics.max == 0 and statistics.min == 0:
        # Nothing to rank or to call concentrated: say so once (the triangle census does).
        if execution.algorithm != "triangles":
            q = writer.quoter()
            writer.add(
                f"No vertex has any {score}",
                f"All {q.count('statistics.count', writer.population(plural=False))} have a "
                f"{score} of {q.num('statistics.max')}.",
                0.7,
                q,
                actionable=False,
            )
        _score_specifics(writer)
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
    if execution.algorithm == "betweenness" and writer.approximate:
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
        _leader_finding(writer, score, population)
    _score_specifics(writer)


def _score_specifics(writer: ReportWriter) -> None:
    specific = {
        "degree": _degree_finding,
        "kcore": _kcore_finding,
        "triangles": _triangles_finding,
    }.get(writer.execution.algorithm)
    if specific is not None:
        specific(writer)


def _leader_finding(writer: ReportWriter, score: str, population: str) -> None:
    """The top-ranked entity, or the entities tied for first, against the median."""
    execution = writer.execution
    top = execution.top_entities[0]
    q = writer.quoter()
    tied = int(_number(writer.measures.get("derived.top_tie_count")) or 1)
    related = [e.id for e in execution.top_entities[: max(5, min(tied, LISTED_TIES_SHOWN))]]
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
    value = q.num("top_entities[0].value")
    if tied <= 1:
        description = f"{q.entity(0, top)} ranks first with a {score} of {value}"
        description += (
            f", {against}."
            if against
            else f" while the median vertex scores {q.num('statistics.median')}: at least half "
            f"of the {population} have no {score} at all."
        )
        title = f"{display_label(top)} leads by {score}"
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
    writer.add(title, description, strength, q, related, kind=kind)


def _degree_finding(writer: ReportWriter) -> None:
    q = writer.quoter()
    mode = f" ({q.text('parameters.mode')} edges)" if q.has("parameters.mode") else ""
    description = (
        f"The average vertex has {q.count('statistics.mean', 'connection')}{mode} and nine in "
        "ten "
        f"vertices have at most {q.num('statistics.p90')}, while the largest hub has "
        f"{q.num('statistics.max')}."
    )
    spread = writer.execution.statistics
    assert spread is not None
    ratio = spread.max / spread.p90 if spread.p90 > 0 else 100.0
    writer.add(
        "Hubs stand out from typical vertices",
        description,
        min(1.0, math.log10(max(ratio, 1.0)) / 1.5),
        q,
        kind="finding" if ratio >= LEADER_FINDING_RATIO else "context",
    )
    _shared_finding(writer)


def _shared_finding(writer: ReportWriter) -> None:
    """Degree of devices, cards, products...: how many are linked to two or more vertices.

    Counted by the engine over every vertex of the result collections, not the top-k.
    """
    collections = sorted(set(writer.template.result_collections))
    q = writer.quoter()
    if not collections or not q.has("metrics.result_vertices_at_least_2"):
        return
    shared = int(q.value("metrics.result_vertices_at_least_2"))
    terms = writer.terms_of(collections)
    parts = [
        f"{q.num(f'metrics.result_vertices_at_least_2_in_{name}')} of "
        f"{q.num(f'metrics.result_vertex_count_in_{name}')} {writer.term(name, plural=True)}"
        for name in collections
        if q.has(f"metrics.result_vertices_at_least_2_in_{name}")
        and q.has(f"metrics.result_vertex_count_in_{name}")
    ]
    total = _number(writer.measures.get("metrics.result_vertex_count")) or 0.0
    share = shared / total if total else 0.0
    rare = 0 < share < 0.5
    description = (
        f"{q.num('metrics.result_vertices_at_least_2')} of the "
        f"{q.num('metrics.result_vertex_count')} {terms} {'has' if shared == 1 else 'have'} "
        "two or more links in the "
        "projection, counted over the whole result"
        + (f" ({'; '.join(parts)})" if len(parts) > 1 else "")
        + (
            ". Few are linked to several others, so these few are shared: the first place to "
            "look for entities that should not be connected."
            if rare
            else "."
        )
        if shared
        else f"None of the {q.num('metrics.result_vertex_count')} {terms} has more than one link "
        "in the projection: nothing is shared."
    )
    title = (
        f"{q.num('metrics.result_vertices_at_least_2')} "
        f"{writer.terms_of(collections, plural=shared != 1)} "
        f"{'has' if shared == 1 else 'have'} two or more links"
    )
    related = [e.id for e in writer.execution.top_entities if e.value >= 2]
    # Sharing is the notable fact when it is rare (a few devices among thousands); when most
    # vertices have several links (products in many orders) it is context.
    writer.add(
        title if shared else f"No shared {terms}",
        description,
        0.5 + 0.5 * (1.0 - share),
        q,
        related,
        kind="finding" if rare else "context",
    )
    if rare:
        writer.extra_recommendations.append(
            Recommendation(
                title=f"Review the {format_number(shared)} {terms} with two or more links",
                description=(
                    f"Check who shares each of them, starting with the most linked: "
                    f"{', '.join(related[:10]) or 'see the top entities'}. Block or step up "
                    "checks on those used by unrelated accounts."
                ),
                priority=priority_for(writer.findings[-1].insight.confidence),
                related_entities=related,
            )
        )


def _kcore_finding(writer: ReportWriter) -> None:
    """Lead with the innermost core: its k and how many vertices it holds (whole result)."""
    statistics = writer.execution.statistics
    assert statistics is not None
    q = writer.quoter()
    depth = statistics.max / statistics.median if statistics.median > 0 else statistics.max
    strength = min(1.0, 0.3 + math.log2(max(depth, 1.0)) / 4)
    kind: Literal["finding", "context"] = "finding" if depth >= 2 else "context"
    if q.has("metrics.max_coreness") and q.has("metrics.vertices_in_max_core"):
        k, size = q.num("metrics.max_coreness"), q.num("metrics.vertices_in_max_core")
        description = (
            f"The innermost core has k = {k} and holds {size} vertices: each keeps at least "
            f"{k} neighbours inside it"
        )
        result = sorted(set(writer.template.result_collections))
        if result and q.has("metrics.result_vertices_at_max"):
            description += (
                f"; {q.num('metrics.result_vertices_at_max')} of them are {writer.terms_of(result)}"
            )
        description += f". The median coreness is {q.num('statistics.median')}."
        title = f"Innermost core: k = {k}, {size} vertices"
        members = [e.id for e in writer.execution.top_entities if e.value == statistics.max]
        writer.add(title, description, max(strength, 0.5), q, members, kind=kind)
        return
    description = (
        f"The innermost core has coreness {q.num('statistics.max')}: each of its vertices keeps "
        f"at least that many neighbours inside it, against a median coreness of "
        f"{q.num('statistics.median')}."
    )
    writer.add(
        "A dense core exists" if depth >= 2 else "No pronounced dense core",
        description,
        strength,
        q,
        kind=kind,
    )


def _triangles_finding(writer: ReportWriter) -> None:
    statistics = writer.execution.statistics
    assert statistics is not None
    q = writer.quoter()
    if q.has("metrics.triangle_count"):
        _triangle_census(writer)
        return
    if q.has("derived.triangle_count"):
        description = (
            f"The projection holds {q.count('derived.triangle_count', 'triangle')}; the average "
            f"vertex sits in {q.num('statistics.mean')} of them and the median in "
            f"{q.num('statistics.median')}."
        )
        strength = min(1.0, 0.3 + math.log10(max(statistics.total / 3, 1.0)) / 5)
        title = "Closed triangles show local cohesion"
    else:
        description = (
            f"The mean local clustering coefficient is {q.num('statistics.mean')} (median "
            f"{q.num('statistics.median')}): that share of a vertex's neighbour pairs are "
            "themselves connected."
        )
        strength = statistics.mean
        title = "Local clustering"
    writer.add(title, description, strength, q)


def _triangle_census(writer: ReportWriter) -> None:
    """Triangles and clustering as the engine counted them over the whole projection."""
    q = writer.quoter()
    triangles = q.value("metrics.triangle_count")
    description = f"The projection holds {q.count('metrics.triangle_count', 'triangle')}"
    if q.has("metrics.vertices_in_triangles") and q.has("metrics.vertex_count"):
        inside = q.value("metrics.vertices_in_triangles")
        description += (
            f"; {q.num('metrics.vertices_in_triangles')} of its "
            f"{q.count('metrics.vertex_count', 'vertex')} {'sits' if inside == 1 else 'sit'} in "
            "at least one"
        )
    description += "."
    if q.has("metrics.average_clustering"):
        description += (
            " The average local clustering coefficient (the share of a vertex's neighbour "
            f"pairs that are tied to each other) is {q.num('metrics.average_clustering')}"
        )
        if q.has("metrics.transitivity"):
            description += (
                ", and the transitivity (the share of all connected triples that close into "
                f"a triangle) is {q.num('metrics.transitivity')}"
            )
        description += "."
    if triangles == 0:
        description += " Without triangles, no three entities are all tied to each other."
        writer.add("No closed triangles", description, 0.7, q, actionable=False)
        return
    related = [e.id for e in writer.execution.top_entities[:5] if e.value > 0]
    strength = min(1.0, 0.3 + math.log10(max(triangles, 1.0)) / 5)
    writer.add("Closed triangles show local cohesion", description, strength, q, related)


def _modularity_band(modularity: float) -> str:
    if modularity > 0.5:
        return "strong"
    if modularity >= 0.3:
        return "moderate"
    return "weak"


def _community_findings(writer: ReportWriter) -> None:
    execution = writer.execution
    algorithm = ALGORITHM_NAMES.get(execution.algorithm, execution.algorithm)
    if execution.group_count is not None:
        q = writer.quoter()
        if q.has("metrics.modularity"):
            modularity = q.value("metrics.modularity")
            band = _modularity_band(modularity)
            description = (
                f"{algorithm.capitalize()} split {q.count('metrics.vertex_count', 'vertex')} "
                f"into {q.count('group_count', 'community')} with a modularity of "
                f"{q.num('metrics.modularity')}, a {band} partition: "
                + {
                    "strong": "members link far more inside their community than across.",
                    "moderate": "communities are real but overlap noticeably.",
                    "weak": "the boundaries are barely denser than chance would give.",
                }[band]
            )
            # 0.7 modularity is about the best real networks reach.
            strength = max(0.0, modularity) / 0.7
            writer.add(
                f"{band.capitalize()} community structure",
                description,
                strength,
                q,
                kind="finding" if band == "strong" else "context",
            )
        elif q.has("metrics.vertex_count"):
            description = (
                f"{algorithm.capitalize()} split {q.count('metrics.vertex_count', 'vertex')} "
                f"into {q.count('group_count', 'community')}; the engine reported no "
                "modularity, so their quality is not measured."
            )
            writer.add("Communities found", description, 0.4, q, kind="context")
    _largest_group_finding(writer, "community")
    _singleton_finding(writer, "belong to no community with anyone else")


def _largest_group_finding(writer: ReportWriter, noun: str) -> None:
    execution = writer.execution
    if not execution.groups:
        return
    q = writer.quoter()
    if not q.has("derived.largest_group_share"):
        return
    share = q.value("derived.largest_group_share")
    members = writer.composition_words(0, q)
    description = (
        f"The largest {noun} holds {q.count('groups[0].size', 'vertex')}, "
        f"{q.pct('derived.largest_group_share')} of the graph"
        + (f": {members}." if members else ".")
    )
    if share > 0.5:
        title = f"One {noun} dominates"
    else:
        title = f"The largest {noun} holds a minority of vertices"
    # A bigger largest group is the more notable fact either way.
    writer.add(
        title,
        description,
        min(1.0, 0.4 + share),
        q,
        execution.groups[0].members_sample,
        kind="finding" if share > 0.5 else "context",
    )


def _singleton_finding(writer: ReportWriter, reading: str) -> None:
    q = writer.quoter()
    if not q.has("derived.singleton_share") or q.value("metrics.singleton_count") == 0:
        return
    share = q.value("derived.singleton_share")
    description = (
        f"{q.count('metrics.singleton_count', 'vertex')} ({q.pct('derived.singleton_share')}) "
        f"{reading}."
    )
    writer.add("Isolated vertices", description, min(1.0, 0.3 + share), q, kind="context")


def _ring_findings(writer: ReportWriter) -> None:
    """Weakly connected components: the giant one, then small rings beside it."""
    execution = writer.execution
    q = writer.quoter()
    if execution.group_count is not None and q.has("derived.largest_group_share"):
        share = q.value("derived.largest_group_share")
        description = (
            f"The graph falls into {q.count('group_count', 'connected component')}; the "
            f"largest joins {q.count('groups[0].size', 'vertex')} "
            f"({q.pct('derived.largest_group_share')})."
        )
        writer.add("Connectivity", description, min(1.0, 0.4 + share / 2), q, kind="context")

    q = writer.quoter()
    result = sorted(set(writer.template.result_collections))
    by_members = bool(result) and q.has("derived.rings_beyond_main_component")
    main = _is_main_component(writer.measures)
    # A ring is a group with two or more members of the collections the question is about
    # (two customers sharing a device); one customer with their own devices is no ring.
    # Without result collections, a group of three or more vertices beside the largest.
    rings = [
        i
        for i, _ in enumerate(execution.groups)
        if not (i == 0 and (main or not by_members))
        and (writer.result_members(i) >= 2 if by_members else execution.groups[i].size >= 3)
    ]
    if by_members:
        count = int(q.value("derived.rings_beyond_main_component"))
        people = writer.terms_of(result)
        linked = [
            c
            for c in (execution.projection or writer.template.projection).vertex_collections
            if c not in result
        ]
        through = f" through shared {writer.terms_of(linked)}" if linked else ""
        groups = q.count("derived.rings_beyond_main_component", "connected group")
        holds = "holds" if count == 1 else "each hold"
        headline = f"{groups} {holds} two or more {people} tied together{through}"
        if main:
            headline += f", apart from the main component of {q.count('groups[0].size', 'vertex')}"
        ordinary = (
            f" A group holding a single one of the {people} (with only their own resources) "
            "is not counted."
        )
    elif q.has("derived.rings_beyond_largest"):
        count = int(q.value("derived.rings_beyond_largest"))
        headline = (
            f"{q.count('derived.rings_beyond_largest', 'component')} of three or more "
            f"vertices {'stands' if count == 1 else 'stand'} apart from the largest one"
        )
        ordinary = ""
    elif q.has("derived.nontrivial_group_count"):
        # The histogram cannot isolate size ≥ 3, so count every multi-vertex component.
        count = max(int(q.value("derived.nontrivial_group_count")) - 1, 0)
        headline = (
            f"Of {q.count('derived.nontrivial_group_count', 'component')} with two or more "
            "vertices, "
            "all but the largest stand apart from the main graph"
        )
        ordinary = ""
    else:
        count = len(rings)
        headline = "Components of three or more vertices stand apart from the largest one"
        ordinary = ""
    if count == 0:
        description = (
            "No connected group beside the main one holds two or more of the "
            f"{writer.terms_of(result)}: they do not form rings around shared resources."
            if by_members
            else "No component of three or more vertices exists beside the largest one: "
            "entities do not form separate rings around shared resources."
        )
        writer.add("No isolated rings", description, 0.6, q, actionable=False)
        _singleton_finding(writer, "connect to nothing else in the projection")
        return
    example = ""
    if rings:
        first = rings[0]
        composition = writer.composition_words(first, q)
        members = ", ".join(
            q.text(f"groups[{first}].members_sample[{i}]")
            for i in range(min(3, len(execution.groups[first].members_sample)))
        )
        example = f"; the biggest has {q.count(f'groups[{first}].size', 'vertex')}"
        if composition:
            example += f" ({composition})"
        if members:
            example += f", e.g. {members}"
    description = (
        f"{headline}{example}. Such islands of entities sharing the same resources are "
        f"typical of coordinated rings.{ordinary}"
    )
    related = [member for i in rings for member in execution.groups[i].members_sample]
    # One ring is worth a look; a dozen is a pattern. Counting accounts that share resources
    # is a direct observation, firmer than the size-only reading without result collections.
    base = 0.6 if by_members else 0.4
    writer.add(
        "Suspicious rings", description, min(1.0, base + 0.15 * math.log2(1 + count)), q, related
    )
    if rings:
        writer.extra_recommendations.append(_ring_review(writer, rings, count, result))
    _singleton_finding(writer, "connect to nothing else in the projection")


def _ring_review(
    writer: ReportWriter, rings: list[int], count: int, result: list[str]
) -> Recommendation:
    """Review every listed ring, naming each ring's members (all of them up to 25)."""
    execution = writer.execution
    wanted = set(result)
    lines = []
    for number, index in enumerate(rings, start=1):
        group = execution.groups[index]
        accounts = [m for m in group.members_sample if not wanted or _collection_of(m) in wanted]
        listed = ", ".join(accounts or group.members_sample)
        partial = len(group.members_sample) < group.size
        lines.append(
            f"ring {number} ({format_number(group.size)} {noun_for(group.size, 'vertex')}"
            + (", sample" if partial else "")
            + f"): {listed}"
        )
    unlisted = count - len(rings)
    more = ""
    if unlisted > 0:
        more = (
            f" {format_number(unlisted)} more "
            + ("ring is" if unlisted == 1 else "rings are")
            + " not listed here; raise the template's top_k to list every ring."
        )
    who = writer.terms_of(result) if result else "members"
    return Recommendation(
        title="Review the ring" if len(rings) == 1 else f"Review all {len(rings)} listed rings",
        description=(
            f"Send the {who} of each ring for review, largest first, and check which devices, "
            f"cards or addresses they share: {'; '.join(lines)}.{more}"
        ),
        priority=priority_for(writer.findings[-1].insight.confidence),
        related_entities=[m for i in rings for m in execution.groups[i].members_sample],
    )


def _cycle_findings(writer: ReportWriter) -> None:
    """Strongly connected components: groups of two or more vertices are cycles."""
    execution = writer.execution
    q = writer.quoter()
    directed = execution.metrics.get("directed")
    caveat = (
        " The projection is undirected, so these are simply connected groups."
        if directed is False
        else ""
    )
    cycles = [i for i, group in enumerate(execution.groups) if group.size >= 2]
    if q.has("derived.nontrivial_group_count"):
        count = int(q.value("derived.nontrivial_group_count"))
        counted = q.count("derived.nontrivial_group_count", "strongly connected component")
    elif execution.groups and len(cycles) < len(execution.groups):
        # The listing reached groups of size 1, so it holds every larger group.
        count = len(cycles)
        counted = "The listed strongly connected components"
    else:
        count = len(cycles)
        counted = "Strongly connected components"
    if count == 0:
        description = (
            f"Every one of the {q.num('metrics.vertex_count')} vertices is its own strongly "
            "connected component: following edge direction, nothing leads back to where it "
            f"started.{caveat}"
            if q.has("metrics.vertex_count")
            else f"No strongly connected component has two or more vertices.{caveat}"
        )
        writer.add("No cycles", description, 0.8, q, actionable=False)
        return
    largest = cycles[0]
    composition = writer.composition_words(largest, q)
    description = (
        f"{counted} with two or more vertices "
        f"{'contains a cycle' if count == 1 else 'contain cycles'}"
        f"; the largest joins {q.count(f'groups[{largest}].size', 'vertex')}"
        + (f" ({composition})" if composition else "")
        + f" that all reach each other along edge direction.{caveat}"
    )
    related = [member for i in cycles for member in execution.groups[i].members_sample]
    writer.add(
        "Cycles found", description, min(1.0, 0.45 + 0.15 * math.log2(1 + count)), q, related
    )


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


def _leader_recommendation(writer: ReportWriter) -> None:
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


def _community_recommendation(writer: ReportWriter) -> None:
    execution = writer.execution
    if not execution.groups or not writer.findings:
        return
    listed = [g for g in execution.groups[:3] if g.members_sample]
    if not listed:
        return
    examples = "; ".join(
        f"one of {format_number(g.size)} {noun_for(g.size, 'vertex')} around {g.members_sample[0]}"
        for g in listed
    )
    writer.extra_recommendations.append(
        Recommendation(
            title="Tailor actions to the largest communities",
            description=f"Treat each large community as a segment: {examples}.",
            priority=priority_for(writer.signal()),
            related_entities=[m for g in listed for m in g.members_sample],
        )
    )


def _cycle_recommendation(writer: ReportWriter) -> None:
    related = next((f.related for f in writer.findings if f.insight.title == "Cycles found"), [])
    if not related:
        return
    confidence_value = next(
        f.insight.confidence for f in writer.findings if f.insight.title == "Cycles found"
    )
    writer.extra_recommendations.append(
        Recommendation(
            title="Trace the largest cycles",
            description=(
                "Follow the edges around the largest cycles, starting from "
                f"{', '.join(related[:3])}: flows that return to their origin can hide "
                "round-tripping or circular dependencies."
            ),
            priority=priority_for(confidence_value),
            related_entities=related[:20],
        )
    )


def _vertical_recommendations(writer: ReportWriter) -> list[Recommendation]:
    """The vertical's standing actions for this intent.

    They are policies, not lists of suspects: the entities to act on are named by the
    result-specific recommendations, so these carry none rather than repeating one list.
    """
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
    question = _QUESTIONS.get(writer.intent, "")
    algorithm = ALGORITHM_NAMES.get(writer.execution.algorithm, writer.execution.algorithm)
    ranked = sorted(writer.findings, key=lambda f: _insight_rank(f.insight), reverse=True)
    parts = [f"{question} Answered with {algorithm}."]
    if ranked:
        parts.append(ranked[0].insight.description)
        if len(ranked) > 1:
            parts.append(ranked[1].insight.description)
    else:
        parts.append("The result holds no vertices to interpret.")
    reading = writer.vertical.interpretation.get(writer.intent)
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
    }
    # Design caveats (a requested algorithm replaced, or named for another question) follow
    # the engine's own notes, whose positions insights may cite.
    notes = [*execution.notes, *(n for n in template.notes if n not in execution.notes)]
    base["notes"] = notes
    if execution.status == "failed":
        return _failed_report(template, execution, base)

    writer = ReportWriter(template, execution, vertical, resolved, result_measures(execution))
    algorithm = execution.algorithm
    if algorithm in {"louvain", "leiden", "label_propagation"}:
        _community_findings(writer)
        _community_recommendation(writer)
    elif algorithm == "wcc":
        _ring_findings(writer)
    elif algorithm == "scc":
        _cycle_findings(writer)
        _cycle_recommendation(writer)
    else:
        _score_findings(writer)
        _leader_recommendation(writer)
    _data_quality_finding(writer)

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
        }
    )
