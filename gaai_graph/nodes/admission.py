"""Which template analyses may hold their memory at the same time.

A template chain's analysis (its projection, the algorithm's igraph graph and working arrays,
the summary and the description of the result) holds hundreds of MB at 10^6 edges and GB at
10^7. With every chain of a run in flight at once (`max_executions`, 8 by default) their
working sets add up, while on a machine with few cores they gain no time: the analyses are
CPU-bound and python-igraph holds the GIL for the whole of each call. Measured at 10^6 edges
on 2 cores: all seven analyses in flight peaked at ~1.1 GB, one at a time (`--sequential`)
at ~0.87 GB, in about the same time.

`AnalysisAdmission` lets an analysis start when

- fewer analyses run than `analysis_slots` (one per core this process may use, never more
  than the run's `max_executions`), and
- the estimated bytes of the analyses running, plus its own, are at most the estimate of the
  superstep's largest analysis: so the analyses in flight together never need more than the
  largest of them alone, which a sequential run needs too;

or when no other analysis runs (an analysis is never refused for its own size). Estimates
are in bytes (`gaai_graph.nodes.execute.analysis_bytes`), but only their ratios matter, since
the budget is one of them. Waiting analyses are
admitted in arrival order, skipping one that does not fit for a later one that does.

A template whose algorithm runs in a worker process (`gaai_graph.engines.offload`, reserved
when its chain starts) is not admitted here: it uses the worker's core and memory, and the
process's own analyses run beside it.

The rest of a chain (writing its report, an LLM call) is not an analysis here and overlaps
freely up to `max_executions`; a template run on ArangoDB's GAE takes its turn like any other
(its estimate is the same, though its memory is the database's).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from gaai_graph.cores import usable_cores

__all__ = ["AnalysisAdmission", "analysis_slots", "usable_cores"]


def analysis_slots(max_executions: int) -> int:
    """How many analyses may run at once: one per usable core, at most `max_executions`."""
    return max(1, min(max_executions, usable_cores()))


class AnalysisAdmission:
    """Admits the analyses of one superstep's template chains (see the module docstring)."""

    def __init__(self, slots: int, *, by_size: bool = True) -> None:
        """Start with no analysis expected.

        Args:
            slots: Most analyses running at once (`analysis_slots`).
            by_size: Whether the size rule applies; False admits by `slots` alone.
        """
        self.slots = max(1, slots)
        self.by_size = by_size
        self._budget = 0
        self._running = 0
        self._in_flight = 0
        self._waiting: deque[_Waiter] = deque()

    @property
    def running(self) -> int:
        """Analyses running now."""
        return self._running

    def expect(self, cost: int) -> None:
        """Note a chain that will run an analysis of `cost` estimated bytes.

        Chains call this when they start, before any of them is admitted, so that the
        budget knows the largest analysis of the superstep from the first admission on.
        """
        self._budget = max(self._budget, cost)
        self._admit_waiting()  # a larger budget may let a waiting analysis in

    def _fits(self, cost: int) -> bool:
        if self._running == 0:
            return True
        if self._running >= self.slots:
            return False
        if not self.by_size:
            return True
        return self._in_flight + cost <= max(self._budget, cost)

    def _start(self, cost: int) -> None:
        self._running += 1
        self._in_flight += cost

    def _finish(self, cost: int) -> None:
        self._running -= 1
        self._in_flight -= cost
        self._admit_waiting()

    def _admit_waiting(self) -> None:
        # In arrival order; each admitted analysis counts for the next check.
        for waiter in list(self._waiting):
            if waiter.future.done():
                self._waiting.remove(waiter)
            elif self._fits(waiter.cost):
                self._waiting.remove(waiter)
                self._start(waiter.cost)
                waiter.future.set_result(None)

    @asynccontextmanager
    async def admitted(self, cost: int) -> AsyncIterator[None]:
        """Wait until an analysis of `cost` estimated bytes may run; hold its place meanwhile.

        Args:
            cost: The analysis's estimate, as given to `expect`.
        """
        cost = max(0, cost)
        if self._fits(cost):
            self._start(cost)
        else:
            waiter = _Waiter(asyncio.get_running_loop().create_future(), cost)
            self._waiting.append(waiter)
            try:
                await waiter.future
            except asyncio.CancelledError:
                if waiter.future.done() and not waiter.future.cancelled():
                    self._finish(cost)  # admitted just as the wait was cancelled
                elif waiter in self._waiting:
                    self._waiting.remove(waiter)
                raise
        try:
            yield
        finally:
            self._finish(cost)


@dataclass(eq=False)
class _Waiter:
    """An analysis waiting for its turn (compared by identity)."""

    future: asyncio.Future[None]
    cost: int
