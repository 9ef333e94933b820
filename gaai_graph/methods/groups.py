"""How grouping methods are read: the largest group, the lone vertices, the attribute followed.

Shared by every method that partitions the vertices (communities, components, cycles).

`attribute_findings` reads the partition's attribute profile (`ExecutionResult.
partition_profile`, computed over every vertex by `gaai_graph.engines.describe`): when the
groups follow a categorical attribute far beyond what random groups of the same sizes would
(`gaai_graph.evidence.profiles`), the report says so with purity and NMI next to their chance
values, names each group by its dominant value, and records each group that coincides with a
value as an `attribute_community` finding — flagged, because a random group of its size would
hold that value so often with a chance below 1% over all groups and attributes tried
(hypergeometric tail, Bonferroni). Groups that follow no value are context, and a partition
that follows no attribute is said plainly.
"""

from __future__ import annotations

from typing import Any

from gaai_graph.methods.writing import Quoter, ReportWriter
from gaai_graph.words import noun_for, plural_noun

__all__ = [
    "attribute_findings",
    "attribute_insight",
    "attribute_patterns",
    "largest_group_finding",
    "members_by_group",
    "singleton_finding",
]

GROUPS_NAMED = 3
"""Groups named by their dominant value in the text (the findings hold them all)."""
GROUP_MEMBERS_NAMED = 2
"""Central members named for each of those groups."""
MEMBERS_NAMED = 3
"""Members named for each group in the text."""


