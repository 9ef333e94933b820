"""What a requirement says besides its intents: named methods, unanswerable parts, collections.

The intents themselves are read by `gaai_graph.questions.read_question` alone. This module adds
what is orthogonal to them:

* a method the user names outright ("run Louvain"), matched with the aliases the method
  modules declare, so the named method runs rather than the usual one;
* the reasons a request cannot be answered by graph structure at all (a sales forecast, a
  recommender, text sentiment), said instead of bending it into some other analysis;
* the collections a text names by the vertical's entity terms ("patrons" for customers) or by
  general synonyms ("cards" for a payment-method collection), words the schema alone does not
  give the reader.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from gaai_graph.methods.registry import name_patterns
from gaai_graph.models import GraphSchema, Vertical
from gaai_graph.words import plural_noun, singular_noun

__all__ = [
    "ALGORITHM_LEXICON",
    "UNANSWERABLE",
    "AlgorithmMention",
    "Mention",
    "blank",
    "find_algorithms",
    "find_mentions",
    "purpose_spans",
    "unanswerable_reasons",
    "words_of",
]


@dataclass(frozen=True)
class Unanswerable:
    """A kind of question no supported graph algorithm answers, and why."""

    pattern: re.Pattern[str]
    reason: str


def _unanswerable(regex: str, reason: str) -> Unanswerable:
    return Unanswerable(re.compile(rf"\b(?:{regex})\b", re.IGNORECASE), reason)


UNANSWERABLE: tuple[Unanswerable, ...] = (
    _unanswerable(
        # "predict which links form next" is link prediction, a graph question: only a
        # prediction of business figures is a forecast.
        r"forecast\w*|predict\w* (?:the |our |their |next \w+'?s? )?"
        r"(?:sales|demand|revenue|growth|spend\w*|prices?|churn|volumes?)|"
        r"future (?:sales|demand|revenue|growth|spend(?:ing)?)|"
        r"next (?:quarter|month|year)'?s? (?:sales|demand|revenue)",
        "asks for a forecast; the supported analyses describe the graph as it is, they do not "
        "predict",
    ),
    _unanswerable(
        r"recommend(?:ation|er)?s? (?:engine|system|model)s?|"
        r"recommend\w* (?:products?|items?|offers?) (?:to|for)|"
        r"(?:personali[sz]ed|next[- ]best) (?:recommendations?|offers?|actions?)",
        "asks for personalised recommendations, which need a recommender model rather than a "
        "structural graph analysis",
    ),
    _unanswerable(
        r"sentiment|opinion mining|tone of (?:the )?reviews?",
        "asks for text sentiment, which needs language analysis of the text, not graph structure",
    ),
)
"""Questions outside what the algorithm registry answers, each with the reason given."""


def unanswerable_reasons(text: str) -> list[tuple[tuple[int, int], str]]:
    """Find the parts of `text` that ask for something no supported analysis answers.

    Args:
        text: A requirement's text.

    Returns:
        ((start, end), reason) per match, in text order.
    """
    found = [
        ((m.start(), m.end()), entry.reason)
        for entry in UNANSWERABLE
        for m in entry.pattern.finditer(text)
    ]
    return sorted(found)


_PURPOSE = re.compile(
    r"(?<=[\w,)]\s)(?:so that|so as to|in order to|so (?:we|they|you|it|the \w+) can)\b"
    r"[^.;!?]*",
    re.IGNORECASE,
)


def purpose_spans(text: str) -> list[tuple[int, int]]:
    """The parts of `text` that say why a result is wanted, not what to find.

    "Identify the hub products ..., so that stock-outs and supplier risk on them can be
    managed": the purpose names risks and actions the answer serves, and its words must not
    vote for what is asked. A purpose clause runs from "so that" / "in order to" / "so we
    can" to the end of its sentence, and only after the request itself (never a whole text).
    """
    return [m.span() for m in _PURPOSE.finditer(text)]


@dataclass(frozen=True)
class AlgorithmMention:
    """A method named in a requirement ("Use Louvain"), and where."""

    algorithm: str
    """Its registry name (a METHOD_NAMES entry)."""
    span: tuple[int, int]
    text: str


ALGORITHM_LEXICON: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (method.name, pattern) for method, pattern in name_patterns()
)
"""Method names people write (each method module declares its `aliases`), in matching order."""


def find_algorithms(text: str) -> list[AlgorithmMention]:
    """Find the methods a requirement names, in text order, each once.

    Args:
        text: A requirement's text.

    Returns:
        One mention per method, at its first occurrence.
    """
    found: dict[str, AlgorithmMention] = {}
    for algorithm, pattern in ALGORITHM_LEXICON:
        matches = list(pattern.finditer(text))
        if not matches:
            continue
        # "strongly connected components" is one name, not also "connected components"
        text = blank(text, (m.span() for m in matches))
        if algorithm not in found:
            first = matches[0]
            found[algorithm] = AlgorithmMention(algorithm, first.span(), first.group(0))
    return sorted(found.values(), key=lambda mention: mention.span)


# --------------------------------------------------------------------------- collection names


def words_of(name: str) -> list[str]:
    """The lower-case words of a schema name ("paymentMethods", "payment_methods")."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name)
    return [w.lower() for w in re.split(r"[\s_\-]+", spaced) if w]


