"""Token, time and cost accounting for chat-model calls.

Costs come from a price table (USD per million input and output tokens) that a run can
override or extend with `Context.llm_prices`; a model missing from both has no cost (None),
never a guessed one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from gaai_graph.models import LLMCall

__all__ = ["DEFAULT_PRICES", "call_cost", "price_for", "usage_totals"]

DEFAULT_PRICES: dict[str, tuple[float, float]] = {
    "gpt-4o": (2.50, 10.00),
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4.1": (2.00, 8.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1-nano": (0.10, 0.40),
    "o4-mini": (1.10, 4.40),
}
"""Model name -> (USD per 1M input tokens, USD per 1M output tokens): OpenAI list prices as
published when this table was written; override them with `Context.llm_prices`."""


def price_for(
    model: str, overrides: Mapping[str, Sequence[float]] | None = None
) -> tuple[float, float] | None:
    """Return (input, output) USD per million tokens for `model`, or None when unknown.

    The override table is consulted first. A dated model name ("gpt-4o-mini-2024-07-18")
    takes the price of its longest listed prefix.
    """
    tables: list[Mapping[str, Sequence[float]]] = [overrides or {}, DEFAULT_PRICES]
    for table in tables:
        if model in table:
            price = table[model]
            return float(price[0]), float(price[1])
        prefixes = [name for name in table if model.startswith(f"{name}-")]
        if prefixes:
            price = table[max(prefixes, key=len)]
            return float(price[0]), float(price[1])
    return None


def call_cost(
    model: str,
    input_tokens: int,
    output_tokens: int,
    overrides: Mapping[str, Sequence[float]] | None = None,
) -> float | None:
    """Return the USD cost of one call, or None when the model has no price."""
    price = price_for(model, overrides)
    if price is None:
        return None
    return (input_tokens * price[0] + output_tokens * price[1]) / 1_000_000


def _blank() -> dict[str, Any]:
    return {
        "calls": 0,
        "cached": 0,
        "input_tokens": 0,
        "output_tokens": 0,
        "seconds": 0.0,
        "cost_usd": 0.0,
    }


def _add(total: dict[str, Any], call: LLMCall) -> None:
    if call.cached:
        total["cached"] += 1
        return
    total["calls"] += 1
    total["input_tokens"] += call.input_tokens
    total["output_tokens"] += call.output_tokens
    total["seconds"] = round(total["seconds"] + call.seconds, 6)
    if call.cost_usd is None or total["cost_usd"] is None:
        # One unpriced call makes the sum unknown rather than too low.
        total["cost_usd"] = None
    else:
        total["cost_usd"] = round(total["cost_usd"] + call.cost_usd, 8)


def usage_totals(calls: Iterable[LLMCall]) -> dict[str, Any]:
    """Sum LLM calls overall, per phase and per model.

    Args:
        calls: The run's `llm_calls` records.

    Returns:
        `{"total": {...}, "by_phase": {phase: {...}}, "by_model": {model: {...}}}`, each
        `{calls, cached, input_tokens, output_tokens, seconds, cost_usd}`, where `calls`
        counts requests actually sent and `cached` the answers replayed from the cache;
        `{}` when there were none.
    """
    records = list(calls)
    if not records:
        return {}
    total = _blank()
    by_phase: dict[str, dict[str, Any]] = {}
    by_model: dict[str, dict[str, Any]] = {}
    for call in records:
        _add(total, call)
        _add(by_phase.setdefault(call.phase, _blank()), call)
        _add(by_model.setdefault(call.model, _blank()), call)
    return {"total": total, "by_phase": by_phase, "by_model": by_model}
