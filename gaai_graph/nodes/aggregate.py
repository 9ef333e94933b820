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

WARNING_PHASES: tuple[str, ...] = ("analyze_schema", "extract_requirements", "resolve_vertical")
"""Phases whose errors are warnings: the run went on around them (dangling edges, unknown core
collections, documents without requirements, a generated vertical)."""

SKIPPED_MARKERS: dict[str, tuple[str, ...]] = {
    "generate_templates": ("max_templates=",),
    "approve_templates": ("dropped by the reviewer", "rejected by the reviewer"),
}
"""Per phase, errors containing one of these markers are deliberate skips (the run's template
budget was spent, or a reviewer dropped the template), reported under `skipped` rather than as
failed analyses. Both phases word the message as "<what> ...: <reason>"."""


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


_PRIORITY_WEIGHT = {"high": 2, "medium": 1, "low": 0}


def _lead_key(
    insight: Insight, report: Report, priorities: dict[str, str]
) -> tuple[bool, int, float]:
    """Rank of a report's lead insight in the run (sort descending).

    Findings come before context, then the business priority of the use case the report
    answers (from the requirements), then confidence.
    """
    priority = _PRIORITY_WEIGHT.get(priorities.get(report.use_case_id, "medium"), 1)
    return (insight.kind == "finding", priority, insight.confidence)


def is_skipped(error: RunError) -> bool:
    """Whether `error` records a use case deliberately left out rather than a failure."""
    return any(marker in error.message for marker in SKIPPED_MARKERS.get(error.phase, ()))


def _failures(state: WorkflowState, reports: list[Report]) -> list[RunError]:
    """Failed analyses: recorded template-phase errors first, then failed reports not covered."""
    failures: list[RunError] = []
    seen: set[tuple[str | None, str]] = set()
    covered: set[str] = set()
    for error in state.errors:
        if error.phase not in TEMPLATE_PHASES and error.template_id is None:
            continue
        if is_skipped(error):
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


def _warnings(state: WorkflowState) -> list[str]:
    """Messages of the warning phases' errors and the schema's own warnings, each once."""
    messages = [error.message for error in state.errors if error.phase in WARNING_PHASES]
    if state.schema is not None:
        # The schema carries its warnings itself (a state written before analyze_schema
        # recorded them as errors still shows them).
        messages.extend(state.schema.warnings)
    return list(dict.fromkeys(messages))


def _summed(timings: list[PhaseTiming]) -> dict[str, float]:
    """Seconds per phase with every step's duration added up."""
    totals: dict[str, float] = {}
    for timing in timings:
        totals[timing.phase] = totals.get(timing.phase, 0.0) + timing.seconds
    return totals


def _covered_seconds(spans: list[tuple[float, float]]) -> float:
    """Length of the union of [start, end] intervals: time during which any step ran."""
    covered = 0.0
    current_start, current_end = None, None
    for start, end in sorted(spans):
        if current_end is None or current_start is None or start > current_end:
            if current_end is not None and current_start is not None:
                covered += current_end - current_start
            current_start, current_end = start, end
        else:
            current_end = max(current_end, end)
    if current_end is not None and current_start is not None:
        covered += current_end - current_start
    return covered


def _timings(timings: list[PhaseTiming]) -> dict[str, float]:
    """Wall-clock seconds per phase.

    Steps of one phase that ran concurrently (template chains) count once: the phase's time
    is the union of its steps' wall-clock spans. A phase with a step recorded without a span
    (older checkpoints) falls back to the sum of its steps' durations.
    """
    summed = _summed(timings)
    spans: dict[str, list[tuple[float, float]]] = {}
    unspanned: set[str] = set()
    for timing in timings:
        if timing.started_at is None or timing.finished_at is None:
            unspanned.add(timing.phase)
        else:
            spans.setdefault(timing.phase, []).append((timing.started_at, timing.finished_at))
    wall = {
        phase: seconds if phase in unspanned else _covered_seconds(spans[phase])
        for phase, seconds in summed.items()
    }
    return {phase: round(seconds, 6) for phase, seconds in wall.items()}


