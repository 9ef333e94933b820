"""Whole findings from a measure, a ranking or a partition: the report writer's entry points.

Each function takes the numbers a method produced for the whole graph plus the ids and names of
the entities, and returns contract findings (see `gaai_graph.evidence.findings`) with evidence,
a derived confidence and a one-sentence explanation, in report order:

- `measure_findings`: one value per item (a group's size, a vertex's in-degree, a supplier's
  count of sole dependants); every unusual item becomes a flagged finding, and one context
  finding states what is normal for this graph.
- `leader_finding`: does the top-ranked entity lead clearly, or is the score evenly spread?
- `alignment_findings`: one finding per group saying which attribute value it follows, when
  the partition coincides with a categorical attribute.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from gaai_graph.evidence.baseline import Baseline, Direction, Scale, assess, outliers
from gaai_graph.evidence.findings import drop_padding, make_finding, order_findings
from gaai_graph.evidence.leaders import leader_evidence
from gaai_graph.evidence.names import join_names
from gaai_graph.evidence.profiles import best_alignment, partition_alignment
from gaai_graph.evidence.sentences import (
    describe_typical,
    explain_baseline,
    explain_leader,
)
from gaai_graph.evidence.terms import count_phrase, format_number, plural

__all__ = ["alignment_findings", "leader_finding", "measure_findings"]

Name = Callable[[str], str]


def measure_findings(
    values: Sequence[float] | npt.ArrayLike,
    entities: Sequence[Sequence[str]],
    *,
    kind: str,
    name: Name,
    unit: str,
    item_noun: str,
    direction: Direction = "upper",
    scale: Scale = "auto",
    limit: int = 20,
) -> list[dict[str, Any]]:
    """Findings for the unusual items of a measure, plus one context line on what is normal.

    Args:
        values: The measure, one value per item, over the whole graph (e.g. accounts per shared
            device for every shared device, in-degree for every account).
        entities: Vertex ids per item, same order; the first id is the item's subject (the
            shared device, the collector) and is named in the explanation.
        kind: Pattern kind of the findings ("shared_identifier", "collector", ...).
        name: Display name of a vertex id.
        unit: Singular noun of the measure ("account", "sender").
        item_noun: Singular noun of an item ("shared device", "account").
        direction: Which side is unusual.
        scale: Scale of the baseline ("log" suits degree, strength and other heavy tails).
        limit: Most flagged findings.

    Returns:
        Findings in report order: flagged ones first, then at most one context finding about a
        typical item. Singleton groups are dropped.
    """
    array = np.asarray(values, dtype=np.float64).ravel()
    if array.size != len(entities):
        raise ValueError(f"{array.size} values but {len(entities)} entity lists: one per item")
    if array.size == 0:
        return []
    baseline = Baseline.of(array, scale=scale)
    findings = [
        make_finding(
            kind,
            entities[index],
            evidence,
            explain_baseline(evidence, subject=name(entities[index][0]), unit=unit),
        )
        for index, evidence in outliers(array, direction=direction, scale=scale, limit=limit)
        if entities[index]
    ]
    typical = _typical_item(array, entities, baseline.typical)
    if typical is not None:
        evidence = assess(float(array[typical]), baseline, direction=direction)
        if not evidence["unusual"]:
            sentence = describe_typical(array, noun_plural=plural(item_noun), unit=unit)
            example = explain_baseline(evidence, subject=name(entities[typical][0]), unit=unit)
            findings.append(
                make_finding(kind, entities[typical], evidence, f"{sentence} {example}".strip())
            )
    return drop_padding(findings, max_context=1)


def _typical_item(
    values: npt.NDArray[np.float64], entities: Sequence[Sequence[str]], typical: float
) -> int | None:
    """Index of an item whose value is closest to the typical one (the lowest such index)."""
    usable = [i for i, ids in enumerate(entities) if ids and np.isfinite(values[i])]
    if not usable:
        return None
    return min(usable, key=lambda i: (abs(float(values[i]) - typical), i))


def leader_finding(
    scores: Sequence[float] | npt.ArrayLike,
    vertex_ids: Sequence[str],
    *,
    name: Name,
    measure: str,
    noun_plural: str,
    kind: str = "hub",
    scale: Scale = "auto",
) -> dict[str, Any] | None:
    """One finding on whether the top-ranked entity leads clearly.

    The confidence is that of a *clear leader* (`gaai_graph.evidence.leaders`); the finding is
    flagged only when the leader is also unusual against the graph's baseline (beyond its tail).
    A shared lead names both entities, the leader first.

    Args:
        scores: One score per vertex, in `vertex_ids` order.
        vertex_ids: Vertex ids.
        name: Display name of a vertex id.
        measure: What was ranked ("degree", "weighted PageRank").
        noun_plural: The entities ranked ("members").
        kind: Pattern kind ("hub", "weighted_hub", "broker", "collector", ...).
        scale: Scale of the baseline.

    Returns:
        The finding, or None when there are no scores.
    """
    array = np.asarray(scores, dtype=np.float64).ravel()
    if array.size != len(vertex_ids):
        raise ValueError(f"{array.size} scores but {len(vertex_ids)} vertex ids: one per vertex")
    evidence = leader_evidence(array, scale=scale)
    if evidence.get("leader", -1) < 0:
        return None
    leader = vertex_ids[evidence["leader"]]
    judged = assess(float(array[evidence["leader"]]), Baseline.of(array, scale=scale))
    evidence = {**evidence, "unusual": judged["unusual"], "tail_expected": judged["tail_expected"]}
    second = int(evidence["runner_up_index"])
    runner_up: str | None = vertex_ids[second] if second >= 0 else None
    sentence = explain_leader(
        evidence,
        name=name(leader),
        measure=measure,
        noun_plural=noun_plural,
        runner_up_name=name(runner_up) if runner_up is not None else None,
    )
    entities = [leader]
    if evidence["pattern"] == "shared_lead" and runner_up is not None:
        entities.append(runner_up)
    return make_finding(kind, entities, evidence, sentence)


def alignment_findings(
    membership: Sequence[Hashable | None],
    columns: Mapping[str, Sequence[object]],
    vertex_ids: Sequence[str],
    *,
    name: Name,
    noun: str,
    group_noun: str = "group",
    skip: Sequence[str] = (),
    attribute: str | None = None,
    scores: Sequence[float] | npt.ArrayLike | None = None,
    seed: int = 0,
) -> list[dict[str, Any]]:
    """One "attribute_community" finding per group when the partition follows an attribute.

    Args:
        membership: Group label per vertex index (None: not in a reported group).
        columns: Attribute name -> one value per vertex index.
        vertex_ids: Vertex ids per index.
        name: Display name of a vertex id.
        noun: Singular word for a member ("member", "part").
        group_noun: Singular word for a group.
        skip: Attributes not to consider (the label attribute).
        attribute: Judge only this attribute (default: the best aligned categorical one).
        scores: A score per vertex index (degree, PageRank...): each group's members are listed
            highest first, so the names in the text are its central members. Default: index
            order.
        seed: Seed for the chance purity.

    Returns:
        Findings in report order (empty when no attribute explains the partition). Each carries
        the group's majority value and purity and the partition-level purity, NMI and ARI.
    """
    if attribute is not None:
        alignment = partition_alignment(
            membership, columns[attribute], attribute=attribute, seed=seed
        )
        if alignment is None or not alignment["aligned"]:
            return []
    else:
        alignment = best_alignment(membership, columns, skip=skip, seed=seed)
    if alignment is None:
        return []
    partition_sentence = (
        f"The {alignment['groups']} {plural(group_noun)} follow {alignment['attribute']} "
        f"(purity {format_number(round(100 * alignment['purity'], 1))}% against "
        f"{format_number(round(100 * alignment['chance_purity'], 1))}% by chance, "
        f"NMI {format_number(alignment['nmi'])}, ARI {format_number(alignment['ari'])})."
    )
    order: list[int] = list(range(len(membership)))
    if scores is not None:
        ranking = np.asarray(scores, dtype=np.float64).ravel()
        order = sorted(order, key=lambda i: (-ranking[i] if np.isfinite(ranking[i]) else 0.0, i))
    members: dict[str, list[str]] = {}
    for index in order:
        group = membership[index]
        if group is not None:
            members.setdefault(str(group), []).append(vertex_ids[index])
    findings = []
    for group_key, majority in alignment["majority"].items():
        ids = members.get(group_key, [])
        if len(ids) < 2:
            continue
        evidence = {
            "attribute": alignment["attribute"],
            "value": majority["value"],
            "group_purity": majority["purity"],
            "purity": alignment["purity"],
            "chance_purity": alignment["chance_purity"],
            "nmi": alignment["nmi"],
            "ari": alignment["ari"],
            "observed": majority["size"],
            "unusual": False,  # an explanation, not an alarm
            "confidence": alignment["confidence"],
        }
        share = format_number(round(100 * majority["purity"]))
        sentence = (
            f"{group_noun.capitalize()} of {count_phrase(len(ids), noun)} "
            f"({join_names([name(i) for i in ids], limit=2)}): {share}% have "
            f"{alignment['attribute']} = {majority['value']}. {partition_sentence}"
        )
        findings.append(make_finding("attribute_community", ids, evidence, sentence))
    return order_findings(findings)
