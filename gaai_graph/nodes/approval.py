"""Human approval of the generated templates before they run (optional human-in-the-loop).

With `Context.approve_templates` set, the graph routes the generated templates here and
pauses with `langgraph.types.interrupt`, showing every template. The run resumes with
`Command(resume=answer)`, where the answer is one of:

* `True`, `"accept"` or `{}`: run every template as generated;
* `False` or `"reject"`: run none (the run ends with an empty summary);
* `{"drop": ["TPL-002"], "edit": {"TPL-001": {"parameters": {"damping_factor": 0.9}}}}`:
  drop some templates and change fields of others (`title`, `algorithm`, `projection` — whole
  or some of its keys —, `parameters`, `result_collections`, `top_k`, `description`).

Edited templates are validated again with `validate_template` against the schema. An answer
that cannot be applied (unknown template id, unknown field, an edit the schema or the
algorithm registry rejects) is not a crash: the node asks again, showing the error, and the
rejected answer is recorded in `errors` once an answer is accepted. Resume values are matched
to interrupts by their order in the node (LangGraph re-runs the node from the start on every
resume), so a corrected answer is simply the next resume.

The interrupt also carries `answer_schema()` as its `response_schema`, so clients (Studio, the
SDK's thread state) can render a form for the answer.

An interrupt needs a checkpointer: the LangGraph server brings its own; in Python, the
`AgenticWorkflowRunner` has one (its result's `interrupt`, then `runner.resume_async(answer)`),
or compile the graph with `gaai_graph.persistence.compile_graph(saver)`.
"""

from __future__ import annotations

from typing import Any, Literal

from langgraph.runtime import Runtime
from langgraph.types import interrupt
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from gaai_graph.context import Context
from gaai_graph.errors import GaaiError, TemplateValidationError
from gaai_graph.methods.registry import METHODS
from gaai_graph.models import AnalysisTemplate, GraphSchema, RunError
from gaai_graph.nodes.template_design import validate_template
from gaai_graph.state import WorkflowState

__all__ = [
    "PHASE",
    "ApprovalUnavailableError",
    "ReviewRejectedError",
    "TemplateEdit",
    "TemplateReview",
    "answer_schema",
    "apply_review",
    "approve_templates",
    "parse_review",
    "review_request",
]

PHASE = "approve_templates"
"""Phase name of the notes this node records in `errors`."""

_ACCEPT_WORDS = frozenset({"accept", "approve", "approved", "yes", "ok"})
_REJECT_WORDS = frozenset({"reject", "rejected", "no", "none"})


class ApprovalUnavailableError(GaaiError):
    """Approval was asked for, but the graph runs without a checkpointer to pause with."""


class ReviewRejectedError(TemplateValidationError):
    """The reviewer's answer cannot be applied; the message says why."""


class ProjectionEdit(BaseModel):
    """New values for some keys of a template's projection."""

    model_config = ConfigDict(extra="forbid")

    vertex_collections: list[str] | None = Field(
        default=None, description="Vertex collections the algorithm runs on."
    )
    edge_collections: list[str] | None = Field(
        default=None, description="Edge collections the algorithm runs on."
    )
    directed: bool | None = Field(default=None, description="Whether edges keep their direction.")


class TemplateEdit(BaseModel):
    """New values for some fields of one template; fields left out keep their value."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, description="The template's title.")
    algorithm: str | None = Field(
        default=None,
        description=f"One of: {', '.join(METHODS)}. Changing it without "
        "giving `parameters` resets them to the new algorithm's defaults.",
    )
    projection: ProjectionEdit | None = Field(
        default=None, description="Keys of the projection to change."
    )
    parameters: dict[str, Any] | None = Field(
        default=None, description="Algorithm parameters; replaces the current ones."
    )
    result_collections: list[str] | None = Field(
        default=None, description="Collections whose vertices are reported as top entities."
    )
    top_k: int | None = Field(default=None, description="How many top entities to report.")
    description: str | None = Field(default=None, description="Why this analysis answers it.")


class TemplateReview(BaseModel):
    """The reviewer's answer: which templates to drop and how to change others."""

    model_config = ConfigDict(extra="forbid")

    action: Literal["accept", "reject"] = Field(
        default="accept",
        description="'accept' runs the templates (less `drop`, with `edit` applied); "
        "'reject' runs none.",
    )
    drop: list[str] = Field(default_factory=list, description="Ids of templates not to run.")
    edit: dict[str, TemplateEdit] = Field(
        default_factory=dict, description="Template id -> the fields to change."
    )


