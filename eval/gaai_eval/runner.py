"""Run the real agent on (graph, question) jobs, in worker processes.

Each job invokes gaai_graph's compiled graph (`gaai_graph.graph.graph.ainvoke`) with the
question as one inline requirement document and the benchmark snapshot as the source, with the
rule path (no model, no network): `GAAI_MODEL` and `OPENAI_*` are removed from the worker's
environment. The adapter turns each final state into a plain view the scorer reads.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from gaai_eval import GRAPHS_DIR

DEMO_GRAPH = "demo"
"""Questions asked of the bundled demo graph name this graph; it is the product's own source."""

_MODEL_VARIABLES = ("GAAI_MODEL", "OPENAI_API_KEY", "OPENAI_BASE_URL")


@dataclass(frozen=True)
class Job:
    """One agent run: a question asked of a benchmark graph."""

    graph: str
    question: str

    @property
    def source(self) -> str:
        """The `Context.source` for this graph."""
        return DEMO_GRAPH if self.graph == DEMO_GRAPH else str(GRAPHS_DIR / self.graph)


@contextmanager
def _rule_path_only() -> Iterator[None]:
    """Hide the model settings from `Context` for the duration, then restore them."""
    saved = {name: os.environ.pop(name) for name in _MODEL_VARIABLES if name in os.environ}
    try:
        yield
    finally:
        os.environ.update(saved)


async def _run(jobs: list[Job]) -> list[dict[str, Any]]:
    from gaai_eval.adapter import run_view
    from gaai_graph.context import Context
    from gaai_graph.graph import graph

    views = []
    for index, job in enumerate(jobs):
        started = time.perf_counter()
        try:
            # The question is the whole requirement document, given inline.
            inputs: Any = {
                "documents": [{"content": job.question, "name": "question"}],
                "run_id": f"eval-{os.getpid()}-{index}",
            }
            state = await graph.ainvoke(inputs, context=Context(source=job.source, model=None))
            view = run_view(state)
        except Exception as error:  # one failing run must not lose the others
            view = {
                "intents": [],
                "reports": [],
                "ran": 0,
                "unanswered": [],
                "fallbacks": [],
                "error": f"{type(error).__name__}: {error}",
            }
        view["seconds"] = round(time.perf_counter() - started, 3)
        views.append(view)
    return views


def _run_chunk(jobs: list[Job]) -> list[dict[str, Any]]:
    with _rule_path_only():
        return asyncio.run(_run(jobs))


def run_jobs(jobs: list[Job], workers: int = 2) -> dict[Job, dict[str, Any]]:
    """Run every distinct job once and return its view, keyed by job.

    Args:
        jobs: Jobs to run; duplicates run once.
        workers: Worker processes (1 runs in this process).

    Returns:
        Job -> the adapter's run view, plus "seconds" (and "error" when the run raised).
    """
    unique = list(dict.fromkeys(jobs))
    if workers <= 1 or len(unique) <= 1:
        return dict(zip(unique, _run_chunk(unique), strict=True))
    # Round-robin chunks keep the graphs mixed, so the workers finish at about the same time.
    chunks = [unique[start::workers] for start in range(workers)]
    results: dict[Job, dict[str, Any]] = {}
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for chunk, views in zip(chunks, pool.map(_run_chunk, chunks), strict=True):
            results.update(zip(chunk, views, strict=True))
    return results
