"""Whole runs of the workflow with a real ChatOpenAI talking HTTP to the scripted server.

The scripted "good" answers are the rule path's own results of the same demo run, re-worded
("LLM ..." titles) so a test can tell the model's answer was used rather than the rules'.
Each failure case (malformed JSON, a hallucinated collection, a timeout, a 429, an insight
quoting a number the result does not hold) must end in a finished run with every report
written and the right fallback recorded in state and in the summary.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import os
import subprocess
import sys
import time
import uuid
from typing import Any

import pytest
from fake_openai import (
    FakeOpenAI,
    Reply,
    answer,
    rate_limited,
    schema_name,
    server_error,
    too_slow,
    user_text,
)
from langgraph.cache.memory import InMemoryCache
from langgraph.checkpoint.memory import InMemorySaver

from gaai_graph.context import Context
from gaai_graph.llm.call import UNREACHABLE_REASON
from gaai_graph.tracing import WorkflowTracer

graph_module = importlib.import_module("gaai_graph.graph")

TEMPLATES = 5
MODEL = "gpt-4o-mini"
DESIGNED = "Model-designed"
"""Title prefix of the scripted templates (rule templates of LLM use cases start with "LLM")."""


async def run_workflow(
    context: Context, cache: InMemoryCache | None = None, inputs: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Run the demo workflow and return its whole final state (not only the output keys)."""
    compiled = graph_module.builder.compile(
        checkpointer=InMemorySaver(), cache=cache if cache is not None else InMemoryCache()
    )
    config = {"configurable": {"thread_id": uuid.uuid4().hex}}
    await compiled.ainvoke(inputs or {}, config, context=context)
    return dict((await compiled.aget_state(config)).values)


@pytest.fixture(scope="module")
def rule_run() -> dict[str, Any]:
    """The rule path's run of the demo, the source of the scripted good answers."""
    with pytest.MonkeyPatch.context() as patch:
        # Module-scoped, so it runs before the per-test environment clean-up.
        patch.delenv("GAAI_MODEL", raising=False)
        return asyncio.run(run_workflow(Context(max_templates=TEMPLATES)))


@pytest.fixture
def llm_context(fake_openai: FakeOpenAI, monkeypatch: pytest.MonkeyPatch):
    """Build a Context naming a model served by the fake server (through the environment)."""
    monkeypatch.setenv("OPENAI_BASE_URL", fake_openai.base_url)

    def build(**options: Any) -> Context:
        settings: dict[str, Any] = {
            "model": MODEL,
            "max_templates": TEMPLATES,
            "llm_timeout": 5.0,
            "llm_max_retries": 1,
        }
        settings.update(options)
        return Context(**settings)

    return build


# --------------------------------------------------------------------------- good answers


def requirements_answer(rules: dict[str, Any]) -> dict[str, Any]:
    return {
        "requirements": [
            {
                "kind": r.kind,
                "text": f"LLM {r.text}",
                "source": r.source,
                "line": r.line,
                "priority": r.priority,
            }
            for r in rules["requirements"]
        ]
    }


def use_cases_answer(rules: dict[str, Any]) -> dict[str, Any]:
    return {
        "use_cases": [
            {
                "title": f"LLM {u.title}",
                "intent": u.intent,
                "description": u.description,
                "requirement_ids": u.requirement_ids,
                "focus_collections": u.focus_collections,
                "linked_collections": u.linked_collections,
                "priority": u.priority,
                "rationale": "scripted",
                "intents": u.intents,
                "method": u.method,
            }
            for u in rules["use_cases"]
        ],
        "unanswered": [],
    }


def template_draft(template: Any) -> dict[str, Any]:
    return {
        "use_case_id": template.use_case_id,
        "title": f"{DESIGNED} {template.title}",
        "algorithm": template.algorithm,
        "vertex_collections": template.projection.vertex_collections,
        "edge_collections": template.projection.edge_collections,
        "directed": template.projection.directed,
        "parameters": template.parameters,
        "result_collections": template.result_collections,
        "description": template.description,
    }


def templates_answer(rules: dict[str, Any]) -> dict[str, Any]:
    return {"templates": [template_draft(t) for t in rules["templates"]]}


def report_answer(report: Any, extra_insights: list[dict[str, Any]] | None = None) -> Reply:
    insights = [
        {
            "title": f"LLM {insight.title}",
            "description": insight.description,
            "confidence": insight.confidence,
            "evidence": insight.evidence,
        }
        for insight in report.insights
    ]
    return answer(
        {
            "summary": "LLM summary: the analysis answers the requirements it was built for.",
            "insights": [*insights, *(extra_insights or [])],
            "recommendations": [
                {
                    "title": "LLM action",
                    "description": "Review the top entities.",
                    "priority": "high",
                }
            ],
        }
    )


def reports_by_title(rules: dict[str, Any]):
    """A responder answering each report request with the rule report of its template."""
    by_title = {}
    for template in rules["templates"]:
        [report] = [r for r in rules["reports"] if r.template_id == template.id]
        by_title[template.title] = report

    def respond(body: dict[str, Any]) -> Reply:
        text = user_text(body)
        for title, report in by_title.items():
            if title in text:
                return report_answer(report)
        return Reply(status=400, content='{"error": {"message": "unknown template"}}')

    return respond


SUMMARY = {
    "headline": f"LLM headline: {TEMPLATES} of {TEMPLATES} analyses succeeded.",
    "key_findings": ["LLM finding: customers sharing devices form rings."],
}


def script_good_answers(fake: FakeOpenAI, rules: dict[str, Any]) -> None:
    fake.add(answer(requirements_answer(rules)), schema="RequirementsAnswer")
    fake.add(answer(use_cases_answer(rules)), schema="UseCasesAnswer")
    fake.add(answer(templates_answer(rules)), schema="TemplatesAnswer")
    fake.add(reports_by_title(rules), schema="ReportAnswer")
    fake.add(answer(SUMMARY), schema="SummaryAnswer")


def fake_openai_requests(fake: FakeOpenAI, schema: str) -> list[dict[str, Any]]:
    """The requests the server received for one answer shape, in order."""
    return [body for body in fake.requests if schema_name(body) == schema]


