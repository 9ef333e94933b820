"""Attribute profiles and partition alignment on seeded synthetic graphs."""

from __future__ import annotations

import json

import numpy as np
import pytest

from gaai_graph.evidence.profiles import (
    adjusted_rand_index,
    best_alignment,
    column_kind,
    normalized_mutual_information,
    partition_alignment,
    profile_group,
)


def _aligned_partition(rng: np.random.Generator, n: int, noise: float):
    values = list(rng.choice(["north", "south", "east"], size=n))
    code = {"north": 0, "south": 1, "east": 2}
    membership = [code[v] if rng.random() >= noise else int(rng.integers(0, 3)) for v in values]
    return membership, values


@pytest.mark.parametrize("seed", range(6))
def test_partition_matching_an_attribute_is_recognised(seed: int) -> None:
    rng = np.random.default_rng(seed)
    membership, values = _aligned_partition(rng, 240, noise=0.08)
    evidence = partition_alignment(membership, values, attribute="region")
    assert evidence is not None
    assert evidence["purity"] >= 0.9
    assert evidence["aligned"] is True
    assert evidence["confidence"] > 0.5
    assert {m["value"] for m in evidence["majority"].values()} == {"north", "south", "east"}
    json.dumps(evidence, allow_nan=False)


@pytest.mark.parametrize("seed", range(6))
def test_random_partitions_are_not_aligned(seed: int) -> None:
    rng = np.random.default_rng(seed)
    values = list(rng.choice(["north", "south", "east"], size=240))
    random_groups = list(rng.integers(0, 4, size=240))
    pairs = [i // 2 for i in range(240)]  # tiny groups: purity 0.67 by chance alone
    dominant = ["north" if rng.random() < 0.95 else "south" for _ in range(240)]
    for membership, attribute in (
        (random_groups, values),
        (pairs, values),
        (random_groups, dominant),
    ):
        evidence = partition_alignment(membership, attribute)
        assert evidence is not None
        assert evidence["aligned"] is False
        assert evidence["confidence"] < 0.5


def test_best_alignment_picks_the_matching_attribute() -> None:
    rng = np.random.default_rng(11)
    membership, values = _aligned_partition(rng, 200, noise=0.02)
    columns = {
        "region": values,
        "tier": list(rng.choice(["gold", "silver"], size=200)),
        "score": list(rng.normal(size=200)),
        "name": [f"Entity {i}" for i in range(200)],
    }
    best = best_alignment(membership, columns)
    assert best is not None and best["attribute"] == "region"
    assert best_alignment(list(rng.integers(0, 3, size=200)), columns) is None


def test_alignment_needs_two_groups_and_two_values() -> None:
    assert partition_alignment([0, 0, 0], ["a", "b", "a"]) is None
    assert partition_alignment([0, 1, 1], ["a", "a", "a"]) is None
    assert partition_alignment([None, 1, 0], ["a", None, "b"]) is None


def test_nmi_and_ari_exact_values() -> None:
    same = [0, 0, 1, 1, 2, 2]
    renamed = ["x", "x", "y", "y", "z", "z"]
    assert normalized_mutual_information(same, renamed) == pytest.approx(1.0)
    assert adjusted_rand_index(same, renamed) == pytest.approx(1.0)
    # Hand-computed: contingency [[2,1],[0,3]] (a classic ARI example).
    first = [0, 0, 0, 1, 1, 1]
    second = [0, 0, 1, 1, 1, 1]
    # index = C(2,2)+C(1,2)+C(3,2) = 4; rows 3+3 = 6; cols C(2,2)+C(4,2) = 7; pairs 15
    expected = (4 - 6 * 7 / 15) / ((6 + 7) / 2 - 6 * 7 / 15)
    assert adjusted_rand_index(first, second) == pytest.approx(expected)
    assert 0 < normalized_mutual_information(first, second) < 1


def test_column_kinds() -> None:
    assert column_kind([True, False, None, True]) == "categorical"
    assert column_kind(["a", "b", "a", "b", "a", "a"]) == "categorical"
    assert column_kind([f"id{i}" for i in range(20)]) == "identifier"
    assert column_kind([0.5 * i for i in range(40)]) == "numeric"
    assert column_kind([1, 2, 1, 3, 2, 1, 1]) == "categorical"  # a small integer code
    assert column_kind([None, None]) == "empty"
    assert column_kind([[1], [2]]) == "identifier"


def test_profile_finds_over_represented_flag_and_higher_numbers() -> None:
    rng = np.random.default_rng(4)
    n = 400
    critical = [bool(rng.random() < 0.1) for _ in range(n)]
    cost = list(rng.normal(100, 10, size=n))
    colour = list(rng.choice(["red", "blue"], size=n))
    members = list(range(40))
    for i in members[:30]:
        critical[i] = True
        cost[i] = float(rng.normal(160, 5))
    profile = profile_group(members, {"critical": critical, "cost": cost, "colour": colour})
    distinctive = dict(profile["distinctive"])
    assert set(distinctive) == {"critical", "cost"}
    flag = distinctive["critical"]["over_represented"][0]
    assert flag["value"] is True and flag["lift"] > 3 and flag["unusual"]
    assert distinctive["cost"]["direction"] == "higher"
    assert distinctive["cost"]["median"] > distinctive["cost"]["population_q3"]
    json.dumps(profile["attributes"], allow_nan=False)


def test_profile_of_a_random_group_has_nothing_distinctive() -> None:
    rng = np.random.default_rng(8)
    n = 500
    columns = {
        "colour": list(rng.choice(["red", "blue", "green"], size=n)),
        "cost": list(rng.normal(100, 10, size=n)),
    }
    for seed in range(5):
        members = list(np.random.default_rng(seed).choice(n, size=40, replace=False))
        assert profile_group(members, columns)["distinctive"] == []


def test_min_support_hides_values_too_rare_to_report() -> None:
    values = ["rare"] * 2 + ["common"] * 98
    profile = profile_group([0, 1, 50, 60], {"kind": values})
    assert profile["attributes"]["kind"]["over_represented"] == []


def test_alignment_confidence_grows_with_purity() -> None:
    rng = np.random.default_rng(2)
    values = list(rng.choice(["a", "b", "c"], size=300))
    code = {"a": 0, "b": 1, "c": 2}
    confidences = []
    for noise in (0.6, 0.3, 0.15, 0.05, 0.0):
        draws = np.random.default_rng(5)
        membership = [
            code[v] if draws.random() >= noise else int(draws.integers(0, 3)) for v in values
        ]
        evidence = partition_alignment(membership, values)
        assert evidence is not None
        confidences.append(evidence["confidence"])
    assert confidences == sorted(confidences)
    assert confidences[0] < 0.1 and confidences[-1] > 0.9


def test_entity_profile_puts_rare_values_and_extremes_first() -> None:
    from gaai_graph.evidence.profiles import profile_entity
    from gaai_graph.evidence.sentences import describe_entity

    rng = np.random.default_rng(6)
    n = 200
    columns = {
        "critical": [i < 10 for i in range(n)],
        "cost": [float(v) for v in rng.normal(100, 10, size=n)],
        "colour": list(rng.choice(["red", "blue"], size=n)),
        "name": [f"Part {i}" for i in range(n)],
    }
    columns["cost"][3] = 500.0
    standings = profile_entity(3, columns, skip=["name"])
    assert [s["attribute"] for s in standings[:2]] == ["cost", "critical"]
    assert standings[0]["percentile"] > 99
    assert standings[1]["value"] is True and standings[1]["population_share"] == 0.05
    text = describe_entity(standings, name="Part 3 [parts/p3]", limit=2)
    assert text == "Part 3 [parts/p3]: cost 500 (top 0.2%), critical = True (5% of all)."
    assert describe_entity([], name="x") == ""


def _exact_tail(observed: int, drawn: int, carriers: int, population: int) -> float:
    from math import comb

    total = comb(population, drawn)
    return (
        sum(
            comb(carriers, k) * comb(population - carriers, drawn - k)
            for k in range(observed, min(drawn, carriers) + 1)
        )
        / total
    )


@pytest.mark.parametrize(
    ("observed", "drawn", "carriers", "population"),
    [
        (11, 12, 17, 34),
        (12, 12, 17, 34),
        (2, 10, 5, 40),
        (0, 3, 5, 10),
        (5, 5, 5, 60),
        (1, 9, 30, 40),
    ],
)
def test_hypergeometric_tail_is_exact(
    observed: int, drawn: int, carriers: int, population: int
) -> None:
    from gaai_graph.evidence.profiles import hypergeometric_upper_tail

    got = hypergeometric_upper_tail(observed, drawn, carriers, population)
    assert got == pytest.approx(_exact_tail(observed, drawn, carriers, population), rel=1e-9)


def test_each_group_is_tested_against_random_groups_of_its_size() -> None:
    # Two pure blocks of 15 and a mixed block of 4, values half and half overall.
    membership = [0] * 15 + [1] * 15 + [2] * 4
    values = ["a"] * 15 + ["b"] * 15 + ["a", "b"] * 2
    evidence = partition_alignment(membership, values, attribute="side")
    assert evidence is not None and evidence["aligned"]
    groups = evidence["majority"]
    assert groups["0"]["coincides"] and groups["1"]["coincides"]
    assert not groups["2"]["coincides"]  # 2 of 4 is what a random group holds
    assert groups["0"]["expected"] == pytest.approx(7.5)
    assert groups["0"]["p_value"] < 1e-4
    # The chance values are the baseline the report quotes beside the measured ones.
    assert evidence["chance_purity"] < evidence["purity"]
    assert evidence["chance_nmi"] < evidence["nmi"]


def test_more_attributes_tried_means_a_stricter_group_test() -> None:
    # A pure group of 6 among 40 with a value held by half: p = C(20,6)/C(40,6) ≈ 0.01.
    membership = [0] * 6 + [1] * 34
    values = ["x"] * 6 + ["x"] * 14 + ["y"] * 20
    one = partition_alignment(membership, values)
    many = partition_alignment(membership, values, attributes_tried=50)
    assert one is not None and many is not None
    assert one["majority"]["0"]["p_value"] == many["majority"]["0"]["p_value"]
    assert many["majority"]["0"]["confidence"] <= one["majority"]["0"]["confidence"]
    assert not many["majority"]["0"]["coincides"]


def test_groups_with_one_member_carrying_the_attribute_do_not_count() -> None:
    # Households of one customer (with a segment) and devices (without): nothing to compare.
    membership = [h for h in range(20) for _ in range(3)]
    values = [("a" if h % 2 else "b") if i == 0 else None for h in range(20) for i in range(3)]
    assert partition_alignment(membership, values) is None


def test_string_labels_are_numbered_in_order_of_first_appearance() -> None:
    from gaai_graph.evidence.profiles import _codes

    names, codes = _codes(["b", "a", "b", "c", "a"])
    assert names == ["b", "a", "c"]
    assert codes.tolist() == [0, 1, 0, 2, 1]
    # Integers take numpy's path and come back as Python ints, in the same order.
    numbers, number_codes = _codes([3, 1, 3])
    assert numbers == [3, 1] and type(numbers[0]) is int
    assert number_codes.tolist() == [0, 1, 0]


def test_labels_of_mixed_types_stay_apart() -> None:
    from gaai_graph.evidence.profiles import _codes

    names, codes = _codes([1, "1", 1, True, "1"])

    assert names == [1, "1", True]
    assert codes.tolist() == [0, 1, 0, 2, 1]


def test_alignment_given_the_grouped_rows_equals_alignment_finding_them() -> None:
    rng = np.random.default_rng(5)
    membership: list[int | None] = [int(g) for g in rng.integers(0, 6, 400)]
    values: list[object] = [f"v{g}" if rng.random() < 0.8 else "w" for g in membership]
    for i in range(0, 400, 7):
        membership[i] = None
    values[3] = None
    values[5] = "  "
    grouped = [i for i, group in enumerate(membership) if group is not None]
    found = partition_alignment(membership, values, attribute="v", seed=1)
    given = partition_alignment(membership, values, attribute="v", seed=1, grouped=grouped)
    assert found is not None and given == found
    assert found["compared"] == len(grouped) - 2


def test_comparable_rows_of_text_cells_are_those_comparable_finds() -> None:
    from gaai_graph.evidence.profiles import _comparable, _comparable_rows

    for cells in (
        ["a", None, " ", "", "b ", "\t", "c"],  # text and None: tested in C
        ["a", None, 3, "", float("nan"), True],  # mixed: tested one by one
        [None, None],
        [],
    ):
        rows = [10 + i for i in range(len(cells))]
        expected = [row for row, cell in zip(rows, cells, strict=True) if _comparable(cell)]
        assert _comparable_rows(rows, list(cells)) == expected
