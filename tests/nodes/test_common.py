"""Tests of the helpers every node shares: context defaults, phase timing and nouns."""

from __future__ import annotations

import time

import pytest

from gaai_graph.context import Context
from gaai_graph.nodes.common import (
    context_of,
    noun_for,
    plural_noun,
    plural_phrase,
    singular_noun,
    timed,
)


def test_timed_records_duration_and_a_wall_clock_span() -> None:
    before = time.time()
    with timed("execute", "TPL-001") as clock:
        time.sleep(0.01)
    after = time.time()
    timing = clock.timing
    assert timing.phase == "execute" and timing.template_id == "TPL-001"
    assert timing.seconds >= 0.01
    assert timing.started_at is not None and timing.finished_at is not None
    assert before <= timing.started_at <= timing.finished_at <= after + 1e-3
    assert abs((timing.finished_at - timing.started_at) - timing.seconds) < 1e-6


def test_timed_still_records_when_the_body_raises() -> None:
    try:
        with timed("report") as clock:
            raise ValueError("boom")
    except ValueError:
        pass
    assert clock.timing.finished_at is not None


def test_context_defaults_apply_without_a_runtime() -> None:
    assert context_of(None) == Context()


@pytest.mark.parametrize(
    ("word", "singular", "plural"),
    [
        ("customers", "customer", "customers"),
        ("people", "person", "people"),
        ("person", "person", "people"),
        ("categories", "category", "categories"),
        ("addresses", "address", "addresses"),
        ("status", "status", "statuses"),
        ("staff", "staff", "staff"),
        ("data", "data", "data"),
        ("children", "child", "children"),
        ("boxes", "box", "boxes"),
        ("vertex", "vertex", "vertices"),
        ("SKUs", "SKU", "SKUS"),
    ],
)
def test_nouns_are_made_singular_and_plural_without_doubling(
    word: str, singular: str, plural: str
) -> None:
    assert singular_noun(word) == singular
    assert plural_phrase(word) == plural
    assert plural_noun(singular_noun(word)) == plural


def test_phrases_and_counts_put_the_last_word_in_the_right_number() -> None:
    assert plural_phrase("payment method") == "payment methods"
    assert plural_phrase("sales person") == "sales people"
    assert noun_for(1, "edge") == "edge"
    assert noun_for(0, "edge") == "edges"
    assert noun_for(2, "vertex") == "vertices"
    assert noun_for(3, "person") == "people"