def answer_schema() -> dict[str, Any]:
    """JSON schema of a resume value, given to `interrupt` so clients can render a form.

    Returns:
        A schema accepting a yes/no (boolean or word) or a `TemplateReview` object. LangGraph
        passes a dict schema through without validating against it; `parse_review` validates.
    """
    review = TemplateReview.model_json_schema()
    definitions = review.pop("$defs", {})
    return {
        "title": "Template review",
        "description": "true runs every template, false runs none; an object drops or edits "
        "some of them.",
        "anyOf": [
            {"type": "boolean"},
            {"type": "string", "enum": sorted(_ACCEPT_WORDS | _REJECT_WORDS)},
            review,
        ],
        "$defs": definitions,
    }


def review_request(templates: list[AnalysisTemplate], error: str | None = None) -> dict[str, Any]:
    """Build the value shown to the reviewer (JSON-ready, so every client can render it).

    Args:
        templates: The templates awaiting approval.
        error: Why the previous answer was refused, when asking again.

    Returns:
        A dict with the question, the templates, how to answer and, when asking again, the
        error.
    """
    request: dict[str, Any] = {
        "kind": "approve_templates",
        "question": f"Approve the {len(templates)} analysis template(s) before they run? "
        "Resume with true to run them all, false to run none, or "
        '{"drop": [ids], "edit": {id: {field: value}}}.',
        "templates": [template.model_dump(mode="json") for template in templates],
    }
    if error is not None:
        request["error"] = error
    return request


def parse_review(answer: Any) -> TemplateReview:
    """Read a resume value as a review.

    Args:
        answer: The value given to `Command(resume=...)`.

    Returns:
        The review it stands for.

    Raises:
        ReviewRejectedError: When the value is neither a yes/no nor a review mapping.
    """
    if answer is None or answer is True:
        return TemplateReview()
    if answer is False:
        return TemplateReview(action="reject")
    if isinstance(answer, str):
        word = answer.strip().lower()
        if word in _ACCEPT_WORDS:
            return TemplateReview()
        if word in _REJECT_WORDS:
            return TemplateReview(action="reject")
        raise ReviewRejectedError(
            f"answer {answer!r} is not understood: use true/'accept', false/'reject', or "
            '{"drop": [...], "edit": {...}}'
        )
    if isinstance(answer, TemplateReview):
        return answer
    if not isinstance(answer, dict):
        raise ReviewRejectedError(
            f"answer of type {type(answer).__name__} is not understood: use true, false, or "
            '{"drop": [...], "edit": {...}}'
        )
    try:
        return TemplateReview.model_validate(answer)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in issue['loc']) or 'answer'}: {issue['msg']}"
            for issue in error.errors()
        )
        raise ReviewRejectedError(f"answer is malformed: {problems}") from error


def _edited(
    template: AnalysisTemplate, edit: TemplateEdit, schema: GraphSchema
) -> AnalysisTemplate:
    changes = edit.model_dump(exclude_none=True, exclude={"projection"})
    if "algorithm" in changes and changes["algorithm"] != template.algorithm:
        # The old algorithm's parameters rarely fit the new one; start from its defaults.
        changes.setdefault("parameters", {})
    merged = template.model_dump(mode="json") | changes
    if edit.projection is not None:
        merged["projection"] = merged["projection"] | edit.projection.model_dump(exclude_none=True)
    where = f"edit of {template.id}"
    try:
        candidate = AnalysisTemplate.model_validate(merged)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in issue['loc'])}: {issue['msg']}"
            for issue in error.errors()
        )
        raise ReviewRejectedError(f"{where}: {problems}") from error
    try:
        return validate_template(candidate, schema)
    except TemplateValidationError as error:
        raise ReviewRejectedError(f"{where} rejected: {error}") from error


