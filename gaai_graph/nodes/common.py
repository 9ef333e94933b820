"""Small helpers every node uses: context defaults and phase timing.

The noun helpers (`plural_phrase`, `noun_for`, ...) live in `gaai_graph.words` and are
re-exported here for the nodes that import them from this module.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from langgraph.runtime import Runtime

from gaai_graph.context import Context
from gaai_graph.models import PhaseTiming
from gaai_graph.words import (
    noun_for,
    plural_noun,
    plural_phrase,
    singular_noun,
    singular_phrase,
)


def context_of(runtime: Runtime[Context] | None) -> Context:
    """Return the run's context, or the defaults when the caller passed none."""
    if runtime is None or runtime.context is None:
        return Context()
    return runtime.context


@dataclass
class PhaseClock:
    """Measures one phase; `timing` is ready once the `with` block ends."""

    phase: str
    template_id: str | None = None
    started: float = 0.0
    seconds: float = 0.0
    started_at: float | None = None
    """Wall-clock start (epoch seconds); `started` is the monotonic reading for the duration."""
    finished_at: float | None = None

    @property
    def timing(self) -> PhaseTiming:
        """The measured wall time, with its wall-clock span, as a state record."""
        return PhaseTiming(
            phase=self.phase,
            seconds=self.seconds,
            template_id=self.template_id,
            started_at=self.started_at,
            finished_at=self.finished_at,
        )


@contextmanager
def timed(phase: str, template_id: str | None = None) -> Iterator[PhaseClock]:
    """Time the body of a `with` block as one phase.

    The duration comes from the monotonic `perf_counter`; the wall-clock span (`time.time`)
    lets the aggregate merge concurrent steps of one phase into its real elapsed time.
    """
    clock = PhaseClock(
        phase=phase, template_id=template_id, started=time.perf_counter(), started_at=time.time()
    )
    try:
        yield clock
    finally:
        clock.seconds = time.perf_counter() - clock.started
        clock.finished_at = clock.started_at + clock.seconds if clock.started_at else time.time()


__all__ = [
    "PhaseClock",
    "context_of",
    "noun_for",
    "plural_noun",
    "plural_phrase",
    "singular_noun",
    "singular_phrase",
    "timed",
]
