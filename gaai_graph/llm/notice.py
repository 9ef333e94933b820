"""One honest line when the configured model did not answer and the rules did instead.

Each phase that fell back records a `Fallback` (`gaai_graph.llm.call`); a run against an
unreachable model gets several. `rules_answered_notice` turns them into one sentence with the
reason, which `with_rules_notice` adds to the run summary's warnings, so the console summary,
summary.md and summary.json all say it, once.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Sequence
from functools import wraps
from typing import Any, TypeVar, cast

from gaai_graph.llm.call import UNREACHABLE_REASON
from gaai_graph.models import Fallback, RunSummary

FAILED_CALL_PREFIX = "the model call failed: "
"""How `gaai_graph.llm.call` words a request that got no usable answer."""

_Node = TypeVar("_Node", bound=Callable[..., Awaitable[dict[str, Any]]])


def rules_answered_notice(fallbacks: Sequence[Fallback]) -> str | None:
    """The one line saying the rules answered because the model did not, with the reason.

    Args:
        fallbacks: The run's fallbacks (repairs and dropped parts are not a model failure).

    Returns:
        None when the model answered every request it was asked (or none was configured).
    """
    failed = [
        f
        for f in fallbacks
        if f.action == "rules"
        and (f.reason.startswith(FAILED_CALL_PREFIX) or f.reason.startswith(UNREACHABLE_REASON))
    ]
    if not failed:
        return None
    first = failed[0].reason
    reason = first.removeprefix(FAILED_CALL_PREFIX).removeprefix(UNREACHABLE_REASON)
    reason = reason.lstrip(": ").strip() or "no answer"
    places = list(
        dict.fromkeys(f.phase + (f" {f.template_id}" if f.template_id else "") for f in failed)
    )
    shown = ", ".join(places[:6]) + (f" and {len(places) - 6} more" if len(places) > 6 else "")
    return (
        f"The configured model did not answer ({reason}); the rules answered instead in "
        f"{len(places)} step(s): {shown}."
    )


def with_rules_notice(node: _Node) -> _Node:
    """Wrap the aggregate node so the summary's warnings carry `rules_answered_notice`."""
    takes_runtime = "runtime" in inspect.signature(node).parameters

    @wraps(node)
    async def run(state: Any, runtime: Any = None) -> dict[str, Any]:
        update = await (node(state, runtime) if takes_runtime else node(state))
        summary = update.get("summary") if isinstance(update, dict) else None
        notice = rules_answered_notice(getattr(state, "fallbacks", None) or [])
        if notice and isinstance(summary, RunSummary) and notice not in summary.warnings:
            summary = summary.model_copy(update={"warnings": [notice, *summary.warnings]})
            update = {**update, "summary": summary}
        return update

    return cast("_Node", run)
