"""Record what a run really did: node runs from the LangGraph stream, LLM calls from callbacks.

A `WorkflowTracer` is fed two kinds of real events:

- the `tasks` stream of `graph.astream(...)` (one event when a node task starts, one when it
  ends, with its error if it raised) via `observe_stream_chunk`;
- the `custom` stream, where each template chain says when it got one of the
  `max_executions` slots and when it finished (`gaai_graph.nodes.execute.template_event`):
  a chain's time runs from there, so waiting for a slot is not counted as its work;
- langchain callbacks (it is a `BaseCallbackHandler`, passed in `config["callbacks"]`), so every
  chat model or LLM invoked inside a node is counted with its wall time and token usage,
  whatever the provider.

Failures recorded in state (`errors`) arrive through the `updates` stream and are kept too;
the reviewer's decisions on templates (drops, edits, a rejection), which the approval step
records there as well, are counted apart from errors. Nothing is invented: a run that makes
no LLM call reports zero LLM calls.

LangSmith: langchain attaches its own tracer when `LANGSMITH_TRACING=true` and an API key are
set; `langsmith_status()` says whether that is the case. Without those variables nothing here
opens a network connection. Prompts and responses are never stored, only counts and timings,
so no secret passed in a prompt can leak into a trace file.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.outputs import LLMResult

from gaai_graph.errors import GaaiError
from gaai_graph.llm.secrets import redact
from gaai_graph.llm.usage import call_cost
from gaai_graph.nodes.approval import PHASE as _REVIEW_PHASE
from gaai_graph.nodes.execute import is_template_event
from gaai_graph.trace_summary import (
    TraceSummary,
    langsmith_status,
    render_trace_markdown,
    render_trace_summary,
)

__all__ = [
    "LLMCall",
    "NodeRun",
    "TraceSummary",
    "WorkflowTracer",
    "langsmith_status",
    "render_trace_markdown",
    "render_trace_summary",
]

TRACE_FORMATS = ("json", "html", "markdown")


@dataclass
class NodeRun:
    """One node task: when it started and ended (seconds since the trace began).

    For a template chain `queued` is when LangGraph scheduled it and `started` when it got a
    slot (from its `running` event); for other nodes both are the task's start.
    """

    task_id: str
    node: str
    started: float
    ended: float | None = None
    template_id: str | None = None
    error: str | None = None
    queued: float | None = None
    reporting: float | None = None
    """For a template chain: when its execution ended and its report began."""

    @property
    def seconds(self) -> float:
        """Wall time of the task's own work (0 while it is still running)."""
        return 0.0 if self.ended is None else self.ended - self.started

    @property
    def waited(self) -> float:
        """Seconds between being scheduled and starting (waiting for a free slot)."""
        return 0.0 if self.queued is None else max(self.started - self.queued, 0.0)

    @property
    def label(self) -> str:
        """The node name, with the template id for per-template chains."""
        return f"{self.node}[{self.template_id}]" if self.template_id else self.node


@dataclass
class LLMCall:
    """One chat model or LLM call seen through callbacks."""

    run_id: str
    model: str
    started: float
    node: str | None = None
    task_id: str | None = None
    ended: float | None = None
    input_tokens: int = 0
    output_tokens: int = 0
    error: str | None = None

    @property
    def seconds(self) -> float:
        """Wall time of the call (0 while it is still running)."""
        return 0.0 if self.ended is None else self.ended - self.started

    @property
    def total_tokens(self) -> int:
        """Input plus output tokens."""
        return self.input_tokens + self.output_tokens

    def cost_usd(self, prices: Mapping[str, Sequence[float]] | None = None) -> float | None:
        """Estimated cost from the project's price table (None for unpriced models).

        Args:
            prices: Overrides of the built-in table (`Context.llm_prices`).
        """
        return call_cost(self.model, self.input_tokens, self.output_tokens, prices)


