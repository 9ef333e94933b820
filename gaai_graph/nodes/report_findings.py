"""The machine-readable findings of a report (docs/report-contract.md) for methods that record none.

A method's interpreter records its patterns with `ReportWriter.pattern`. The original ten
methods write prose insights instead; their patterns are read back from the result and the
insights the interpreter wrote: the groups a rings, cycles or communities reading names, the
leaders of a ranking. A group is `flagged` (an alarm) only when the interpreter called it
a finding rather than context, and carries that insight's confidence. A ranked entity is
flagged only when the engine judged it unusual against every score ranked (metrics
``rank_<i>_unusual``, `gaai_graph.evidence.leaders.ranking_evidence`), with that evidence's
confidence: the ordinary top of a ranking is listed, not flagged.
"""

from __future__ import annotations

from typing import Any

from gaai_graph.methods.registry import METHODS
from gaai_graph.methods.writing import ReportWriter

__all__ = ["report_findings"]


def _insight_for(writer: ReportWriter, entities: list[str]) -> tuple[bool, float, str]:
    """Whether an insight about these entities is a finding, its confidence and its words."""
    wanted = set(entities)
    for written in writer.findings:
        if wanted & set(written.related):
            insight = written.insight
            return insight.kind == "finding", insight.confidence, insight.description
    return False, 0.0, ""


def report_findings(writer: ReportWriter) -> list[dict[str, Any]]:
    """The report's patterns: the interpreter's own, else read from its result and insights."""
    if writer.patterns:
        return list(writer.patterns)
    execution = writer.execution
    method = METHODS.get(execution.algorithm)
    kind = method.pattern if method is not None else "hub"
    patterns: list[dict[str, Any]] = []
    if method is not None and method.kind == "grouping":
        for index, group in enumerate(execution.groups):
            members = list(group.members_sample)
            if group.size < 2 or not members:
                continue
            flagged, confidence, words = _insight_for(writer, members)
            patterns.append(
                {
                    "kind": kind,
                    "entities": members,
                    "flagged": flagged,
                    "evidence": {"size": group.size, "rank": index + 1},
                    "confidence": confidence,
                    "explanation": words,
                }
            )
        return patterns
    metrics = execution.metrics
    for index, entity in enumerate(execution.top_entities):
        flagged, confidence, words = _insight_for(writer, [entity.id])
        evidence: dict[str, Any] = {"value": entity.value, "rank": index + 1}
        judged = metrics.get(f"rank_{index}_unusual")
        if isinstance(judged, bool):
            # Judged by the engine against every score ranked (evidence.leaders): the top of
            # a ranking is an alarm only when it stands out from the graph's own distribution.
            flagged = judged
            judged_confidence = metrics.get(f"rank_{index}_confidence")
            if isinstance(judged_confidence, int | float):
                confidence = float(judged_confidence)
            for field in ("rule", "z_score", "percentile", "expected", "gap_p_value"):
                if metrics.get(f"rank_{index}_{field}") is not None:
                    evidence[field] = metrics[f"rank_{index}_{field}"]
            if metrics.get("ranking_compared") is not None:
                evidence["compared"] = metrics["ranking_compared"]
        patterns.append(
            {
                "kind": kind,
                "entities": [entity.id],
                "flagged": flagged,
                "evidence": evidence,
                "confidence": confidence,
                "explanation": words,
            }
        )
    return patterns
