"""Use-case generation by rules: from requirement text to precise graph questions.

The rules read *intents* (what the question asks of the graph) with a weighted phrase lexicon,
not single keywords: "influential customers" is influence, "the catalogue depends on" is hubs,
"customers sharing devices" is rings. A requirement may carry several intents. Questions no
supported algorithm answers (a route between two entities, a forecast, a recommender, text
sentiment) are *unanswered*, with the reason; they are never bent into some other algorithm.

The *focus* of a use case is the vertex collections the text names (by collection name,
singular or plural, by the vertical's entity terms, or by a few general synonyms such as
"cards" for a payment-method collection). When the text names none, the schema decides: the
core collection best placed to answer that intent.
"""

from __future__ import annotations

import asyncio
import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, get_args

from langgraph.runtime import Runtime

from gaai_graph.context import Context
from gaai_graph.models import (
    AlgorithmName,
    GraphSchema,
    Intent,
    Priority,
    Requirement,
    RunError,
    UseCase,
    Vertical,
)
from gaai_graph.nodes.common import (
    ALGORITHM_LABELS,
    context_of,
    plural_noun,
    plural_phrase,
    singular_noun,
    timed,
)
from gaai_graph.nodes.schema import SchemaTopology
from gaai_graph.state import WorkflowState

__all__ = [
    "ALGORITHM_LEXICON",
    "COMPATIBLE_ALGORITHMS",
    "INTENT_LEXICON",
    "INTENT_THRESHOLD",
    "UNANSWERABLE",
    "AlgorithmMention",
    "Mention",
    "business_term",
    "find_algorithms",
    "find_mentions",
    "generate_use_cases",
    "generate_use_cases_by_rules",
    "read_intents",
    "unanswerable_reasons",
]

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


def _algorithm(
    algorithm: AlgorithmName, intent: Intent, regex: str
) -> tuple[AlgorithmName, Intent, re.Pattern[str]]:
    return (algorithm, intent, re.compile(rf"\b(?:{regex})\b", re.IGNORECASE))


ALGORITHM_LEXICON: tuple[tuple[AlgorithmName, Intent, re.Pattern[str]], ...] = (
    # "strongly connected components" before "connected components", whose words it holds.
    _algorithm("scc", "cycles", r"strongly[- ]connected(?: components?)?|sccs?"),
    _algorithm("wcc", "rings", r"(?:weakly[- ])?connected components?|wccs?"),
    _algorithm("pagerank", "influence", r"page[- ]?rank"),
    _algorithm("betweenness", "brokers", r"betweenness(?:[- ]centrality)?"),
    _algorithm("louvain", "communities", r"louvain"),
    _algorithm("leiden", "communities", r"leiden"),
    _algorithm("label_propagation", "communities", r"label[- ]propagation"),
    _algorithm("kcore", "cohesion", r"k[- ]?cores?(?: decomposition)?|coreness"),
    _algorithm(
        "triangles",
        "cohesion",
        r"triangles?(?: count(?:s|ing)?)?|(?:local )?clustering coefficients?|transitivity",
    ),
    _algorithm(
        "degree",
        "hubs",
        r"degree[- ]centrality|(?:in|out)[- ]?degrees?|(?:node|vertex) degrees?|"
        r"degree distribution|by (?:their )?degree",
    ),
)
"""Algorithm names people write, the registry algorithm each means and the intent it answers
when the rest of the requirement reads as no compatible intent."""

COMPATIBLE_ALGORITHMS: dict[Intent, frozenset[str]] = {
    "influence": frozenset({"pagerank", "degree"}),
    "hubs": frozenset({"degree", "pagerank"}),
    "communities": frozenset({"leiden", "louvain", "label_propagation"}),
    "rings": frozenset({"wcc"}),
    "brokers": frozenset({"betweenness"}),
    "cohesion": frozenset({"kcore", "triangles"}),
    "cycles": frozenset({"scc"}),
}
"""Per intent, the algorithms that answer it: a named algorithm runs for the requirement's
intent when it is one of these ("Use Louvain to find communities"), else as its own use case."""


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


# --------------------------------------------------------------------------- focus fallback


