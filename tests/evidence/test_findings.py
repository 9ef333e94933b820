"""Findings: contract shape, consistent order, padding dropped."""

from __future__ import annotations

import json

import pytest

from gaai_graph.evidence.baseline import Baseline, assess
from gaai_graph.evidence.findings import drop_padding, make_finding, order_findings


def _finding(kind: str, entities: list[str], confidence: float, flagged: bool, z: float):
    evidence = {"confidence": confidence, "unusual": flagged, "z_score": z}
    return make_finding(kind, entities, evidence, "because")


def test_make_finding_reads_flag_and_confidence_from_evidence() -> None:
    evidence = assess(8, Baseline.of([2] * 200 + [8]))
    finding = make_finding("shared_identifier", ["devices/d1"], evidence, "8 accounts share it.")
    assert finding["flagged"] is True
    assert finding["confidence"] == evidence["confidence"]
    assert set(finding) == {"kind", "entities", "flagged", "evidence", "confidence", "explanation"}
    json.dumps(finding, allow_nan=False)


def test_make_finding_rejects_unknown_kind_and_missing_confidence() -> None:
    with pytest.raises(ValueError, match="kind"):
        make_finding("suspicious", ["a/1"], {"confidence": 0.5}, "x")
    with pytest.raises(ValueError, match="confidence"):
        make_finding("hub", ["a/1"], {"observed": 3}, "x")


def test_order_is_alarms_then_confidence_then_magnitude_and_stable() -> None:
    findings = [
        _finding("hub", ["v/3"], 0.4, False, 1.0),
        _finding("hub", ["v/2"], 0.9, True, 5.0),
        _finding("hub", ["v/1"], 0.9, True, 9.0),
        _finding("hub", ["v/0"], 0.3, True, 9.0),
    ]
    ordered = [f["entities"][0] for f in order_findings(findings)]
    assert ordered == ["v/1", "v/2", "v/0", "v/3"]
    assert ordered == [f["entities"][0] for f in order_findings(reversed(findings))]


def test_padding_dropped_singletons_repeats_and_extra_context() -> None:
    findings = [
        _finding("ring", ["a/1"], 0.9, True, 5.0),  # a ring of one is no ring
        _finding("ring", ["a/1", "a/2"], 0.9, True, 5.0),
        _finding("ring", ["a/2", "a/1"], 0.5, True, 4.0),  # same ring, weaker
        *[_finding("hub", [f"h/{i}"], 0.1, False, 1.0) for i in range(6)],
    ]
    kept = drop_padding(findings, max_context=2)
    assert [f["entities"] for f in kept[:1]] == [["a/1", "a/2"]]
    assert sum(1 for f in kept if not f["flagged"]) == 2
    assert len(kept) == 3