def fallbacks_of(state: dict[str, Any], phase: str) -> list[Any]:
    return [f for f in state["fallbacks"] if f.phase == phase]


def assert_finished(state: dict[str, Any]) -> None:
    """The run reached the aggregate with every template reported and nothing failed."""
    assert state["summary"] is not None
    assert len(state["reports"]) == TEMPLATES
    assert all(r.status == "succeeded" for r in state["reports"])
    # The run's fallbacks are all in the summary (summary.json) as well as in state.
    assert state["summary"].fallbacks == state["fallbacks"]


# --------------------------------------------------------------------------- the good run


async def test_good_answers_are_used_in_every_phase_within_the_call_budget(
    fake_openai, rule_run, llm_context
):
    script_good_answers(fake_openai, rule_run)

    state = await run_workflow(llm_context())

    assert_finished(state)
    assert state["fallbacks"] == []
    assert all(r.text.startswith("LLM ") for r in state["requirements"])
    assert all(u.title.startswith("LLM ") for u in state["use_cases"])
    assert [t.title for t in state["templates"]] == [
        f"{DESIGNED} {t.title}" for t in rule_run["templates"]
    ]
    for report in state["reports"]:
        assert report.generated_by == "llm"
        assert report.insights and all(i.title.startswith("LLM ") for i in report.insights)
    assert state["summary"].headline == SUMMARY["headline"]
    assert state["summary"].generated_by == "llm"

    # Economy: one call per reasoning phase, one per template report (the vertical is a
    # built-in one here, so that phase asks nothing).
    assert fake_openai.calls() <= 10
    assert sorted(s for s in fake_openai.schemas() if s is not None) == sorted(
        ["RequirementsAnswer", "UseCasesAnswer", "TemplatesAnswer", "SummaryAnswer"]
        + ["ReportAnswer"] * TEMPLATES
    )
    assert len(state["llm_calls"]) == fake_openai.calls()
    assert all(c.status == "ok" and not c.cached for c in state["llm_calls"])

    usage = state["summary"].llm_usage
    assert usage["total"]["calls"] == fake_openai.calls()
    assert usage["total"]["input_tokens"] == 100 * fake_openai.calls()
    assert usage["by_phase"]["report"]["calls"] == TEMPLATES
    assert usage["total"]["cost_usd"] == pytest.approx(
        fake_openai.calls() * (100 * 0.15 + 20 * 0.60) / 1_000_000
    )
    [model] = usage["by_model"]
    assert model.startswith(f"{MODEL}@127.0.0.1:")
    # summary.json carries the usage and the (empty) fallbacks.
    written = state["summary"].to_jsonable()
    assert written["llm_usage"]["total"]["calls"] == fake_openai.calls()
    assert written["fallbacks"] == []


async def test_prompts_are_grounded_in_the_schema_and_the_results(
    fake_openai, rule_run, llm_context
):
    script_good_answers(fake_openai, rule_run)

    await run_workflow(llm_context())

    by_schema = {}
    for body in fake_openai.requests:
        by_schema.setdefault(schema_name(body), []).append(user_text(body))
    templates_prompt = by_schema["TemplatesAnswer"][0]
    for collection in ("customers", "uses_device", "pays_with", "referred"):
        assert collection in templates_prompt
    assert "pagerank" in templates_prompt and "damping_factor" in templates_prompt
    requirements_prompt = by_schema["RequirementsAnswer"][0]
    first = rule_run["requirements"][0]
    assert first.source in requirements_prompt
    # Reports see whole-result statistics, e.g. PageRank's leader and the Gini coefficient.
    pagerank = next(r for r in rule_run["reports"] if r.algorithm == "pagerank")
    pagerank_prompt = next(
        text for text in by_schema["ReportAnswer"] if pagerank.title.removeprefix("LLM ") in text
    )
    assert "statistics.gini" in pagerank_prompt
    assert "customers/c000003" in pagerank_prompt


async def test_template_reports_are_requested_concurrently(fake_openai, rule_run, llm_context):
    script_good_answers(fake_openai, rule_run)
    respond = reports_by_title(rule_run)

    def slow_report(body: dict[str, Any]) -> Reply:
        reply = respond(body)
        reply.delay = 0.4
        return reply

    fake_openai.add(slow_report, schema="ReportAnswer")

    state = await run_workflow(llm_context())

    assert_finished(state)
    assert fake_openai.max_in_flight >= 2


# --------------------------------------------------------------------------- the cache


async def test_unchanged_rerun_makes_no_llm_call_and_a_change_does(
    fake_openai, rule_run, llm_context
):
    script_good_answers(fake_openai, rule_run)
    cache = InMemoryCache()
    context = llm_context()

    first = await run_workflow(context, cache)
    sent = fake_openai.calls()
    assert 0 < sent <= 10

    fake_openai.reset()
    second = await run_workflow(context, cache)

    assert fake_openai.calls() == 0
    assert len(second["llm_calls"]) == sent
    assert all(c.cached for c in second["llm_calls"])
    assert second["summary"].llm_usage["total"]["calls"] == 0
    assert second["summary"].llm_usage["total"]["cached"] == sent
    # The replayed answers give the same written reports.
    assert [written(r) for r in _by_id(second["reports"])] == [
        written(r) for r in _by_id(first["reports"])
    ]
    assert second["summary"].headline == first["summary"].headline

    # Another model name is another cache key: every phase asks again.
    fake_openai.reset()
    await run_workflow(llm_context(model="gpt-4.1-mini"), cache)
    assert fake_openai.calls() == sent

    # Other documents: the requirements are asked for again.
    fake_openai.reset()
    memo = {"content": "Find the most influential customers.", "name": "memo.md"}
    await run_workflow(context, cache, {"documents": [memo]})
    assert fake_openai.calls(schema="RequirementsAnswer") >= 1
    assert "Find the most influential customers." in user_text(fake_openai.requests[0])


