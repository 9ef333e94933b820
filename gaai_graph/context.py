"""Run-time configuration passed to the graph as its `context_schema`."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields

from gaai_graph.errors import GaaiError

# Environment variables consulted for fields left at their defaults, as the LangGraph
# templates do, so `langgraph dev` and the CLI pick up the same settings.
_ENVIRONMENT_OVERRIDES: dict[str, str] = {
    "source": "GAAI_SOURCE",
    "graph_name": "GAAI_GRAPH",
    "vertical": "GAAI_VERTICAL",
}


@dataclass(kw_only=True)
class Context:
    """Where the graph comes from, how to reason about it and how hard to work."""

    source: str = field(
        default="demo",
        metadata={
            "description": "Graph source: 'demo', 'demo:<scale>', or a directory holding an "
            "arangodump or arangoexport (JSONL) snapshot."
        },
    )
    graph_name: str | None = field(
        default=None,
        metadata={
            "description": "Named graph to analyse. Default: the source's only named graph, or "
            "every collection when it defines none ('ecommerce_graph' for the demo)."
        },
    )
    core_collections: list[str] | None = field(
        default=None,
        metadata={
            "description": "Vertex collections to treat as core entities; all others become "
            "satellites. Default: decided by schema analysis."
        },
    )
    vertical: str = field(
        default="auto",
        metadata={
            "description": "Industry vertical: 'auto', a built-in name (ecommerce, fraud_aml, "
            "social, supply_chain, telecom, cybersecurity, healthcare) or a path to a custom "
            "vertical file (JSON or YAML)."
        },
    )
    max_executions: int = field(
        default=8,
        metadata={"description": "Maximum number of template chains running at once."},
    )
    enable_parallelism: bool = field(
        default=True,
        metadata={
            "description": "Run template chains concurrently. False runs one template at a "
            "time (for debugging)."
        },
    )
    max_templates: int = field(
        default=12,
        metadata={"description": "Upper bound on the number of templates generated."},
    )
    top_k: int = field(
        default=10,
        metadata={"description": "How many top entities and largest groups each report lists."},
    )
    seed: int = field(
        default=42,
        metadata={"description": "Seed for randomised algorithms, so runs are reproducible."},
    )

    def __post_init__(self) -> None:
        """Apply environment overrides to fields left at their defaults, then validate."""
        for f in fields(self):
            variable = _ENVIRONMENT_OVERRIDES.get(f.name)
            if variable and getattr(self, f.name) == f.default and os.environ.get(variable):
                setattr(self, f.name, os.environ[variable])
        if self.max_executions < 1:
            raise GaaiError(f"max_executions must be at least 1, got {self.max_executions}")
        if self.max_templates < 1:
            raise GaaiError(f"max_templates must be at least 1, got {self.max_templates}")
        if self.top_k < 1:
            raise GaaiError(f"top_k must be at least 1, got {self.top_k}")

    @property
    def concurrency(self) -> int:
        """How many template chains may run at once under these settings."""
        return self.max_executions if self.enable_parallelism else 1
