"""gaai_graph: graph data + business requirements in, executed analytics and reports out.

`graph` is the compiled workflow (no checkpointer, as the LangGraph server wants it);
`builder` is the uncompiled `StateGraph` to compile with a checkpointer.
"""

from gaai_graph.context import Context
from gaai_graph.graph import build_graph, builder, graph
from gaai_graph.models import AnalysisTemplate, Report, RunSummary
from gaai_graph.runner import AgenticWorkflowRunner, WorkflowResult, run_agentic_workflow_async
from gaai_graph.state import InputState, OutputState, WorkflowState

__all__ = [
    "AgenticWorkflowRunner",
    "AnalysisTemplate",
    "Context",
    "InputState",
    "OutputState",
    "Report",
    "RunSummary",
    "WorkflowResult",
    "WorkflowState",
    "build_graph",
    "builder",
    "graph",
    "run_agentic_workflow_async",
]
