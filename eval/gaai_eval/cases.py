"""The shapes of evaluation cases: benchmark graphs, planted patterns, questions.

Generated cases (graphs, planted instances, transport questions) are written to `eval/graphs`
and `eval/corpus` by `python -m gaai_eval.build`; hand-written questions live in
`eval/corpus/questions.yaml`. Everything the scorer reads is plain JSON/YAML data.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any

from gaai_eval.snapshots import SnapshotBuilder

TUNING = "tuning"
HELD_OUT = "held_out"


def split_of(case_id: str) -> str:
    """Return the deterministic half a case belongs to: "tuning" or "held_out".

    The half is the parity of the first byte of the SHA-256 of the case id, so it never depends
    on the order of the corpus and a case keeps its half when others are added.

    Args:
        case_id: The question's id, e.g. "q-fraud-017".

    Returns:
        TUNING or HELD_OUT.
    """
    return TUNING if hashlib.sha256(case_id.encode()).digest()[0] % 2 == 0 else HELD_OUT


@dataclass
class PatternCase:
    """A planted pattern on one benchmark graph and the questions that should find it.

    Attributes:
        id: Stable case id, e.g. "transfers-loops".
        graph: Benchmark graph name (a directory under eval/graphs).
        pattern: Finding kind from the contract (cycle, collector, shared_identifier, ...).
        normal: True for a planted NORMAL structure (households, ordinary hubs) that must not
            be flagged; False for an anomaly that must be found.
        questions: Wordings asked of the graph for this case (each is one agent run).
        instances: Vertex ids of each planted instance.
        attribute: For attribute-aligned communities, the vertex attribute they follow.
        values: For attribute-aligned communities, the attribute's value of each instance.
    """

    id: str
    graph: str
    pattern: str
    normal: bool
    questions: list[str]
    instances: list[list[str]]
    attribute: str | None = None
    values: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """Return the case as JSON-ready data."""
        return asdict(self)


@dataclass
class Benchmark:
    """A generated benchmark graph: its snapshot, domain, citation and planted patterns."""

    name: str
    domain: str
    description: str
    citation: str
    snapshot: SnapshotBuilder
    patterns: list[PatternCase] = field(default_factory=list)
