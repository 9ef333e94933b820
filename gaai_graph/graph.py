"""The gaai_graph workflow: wiring only (nodes, edges, Send routing).

```
START ─> start_run ─┬─> analyze_schema ───────┐
  │                 └─> extract_requirements ─┴─> resolve_vertical ─> generate_use_cases
  │         ─> generate_templates ─(Send × N)─> run_template ─> aggregate ─> END
  │                              └─> approve_templates ─┘   (only with `approve_templates`)
  └─> answer_followup ─> END          (input with `followup`, on a thread whose run finished)
```

`start_run` records what the thread was started with (`WorkflowState.run_identity`); every
node works with that context (`using_thread_context`), so a resume without a context goes on
with the thread's own and one with another context is refused. Every phase tells its progress
on the `custom` stream (`gaai_graph.progress.reporting_phase`), and the templates are announced
`queued` with n of N when they are dispatched (docs/server.md lists the events).

The graph is asynchronous: call `ainvoke`/`astream`. `graph.invoke(...)` raises an error that
says so (`GaaiGraph`).
"""

from __future__ import annotations

from typing import Any, Literal

from langgraph.config import get_stream_writer
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.runtime import Runtime
from langgraph.types import Send

from gaai_graph.context import Context
from gaai_graph.errors import GaaiError
from gaai_graph.llm.cache import llm_cache
from gaai_graph.llm.notice import with_rules_notice
from gaai_graph.nodes.aggregate import aggregate
from gaai_graph.nodes.approval import approve_templates
from gaai_graph.nodes.common import context_of
from gaai_graph.nodes.execute import run_template
from gaai_graph.nodes.followup import answer_followup
from gaai_graph.nodes.requirements import extract_requirements
from gaai_graph.nodes.schema import analyze_schema
from gaai_graph.nodes.start import start_run
from gaai_graph.nodes.templates import generate_templates
from gaai_graph.nodes.use_cases import generate_use_cases
from gaai_graph.nodes.vertical import resolve_vertical
from gaai_graph.progress import reporting_phase, template_queued_events
from gaai_graph.state import InputState, OutputState, TemplateTask, WorkflowState
from gaai_graph.thread_identity import context_for_thread, using_thread_context
from gaai_graph.trace_safety import install_safe_tracing, named_template_chain
from gaai_graph.trust import TrustPolicy, server_context_schema


def route_start(state: WorkflowState) -> Literal["start_run", "answer_followup"]:
    """Answer a follow-up when the input carries one, else start (or restart) the run.

    A follow-up on a thread without a finished run is routed too: its step refuses it with
    one clear error.
    """
    return "answer_followup" if state.followup else "start_run"


def route_templates(state: WorkflowState) -> list[Send] | Literal["aggregate"]:
    """Send every template to its own execute→report chain, or straight to aggregate if none."""
    if not state.templates or state.schema is None or state.vertical is None:
        return "aggregate"
    use_cases = {use_case.id: use_case for use_case in state.use_cases}
    requirements = {requirement.id: requirement for requirement in state.requirements}
    total = len(state.templates)
    _announce_queued(state.templates)
    return [
        Send(
            "run_template",
            TemplateTask.for_template(
                template,
                use_case=use_cases.get(template.use_case_id),
                schema=state.schema,
                vertical=state.vertical,
                requirements=[
                    requirements[rid] for rid in template.requirement_ids if rid in requirements
                ],
                run_identity=state.run_identity,
                position=position,
                total=total,
            ),
        )
        for position, template in enumerate(state.templates, start=1)
    ]


def _announce_queued(templates: list[Any]) -> None:
    """Tell clients streaming `custom` which templates are dispatched, n of N."""
    try:
        write = get_stream_writer()
    except RuntimeError:  # called outside a run (a unit test of the routing)
        return
    for event in template_queued_events(templates):
        write(event)


def route_generated_templates(
    state: WorkflowState, runtime: Runtime[Context]
) -> Literal["approve_templates"] | list[Send] | Literal["aggregate"]:
    """Ask a person to approve the templates when the context says so, else dispatch them."""
    context = context_for_thread(state.run_identity, context_of(runtime))
    if context.approve_templates and state.templates and state.schema is not None:
        return "approve_templates"
    return route_templates(state)


