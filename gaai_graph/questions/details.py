"""The details of an intent: direction, weight, how many, hop bounds and the answer's form."""

from __future__ import annotations

from collections.abc import Iterable

from gaai_graph.methods.vocabulary import QuestionIntent
from gaai_graph.questions.graph_terms import GraphTerms
from gaai_graph.questions.lexicon import CLASSES
from gaai_graph.questions.models import Direction, ValueKind
from gaai_graph.questions.text import Token, number_value, word_set

__all__ = [
    "asks_for_edges",
    "default_route_weight",
    "names_weight",
    "read_attributes",
    "read_budget",
    "read_collections",
    "read_direction",
    "read_numbers",
    "read_value_kind",
    "read_weight",
]

_IN_WORDS = word_set(
    "receive incoming inbound inflow indegree collect followed cited referenced "
    "mentioned recipient receiver beneficiary payee collector"
)
_OUT_WORDS = word_set(
    "send outgoing outbound outflow outdegree distribute disperse sender payer distributor disburse"
)
_WEIGHT_FAMILY_CUES: dict[str, tuple[str, ...]] = {
    # cue lemma -> weight families it asks for, in order of preference
    "cheap": ("cost", "distance", "time"),
    "cost": ("cost", "distance", "time"),
    "price": ("cost",),
    "fare": ("cost",),
    "expensive": ("cost", "distance", "time"),
    "fast": ("time", "distance"),
    "quick": ("time", "distance"),
    "time": ("time",),
    "minute": ("time",),
    "duration": ("time",),
    "distance": ("distance", "time", "cost"),
    "far": ("distance", "time", "cost"),
    "km": ("distance",),
    "kilometre": ("distance",),
    "kilometer": ("distance",),
    "metre": ("distance",),
    "meter": ("distance",),
    "mile": ("distance",),
    "length": ("distance",),
    "hour": ("time",),
    "slow": ("time", "distance"),
    "heavy": ("volume",),
    "heavily": ("volume",),
    "busy": ("volume",),
    "amount": ("volume",),
    "volume": ("volume",),
    "value": ("volume",),
    "weight": ("volume", "distance", "time", "cost"),
    "weighted": ("volume", "distance", "time", "cost"),
    "strength": ("volume",),
    "traffic": ("volume",),
    "total": ("volume",),
    "sum": ("volume",),
    "intensity": ("volume",),
    "frequent": ("volume",),
}
_SHORT_WORDS = frozenset(
    {"short", "shortest", "close", "closest", "near", "nearest", "proximity", "best", "optimal"}
)
_HOP_WORDS = frozenset({"hop", "stop", "step", "change", "jump", "unweighted", "edge", "link"})
_K_ANCHORS = word_set(
    "top first best most nearest closest near close large big main leading key highest "
    "strongest busiest heaviest biggest largest"
)
_HOP_UNITS = frozenset(["hop", "step", "stop", "jump", "link", "edge", "degree", "move"])
_AUX = word_set(
    "is are was were can could does do did will would has have had should shall may might whether"
)
_ASK_VALUE = frozenset(
    ["what", "give", "tell", "show", "compute", "calculate", "report", "find", "get"]
)
_METRIC_NOUNS = word_set(
    "score centrality pagerank degree value coefficient diameter modularity density "
    "eccentricity radius conductance transitivity rank ranking articlerank closeness "
    "harmonic betweenness eigenvector strength distance length"
)
_DISTANCE_UNITS = word_set(
    "km kilometre kilometer kilometres kilometers mile miles metre meter minute minutes hour "
    "hours distance far"
)
_BY_WORDS = word_set("by per weighted total")
_WEIGHT_IDIOM_VERBS = word_set("carry hold have wield pull throw punch above")
"""'Carry the most weight', 'punch above their weight': importance idioms, not an edge weight."""
_AMOUNT_WORDS = word_set("most total sum overall combined cumulative")
"""Words that ask for an amount of a measure: "the most talk time" sums durations, so a
time, distance or cost word then names the weight of a ranking, not a route's length."""
_ROUTE_WORDS = word_set("route path journey itinerary way")
_COMPARATIVES = word_set("more less higher lower bigger larger better worse greater fewer")
_LIST_WORDS = frozenset(["which", "who", "top", "list", "rank", "most", "least"])
_HOW_SCORE = word_set("central important influential connected close far dense clustered modular")


