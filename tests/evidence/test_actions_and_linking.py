"""Recommendations act on named entities; reports are linked by shared entities."""

from __future__ import annotations

from gaai_graph.evidence.actions import priority_for, recommend, split_anchor
from gaai_graph.evidence.findings import make_finding
from gaai_graph.evidence.linking import (
    link_reports,
    link_sentences,
    recurring_entities,
    recurring_sentences,
)
from gaai_graph.evidence.names import Namer

NAMES = Namer(
    [
        "devices/d9",
        "accounts/a1",
        "accounts/a2",
        "accounts/a3",
        "accounts/a4",
        "parts/p1",
        "suppliers/s1",
    ],
    ["Phone 9", "Ann", "Bob", "Cy", "Dee", "Brake disc", "Acme"],
)
TERMS = {"account": "account", "device": "device", "supplier": "supplier", "part": "part"}


def _finding(kind, entities, confidence=0.9, flagged=True, **evidence):
    return make_finding(
        kind, entities, {"confidence": confidence, "unusual": flagged, **evidence}, "x"
    )


def test_actions_name_entities_and_never_push_work_back() -> None:
    findings = [
        _finding(
            "shared_identifier",
            ["devices/d9", "accounts/a1", "accounts/a2", "accounts/a3"],
            observed=3,
            expected=2,
        ),
        _finding("sole_supplier", ["suppliers/s1", "parts/p1"], confidence=0.5),
        _finding("cycle", ["accounts/a1", "accounts/a2", "accounts/a4"], confidence=0.3),
        _finding("hub", ["accounts/a4"], confidence=0.9, flagged=False),  # context: no action
    ]
    actions = recommend(findings, name=NAMES, entity_terms=TERMS)
    assert [a["priority"] for a in actions] == ["high", "medium", "low"]
    shared, sole, loop = (a["description"] for a in actions)
    assert "Review the 3 accounts sharing Phone 9 [devices/d9]" in shared
    assert "Ann [accounts/a1], Bob [accounts/a2] and Cy [accounts/a3]" in shared
    assert "Acme [suppliers/s1]" in sole and "Brake disc [parts/p1]" in sole
    assert "Ann [accounts/a1] → Bob [accounts/a2] → Dee [accounts/a4] → Ann [accounts/a1]" in loop
    for action in actions:
        assert "each" not in action["description"].lower()
        assert action["related_entities"]


def test_anchor_from_evidence_or_from_a_different_collection() -> None:
    assert split_anchor(_finding("ring", ["accounts/a1", "accounts/a2"], anchor="accounts/a2")) == (
        "accounts/a2",
        ["accounts/a1"],
    )
    assert split_anchor(_finding("ring", ["devices/d9", "accounts/a1"])) == (
        "devices/d9",
        ["accounts/a1"],
    )
    assert split_anchor(_finding("ring", ["accounts/a1", "accounts/a2"])) == (
        None,
        ["accounts/a1", "accounts/a2"],
    )


def test_priority_thresholds() -> None:
    assert [priority_for(c) for c in (0.95, 0.5, 0.1)] == ["high", "medium", "low"]


def test_linker_states_the_overlap_between_reports() -> None:
    reports = {
        "Shared devices": [
            _finding(
                "shared_identifier", ["devices/d9", "accounts/a1", "accounts/a2", "accounts/a3"]
            )
        ],
        "Circular transfers": [
            _finding("cycle", ["accounts/a1", "accounts/a2", "accounts/a3", "accounts/a4"]),
            _finding("cycle", ["accounts/a4", "accounts/a1"], flagged=False),
        ],
        "Key accounts": [_finding("hub", ["accounts/a4"])],
    }
    links = link_reports(reports)
    # The ring that is also the loop, then the key account that sits in the loop.
    assert [set(x["reports"]) for x in links] == [
        {"Shared devices", "Circular transfers"},
        {"Circular transfers", "Key accounts"},
    ]
    link = links[0]
    assert link["reports"] == ["Shared devices", "Circular transfers"]
    assert link["shared"] == ["accounts/a1", "accounts/a2", "accounts/a3"]
    assert link["overlap"] == 0.75
    sentence = link_sentences(links, name=NAMES)[0]
    assert sentence.startswith('The shared identifier in "Shared devices" is also the loop in')
    assert "Ann [accounts/a1], Bob [accounts/a2] and Cy [accounts/a3] (3 of 4, 75%" in sentence
    assert link_reports(reports, min_shared=4) == [links[1]]  # only the hub, whole
    assert len(link_reports(reports, flagged_only=False)) == 3  # the context loop joins in
    recurring = {r["entity"]: r["reports"] for r in recurring_entities(reports)}
    assert recurring["accounts/a4"] == ["Circular transfers", "Key accounts"]
    assert "devices/d9" not in recurring
    (line,) = recurring_sentences(
        [r for r in recurring_entities(reports) if r["entity"] == "accounts/a4"], name=NAMES
    )
    assert line == (
        'Dee [accounts/a4] recurs in 2 reports: "Circular transfers" (a loop) and '
        '"Key accounts" (a hub).'
    )
