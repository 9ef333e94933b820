"""`AgenticWorkflowRunner`: the seed's Python API (parallel-execution-guide.md) over the graph.

```python
runner = AgenticWorkflowRunner(graph_name="ecommerce_graph", enable_tracing=True)
state = await runner.run_async(input_documents=[{"path": "requirements.md"}])
print(len(state.reports), state.reports[0].title)
runner.print_trace_summary()
runner.export_trace("output/traces")
runner.export_reports(state, "output/reports")
```

The runner compiles the workflow `builder` with a checkpointer (each run is its own thread),
streams the run with `astream(stream_mode=["tasks", "updates", "values"])`, feeds every chunk
and every langchain callback to a `WorkflowTracer`, and returns the final state. With no source
given it analyses the bundled demo graph.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import sys
import threading
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO, TypeVar

from langgraph.cache.base import BaseCache
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.memory import InMemorySaver

from gaai_graph.context import Context
from gaai_graph.errors import GaaiError
from gaai_graph.models import Report, RunError, RunSummary
from gaai_graph.state import InputState
from gaai_graph.tracing import TRACE_FORMATS, TraceSummary, WorkflowTracer, render_trace_summary

__all__ = ["AgenticWorkflowRunner", "WorkflowResult", "run_agentic_workflow_async"]

logger = logging.getLogger(__name__)

StreamListener = Callable[[str, Any], None]
"""Called with (stream mode, chunk) for every chunk of the run's stream (e.g. CLI progress)."""

_T = TypeVar("_T")


@dataclass
class WorkflowResult:
    """The final state of one run, as the seed's `state` object.

    Attributes mirror the graph's output state; `values` holds every channel of the final
    state for callers who want the schema, requirements or templates too.
    """

    run_id: str
    thread_id: str
    reports: list[Report] = field(default_factory=list)
    summary: RunSummary | None = None
    errors: list[RunError] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def failed_reports(self) -> list[Report]:
        """The reports of templates that failed."""
        return [report for report in self.reports if report.status == "failed"]


def _context_field_names() -> set[str]:
    return {f.name for f in dataclasses.fields(Context)}


def _run_blocking(factory: Callable[[], Awaitable[_T]]) -> _T:
    """Run a coroutine to completion from synchronous code, even inside a running loop.

    Jupyter (and any async framework) already runs an event loop in this thread, where
    `asyncio.run` refuses to start; the coroutine then runs on a fresh loop in a worker thread
    while this thread waits.
    """

    async def _main() -> _T:
        return await factory()

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(_main())
    outcome: dict[str, Any] = {}

    def _worker() -> None:
        try:
            outcome["value"] = asyncio.run(_main())
        except BaseException as error:  # re-raised in the caller's thread below
            outcome["error"] = error

    worker = threading.Thread(target=_worker, name="gaai-runner", daemon=True)
    worker.start()
    worker.join()
    if "error" in outcome:
        raise outcome["error"]
    value: _T = outcome["value"]
    return value


