"""The scorer gives credit for right answers only: each check with a right and a wrong answer."""

from __future__ import annotations

from typing import Any

import pytest
from gaai_eval.cases import PatternCase
from gaai_eval.score import (
    answering_report,
    check_answer,
    matches,
    score_pattern,
    score_question,
    score_transport,
)


def _report(
    method: str = "pagerank",
    answer: dict[str, Any] | None = None,
    findings: list[dict[str, Any]] | None = None,
    status: str = "succeeded",
    text: str = "",
) -> dict[str, Any]:
    return {
        "status": status,
        "method": method,
        "intents": [],
        "answer": answer,
        "findings": findings or [],
        "text": text,
        "fallbacks": [],
    }


def _view(*reports: dict[str, Any], intents: list[str] | None = None) -> dict[str, Any]:
    ran = sum(r["status"] == "succeeded" for r in reports)
    return {"intents": intents or [], "reports": list(reports), "ran": ran, "fallbacks": []}


def _finding(*entities: str, flagged: bool = True, **evidence: Any) -> dict[str, Any]:
    return {"kind": "x", "entities": list(entities), "flagged": flagged, "evidence": evidence}


def test_matching_needs_half_of_the_instance_and_half_of_the_finding() -> None:
    assert matches(["a", "b", "c"], ["a", "b", "c", "d"])
    assert not matches(["a"], ["a", "b", "c"])  # a third of the instance
    assert not matches(["a", "b", "x", "y", "z"], ["a", "b"])  # mostly something else
    assert not matches([], ["a"])


@pytest.mark.parametrize(
    ("check", "expected", "right", "wrong"),
    [
        ("bool", False, {"kind": "yes_no", "value": False}, {"kind": "yes_no", "value": True}),
        ("number", [2], {"kind": "count", "value": 2}, {"kind": "count", "value": 3}),
        (
            "route",
            {"source": "s/a", "target": "s/c", "lengths": [4.5]},
            {"kind": "route", "value": {"path": ["s/a", "s/b", "s/c"], "length": 4.5}},
            {"kind": "route", "value": {"path": ["s/a", "s/b", "s/c"], "length": 5.5}},
        ),
        (
            "route",
            {"source": "s/a", "target": "s/c", "lengths": [2]},
            {"kind": "count", "value": 2},
            {"kind": "count", "value": 1},
        ),
        (
            "routes",
            {"source": "s/a", "target": "s/c", "lengths": [1.0, 2.0]},
            {"kind": "routes", "value": [{"path": [], "length": 1}, {"path": [], "length": 2}]},
            {"kind": "routes", "value": [{"path": [], "length": 1}]},
        ),
        (
            "path_set",
            [["a", "b", "d"], ["a", "c", "d"]],
            {"kind": "routes", "value": [{"path": ["a", "c", "d"]}, {"path": ["a", "b", "d"]}]},
            {"kind": "routes", "value": [{"path": ["a", "c", "d"]}]},
        ),
        (
            "nearest",
            {"source": "a", "k": 2, "within": ["b", "c", "d"]},
            {"kind": "entities", "value": ["d", "b"]},
            {"kind": "entities", "value": ["b", "e"]},
        ),
        (
            "entity_set",
            ["a", "b"],
            {"kind": "entities", "value": ["b", "a"]},
            {"kind": "entities", "value": ["a"]},
        ),
        (
            "pair_set",
            [["a", "b"]],
            {"kind": "pairs", "value": [["b", "a", 1.0]]},
            {"kind": "pairs", "value": [["a", "c", 1.0]]},
        ),
        (
            "values",
            {"raw": {"a": 10.0, "b": 4.0}, "normalised": {"a": 0.5, "b": 0.2}},
            {"kind": "values", "value": {"a": 0.5, "b": 0.2}},
            {"kind": "values", "value": {"a": 0.5, "b": 4.0}},  # conventions mixed
        ),
        (
            "winner",
            {"winner": "a", "loser": "b"},
            {"kind": "values", "value": {"a": 3, "b": 1}},
            {"kind": "entities", "value": ["b", "a"]},
        ),
        (
            "first_in",
            ["a", "b"],
            {"kind": "entities", "value": ["b", "z"]},
            {"kind": "entities", "value": ["z", "a"]},
        ),
        (
            "first_pair_in",
            [["a", "b"]],
            {"kind": "pairs", "value": [["b", "a", 0.5]]},
            {"kind": "pairs", "value": [["a", "c", 0.5]]},
        ),
    ],
)
def test_check_accepts_the_right_answer_and_refuses_a_wrong_one(
    check: str, expected: Any, right: dict[str, Any], wrong: dict[str, Any]
) -> None:
    assert check_answer(check, expected, right)
    assert not check_answer(check, expected, wrong)
    assert not check_answer(check, expected, None)


