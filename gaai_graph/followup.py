"""Follow-up questions on a finished run: only the analyses it does not already have are run.

```bash
gaai run --out out --text "Who are the most influential customers?"        # run-1a2b…
gaai ask --thread-id run-1a2b… --out out "And which segments of customers are there?"
```

A follow-up reads the earlier run from the catalog: its source, named graph and vertical, and
its reports. The question goes through the workflow up to template design, paused there
(`approve_templates`); every planned template that computes what a report of the earlier run
already holds (same algorithm, projection and parameters: `catalog.diff.template_key`) is
dropped, and that report is reused (a note says so). Only the remaining templates execute. The
answer is written in the same report form into `<out>/<follow-up id>/` and recorded in the
catalog with the tag `follows:<earlier run>`.

A question naming one of the earlier run's groups or rings ("who leads group 3?", "centrality
within community 2", "what do these two rings share?") is scoped to it
(`gaai_graph.followup_scope`): for a group, the question runs through the workflow on the
subgraph its members induce (written as a snapshot to `<out>/<follow-up id>/scope/`, so the
answer can be rerun), and every report says so in its first note; nothing of the earlier run is
reused, since it was computed on the whole graph. What rings share needs no analysis: it is
answered from the rings the earlier run listed, in the same report form.

Limit: the graph is loaded again (the earlier analyses are not run again, except the grouping
of a group larger than a report stores whole, which is recomputed to recover its members and
listed in `FollowUp.recomputed`).
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gaai_graph.catalog import CatalogError, Epoch, open_catalog
from gaai_graph.catalog.diff import template_key
from gaai_graph.catalog.recorder import record_run_safely
from gaai_graph.errors import GaaiError
from gaai_graph.followup_answer import FOLLOWS_TAG
from gaai_graph.followup_scope import (
    Scope,
    group_members,
    induced_subgraph,
    read_scope,
    shared_by_rings,
)
from gaai_graph.models import Answer, Insight, Report, ReportDigest
from gaai_graph.results import WorkflowResult
from gaai_graph.runner import AgenticWorkflowRunner

__all__ = ["FOLLOWS_TAG", "FollowUp", "ask_followup"]


_REVIEWER_SKIPS = re.compile(r"\d+ use cases? skipped \(dropped by the reviewer\)\.\s*")

RunnerFactory = Callable[..., AgenticWorkflowRunner]


@dataclass
class FollowUp:
    """A follow-up's answer: the new run, its reports and what was reused."""

    run_id: str
    follows: str
    result: WorkflowResult
    reports: list[Report]
    """Every report of the answer, new and reused, by template id."""
    reused: dict[str, str] = field(default_factory=dict)
    """Template id in the follow-up -> template id of the earlier run's report it reuses."""
    executed: list[str] = field(default_factory=list)
    """Template ids computed for the follow-up."""
    out_dir: Path | None = None
    catalog_problem: str | None = None
    scope: Scope | None = None
    """The earlier run's group or rings the question was scoped to, if any."""
    recomputed: list[str] = field(default_factory=list)
    """Earlier templates whose grouping was recomputed to recover a group's members."""


