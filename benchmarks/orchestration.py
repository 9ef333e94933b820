"""Orchestration benchmark: the real workflow graph with injected phase latencies.

What runs is `gaai_graph.graph.build_graph()` compiled as users compile it (with and without the
SQLite checkpointer), with our real per-template chain (`run_template`: concurrency gate,
timings, failure handling). Only the work inside the phases is replaced: every phase node the
graph module imports, and `execute_template` / `write_report` inside the chain, become
`asyncio.sleep` of a fixed latency returning outputs captured from one real run on the demo.
So the wall time measured is latency + LangGraph orchestration + our chain code, and it can be
compared with the DAG's lower bounds computed from the injected latencies:

- critical path (pipelined): max(schema, requirements) + vertical + use cases + templates
  + max_i(execute_i + report_i) + aggregate — what a run with pipelined chains can reach;
- barrier bound: the same with max(execute) + max(report) — what a run would take if every
  report waited for the slowest execution (a superstep barrier between execute and report);
- sequential bound: the same with sum_i(execute_i + report_i).

The latency profile is the seeds' (schema 40 s ∥ requirements 40 s, execute ≈ 12 s and
report ≈ 6 s per template) scaled down by `--scale` (default 1/50: one seed second is 20 ms).
Executions and reports vary per template and are anti-correlated (the slowest execution has
the quickest report), so max(execute) + max(report) > max(execute_i + report_i).

Run: `python benchmarks/orchestration.py [--full] [--n 5,50,500] [--repeat 5]`.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import gc
import importlib
import logging
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import AsyncExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from common import best_and_median, ratio, seconds, table
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

from gaai_graph.context import Context
from gaai_graph.models import AnalysisTemplate, ExecutionResult, Report
from gaai_graph.nodes import execute as execute_module
from gaai_graph.state import TemplateTask, WorkflowState

# The package re-exports the compiled `graph`, which shadows the module of the same name.
graph_module = importlib.import_module("gaai_graph.graph")

SEED_PHASES: dict[str, float] = {
    "analyze_schema": 40.0,
    "extract_requirements": 40.0,
    "resolve_vertical": 5.0,
    "generate_use_cases": 5.0,
    "generate_templates": 5.0,
    "aggregate": 3.0,
}
"""Seconds per phase in the seeds' profile (schema and requirements run in parallel)."""
SEED_EXECUTE_MEAN = 12.0
SEED_REPORT_MEAN = 6.0
SEED_CLAIM = "180 s → 78 s for 5 templates"

DEFAULT_SCALE = 1 / 50
DEFAULT_SIZES = (5, 50, 500)
CHECKPOINTERS: tuple[tuple[str, str | None], ...] = (
    ("none", None),
    ("sqlite", "sync"),
    ("sqlite", "async"),
    ("sqlite", "exit"),
)
"""(checkpointer, durability) configurations: no checkpointer; AsyncSqliteSaver with durability
"sync" (what `gaai run` and the runner use: each step's checkpoint and each task's writes are
saved before the next step starts, so a hard kill loses nothing finished), with LangGraph's
default "async" (saved as the run goes, in the background), and with "exit" (saved once when the
run ends: no resume after a crash)."""
SEQUENTIAL_BUDGET = 10.0
"""Sequential runs are repeated only while their expected total stays within this many
seconds per configuration (sequential at N = 50 takes ~19 s: it runs once)."""


# --------------------------------------------------------------------------- the profile


