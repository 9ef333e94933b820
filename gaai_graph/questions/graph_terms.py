"""The graph's own vocabulary: collection and attribute names as words a question may use.

A question about a payments graph says "transfers", "accounts", "amount"; one about a supply
chain says "supplies", "parts", "critical". Splitting the schema's names into lemmatised words
lets the reader (a) find which collections and attributes the question names, (b) extend the
word classes of the lexicon with the graph's own words: identifier collections ("shared_device"
makes "device" an identifier), entity collections (the "stations" of "the key stations", the
"families" of "married into the same families") and edge collections (the "marriages" of "how
many marriages separate"), and (c) know which words name collections, so "groups" in a graph
with a `groups` collection is the collection, not a request for communities.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from gaai_graph.models import GraphSchema
from gaai_graph.questions.lexicon import CLASSES
from gaai_graph.questions.text import lemma_of, word_set

__all__ = ["GraphTerms", "WeightFamily", "graph_terms", "split_name"]

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_SPLIT = re.compile(r"[^0-9A-Za-z]+")

WeightFamily = str
"""One of "distance", "time", "cost", "volume": what a numeric edge attribute measures."""

_FAMILY_WORDS: dict[str, frozenset[str]] = {
    "distance": word_set("distance dist length len km kilometre kilometer mile metre meter"),
    "time": frozenset(
        ["time", "duration", "minute", "min", "second", "sec", "hour", "travel", "delay", "runtime"]
    ),
    "cost": frozenset(["cost", "price", "fare", "fee", "toll", "charge"]),
    "volume": word_set(
        "weight amount value volume count total sum quantity qty traffic flow passenger "
        "trip frequency strength capacity revenue spend money usd eur gbp score "
        "interaction message call"
    ),
}
_NOT_WEIGHTS = frozenset(
    ["id", "key", "timestamp", "ts", "date", "epoch", "created", "updated", "year", "day", "month"]
)
_DEPENDENCY_EDGE_WORDS = word_set(
    "supply supplier provide source depend use require contain part component consist "
    "feed produce make build bom need"
)
_EDGE_FUNCTION_WORDS = word_set(
    "about with from into onto have has share same belong link edge relation relationship"
)
"""Words of edge names that name no step a question would count ("has_part", "links")."""
_FLOW_EDGE_WORDS = word_set(
    "transfer pay payment send transaction wire flow trade ship shipment order"
)


def split_name(name: str) -> list[str]:
    """Lemmatised lower-case words of a schema name ("shared_devices" -> ["share", "device"])."""
    spaced = _CAMEL.sub(" ", name)
    return [lemma_of(word.lower()) for word in _SPLIT.split(spaced) if word]


@dataclass
class GraphTerms:
    """Word-level facts about one schema, built once per schema."""

    collection_heads: dict[str, list[str]] = field(default_factory=dict)
    """Lemma of a vertex collection's last word (and of its whole name when one word) ->
    collection names ("accounts" -> account)."""
    edge_heads: dict[str, list[str]] = field(default_factory=dict)
    """Same for edge collections; every word of an edge name counts ("shared_device")."""
    attribute_words: dict[str, list[str]] = field(default_factory=dict)
    """Lemma of an attribute's word -> attribute names (vertex and edge attributes)."""
    attribute_parts: dict[str, list[str]] = field(default_factory=dict)
    """Attribute name -> its lemmatised words."""
    numeric_edge_attributes: dict[str, WeightFamily] = field(default_factory=dict)
    """Numeric edge attributes usable as weights, with what they measure."""
    identifier_words: frozenset[str] = frozenset()
    """Extra identifier words from the schema (identifier-like collections, shared_* edges)."""
    dependency_edges: bool = False
    """Whether some edge collection reads as supply/dependency ("supplies", "uses_part")."""
    flow_edges: bool = False
    """Whether some edge collection reads as a flow ("transfers", "payments")."""
    numeric_vertex_attributes: frozenset[str] = frozenset()
    """Vertex attributes whose values are mostly numbers (what attribute distances compare)."""

    class_extensions: dict[str, frozenset[str]] = field(default_factory=dict)
    """Word class name -> the graph's own words that belong to it (see `class_words`)."""

    def collection_words(self) -> frozenset[str]:
        """Every word that names a vertex collection."""
        return frozenset(self.collection_heads)

    def class_words(self) -> dict[str, frozenset[str]]:
        """The graph's words by the lexicon's word class they extend.

        Identifier collections are `IDENT` ("shared_device" makes "device" an identifier);
        the other vertex collections are `ACTOR` and `PARTNER` ("the key stations", "the same
        families"); the content words of edge collections are `EDGE`, steps a distance is counted in
        ("how many marriages separate", "three calls apart").
        """
        return self.class_extensions