async def test_failed_requests_are_not_cached_so_a_rerun_asks_only_for_them(
    fake_openai, rule_run, llm_context
):
    script_good_answers(fake_openai, rule_run)
    fake_openai.add(rate_limited(), answer(SUMMARY), schema="SummaryAnswer")
    cache = InMemoryCache()
    context = llm_context(llm_max_retries=0)

    first = await run_workflow(context, cache)
    assert [f.phase for f in first["fallbacks"]] == ["aggregate"]
    fake_openai.reset()
    second = await run_workflow(context, cache)

    assert fake_openai.schemas() == ["SummaryAnswer"]
    assert second["fallbacks"] == []
    assert second["summary"].headline == SUMMARY["headline"]


async def test_exported_graph_keeps_answers_across_runs(fake_openai, rule_run, llm_context):
    """The exported `graph` (LangGraph server, Python users) is compiled with a cache."""
    script_good_answers(fake_openai, rule_run)
    context = llm_context()

    await graph_module.graph.ainvoke({}, context=context)
    assert fake_openai.calls() > 0
    fake_openai.reset()
    result = await graph_module.graph.ainvoke({}, context=context)

    assert fake_openai.calls() == 0
    assert result["summary"].headline == SUMMARY["headline"]


async def test_chat_models_differing_in_temperature_do_not_share_cached_answers(
    fake_openai, rule_run
):
    from langchain_openai import ChatOpenAI

    script_good_answers(fake_openai, rule_run)
    cache = InMemoryCache()

    def context(temperature: float) -> Context:
        model = ChatOpenAI(
            model=MODEL, base_url=fake_openai.base_url, api_key="sk-local", temperature=temperature
        )
        return Context(chat_model=model, max_templates=TEMPLATES)

    await run_workflow(context(0.0), cache)
    sent = fake_openai.calls()
    assert sent > 0

    fake_openai.reset()
    await run_workflow(context(0.7), cache)
    assert fake_openai.calls() == sent

    fake_openai.reset()
    replayed = await run_workflow(context(0.0), cache)  # a new object with the same settings
    assert fake_openai.calls() == 0
    assert all(c.cached for c in replayed["llm_calls"])


def written(report: Any) -> tuple[Any, ...]:
    return (
        report.title,
        report.summary,
        report.insights,
        report.recommendations,
        report.generated_by,
    )


def _by_id(reports: list[Any]) -> list[Any]:
    return sorted(reports, key=lambda r: r.template_id)


# --------------------------------------------------------------------------- failures


async def test_malformed_json_twice_falls_back_to_rule_templates(
    fake_openai, rule_run, llm_context
):
    script_good_answers(fake_openai, rule_run)
    fake_openai.add(
        Reply(content='{"templates": [{"use_case_id": "UC-001", '), schema="TemplatesAnswer"
    )

    state = await run_workflow(llm_context())

    assert_finished(state)
    [fallback] = fallbacks_of(state, "generate_templates")
    assert fallback.action == "rules"
    assert "still wrong after one repair round" in fallback.reason
    assert_rule_templates(state, rule_run)
    statuses = [
        (c.purpose, c.status) for c in state["llm_calls"] if c.phase == "generate_templates"
    ]
    assert statuses == [("answer", "malformed"), ("json_repair", "malformed")]
    assert fake_openai.calls(schema="TemplatesAnswer") == 2
    assert fallback in state["summary"].fallbacks
    # The other phases still used the model.
    assert all(r.generated_by == "llm" for r in state["reports"])


async def test_malformed_json_repaired_once_is_used(fake_openai, rule_run, llm_context):
    script_good_answers(fake_openai, rule_run)
    fake_openai.add(
        Reply(content="Here you go: " + json.dumps(templates_answer(rule_run))),
        answer(templates_answer(rule_run)),
        schema="TemplatesAnswer",
    )

    state = await run_workflow(llm_context())

    assert_finished(state)
    [fallback] = fallbacks_of(state, "generate_templates")
    assert fallback.action == "repaired"
    assert all(t.title.startswith(DESIGNED) for t in state["templates"])


def assert_rule_templates(state: dict[str, Any], rules: dict[str, Any]) -> None:
    """The run used the rule path's template design (same analyses, not the model's titles)."""
    assert not any(t.title.startswith(DESIGNED) for t in state["templates"])
    assert [(t.algorithm, t.projection, t.parameters) for t in state["templates"]] == [
        (t.algorithm, t.projection, t.parameters) for t in rules["templates"]
    ]


def hallucinated_templates(rules: dict[str, Any]) -> dict[str, Any]:
    drafts = templates_answer(rules)
    drafts["templates"][0]["vertex_collections"] = ["shoppers"]
    return drafts


async def test_hallucinated_collection_falls_back_to_rules_after_one_repair(
    fake_openai, rule_run, llm_context
):
    script_good_answers(fake_openai, rule_run)
    fake_openai.add(answer(hallucinated_templates(rule_run)), schema="TemplatesAnswer")

    state = await run_workflow(llm_context())

    assert_finished(state)
    [fallback] = fallbacks_of(state, "generate_templates")
    assert fallback.action == "rules"
    assert "shoppers" in fallback.reason
    # The repair round quoted the validation error to the model.
    repair = fake_openai_requests(fake_openai, "TemplatesAnswer")[1]
    assert "shoppers" in repair["messages"][-1]["content"]
    assert_rule_templates(state, rule_run)
    assert all("shoppers" not in t.projection.vertex_collections for t in state["templates"])


async def test_hallucinated_collection_repaired_by_the_model(fake_openai, rule_run, llm_context):
    script_good_answers(fake_openai, rule_run)
    fake_openai.add(
        answer(hallucinated_templates(rule_run)),
        answer(templates_answer(rule_run)),
        schema="TemplatesAnswer",
    )

    state = await run_workflow(llm_context())

    assert_finished(state)
    [fallback] = fallbacks_of(state, "generate_templates")
    assert (fallback.action, "shoppers" in fallback.reason) == ("repaired", True)
    assert all(t.title.startswith(DESIGNED) for t in state["templates"])


