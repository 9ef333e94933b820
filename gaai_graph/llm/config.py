"""Which chat model the reasoning phases use, built from the run's context.

A LangChain chat model object given as `Context.chat_model` wins; otherwise `Context.model`
(or `GAAI_MODEL`) names a model served by OpenAI or by any OpenAI-compatible server whose URL
is in `OPENAI_BASE_URL` (Ollama, vLLM, LM Studio, OpenRouter). With neither, there is no model
and every phase takes its rule path.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from langchain_core.language_models import BaseChatModel

from gaai_graph.context import Context
from gaai_graph.errors import GaaiError

__all__ = ["LLMConfigError", "chat_model_for", "model_identity"]

_PROVIDER_PREFIX = "openai:"

# Local OpenAI-compatible servers need no key, but the openai client refuses to start without
# one; this placeholder is sent only to the server named by OPENAI_BASE_URL.
_PLACEHOLDER_KEY = "not-needed"


class LLMConfigError(GaaiError):
    """The configured model cannot be used (no API key for OpenAI, a bad model object)."""


def chat_model_for(context: Context) -> BaseChatModel | None:
    """Return the chat model the context asks for, or None for the rule path.

    Args:
        context: The run's context (`chat_model`, `model`, `llm_timeout`, `llm_max_retries`).

    Returns:
        The model object, or None when no model is configured.

    Raises:
        LLMConfigError: `chat_model` is not a LangChain chat model, or a model is named for
            OpenAI itself (no `OPENAI_BASE_URL`) without `OPENAI_API_KEY`.
    """
    if context.chat_model is not None:
        if not isinstance(context.chat_model, BaseChatModel):
            raise LLMConfigError(
                f"chat_model must be a LangChain chat model, got {type(context.chat_model)!r}"
            )
        return context.chat_model
    name = (context.model or "").strip()
    if not name:
        return None
    if name.startswith(_PROVIDER_PREFIX):
        name = name[len(_PROVIDER_PREFIX) :]
    base_url = os.environ.get("OPENAI_BASE_URL") or None
    api_key = os.environ.get("OPENAI_API_KEY") or None
    if api_key is None and base_url is None:
        raise LLMConfigError(
            f"model {name!r} needs OPENAI_API_KEY (OpenAI) or OPENAI_BASE_URL (an "
            "OpenAI-compatible server such as Ollama, vLLM or LM Studio)"
        )
    # Imported here so a run on the rule path never loads the OpenAI client.
    from langchain_openai import ChatOpenAI

    # Deterministic sampling where the model allows it; OpenAI's reasoning models (o1, o3,
    # o4-mini...) reject any temperature but their default.
    sampling = {} if _is_reasoning_model(name) else {"temperature": 0}
    return ChatOpenAI(
        model=name,
        base_url=base_url,
        api_key=api_key or _PLACEHOLDER_KEY,
        timeout=context.llm_timeout,
        max_retries=context.llm_max_retries,
        **sampling,
    )


def _is_reasoning_model(name: str) -> bool:
    """Whether `name` is one of OpenAI's o-series reasoning models (fixed temperature)."""
    bare = name.rsplit("/", 1)[-1].lower()  # OpenRouter spells them "openai/o3-mini"
    return len(bare) >= 2 and bare[0] == "o" and bare[1].isdigit()


def model_name(model: BaseChatModel) -> str:
    """Return the model's own name (for the price table), or its class when it has none."""
    for attribute in ("model_name", "model", "model_id"):
        value = getattr(model, attribute, None)
        if isinstance(value, str) and value:
            return value
    return type(model).__name__


def model_identity(model: BaseChatModel) -> str:
    """Return a stable, secret-free name for a model: its name and the server's host.

    Part of every cache key, so the same prompt sent to another model or another server is
    never answered from the cache. Never includes a key or URL credentials.
    """
    name = model_name(model)
    base_url = getattr(model, "openai_api_base", None)
    if isinstance(base_url, str) and base_url:
        parts = urlsplit(base_url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
        return f"{name}@{host}{port}{parts.path.rstrip('/')}"
    return name
