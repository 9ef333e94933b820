"""The cue lexicon: word classes and the lemma patterns that signal each intent.

A cue is a short sequence of *elements*, each a set of lemmas (a word class written `@NAME`,
alternatives written `a|b`, `#` for any number), matched in order with at most `gap` words
between neighbours. Word classes make the cues compositional rather than a phrase list:
`@RECEIVE ... @MANY` reads "receives money from many accounts", "collects from lots of
senders" and "gets payments from numerous customers" alike. Every word is lemmatised on both
sides, so inflections need no listing. The graph's own words (collection and attribute names)
extend the classes at read time (see `graph_terms`).

Longer cues are matched first and use up their words, so "most connected" is importance and not
also connectivity, and "split into factions" is communities and not a cut.
"""

from __future__ import annotations

from gaai_graph.methods.vocabulary import QuestionIntent
from gaai_graph.questions.cue import Cue, expand
from gaai_graph.questions.cues_actors import ACTOR_CUES
from gaai_graph.questions.cues_plain import PLAIN_CUES
from gaai_graph.questions.cues_structure import STRUCTURE_CUES
from gaai_graph.questions.word_classes import CLASSES

__all__ = ["CLASSES", "CUES", "INTENT_PRIORITY", "LEXICON_WORDS", "Cue", "expand"]

CUES: tuple[Cue, ...] = ACTOR_CUES + STRUCTURE_CUES + PLAIN_CUES
"""Every cue, in no particular order (the reader sorts by length, then weight)."""

INTENT_PRIORITY: tuple[QuestionIntent, ...] = (
    "shared_identifiers",
    "cycles",
    "collectors",
    "distributors",
    "dependencies",
    "link_prediction",
    "similarity",
    "colouring",
    "paths",
    "change",
    "brokers",
    "cohesion",
    "connectivity",
    "communities",
    "importance",
)
"""Tie-break between equally scored intents: the more specific first."""

LEXICON_WORDS: frozenset[str] = frozenset(
    word for cue in CUES for element in cue.elements for word in element if word != "#"
)
"""Every word a cue uses: such a word, even capitalised ("PageRank"), is not read as a name."""
