"""Reading a requirement's text: intents, named methods, unanswerable questions, mentions.

Intents come from a phrase lexicon, methods named outright from their aliases, questions no
method answers from a list of reasons, and the collections the text mentions from the schema.

The rules read *intents* (what the question asks of the graph) with a weighted phrase lexicon,
not single keywords: "influential customers" is influence, "the catalogue depends on" is hubs,
"customers sharing devices" is rings. Methods named outright ("Use Louvain") are matched with
the aliases their method modules declare.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import get_args

from gaai_graph.methods.registry import methods_answering, name_patterns
from gaai_graph.models import AlgorithmName, GraphSchema, Intent, Vertical
from gaai_graph.words import plural_noun, singular_noun

INTENTS: tuple[Intent, ...] = get_args(Intent)


@dataclass(frozen=True)
class Phrase:
    """One lexicon entry: a phrase pattern and how strongly it signals an intent."""

    intent: Intent
    pattern: re.Pattern[str]
    weight: float
    consumes: bool = False
    """Read before the others, and its words are then used up: "bridge segments" is
    brokerage, so "segments" in it must not also count as a request for segmentation."""


def _phrase(intent: Intent, regex: str, weight: float = 1.0, *, consumes: bool = False) -> Phrase:
    return Phrase(intent, re.compile(rf"\b(?:{regex})\b", re.IGNORECASE), weight, consumes)


_ENTITY = (
    r"(?:customers?|users?|accounts?|members?|clients?|people|persons?|buyers?|shoppers?|"
    r"nodes?|entities|vertices|products?|items?)"
)
_GROUPS = r"(?:groups?|segments?|communit(?:y|ies)|clusters?|cohorts?|teams?|parts|silos?)"
_IDENTIFIER = (
    r"(?:devices?|(?:credit |debit |payment |bank )?cards?|payment (?:methods?|instruments?)|"
    r"(?:phone|mobile|telephone)(?: numbers?)?|phones?|(?:postal |home |billing |shipping )?"
    r"address(?:es)?|e-?mails?(?: address(?:es)?)?|ip(?: address(?:es)?)?s?|identifiers?|"
    r"credentials|contact details|identit(?:y|ies)|accounts?)"
)

INTENT_LEXICON: tuple[Phrase, ...] = (
    # influence: whose position lets them sway others
    _phrase("influence", r"influential|influencers?|most influence|influence (?:on|over) others"),
    _phrase("influence", r"(?:key )?opinion leaders?|thought leaders?|trend ?setters?"),
    _phrase("influence", r"most important " + _ENTITY),
    _phrase("influence", r"top referrers?|refer(?:s|red)? the most|greatest reach|widest reach"),
    _phrase("influence", r"word[- ]of[- ]mouth|reach", 0.5),
    _phrase("influence", r"(?:most|many) referrals|ambassadors?"),
    _phrase("influence", r"(?:brand )?advocates?|prestige|authorit(?:y|ative)", 0.5),
    _phrase("influence", r"importance", 0.5),
    # hubs: what the rest depends on by sheer number of connections
    _phrase("hubs", r"most (?:highly )?connected|hubs?|hub " + _ENTITY),
    _phrase("hubs", r"(?:catalogue|catalog|network|business|platform|operations?) depends? on"),
    _phrase("hubs", r"depend(?:s|ed)? on (?:most|the most)|central to (?:the |our )?\w+"),
    _phrase("hubs", r"best[- ]sell(?:ing|ers?)|most (?:purchased|bought|ordered|used|linked)"),
    _phrase("hubs", r"single points? of failure|highest (?:degree|number of connections)"),
    _phrase("hubs", r"many connections|most connections|used by (?:the )?most"),
    _phrase("hubs", r"depends? on|(?:at|in) the (?:centre|center) of", 0.6),
    _phrase("hubs", r"(?:large|big|high|significant|disproportionate) share of", 0.5),
    _phrase("hubs", r"most popular"),
    _phrase("hubs", r"popular", 0.5),
    # communities: partition into groups that interact more inside than outside
    _phrase("communities", r"segments?|segmentation|segment(?:ing|ed)|communit(?:y|ies)"),
    _phrase("communities", r"clusters? of similar|similar (?:purchasing|buying|shopping)"),
    _phrase("communities", r"behave (?:alike|similarly)|(?:buy|shop|act)s? (?:alike|similarly)"),
    _phrase("communities", r"natural groupings?|cohorts?|groups? of similar"),
    _phrase("communities", r"clusters?|personas?", 0.5),
    # rings: entities tied together by shared identifiers
    _phrase("rings", r"(?:fraud|fraudulent|criminal|mule|collusion|organi[sz]ed) rings?"),
    _phrase("rings", r"rings?", 0.6),
    _phrase(
        "rings",
        r"(?:shar(?:e|es|ed|ing)|reus(?:e|es|ed|ing)) (?:the same |a |common )?" + _IDENTIFIER,
    ),
    _phrase("rings", r"(?:same|common|shared) " + _IDENTIFIER),
    _phrase("rings", r"linked accounts|collu(?:sion|de|ding|sive)|synthetic identit(?:y|ies)"),
    _phrase("rings", r"organi[sz]ed fraud|coordinated fraud"),
    _phrase("rings", r"multi[- ]account(?:ing|s)?|mule (?:accounts?|networks?)"),
    _phrase("rings", r"fraud(?:ulent)?|fraudsters?", 0.4),
    # brokers: who connects groups that would otherwise be apart
    _phrase(
        "brokers",
        r"(?:bridg(?:e|es|ed|ing)|span(?:s|ning)?|link(?:s|ing)?|connect(?:s|ing)?) "
        r"(?:between )?(?:the |our |two |multiple |several |many |different |separate |"
        r"distinct |otherwise |disconnected |unrelated )*(?:\w+ )?" + _GROUPS,
        consumes=True,
    ),
    _phrase(
        "brokers",
        r"(?:brokers?|gatekeepers?|intermediar(?:y|ies)|go[- ]betweens?) between "
        r"(?:\w+ ){0,2}" + _GROUPS,
        consumes=True,
    ),
    _phrase("brokers", r"cross[- ](?:segment|community|group|cluster)s?", consumes=True),
    _phrase(
        "brokers",
        r"between (?:different|separate|distinct|otherwise separate) " + _GROUPS,
        consumes=True,
    ),
    _phrase("brokers", r"bridg(?:e|es|ed|ing)|brokers?|brokerage role|gatekeepers?"),
    _phrase("brokers", r"intermediar(?:y|ies)|go[- ]betweens?|structural holes?"),
    _phrase("brokers", r"bottlenecks?|information flow", 0.6),
    # cohesion: dense cores where everyone is tied to everyone
    _phrase("cohesion", r"tightly[- ]knit|tight[- ]knit|densely[- ]connected|closely[- ]knit"),
    _phrase("cohesion", r"cohesive|cohesion|inner circles?|cliques?|k[- ]cores?"),
    _phrase("cohesion", r"core (?:groups?|members?)|dense (?:sub)?(?:groups?|clusters?|graphs?)"),
    _phrase("cohesion", r"closely[- ]connected|well[- ]connected (?:core|groups?)"),
    # cycles: flows that come back to where they started
    _phrase("cycles", r"circular|cycles?|cyclic(?:al)?|round[- ]trip(?:s|ping)?|carousel"),
    _phrase("cycles", r"loops? of \w+|loops?|wash trad(?:e|es|ing)"),
    _phrase(
        "cycles",
        r"(?:flows?|comes?|returns?|goes|go) back to (?:the |its )?"
        r"(?:origin(?:ator)?|sender|source|start)",
    ),
    _phrase("cycles", r"refer(?:s|red)? each other|referral chains?", 0.6),
)
"""The weighted phrase lexicon. An intent is read when its matched phrases weigh at least
`INTENT_THRESHOLD`; weaker cues ("popular", "clusters", "fraud") need a second cue."""

INTENT_THRESHOLD = 1.0


@dataclass(frozen=True)
class Unanswerable:
    """A kind of question no supported graph algorithm answers, and why."""

    pattern: re.Pattern[str]
    reason: str


def _unanswerable(regex: str, reason: str) -> Unanswerable:
    return Unanswerable(re.compile(rf"\b(?:{regex})\b", re.IGNORECASE), reason)


UNANSWERABLE: tuple[Unanswerable, ...] = (
    _unanswerable(
        r"(?:shortest|quickest|fastest|cheapest|best) (?:path|route)s?|"
        r"(?:path|route)s? (?:between|from)|degrees? of separation|"
        r"how [\w\s'-]{1,60}? (?:connected|linked|related) to",
        "asks for a path or route between specific entities; path finding is not among the "
        "supported analyses",
    ),
    _unanswerable(
        r"forecast\w*|predict\w*|future (?:sales|demand|revenue|growth|spend(?:ing)?)|"
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


@dataclass(frozen=True)
class AlgorithmMention:
    """An algorithm named in a requirement, the intent it answers on its own, and where."""

    algorithm: AlgorithmName
    intent: Intent
    span: tuple[int, int]
    text: str


ALGORITHM_LEXICON: tuple[tuple[str, Intent, re.Pattern[str]], ...] = tuple(
    (method.name, method.use_case_intents[0], pattern) for method, pattern in name_patterns()
)
"""Algorithm names people write (each method module declares its `aliases`), the method each
means and the intent it answers when the rest of the requirement reads as no compatible
intent."""

COMPATIBLE_ALGORITHMS: dict[Intent, frozenset[str]] = {
    intent: methods_answering(intent) for intent in get_args(Intent)
}
"""Per intent, the methods that answer it: a named method runs for the requirement's intent
when it is one of these ("Use Louvain to find communities"), else as its own use case."""


def find_algorithms(text: str) -> list[AlgorithmMention]:
    """Find the algorithms a requirement names, in text order, each once.

    Args:
        text: A requirement's text.

    Returns:
        One mention per algorithm, at its first occurrence.
    """
    found: dict[str, AlgorithmMention] = {}
    for algorithm, intent, pattern in ALGORITHM_LEXICON:
        matches = list(pattern.finditer(text))
        if not matches:
            continue
        text = _blank(text, (m.span() for m in matches))
        if algorithm not in found:
            first = matches[0]
            found[algorithm] = AlgorithmMention(algorithm, intent, first.span(), first.group(0))
    return sorted(found.values(), key=lambda mention: mention.span)


@dataclass(frozen=True)
class _Reading:
    phrases: list[str]
    cues: list[tuple[int, int]]
    """Where the intent's phrases matched, for finding the entity they are said of."""


