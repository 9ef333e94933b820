"""Domain words and number formatting."""

from __future__ import annotations

import pytest

from gaai_graph.evidence.terms import (
    count_phrase,
    entity_word,
    format_number,
    ordinal,
    pattern_word,
    plural,
    rank_phrase,
    singular,
)


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("account", "accounts"),
        ("party", "parties"),
        ("person", "people"),
        ("box", "boxes"),
        ("sole source", "sole sources"),
        ("day", "days"),
    ],
)
def test_plural(word: str, expected: str) -> None:
    assert plural(word) == expected
    assert singular(expected) == word


def test_entity_word_uses_the_vertical_terms_longest_fragment_first() -> None:
    terms = {"part": "part", "supplier": "supplier", "counterpart": "counterparty"}
    assert entity_word("suppliers", terms) == "supplier"
    assert entity_word("parts/p1", terms, plural_form=True) == "parts"
    assert entity_word("counterparties", terms) == "counterparty"
    assert entity_word("club_members") == "club member"
    assert entity_word("people", {}, plural_form=True) == "people"


def test_pattern_words_are_neutral() -> None:
    assert pattern_word("articulation_point") == "cut point"
    assert pattern_word("cycle", plural_form=True) == "loops"
    assert pattern_word("new_kind") == "new kind"


def test_numbers_read_naturally() -> None:
    assert format_number(8) == "8"
    assert format_number(8.0) == "8"
    assert format_number(12345) == "12,345"
    assert format_number(3.14159) == "3.14"
    assert format_number(0.000123) == "0.00012"
    assert format_number(float("inf")) == "n/a"
    assert count_phrase(1, "account") == "1 account"
    assert count_phrase(3, "party") == "3 parties"
    assert [ordinal(v) for v in (1, 2, 3, 11, 22, 44)] == [
        "1st",
        "2nd",
        "3rd",
        "11th",
        "22nd",
        "44th",
    ]
    assert rank_phrase(99.8) == "top 0.2%"
    assert rank_phrase(2.0) == "bottom 2%"
    assert rank_phrase(44.2) == "44th percentile"
