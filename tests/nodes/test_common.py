"""Tests of the helpers every node shares: context defaults and phase timing."""

from __future__ import annotations

import time

from gaai_graph.context import Context
from gaai_graph.nodes.common import context_of, timed


def test_timed_records_duration_and_a_wall_clock_span() -> None:
    before = time.time()
    with timed("execute", "TPL-001") as clock:
        time.sleep(0.01)
    after = time.time()
    timing = clock.timing
    assert timing.phase == "execute" and timing.template_id == "TPL-001"
    assert timing.seconds >= 0.01
    assert timing.started_at is not None and timing.finished_at is not None
    assert before <= timing.started_at <= timing.finished_at <= after + 1e-3
    assert abs((timing.finished_at - timing.started_at) - timing.seconds) < 1e-6


def test_timed_still_records_when_the_body_raises() -> None:
    try:
        with timed("report") as clock:
            raise ValueError("boom")
    except ValueError:
        pass
    assert clock.timing.finished_at is not None


def test_context_defaults_apply_without_a_runtime() -> None:
    assert context_of(None) == Context()
