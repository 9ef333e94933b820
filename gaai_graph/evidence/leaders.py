"""Does one entity lead, or is the score evenly spread?

"Who matters most" has a clear answer only when the top entity stands apart from the rest of the
graph *and* from its runner-up. Both are measured: the robust z-score of the top score against
the graph's own distribution (see `gaai_graph.evidence.baseline`), and the margin

    margin = (top − runner-up) / (top − median)   in [0, 1]

(1 when the runner-up is no better than a typical entity, 0 when two entities tie at the top).
The confidence that the leader is clear is the baseline confidence of its z-score scaled by
``0.5 + 0.5 · margin``: a tie halves it, a lone leader keeps it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from gaai_graph.evidence.baseline import (
    RELATIVE_SCALE_FLOOR,
    Z_CAP,
    Z_UNUSUAL,
    Baseline,
    Scale,
    assess,
)
from gaai_graph.evidence.confidence import confidence_from_gates

__all__ = [
    "EVEN_Z",
    "LEADER_GAP_ALPHA",
    "MARGIN_CLEAR",
    "MARGIN_SHARED",
    "gini",
    "leader_evidence",
    "leader_gap",
    "ranking_evidence",
    "ranking_metrics",
]

MARGIN_CLEAR = 0.5
"""Smallest margin over the runner-up for a leader to be called clear: the runner-up is closer
to a typical entity than to the leader."""
MARGIN_SHARED = 0.15
"""Below this margin the top two share the lead."""
EVEN_Z = 2.0
"""Below this robust z-score the top entity does not stand apart: the score is evenly spread."""


def gini(values: Sequence[float] | npt.ArrayLike) -> float:
    """Gini coefficient of non-negative values: 0 all equal, near 1 one holds everything.

    Args:
        values: Non-negative values (negative ones are clipped to 0).

    Returns:
        The coefficient in [0, 1]; 0 for an empty or all-zero input.
    """
    array = np.sort(np.clip(np.asarray(values, dtype=np.float64).ravel(), 0, None))
    total = float(array.sum())
    if array.size == 0 or total == 0:
        return 0.0
    ranks = np.arange(1, array.size + 1)
    return float((2 * np.sum(ranks * array) / (array.size * total)) - (array.size + 1) / array.size)


def leader_evidence(
    scores: Sequence[float] | npt.ArrayLike, *, scale: Scale = "auto"
) -> dict[str, Any]:
    """Evidence on whether the highest score leads clearly.

    Args:
        scores: One score per entity (degree, PageRank, strength ...), in entity order.
        scale: Scale for the robust z-score ("auto": log for heavy-tailed scores).

    Returns:
        Evidence: ``leader`` (index of the top entity, -1 when empty), ``observed`` (its score),
        ``runner_up``, ``expected`` (the median), ``z_score``, ``percentile``, ``margin``,
        ``share`` (of the total, None with negative scores), ``gini``, ``sample_size``,
        ``runner_up_index``, ``pattern`` ("clear_leader", "leader" (ahead but not by half the
        way to typical), "shared_lead", "moderate" (first, not far above typical) or
        "evenly_spread"),
        ``strength`` and ``confidence`` (that the leader is clear).
    """
    array = np.asarray(scores, dtype=np.float64).ravel()
    finite = np.where(np.isfinite(array), array, -np.inf)
    if array.size == 0 or not np.isfinite(finite).any():
        return {"leader": -1, "pattern": "evenly_spread", "confidence": 0.0, "sample_size": 0}
    order = np.argsort(-finite, kind="stable")
    top = float(finite[order[0]])
    runner_up = float(finite[order[1]]) if array.size > 1 else top
    baseline = Baseline.of(array, scale=scale)
    median = baseline.typical
    z = baseline.z_score(top)
    span = top - median
    margin = (top - runner_up) / span if span > 0 else 0.0
    strength = z / Z_UNUSUAL
    confidence = confidence_from_gates(strength, baseline.size) * (0.5 + 0.5 * margin)
    if z < EVEN_Z:
        pattern = "evenly_spread"
    elif z >= Z_UNUSUAL and margin >= MARGIN_CLEAR:
        pattern = "clear_leader"
    elif z >= Z_UNUSUAL and margin >= MARGIN_SHARED:
        pattern = "leader"
    elif z >= Z_UNUSUAL:
        pattern = "shared_lead"
    else:
        pattern = "moderate"
    total = float(np.sum(array[np.isfinite(array)]))
    non_negative = bool(np.nanmin(array) >= 0)
    return {
        "leader": int(order[0]),
        "observed": float(f"{top:.6g}"),
        "runner_up": float(f"{runner_up:.6g}"),
        "runner_up_index": int(order[1]) if array.size > 1 else -1,
        "expected": float(f"{median:.6g}"),
        "z_score": round(z, 2),
        "percentile": round(baseline.percentile(top), 1),
        "margin": round(margin, 3),
        "share": round(top / total, 4) if non_negative and total > 0 else None,
        "gini": round(gini(array[np.isfinite(array)]), 3) if non_negative else None,
        "sample_size": baseline.size,
        "scale": baseline.scale,
        "pattern": pattern,
        "strength": round(strength, 3),
        "confidence": round(confidence, 3),
    }


LEADER_GAP_ALPHA = 0.05
"""Largest p-value of the leader's gap over the runner-up that still makes the leader stand
apart (one test per ranking: only the top entity is tested this way)."""
_GAP_MIN_SAMPLE = 4
HEAVY_TAIL_MIN_SAMPLE = 100
"""From this many values on, a heavy-tailed ranking (see `Baseline` scale "auto") is judged on
log scale; with fewer, the ten-odd top spacings cannot tell a Pareto tail from an exponential
one, and the leader is judged on the scores themselves."""
"""Fewer values than this leave no spacings to compare the leader's gap with."""