async def test_unknown_algorithm_and_out_of_range_parameter_are_rejected(
    fake_openai, rule_run, llm_context
):
    bad = templates_answer(rule_run)
    pagerank = next(t for t in bad["templates"] if t["algorithm"] == "pagerank")
    pagerank["parameters"] = {"damping_factor": 7.5}
    script_good_answers(fake_openai, rule_run)
    fake_openai.add(answer(bad), schema="TemplatesAnswer")

    state = await run_workflow(llm_context())

    assert_finished(state)
    [fallback] = fallbacks_of(state, "generate_templates")
    assert fallback.action == "rules"
    assert "damping_factor" in fallback.reason
    # An algorithm outside the registry is refused by the answer's shape itself.
    bad["templates"][0]["algorithm"] = "quantum_rank"
    fake_openai.add(answer(bad), schema="TemplatesAnswer")
    state = await run_workflow(llm_context())
    assert_finished(state)
    [fallback] = fallbacks_of(state, "generate_templates")
    assert fallback.action == "rules"
    assert "algorithm" in fallback.reason
    assert fallback.reason.startswith(
        "still wrong after one repair round: templates.0.algorithm: Input should be 'pagerank'"
    )
    assert_rule_templates(state, rule_run)


async def test_timeout_falls_back_to_rule_requirements(fake_openai, rule_run, llm_context):
    script_good_answers(fake_openai, rule_run)
    fake_openai.add(too_slow(5.0), schema="RequirementsAnswer")

    state = await run_workflow(llm_context(llm_timeout=1.5, llm_max_retries=0))

    assert_finished(state)
    [fallback] = fallbacks_of(state, "extract_requirements")
    assert fallback.action == "rules"
    assert "Timeout" in fallback.reason
    assert [r.text for r in state["requirements"]] == [r.text for r in rule_run["requirements"]]
    [call] = [c for c in state["llm_calls"] if c.phase == "extract_requirements"]
    assert call.status == "error"
    # The later phases still got the model's answers.
    assert all(u.title.startswith("LLM ") for u in state["use_cases"])


async def test_server_errors_outlasting_the_retries_fall_back_to_rule_templates(
    fake_openai, rule_run, llm_context
):
    script_good_answers(fake_openai, rule_run)
    fake_openai.add(server_error(503), schema="TemplatesAnswer")

    state = await run_workflow(llm_context(llm_max_retries=1))

    assert_finished(state)
    [fallback] = fallbacks_of(state, "generate_templates")
    assert fallback.action == "rules"
    assert "Error code: 503" in fallback.reason
    assert fallback.reason.startswith("the model call failed:")
    # The first try and one retry; an error is not repaired.
    assert fake_openai.calls(schema="TemplatesAnswer") == 2
    assert_rule_templates(state, rule_run)
    [call] = [c for c in state["llm_calls"] if c.phase == "generate_templates"]
    assert (call.status, call.purpose) == ("error", "answer")
    # A server error is an answer: the model stays in use for the reports and the summary.
    assert all(r.generated_by == "llm" for r in state["reports"])
    assert state["summary"].generated_by == "llm"


async def test_a_hung_server_costs_two_timeouts_then_every_phase_uses_its_rules(
    fake_openai, rule_run, llm_context
):
    fake_openai.add(too_slow(30.0))
    timeout = 1.0

    started = time.perf_counter()
    state = await run_workflow(llm_context(llm_timeout=timeout, llm_max_retries=0))
    elapsed = time.perf_counter() - started

    assert_finished(state)
    # Requirements and use cases each time out once; nothing is asked after that.
    assert fake_openai.calls() == 2
    assert [c.phase for c in state["llm_calls"]] == ["extract_requirements", "generate_use_cases"]
    assert all(c.status == "error" for c in state["llm_calls"])
    skipped = [f for f in state["fallbacks"] if f.reason.startswith(UNREACHABLE_REASON)]
    assert sorted((f.phase, f.template_id or "") for f in skipped) == sorted(
        [("generate_templates", ""), ("aggregate", "")]
        + [("report", r.template_id) for r in state["reports"]]
    )
    assert all(f.action == "rules" for f in state["fallbacks"])
    assert all(r.generated_by == "rules" for r in state["reports"])
    assert all(UNREACHABLE_REASON in " ".join(r.fallbacks) for r in state["reports"])
    assert elapsed < 10 * timeout + 20  # two timeouts plus the rule run, on a shared machine


async def test_a_server_refusing_response_format_answers_every_phase_through_the_prompt(
    fake_openai, rule_run, llm_context
):
    script_good_answers(fake_openai, rule_run)
    fake_openai.refuse_response_format = 400
    cache = InMemoryCache()

    state = await run_workflow(llm_context(), cache)

    assert_finished(state)
    assert state["fallbacks"] == []
    assert all(r.generated_by == "llm" for r in state["reports"])
    assert state["summary"].headline == SUMMARY["headline"]
    # Only the run's first request was refused; every later one went with the prompt.
    refused = [body for body in fake_openai.requests if "response_format" in body]
    assert len(refused) == 1
    assert schema_name(refused[0]) == "RequirementsAnswer"
    assert fake_openai.calls() == 1 + (4 + TEMPLATES)
    assert [c.status for c in state["llm_calls"]].count("error") == 1
    # The refusal is cached with the answers: an unchanged re-run asks nothing.
    fake_openai.reset()
    again = await run_workflow(llm_context(), cache)
    assert fake_openai.calls() == 0
    assert again["summary"].headline == SUMMARY["headline"]


async def test_rate_limit_after_retries_gives_that_template_a_rule_report(
    fake_openai, rule_run, llm_context
):
    script_good_answers(fake_openai, rule_run)
    pagerank = next(t for t in rule_run["templates"] if t.algorithm == "pagerank")
    fake_openai.add(rate_limited(), schema="ReportAnswer", match=pagerank.title)

    state = await run_workflow(llm_context(llm_max_retries=2))

    assert_finished(state)
    [fallback] = fallbacks_of(state, "report")
    assert fallback.action == "rules"
    assert "RateLimitError" in fallback.reason
    # Three attempts of the openai client (the first and two retries with backoff).
    assert fake_openai.calls(schema="ReportAnswer", match=pagerank.title) == 3
    by_algorithm = {r.algorithm: r for r in state["reports"]}
    assert by_algorithm["pagerank"].generated_by == "rules"
    assert any("RateLimitError" in reason for reason in by_algorithm["pagerank"].fallbacks)
    assert fallback.template_id == by_algorithm["pagerank"].template_id
    assert sum(r.generated_by == "llm" for r in state["reports"]) == TEMPLATES - 1