def build_graph(
    policy: TrustPolicy | None = None,
) -> StateGraph[WorkflowState, Context, InputState, OutputState]:
    """Return the uncompiled workflow, to compile with or without a checkpointer.

    Args:
        policy: What callers may name. None (the CLI and Python API): anything. A server
            policy (`TrustPolicy.from_environment()`) becomes the context schema, so every
            context a caller sends is checked against it before any node runs.
    """
    context_schema = Context if policy is None else server_context_schema(policy)
    builder = StateGraph(
        WorkflowState,
        context_schema=context_schema,
        input_schema=InputState,
        output_schema=OutputState,
    )

    def phase(name: str, node: Any) -> None:
        # Every node after start_run works with the thread's recorded context, and tells
        # its progress (the template chains tell theirs themselves, per template).
        bound = using_thread_context(node, context_schema)
        if name == "run_template":
            builder.add_node(name, named_template_chain(bound))
        else:
            # The phase's trace run is the node's name; the metadata finds every phase run.
            builder.add_node(name, reporting_phase(name, bound), metadata={"gaai_phase": name})

    builder.add_node("start_run", start_run)
    phase("analyze_schema", analyze_schema)
    phase("extract_requirements", extract_requirements)
    phase("resolve_vertical", resolve_vertical)
    phase("generate_use_cases", generate_use_cases)
    phase("generate_templates", generate_templates)
    phase("approve_templates", approve_templates)
    phase("run_template", run_template)
    # The summary says once when the rules answered because the configured model did not.
    phase("aggregate", with_rules_notice(aggregate))
    phase("answer_followup", answer_followup)

    builder.add_conditional_edges(START, route_start, ["start_run", "answer_followup"])
    builder.add_edge("start_run", "analyze_schema")
    builder.add_edge("start_run", "extract_requirements")
    # One edge from both branches: resolve_vertical waits for both and runs once.
    builder.add_edge(["analyze_schema", "extract_requirements"], "resolve_vertical")
    builder.add_edge("resolve_vertical", "generate_use_cases")
    builder.add_edge("generate_use_cases", "generate_templates")
    builder.add_conditional_edges(
        "generate_templates",
        route_generated_templates,
        ["approve_templates", "run_template", "aggregate"],
    )
    builder.add_conditional_edges(
        "approve_templates", route_templates, ["run_template", "aggregate"]
    )
    builder.add_edge("run_template", "aggregate")
    builder.add_edge("aggregate", END)
    builder.add_edge("answer_followup", END)
    return builder


# When LangSmith tracing is on, traces carry shapes, not data, and a failing backend is
# reported once without slowing the run (`gaai_graph.trace_safety`).
install_safe_tracing()

builder = build_graph()
"""The workflow definition; compile it with a checkpointer for resumable runs."""


def compile_server_graph(policy: TrustPolicy) -> CompiledStateGraph[Any, Any, Any, Any]:
    """Compile the workflow as the LangGraph server serves it: callers bound by `policy`.

    Args:
        policy: The operator's trust policy (`gaai_graph.trust`).

    Returns:
        The compiled graph without a checkpointer (the server brings its own).
    """
    return GaaiGraph.of(build_graph(policy).compile(name="gaai_graph", cache=llm_cache()))


class GaaiGraph(CompiledStateGraph[Any, Any, Any, Any]):
    """The compiled workflow, with two fixes for how the LangGraph server and callers use it.

    - The server runs a `copy()` of the graph with its own checkpointer; LangGraph's `copy`
      drops the msgpack allowlist `compile()` built from the state's types, so under
      `LANGGRAPH_STRICT_MSGPACK=true` the project's models came back as dicts and a resume
      failed. The copy keeps it here, so strict mode restores the project's types without a
      "Deserializing unregistered type" warning (langgraph-api 0.16 reads only
      `allowed_json_modules` from langgraph.json, which does not cover msgpack).
    - Every node is asynchronous: `invoke`/`stream` raise one clear error naming
      `ainvoke`/`astream` instead of LangGraph's message about the first node.
    """

    @classmethod
    def of(cls, compiled: CompiledStateGraph[Any, Any, Any, Any]) -> GaaiGraph:
        """The same compiled graph, as a `GaaiGraph`."""
        attrs = {k: v for k, v in compiled.__dict__.items() if k != "__orig_class__"}
        graph = cls(**attrs)
        graph._serde_allowlist = compiled._serde_allowlist
        return graph

    def copy(self, update: dict[str, Any] | None = None) -> GaaiGraph:
        """A copy (LangGraph's), keeping the serializer allowlist of the state's types."""
        copied = super().copy(update)
        copied._serde_allowlist = self._serde_allowlist
        return copied

    def invoke(self, *args: Any, **kwargs: Any) -> Any:
        """Refused: the workflow is asynchronous (use `ainvoke`)."""
        raise GaaiError(_SYNC_REFUSAL.format(method="invoke", instead="ainvoke"))

    def stream(self, *args: Any, **kwargs: Any) -> Any:
        """Refused: the workflow is asynchronous (use `astream`)."""
        raise GaaiError(_SYNC_REFUSAL.format(method="stream", instead="astream"))


_SYNC_REFUSAL = (
    "graph.{method}() is not supported: every step of gaai_graph is asynchronous. Use "
    "`await graph.{instead}(...)`, or `asyncio.run(graph.{instead}(...))` from synchronous code"
)


graph = compile_server_graph(TrustPolicy.for_server())
"""The graph `langgraph.json` serves. What its callers may name (sources, files, write-back,
the GAE engine) is the operator's policy, read from the environment when this module is
imported (`gaai_graph.trust`); it applies to every context given as a mapping, which is what
the server passes. Python code wanting full local access compiles `builder` (or uses the
runner). Its cache keeps LLM answers (in memory, or in the file `GAAI_LLM_CACHE` names) so an
unchanged re-run makes no model request (`gaai_graph.llm.cache`)."""
