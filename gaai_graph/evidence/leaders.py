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

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from gaai_graph.evidence.baseline import Z_UNUSUAL, Baseline, Scale
from gaai_graph.evidence.confidence import confidence_from_gates

__all__ = ["EVEN_Z", "MARGIN_CLEAR", "MARGIN_SHARED", "gini", "leader_evidence"]

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