async def test_fallbacks_and_usage_are_visible_in_the_written_files(
    fake_openai, rule_run, llm_context, tmp_path
):
    from gaai_graph.reporting.files import report_file_stems, write_run_outputs

    script_good_answers(fake_openai, rule_run)
    pagerank = next(t for t in rule_run["templates"] if t.algorithm == "pagerank")
    fake_openai.add(rate_limited(), schema="ReportAnswer", match=pagerank.title)

    state = await run_workflow(llm_context(llm_max_retries=0))
    write_run_outputs(tmp_path, state["summary"], state["reports"])

    summary_md = (tmp_path / "summary.md").read_text()
    assert "LLM fallbacks" in summary_md and "RateLimitError" in summary_md
    assert "LLM reasoning" in summary_md
    summary_json = json.loads((tmp_path / "summary.json").read_text())
    assert summary_json["fallbacks"][0]["phase"] == "report"
    assert summary_json["llm_usage"]["by_phase"]["report"]["calls"] == TEMPLATES
    report = next(r for r in state["reports"] if r.algorithm == "pagerank")
    stem = report_file_stems([report.template_id])[report.template_id]
    report_md = (tmp_path / "reports" / f"{stem}.md").read_text()
    assert "LLM fallbacks" in report_md and "RateLimitError" in report_md


async def test_a_429_then_an_answer_needs_no_fallback(fake_openai, rule_run, llm_context):
    script_good_answers(fake_openai, rule_run)
    fake_openai.add(rate_limited(), answer(SUMMARY), schema="SummaryAnswer")

    state = await run_workflow(llm_context())

    assert_finished(state)
    assert state["fallbacks"] == []
    assert state["summary"].headline == SUMMARY["headline"]
    assert fake_openai.calls(schema="SummaryAnswer") == 2


async def test_insight_citing_a_number_not_in_the_evidence_is_dropped(
    fake_openai, rule_run, llm_context
):
    script_good_answers(fake_openai, rule_run)
    wcc = next(r for r in rule_run["reports"] if r.algorithm == "shared_identifiers")
    invented = {
        "title": "LLM 37 fraud rings",
        "description": "There are 37 fraud rings controlling 12% of all orders.",
        "confidence": 0.9,
        "evidence": {},
    }
    fake_openai.add(
        report_answer(wcc, extra_insights=[invented]), schema="ReportAnswer", match=wcc.title
    )

    state = await run_workflow(llm_context())

    assert_finished(state)
    [fallback] = fallbacks_of(state, "report")
    assert fallback.action == "dropped"
    assert "37" in fallback.reason
    report = next(r for r in state["reports"] if r.algorithm == "shared_identifiers")
    assert report.generated_by == "llm"
    assert all("37" not in insight.title for insight in report.insights)
    assert any("37" in reason for reason in report.fallbacks)
    assert len(report.insights) == len(wcc.insights)


async def test_recommendations_with_an_invented_number_or_entity_are_dropped(
    fake_openai, rule_run, llm_context
):
    script_good_answers(fake_openai, rule_run)
    pagerank = next(r for r in rule_run["reports"] if r.algorithm == "pagerank")
    leader = pagerank.top_entities[0].id
    body = json.loads(report_answer(pagerank).content)
    body["recommendations"] = [
        {
            "title": "LLM reward the leader",
            "description": f"Invite {leader} to the ambassador programme.",
            "priority": "high",
            "related_entities": [leader],
        },
        {
            "title": "LLM block accounts",
            "description": "Block the 57 accounts that drive 80% of referrals.",
            "priority": "high",
        },
        {
            "title": "LLM call the partner",
            "description": "Call the partner account.",
            "priority": "low",
            "related_entities": [leader, "customers/c999999"],
        },
    ]
    fake_openai.add(answer(body), schema="ReportAnswer", match=pagerank.title)

    state = await run_workflow(llm_context())

    assert_finished(state)
    dropped = fallbacks_of(state, "report")
    assert [f.action for f in dropped] == ["dropped", "dropped"]
    assert "'LLM block accounts'" in dropped[0].reason and "57" in dropped[0].reason
    assert "'LLM call the partner'" in dropped[1].reason
    assert "customers/c999999" in dropped[1].reason
    report = next(r for r in state["reports"] if r.algorithm == "pagerank")
    assert report.generated_by == "llm"
    assert [r.title for r in report.recommendations] == ["LLM reward the leader"]
    assert sum("recommendation" in reason for reason in report.fallbacks) == 2


async def test_recommendations_all_dropped_leave_the_rule_recommendations(
    fake_openai, rule_run, llm_context
):
    script_good_answers(fake_openai, rule_run)
    # any report among the first TEMPLATES of the demo run with recommendations of its own
    brokers = next(r for r in rule_run["reports"] if r.algorithm == "betweenness")
    body = json.loads(report_answer(brokers).content)
    body["recommendations"] = [
        {"title": "LLM restock", "description": "Keep 9876 units in stock.", "priority": "high"}
    ]
    fake_openai.add(answer(body), schema="ReportAnswer", match=brokers.title)

    state = await run_workflow(llm_context())

    assert_finished(state)
    [fallback] = fallbacks_of(state, "report")
    assert (fallback.action, "9876" in fallback.reason) == ("dropped", True)
    report = next(r for r in state["reports"] if r.algorithm == "betweenness")
    assert report.recommendations == brokers.recommendations


