"""Summaries over whole results: statistics, histograms, top-k and groups."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from gaai_graph.engines.summary import (
    MEMBERS_LISTED_IN_FULL_UP_TO,
    MEMBERS_SAMPLE_SIZE,
    collection_codes,
    gini,
    group_size_histogram,
    score_histogram,
    score_statistics,
    summarize_groups,
    summarize_scores,
    top_indices,
)
from gaai_graph.models import HistogramBin


def ids_for(count: int, collection: str = "v") -> list[str]:
    return [f"{collection}/{i:07d}" for i in range(count)]


def brute_force_gini(values: np.ndarray) -> float:
    """Mean absolute difference over all ordered pairs, over twice the mean."""
    differences = np.abs(values[:, None] - values[None, :]).sum()
    return float(differences / (2 * values.size**2 * values.mean()))


def assert_histogram_covers(bins: list[HistogramBin], values: np.ndarray) -> None:
    assert sum(b.count for b in bins) == values.size
    assert bins[0].lower <= values.min()
    assert bins[-1].upper >= values.max()
    for before, after in itertools.pairwise(bins):
        assert before.upper == after.lower
        assert before.lower < before.upper
    # Each bin's count is what [lower, upper) (the last closed) really holds.
    for index, b in enumerate(bins):
        last = index == len(bins) - 1
        inside = (values >= b.lower) & ((values <= b.upper) if last else (values < b.upper))
        assert int(inside.sum()) == b.count


# --------------------------------------------------------------------------- statistics


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_statistics_match_numpy_on_random_data(seed: int) -> None:
    values = np.random.default_rng(seed).lognormal(0.0, 1.5, size=10_000)
    statistics = score_statistics(values, top_sum=12.5)
    assert statistics.count == values.size
    assert statistics.min == pytest.approx(values.min())
    assert statistics.max == pytest.approx(values.max())
    assert statistics.mean == pytest.approx(values.mean())
    assert statistics.median == pytest.approx(np.median(values))
    assert statistics.std == pytest.approx(values.std())
    assert statistics.p90 == pytest.approx(np.percentile(values, 90))
    assert statistics.p99 == pytest.approx(np.percentile(values, 99))
    assert statistics.total == pytest.approx(values.sum())
    assert statistics.top_k_share == pytest.approx(12.5 / values.sum())


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([3.0, 3.0, 3.0, 3.0], 0.0),
        ([0.0, 0.0, 0.0, 8.0], 0.75),
        ([1.0, 2.0, 3.0, 4.0, 5.0], 4 / 15),
        ([0.0, 0.0], 0.0),
        ([7.0], 0.0),
    ],
)
def test_gini_known_cases(values: list[float], expected: float) -> None:
    assert gini(values) == pytest.approx(expected)


def test_gini_matches_mean_absolute_difference_and_ignores_order() -> None:
    values = np.random.default_rng(4).pareto(1.5, size=500)
    assert gini(values) == pytest.approx(brute_force_gini(values))
    assert gini(values[::-1]) == pytest.approx(gini(values))


def test_top_k_share_is_zero_when_everything_is_zero() -> None:
    statistics = score_statistics(np.zeros(5), top_sum=0.0)
    assert statistics.top_k_share == 0.0
    assert statistics.gini == 0.0


# --------------------------------------------------------------------------- histograms


@pytest.mark.parametrize(
    "values",
    [
        np.random.default_rng(0).uniform(-3, 7, 5_000),
        np.random.default_rng(1).lognormal(0, 2, 5_000),
        np.random.default_rng(2).pareto(1.2, 5_000),
        np.concatenate([np.zeros(4_000), np.random.default_rng(3).lognormal(-6, 2, 1_000)]),
        np.random.default_rng(4).zipf(2.0, 5_000).astype(float),
        np.random.default_rng(5).poisson(40, 5_000).astype(float),
    ],
    ids=["uniform", "lognormal", "pareto", "mostly-zero", "zipf-integers", "poisson-integers"],
)
def test_histogram_bins_cover_every_value_exactly_once(values: np.ndarray) -> None:
    bins = score_histogram(values)
    assert 2 <= len(bins) <= 11
    assert_histogram_covers(bins, values)


def test_skewed_scores_get_logarithmic_bins_that_show_the_tail() -> None:
    values = np.random.default_rng(6).lognormal(0, 2.5, 20_000)
    bins = score_histogram(values)
    ratios = [b.upper / b.lower for b in bins]
    assert max(ratios) == pytest.approx(min(ratios), rel=1e-6)
    # A linear histogram would put nearly everything in its first bin.
    assert max(b.count for b in bins) < 0.5 * values.size


def test_zeros_get_their_own_bin_next_to_logarithmic_bins() -> None:
    values = np.concatenate([np.zeros(900), np.geomspace(1e-4, 1.0, 100)])
    bins = score_histogram(values)
    assert bins[0].lower == 0.0
    assert bins[0].upper == pytest.approx(1e-4)
    assert bins[0].count == 900


def test_even_scores_get_linear_bins() -> None:
    values = np.random.default_rng(7).uniform(0, 1, 1_000)
    widths = [b.upper - b.lower for b in score_histogram(values)]
    assert max(widths) == pytest.approx(min(widths))


def test_small_integer_ranges_get_one_bin_per_value() -> None:
    values = np.random.default_rng(8).integers(2, 8, 1_000).astype(float)
    bins = score_histogram(values)
    assert [b.lower for b in bins] == [2, 3, 4, 5, 6, 7]
    assert [b.count for b in bins] == np.bincount(values.astype(int))[2:].tolist()


def test_skewed_integer_scores_get_integer_bin_edges() -> None:
    values = np.random.default_rng(9).zipf(1.8, 10_000).astype(float)
    bins = score_histogram(values)
    assert all(float(b.lower).is_integer() for b in bins)
    assert_histogram_covers(bins, values)


def test_constant_scores_give_one_bin() -> None:
    assert score_histogram(np.full(7, 0.25)) == [HistogramBin(lower=0.25, upper=0.25, count=7)]
    assert score_histogram(np.array([])) == []


# --------------------------------------------------------------------------- top-k


def test_top_k_breaks_ties_by_id_whatever_the_input_order() -> None:
    ids = ["v/d", "v/a", "v/c", "v/b", "v/e"]
    values = np.array([5.0, 5.0, 9.0, 5.0, 1.0])
    assert [ids[i] for i in top_indices(values, ids, 3)] == ["v/c", "v/a", "v/b"]
    assert [ids[i] for i in top_indices(values, ids, 10)] == ["v/c", "v/a", "v/b", "v/d", "v/e"]
    assert top_indices(values, ids, 0) == []


def test_top_k_with_a_huge_tie_is_still_ordered_by_id() -> None:
    count = 50_000
    order = np.random.default_rng(10).permutation(count)
    ids = [f"v/{i:06d}" for i in order]
    values = np.ones(count)
    values[order == 123] = 2.0
    chosen = [ids[i] for i in top_indices(values, ids, 4)]
    assert chosen == ["v/000123", "v/000000", "v/000001", "v/000002"]


def test_summarize_scores_lists_only_result_collections_but_counts_everything() -> None:
    ids = ["customers/a", "devices/x", "customers/b", "devices/y", "customers/c"]
    labels = ["Ann", "x", "Bob", "y", "Cy"]
    values = np.array([1.0, 10.0, 3.0, 8.0, 3.0])
    summary = summarize_scores(values, ids, labels, top_k=2, result_collections=["customers"])
    assert [(e.id, e.value, e.label) for e in summary.top_entities] == [
        ("customers/b", 3.0, "Bob"),
        ("customers/c", 3.0, "Cy"),
    ]
    assert summary.statistics.count == 5
    assert summary.statistics.max == 10.0
    assert summary.statistics.top_k_share == pytest.approx(6.0 / 25.0)
    assert sum(b.count for b in summary.histogram) == 5


def test_summarize_scores_rejects_mismatched_input() -> None:
    with pytest.raises(ValueError, match="empty"):
        summarize_scores(np.array([]), [], [], top_k=3)
    with pytest.raises(ValueError, match="2 scores for 1 vertices"):
        summarize_scores(np.array([1.0, 2.0]), ["v/a"], ["a"], top_k=3)


def test_a_million_scores_summarise_over_every_value() -> None:
    # Speed targets live in benchmarks/; here only correctness at a million vertices.
    count = 1_000_000
    values = np.random.default_rng(11).pareto(1.1, count)
    ids = ids_for(count // 2, "customers") + ids_for(count // 2, "products")
    labels = ids
    summary = summarize_scores(values, ids, labels, top_k=25, result_collections=["products"])
    assert summary.statistics.count == count
    assert summary.top_entities[0].value == pytest.approx(values[count // 2 :].max())
    assert summary.metrics["result_vertex_count"] == count // 2


# --------------------------------------------------------------------------- groups


def test_group_size_histogram_uses_power_of_two_bins() -> None:
    bins = group_size_histogram([1, 1, 2, 3, 4, 7, 8, 100])
    assert [(b.lower, b.upper, b.count) for b in bins] == [
        (1, 2, 2),
        (2, 4, 2),
        (4, 8, 2),
        (8, 16, 1),
        (16, 32, 0),
        (32, 64, 0),
        (64, 128, 1),
    ]


def test_group_size_histogram_is_exact_at_every_power_of_two() -> None:
    sizes = np.array([2**p for p in range(31)] + [2**p - 1 for p in range(1, 31)])
    bins = group_size_histogram(sizes)
    for b in bins:
        inside = (sizes >= b.lower) & (sizes < b.upper)
        assert int(inside.sum()) == b.count
    assert sum(b.count for b in bins) == sizes.size


def test_summarize_groups_orders_groups_and_samples_members() -> None:
    # Group 7: five members; group 3: three; group 5: three; 9 and 2: singletons.
    membership = [7, 7, 3, 7, 5, 3, 7, 9, 5, 3, 7, 2, 5]
    ids = [
        "c/a", "c/b", "c/c", "d/d", "c/e", "d/f", "c/g", "c/h", "c/i", "c/j", "d/k", "c/l", "c/m"
    ]  # fmt: skip
    degrees = [1, 4, 2, 4, 1, 9, 2, 0, 1, 1, 8, 0, 1]
    summary = summarize_groups(membership, ids, degrees, top_k=3)
    assert summary.group_count == 5
    assert [g.size for g in summary.groups] == [5, 3, 3]
    # Highest degree first, ties by id.
    assert summary.groups[0].members_sample == ["d/k", "c/b", "d/d", "c/g", "c/a"]
    # Equal sizes: the group whose first member comes first is listed first (3 before 5).
    assert summary.groups[1].members_sample == ["d/f", "c/c", "c/j"]
    assert summary.groups[0].composition == {"c": 3, "d": 2}
    assert summary.metrics["largest_group_size"] == 5
    assert summary.metrics["largest_group_share"] == pytest.approx(5 / 13)
    assert summary.metrics["singleton_count"] == 2
    assert summary.metrics["groups_of_size_at_least_3"] == 3
    assert sum(b.count for b in summary.size_histogram) == 5
    assert summary.notes == []


def test_summarize_groups_with_result_collections_counts_whole_groups() -> None:
    membership = [0, 0, 0, 0, 0, 0, 0, 1, 1, 2]
    ids = [f"devices/{i}" for i in range(5)] + ["customers/a", "customers/b"]
    ids += ["customers/c", "devices/9", "devices/10"]
    degrees = [50, 40, 30, 20, 10, 1, 2, 1, 1, 0]
    summary = summarize_groups(membership, ids, degrees, top_k=5, result_collections=["customers"])
    largest = summary.groups[0]
    assert largest.size == 7
    assert largest.composition == {"devices": 5, "customers": 2}
    # A small group lists every member: customers first, then devices by degree.
    expected = ["customers/b", "customers/a"] + [f"devices/{i}" for i in range(5)]
    assert largest.members_sample == expected
    assert summary.metrics["groups_with_result_members"] == 2
    # Only group 0 holds two customers; group 1 (one customer, one device) is no ring.
    assert summary.metrics["groups_with_at_least_2_result_members"] == 1
    assert summary.metrics["result_members_in_multi_member_groups"] == 2
    assert summary.notes and "customers" in summary.notes[0]

    # When every vertex is of the asked-for collections there is nothing to caveat.
    only_customers = summarize_groups(
        [0, 0, 1],
        ["customers/a", "customers/b", "customers/c"],
        [1, 1, 0],
        top_k=2,
        result_collections=["customers"],
    )
    assert only_customers.notes == []
    assert "groups_with_result_members" not in only_customers.metrics
    assert only_customers.metrics["groups_with_at_least_2_result_members"] == 1


def test_ring_count_covers_groups_beyond_the_listed_ones() -> None:
    # 30 groups of one customer + two devices, then 3 groups of two customers + one device:
    # with top_k=2 only two groups are listed, but the ring count covers all of them.
    membership, ids = [], []
    for group in range(30):
        membership += [group] * 3
        ids += [f"customers/s{group}", f"devices/s{group}a", f"devices/s{group}b"]
    for group in range(30, 33):
        membership += [group] * 3
        ids += [f"customers/r{group}a", f"customers/r{group}b", f"devices/r{group}"]
    summary = summarize_groups(
        membership, ids, [1] * len(ids), top_k=2, result_collections=["customers"]
    )
    assert len(summary.groups) == 2
    assert summary.metrics["groups_of_size_at_least_3"] == 33
    assert summary.metrics["groups_with_at_least_2_result_members"] == 3
    assert summary.metrics["result_members_in_multi_member_groups"] == 6


def test_large_groups_are_sampled_and_small_ones_listed_in_full() -> None:
    big, small = MEMBERS_LISTED_IN_FULL_UP_TO + 1, MEMBERS_LISTED_IN_FULL_UP_TO
    membership = [0] * big + [1] * small
    ids = ids_for(big + small, "customers")
    summary = summarize_groups(membership, ids, [1] * len(ids), top_k=2)
    assert [g.size for g in summary.groups] == [big, small]
    assert len(summary.groups[0].members_sample) == MEMBERS_SAMPLE_SIZE
    assert sorted(summary.groups[1].members_sample) == sorted(ids[big:])


def test_score_metrics_count_shared_vertices_over_the_whole_result() -> None:
    ids = ["devices/a", "devices/b", "devices/c", "cards/x", "cards/y", "customers/1"]
    degrees = [3, 1, 2, 2, 1, 7]
    summary = summarize_scores(degrees, ids, ids, top_k=1, result_collections=["devices", "cards"])
    metrics = summary.metrics
    assert metrics["result_vertex_count"] == 5
    assert metrics["result_vertices_at_least_2"] == 3
    assert metrics["result_vertices_at_least_2_in_devices"] == 2
    assert metrics["result_vertices_at_least_2_in_cards"] == 1
    assert metrics["result_vertex_count_in_devices"] == 3
    # The maximum of the whole result (7) is a customer's, so no device or card reaches it.
    assert metrics["result_vertices_at_max"] == 0
    # Fractional scores have no "shared" count.
    fractional = summarize_scores(
        [0.5, 0.25, 0.25], ["v/a", "v/b", "v/c"], ["a", "b", "c"], top_k=1
    )
    assert "result_vertices_at_least_2" not in fractional.metrics
    assert fractional.metrics["result_vertices_at_max"] == 1


def test_a_million_group_labels_summarise_quickly() -> None:
    count = 1_000_000
    rng = np.random.default_rng(12)
    membership = rng.zipf(1.6, count) % 200_000
    ids = ids_for(count // 2, "customers") + ids_for(count // 2, "devices")
    degrees = rng.poisson(3, count)
    summary = summarize_groups(membership, ids, degrees, top_k=10)
    assert summary.group_count == np.unique(membership).size
    assert summary.groups[0].size == np.bincount(membership).max()
    # Speed targets live in benchmarks/; here only correctness over a million labels.
    sizes = np.bincount(membership)
    assert summary.metrics["groups_of_size_at_least_3"] == int((sizes >= 3).sum())


def test_collection_codes_number_collections_in_first_seen_order() -> None:
    names, codes = collection_codes(["b/1", "a/2", "b/3", "c/4"])
    assert names == ["b", "a", "c"]
    assert codes.tolist() == [0, 1, 0, 2]


def test_scores_equal_but_for_the_last_bits_tie_and_rank_by_id() -> None:
    # Iterative solvers return symmetric vertices' scores differing in the last bits from call
    # to call; the ranking must not depend on that noise.
    base = 0.0123456789
    values = np.array([base, base * (1 + 4e-16), base * (1 - 4e-16), 0.5, base / 2])
    ids = ["v/c", "v/a", "v/b", "v/top", "v/low"]
    assert top_indices(values, ids, 4) == [3, 1, 2, 0]
    # A real difference still ranks by value.
    values[0] = base * (1 + 1e-9)
    assert top_indices(values, ids, 4) == [3, 0, 1, 2]


def test_collection_codes_of_a_projection_read_its_runs_and_match_its_ids() -> None:
    import pickle

    from gaai_graph.engines import summary
    from gaai_graph.sources.projection import VertexIds, VertexRun

    runs = (
        VertexRun("orders", 0, 2, True),
        VertexRun("empty", 2, 0, True),
        VertexRun("customers", 2, 3, False),
    )
    ids = VertexIds(["orders/o1", "orders/o2", "customers/a", "customers/b", "customers/c"], runs)
    names, codes = collection_codes(ids)
    plain_names, plain_codes = collection_codes(list(ids))
    assert (names, codes.tolist()) == (plain_names, plain_codes.tolist())
    assert names == ["orders", "customers"] and codes.tolist() == [0, 0, 1, 1, 1]
    assert summary.in_collections(ids, {"customers"}).tolist() == [False, False, True, True, True]
    # The runs travel with the ids (to a worker process) and never with a copy of them.
    assert pickle.loads(pickle.dumps(ids)).runs == runs
    assert not hasattr(ids[:2], "runs") and not hasattr(list(ids), "runs")
