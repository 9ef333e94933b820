"""Prompts of the LLM reasoning path, grounded in the schema summary and the vertical.

Each builder returns chat messages (`{"role", "content"}` dicts) for one reasoning phase. The
facts a prompt states (collections, counts, edge definitions, algorithms and their parameter
ranges, whole-result measures) are rendered from the run's own objects, so the model is asked
to choose among what exists rather than to remember it. The answer's JSON shape is sent as
structured output (`response_format` or a forced tool call) where the model supports it;
otherwise `with_answer_schema` writes its JSON Schema into the system message, so the first
answer can already have the right shape.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from gaai_graph.methods.registry import METHODS
from gaai_graph.models import (
    AnalysisTemplate,
    DocumentText,
    ExecutionResult,
    GraphSchema,
    MetricValue,
    Requirement,
    RunError,
    UseCase,
    Vertical,
)
from gaai_graph.questions.catalogue import intent_catalogue_text

Message = dict[str, str]

SYSTEM = (
    "You are a graph analytics consultant. You turn business requirements into graph "
    "analyses and explain their results. Use only the collections, attributes, algorithms "
    "and numbers given to you; never invent any. Answer with JSON only."
)

_MAX_DOCUMENT_CHARS = 12_000
_MAX_ATTRIBUTES = 8


ANSWER_SCHEMA_INSTRUCTION = (
    "Answer with one JSON object, and nothing else, matching this JSON Schema: "
)
"""Introduces the answer's JSON Schema when the request itself does not carry it."""


def _messages(user: str) -> list[Message]:
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}]


def with_answer_schema(
    messages: Sequence[Mapping[str, str]], json_schema: Mapping[str, object]
) -> list[Message]:
    """Return `messages` with the answer's JSON Schema stated in the system message.

    For models and servers without structured output (or with only a JSON mode that does not
    carry a schema). A system message is added in front when there is none.
    """
    instruction = ANSWER_SCHEMA_INSTRUCTION + json.dumps(json_schema, separators=(",", ":"))
    stated = [dict(message) for message in messages]
    for message in stated:
        if message.get("role") == "system":
            message["content"] = f"{message.get('content', '')}\n\n{instruction}"
            return stated
    return [{"role": "system", "content": instruction}, *stated]


def schema_summary(schema: GraphSchema) -> str:
    """Render the schema as the compact text every prompt is grounded in."""
    lines = [f"Graph: {schema.graph_name or '(all collections)'}"]
    lines.append("Vertex collections (name, documents, role, attributes):")
    for profile in schema.collections:
        if profile.kind != "document":
            continue
        attributes = ", ".join(a.name for a in profile.attributes[:_MAX_ATTRIBUTES])
        lines.append(f"- {profile.name}: {profile.count}, {profile.role}; {attributes}")
    lines.append("Edge collections (name, edges: from -> to):")
    for definition in schema.edge_definitions:
        edges = schema.collection(definition.edge_collection)
        count = edges.count if edges is not None else 0
        lines.append(
            f"- {definition.edge_collection}: {count}: "
            f"{', '.join(definition.from_vertex_collections)} -> "
            f"{', '.join(definition.to_vertex_collections)}"
        )
    return "\n".join(lines)


def vertical_summary(vertical: Vertical | None) -> str:
    """Render the industry vertical's vocabulary and reading of results."""
    if vertical is None:
        return "Industry: generic graph."
    lines = [f"Industry: {vertical.title} ({vertical.name}). {vertical.description}".strip()]
    if vertical.entity_terms:
        terms = ", ".join(f"{k} = {v}" for k, v in vertical.entity_terms.items())
        lines.append(f"Business terms: {terms}")
    for intent, reading in vertical.interpretation.items():
        lines.append(f"- {intent}: {reading}")
    return "\n".join(lines)


def algorithm_catalog() -> str:
    """Render the algorithm registry: names, purpose and parameter ranges."""
    lines = []
    for spec in METHODS.values():
        parameters = []
        for parameter in spec.parameters:
            bounds = ""
            if parameter.choices:
                bounds = f" one of {'/'.join(parameter.choices)}"
            elif parameter.minimum is not None or parameter.maximum is not None:
                bounds = f" in [{parameter.minimum}, {parameter.maximum}]"
            parameters.append(f"{parameter.name} ({parameter.kind}{bounds})")
        listed = "; ".join(parameters) or "no parameters"
        lines.append(f"- {spec.name} ({spec.kind}): {spec.description} Parameters: {listed}")
    return "\n".join(lines)


def requirements_prompt(documents: Sequence[DocumentText]) -> list[Message]:
    """Ask for the objectives, requirements and constraints of the documents."""
    parts = []
    for document in documents:
        numbered = "\n".join(
            f"{number}: {line}" for number, line in enumerate(document.text.splitlines(), 1)
        )
        parts.append(f"### Document {document.name}\n{numbered[:_MAX_DOCUMENT_CHARS]}")
    return _messages(
        "Extract every objective, requirement and constraint from these documents. For each "
        "give kind (objective|requirement|constraint), the statement in one sentence, the "
        "document name as `source`, the 1-based `line` it is on (the numbers before each "
        "line) and a priority (high|medium|low).\n\n" + "\n\n".join(parts)
    )