def test_values_allow_rounding_but_not_a_different_number() -> None:
    expected = {"raw": {"a": 0.123456}}

    assert check_answer("values", expected, {"kind": "value", "value": 0.1235})
    assert not check_answer("values", expected, {"kind": "value", "value": 0.125})


def test_answering_report_is_the_first_with_an_answer_else_the_first_that_ran() -> None:
    plain = _report("degree")
    answered = _report("harmonic", answer={"kind": "value", "value": 1})
    failed = _report("pagerank", status="failed")

    assert answering_report(_view(failed, plain, answered)) is answered
    assert answering_report(_view(failed, plain)) is plain
    assert answering_report(_view(failed)) is None


def test_transport_record_scores_method_and_value_separately() -> None:
    case = {
        "id": "t-1",
        "split": "held_out",
        "text": "degree of X?",
        "intents": ["importance"],
        "methods": ["degree"],
        "check": "number",
        "expected": [3],
    }

    right = score_transport(case, _view(_report("degree", {"kind": "value", "value": 3})))
    wrong_value = score_transport(case, _view(_report("degree", {"kind": "value", "value": 4})))
    wrong_method = score_transport(case, _view(_report("pagerank", {"kind": "value", "value": 3})))
    nothing = score_transport(case, _view())

    assert (right["method_right"], right["value_right"]) == (True, True)
    assert (wrong_value["method_right"], wrong_value["value_right"]) == (True, False)
    assert (wrong_method["method_right"], wrong_method["value_right"]) == (False, True)
    assert (nothing["method_right"], nothing["value_right"], nothing["ran"]) == (False, False, 0)


def test_intent_must_match_exactly_and_hit_allows_extras() -> None:
    case = {"id": "q", "split": "tuning", "graph": "g", "text": "t", "intents": ["cycles"]}

    exact = score_question(case, _view(_report(), intents=["cycles"]))
    extra = score_question(case, _view(_report(), intents=["cycles", "importance"]))
    other = score_question(case, _view(_report(), intents=["communities"]))

    assert (exact["intent_right"], exact["intent_hit"]) == (True, True)
    assert (extra["intent_right"], extra["intent_hit"]) == (False, True)
    assert (other["intent_right"], other["intent_hit"]) == (False, False)


def _case(normal: bool = False, **extra: Any) -> PatternCase:
    return PatternCase(
        id="c",
        graph="g",
        pattern="cycle",
        normal=normal,
        questions=["q"],
        instances=[["a", "b", "c"], ["d", "e", "f"]],
        **extra,
    )


def test_pattern_recall_and_precision_count_flagged_findings_only() -> None:
    view = _view(
        _report(
            findings=[
                _finding("a", "b", "c"),  # matches the first instance
                _finding("x", "y"),  # a false alarm
                _finding("d", "e", "f", flagged=False),  # named as context, not found
            ]
        )
    )

    record = score_pattern(_case(), [view])

    assert (record["found"], record["recall"], record["precision"]) == (1, 0.5, 0.5)


def test_flagging_a_normal_structure_is_a_false_alarm() -> None:
    view = _view(_report(findings=[_finding("a", "b"), _finding("x", "y", "z")]))

    normal = score_pattern(_case(normal=True), [view])
    quiet = score_pattern(_case(normal=True), [_view(_report())])

    assert (normal["false_alarms"], normal["precision"]) == (1, 0.5)
    assert (quiet["false_alarms"], quiet["precision"]) == (0, 1.0)


def test_nothing_flagged_has_no_precision_and_no_recall() -> None:
    record = score_pattern(_case(), [_view()])

    assert (record["recall"], record["precision"], record["ran_nothing"]) == (0.0, None, 1)


def test_attribute_explanation_needs_the_attribute_in_the_evidence() -> None:
    case = _case(attribute="club", values=["Mr. Hi", "Officer"])
    explained = _view(
        _report(
            findings=[
                _finding("a", "b", "c", attribute="club", value="Mr. Hi"),
                _finding("d", "e", "f", attribute="club", value="Mr. Hi"),  # wrong value
            ]
        )
    )
    silent = _view(_report(findings=[_finding("a", "b", "c"), _finding("d", "e", "f")]))

    assert score_pattern(case, [explained])["explained"] == 0.5
    assert score_pattern(case, [silent])["explained"] == 0.0


def test_an_accepted_alternative_counts_but_a_mixture_does_not() -> None:
    case = {
        "id": "q",
        "split": "tuning",
        "graph": "g",
        "text": "t",
        "intents": ["brokers"],
        "accept": [["connectivity"]],
    }

    assert score_question(case, _view(_report(), intents=["connectivity"]))["intent_right"]
    assert not score_question(case, _view(_report(), intents=["brokers", "connectivity"]))[
        "intent_right"
    ]