class AgenticWorkflowRunner:
    """Run the gaai_graph workflow with the seed's API: tracing, exports, sync and async."""

    def __init__(
        self,
        graph_name: str | None = None,
        core_collections: list[str] | None = None,
        enable_tracing: bool = True,
        enable_debug_mode: bool = False,
        max_executions: int = 8,
        source: str | None = None,
        model: Any = None,
        vertical: str = "auto",
        checkpointer: BaseCheckpointSaver[Any] | None = None,
        checkpoint: str | None = None,
        llm_cache: BaseCache[Any] | None = None,
        **context_options: Any,
    ) -> None:
        """Configure a runner; nothing runs until `run_async` or `run`.

        Args:
            graph_name: Named graph to analyse ('ecommerce_graph' in the demo); None lets
                schema analysis pick the source's only named graph.
            core_collections: Vertex collections to treat as core entities.
            enable_tracing: Record node and LLM events for `print_trace_summary` and
                `export_trace`.
            enable_debug_mode: Log every node start/end and LLM call at INFO level to stderr.
            max_executions: Maximum number of template chains running at once.
            source: 'demo' (default), 'demo:<scale>' or a snapshot directory.
            model: Chat model for the reasoning phases: a name ('gpt-4o-mini') or a
                langchain chat model object. None: the rule path.
            vertical: 'auto', a built-in vertical name, or a vertical file.
            checkpointer: An open saver to compile the graph with (e.g. from
                `gaai_graph.persistence.open_checkpointer`).
            checkpoint: A checkpoint store spec (SQLite file or `postgresql://` URL) the
                runner opens for each run; default (neither given): in memory.
            llm_cache: Where the model's answers are kept, e.g.
                `gaai_graph.llm.cache.persistent_cache(path)`; None: the process-wide cache
                (or the file `GAAI_LLM_CACHE` names).
            **context_options: Further `Context` fields (max_templates, top_k, seed, ...).

        Raises:
            GaaiError: If an option is not a `Context` field or has a bad value.
        """
        known = _context_field_names()
        unknown = sorted(set(context_options) - known)
        if unknown:
            raise GaaiError(f"unknown runner option(s) {unknown}; known: {sorted(known)}")
        self.graph_name = graph_name
        self.core_collections = core_collections
        self.enable_tracing = enable_tracing
        self.enable_debug_mode = enable_debug_mode
        self.max_executions = max_executions
        self.source = source
        self.model = model
        self.vertical = vertical
        self._context_options = context_options
        self._checkpointer = checkpointer
        self._checkpoint_spec = checkpoint
        self._llm_cache = llm_cache
        self.tracer: WorkflowTracer | None = None
        self.last_result: WorkflowResult | None = None
        # Validate the options now, so a bad value fails at construction, not mid-run.
        self._context(max_executions=max_executions, enable_parallelism=True)

    # -- configuration ----------------------------------------------------------------------

    def _context(self, *, max_executions: int, enable_parallelism: bool) -> Context:
        options: dict[str, Any] = dict(self._context_options)
        options.update(
            graph_name=self.graph_name,
            core_collections=self.core_collections,
            max_executions=max_executions,
            enable_parallelism=enable_parallelism,
            vertical=self.vertical,
        )
        if self.source is not None:
            options["source"] = self.source
        if self.model is not None:
            # A name selects a provider model; a langchain chat model object is used as is.
            options["model" if isinstance(self.model, str) else "chat_model"] = self.model
        return Context(**options)

    def _compile(self, checkpointer: BaseCheckpointSaver[Any] | None) -> Any:
        from gaai_graph.persistence import compile_graph

        return compile_graph(
            checkpointer or self._checkpointer or InMemorySaver(), cache=self._llm_cache
        )

    # -- running ----------------------------------------------------------------------------

    async def run_async(
        self,
        input_documents: Sequence[Any] | None = None,
        max_executions: int | None = None,
        enable_parallelism: bool = True,
        *,
        run_id: str | None = None,
        listener: StreamListener | None = None,
    ) -> WorkflowResult:
        """Run the whole workflow and return its final state.

        Args:
            input_documents: Requirement documents: `{"path": ...}`, `{"content": ...}` or a
                path string. None or empty: the source's bundled sample documents.
            max_executions: Override the runner's bound on concurrent template chains.
            enable_parallelism: False runs one template at a time (debugging).
            run_id: Identifier of the run (and its checkpoint thread); generated when None.
            listener: Called with every (mode, chunk) of the stream, e.g. for progress output.

        Returns:
            The final state: reports (each with `.title`), summary and recorded errors.
        """
        context = self._context(
            max_executions=max_executions or self.max_executions,
            enable_parallelism=enable_parallelism,
        )
        run_id = run_id or f"run-{uuid.uuid4().hex[:12]}"
        tracer = WorkflowTracer(trace_id=f"workflow-{run_id}", prices=context.llm_prices)
        if self.enable_tracing:
            self.tracer = tracer
        config: dict[str, Any] = {
            "configurable": {"thread_id": run_id},
            # No "max_concurrency": run_template bounds the chains itself (context.concurrency),
            # and a LangGraph-wide cap would deadlock once every slot holds a chain waiting on
            # a nested task (the LLM path's `llm_request`).
            "callbacks": [tracer],
            "run_name": "gaai_graph",
        }
        inputs = InputState(documents=list(input_documents or []), run_id=run_id)
        values: dict[str, Any] = {}
        async with contextlib.AsyncExitStack() as stack:
            saver = None
            if self._checkpoint_spec and self._checkpointer is None:
                from gaai_graph.persistence import open_checkpointer

                saver = await stack.enter_async_context(open_checkpointer(self._checkpoint_spec))
            graph = self._compile(saver)
            try:
                async for mode, chunk in graph.astream(
                    inputs, config, context=context, stream_mode=["tasks", "updates", "values"]
                ):
                    tracer.observe_stream_chunk(mode, chunk)
                    if self.enable_debug_mode:
                        _log_debug(mode, chunk)
                    if listener is not None:
                        listener(mode, chunk)
                    if mode == "values" and isinstance(chunk, dict):
                        values = chunk
            finally:
                tracer.finish()
        # The LLM path records cache hits in state; they make no request, so no callback.
        tracer.record_cached_answers(
            sum(1 for call in values.get("llm_calls", []) if getattr(call, "cached", False))
        )
        result = WorkflowResult(
            run_id=run_id,
            thread_id=run_id,
            reports=list(values.get("reports", [])),
            summary=values.get("summary"),
            errors=list(values.get("errors", [])),
            values=values,
        )
        self.last_result = result
        return result

    def run(
        self, input_documents: Sequence[Any] | None = None, max_executions: int | None = None
    ) -> WorkflowResult:
        """Run the workflow sequentially (one template at a time) and wait for it.

        Works from plain scripts and from inside a running event loop (Jupyter), where it
        runs on a worker thread.
        """
        return _run_blocking(
            lambda: self.run_async(
                input_documents=input_documents,
                max_executions=max_executions,
                enable_parallelism=False,
            )
        )

    # -- tracing and exports ----------------------------------------------------------------

    def _require_tracer(self) -> WorkflowTracer:
        if self.tracer is None:
            raise GaaiError(
                "no trace recorded: create the runner with enable_tracing=True and run it first"
            )
        return self.tracer

    def trace_summary(self) -> TraceSummary:
        """Return the numbers of the last run's trace."""
        return self._require_tracer().summary()

    def print_trace_summary(self, file: TextIO | None = None) -> None:
        """Print the last run's trace summary (time, steps, LLM usage, errors, slowest)."""
        print(render_trace_summary(self.trace_summary()), file=file or sys.stdout)

    def export_trace(
        self, output_dir: str | Path, formats: Sequence[str] = TRACE_FORMATS
    ) -> list[Path]:
        """Write the last run's trace as JSON, HTML and/or Markdown under `output_dir`."""
        return self._require_tracer().export(output_dir, formats)

    def export_reports(self, state: WorkflowResult, output_dir: str | Path) -> list[Path]:
        """Write the run's summary and reports (JSON, Markdown, HTML, index.html).

        Raises:
            GaaiError: If the state holds no summary (the run did not finish).
        """
        from gaai_graph.reporting.files import write_run_outputs

        if state.summary is None:
            raise GaaiError("the state has no summary; the run did not finish")
        reports = sorted(state.reports, key=lambda report: report.template_id)
        return write_run_outputs(Path(output_dir), state.summary, reports)


