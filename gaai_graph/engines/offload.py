"""Long algorithms in a worker process, so parallel template runs are really parallel.

python-igraph holds the GIL for the whole of every call (measured for Leiden, betweenness,
PageRank, coreness and components in python-igraph 1.0; its maintainers say the C core's error
handling is not thread-safe, igraph/python-igraph#866), and the code around the calls is Python
and numpy. Template chains on threads therefore take turns for the GIL: a run with parallel
fan-out was no faster than `--sequential`.

`compute_elsewhere`: when chains run in parallel on a machine with more than one usable core,
the longest GIL-bound algorithms (`OFFLOADED`: community detection, betweenness) on large
projections (`offload_min_edges`: 500,000 edges unless the operator sets
`GAAI_OFFLOAD_MIN_EDGES`, or `off`) run in a worker process while this process goes on with
the other templates. A template's chain
reserves a worker when it starts (`reserved_worker`; a new worker imports its libraries while
the projection is built) and, holding one, takes no place among the process's analyses
(`gaai_graph.nodes.execute`); when every worker is busy the algorithm runs in process rather
than wait. A worker is `python -m gaai_graph.engines.offload` (at most `max_workers()`, kept
for the process's life), fed pickled requests on its stdin and answering on its stdout. Not
`multiprocessing`: its spawned children import the parent's main module again (a caller's
unguarded script would run twice), and forking a process that runs threads can copy a held
lock. The worker receives the projection's integer edge array (8 bytes an edge) and the
attribute values the template asked for, never the vertex ids and labels: the offloaded
algorithms read vertices by index only (`_Unnamed` stands for the ids there and refuses to be
read), and sending the ids of a 10^7-edge projection (4.6 million vertices, ~600 MB of
strings) cost more than the overlap gained. It rebuilds the same igraph graph, runs
`LocalEngine.compute` with the same seed and returns the per-vertex output, which is
summarised here as usual: the result is the one an in-process run gives. A worker holds one
projection at a time; the main process builds no igraph graph for it.

Anything that goes wrong on the way to or from a worker (it cannot start, it died, a value
does not pickle) falls back to computing in process; an algorithm's own error is raised as
from an in-process run.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import pickle
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping, Sequence
from typing import IO, TYPE_CHECKING, Any, cast, overload

from gaai_graph.cores import usable_cores
from gaai_graph.engines.choice import edge_threshold
from gaai_graph.memory import give_back_freed_memory

if TYPE_CHECKING:
    from gaai_graph.engines.local import AlgorithmOutput
    from gaai_graph.models import AnalysisTemplate
    from gaai_graph.sources.base import ProjectionData

__all__ = [
    "OFFLOADED",
    "OFFLOAD_MIN_EDGES_DEFAULT",
    "OFFLOAD_MIN_EDGES_VARIABLE",
    "OFFLOAD_OFF",
    "Worker",
    "compute_elsewhere",
    "max_workers",
    "offload_min_edges",
    "reserved_worker",
    "should_offload",
    "shutdown",
]

logger = logging.getLogger(__name__)

OFFLOADED = frozenset({"leiden", "louvain", "betweenness"})
"""Algorithms worth a worker process: seconds of GIL-bound igraph time at 10^6 edges."""
OFFLOAD_OFF = sys.maxsize
"""`offload_min_edges()` when the operator sets the variable to `off`: nothing is offloaded."""
OFFLOAD_MIN_EDGES_DEFAULT = 500_000
"""`offload_min_edges()` when the variable is unset. Measured on 2 cores (2026-12-05,
`benchmarks/end_to_end.py --full --rounds 3 --offload off`, docs/benchmarks.md): with the
worker, the run at 10^7 edges (Leiden on 8.6 million) took 0.93 of `--sequential`'s time
(in process 1.00) for ~380 MB more at the peak (1.15× the columnar reference's memory,
against 1.07×); at 10^6 (Leiden on 0.86 million) 0.99 (in process 0.98, within the spread)
for ~80 MB more (1.35×). Below ~500,000 edges Leiden takes under a second here and a
worker's start (0.27 s of imports, ~55 MB) is not repaid."""
OFFLOAD_MIN_EDGES_VARIABLE = "GAAI_OFFLOAD_MIN_EDGES"
"""Smallest projection (edges) sent to a worker: a number (`200000`, `2e5`), or `off` to keep
every algorithm in this process; unset: `OFFLOAD_MIN_EDGES_DEFAULT`."""
OFF_WORDS = frozenset({"off", "never", "none"})
"""Values of `OFFLOAD_MIN_EDGES_VARIABLE` that turn the worker off."""


