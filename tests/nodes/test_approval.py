"""Human approval of templates: answer parsing, review application, and the interrupt in a graph
compiled with an in-memory checkpointer (the LangGraph server path is in tests/test_server.py)."""

from __future__ import annotations

import asyncio
import importlib
import json
import re
import uuid
from typing import Any

import jsonschema
import pytest
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.types import Command

from gaai_graph.context import Context
from gaai_graph.models import AnalysisTemplate, GraphSchema
from gaai_graph.nodes.approval import (
    PHASE,
    ApprovalUnavailableError,
    ReviewRejectedError,
    TemplateReview,
    answer_schema,
    apply_review,
    parse_review,
    review_request,
)
from gaai_graph.nodes.schema import profile_schema
from gaai_graph.sources import load_graph_sync

# The package re-exports the compiled `graph`, which shadows the module of the same name.
graph_module = importlib.import_module("gaai_graph.graph")

APPROVE = Context(approve_templates=True)


@pytest.fixture(scope="module")
def demo_schema() -> GraphSchema:
    return profile_schema(load_graph_sync("demo"), graph_name=None, core_collections=None)


@pytest.fixture(scope="module")
def demo_templates() -> list[AnalysisTemplate]:
    """The templates the demo run generates, taken from a run stopped at the approval."""

    async def interrupted() -> list[AnalysisTemplate]:
        app = graph_module.builder.compile(checkpointer=InMemorySaver())
        config = _thread()
        await app.ainvoke({}, config, context=APPROVE)
        snapshot = await app.aget_state(config)
        return list(snapshot.values["templates"])

    return asyncio.run(interrupted())


def _thread() -> dict[str, Any]:
    return {"configurable": {"thread_id": str(uuid.uuid4())}}


def _by_algorithm(templates: list[AnalysisTemplate], algorithm: str) -> AnalysisTemplate:
    return next(t for t in templates if t.algorithm == algorithm)


# --------------------------------------------------------------------------- parse_review


@pytest.mark.parametrize("answer", [None, True, "accept", " Approve ", {}, {"action": "accept"}])
def test_yes_answers_accept_everything(answer: Any) -> None:
    review = parse_review(answer)
    assert review.action == "accept"
    assert review.drop == [] and review.edit == {}


@pytest.mark.parametrize("answer", [False, "reject", "NO", {"action": "reject"}])
def test_no_answers_reject_everything(answer: Any) -> None:
    assert parse_review(answer).action == "reject"


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("maybe", "'maybe' is not understood"),
        (42, "type int is not understood"),
        ({"dorp": ["TPL-001"]}, "dorp"),
        ({"edit": {"TPL-001": {"colour": "red"}}}, "edit.TPL-001.colour"),
        ({"drop": "TPL-001"}, "drop"),
    ],
)
def test_malformed_answers_are_refused_with_the_reason(answer: Any, expected: str) -> None:
    with pytest.raises(ReviewRejectedError, match=re.escape(expected)):
        parse_review(answer)


def test_review_request_is_plain_json_with_every_template(
    demo_templates: list[AnalysisTemplate],
) -> None:
    request = review_request(demo_templates, error="previous answer was wrong")
    decoded = json.loads(json.dumps(request))
    assert [t["id"] for t in decoded["templates"]] == [t.id for t in demo_templates]
    assert decoded["error"] == "previous answer was wrong"
    assert "error" not in review_request(demo_templates)


@pytest.mark.parametrize(
    "answer",
    [
        True,
        False,
        "accept",
        "reject",
        {"drop": ["TPL-001"]},
        {"edit": {"TPL-001": {"top_k": 3, "projection": {"directed": False}}}},
        "maybe",
        3,
        {"dorp": []},
        {"edit": {"TPL-001": {"colour": "red"}}},
    ],
)
def test_the_answer_schema_shown_to_clients_agrees_with_the_parser(answer: Any) -> None:
    accepted_by_schema = jsonschema.Draft202012Validator(answer_schema()).is_valid(answer)
    try:
        parse_review(answer)
    except ReviewRejectedError:
        accepted_by_parser = False
    else:
        accepted_by_parser = True
    assert accepted_by_schema == accepted_by_parser


# --------------------------------------------------------------------------- apply_review


def test_accept_keeps_every_template_unchanged(
    demo_templates: list[AnalysisTemplate], demo_schema: GraphSchema
) -> None:
    kept, notes = apply_review(demo_templates, TemplateReview(), demo_schema)
    assert kept == demo_templates
    assert notes == []