@dataclass
class Profile:
    """Injected latencies (real seconds) for one N, and the DAG bounds they imply."""

    n: int
    scale: float
    phases: dict[str, float]
    execute: list[float]
    report: list[float]

    @classmethod
    def seeded(cls, n: int, scale: float) -> Profile:
        # Evenly spread fractions in a fixed shuffled order: execute spans 0.25..1.75 × its
        # mean, report 1.75..0.25 × its mean, so the slowest execution has the quickest report.
        fractions = [i / (n - 1) for i in range(n)] if n > 1 else [1.0]
        random.Random(n).shuffle(fractions)
        return cls(
            n=n,
            scale=scale,
            phases={name: value * scale for name, value in SEED_PHASES.items()},
            execute=[SEED_EXECUTE_MEAN * (0.25 + 1.5 * f) * scale for f in fractions],
            report=[SEED_REPORT_MEAN * (1.75 - 1.5 * f) * scale for f in fractions],
        )

    @property
    def upstream(self) -> float:
        p = self.phases
        return (
            max(p["analyze_schema"], p["extract_requirements"])
            + p["resolve_vertical"]
            + p["generate_use_cases"]
            + p["generate_templates"]
        )

    @property
    def critical_path(self) -> float:
        chain = max(e + r for e, r in zip(self.execute, self.report, strict=True))
        return self.upstream + chain + self.phases["aggregate"]

    @property
    def barrier_bound(self) -> float:
        return self.upstream + max(self.execute) + max(self.report) + self.phases["aggregate"]

    @property
    def sequential_bound(self) -> float:
        chains = sum(self.execute) + sum(self.report)
        return self.upstream + chains + self.phases["aggregate"]

    @property
    def early_reports_if_pipelined(self) -> int:
        """Chains whose report ends before the slowest execution ends, when pipelined."""
        slowest = max(self.execute)
        return sum(1 for e, r in zip(self.execute, self.report, strict=True) if e + r < slowest)


# --------------------------------------------------------------------------- captured outputs


@dataclass
class Captured:
    """Real outputs of one demo run: upstream state and one execution/report per template."""

    values: dict[str, Any]
    templates: list[AnalysisTemplate]
    executions: dict[str, ExecutionResult]
    reports: dict[str, Report]


async def capture() -> Captured:
    """Run the real graph on the demo up to the template chains, then each chain's steps."""
    compiled = graph_module.build_graph().compile(
        checkpointer=InMemorySaver(), interrupt_before=["run_template"]
    )
    config: Any = {"configurable": {"thread_id": "capture"}}
    context = Context(source="demo")
    await compiled.ainvoke({"documents": []}, config, context=context)
    # Reading our pydantic models back from a checkpoint logs LangGraph's "unregistered type"
    # warning (one per model class); it is the same for every run and not what we measure.
    serde_logger = logging.getLogger("langgraph.checkpoint.serde.jsonplus")
    level = serde_logger.level
    serde_logger.setLevel(logging.ERROR)
    try:
        values = dict((await compiled.aget_state(config)).values)
    finally:
        serde_logger.setLevel(level)
    names = {f.name for f in dataclasses.fields(WorkflowState)}
    state = WorkflowState(**{k: v for k, v in values.items() if k in names})
    sends = graph_module.route_templates(state)
    executions: dict[str, ExecutionResult] = {}
    reports: dict[str, Report] = {}
    for send in sends:
        task: TemplateTask = send.arg
        execution = await execute_module.execute_template(task, context)
        executions[task.template.id] = execution
        reports[task.template.id] = execute_module.write_report(task, execution)
    return Captured(values, list(state.templates), executions, reports)


# --------------------------------------------------------------------------- the harness


@dataclass
class Workload:
    """Everything the stubs need for one N: latencies and outputs by template id."""

    profile: Profile
    templates: list[AnalysisTemplate]
    execute: dict[str, float]
    report: dict[str, float]
    executions: dict[str, ExecutionResult]
    reports: dict[str, Report]
    execute_end: dict[str, float] = field(default_factory=dict)
    report_end: dict[str, float] = field(default_factory=dict)

    @classmethod
    def build(cls, profile: Profile, captured: Captured) -> Workload:
        base = captured.templates
        templates = [
            base[i % len(base)].model_copy(update={"id": f"TPL-{i + 1:04d}"})
            for i in range(profile.n)
        ]
        return cls(
            profile=profile,
            templates=templates,
            execute={t.id: profile.execute[i] for i, t in enumerate(templates)},
            report={t.id: profile.report[i] for i, t in enumerate(templates)},
            executions={
                t.id: captured.executions[base[i % len(base)].id].model_copy(
                    update={"template_id": t.id}
                )
                for i, t in enumerate(templates)
            },
            reports={
                t.id: captured.reports[base[i % len(base)].id].model_copy(
                    update={"template_id": t.id}
                )
                for i, t in enumerate(templates)
            },
        )


