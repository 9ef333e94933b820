"""The rough phrase structure of a clause: conjuncts, and the span a head noun's modifiers cover.

No part-of-speech model is used: function words (determiners, prepositions, relative and
question words, auxiliaries) mark where a noun phrase starts and ends, which is enough to tell
"the tight-knit clusters of key accounts" (one phrase: "tight-knit" and "key accounts" describe
the clusters) from "the clusters and their key accounts" (two phrases: the second asks for
something of its own).
"""

from __future__ import annotations

from gaai_graph.questions.text import Token, word_set

__all__ = ["conjunct_of", "modifier_span", "referent_before"]

DETERMINERS = word_set(
    "the a an their its his her our my your each every both all this these those"
)
"""Words that open a noun phrase."""

_QUESTION_WORDS = word_set("who whom whose which what how where when whether why")
_RELATIVE = word_set("that which who whom whose where")
_PREPOSITIONS = word_set(
    "of with among amongst from in within inside across around between at on for by about "
    "into onto to over under near like than per"
)
_POST_PREPOSITIONS = word_set("of with among amongst from in within inside across around at for")
"""Prepositions that open a phrase describing the noun before them ("clusters of accounts")."""
_AUXILIARIES = word_set(
    "be is are was were been being am do does did have has had can could will would should "
    "may might must shall"
)
_PRONOUNS = word_set("me us you them it they we i him her there")
_OPENING_VERBS = word_set(
    "find show list give tell name identify detect spot flag rank pick highlight segment "
    "cluster group split break divide partition map locate determine discover uncover"
)
_COORDINATORS = word_set("and plus")
_JOINED_WITH = word_set("with alongside")
"""Prepositions that add a second thing when a determiner follows ("... with their leaders")."""
_PHRASE_DETERMINERS = word_set("the their its his her")
_PERSON_PRONOUNS = word_set("anyone anybody someone somebody whoever everyone everybody")
_NOT_REFERENTS = word_set("one ones other others of them those these")


def _opens_phrase(token: Token | None) -> bool:
    return token is not None and (
        token.lower in DETERMINERS
        or token.lower in _QUESTION_WORDS
        or token.lower in _PERSON_PRONOUNS
        or token.lower == "also"
    )


def _conjunct_starts(tokens: list[Token], text: str) -> list[int]:
    """Positions where a coordinated phrase starts ("... and the leader of each")."""
    starts: list[int] = []
    for position, token in enumerate(tokens):
        nxt = tokens[position + 1] if position + 1 < len(tokens) else None
        if token.lower in _COORDINATORS and _opens_phrase(nxt):
            starts.append(position)
        elif (
            token.lower in _JOINED_WITH
            and nxt is not None
            and nxt.lower in _PHRASE_DETERMINERS
            and position > 0
        ):
            # "the cliques together with their most connected member"
            starts.append(position)
        elif (
            position > 0
            and "," in text[tokens[position - 1].end : token.start]
            and (token.lower in _COORDINATORS or _opens_phrase(token))
        ):
            starts.append(position)
    return starts


def conjunct_of(tokens: list[Token], text: str) -> list[int]:
    """The number of the coordinated phrase each token belongs to (0 for the first).

    "Find the segments and the machines that tie them together": 0 for "Find the segments",
    1 from "and the machines". An "and" between two nouns ("doctors and nurses") joins them
    into one phrase: only an "and" before a determiner or question word starts a new one.
    """
    starts = set(_conjunct_starts(tokens, text))
    numbers: list[int] = []
    current = 0
    for position in range(len(tokens)):
        if position in starts:
            current += 1
        numbers.append(current)
    return numbers


def _opens_modifier(token: Token) -> bool:
    """Whether a word right after a noun starts a phrase describing it."""
    return (
        token.lower in _POST_PREPOSITIONS
        or token.lower in _RELATIVE
        or (token.lower.endswith("ed") and token.lemma != token.lower)  # "formed around"
    )


def modifier_span(tokens: list[Token], head: int, text: str) -> set[int]:
    """Positions of the words that describe the noun at `head`, the head itself excluded.

    Before the head: the words back to the determiner, question word, preposition or opening
    verb ("the *tight knit* clusters", "which *key supplier* clusters"). After it: phrases opened
    by "of"/"with"/"among"/... ("clusters *of key accounts*"), a participle ("communities
    *formed around the hubs*") and a relative clause ("clusters of accounts *that behave
    alike*"), each up to the next coordinated phrase, comma, auxiliary or question word.
    """
    starts = set(_conjunct_starts(tokens, text))
    span: set[int] = set()
    position = head - 1
    while position >= 0:
        token = tokens[position]
        if (
            token.lower in DETERMINERS
            or token.lower in _QUESTION_WORDS
            or token.lower in _PREPOSITIONS
            or token.lower in _AUXILIARIES
            or token.lower in _PRONOUNS
            or token.lower in _OPENING_VERBS
            or token.lower in _COORDINATORS
            or position + 1 in starts
            or "," in text[token.end : tokens[position + 1].start]
        ):
            break
        span.add(position)
        position -= 1
    position = head + 1
    if position < len(tokens) and not _opens_modifier(tokens[position]):
        return span
    relative = False
    while position < len(tokens):
        token = tokens[position]
        if position in starts or "," in text[tokens[position - 1].end : token.start]:
            break
        if token.lower in _RELATIVE:
            relative = True
        elif not relative and (
            token.lower in _AUXILIARIES
            or token.lower in _PRONOUNS
            or token.lower in _QUESTION_WORDS
        ):
            break
        span.add(position)
        position += 1
    return span


def referent_before(tokens: list[Token], each: int, text: str) -> int | None:
    """The noun an "each" refers to: the one after it, or the head of the phrase before.

    "The ringleader of each ring" -> "ring"; "the rings and the ringleader of each" -> "rings"
    (the last word of the first coordinated phrase).
    """
    if each + 1 < len(tokens) and tokens[each + 1].lower not in _NOT_REFERENTS:
        following = tokens[each + 1]
        if following.lower not in DETERMINERS and following.lower not in _PREPOSITIONS:
            return each + 1
    conjuncts = conjunct_of(tokens, text)
    if conjuncts[each] == 0:
        return None
    first = [p for p, number in enumerate(conjuncts) if number == 0]
    for position in reversed(first):
        if tokens[position].lower not in DETERMINERS and tokens[position].lower.isalpha():
            return position
    return None
