"""`AgenticWorkflowRunner`: the seed's Python API (parallel-execution-guide.md) over the graph.

```python
runner = AgenticWorkflowRunner(graph_name="ecommerce_graph", enable_tracing=True)
state = await runner.run_async(input_documents=[{"path": "requirements.md"}])
print(len(state.reports), state.reports[0].title)
runner.print_trace_summary()
runner.export_trace("output/traces")
runner.export_reports(state)  # gaai-output/index.html, gaai-output/reports/
```

The runner compiles the workflow `builder` with a checkpointer (each run is its own thread),
streams the run with `astream(stream_mode=["tasks", "updates", "values", "custom"])`, feeds
every chunk and every langchain callback to a `WorkflowTracer`, and returns the final state.
With no source given it analyses the bundled demo graph.

Checkpoints go, by default, to the SQLite file `checkpoints.sqlite` in the runner's output
directory (`out_dir=`, default `gaai-output`, where `export_reports` writes too, and where
`gaai run --out` keeps its own), or in `$GAAI_STATE_DIR` when that is set
(`default_state_dir()`); the result's `checkpoint` says where. So a run stopped by a crash or
paused for template approval can be continued later, from another process too, by a runner
with the same `out_dir`: `resume_async(thread_id=...)`.
`checkpoint=":memory:"` keeps them in memory for the runner's lifetime instead,
`checkpoint="path.sqlite"` or `"postgresql://..."` names another store, and `checkpointer=`
takes an open saver.

With `approve_templates=True` a run pauses after template generation: the result's
`interrupt` shows the templates, and `resume_async(answer)` (or `resume(answer)`) continues the
same thread with `Command(resume=answer)`.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import math
import os
import sys
import threading
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

from langchain_core.runnables import RunnableConfig
from langgraph.cache.base import BaseCache
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.pregel import Pregel
from langgraph.types import Command, StreamMode

from gaai_graph.context import Context
from gaai_graph.errors import GaaiError
from gaai_graph.persistence import (
    CheckpointError,
    compile_graph,
    discard_thread,
    open_checkpointer,
    resume_run,
    thread_status,
)
from gaai_graph.results import (
    PendingInterrupt,
    WorkflowResult,
    pending_interrupt,
    result_of_thread,
)
from gaai_graph.state import InputState
from gaai_graph.thread_lock import lock_thread
from gaai_graph.tracing import TRACE_FORMATS, TraceSummary, WorkflowTracer, render_trace_summary
from gaai_graph.validation import check_checkpoint_spec, check_thread_id

if TYPE_CHECKING:
    from gaai_graph.catalog.changes import RunChanges
    from gaai_graph.reporting.network import GraphIndex

__all__ = [
    "DEFAULT_OUT_DIR",
    "MEMORY_CHECKPOINT",
    "STATE_DIR_VARIABLE",
    "AgenticWorkflowRunner",
    "PendingInterrupt",
    "WorkflowResult",
    "default_checkpoint",
    "default_state_dir",
    "result_of_thread",
    "run_agentic_workflow_async",
]

STATE_DIR_VARIABLE = "GAAI_STATE_DIR"
"""Environment variable naming the directory of the runner's default checkpoint store (it
overrides the output directory)."""

DEFAULT_OUT_DIR = "gaai-output"
"""The runner's default output directory (as `gaai run --out`'s): reports and checkpoints."""

MEMORY_CHECKPOINT = ":memory:"
"""`checkpoint=` value keeping checkpoints in memory, for the runner's lifetime only."""

_STREAM_MODES: list[StreamMode] = ["tasks", "updates", "values", "custom"]

logger = logging.getLogger(__name__)

StreamListener = Callable[[str, Any], None]
"""Called with (stream mode, chunk) for every chunk of the run's stream (e.g. CLI progress)."""

_T = TypeVar("_T")


def default_state_dir(out_dir: str | Path = DEFAULT_OUT_DIR) -> Path:
    """Where a runner writing into `out_dir` keeps its default checkpoint store.

    `$GAAI_STATE_DIR` when set (an override, e.g. to keep every run's state in one place),
    else `out_dir` itself, next to the reports (nothing is written elsewhere unasked).
    """
    configured = os.environ.get(STATE_DIR_VARIABLE, "").strip()
    if configured:
        return Path(configured).expanduser()
    return Path(out_dir).expanduser()