def offload_min_edges(environment: Mapping[str, str] | None = None) -> int:
    """Smallest projection (edges) sent to a worker (`GAAI_OFFLOAD_MIN_EDGES`).

    Unset: `OFFLOAD_MIN_EDGES_DEFAULT`; `off` (or `never`, `none`): `OFFLOAD_OFF`. A number is
    parsed like `GAAI_GAE_MIN_EDGES` (`gaai_graph.engines.choice.edge_threshold`); the
    run's settings (`gaai_graph.context.Context`) read it once when a run starts, so a
    malformed value stops the run there with one line.

    Raises:
        GaaiError: The variable is set to something other than a positive whole number or
            `off`.
    """
    environ = os.environ if environment is None else environment
    if environ.get(OFFLOAD_MIN_EDGES_VARIABLE, "").strip().lower() in OFF_WORDS:
        return OFFLOAD_OFF
    return edge_threshold(
        OFFLOAD_MIN_EDGES_VARIABLE,
        OFFLOAD_MIN_EDGES_DEFAULT,
        example="500000 (or 5e5), or off",
        unset=f"for the default ({OFFLOAD_MIN_EDGES_DEFAULT:,})",
        environment=environment,
    )


def max_workers() -> int:
    """Worker processes: one usable core is left to this process (the other templates)."""
    return max(1, min(usable_cores() - 1, 4))


def should_offload(edge_count: int, template: AnalysisTemplate, *, parallel: bool) -> bool:
    """Whether `template`, on a projection of `edge_count` edges, runs in a worker process.

    Only when chains run in parallel (sequential runs gain nothing), with more than one usable
    core (`usable_cores`),
    for a long algorithm (`OFFLOADED`) on a projection of at least `offload_min_edges()` edges,
    and when nothing after the algorithm needs its igraph graph here (a two-mode projection
    projected onto one side, a ranking within groups).
    """
    return (
        parallel
        and usable_cores() > 1
        and template.algorithm in OFFLOADED
        and edge_count >= offload_min_edges()
        and not template.projection.onto
        and not template.ranked_within
    )


