"""LLM reasoning: model configuration, cached structured calls, accounting and phase branches.

`config` builds the chat model from the context, `call` runs one phase's conversation (one
request, one repair round at most, LangGraph-cached), `usage` prices and sums calls, and
`phases` holds the LLM branch of each reasoning phase with its fallback to the rule result.
"""

from gaai_graph.llm.config import LLMConfigError, chat_model_for, model_identity
from gaai_graph.llm.usage import DEFAULT_PRICES, call_cost, usage_totals

__all__ = [
    "DEFAULT_PRICES",
    "LLMConfigError",
    "call_cost",
    "chat_model_for",
    "model_identity",
    "usage_totals",
]
