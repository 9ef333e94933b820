"""The one-line notice that the rules answered because the model did not."""

from __future__ import annotations

from gaai_graph.llm.call import UNREACHABLE_REASON
from gaai_graph.llm.notice import rules_answered_notice
from gaai_graph.models import Fallback


def test_an_unreachable_model_gives_one_line_with_the_reason_and_the_steps() -> None:
    fallbacks = [
        Fallback(
            phase="extract_requirements",
            action="rules",
            reason="the model call failed: OpenAIConnectionError: Connection error.",
        ),
        Fallback(phase="generate_templates", action="rules", reason=f"{UNREACHABLE_REASON}: x"),
        Fallback(phase="report", template_id="TPL-001", action="rules", reason=UNREACHABLE_REASON),
        Fallback(phase="report", template_id="TPL-001", action="rules", reason=UNREACHABLE_REASON),
    ]
    notice = rules_answered_notice(fallbacks)
    assert notice is not None and "\n" not in notice
    assert "OpenAIConnectionError: Connection error." in notice
    assert "3 step(s): extract_requirements, generate_templates, report TPL-001." in notice


def test_repairs_and_drops_are_not_a_model_failure() -> None:
    fallbacks = [
        Fallback(phase="report", action="repaired", reason="the model call failed: x"),
        Fallback(phase="report", action="dropped", reason="an insight cited no evidence"),
        Fallback(phase="report", action="rules", reason="the answer named unknown vertices"),
    ]
    assert rules_answered_notice(fallbacks) is None
    assert rules_answered_notice([]) is None
