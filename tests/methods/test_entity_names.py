"""Naming the ids an insight quotes keeps every quoted number backed by its evidence."""

from __future__ import annotations

from gaai_graph.methods.entity_names import name_entities
from gaai_graph.methods.writing import unbacked_numbers
from gaai_graph.models import Insight


def test_a_headline_quoted_whole_as_evidence_is_named_with_the_description() -> None:
    headline = "12 of 3,405 devices are shared. The most shared, devices/d7, links 6."
    insight = Insight(
        title="The answer",
        description=headline,
        confidence=0.9,
        evidence={"metrics.headline": headline},
    )
    named = name_entities(insight, {"names[devices/d7]": "Kitchen tablet"})
    assert "Kitchen tablet [devices/d7]" in named.description
    assert named.evidence["metrics.headline"] == headline  # the measure, as measured
    # A reader checking the numbers (the model path does) finds each in the evidence.
    assert unbacked_numbers(named.description, named.evidence) == []
