"""Live progress of a `gaai run` or `gaai resume`, printed from the graph's stream."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from gaai_graph.models import Report

__all__ = ["ProgressPrinter"]


def _count(count: int, noun: str) -> str:
    """'1 requirement', '2 requirements', '1,200 use cases'."""
    return f"{count:,} {noun if count == 1 else noun + 's'}"


def _progress_line(node: str, update: Any, started: float) -> str | None:
    elapsed = f"{time.perf_counter() - started:6.2f}s"
    if not isinstance(update, dict):
        return None
    counts = {
        "analyze_schema": lambda u: _count(len(u["schema"].collections), "collection"),
        "extract_requirements": lambda u: _count(len(u.get("requirements", [])), "requirement"),
        "resolve_vertical": lambda u: f"vertical {u['vertical'].name}",
        "generate_use_cases": lambda u: _count(len(u.get("use_cases", [])), "use case"),
        "generate_templates": lambda u: _count(len(u.get("templates", [])), "template"),
        "approve_templates": lambda u: (
            _count(len(u.get("templates", [])), "template") + " approved"
        ),
        "aggregate": lambda u: "summary ready",
    }
    describe = counts.get(node)
    detail = describe(update) if describe else ""
    return f"[{elapsed}] {node}: {detail}"


_SILENT_NODES = frozenset({"start_run"})
"""Steps the progress output leaves out: bookkeeping, not a phase of the analysis."""


class ProgressPrinter:
    """Prints live progress of a run from its stream.

    A phase is printed when it starts (`tasks` stream) and when it ends (`updates`). A
    template is printed when LangGraph schedules it ("queued"), when its chain gets one of the
    `max_executions` slots ("running") and when it finishes, from the chains' own events on
    the `custom` stream (`gaai_graph.nodes.execute.template_event`); a stream without them
    (`gaai resume` continues with `tasks` and `updates` only) still shows the queued and
    finished lines.
    """

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._started = time.perf_counter()
        self._templates_total = 0
        self._templates_done = 0
        self._finished: set[str] = set()

    def _elapsed(self) -> str:
        return f"[{time.perf_counter() - self._started:6.2f}s]"

    def __call__(self, mode: str, chunk: Any) -> None:
        """Handle one (mode, chunk) of the run's stream."""
        if not isinstance(chunk, dict):
            return
        if mode == "tasks" and "input" in chunk:
            self._task_started(str(chunk.get("name")), chunk["input"])
        elif mode == "custom":
            self._template_event(chunk)
        elif mode == "updates":
            for node, update in chunk.items():
                if node.startswith("__"):  # LangGraph's own keys (__metadata__, __interrupt__)
                    continue
                if node == "generate_templates" and isinstance(update, dict):
                    self._templates_total = len(update.get("templates", []))
                if node == "run_template" and isinstance(update, dict):
                    self._templates_finished(update.get("reports", []))
                    continue
                line = (
                    None if node in _SILENT_NODES else _progress_line(node, update, self._started)
                )
                if line:
                    self._print(line)

    def _task_started(self, node: str, task_input: Any) -> None:
        if node.startswith("__") or node in _SILENT_NODES:
            return
        if node != "run_template":
            self._print(f"{self._elapsed()} {node} started")
            return
        template = getattr(task_input, "template", None)
        if template is not None:
            self._print(f"{self._elapsed()}   {template.id} {template.algorithm:<17} queued")

    def _template_event(self, event: dict[str, Any]) -> None:
        from gaai_graph.nodes.execute import is_template_event

        if not is_template_event(event):
            return
        template_id, algorithm = str(event.get("template_id")), str(event.get("algorithm"))
        if event.get("state") == "running":
            self._print(f"{self._elapsed()}   {template_id} {algorithm:<17} running")
        elif event.get("state") == "finished" and template_id not in self._finished:
            self._print_finished(template_id, algorithm, event.get("status"), event.get("error"))

    def _templates_finished(self, reports: list[Report]) -> None:
        # Printed already when the chain said so on the custom stream; else (a resumed run
        # streams no custom events) from the update.
        for report in reports:
            if report.template_id not in self._finished:
                self._print_finished(
                    report.template_id, report.algorithm, report.status, report.error
                )

    def _print_finished(self, template_id: str, algorithm: str, status: Any, error: Any) -> None:
        self._finished.add(template_id)
        self._templates_done += 1
        self._print(
            f"{self._elapsed()}   {template_id} {algorithm:<17} {status}"
            + (f": {error}" if error else "")
            # A resumed run may not have seen the templates being planned: no "(1/0)".
            + (
                f" ({self._templates_done}/{self._templates_total})"
                if self._templates_total >= self._templates_done
                else ""
            )
        )

    def _print(self, line: str) -> None:
        print(line, file=self._stream, flush=True)