async def ask_followup(
    question: str,
    *,
    thread_id: str,
    catalog: Any,
    out_dir: str | Path,
    source: str | None = None,
    run_id: str | None = None,
    runner_factory: RunnerFactory = AgenticWorkflowRunner,
    name: str = "--thread-id",
) -> FollowUp:
    """Answer a follow-up question on the finished run `thread_id`.

    Args:
        question: The follow-up question.
        thread_id: The finished run it follows (its epoch id in the catalog).
        catalog: The catalog holding that run (a SQLite path or an arangodb:// URL).
        out_dir: Where the answer's directory `<out_dir>/<run id>/` is written.
        source: The source to read, when the catalog's record of it cannot be used (an
            ArangoDB URL whose password was redacted); default: the run's own.
        run_id: The follow-up's run id (default: generated).
        runner_factory: Builds the runner (the MCP server passes one bound to its policy).
        name: How messages name `thread_id` (the CLI flag, or the MCP tool's argument).

    Returns:
        The answer, written and recorded.

    Raises:
        GaaiError: One line: no such run, the run did not finish, a refused source, ...
    """
    if not question.strip():
        raise GaaiError("the follow-up question is empty: ask what you want to know next")
    try:
        store = open_catalog(catalog, create=False)
    except CatalogError as error:
        raise GaaiError(f"{name} {thread_id!r}: {error}") from None
    try:
        try:
            epoch = store.get_epoch(thread_id)
        except CatalogError:
            raise GaaiError(
                f"{name} {thread_id!r}: no such run in the catalog; gaai catalog list shows "
                "the runs"
            ) from None
        if epoch.status != "finished":
            raise GaaiError(
                f"{name} {thread_id!r}: the run is {epoch.status}, not finished; finish it "
                "(gaai resume) before asking a follow-up"
            )
        earlier_reports = [node.data for node in store.nodes(thread_id, "report")]
    finally:
        store.close()
    earlier = {template_key(data): data for data in earlier_reports}
    run_id = run_id or f"ask-{uuid.uuid4().hex[:12]}"
    scope = read_scope(question, earlier_reports, run_id=thread_id)
    scoped_source: str | None = None
    recomputed: list[str] = []
    if scope is not None and scope.kind == "rings":
        return _answer_rings(scope, epoch, run_id, catalog, Path(out_dir) / run_id)
    if scope is not None:
        scoped_source, recomputed = await _write_scope(
            scope, source or epoch.source, Path(out_dir) / run_id / "scope"
        )
        question = scope.question
        earlier = {}  # computed on the whole graph: nothing of it answers the scoped question
    runner = runner_factory(
        source=scoped_source or source or epoch.source,
        graph_name=epoch.graph_name,
        vertical=epoch.vertical or "auto",
        approve_templates=True,
        checkpoint=":memory:",
        enable_tracing=False,
    )
    started = time.time()
    result = await runner.run_async(
        input_documents=[{"content": question, "name": "follow-up"}], run_id=run_id
    )
    reused: dict[str, str] = {}
    if result.interrupt is not None:
        for template in result.interrupt.templates:
            stored = earlier.get(template_key(template))
            if stored is not None:
                reused[str(template["id"])] = str(stored["template_id"])
        answer: Any = {"drop": sorted(reused)}
        if not reused:
            answer = True  # run every planned template
        elif len(reused) == len(result.interrupt.templates):
            answer = False  # everything asked is already computed
        result = await runner.resume_async(answer, thread_id=run_id)
    if result.summary is None:
        raise GaaiError(f"follow-up {run_id} ended without a summary")
    reports = list(result.reports)
    executed = sorted(report.template_id for report in reports)
    by_earlier_id = {str(data["template_id"]): data for data in earlier.values()}
    for new_id, old_id in sorted(reused.items()):
        data = {k: v for k, v in by_earlier_id[old_id].items() if k != "path"}
        report = Report.model_validate(data)
        report.template_id = new_id
        report.notes.insert(
            0, f"Reused from run {thread_id} (its {old_id}): already computed, not run again."
        )
        reports.append(report)
        result.summary.reports.append(
            ReportDigest(template_id=new_id, status=report.status, title=report.title)
        )
    reports.sort(key=lambda report: report.template_id)
    summary = result.summary
    summary.reports.sort(key=lambda digest: digest.template_id)
    # The reused templates were dropped at approval only so they would not run again: they
    # are answered, not skipped.
    summary.skipped = [
        item
        for item in summary.skipped
        if item.template_id not in reused
        and not any(item.message.startswith(f"{tid} ") for tid in reused)
    ]
    new = f"{len(executed)} new {'analysis' if len(executed) == 1 else 'analyses'}"
    lead = f"Follow-up on run {thread_id}: {new}, {len(reused)} reused from it."
    if scope is not None:
        lead = (
            f"Follow-up on run {thread_id}, scoped to {scope.description}: {new} on the "
            "subgraph of its members."
        )
        for report in reports:
            vertices, edges = report.metrics.get("vertex_count"), report.metrics.get("edge_count")
            report.notes.insert(
                0,
                f"Scoped to {scope.description}: computed on the subgraph of its members and "
                f"the edges between them ({vertices} vertices, {edges} edges), not the whole "
                "graph.",
            )
    summary.headline = f"{lead} {_REVIEWER_SKIPS.sub('', summary.headline)}".strip()
    summary.key_findings.insert(0, lead)
    target = Path(out_dir) / run_id
    from gaai_graph.reporting.files import report_file_stems, write_run_outputs

    write_run_outputs(target, result.summary, reports)
    stems = report_file_stems(report.template_id for report in reports)
    values = dict(result.values)
    values["reports"] = reports
    values["summary"] = result.summary
    problem = record_run_safely(
        catalog,
        values,
        epoch_id=run_id,
        started_at=started,
        tags=[f"{FOLLOWS_TAG}{thread_id}"],
        report_paths={t: str(target / "reports" / f"{s}.json") for t, s in stems.items()},
    )
    return FollowUp(
        run_id=run_id,
        follows=thread_id,
        result=result,
        reports=reports,
        reused=reused,
        executed=executed,
        out_dir=target,
        catalog_problem=problem,
        scope=scope,
        recomputed=recomputed,
    )