async def run_agentic_workflow_async(
    graph_name: str | None = None,
    input_documents: Sequence[Any] | None = None,
    max_executions: int = 8,
    enable_parallelism: bool = True,
    **runner_options: Any,
) -> WorkflowResult:
    """Create a runner, run it once and return the final state (the seed's shortcut).

    Args:
        graph_name: Named graph to analyse.
        input_documents: Requirement documents (see `AgenticWorkflowRunner.run_async`).
        max_executions: Maximum number of template chains running at once.
        enable_parallelism: False runs one template at a time.
        **runner_options: Further `AgenticWorkflowRunner` arguments (source, vertical, ...).
    """
    runner = AgenticWorkflowRunner(
        graph_name=graph_name, max_executions=max_executions, **runner_options
    )
    return await runner.run_async(
        input_documents=input_documents, enable_parallelism=enable_parallelism
    )


def _default_checkpointer() -> BaseCheckpointSaver[Any]:
    # Fresh per run: savers hold per-loop resources and each run is its own thread anyway.
    return InMemorySaver()


_debug_logger = logging.getLogger("gaai_graph.debug")


def _log_debug(mode: str, chunk: Any) -> None:
    if not _debug_logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("[gaai debug] %(message)s"))
        _debug_logger.addHandler(handler)
        _debug_logger.setLevel(logging.INFO)
    if mode == "tasks" and isinstance(chunk, dict):
        state = "start" if "input" in chunk else "end"
        _debug_logger.info("task %s %s (%s)", chunk.get("name"), state, chunk.get("id"))
    elif mode == "updates" and isinstance(chunk, dict):
        _debug_logger.info("update from %s", ", ".join(chunk))
