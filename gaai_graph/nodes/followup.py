"""The follow-up step: a question sent as graph input to a thread whose run has finished.

```python
config = {"configurable": {"thread_id": "t1"}}
await graph.ainvoke({"documents": [...]}, config)                        # the run
await graph.ainvoke({"followup": "Which segments of customers are there?"}, config)
```

The question is read against the finished run's state, not from scratch: the same reading,
use-case and template functions as a run (`extract_requirements`, `generate_use_cases`,
`generate_templates`) plan templates for it on the run's schema and vertical; every template
that computes what the thread already executed (same algorithm, projection and parameters:
`catalog.diff.template_key`) is dropped and that earlier report is reused, with a note saying
so; only the rest is executed (`run_template`, the run's own execute-and-report chain). The
answer is appended to `followups`; the run's `reports` and `summary` are left as they were,
while the new executions join `executions`, so a later follow-up reuses them too.

The step works with the thread's recorded context (`using_thread_context`), so a follow-up
obeys the run's trust policy and reads the run's source: a call sending another source is
refused (`ThreadIdentityError`), and so is one sending other requirement documents.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Mapping
from typing import Any

from langgraph.runtime import Runtime

from gaai_graph.catalog.diff import template_key
from gaai_graph.context import Context
from gaai_graph.errors import GaaiError
from gaai_graph.followup_answer import FOLLOWS_TAG, FollowUpAnswer
from gaai_graph.followup_scope import read_scope
from gaai_graph.models import AnalysisTemplate, Report, ReportDigest, RunError, RunSummary
from gaai_graph.nodes.execute import run_template
from gaai_graph.nodes.requirements import extract_requirements
from gaai_graph.nodes.templates import generate_templates
from gaai_graph.nodes.use_cases import generate_use_cases
from gaai_graph.state import TemplateTask, WorkflowState
from gaai_graph.thread_identity import ThreadIdentityError, documents_digest

__all__ = ["FollowUpError", "answer_followup", "record_followup"]

_FOLLOW_UP_DOCUMENT = "follow-up"
"""The name the question is cited under as a requirement's source."""


class FollowUpError(GaaiError):
    """A follow-up that cannot be answered: no finished run on the thread, or no question."""


async def answer_followup(state: WorkflowState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Answer `state.followup` from the thread's finished run, computing only what is new.

    Args:
        state: The thread's state: its finished run (schema, vertical, executions, reports,
            summary, earlier follow-ups) and the question in `followup`.
        runtime: The thread's recorded context (the graph binds it), so the answer reads the
            run's source under the run's trust policy.

    Returns:
        Updates: the answer appended to `followups`; the new executions to `executions` and
        their timings to `timings` (plus any model calls and fallbacks).

    Raises:
        FollowUpError: The question is empty or not text, or the thread holds no finished run.
        ThreadIdentityError: The call sends other requirement documents than the run's.
    """
    question = _question(state.followup)
    if state.summary is None or state.schema is None or state.vertical is None:
        raise FollowUpError(
            "followup: this thread holds no finished run to follow up on; start a run on it "
            "first (input without `followup`), or send the question to the thread of a "
            "finished run"
        )
    _check_documents(state)
    number = len(state.followups) + 1
    follows = state.summary.run_id
    _refuse_scoped(question, state, follows)
    updates: dict[str, list[Any]] = {"llm_calls": [], "fallbacks": [], "timings": []}
    reading, errors = await _plan(state, question, runtime, updates)
    # Ids of their own, so the answer's reports and executions never collide with the run's.
    prefix = f"F{number}-"
    planned = [_with_id(template, prefix + template.id) for template in reading.templates]
    known = _known_analyses(state)
    reused = {
        template.id: known[template_key(template.model_dump(mode="json"))].template_id
        for template in planned
        if template_key(template.model_dump(mode="json")) in known
    }
    to_run = [template for template in planned if template.id not in reused]
    outcomes = await _execute(reading, to_run, runtime)
    new_reports: list[Report] = []
    executions = []
    for outcome in outcomes:
        new_reports.extend(outcome.get("reports", []))
        executions.extend(outcome.get("executions", []))
        errors.extend(outcome.get("errors", []))
        for key in updates:
            updates[key].extend(outcome.get(key, []))
    reports = new_reports + [
        _reused_report(known_report, new_id, follows)
        for new_id, known_report in (
            (new_id, _report_by_id(state)[old_id]) for new_id, old_id in reused.items()
        )
    ]
    reports.sort(key=lambda report: report.template_id)
    answer = FollowUpAnswer(
        question=question,
        follows=follows,
        summary=_summary(state.summary, number, reports, len(new_reports), len(reused), errors),
        reports=reports,
        templates=planned,
        reused=reused,
        executed=sorted(report.template_id for report in new_reports),
        errors=errors,
    )
    return {"followups": [answer], "executions": executions, **updates}


def _question(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise FollowUpError(
            f"followup: expected a question (non-empty text), got {type(value).__name__} "
            f"{str(value)[:40]!r}; send the question as a string"
        )
    return value.strip()


def _check_documents(state: WorkflowState) -> None:
    """Refuse a follow-up that also sends documents other than the run's own."""
    recorded = (state.run_identity or {}).get("documents")
    if recorded and documents_digest(state.documents) != recorded:
        raise ThreadIdentityError(
            "followup: the call sends other requirement documents than the thread's run was "
            "started with; send only `followup` (the run's documents are kept)"
        )