def _fallback_focus(intent: Intent, topology: SchemaTopology) -> list[str]:
    """The core collection best placed to answer `intent` when the text names none."""
    core = topology.core_vertex_collections
    if not core:
        return []

    def connectivity(name: str) -> tuple[int, int]:
        return len(topology.edges_touching(name, core_only=True)), topology.count(name)

    if intent in ("influence", "cycles", "brokers"):
        # Influence, cycles and brokerage live in a network of like entities (referrals,
        # transfers): a collection with its own self edges answers them directly.
        with_self = [c for c in core if topology.self_edges(c)]
        if with_self:
            return [max(with_self, key=lambda c: (len(topology.self_edges(c)), *connectivity(c)))]
    if intent == "hubs":
        # Hubs are where connections concentrate: the highest mean number of edges per vertex.
        def mean_degree(name: str) -> float:
            edges = sum(topology.count(e) for e in topology.edges_touching(name))
            return edges / max(topology.count(name), 1)

        return [max(core, key=lambda c: (mean_degree(c), topology.count(c)))]
    if intent == "rings":
        with_ids = [c for c in core if topology.identifier_neighbours(c)]
        if with_ids:
            return [
                max(
                    with_ids,
                    key=lambda c: (len(topology.identifier_neighbours(c)), *connectivity(c)),
                )
            ]
    return [max(core, key=connectivity)]


# --------------------------------------------------------------------------- wording

_PRIORITY_ORDER: dict[Priority, int] = {"high": 0, "medium": 1, "low": 2}

_TITLES: dict[Intent, str] = {
    "influence": "Influential {focus}",
    "hubs": "Hub {focus} the network depends on",
    "communities": "Segments of {focus}",
    "rings": "Rings of {focus} linked by {linked}",
    "brokers": "{Focus} who bridge groups",
    "cohesion": "Tightly-knit groups of {focus}",
    "cycles": "Circular chains among {focus}",
}

_DESCRIPTIONS: dict[Intent, str] = {
    "influence": "Rank {focus} by their influence: how many others they are tied to, and how "
    "influential those others are in turn.",
    "hubs": "Find the {focus} with the most connections, the ones much of the rest of the "
    "graph goes through and would be hurt by losing.",
    "communities": "Split {focus} into communities that interact far more with each other than "
    "with the rest, to see the natural segments.",
    "rings": "Find groups of {focus} tied together by shared {linked}; sharing of this kind is "
    "rare among independent {focus} and typical of coordinated or fraudulent activity.",
    "brokers": "Find the {focus} who sit between otherwise separate groups, so that much of "
    "what flows from one group to another passes through them.",
    "cohesion": "Find the densely connected cores among {focus}: groups in which every member "
    "is tied to many others of the group.",
    "cycles": "Find chains among {focus} that loop back to where they started, such as circular "
    "referrals or round-trip transfers.",
}


def business_term(collection: str, vertical: Vertical | None) -> str:
    """How the business calls the entities of `collection` (plural), e.g. 'customers'.

    Args:
        collection: A vertex collection name.
        vertical: Supplies entity terms; without a matching one the name itself is used.

    Returns:
        A plural business word or phrase ("people" for a term "person"; uncountable words
        such as "staff" stay as they are).
    """
    lowered = collection.lower()
    if vertical is not None:
        for fragment, term in vertical.entity_terms.items():
            fragment = fragment.lower()
            if fragment and (fragment in lowered or singular_noun(fragment) in lowered) and term:
                return plural_phrase(term)
    return plural_phrase(" ".join(_words(collection)))


def _join(terms: list[str]) -> str:
    if len(terms) <= 1:
        return "".join(terms)
    return ", ".join(terms[:-1]) + " or " + terms[-1]


# --------------------------------------------------------------------------- generation