async def test_an_insight_citing_no_evidence_is_dropped(fake_openai, rule_run, llm_context):
    script_good_answers(fake_openai, rule_run)
    leiden = next(r for r in rule_run["reports"] if r.algorithm == "leiden")
    unfounded = {
        "title": "LLM segments are loyal",
        "description": "Customers in each segment are loyal to it.",
        "confidence": 0.8,
        "evidence": {},
    }
    fake_openai.add(
        report_answer(leiden, extra_insights=[unfounded]), schema="ReportAnswer", match=leiden.title
    )

    state = await run_workflow(llm_context())

    assert_finished(state)
    [fallback] = fallbacks_of(state, "report")
    assert fallback.action == "dropped"
    assert "'LLM segments are loyal'" in fallback.reason and "no evidence" in fallback.reason
    report = next(r for r in state["reports"] if r.algorithm == "leiden")
    assert "LLM segments are loyal" not in [i.title for i in report.insights]
    assert len(report.insights) == len(leiden.insights)


async def test_insight_quoting_rounded_and_percent_values_of_its_evidence_is_kept(
    fake_openai, rule_run, llm_context
):
    script_good_answers(fake_openai, rule_run)
    pagerank = next(r for r in rule_run["reports"] if r.algorithm == "pagerank")
    measures = {k: v for i in pagerank.insights for k, v in i.evidence.items()}
    gini, share = measures["statistics.gini"], measures["statistics.top_k_share"]
    rounded = {
        "title": "LLM PageRank is concentrated",
        "description": f"The leading customers hold {share * 100:.0f}% of all PageRank score "
        f"and the Gini coefficient is {gini:.2f}.",
        "confidence": 0.7,
        "evidence": {"statistics.gini": gini, "statistics.top_k_share": share},
    }
    fake_openai.add(
        report_answer(pagerank, extra_insights=[rounded]),
        schema="ReportAnswer",
        match=pagerank.title,
    )

    state = await run_workflow(llm_context())

    assert_finished(state)
    assert state["fallbacks"] == []
    report = next(r for r in state["reports"] if r.algorithm == "pagerank")
    assert "LLM PageRank is concentrated" in [i.title for i in report.insights]


async def test_headline_with_an_invented_number_keeps_the_rule_headline(
    fake_openai, rule_run, llm_context
):
    script_good_answers(fake_openai, rule_run)
    fake_openai.add(
        answer({"headline": "LLM: 94% of customers are fraudsters.", "key_findings": []}),
        schema="SummaryAnswer",
    )

    state = await run_workflow(llm_context())

    assert_finished(state)
    [fallback] = fallbacks_of(state, "aggregate")
    assert fallback.action == "rules"
    assert "94" in fallback.reason
    assert state["summary"].generated_by == "rules"
    assert "94" not in state["summary"].headline
    assert state["summary"].headline.startswith(f"{TEMPLATES} of {TEMPLATES} analyses succeeded")
    assert fallback in state["summary"].fallbacks


async def test_no_model_means_no_request_and_no_llm_records(fake_openai, rule_run, monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", fake_openai.base_url)
    script_good_answers(fake_openai, rule_run)

    state = await run_workflow(Context(max_templates=TEMPLATES))

    assert fake_openai.calls() == 0
    assert state["llm_calls"] == [] and state["fallbacks"] == []
    assert state["summary"].llm_usage == {}
    assert all(r.generated_by == "rules" for r in state["reports"])


# --------------------------------------------------------------------------- the vertical

GENERATED_VERTICAL = {
    "name": "marketplace_risk",
    "title": "LLM Marketplace risk",
    "description": "Buyers, sellers and their shared devices.",
    "keywords": ["marketplace", "buyer"],
    "typical_questions": ["Which buyers share devices?"],
    "entity_terms": {"customers": "buyers"},
    "interpretation": {"rings": "Buyers sharing devices may be one actor."},
    "recommendations": {"rings": ["Review shared devices."]},
}


async def test_generated_vertical_comes_from_the_model_within_ten_calls(
    fake_openai, rule_run, llm_context
):
    script_good_answers(fake_openai, rule_run)
    fake_openai.add(answer(GENERATED_VERTICAL), schema="VerticalAnswer")

    state = await run_workflow(llm_context(vertical="generated"))

    assert_finished(state)
    assert state["fallbacks"] == []
    assert (state["vertical"].title, state["vertical"].source) == (
        "LLM Marketplace risk",
        "generated",
    )
    # The generated vertical grounds the later prompts.
    assert "LLM Marketplace risk" in user_text(
        fake_openai_requests(fake_openai, "UseCasesAnswer")[0]
    )
    # Every phase asked once, every report once: the most calls a 5-template run makes.
    assert fake_openai.calls(schema="VerticalAnswer") == 1
    assert fake_openai.calls() == 10


async def test_unusable_vertical_answer_keeps_the_rule_generated_vertical(
    fake_openai, rule_run, llm_context
):
    script_good_answers(fake_openai, rule_run)
    fake_openai.add(
        answer({**GENERATED_VERTICAL, "name": " ", "title": ""}), schema="VerticalAnswer"
    )

    state = await run_workflow(llm_context(vertical="generated"))

    assert_finished(state)
    [fallback] = fallbacks_of(state, "resolve_vertical")
    assert fallback.action == "rules"
    assert state["vertical"].source == "generated"
    assert state["vertical"].title != ""
    assert "LLM" not in state["vertical"].title
    assert fake_openai.calls(schema="VerticalAnswer") == 2


# --------------------------------------------------------------------------- the command line


def gaai_run(out_dir: Any, environment: dict[str, str]) -> dict[str, Any]:
    """Run `gaai run --model ...` in its own process; return its summary.json."""
    command = [sys.executable, "-m", "gaai_graph.cli", "run", "--model", MODEL]
    command += ["--max-templates", str(TEMPLATES), "--out", str(out_dir), "--quiet"]
    finished = subprocess.run(
        command, env=environment, capture_output=True, text=True, timeout=120, check=False
    )
    assert finished.returncode == 0, finished.stderr
    return json.loads((out_dir / "summary.json").read_text())


@pytest.mark.slow  # two fresh processes (~15 s): the cache must survive across them
def test_cli_model_flag_and_cache_shared_by_separate_processes(fake_openai, rule_run, tmp_path):
    script_good_answers(fake_openai, rule_run)
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("OPENAI_", "GAAI_", "LANGSMITH_", "LANGCHAIN_"))
    }
    environment |= {
        "OPENAI_BASE_URL": fake_openai.base_url,
        "GAAI_LLM_CACHE": str(tmp_path / "llm-cache.sqlite"),
    }

    first = gaai_run(tmp_path / "first", environment)
    sent = fake_openai.calls()
    fake_openai.reset()
    second = gaai_run(tmp_path / "second", environment)

    assert 0 < sent <= 10
    assert first["generated_by"] == "llm" and first["headline"] == SUMMARY["headline"]
    assert first["llm_usage"]["total"]["calls"] == sent
    assert fake_openai.calls() == 0
    assert second["llm_usage"]["total"] == {
        **second["llm_usage"]["total"],
        "calls": 0,
        "cached": sent,
    }
    assert second["headline"] == first["headline"]