async def _write_scope(scope: Scope, source: str, directory: Path) -> tuple[str, list[str]]:
    """Write the subgraph of a scoped group as a snapshot; return its path and what was rerun."""
    import asyncio

    from gaai_graph.sources import load_graph
    from gaai_graph.sources.snapshot import write_jsonl

    try:
        data = await load_graph(source)
    except Exception as error:
        raise GaaiError(f"cannot load the run's source to scope the follow-up: {error}") from None
    recomputed = [] if scope.complete else [str(scope.report.get("template_id"))]
    members = await asyncio.to_thread(group_members, scope, data)
    await asyncio.to_thread(write_jsonl, induced_subgraph(data, members), directory)
    return str(directory), recomputed


def _answer_rings(scope: Scope, epoch: Epoch, run_id: str, catalog: Any, target: Path) -> FollowUp:
    """Answer what rings share from the rings the earlier run listed; nothing is computed."""
    from gaai_graph.models import GraphSchema, RunSummary

    thread_id = epoch.id
    from gaai_graph.reporting.files import report_file_stems, write_run_outputs

    shared = shared_by_rings(scope.rings)
    listed = "; ".join(" -> ".join(ring) for ring in scope.rings)
    text = (
        f"The {len(scope.rings)} rings share {len(shared)} members: {', '.join(shared)}."
        if shared
        else f"The {len(scope.rings)} rings share no member."
    )
    report = Report(
        template_id="TPL-001",
        use_case_id="UC-FOLLOW-UP",
        requirement_ids=[],
        title=f"What {scope.description} share",
        algorithm=str(scope.report.get("algorithm", "")),
        status="succeeded",
        summary=f"{text} Rings as run {thread_id} listed them: {listed}.",
        answer=Answer(
            kind="entities",
            value=shared,
            method="set intersection of the rings' members",
            convention="members every named ring holds, in the first ring's order",
        ),
        findings=[
            {
                "kind": "ring",
                "entities": shared,
                "flagged": False,
                "evidence": {"rings": len(scope.rings), "shared": len(shared)},
                "confidence": 1.0,
                "explanation": text,
            }
        ]
        if shared
        else [],
        insights=[
            Insight(
                title="Shared members",
                description=text,
                confidence=1.0,
                evidence={"rings": len(scope.rings), "shared": len(shared)},
                kind="finding" if shared else "context",
            )
        ],
        notes=[
            f"Scoped to {scope.description} (from its report {scope.report.get('template_id')}):"
            " answered from the rings it listed; nothing was computed again."
        ],
    )
    lead = f"Follow-up on run {thread_id}, scoped to {scope.description}: {text}"
    summary = RunSummary(
        run_id=run_id,
        vertical=epoch.vertical or "auto",
        source=epoch.source,
        graph_name=epoch.graph_name,
        headline=lead,
        key_findings=[lead],
        reports=[
            ReportDigest(template_id=report.template_id, status="succeeded", title=report.title)
        ],
    )
    write_run_outputs(target, summary, [report])
    stems = report_file_stems([report.template_id])
    problem = record_run_safely(
        catalog,
        {
            "reports": [report],
            "summary": summary,
            # The earlier run's source and graph, so the catalog lists the answer with it.
            "schema": GraphSchema(
                source=epoch.source,
                graph_name=epoch.graph_name,
                collections=[],
                fingerprint=epoch.fingerprint,
            ),
        },
        epoch_id=run_id,
        started_at=time.time(),
        tags=[f"{FOLLOWS_TAG}{thread_id}"],
        report_paths={t: str(target / "reports" / f"{s}.json") for t, s in stems.items()},
    )
    return FollowUp(
        run_id=run_id,
        follows=thread_id,
        result=WorkflowResult(
            run_id=run_id,
            thread_id=run_id,
            reports=[report],
            summary=summary,
            values={"reports": [report], "summary": summary, "executions": []},
        ),
        reports=[report],
        out_dir=target,
        catalog_problem=problem,
        scope=scope,
    )