@dataclass
class _Draft:
    intent: Intent
    focus: list[str]
    linked: list[str]
    requirement_ids: list[str]
    priority: Priority
    texts: list[str]
    phrases: list[str] = field(default_factory=list)
    algorithm: AlgorithmName | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class _Question:
    """One question a requirement asks: an intent, maybe with the algorithm it names."""

    intent: Intent
    algorithm: AlgorithmName | None
    phrases: list[str]
    cues: list[tuple[int, int]]
    notes: list[str] = field(default_factory=list)


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _questions(
    requirement_id: str, intents: dict[Intent, _Reading], algorithms: list[AlgorithmMention]
) -> list[_Question]:
    """Pair the intents read from a requirement with the algorithms it names.

    A named algorithm answers the first intent it fits ("Use Louvain to find communities":
    communities with Louvain); one that fits none of them is a question of its own, with the
    intent it answers ("Compute PageRank over customers": influence with PageRank), and each
    intent left without an algorithm notes that the named one does not answer it, so the
    usual algorithm never stands in for the named one silently.
    """
    claimed: dict[Intent, list[AlgorithmMention]] = {}
    own: list[AlgorithmMention] = []
    for mention in algorithms:
        fitting = next((i for i in intents if mention.algorithm in COMPATIBLE_ALGORITHMS[i]), None)
        if fitting is None:
            own.append(mention)
        else:
            claimed.setdefault(fitting, []).append(mention)
    questions: list[_Question] = []
    for intent, reading in intents.items():
        for mention in claimed.get(intent, []):
            questions.append(
                _Question(
                    intent,
                    mention.algorithm,
                    [*reading.phrases, mention.text.lower()],
                    [*reading.cues, mention.span],
                )
            )
        if intent in claimed:
            continue
        notes = []
        if own:
            names = _and([ALGORITHM_LABELS[m.algorithm] for m in own])
            notes.append(
                f"{requirement_id} names {names}, which does not answer this {intent} question: "
                f"it is answered with the usual analysis, and {names} runs as an analysis of "
                "its own."
            )
        questions.append(_Question(intent, None, list(reading.phrases), list(reading.cues), notes))
    for mention in own:
        questions.append(
            _Question(mention.intent, mention.algorithm, [mention.text.lower()], [mention.span])
        )
    return sorted(questions, key=lambda question: min(question.cues))


_CONJUNCTION = re.compile(r"^\s*(?:,|and|or|&|/|as well as|,\s*and|,\s*or)\s*$", re.IGNORECASE)


def _distance_to_nearest(cues: list[tuple[int, int]]) -> Any:
    """A function giving a mention's distance to the nearest cue span (0 when they overlap).

    Sorted cue starts and ends answer each mention by bisection, so ranking every mention of a
    long text is O(m log c) rather than the O(m × c) of measuring each mention against each cue.
    """
    starts = sorted(start for start, _ in cues)
    ends = sorted(end for _, end in cues)

    def distance(mention: Mention) -> int:
        before = bisect.bisect_right(ends, mention.start)  # cues ending at or before it
        after_index = bisect.bisect_left(starts, mention.end)  # first cue starting at its end
        after = len(starts) - after_index
        if before + after < len(cues):
            return 0  # some cue is neither wholly before nor wholly after: they overlap
        gaps = []
        if before:
            gaps.append(mention.start - ends[before - 1])
        if after:
            gaps.append(starts[after_index] - mention.end)
        return min(gaps)

    return distance