class Worker:
    """One worker process, answering one request at a time."""

    def __init__(self) -> None:
        self.broken = False
        """Whether a request failed on the way (the process is then stopped, not reused)."""
        # The worker imports the package this process imported (a worktree on PYTHONPATH).
        environment = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gaai_graph.engines.offload"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=environment,
        )

    def ask(self, request: tuple[Any, ...]) -> tuple[str, Any]:
        """Send one request (payload, template, seed) and wait for its answer."""
        assert self.process.stdin is not None and self.process.stdout is not None
        pickle.dump(request, self.process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        self.process.stdin.flush()
        answer: tuple[str, Any] = pickle.load(self.process.stdout)
        return answer

    def stop(self) -> None:
        """End the process: close its input, then kill it if it has not ended in 5 s."""
        if self.process.stdin is not None:
            with contextlib.suppress(OSError):
                self.process.stdin.close()  # the worker ends at the end of its input
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


_idle: list[Worker] = []
_started = 0
_workers = threading.Lock()


def _take_worker() -> Worker | None:
    """An idle worker, a new one while fewer than `max_workers()` run, else None.

    Never waits: an algorithm queued behind a busy worker would hold its place in the run
    (a core's share of the analyses) doing nothing, while this process could compute it.
    """
    global _started
    with _workers:
        if _idle:
            return _idle.pop()
        if _started >= max_workers():
            return None
        _started += 1
    try:
        return Worker()
    except BaseException:
        _give_back(None)
        raise


def _give_back(worker: Worker | None) -> None:
    """Return a worker to the idle ones; None (a worker that failed) frees its place."""
    global _started
    with _workers:
        if worker is None:
            _started -= 1
        else:
            _idle.append(worker)


@contextlib.contextmanager
def reserved_worker() -> Iterator[Worker | None]:
    """A worker held for one template's algorithm, or None when every worker is busy.

    Taken when the template's chain starts, so that a new worker imports its libraries while
    the projection is built, and the template holds no place among this process's analyses
    (`gaai_graph.nodes.execute`). Given back when the block ends; a worker that failed in it
    is stopped and its place freed.
    """
    try:
        worker = _take_worker()
    except OSError as error:
        logger.warning("worker process unavailable (%s)", error)
        worker = None
    try:
        yield worker
    finally:
        if worker is not None:
            if worker.broken:
                worker.stop()
                _give_back(None)
            else:
                _give_back(worker)


def shutdown() -> None:
    """Stop the idle worker processes (new ones start on the next offloaded template)."""
    global _started
    with _workers:
        stopping, _idle[:] = list(_idle), []
        _started -= len(stopping)
    for worker in stopping:
        worker.stop()


atexit.register(shutdown)


class _Unnamed(Sequence[str]):
    """The vertex ids (or labels) of a projection in a worker: their number, not their text.

    Reading one raises `_NamesNeededError`, and the template is then computed in the main process
    (an offloaded method should read vertices by index only; one that does not is slower,
    never wrong).
    """

    def __init__(self, count: int) -> None:
        self._count = count

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...

    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        raise _NamesNeededError

    def __iter__(self) -> Iterator[str]:
        raise _NamesNeededError


class _NamesNeededError(Exception):
    """An algorithm in a worker read the vertex ids, which stay in the main process."""


def _payload(data: ProjectionData) -> dict[str, Any]:
    return {
        "vertex_count": data.vertex_count,
        "edges": data.edges,
        "directed": data.directed,
        "projection": data.projection,
        "skipped_edges": data.skipped_edges,
        "edge_values": data.edge_values,
        "vertex_values": data.vertex_values,
    }


def _compute(payload: dict[str, Any], template: AnalysisTemplate, seed: int) -> AlgorithmOutput:
    """In the worker: rebuild the projection and run the algorithm on it."""
    from gaai_graph.engines.local import LocalEngine
    from gaai_graph.errors import EngineError
    from gaai_graph.sources.base import ProjectionData

    unnamed = _Unnamed(payload.pop("vertex_count"))
    data = ProjectionData(vertex_ids=cast(list[str], unnamed), labels=unnamed, **payload)
    try:
        output = LocalEngine().compute(data, template, seed=seed)
    except EngineError as error:  # the engine words an algorithm's failure; this is not one
        if isinstance(error.__cause__, _NamesNeededError):
            raise _NamesNeededError from None
        raise
    output.data = None  # the caller's projection is the one computed on (no `onto` here)
    output.graph = None
    return output


def compute_elsewhere(
    data: ProjectionData,
    template: AnalysisTemplate,
    *,
    seed: int,
    worker: Worker | None = None,
) -> AlgorithmOutput | None:
    """`LocalEngine.compute(data, template, seed=seed)` in a worker process.

    Blocks the calling thread (not the GIL) until the worker answers.

    Args:
        data: The projection.
        template: The template whose algorithm runs.
        seed: The run's seed.
        worker: A worker held for this template (`reserved_worker`); without one, an idle
            worker is taken for the call.

    Returns:
        The algorithm's output, or None when no worker could be used (none started, all
        busy, or it failed on the way) or the algorithm needs the vertex ids (the caller then
        computes in process).

    Raises:
        TemplateValidationError, EngineError: the algorithm failed as it would in process.
    """
    if worker is not None:
        return _ask(worker, data, template, seed)
    with reserved_worker() as taken:
        return None if taken is None else _ask(taken, data, template, seed)


def _ask(
    worker: Worker, data: ProjectionData, template: AnalysisTemplate, seed: int
) -> AlgorithmOutput | None:
    try:
        kind, value = worker.ask((_payload(data), template, seed))
    except (OSError, EOFError, pickle.PickleError, AttributeError, TypeError) as error:
        logger.warning("worker process unavailable (%s); computing in process", error)
        worker.broken = True
        return None
    if kind == "in process":
        return None
    if kind == "error":
        raise value
    output: AlgorithmOutput = value
    return output


def _serve(requests: IO[bytes], answers: IO[bytes]) -> None:
    """The worker's loop: answer each pickled request until its input ends."""
    while True:
        try:
            payload, template, seed = pickle.load(requests)
        except EOFError:
            return
        try:
            answer: tuple[str, Any] = ("ok", _compute(payload, template, seed))
        except _NamesNeededError:
            answer = ("in process", None)
        except Exception as error:
            answer = ("error", error)
        try:
            data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as error:  # an error that does not pickle is sent in words
            from gaai_graph.errors import EngineError

            data = pickle.dumps(("error", EngineError(f"{type(error).__name__}: {error}")))
        answers.write(data)
        answers.flush()
        del payload, answer, data
        # The projection, its graph and Leiden's working memory (1.5 GB at 10^7 edges) were
        # freed with the answer: an idle worker, kept for the process's life, holds none of it.
        give_back_freed_memory()


if __name__ == "__main__":
    # Before the first request: a worker reserved when its template's chain starts
    # imports these while the projection is built.
    import gaai_graph.engines.local  # noqa: F401

    answers = sys.stdout.buffer
    sys.stdout = sys.stderr  # anything a computation prints must not reach the answers
    _serve(sys.stdin.buffer, answers)
