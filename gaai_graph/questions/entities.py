"""Names in a question resolved to vertices: an index built once, looked up per question.

`NameIndex` holds every vertex's names (its label attributes and its key) under a normal form
that ignores case, accents and punctuation ("King's Cross St. Pancras" == "kings cross st
pancras"). Resolving a question looks its word n-grams up in a dict (a few dozen lookups,
whatever the graph's size); only words that look like names but match nothing exactly are
compared fuzzily against all names, with RapidFuzz (a compiled, well-kept library whose
`process.extract` scores a million names in well under a second).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Protocol

from rapidfuzz import fuzz, process

from gaai_graph.models import GraphSchema
from gaai_graph.questions.lexicon import LEXICON_WORDS
from gaai_graph.questions.models import Candidate, NameMatch
from gaai_graph.questions.text import Token, known_word, normalise_name, tokenize, word_set
from gaai_graph.sources.base import GraphData

__all__ = [
    "NAME_ATTRIBUTES",
    "EntityLookup",
    "NameIndex",
    "build_name_index",
    "cached_name_index",
    "name_index_of",
    "names_by_initial",
    "nearest_candidates",
    "resolve_entities",
]

NAME_ATTRIBUTES: tuple[str, ...] = (
    "name",
    "title",
    "label",
    "full_name",
    "fullname",
    "display_name",
    "short_name",
    "username",
    "alias",
    "aliases",
    "code",
)
"""Attributes indexed as names when present, besides the schema's label attribute."""

NEAR_MATCH_SCORE = 90.0
"""A fuzzy match at least this good, clearly ahead of the next, resolves the name."""
NEAR_MATCH_MARGIN = 4.0
CLEAR_NEAR_MATCH_SCORE = 85.0
CLEAR_NEAR_MATCH_MARGIN = 15.0
"""A slightly weaker fuzzy match still resolves when nothing else comes close: "Wickvail" is
Wickvale (87.5) when the next name scores under 72.5."""
PLAIN_RATIO_MARGIN = 10.0
"""When two near matches score alike, the one ahead by this much on plain edit ratio wins."""
CANDIDATE_LIMIT = 3
MAX_FUZZY_NAMES = 10
"""At most this many unmatched name-like spans of one text are searched fuzzily (each search
scans many names; a question names a handful, a pasted document could name hundreds)."""
MIN_FUZZY_LENGTH = 3
"""Shorter words are not compared fuzzily: a letter or two is close to too many names."""
MAX_NAME_WORDS = 8
SAMPLE_SIZE = 1000
"""Documents looked at to find which name attributes a collection has."""
FULL_SCAN_LIMIT = 100_000
"""Up to this many names, a near-match search compares the query with every name."""


class EntityLookup(Protocol):
    """What resolving names needs from the loaded graph."""

    @property
    def max_words(self) -> int:
        """The most words any indexed name has."""
        ...

    def exact(self, normalised: str) -> Sequence[str]:
        """Vertex ids whose name or key has this normal form (empty when none)."""
        ...

    def label(self, vertex_id: str) -> str:
        """The vertex's display name."""
        ...

    def nearest(self, normalised: str, limit: int) -> list[Candidate]:
        """The names closest to `normalised`, best first."""
        ...


@dataclass
class NameIndex:
    """An `EntityLookup` over in-memory names; build it with `build_name_index`.

    One dict entry per distinct normalised name (a vertex id, or a list of them when several
    vertices share the name), so a million vertices cost two million entries at most.
    Near matches are searched among the names that start with the same character as the
    query (typos rarely hit the first letter), which keeps a fuzzy look-up to a slice of a
    large graph; a small graph (up to `FULL_SCAN_LIMIT` names) is searched whole.
    """

    names: dict[str, str | list[str]] = field(default_factory=dict)
    """Normal form -> vertex id (or ids, when several vertices share it)."""
    labels: dict[str, str] = field(default_factory=dict)
    """Vertex id -> display name."""
    longest: int = 1
    _by_initial: dict[str, list[str]] | None = field(default=None, repr=False)

    @property
    def max_words(self) -> int:
        """The most words any indexed name has (capped at `MAX_NAME_WORDS`)."""
        return self.longest

    def add(self, vertex_id: str, name: str, *, label: bool = True) -> None:
        """Index `name` for `vertex_id` (label=True: also use it as the display name)."""
        # Most keys and many names are already in normal form: skip the regex for them.
        key = name if name.isalnum() and name.isascii() and name.islower() else normalise_name(name)
        if not key:
            return
        present = self.names.get(key)
        if present is None:
            self.names[key] = vertex_id
        elif isinstance(present, str):
            if present != vertex_id:
                self.names[key] = [present, vertex_id]
        elif vertex_id not in present:
            present.append(vertex_id)
        words = key.count(" ") + 1
        if words > self.longest:
            self.longest = min(words, MAX_NAME_WORDS)
        if label and vertex_id not in self.labels:
            self.labels[vertex_id] = name
        self._by_initial = None

    def exact(self, normalised: str) -> Sequence[str]:
        """Vertex ids indexed under this normal form."""
        found = self.names.get(normalised)
        if found is None:
            return ()
        return (found,) if isinstance(found, str) else tuple(found)

    def label(self, vertex_id: str) -> str:
        """The display name, or the key when the vertex has none."""
        return self.labels.get(vertex_id, vertex_id.split("/", 1)[-1])

    def _choices(self, normalised: str) -> list[str]:
        if len(self.names) <= FULL_SCAN_LIMIT:
            return list(self.names)
        if self._by_initial is None:
            self._by_initial = names_by_initial(self.names)
        return self._by_initial.get(normalised[:1], [])

    def nearest(self, normalised: str, limit: int) -> list[Candidate]:
        """The closest indexed names by RapidFuzz's WRatio, one candidate per vertex."""
        return nearest_candidates(self, normalised, self._choices(normalised), limit)