def _refuse_scoped(question: str, state: WorkflowState, follows: str) -> None:
    """Refuse a question naming one of the run's groups or rings (not answered here yet).

    Read as it stands, "who leads group 3?" would be answered on the whole graph: a wrong
    answer. `gaai ask` scopes it (`gaai_graph.followup_scope`); this step says so instead.
    """
    reports = [report.model_dump(mode="json") for report in _report_by_id(state).values()]
    try:
        scope = read_scope(question, reports, run_id=follows)
    except GaaiError as error:
        raise FollowUpError(f"followup: {error}") from None
    if scope is not None:
        raise FollowUpError(
            f"followup: the question names {scope.description}; a question scoped to one "
            "group or to rings is answered by `gaai ask --thread-id` (or the MCP tool "
            "`ask_followup`) for now, not through the graph input: ask about the whole graph"
        )


async def _plan(
    state: WorkflowState,
    question: str,
    runtime: Runtime[Context],
    updates: dict[str, list[Any]],
) -> tuple[WorkflowState, list[RunError]]:
    """Plan templates for `question` on the run's schema and vertical (the run's functions).

    Returns:
        The run's state with the question's requirements, use cases and templates in place
        of the run's, and what went wrong reading or planning it.
    """
    reading = dataclasses.replace(
        state,
        documents=[{"content": question, "name": _FOLLOW_UP_DOCUMENT}],
        requirements=[],
        use_cases=[],
        templates=[],
    )
    errors: list[RunError] = []
    for step, field_name in (
        (extract_requirements, "requirements"),
        (generate_use_cases, "use_cases"),
        (generate_templates, "templates"),
    ):
        result = await step(reading, runtime)
        reading = dataclasses.replace(reading, **{field_name: result.get(field_name, [])})
        errors.extend(result.get("errors", []))
        for key in updates:
            updates[key].extend(result.get(key, []))
    return reading, errors


async def _execute(
    reading: WorkflowState, templates: list[AnalysisTemplate], runtime: Runtime[Context]
) -> list[Mapping[str, Any]]:
    """Run the run's execute-and-report chain for each template, concurrently.

    `reading` is the question's reading (`_plan`): the use cases and requirements the
    templates answer, with the run's schema and vertical.
    """
    if not templates:
        return []
    state = reading
    assert state.schema is not None and state.vertical is not None
    use_cases = {use_case.id: use_case for use_case in reading.use_cases}
    requirements = {requirement.id: requirement for requirement in reading.requirements}
    tasks = [
        TemplateTask.for_template(
            template,
            use_case=use_cases.get(template.use_case_id),
            schema=state.schema,
            vertical=state.vertical,
            requirements=[requirements[r] for r in template.requirement_ids if r in requirements],
            run_identity=state.run_identity,
            position=position,
            total=len(templates),
        )
        for position, template in enumerate(templates, start=1)
    ]
    return await asyncio.gather(*(run_template(task, runtime) for task in tasks))