_EDGE_NOUNS = word_set(
    "link edge connection section segment track line road rail railway cable wire pipe "
    "street bridge tie relationship"
)
_ASKING = frozenset(["which", "what", "list", "find", "show", "name"])


def asks_for_edges(tokens: list[Token], terms: GraphTerms | None) -> bool:
    """Whether the question asks which *edges* ("which track sections", "what links ...").

    The words right after which/what name what is listed; an edge noun (or the graph's edge
    collection) there asks for edges, a vertex noun for vertices.
    """
    edge_words = set(_EDGE_NOUNS) | (set(terms.edge_heads) if terms is not None else set())
    vertex_words = set(terms.collection_heads) if terms is not None else set()
    for position, token in enumerate(tokens):
        if token.lower not in _ASKING:
            continue
        for following in tokens[position + 1 : position + 4]:
            if following.lemma in edge_words or following.lower in edge_words:
                return True
            if following.lemma in vertex_words:
                return False
        return False
    return False


def read_direction(intent: QuestionIntent, tokens: Iterable[Token]) -> Direction:
    """Incoming for collectors, outgoing for distributors; else what the words imply."""
    if intent == "collectors":
        return "in"
    if intent == "distributors":
        return "out"
    lemmas = [token.lemma for token in tokens]
    lowers = [token.lower for token in tokens]
    words = set(lemmas) | set(lowers)
    if "in" in lowers and "degree" in lemmas:
        words.add("indegree")
    if "out" in lowers and "degree" in lemmas:
        words.add("outdegree")
    incoming = bool(words & _IN_WORDS)
    outgoing = bool(words & _OUT_WORDS)
    if incoming and not outgoing:
        return "in"
    if outgoing and not incoming:
        return "out"
    return "any"


def names_weight(token: Token, terms: GraphTerms) -> bool:
    """Whether `token` names a numeric edge attribute of the graph, or a kind of weight it has.

    "minutes" in a graph with a `minutes` edge attribute; "time" or "duration" when some
    numeric edge attribute measures time.
    """
    numeric = terms.numeric_edge_attributes
    if any(
        parts == [token.lemma] for name, parts in terms.attribute_parts.items() if name in numeric
    ):
        return True
    families = _WEIGHT_FAMILY_CUES.get(token.lemma) or _WEIGHT_FAMILY_CUES.get(token.lower) or ()
    return any(family in numeric.values() for family in families)


def _weight_idiom(tokens: list[Token], position: int) -> bool:
    """Whether the token at `position` is the "weight" of an idiom ("carry the most weight")."""
    preceding = tokens[max(0, position - 3) : position]
    return tokens[position].lemma == "weight" and any(
        t.lemma in _WEIGHT_IDIOM_VERBS for t in preceding
    )