def _summed_step_seconds(timings: list[PhaseTiming]) -> dict[str, float]:
    """Summed durations of the phases that run once per template."""
    per_template = {timing.phase for timing in timings if timing.template_id is not None}
    return {
        phase: round(seconds, 6)
        for phase, seconds in _summed(timings).items()
        if phase in per_template
    }


def _headline(
    reports: list[Report],
    skipped: list[RunError] | None = None,
    priorities: dict[str, str] | None = None,
) -> str:
    succeeded = [r for r in reports if r.status == "succeeded"]
    failed = len(reports) - len(succeeded)
    skip_note = ""
    if skipped:
        skip_note = f" {len(skipped)} use case{'s' if len(skipped) != 1 else ''} skipped"
        reasons = sorted({_skip_reason(error.message) for error in skipped})
        skip_note += f" ({'; '.join(reasons)})."
    if not reports:
        return "No analysis ran: no template could be generated for the requirements." + skip_note
    counts = f"{len(succeeded)} of {len(reports)} analyses succeeded"
    counts += f", {failed} failed." if failed else "."
    counts += skip_note
    ranks = priorities or {}
    best: tuple[Insight, Report] | None = None
    for report in succeeded:
        insight = report.lead_insight()
        if insight is not None and (
            best is None or _lead_key(insight, report, ranks) > _lead_key(*best, ranks)
        ):
            best = (insight, report)
    if best is None:
        return counts
    insight, report = best
    lead = "Strongest finding" if insight.kind == "finding" else "No actionable finding; context"
    return f"{counts} {lead} ({report.title}): {insight.description}"


def _skip_reason(message: str) -> str:
    """The reason part of a template-design message ('UC-009 (...) got no template: why')."""
    return message.rsplit(": ", 1)[-1]


def summarize_run(state: WorkflowState, *, run_id: str, source: str) -> RunSummary:
    """Build the run summary from the workflow state.

    Args:
        state: The state after every template chain finished.
        run_id: Identifier of this run.
        source: Where the graph came from (safe to print).

    Returns:
        The summary: headline (successes, failures, skipped use cases and the lead finding),
        the lead insight of each successful report (findings before context, then use-case
        priority, then confidence), failures of template phases and failed reports, use cases
        skipped on purpose (`max_templates`), unanswered requirements (errors of
        `generate_use_cases`), warnings (errors of `WARNING_PHASES` and the schema's
        warnings), wall-clock seconds per phase (concurrent template steps
        merged) and the summed step durations, and one digest per report in template order.
    """
    reports = _ordered_reports(state)
    strongest = [
        (insight, report)
        for report in reports
        if report.status == "succeeded" and (insight := report.lead_insight()) is not None
    ]
    priorities: dict[str, str] = {use_case.id: use_case.priority for use_case in state.use_cases}
    strongest.sort(key=lambda pair: _lead_key(pair[0], pair[1], priorities), reverse=True)
    skipped = [error for error in state.errors if is_skipped(error)]
    return RunSummary(
        run_id=run_id,
        vertical=state.vertical.name if state.vertical is not None else "unknown",
        source=source,
        graph_name=state.schema.graph_name if state.schema is not None else None,
        headline=_headline(reports, skipped, priorities),
        key_findings=[
            f"{report.title}: {insight.description} (confidence {insight.confidence:.2f}"
            + (")" if insight.kind == "finding" else ", context)")
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
        warnings=_warnings(state),
        timings=_timings(state.timings),
        summed_step_seconds=_summed_step_seconds(state.timings),
        skipped=skipped,
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
        # describe_source drops any password from an arangodb:// URL.
        from gaai_graph.sources import describe_source

        summary = summarize_run(state, run_id=run_id, source=describe_source(context.source))
        # LLM branch (headline and key findings), and the run's LLM usage and fallbacks.
        from gaai_graph.llm.phases import summary_with_llm

        summary, llm_updates = await summary_with_llm(
            context,
            _ordered_reports(state),
            summary,
            state.vertical,
            state.llm_calls,
            state.fallbacks,
        )
    summary.timings["aggregate"] = round(summary.timings.get("aggregate", 0.0) + clock.seconds, 6)
    return {"summary": summary, "timings": [clock.timing], **llm_updates}
