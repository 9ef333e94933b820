"""The numbers and text of a trace summary, apart from the tracer that records them.

`gaai_graph.tracing.WorkflowTracer` computes a `TraceSummary`; the console, the Markdown trace
and the HTML trace page (`gaai_graph.reporting.html`) render it from here, so rendering a trace
never imports the tracer (which writes those pages).
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["TraceSummary", "langsmith_status", "render_trace_markdown", "render_trace_summary"]


def langsmith_status() -> dict[str, Any]:
    """Say whether langchain will send traces to LangSmith, from the environment only.

    Returns:
        `{"enabled": bool, "project": str | None}`; the API key itself is never returned.
    """
    flag = (
        os.environ.get("LANGSMITH_TRACING") or os.environ.get("LANGCHAIN_TRACING_V2") or ""
    ).lower()
    has_key = bool(os.environ.get("LANGSMITH_API_KEY") or os.environ.get("LANGCHAIN_API_KEY"))
    enabled = flag in {"true", "1", "yes"} and has_key
    project = os.environ.get("LANGSMITH_PROJECT") or os.environ.get("LANGCHAIN_PROJECT")
    return {"enabled": enabled, "project": project if enabled else None}


@dataclass
class TraceSummary:
    """The numbers `print_trace_summary` shows, all computed from recorded events."""

    trace_id: str
    total_events: int
    total_seconds: float
    steps_completed: int
    avg_step_ms: float
    llm_calls: int
    llm_failed_calls: int
    llm_seconds: float
    llm_input_tokens: int
    llm_output_tokens: int
    llm_total_tokens: int
    llm_cached_answers: int
    estimated_cost_usd: float
    unpriced_models: list[str]
    messages_exchanged: int
    errors: int
    failed_templates: list[str]
    slowest: list[tuple[str, float]]
    template_chains: dict[str, dict[str, Any]]
    langsmith: dict[str, Any] = field(default_factory=langsmith_status)
    reviewer_decisions: int = 0
    """Templates the reviewer dropped, edited or rejected, and refused answers (not errors)."""

    def to_jsonable(self) -> dict[str, Any]:
        """Return the summary as JSON-ready data."""
        data = asdict(self)
        data["slowest"] = [{"step": name, "ms": round(ms, 1)} for name, ms in self.slowest]
        return data


def render_trace_summary(summary: TraceSummary) -> str:
    """Render the summary as the plain-text block `print_trace_summary` prints."""
    rule = "=" * 70
    lines = [
        rule,
        " Workflow Trace Summary",
        rule,
        "",
        f"Trace ID: {summary.trace_id}",
        f"Total Events: {summary.total_events}",
        "",
        "Performance:",
        f" Total Time: {summary.total_seconds:.2f}s",
        f" Steps Completed: {summary.steps_completed}",
        f" Avg Time/Step: {summary.avg_step_ms:.0f}ms",
        "",
        "LLM Usage:",
        f" Total Calls: {summary.llm_calls}"
        + (f" ({summary.llm_failed_calls} failed)" if summary.llm_failed_calls else ""),
        f" Total Time: {summary.llm_seconds:.2f}s",
        f" Total Tokens: {summary.llm_total_tokens:,}",
        *(
            [f" Cached Answers: {summary.llm_cached_answers} (no request made)"]
            if summary.llm_cached_answers
            else []
        ),
        f" Estimated Cost: ${summary.estimated_cost_usd:.4f} USD"
        + (
            f" (no price known for {', '.join(summary.unpriced_models)})"
            if summary.unpriced_models
            else ""
        ),
        "",
        "Communication:",
        f" Messages Exchanged: {summary.messages_exchanged}",
        f" Errors: {summary.errors}",
        *(
            [f" Reviewer Decisions: {summary.reviewer_decisions} (not errors)"]
            if summary.reviewer_decisions
            else []
        ),
        "",
        "Slowest Agents:",
    ]
    lines.extend(
        f" {rank}. {name}: {ms:.0f}ms" for rank, (name, ms) in enumerate(summary.slowest, 1)
    )
    if summary.langsmith.get("enabled"):
        lines += ["", f"LangSmith: tracing to project {summary.langsmith.get('project')}"]
    return "\n".join(lines)


def render_trace_markdown(summary: TraceSummary) -> str:
    """Render the summary and per-template chains as Markdown."""
    lines = [
        f"# Workflow trace {summary.trace_id}",
        "",
        "```",
        render_trace_summary(summary),
        "```",
        "",
        "## Template chains",
        "",
        "| template | node | start (s) | waited (s) | seconds | LLM calls | error |",
        "|---|---|---|---|---|---|---|",
    ]
    lines.extend(
        f"| {_md_cell(template_id)} | {chain['node']} | {chain['started']:.3f} | "
        f"{chain['waited_seconds']:.3f} | {chain['seconds']:.3f} | {chain['llm_calls']} | "
        f"{_md_cell(chain['error'] or '')} |"
        for template_id, chain in sorted(summary.template_chains.items())
    )
    return "\n".join(lines) + "\n"


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
