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
_BREAKS = word_set("and or then")
"""Words that put the two verbs in separate requests."""
_RETURNS = word_set("back again")
"""Words that make the second action a return ("who pays them back"): a loop, not a likeness."""


def echoed_action(tokens: list[Token]) -> tuple[int, int] | None:
    """Positions of an action verb asked twice in one request, or None.

    Args:
        tokens: The tokens of one clause.

    Returns:
        The two positions when a question word comes before the first, the second follows
        within six words, nothing between them starts another request and the second is no
        return ("pays them back").
    """
    asked = False
    for first, token in enumerate(tokens):
        if token.lower in _ASKING:
            asked = True
        if not asked or token.lemma not in _ACTIONS:
            continue
        for second in range(first + 2, min(len(tokens), first + 8)):
            if tokens[second].lower in _BREAKS:
                break
            if tokens[second].lemma == token.lemma:
                after = {t.lower for t in tokens[second + 1 : second + 4]}
                return None if after & _RETURNS else (first, second)
    return None