def leader_gap(
    scores: Sequence[float] | npt.ArrayLike, *, baseline: Baseline | None = None
) -> dict[str, Any]:
    """Is the top score's lead over the runner-up larger than the top of the ranking predicts?

    The upper tail of an ordinary score distribution is modelled as exponential: then the
    normalised spacings ``i · (x₍ᵢ₎ − x₍ᵢ₊₁₎)`` of the largest values are independent with a
    common mean σ (Rényi's representation of exponential order statistics), estimated here
    from the `k` = max(5, √n) values below the leader as ``mean(x₍₂₎..x₍ₖ₊₁₎) − x₍ₖ₊₂₎``. The
    leader's gap ``x₍₁₎ − x₍₂₎`` then has ``P(gap ≥ g) = exp(−g / σ)``. A smooth top (Erdős–Rényi
    degrees, two founders tied in a club) gives large p-values; a Medici among Florentine
    families or a protagonist among a novel's characters gives small ones. σ is never taken
    below 5% of the runner-up, nor below one unit for counts, so a 3 among 2s is no leader.
    Heavy-tailed rankings of at least `HEAVY_TAIL_MIN_SAMPLE` values are measured on log scale
    (a Pareto tail, whose ordinary top is widely spaced).

    Args:
        scores: One score per entity.
        baseline: `Baseline.of(scores)` when the caller has it (its scale says whether the
            scores are heavy-tailed); computed otherwise.

    Returns:
        Evidence: ``leader`` (index, -1 when there is nothing to test), ``observed``,
        ``runner_up``, ``gap``, ``tail_spacing`` (σ), ``compared`` (k), ``p_value``,
        ``stands_apart`` (p ≤ `LEADER_GAP_ALPHA`), ``strength`` (ln p / ln α, 1 at the
        threshold) and ``confidence``.
    """
    array = np.asarray(scores, dtype=np.float64).ravel()
    finite = array[np.isfinite(array)]
    if finite.size < _GAP_MIN_SAMPLE:
        return {"leader": -1, "stands_apart": False, "p_value": 1.0, "confidence": 0.0}
    order = np.argsort(-np.where(np.isfinite(array), array, -np.inf), kind="stable")
    descending = np.sort(finite)[::-1]
    k = min(max(5, math.isqrt(descending.size)), descending.size - 2)
    top, runner_up = float(descending[0]), float(descending[1])
    scale = "linear"
    if (
        descending.size >= HEAVY_TAIL_MIN_SAMPLE
        and descending[k + 1] > 0
        and (baseline or Baseline.of(finite)).scale == "log"
    ):
        # A heavy tail (degree in a scale-free graph) spaces its top values multiplicatively:
        # measured on log scale (a Pareto tail), its ordinary leader is no outlier.
        scale = "log"
        measured = np.log(descending[: k + 2])
        floor = RELATIVE_SCALE_FLOOR
    else:
        measured = descending[: k + 2]
        floor = RELATIVE_SCALE_FLOOR * abs(runner_up)
        if bool(np.all(np.mod(finite, 1) == 0)):
            floor = max(floor, 1.0)
    spacing = max(float(np.mean(measured[1 : k + 1]) - measured[k + 1]), floor)
    gap = float(measured[0] - measured[1])
    p_value = math.exp(-gap / spacing) if spacing > 0 else (0.0 if gap > 0 else 1.0)
    strength = math.log(max(p_value, 1e-300)) / math.log(LEADER_GAP_ALPHA) if p_value < 1 else 0.0
    return {
        "leader": int(order[0]),
        "observed": float(f"{top:.6g}"),
        "runner_up": float(f"{runner_up:.6g}"),
        "gap": float(f"{gap:.6g}"),
        "scale": scale,
        "tail_spacing": float(f"{spacing:.6g}"),
        "compared": k,
        "p_value": float(f"{p_value:.3g}"),
        "stands_apart": p_value <= LEADER_GAP_ALPHA,
        "strength": round(min(strength, Z_CAP), 3),
        "confidence": round(confidence_from_gates(strength, finite.size), 3),
    }


