"""Confidence derived from evidence, never chosen by hand.

A finding's confidence says how strongly the data supports the pattern standing out: a clear
leader or a device shared by eight accounts where two is the rule score high, an evenly spread
score or an ordinary household scores low. It is computed from one number, the *strength* of the
evidence: the ratio of the evidence to the threshold at which it would become unusual (1.0 means
"exactly at the threshold"; for the baseline gates it is the weakest of the three gate ratios, see
`gaai_graph.evidence.baseline`). Then::

    confidence = sample_damping(n) · logistic(SLOPE · (strength − 1))
    sample_damping(n) = n / (n + DAMPING_HALF)

So confidence is 0.5·damping exactly at the threshold, rises towards 1 as the evidence grows
(strength 1.5 → 0.88, 2 → 0.98 before damping), falls towards 0 for ordinary observations, and
is monotone in both the strength and the sample size. The damping keeps a verdict drawn from a
handful of values modest: with 5 values it at most halves, with 100 it costs 5%.
"""

from __future__ import annotations

import math
from statistics import NormalDist

__all__ = [
    "CONFIDENCE_FORMULA",
    "DAMPING_HALF",
    "SLOPE",
    "confidence_from_gates",
    "normal_quantile",
    "sample_damping",
]

SLOPE = 4.0
"""Steepness of the logistic around the threshold."""
DAMPING_HALF = 5
"""Sample size at which the damping halves the confidence."""
CONFIDENCE_FORMULA = (
    "confidence = n/(n+5) · 1/(1+exp(−4·(strength−1))), where strength is the evidence over its "
    "threshold (robust z / 3.5, rarity and tail gates alike) and n the number of values compared"
)
"""The formula in one line, for documentation and report notes."""

_NORMAL = NormalDist()


def sample_damping(sample_size: int) -> float:
    """Shrink factor in [0, 1) for a verdict drawn from `sample_size` values."""
    size = max(sample_size, 0)
    return size / (size + DAMPING_HALF)


def confidence_from_gates(strength: float, sample_size: int) -> float:
    """Confidence in [0, 1] from the evidence strength (1.0 = at the threshold).

    Args:
        strength: Evidence over its threshold; may be 0, negative (the other direction) or
            infinite (a gate that cannot limit).
        sample_size: How many values the observation was compared with.

    Returns:
        The confidence, monotone non-decreasing in both arguments.
    """
    if math.isnan(strength):
        return 0.0
    bounded = max(-10.0, min(10.0, strength))
    logistic = 1.0 / (1.0 + math.exp(-SLOPE * (bounded - 1.0)))
    return sample_damping(sample_size) * logistic


def normal_quantile(p: float) -> float:
    """Standard normal quantile of `p`, with `p` clamped so the result stays finite."""
    clamped = min(max(p, 1e-300), 1.0 - 1e-16)
    return _NORMAL.inv_cdf(clamped)
