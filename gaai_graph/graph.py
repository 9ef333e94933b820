"""The gaai_graph workflow: wiring only (nodes, edges, Send routing).

```
START ─> start_run ─┬─> analyze_schema ───────┐
                    └─> extract_requirements ─┴─> resolve_vertical ─> generate_use_cases
            ─> generate_templates ─(Send × N)─> run_template ─> aggregate ─> END
                                 └─> approve_templates ─┘   (only with `approve_templates`)
```

`start_run` records what the thread was started with (`WorkflowState.run_identity`); every
node works with that context (`using_thread_context`), so a resume without a context goes on
with the thread's own and one with another context is refused.
"""

from __future__ import annotations

from functools import partial
from typing import Any, Literal

from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.runtime import Runtime
from langgraph.types import Send

from gaai_graph.context import Context
from gaai_graph.llm.cache import llm_cache
from gaai_graph.nodes.aggregate import aggregate
from gaai_graph.nodes.approval import approve_templates
from gaai_graph.nodes.common import context_of
from gaai_graph.nodes.execute import run_template
from gaai_graph.nodes.requirements import extract_requirements
from gaai_graph.nodes.schema import analyze_schema
from gaai_graph.nodes.start import start_run
from gaai_graph.nodes.templates import generate_templates
from gaai_graph.nodes.use_cases import generate_use_cases
from gaai_graph.nodes.vertical import resolve_vertical
from gaai_graph.state import InputState, OutputState, TemplateTask, WorkflowState
from gaai_graph.thread_identity import context_for_thread, using_thread_context
from gaai_graph.trust import TrustPolicy, server_context_schema


def route_templates(state: WorkflowState) -> list[Send] | Literal["aggregate"]:
    """Send every template to its own execute→report chain, or straight to aggregate if none."""
    if not state.templates or state.schema is None or state.vertical is None:
        return "aggregate"
    use_cases = {use_case.id: use_case for use_case in state.use_cases}
    requirements = {requirement.id: requirement for requirement in state.requirements}
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
            ),
        )
        for template in state.templates
    ]


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

    def thread_bound(node: Any) -> Any:
        return using_thread_context(node, context_schema)

    builder.add_node("start_run", start_run)
    # Every node after start_run works with the thread's recorded context.
    builder.add_node("analyze_schema", thread_bound(analyze_schema))
    # The policy is bound here too, so a run given no context still reads documents under it.
    builder.add_node(
        "extract_requirements",
        thread_bound(partial(extract_requirements, policy=policy)),
    )
    builder.add_node("resolve_vertical", thread_bound(resolve_vertical))
    builder.add_node("generate_use_cases", thread_bound(generate_use_cases))
    builder.add_node("generate_templates", thread_bound(generate_templates))
    builder.add_node("approve_templates", thread_bound(approve_templates))
    builder.add_node("run_template", thread_bound(run_template))
    builder.add_node("aggregate", thread_bound(aggregate))

    builder.add_edge(START, "start_run")
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
    return builder


builder = build_graph()
"""The workflow definition; compile it with a checkpointer for resumable runs."""


def compile_server_graph(policy: TrustPolicy) -> CompiledStateGraph[Any, Any, Any, Any]:
    """Compile the workflow as the LangGraph server serves it: callers bound by `policy`.

    Args:
        policy: The operator's trust policy (`gaai_graph.trust`).

    Returns:
        The compiled graph without a checkpointer (the server brings its own).
    """
    return build_graph(policy).compile(name="gaai_graph", cache=llm_cache())


graph = compile_server_graph(TrustPolicy.for_server())
"""The graph `langgraph.json` serves. What its callers may name (sources, files, write-back,
the GAE engine) is the operator's policy, read from the environment when this module is
imported (`gaai_graph.trust`); it applies to every context given as a mapping, which is what
the server passes. Python code wanting full local access compiles `builder` (or uses the
runner). Its cache keeps LLM answers (in memory, or in the file `GAAI_LLM_CACHE` names) so an
unchanged re-run makes no model request (`gaai_graph.llm.cache`)."""