@pytest.mark.slow  # two fresh processes: the default cache lives in the output directory
def test_cli_rerun_into_the_same_output_makes_no_call_by_default(fake_openai, rule_run, tmp_path):
    script_good_answers(fake_openai, rule_run)
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("OPENAI_", "GAAI_", "LANGSMITH_", "LANGCHAIN_"))
    }
    environment["OPENAI_BASE_URL"] = fake_openai.base_url
    out_dir = tmp_path / "out"

    first = gaai_run(out_dir, environment)
    sent = fake_openai.calls()
    fake_openai.reset()
    second = gaai_run(out_dir, environment)

    assert 0 < sent <= 10
    assert (out_dir / ".gaai" / "llm-cache.sqlite").is_file()
    assert fake_openai.calls() == 0
    assert second["llm_usage"]["total"]["cached"] == sent
    assert second["headline"] == first["headline"]


# --------------------------------------------------------------------------- other validations


async def test_requirement_citing_a_line_outside_its_document_is_repaired(
    fake_openai, rule_run, llm_context
):
    script_good_answers(fake_openai, rule_run)
    wrong = requirements_answer(rule_run)
    wrong["requirements"][0]["line"] = 99_999
    fake_openai.add(
        answer(wrong), answer(requirements_answer(rule_run)), schema="RequirementsAnswer"
    )

    state = await run_workflow(llm_context())

    assert_finished(state)
    [fallback] = fallbacks_of(state, "extract_requirements")
    assert fallback.action == "repaired"
    assert "99999" in fallback.reason
    repair = fake_openai_requests(fake_openai, "RequirementsAnswer")[1]
    assert "line 99999" in repair["messages"][-1]["content"]
    assert all(r.text.startswith("LLM ") for r in state["requirements"])


async def test_use_case_on_an_unknown_collection_falls_back_to_rule_use_cases(
    fake_openai, rule_run, llm_context
):
    script_good_answers(fake_openai, rule_run)
    wrong = use_cases_answer(rule_run)
    wrong["use_cases"][0]["focus_collections"] = ["merchants"]
    fake_openai.add(answer(wrong), schema="UseCasesAnswer")

    state = await run_workflow(llm_context())

    assert_finished(state)
    [fallback] = fallbacks_of(state, "generate_use_cases")
    assert (fallback.action, "merchants" in fallback.reason) == ("rules", True)
    assert not any(u.title.startswith("LLM ") for u in state["use_cases"])
    assert not any("merchants" in u.focus_collections for u in state["use_cases"])


async def test_report_summary_with_an_invented_number_is_replaced_by_the_rule_summary(
    fake_openai, rule_run, llm_context
):
    script_good_answers(fake_openai, rule_run)
    # any report among the first TEMPLATES of the demo run with recommendations of its own
    brokers = next(r for r in rule_run["reports"] if r.algorithm == "betweenness")
    reply = report_answer(brokers)
    body = json.loads(reply.content)
    body["summary"] = "Sales grew 240% thanks to the hub products."
    fake_openai.add(answer(body), schema="ReportAnswer", match=brokers.title)

    state = await run_workflow(llm_context())

    assert_finished(state)
    [fallback] = fallbacks_of(state, "report")
    assert fallback.action == "dropped"
    assert "240" in fallback.reason
    report = next(r for r in state["reports"] if r.algorithm == "betweenness")
    assert "240" not in report.summary
    assert report.generated_by == "llm"  # its insights still come from the model
    assert any("240" in reason for reason in report.fallbacks)


def test_cli_llm_timeout_and_retries_flags_reach_the_model_client(
    fake_openai, monkeypatch, tmp_path, capsys
):
    from gaai_graph import cli

    monkeypatch.setenv("OPENAI_BASE_URL", fake_openai.base_url)
    fake_openai.add(too_slow(30.0))  # with the default 60 s timeout this would hang the test
    command = ["run", "--model", MODEL, "--max-templates", str(TEMPLATES), "--quiet"]
    command += ["--llm-timeout", "0.5", "--llm-retries", "0", "--out", str(tmp_path)]

    started = time.perf_counter()
    code = cli.main(command)
    elapsed = time.perf_counter() - started

    assert code == 0, capsys.readouterr().err
    # One attempt per phase (no retry), two timeouts, then the run stops asking.
    assert fake_openai.calls() == 2
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["llm_usage"]["total"]["calls"] == 2
    assert elapsed < 60


def test_cli_llm_flags_left_out_leave_the_environment_in_charge(monkeypatch):
    from gaai_graph import cli

    parser = cli._build_parser()
    given = cli._context_options(parser.parse_args(["run", "--llm-timeout", "7.5"]))
    default = cli._context_options(parser.parse_args(["run"]))

    assert given["llm_timeout"] == 7.5 and "llm_max_retries" not in given
    assert "llm_timeout" not in default
    monkeypatch.setenv("GAAI_LLM_RETRIES", "4")
    assert Context(**default).llm_max_retries == 4


def test_a_bad_cli_llm_timeout_is_a_clear_error(tmp_path, capsys):
    from gaai_graph import cli

    code = cli.main(["run", "--llm-timeout", "0", "--quiet", "--out", str(tmp_path)])

    assert code == 2
    assert "--llm-timeout: must be a finite number of seconds above 0" in capsys.readouterr().err