def default_checkpoint(out_dir: str | Path = DEFAULT_OUT_DIR) -> str:
    """The runner's default checkpoint store: `checkpoints.sqlite` in `default_state_dir()`.

    Without `$GAAI_STATE_DIR` it is the file `gaai run --out out_dir` uses as well.
    """
    from gaai_graph.persistence import CHECKPOINT_FILE_NAME

    return str(default_state_dir(out_dir) / CHECKPOINT_FILE_NAME)


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
        out_dir: str | Path = DEFAULT_OUT_DIR,
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
                `gaai_graph.persistence.open_checkpointer`, or an `InMemorySaver`); the
                caller keeps it open for as long as runs are to be resumed.
            checkpoint: A checkpoint store the runner opens for each call: a SQLite file, a
                `postgresql://` URL, or ":memory:" (kept for the runner's lifetime). Default
                (neither given): `default_checkpoint(out_dir)`, `checkpoints.sqlite` in
                `out_dir` (or in `$GAAI_STATE_DIR` when set); `checkpoint` says which.
            llm_cache: Where the model's answers are kept, e.g.
                `gaai_graph.llm.cache.persistent_cache(path)`; None: the process-wide cache
                (or the file `GAAI_LLM_CACHE` names).
            out_dir: Where `export_reports` writes by default, and where the default
                checkpoint store is; relative to the working directory.
            **context_options: Further `Context` fields (max_templates, top_k, seed, ...).

        Raises:
            GaaiError: If an option is not a `Context` field or has a bad value.
        """
        known = _context_field_names()
        unknown = sorted(set(context_options) - known)
        if unknown:
            raise GaaiError(f"unknown runner option(s) {unknown}; known: {sorted(known)}")
        timeout = context_options.get("llm_timeout")
        if timeout is not None and not (
            isinstance(timeout, int | float) and math.isfinite(timeout) and timeout > 0
        ):
            raise GaaiError(
                f"llm_timeout must be a finite number of seconds above 0, got {timeout!r}"
            )
        self.graph_name = graph_name
        self.core_collections = core_collections
        self.enable_tracing = enable_tracing
        self.enable_debug_mode = enable_debug_mode
        self.max_executions = max_executions
        self.source = source
        self.model = model
        self.vertical = vertical
        self._context_options = context_options
        self.out_dir = Path(out_dir)
        if checkpointer is not None and checkpoint is not None:
            raise GaaiError("give either checkpointer= (an open saver) or checkpoint= (a spec)")
        if checkpoint is not None:
            check_checkpoint_spec(checkpoint, name="checkpoint=", allow_memory=True)
        self._checkpointer = checkpointer
        self._checkpoint_spec: str | None = None
        self._in_memory = checkpoint == MEMORY_CHECKPOINT
        if self._in_memory:
            self._checkpointer = _memory_saver()
        elif checkpointer is None:
            # Resolved now, so a run and its resume use the same store even if the
            # environment changes in between.
            self._checkpoint_spec = checkpoint or default_checkpoint(self.out_dir)
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

    @property
    def checkpoint(self) -> str | None:
        """The checkpoint store the runner opens per call (None: a saver it was given)."""
        return self._checkpoint_spec

    @contextlib.asynccontextmanager
    async def _graph(
        self, tracer: WorkflowTracer, thread_id: str
    ) -> AsyncIterator[tuple[Any, BaseCheckpointSaver[Any]]]:
        """The workflow compiled with this runner's checkpointer and its saver, for one call.

        Holds the thread's lock meanwhile (`gaai_graph.thread_lock`): a second run on the
        thread, from this process or another, is refused while this one works.
        """
        async with contextlib.AsyncExitStack() as stack:
            saver = self._checkpointer
            if saver is None:
                assert self._checkpoint_spec is not None
                saver = await stack.enter_async_context(open_checkpointer(self._checkpoint_spec))
            await stack.enter_async_context(lock_thread(saver, thread_id))
            graph = compile_graph(saver, cache=self._llm_cache)
            # Bound here so every stream of this call (ours and `resume_run`'s) is traced.
            yield graph.with_config(callbacks=[tracer], run_name="gaai_graph"), saver

    def _listener(self, tracer: WorkflowTracer, listener: StreamListener | None) -> StreamListener:
        def observe(mode: str, chunk: Any) -> None:
            tracer.observe_stream_chunk(mode, chunk)
            if self.enable_debug_mode:
                _log_debug(mode, chunk)
            if listener is not None:
                listener(mode, chunk)

        return observe

    def _new_tracer(self, thread_id: str, context: Context) -> WorkflowTracer:
        tracer = WorkflowTracer(trace_id=f"workflow-{thread_id}", prices=context.llm_prices)
        if self.enable_tracing:
            self.tracer = tracer
        return tracer

    # -- running ----------------------------------------------------------------------------

    async def run_async(
        self,
        input_documents: Sequence[Any] | None = None,
        max_executions: int | None = None,
        enable_parallelism: bool = True,
        *,
        run_id: str | None = None,
        listener: StreamListener | None = None,
        restart: bool = False,
    ) -> WorkflowResult:
        """Run the whole workflow and return its final state.

        A run refused before its graph was read (a bad source, an unknown named graph, ...)
        leaves no checkpoint behind. A `run_id` that names an existing thread starts a new run
        on it only with the inputs the thread was started with (else `ThreadIdentityError`
        names what differs), or after discarding it with `restart=True`.

        Args:
            input_documents: Requirement documents: `{"path": ...}`, `{"content": ...}` or a
                path string. None or empty: the source's bundled sample documents.
            max_executions: Override the runner's bound on concurrent template chains.
            enable_parallelism: False runs one template at a time (debugging).
            run_id: Identifier of the run (and its checkpoint thread); generated when None.
                Letters, digits, '.', '_', '-'; at most 128 characters.
            listener: Called with every (mode, chunk) of the stream, e.g. for progress output.
            restart: Discard what the thread `run_id` holds and start it anew.

        Returns:
            The final state: reports (each with `.title`), summary and recorded errors; with
            `approve_templates`, the paused state with `interrupt` set (see `resume_async`).
        """
        context = self._context(
            max_executions=self.max_executions if max_executions is None else max_executions,
            enable_parallelism=enable_parallelism,
        )
        if run_id is None:
            run_id = f"run-{uuid.uuid4().hex[:12]}"
        check_thread_id(run_id, name="run_id")
        if input_documents is not None and (
            isinstance(input_documents, str | bytes | Path | dict)
            or not isinstance(input_documents, Iterable)
        ):
            raise GaaiError(
                "input_documents must be a list of documents ({'path': ...}, {'content': ...} "
                f"or path strings), got {type(input_documents).__name__}"
            )
        inputs = InputState(documents=list(input_documents or []), run_id=run_id)
        return await self._stream(inputs, run_id, context, listener, restart=restart)

    async def resume_async(
        self,
        answer: Any = None,
        *,
        thread_id: str | None = None,
        max_executions: int | None = None,
        enable_parallelism: bool = True,
        listener: StreamListener | None = None,
    ) -> WorkflowResult:
        """Continue a paused or interrupted run on its checkpoint thread.

        With an `answer`, the run waiting for template approval continues with
        `Command(resume=answer)`: `True` runs every template, `False` none,
        `{"drop": [ids], "edit": {id: {field: value}}}` some. Without one, a run stopped by
        a crash or a kill continues from its last checkpoint (finished template chains are
        not run again); a finished run is read back.

        The thread keeps the context it was started with (`WorkflowState.run_identity`): a
        runner made without source or options goes on with it; one whose source or options
        differ is refused (`ThreadIdentityError` names what differs).

        Args:
            answer: The reviewer's answer; None continues without one.
            thread_id: The run's thread id; default: the last run of this runner.
            max_executions: Override the runner's bound on concurrent template chains.
            enable_parallelism: False runs one template at a time.
            listener: Called with every (mode, chunk) of the stream.

        Returns:
            The run's state: final, or paused again (`interrupt` set) when the answer could
            not be applied (the interrupt's `error` says why).

        Raises:
            GaaiError: If there is no such run, or an answer is given to a run that is not
                waiting for one.
        """
        if thread_id is None:
            if self.last_result is None:
                raise GaaiError("nothing to resume: give thread_id= or run the workflow first")
            thread_id = self.last_result.thread_id
        check_thread_id(thread_id, name="thread_id")
        context = self._context(
            max_executions=self.max_executions if max_executions is None else max_executions,
            enable_parallelism=enable_parallelism,
        )
        if answer is not None:
            return await self._stream(
                Command(resume=answer), thread_id, context, listener, expect_interrupt=True
            )
        tracer = self._new_tracer(thread_id, context)
        try:
            async with self._graph(tracer, thread_id) as (graph, _):
                status = await thread_status(graph, thread_id)
                if status == "new":
                    raise CheckpointError(
                        f"no checkpointed run with thread id {thread_id!r} in "
                        f"{self._store_name()} to resume: give the out_dir= (or checkpoint=) "
                        "the run was started with"
                    )
                pending = await pending_interrupt(graph, thread_id)
                if pending is None:
                    await resume_run(graph, thread_id, context, self._listener(tracer, listener))
                result = await result_of_thread(graph, thread_id)
        finally:
            tracer.finish()
        return self._finish(result, tracer)

    def resume(self, answer: Any = None, *, thread_id: str | None = None) -> WorkflowResult:
        """Synchronous `resume_async` (one template at a time); also inside Jupyter's loop."""
        return _run_blocking(
            lambda: self.resume_async(answer, thread_id=thread_id, enable_parallelism=False)
        )

    async def _stream(
        self,
        payload: Any,
        thread_id: str,
        context: Context,
        listener: StreamListener | None,
        *,
        expect_interrupt: bool = False,
        restart: bool = False,
    ) -> WorkflowResult:
        tracer = self._new_tracer(thread_id, context)
        config: RunnableConfig = {
            "configurable": {"thread_id": thread_id},
            # No "max_concurrency": run_template bounds the chains itself (context.concurrency),
            # and a LangGraph-wide cap would deadlock once every slot holds a chain waiting on
            # a nested task (the LLM path's `llm_request`).
        }
        observe = self._listener(tracer, listener)
        try:
            async with self._graph(tracer, thread_id) as (graph, saver):
                if expect_interrupt and await pending_interrupt(graph, thread_id) is None:
                    raise GaaiError(
                        f"run {thread_id!r} is not waiting for template approval; "
                        "resume it without an answer"
                    )
                if restart:
                    await discard_thread(saver, thread_id)
                new = not expect_interrupt and await thread_status(graph, thread_id) == "new"
                try:
                    async for mode, chunk in graph.astream(
                        payload, config, context=context, stream_mode=_STREAM_MODES
                    ):
                        observe(mode, chunk)
                except Exception:
                    if new and await _refused(graph, thread_id):
                        await discard_thread(saver, thread_id)
                    raise
                result = await result_of_thread(graph, thread_id)
        finally:
            tracer.finish()
        return self._finish(result, tracer)

    def _finish(self, result: WorkflowResult, tracer: WorkflowTracer) -> WorkflowResult:
        # The LLM path records cache hits in state; they make no request, so no callback.
        tracer.record_cached_answers(
            sum(1 for call in result.values.get("llm_calls", []) if getattr(call, "cached", False))
        )
        result = dataclasses.replace(result, checkpoint=self._store_name())
        self.last_result = result
        return result

    def _store_name(self) -> str:
        if self._checkpoint_spec is None:
            return "memory" if self._in_memory else "the runner's checkpointer"
        from gaai_graph.persistence import describe_spec

        return describe_spec(self._checkpoint_spec)

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

    def export_reports(
        self,
        state: WorkflowResult,
        output_dir: str | Path | None = None,
        *,
        changes: RunChanges | None = None,
    ) -> list[Path]:
        """Write the run's summary and reports (JSON, Markdown, HTML, index.html).

        Args:
            state: The finished run.
            output_dir: Where to write; default: the runner's `out_dir`.
            changes: What changed since an earlier run of the question, as
                `gaai_graph.catalog.changes.annotate_from_catalog` returns it: the HTML pages
                then show the movers as a chart.

        Returns:
            The files written.

        Raises:
            GaaiError: If the run is waiting for template approval, or holds no summary (it
                did not finish).
        """
        from gaai_graph.reporting.files import write_run_outputs

        if state.interrupt is not None:
            raise GaaiError(
                f"run {state.thread_id} is waiting for template approval: call "
                "runner.resume(answer) (or await runner.resume_async(answer)) with True to run "
                f"all {len(state.interrupt.templates)} templates, False for none, or "
                '{"drop": [ids], "edit": {id: {field: value}}}; then export its reports'
            )
        if state.summary is None:
            raise GaaiError("the state has no summary; the run did not finish")
        reports = sorted(state.reports, key=lambda report: report.template_id)
        where = self.out_dir if output_dir is None else Path(output_dir)
        return write_run_outputs(
            where, state.summary, reports, self._graph_index(state), changes=changes
        )

    def _graph_index(self, state: WorkflowResult) -> GraphIndex | None:
        """Names and links of the analysed graph for the report pictures, or None.

        An in-memory source is reused from the load cache; a live database is not read again.
        """
        from gaai_graph.reporting.network import GraphIndex as Index
        from gaai_graph.sources import load_graph_sync
        from gaai_graph.sources.arango_url import is_arango_source

        spec = self._context(max_executions=1, enable_parallelism=False).source
        if is_arango_source(spec):
            return None
        try:
            return Index(load_graph_sync(spec), state.values.get("schema"))
        except Exception as error:  # pictures are a bonus: never lose the reports over them
            logger.warning("no network drawings: %s", error)
            return None


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


def _memory_saver() -> BaseCheckpointSaver[Any]:
    """An in-memory saver that reads back gaai_graph's state classes without warnings."""
    from gaai_graph import persistence

    # The allow-list `open_checkpointer` gives its savers; InMemorySaver's default serializer
    # warns "Deserializing unregistered type" for every state class on resume.
    return persistence.allow_state_types(InMemorySaver())


async def _refused(graph: Pregel, thread_id: str) -> bool:
    """Whether a run that just failed was refused: it ended before its graph was read."""
    snapshot = await graph.aget_state({"configurable": {"thread_id": thread_id}})
    return snapshot.values.get("schema") is None


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
