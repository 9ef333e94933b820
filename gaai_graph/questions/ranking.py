"""A superlative asked of the graph's entities is a ranking: who comes out on top.

"Who are our best customers?", "Which products sell best?", "the biggest names in the novel",
"Which parts show up in the most products?": no importance word, but a superlative about the
entities asked for. Read only when no other intent was read, so "the shortest route" stays a
route and "the most similar pair" stays similarity.
"""

from __future__ import annotations

from collections.abc import Mapping

from gaai_graph.questions.graph_terms import GraphTerms
from gaai_graph.questions.text import Token, word_set
from gaai_graph.questions.word_classes import CLASSES

__all__ = ["asked_entity", "superlative"]

_SUPERLATIVE_WORDS = word_set("most best top foremost topmost uppermost")
"""Superlatives that are not an -est form of their lemma."""

_NOT_RANKING = word_set(
    "near close short far fast quick cheap late new early old recent small low weak few little "
    "least dense tight long common rare slow easy hard"
)
"""Lemmas whose superlative asks for a distance, a time, a count or the bottom of a list
("the nearest", "the latest", "the fewest"), not for who ranks first."""

_ENTITY_NOUNS = word_set("one ones name player entity item")
"""Nouns that stand for the entities asked for, whatever the graph calls them."""

_WHO = word_set("who whom whose which")
"""Question words that always ask for entities ("which" asks which ones, whatever follows)."""
_WHAT = word_set("what")


def superlative(token: Token) -> bool:
    """Whether `token` is a superlative that ranks upwards ("biggest", "best", "most")."""
    if token.lower in _SUPERLATIVE_WORDS:
        return True
    return (
        token.lower.endswith("est")
        and token.lemma != token.lower
        and token.lemma.isalpha()
        and token.lemma not in _NOT_RANKING
    )


def _entity_word(token: Token, graph_words: Mapping[str, frozenset[str]]) -> bool:
    lemma = token.lemma
    return (
        lemma in _ENTITY_NOUNS
        or lemma in CLASSES["ACTOR"]
        or lemma in CLASSES["PARTNER"]
        or lemma in CLASSES["PROVIDER"]
        or lemma in CLASSES["DEPNOUN"]
        or lemma in graph_words.get("ACTOR", frozenset())
    )


def _plural(token: Token) -> bool:
    """Whether a word is a plural noun ("scorers"): things counted, so things ranked."""
    return token.lower.endswith("s") and token.lemma != token.lower and token.lower.isalpha()


def asked_entity(tokens: list[Token], terms: GraphTerms | None) -> bool:
    """Whether the clause asks for entities: "who ...", "which <entity> ...", "top <entity>".

    Args:
        tokens: The tokens of one clause.
        terms: The graph's vocabulary (its vertex collections are entity words).

    Returns:
        True when a question word asks for people or things ("who", "which", "what" before an
        entity noun), or a superlative stands right before an entity noun or a plural.
    """
    graph_words = terms.class_words() if terms is not None else {}
    for position, token in enumerate(tokens):
        if token.lower in _WHO:
            return True
        following = tokens[position + 1 : position + 4]
        if token.lower in _WHAT and any(_entity_word(t, graph_words) for t in following):
            return True
        if superlative(token) and any(
            _entity_word(t, graph_words) or _plural(t) for t in following[:2]
        ):
            return True
    return False