def vertical_prompt(
    requirements: Sequence[Requirement], schema: GraphSchema | None
) -> list[Message]:
    """Ask for an industry profile when no built-in vertical matches."""
    asked = "\n".join(f"- {r.text}" for r in requirements[:40]) or "(none)"
    grounded = schema_summary(schema) if schema is not None else "(no schema)"
    return _messages(
        "No built-in industry profile matches this graph. Describe its industry: a short "
        "snake_case name, a title, a description, keywords, typical questions, entity_terms "
        "(collection-name fragment -> business term), interpretation (intent -> how a high "
        "score or large group reads) and recommendations (intent -> actions). Intents: "
        "influence, hubs, communities, rings, brokers, cohesion, cycles.\n\n"
        f"{grounded}\n\nRequirements:\n{asked}"
    )


def use_cases_prompt(
    requirements: Sequence[Requirement], schema: GraphSchema, vertical: Vertical | None
) -> list[Message]:
    """Ask for the business questions (use cases) the requirements pose."""
    asked = "\n".join(f"- {r.id} ({r.kind}, {r.priority}): {r.text}" for r in requirements)
    return _messages(
        "Turn these requirements into use cases: one per distinct question a graph analysis "
        "answers. Intent is one of influence, hubs, communities, rings, brokers, cohesion, "
        "cycles. focus_collections are the vertex collections the question is about; "
        "linked_collections the ones that link them (e.g. shared devices). intents are the "
        "question intents it answers and method the method that answers it, both from the "
        "catalogue below (leave method out to use the intent's usual one). Cite the "
        "requirement ids each use case answers. List requirements that no such analysis "
        "answers (e.g. a sales forecast) under `unanswered` with the reason.\n\n"
        f"Question intents and their methods:\n{intent_catalogue_text()}\n\n"
        f"{schema_summary(schema)}\n\n{vertical_summary(vertical)}\n\n"
        f"Requirements:\n{asked or '(none: use the industry typical questions)'}"
    )


def templates_prompt(use_cases: Sequence[UseCase], schema: GraphSchema) -> list[Message]:
    """Ask for one executable analysis template per use case."""
    questions = "\n".join(
        f"- {u.id} ({u.intent}; focus {', '.join(u.focus_collections) or 'any'}): {u.title}"
        for u in use_cases
    )
    return _messages(
        "Design one analysis per use case: the algorithm, the projection (vertex and edge "
        "collections, directed or not) and parameters within the ranges listed. Every edge "
        "collection must connect vertex collections of the same projection. Keep satellite "
        "collections out of community and connectivity projections. result_collections are "
        "the vertex collections whose top entities are reported.\n\n"
        f"{schema_summary(schema)}\n\nAlgorithms:\n{algorithm_catalog()}\n\n"
        f"Use cases:\n{questions}"
    )


def report_prompt(
    template: AnalysisTemplate,
    execution: ExecutionResult,
    measures: Mapping[str, MetricValue],
    vertical: Vertical,
    requirements: Sequence[Requirement],
) -> list[Message]:
    """Ask for the written report of one executed template from its whole-result measures."""
    # Timings are left out: they differ on every run, would make every re-run miss the LLM
    # cache, and answer no business question.
    evidence = json.dumps(
        {
            name: value
            for name, value in measures.items()
            if value is not None and not name.endswith("seconds")
        },
        default=str,
    )
    asked = "\n".join(f"- {r.id}: {r.text}" for r in requirements) or "- (no requirement text)"
    return _messages(
        f"Write the report of analysis {template.id}, '{template.title}' "
        f"({execution.algorithm}). The "
        "measures below are computed over the WHOLE result. Give a one-paragraph summary "
        "answering the requirements, insights (title, description, confidence 0..1, and "
        "evidence: the measure names and exact values each description cites) and "
        "recommendations (title, description, priority high|medium|low, related entity "
        "ids). Cite only numbers from the measures, rounded as you print them; an insight "
        "citing any other number is discarded.\n\n"
        f"{vertical_summary(vertical)}\n\nRequirements:\n{asked}\n\nMeasures:\n{evidence}"
    )


def summary_prompt(
    digests: Sequence[Mapping[str, object]],
    failures: Sequence[RunError],
    vertical: Vertical | None,
) -> list[Message]:
    """Ask for the run's headline and key findings from the reports' findings."""
    facts = json.dumps(list(digests), default=str)
    failed = "\n".join(f"- {f.template_id or f.phase}: {f.message}" for f in failures) or "none"
    return _messages(
        "Summarise this analysis run for an executive: a one-sentence headline and up to "
        "five key findings, each naming the analysis it comes from. Use only the numbers "
        "given below.\n\n"
        f"{vertical_summary(vertical)}\n\nReports:\n{facts}\n\nFailures:\n{failed}"
    )
