"""Entities that recur across reports: the ring that is also the referral loop.

Given the findings of several reports, `link_reports` pairs findings of *different* reports whose
entity sets overlap (at least `min_shared` entities; flagged findings only unless asked
otherwise) and states the overlap: how many entities they share and what share of the smaller
finding that is (the overlap coefficient). `recurring_entities` lists the single entities named
by flagged findings of two or more reports. `link_sentences` words both for the run summary.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from gaai_graph.evidence.names import join_names
from gaai_graph.evidence.terms import pattern_word, with_article

__all__ = ["link_reports", "link_sentences", "recurring_entities", "recurring_sentences"]


def _eligible(
    reports: Mapping[str, Sequence[Mapping[str, Any]]], flagged_only: bool
) -> list[tuple[str, int, Mapping[str, Any], frozenset[str]]]:
    items = []
    for report, findings in reports.items():
        for position, finding in enumerate(findings):
            if flagged_only and not finding.get("flagged"):
                continue
            entities = frozenset(str(e) for e in finding.get("entities", []))
            if entities:
                items.append((report, position, finding, entities))
    return items


def link_reports(
    reports: Mapping[str, Sequence[Mapping[str, Any]]],
    *,
    min_shared: int = 2,
    flagged_only: bool = True,
) -> list[dict[str, Any]]:
    """Pairs of findings from different reports that share entities.

    Args:
        reports: Report title (or id) -> its findings (contract shape).
        min_shared: Least entities two findings must share; a finding with fewer entities (the
            same hub in two rankings) links when all of its entities recur.
        flagged_only: Link alarms only (context findings are not worth a cross-reference).

    Returns:
        Links, most shared first: ``{"reports": [a, b], "kinds": [ka, kb], "findings":
        [index in a, index in b], "shared": [ids], "overlap": shared / size of the smaller
        finding, "jaccard": shared / union, "confidence": the smaller confidence}``.
    """
    items = _eligible(reports, flagged_only)
    links: list[dict[str, Any]] = []
    for i, (report_a, index_a, finding_a, set_a) in enumerate(items):
        for report_b, index_b, finding_b, set_b in items[i + 1 :]:
            if report_a == report_b:
                continue
            shared = set_a & set_b
            # A finding smaller than min_shared (a single hub) links when all of it recurs.
            if len(shared) < max(1, min(min_shared, len(set_a), len(set_b))):
                continue
            links.append(
                {
                    "reports": [report_a, report_b],
                    "kinds": [finding_a.get("kind"), finding_b.get("kind")],
                    "findings": [index_a, index_b],
                    "shared": sorted(shared),
                    "overlap": round(len(shared) / min(len(set_a), len(set_b)), 3),
                    "jaccard": round(len(shared) / len(set_a | set_b), 3),
                    "confidence": round(
                        min(
                            float(finding_a.get("confidence", 0)),
                            float(finding_b.get("confidence", 0)),
                        ),
                        3,
                    ),
                }
            )
    links.sort(
        key=lambda link: (-len(link["shared"]), -link["overlap"], link["reports"], link["shared"])
    )
    return links


def recurring_entities(
    reports: Mapping[str, Sequence[Mapping[str, Any]]], *, flagged_only: bool = True
) -> list[dict[str, Any]]:
    """Entities named by findings of two or more reports, most reports first.

    Returns:
        ``{"entity": id, "reports": [titles], "kinds": [kinds]}`` per recurring entity.
    """
    seen: dict[str, dict[str, list[str]]] = {}
    for report, _, finding, entities in _eligible(reports, flagged_only):
        for entity in entities:
            entry = seen.setdefault(entity, {"reports": [], "kinds": []})
            if report not in entry["reports"]:
                entry["reports"].append(report)
                entry["kinds"].append(str(finding.get("kind")))
    recurring = [
        {"entity": entity, "reports": entry["reports"], "kinds": entry["kinds"]}
        for entity, entry in seen.items()
        if len(entry["reports"]) >= 2
    ]
    recurring.sort(key=lambda item: (-len(item["reports"]), item["entity"]))
    return recurring


def link_sentences(
    links: Sequence[Mapping[str, Any]], *, name: Callable[[str], str], limit: int = 5
) -> list[str]:
    """One sentence per link, for the run summary.

    Args:
        links: From `link_reports`.
        name: Display name of a vertex id.
        limit: Most sentences.

    Returns:
        Sentences such as "The ring in "Shared devices" is also the loop in "Circular
        transfers": they share Ann [people/1], Bob [people/2] and Cy [people/3] (3 of 3, 100%
        of the smaller)."
    """
    sentences = []
    for link in links[:limit]:
        first, second = (pattern_word(str(kind)) for kind in link["kinds"])
        shared = link["shared"]
        smaller = round(len(shared) / link["overlap"]) if link["overlap"] else len(shared)
        percent = round(100 * link["overlap"])
        sentences.append(
            f'The {first} in "{link["reports"][0]}" is also the {second} in '
            f'"{link["reports"][1]}": they share {join_names([name(e) for e in shared])} '
            f"({len(shared)} of {smaller}, {percent}% of the smaller)."
        )
    return sentences


def recurring_sentences(
    recurring: Sequence[Mapping[str, Any]], *, name: Callable[[str], str], limit: int = 5
) -> list[str]:
    """One sentence per entity that recurs across reports, for the run summary.

    Args:
        recurring: From `recurring_entities`.
        name: Display name of a vertex id.
        limit: Most sentences.

    Returns:
        Sentences such as "Dee [accounts/a4] recurs in 2 reports: "Circular transfers" (a
        loop) and "Key accounts" (a hub)."
    """
    sentences = []
    for item in recurring[:limit]:
        places = [
            f'"{report}" ({with_article(pattern_word(kind))})'
            for report, kind in zip(item["reports"], item["kinds"], strict=True)
        ]
        sentences.append(
            f"{name(item['entity'])} recurs in {len(places)} reports: {join_names(places)}."
        )
    return sentences