def test_reject_keeps_nothing_and_notes_every_template(
    demo_templates: list[AnalysisTemplate], demo_schema: GraphSchema
) -> None:
    kept, notes = apply_review(demo_templates, TemplateReview(action="reject"), demo_schema)
    assert kept == []
    assert len(notes) == len(demo_templates)
    assert all(n.phase == PHASE and "rejected by the reviewer" in n.message for n in notes)


def test_drop_and_edit_apply_in_order_with_validated_parameters(
    demo_templates: list[AnalysisTemplate], demo_schema: GraphSchema
) -> None:
    pagerank = _by_algorithm(demo_templates, "pagerank")
    dropped = next(t for t in demo_templates if t.id != pagerank.id)
    review = parse_review(
        {
            "drop": [dropped.id],
            "edit": {pagerank.id: {"parameters": {"damping_factor": 0.5}, "top_k": 3}},
        }
    )
    kept, notes = apply_review(demo_templates, review, demo_schema)

    assert [t.id for t in kept] == [t.id for t in demo_templates if t.id != dropped.id]
    edited = next(t for t in kept if t.id == pagerank.id)
    assert edited.parameters == {"damping_factor": 0.5, "vertices": None}
    assert edited.top_k == 3
    assert edited.projection == pagerank.projection
    messages = [n.message for n in notes]
    assert any(dropped.id in m and "dropped" in m for m in messages)
    assert any(pagerank.id in m and "edited" in m and "parameters" in m for m in messages)


def test_changing_the_algorithm_starts_from_its_default_parameters(
    demo_templates: list[AnalysisTemplate], demo_schema: GraphSchema
) -> None:
    pagerank = _by_algorithm(demo_templates, "pagerank")
    review = parse_review({"edit": {pagerank.id: {"algorithm": "degree"}}})
    kept, _ = apply_review(demo_templates, review, demo_schema)
    edited = next(t for t in kept if t.id == pagerank.id)
    assert edited.algorithm == "degree"
    assert edited.parameters == {"mode": "all", "vertices": None}


def test_a_partial_projection_edit_keeps_the_other_keys(
    demo_templates: list[AnalysisTemplate], demo_schema: GraphSchema
) -> None:
    pagerank = _by_algorithm(demo_templates, "pagerank")
    flipped = not pagerank.projection.directed
    review = parse_review({"edit": {pagerank.id: {"projection": {"directed": flipped}}}})
    kept, _ = apply_review(demo_templates, review, demo_schema)
    edited = next(t for t in kept if t.id == pagerank.id)
    assert edited.projection.directed is flipped
    assert edited.projection.vertex_collections == pagerank.projection.vertex_collections


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            {"projection": {"vertex_collections": ["planets"]}},
            "unknown vertex collection 'planets'",
        ),
        ({"parameters": {"damping_factor": 1.5}}, "damping_factor"),
        ({"parameters": {"resolution": 1.0}}, "unknown parameter"),
        ({"algorithm": "dijkstra"}, "algorithm"),
        ({"top_k": 0}, "top_k must be at least 1"),
    ],
)
def test_an_edit_the_schema_or_registry_rejects_is_refused(
    demo_templates: list[AnalysisTemplate],
    demo_schema: GraphSchema,
    edit: dict[str, Any],
    expected: str,
) -> None:
    pagerank = _by_algorithm(demo_templates, "pagerank")
    review = parse_review({"edit": {pagerank.id: edit}})
    with pytest.raises(ReviewRejectedError, match=re.escape(expected)) as caught:
        apply_review(demo_templates, review, demo_schema)
    assert pagerank.id in str(caught.value)


def test_unknown_or_conflicting_ids_are_refused(
    demo_templates: list[AnalysisTemplate], demo_schema: GraphSchema
) -> None:
    first = demo_templates[0].id
    with pytest.raises(ReviewRejectedError, match=r"unknown template id.*TPL-999"):
        apply_review(demo_templates, parse_review({"drop": ["TPL-999"]}), demo_schema)
    both = parse_review({"drop": [first], "edit": {first: {"top_k": 2}}})
    with pytest.raises(ReviewRejectedError, match="both dropped and edited"):
        apply_review(demo_templates, both, demo_schema)


# --------------------------------------------------------------------------- in a graph


async def test_the_run_pauses_with_the_generated_templates_before_any_execution() -> None:
    app = graph_module.builder.compile(checkpointer=InMemorySaver())
    config = _thread()
    result = await app.ainvoke({}, config, context=APPROVE)

    (paused,) = result["__interrupt__"]
    assert paused.response_schema == answer_schema()
    snapshot = await app.aget_state(config)
    assert snapshot.next == ("approve_templates",)
    assert [t["id"] for t in paused.value["templates"]] == [
        t.id for t in snapshot.values["templates"]
    ]
    assert len(paused.value["templates"]) >= 5
    assert result["reports"] == []
    assert "summary" not in result or result["summary"] is None


