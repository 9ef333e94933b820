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
  largest analysis the superstep still has to finish (running or waiting): so the analyses
  in flight together never need more than the largest of them alone, which a sequential run
  needs too;

or when no other analysis runs (an analysis is never refused for its own size). Only
relative sizes matter, since the budget is one of the estimates. Waiting analyses are
admitted in arrival order, skipping one that does not fit for a later one that does.

The rest of a chain (writing its report, an LLM call, a run on ArangoDB's GAE) is not an
analysis here and overlaps freely up to `max_executions`.
"""

from __future__ import annotations

import asyncio
import os
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from gaai_graph.models import GraphProjection

__all__ = ["AnalysisAdmission", "analysis_slots", "usable_cores"]


def usable_cores() -> int:
    """Cores this process may run on (its CPU affinity where the system tells it)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not Linux
        return max(1, os.cpu_count() or 1)


def analysis_slots(max_executions: int) -> int:
    """How many analyses may run at once: one per usable core, at most `max_executions`."""
    return max(1, min(max_executions, usable_cores()))


CostOf = Callable[[GraphProjection], int]
"""Estimated bytes of an analysis on a projection (`gaai_graph.engines.choice.local_bytes`)."""


class AnalysisAdmission:
    """Admits the analyses of one superstep's template chains (see the module docstring)."""

    def __init__(self, slots: int) -> None:
        """Start with no analysis expected.

        Args:
            slots: Most analyses running at once (`analysis_slots`).
        """
        self.slots = max(1, slots)
        self._expected: list[GraphProjection] = []
        self._running = 0
        self._in_flight = 0
        self._waiting: deque[_Waiter] = deque()

    @property
    def running(self) -> int:
        """Analyses running now."""
        return self._running

    def expect(self, projection: GraphProjection) -> None:
        """Note a chain that will (or may) run an analysis on `projection`.

        Chains call this when they start, before any of them is admitted, so that the
        budget knows the largest analysis of the superstep from the first admission on.
        """
        self._expected.append(projection)

    def done(self, projection: GraphProjection) -> None:
        """Note that a chain noted by `expect` will run no (more) analysis on `projection`."""
        if projection in self._expected:
            self._expected.remove(projection)

    def _fits(self, cost: int, cost_of: CostOf) -> bool:
        if self._running == 0:
            return True
        if self._running >= self.slots:
            return False
        budget = max((cost_of(p) for p in self._expected), default=0)
        return self._in_flight + cost <= max(budget, cost)

    def _start(self, cost: int) -> None:
        self._running += 1
        self._in_flight += cost

    def _finish(self, cost: int) -> None:
        self._running -= 1
        self._in_flight -= cost
        # Waiting analyses in arrival order; each admitted one counts for the next check.
        for waiter in list(self._waiting):
            if waiter.future.done():
                self._waiting.remove(waiter)
            elif self._fits(waiter.cost, waiter.cost_of):
                self._waiting.remove(waiter)
                self._start(waiter.cost)
                waiter.future.set_result(None)

    @asynccontextmanager
    async def admitted(self, projection: GraphProjection, cost_of: CostOf) -> AsyncIterator[None]:
        """Wait until an analysis on `projection` may run, and hold its place while it does.

        Args:
            projection: The analysis's projection (as given to `expect`).
            cost_of: Estimated bytes of an analysis on a projection; the same function for
                every chain of the superstep.
        """
        cost = max(0, cost_of(projection))
        if self._fits(cost, cost_of):
            self._start(cost)
        else:
            waiter = _Waiter(asyncio.get_running_loop().create_future(), cost, cost_of)
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
    cost_of: CostOf
