"""Analyst sentences: headline first, normal as context, names in text, no padding."""

from __future__ import annotations

import numpy as np

from gaai_graph.evidence.baseline import Baseline, assess, outliers
from gaai_graph.evidence.findings import make_finding
from gaai_graph.evidence.leaders import leader_evidence
from gaai_graph.evidence.nulls import compare_to_expected
from gaai_graph.evidence.profiles import partition_alignment, profile_group
from gaai_graph.evidence.sentences import (
    describe_profile,
    describe_typical,
    explain_alignment,
    explain_baseline,
    explain_leader,
    explain_null,
    headline_groups,
    headline_outliers,
)


def _sizes() -> list[int]:
    rng = np.random.default_rng(0)
    return [*list(rng.choice([2] * 9 + [3], size=300)), 8]


def test_unusual_and_normal_observations_read_differently() -> None:
    baseline = Baseline.of(_sizes())
    alarm = explain_baseline(assess(8, baseline), subject="Phone 9 [devices/d9]", unit="account")
    assert alarm.startswith("Phone 9 [devices/d9] has 8 accounts where 2 is typical")
    assert "unusual here" in alarm and "top " in alarm
    normal = explain_baseline(assess(2, baseline), subject="Phone 1 [devices/d1]", unit="account")
    assert "normal here, not an alarm" in normal
    common = explain_baseline(assess(3, baseline), subject="Phone 2 [devices/d2]", unit="account")
    assert "within this graph's usual range" in common and "unusual" not in common


def test_low_direction_says_only() -> None:
    rng = np.random.default_rng(1)
    values = [*list(rng.normal(100, 3, size=200)), 10.0]
    evidence = assess(10.0, Baseline.of(values), direction="lower")
    assert evidence["unusual"]
    assert "has only 10 " in explain_baseline(evidence, subject="Plant 4", unit="shipment")


def test_headline_answers_first_with_names() -> None:
    sizes = _sizes()
    found = outliers(sizes)
    flagged = [make_finding("shared_identifier", [f"devices/d{i}"], e, "x") for i, e in found]
    text = headline_outliers(
        flagged,
        examined=len(sizes),
        noun="shared device",
        names=["Phone 300 [devices/d300]"],
        unit="account",
    )
    assert text == (
        "1 of 301 shared devices stands out: Phone 300 [devices/d300], with 8 accounts where 2 "
        "is typical."
    )
    none = headline_outliers([], examined=300, noun="shared device", names=[], unit="account")
    assert none == "None of the 300 shared devices is unusual for this graph."


def test_typical_sentence_states_the_normal_pattern_as_context() -> None:
    text = describe_typical(_sizes(), noun_plural="shared devices", unit="account")
    assert text.startswith("Most shared devices have 2 accounts (")
    assert text.endswith("normal for this graph, not flagged.")
    spread = describe_typical([1, 2, 3, 4, 5, 6], noun_plural="parts", unit="supplier")
    assert spread.startswith("Typical parts have 3.5 suppliers")
    assert describe_typical([], noun_plural="parts", unit="supplier") == ""


def test_leader_sentences() -> None:
    degrees = [1.0] * 40 + [2.0] * 19 + [30.0]
    clear = explain_leader(
        leader_evidence(degrees), name="Mr. Hi [people/1]", measure="degree", noun_plural="members"
    )
    assert clear.startswith("Mr. Hi [people/1] clearly leads on degree with 30, 15× the runner-up")
    even = explain_leader(
        leader_evidence([4] * 30), name="Ann [people/2]", measure="degree", noun_plural="members"
    )
    assert even.startswith("Degree is evenly spread across the 30 members")


def test_null_and_alignment_sentences() -> None:
    strong = explain_null(
        compare_to_expected(6, 0.2, comparisons=50),
        subject="Ann and Bob",
        unit="shared device",
        null="random wiring with the same degrees",
    )
    assert "more than chance" in strong and "6 shared devices" in strong
    rng = np.random.default_rng(3)
    values = list(rng.choice(["Mr. Hi", "Officer"], size=60))
    membership = [0 if v == "Mr. Hi" else 1 for v in values]
    text = explain_alignment(partition_alignment(membership, values, attribute="club"))
    assert text.startswith("The 2 groups coincide with club (")
    assert "100% of members" in text and "NMI 1" in text


def test_profile_sentence_and_no_padding() -> None:
    rng = np.random.default_rng(4)
    critical = [bool(rng.random() < 0.1) for _ in range(300)]
    for i in range(25):
        critical[i] = True
    profile = profile_group(list(range(30)), {"critical": critical})
    text = describe_profile(profile, noun_plural="parts")
    assert text.startswith("Of these 30 parts, ")
    assert "critical = True" in text
    dull = profile_group(list(range(100, 130)), {"critical": critical})
    assert describe_profile(dull, noun_plural="parts") == ""


def test_groups_headline_drops_singletons_and_names_the_attribute() -> None:
    aligned = {"aligned": True, "attribute": "club", "purity": 0.97}
    assert headline_groups([18, 16, 1, 1], noun_plural="members", alignment=aligned) == (
        "The 34 members form 2 groups (sizes 18 and 16), which follow club almost exactly "
        "(purity 97%)."
    )
    assert "no attribute" in headline_groups([5, 4], noun_plural="members")
