"""What a run gives back: `WorkflowResult` (the thread's state) and `PendingInterrupt`.

Shared by the runner and `gaai_graph.persistence` (which both read a thread's result), so
neither imports the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from langgraph.pregel import Pregel
from langgraph.types import StateSnapshot

from gaai_graph.models import Report, RunError, RunSummary

if TYPE_CHECKING:
    from gaai_graph.reporting.result import RunResult

__all__ = ["PendingInterrupt", "WorkflowResult", "pending_interrupt", "result_of_thread"]


@dataclass(frozen=True)
class PendingInterrupt:
    """A run paused for a person's answer: the templates awaiting approval.

    Resume it with `runner.resume(answer)` / `await runner.resume_async(answer)`: `True`
    runs every template, `False` none, `{"drop": [ids], "edit": {id: {field: value}}}` some
    (see `gaai_graph.nodes.approval`).
    """

    id: str
    """LangGraph's id of the interrupt."""
    value: dict[str, Any]
    """What the approval step shows: `kind`, `question`, `templates` and, when an earlier
    answer was refused, `error`."""

    @property
    def templates(self) -> list[dict[str, Any]]:
        """The templates awaiting approval (id, title, algorithm, projection, parameters, ...)."""
        templates: list[dict[str, Any]] = self.value.get("templates", [])
        return templates

    @property
    def question(self) -> str:
        """The question put to the reviewer, with how to answer."""
        return str(self.value.get("question", ""))

    @property
    def error(self) -> str | None:
        """Why the previous answer was refused, when the run asks again."""
        error = self.value.get("error")
        return None if error is None else str(error)


@dataclass
class WorkflowResult:
    """The final state of one run, as the seed's `state` object.

    Attributes mirror the graph's output state; `values` holds every channel of the final
    state for callers who want the schema, requirements or templates too. A run paused for
    template approval has `interrupt` set (and no reports or summary yet).
    """

    run_id: str
    thread_id: str
    reports: list[Report] = field(default_factory=list)
    summary: RunSummary | None = None
    errors: list[RunError] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    interrupt: PendingInterrupt | None = None
    checkpoint: str | None = None
    """Where the thread's checkpoints are (a SQLite file or a URL without its password), so
    the run can be resumed; set by the runner ("memory" or "the runner's checkpointer" when
    they are not in a store it opened)."""

    @property
    def failed_reports(self) -> list[Report]:
        """The reports of templates that failed."""
        return [report for report in self.reports if report.status == "failed"]

    @property
    def interrupted(self) -> bool:
        """Whether the run is paused, waiting for an answer."""
        return self.interrupt is not None

    def result(self, source: str | None = None) -> RunResult:
        """The typed result (`gaai_graph.reporting.result.RunResult`) the graph's output gives."""
        from gaai_graph.reporting.result import RunResult

        return RunResult.from_state(self, source=source)

    @property
    def findings(self) -> list[dict[str, Any]]:
        """Every finding of every report (see `RunResult.findings`)."""
        return self.result().findings

    def to_html(self) -> str:
        """The run's index page as HTML, with its network drawings."""
        return self.result().to_html()

    def _repr_html_(self) -> str:
        return self.result()._repr_html_()


def _interrupt_of(snapshot: StateSnapshot) -> PendingInterrupt | None:
    for pending in snapshot.interrupts:
        value = pending.value if isinstance(pending.value, dict) else {"value": pending.value}
        return PendingInterrupt(id=str(pending.id), value=value)
    return None


async def result_of_thread(graph: Pregel, thread_id: str) -> WorkflowResult:
    """The thread's current state as a result (final, or paused with its interrupt)."""
    snapshot = await graph.aget_state({"configurable": {"thread_id": thread_id}})
    values = dict(snapshot.values)
    return WorkflowResult(
        run_id=values.get("run_id") or thread_id,
        thread_id=thread_id,
        reports=list(values.get("reports", [])),
        summary=values.get("summary"),
        errors=list(values.get("errors", [])),
        values=values,
        interrupt=_interrupt_of(snapshot),
    )


async def pending_interrupt(graph: Pregel, thread_id: str) -> PendingInterrupt | None:
    """The interrupt `thread_id` is paused at (waiting for template approval), if any."""
    snapshot = await graph.aget_state({"configurable": {"thread_id": thread_id}})
    return _interrupt_of(snapshot)
