"""Typed state of the workflow graph.

Fields written by parallel tasks (the two START branches, the per-template chains) carry a list
reducer so concurrent writes are appended, never lost. Fields with one writer have none.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Required

from pydantic import Field
from pydantic.json_schema import SkipJsonSchema
from typing_extensions import TypedDict

from gaai_graph.models import (
    AnalysisTemplate,
    ExecutionResult,
    Fallback,
    GraphSchema,
    LLMCall,
    PhaseTiming,
    Report,
    Requirement,
    RunError,
    RunSummary,
    UseCase,
    Vertical,
)


class DocumentPath(TypedDict, total=False):
    """A requirement document read from a file (Markdown or plain text, UTF-8)."""

    path: Required[
        Annotated[
            str,
            Field(
                description="Path of a Markdown or plain-text file (UTF-8), as seen by the "
                "process running the graph (the server's machine under `langgraph dev`)."
            ),
        ]
    ]
    name: Annotated[
        str,
        Field(description="Name cited as the requirements' source. Default: the file name."),
    ]


class InlineDocument(TypedDict, total=False):
    """A requirement document given as text; `name` is cited as its source."""

    content: Required[
        Annotated[str, Field(description="The document's text (Markdown or plain text).")]
    ]
    name: Annotated[
        str,
        Field(
            description="Name cited as the requirements' source, e.g. 'fraud-memo'. "
            "Default: inline-<n>, n counting the unnamed inline documents."
        ),
    ]


DocumentInput = str | Annotated[Path, SkipJsonSchema()] | DocumentPath | InlineDocument
"""One requirement document: a file path, `{"path": ...}` or `{"content": ..., "name": ...}`.

A `Path` is accepted from Python only; JSON clients send a path as a string, so the schema
lists one string kind, not two."""


@dataclass(kw_only=True)
class InputState:
    """What a caller provides."""

    # LangGraph builds the input JSON schema (the form LangGraph Studio renders) from the
    # channel types, so descriptions travel in `Annotated[..., Field(description=...)]`.
    documents: Annotated[
        list[DocumentInput],
        Field(
            description="Requirement documents: file paths, {'path': ...}, or "
            "{'content': '...', 'name': '...'} for inline text. Empty: the bundled sample "
            "documents (demo source only)."
        ),
    ] = field(default_factory=list)
    """Requirement documents: a path string, `{"path": ...}`, or `{"content": ..., "name": ...}`
    for inline text. Empty means: use the source's bundled sample documents (demo only)."""

    run_id: Annotated[str, Field(description="Identifier of this run; generated when empty.")] = ""
    """Identifier of this run; generated when empty."""


@dataclass(kw_only=True)
class OutputState:
    """What a caller gets back, and what the server streams as `updates`.

    The LangGraph server cuts every `updates` chunk down to these fields, so each phase's
    output a client should see while the run goes on is one of them: the schema's summary,
    the requirements, the use cases and the templates, then the reports and the summary.
    """

    schema_summary: dict[str, Any] | None = None
    """Graph name, fingerprint and each collection's name, kind, role and size (plain data;
    written with the schema by the analyze_schema phase, `gaai_graph.progress`)."""

    requirements: list[Requirement] = field(default_factory=list)
    """Objectives, requirements and constraints extracted from the documents."""

    use_cases: list[UseCase] = field(default_factory=list)
    """Business questions derived from the requirements."""

    templates: list[AnalysisTemplate] = field(default_factory=list)
    """Validated, executable analyses, one per use case (or more)."""

    reports: Annotated[list[Report], operator.add] = field(default_factory=list)
    """One report per template, in completion order; failed templates included."""

    summary: RunSummary | None = None
    """The aggregated summary of the run."""

    errors: Annotated[list[RunError], operator.add] = field(default_factory=list)
    """Failures recorded instead of aborting: failed templates, skipped documents, fallbacks."""

    llm_calls: Annotated[list[LLMCall], operator.add] = field(default_factory=list)
    """One record per chat-model request or cache replay (phase, model, template, purpose,
    status, tokens, seconds, cost); empty when no model is configured. Written by parallel
    template chains, hence the list reducer. `gaai_graph.llm.usage.usage_totals` sums it per
    phase and per model."""

    fallbacks: Annotated[list[Fallback], operator.add] = field(default_factory=list)
    """Every LLM answer repaired, trimmed or replaced by the rule path (phase, template,
    action, reason)."""