def names_by_initial(names: Iterable[str]) -> dict[str, list[str]]:
    """Normalised names grouped by their first character (where near matches are searched)."""
    buckets: dict[str, list[str]] = {}
    for name in names:
        buckets.setdefault(name[0], []).append(name)
    return buckets


def nearest_candidates(
    lookup: EntityLookup, normalised: str, choices: list[str], limit: int
) -> list[Candidate]:
    """The `choices` closest to `normalised` by RapidFuzz's WRatio, one candidate per vertex.

    Shared by every `EntityLookup`, so names held in dicts and in columns match alike.
    """
    found: list[Candidate] = []
    seen: set[str] = set()
    for choice, score, _ in process.extract(
        normalised, choices, scorer=fuzz.WRatio, limit=limit * 3
    ):
        for vertex_id in lookup.exact(choice):
            if vertex_id in seen:
                continue
            seen.add(vertex_id)
            found.append(
                Candidate(
                    vertex_id=vertex_id,
                    label=lookup.label(vertex_id),
                    score=round(float(score), 1),
                )
            )
    found.sort(key=lambda c: -c.score)
    return found[:limit]


def _present_attributes(
    documents: Sequence[Mapping[str, object]], attributes: Sequence[str]
) -> list[str]:
    """The `attributes` that the first documents carry, so the full pass reads only those."""
    sample = documents[:SAMPLE_SIZE]
    return [a for a in attributes if any(a in document for document in sample)]


def build_name_index(
    collections: Mapping[str, Sequence[Mapping[str, object]]],
    schema: GraphSchema | None = None,
    *,
    name_attributes: Sequence[str] = NAME_ATTRIBUTES,
) -> NameIndex:
    """Index every vertex's names and key, in one pass over the documents.

    Args:
        collections: Vertex collection name -> its documents (for a `GraphData`:
            `{c.name: c.documents for c in data.collections.values() if c.kind == "document"}`).
        schema: The analysed schema; each collection's `label_attribute` is indexed first and
            becomes the display name.
        name_attributes: Other attributes indexed as names when the first documents of a
            collection carry them.

    Returns:
        The index.
    """
    index = NameIndex()
    for collection, documents in collections.items():
        profile = schema.collection(collection) if schema is not None else None
        if profile is not None and profile.kind != "document":
            continue
        preferred = [profile.label_attribute] if profile and profile.label_attribute else []
        attributes = _present_attributes(
            documents, list(dict.fromkeys([*preferred, *name_attributes]))
        )
        add = index.add
        for document in documents:
            key = document.get("_key")
            if key is None:
                continue
            vertex_id = f"{collection}/{key}"
            for attribute in attributes:
                value = document.get(attribute)
                if isinstance(value, str):
                    add(vertex_id, value)
                elif isinstance(value, list):
                    for item in value:
                        if isinstance(item, str):
                            add(vertex_id, item)
            add(vertex_id, str(key), label=False)
    return index


def name_index_of(data: GraphData, schema: GraphSchema | None = None) -> NameIndex:
    """`build_name_index` over a loaded graph's vertex collections.

    Args:
        data: The loaded graph.
        schema: Its analysed schema (label attributes).

    Returns:
        The index.
    """
    return build_name_index(
        {c.name: c.documents for c in data.collections.values() if c.kind == "document"},
        schema,
    )


_CACHE_SIZE = 4
_cached: dict[tuple[str, str], NameIndex] = {}


