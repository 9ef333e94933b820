"""Explain a group or an entity with its vertex attributes.

`profile_group` compares a set of vertices with the whole population, attribute by attribute:

- **categorical** attributes (strings with few distinct values, booleans such as `critical`,
  small integer codes): the share of each value in the group against its share in the population
  (``lift``), with a minimum support and a Poisson test against the count the population share
  predicts (Bonferroni-corrected over the values tested, see `gaai_graph.evidence.nulls`);
  ``purity`` is the share of the group's most common value;
- **numeric** attributes: the group's median and inter-quartile range against the population's,
  and the shift of the median in robust units (population IQR / 1.349).

`partition_alignment` says whether a partition (communities, components) coincides with a
categorical attribute: purity (share of members carrying their group's majority value), purity
expected by chance for groups of these sizes (64 seeded random relabellings), NMI (normalised
mutual information, arithmetic-mean normalisation, as scikit-learn's default) and ARI (adjusted
Rand index, Hubert & Arabie 1985). Both are exact small implementations over the contingency
table written here (scikit-learn is not a dependency). A partition is *aligned* with the attribute
when purity ≥ `ALIGNED_PURITY` and at least `ALIGNED_GAIN` of the way from the chance purity to 1.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Hashable, Mapping, Sequence
from itertools import compress, repeat
from operator import is_not
from typing import Any, Literal, SupportsFloat, TypeGuard, cast

import numpy as np
import numpy.typing as npt

from gaai_graph.evidence.confidence import confidence_from_gates, normal_quantile
from gaai_graph.evidence.nulls import FAMILY_ALPHA, compare_to_expected

__all__ = [
    "ALIGNED_GAIN",
    "ALIGNED_PURITY",
    "adjusted_rand_index",
    "best_alignment",
    "column_kind",
    "hypergeometric_upper_tail",
    "normalized_mutual_information",
    "partition_alignment",
    "profile_entity",
    "profile_group",
]

ColumnKind = Literal["categorical", "numeric", "identifier", "empty"]

ALIGNED_PURITY = 0.9
"""Purity from which a partition coincides with an attribute."""
ALIGNED_GAIN = 0.5
"""Least share of the way from chance purity to 1: rules out purity that any partition reaches
(one value held by 95% of the vertices, or groups of two)."""
MIN_LIFT = 1.5
"""Least lift for a value to be called over-represented in a group."""
MIN_SUPPORT = 3
"""Least number of group members carrying a value (or a number) for it to be reported."""
NUMERIC_SHIFT = 1.0
"""Least shift of the group median, in robust population units, to call it higher or lower."""
_MAX_CATEGORIES = 50
_CODE_MAX_DISTINCT = 12
_CHANCE_DRAWS = 64
_CHANCE_DRAWS_MANY = 8  # with this many vertices the chance purity hardly varies between draws
_MANY = 20_000
_KIND_SAMPLE = 20_000
_PLAIN_TYPES = frozenset({str, int, float, bool})
GROUPS_TESTED = 1000
"""Most groups tested against random groups of their size (the largest pure-enough ones): a
partition of 10^5 households needs no 10^5 tests, and Bonferroni over all its groups would
leave a household of two unable to pass anyway."""


def _present(value: object) -> bool:
    if value is None:
        return False
    if isinstance(value, float) and math.isnan(value):
        return False
    return not (isinstance(value, str) and not value.strip())


def _comparable(value: object) -> bool:
    """A present, hashable value (`_present`), the plain types told apart without isinstance."""
    kind = type(value)
    if kind is str:
        return bool(value.strip())  # type: ignore[attr-defined]
    if kind is int or kind is bool:
        return True
    if value is None:
        return False
    return (kind in _PLAIN_TYPES or isinstance(value, Hashable)) and _present(value)


def _comparable_rows(rows: Sequence[int], cells: list[object]) -> list[int]:
    """The rows whose cell is `_comparable`; cells all text or None are tested in C."""
    present = list(map(is_not, cells, repeat(None)))
    texts = list(compress(cells, present))
    if set(map(type, texts)) == {str}:
        # A string is comparable when something is left once stripped (truthy).
        return list(compress(compress(rows, present), map(str.strip, cast(list[str], texts))))
    return list(compress(rows, map(_comparable, cells)))


def _plain(value: object) -> object:
    """A numpy scalar as the Python value it holds (evidence must serialise as JSON)."""
    return value.item() if isinstance(value, np.generic) else value


def _is_number(value: object) -> TypeGuard[SupportsFloat]:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(
        value, bool | np.bool_
    )


def column_kind(values: Sequence[object]) -> ColumnKind:
    """How an attribute can explain a group.

    Args:
        values: One value per vertex (None where absent).

    Returns:
        "numeric" (mostly numbers with many distinct values), "categorical" (booleans, strings
        with few distinct values, small integer codes), "identifier" (distinct per vertex, or
        not hashable) or "empty".
    """
    # An even sample tells the kind of a long column as well as all of it.
    step = max(1, len(values) // _KIND_SAMPLE)
    present = [v for v in values[::step] if _present(v)]
    if not present:
        return "empty"
    if not all(isinstance(v, Hashable) for v in present):
        return "identifier"
    numbers = [v for v in present if _is_number(v)]
    distinct = len(set(present))
    if len(numbers) >= 0.9 * len(present):
        integral = all(float(v).is_integer() for v in numbers)
        if integral and distinct <= _CODE_MAX_DISTINCT and distinct < len(present):
            return "categorical"
        return "numeric"
    limit = max(2, min(_MAX_CATEGORIES, len(present) // 2))
    return "categorical" if distinct <= limit else "identifier"


def _quartiles(values: npt.NDArray[np.float64]) -> tuple[float, float, float]:
    q1, median, q3 = np.percentile(values, [25, 50, 75])
    return float(q1), float(median), float(q3)


def _categorical_profile(
    members: Sequence[int], column: Sequence[object], min_support: int, min_lift: float
) -> dict[str, Any] | None:
    population = Counter(v for v in column if _present(v))
    group = Counter(column[i] for i in members if _present(column[i]))
    total, size = sum(population.values()), sum(group.values())
    if not size or not total:
        return None
    top_value, top_count = group.most_common(1)[0]
    over: list[dict[str, Any]] = []
    for value, count in group.most_common():
        share, population_share = count / size, population[value] / total
        lift = share / population_share
        if count < min_support or lift < min_lift:
            continue
        test = compare_to_expected(count, size * population_share, comparisons=len(group))
        over.append(
            {
                "value": _plain(value),
                "count": count,
                "share": round(share, 3),
                "population_share": round(population_share, 3),
                "lift": round(lift, 2),
                "p_value": test["p_value"],
                "unusual": test["unusual"],
                "confidence": test["confidence"],
            }
        )
    return {
        "kind": "categorical",
        "known": size,
        "top_value": _plain(top_value),
        "top_count": top_count,
        "purity": round(top_count / size, 3),
        "population_share": round(population[top_value] / total, 3),
        "over_represented": over,
    }


def _numeric_profile(
    members: Sequence[int], column: Sequence[object], min_support: int
) -> dict[str, Any] | None:
    population = np.array([float(v) for v in column if _is_number(v)], dtype=np.float64)
    member_values = [column[i] for i in members]
    group = np.array([float(v) for v in member_values if _is_number(v)], dtype=np.float64)
    population, group = population[np.isfinite(population)], group[np.isfinite(group)]
    if group.size < min_support or population.size < 2:
        return None
    p_q1, p_median, p_q3 = _quartiles(population)
    g_q1, g_median, g_q3 = _quartiles(group)
    spread = (p_q3 - p_q1) / 1.349
    if spread <= 0:
        spread = 1.4826 * float(np.median(np.abs(population - p_median)))
    shift = (g_median - p_median) / spread if spread > 0 else 0.0
    direction = "higher" if shift >= NUMERIC_SHIFT else "lower" if shift <= -NUMERIC_SHIFT else ""
    below = np.searchsorted(np.sort(population), g_median)
    return {
        "kind": "numeric",
        "known": int(group.size),
        "median": float(f"{g_median:.6g}"),
        "q1": float(f"{g_q1:.6g}"),
        "q3": float(f"{g_q3:.6g}"),
        "population_median": float(f"{p_median:.6g}"),
        "population_q1": float(f"{p_q1:.6g}"),
        "population_q3": float(f"{p_q3:.6g}"),
        "shift": round(shift, 2),
        "percentile": round(100.0 * float(below) / population.size, 1),
        "direction": direction,
    }


def profile_group(
    members: Sequence[int],
    columns: Mapping[str, Sequence[object]],
    *,
    min_support: int = MIN_SUPPORT,
    min_lift: float = MIN_LIFT,
    skip: Sequence[str] = (),
) -> dict[str, Any]:
    """Profile a group (or one entity) of vertices against the whole population.

    Args:
        members: Vertex indices of the group.
        columns: Attribute name -> one value per vertex index (None where absent).
        min_support: Least members carrying a value for it to be reported.
        min_lift: Least lift for a categorical value to be over-represented.
        skip: Attributes to leave out (the label attribute, keys).

    Returns:
        ``{"size": n, "attributes": {name: profile}, "distinctive": [(name, profile), ...]}``
        where a categorical profile holds ``top_value``, ``purity``, ``population_share`` and
        ``over_represented`` values (each with ``count``, ``share``, ``lift``, ``p_value``,
        ``unusual``, ``confidence``), a numeric one the group and population medians and
        quartiles, ``shift`` and ``direction``. ``distinctive`` lists the attributes that set
        the group apart (a significant over-represented value, or a numeric shift), strongest
        first.
    """
    rows = sorted(set(members))
    attributes: dict[str, dict[str, Any]] = {}
    distinctive: list[tuple[float, str]] = []
    for name, column in columns.items():
        if name.startswith("_") or name in skip:
            continue
        kind = column_kind(column)
        profile: dict[str, Any] | None = None
        if kind == "categorical":
            profile = _categorical_profile(rows, column, min_support, min_lift)
            strongest = [v for v in (profile or {}).get("over_represented", []) if v["unusual"]]
            if strongest:
                distinctive.append((max(v["confidence"] for v in strongest), name))
        elif kind == "numeric":
            profile = _numeric_profile(rows, column, min_support)
            if profile and profile["direction"]:
                distinctive.append((min(1.0, abs(profile["shift"]) / 4), name))
        if profile is not None:
            attributes[name] = profile
    distinctive.sort(key=lambda item: (-item[0], item[1]))
    return {
        "size": len(rows),
        "attributes": attributes,
        "distinctive": [(name, attributes[name]) for _, name in distinctive],
    }


def profile_entity(
    index: int, columns: Mapping[str, Sequence[object]], *, skip: Sequence[str] = ()
) -> list[dict[str, Any]]:
    """Where one entity stands on each attribute, rarest or most extreme first.

    Args:
        index: The entity's vertex index.
        columns: Attribute name -> one value per vertex index.
        skip: Attributes to leave out (the label attribute).

    Returns:
        Per attribute the entity has: categorical ``{"attribute", "kind", "value",
        "population_share"}`` (the share of all entities with that value) or numeric
        ``{"attribute", "kind", "value", "percentile", "population_median"}``; ordered by how
        distinctive it is (rare values and extreme percentiles first). Identifier-like attributes
        are left out.
    """
    rows: list[tuple[float, dict[str, Any]]] = []
    for name, column in columns.items():
        if name.startswith("_") or name in skip or not _present(column[index]):
            continue
        kind = column_kind(column)
        value = column[index]
        if kind == "categorical" and isinstance(value, Hashable):
            present = [v for v in column if _present(v)]
            share = sum(1 for v in present if v == value) / len(present)
            entry = {"attribute": name, "kind": kind, "value": _plain(value)}
            rows.append((1.0 - share, {**entry, "population_share": round(share, 3)}))
        elif kind == "numeric" and _is_number(value):
            population = np.sort(
                np.array([float(v) for v in column if _is_number(v)], dtype=np.float64)
            )
            number = float(value)
            below = np.searchsorted(population, number, side="left")
            equal = np.searchsorted(population, number, side="right") - below
            percentile = 100.0 * (below + 0.5 * equal) / population.size
            entry = {"attribute": name, "kind": kind, "value": _plain(value)}
            rows.append(
                (
                    abs(percentile - 50.0) / 50.0,
                    {
                        **entry,
                        "percentile": round(float(percentile), 1),
                        "population_median": float(f"{float(np.median(population)):.6g}"),
                    },
                )
            )
    rows.sort(key=lambda item: (-item[0], item[1]["attribute"]))
    return [entry for _, entry in rows]


# --------------------------------------------------------------------------- partitions


def _codes(labels: Sequence[Hashable]) -> tuple[list[Hashable], npt.NDArray[np.intp]]:
    """Distinct labels (in order of first appearance) and each item's code into them.

    Labels are keyed by type and value, so ``1``, ``1.0`` and ``True`` stay apart, while a numpy
    scalar and the Python value it holds are the same label.
    """
    if labels and all(type(label) is str for label in labels):
        # Strings only (an attribute's values): a dict numbers them in first-appearance order
        # in a fraction of the time numpy's sort of a string array takes.
        in_order: list[Hashable] = list(dict.fromkeys(labels))
        code_of = {name: code for code, name in enumerate(in_order)}
        codes = np.fromiter(map(code_of.__getitem__, labels), dtype=np.intp, count=len(labels))
        return in_order, codes
    array = np.asarray(labels)
    # numpy would cast a mix ([1, "1"], [1, True]) to one type and merge distinct labels.
    if array.ndim == 1 and array.dtype.kind in "USi" and len(set(map(type, labels))) == 1:
        # One plain type throughout (strings or integers): numpy encodes it in C.
        distinct, first, inverse = np.unique(array, return_index=True, return_inverse=True)
        order = np.argsort(first, kind="stable")  # first appearance, as in the loop below
        rank = np.empty_like(order)
        rank[order] = np.arange(order.size)
        return [_plain(distinct[i]) for i in order], rank[inverse.ravel()]
    index: dict[tuple[str, Hashable], int] = {}
    names: list[Hashable] = []
    codes = np.empty(len(labels), dtype=np.intp)
    for position, label in enumerate(labels):
        plain = _plain(label)
        key = (type(plain).__name__, plain)
        code = index.get(key)
        if code is None:
            code = index[key] = len(names)
            names.append(plain)
        codes[position] = code
    return names, codes


def _table(
    first_codes: npt.NDArray[np.intp], second_codes: npt.NDArray[np.intp], shape: tuple[int, int]
) -> npt.NDArray[np.float64]:
    cells = first_codes.astype(np.int64) * shape[1] + second_codes
    counts = np.bincount(cells, minlength=shape[0] * shape[1])
    return counts.reshape(shape).astype(np.float64)


def _contingency(first: Sequence[Hashable], second: Sequence[Hashable]) -> npt.NDArray[np.float64]:
    first_names, first_codes = _codes(first)
    second_names, second_codes = _codes(second)
    return _table(first_codes, second_codes, (len(first_names), len(second_names)))


def _entropy(counts: npt.NDArray[np.float64]) -> float:
    total = counts.sum()
    shares = counts[counts > 0] / total
    return float(-np.sum(shares * np.log(shares)))


def _nmi(table: npt.NDArray[np.float64]) -> float:
    total = table.sum()
    rows, cols = table.sum(axis=1), table.sum(axis=0)
    h_first, h_second = _entropy(rows), _entropy(cols)
    if h_first + h_second == 0:
        return 1.0
    joint = table[table > 0] / total
    outer = np.outer(rows, cols)[table > 0] / total**2
    mutual = float(np.sum(joint * np.log(joint / outer)))
    return max(0.0, min(1.0, 2.0 * mutual / (h_first + h_second)))


def _ari(table: npt.NDArray[np.float64]) -> float:
    def pairs(x: npt.NDArray[np.float64]) -> float:
        return float(np.sum(x * (x - 1) / 2))

    size = float(table.sum())
    index = pairs(table)
    rows, cols = pairs(table.sum(axis=1)), pairs(table.sum(axis=0))
    expected = rows * cols / (size * (size - 1) / 2)
    maximum = (rows + cols) / 2
    if maximum == expected:
        return 1.0
    return float((index - expected) / (maximum - expected))


def normalized_mutual_information(first: Sequence[Hashable], second: Sequence[Hashable]) -> float:
    """NMI of two labelings, arithmetic-mean normalisation: ``2·I / (H(A) + H(B))``.

    Returns:
        The NMI in [0, 1]; 1 when both labelings are a single identical block (no information,
        no disagreement).
    """
    return _nmi(_contingency(first, second)) if first else 0.0


def adjusted_rand_index(first: Sequence[Hashable], second: Sequence[Hashable]) -> float:
    """Adjusted Rand index (Hubert & Arabie): 1 identical, about 0 for random labelings."""
    return _ari(_contingency(first, second)) if len(first) >= 2 else 1.0


def hypergeometric_upper_tail(observed: int, drawn: int, carriers: int, population: int) -> float:
    """Hypergeometric P(X ≥ observed), summed in log space.

    `drawn` of `population` items are drawn at random without replacement, `carriers` of them
    carry a value: the chance that a random group of this size holds at least `observed`
    members with the value.

    Args:
        observed: Members of the group carrying the value.
        drawn: Members in the group.
        carriers: Items of the population carrying the value.
        population: Items in the population.

    Returns:
        The tail probability in [0, 1].
    """
    low = max(0, drawn - (population - carriers))
    high = min(drawn, carriers)
    if observed <= low:
        return 1.0
    if observed > high:
        return 0.0

    def log_choose(n: int, k: int) -> float:
        return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)

    denominator = log_choose(population, drawn)

    def log_term(k: int) -> float:
        return log_choose(carriers, k) + log_choose(population - carriers, drawn - k) - denominator

    if observed <= drawn * carriers / population:
        lower = sum(math.exp(log_term(k)) for k in range(low, observed))
        return float(min(1.0, max(0.0, 1.0 - lower)))
    # Above the mean the terms fall at least geometrically: sum until they stop mattering.
    first = log_term(observed)
    total = 0.0
    for k in range(observed, high + 1):
        ratio = math.exp(log_term(k) - first)
        total += ratio
        if ratio < 1e-16 * total:
            break
    return float(min(1.0, math.exp(first) * total))


def _group_evidence(
    count: int, size: int, carriers: int, population: int, tests: int, *, tested: bool = True
) -> dict[str, Any]:
    """Is a group's majority value beyond what a random group of its size would hold?

    Hypergeometric tail (a random group of the same size drawn from the compared vertices),
    Bonferroni-corrected over `tests` comparisons (groups times attributes tried); the group
    *coincides* with the value when that test passes and its purity is at least
    `ALIGNED_PURITY`. A group below that purity cannot coincide and is not tested
    (``p_value`` and ``z_score`` None, confidence 0): most groups of a large partition.

    Args:
        count: Members of the group carrying its majority value.
        size: Members of the group compared.
        carriers: Compared vertices carrying that value.
        population: Compared vertices.
        tests: Comparisons made (for the correction).
        tested: False leaves the group untested (beyond the largest `GROUPS_TESTED`).
    """
    share = carriers / population
    purity = count / size if size else 0.0
    evidence: dict[str, Any] = {
        "count": count,
        "expected": round(size * share, 3),
        "population_share": round(share, 3),
        "lift": round(purity / share, 2) if share > 0 else None,
        "p_value": None,
        "z_score": None,
        "coincides": False,
        "strength": 0.0,
        "confidence": 0.0,
    }
    if purity < ALIGNED_PURITY or not tested:
        return evidence
    p_value = hypergeometric_upper_tail(count, size, carriers, population)
    threshold = normal_quantile(1.0 - FAMILY_ALPHA / max(1, tests))
    z = normal_quantile(1.0 - p_value) if p_value < 1.0 else 0.0
    significant = p_value <= FAMILY_ALPHA / max(1, tests)
    strength = min(z / threshold, 1.0 + (purity - ALIGNED_PURITY) / 0.05)
    return evidence | {
        "p_value": float(f"{p_value:.3g}"),
        "z_score": round(z, 2),
        "coincides": bool(significant),
        "strength": round(strength, 3),
        "confidence": round(confidence_from_gates(strength, max(size, 1)), 3),
    }


def _purity(table: npt.NDArray[np.float64]) -> float:
    return float(table.max(axis=1).sum() / table.sum())


def partition_alignment(
    membership: Sequence[Hashable | None],
    values: Sequence[object],
    *,
    attribute: str = "",
    seed: int = 0,
    attributes_tried: int = 1,
    keep: Collection[Hashable] | None = None,
    grouped: Sequence[int] | None = None,
) -> dict[str, Any] | None:
    """How far a partition coincides with a categorical attribute.

    Args:
        membership: Group label per vertex index (None: not in any reported group). Groups
            with fewer than two members carrying the attribute are left out.
        values: The attribute's value per vertex index (None where absent).
        attribute: The attribute's name, repeated in the evidence.
        seed: Seed of the random relabellings that give the chance purity.
        attributes_tried: How many attributes the caller compares the partition with: each
            group's test is corrected for groups times attributes.
        keep: Group labels to describe in ``majority`` whatever their purity (the listed
            groups) when the partition has more than `GROUPS_TESTED` groups.
        grouped: The indices whose label is not None, ascending, when the caller has them
            (it saves a pass over every vertex per attribute compared).

    Returns:
        Evidence ``{"attribute", "purity", "chance_purity", "purity_gain", "inverse_purity",
        "nmi", "chance_nmi", "ari", "groups", "values", "compared", "aligned", "unusual",
        "strength", "confidence", "majority"}`` — ``majority`` maps each group (by its label's
        str) to its majority value, purity and size, and the test of that value against a
        random group of the same size (``count``, ``expected``, ``population_share``,
        ``lift``, ``p_value``, ``z_score``, ``coincides``, ``strength``, ``confidence``; see
        `hypergeometric_upper_tail`; only the `GROUPS_TESTED` largest groups of purity at least
        `ALIGNED_PURITY` are tested, and a partition with more groups describes only those and
        `keep`) — or
        None when fewer than two groups or two values remain among
        the vertices that have both. ``chance_purity`` and ``chance_nmi`` are the means over
        random relabellings of the same group sizes: the baseline, not a threshold.
    """
    if len(membership) != len(values):
        raise ValueError(f"{len(membership)} group labels for {len(values)} attribute values")
    # `compress` and `map` walk every vertex in C; only the grouped ones (a sample of a
    # large partition) have their value checked in Python.
    if grouped is None:
        grouped = list(compress(range(len(membership)), map(is_not, membership, repeat(None))))
    rows = _comparable_rows(grouped, list(map(values.__getitem__, grouped)))
    group_names, group_codes = _codes(list(map(membership.__getitem__, rows)))
    # A group with one compared member is trivially pure (a household of one customer and
    # their devices, where only customers carry the attribute): it says nothing either way.
    counts = np.bincount(group_codes, minlength=len(group_names))
    kept = counts[group_codes] >= 2
    if not kept.all():
        rows = list(compress(rows, kept.tolist()))
        group_names, group_codes = _codes(list(map(membership.__getitem__, rows)))
    labels = list(map(values.__getitem__, rows))
    if len(group_names) < 2:
        return None
    value_names, value_codes = _codes(labels)
    if len(value_names) < 2:
        return None
    shape = (len(group_names), len(value_names))
    table = _table(group_codes, value_codes, shape)
    purity = _purity(table)
    rng = np.random.default_rng(seed)
    shuffled = [
        _table(group_codes, rng.permutation(value_codes), shape)
        for _ in range(_CHANCE_DRAWS if len(rows) <= _MANY else _CHANCE_DRAWS_MANY)
    ]
    chance_purity = float(np.mean([_purity(draw) for draw in shuffled]))
    chance_nmi = float(np.mean([_nmi(draw) for draw in shuffled]))
    gain = (purity - chance_purity) / (1.0 - chance_purity) if chance_purity < 1 else 0.0
    aligned = purity >= ALIGNED_PURITY and gain >= ALIGNED_GAIN
    # Strength 1.0 at either threshold; 0.05 purity or 0.25 gain beyond it adds one unit.
    strength = min(1.0 + (purity - ALIGNED_PURITY) / 0.05, 1.0 + (gain - ALIGNED_GAIN) / 0.25)
    # Per group, vectorised: its majority value, purity and size; the test only where the
    # group is pure enough to coincide with the value.
    sizes, carriers = table.sum(axis=1), table.sum(axis=0)
    top = table.argmax(axis=1)
    top_counts = table[np.arange(shape[0]), top]
    population, tests = int(table.sum()), shape[0] * max(1, attributes_tried)
    pure = np.flatnonzero(top_counts >= ALIGNED_PURITY * sizes)
    tested = pure[np.argsort(-sizes[pure], kind="stable")][:GROUPS_TESTED]
    tested_set = set(tested.tolist())
    described = set(tested_set)
    if shape[0] <= GROUPS_TESTED:
        described = set(range(shape[0]))
    elif keep is not None:
        wanted = {str(label) for label in keep}
        described |= {g for g, name in enumerate(group_names) if str(name) in wanted}
    majority = {
        str(group_names[g]): {
            "value": _plain(value_names[int(top[g])]),
            "purity": round(float(top_counts[g] / sizes[g]), 3),
            "size": int(sizes[g]),
            **_group_evidence(
                int(top_counts[g]),
                int(sizes[g]),
                int(carriers[top[g]]),
                population,
                tests,
                tested=g in tested_set,
            ),
        }
        for g in sorted(described)
    }
    return {
        "attribute": attribute,
        "purity": round(purity, 3),
        "chance_purity": round(chance_purity, 3),
        "purity_gain": round(gain, 3),
        "inverse_purity": round(_purity(table.T), 3),
        "nmi": round(_nmi(table), 3),
        "chance_nmi": round(chance_nmi, 3),
        "ari": round(_ari(table), 3),
        "groups": int(table.shape[0]),
        "values": int(table.shape[1]),
        "compared": len(rows),
        "aligned": aligned,
        "unusual": aligned,
        "strength": round(strength, 3),
        "confidence": round(confidence_from_gates(strength, len(rows)), 3),
        "majority": majority,
    }


def best_alignment(
    membership: Sequence[Hashable | None],
    columns: Mapping[str, Sequence[object]],
    *,
    skip: Sequence[str] = (),
    seed: int = 0,
) -> dict[str, Any] | None:
    """The categorical attribute a partition coincides with best, or None.

    Args:
        membership: Group label per vertex index (None: not in any reported group).
        columns: Attribute name -> one value per vertex index.
        skip: Attributes to leave out.
        seed: Seed for the chance purity.

    Returns:
        The `partition_alignment` evidence of the aligned attribute with the highest confidence
        (then NMI), or None when no categorical attribute is aligned.
    """
    best: dict[str, Any] | None = None
    for name, column in columns.items():
        if name.startswith("_") or name in skip or column_kind(column) != "categorical":
            continue
        evidence = partition_alignment(membership, column, attribute=name, seed=seed)
        if evidence is None or not evidence["aligned"]:
            continue
        if best is None or (evidence["confidence"], evidence["nmi"]) > (
            best["confidence"],
            best["nmi"],
        ):
            best = evidence
    return best