def _term_regex(term: str) -> str:
    """A regex for `term` in text: its words, the last one singular or plural."""
    words = words_of(term)
    if not words:
        return r"(?!x)x"
    last = singular_noun(words[-1])
    forms = sorted({re.escape(last), re.escape(plural_noun(last)), re.escape(words[-1])}, key=len)
    head = [re.escape(w) for w in words[:-1]]
    return r"[\s_-]+".join([*head, f"(?:{'|'.join(reversed(forms))})"])


# General business words for collections whose names differ from the words people use.
# Each maps a phrase to collection-name fragments; the first collection containing a fragment
# wins. They are vocabulary, not demo names: "cards" finds payment_methods, credit_cards or
# cards alike.
_GENERIC_SYNONYMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        r"(?:credit |debit |payment |bank )?cards?|payment instruments?",
        ("card", "payment", "instrument"),
    ),
    (
        r"(?:phone|mobile|telephone)(?: numbers?)?|phones?",
        ("phone", "mobile", "msisdn", "telephone"),
    ),
    (r"e-?mails?(?: address(?:es)?)?", ("email", "mail")),
    (r"(?:postal |home |billing |shipping )?address(?:es)?", ("address", "location")),
    (r"ip(?: address(?:es)?)?s?", ("ip",)),
    (r"devices?", ("device",)),
    (
        r"users?|members?|clients?|shoppers?|buyers?|people|persons?|individuals?|"
        r"(?:customer |user )?accounts?",
        ("customer", "user", "member", "client", "person"),
    ),
    (r"merchants?|vendors?|suppliers?", ("seller", "merchant", "vendor", "supplier")),
    (r"items?|skus?", ("product", "item", "sku")),
)


@dataclass(frozen=True)
class Mention:
    """A vertex collection named in a requirement's text."""

    start: int
    end: int
    collection: str
    text: str


def _collection_for_fragment(fragment: str, schema: GraphSchema) -> str | None:
    fragment = singular_noun(fragment.lower().replace(" ", "_"))
    if not fragment:
        return None
    matches = [v for v in schema.vertex_collections if fragment in v.lower()]
    if not matches:
        return None

    def rank(name: str) -> tuple[bool, bool, int, str]:
        # Prefer a collection whose own last word is the fragment, then core, then the largest.
        profile = schema.collection(name)
        words = words_of(name)
        return (
            not words or singular_noun(words[-1]) != fragment,
            profile is None or profile.role != "core",
            -(profile.count if profile is not None else 0),
            name,
        )

    return min(matches, key=rank)


def _mention_patterns(
    schema: GraphSchema, vertical: Vertical | None
) -> list[tuple[re.Pattern[str], str]]:
    """Patterns naming each vertex collection: its own name first, then synonyms."""
    patterns: list[tuple[re.Pattern[str], str]] = []
    for name in schema.vertex_collections:
        patterns.append((re.compile(rf"\b{_term_regex(name)}\b", re.IGNORECASE), name))
    if vertical is not None:
        for fragment, term in vertical.entity_terms.items():
            # Either side may be the collection-name fragment; the other is the business word.
            for word, target in ((term, fragment), (fragment, term)):
                collection = _collection_for_fragment(target, schema)
                if collection is not None and word:
                    regex = rf"\b{_term_regex(word)}\b"
                    patterns.append((re.compile(regex, re.IGNORECASE), collection))
    for regex, fragments in _GENERIC_SYNONYMS:
        for fragment in fragments:
            collection = _collection_for_fragment(fragment, schema)
            if collection is not None:
                patterns.append((re.compile(rf"\b(?:{regex})\b", re.IGNORECASE), collection))
                break
    return patterns


def find_mentions(
    text: str, schema: GraphSchema, vertical: Vertical | None = None
) -> list[Mention]:
    """Find the vertex collections a text names.

    Longer mentions win over shorter overlapping ones ("email addresses" is one mention), and
    a collection's own name wins over a synonym at the same place.

    Args:
        text: A requirement's text.
        schema: The analysed schema.
        vertical: Supplies entity-term synonyms (e.g. 'accounts' for customers).

    Returns:
        Mentions in text order, without overlaps.
    """
    candidates: list[tuple[int, int, int, str, str]] = []
    for rank, (pattern, collection) in enumerate(_mention_patterns(schema, vertical)):
        for match in pattern.finditer(text):
            candidates.append((match.start(), match.end(), rank, collection, match.group(0)))
    candidates.sort(key=lambda c: (-(c[1] - c[0]), c[2], c[0]))
    # The characters of taken mentions are marked, so testing a candidate for overlap is one
    # C-level search of its own span (testing it against every taken mention was quadratic in
    # the number of mentions, and keeping them sorted by insertion still moved memory per
    # mention); the whole pass is linear in the text plus a sort.
    occupied = bytearray(len(text))
    taken: list[Mention] = []
    for start, end, _, collection, matched in candidates:
        if occupied.find(1, start, end) != -1:
            continue
        occupied[start:end] = b"\x01" * (end - start)
        taken.append(Mention(start, end, collection, matched))
    taken.sort(key=lambda m: m.start)
    return taken


def blank(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """`text` with the characters of `spans` replaced by spaces (offsets stay valid)."""
    characters = list(text)
    for start, end in spans:
        characters[start:end] = " " * (end - start)
    return "".join(characters)
