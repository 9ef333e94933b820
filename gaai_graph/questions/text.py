"""Words of a question: tokens with their lemma, numbers, and the normal form of names.

Lemmas come from `simplemma` (a dictionary lemmatiser shipped inside its wheel: no model is
downloaded at run time, and it handles irregular forms a stemmer misses: "led" -> "lead",
"nearest" -> "near", "communities" -> "community"). Hyphenated words are split into their
parts ("go-between" -> "go", "between") so that cues are written once, as lemma sequences.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import simplemma
from simplemma.strategies import DefaultStrategy, DictionaryLookupStrategy
from simplemma.utils import normalize_token

from gaai_graph.questions.lemma_dictionary import CachedDictionaryFactory

__all__ = [
    "NUMBER_WORDS",
    "Token",
    "known_word",
    "lemma_of",
    "name_words",
    "normalise_name",
    "number_value",
    "tokenize",
    "word_set",
]

_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?", re.UNICODE)
"""A run of letters or digits, with one inner apostrophe kept ("king's", "what's")."""

NUMBER_WORDS: dict[str, int] = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "hundred": 100,
    "dozen": 12,
    "pair": 2,
    "couple": 2,
}


@dataclass(frozen=True)
class Token:
    """One word of a question."""

    text: str
    """As written."""
    lower: str
    """Lower-cased, apostrophe-s removed ("King's" -> "king")."""
    lemma: str
    """Dictionary form of `lower`."""
    start: int
    end: int
    index: int
    """Position in the token list."""

    @property
    def capitalised(self) -> bool:
        """Whether it is written with a capital (or is an all-digit/mixed key such as c000123)."""
        return self.text[:1].isupper()

    @property
    def forms(self) -> frozenset[str]:
        """The forms a cue may match: lemma and lower-case surface."""
        return frozenset((self.lemma, self.lower))


_DICTIONARIES = CachedDictionaryFactory()
_LEMMATIZER = simplemma.Lemmatizer(
    lemmatization_strategy=DefaultStrategy(dictionary_factory=_DICTIONARIES)
)
"""`simplemma.lemmatize(word, lang="en")` with the dictionary loaded from the decoded cache."""
_LOOKUP = DictionaryLookupStrategy(_DICTIONARIES)


def _is_known(word: str) -> bool:
    """`simplemma.is_known(word, lang="en")`, on the same dictionary as `_LEMMATIZER`."""
    return _LOOKUP.get_lemma(normalize_token(word), "en") is not None


@lru_cache(maxsize=65536)
def lemma_of(word: str) -> str:
    """The English lemma of a lower-case word (the word itself when unknown)."""
    if not word.isalpha():
        return word
    lemma = str(_LEMMATIZER.lemmatize(word, "en")).lower()
    if lemma == word:
        return _undoubled(word) or lemma
    return lemma


def _undoubled(word: str) -> str | None:
    """The stem of an -ing/-ed form with a doubled consonant the dictionary misses.

    "splitting" -> "split", "splitted" -> "split"; None when the stem is not an English word.
    """
    for ending in ("ing", "ed"):
        stem = word[: -len(ending)]
        if (
            word.endswith(ending)
            and len(stem) >= 4
            and stem[-1] == stem[-2]
            and stem[-1] not in "aeiouls"
            and _is_known(stem[:-1])
        ):
            return stem[:-1]
    return None


@lru_cache(maxsize=65536)
def known_word(word: str) -> bool:
    """Whether a lower-case word is in the English dictionary (an ordinary word, not a name)."""
    return _is_known(word)


_PRONOUN_CONTRACTIONS = ("'d", "'ll", "'m", "'re", "'ve")
"""Endings of "I'd", "we'll", "I'm", "they're", "we've": the pronoun is the word."""


def tokenize(text: str) -> list[Token]:
    """Split `text` into word tokens with lemmas and character spans.

    Args:
        text: A question.

    Returns:
        Tokens in text order; hyphenated and slash-joined words are separate tokens.
    """
    tokens: list[Token] = []
    for match in _WORD.finditer(text):
        surface = match.group(0)
        lower = surface.lower()
        if lower.endswith(("'s", "’s")):
            lower = lower[:-2]
        elif lower.endswith(_PRONOUN_CONTRACTIONS):
            lower = lower[: lower.index("'")]  # "I'd" is "I", not the identifier "id"
        elif "'" in lower:
            lower = lower.replace("'", "")
        tokens.append(
            Token(
                text=surface,
                lower=lower,
                lemma=lemma_of(lower),
                start=match.start(),
                end=match.end(),
                index=len(tokens),
            )
        )
    return tokens


def number_value(token: Token) -> int | None:
    """The integer a token spells ("5", "five", "dozen"), or None."""
    if token.lower.isdigit() and len(token.lower) <= 6:
        return int(token.lower)
    return NUMBER_WORDS.get(token.lower)


_APOSTROPHES = str.maketrans("", "", "'’`´")
_ASCII_BREAKS = re.compile(r"[^0-9a-z]+")
_NON_WORD = re.compile(r"[\W_]+")


def normalise_name(text: str) -> str:
    """The key under which names are indexed: `name_words` joined by single spaces.

    ASCII names (most) take one regular-expression pass, which keeps indexing a million names
    fast; other scripts have accents folded and keep their letters ("Москва").
    """
    if text.isascii():
        folded = text.lower().replace("'", "").replace("`", "")
        return _ASCII_BREAKS.sub(" ", folded).strip()
    decomposed = unicodedata.normalize("NFKD", text)
    folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    folded = folded.casefold().translate(_APOSTROPHES)
    return " ".join(word for word in _NON_WORD.split(folded) if word)


def name_words(text: str) -> list[str]:
    """The normalised words of a name.

    Accents and case are folded, apostrophes dropped, every other punctuation is a word
    break: "King's Cross St. Pancras" -> ["kings", "cross", "st", "pancras"].
    """
    return normalise_name(text).split()


def word_set(words: str) -> frozenset[str]:
    """The space-separated `words` as a set (word lists read better as one string)."""
    return frozenset(words.split())
