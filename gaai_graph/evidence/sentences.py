"""Evidence turned into the sentences an analyst would sign.

Every function takes evidence dicts (from `baseline`, `nulls`, `leaders`, `profiles`) and plain
words chosen by the caller (display names from `names.Namer`, entity words from
`terms.entity_word`), and returns one sentence. Headlines answer the question first; a normal
observation is stated as context ("normal here, not an alarm"); a profile with nothing distinctive
returns "" so the caller leaves it out instead of padding the report.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from gaai_graph.evidence.baseline import RARE_SHARE, TAIL_EXPECTED_MAX, Z_UNUSUAL
from gaai_graph.evidence.names import join_names
from gaai_graph.evidence.terms import count_phrase, format_number, plural, rank_phrase

__all__ = [
    "describe_entity",
    "describe_profile",
    "describe_typical",
    "explain_alignment",
    "explain_baseline",
    "explain_leader",
    "explain_null",
    "headline_groups",
    "headline_outliers",
]


def _times(evidence: Mapping[str, Any]) -> str:
    lift = evidence.get("lift")
    return f"{format_number(lift)}× typical, " if isinstance(lift, int | float) else ""


def explain_baseline(evidence: Mapping[str, Any], *, subject: str, unit: str) -> str:
    """One sentence on an observation judged against the graph's baseline.

    Args:
        evidence: From `gaai_graph.evidence.baseline.assess`.
        subject: Who or what was observed ("Device 9 [devices/d9]").
        unit: Singular noun of what was counted or measured ("account", "sender").

    Returns:
        The sentence, ending with the verdict (unusual / normal here).
    """
    observed, expected = evidence.get("observed"), evidence.get("expected")
    amount = f"{format_number(observed)} {unit if observed == 1 else plural(unit)}"
    typical = f"{format_number(expected)} is typical in this graph"
    where = rank_phrase(float(evidence.get("percentile", 50.0)))
    low = evidence.get("direction") == "lower"
    if evidence.get("unusual"):
        verdict = "unusually low here" if low else "unusual here"
        return (
            f"{subject} has {'only ' if low else ''}{amount} where {typical} "
            f"({_times(evidence)}{where}, robust z {format_number(evidence.get('z_score'))}): "
            f"{verdict}."
        )
    share = float(evidence.get("tail_share", 1.0))
    tail = evidence.get("tail_expected")
    z = float(evidence.get("z_score", 0.0)) * (-1.0 if low else 1.0)
    if z >= Z_UNUSUAL and share > RARE_SHARE:
        reason = f"{format_number(round(100 * share, 1))}% of them are at least this extreme"
        return (
            f"{subject} has {amount}, above the typical {format_number(expected)}, but {reason}: "
            "ordinary here."
        )
    if z >= Z_UNUSUAL and isinstance(tail, int | float) and tail >= TAIL_EXPECTED_MAX:
        return (
            f"{subject} has {amount}, high against the typical {format_number(expected)}, but "
            f"the graph's own long tail produces values this large ({where}): ordinary here."
        )
    judged_above = evidence.get("z_reference") == "above_typical"
    if observed != expected and (abs(z) >= 1.0 or judged_above):
        side = "above" if judged_above or z > 0 else "below"
        return (
            f"{subject} has {amount}, {side} the typical {format_number(expected)} but within "
            f"this graph's usual range ({where}): not an alarm."
        )
    return (
        f"{subject} has {amount}, in line with the typical {format_number(expected)} in this "
        f"graph ({where}): normal here, not an alarm."
    )


def explain_null(evidence: Mapping[str, Any], *, subject: str, unit: str, null: str) -> str:
    """One sentence on an observed count against a null model's expectation.

    Args:
        evidence: From `gaai_graph.evidence.nulls.compare_to_expected`.
        subject: What was observed ("Ann [people/1] and Bob [people/2]").
        unit: Singular noun of what was counted ("shared device").
        null: The null model in words ("random wiring with the same degrees").

    Returns:
        The sentence.
    """
    observed = evidence.get("observed", 0)
    amount = f"{format_number(observed)} {unit if observed == 1 else plural(unit)}"
    expected = format_number(evidence.get("expected"))
    lift = evidence.get("lift")
    lift_text = f"{format_number(lift)}× expected, " if isinstance(lift, int | float) else ""
    p_value = f"p = {format_number(evidence.get('p_value'))}"
    if evidence.get("unusual"):
        return (
            f"{subject} have {amount} where {null} gives {expected} ({lift_text}{p_value}): "
            "more than chance."
        )
    return f"{subject} have {amount}; {null} gives {expected} ({p_value}): within chance."


def explain_leader(
    evidence: Mapping[str, Any],
    *,
    name: str,
    measure: str,
    noun_plural: str,
    runner_up_name: str | None = None,
) -> str:
    """One sentence on whether the top entity leads clearly.

    Args:
        evidence: From `gaai_graph.evidence.leaders.leader_evidence`.
        name: Display name of the top entity.
        measure: What was ranked ("degree", "weighted PageRank", "incoming transfers").
        noun_plural: The entities ranked ("members", "suppliers").
        runner_up_name: Display name of the runner-up, named when the lead is shared.

    Returns:
        The sentence (a clear leader, a leader, a shared lead, a moderate lead or an even
        spread).
    """
    observed = format_number(evidence.get("observed"))
    runner_up = format_number(evidence.get("runner_up"))
    typical = format_number(evidence.get("expected"))
    size = evidence.get("sample_size", 0)
    pattern = evidence.get("pattern")
    second_name = f" ({runner_up_name})" if runner_up_name else ""
    if pattern in ("clear_leader", "leader"):
        top, second = float(evidence.get("observed", 0)), float(evidence.get("runner_up", 0))
        ratio = (
            f"{format_number(top / second)}× the runner-up's {runner_up}{second_name}"
            if second > 0
            else f"against the runner-up's {runner_up}{second_name}"
        )
        verb = "clearly leads" if pattern == "clear_leader" else "leads"
        return (
            f"{name} {verb} on {measure} with {observed}, {ratio}, far above the typical "
            f"{typical} among {size} {noun_plural}."
        )
    if pattern == "shared_lead":
        pair = f"{name} and {runner_up_name} share" if runner_up_name else f"{name} shares"
        return (
            f"{pair} the lead on {measure} ({observed} and {runner_up}), both far above the "
            f"typical {typical} among {size} {noun_plural}."
        )
    if pattern == "moderate":
        return (
            f"{name} ranks first on {measure} ({observed}) but is not far above the typical "
            f"{typical} among {size} {noun_plural}."
        )
    return (
        f"{measure.capitalize()} is evenly spread across the {size} {noun_plural}: the highest "
        f"({observed}, {name}) is close to the typical {typical}."
    )


def explain_alignment(evidence: Mapping[str, Any], *, group_noun: str = "group") -> str:
    """One sentence on whether a partition follows a categorical attribute.

    Args:
        evidence: From `gaai_graph.evidence.profiles.partition_alignment` or `best_alignment`.
        group_noun: Singular word for a group ("group", "community", "component").

    Returns:
        The sentence, with purity, chance purity, NMI and ARI.
    """
    attribute = evidence.get("attribute") or "the attribute"
    purity = format_number(round(100 * float(evidence.get("purity", 0)), 1))
    chance = format_number(round(100 * float(evidence.get("chance_purity", 0)), 1))
    measures = f"NMI {format_number(evidence.get('nmi'))}, ARI {format_number(evidence.get('ari'))}"
    groups = count_phrase(int(evidence.get("groups", 0)), group_noun)
    if not evidence.get("aligned"):
        return (
            f"The {groups} do not follow {attribute}: purity {purity}% against {chance}% by "
            f"chance ({measures})."
        )
    values = Counter(str(m["value"]) for m in evidence.get("majority", {}).values())
    listing = ", ".join(values)
    return (
        f"The {groups} coincide with {attribute} ({listing}): {purity}% of members carry their "
        f"{group_noun}'s majority value, against {chance}% by chance ({measures})."
    )


def describe_profile(profile: Mapping[str, Any], *, noun_plural: str, limit: int = 3) -> str:
    """What sets a group apart, from `gaai_graph.evidence.profiles.profile_group`; "" if nothing.

    Args:
        profile: The group's profile.
        noun_plural: Word for its members ("accounts").
        limit: Most attributes to mention.

    Returns:
        A sentence such as "Of these 40 parts, 30 are critical = True (75% against 10%
        overall, 7.5× as common); cost has median 160 against 100 overall.", or "".
    """
    clauses: list[str] = []
    for name, attribute in list(profile.get("distinctive", []))[:limit]:
        if attribute["kind"] == "categorical":
            value = next(v for v in attribute["over_represented"] if v["unusual"])
            clauses.append(
                f"{value['count']} have {name} = {value['value']} "
                f"({format_number(round(100 * value['share']))}% against "
                f"{format_number(round(100 * value['population_share']))}% overall, "
                f"{format_number(value['lift'])}× as common)"
            )
        else:
            clauses.append(
                f"{name} has median {format_number(attribute['median'])} (middle half "
                f"{format_number(attribute['q1'])}–{format_number(attribute['q3'])}) against "
                f"{format_number(attribute['population_median'])} overall "
                f"({attribute['direction']})"
            )
    if not clauses:
        return ""
    return f"Of these {profile.get('size', 0)} {noun_plural}, " + "; ".join(clauses) + "."


def describe_entity(attributes: Sequence[Mapping[str, Any]], *, name: str, limit: int = 3) -> str:
    """What sets one entity apart, from `gaai_graph.evidence.profiles.profile_entity`.

    Args:
        attributes: The entity's attribute standings, most distinctive first.
        name: Its display name.
        limit: Most attributes to mention.

    Returns:
        "Brake disc [parts/p1]: critical = True (12% of all), cost 160 (top 2%)." or "" when
        the entity has no attribute worth naming.
    """
    clauses = []
    for entry in attributes[:limit]:
        if entry["kind"] == "categorical":
            share = format_number(round(100 * float(entry["population_share"])))
            clauses.append(f"{entry['attribute']} = {entry['value']} ({share}% of all)")
        else:
            where = rank_phrase(float(entry["percentile"]))
            clauses.append(f"{entry['attribute']} {format_number(entry['value'])} ({where})")
    return f"{name}: " + ", ".join(clauses) + "." if clauses else ""


def describe_typical(
    values: Sequence[float] | npt.ArrayLike, *, noun_plural: str, unit: str
) -> str:
    """Context sentence on what is normal for a measure in this graph.

    Args:
        values: The measure over the graph (e.g. accounts per shared device).
        noun_plural: What the values describe ("shared devices").
        unit: Singular noun of the measure ("account").

    Returns:
        "Most shared devices have 2 accounts (300 of 331): normal for this graph, not flagged."
        when one value holds the majority, else the median and the middle half; "" when empty.
    """
    array = np.asarray(values, dtype=np.float64).ravel()
    array = array[np.isfinite(array)]
    if array.size == 0:
        return ""
    distinct, counts = np.unique(array, return_counts=True)
    top = int(np.argmax(counts))
    if counts[top] * 2 > array.size:
        value = float(distinct[top])
        return (
            f"Most {noun_plural} have {format_number(value)} {unit if value == 1 else plural(unit)}"
            f" ({int(counts[top])} of {array.size}): normal for this graph, not flagged."
        )
    q1, median, q3 = np.percentile(array, [25, 50, 75])
    return (
        f"Typical {noun_plural} have {format_number(float(median))} {plural(unit)} (middle half "
        f"{format_number(float(q1))}–{format_number(float(q3))}, {array.size} in all)."
    )


def headline_outliers(
    flagged: Sequence[Mapping[str, Any]],
    *,
    examined: int,
    noun: str,
    names: Sequence[str],
    unit: str,
) -> str:
    """Headline answering "which X are unusual?" first.

    Args:
        flagged: The flagged findings, in report order.
        examined: How many X were judged.
        noun: Singular word for X ("shared device", "account").
        names: Display names of the flagged findings' main entities, same order.
        unit: Singular noun of the measure ("account").

    Returns:
        "1 of 331 shared devices stands out: Device 9 [devices/d9], with 8 accounts where 2 is
        typical." or "None of the 331 shared devices is unusual for this graph."
    """
    nouns = plural(noun)
    if not flagged:
        return f"None of the {examined} {nouns} is unusual for this graph."
    verb = "stands" if len(flagged) == 1 else "stand"
    top = flagged[0].get("evidence", {})
    observed = top.get("observed")
    lead = f"{len(flagged)} of {examined} {nouns} {verb} out"
    shown = join_names(list(names), limit=3)
    if observed is None or top.get("expected") is None:
        return f"{lead}: {shown}."
    measure = f"{format_number(observed)} {unit if observed == 1 else plural(unit)}"
    typical = f"{format_number(top.get('expected'))} is typical"
    if len(flagged) == 1:
        return f"{lead}: {shown}, with {measure} where {typical}."
    return f"{lead}: {shown}; the strongest, {names[0]}, has {measure} where {typical}."


def headline_groups(
    sizes: Sequence[int],
    *,
    noun_plural: str,
    group_noun: str = "group",
    alignment: Mapping[str, Any] | None = None,
) -> str:
    """Headline answering "which groups?" first, with the attribute they follow if any.

    Args:
        sizes: Sizes of the groups that matter (singletons are left out here).
        noun_plural: What the groups are made of ("members").
        group_noun: Singular word for a group.
        alignment: Evidence from `best_alignment` (None: no attribute explains them).

    Returns:
        "The 34 members form 2 groups (18 and 16), which follow club almost exactly (purity
        97%)." or "... ; no attribute of the data explains them."
    """
    kept = sorted((int(s) for s in sizes if s >= 2), reverse=True)
    if not kept:
        return f"The {noun_plural} form no groups of two or more."
    listing = "sizes " + join_names([str(s) for s in kept], limit=5)
    groups = count_phrase(len(kept), group_noun)
    lead = f"The {sum(kept)} {noun_plural} form {groups} ({listing})"
    if alignment and alignment.get("aligned"):
        purity = format_number(round(100 * float(alignment["purity"]), 1))
        return f"{lead}, which follow {alignment['attribute']} almost exactly (purity {purity}%)."
    return f"{lead}; no attribute of the data explains them."
