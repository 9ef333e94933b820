"""Baselines: planted outliers are found, ordinary structure is not flagged."""

from __future__ import annotations

import random

import igraph as ig
import numpy as np
import pytest

from gaai_graph.evidence.baseline import Baseline, assess, outliers


def _households(rng: np.random.Generator, count: int = 400) -> list[int]:
    # Most shared devices link 2 accounts, some 3: ordinary household sharing.
    return list(rng.choice([2, 2, 2, 2, 2, 2, 2, 2, 2, 3], size=count))


@pytest.mark.parametrize("seed", range(5))
def test_device_shared_by_eight_stands_out_among_households(seed: int) -> None:
    rng = np.random.default_rng(seed)
    sizes = [*_households(rng), 8]
    found = outliers(sizes)
    assert [index for index, _ in found] == [len(sizes) - 1]
    evidence = found[0][1]
    assert evidence["observed"] == 8
    assert evidence["expected"] == 2
    assert evidence["percentile"] > 99
    assert evidence["lift"] == 4.0
    assert evidence["confidence"] > 0.8


@pytest.mark.parametrize("seed", range(5))
def test_hundreds_of_households_are_not_flagged(seed: int) -> None:
    rng = np.random.default_rng(seed)
    sizes = _households(rng)
    assert outliers(sizes) == []
    baseline = Baseline.of(sizes)
    for size in (2, 3):
        evidence = assess(size, baseline)
        assert evidence["unusual"] is False
        assert evidence["confidence"] < 0.2


def test_all_equal_distribution_has_no_outlier() -> None:
    assert outliers([4.0] * 200) == []
    evidence = assess(4.0, Baseline.of([4.0] * 200))
    assert evidence["z_score"] == 0
    assert evidence["unusual"] is False


@pytest.mark.parametrize("seed", range(4))
def test_ordinary_hubs_of_a_scale_free_graph_are_not_flagged(seed: int) -> None:
    random.seed(seed)  # igraph draws from Python's random module
    graph = ig.Graph.Barabasi(2000, 2)
    assert outliers(graph.degree()) == []


@pytest.mark.parametrize("seed", range(4))
def test_planted_collectors_found_in_random_transfers(seed: int) -> None:
    rng = np.random.default_rng(seed)
    in_degree = rng.poisson(3, size=2000)
    planted = rng.choice(2000, size=8, replace=False)
    in_degree[planted] = rng.integers(25, 60, size=8)
    found = {index for index, _ in outliers(in_degree)}
    assert found == set(planted.tolist())


def test_lower_direction_finds_unusually_small_values() -> None:
    rng = np.random.default_rng(7)
    values = rng.normal(100, 5, size=500)
    values[13] = 40
    assert [i for i, _ in outliers(values, direction="lower")] == [13]
    assert outliers(values, direction="upper") == []
    assert [i for i, _ in outliers(values, direction="both")] == [13]


def test_small_sample_outlier_is_found_with_damped_confidence() -> None:
    small = outliers([2, 2, 3, 2, 2, 30])
    assert [i for i, _ in small] == [5]
    rng = np.random.default_rng(3)
    large_values = [*list(rng.choice([2, 2, 2, 3], size=300)), 30]
    large = outliers(large_values)
    assert small[0][1]["confidence"] < large[0][1]["confidence"]


def test_floating_jitter_is_not_an_outlier() -> None:
    rng = np.random.default_rng(5)
    scores = 0.01 + rng.normal(0, 1e-5, size=100)
    assert outliers(scores) == []


def test_common_value_is_not_unusual_even_with_a_large_z() -> None:
    # 7% of the values are 10: far from the median 2 in z, but too common to be an outlier.
    values = [1] * 200 + [2] * 200 + [3] * 150 + [10] * 40
    evidence = assess(10, Baseline.of(values, scale="linear"))
    assert evidence["z_score"] > 3.5
    assert evidence["tail_share"] > 0.05
    assert evidence["unusual"] is False


def test_values_above_a_dominant_typical_value_are_judged_among_themselves() -> None:
    # Most groups have 2 members; 3s are common among the rest, 4s too; one 9 is not.
    sizes = [2] * 300 + [3] * 35 + [4] * 4 + [9]
    baseline = Baseline.of(sizes)
    assert baseline.above_typical is not None
    assert assess(3, baseline)["unusual"] is False
    assert assess(4, baseline)["unusual"] is False
    nine = assess(9, baseline)
    assert nine["unusual"] is True
    assert nine["z_reference"] == "above_typical"


@pytest.mark.parametrize("seed", range(4))
def test_zero_inflated_counts_flag_only_the_planted_extremes(seed: int) -> None:
    # Most suppliers are the sole source of nothing, some of 1-3 parts; a few of 15-30.
    rng = np.random.default_rng(seed)
    counts = np.zeros(1000)
    counts[:60] = 1
    counts[60:90] = rng.integers(2, 4, size=30)
    planted = rng.choice(np.arange(90, 1000), size=8, replace=False)
    counts[planted] = rng.integers(15, 30, size=8)
    assert {i for i, _ in outliers(counts)} == set(planted.tolist())
    assert outliers(np.where(counts >= 15, 0, counts)) == []


def test_heavy_tailed_measure_uses_log_scale() -> None:
    rng = np.random.default_rng(1)
    assert Baseline.of(rng.lognormal(3, 1, 1000)).scale == "log"
    assert Baseline.of(rng.exponential(5, 1000)).scale == "linear"
    assert Baseline.of(rng.poisson(4, 1000)).scale == "linear"
    random.seed(2)
    assert Baseline.of(ig.Graph.Barabasi(1000, 2).degree()).scale == "log"
    assert Baseline.of([2] * 50 + [3] * 5).scale == "linear"
    with pytest.raises(ValueError, match="non-negative"):
        Baseline.of([-1.0, 2.0], scale="log")


def test_evidence_is_json_plain() -> None:
    evidence = assess(8, Baseline.of([2] * 100 + [8]))
    for value in evidence.values():
        assert isinstance(value, str | bool | int | float | type(None))


def test_the_median_of_sorted_values_is_numpys_median_to_the_bit() -> None:
    import numpy as np

    from gaai_graph.evidence.baseline import _median_of_sorted

    rng = np.random.default_rng(11)
    for size in [*range(1, 40), 10_000, 10_001]:
        values = np.sort(rng.normal(size=size) * 10.0 ** rng.integers(-6, 9))
        assert _median_of_sorted(values) == float(np.median(values))
        counts = np.sort(rng.integers(0, 3, size=size).astype(np.float64))  # ties
        assert _median_of_sorted(counts) == float(np.median(counts))