def ranking_evidence(
    scores: Sequence[float] | npt.ArrayLike, listed: Sequence[int], *, scale: Scale = "auto"
) -> list[dict[str, Any]]:
    """Which listed entities of a ranking are unusual against the ranking's own distribution.

    A ranking always has a top; the top is a finding only when it stands out. Each listed
    entity is judged by the baseline gates (`gaai_graph.evidence.baseline.assess`: far, rare
    and beyond the ordinary tail); the leader also by its gap over the runner-up
    (`leader_gap`), so a clear leader in a small graph, where no tail can be fitted, is found.

    Args:
        scores: One score per entity (the whole distribution).
        listed: Indices into `scores` of the listed entities, best first.
        scale: Scale of the baseline ("auto": log for heavy-tailed scores).

    Returns:
        One evidence dict per listed entity, in order: the baseline evidence, ``rule``
        ("baseline", "leader_gap" or None), ``unusual`` (either rule) and ``confidence``
        (of the rule that flagged it; else the baseline's); the leader's adds ``gap_p_value``,
        ``runner_up`` and ``tail_spacing``.
    """
    array = np.asarray(scores, dtype=np.float64).ravel()
    if array.size == 0:
        return []
    baseline = Baseline.of(array, scale=scale)
    gap = leader_gap(array, baseline=baseline)
    found: list[dict[str, Any]] = []
    for position, index in enumerate(listed):
        evidence = assess(float(array[index]), baseline)
        rule: str | None = "baseline" if evidence["unusual"] else None
        if position == 0 and gap["leader"] >= 0 and array[index] >= gap["observed"]:
            evidence["gap_p_value"] = gap["p_value"]
            evidence["runner_up"] = gap["runner_up"]
            evidence["tail_spacing"] = gap["tail_spacing"]
            if gap["stands_apart"]:
                if rule is None or gap["confidence"] > evidence["confidence"]:
                    evidence["confidence"] = gap["confidence"]
                    evidence["strength"] = gap["strength"]
                rule = rule or "leader_gap"
                evidence["unusual"] = True
        evidence["rule"] = rule
        found.append(evidence)
    return found


def ranking_metrics(
    scores: Sequence[float] | npt.ArrayLike, listed: Sequence[int]
) -> dict[str, float | int | str | bool | None]:
    """`ranking_evidence` as flat report metrics, ``rank_<i>_<field>`` for the i-th listed entity.

    Fields: ``unusual``, ``rule``, ``confidence``, ``z_score``, ``percentile``, ``expected``
    (the typical score) and, for the leader, ``gap_p_value``; ``ranking_compared`` is the
    number of scores compared.
    """
    metrics: dict[str, float | int | str | bool | None] = {}
    evidence = ranking_evidence(scores, listed)
    if evidence:
        metrics["ranking_compared"] = evidence[0]["sample_size"]
    for rank, judged in enumerate(evidence):
        for field in ("unusual", "rule", "confidence", "z_score", "percentile", "expected"):
            metrics[f"rank_{rank}_{field}"] = judged.get(field)
        if "gap_p_value" in judged:
            metrics[f"rank_{rank}_gap_p_value"] = judged["gap_p_value"]
    return metrics
