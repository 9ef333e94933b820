"""Small helpers every node uses: context defaults and phase timing."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from langgraph.runtime import Runtime

from gaai_graph.context import Context
from gaai_graph.models import PhaseTiming


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

    @property
    def timing(self) -> PhaseTiming:
        """The measured wall time as a state record."""
        return PhaseTiming(phase=self.phase, seconds=self.seconds, template_id=self.template_id)


@contextmanager
def timed(phase: str, template_id: str | None = None) -> Iterator[PhaseClock]:
    """Time the body of a `with` block as one phase."""
    clock = PhaseClock(phase=phase, template_id=template_id, started=time.perf_counter())
    try:
        yield clock
    finally:
        clock.seconds = time.perf_counter() - clock.started
