"""Tests that recommendations are complete and specific: whole titles, no repeated lists."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from importlib import resources

import pytest

from gaai_graph.models import (
    RESULT_FIELDS,
    AnalysisTemplate,
    Entity,
    ExecutionResult,
    GraphProjection,
    Group,
    HistogramBin,
    Report,
    ScoreStatistics,
    Vertical,
)
from gaai_graph.nodes.report import _title_of, write_report_by_rules

PROJECTION = GraphProjection(
    vertex_collections=["customers", "devices", "cards"],
    edge_collections=["uses_device", "uses_card"],
    directed=False,
)
LONG_ACTIONS = {
    "hubs": [
        "Limit how many accounts may share one device or payment card before a step-up "
        "check, so new rings are stopped at sign-up.",
        "Plan campaigns, newsletters and recommendations per segment instead of for one "
        "average shopper, and measure conversion per segment.",
    ],
    "rings": [
        "Send every account of a ring to the fraud team for review, largest and densest rings "
        "first, and hold referral bonuses and promotions for them meanwhile.",
        "Close the loophole: refuse bonuses when accounts share a device.",
    ],
}
VERTICAL = Vertical(
    name="fraud",
    title="Fraud",
    entity_terms={"customer": "customer", "device": "device", "card": "payment card"},
    recommendations=LONG_ACTIONS,
)


def _bundled_actions() -> list[str]:
    folder = resources.files("gaai_graph") / "data" / "verticals"
    texts = []
    for entry in folder.iterdir():
        if entry.name.endswith(".json"):
            vertical = json.loads(entry.read_text(encoding="utf-8"))
            for actions in vertical.get("recommendations", {}).values():
                texts.extend(actions)
    return texts


BUNDLED_ACTIONS = _bundled_actions()


def test_bundled_verticals_have_actions_to_title() -> None:
    assert len(BUNDLED_ACTIONS) >= 30


@pytest.mark.parametrize("text", BUNDLED_ACTIONS)
def test_every_bundled_action_gets_a_whole_clause_as_title(text: str) -> None:
    title = _title_of(text)
    assert "…" not in title
    assert text.startswith(title)
    rest = text[len(title) :]
    # The title ends where a clause ends, never inside one.
    assert rest == "" or re.match(r"[:;.,—]| - ", rest), (title, rest)
    assert len(title.split()) >= 3


def test_a_comma_inside_a_list_does_not_cut_the_title() -> None:
    text = LONG_ACTIONS["hubs"][1]
    assert _title_of(text) == (
        "Plan campaigns, newsletters and recommendations per segment instead of for one "
        "average shopper"
    )
    assert _title_of(LONG_ACTIONS["hubs"][0]).endswith("before a step-up check")
    assert _title_of(LONG_ACTIONS["rings"][1]) == "Close the loophole"


def _template(algorithm: str, result: list[str]) -> AnalysisTemplate:
    return AnalysisTemplate(
        id="TPL-001",
        use_case_id="UC-001",
        requirement_ids=["REQ-001"],
        title="Shared devices and cards",
        algorithm=algorithm,
        projection=PROJECTION,
        result_collections=result,
    )


def _device_degree() -> ExecutionResult:
    """Degree of devices and cards: only three of them are shared by two or more accounts."""
    shared = [
        Entity(id="devices/d1", value=4, label="d1"),
        Entity(id="devices/d2", value=3, label="d2"),
        Entity(id="cards/k1", value=2, label="k1"),
    ]
    return ExecutionResult(
        template_id="TPL-001",
        status="succeeded",
        algorithm="degree",
        projection=PROJECTION,
        metrics={
            "vertex_count": 600,
            "edge_count": 400,
            "runtime_seconds": 0.01,
            "result_vertex_count": 200,
            "result_vertices_at_least_2": 3,
            "result_vertices_at_least_2_in_devices": 2,
            "result_vertices_at_least_2_in_cards": 1,
            "result_vertex_count_in_devices": 120,
            "result_vertex_count_in_cards": 80,
        },
        statistics=ScoreStatistics(
            count=200,
            min=1,
            max=4,
            mean=1.05,
            median=1,
            std=0.3,
            p90=1,
            p99=3,
            total=210,
            gini=0.05,
            top_k_share=0.043,
        ),
        score_histogram=[HistogramBin(lower=1, upper=4, count=200)],
        top_entities=shared,
    )


def _rings() -> ExecutionResult:
    groups = [
        Group(
            size=9,
            members_sample=[f"customers/r{i}" for i in range(5)]
            + ["devices/rd1", "devices/rd2", "cards/rk1", "cards/rk2"],
            composition={"customers": 5, "devices": 2, "cards": 2},
        ),
        Group(
            size=5,
            members_sample=["customers/s1", "customers/s2", "devices/sd1", "cards/sk1", "cards/x"],
            composition={"customers": 2, "devices": 1, "cards": 2},
        ),
    ]
    return ExecutionResult(
        template_id="TPL-001",
        status="succeeded",
        algorithm="wcc",
        projection=PROJECTION,
        metrics={
            "vertex_count": 300,
            "edge_count": 250,
            "runtime_seconds": 0.01,
            "singleton_count": 100,
            "largest_group_share": 0.03,
            "groups_of_size_at_least_3": 40,
            "groups_with_at_least_2_result_members": 2,
        },
        groups=groups,
        group_count=140,
        group_size_histogram=[HistogramBin(lower=1, upper=9, count=140)],
    )


def _report(execution: ExecutionResult, result: list[str]) -> Report:
    return write_report_by_rules(
        _template(execution.algorithm or "", result), execution, VERTICAL, []
    )


@pytest.mark.parametrize(
    ("execution", "result"),
    [(_device_degree(), ["devices", "cards"]), (_rings(), ["customers"])],
    ids=["shared-devices", "rings"],
)
def test_no_two_recommendations_repeat_an_entity_list(
    execution: ExecutionResult, result: list[str]
) -> None:
    report = _report(execution, result)
    assert report.recommendations
    lists = [tuple(r.related_entities) for r in report.recommendations if r.related_entities]
    assert lists, "the result-specific action names the entities to act on"
    assert len(lists) == len(set(lists))
    # The vertical's standing actions are policies: they name no entities of their own.
    for recommendation in report.recommendations:
        if recommendation.description in LONG_ACTIONS.get(
            "hubs" if execution.algorithm == "degree" else "rings", []
        ):
            assert recommendation.related_entities == []


def test_shared_device_review_names_the_shared_ones_once() -> None:
    report = _report(_device_degree(), ["devices", "cards"])
    named = [r for r in report.recommendations if r.related_entities]
    assert len(named) == 1
    assert set(named[0].related_entities) == {"devices/d1", "devices/d2", "cards/k1"}
    assert named[0].title.startswith("Review the 3 ")


def test_titles_are_whole_and_descriptions_complete() -> None:
    for execution, result in [(_device_degree(), ["devices", "cards"]), (_rings(), ["customers"])]:
        for recommendation in _report(execution, result).recommendations:
            assert "…" not in recommendation.title
            assert "…" not in recommendation.description
            assert recommendation.description.rstrip().endswith((".", ")"))


def test_ring_review_lists_every_member_account_of_each_ring() -> None:
    report = _report(_rings(), ["customers"])
    review = next(r for r in report.recommendations if r.title.startswith("Review"))
    for member in [f"customers/r{i}" for i in range(5)] + ["customers/s1", "customers/s2"]:
        assert member in review.description


@pytest.mark.parametrize("make", [_device_degree, _rings], ids=["degree", "wcc"])
def test_report_carries_every_result_field_of_the_execution(
    make: Callable[[], ExecutionResult],
) -> None:
    execution = make().model_copy(update={"notes": ["betweenness sampled from 200 sources"]})
    report = _report(execution, [])
    assert set(RESULT_FIELDS) <= set(Report.model_fields)
    for name in RESULT_FIELDS:
        assert getattr(report, name) == getattr(execution, name), name


def test_shared_count_per_collection_is_quoted_from_the_whole_result() -> None:
    report = _report(_device_degree(), ["devices", "cards"])
    shared = next(i for i in report.insights if i.title.endswith("have two or more links"))
    assert shared.description.startswith("3 of the 200 ")
    assert "2 of 120 devices" in shared.description
    assert "1 of 80 payment cards" in shared.description
