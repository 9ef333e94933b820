"""Secret values that must never reach a record, a checkpoint, a trace or a log.

A provider's error can quote what it was sent: OpenAI's 401 says "Incorrect API key provided:
sk-...". Every text that leaves a request (an `LLMCall.error`, the exception LangGraph keeps
as a pending write in the checkpoint, the tracer's call and task errors) goes through
`redact` first, which removes

- the values of the credential variables of the environment (`OPENAI_API_KEY`,
  `ARANGO_PASSWORD`, and any variable named `*_API_KEY`, `*_PASSWORD`, `*_SECRET`,
  `*_TOKEN`);
- the secret fields (pydantic `SecretStr`) of every chat model a run used, and the password
  of a source URL given in the context, which `remember_secrets_of` registers when a phase
  opens its session;
- the password part of any `scheme://user:password@` URL in the text.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote, urlsplit

from pydantic import SecretStr

from gaai_graph.sources.arango_url import redact_source

__all__ = ["redact", "remember_secrets_of", "secret_values"]

REDACTED = "***"

_CREDENTIAL_VARIABLES = ("OPENAI_API_KEY", "ARANGO_PASSWORD")
_CREDENTIAL_SUFFIXES = ("_API_KEY", "_PASSWORD", "_SECRET", "_TOKEN")

# Shorter values ("x", "pw") are too likely to be ordinary words of a message to replace.
_MIN_SECRET_CHARS = 4

# Values registered from chat models and contexts; bounded so a long-lived server that sees
# many keys does not grow without end (the newest are kept).
_MAX_REMEMBERED = 256
_remembered: dict[str, None] = {}
_lock = threading.Lock()


def _environment_secrets() -> list[str]:
    values = []
    for name, value in os.environ.items():
        upper = name.upper()
        if upper in _CREDENTIAL_VARIABLES or upper.endswith(_CREDENTIAL_SUFFIXES):
            values.append(value)
    for name in ("OPENAI_BASE_URL", "ARANGO_URL"):
        password = _url_password(os.environ.get(name, ""))
        if password:
            values.append(password)
    return values


def _url_password(text: str) -> str | None:
    if "://" not in text:
        return None
    try:
        password = urlsplit(text.strip()).password
    except ValueError:
        return None
    return unquote(password) if password else None


def _model_secrets(model: Any) -> list[str]:
    """The `SecretStr` fields of a (pydantic) chat model: API keys, tokens, passwords."""
    values: list[str] = []
    for value in getattr(model, "__dict__", {}).values():
        if isinstance(value, SecretStr):
            values.append(value.get_secret_value())
    return values


def remember_secrets_of(model: Any = None, source: str | None = None) -> None:
    """Register the secrets of a chat model and a source URL for every later `redact`.

    Args:
        model: A chat model object; its `SecretStr` fields (API keys) are registered.
        source: A source specification; the password of an `arangodb://user:pw@...` URL is
            registered.
    """
    found = _model_secrets(model) if model is not None else []
    password = _url_password(source or "")
    if password:
        found.append(password)
    with _lock:
        for value in found:
            if len(value) >= _MIN_SECRET_CHARS:
                _remembered.pop(value, None)
                _remembered[value] = None
        while len(_remembered) > _MAX_REMEMBERED:
            del _remembered[next(iter(_remembered))]


def secret_values(extra: Iterable[str] = ()) -> list[str]:
    """Every secret value known now, longest first (so no secret is left half-replaced).

    Args:
        extra: Further values to treat as secret (e.g. the key of the model at hand).
    """
    with _lock:
        remembered = list(_remembered)
    candidates = {*_environment_secrets(), *remembered, *extra}
    return sorted((v for v in candidates if len(v) >= _MIN_SECRET_CHARS), key=len, reverse=True)


def redact(text: str, extra: Iterable[str] = ()) -> str:
    """Return `text` with every known secret value and URL password replaced by `***`.

    Args:
        text: A message that may quote a secret (an exception's text, a server's answer).
        extra: Further values to treat as secret.
    """
    for secret in secret_values(extra):
        text = text.replace(secret, REDACTED)
    return redact_source(text)
