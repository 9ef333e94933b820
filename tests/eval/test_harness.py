"""The reduced evaluation runs the real agent end to end and scores it honestly.

These tests assert that the harness works, never today's accuracy: the numbers are whatever the
agent earns. Honesty is checked by relabelling: the same runs score right under the labels the
agent actually produced and wrong under a label it did not produce.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from gaai_eval.__main__ import main
from gaai_eval.corpus import load_patterns, load_questions, load_transport
from gaai_eval.harness import evaluate, quick_subset
from gaai_eval.runner import Job, run_jobs
from gaai_eval.table import render


@pytest.fixture(scope="module")
def quick() -> dict[str, Any]:
    return evaluate(quick=True, workers=1)


def _is_rate(value: float | None) -> bool:
    return value is None or 0.0 <= value <= 1.0


def test_quick_subset_is_small_but_covers_every_kind_of_case() -> None:
    questions, transport, patterns = quick_subset(
        load_questions(), load_transport(), load_patterns()
    )

    assert 10 <= len(questions) + len(transport) <= 40
    assert {q["split"] for q in questions} == {"tuning", "held_out"}
    assert transport and any(case.normal for case in patterns)
    assert any(not case.normal for case in patterns)


def test_quick_evaluation_scores_every_case(quick: dict[str, Any]) -> None:
    summary = quick["summary"]

    assert summary["questions"] == len(quick["questions"]) >= 10
    assert summary["transport_questions"] == len(quick["transport"]) >= 5
    assert quick["patterns"]
    for key in (
        "intent_accuracy_held_out",
        "intent_accuracy_tuning",
        "transport_method_right",
        "transport_value_right",
        "findings_with_evidence",
        "reports_naming_entities",
        "composite_answered_together",
    ):
        assert _is_rate(summary[key]), key
    for record in quick["patterns"]:
        assert _is_rate(record["recall"]) and _is_rate(record["precision"])
    ran_nothing = {(item["graph"], item["question"]) for item in quick["ran_nothing"]}
    silent = {(q["graph"], q["text"]) for q in quick["questions"] if q["ran"] == 0}
    silent |= {("transport", t["text"]) for t in quick["transport"] if t["ran"] == 0}
    assert silent <= ran_nothing
    assert {(q["graph"], q["text"]) for q in quick["questions"] if q["ran"]}.isdisjoint(ran_nothing)
    assert summary["questions_ran_nothing"] == sum(q["ran"] == 0 for q in quick["questions"])


def test_table_states_the_headline_numbers(quick: dict[str, Any]) -> None:
    table = render(quick)

    assert "intent accuracy, held-out half" in table
    assert "transport: right value" in table
    assert "## Planted patterns" in table
    assert f"## Questions that ran nothing ({len(quick['ran_nothing'])})" in table
    for record in quick["patterns"]:
        assert f"| {record['id']} |" in table


def test_a_deliberately_wrong_expectation_scores_wrong() -> None:
    text = "Detect fraud rings: groups of customers sharing devices or payment cards."
    (view,) = run_jobs([Job("devices", text)], workers=1).values()
    read = view["intents"]
    other = next(i for i in ("colouring", "change", "cycles") if i not in read)
    honest = {"id": "h-1", "graph": "devices", "domain": "d", "voice": "v", "text": text}

    right = evaluate(
        questions=[{**honest, "intents": read or ["profile"], "split": "held_out"}],
        transport=[],
        patterns=[],
        workers=1,
    )
    wrong = evaluate(
        questions=[{**honest, "intents": [other], "split": "held_out"}],
        transport=[],
        patterns=[],
        workers=1,
    )

    assert right["summary"]["intent_accuracy_held_out"] == (1.0 if read else 0.0)
    assert wrong["summary"]["intent_accuracy_held_out"] == 0.0


def test_a_transport_answer_nobody_gave_scores_no_value() -> None:
    question = {
        "id": "t-x",
        "graph": "transport",
        "domain": "transport",
        "text": "How many weakly connected components are there?",
        "intents": ["connectivity"],
        "methods": ["wcc"],
        "check": "number",
        "expected": [-1],
        "split": "held_out",
    }

    result = evaluate(questions=[], transport=[question], patterns=[], workers=1)

    assert result["summary"]["transport_value_right"] == 0.0


def test_cli_writes_markdown_and_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "gaai_eval.__main__.evaluate",
        lambda **_: evaluate(questions=load_questions()[:2], transport=[], patterns=[], workers=1),
    )

    assert main(["--out", str(tmp_path)]) == 0

    result = json.loads((tmp_path / "latest.json").read_text(encoding="utf-8"))
    assert result["summary"]["questions"] == 2
    assert (tmp_path / "latest.md").read_text(encoding="utf-8").startswith("# gaai_graph")


def test_cli_refuses_zero_workers(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--workers", "0"]) == 2
    assert "--workers must be at least 1" in capsys.readouterr().err
