"""English nouns for prose: singular and plural forms of collection names and counted nouns."""

from __future__ import annotations

_IRREGULAR_PLURALS: dict[str, str] = {
    "person": "people",
    "child": "children",
    "man": "men",
    "woman": "women",
    "mouse": "mice",
    "goose": "geese",
    "foot": "feet",
    "tooth": "teeth",
    "criterion": "criteria",
    "phenomenon": "phenomena",
    "analysis": "analyses",
    "vertex": "vertices",
    "matrix": "matrices",
    "index": "indices",
    "leaf": "leaves",
    "life": "lives",
    "wife": "wives",
    "thief": "thieves",
}
_IRREGULAR_SINGULARS: dict[str, str] = {plural: one for one, plural in _IRREGULAR_PLURALS.items()}

# Nouns with one form for one and many: "Segments of staff", never "staffs".
_UNCOUNTABLE: frozenset[str] = frozenset(
    {
        "data",
        "metadata",
        "staff",
        "personnel",
        "equipment",
        "information",
        "news",
        "series",
        "species",
        "software",
        "hardware",
        "feedback",
        "sheep",
        "fish",
        "aircraft",
        "research",
        "traffic",
        "media",
        "music",
        "content",
        "inventory",
        "stock",
        "merchandise",
        "livestock",
    }
)


def _same_case(model: str, word: str) -> str:
    """`word` written with the capitalisation of `model` (lower, Title or UPPER)."""
    if model.isupper() and len(model) > 1:
        return word.upper()
    if model[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def _suffix(word: str, ending: str) -> str:
    """`ending` in upper case when `word` is written in upper case (SKU -> SKUS)."""
    return ending.upper() if word.isupper() else ending


def singular_noun(word: str) -> str:
    """Return the singular of an English noun ("people" -> "person", "categories" -> "category").

    Words that already look singular ("address", "status", "analysis") and uncountable ones
    ("staff", "data") are returned unchanged.
    """
    lowered = word.lower()
    if lowered in _UNCOUNTABLE or lowered in _IRREGULAR_PLURALS:
        return word
    if len(word) > 2 and word.endswith("s") and word[:-1].isupper():
        return word[:-1]  # an acronym's plural: SKUs, IPs
    if lowered in _IRREGULAR_SINGULARS:
        return _same_case(word, _IRREGULAR_SINGULARS[lowered])
    if lowered.endswith("ies") and len(lowered) > 4:
        return word[:-3] + _suffix(word, "y")
    if lowered.endswith(("sses", "xes", "ches", "shes", "zzes")):
        return word[:-2]
    if lowered.endswith(("ss", "us", "is")) or len(lowered) <= 2:
        return word
    if lowered.endswith("s"):
        return word[:-1]
    return word


def plural_noun(word: str) -> str:
    """Return the plural of a singular English noun ("person" -> "people", "box" -> "boxes").

    A word that is already plural ("people", "children") or uncountable ("staff") is returned
    unchanged. Pass the singular: a regular plural ("customers") cannot be told from a
    singular ending in s, so `plural_noun(singular_noun(x))` is the safe form.
    """
    lowered = word.lower()
    if not lowered or lowered in _UNCOUNTABLE or lowered in _IRREGULAR_SINGULARS:
        return word
    if lowered in _IRREGULAR_PLURALS:
        return _same_case(word, _IRREGULAR_PLURALS[lowered])
    if lowered.endswith("y") and len(lowered) > 1 and lowered[-2] not in "aeiou":
        return word[:-1] + _suffix(word, "ies")
    if lowered.endswith(("s", "x", "z", "ch", "sh")):
        return word + _suffix(word, "es")
    return word + _suffix(word, "s")


def plural_phrase(phrase: str) -> str:
    """Plural of a noun phrase: its last word made plural ("payment method" -> "...methods")."""
    words = phrase.split(" ")
    return " ".join([*words[:-1], plural_noun(singular_noun(words[-1]))])


def singular_phrase(phrase: str) -> str:
    """Singular of a noun phrase: its last word made singular ("payment methods" -> "...method")."""
    words = phrase.split(" ")
    return " ".join([*words[:-1], singular_noun(words[-1])])


def noun_for(count: float, singular: str) -> str:
    """The noun phrase `singular` in the number `count` calls for ("1 edge", "2 edges")."""
    return singular if count == 1 else plural_phrase(singular)


def join_names(items: list[str]) -> str:
    """Collection names for a sentence: 'customers, devices'."""
    return ", ".join(items)
