"""Which chat model the reasoning phases use, built from the run's context.

A LangChain chat model object given as `Context.chat_model` wins; otherwise `Context.model`
(or `GAAI_MODEL`) names a model served by OpenAI or by any OpenAI-compatible server whose URL
is in `OPENAI_BASE_URL` (Ollama, vLLM, LM Studio, OpenRouter). With neither, there is no model
and every phase takes its rule path.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from langchain_core.language_models import BaseChatModel
from pydantic import SecretStr

from gaai_graph.context import Context
from gaai_graph.errors import GaaiError

__all__ = ["LLMConfigError", "cache_identity", "chat_model_for", "model_identity"]

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


# Where chat model classes keep their server's URL (ChatOpenAI, ChatOllama, ChatAnthropic,
# Azure, ...); the first one set names the server.
_SERVER_ATTRIBUTES = (
    "openai_api_base",
    "base_url",
    "azure_endpoint",
    "anthropic_api_url",
    "endpoint_url",
    "api_base",
)

# Settings that change what a model answers to the same messages. Left out: keys, timeouts,
# retries and other transport settings, which change whether an answer arrives, not which.
_GENERATION_ATTRIBUTES = (
    "temperature",
    "top_p",
    "top_k",
    "max_tokens",
    "max_completion_tokens",
    "max_output_tokens",
    "num_predict",
    "num_ctx",
    "frequency_penalty",
    "presence_penalty",
    "repeat_penalty",
    "seed",
    "stop",
    "n",
    "logit_bias",
    "reasoning_effort",
    "reasoning",
    "verbosity",
    "service_tier",
    "format",
    "model_kwargs",
    "extra_body",
)


def _server_of(model: BaseChatModel) -> str | None:
    """`host[:port]/path` of the model's server, credentials left out; None without one."""
    for attribute in _SERVER_ATTRIBUTES:
        value = getattr(model, attribute, None)
        if isinstance(value, str) and value.strip():
            try:
                parts = urlsplit(value.strip())
                port = f":{parts.port}" if parts.port else ""
            except ValueError:
                continue
            if parts.hostname:
                return f"{parts.hostname}{port}{parts.path.rstrip('/')}"
    return None


def model_identity(model: BaseChatModel) -> str:
    """Return a stable, secret-free name for a model: its name and the server's host.

    Shown in records (`LLMCall.model`, usage by model) and part of every cache key, so the
    same prompt sent to another model or another server is never answered from the cache.
    Never includes a key or URL credentials. `cache_identity` adds the sampling settings.
    """
    name = model_name(model)
    server = _server_of(model)
    return f"{name}@{server}" if server else name


def _plain(value: Any) -> Any:
    """`value` as JSON data, or None when it is a secret or not plain data."""
    if isinstance(value, SecretStr):
        return None
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return None


def cache_identity(model: BaseChatModel) -> str:
    """Return what makes two models answer the same messages alike, for the answer cache.

    The provider class, `model_identity` (name and server) and the generation settings the
    object holds (temperature, max_tokens, top_p, seed, ...): two models differing in any of
    them never share cached answers. Secrets (`SecretStr` values) are left out.
    """
    provider = type(model)
    settings = {
        attribute: _plain(value)
        for attribute in _GENERATION_ATTRIBUTES
        if (value := getattr(model, attribute, None)) is not None
    }
    return json.dumps(
        {
            "provider": f"{provider.__module__}.{provider.__qualname__}",
            "model": model_identity(model),
            "settings": settings,
        },
        sort_keys=True,
        default=str,
    )
