"""Tests of the admission of template analyses: by cores, and by estimated size."""

from __future__ import annotations

import asyncio

import pytest

from gaai_graph.models import GraphProjection
from gaai_graph.nodes import admission as admission_module
from gaai_graph.nodes.admission import AnalysisAdmission, analysis_slots


def _projection(name: str) -> GraphProjection:
    return GraphProjection(vertex_collections=[name], edge_collections=[f"{name}_edges"])


SIZES = {"big": 100, "middle": 60, "small": 30, "tiny": 10}


def _cost(projection: GraphProjection) -> int:
    return SIZES[projection.vertex_collections[0]]


async def _run_all(slots: int, names: list[str]) -> list[list[str]]:
    """Run one analysis per name; return who was in flight each time one started."""
    admission = AnalysisAdmission(slots)
    in_flight: list[str] = []
    seen: list[list[str]] = []

    async def analyse(name: str) -> None:
        projection = _projection(name)
        async with admission.admitted(_cost(projection)):
            in_flight.append(name)
            seen.append(sorted(in_flight))
            await asyncio.sleep(0.01 * SIZES[name] / 10)
            in_flight.remove(name)

    for name in names:
        admission.expect(SIZES[name])
    await asyncio.gather(*(analyse(name) for name in names))
    assert admission.running == 0
    return seen


async def test_analyses_in_flight_never_need_more_than_the_largest_alone() -> None:
    names = ["small", "tiny", "big", "middle", "small", "tiny"]

    seen = await _run_all(4, names)

    assert len(seen) == len(names)
    for together in seen:
        assert len(together) == 1 or sum(SIZES[n] for n in together) <= SIZES["big"]
    # Small ones do overlap while the large one has not started or is done.
    assert any(len(together) > 1 for together in seen)
    # The largest runs alone: nothing else fits beside it.
    assert ["big"] in seen


async def test_no_more_analyses_than_slots_run_at_once() -> None:
    seen = await _run_all(2, ["big", "tiny", "tiny", "tiny", "tiny"])

    assert max(len(together) for together in seen) == 2


async def test_an_analysis_larger_than_every_other_still_runs() -> None:
    admission = AnalysisAdmission(4)
    admission.expect(SIZES["big"])

    async with admission.admitted(10**15):
        assert admission.running == 1


async def test_a_cancelled_wait_gives_its_place_to_the_next() -> None:
    admission = AnalysisAdmission(1)
    first, second, third = _projection("small"), _projection("tiny"), _projection("middle")
    for projection in (first, second, third):
        admission.expect(_cost(projection))
    started: list[str] = []

    async def analyse(projection: GraphProjection) -> None:
        async with admission.admitted(_cost(projection)):
            started.append(projection.vertex_collections[0])
            await asyncio.sleep(0.02)

    holder = asyncio.create_task(analyse(first))
    await asyncio.sleep(0)
    cancelled = asyncio.create_task(analyse(second))
    waiting = asyncio.create_task(analyse(third))
    await asyncio.sleep(0)
    cancelled.cancel()
    await asyncio.gather(holder, waiting)

    assert started == ["small", "middle"]
    assert cancelled.cancelled() and admission.running == 0


def test_slots_follow_the_cores_but_never_exceed_max_executions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(admission_module, "usable_cores", lambda: 2)
    assert analysis_slots(8) == 2
    assert analysis_slots(1) == 1
    monkeypatch.setattr(admission_module, "usable_cores", lambda: 16)
    assert analysis_slots(8) == 8
    assert analysis_slots(3) == 3


async def test_without_the_size_rule_only_the_slots_bound_the_analyses() -> None:
    admission = AnalysisAdmission(2, by_size=False)
    big, middle = _projection("big"), _projection("middle")
    admission.expect(_cost(big))
    admission.expect(_cost(middle))

    async with admission.admitted(_cost(big)), admission.admitted(_cost(middle)):
        assert admission.running == 2


async def test_a_larger_analysis_announced_later_lets_a_waiting_one_in() -> None:
    admission = AnalysisAdmission(2)
    admission.expect(SIZES["small"])
    admission.expect(SIZES["small"])
    async with admission.admitted(SIZES["small"]):
        second = asyncio.create_task(_hold(admission, SIZES["small"]))
        await asyncio.sleep(0)
        assert admission.running == 1  # two small ones exceed the largest known so far
        admission.expect(SIZES["big"])
        await asyncio.sleep(0)
        assert admission.running == 2
    await second


async def _hold(admission: AnalysisAdmission, cost: int) -> None:
    async with admission.admitted(cost):
        await asyncio.sleep(0.01)