def largest_group_finding(writer: ReportWriter, noun: str) -> None:
    """The largest group: its size, share of the graph and composition."""
    execution = writer.execution
    if not execution.groups:
        return
    q = writer.quoter()
    if not q.has("derived.largest_group_share"):
        return
    share = q.value("derived.largest_group_share")
    members = writer.composition_words(0, q)
    central = q.names(execution.groups[0].members_sample, limit=MEMBERS_NAMED)
    description = (
        f"The largest {noun} holds {q.count('groups[0].size', 'vertex')}, "
        f"{q.pct('derived.largest_group_share')} of the graph"
        + (f": {members}" if members else "")
        + (f"; its best-connected members are {central}." if central else ".")
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


def members_by_group(writer: ReportWriter, noun: str, *, groups: int = 3) -> None:
    """Who is in the largest listed groups, by name (context): "who goes where".

    For methods whose own reading states only counts (a colouring, a grouping by attribute).

    Args:
        writer: The report writer.
        noun: Singular word for a group ("colour", "group").
        groups: How many of the largest listed groups to name members of.
    """
    execution = writer.execution
    listed = [i for i, g in enumerate(execution.groups[:groups]) if g.members_sample]
    if not listed:
        return
    q = writer.quoter()
    parts = [
        f"{q.count(f'groups[{i}].size', 'member')}, among them "
        f"{q.names(execution.groups[i].members_sample, limit=MEMBERS_NAMED)}"
        for i in listed
    ]
    words = plural_noun(noun) if len(listed) > 1 else noun
    description = f"The largest {words}: " + "; ".join(parts) + "."
    related = [m for i in listed for m in execution.groups[i].members_sample[:MEMBERS_NAMED]]
    writer.add(f"Who is in each {noun}", description, 0.4, q, related, kind="context")


def singleton_finding(writer: ReportWriter, reading: str) -> None:
    """Vertices alone in their group (context), read as `reading` says."""
    q = writer.quoter()
    if not q.has("derived.singleton_share") or q.value("metrics.singleton_count") == 0:
        return
    share = q.value("derived.singleton_share")
    description = (
        f"{q.count('metrics.singleton_count', 'vertex')} ({q.pct('derived.singleton_share')}) "
        f"{reading}."
    )
    writer.add("Isolated vertices", description, min(1.0, 0.3 + share), q, kind="context")


def _group_words(writer: ReportWriter, key: str, q: Quoter) -> str:
    """'Mr. Hi: 11 of 12 members (random groups of this size: 6), around A [x] and B [y]'."""
    profile = writer.execution.partition_profile or {}
    group = f"partition.majority[{key}]"
    members = (profile.get("members") or {}).get(key, [])
    central = q.names(members, limit=GROUP_MEMBERS_NAMED)
    return (
        f"{q.text(f'{group}.value')}: {q.num(f'{group}.count')} of "
        f"{q.count(f'{group}.size', 'member')} (random groups of this size: "
        f"{q.num(f'{group}.expected')})" + (f", around {central}" if central else "")
    )


def _partition_pattern(
    writer: ReportWriter, key: str, best: dict[str, Any], members: list[str], group_noun: str
) -> None:
    """Record one group that coincides with an attribute value as a flagged finding."""
    group = best["majority"][key]
    evidence = {
        "attribute": best["attribute"],
        "value": group["value"],
        "observed": group["count"],
        "expected": group["expected"],
        "size": group["size"],
        "purity": group["purity"],
        "population_share": group["population_share"],
        "lift": group["lift"],
        "p_value": group["p_value"],
        "z_score": group["z_score"],
        "partition_purity": best["purity"],
        "chance_purity": best["chance_purity"],
        "nmi": best["nmi"],
        "chance_nmi": best["chance_nmi"],
        "ari": best["ari"],
    }
    explanation = (
        f"This {group_noun} of {group['size']} coincides with {best['attribute']} = "
        f"{group['value']}: {group['count']} of its members carry it where a random group of "
        f"this size would hold {group['expected']} (p = {group['p_value']}, corrected for every "
        "group and attribute tried)."
    )
    writer.pattern(
        "attribute_community",
        members,
        flagged=True,
        evidence=evidence,
        confidence_value=float(group["confidence"]),
        explanation=explanation,
    )


def _context_patterns(writer: ReportWriter, kind: str, described: set[str]) -> None:
    """The other listed groups, as the report's findings read them without a profile."""
    execution = writer.execution
    profile = execution.partition_profile or {}
    listed: list[str] = profile.get("listed") or []
    majority = (profile.get("best") or {}).get("majority") or {}
    for index, group in enumerate(execution.groups):
        key = listed[index] if index < len(listed) else ""
        if key in described or group.size < 2 or not group.members_sample:
            continue
        members = set(group.members_sample)
        insight = next((w.insight for w in writer.findings if members & set(w.related)), None)
        evidence: dict[str, Any] = {"size": group.size, "rank": index + 1}
        if key in majority:
            evidence |= {
                "attribute": profile["best"]["attribute"],
                "dominant_value": majority[key]["value"],
                "purity": majority[key]["purity"],
            }
        writer.pattern(
            kind,
            list(group.members_sample),
            flagged=insight is not None and insight.kind == "finding",
            evidence=evidence,
            confidence_value=insight.confidence if insight is not None else 0.0,
            explanation=insight.description if insight is not None else "",
        )


def _coinciding(profile: dict[str, Any]) -> list[str]:
    """Keys of the groups that coincide with a value, in the order their findings are listed.

    That is the contract's order (`gaai_graph.evidence.findings.finding_sort_key`): by
    confidence, then the size of the z-score, then the first member's id, so the groups the
    text names are the findings a reader meets first.
    """
    majority = profile["best"]["majority"]
    members = profile.get("members") or {}

    def order(key: str) -> tuple[float, float, str]:
        group = majority[key]
        first = (members.get(key) or [""])[0]
        return (-float(group["confidence"]), -abs(float(group["z_score"] or 0.0)), first)

    return sorted((key for key, group in majority.items() if group["coincides"]), key=order)


def attribute_insight(writer: ReportWriter, group_noun: str) -> None:
    """Say which attribute the groups follow, naming each group by its value (or say none).

    The insight's strength is the alignment's strength over two (twice the margin of the
    thresholds reads as unmistakable), so a partition that follows an attribute leads the
    report when the alignment is at least as clear as the other findings.

    Args:
        writer: The report writer; reads `partition_profile` of its execution.
        group_noun: Singular word for a group ("community", "component").
    """
    profile = writer.execution.partition_profile
    if not profile or not profile.get("best"):
        return
    best: dict[str, Any] = profile["best"]
    groups_word = plural_noun(group_noun)
    coinciding = _coinciding(profile)
    q = writer.quoter()
    baseline = (
        f"random partitions of these sizes: purity {q.num('partition.chance_purity')}, "
        f"NMI {q.num('partition.chance_nmi')}"
    )
    attribute = q.text("partition.attribute")
    if best["aligned"]:
        title = f"The {groups_word} follow {attribute}"
        description = (
            f"The {q.num('partition.groups')} {groups_word} with two or more members carrying "
            f"{attribute} follow it (purity {q.num('partition.purity')}, "
            f"NMI {q.num('partition.nmi')}; {baseline})."
        )
    else:
        title = f"The {groups_word} follow no attribute as a whole"
        description = (
            f"The {groups_word} do not follow any attribute of the data as a whole: the "
            f"closest, {attribute}, has purity {q.num('partition.purity')} "
            f"and NMI {q.num('partition.nmi')} ({baseline})."
        )
    if coinciding:
        shown = coinciding[:GROUPS_NAMED]
        parts = [_group_words(writer, key, q) for key in shown]
        lead = noun_for(len(coinciding), group_noun).capitalize()
        description += (
            f" {lead} named by {'its' if len(coinciding) == 1 else 'their'} dominant value: "
            + "; ".join(parts)
            + ("; the others are listed in the findings" if len(coinciding) > len(shown) else "")
            + "."
        )
    members = profile.get("members") or {}
    related = [m for key in coinciding for m in members.get(key, [])[:MEMBERS_NAMED]]
    writer.add(
        title,
        description,
        min(1.0, float(best["strength"]) / 2) if best["aligned"] else 0.3,
        q,
        related,
        kind="finding" if best["aligned"] or coinciding else "context",
    )


def attribute_patterns(writer: ReportWriter, group_noun: str, kind: str) -> None:
    """Record each group that coincides with a value (flagged), then the other listed groups.

    Call after the interpreter's other insights: a listed group is flagged as before when an
    insight about its members is a finding.

    Args:
        writer: The report writer; reads `partition_profile` of its execution.
        group_noun: Singular word for a group.
        kind: Finding kind of the groups that coincide with no value.
    """
    profile = writer.execution.partition_profile
    if not profile or not profile.get("best"):
        return
    best: dict[str, Any] = profile["best"]
    coinciding = _coinciding(profile)
    members = profile.get("members") or {}
    for key in coinciding:
        if members.get(key):
            _partition_pattern(writer, key, best, members[key], group_noun)
    if writer.patterns:
        _context_patterns(writer, kind, set(coinciding))


def attribute_findings(writer: ReportWriter, group_noun: str, kind: str = "community") -> None:
    """`attribute_insight` then `attribute_patterns`, for interpreters that add nothing after.

    Args:
        writer: The report writer; reads `partition_profile` of its execution.
        group_noun: Singular word for a group ("community", "component").
        kind: Finding kind of the groups that coincide with no value.
    """
    attribute_insight(writer, group_noun)
    attribute_patterns(writer, group_noun, kind)