def _family(words: list[str]) -> WeightFamily | None:
    if any(word in _NOT_WEIGHTS for word in words):
        return None
    for family, family_words in _FAMILY_WORDS.items():
        if any(word in family_words for word in words):
            return family
    return "volume"


def _is_identifier_like(schema: GraphSchema, name: str) -> bool:
    """Whether a vertex collection reads as an identifier (a device, card or phone).

    It is named like one, or it has no human label, only one other collection points at it,
    and it has few edges per vertex: shared rarely enough for sharing to be a signal.
    """
    words = split_name(name)
    if words and words[-1] in CLASSES["IDENT"]:
        return True
    profile = schema.collection(name)
    if profile is None or profile.count == 0 or profile.label_attribute is not None:
        # things people name (customers, parts, stations) are entities, not identifiers
        return False
    partners: set[str] = set()
    edges = 0
    for definition in schema.edge_definitions:
        ends = {*definition.from_vertex_collections, *definition.to_vertex_collections}
        if name in ends:
            partners |= ends - {name}
            edge_profile = schema.collection(definition.edge_collection)
            edges += edge_profile.count if edge_profile is not None else 0
            if name in definition.from_vertex_collections:
                return False
    return len(partners) == 1 and 0 < edges / profile.count <= 3.0


def graph_terms(schema: GraphSchema) -> GraphTerms:
    """Read the words of `schema`'s collection and attribute names.

    Args:
        schema: The analysed schema.

    Returns:
        The graph's vocabulary.
    """
    terms = GraphTerms()
    identifier_words: set[str] = set()
    numeric_vertex: set[str] = set()
    for profile in schema.collections:
        words = split_name(profile.name)
        if not words:
            continue
        if profile.kind == "document":
            terms.collection_heads.setdefault(words[-1], []).append(profile.name)
            if _is_identifier_like(schema, profile.name):
                identifier_words.add(words[-1])
        else:
            for word in words:
                terms.edge_heads.setdefault(word, []).append(profile.name)
            if "share" in words or "same" in words:
                identifier_words.update(w for w in words if w not in ("share", "same", "has"))
            terms.dependency_edges |= any(w in _DEPENDENCY_EDGE_WORDS for w in words)
            terms.flow_edges |= any(w in _FLOW_EDGE_WORDS for w in words)
        for attribute in profile.attributes:
            if attribute.name.startswith("_"):
                continue
            attribute_words = split_name(attribute.name)
            terms.attribute_parts[attribute.name] = attribute_words
            for word in attribute_words:
                names = terms.attribute_words.setdefault(word, [])
                if attribute.name not in names:
                    names.append(attribute.name)
            numeric = bool(attribute.types) and attribute.types[0] == "number"
            if profile.kind == "document" and numeric:
                numeric_vertex.add(attribute.name)
            if profile.kind == "edge" and numeric:
                family = _family(attribute_words)
                if family is not None:
                    terms.numeric_edge_attributes.setdefault(attribute.name, family)
    terms.identifier_words = frozenset(identifier_words)
    terms.numeric_vertex_attributes = frozenset(numeric_vertex)
    entities = frozenset(terms.collection_heads) - terms.identifier_words
    edge_words = frozenset(
        word for word in terms.edge_heads if len(word) > 3 and word not in _EDGE_FUNCTION_WORDS
    )
    terms.class_extensions = {
        "IDENT": terms.identifier_words,
        "ACTOR": entities,
        "PARTNER": entities,
        "EDGE": edge_words,
    }
    return terms
