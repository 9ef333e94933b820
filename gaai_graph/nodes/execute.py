"""The per-template chain: execute one template, then write its report.

Each template is sent (LangGraph `Send`) to `run_template`, which awaits both steps itself so
report_i starts as soon as execution_i ends instead of waiting for the slowest execution of the
superstep. Failures are caught here and recorded as a failed result for that template: an
exception escaping a Send task would cancel its still-running siblings.

LangGraph's `tasks` stream says when a chain was scheduled, which is not when it runs: the
chain first waits for one of `Context.concurrency` slots. So the chain reports its own steps
on the `custom` stream (`stream_mode="custom"`), as dicts made by `template_event`:
`running` once it holds a slot, `reporting` when its execution has ended, and `finished`
(with the report's status and error) before it gives the slot back, so a reader sees a
template finish before the next one starts running.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, nullcontext
from typing import Any

from langgraph.runtime import Runtime
from typing_extensions import TypedDict

from gaai_graph.context import Context
from gaai_graph.engines.choice import EngineName, choose_engine, local_bytes
from gaai_graph.engines.describe import describe_result, mentioned_names
from gaai_graph.engines.local import LocalEngine, forget_projection
from gaai_graph.engines.offload import (
    Worker,
    compute_elsewhere,
    reserved_worker,
    should_offload,
)
from gaai_graph.errors import GaaiError
from gaai_graph.memory import give_back_freed_memory
from gaai_graph.models import (
    ExecutionResult,
    GraphProjection,
    GraphSchema,
    MetricValue,
    Report,
    RunError,
)
from gaai_graph.nodes.admission import AnalysisAdmission, analysis_slots
from gaai_graph.nodes.common import context_of, timed
from gaai_graph.nodes.report import write_report_by_rules
from gaai_graph.sources import GraphData, ProjectionData, load_graph
from gaai_graph.sources.arango_url import is_arango_source
from gaai_graph.sources.projection import build_projection
from gaai_graph.state import TemplateTask
from gaai_graph.trust import confirm_paths

logger = logging.getLogger(__name__)

_engine = LocalEngine()

TEMPLATE_EVENT = "gaai.template"
"""The `event` of the custom stream chunks the template chains write."""


class TemplateEvent(TypedDict, total=False):
    """One step of a template chain, as written to LangGraph's `custom` stream."""

    event: str
    """Always `TEMPLATE_EVENT`, to tell these chunks from other custom data."""
    state: str
    """'queued' (dispatched, `gaai_graph.progress`), 'running' (holds a slot), 'reporting'
    (execution ended) or 'finished'."""
    template_id: str
    title: str
    algorithm: str
    method: str
    """The method that produced the result (the algorithm until methods are named apart)."""
    n: int
    """Position of the template among the run's templates (1-based); 0 when unknown."""
    total: int
    """How many templates the run dispatched; 0 when unknown."""
    result: str
    """For 'finished': the report's one-line result (its summary's first line, or the error)."""
    status: str
    """For 'finished': the report's status."""
    error: str | None
    """For 'finished': the report's error, if any."""


def template_event(state: str, task: TemplateTask, **extra: Any) -> TemplateEvent:
    """Build the custom stream chunk for one step of `task`'s chain.

    Args:
        state: 'running', 'reporting' or 'finished'.
        task: The chain's template task.
        **extra: `status` and `error` for 'finished'.
    """
    event = TemplateEvent(
        event=TEMPLATE_EVENT,
        state=state,
        template_id=task.template.id,
        title=task.template.title,
        algorithm=task.template.algorithm,
        method=getattr(task.template, "method", None) or task.template.algorithm,
        n=task.position,
        total=task.total,
    )
    event.update(extra)  # type: ignore[typeddict-item]
    return event


