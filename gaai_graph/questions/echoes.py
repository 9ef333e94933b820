"""A verb asked twice compares whom two entities act on: "who calls the people Rosa calls".

"Customers who bought this also bought what?", "which accounts pay the accounts A-0001 pays":
the same action on both sides of the question asks who shares its counterparts, which is
likeness by shared neighbours. A cue pattern cannot say "the same word again", so this is a
check of its own.
"""

from __future__ import annotations

from gaai_graph.questions.text import Token, word_set
from gaai_graph.questions.word_classes import CLASSES

__all__ = ["echoed_action"]

_ACTIONS = CLASSES["SEND"] | word_set(
    "buy order purchase visit follow attend cite refer meet know supply use like watch read "
    "contact trade hire befriend marry fund borrow rent book subscribe"
)
"""Verbs that act on a counterpart (their object is a neighbour in the graph)."""

_ASKING = word_set("who whom which what")
_BREAKS = word_set("and or then before after when once until while if")
"""Words that put the two verbs in separate requests or in a sequence ("call at X before it
calls at Y", "visit after visiting"): a route, not a likeness."""
_PREPOSITIONS = word_set("at to in on from through via into for with by")
"""A preposition right after the first verb makes it a movement ("trains calling at X"), not
an action on a counterpart."""
_RETURNS = word_set("back again")
"""Words that make the second action a return ("who pays them back"): a loop, not a likeness."""


def echoed_action(tokens: list[Token]) -> tuple[int, int] | None:
    """Positions of an action verb asked twice in one request, or None.

    Args:
        tokens: The tokens of one clause.

    Returns:
        The two positions when a question word comes before the first, the second follows
        within six words, the first acts on an object (no preposition after it), nothing
        between them starts another request or a sequence, and the second is no return
        ("pays them back").
    """
    asked = False
    for first, token in enumerate(tokens):
        if token.lower in _ASKING:
            asked = True
        if not asked or token.lemma not in _ACTIONS:
            continue
        if first + 1 < len(tokens) and tokens[first + 1].lower in _PREPOSITIONS:
            continue
        for second in range(first + 1, min(len(tokens), first + 8)):
            if tokens[second].lower in _BREAKS:
                break
            if second > first + 1 and tokens[second].lemma == token.lemma:
                after = {t.lower for t in tokens[second + 1 : second + 4]}
                return None if after & _RETURNS else (first, second)
    return None