def _read(text: str) -> dict[Intent, _Reading]:
    scores: dict[Intent, float] = {}
    readings: dict[Intent, _Reading] = {}
    ordered = sorted(INTENT_LEXICON, key=lambda entry: not entry.consumes)
    for entry in ordered:
        matches = list(entry.pattern.finditer(text))
        if not matches:
            continue
        if entry.consumes:
            text = _blank(text, (m.span() for m in matches))
        # A phrase counts once however often it repeats: repetition is emphasis, not evidence.
        scores[entry.intent] = scores.get(entry.intent, 0.0) + entry.weight
        reading = readings.setdefault(entry.intent, _Reading([], []))
        seen = set(reading.phrases)  # a set: a long text repeats phrases thousands of times
        for match in matches:
            phrase = match.group(0).lower()
            if phrase not in seen:
                seen.add(phrase)
                reading.phrases.append(phrase)
            reading.cues.append(match.span())
    accepted = [i for i in INTENTS if scores.get(i, 0.0) >= INTENT_THRESHOLD]
    accepted.sort(key=lambda intent: min(readings[intent].cues))
    return {intent: readings[intent] for intent in accepted}


def read_intents(text: str) -> dict[Intent, list[str]]:
    """Read the intents a requirement asks for.

    Args:
        text: A requirement's text (parts asking for unanswerable things already removed).

    Returns:
        Intent -> the phrases that signalled it, for every intent whose phrases weigh at least
        `INTENT_THRESHOLD`, in the order the intents first appear in the text.
    """
    return {intent: reading.phrases for intent, reading in _read(text).items()}


