"""Safe LangSmith tracing: payload shapes, the circuit breaker, one warning, run names."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
import requests
from requests.adapters import BaseAdapter

from gaai_graph import trace_safety
from gaai_graph.models import GraphSchema
from gaai_graph.trace_safety import (
    _CircuitBreakerSession,
    _ReportOnce,
    payload_shape,
    template_run_config,
)


def test_payload_shape_keeps_counts_numbers_and_ids_never_text() -> None:
    schema = GraphSchema(source="demo", graph_name="g", collections=[], fingerprint="abc123")
    payload = {
        "input": {
            "template_id": "TPL-001",
            "algorithm": "pagerank",
            "top_k": 5,
            "customer": "Emma Zhang",
            "documents": [{"content": "secret memo"}],
            "schema": schema,
            "nested": {"deeper": {"deepest": {"name": "Emma"}}},
        }
    }
    shaped = payload_shape(payload)
    text = json.dumps(shaped)
    assert "Emma" not in text and "secret" not in text
    inner = shaped["input"]
    assert inner["template_id"] == "TPL-001" and inner["algorithm"] == "pagerank"
    assert inner["top_k"] == 5
    assert inner["customer"] == "<text: 10 chars>"
    assert inner["documents"] == {"count": 1}
    assert inner["schema"]["fingerprint"] == "abc123"
    assert inner["schema"]["collections"] == {"count": 0}
    # An id key with a long or multi-line value is text, not an id.
    assert payload_shape({"run_id": "x\ny"}) == {"run_id": "<text: 3 chars>"}


class _Scripted(BaseAdapter):
    """An adapter answering from a script, counting what was sent (no sockets)."""

    def __init__(self, outcome: Any) -> None:
        super().__init__()
        self.outcome = outcome
        self.sent = 0

    def send(self, request: Any, **kwargs: Any) -> requests.Response:
        self.sent += 1
        if isinstance(self.outcome, Exception):
            raise self.outcome
        response = requests.Response()
        response.status_code = self.outcome
        response.request = request
        return response

    def close(self) -> None:
        return None


@pytest.mark.parametrize(
    "outcome",
    [403, 401, 503, requests.ConnectionError("refused"), requests.ReadTimeout("slow")],
)
def test_the_session_stops_calling_a_backend_after_its_first_failure(outcome: Any) -> None:
    session = _CircuitBreakerSession()
    adapter = _Scripted(outcome)
    session.mount("http://", adapter)
    if isinstance(outcome, Exception):
        # A timeout comes out as a connection error: LangSmith does not sleep before those.
        with pytest.raises(requests.ConnectionError):
            session.post("http://127.0.0.1:9/runs/multipart")
    else:
        assert session.post("http://127.0.0.1:9/runs/multipart").status_code == outcome
    for _ in range(5):
        with pytest.raises(requests.ConnectionError, match="failed earlier"):
            session.post("http://127.0.0.1:9/runs/multipart")
    assert adapter.sent == 1


def test_a_healthy_backend_keeps_being_called() -> None:
    session = _CircuitBreakerSession()
    adapter = _Scripted(202)
    session.mount("http://", adapter)
    for _ in range(3):
        assert session.post("http://127.0.0.1:9/runs/multipart").status_code == 202
    assert adapter.sent == 3 and session.failure is None


def test_a_failing_backend_is_reported_once_in_one_line(caplog: pytest.LogCaptureFixture) -> None:
    log = logging.getLogger("test_trace_safety.langsmith")
    log.addFilter(_ReportOnce())
    with caplog.at_level(logging.WARNING, logger=log.name):
        for attempt in range(4):
            log.warning("Failed to multipart ingest runs: 403 Forbidden\nbody %d", attempt)
    assert len(caplog.records) == 1
    (line,) = caplog.messages
    assert "reported once" in line and "403 Forbidden" in line and "\n" not in line


def test_template_runs_are_named_tagged_and_carry_their_ids() -> None:
    config = template_run_config("TPL-003", "leiden", "f00d", "thread-1")
    assert config["run_name"] == "template TPL-003 leiden"
    assert "algorithm:leiden" in config["tags"]
    assert config["metadata"] == {
        "gaai_template_id": "TPL-003",
        "gaai_algorithm": "leiden",
        "gaai_schema_fingerprint": "f00d",
        "thread_id": "thread-1",
    }


def test_nothing_is_installed_without_tracing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LANGSMITH_TRACING", raising=False)
    monkeypatch.delenv("LANGCHAIN_TRACING_V2", raising=False)
    assert trace_safety.install_safe_tracing() is False


def test_full_payloads_are_an_opt_in(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GAAI_TRACE_PAYLOADS", raising=False)
    assert trace_safety.full_payloads_wanted() is False
    monkeypatch.setenv("GAAI_TRACE_PAYLOADS", "full")
    assert trace_safety.full_payloads_wanted() is True