def read_weight(
    intent: QuestionIntent, tokens: list[Token], terms: GraphTerms | None
) -> tuple[str | None, str | None]:
    """The numeric edge attribute the question asks to weigh by, and the words that asked.

    An attribute named in the question wins ("by amount", "travel time"); otherwise a word
    asking for a kind of weight ("cheapest", "heaviest", "busiest", "weighted") picks the
    first numeric edge attribute of that kind. For routes, "shortest" means distance when a
    distance-like attribute exists, and "fewest hops/stops" means no weight.

    Args:
        intent: The intent being detailed.
        tokens: The clause's tokens.
        terms: The graph's vocabulary (None: no schema, no weight).

    Returns:
        (attribute name or None, cue words or None).
    """
    if terms is None or not terms.numeric_edge_attributes:
        return None, None
    numeric = terms.numeric_edge_attributes
    lemmas = [token.lemma for token in tokens]
    collection_words = set(terms.collection_heads) | set(terms.edge_heads)
    for index in range(len(tokens)):
        before = tokens[index - 1].lower if index > 0 else ""
        for name, parts in terms.attribute_parts.items():
            if name not in numeric or not parts or parts != lemmas[index : index + len(parts)]:
                continue
            if set(parts) <= collection_words and before not in _BY_WORDS:
                continue  # "the calls graph" names the collection, "by calls" the attribute
            if _weight_idiom(tokens, index):
                continue  # "punch above their weight" on a graph with a `weight` attribute
            return name, " ".join(t.text for t in tokens[index : index + len(parts)])
    if intent == "paths":
        asked = _family_asked_by(tokens, numeric)
        if asked is not None:
            return asked  # "by distance", "in km": the unit named wins over "stops"
        hop_named = [t for position, t in enumerate(tokens) if _counts_hops(tokens, position)]
        if hop_named:
            return None, hop_named[0].text
    amount_asked = any(t.lemma in _AMOUNT_WORDS or t.lower in _AMOUNT_WORDS for t in tokens)
    for position, token in enumerate(tokens):
        families = _WEIGHT_FAMILY_CUES.get(token.lemma) or _WEIGHT_FAMILY_CUES.get(token.lower)
        if families is None:
            continue
        if _weight_idiom(tokens, position):
            continue
        if intent != "paths" and "volume" not in families and not amount_asked:
            continue
        for family in families:
            for name, attribute_family in numeric.items():
                if attribute_family == family:
                    return name, token.text
    if intent == "paths":
        for token in tokens:
            if token.lemma in _SHORT_WORDS or token.lower in _SHORT_WORDS:
                # "shortest" and "the best route" are a distance; durations and costs need
                # their own words
                for family in ("distance",):
                    for name, attribute_family in numeric.items():
                        if attribute_family == family:
                            return name, token.text
        counted = [t for t in tokens if t.lower in _COUNT_WORDS]
        if counted:
            return None, counted[0].text  # "fewest stations to pass through": hops
    return None, None


_COUNT_WORDS = frozenset(["fewest", "least", "minimum", "minimal"])
"""Without a unit, "the fewest/least/minimum ..." of a route counts its stops."""


def default_route_weight(terms: GraphTerms | None) -> str | None:
    """The distance-like edge attribute a route is measured by when the question names none.

    "The route from A to B" on a network whose links carry distances is the shortest by
    distance; hop counts need their own words ("fewest stops", "how many hops").
    """
    if terms is None:
        return None
    return next(
        (name for name, family in terms.numeric_edge_attributes.items() if family == "distance"),
        None,
    )


def _counts_hops(tokens: list[Token], position: int) -> bool:
    """Whether the token at `position` asks to count hops ("in 3 stops", "fewest changes").

    A hop word right after "nearest", "top" or "nearest 3" names what is listed ("the
    nearest 3 stops": stations), not a unit.
    """
    token = tokens[position]
    if token.lemma not in _HOP_WORDS:
        return False
    if position > 0 and number_value(tokens[position - 1]) is not None:
        position -= 1  # "nearest 3 stops": look before the count
    return not _anchors_k(tokens, position)


def _anchors_k(tokens: list[Token], position: int) -> bool:
    """Whether the word before `position` makes what follows a count of items ("nearest 3").

    "At most 4 stops" bounds hops: "most" after "at" is no superlative.
    """
    if position < 1 or tokens[position - 1].lemma not in _K_ANCHORS:
        return False
    return not (
        tokens[position - 1].lower == "most"
        and position >= 2
        and tokens[position - 2].lower == "at"
    )