class WorkflowTracer(BaseCallbackHandler):
    """Collects node and LLM events of one or more runs; thread-safe.

    Pass it in `config["callbacks"]` and feed it every chunk of
    `astream(..., stream_mode=["tasks", "updates", ...], subgraphs=False)` through
    `observe_stream_chunk`.
    """

    # Called in the thread of the model call (not via an executor), so timings stay exact.
    run_inline = True

    def __init__(
        self, trace_id: str | None = None, prices: Mapping[str, Sequence[float]] | None = None
    ) -> None:
        self.prices = prices
        self.trace_id = trace_id or f"workflow-{uuid.uuid4().hex[:12]}"
        self._origin = time.perf_counter()
        self._started_at = time.time()
        self._lock = threading.Lock()
        self.nodes: list[NodeRun] = []
        self._open_nodes: dict[str, NodeRun] = {}
        self.llm_calls: list[LLMCall] = []
        self._open_calls: dict[str, LLMCall] = {}
        self.errors: list[dict[str, Any]] = []
        self.reviewer_decisions: list[dict[str, Any]] = []
        self._open_chains: dict[str, NodeRun] = {}
        self.messages = 0
        self.events = 0
        self.cached_answers = 0
        self._ended: float | None = None

    # -- clock ----------------------------------------------------------------------------

    def _now(self) -> float:
        return time.perf_counter() - self._origin

    def finish(self) -> None:
        """Mark the end of the traced work (total time stops here)."""
        with self._lock:
            self._ended = self._now()

    # -- LangGraph stream -----------------------------------------------------------------

    def observe_stream_chunk(self, mode: str, chunk: Any) -> None:
        """Record one chunk of a multi-mode `astream`.

        Args:
            mode: The stream mode of the chunk ("tasks", "updates", "custom"; others are
                ignored).
            chunk: The chunk as LangGraph yields it.
        """
        if mode == "tasks" and isinstance(chunk, dict):
            self._observe_task(chunk)
        elif mode == "updates" and isinstance(chunk, dict):
            self._observe_updates(chunk)
        elif mode == "custom":
            self._observe_custom(chunk)

    def _observe_custom(self, chunk: Any) -> None:
        if not is_template_event(chunk):
            return
        with self._lock:
            run = self._open_chains.get(str(chunk.get("template_id")))
            if run is None:
                return
            self.events += 1
            state = chunk.get("state")
            if state == "running":
                run.started = self._now()
            elif state == "reporting":
                run.reporting = self._now()
            elif state == "finished":
                # The slot is free from here; what follows is LangGraph's bookkeeping, and
                # the next chain may already run, so the chain's own time ends now.
                run.ended = self._now()

    def _observe_task(self, payload: dict[str, Any]) -> None:
        task_id = str(payload.get("id"))
        with self._lock:
            self.events += 1
            if "input" in payload:
                now = self._now()
                run = NodeRun(
                    task_id=task_id,
                    node=str(payload.get("name")),
                    started=now,
                    queued=now,
                    template_id=_template_id_of(payload.get("input")),
                )
                self._open_nodes[task_id] = run
                self.nodes.append(run)
                if run.template_id is not None:
                    self._open_chains[run.template_id] = run
                return
            run_or_none = self._open_nodes.pop(task_id, None)
            if run_or_none is None:
                return
            if run_or_none.template_id is not None:
                self._open_chains.pop(run_or_none.template_id, None)
            if run_or_none.ended is None:
                run_or_none.ended = self._now()
            error = payload.get("error")
            if error is not None:
                run_or_none.error = redact(f"{type(error).__name__}: {error}")
                self.errors.append(
                    {
                        "at": run_or_none.ended,
                        "phase": run_or_none.node,
                        "template_id": run_or_none.template_id,
                        "message": run_or_none.error,
                    }
                )

    def _observe_updates(self, chunk: dict[str, Any]) -> None:
        with self._lock:
            for node, update in chunk.items():
                if node.startswith("__"):
                    continue
                self.events += 1
                self.messages += 1
                recorded = update.get("errors", []) if isinstance(update, dict) else []
                for error in recorded:
                    entry = {
                        "at": self._now(),
                        "phase": getattr(error, "phase", node),
                        "template_id": getattr(error, "template_id", None),
                        "message": redact(str(getattr(error, "message", error))),
                    }
                    # The approval step notes what the reviewer decided; nothing failed.
                    if entry["phase"] == _REVIEW_PHASE:
                        self.reviewer_decisions.append(entry)
                    else:
                        self.errors.append(entry)

    # -- langchain callbacks --------------------------------------------------------------

    def _start_call(
        self,
        run_id: Any,
        serialized: dict[str, Any] | None,
        metadata: dict[str, Any] | None,
        kwargs: dict[str, Any],
    ) -> None:
        metadata = metadata or {}
        params = kwargs.get("invocation_params") or {}
        model = (
            metadata.get("ls_model_name")
            or params.get("model")
            or params.get("model_name")
            or (serialized or {}).get("name")
            or params.get("_type")
            or "unknown"
        )
        with self._lock:
            self.events += 1
            call = LLMCall(
                run_id=str(run_id),
                model=str(model),
                started=self._now(),
                node=metadata.get("langgraph_node"),
                task_id=_task_id_of(metadata.get("langgraph_checkpoint_ns")),
            )
            self._open_calls[str(run_id)] = call
            self.llm_calls.append(call)

    def on_chat_model_start(
        self,
        serialized: dict[str, Any],
        messages: list[list[Any]],
        *,
        run_id: uuid.UUID,
        parent_run_id: uuid.UUID | None = None,
        tags: list[str] | None = None,
        metadata: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        """Record the start of a chat model call."""
        self._start_call(run_id, serialized, metadata, kwargs)

    def on_llm_start(
        self,
        serialized: dict[str, Any],
        prompts: list[str],
        *,
        run_id: uuid.UUID,
        parent_run_id: uuid.UUID | None = None,
        tags: list[str] | None = None,
        metadata: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        """Record the start of a (completion-style) LLM call."""
        self._start_call(run_id, serialized, metadata, kwargs)

    def on_llm_end(
        self,
        response: LLMResult,
        *,
        run_id: uuid.UUID,
        parent_run_id: uuid.UUID | None = None,
        **kwargs: Any,
    ) -> None:
        """Record the end of a call with the token usage the provider reported."""
        input_tokens, output_tokens = _usage_of(response)
        with self._lock:
            self.events += 1
            call = self._open_calls.pop(str(run_id), None)
            if call is None:
                return
            call.ended = self._now()
            call.input_tokens = input_tokens
            call.output_tokens = output_tokens

    def on_llm_error(
        self,
        error: BaseException,
        *,
        run_id: uuid.UUID,
        parent_run_id: uuid.UUID | None = None,
        **kwargs: Any,
    ) -> None:
        """Record a failed call."""
        with self._lock:
            self.events += 1
            call = self._open_calls.pop(str(run_id), None)
            if call is None:
                return
            call.ended = self._now()
            # Counted as a failed call, not as a run error: the node that made the call
            # records the failure it causes (a failed report) in state, which counts once.
            # A provider's error can quote the API key it was sent (OpenAI's 401 does).
            call.error = redact(f"{type(error).__name__}: {error}")

    def record_cached_answers(self, count: int) -> None:
        """Note LLM answers replayed from LangGraph's node cache (no request, no callback).

        Args:
            count: How many cached answers the run's state records.
        """
        with self._lock:
            self.cached_answers = count

    # -- results --------------------------------------------------------------------------

    def summary(self, top: int = 3) -> TraceSummary:
        """Compute the summary numbers from the recorded events.

        Args:
            top: How many of the slowest steps to list.
        """
        with self._lock:
            nodes = [run for run in self.nodes if run.ended is not None]
            calls = [call for call in self.llm_calls if call.ended is not None]
            total = self._ended if self._ended is not None else self._now()
            errors = list(self.errors)
            decisions = len(self.reviewer_decisions)
            messages, events = self.messages, self.events
        costs = {
            call.run_id: cost for call in calls if (cost := call.cost_usd(self.prices)) is not None
        }
        slowest = sorted(nodes, key=lambda run: run.seconds, reverse=True)[:top]
        calls_per_task: dict[str, int] = {}
        for call in calls:
            if call.task_id:
                calls_per_task[call.task_id] = calls_per_task.get(call.task_id, 0) + 1
        chains: dict[str, dict[str, Any]] = {}
        for run in nodes:
            if run.template_id is None:
                continue
            chains[run.template_id] = {
                "node": run.node,
                "queued": round(run.queued if run.queued is not None else run.started, 4),
                "started": round(run.started, 4),
                "ended": round(run.ended or 0.0, 4),
                "seconds": round(run.seconds, 4),
                "waited_seconds": round(run.waited, 4),
                "llm_calls": calls_per_task.get(run.task_id, 0),
                "error": run.error,
            }
        for error in errors:
            chain = chains.get(str(error.get("template_id")))
            if chain is not None and chain["error"] is None:
                chain["error"] = error["message"]
        failed_templates = sorted(
            {str(error["template_id"]) for error in errors if error.get("template_id")}
        )
        return TraceSummary(
            trace_id=self.trace_id,
            total_events=events,
            total_seconds=total,
            steps_completed=len(nodes),
            # As the seed's example output has it (72.45 s / 6 steps = 12075 ms): the run's
            # wall time per step, not the mean of step durations (steps overlap).
            avg_step_ms=(total / len(nodes) * 1000) if nodes else 0.0,
            llm_calls=len(calls),
            llm_failed_calls=sum(1 for call in calls if call.error),
            llm_seconds=sum(call.seconds for call in calls),
            llm_input_tokens=sum(call.input_tokens for call in calls),
            llm_output_tokens=sum(call.output_tokens for call in calls),
            llm_total_tokens=sum(call.total_tokens for call in calls),
            llm_cached_answers=self.cached_answers,
            estimated_cost_usd=sum(costs.values()),
            unpriced_models=sorted({c.model for c in calls if c.cost_usd(self.prices) is None}),
            messages_exchanged=messages,
            errors=len(errors),
            failed_templates=failed_templates,
            slowest=[(run.label, run.seconds * 1000) for run in slowest],
            template_chains=chains,
            reviewer_decisions=decisions,
        )

    def to_jsonable(self) -> dict[str, Any]:
        """Return the whole trace (summary, node runs, LLM calls, errors) as JSON-ready data."""
        summary = self.summary(top=10)
        with self._lock:
            return {
                "trace_id": self.trace_id,
                "started_at_unix": self._started_at,
                "summary": summary.to_jsonable(),
                "nodes": [
                    {
                        **asdict(run),
                        "seconds": run.seconds,
                        "waited": run.waited,
                        "label": run.label,
                    }
                    for run in self.nodes
                ],
                "llm_calls": [
                    {
                        **asdict(call),
                        "seconds": call.seconds,
                        "cost_usd": call.cost_usd(self.prices),
                    }
                    for call in self.llm_calls
                ],
                "errors": list(self.errors),
                "reviewer_decisions": list(self.reviewer_decisions),
            }

    def export(self, output_dir: str | Path, formats: Sequence[str] = TRACE_FORMATS) -> list[Path]:
        """Write the trace as `<trace_id>.json`, `.html` and/or `.md` under `output_dir`.

        Args:
            output_dir: Directory to write to; created when missing.
            formats: Any of "json", "html", "markdown".

        Returns:
            The paths written.

        Raises:
            GaaiError: If a format is unknown.
        """
        from gaai_graph.reporting.files import atomic_write_bytes, dumps_json
        from gaai_graph.reporting.html import render_trace_html

        unknown = [f for f in formats if f not in TRACE_FORMATS]
        if unknown:
            raise GaaiError(f"unknown trace format(s) {unknown}; choose from {list(TRACE_FORMATS)}")
        directory = Path(output_dir)
        directory.mkdir(parents=True, exist_ok=True)
        data = self.to_jsonable()
        written: list[Path] = []
        for fmt in formats:
            if fmt == "json":
                written.append(
                    atomic_write_bytes(directory / f"{self.trace_id}.json", dumps_json(data))
                )
            elif fmt == "html":
                html = render_trace_html(data)
                written.append(
                    atomic_write_bytes(directory / f"{self.trace_id}.html", html.encode("utf-8"))
                )
            else:
                text = render_trace_markdown(self.summary(top=10))
                written.append(
                    atomic_write_bytes(directory / f"{self.trace_id}.md", text.encode("utf-8"))
                )
        return written


def _template_id_of(task_input: Any) -> str | None:
    template = getattr(task_input, "template", None)
    template_id = getattr(template, "id", None)
    return str(template_id) if template_id is not None else None


def _task_id_of(checkpoint_ns: Any) -> str | None:
    # LangGraph runs a node with checkpoint namespace "<node>:<task id>" (nested: joined by "|");
    # the first segment names the top-level task the call belongs to.
    if not isinstance(checkpoint_ns, str) or ":" not in checkpoint_ns:
        return None
    return checkpoint_ns.split("|", 1)[0].split(":", 1)[1]


def _usage_of(response: LLMResult) -> tuple[int, int]:
    input_tokens = output_tokens = 0
    seen = False
    for generations in response.generations:
        for generation in generations:
            usage = getattr(getattr(generation, "message", None), "usage_metadata", None)
            if usage:
                seen = True
                input_tokens += int(usage.get("input_tokens", 0))
                output_tokens += int(usage.get("output_tokens", 0))
    if not seen and response.llm_output:
        # Older integrations report usage only in llm_output["token_usage"].
        usage = response.llm_output.get("token_usage") or {}
        input_tokens = int(usage.get("prompt_tokens", 0))
        output_tokens = int(usage.get("completion_tokens", 0))
    return input_tokens, output_tokens


def merge_callbacks(existing: Any, extra: Iterable[BaseCallbackHandler]) -> list[Any]:
    """Return `existing` callbacks (a list or None) with `extra` handlers appended."""
    handlers = list(existing) if isinstance(existing, list) else []
    handlers.extend(extra)
    return handlers
