"""The LLM branch of every reasoning phase, each falling back to the phase's rule result.

Each function takes the run's context and the result the rule path already computed (cheap
and deterministic), asks the model once for a better one, checks it (against the schema, the
algorithm registry or the result's evidence), and returns the model's result, or the rule
result with the reason recorded as a `Fallback`. With no model configured each returns the
rule result and no records, so nodes call them unconditionally. Their second return value is
the state update carrying `llm_calls` and `fallbacks`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, Field

from gaai_graph import prompts
from gaai_graph.context import Context
from gaai_graph.errors import TemplateValidationError
from gaai_graph.llm.call import LLMSession, open_session
from gaai_graph.llm.usage import usage_totals
from gaai_graph.methods.registry import RegisteredMethodName
from gaai_graph.methods.vocabulary import QuestionIntent
from gaai_graph.models import (
    AnalysisTemplate,
    DocumentText,
    ExecutionResult,
    Fallback,
    GraphProjection,
    GraphSchema,
    Insight,
    Intent,
    LLMCall,
    MetricValue,
    Priority,
    Recommendation,
    Report,
    Requirement,
    RequirementKind,
    RunSummary,
    UseCase,
    Vertical,
)
from gaai_graph.nodes.method_plans import with_attributes
from gaai_graph.nodes.report import check_insight, result_measures, unbacked_numbers
from gaai_graph.nodes.template_design import TemplateDesign, validate_template

__all__ = [
    "Updates",
    "requirements_with_llm",
    "summary_with_llm",
    "templates_with_llm",
    "use_cases_with_llm",
    "vertical_with_llm",
    "write_report_with_llm",
]

Updates = dict[str, Any]
"""State updates (`llm_calls`, `fallbacks`) of one phase."""


def _finish(session: LLMSession | None) -> Updates:
    return session.updates() if session is not None else {}


# --------------------------------------------------------------------------- requirements


class RequirementDraft(BaseModel):
    """One statement found in a document."""

    kind: RequirementKind
    text: str
    source: str = Field(description="Name of the document it is in.")
    line: int = Field(description="1-based line number in that document.")
    priority: Priority = "medium"


class RequirementsAnswer(BaseModel):
    """The requirements of all documents."""

    requirements: list[RequirementDraft]


async def requirements_with_llm(
    context: Context, documents: Sequence[DocumentText], rules: list[Requirement]
) -> tuple[list[Requirement], Updates]:
    """Extract requirements with the model; the rule extraction when it fails.

    Args:
        context: The run's context (the model).
        documents: The documents read.
        rules: What the rule path extracted.

    Returns:
        (requirements with ids REQ-001..., state updates). Every requirement must name one
        of the documents and a line inside it.
    """
    session = open_session(context, "extract_requirements")
    if session is None or not documents:
        return rules, _finish(session)
    line_counts = {d.name: len(d.text.splitlines()) for d in documents}

    def validate(answer: RequirementsAnswer) -> list[Requirement]:
        if not answer.requirements:
            raise ValueError("no requirement was extracted")
        found = []
        for index, draft in enumerate(answer.requirements, start=1):
            if draft.source not in line_counts:
                raise ValueError(
                    f"requirement {index} cites document {draft.source!r}; documents: "
                    f"{', '.join(line_counts)}"
                )
            if not 1 <= draft.line <= line_counts[draft.source]:
                raise ValueError(
                    f"requirement {index} cites line {draft.line} of {draft.source}, which "
                    f"has {line_counts[draft.source]} lines"
                )
            found.append(Requirement(id=f"REQ-{index:03d}", **draft.model_dump()))
        return found

    reply = await session.ask(RequirementsAnswer, prompts.requirements_prompt(documents), validate)
    if reply.value is None:
        session.fallback("rules", reply.reason)
        return rules, _finish(session)
    return reply.value, _finish(session)


# --------------------------------------------------------------------------- vertical


class VerticalAnswer(BaseModel):
    """An industry profile generated for a graph no built-in vertical fits."""

    name: str
    title: str
    description: str = ""
    keywords: list[str] = Field(default_factory=list)
    typical_questions: list[str] = Field(default_factory=list)
    entity_terms: dict[str, str] = Field(default_factory=dict)
    interpretation: dict[str, str] = Field(default_factory=dict)
    recommendations: dict[str, list[str]] = Field(default_factory=dict)


async def vertical_with_llm(
    context: Context,
    rules: Vertical,
    requirements: Sequence[Requirement],
    schema: GraphSchema | None,
) -> tuple[Vertical, Updates]:
    """Generate the vertical with the model when the rules had to generate one.

    Built-in, custom and detected verticals are kept as they are: the model is asked only
    when `rules.source == "generated"`.
    """
    if rules.source != "generated":
        return rules, {}
    session = open_session(context, "resolve_vertical")
    if session is None:
        return rules, {}

    def validate(answer: VerticalAnswer) -> Vertical:
        if not answer.name.strip() or not answer.title.strip():
            raise ValueError("the vertical needs a name and a title")
        return Vertical(**answer.model_dump(), source="generated")

    reply = await session.ask(
        VerticalAnswer, prompts.vertical_prompt(requirements, schema), validate
    )
    if reply.value is None:
        session.fallback("rules", reply.reason)
        return rules, _finish(session)
    return reply.value, _finish(session)


# --------------------------------------------------------------------------- use cases


class UseCaseDraft(BaseModel):
    """One business question."""

    title: str
    intent: Intent
    description: str
    requirement_ids: list[str]
    focus_collections: list[str]
    linked_collections: list[str] = Field(default_factory=list)
    priority: Priority = "medium"
    rationale: str = ""
    intents: list[QuestionIntent] = Field(default_factory=list)
    """The question intents it answers, from the same catalogue the rule path reads into."""
    method: RegisteredMethodName | None = None
    """The catalogue method that answers it, when the question implies one."""


class Unanswered(BaseModel):
    """A requirement no supported analysis answers."""

    requirement_id: str
    reason: str


class UseCasesAnswer(BaseModel):
    """The use cases and the requirements left unanswered."""

    use_cases: list[UseCaseDraft]
    unanswered: list[Unanswered] = Field(default_factory=list)


async def use_cases_with_llm(
    context: Context,
    requirements: Sequence[Requirement],
    schema: GraphSchema,
    vertical: Vertical | None,
    rules: tuple[list[UseCase], list[str]],
) -> tuple[tuple[list[UseCase], list[str]], Updates]:
    """Derive use cases with the model; the rule result when it fails.

    Every focus and linked collection must be a vertex collection of the schema, and every
    cited requirement id must exist.
    """
    session = open_session(context, "generate_use_cases")
    if session is None:
        return rules, {}
    known_ids = {r.id for r in requirements}
    vertices = set(schema.vertex_collections)

    def validate(answer: UseCasesAnswer) -> tuple[list[UseCase], list[str]]:
        if not answer.use_cases:
            raise ValueError("no use case was proposed")
        use_cases = []
        for index, draft in enumerate(answer.use_cases, start=1):
            unknown = [
                c
                for c in [*draft.focus_collections, *draft.linked_collections]
                if c not in vertices
            ]
            if unknown:
                raise ValueError(
                    f"use case {index} names unknown vertex collection(s) {', '.join(unknown)}; "
                    f"vertex collections: {', '.join(sorted(vertices))}"
                )
            if not draft.focus_collections:
                raise ValueError(f"use case {index} has no focus collection")
            cited = [rid for rid in draft.requirement_ids if rid not in known_ids]
            if known_ids and cited:
                raise ValueError(f"use case {index} cites unknown requirement(s) {cited}")
            use_cases.append(UseCase(id=f"UC-{index:03d}", **draft.model_dump()))
        unanswered = [f"{u.requirement_id}: {u.reason}" for u in answer.unanswered]
        return use_cases, unanswered

    reply = await session.ask(
        UseCasesAnswer,
        prompts.use_cases_prompt(requirements, schema, vertical),
        validate,
    )
    if reply.value is None:
        session.fallback("rules", reply.reason)
        return rules, _finish(session)
    return reply.value, _finish(session)


# --------------------------------------------------------------------------- templates


class TemplateDraft(BaseModel):
    """One analysis for one use case."""

    use_case_id: str
    title: str
    algorithm: RegisteredMethodName
    vertex_collections: list[str]
    edge_collections: list[str]
    directed: bool = False
    parameters: dict[str, Any] = Field(default_factory=dict)
    result_collections: list[str] = Field(default_factory=list)
    description: str = ""


class TemplatesAnswer(BaseModel):
    """The analyses, one per use case."""

    templates: list[TemplateDraft]


async def templates_with_llm(
    context: Context,
    use_cases: Sequence[UseCase],
    schema: GraphSchema,
    rules: TemplateDesign,
) -> tuple[TemplateDesign, Updates]:
    """Design templates with the model, each validated by `validate_template`.

    An answer with any invalid template (unknown collection, attribute or algorithm,
    out-of-range parameter, a use case it does not have) gets one repair round quoting every
    validation error; still invalid, the whole phase takes the rule design. Use cases the
    model's valid answer leaves out get their rule template, recorded as a fallback.
    """
    session = open_session(context, "generate_templates")
    if session is None or not use_cases:
        return rules, _finish(session)
    by_id = {u.id: u for u in use_cases}

    def validate(answer: TemplatesAnswer) -> list[AnalysisTemplate]:
        problems: list[str] = []
        templates: list[AnalysisTemplate] = []
        seen: set[str] = set()
        for index, draft in enumerate(answer.templates, start=1):
            use_case = by_id.get(draft.use_case_id)
            if use_case is None:
                problems.append(f"template {index}: unknown use case {draft.use_case_id!r}")
                continue
            if draft.use_case_id in seen:
                continue
            candidate = AnalysisTemplate(
                id=f"TPL-{len(templates) + 1:03d}",
                use_case_id=use_case.id,
                requirement_ids=list(use_case.requirement_ids),
                title=draft.title,
                algorithm=draft.algorithm,
                projection=GraphProjection(
                    vertex_collections=draft.vertex_collections,
                    edge_collections=draft.edge_collections,
                    directed=draft.directed,
                ),
                parameters=draft.parameters,
                result_collections=draft.result_collections,
                top_k=context.top_k,
                description=draft.description,
            )
            try:
                valid = validate_template(candidate, schema)
                # As in the rule design: the attributes its parameters name (a weight, a
                # critical flag, a time) travel with the projection to the engine.
                templates.append(
                    valid.model_copy(
                        update={"projection": with_attributes(valid.projection, valid.parameters)}
                    )
                )
                seen.add(draft.use_case_id)
            except TemplateValidationError as error:
                problems.append(f"template {index} ({draft.use_case_id}): {error}")
        if problems:
            raise TemplateValidationError("; ".join(problems))
        return templates

    reply = await session.ask(
        TemplatesAnswer, prompts.templates_prompt(use_cases, schema), validate
    )
    if reply.value is None:
        session.fallback("rules", reply.reason)
        return rules, _finish(session)
    templates = reply.value[: context.max_templates]
    answered = {t.use_case_id for t in templates}
    rule_templates = {t.use_case_id: t for t in rules.templates}
    for use_case in use_cases:
        if use_case.id in answered or len(templates) >= context.max_templates:
            continue
        rule_template = rule_templates.get(use_case.id)
        if rule_template is not None:
            templates.append(
                rule_template.model_copy(update={"id": f"TPL-{len(templates) + 1:03d}"})
            )
            session.fallback("rules", f"the model designed no template for {use_case.id}")
    covered = {t.use_case_id for t in templates}
    failures = [(u, reason) for u, reason in rules.failures if u.id not in covered]
    return TemplateDesign(templates=templates, failures=failures), _finish(session)


# --------------------------------------------------------------------------- reports


class InsightDraft(BaseModel):
    """A finding and the measures it cites."""

    title: str
    description: str
    confidence: float = Field(ge=0.0, le=1.0)
    evidence: dict[str, MetricValue] = Field(default_factory=dict)


class RecommendationDraft(BaseModel):
    """An action."""

    title: str
    description: str
    priority: Priority = "medium"
    related_entities: list[str] = Field(default_factory=list)


class ReportAnswer(BaseModel):
    """The written part of a report."""

    summary: str
    insights: list[InsightDraft]
    recommendations: list[RecommendationDraft] = Field(default_factory=list)


async def write_report_with_llm(
    context: Context,
    template: AnalysisTemplate,
    execution: ExecutionResult,
    vertical: Vertical,
    requirements: Sequence[Requirement],
    rules: Report,
) -> tuple[Report, Updates]:
    """Write a succeeded template's report with the model, from whole-result measures.

    Every insight is audited with `check_insight`: one citing no evidence, a number that is
    not among its evidence, or evidence that is not the result's, is dropped (recorded). A
    summary quoting an unbacked number is replaced by the rule summary. A recommendation
    quoting a number the result does not hold, or naming an entity that is not one of the
    result's (its top entities and group members), is dropped (recorded); with none left the
    rule recommendations stand. With no backed insight left after one repair round, the rule
    report stands. Failed executions keep their rule report.
    """
    if execution.status != "succeeded":
        return rules, {}
    session = open_session(context, "report", template.id)
    if session is None:
        return rules, {}
    measures = result_measures(execution)

    def validate(answer: ReportAnswer) -> tuple[ReportAnswer, list[Insight], list[str]]:
        kept: list[Insight] = []
        dropped: list[str] = []
        for draft in answer.insights:
            insight = Insight(**draft.model_dump())
            problems = check_insight(insight, execution)
            if not insight.evidence:
                problems.insert(0, "it cites no evidence")
            if problems:
                dropped.append(f"insight {draft.title!r} dropped: {'; '.join(problems)}")
            else:
                kept.append(insight)
        if not kept:
            raise ValueError(
                "no insight is backed by the measures: " + " | ".join(dropped or ["none given"])
            )
        return answer, kept, dropped

    reply = await session.ask(
        ReportAnswer,
        prompts.report_prompt(template, execution, measures, vertical, requirements),
        validate,
    )
    if reply.value is None:
        session.fallback("rules", reply.reason)
        report = rules.model_copy(
            update={"fallbacks": [*rules.fallbacks, f"rule report: {reply.reason}"]}
        )
        return report, _finish(session)
    answer, insights, dropped = reply.value
    for reason in dropped:
        session.fallback("dropped", reason)
    summary = answer.summary
    unbacked = unbacked_numbers(summary, {**measures, **_identifiers(template)})
    if unbacked:
        session.fallback("dropped", f"summary replaced: cites {', '.join(unbacked)}")
        summary = rules.summary
    recommendations = []
    for draft in answer.recommendations:
        problems = _recommendation_problems(draft, template, execution, measures)
        if problems:
            session.fallback(
                "dropped", f"recommendation {draft.title!r} dropped: {'; '.join(problems)}"
            )
        else:
            recommendations.append(Recommendation(**draft.model_dump()))
    report = rules.model_copy(
        update={
            "summary": summary,
            "insights": sorted(insights, key=lambda i: -i.confidence),
            "recommendations": recommendations or rules.recommendations,
            "generated_by": "llm",
            "fallbacks": [f.reason for f in session.fallbacks],
        }
    )
    return report, _finish(session)


def _recommendation_problems(
    draft: RecommendationDraft,
    template: AnalysisTemplate,
    execution: ExecutionResult,
    measures: dict[str, MetricValue],
) -> list[str]:
    """What is wrong with a recommendation: unbacked numbers and entities the result lacks."""
    # A recommendation may also quote how many entities the report lists ("the top 10").
    evidence = {**measures, **_identifiers(template), "top_k": template.top_k}
    problems = [
        f"number {token} is not in the result"
        for token in unbacked_numbers(f"{draft.title}\n{draft.description}", evidence)
    ]
    known = {entity.id for entity in execution.top_entities}
    known.update(member for group in execution.groups for member in group.members_sample)
    unknown = [entity for entity in draft.related_entities if entity not in known]
    if unknown:
        problems.append(f"entities {', '.join(unknown[:5])} are not in the result")
    return problems


# --------------------------------------------------------------------------- summary


def _identifiers(template: AnalysisTemplate) -> dict[str, MetricValue]:
    """Ids a text may name (REQ-007, TPL-001): their digits are names, not quoted numbers."""
    names: dict[str, MetricValue] = {
        "template_id": template.id,
        "use_case_id": template.use_case_id,
    }
    for index, requirement_id in enumerate(template.requirement_ids):
        names[f"requirement_ids[{index}]"] = requirement_id
    return names


class SummaryAnswer(BaseModel):
    """The run's headline and key findings."""

    headline: str
    key_findings: list[str] = Field(default_factory=list)