def _family_asked_by(
    tokens: list[Token], numeric: dict[str, str]
) -> tuple[str | None, str | None] | None:
    """A weight named by a unit or after by/in ("by distance", "in km", "how many minutes").

    Returns (attribute or None when the graph has none of that kind, the words), or None when
    no unit is named.
    """
    for position, token in enumerate(tokens):
        unit = token.lemma in _UNIT_FAMILIES or token.lower in _UNIT_FAMILIES
        before = tokens[position - 1].lower if position > 0 else ""
        by_word = before in ("by", "in") and token.lemma in _WEIGHT_FAMILY_CUES
        if not (unit or by_word):
            continue
        families = _UNIT_FAMILIES.get(token.lemma) or _WEIGHT_FAMILY_CUES.get(token.lemma, ())
        for family in families:
            for name, attribute_family in numeric.items():
                if attribute_family == family:
                    return name, token.text
        if unit:
            return None, token.text  # "in minutes" on a graph without durations: no weight
    return None


_UNIT_FAMILIES: dict[str, tuple[str, ...]] = {
    "km": ("distance",),
    "kilometre": ("distance",),
    "kilometer": ("distance",),
    "metre": ("distance",),
    "meter": ("distance",),
    "mile": ("distance",),
    "minute": ("time",),
    "hour": ("time",),
}
"""Units: a question measured in one asks for a weight of that kind, and only that kind."""

_BUDGET_BEFORE = word_set("within under below inside")


def read_budget(tokens: list[Token]) -> tuple[float | None, str | None]:
    """A bound on distance or time ("within 5 km", "under 10 minutes of X").

    Hop bounds ("within 3 stops") are `read_numbers`' hops, not budgets.

    Returns:
        (the amount, the unit word), or (None, None).
    """
    for position in range(1, len(tokens) - 1):
        value = number_value(tokens[position])
        unit = tokens[position + 1]
        if value is None or not (unit.lemma in _UNIT_FAMILIES or unit.lower in _UNIT_FAMILIES):
            continue
        before = [t.lower for t in tokens[max(0, position - 3) : position]]
        if set(before) & _BUDGET_BEFORE or before[-2:] in (["at", "most"], ["less", "than"]):
            return float(value), unit.text
    return None, None


def read_numbers(
    intent: QuestionIntent, tokens: list[Token], skip: set[int]
) -> tuple[int | None, int | None]:
    """How many are asked for (k) and a bound on hops or cycle length.

    Args:
        intent: The intent being detailed.
        tokens: The clause's tokens.
        skip: Token indices inside named entities (their digits are names, not counts).

    Returns:
        (k, hops), each None when not asked.
    """
    k: int | None = None
    hops: int | None = None
    for position, token in enumerate(tokens):
        value = number_value(token)
        if value is None or position in skip or token.lower in ("pair", "couple"):
            continue
        if position > 0 and tokens[position - 1].lower in ("no", "any", "every"):
            continue  # "no two neighbours" is a constraint, not a count
        if token.lower == "one" or value >= 1000 or value == 0:
            continue
        before = tokens[position - 1] if position > 0 else None
        after = tokens[position + 1] if position + 1 < len(tokens) else None
        if after is not None and (after.lemma in _UNIT_FAMILIES or after.lower in _UNIT_FAMILIES):
            continue  # "within 5 km": a budget (`read_budget`), not a count
        anchored = _anchors_k(tokens, position)
        if after is not None and after.lemma in _HOP_UNITS and hops is None and not anchored:
            hops = value
            continue
        if after is not None and after.lower in ("to", "or") and position + 2 < len(tokens):
            upper = number_value(tokens[position + 2])
            if upper is not None:  # "two to four intermediaries": a length range
                hops = upper
                skip = skip | {position + 2}
                continue
        if before is not None and before.lower in ("length", "to", "most") and intent == "cycles":
            hops = value
            continue
        if (
            intent == "cycles"
            and after is not None
            and after.lemma
            in ("account", "node", "member", "party", "step", "vertex", "entity", "company")
        ):
            hops = value
            continue
        if (
            before is not None
            and before.lower in ("in", "into")
            and (after is None or after.lemma not in CLASSES["GROUP"])
        ):
            continue
        if k is None:
            besides = after is not None and after.lemma in _BESIDES_BEST
            # "the cheapest route and two alternatives": the best plus two others
            k = value + 1 if intent == "paths" and besides else value
    return k, hops