class Harness:
    """Installs the latency stubs into the graph module and the chain, and restores them."""

    def __init__(self, captured: Captured) -> None:
        self.captured = captured
        self.workload: Workload | None = None

    def _phase(self, name: str, output: Any) -> Any:
        async def node(state: Any, **bound: Any) -> dict[str, Any]:  # e.g. policy=, unused
            assert self.workload is not None
            await asyncio.sleep(self.workload.profile.phases[name])
            return output(self.workload) if callable(output) else output

        node.__name__ = name
        return node

    async def _execute_template(
        self,
        task: TemplateTask,
        context: Context,
        *,
        run_key: str | None = None,
        worker: object = None,
    ) -> ExecutionResult:
        workload = self.workload
        assert workload is not None
        template_id = task.template.id
        await asyncio.sleep(workload.execute[template_id])
        workload.execute_end[template_id] = time.perf_counter()
        return workload.executions[template_id]

    async def _write_report(self, task: TemplateTask, execution: ExecutionResult) -> Report:
        # Returns a coroutine: run_template awaits an awaitable report (as an LLM writer's).
        workload = self.workload
        assert workload is not None
        template_id = task.template.id
        await asyncio.sleep(workload.report[template_id])
        workload.report_end[template_id] = time.perf_counter()
        return workload.reports[template_id]

    @contextmanager
    def installed(self) -> Iterator[None]:
        values = self.captured.values
        outputs: dict[str, Any] = {
            "analyze_schema": {"schema": values["schema"]},
            "extract_requirements": {"requirements": values["requirements"]},
            "resolve_vertical": {"vertical": values["vertical"]},
            "generate_use_cases": {"use_cases": values["use_cases"]},
            "generate_templates": lambda workload: {"templates": workload.templates},
            "aggregate": {"summary": None},
        }
        replacements: list[tuple[Any, str, Any]] = [
            (graph_module, name, self._phase(name, output)) for name, output in outputs.items()
        ]
        replacements += [
            (execute_module, "execute_template", self._execute_template),
            (execute_module, "write_report", self._write_report),
        ]
        originals = [(owner, name, getattr(owner, name)) for owner, name, _ in replacements]
        try:
            for owner, name, stub in replacements:
                setattr(owner, name, stub)
            yield
        finally:
            for owner, name, original in originals:
                setattr(owner, name, original)


# --------------------------------------------------------------------------- measuring


@dataclass
class Cell:
    """Measurements of one (checkpointer, N) configuration."""

    checkpointer: str
    durability: str | None
    profile: Profile
    parallel: list[float] = field(default_factory=list)
    sequential: list[float] = field(default_factory=list)
    early_reports: list[int] = field(default_factory=list)

    @property
    def label(self) -> str:
        return (
            self.checkpointer
            if self.durability is None
            else f"{self.checkpointer} ({self.durability})"
        )

    @property
    def target(self) -> float:
        return 1.05 if self.profile.n <= 50 else 1.10


async def _run_once(
    compiled: Any, harness: Harness, workload: Workload, *, parallel: bool, durability: str | None
) -> tuple[float, int]:
    workload.execute_end.clear()
    workload.report_end.clear()
    harness.workload = workload
    n = workload.profile.n
    context = Context(source="demo", max_executions=max(n, 1), enable_parallelism=parallel)
    options: dict[str, Any] = {}
    if durability is not None:
        options["durability"] = durability
        options["config"] = {"configurable": {"thread_id": uuid.uuid4().hex}}
    # Each run starts without the previous run's garbage, as a run in a fresh process would;
    # collection during the run (of this run's objects) is still measured.
    gc.collect()
    start = time.perf_counter()
    result = await compiled.ainvoke({"documents": []}, context=context, **options)
    wall = time.perf_counter() - start
    reports = result["reports"]
    if len(reports) != n or len({r.template_id for r in reports}) != n:
        raise RuntimeError(f"expected {n} distinct reports, got {len(reports)}")
    if any(r.status != "succeeded" for r in reports):
        raise RuntimeError(f"failed reports: {[r.error for r in reports if r.error]}")
    slowest_execution_end = max(workload.execute_end.values())
    early = sum(1 for end in workload.report_end.values() if end < slowest_execution_end)
    return wall, early