def one_line_result(report: Report, limit: int = 200) -> str:
    """The report's result in one line: its summary's first line, or its error."""
    text = report.error if report.status == "failed" and report.error else report.summary
    line = " ".join((text or report.status).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def is_template_event(chunk: Any) -> bool:
    """Tell whether a custom stream chunk is a `TemplateEvent`."""
    return isinstance(chunk, dict) and chunk.get("event") == TEMPLATE_EVENT


class _Gate:
    """What the template chains of one superstep share, dropped when the last one leaves.

    `semaphore` bounds the chains in flight (`max_executions`); `admission` bounds, within
    them, the analyses holding their projections and working memory at once (see
    `gaai_graph.nodes.admission`).
    """

    def __init__(self, size: int) -> None:
        self.semaphore = asyncio.Semaphore(size)
        self.admission = AnalysisAdmission(analysis_slots(size))
        self.users = 0


# Keyed by (event loop, checkpoint id): every Send task of one superstep sees the same
# checkpoint id, so they share one gate; other runs in the same process get their own.
_gates: dict[tuple[int, str], _Gate] = {}


@asynccontextmanager
async def _superstep_gate(key: str, size: int) -> AsyncIterator[_Gate]:
    """The superstep's `_Gate`, entered (not yet its semaphore) for one chain."""
    gate_key = (id(asyncio.get_running_loop()), key)
    gate = _gates.get(gate_key)
    if gate is None:
        gate = _gates[gate_key] = _Gate(size)
    gate.users += 1
    try:
        yield gate
    finally:
        gate.users -= 1
        if gate.users == 0:
            _gates.pop(gate_key, None)
            if not _gates:
                # The superstep's last chain is done: no template of this run needs the
                # projections (with their igraph graphs and indexes, hundreds of MB at 10^6
                # edges) while the reports are exported; a later run rebuilds them from the
                # load's index.
                _projections.clear()
                give_back_freed_memory()


class _ProjectionCache:
    """Recently built projections, so templates sharing a projection build it once."""

    def __init__(self, capacity: int = 8) -> None:
        self._capacity = capacity
        self._entries: OrderedDict[tuple[str, str], ProjectionData] = OrderedDict()
        self._lock = threading.Lock()
        self._building: dict[tuple[str, str], threading.Lock] = {}
        # Projection (its JSON) -> templates started and not finished that use it: a
        # projection no running or waiting template needs is dropped at once, so the
        # largest ones (with their igraph graphs) are not all held until the run ends.
        self._wanted: dict[str, int] = {}

    def get_or_build(
        self, key: tuple[str, str], build: Callable[[], ProjectionData]
    ) -> ProjectionData:
        with self._lock:
            cached = self._entries.get(key)
            if cached is not None:
                self._entries.move_to_end(key)
                return cached
            build_lock = self._building.setdefault(key, threading.Lock())
        # Concurrent chains asking for the same projection wait for one build.
        with build_lock:
            with self._lock:
                cached = self._entries.get(key)
            if cached is not None:
                return cached
            built: ProjectionData = build()
            with self._lock:
                self._entries[key] = built
                self._entries.move_to_end(key)
                while len(self._entries) > self._capacity:
                    self._entries.popitem(last=False)
                self._building.pop(key, None)
            return built

    def want(self, projection: str) -> None:
        """Note that a template about to run uses `projection` (keeps it cached once built)."""
        with self._lock:
            self._wanted[projection] = self._wanted.get(projection, 0) + 1

    def sole_user(self, projection: str) -> bool:
        """Whether exactly one template started and not finished uses `projection`.

        Chains count themselves (`want`) when they start, all of a superstep's before any of
        them runs, so the one asking is then the last to read the projection: it may take
        the projection's graph rather than copy it (`LocalEngine.compute`).
        """
        with self._lock:
            return self._wanted.get(projection, 0) == 1

    def release(self, projection: str) -> bool:
        """Note that a template using `projection` is done; forget it when none is left.

        Returns:
            Whether a cached projection was forgotten.
        """
        with self._lock:
            left = self._wanted.get(projection, 0) - 1
            if left > 0:
                self._wanted[projection] = left
                return False
            self._wanted.pop(projection, None)
            unused = [key for key in self._entries if key[1] == projection]
            dropped = [self._entries.pop(key) for key in unused]
        for data in dropped:
            forget_projection(data)
        return bool(unused)

    def clear(self) -> None:
        """Forget every cached projection (one being built is still handed to its callers)."""
        with self._lock:
            dropped = list(self._entries.values())
            self._entries.clear()
        for data in dropped:
            forget_projection(data)


_projections = _ProjectionCache()


def _projection_key(data: GraphData, projection: GraphProjection) -> tuple[str, str]:
    # The load, not the source name or fingerprint: a snapshot rewritten with the same
    # counts is a new load whose projections must be built afresh.
    return (data.load_id, projection.model_dump_json())


def _describe_failure(error: BaseException) -> str:
    if isinstance(error, GaaiError):
        return str(error)
    return f"{type(error).__name__}: {error}"


def _edge_count(data: GraphData, projection: GraphProjection) -> int:
    """Edges of the projection's edge collections (a live source counts without reading)."""
    return sum(
        len(data.collections[name].documents)
        for name in projection.edge_collections
        if name in data.collections
    )


def _may_offload(task: TemplateTask, context: Context) -> bool:
    """Whether the template's algorithm will run in a worker process (`should_offload`).

    Decided when its chain starts, before its projection is built, by the schema's counts of
    its edge collections. Never for a run that writes results back or may run the template
    on the GAE: the algorithm then runs elsewhere than a worker.
    """
    if context.write_results or context.engine == "gae":
        return False
    if context.engine == "auto" and is_arango_source(context.source):
        return False  # `engine_for` decides by the data, read later
    edges = _schema_count(task.schema, task.template.projection.edge_collections)
    return should_offload(edges, task.template, parallel=context.concurrency > 1)


def _schema_count(schema: GraphSchema, names: list[str]) -> int:
    """Documents of the named collections, as the schema counted them (unknown names: 0)."""
    profiles = (schema.collection(name) for name in names)
    return sum(profile.count for profile in profiles if profile is not None)


def analysis_bytes(schema: GraphSchema, projection: GraphProjection) -> int:
    """Estimated peak bytes of an analysis on `projection`, from the schema's counts.

    The shape of an upper bound, not a measurement: every document of the projection's
    collections counted (`gaai_graph.engines.choice.local_bytes`). The admission
    (`gaai_graph.nodes.admission`) compares such estimates with one another.
    """
    return local_bytes(
        _schema_count(schema, projection.edge_collections),
        _schema_count(schema, projection.vertex_collections),
    )


def engine_for(context: Context, data: GraphData, projection: GraphProjection) -> EngineName:
    """The engine that runs a template on `projection` (`gaai_graph.engines.choice`).

    'local' and 'gae' are kept as the operator gave them; 'auto' decides by the projection's
    edge count (a live source's edge collections report their counts without being read).
    """
    edge_count = _edge_count(data, projection)
    return choose_engine(
        context.engine, edge_count=edge_count, live_source=is_arango_source(context.source)
    )


async def execute_template(
    task: TemplateTask,
    context: Context,
    *,
    run_key: str | None = None,
    worker: Worker | None = None,
) -> ExecutionResult:
    """Run one template's algorithm on its projection; failures become a failed result.

    Args:
        task: The template with the schema it was validated against.
        context: Run configuration (source, seed, write_results).
        run_key: Identifies the run (its thread or checkpoint id), so write-back puts all
            of a run's templates into one new collection.
        worker: A worker process held for this template's algorithm
            (`gaai_graph.engines.offload.reserved_worker`); without one, an algorithm that
            may run in a worker takes an idle one if there is any.

    Returns:
        The execution summary, with status "failed" and the error when anything went wrong.
    """
    template = task.template
    started = time.perf_counter()
    projection: ProjectionData | None = None
    try:
        await confirm_paths(context)
        data = await load_graph(context.source)
        label_attributes = {c.name: c.label_attribute for c in task.schema.collections}
        if engine_for(context, data, template.projection) == "gae":
            # Opt-in: run next to the database (gaai_graph.engines.gae); None = not on GAE.
            from gaai_graph.engines.gae import run_on_gae

            on_gae = await asyncio.to_thread(
                run_on_gae,
                data,
                template,
                label_attributes,
                engine_id=context.gae_engine,
                keep_results=context.write_results,
                seed=context.seed,
                run_key=run_key or template.id,
            )
            if on_gae is not None:
                return on_gae
        parallel = context.concurrency > 1
        key = _projection_key(data, template.projection)
        built = await asyncio.to_thread(
            _projections.get_or_build,
            key,
            lambda: build_projection(data, template.projection, label_attributes),
        )
        projection = built
        if context.write_results:
            # Opt-in: per-vertex results go to a new collection of the live source, one per
            # run (keyed by `run_key`); see gaai_graph.sources.arango_writeback.
            from gaai_graph.sources.arango_writeback import run_and_write_back

            written = await asyncio.to_thread(
                run_and_write_back,
                data,
                built,
                template,
                seed=context.seed,
                run_key=run_key or template.id,
            )
            written.names = mentioned_names(written, built)
            return written
        output = None
        if worker is not None or should_offload(built.edge_count, template, parallel=parallel):
            # A long GIL-bound algorithm: in a worker process while this one runs the others
            # (with a worker reserved for it, even if the projection came out smaller than the
            # schema's counts: its chain holds no place among this process's analyses).
            output = await asyncio.to_thread(
                compute_elsewhere, built, template, seed=context.seed, worker=worker
            )
        if output is None:
            sole_user = _projections.sole_user(template.projection.model_dump_json())
            result = await asyncio.to_thread(
                _engine.run, built, template, seed=context.seed, sole_user=sole_user
            )
        else:
            result = await asyncio.to_thread(
                _engine.summarise, output, built, template, seed=context.seed
            )
        # The names and attribute profile a report is written with.
        return await asyncio.to_thread(
            describe_result, result, data, built, task.schema, seed=context.seed
        )
    except Exception as error:
        logger.warning("template %s failed to execute: %s", template.id, error, exc_info=True)
        # What was measured before the failure: the time spent, and the projection's size
        # when it was built (the algorithm, not the data, failed then).
        metrics: dict[str, MetricValue] = {
            "vertex_count": projection.vertex_count if projection is not None else None,
            "edge_count": projection.edge_count if projection is not None else None,
            "runtime_seconds": round(time.perf_counter() - started, 6),
        }
        return ExecutionResult(
            template_id=template.id,
            status="failed",
            error=_describe_failure(error),
            algorithm=template.algorithm,
            parameters=template.parameters,
            projection=template.projection,
            metrics=metrics,
        )


def write_report(task: TemplateTask, execution: ExecutionResult) -> Report:
    """Write the report for one executed template (rule-based)."""
    intent = task.use_case.intent if task.use_case else None
    return write_report_by_rules(
        task.template, execution, task.vertical, task.requirements, intent=intent
    )


def _failed_report(task: TemplateTask, execution: ExecutionResult, error: BaseException) -> Report:
    template = task.template
    return Report(
        template_id=template.id,
        use_case_id=template.use_case_id,
        requirement_ids=template.requirement_ids,
        title=template.title,
        algorithm=template.algorithm,
        parameters=execution.parameters or template.parameters,
        projection=template.projection,
        status="failed",
        error=f"report writing failed: {_describe_failure(error)}",
        summary="The analysis ran but its report could not be written; the raw results are kept.",
        **execution.result_fields(),
    )


def _ignore(_: Any) -> None:
    return None


async def run_template(task: TemplateTask, runtime: Runtime[Context]) -> dict[str, Any]:
    """Execute one template and write its report, within the run's concurrency bound.

    Args:
        task: The template and what its report needs (schema, vertical, requirements).
        runtime: Gives the run's context; its execution info keys the concurrency gate.

    Returns:
        State updates: the execution, the report, their timings and any recorded error.
    """
    context = context_of(runtime)
    gate_key = runtime.execution_info.checkpoint_id if runtime.execution_info else "default"
    async with _superstep_gate(gate_key or "default", context.concurrency) as gate:
        # Every chain of a superstep starts at once and counts itself here before any of
        # them waits, so the count of templates wanting a projection is complete before the
        # first of them finishes, and the admission knows the superstep's largest analysis.
        gate.admission.expect(analysis_bytes(task.schema, task.template.projection))
        use = _ProjectionUse(task.template.projection)
        try:
            return await _run_within_gate(task, context, runtime, gate, use)
        finally:
            use.end()


class _ProjectionUse:
    """One chain's claim on its projection (`_ProjectionCache.want`), ended once."""

    def __init__(self, projection: GraphProjection) -> None:
        self._wanted = projection.model_dump_json()
        self._ended = False
        _projections.want(self._wanted)

    def end(self) -> None:
        """The chain's analysis is over: its projection may go, and memory back to the system.

        Called when the execution ends, before the report is written (a report needs the
        execution's summary, not the projection), and again, to no effect, when the chain
        ends.
        """
        if self._ended:
            return
        self._ended = True
        _projections.release(self._wanted)
        # Whether or not the projection went (another template may still use it), the
        # analysis's working memory was freed on a worker thread's heap: hand it back
        # before the next analysis grows another heap.
        give_back_freed_memory()


async def _run_within_gate(
    task: TemplateTask,
    context: Context,
    runtime: Runtime[Context],
    gate: _Gate,
    use: _ProjectionUse,
) -> dict[str, Any]:
    """`run_template` once its projection and analysis are counted: the chain itself."""
    template_id = task.template.id
    # A no-op unless the caller streams "custom" (and absent on hand-made runtimes in tests).
    write = getattr(runtime, "stream_writer", None) or _ignore
    errors: list[RunError] = []
    llm_updates: dict[str, Any] = {}
    async with gate.semaphore:
        with reserved_worker() if _may_offload(task, context) else nullcontext() as worker:
            # An algorithm with a worker process of its own takes no place (core or memory)
            # among this process's analyses, so it starts now and the others run beside it.
            # The others wait for their turn (by cores and size) before they count as running:
            # the 'running' event and the execute timing are the analysis's own.
            cost = analysis_bytes(task.schema, task.template.projection)
            async with nullcontext() if worker else gate.admission.admitted(cost):
                write(template_event("running", task))
                with timed("execute", template_id) as execute_clock:
                    info = runtime.execution_info
                    run_key = (
                        getattr(info, "thread_id", None)
                        or getattr(info, "run_id", None)
                        or getattr(info, "checkpoint_id", None)
                    )
                    execution = await execute_template(
                        task, context, run_key=run_key, worker=worker
                    )
                use.end()
        write(template_event("reporting", task))
        with timed("report", template_id) as report_clock:
            try:
                report = write_report(task, execution)
                if inspect.isawaitable(report):
                    # An asynchronous report writer (an LLM call; benchmarks/orchestration.py
                    # injects its latency here) runs without blocking the other chains.
                    report = await report
                # LLM branch: the rule report above is the fallback.
                from gaai_graph.llm.phases import write_report_with_llm

                report, llm_updates = await write_report_with_llm(
                    context,
                    task.template,
                    execution,
                    task.vertical,
                    task.requirements,
                    report,
                )
            except Exception as error:
                logger.warning("report for %s failed: %s", template_id, error, exc_info=True)
                report = _failed_report(task, execution, error)
        write(
            template_event(
                "finished",
                task,
                status=report.status,
                error=report.error,
                result=one_line_result(report),
            )
        )
    if report.status == "failed":
        errors.append(
            RunError(
                phase="execute" if execution.status == "failed" else "report",
                template_id=template_id,
                message=report.error or "failed",
            )
        )
    return {
        "executions": [execution],
        "reports": [report],
        "timings": [execute_clock.timing, report_clock.timing],
        "errors": errors,
        **llm_updates,
    }
