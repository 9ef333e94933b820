"""Token, time and cost accounting: the price table and the per-phase/per-model totals."""

from __future__ import annotations

import pytest

from gaai_graph.llm.usage import DEFAULT_PRICES, call_cost, price_for, usage_totals
from gaai_graph.models import LLMCall


def call(phase: str, model: str, tokens: tuple[int, int], cost: float | None, **extra) -> LLMCall:
    return LLMCall(
        phase=phase,
        model=model,
        input_tokens=tokens[0],
        output_tokens=tokens[1],
        seconds=0.5,
        cost_usd=cost,
        **extra,
    )


def test_dated_model_names_take_their_family_price():
    assert price_for("gpt-4o-mini-2024-07-18") == DEFAULT_PRICES["gpt-4o-mini"]
    assert price_for("gpt-4o-2024-08-06") == DEFAULT_PRICES["gpt-4o"]


def test_overrides_win_and_extend_the_table():
    assert price_for("gpt-4o", {"gpt-4o": [1, 2]}) == (1.0, 2.0)
    assert price_for("my-local-model", {"my-local-model": [0, 0]}) == (0.0, 0.0)
    assert price_for("my-local-model") is None


def test_call_cost_is_per_million_tokens():
    assert call_cost("gpt-4o", 1_000_000, 0) == pytest.approx(DEFAULT_PRICES["gpt-4o"][0])
    assert call_cost("gpt-4o", 2000, 1000) == pytest.approx(
        (2000 * DEFAULT_PRICES["gpt-4o"][0] + 1000 * DEFAULT_PRICES["gpt-4o"][1]) / 1e6
    )
    assert call_cost("unknown", 10, 10) is None


def test_totals_per_phase_and_model_count_cached_replays_apart():
    calls = [
        call("extract_requirements", "a", (100, 10), 0.001),
        call("report", "a", (200, 20), 0.002, template_id="t1"),
        call("report", "b", (300, 30), 0.003, template_id="t2"),
        call("report", "a", (0, 0), None, template_id="t3", cached=True),
    ]

    totals = usage_totals(calls)

    assert totals["total"]["calls"] == 3
    assert totals["total"]["cached"] == 1
    assert totals["total"]["input_tokens"] == 600
    assert totals["total"]["output_tokens"] == 60
    assert totals["total"]["seconds"] == pytest.approx(1.5)
    assert totals["total"]["cost_usd"] == pytest.approx(0.006)
    assert totals["by_phase"]["report"]["calls"] == 2
    assert totals["by_phase"]["report"]["cached"] == 1
    assert totals["by_model"]["a"]["input_tokens"] == 300
    assert totals["by_model"]["b"]["cost_usd"] == pytest.approx(0.003)


def test_one_unpriced_call_makes_the_cost_unknown_not_too_low():
    totals = usage_totals([call("report", "a", (1, 1), 0.5), call("report", "x", (1, 1), None)])

    assert totals["total"]["cost_usd"] is None
    assert totals["by_model"]["a"]["cost_usd"] == pytest.approx(0.5)


def test_no_calls_no_totals():
    assert usage_totals([]) == {}
