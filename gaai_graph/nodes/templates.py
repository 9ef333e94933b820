"""The template-generation node: rule design, then the model's design when one is configured.

The rules (`gaai_graph.nodes.template_design`) always run and are the fallback; with a model
configured, `gaai_graph.llm.phases.templates_with_llm` designs from the same method catalogue
and every template it proposes is validated the same way.
"""

from __future__ import annotations

import asyncio
from typing import Any

from langgraph.runtime import Runtime

from gaai_graph.context import Context
from gaai_graph.methods.centrality import BROKER_EXACT_LIMIT, BROKER_SAMPLE_SIZE
from gaai_graph.models import RunError
from gaai_graph.nodes.common import context_of, timed
from gaai_graph.nodes.template_design import (
    TemplateDesign,
    compose_use_cases,
    design_templates_by_rules,
    design_templates_with_failures,
    validate_template,
    with_design_steps,
    with_use_case_notes,
)
from gaai_graph.state import WorkflowState

__all__ = [
    "BROKER_EXACT_LIMIT",
    "BROKER_SAMPLE_SIZE",
    "TemplateDesign",
    "design_templates_by_rules",
    "design_templates_with_failures",
    "generate_templates",
    "validate_template",
    "with_design_steps",
    "with_use_case_notes",
]


async def generate_templates(state: WorkflowState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Design the analysis templates for the run's use cases (rules path).

    Args:
        state: Needs `use_cases` and `schema`.
        runtime: Carries `max_templates` and `top_k`.

    Returns:
        Updates for `templates`, `timings` and `errors` (use cases left without a template).
    """
    context = context_of(runtime)
    llm_updates: dict[str, Any] = {}
    with timed("generate_templates") as clock:
        if state.schema is None:
            design = TemplateDesign(templates=[], failures=[])
            errors = [RunError(phase="generate_templates", message="no schema to design for")]
        else:
            # A composed question split into one use case per intent is answered as one.
            composed = await asyncio.to_thread(
                compose_use_cases, state.use_cases, state.requirements, state.schema
            )
            design = await asyncio.to_thread(
                design_templates_with_failures,
                composed,
                state.schema,
                max_templates=context.max_templates,
                top_k=context.top_k,
            )
            # LLM branch: the rule design above is the fallback.
            from gaai_graph.llm.phases import templates_with_llm

            design, llm_updates = await templates_with_llm(context, composed, state.schema, design)
            use_cases = {use_case.id: use_case for use_case in composed}
            design.templates = [
                with_use_case_notes(
                    with_design_steps(template, use_cases.get(template.use_case_id), state.schema),
                    use_cases.get(template.use_case_id),
                )
                for template in design.templates
            ]
            errors = [
                RunError(
                    phase="generate_templates",
                    message=f"{use_case.id} ({use_case.title}) got no template: {reason}",
                )
                for use_case, reason in design.failures
            ]
    return {
        "templates": design.templates,
        "timings": [clock.timing],
        "errors": errors,
        **llm_updates,
    }