def _inside_any(spans: list[tuple[int, int]]) -> Any:
    """A test of whether a position lies in one of `spans` (half-open), by bisection."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    starts = [start for start, _ in merged]

    def inside(position: int) -> bool:
        index = bisect.bisect_right(starts, position) - 1
        return index >= 0 and position < merged[index][1]

    return inside


def _focus_and_linked(
    text: str,
    intent: Intent,
    cues: list[tuple[int, int]],
    schema: GraphSchema,
    vertical: Vertical,
    topology: SchemaTopology,
) -> tuple[list[str], list[str]]:
    """The collections an intent is said of, and (for rings) what links them.

    A requirement often names more than its subject ("hub products ... appear in far more
    orders ... supplier risk"); the subject is the mention nearest to the intent's own words,
    plus mentions joined to it by 'and'/'or'. Core collections win over lookups named in
    passing ("customers in each category").
    """
    mentions = find_mentions(text, schema, vertical)
    in_sharing_span = _inside_any(_sharing_spans(text))
    shared = [m for m in mentions if in_sharing_span(m.start)]
    candidates = [m for m in mentions if not in_sharing_span(m.start)]
    # "customers sharing devices with other customers": customers stay the subject.
    subjects = {m.collection for m in candidates}
    linked = list(dict.fromkeys(m.collection for m in shared if m.collection not in subjects))
    if intent == "rings" and linked:
        # The ring members are whatever the shared identifiers hang off, whatever else is named.
        adjacent = [
            m for m in candidates if any(c in topology.neighbours(m.collection) for c in linked)
        ]
        candidates = adjacent
    focus: list[str] = []
    if candidates:
        core = [m for m in candidates if topology.is_core(m.collection)] or candidates
        distance = _distance_to_nearest(cues)
        nearest = min(core, key=lambda m: (distance(m), m.start))
        chain = [nearest]
        ordered = sorted(candidates, key=lambda m: m.start)
        index = ordered.index(nearest)
        for step in (1, -1):
            position = index
            while 0 <= position + step < len(ordered):
                a, b = sorted((ordered[position], ordered[position + step]), key=lambda m: m.start)
                if not _CONJUNCTION.match(text[a.end : b.start]):
                    break
                position += step
                chain.append(ordered[position])
        focus = list(dict.fromkeys(m.collection for m in sorted(chain, key=lambda m: m.start)))
    if not focus and intent == "rings" and linked:
        owners = {
            c: sum(1 for n in linked if n in topology.neighbours(c))
            for c in topology.core_vertex_collections
            if c not in linked
        }
        best = max(owners, key=lambda c: (owners[c], topology.count(c)), default=None)
        focus = [best] if best is not None and owners[best] else []
    if not focus:
        focus = _fallback_focus(intent, topology)
    linked = [c for c in linked if c not in focus]
    return focus, linked if intent == "rings" else []


def _answerable_requirements(
    requirements: list[Requirement], vertical: Vertical
) -> list[Requirement]:
    # Constraints limit how to answer; they are not questions.
    questions = [r for r in requirements if r.kind != "constraint"]
    if questions:
        return questions
    if requirements:
        return []
    return [
        Requirement(
            id=f"VQ-{index:03d}",
            kind="objective",
            text=question,
            source=f"vertical:{vertical.name}",
            line=index,
        )
        for index, question in enumerate(vertical.typical_questions, start=1)
    ]


EXCERPT_CHARACTERS = 120
"""Most of a requirement an unanswered note quotes: notes travel into state, checkpoints and
traces, where the whole text (possibly a pasted document) has no place; the requirement id
points to it."""


def _excerpt(text: str) -> str:
    if len(text) <= EXCERPT_CHARACTERS:
        return text
    cut = text[:EXCERPT_CHARACTERS].rsplit(" ", 1)[0] or text[:EXCERPT_CHARACTERS]
    return f"{cut}... ({len(text)} characters)"


def _blank(text: str, spans: Iterable[tuple[int, int]]) -> str:
    characters = list(text)
    for start, end in spans:
        characters[start:end] = " " * (end - start)
    return "".join(characters)


def generate_use_cases_by_rules(
    requirements: list[Requirement], schema: GraphSchema, vertical: Vertical
) -> tuple[list[UseCase], list[str]]:
    """Turn requirements into use cases, one per (intent, focus), by rules.

    Args:
        requirements: Extracted requirements; constraints are skipped. When empty, the
            vertical's typical questions stand in for them.
        schema: The analysed schema, for focus collections.
        vertical: The industry vertical, for entity terms and typical questions.

    Returns:
        (use cases with ids UC-001..., notes on requirements no supported analysis answers).
        A use case carries the algorithm its requirement names when that algorithm answers
        it (`COMPATIBLE_ALGORITHMS`); an algorithm named for no compatible question becomes
        a use case of its own, for the intent it answers.
    """
    topology = SchemaTopology(schema)
    drafts: dict[tuple[Intent, tuple[str, ...], str | None], _Draft] = {}
    unanswered: list[str] = []
    for requirement in _answerable_requirements(requirements, vertical):
        text = " ".join(requirement.text.split())
        blocked = unanswerable_reasons(text)
        for reason in dict.fromkeys(reason for _, reason in blocked):
            unanswered.append(f'{requirement.id}: {reason}: "{_excerpt(text)}"')
        answerable = _blank(text, (span for span, _ in blocked))
        intents = _read(answerable)
        algorithms = find_algorithms(answerable)
        if not intents and not algorithms and not blocked:
            unanswered.append(
                f"{requirement.id}: no supported graph analysis matches this requirement: "
                f'"{_excerpt(text)}"'
            )
        for question in _questions(requirement.id, intents, algorithms):
            intent, phrases = question.intent, question.phrases
            focus, linked = _focus_and_linked(
                text, intent, question.cues, schema, vertical, topology
            )
            if not focus:
                unanswered.append(
                    f"{requirement.id}: the graph has no core collection to answer {intent} "
                    f'questions: "{_excerpt(text)}"'
                )
                continue
            # Two algorithms asked for one question ("compare Louvain and Leiden") are two
            # analyses: merging them would drop one request.
            key = (intent, tuple(sorted(focus)), question.algorithm)
            draft = drafts.get(key)
            if draft is None:
                drafts[key] = _Draft(
                    intent,
                    focus,
                    linked,
                    [requirement.id],
                    requirement.priority,
                    [text],
                    phrases,
                    question.algorithm,
                    list(question.notes),
                )
                continue
            # The same question asked twice: one use case answering both requirements.
            if requirement.id not in draft.requirement_ids:
                draft.requirement_ids.append(requirement.id)
                draft.texts.append(text)
            draft.linked.extend(c for c in linked if c not in draft.linked)
            draft.phrases.extend(p for p in phrases if p not in draft.phrases)
            draft.notes.extend(n for n in question.notes if n not in draft.notes)
            if _PRIORITY_ORDER[requirement.priority] < _PRIORITY_ORDER[draft.priority]:
                draft.priority = requirement.priority
    use_cases = [
        _use_case(index, draft, vertical) for index, draft in enumerate(drafts.values(), start=1)
    ]
    return use_cases, unanswered


def _use_case(index: int, draft: _Draft, vertical: Vertical) -> UseCase:
    focus_terms = [business_term(c, vertical) for c in draft.focus]
    linked_terms = [business_term(c, vertical) for c in draft.linked] or ["identifiers"]
    words = {"focus": _join(focus_terms), "linked": _join(linked_terms)}
    title = _TITLES[draft.intent].format(
        **words, Focus=words["focus"][:1].upper() + words["focus"][1:]
    )
    quoted = " ".join(
        f'{rid}: "{text}"' for rid, text in zip(draft.requirement_ids, draft.texts, strict=True)
    )
    requested = (
        f" Runs {ALGORITHM_LABELS[draft.algorithm]}, as the requirement asks."
        if draft.algorithm
        else ""
    )
    return UseCase(
        id=f"UC-{index:03d}",
        title=title,
        intent=draft.intent,
        description=f"{_DESCRIPTIONS[draft.intent].format(**words)}{requested} Asked by {quoted}",
        requirement_ids=draft.requirement_ids,
        focus_collections=draft.focus,
        linked_collections=draft.linked,
        priority=draft.priority,
        rationale=f"Read as {draft.intent} from "
        + ", ".join(f"'{p}'" for p in draft.phrases)
        + (f"; the requirement names {draft.algorithm}" if draft.algorithm else "")
        + f"; focus on {', '.join(draft.focus)}"
        + (f" linked by {', '.join(draft.linked)}" if draft.linked else "")
        + ".",
        algorithm=draft.algorithm,
        notes=list(draft.notes),
    )


_GENERIC_VERTICAL = Vertical(name="generic", title="Generic graph")


async def generate_use_cases(state: WorkflowState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Derive use cases from the requirements (rules path).

    Args:
        state: Needs `requirements`, `schema` and `vertical`.
        runtime: The run's context (unused by the rules path).

    Returns:
        Updates for `use_cases`, `timings` and `errors` (one per unanswered requirement).
    """
    context = context_of(runtime)
    with timed("generate_use_cases") as clock:
        if state.schema is None:
            return {
                "use_cases": [],
                "errors": [
                    RunError(phase="generate_use_cases", message="no schema to derive use cases")
                ],
            }
        use_cases, unanswered = await asyncio.to_thread(
            generate_use_cases_by_rules,
            state.requirements,
            state.schema,
            state.vertical or _GENERIC_VERTICAL,
        )
        # LLM branch: the rule result above is the fallback.
        from gaai_graph.llm.phases import use_cases_with_llm

        (use_cases, unanswered), llm_updates = await use_cases_with_llm(
            context, state.requirements, state.schema, state.vertical, (use_cases, unanswered)
        )
    return {
        "use_cases": use_cases,
        "timings": [clock.timing],
        **llm_updates,
        "errors": [RunError(phase="generate_use_cases", message=note) for note in unanswered],
    }
