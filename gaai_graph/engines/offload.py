"""Long algorithms in a worker process, so parallel template runs are really parallel.

python-igraph holds the GIL for the whole of every call (measured for Leiden, betweenness,
PageRank, coreness and components in python-igraph 1.0; its maintainers say the C core's error
handling is not thread-safe, igraph/python-igraph#866), and the code around the calls is Python
and numpy. Template chains on threads therefore take turns: a run with parallel fan-out was no
faster than `--sequential`. Two measures make it so:

- `cpu_slot`: one thread at a time runs a chain's CPU-bound steps (projection, algorithm,
  summary, description). Threads then queue instead of thrashing the GIL and do not hold
  several projections half-built at once; the chains still overlap where they wait (report
  writers calling a model, a worker process).
- `compute_elsewhere`: when chains run in parallel, the longest GIL-bound algorithms
  (`OFFLOADED`: community detection, betweenness) on large projections (`OFFLOAD_MIN_EDGES`)
  run in a worker process (`concurrent.futures.ProcessPoolExecutor`, spawned, at most
  `max_workers()`), while this process goes on with the other templates. The worker receives
  the projection's integer edge array, ids and labels (pickled: about 10 bytes an edge and 60
  a vertex, once per template), rebuilds the same igraph graph, runs `LocalEngine.compute` with
  the same seed and returns the per-vertex output, which is summarised here as usual: the
  result is the one an in-process run gives. The worker holds one projection at a time; the
  main process keeps no extra copy.

Anything that goes wrong on the way to or from the worker (it cannot start, it died, a value
does not pickle) falls back to computing in process; an algorithm's own error is raised as
from an in-process run.
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import os
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pickle import PicklingError
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gaai_graph.engines.local import AlgorithmOutput
    from gaai_graph.models import AnalysisTemplate
    from gaai_graph.sources.base import ProjectionData

__all__ = [
    "OFFLOADED",
    "OFFLOAD_MIN_EDGES",
    "compute_elsewhere",
    "cpu_slot",
    "max_workers",
    "should_offload",
    "shutdown",
    "warm",
]

logger = logging.getLogger(__name__)

OFFLOADED = frozenset({"leiden", "louvain", "betweenness"})
"""Algorithms worth a worker process: seconds of GIL-bound igraph time at 10^6 edges."""
OFFLOAD_MIN_EDGES = 200_000
"""Smallest projection (edges) sent to a worker: below it, starting the worker and pickling
cost more than running in process."""

cpu_slot = threading.Lock()
"""Held by the thread running a chain's CPU-bound step (see the module docstring)."""

_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()


def max_workers() -> int:
    """Worker processes: one core is left to this process (which runs the other templates)."""
    return max(1, min((os.cpu_count() or 1) - 1, 4))


def should_offload(data: ProjectionData, template: AnalysisTemplate, *, parallel: bool) -> bool:
    """Whether `template` on `data` runs in a worker process.

    Only when chains run in parallel (sequential runs gain nothing), on a multi-core machine,
    for a long algorithm (`OFFLOADED`) on a projection of at least `OFFLOAD_MIN_EDGES` edges,
    and when nothing after the algorithm needs its igraph graph here (a two-mode projection
    projected onto one side, a ranking within groups).
    """
    return (
        parallel
        and (os.cpu_count() or 1) > 1
        and template.algorithm in OFFLOADED
        and data.edge_count >= OFFLOAD_MIN_EDGES
        and not data.projection.onto
        and not template.ranked_within
    )


def _executor() -> ProcessPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            # Spawned, not forked: this process runs threads (forking one can copy a held lock).
            context = multiprocessing.get_context("spawn")
            _pool = ProcessPoolExecutor(max_workers=max_workers(), mp_context=context)
        return _pool


def shutdown() -> None:
    """Stop the worker processes (started again on the next offloaded template)."""
    global _pool
    with _pool_lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)


atexit.register(shutdown)


def _ready() -> bool:
    import gaai_graph.engines.local  # noqa: F401  (the import is the warm-up)

    return True


def warm() -> None:
    """Start a worker and its imports now, so the first offloaded template does not wait."""
    try:
        _executor().submit(_ready)
    except (BrokenProcessPool, OSError, RuntimeError) as error:
        logger.warning("worker process unavailable (%s)", error)


def _payload(data: ProjectionData) -> dict[str, Any]:
    return {
        "vertex_ids": data.vertex_ids,
        "labels": data.labels,
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
    from gaai_graph.sources.base import ProjectionData

    output = LocalEngine().compute(ProjectionData(**payload), template, seed=seed)
    output.data = None  # the caller's projection is the one computed on (no `onto` here)
    output.graph = None
    return output


def compute_elsewhere(
    data: ProjectionData, template: AnalysisTemplate, *, seed: int
) -> AlgorithmOutput | None:
    """`LocalEngine.compute(data, template, seed=seed)` in a worker process.

    Blocks the calling thread (not the GIL) until the worker answers.

    Returns:
        The algorithm's output, or None when the worker could not be used (the caller then
        computes in process).

    Raises:
        TemplateValidationError, EngineError: the algorithm failed as it would in process.
    """
    try:
        future: Future[AlgorithmOutput] = _executor().submit(
            _compute, _payload(data), template, seed
        )
        return future.result()
    except (BrokenProcessPool, PicklingError, OSError, RuntimeError) as error:
        logger.warning("worker process unavailable (%s); computing in process", error)
        shutdown()
        return None