def apply_review(
    templates: list[AnalysisTemplate], review: TemplateReview, schema: GraphSchema
) -> tuple[list[AnalysisTemplate], list[RunError]]:
    """Apply a review to the templates.

    Args:
        templates: The generated templates, in order.
        review: The reviewer's answer.
        schema: The schema edited templates are validated against.

    Returns:
        The templates to run (original order and ids; edited ones validated) and one note
        per dropped or edited template.

    Raises:
        ReviewRejectedError: An id names no template, a template is both dropped and edited,
            or an edit does not validate. Nothing is applied then.
    """
    if review.action == "reject":
        return [], [
            RunError(phase=PHASE, message=f"{t.id} ({t.title}) skipped: rejected by the reviewer")
            for t in templates
        ]
    known = {template.id for template in templates}
    unknown = sorted((set(review.drop) | set(review.edit)) - known)
    if unknown:
        raise ReviewRejectedError(
            f"unknown template id(s) {', '.join(unknown)}; the templates are "
            f"{', '.join(t.id for t in templates)}"
        )
    both = sorted(set(review.drop) & set(review.edit))
    if both:
        raise ReviewRejectedError(f"template(s) {', '.join(both)} are both dropped and edited")
    kept: list[AnalysisTemplate] = []
    notes: list[RunError] = []
    for template in templates:
        if template.id in review.drop:
            notes.append(
                RunError(
                    phase=PHASE,
                    message=f"{template.id} ({template.title}) skipped: dropped by the reviewer",
                )
            )
            continue
        edit = review.edit.get(template.id)
        if edit is None:
            kept.append(template)
            continue
        changed = _edited(template, edit, schema)
        fields = ", ".join(sorted(edit.model_dump(exclude_none=True)))
        notes.append(
            RunError(phase=PHASE, message=f"{template.id} edited by the reviewer ({fields})")
        )
        kept.append(changed)
    return kept, notes


async def approve_templates(state: WorkflowState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Pause for a person to accept, drop or edit the templates, then apply their answer.

    The graph's router sends the run here only when `Context.approve_templates` is set.

    Args:
        state: Reads `templates` and `schema`.
        runtime: The run's runtime (part of the node signature every node shares).

    Returns:
        Updates for `templates` (the approved ones) and `errors` (drops, edits and refused
        answers, so the summary keeps a record of the review).

    Raises:
        ApprovalUnavailableError: When the graph runs without a checkpointer: it could pause
            but never resume, and running unapproved templates would ignore the request.
    """
    templates = list(state.templates)
    if state.schema is None or not templates:
        return {}
    info = runtime.execution_info
    # Every checkpointer needs a thread id, so a run without one has no checkpointer.
    if info is not None and info.thread_id is None:
        raise ApprovalUnavailableError(
            "approve_templates needs a checkpointer to pause and resume: use "
            "AgenticWorkflowRunner (then runner.resume_async(answer)), or compile the graph "
            "with gaai_graph.persistence.compile_graph(saver) and pass a thread_id, or run "
            "the graph on the LangGraph server"
        )
    refused: list[RunError] = []
    error: str | None = None
    while True:
        # Each pass asks once; on resume LangGraph replays the earlier answers in order, so
        # the loop reaches the same state deterministically before taking the new answer.
        answer = interrupt(review_request(templates, error), response_schema=answer_schema())
        try:
            review = parse_review(answer)
            approved, notes = apply_review(templates, review, state.schema)
        except ReviewRejectedError as rejected:
            error = str(rejected)
            refused.append(RunError(phase=PHASE, message=f"answer refused: {error}"))
            continue
        return {"templates": approved, "errors": [*refused, *notes]}