def _with_id(template: AnalysisTemplate, new_id: str) -> AnalysisTemplate:
    return template.model_copy(update={"id": new_id})


def _known_analyses(state: WorkflowState) -> dict[str, Report]:
    """The thread's succeeded reports by what they computed (`template_key`).

    Both the execution's and the report's record of the analysis are keyed, so a parameter
    written differently by one of them does not hide a match.
    """
    reports = _report_by_id(state)
    known: dict[str, Report] = {}
    for execution in state.executions:
        report = reports.get(execution.template_id)
        if execution.status != "succeeded" or report is None or report.status == "failed":
            continue
        for data in (execution.model_dump(mode="json"), report.model_dump(mode="json")):
            known.setdefault(template_key(data), report)
    return known


def _report_by_id(state: WorkflowState) -> dict[str, Report]:
    """Every report the thread holds: its run's, then its earlier follow-ups' own."""
    reports = {report.template_id: report for report in state.reports}
    for answer in state.followups:
        for report in answer.reports:
            if report.template_id not in answer.reused:
                reports.setdefault(report.template_id, report)
    return reports


def _reused_report(report: Report, new_id: str, follows: str) -> Report:
    reused = report.model_copy(deep=True, update={"template_id": new_id})
    reused.notes.insert(
        0,
        f"Reused from run {follows} (its {report.template_id}): already computed, not run again.",
    )
    return reused


def _summary(
    run: RunSummary,
    number: int,
    reports: list[Report],
    new: int,
    reused: int,
    errors: list[RunError],
) -> RunSummary:
    analyses = f"{new} new {'analysis' if new == 1 else 'analyses'}"
    lead = f"Follow-up on run {run.run_id}: {analyses}, {reused} reused from it."
    if not reports:
        lead += " No analysis answers the question on this graph."
    findings = [lead] + [report.summary for report in reports if report.summary]
    return RunSummary(
        run_id=f"{run.run_id}-followup-{number}",
        vertical=run.vertical,
        source=run.source,
        graph_name=run.graph_name,
        headline=lead,
        key_findings=findings,
        reports=[
            ReportDigest(template_id=report.template_id, status=report.status, title=report.title)
            for report in reports
        ],
        failures=[error for error in errors if error.template_id is not None],
        unanswered=[error.message for error in errors if error.phase == "generate_use_cases"],
    )


def record_followup(
    catalog: Any,
    state: Mapping[str, Any],
    answer: FollowUpAnswer,
    *,
    follows: str | None = None,
    started_at: float | None = None,
) -> str | None:
    """Record `answer` in `catalog` as an epoch of its own, linked to the run it follows.

    The graph has no catalog setting (the LangGraph server keeps none), so a caller that
    keeps one records the answer after the call, as `gaai ask` does: the epoch is the answer's
    run id (`<run>-followup-<n>`) and carries the tag `follows:<run>`
    (`gaai_graph.followup_answer.FOLLOWS_TAG`).

    Args:
        catalog: The catalog (a SQLite path or an arangodb:// URL, as `gaai --catalog`).
        state: The thread's state values (`(await graph.aget_state(config)).values`; the
            call's result lacks the schema), so the catalog lists the answer with the run's
            source and graph.
        answer: One of the thread's `followups`.
        follows: The earlier run's epoch id in the catalog; default: its run id. `gaai run`
            records a run under its thread id: give that when it differs.
        started_at: When the follow-up started (epoch seconds); default: now.

    Returns:
        None when recorded, else one line saying what went wrong (never raised).
    """
    from gaai_graph.catalog.recorder import record_run_safely

    values = {"schema": state.get("schema"), "reports": answer.reports, "summary": answer.summary}
    return record_run_safely(
        catalog,
        values,
        epoch_id=answer.summary.run_id,
        started_at=time.time() if started_at is None else started_at,
        tags=[f"{FOLLOWS_TAG}{follows or answer.follows}"],
    )
