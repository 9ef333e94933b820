"""Aggregate the run: one summary over every report, failure and phase timing."""

from __future__ import annotations

import uuid
from typing import Any

from langgraph.runtime import Runtime

from gaai_graph.context import Context
from gaai_graph.models import (
    Insight,
    PhaseTiming,
    Report,
    ReportDigest,
    RunError,
    RunSummary,
)
from gaai_graph.nodes.common import context_of, timed
from gaai_graph.state import WorkflowState

TEMPLATE_PHASES: frozenset[str] = frozenset(
    {"generate_templates", "run_template", "execute", "report"}
)
"""Phases whose errors are failures of an analysis (as opposed to skipped documents or
fallbacks); any error naming a template counts too."""

UNANSWERED_PHASE = "generate_use_cases"
"""Errors of this phase are requirements no supported analysis could answer."""


def _ordered_reports(state: WorkflowState) -> list[Report]:
    """Reports in template order; reports of unknown templates follow in arrival order.

    Reports arrive in completion order (parallel chains); a resumed run may deliver a
    template's report twice, in which case the last one wins.
    """
    latest: dict[str, Report] = {}
    for report in state.reports:
        latest[report.template_id] = report
    order = {template.id: index for index, template in enumerate(state.templates)}
    arrival = {template_id: index for index, template_id in enumerate(latest)}
    return sorted(
        latest.values(),
        key=lambda r: (
            r.template_id not in order,
            order.get(r.template_id, arrival[r.template_id]),
        ),
    )


def _strongest(report: Report) -> Insight | None:
    return max(report.insights, key=lambda insight: insight.confidence, default=None)


def _failures(state: WorkflowState, reports: list[Report]) -> list[RunError]:
    """Failed analyses: recorded template-phase errors first, then failed reports not covered."""
    failures: list[RunError] = []
    seen: set[tuple[str | None, str]] = set()
    covered: set[str] = set()
    for error in state.errors:
        if error.phase not in TEMPLATE_PHASES and error.template_id is None:
            continue
        key = (error.template_id, error.message)
        if key in seen:
            continue
        seen.add(key)
        failures.append(error)
        if error.template_id is not None:
            covered.add(error.template_id)
    for report in reports:
        if report.status == "failed" and report.template_id not in covered:
            message = report.error or "the analysis failed without a message"
            phase = "report" if message.startswith("report writing failed") else "execute"
            failures.append(RunError(phase=phase, message=message, template_id=report.template_id))
    return failures


def _timings(timings: list[PhaseTiming]) -> dict[str, float]:
    """Seconds per phase; per-template steps (and repeated phases) are summed."""
    totals: dict[str, float] = {}
    for timing in timings:
        totals[timing.phase] = totals.get(timing.phase, 0.0) + timing.seconds
    return {phase: round(seconds, 6) for phase, seconds in totals.items()}


def _headline(reports: list[Report]) -> str:
    succeeded = [r for r in reports if r.status == "succeeded"]
    failed = len(reports) - len(succeeded)
    if not reports:
        return "No analysis ran: no template could be generated for the requirements."
    counts = f"{len(succeeded)} of {len(reports)} analyses succeeded"
    counts += f", {failed} failed." if failed else "."
    best: tuple[Insight, Report] | None = None
    for report in succeeded:
        insight = _strongest(report)
        if insight is not None and (best is None or insight.confidence > best[0].confidence):
            best = (insight, report)
    if best is None:
        return counts
    insight, report = best
    return f"{counts} Strongest finding ({report.title}): {insight.description}"


def summarize_run(state: WorkflowState, *, run_id: str, source: str) -> RunSummary:
    """Build the run summary from the workflow state.

    Args:
        state: The state after every template chain finished.
        run_id: Identifier of this run.
        source: Where the graph came from (safe to print).

    Returns:
        The summary: headline (successes, failures and the single strongest finding), the
        strongest insight of each successful report ordered by confidence, failures of
        template phases and failed reports, unanswered requirements (errors of
        `generate_use_cases`), seconds per phase, and one digest per report in template order.
    """
    reports = _ordered_reports(state)
    strongest = [
        (insight, report)
        for report in reports
        if report.status == "succeeded" and (insight := _strongest(report)) is not None
    ]
    strongest.sort(key=lambda pair: -pair[0].confidence)
    return RunSummary(
        run_id=run_id,
        vertical=state.vertical.name if state.vertical is not None else "unknown",
        source=source,
        graph_name=state.schema.graph_name if state.schema is not None else None,
        headline=_headline(reports),
        key_findings=[
            f"{report.title}: {insight.description} (confidence {insight.confidence:.2f})"
            for insight, report in strongest
        ],
        requirements=list(state.requirements),
        use_cases=list(state.use_cases),
        templates=list(state.templates),
        reports=[
            ReportDigest(template_id=r.template_id, status=r.status, title=r.title) for r in reports
        ],
        failures=_failures(state, reports),
        unanswered=[error.message for error in state.errors if error.phase == UNANSWERED_PHASE],
        timings=_timings(state.timings),
    )


async def aggregate(state: WorkflowState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Summarise the run once every template chain has finished.

    Args:
        state: The workflow state with every report, error and timing.
        runtime: Gives the run's context (for the source name).

    Returns:
        `summary` (the RunSummary, its timings including this phase) and `timings` (this
        phase's own wall time, appended to the state's list).
    """
    context = context_of(runtime)
    run_id = state.run_id or uuid.uuid4().hex
    with timed("aggregate") as clock:
        summary = summarize_run(state, run_id=run_id, source=context.source)
    summary.timings["aggregate"] = round(summary.timings.get("aggregate", 0.0) + clock.seconds, 6)
    return {"summary": summary, "timings": [clock.timing]}
