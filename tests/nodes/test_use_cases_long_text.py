"""Use-case generation on long texts: mentions stay linear and in order, and notes quote a
bounded part of a requirement (issue 14.5)."""

from __future__ import annotations

import itertools

from gaai_graph.models import CollectionProfile, EdgeDefinition, GraphSchema, Requirement
from gaai_graph.nodes.use_cases import find_mentions, generate_use_cases_by_rules
from gaai_graph.nodes.vertical import builtin_verticals

_VERTICES = {"customers": 500, "orders": 1500, "devices": 520, "payment_methods": 530}
_EDGES = {
    "placed": ("customers", "orders"),
    "uses_device": ("customers", "devices"),
    "pays_with": ("customers", "payment_methods"),
}
SHOP = GraphSchema(
    source="memory",
    collections=[
        *(
            CollectionProfile(name=n, kind="document", count=c, role="core")
            for n, c in _VERTICES.items()
        ),
        *(CollectionProfile(name=n, kind="edge", count=500, role="edge") for n in _EDGES),
    ],
    edge_definitions=[
        EdgeDefinition(edge_collection=n, from_vertex_collections=[a], to_vertex_collections=[b])
        for n, (a, b) in _EDGES.items()
    ],
    fingerprint="f",
)


def test_find_mentions_keeps_longest_non_overlapping_mentions_in_text_order() -> None:
    vertical = builtin_verticals()["ecommerce"]
    text = "customers sharing payment methods and devices with other customers " * 50
    mentions = find_mentions(text, SHOP, vertical)
    assert [m.start for m in mentions] == sorted(m.start for m in mentions)
    assert all(a.end <= b.start for a, b in itertools.pairwise(mentions))
    # "payment methods" is one mention, not "methods" or "payment" alone.
    assert sum(m.text.lower() == "payment methods" for m in mentions) == 50
    assert {m.collection for m in mentions} == {"customers", "payment_methods", "devices"}


def test_use_cases_quote_a_bounded_part_of_a_long_requirement() -> None:
    # An unrecognised request gets the general profile; none of its use cases copies the
    # whole text (use cases live in the run's state and every checkpoint).
    vertical = builtin_verticals()["ecommerce"]
    text = "zzzz " * 20_000
    requirement = Requirement(id="R1", kind="objective", text=text, source="doc", line=1)
    use_cases, unanswered = generate_use_cases_by_rules([requirement], SHOP, vertical)
    assert use_cases and len(unanswered) == 1
    assert "general profile" in unanswered[0] and "(99999 characters)" in unanswered[0]
    assert len(unanswered[0]) < 400
    for use_case in use_cases:
        assert "general profile" in " ".join(use_case.notes)
        assert len(use_case.description) < 1_000
        assert "(99999 characters)" in use_case.description
        assert max(map(len, use_case.notes)) < 400
