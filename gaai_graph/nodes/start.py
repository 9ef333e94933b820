"""The first step of every run: record what the thread is started with, or refuse a change.

Runs before schema analysis and requirement extraction. On a new thread it writes
`run_identity` (`gaai_graph.thread_identity`); a new run on a thread that already has one (the
same thread id given again with input) must bring the same inputs, else it is refused with
what differs: a thread's results always answer the inputs it was started with.

A follow-up question (`InputState.followup`) never reaches this step: it is not one of the
thread's inputs, and the graph routes it to `answer_followup` (`gaai_graph.graph.route_start`),
which works with the thread's recorded inputs and context.
"""

from __future__ import annotations

from typing import Any

from langgraph.config import get_config
from langgraph.runtime import Runtime

from gaai_graph.context import Context
from gaai_graph.state import WorkflowState
from gaai_graph.thread_identity import (
    ThreadIdentityError,
    context_for_thread,
    identity_differences,
    identity_of,
)
from gaai_graph.trust import check_graph_input


async def start_run(state: WorkflowState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Write the thread's `run_identity`; refuse a run whose inputs differ from the thread's."""
    recorded = state.run_identity
    context = context_for_thread(recorded, runtime.context if runtime else None)
    # The input's shape is checked before it is digested (a caller may send `documents: 42`).
    identity = identity_of(context, check_graph_input(state.documents, state.run_id))
    if recorded:
        differences = identity_differences(recorded, identity)
        if differences:
            raise ThreadIdentityError(
                f"thread {_thread_id()!r} was started with other inputs: "
                + "; ".join(differences)
                + ". Resume it as it is, or start anew on a new thread id (gaai run --restart "
                "discards the old run)"
            )
    return {"run_identity": identity}


def _thread_id() -> str:
    try:
        return str(get_config().get("configurable", {}).get("thread_id") or "")
    except RuntimeError:  # called outside a graph run (tests)
        return ""
