"""Run-time configuration passed to the graph as its `context_schema`."""

from __future__ import annotations

import dataclasses
import functools
import math
import os
import re
from dataclasses import dataclass, field, fields
from typing import Annotated, Any, ClassVar, Literal, get_args, get_type_hints

from pydantic import Field, TypeAdapter, ValidationError
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

MAX_TEXT_FIELD_LENGTH = 4096
"""Longest text a context field takes (a URL, a path, a name): longer is a mistake or an attack."""

_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
_BOUND_ERRORS = frozenset(
    {"greater_than", "greater_than_equal", "less_than", "less_than_equal", "literal_error"}
)
_UNCHECKED_FIELDS = frozenset({"chat_model"})
"""Fields whose type is not checked (a LangChain chat model object of any class)."""


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
            "arangodb://[user[:password]@]host:port/database (arangodbs:// for HTTPS). On a "
            "LangGraph server, only what its operator allows: demo scales up to "
            "GAAI_MAX_DEMO_SCALE, snapshots inside GAAI_SNAPSHOT_DIRS, databases listed in "
            "GAAI_ALLOWED_SOURCES; the server's ARANGO_PASSWORD goes only to its own "
            "database (ARANGO_URL). Environment: GAAI_SOURCE."
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
            "vertical file (JSON or YAML; on a LangGraph server, inside GAAI_DOCUMENT_DIRS)."
        },
    )
    max_executions: _AtLeastOne = field(
        default=8,
        metadata={
            "description": "Maximum number of template chains running at once. Within them, "
            "analyses (projection, algorithm, summary) run at most one per core and, unless "
            "GAAI_OFFLOAD_MIN_EDGES is set, no more at once than the largest alone needs "
            "(docs/benchmarks.md); report writing overlaps up to this bound."
        },
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

    # `__template_metadata__` kind "llm" is how the langchain-ai LangGraph templates ask Studio
    # for a model picker; `json_schema_extra` puts it into the JSON schema Studio reads.
    model: Annotated[
        str | None, Field(json_schema_extra={"__template_metadata__": {"kind": "llm"}})
    ] = field(
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
    engine: Literal["local", "gae", "auto"] = field(
        default="local",
        metadata={
            "description": "Where algorithms run: 'local' (igraph, in process), 'gae' (the "
            "ArangoDB Graph Analytics Engine of an arangodb:// source; algorithms it lacks "
            "run locally) or 'auto' (the GAE for a live source's projection of at least "
            "GAAI_GAE_MIN_EDGES edges, default 20 million; local otherwise and for snapshots "
            "and the demo)."
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

    explicit_values_win: ClassVar[bool] = False
    """Whether a value the caller passed beats the environment even when it equals the
    default. False for the CLI and Python API, whose front ends pass every default
    explicitly (`--source` defaults to "demo"), so only a value other than the default tells
    them apart; True for the LangGraph server, whose callers send only what they chose."""

    def __post_init__(self) -> None:
        """Check every field's type and value, then apply environment overrides.

        Raises:
            GaaiError: one line naming the field, what is wrong with it and what it takes.
        """
        _check_field_types(self)
        explicit = getattr(self, "_explicit_fields", None)
        for f in fields(self):
            variable = _ENVIRONMENT_OVERRIDES.get(f.name)
            if not variable or not os.environ.get(variable):
                continue
            value = getattr(self, f.name)
            if value is None:
                unset = True
            elif self.explicit_values_win and explicit is not None:
                # A server caller's `source: "demo"` stays the demo, default or not.
                unset = f.name not in explicit
            else:
                unset = value == f.default
            if unset:
                setattr(self, f.name, _from_environment(f.name, variable))
        if self.max_executions < 1:
            raise GaaiError(f"max_executions must be at least 1, got {self.max_executions}")
        if self.max_templates < 1:
            raise GaaiError(f"max_templates must be at least 1, got {self.max_templates}")
        if self.top_k < 1:
            raise GaaiError(f"top_k must be at least 1, got {self.top_k}")
        if not math.isfinite(self.llm_timeout) or self.llm_timeout <= 0:
            raise GaaiError(
                f"llm_timeout must be positive and finite (seconds), got {self.llm_timeout}"
            )
        if self.llm_max_retries < 0:
            raise GaaiError(f"llm_max_retries must be at least 0, got {self.llm_max_retries}")
        if self.llm_structured_method not in STRUCTURED_METHODS:
            raise GaaiError(
                f"llm_structured_method must be one of {', '.join(STRUCTURED_METHODS)}, got "
                f"{self.llm_structured_method!r}"
            )
        if self.engine not in ("local", "gae", "auto"):
            raise GaaiError(f"engine must be 'local', 'gae' or 'auto', got {self.engine!r}")
        if self.engine == "auto":
            from gaai_graph.engines.choice import gae_min_edges

            gae_min_edges()  # a malformed GAAI_GAE_MIN_EDGES is refused before anything runs
        from gaai_graph.engines.offload import offload_min_edges

        offload_min_edges()  # likewise a malformed GAAI_OFFLOAD_MIN_EDGES
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


# The dataclass `__init__` cannot tell a value the caller passed from one it defaulted, and
# an environment override must only fill the latter. Wrapping it to record the keyword names
# keeps the generated signature (and the JSON schema, which pydantic builds from the fields).
_dataclass_init = Context.__init__


@functools.wraps(_dataclass_init)
def _init_recording_explicit_fields(self: Context, **values: Any) -> None:
    object.__setattr__(self, "_explicit_fields", frozenset(values))
    _dataclass_init(self, **values)


Context.__init__ = _init_recording_explicit_fields  # type: ignore[method-assign]


@functools.cache
def _field_validator(name: str) -> TypeAdapter[Any]:
    # Built on first use: each adapter costs milliseconds, ~0.25 s for all of them at start-up.
    return TypeAdapter(_field_hints()[name])


@functools.cache
def _field_hints() -> dict[str, Any]:
    return get_type_hints(Context, include_extras=True)


def _holds_its_default(f: dataclasses.Field[Any], value: Any) -> bool:
    """Whether `value` is the field's own default (same type and value), which is known good."""
    default = f.default
    if default is dataclasses.MISSING:
        return False
    return type(value) is type(default) and bool(value == default)


def _check_field_types(context: Context) -> None:
    """Check each field against its annotation (LangGraph builds the dataclass unvalidated).

    A field still holding its own default needs no check (tests check every default once).
    """
    for f in fields(Context):
        name = f.name
        value = getattr(context, name)
        if name in _UNCHECKED_FIELDS or _holds_its_default(f, value):
            continue
        adapter = _field_validator(name)
        try:
            # Strict: no "5" for 5 and no true for 1, as a JSON client must send real types.
            adapter.validate_python(value, strict=True)
        except ValidationError as error:
            detail = error.errors()[0]
            if detail["type"] in _BOUND_ERRORS:
                continue  # the right kind: `__post_init__` names the bound or the choices
            message = detail["msg"][:1].lower() + detail["msg"][1:]
            where = "".join(f"[{part!r}]" for part in detail["loc"])
            raise GaaiError(
                f"context field {name!r}{where}: {message}, got {preview(detail['input'])}"
            ) from None
        for text in _texts_of(value):
            if len(text) > MAX_TEXT_FIELD_LENGTH:
                raise GaaiError(
                    f"context field {name!r} is {len(text)} characters long; at most "
                    f"{MAX_TEXT_FIELD_LENGTH} are accepted"
                )
            if _CONTROL_CHARACTERS.search(text):
                raise GaaiError(
                    f"context field {name!r} holds a control character ({preview(text)}); "
                    "remove line breaks, tabs and other control characters"
                )


def _texts_of(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    if isinstance(value, dict):
        return [key for key in value if isinstance(key, str)]
    return []


def preview(value: Any, limit: int = 60) -> str:
    """A short, one-line, printable rendering of a value a caller sent (for error messages).

    Args:
        value: Anything; containers are named by type (no recursion into deep nesting).
        limit: Most characters of a text shown.

    Returns:
        `repr` of a short text or number, a cut text with its length, or the type's name.
    """
    if isinstance(value, str):
        shown = repr(value[:limit])
        return shown if len(value) <= limit else f"{shown}... ({len(value)} characters)"
    if value is None or isinstance(value, bool | int | float):
        return repr(value)[:limit]
    return f"a {type(value).__name__}"