# --------------------------------------------------------------------------- collection names


def _words(name: str) -> list[str]:
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name)
    return [w.lower() for w in re.split(r"[\s_\-]+", spaced) if w]


def _term_regex(term: str) -> str:
    """A regex for `term` in text: its words, the last one singular or plural."""
    words = _words(term)
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
        words = _words(name)
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


_SHARING = re.compile(
    r"\b(?:shar(?:e|es|ing)|shared(?! by)|reus(?:e|es|ed|ing)|in common|same|common|"
    r"(?:linked|connected|tied|joined) (?:by|through|via))\b",
    re.IGNORECASE,
)
_CLAUSE_END = re.compile(
    r"[.;:!?()]|\b(?:who|which|that|and then|while|but|so|because|since)\b", re.IGNORECASE
)
_SHARING_WINDOW = 80


def _sharing_spans(text: str) -> list[tuple[int, int]]:
    """Stretches of text naming what is shared ("sharing devices or payment cards")."""
    spans = []
    for match in _SHARING.finditer(text):
        stop = min(len(text), match.end() + _SHARING_WINDOW)
        end = _CLAUSE_END.search(text, match.end(), stop)
        spans.append((match.end(), end.start() if end else stop))
    return spans


def _blank(text: str, spans: Iterable[tuple[int, int]]) -> str:
    characters = list(text)
    for start, end in spans:
        characters[start:end] = " " * (end - start)
    return "".join(characters)
