"""The domain's words for entities and patterns, and plain number formatting for sentences.

Entity words come from the vertical's `entity_terms` (collection-name fragment -> business term,
see `gaai_graph.models.Vertical`), so a supply chain speaks of suppliers and parts and a club of
members, never of "users" and "followers" unless the data does. Pattern words are neutral
(a loop, a cut point, a sole source), never social-media vocabulary.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Final

__all__ = [
    "PATTERN_WORDS",
    "count_phrase",
    "entity_word",
    "format_number",
    "ordinal",
    "pattern_word",
    "plural",
    "rank_phrase",
    "singular",
    "with_article",
]

PATTERN_WORDS: Final[dict[str, tuple[str, str]]] = {
    "cycle": ("loop", "loops"),
    "collector": ("collector", "collectors"),
    "distributor": ("distributor", "distributors"),
    "shared_identifier": ("shared identifier", "shared identifiers"),
    "sole_supplier": ("sole source", "sole sources"),
    "articulation_point": ("cut point", "cut points"),
    "bridge": ("bridge", "bridges"),
    "weighted_hub": ("hub by volume", "hubs by volume"),
    "hub": ("hub", "hubs"),
    "community": ("group", "groups"),
    "attribute_community": ("group", "groups"),
    "ring": ("ring", "rings"),
    "broker": ("broker", "brokers"),
    "dense_core": ("dense core", "dense cores"),
}
"""Pattern kind -> (singular, plural) neutral words."""

_IRREGULAR_PLURALS: Final[dict[str, str]] = {
    "person": "people",
    "child": "children",
    "man": "men",
    "woman": "women",
    "analysis": "analyses",
    "criterion": "criteria",
    "datum": "data",
}
_IRREGULAR_SINGULARS: Final[dict[str, str]] = {v: k for k, v in _IRREGULAR_PLURALS.items()}
_UNCHANGED: Final[frozenset[str]] = frozenset({"data", "series", "species", "staff", "equipment"})


def plural(phrase: str) -> str:
    """English plural of a phrase's last word ("sole source" -> "sole sources")."""
    head, _, last = phrase.rpartition(" ")
    lower = last.lower()
    if lower in _UNCHANGED or not last:
        word = last
    elif lower in _IRREGULAR_PLURALS:
        word = _IRREGULAR_PLURALS[lower]
    elif lower.endswith(("s", "x", "z", "ch", "sh")):
        word = last + "es"
    elif lower.endswith("y") and len(lower) > 1 and lower[-2] not in "aeiou":
        word = last[:-1] + "ies"
    else:
        word = last + "s"
    return f"{head} {word}" if head else word


def singular(phrase: str) -> str:
    """English singular of a phrase's last word ("people" -> "person", "parties" -> "party")."""
    head, _, last = phrase.rpartition(" ")
    lower = last.lower()
    if lower in _UNCHANGED or lower.endswith("ss") or len(lower) < 3:
        word = last
    elif lower in _IRREGULAR_SINGULARS:
        word = _IRREGULAR_SINGULARS[lower]
    elif lower.endswith("ies"):
        word = last[:-3] + "y"
    elif lower.endswith(("ches", "shes", "xes", "sses", "zes")):
        word = last[:-2]
    elif lower.endswith("s") and not lower.endswith(("us", "is")):
        word = last[:-1]
    else:
        word = last
    return f"{head} {word}" if head else word


def entity_word(
    collection: str, entity_terms: Mapping[str, str] | None = None, *, plural_form: bool = False
) -> str:
    """The business word for a vertex collection ("suppliers" -> "supplier").

    Args:
        collection: A vertex collection name (or an id ``collection/key``).
        entity_terms: The vertical's fragment -> term map; the longest matching fragment wins.
        plural_form: Return the plural.

    Returns:
        The term, or the collection name made singular (underscores as spaces) when no fragment
        matches.
    """
    name = collection.split("/", 1)[0].lower()
    matches = [
        (len(fragment), term)
        for fragment, term in (entity_terms or {}).items()
        if fragment and fragment.lower() in name
    ]
    if matches:
        term = max(matches)[1]
    else:
        term = singular(name.replace("_", " ").replace("-", " ").strip() or "entity")
    return plural(term) if plural_form else term


def pattern_word(kind: str, *, plural_form: bool = False) -> str:
    """Neutral word for a pattern kind ("articulation_point" -> "cut point")."""
    words = PATTERN_WORDS.get(kind, (kind.replace("_", " "), plural(kind.replace("_", " "))))
    return words[1] if plural_form else words[0]


def with_article(phrase: str) -> str:
    """The phrase with "a" or "an" ("an outlier", "a loop")."""
    return f"{'an' if phrase[:1].lower() in 'aeiou' else 'a'} {phrase}"


def count_phrase(count: int, word: str) -> str:
    """A count with its noun: "1 account", "8 accounts" (`word` is singular)."""
    return f"{count} {word if count == 1 else plural(word)}"


def format_number(value: object) -> str:
    """A number for a sentence: integers plain, others to 3 significant digits."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if not math.isfinite(value):
        return "n/a"
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    magnitude = abs(value)
    if magnitude >= 100:
        return f"{value:,.0f}"
    if magnitude >= 1:
        return f"{value:.3g}"
    return f"{value:.2g}"


def rank_phrase(percentile: float) -> str:
    """Where a percentile sits, in words: "top 0.2%", "bottom 5%", "44th percentile"."""
    if percentile >= 90:
        return f"top {format_number(float(f'{max(100.0 - percentile, 0.1):.2g}'))}%"
    if percentile <= 10:
        return f"bottom {format_number(float(f'{max(percentile, 0.1):.2g}'))}%"
    return f"{ordinal(round(percentile))} percentile"


def ordinal(value: float) -> str:
    """A percentile for a sentence: "99.8th", "1st", "52nd"."""
    text = format_number(round(value, 1))
    if not float(round(value, 1)).is_integer():
        return f"{text}th"
    number = round(value)
    teens = 10 <= number % 100 <= 20
    suffix = "th" if teens else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{text}{suffix}"
