"""Confidence is derived from the evidence: monotone, damped by sample size, in [0, 1]."""

from __future__ import annotations

import itertools

import numpy as np

from gaai_graph.evidence.baseline import Baseline, assess
from gaai_graph.evidence.confidence import confidence_from_gates, sample_damping
from gaai_graph.evidence.leaders import gini, leader_evidence
from gaai_graph.evidence.nulls import (
    compare_to_expected,
    expected_shared_neighbours,
    poisson_upper_tail,
)


def test_confidence_is_monotone_in_strength_and_sample_size() -> None:
    strengths = np.linspace(-2, 6, 81)
    for size in (3, 10, 100, 10_000):
        values = [confidence_from_gates(s, size) for s in strengths]
        assert all(a <= b for a, b in itertools.pairwise(values))
        assert all(0.0 <= v <= 1.0 for v in values)
    for strength in (0.5, 1.0, 2.0):
        by_size = [confidence_from_gates(strength, n) for n in (1, 5, 50, 500)]
        assert by_size == sorted(by_size)
    assert sample_damping(5) == 0.5


def test_confidence_grows_with_the_observed_group_size() -> None:
    confidences = [
        assess(size, Baseline.of([2] * 300 + [3] * 30 + [size]))["confidence"]
        for size in range(2, 14)
    ]
    assert confidences == sorted(confidences)
    assert confidences[0] < 0.05 < 0.8 < confidences[-1]


def test_clear_leader_gets_high_confidence() -> None:
    # A star with a few extra leaf links: one centre far above everyone else.
    rng = np.random.default_rng(0)
    degrees = np.ones(60) + rng.integers(0, 2, size=60)
    degrees[17] = 59
    evidence = leader_evidence(degrees)
    assert evidence["leader"] == 17
    assert evidence["pattern"] == "clear_leader"
    assert evidence["confidence"] > 0.8


def test_evenly_spread_scores_get_low_confidence() -> None:
    rng = np.random.default_rng(1)
    scores = 1 / 200 + rng.normal(0, 1e-4, size=200)
    evidence = leader_evidence(scores)
    assert evidence["pattern"] == "evenly_spread"
    assert evidence["confidence"] < 0.1
    flat = leader_evidence([4] * 50)
    assert flat["pattern"] == "evenly_spread"
    assert flat["confidence"] < 0.1


def test_tied_leaders_are_a_shared_lead_with_less_confidence() -> None:
    base = [3.0] * 40 + [4.0] * 20 + [2.0] * 20
    alone = leader_evidence([*base, 40.0])
    tied = leader_evidence([*base, 40.0, 40.0])
    assert alone["pattern"] == "clear_leader"
    assert tied["pattern"] == "shared_lead"
    assert tied["confidence"] < alone["confidence"]


def test_gini_bounds() -> None:
    assert gini([1, 1, 1, 1]) == 0.0
    assert gini([0, 0, 0, 10]) == 0.75
    assert gini([]) == 0.0


def test_poisson_tail_matches_the_closed_form() -> None:
    expected = 1 - np.exp(-2.0) * (1 + 2.0 + 2.0)
    assert abs(poisson_upper_tail(3, 2.0) - expected) < 1e-12
    assert poisson_upper_tail(0, 5.0) == 1.0
    assert poisson_upper_tail(1, 5000.0) == 1.0
    assert poisson_upper_tail(60, 2.0) < 1e-40


def test_configuration_model_expectation_and_comparison() -> None:
    # 300 devices each used by 2 accounts: two one-device accounts rarely share by chance.
    expected = expected_shared_neighbours(1, 1, [2] * 300)
    assert abs(expected - 1 / 600) < 1e-12  # v takes the one free stub of u's device
    shared = compare_to_expected(1, expected, comparisons=1)
    assert shared["lift"] > 100
    strong = compare_to_expected(9, 1.0, comparisons=500)
    weak = compare_to_expected(2, 1.0, comparisons=500)
    assert strong["unusual"] and not weak["unusual"]
    assert strong["confidence"] > weak["confidence"]


def test_leader_ahead_by_part_of_the_way_is_a_leader_not_a_clear_one() -> None:
    base = [3.0] * 40 + [4.0] * 20 + [2.0] * 20
    evidence = leader_evidence([*base, 40.0, 30.0])
    assert evidence["pattern"] == "leader"
    clear = leader_evidence([*base, 40.0, 5.0])
    assert clear["pattern"] == "clear_leader"
    assert evidence["confidence"] < clear["confidence"]
