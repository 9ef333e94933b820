"""The adapter reads the contract fields when a report has them and falls back honestly."""

from __future__ import annotations

from gaai_eval.adapter import LEGACY_INTENTS, report_view, run_view, vocabulary_intent

from gaai_graph.methods.vocabulary import INTENT_DESCRIPTIONS
from gaai_graph.models import (
    AnalysisTemplate,
    Entity,
    GraphProjection,
    Group,
    Insight,
    Report,
    RunSummary,
    UseCase,
)


def _report(**extra: object) -> Report:
    return Report(
        template_id="t1",
        use_case_id="uc1",
        requirement_ids=["REQ-001"],
        title="Rings",
        algorithm="wcc",
        status="succeeded",
        groups=[Group(size=3, members_sample=["c/1", "c/2", "d/1"])],
        top_entities=[Entity(id="c/1", value=2.0, label="One")],
        insights=[Insight(title="A ring", description="club: Mr. Hi", confidence=0.5)],
        **extra,
    )


def test_legacy_intents_map_into_the_vocabulary() -> None:
    assert set(LEGACY_INTENTS.values()) <= set(INTENT_DESCRIPTIONS)


def test_today_report_falls_back_to_use_case_intent_algorithm_and_listed_entities() -> None:
    view = report_view(_report(), "rings")

    assert view["intents"] == ["shared_identifiers"]
    assert view["method"] == "wcc"
    assert view["answer"] is None
    assert [f["entities"] for f in view["findings"]] == [["c/1", "c/2", "d/1"], ["c/1"]]
    assert all(f["flagged"] for f in view["findings"])  # the report has a "finding" insight
    assert set(view["fallbacks"]) == {"intents", "method", "answer", "findings"}
    assert "Mr. Hi" in view["text"]


def test_context_only_report_flags_nothing() -> None:
    report = _report()
    report.insights = [Insight(title="Even", description="d", confidence=0.5, kind="context")]

    assert not any(f["flagged"] for f in report_view(report, "rings")["findings"])


def test_contract_fields_are_read_as_they_are() -> None:
    contract = {
        **_report().model_dump(mode="json"),
        "intents": ["collectors"],
        "method": "in_degree",
        "answer": {"kind": "entities", "value": ["a/1"], "convention": "", "method": "in_degree"},
        "findings": [{"kind": "collector", "entities": ["a/1"], "flagged": True}],
    }

    view = report_view(contract, "rings")

    assert view["intents"] == ["collectors"]
    assert view["method"] == "in_degree"
    assert view["answer"]["value"] == ["a/1"]
    assert view["findings"] == [{"kind": "collector", "entities": ["a/1"], "flagged": True}]
    assert view["fallbacks"] == []


def _template(template_id: str) -> AnalysisTemplate:
    return AnalysisTemplate(
        id=template_id,
        use_case_id="uc1",
        requirement_ids=[],
        title=template_id,
        algorithm="degree",
        projection=GraphProjection(vertex_collections=["c"], edge_collections=["e"]),
    )


def test_run_view_orders_reports_by_template_and_counts_what_ran() -> None:
    first = _report()
    second = _report(error="boom")
    second.template_id, second.status, second.algorithm = "t2", "failed", "pagerank"
    summary = RunSummary(
        run_id="r",
        vertical="v",
        source="s",
        headline="h",
        use_cases=[UseCase(id="uc1", title="t", intent="hubs", description="", requirement_ids=[])],
        templates=[_template("t1"), _template("t2")],
    )

    view = run_view({"reports": [second, first], "summary": summary})

    assert view["ran"] == 1
    assert view["intents"] == ["importance"]
    assert [r["method"] for r in view["reports"]] == ["wcc", "pagerank"]
    assert [r["status"] for r in view["reports"]] == ["succeeded", "failed"]


def test_run_view_reads_use_case_intents_even_when_nothing_ran() -> None:
    summary = RunSummary(
        run_id="r",
        vertical="v",
        source="s",
        headline="h",
        use_cases=[
            UseCase(id="uc1", title="t", intent="rings", description="", requirement_ids=[])
        ],
    )

    view = run_view({"reports": [], "summary": summary})

    assert (view["ran"], view["intents"]) == (0, ["shared_identifiers"])


def test_use_case_intents_already_in_the_vocabulary_are_kept() -> None:
    assert vocabulary_intent("collectors") == "collectors"
    assert vocabulary_intent("rings") == "shared_identifiers"
    assert vocabulary_intent("unheard_of") is None
