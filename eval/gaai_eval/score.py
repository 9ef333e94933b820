"""Score run views against expectations: intents, planted patterns, transport answers.

Definitions (docs/evaluation.md repeats them):

- A question **ran nothing** when its run produced no succeeded report (no template ran, or
  every one failed, or the run raised).
- **Intent accuracy**: a question is right when the set of intents the run was read as equals
  the set of expected intents (or one of its `accept` alternatives) exactly: extra intents are
  wrong, answering everything is not understanding. `intent_hit` (every expected intent among
  the read ones) is reported too.
- A finding **matches** a planted instance when they share at least `MATCH_SHARE` of the
  instance's entities AND at least `MATCH_SHARE` of the finding's entities.
- **Recall** of a planted anomaly: instances matched by at least one flagged finding, over all
  instances. **Precision**: flagged findings matching at least one instance, over all flagged
  findings of the runs of that case's questions (n/a when nothing was flagged).
- For a planted **normal** structure: `false_alarms` counts its instances matched by a flagged
  finding; its precision is the share of flagged findings that match none of its instances
  (1 when nothing was flagged).
- **Transport**: the answering report is the first report (template order) that carries an
  `answer`, else the first succeeded report. Right method: its method is one of the expected
  methods. Right value: its answer passes the question's check (`check_answer`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from gaai_eval.cases import PatternCase

MATCH_SHARE = 0.5
CHECKS = frozenset(
    {
        "bool",
        "number",
        "route",
        "routes",
        "path_set",
        "nearest",
        "entity_set",
        "pair_set",
        "values",
        "winner",
        "first_in",
        "first_pair_in",
    }
)
"""The value checks `check_answer` knows (a transport question's `check`; "none": method only)."""
REL_TOLERANCE = 1e-3
"""Values are compared at 0.1% relative tolerance: reports may round."""


# --------------------------------------------------------------------------- intents


def score_question(case: dict[str, Any], view: dict[str, Any]) -> dict[str, Any]:
    """Return the scored record of one corpus question.

    A question may list `accept`: other intent sets that are equally right for a wording that
    is genuinely ambiguous (e.g. "traffic has to pass through them": brokers or cut points).
    """
    expected = set(case["intents"])
    acceptable = [expected, *(set(alternative) for alternative in case.get("accept", []))]
    read = set(view["intents"])
    return {
        "id": case["id"],
        "split": case["split"],
        "graph": case["graph"],
        "domain": case.get("domain", ""),
        "text": case["text"],
        "expected": sorted(expected),
        "read": sorted(read),
        "intent_right": read in acceptable,
        "intent_hit": any(alternative <= read for alternative in acceptable),
        "ran": view["ran"],
        "methods": [r["method"] for r in view["reports"] if r["status"] == "succeeded"],
        "error": view.get("error"),
    }


# --------------------------------------------------------------------------- patterns


def matches(finding: Iterable[str], instance: Iterable[str]) -> bool:
    """Whether a finding's entities match a planted instance (shared share both ways)."""
    found, planted = set(finding), set(instance)
    if not found or not planted:
        return False
    shared = len(found & planted)
    return shared >= MATCH_SHARE * len(planted) and shared >= MATCH_SHARE * len(found)


def flagged_findings(views: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every flagged finding of the succeeded reports of some runs."""
    return [
        finding
        for view in views
        for report in view["reports"]
        if report["status"] == "succeeded"
        for finding in report["findings"]
        if finding.get("flagged")
    ]


def _explained(
    case: PatternCase, views: list[dict[str, Any]], instance: list[str], value: str
) -> bool:
    """Whether a flagged finding matching `instance` is explained by the case's attribute.

    With contract findings: the finding's evidence names the attribute (and, when it gives a
    value, the instance's value). With today's reports (fallback): the report's text names both
    the attribute and the instance's value.
    """
    attribute = (case.attribute or "").lower()
    for view in views:
        for report in view["reports"]:
            for finding in report["findings"]:
                if not finding.get("flagged") or not matches(finding["entities"], instance):
                    continue
                if "findings" in report["fallbacks"]:
                    text = report["text"].lower()
                    if attribute in text and value.lower() in text:
                        return True
                    continue
                evidence = finding.get("evidence") or {}
                named = str(evidence.get("attribute", "")).lower() == attribute
                stated = evidence.get("value")
                if named and (stated is None or str(stated).lower() == value.lower()):
                    return True
    return False


def score_pattern(case: PatternCase, views: list[dict[str, Any]]) -> dict[str, Any]:
    """Return recall, precision (and explanation rate) of one planted pattern case."""
    flagged = flagged_findings(views)
    hit = [any(matches(f["entities"], inst) for f in flagged) for inst in case.instances]
    matching = [f for f in flagged if any(matches(f["entities"], i) for i in case.instances)]
    record: dict[str, Any] = {
        "id": case.id,
        "graph": case.graph,
        "pattern": case.pattern,
        "normal": case.normal,
        "instances": len(case.instances),
        "flagged_findings": len(flagged),
        "ran_nothing": sum(1 for view in views if view["ran"] == 0),
        "missed_examples": [i for i, ok in zip(case.instances, hit, strict=True) if not ok][:5],
        "unmatched_flagged_examples": [
            f["entities"][:10]
            for f in flagged
            if not any(matches(f["entities"], i) for i in case.instances)
        ][:5],
    }
    if case.normal:
        record["false_alarms"] = sum(hit)
        record["precision"] = 1.0 if not flagged else 1 - len(matching) / len(flagged)
        record["recall"] = None
    else:
        record["found"] = sum(hit)
        record["recall"] = sum(hit) / len(case.instances)
        record["precision"] = len(matching) / len(flagged) if flagged else None
    if case.attribute and not case.normal:
        found = [
            (instance, value)
            for instance, value, ok in zip(case.instances, case.values, hit, strict=True)
            if ok
        ]
        explained = sum(_explained(case, views, inst, value) for inst, value in found)
        record["explained"] = explained / len(found) if found else None
    return record


# --------------------------------------------------------------------------- transport


def answering_report(view: dict[str, Any]) -> dict[str, Any] | None:
    """The report that answers a value question: first with an `answer`, else first succeeded."""
    succeeded = [report for report in view["reports"] if report["status"] == "succeeded"]
    with_answer = [report for report in succeeded if report.get("answer")]
    return (with_answer or succeeded or [None])[0]


def _close(value: Any, expected: float) -> bool:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return False
    return math.isclose(number, float(expected), rel_tol=REL_TOLERANCE, abs_tol=1e-6)


def _first_route(answer: dict[str, Any]) -> dict[str, Any] | None:
    if answer["kind"] == "route":
        return answer["value"]
    if answer["kind"] == "routes" and answer["value"]:
        return answer["value"][0]
    return None


def _number_of(answer: dict[str, Any]) -> Any:
    kind, value = answer["kind"], answer["value"]
    if kind in ("value", "count"):
        return value
    if kind in ("route", "routes"):
        route = _first_route(answer)
        return route.get("length") if route else None
    if kind == "values" and isinstance(value, dict) and len(value) == 1:
        return next(iter(value.values()))
    return None


def check_answer(check: str, expected: Any, answer: dict[str, Any] | None) -> bool:
    """Whether an `answer` ({"kind", "value", ...}) passes a transport question's check.

    Args:
        check: The question's check kind (bool, number, route, routes, path_set, nearest,
            entity_set, pair_set, values, winner, first_in, first_pair_in).
        expected: The question's expected data for that check.
        answer: The report's `answer`, or None.

    Returns:
        True when the stated value is right under one of the accepted conventions.
    """
    if not answer or "kind" not in answer:
        return False
    kind: str = answer["kind"]
    value: Any = answer.get("value")
    try:
        if check == "bool":
            return kind == "yes_no" and value is expected
        if check == "number":
            number = _number_of(answer)
            return number is not None and any(_close(number, e) for e in expected)
        if check == "route":
            if kind in ("value", "count"):  # "how many stops": the number alone answers it
                return any(_close(value, e) for e in expected["lengths"])
            route = _first_route(answer)
            if not route or not route.get("path"):
                return False
            path = route["path"]
            ends = {path[0], path[-1]} == {expected["source"], expected["target"]}
            return ends and any(_close(route.get("length"), e) for e in expected["lengths"])
        if check == "routes":
            lengths = [route.get("length") for route in value] if kind == "routes" else []
            wanted = expected["lengths"]
            return len(lengths) >= len(wanted) and all(
                _close(a, e) for a, e in zip(lengths, wanted, strict=False)
            )
        if check == "path_set":
            paths = [r["path"] for r in value] if kind == "routes" else []
            return {tuple(p) for p in paths} == {tuple(p) for p in expected}
        if check == "nearest":
            if kind != "entities":
                return False
            return (
                len(value) == expected["k"]
                and expected["source"] not in value
                and set(value) <= set(expected["within"])
            )
        if check == "entity_set":
            return kind == "entities" and set(value) == set(expected)
        if check == "pair_set":
            pairs = {frozenset(pair[:2]) for pair in value} if kind == "pairs" else set()
            return pairs == {frozenset(pair) for pair in expected}
        if check == "values":
            return _values_match(answer, expected)
        if check == "winner":
            if kind == "entities":
                return bool(value) and value[0] == expected["winner"]
            if kind == "values":
                return float(value[expected["winner"]]) > float(value[expected["loser"]])
            return False
        if check == "first_in":
            if kind == "entities":
                return bool(value) and value[0] in expected
            if kind == "values":
                return max(value, key=lambda k: float(value[k])) in expected
            return False
        if check == "first_pair_in":
            return (
                kind == "pairs"
                and bool(value)
                and frozenset(value[0][:2]) in {frozenset(p) for p in expected}
            )
    except (KeyError, TypeError, ValueError, IndexError, AttributeError):
        return False
    return False


def _values_match(answer: dict[str, Any], conventions: dict[str, dict[str, float]]) -> bool:
    kind, value = answer["kind"], answer["value"]
    for expected in conventions.values():
        if kind == "values" and isinstance(value, dict):
            right = all(_close(value.get(node), score) for node, score in expected.items())
        else:
            right = kind == "value" and len(expected) == 1
            right = right and _close(value, next(iter(expected.values())))
        if right:
            return True
    return False


def score_transport(case: dict[str, Any], view: dict[str, Any]) -> dict[str, Any]:
    """Return the scored record of one transport question."""
    report = answering_report(view)
    method = report["method"] if report else None
    has_value = case["check"] != "none"
    return {
        "id": case["id"],
        "split": case["split"],
        "text": case["text"],
        "expected_methods": case["methods"],
        "method": method,
        "method_right": method in case["methods"],
        "value_scored": has_value,
        "value_right": has_value
        and check_answer(case["check"], case["expected"], report and report.get("answer")),
        "intent_right": set(view["intents"]) == set(case["intents"]),
        "ran": view["ran"],
        "error": view.get("error"),
    }
