"""Run-time configuration passed to the graph as its `context_schema`."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from typing import Annotated, Any, Literal, get_args

from pydantic import Field
from pydantic.json_schema import SkipJsonSchema

from gaai_graph.errors import GaaiError

# The context form of LangGraph Studio and the server's schema endpoint come from pydantic's
# JSON schema of this dataclass: `metadata["description"]` becomes each field's description,
# `Annotated[..., Field(ge=...)]` its bounds, a `Literal` an enum, and `SkipJsonSchema` leaves
# out what only Python can pass.
_AtLeastOne = Annotated[int, Field(ge=1)]

# Environment variables consulted for fields left at their defaults, as the LangGraph
# templates do, so `langgraph dev` and the CLI pick up the same settings.
_ENVIRONMENT_OVERRIDES: dict[str, str] = {
    "source": "GAAI_SOURCE",
    "graph_name": "GAAI_GRAPH",
    "vertical": "GAAI_VERTICAL",
    "model": "GAAI_MODEL",
    "llm_timeout": "GAAI_LLM_TIMEOUT",
    "llm_max_retries": "GAAI_LLM_RETRIES",
    "llm_structured_method": "GAAI_LLM_STRUCTURED_METHOD",
}

# How an environment value becomes the field's value (fields not listed take the text).
_ENVIRONMENT_TYPES: dict[str, type] = {"llm_timeout": float, "llm_max_retries": int}

StructuredMethod = Literal["json_schema", "function_calling", "json_mode", "prompt"]
"""How the reasoning phases ask for their JSON answers (see `Context.llm_structured_method`)."""

STRUCTURED_METHODS: tuple[str, ...] = get_args(StructuredMethod)


def _from_environment(name: str, variable: str) -> Any:
    text = os.environ[variable].strip()
    kind = _ENVIRONMENT_TYPES.get(name)
    if kind is None:
        return text
    try:
        return kind(text)
    except ValueError:
        expected = "a number" if kind is float else "a whole number"
        raise GaaiError(f"{variable} must be {expected}, got {text!r}") from None


@dataclass(kw_only=True)
class Context:
    """Where the graph comes from, how to reason about it and how hard to work."""

    source: str = field(
        default="demo",
        metadata={
            "description": "Graph source: 'demo', 'demo:<scale>', a directory holding an "
            "arangodump or arangoexport (JSONL) snapshot, or a live ArangoDB database as "
            "arangodb://[user@]host:port/database (arangodbs:// for HTTPS; the password comes "
            "from ARANGO_PASSWORD in the server's environment). Environment: GAAI_SOURCE."
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
    max_executions: _AtLeastOne = field(
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
    max_templates: _AtLeastOne = field(
        default=12,
        metadata={"description": "Upper bound on the number of templates generated."},
    )
    top_k: _AtLeastOne = field(
        default=10,
        metadata={"description": "How many top entities and largest groups each report lists."},
    )
    seed: int = field(
        default=42,
        metadata={"description": "Seed for randomised algorithms, so runs are reproducible."},
    )
    approve_templates: bool = field(
        default=False,
        metadata={
            "description": "Pause after template generation so a person can accept, drop or "
            "edit the templates before they run (resume with Command(resume=...)). Needs a "
            "checkpointer: the LangGraph server brings one; in Python compile `builder` "
            "with one."
        },
    )

    model: str | None = field(
        default=None,
        metadata={
            "description": "Chat model for the reasoning phases, e.g. 'gpt-4o-mini' or "
            "'openai:gpt-4o-mini', served by OpenAI or any OpenAI-compatible server named by "
            "OPENAI_BASE_URL (key: OPENAI_API_KEY). None (the default) uses the rule path. "
            "Environment: GAAI_MODEL."
        },
    )
    chat_model: SkipJsonSchema[Any] = field(
        default=None,
        metadata={
            "description": "A LangChain chat model object (Python only); takes precedence "
            "over `model`."
        },
    )
    llm_timeout: float = field(
        default=60.0,
        metadata={
            "description": "Seconds the client waits for each read of a chat-model answer. "
            "Each request also has an overall deadline: llm_timeout x (llm_max_retries + 1) "
            "plus the retries' backoff and 1 s. Environment: GAAI_LLM_TIMEOUT."
        },
    )
    llm_max_retries: int = field(
        default=2,
        metadata={
            "description": "Retries (with exponential backoff) of a request that timed out or "
            "got a 429 or 5xx answer, before the phase falls back to rules. Environment: "
            "GAAI_LLM_RETRIES."
        },
    )
    llm_structured_method: StructuredMethod = field(
        default="json_schema",
        metadata={
            "description": "How answers are requested: 'json_schema' (response_format with "
            "the JSON Schema), 'function_calling' (a forced tool call), 'json_mode' "
            "(response_format json_object, the schema in the prompt) or 'prompt' (the schema "
            "in the prompt, plain text parsed). A server refusing response_format (HTTP 400 "
            "or 422) is asked again with 'prompt' for the rest of the run. Environment: "
            "GAAI_LLM_STRUCTURED_METHOD."
        },
    )
    write_results: bool = field(
        default=False,
        metadata={
            "description": "Write every template's per-vertex results back to the live "
            "ArangoDB source, into one new collection per run (gaai_results_<run id>_<hash>; a "
            "resumed run keeps writing into it). "
            "Needs an arangodb:// source; without it a live source is only read."
        },
    )
    engine: Literal["local", "gae"] = field(
        default="local",
        metadata={
            "description": "Where algorithms run: 'local' (igraph, in process) or 'gae' (the "
            "ArangoDB Graph Analytics Engine of an arangodb:// source; algorithms it lacks "
            "run locally)."
        },
    )
    gae_engine: str | None = field(
        default=None,
        metadata={
            "description": "Service id of a running Graph Analytics Engine to use (never "
            "deleted). None: each template starts its own engine and deletes it afterwards."
        },
    )
    llm_prices: dict[str, list[float]] | None = field(
        default=None,
        metadata={
            "description": "Model name -> [USD per 1M input tokens, USD per 1M output "
            "tokens], overriding or extending the built-in price table."
        },
    )

    def __post_init__(self) -> None:
        """Apply environment overrides to fields left at their defaults, then validate."""
        for f in fields(self):
            variable = _ENVIRONMENT_OVERRIDES.get(f.name)
            if variable and getattr(self, f.name) == f.default and os.environ.get(variable):
                setattr(self, f.name, _from_environment(f.name, variable))
        if self.max_executions < 1:
            raise GaaiError(f"max_executions must be at least 1, got {self.max_executions}")
        if self.max_templates < 1:
            raise GaaiError(f"max_templates must be at least 1, got {self.max_templates}")
        if self.top_k < 1:
            raise GaaiError(f"top_k must be at least 1, got {self.top_k}")
        if self.llm_timeout <= 0:
            raise GaaiError(f"llm_timeout must be positive, got {self.llm_timeout}")
        if self.llm_max_retries < 0:
            raise GaaiError(f"llm_max_retries must be at least 0, got {self.llm_max_retries}")
        if self.llm_structured_method not in STRUCTURED_METHODS:
            raise GaaiError(
                f"llm_structured_method must be one of {', '.join(STRUCTURED_METHODS)}, got "
                f"{self.llm_structured_method!r}"
            )
        if self.engine not in ("local", "gae"):
            raise GaaiError(f"engine must be 'local' or 'gae', got {self.engine!r}")
        if self.write_results or self.engine == "gae":
            from gaai_graph.sources.arango_url import is_arango_source

            if not is_arango_source(self.source):
                raise GaaiError(
                    "write_results and engine='gae' need a live source "
                    "(arangodb://host:port/database); snapshots and the demo are read-only"
                )

    @property
    def concurrency(self) -> int:
        """How many template chains may run at once under these settings."""
        return self.max_executions if self.enable_parallelism else 1
