"""Misspelt cue words read as the word meant ("importent" -> important, "betwen" -> between).

Only a lower-case word that is in no English dictionary (simplemma's) and looks like exactly
one cue word is corrected, so names ("Pendale") and ordinary words stay as written. The
comparison is RapidFuzz's normalised edit similarity against the lexicon's own words; a word with
no such match but one swapped pair of letters or one other edit away from a cue word ("singel" ->
single, by the optimal-string-alignment distance) is read as that word.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from gaai_graph.questions.lexicon import LEXICON_WORDS
from gaai_graph.questions.text import Token, known_word, lemma_of

__all__ = ["SPELLING_SCORE", "correct_spelling"]

SPELLING_SCORE = 85.0
"""Least edit similarity (0..100) for a misspelling to be read as a cue word."""
_MIN_LENGTH = 5
_VOCABULARY: tuple[str, ...] = tuple(
    sorted(w for w in LEXICON_WORDS if w.isalpha() and len(w) >= 4)
)


@lru_cache(maxsize=4096)
def _meant(word: str) -> str | None:
    forms = [word]
    if word.endswith("ies"):
        forms.append(word[:-3] + "y")
    elif word.endswith("s"):
        forms.append(word[:-1])
    for form in forms:
        found = process.extract(
            form, _VOCABULARY, scorer=fuzz.ratio, limit=2, score_cutoff=SPELLING_SCORE
        )
        if not found:
            # a swapped pair of letters ("singel") is one edit, not the two Indel counts
            found = [
                (word, 100.0 - distance, index)
                for word, distance, index in process.extract(
                    form, _VOCABULARY, scorer=OSA.distance, limit=2, score_cutoff=1
                )
                if len(word) >= _MIN_LENGTH
            ]
        if found:
            break
    else:
        return None
    if (
        len(found) > 1
        and found[1][1] == found[0][1]
        and lemma_of(found[1][0]) != lemma_of(found[0][0])
    ):
        return None  # two cue words equally close: leave it
    return str(found[0][0])


def correct_spelling(tokens: list[Token]) -> list[Token]:
    """Return `tokens` with misspelt cue words replaced by the cue word (lemma and lower form).

    Args:
        tokens: A question's tokens.

    Returns:
        The same tokens, corrected ones replaced by copies whose `lower` and `lemma` are the
        meant word (`text` and the span keep what was written).
    """
    corrected: list[Token] = []
    for token in tokens:
        word = token.lower
        if (
            len(word) >= _MIN_LENGTH
            and word.isalpha()
            and (not token.capitalised or token.index == 0)
            and word not in LEXICON_WORDS
            and token.lemma not in LEXICON_WORDS
            and not known_word(word)
        ):
            meant = _meant(word)
            if meant is not None:
                corrected.append(replace(token, lower=meant, lemma=lemma_of(meant)))
                continue
        corrected.append(token)
    return corrected
