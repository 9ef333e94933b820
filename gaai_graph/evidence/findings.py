"""The `findings` entries of a report: building, ordering and trimming them.

A finding is the contract shape every report carries (see the shared contracts)::

    {"kind": P, "entities": [vertex_id, ...], "flagged": bool, "evidence": {...},
     "confidence": float in [0, 1], "explanation": str}

`flagged` and `confidence` are read off the evidence (``unusual`` and ``confidence``, as filled
in by `gaai_graph.evidence.baseline.assess`, `gaai_graph.evidence.nulls.compare_to_expected` or
`gaai_graph.evidence.leaders.leader_evidence`), never set by hand. Every report orders its
findings the same way: alarms before context, then by confidence, then by magnitude (the size of
the robust z-score, else the lift, else the observed value), then by the first entity id, so the
order is total and stable across reports and runs.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final, Literal, get_args

__all__ = [
    "GROUP_KINDS",
    "PATTERN_KINDS",
    "PatternKind",
    "drop_padding",
    "finding_sort_key",
    "make_finding",
    "order_findings",
]

PatternKind = Literal[
    "cycle",
    "collector",
    "distributor",
    "shared_identifier",
    "sole_supplier",
    "articulation_point",
    "bridge",
    "weighted_hub",
    "hub",
    "community",
    "attribute_community",
    "ring",
    "broker",
    "dense_core",
]
"""Pattern kinds a finding may have (the shared contract)."""

PATTERN_KINDS: Final[frozenset[str]] = frozenset(get_args(PatternKind))

GROUP_KINDS: Final[frozenset[str]] = frozenset(
    {"cycle", "shared_identifier", "community", "attribute_community", "ring", "dense_core"}
)
"""Kinds that describe a group of entities: a single entity is not one (it is padding)."""

_JSON_SAFE = (str, bool, int, float, type(None))


def _json_safe(evidence: Mapping[str, Any]) -> dict[str, Any]:
    """The evidence with non-finite floats replaced by None and nested values kept plain."""
    safe: dict[str, Any] = {}
    for key, value in evidence.items():
        if isinstance(value, float) and not math.isfinite(value):
            safe[key] = None
        elif isinstance(value, _JSON_SAFE):
            safe[key] = value
        elif isinstance(value, Mapping):
            safe[key] = _json_safe(value)
        elif isinstance(value, list | tuple):
            safe[key] = [v for v in value if isinstance(v, _JSON_SAFE)]
        else:
            safe[key] = str(value)
    return safe


def make_finding(
    kind: str,
    entities: Sequence[str],
    evidence: Mapping[str, Any],
    explanation: str,
) -> dict[str, Any]:
    """Build one finding in the contract shape.

    Args:
        kind: A pattern kind (`PATTERN_KINDS`).
        entities: Vertex ids (``collection/key``) the finding is about, most important first.
        evidence: Measured numbers, including ``unusual`` and ``confidence``.
        explanation: One sentence saying why this is (or is not) unusual.

    Returns:
        The finding dict.

    Raises:
        ValueError: `kind` is not a contract pattern kind, or the evidence lacks a confidence.
    """
    if kind not in PATTERN_KINDS:
        raise ValueError(f"finding kind {kind!r} is not one of {sorted(PATTERN_KINDS)}")
    if "confidence" not in evidence:
        raise ValueError("finding evidence has no 'confidence': derive it with the evidence API")
    confidence = float(evidence["confidence"])
    return {
        "kind": kind,
        "entities": list(entities),
        "flagged": bool(evidence.get("unusual", False)),
        "evidence": _json_safe(evidence),
        "confidence": min(1.0, max(0.0, confidence)),
        "explanation": explanation,
    }


def _magnitude(evidence: Mapping[str, Any]) -> float:
    for key in ("z_score", "lift", "observed"):
        value = evidence.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
            return abs(float(value))
    return 0.0


def finding_sort_key(finding: Mapping[str, Any]) -> tuple[int, float, float, str]:
    """Sort key, ascending order = report order: alarms, confidence, magnitude, first id."""
    entities = finding.get("entities") or [""]
    return (
        0 if finding.get("flagged") else 1,
        -float(finding.get("confidence", 0.0)),
        -_magnitude(finding.get("evidence", {})),
        str(entities[0]),
    )


def order_findings(findings: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Findings in report order (see `finding_sort_key`)."""
    return [dict(f) for f in sorted(findings, key=finding_sort_key)]


def drop_padding(
    findings: Iterable[Mapping[str, Any]], *, max_context: int = 3
) -> list[dict[str, Any]]:
    """Leave out what adds nothing: singleton groups, repeats, and context beyond a few lines.

    Args:
        findings: Findings of one report.
        max_context: Most unflagged (context) findings to keep, the strongest first.

    Returns:
        The kept findings in report order. Every alarm is kept (unless a singleton group or an
        exact repeat of a stronger finding's kind and entities).
    """
    kept: list[dict[str, Any]] = []
    seen: set[tuple[str, frozenset[str]]] = set()
    context = 0
    for finding in order_findings(findings):
        entities = finding.get("entities", [])
        if finding.get("kind") in GROUP_KINDS and len(set(entities)) < 2:
            continue
        identity = (str(finding.get("kind")), frozenset(entities))
        if identity in seen:
            continue
        if not finding.get("flagged"):
            if context >= max_context:
                continue
            context += 1
        seen.add(identity)
        kept.append(finding)
    return kept
