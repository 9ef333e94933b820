"""Fixtures for the LLM tests: the scripted OpenAI-compatible server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fake_openai import FakeOpenAI


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    """A started, unscripted server on a free port of 127.0.0.1; stopped after the test."""
    fake = FakeOpenAI().start()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture(autouse=True)
def _no_llm_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep a developer's own model settings out of the tests (and never reach OpenAI)."""
    for name in (
        "GAAI_MODEL",
        "GAAI_LLM_CACHE",
        "GAAI_LLM_TIMEOUT",
        "GAAI_LLM_RETRIES",
        "GAAI_LLM_STRUCTURED_METHOD",
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
    ):
        monkeypatch.delenv(name, raising=False)