_BESIDES_BEST = word_set("alternative alternate other backup additional more fallback")
"""After a count, routes besides the best one ("two alternatives", "3 other routes")."""


def read_value_kind(
    intent: QuestionIntent,
    tokens: list[Token],
    *,
    entity_count: int,
    has_route_ends: bool,
    methods: list[str],
) -> ValueKind:
    """The form of answer asked for.

    Args:
        intent: The intent being detailed.
        tokens: The clause's tokens.
        entity_count: How many named entities the clause resolved.
        has_route_ends: Whether the clause names where a route starts and ends.
        methods: Methods the wording implies.

    Returns:
        The value kind.
    """
    lowers = [token.lower for token in tokens]
    lemmas = [token.lemma for token in tokens]
    words = set(lowers) | set(lemmas)
    if intent == "paths" and has_route_ends:
        # "how many hops from A to B" is answered by the route, which carries its length;
        # "how many km separate A and B" asks for the distance alone
        asks_distance = bool(words & _DISTANCE_UNITS) and not words & _ROUTE_WORDS
        return "score" if asks_distance else "route"
    if "how" in lowers:
        following = lowers[lowers.index("how") + 1 : lowers.index("how") + 2]
        if following in (["many"], ["much"]):
            return "count"
    if ("number" in lowers and "of" in lowers) or "count" in lemmas[:2]:
        return "count"
    compare = entity_count >= 2 and ("or" in lowers or bool(words & _COMPARATIVES))
    if lowers and lowers[0] in _AUX and not compare:
        return "yes_no"
    if "whether" in lowers:
        return "yes_no"
    if intent == "paths":
        if words & {"nearest", "closest", "nearby"} or "k_nearest" in methods:
            return "nearest"
        if "how" in lowers and words & {"far", "distance", "long"} and entity_count >= 1:
            return "score"
        if "distance" in words and entity_count >= 2 and not words & {"route", "path"}:
            return "score"
        if methods and methods[0] in ("diameter", "eccentricity"):
            return "score"
        if has_route_ends or words & _ROUTE_WORDS:
            return "route"
        return "list"
    if compare:
        return "score"
    if "how" in lowers:
        following = lowers[lowers.index("how") + 1 : lowers.index("how") + 3]
        if set(following) & _HOW_SCORE and not set(lowers) & {"which", "who"}:
            return "score"
    asks_value = bool(words & _ASK_VALUE) and bool(words & _METRIC_NOUNS)
    if asks_value and (entity_count >= 1 or not words & _LIST_WORDS):
        return "score"
    if entity_count >= 1 and words & _METRIC_NOUNS and not words & _LIST_WORDS:
        return "score"
    return "list"


def read_collections(tokens: list[Token], terms: GraphTerms | None) -> tuple[list[str], list[str]]:
    """Vertex and edge collections the clause names, in order of mention."""
    if terms is None:
        return [], []
    vertices: list[str] = []
    edges: list[str] = []
    for token in tokens:
        for name in terms.collection_heads.get(token.lemma, []):
            if name not in vertices:
                vertices.append(name)
        for name in terms.edge_heads.get(token.lemma, []):
            if name not in edges:
                edges.append(name)
    return vertices, edges


def read_attributes(tokens: list[Token], terms: GraphTerms | None) -> list[str]:
    """Attributes whose every word appears in the clause ("club", "travel time")."""
    if terms is None:
        return []
    lemmas = {token.lemma for token in tokens} | {token.lower for token in tokens}
    collection_words = set(terms.collection_heads) | set(terms.edge_heads)
    found: list[str] = []
    for name, parts in terms.attribute_parts.items():
        if set(parts) <= collection_words:
            continue  # "calls" on the `calls` edges: the word names the collection
        if parts and all(part in lemmas for part in parts) and name not in found:
            found.append(name)
    return found