def _summary_evidence(reports: Sequence[Report]) -> dict[str, MetricValue]:
    evidence: dict[str, MetricValue] = {
        "reports": len(reports),
        "succeeded": sum(r.status == "succeeded" for r in reports),
        "failed": sum(r.status == "failed" for r in reports),
    }
    for report in reports:
        evidence[f"{report.template_id}.template_id"] = report.template_id
        evidence[f"{report.template_id}.use_case_id"] = report.use_case_id
        for index, requirement_id in enumerate(report.requirement_ids):
            evidence[f"{report.template_id}.requirement_ids[{index}]"] = requirement_id
        for index, insight in enumerate(report.insights):
            evidence[f"{report.template_id}.insights[{index}].confidence"] = insight.confidence
            for name, value in insight.evidence.items():
                evidence[f"{report.template_id}.{name}"] = value
    return evidence


async def summary_with_llm(
    context: Context,
    reports: Sequence[Report],
    rules: RunSummary,
    vertical: Vertical | None,
    calls: Sequence[LLMCall],
    fallbacks: Sequence[Fallback],
) -> tuple[RunSummary, Updates]:
    """Write the headline and key findings with the model; fill in usage and fallbacks.

    Numbers the headline or a finding quotes must be among the report count, the insights'
    confidences and their evidence; a finding citing any other is dropped, a headline that
    does so is repaired once, then the rule headline stands.

    Args:
        context: The run's context.
        reports: The run's reports in template order.
        rules: The rule-written summary.
        vertical: The run's vertical, for wording.
        calls: The LLM calls of the earlier phases (from state).
        fallbacks: The fallbacks of the earlier phases (from state).

    Returns:
        The summary, with `fallbacks` and `llm_usage` covering the whole run, and the
        state updates of this phase.
    """
    session = open_session(context, "aggregate")
    summary = rules
    if session is not None and any(r.status == "succeeded" for r in reports):
        evidence = _summary_evidence(reports)
        digests = [
            {
                "template_id": r.template_id,
                "title": r.title,
                "status": r.status,
                "insights": [i.model_dump(exclude={"kind"}) for i in r.insights[:3]],
            }
            for r in reports
        ]

        def validate(answer: SummaryAnswer) -> tuple[str, list[str], list[str]]:
            unbacked = unbacked_numbers(answer.headline, evidence)
            if unbacked:
                raise ValueError(f"the headline cites {', '.join(unbacked)}, which no report holds")
            kept, dropped = [], []
            for finding in answer.key_findings:
                bad = unbacked_numbers(finding, evidence)
                if bad:
                    dropped.append(f"key finding dropped: cites {', '.join(bad)}: {finding}")
                else:
                    kept.append(finding)
            return answer.headline, kept, dropped

        reply = await session.ask(
            SummaryAnswer,
            prompts.summary_prompt(digests, rules.failures, vertical),
            validate,
        )
        if reply.value is None:
            session.fallback("rules", reply.reason)
        else:
            headline, findings, dropped = reply.value
            for reason in dropped:
                session.fallback("dropped", reason)
            summary = rules.model_copy(
                update={
                    "headline": headline,
                    "key_findings": findings or rules.key_findings,
                    "generated_by": "llm",
                }
            )
    updates = _finish(session)
    all_calls = [*calls, *updates.get("llm_calls", [])]
    all_fallbacks = [*fallbacks, *updates.get("fallbacks", [])]
    summary = summary.model_copy(
        update={"fallbacks": all_fallbacks, "llm_usage": usage_totals(all_calls)}
    )
    return summary, updates