def cached_name_index(data: GraphData, schema: GraphSchema) -> NameIndex:
    """`name_index_of`, built once per loaded graph and schema (the last few are kept).

    Nodes that run after schema analysis can call this with the (cached) loaded graph and get
    the same index: a million vertices are indexed once per load, not once per question.

    Args:
        data: The loaded graph; its `load_id` keys the cache.
        schema: Its analysed schema; its fingerprint is part of the key.

    Returns:
        The index.
    """
    key = (data.load_id, schema.fingerprint)
    index = _cached.get(key)
    if index is None:
        index = name_index_of(data, schema)
        if len(_cached) >= _CACHE_SIZE:
            _cached.pop(next(iter(_cached)))
        _cached[key] = index
    return index


# ---------------------------------------------------------------------------- resolution

_STOP = word_set(
    "a an the of and or to from in on at by for with is are was be which who whom what how "
    "where when why whose does do did can could would should will me my our your their its "
    "it this that these those there any all each every most more less than between into "
    "give show list find tell top via near nearest closest route path i we you us they them "
    "he she his her him let please"
)
_CONNECTORS = frozenset({"of", "de", "la", "le", "du", "van", "von", "der", "da", "st", "the"})
_SLOT_WORDS = frozenset({"from", "to", "between", "and", "of", "near", "reach", "named", "called"})
_SENTENCE_END = re.compile(r"[.?!:]")
_BREAK = re.compile(r"[,;?!()\[\]]")
_ID_NOUNS = frozenset({"node", "vertex", "member", "id", "number", "no", "key", "#"})


def _breaks(text: str, left: Token, right: Token) -> bool:
    return bool(_BREAK.search(text[left.end : right.start]))


def _looks_like_name(tokens: Sequence[Token], sentence_start: bool) -> bool:
    """Whether a run of words could be a proper name rather than ordinary words."""
    if all(t.lower in _STOP for t in tokens):
        return False
    if any(
        any(ch.isdigit() for ch in t.text) and any(ch.isalpha() for ch in t.text) for t in tokens
    ):
        return True
    capitals = [t for t in tokens if t.capitalised and t.lower not in _STOP]
    if sentence_start and len(tokens) == 1 and known_word(tokens[0].lower):
        return False  # "Specifically, ..." is capitalised because it starts a sentence
    return bool(capitals)


def _starts_sentence(text: str, tokens: list[Token], position: int) -> bool:
    """Whether the token at `position` is the first word of a sentence."""
    if position == 0:
        return True
    return bool(_SENTENCE_END.search(text[tokens[position - 1].end : tokens[position].start]))


def _id_context(tokens: list[Token], position: int, collection_words: frozenset[str]) -> bool:
    """Whether the word before `position` introduces an id ("member 5", "station 12")."""
    if position == 0:
        return False
    before = tokens[position - 1]
    return before.lemma in collection_words or before.lower in _ID_NOUNS


def resolve_entities(
    text: str,
    lookup: EntityLookup,
    *,
    collection_words: Mapping[str, Sequence[str]] | None = None,
) -> list[NameMatch]:
    """Find the names and keys a question mentions and resolve them to vertices.

    Exact matches (after normalising) are read first, longest first, left to right. A word
    that is an ordinary English word or a bare number counts only when it looks like a name
    (capitalised, or introduced by its collection's noun: "member 5", "customer c000123").
    Capitalised or alphanumeric words that match nothing exactly are compared fuzzily: a clear
    near match resolves (status "near"); otherwise the name is "unknown" with its nearest
    candidates. A name shared by several vertices is "ambiguous" unless the collection's noun
    in front of it decides.

    Args:
        text: The question.
        lookup: The graph's names.
        collection_words: Lemma of a collection noun -> collection names (to read "station
            Bank" as the station); `GraphTerms.collection_heads` fits.

    Returns:
        Name matches in text order.
    """
    nouns = dict(collection_words or {})
    noun_words = frozenset(nouns)
    tokens = tokenize(text)
    matches: list[NameMatch] = []
    taken: set[int] = set()
    position = 0
    while position < len(tokens):
        found = _exact_at(text, tokens, position, lookup, noun_words)
        if found is None:
            position += 1
            continue
        length, ids = found
        span_tokens = tokens[position : position + length]
        ids = _prefer_collection(ids, tokens, position, nouns)
        start, end = span_tokens[0].start, span_tokens[-1].end
        status = "exact" if len(ids) == 1 else "ambiguous"
        matches.append(
            NameMatch(
                text=text[start:end],
                span=(start, end),
                status=status,
                vertex_ids=list(ids) if status == "exact" else [],
                candidates=[
                    Candidate(vertex_id=v, label=lookup.label(v), score=100.0) for v in ids[:10]
                ],
            )
        )
        taken.update(range(position, position + length))
        position += length
    for run in _name_runs(text, tokens, taken, noun_words)[:MAX_FUZZY_NAMES]:
        matches.append(_fuzzy(text, run, lookup))
    matches.sort(key=lambda m: m.span)
    return matches


