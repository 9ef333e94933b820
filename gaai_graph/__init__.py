"""gaai_graph: graph data + business requirements in, executed analytics and reports out.

`graph` is the compiled workflow (no checkpointer, as the LangGraph server wants it);
`builder` is the uncompiled `StateGraph` to compile with a checkpointer.

The names below are imported on first use (PEP 562 module `__getattr__`): importing the package,
or a light module of it such as the command line, must not pay for LangGraph and LangSmith
(about a second) before a run actually starts (`gaai --help` answers in well under 0.2 s).
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gaai_graph.context import Context
    from gaai_graph.graph import build_graph, builder, graph
    from gaai_graph.models import AnalysisTemplate, Report, RunSummary
    from gaai_graph.runner import (
        AgenticWorkflowRunner,
        WorkflowResult,
        run_agentic_workflow_async,
    )
    from gaai_graph.state import InputState, OutputState, WorkflowState

_LAZY = {
    "AgenticWorkflowRunner": "gaai_graph.runner",
    "AnalysisTemplate": "gaai_graph.models",
    "Context": "gaai_graph.context",
    "InputState": "gaai_graph.state",
    "OutputState": "gaai_graph.state",
    "Report": "gaai_graph.models",
    "RunSummary": "gaai_graph.models",
    "WorkflowResult": "gaai_graph.runner",
    "WorkflowState": "gaai_graph.state",
    "build_graph": "gaai_graph.graph",
    "builder": "gaai_graph.graph",
    "graph": "gaai_graph.graph",
    "run_agentic_workflow_async": "gaai_graph.runner",
}

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


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'gaai_graph' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


class _Package(types.ModuleType):
    """The package, whose `graph` stays the compiled workflow.

    Importing the submodule `gaai_graph.graph` makes the import system set the package's
    attribute `graph` to that submodule, which would shadow the lazily imported compiled graph
    (`from gaai_graph import graph` then gave a module). A property on the module's class wins
    over that attribute.
    """

    @property
    def graph(self) -> Any:
        return importlib.import_module("gaai_graph.graph").graph

    @graph.setter
    def graph(self, value: Any) -> None:
        # The import system binds the submodule here; the property keeps naming the graph.
        return None


sys.modules[__name__].__class__ = _Package
