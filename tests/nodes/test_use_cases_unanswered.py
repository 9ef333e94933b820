"""Unanswered-requirement notes quote an excerpt: they travel into state and traces."""

from __future__ import annotations

from gaai_graph.models import Requirement
from gaai_graph.nodes.use_cases import EXCERPT_CHARACTERS, generate_use_cases_by_rules
from gaai_graph.nodes.vertical import builtin_verticals
from gaai_graph.sources.demo import load_bundled_demo


def test_an_unanswerable_requirement_is_quoted_short() -> None:
    from gaai_graph.nodes.schema import profile_schema

    schema = profile_schema(load_bundled_demo(), graph_name=None, core_collections=None)
    pasted = "Forecast next quarter's revenue for every region. " + "Lorem ipsum dolor. " * 5000
    requirement = Requirement(
        id="REQ-001", text=pasted, kind="requirement", source="memo.md", line=1
    )
    _, unanswered = generate_use_cases_by_rules(
        [requirement], schema, builtin_verticals()["ecommerce"]
    )
    assert unanswered
    for note in unanswered:
        assert note.startswith("REQ-001: ")
        assert len(note) < EXCERPT_CHARACTERS + 300
        assert f"({len(' '.join(pasted.split()))} characters)" in note