def _exact_at(
    text: str, tokens: list[Token], position: int, lookup: EntityLookup, noun_words: frozenset[str]
) -> tuple[int, list[str]] | None:
    longest = min(lookup.max_words, len(tokens) - position)
    for length in range(longest, 0, -1):
        span = tokens[position : position + length]
        if any(_breaks(text, a, b) for a, b in pairwise(span)):
            continue
        if span[0].lower in _STOP and length > 1 and span[0].lower != "the":
            continue
        key = normalise_name(" ".join(t.text for t in span))
        ids = list(lookup.exact(key))
        if not ids:
            continue
        if length == 1 and not _single_word_name(text, span[0], tokens, position, noun_words):
            continue
        if length > 1 and all(t.lower in _STOP for t in span):
            continue
        return length, ids
    return None


def _single_word_name(
    text: str, token: Token, tokens: list[Token], position: int, noun_words: frozenset[str]
) -> bool:
    """A single word is a name when it cannot be an ordinary word of the question."""
    if token.lower in _STOP:
        return False
    if token.lower.isdigit():
        return _id_context(tokens, position, noun_words)
    if any(ch.isdigit() for ch in token.lower):
        return True
    if _id_context(tokens, position, noun_words):
        return True
    if token.capitalised and not _starts_sentence(text, tokens, position):
        return True
    if token.capitalised:
        return not known_word(token.lower)
    ordinary = token.lemma in noun_words or token.lemma in LEXICON_WORDS
    if position > 0 and tokens[position - 1].lower in _SLOT_WORDS and not ordinary:
        return True
    return not known_word(token.lower) and not ordinary


def _prefer_collection(
    ids: list[str], tokens: list[Token], position: int, nouns: Mapping[str, Sequence[str]]
) -> list[str]:
    if len(ids) < 2 or position == 0:
        return ids
    wanted = nouns.get(tokens[position - 1].lemma, ())
    chosen = [v for v in ids if v.split("/", 1)[0] in wanted]
    return chosen or ids


def _name_runs(
    text: str, tokens: list[Token], taken: set[int], noun_words: frozenset[str]
) -> list[list[Token]]:
    """Runs of words that look like names and matched nothing exactly."""
    runs: list[list[Token]] = []
    current: list[Token] = []

    def close() -> None:
        while current and current[-1].lower in _CONNECTORS:
            current.pop()
        long_enough = sum(len(t.text) for t in current) >= MIN_FUZZY_LENGTH
        starts = _starts_sentence(text, tokens, current[0].index) if current else False
        if current and long_enough and _looks_like_name(current, starts):
            runs.append(list(current))
        current.clear()

    for token in tokens:
        name_like = token.index not in taken and (
            (
                token.capitalised
                and token.lower not in _STOP
                and token.lemma not in noun_words
                # a cue word ("Road", "Bridge") may continue a name, not start one
                and (bool(current) or token.lemma not in LEXICON_WORDS)
            )
            or (any(c.isdigit() for c in token.text) and any(c.isalpha() for c in token.text))
        )
        joins = bool(current) and token.lower in _CONNECTORS and token.index not in taken
        if current and _breaks(text, current[-1], token):
            close()
        if name_like or joins:
            current.append(token)
        else:
            close()
    close()
    return runs


def _fuzzy(text: str, run: list[Token], lookup: EntityLookup) -> NameMatch:
    start, end = run[0].start, run[-1].end
    query = normalise_name(text[start:end])
    candidates = lookup.nearest(query, CANDIDATE_LIMIT) if query else []
    best = candidates[0] if candidates else None
    runner_up = candidates[1].score if len(candidates) > 1 else 0.0
    if best is not None and runner_up > best.score - NEAR_MATCH_MARGIN:
        # WRatio scores a name contained in a longer one high ("waterlo" in "waterloo
        # east"); the plain edit ratio then decides when it is clearly better for one.
        plain = [fuzz.ratio(query, normalise_name(c.label)) for c in candidates[:2]]
        if plain[0] - plain[1] >= PLAIN_RATIO_MARGIN:
            runner_up = 0.0
    clear = (
        best is not None
        and best.score >= CLEAR_NEAR_MATCH_SCORE
        and best.score - runner_up >= CLEAR_NEAR_MATCH_MARGIN
    )
    if best is not None and (
        clear or (best.score >= NEAR_MATCH_SCORE and best.score - runner_up >= NEAR_MATCH_MARGIN)
    ):
        return NameMatch(
            text=text[start:end],
            span=(start, end),
            status="near",
            vertex_ids=[best.vertex_id],
            candidates=candidates,
        )
    status = "ambiguous" if best is not None and best.score >= NEAR_MATCH_SCORE else "unknown"
    return NameMatch(text=text[start:end], span=(start, end), status=status, candidates=candidates)
