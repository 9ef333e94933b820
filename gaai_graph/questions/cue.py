"""A cue: a short lemma pattern that votes for an intent, and how patterns are written."""

from __future__ import annotations

from dataclasses import dataclass

from gaai_graph.methods.vocabulary import QuestionIntent
from gaai_graph.questions.text import lemma_of
from gaai_graph.questions.word_classes import CLASSES, SURFACE_CLASSES

__all__ = ["Cue", "cue", "element_classes", "expand", "words"]


@dataclass(frozen=True)
class Cue:
    """One pattern that votes for an intent."""

    intent: QuestionIntent
    elements: tuple[frozenset[str], ...]
    weight: float
    gap: int = 2
    """Most words allowed between two neighbouring elements."""
    method: str | None = None
    """A METHOD_NAMES entry this wording asks for, if any."""
    pattern: str = ""
    classes: tuple[frozenset[str], ...] = ()
    """Per element, the word classes it was written with (`@ACTOR`): the graph's own words
    extend those classes when the cue is matched (see `GraphTerms.class_words`)."""


def element_classes(pattern: str) -> tuple[frozenset[str], ...]:
    """The word classes each element of `pattern` names.

    `"@SHARE the|a @IDENT"` -> ({SHARE}, {}, {IDENT}).
    """
    return tuple(
        frozenset(a[1:] for a in part.split("|") if a.startswith("@")) for part in pattern.split()
    )


def expand(pattern: str) -> tuple[frozenset[str], ...]:
    """Turn a pattern such as `"@SHARE the|a @IDENT"` into element sets of lemmas and forms.

    A word is taken with its lemma ("clusters" also matches "cluster"); a word written
    `=word` matches only that surface form ("=connected" is not the verb "connect").
    """
    elements: list[frozenset[str]] = []
    for part in pattern.split():
        forms: set[str] = set()
        surfaces: set[str] = set()
        for alternative in part.split("|"):
            if alternative.startswith("@") and alternative[1:] in SURFACE_CLASSES:
                surfaces |= CLASSES[alternative[1:]]
            elif alternative.startswith("@"):
                forms |= CLASSES[alternative[1:]]
            elif alternative.startswith("="):
                surfaces.add(alternative[1:])
            else:
                forms.add(alternative)
        forms |= {lemma_of(form) for form in forms if form != "#"}
        forms |= surfaces
        elements.append(frozenset(forms))
    return tuple(elements)


def cue(
    intent: QuestionIntent, pattern: str, weight: float, *, gap: int = 2, method: str | None = None
) -> Cue:
    """A cue from a pattern (see `expand`): its elements in order, `gap` words apart at most."""
    return Cue(intent, expand(pattern), weight, gap, method, pattern, element_classes(pattern))


def words(
    intent: QuestionIntent, alternatives: str, weight: float, method: str | None = None
) -> Cue:
    """A one-word cue: any of the space-separated `alternatives`."""
    return cue(intent, "|".join(alternatives.split()), weight, method=method)
