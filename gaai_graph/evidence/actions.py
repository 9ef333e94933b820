"""Concrete recommendations on named entities, one per flagged finding.

An action names who to look at and what to do with them ("Review the 8 accounts sharing
Device 9 [devices/d9]: ..."), in the domain's words; it is never "profile each group". Only
flagged findings lead to actions: a normal structure is context. Priority follows the confidence
derived from the evidence (≥ `HIGH_CONFIDENCE` high, ≥ `MEDIUM_CONFIDENCE` medium, else low).

The entities of a finding are read as: the *anchor* (the identifier shared by a ring, the hub,
the sole source) is ``evidence["anchor"]`` when given, else the first entity when it belongs to
a different collection than the rest; the remaining entities are the members.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from gaai_graph.evidence.findings import order_findings
from gaai_graph.evidence.names import join_names
from gaai_graph.evidence.terms import count_phrase, entity_word, format_number, plural

__all__ = ["HIGH_CONFIDENCE", "MEDIUM_CONFIDENCE", "priority_for", "recommend", "split_anchor"]

HIGH_CONFIDENCE = 0.7
MEDIUM_CONFIDENCE = 0.45

Name = Callable[[str], str]


def priority_for(confidence: float) -> str:
    """Priority of an action resting on a finding of this confidence."""
    if confidence >= HIGH_CONFIDENCE:
        return "high"
    return "medium" if confidence >= MEDIUM_CONFIDENCE else "low"


def _collection(vertex_id: str) -> str:
    return vertex_id.split("/", 1)[0]


def split_anchor(finding: Mapping[str, Any]) -> tuple[str | None, list[str]]:
    """The finding's anchor entity (or None) and its members (see the module docstring)."""
    entities = [str(e) for e in finding.get("entities", [])]
    anchor = finding.get("evidence", {}).get("anchor")
    if isinstance(anchor, str) and anchor:
        return anchor, [e for e in entities if e != anchor]
    if len(entities) >= 2:
        first, rest = entities[0], entities[1:]
        if all(_collection(e) != _collection(first) for e in rest):
            return first, rest
    return None, entities


def _action(
    finding: Mapping[str, Any], name: Name, terms: Mapping[str, str] | None
) -> tuple[str, str] | None:
    """(title, description) for one flagged finding, or None when it has no entity."""
    kind = str(finding.get("kind"))
    evidence = finding.get("evidence", {})
    anchor, members = split_anchor(finding)
    if anchor is None and not members:
        return None
    main = anchor or members[0]
    member_word = entity_word(members[0], terms) if members else entity_word(main, terms)
    group = f"{count_phrase(len(members), member_word)}"
    listing = join_names([name(m) for m in members])
    observed, expected = evidence.get("observed"), evidence.get("expected")
    numbers = (
        f" ({format_number(observed)} where {format_number(expected)} is typical)"
        if observed is not None and expected is not None
        else ""
    )
    if kind == "shared_identifier" and anchor is not None:
        return (
            f"Review the {group} sharing {name(anchor)}",
            f"Review the {group} sharing {name(anchor)}{numbers}: {listing}. Establish whether "
            f"one party controls them and link or close the {plural(member_word)} accordingly.",
        )
    if kind in ("ring", "cycle", "shared_identifier"):
        pattern = "loop" if kind == "cycle" else "ring"
        route = " → ".join(name(m) for m in [*members[:6], members[0]]) if kind == "cycle" else ""
        what = f"the loop {route}" if route else f"the {pattern} of {group}: {listing}"
        return (
            f"Investigate the {pattern} of {group} including {name(members[0])}",
            f"Investigate {what}{numbers}. Check whether value returns to where it started and "
            f"review the {plural(member_word)} together, not one by one.",
        )
    if kind in ("collector", "distributor"):
        direction = "inflows into" if kind == "collector" else "outflows from"
        return (
            f"Trace the {direction} {name(main)}",
            f"Trace the {direction} {name(main)}{numbers}: list its counterparties and confirm "
            f"the flows have a business reason.",
        )
    if kind == "sole_supplier":
        dependants = f" for {listing}" if anchor is not None and members else ""
        return (
            f"Qualify a second source next to {name(main)}",
            f"Qualify a second source next to {name(main)}{dependants}{numbers}: today it is "
            f"the only provider, so its failure stops what depends on it.",
        )
    if kind in ("articulation_point", "bridge"):
        link = " – ".join(name(e) for e in [main, *members][:2]) if kind == "bridge" else name(main)
        return (
            f"Add redundancy around {link}",
            f"Add redundancy around {link}{numbers}: removing it splits the network, so a "
            f"second connection removes a single point of failure.",
        )
    if kind == "broker":
        return (
            f"Plan for the absence of {name(main)}",
            f"{name(main)} connects otherwise separate parts{numbers}: brief it, watch what "
            f"flows through it, and plan a second route.",
        )
    if kind in ("community", "attribute_community"):
        attribute, value = evidence.get("attribute"), evidence.get("value")
        segment = f" (mostly {attribute} = {value})" if attribute and value is not None else ""
        return (
            f"Treat the group of {group} around {name(members[0])} as one segment",
            f"Treat {listing} as one segment{segment}: address them together and name an "
            f"owner for the group.",
        )
    if kind == "dense_core":
        return (
            f"Review the dense core of {group}",
            f"Review the dense core together: {listing}{numbers}.",
        )
    # hub, weighted_hub and any future single-entity kind
    return (
        f"Check {name(main)}",
        f"Check {name(main)}{numbers}: confirm why it carries this much and whether it is a "
        f"single point of failure.",
    )


def recommend(
    findings: Sequence[Mapping[str, Any]],
    *,
    name: Name,
    entity_terms: Mapping[str, str] | None = None,
    limit: int = 5,
) -> list[dict[str, Any]]:
    """Recommendations for the flagged findings, strongest first.

    Args:
        findings: Findings of one report (any order; unflagged ones are skipped).
        name: Display name of a vertex id (e.g. a `gaai_graph.evidence.names.Namer`).
        entity_terms: The vertical's fragment -> business term map.
        limit: Most recommendations to return.

    Returns:
        Dicts with the fields of `gaai_graph.models.Recommendation`: ``title``,
        ``description``, ``priority`` and ``related_entities``.
    """
    actions: list[dict[str, Any]] = []
    seen: set[str] = set()
    for finding in order_findings(findings):
        if not finding.get("flagged"):
            continue
        action = _action(finding, name, entity_terms)
        if action is None or action[0] in seen:
            continue
        seen.add(action[0])
        actions.append(
            {
                "title": action[0],
                "description": action[1],
                "priority": priority_for(float(finding.get("confidence", 0.0))),
                "related_entities": [str(e) for e in finding.get("entities", [])],
            }
        )
        if len(actions) >= limit:
            break
    return actions