async def test_resume_with_true_runs_every_template() -> None:
    app = graph_module.builder.compile(checkpointer=InMemorySaver())
    config = _thread()
    paused = await app.ainvoke({}, config, context=APPROVE)
    ids = [t["id"] for t in paused["__interrupt__"][0].value["templates"]]

    result = await app.ainvoke(Command(resume=True), config, context=APPROVE)

    assert "__interrupt__" not in result
    assert sorted(r.template_id for r in result["reports"]) == sorted(ids)
    assert result["summary"] is not None
    assert [t.id for t in result["summary"].templates] == ids


async def test_resume_with_drops_and_edits_runs_only_the_approved_versions() -> None:
    app = graph_module.builder.compile(checkpointer=InMemorySaver())
    config = _thread()
    paused = await app.ainvoke({}, config, context=APPROVE)
    shown = paused["__interrupt__"][0].value["templates"]
    pagerank = next(t for t in shown if t["algorithm"] == "pagerank")
    dropped = [t["id"] for t in shown if t["algorithm"] in {"wcc", "shared_identifiers", "kcore"}]
    assert dropped

    answer = {"drop": dropped, "edit": {pagerank["id"]: {"parameters": {"damping_factor": 0.5}}}}
    result = await app.ainvoke(Command(resume=answer), config, context=APPROVE)

    reports = {r.template_id: r for r in result["reports"]}
    assert set(reports) == {t["id"] for t in shown} - set(dropped)
    assert reports[pagerank["id"]].parameters["damping_factor"] == 0.5
    assert reports[pagerank["id"]].status == "succeeded"
    notes = [e.message for e in result["errors"] if e.phase == PHASE]
    assert len(notes) == len(dropped) + 1
    # Drops are the reviewer's choice, not failed analyses: the summary lists them as skipped.
    summary = result["summary"]
    assert all(f.phase != PHASE for f in summary.failures)
    assert sorted(s.message.split(" ", 1)[0] for s in summary.skipped) == sorted(dropped)
    assert f"{len(dropped)} use cases skipped (dropped by the reviewer)" in summary.headline


async def test_a_bad_edit_asks_again_and_is_recorded_once_answered() -> None:
    app = graph_module.builder.compile(checkpointer=InMemorySaver())
    config = _thread()
    paused = await app.ainvoke({}, config, context=APPROVE)
    first = paused["__interrupt__"][0].value["templates"][0]["id"]

    bad = {"edit": {first: {"projection": {"vertex_collections": ["planets"]}}}}
    again = await app.ainvoke(Command(resume=bad), config, context=APPROVE)

    (asked,) = again["__interrupt__"]
    assert "unknown vertex collection 'planets'" in asked.value["error"]
    assert again["reports"] == []

    fixed = await app.ainvoke(
        Command(resume={"edit": {first: {"top_k": 4}}}), config, context=APPROVE
    )
    assert "__interrupt__" not in fixed
    report = next(r for r in fixed["reports"] if r.template_id == first)
    assert report.status == "succeeded"
    refused = [e.message for e in fixed["errors"] if e.message.startswith("answer refused")]
    assert len(refused) == 1 and "planets" in refused[0]


async def test_rejecting_everything_ends_with_an_empty_summary() -> None:
    app = graph_module.builder.compile(checkpointer=InMemorySaver())
    config = _thread()
    paused = await app.ainvoke({}, config, context=APPROVE)
    shown = paused["__interrupt__"][0].value["templates"]
    result = await app.ainvoke(Command(resume=False), config, context=APPROVE)
    assert result["reports"] == []
    summary = result["summary"]
    assert summary is not None
    assert summary.templates == []
    assert len(summary.skipped) == len(shown) > 0
    assert summary.failures == []
    assert "rejected by the reviewer" in summary.headline


async def test_without_the_flag_a_checkpointed_run_never_pauses() -> None:
    app = graph_module.builder.compile(checkpointer=InMemorySaver())
    result = await app.ainvoke({}, _thread(), context=Context())
    assert "__interrupt__" not in result
    assert result["summary"] is not None and len(result["reports"]) >= 5


async def test_approval_without_a_checkpointer_is_a_clear_error() -> None:
    with pytest.raises(ApprovalUnavailableError, match="needs a checkpointer"):
        await graph_module.graph.ainvoke({}, context=APPROVE)