@dataclass(kw_only=True)
class WorkflowState(InputState, OutputState):
    """Everything the nodes read and write."""

    schema: GraphSchema | None = None
    """The introspected graph schema (written by analyze_schema)."""

    vertical: Vertical | None = None
    """The resolved industry vertical."""

    executions: Annotated[list[ExecutionResult], operator.add] = field(default_factory=list)
    """Raw execution summaries, one per template chain."""

    timings: Annotated[list[PhaseTiming], operator.add] = field(default_factory=list)
    """Wall time of each phase and of each template's execute and report steps."""

    run_identity: dict[str, Any] | None = None
    """What the thread was started with, as plain data (written by start_run): `context`, the
    `Context` fields that decide what is analysed (source without password, graph, vertical,
    limits, model name, ...), and `documents`, a digest of the requirement documents as given.
    Every later step works with this context, so a resume that sends none continues with it and
    one that sends another is refused (`gaai_graph.thread_identity`). No secrets."""


@dataclass(kw_only=True)
class TemplateTask:
    """The payload `Send` gives one template chain: everything it needs, nothing more."""

    template: AnalysisTemplate
    """The analysis to run."""

    use_case: UseCase | None
    """The use case the template answers (None only for hand-made templates)."""

    schema: GraphSchema
    """The schema, for labels and validation."""

    vertical: Vertical
    """The vertical, for interpreting results."""

    requirements: list[Requirement]
    """The requirements this template answers (for the report's wording)."""

    run_identity: dict[str, Any] | None = None
    """The thread's `WorkflowState.run_identity`, so the chain works with the thread's context."""

    position: int = 0
    """The template's place among the dispatched templates (1-based; 0: not dispatched)."""

    total: int = 0
    """How many templates were dispatched with it (for "n of N" progress)."""

    @classmethod
    def for_template(
        cls,
        template: AnalysisTemplate,
        *,
        use_case: UseCase | None,
        schema: GraphSchema,
        vertical: Vertical,
        requirements: list[Requirement],
        run_identity: dict[str, Any] | None = None,
        position: int = 0,
        total: int = 0,
    ) -> TemplateTask:
        """The payload for `template`, with the schema and vertical cut to what it reads.

        Each payload is checkpointed once per template: with the whole schema and vertical it
        was ~14 KB, which at N = 500 templates made the SQLite checkpointer the bottleneck.
        """
        return cls(
            template=template,
            use_case=use_case,
            schema=_schema_for_chain(schema, template),
            vertical=_vertical_for_chain(vertical, use_case),
            requirements=requirements,
            run_identity=run_identity,
            position=position,
            total=total,
        )


CATEGORY_DISTINCT_RATIO = 0.5
"""Vertex attributes with at most this share of distinct values travel with a template's chain:
categories a partition may follow, not identifiers."""


def _schema_for_chain(schema: GraphSchema, template: AnalysisTemplate) -> GraphSchema:
    """The schema cut to the template's collections, attribute profiles to category-like ones.

    Execution reads the label attribute of each projected collection, and the category-like
    vertex attributes (few distinct values) a partition is compared with
    (`gaai_graph.engines.describe`).
    """
    projection = template.projection
    wanted = set(projection.vertex_collections) | set(projection.edge_collections)
    return schema.model_copy(
        update={
            "collections": [
                profile.model_copy(
                    update={
                        "attributes": [
                            attribute
                            for attribute in profile.attributes
                            if profile.kind == "document"
                            and (attribute.distinct_ratio or 0.0) <= CATEGORY_DISTINCT_RATIO
                        ]
                    }
                )
                for profile in schema.collections
                if profile.name in wanted
            ],
            "graphs": [],
            "edge_definitions": [
                definition
                for definition in schema.edge_definitions
                if definition.edge_collection in wanted
            ],
            "dangling_edges": [],
            "warnings": [],
        }
    )


def _vertical_for_chain(vertical: Vertical, use_case: UseCase | None) -> Vertical:
    """The vertical with only the reading and actions of the use case's intent.

    A template without a use case keeps them all (its report infers the intent).
    """
    if use_case is None:
        return vertical
    intent = use_case.intent
    return vertical.model_copy(
        update={
            "keywords": [],
            "typical_questions": [],
            "matched_terms": [],
            "interpretation": {
                key: text for key, text in vertical.interpretation.items() if key == intent
            },
            "recommendations": {
                key: texts for key, texts in vertical.recommendations.items() if key == intent
            },
        }
    )