async def measure(
    sizes: list[int], scale: float, repeat: int, sequential_max_n: int, log: Any
) -> list[Cell]:
    captured = await capture()
    harness = Harness(captured)
    cells: list[Cell] = []
    with harness.installed(), tempfile.TemporaryDirectory(prefix="gaai-bench-") as tmp:
        for checkpointer, durability in CHECKPOINTERS:
            async with AsyncExitStack() as stack:
                saver = None
                if checkpointer == "sqlite":
                    # One saver per event loop (DESIGN §3), on a file in a temp dir.
                    path = str(Path(tmp) / f"checkpoints-{durability}.sqlite")
                    saver = await stack.enter_async_context(AsyncSqliteSaver.from_conn_string(path))
                compiled = graph_module.build_graph().compile(checkpointer=saver)
                for n in sizes:
                    profile = Profile.seeded(n, scale)
                    workload = Workload.build(profile, captured)
                    cell = Cell(checkpointer, durability, profile)
                    run_sequential = n <= sequential_max_n
                    sequential_repeat = max(
                        1, min(repeat, int(SEQUENTIAL_BUDGET // profile.sequential_bound))
                    )
                    # Warm-up (imports, first checkpoint tables, allocator), not timed.
                    await _run_once(
                        compiled, harness, workload, parallel=True, durability=durability
                    )
                    for index in range(repeat):
                        modes = [True, False] if index % 2 == 0 else [False, True]
                        for parallel in modes:
                            if not parallel and (not run_sequential or index >= sequential_repeat):
                                continue
                            wall, early = await _run_once(
                                compiled,
                                harness,
                                workload,
                                parallel=parallel,
                                durability=durability,
                            )
                            if parallel:
                                cell.parallel.append(wall)
                                cell.early_reports.append(early)
                            else:
                                cell.sequential.append(wall)
                    log(_progress_line(cell))
                    cells.append(cell)
    return cells


def _progress_line(cell: Cell) -> str:
    best, median = best_and_median(cell.parallel)
    sequential = statistics.median(cell.sequential) if cell.sequential else None
    return (
        f"  checkpointer={cell.label:15} N={cell.profile.n:<4} "
        f"parallel best {seconds(best)} median {seconds(median)} "
        f"(critical path {seconds(cell.profile.critical_path)}), "
        f"sequential {seconds(sequential)}"
    )


# --------------------------------------------------------------------------- reporting


@dataclass
class Outcome:
    markdown: str
    unmet: list[str]


def render(cells: list[Cell], scale: float, repeat: int, sequential_max_n: int) -> Outcome:
    rows = []
    unmet: list[str] = []
    verdicts: list[str] = []
    for cell in cells:
        profile = cell.profile
        best, median = best_and_median(cell.parallel)
        sequential = statistics.median(cell.sequential) if cell.sequential else None
        over_cp = median / profile.critical_path
        overhead = (median - profile.critical_path) / profile.n
        met = over_cp <= cell.target
        early = statistics.median(cell.early_reports)
        if median < profile.barrier_bound:
            tracks = "pipelined"
        elif early >= profile.early_reports_if_pipelined * 0.9:
            tracks = "pipelined (see early reports)"
        else:
            tracks = "barrier"
        label = f"{cell.label}, N={profile.n}"
        rows.append(
            [
                cell.label,
                str(profile.n),
                seconds(sequential) if sequential is not None else "not run",
                seconds(profile.sequential_bound),
                seconds(best),
                seconds(median),
                seconds(profile.critical_path),
                seconds(profile.barrier_bound),
                tracks,
                f"{early:.0f} / {profile.early_reports_if_pipelined}",
                ratio(sequential / median) if sequential is not None else "–",
                ratio(over_cp),
                f"{overhead * 1000:.2f} ms",
                f"{'met' if met else 'NOT met'} (≤ {cell.target:.2f}×)",
            ]
        )
        verdicts.append(
            f"- {label}: parallel median {seconds(median)} = {over_cp:.3f}× the critical path "
            f"(target ≤ {cell.target:.2f}×): **{'met' if met else 'not met'}**."
        )
        if not met:
            unmet.append(
                f"orchestration {label}: parallel/critical path {over_cp:.3f}× > "
                f"{cell.target:.2f}× ({overhead * 1000:.2f} ms orchestration per template chain)"
            )
    headers = [
        "checkpointer",
        "N",
        "sequential (median)",
        "sequential bound",
        "parallel best",
        "parallel median",
        "critical path",
        "barrier bound",
        "wall time tracks",
        "early reports (measured / if pipelined)",
        "sequential / parallel",
        "parallel / critical path",
        "overhead per chain",
        "target",
    ]
    seed_lines = _seed_units(cells, scale)
    markdown = "\n".join(
        [
            "## Orchestration: the real graph with injected latencies",
            "",
            f"Latencies are the seeds' profile scaled by {scale:g} (one seed second = "
            f"{scale * 1000:g} ms): schema {SEED_PHASES['analyze_schema']:g} s ∥ requirements "
            f"{SEED_PHASES['extract_requirements']:g} s, vertical, use cases and templates "
            f"{SEED_PHASES['resolve_vertical']:g} s each, aggregate "
            f"{SEED_PHASES['aggregate']:g} s; "
            f"per template execute {SEED_EXECUTE_MEAN:g} s and report {SEED_REPORT_MEAN:g} s on "
            "average, spread 0.25–1.75× and anti-correlated so that max(execute) + max(report) "
            "exceeds max(execute_i + report_i). Phase nodes, `execute_template` and "
            "`write_report` are `asyncio.sleep` stubs returning outputs captured from a real demo "
            "run; the graph, `Send` fan-out, `run_template` chain, concurrency gate and "
            "checkpointer are the real ones. `max_executions` = N; sequential mode is "
            "`Context(enable_parallelism=False)` (the START fan-out stays parallel).",
            "",
            f"Parallel: {repeat} timed runs per configuration after one warm-up; sequential: "
            f"repeated while within {SEQUENTIAL_BUDGET:g} s, run for N ≤ {sequential_max_n}. "
            "Modes alternate within each repeat, side by side in one process. Ratios and targets "
            "use the **median**; best is shown too. Overhead per chain = (parallel median − "
            "critical path) / N. *Early reports* counts reports finished before the slowest "
            "execution ended: 0 under a superstep barrier, the number shown after the slash if "
            "chains are pipelined.",
            "",
            table(headers, rows),
            "",
            *verdicts,
            "",
            *seed_lines,
        ]
    )
    return Outcome(markdown, unmet)


def _seed_units(cells: list[Cell], scale: float) -> list[str]:
    lines = []
    for cell in cells:
        if cell.profile.n != 5 or not cell.sequential:
            continue
        sequential = statistics.median(cell.sequential) / scale
        parallel = statistics.median(cell.parallel) / scale
        lines.append(
            f"- In the seeds' units (N = 5, checkpointer {cell.label}): sequential "
            f"{sequential:.0f} s → parallel {parallel:.0f} s, "
            f"{100 * (1 - parallel / sequential):.0f}% faster "
            f"(seeds' claim: {SEED_CLAIM}, 40–60% faster, never measured). Our sequential "
            "mode still runs schema ∥ requirements, so its bound is "
            f"{cell.profile.sequential_bound / scale:.0f} s, not 180 s."
        )
    return lines


def run(
    full: bool = False,
    sizes: list[int] | None = None,
    scale: float = DEFAULT_SCALE,
    repeat: int = 5,
    sequential_max_n: int | None = None,
    log: Any = print,
) -> Outcome:
    sizes = sizes or list(DEFAULT_SIZES)
    if sequential_max_n is None:
        sequential_max_n = max(sizes) if full else 50
    log(f"orchestration: N={sizes}, scale={scale:g}, repeat={repeat}")
    cells = asyncio.run(measure(sizes, scale, repeat, sequential_max_n, log))
    return render(cells, scale, repeat, sequential_max_n)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="also run sequential mode at N=500")
    parser.add_argument("--n", default=",".join(map(str, DEFAULT_SIZES)), help="template counts")
    parser.add_argument("--scale", type=float, default=DEFAULT_SCALE, help="real s per seed s")
    parser.add_argument("--repeat", type=int, default=5, help="timed parallel runs per cell")
    parser.add_argument(
        "--sequential-max-n", type=int, default=None, help="largest N run sequentially"
    )
    args = parser.parse_args(argv)
    sizes = [int(value) for value in args.n.split(",") if value]
    outcome = run(args.full, sizes, args.scale, args.repeat, args.sequential_max_n)
    print()
    print(outcome.markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
