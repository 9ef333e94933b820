"""Observed against expected under a stated null model.

Some patterns are judged not against a distribution of the same measure but against what chance
would give: how many neighbours two accounts would share if edges were placed at random with the
same degrees (the configuration model), how often an attribute value would turn up in a group of
this size. `compare_to_expected` turns an observed count and its expectation into evidence with a
Poisson tail probability, corrected for the number of comparisons made (Bonferroni), and a
confidence on the same scale as the baseline gates (strength 1.0 = at the threshold).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from gaai_graph.evidence.confidence import confidence_from_gates, normal_quantile

__all__ = [
    "FAMILY_ALPHA",
    "compare_to_expected",
    "expected_shared_neighbours",
    "poisson_upper_tail",
]

FAMILY_ALPHA = 0.01
"""Chance of one false alarm over all comparisons of one report."""


def poisson_upper_tail(observed: int, expected: float) -> float:
    """P(X ≥ observed) for X ~ Poisson(expected), computed in log space (stable for big counts).

    Args:
        observed: The observed count (≥ 0).
        expected: The expected count under the null (≥ 0).

    Returns:
        The tail probability in [0, 1].
    """
    if observed <= 0:
        return 1.0
    if expected <= 0:
        return 0.0
    log_mean = math.log(expected)

    def log_term(k: int) -> float:
        return k * log_mean - expected - math.lgamma(k + 1)

    if observed <= expected:
        # The lower tail holds few terms and the answer is large: 1 - P(X <= observed - 1).
        lower = sum(math.exp(log_term(k)) for k in range(observed))
        return float(min(1.0, max(0.0, 1.0 - lower)))
    # Above the mean the terms fall at least geometrically: sum until they stop mattering.
    first = log_term(observed)
    total, k = 0.0, observed
    while True:
        ratio = math.exp(log_term(k) - first)
        total += ratio
        if ratio < 1e-16 * total or k > observed + 10_000:
            break
        k += 1
    return float(min(1.0, math.exp(first) * total))


def expected_shared_neighbours(
    degree_u: float, degree_v: float, neighbour_degrees: Sequence[float] | npt.ArrayLike
) -> float:
    """Expected common neighbours of two vertices in a bipartite configuration model.

    With ``E`` edges between entities and identifiers, entity ``u`` (degree ``k_u``) reaches
    identifier ``w`` (degree ``d_w``) with probability about ``k_u · d_w / E``, and ``v`` then
    reaches it through one of its remaining ``d_w − 1`` stubs with probability about
    ``k_v · (d_w − 1) / E``. Summed over identifiers (Newman, *Networks*, 2010, §13.2)::

        E[common(u, v)] = k_u · k_v · Σ_w d_w (d_w − 1) / E²

    Args:
        degree_u: Number of identifiers `u` uses.
        degree_v: Number of identifiers `v` uses.
        neighbour_degrees: Degree of every identifier vertex (how many entities use it).

    Returns:
        The expected number of shared identifiers (0 when there are no edges).
    """
    degrees = np.asarray(neighbour_degrees, dtype=np.float64)
    edges = float(degrees.sum())
    if edges <= 0:
        return 0.0
    return float(degree_u * degree_v * float(np.sum(degrees * (degrees - 1))) / edges**2)


def compare_to_expected(
    observed: int, expected: float, *, comparisons: int = 1, sample_size: int | None = None
) -> dict[str, Any]:
    """Evidence that a count is larger than a null model expects.

    Args:
        observed: The observed count.
        expected: Its expectation under the stated null.
        comparisons: How many such comparisons the report makes (for the Bonferroni
            correction); the threshold p-value is ``FAMILY_ALPHA / comparisons``.
        sample_size: Values the expectation rests on, for the damping (default: `comparisons`,
            at least 30 — a null model is not a small sample).

    Returns:
        Evidence: ``observed``, ``expected``, ``lift`` (None when nothing is expected),
        ``p_value`` (Poisson upper tail, uncorrected), ``z_score`` (its normal quantile),
        ``unusual``, ``strength`` (z over the corrected threshold's z) and ``confidence``.
    """
    tests = max(1, comparisons)
    p_value = poisson_upper_tail(observed, expected)
    z = normal_quantile(1.0 - p_value) if p_value < 1.0 else 0.0
    threshold = normal_quantile(1.0 - FAMILY_ALPHA / tests)
    strength = z / threshold
    unusual = observed > expected and p_value <= FAMILY_ALPHA / tests
    size = sample_size if sample_size is not None else max(tests, 30)
    return {
        "observed": observed,
        "expected": round(expected, 4),
        "lift": round(observed / expected, 2) if expected > 0 else None,
        "p_value": float(f"{p_value:.3g}"),
        "z_score": round(z, 2),
        "unusual": unusual,
        "strength": round(strength, 3),
        "confidence": round(confidence_from_gates(strength, size), 3),
    }