def test_a_model_name_without_key_or_server_is_a_clear_cli_error(tmp_path, capsys):
    from gaai_graph import cli

    code = cli.main(["run", "--model", "gpt-4o-mini", "--quiet", "--out", str(tmp_path)])

    assert code == 2
    error = capsys.readouterr().err
    assert "OPENAI_API_KEY" in error and "OPENAI_BASE_URL" in error
    # The command chooses its answer cache without touching the process environment, which
    # would leak into every later run of the same process.
    assert "GAAI_LLM_CACHE" not in os.environ


async def run_checkpointed_and_traced(
    context: Context, out_dir: Any
) -> tuple[dict[str, Any], WorkflowTracer]:
    """Run as `gaai run` does: a SQLite checkpointer in `out_dir`, a tracer fed by the stream.

    The trace is exported in every format into `out_dir`.
    """
    from gaai_graph.persistence import open_checkpointer

    tracer = WorkflowTracer()
    config = {"configurable": {"thread_id": uuid.uuid4().hex}, "callbacks": [tracer]}
    async with open_checkpointer(str(out_dir / "checkpoints.sqlite")) as saver:
        compiled = graph_module.builder.compile(checkpointer=saver, cache=InMemoryCache())
        async for mode, chunk in compiled.astream(
            {}, config, context=context, stream_mode=["tasks", "updates"]
        ):
            tracer.observe_stream_chunk(mode, chunk)
        state = dict((await compiled.aget_state(config)).values)
    tracer.finish()
    tracer.export(out_dir / "trace")
    return state, tracer


def bytes_under(directory: Any) -> bytes:
    """Every byte of every file under `directory` (SQLite files with their WAL included)."""
    return b"".join(p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file())


def echo_the_key(fake: FakeOpenAI):
    """A responder refusing the request with a 401 that quotes the key it was sent."""

    def refuse(body: dict[str, Any]) -> Reply:
        # OpenAI's 401 quotes the key it was sent; this one does too.
        sent = fake.authorization[-1].removeprefix("Bearer ")
        return Reply(status=401, content=json.dumps({"error": {"message": f"bad key {sent}"}}))

    return refuse


async def test_api_key_echoed_by_the_server_reaches_no_record_report_or_log(
    fake_openai, llm_context, monkeypatch, caplog, tmp_path
):
    from gaai_graph.reporting.files import write_run_outputs

    secret = "sk-proj-test-5f1c9a7e2b"
    monkeypatch.setenv("OPENAI_API_KEY", secret)
    fake_openai.add(echo_the_key(fake_openai))
    caplog.set_level("DEBUG")

    state, tracer = await run_checkpointed_and_traced(llm_context(), tmp_path / "run")

    assert fake_openai.authorization[0] == f"Bearer {secret}"
    assert_finished(state)
    phases = {f.phase for f in state["fallbacks"] if f.action == "rules"}
    assert phases == {
        "extract_requirements",
        "generate_use_cases",
        "generate_templates",
        "report",
        "aggregate",
    }
    outputs = tmp_path / "outputs"
    write_run_outputs(outputs, state["summary"], state["reports"])
    written = "".join(p.read_text() for p in outputs.rglob("*") if p.is_file())
    recorded = json.dumps(
        [
            [c.model_dump() for c in state["llm_calls"]],
            [f.model_dump() for f in state["fallbacks"]],
            [r.model_dump() for r in state["reports"]],
            state["summary"].to_jsonable(),
        ],
        default=str,
    )
    assert "bad key" in recorded  # the server's message is kept, the key inside it is not
    assert secret not in recorded
    assert secret not in written
    assert secret not in caplog.text
    # The checkpoint keeps each failed request's error as a pending write, and the trace
    # keeps the provider's error of each call: both hold the message, neither the key.
    on_disk = bytes_under(tmp_path)
    assert (tmp_path / "run" / "checkpoints.sqlite").is_file()
    assert b"bad key" in on_disk
    assert secret.encode() not in on_disk
    exports = sorted(p.suffix for p in (tmp_path / "run" / "trace").iterdir())
    assert exports == [".html", ".json", ".md"]
    traced = json.dumps(tracer.to_jsonable(), default=str)
    assert "bad key ***" in traced
    assert secret not in traced


async def test_key_of_a_chat_model_object_reaches_no_checkpoint_or_trace(fake_openai, tmp_path):
    """A key given only in the model object (not in the environment) is redacted too."""
    from langchain_openai import ChatOpenAI

    secret = "sk-object-only-93c1d2e4f5"
    fake_openai.add(echo_the_key(fake_openai))
    model = ChatOpenAI(model=MODEL, base_url=fake_openai.base_url, api_key=secret, max_retries=0)
    context = Context(chat_model=model, max_templates=TEMPLATES)

    state, tracer = await run_checkpointed_and_traced(context, tmp_path)

    assert_finished(state)
    assert fake_openai.authorization[0] == f"Bearer {secret}"
    assert all(c.status == "error" and "bad key" in (c.error or "") for c in state["llm_calls"])
    assert secret.encode() not in bytes_under(tmp_path)
    traced = json.dumps(tracer.to_jsonable(), default=str)
    assert "bad key ***" in traced and secret not in traced


# --------------------------------------------------------------------------- the runner


async def test_runner_with_a_chat_model_object_agrees_with_its_trace(fake_openai, rule_run):
    from langchain_openai import ChatOpenAI

    from gaai_graph.runner import AgenticWorkflowRunner

    script_good_answers(fake_openai, rule_run)
    model = ChatOpenAI(model=MODEL, base_url=fake_openai.base_url, api_key="sk-local-test")
    runner = AgenticWorkflowRunner(model=model, enable_tracing=True, max_templates=TEMPLATES)

    result = await runner.run_async()

    assert result.summary is not None
    assert result.summary.headline == SUMMARY["headline"]
    sent = fake_openai.calls()
    assert 0 < sent <= 10
    usage = result.summary.llm_usage["total"]
    trace = runner.trace_summary()
    # The state's records and the callback-driven trace count the same requests and tokens.
    assert (usage["calls"], trace.llm_calls) == (sent, sent)
    assert trace.llm_input_tokens == usage["input_tokens"] == 100 * sent
    assert trace.llm_output_tokens == usage["output_tokens"] == 20 * sent
