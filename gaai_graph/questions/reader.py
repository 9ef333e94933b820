"""Read a question: intents with their details, composed when the question composes them.

The rule path, no model: the question's words are lemmatised, matched against the cue lexicon
(extended by the graph's own vocabulary), split into clauses so that "which groups are there,
and who leads each" reads as communities then importance within each group, and detailed
(direction, weight, k, hops, the form of the answer). Nothing recognised means the general
profile, flagged as a fallback, never an empty reading.
"""

from __future__ import annotations

import re
from itertools import pairwise

from gaai_graph.methods.vocabulary import QuestionIntent
from gaai_graph.models import GraphSchema
from gaai_graph.questions.catalogue import INTENT_METHODS
from gaai_graph.questions.details import (
    asks_for_edges,
    default_route_weight,
    read_attributes,
    read_budget,
    read_collections,
    read_direction,
    read_numbers,
    read_value_kind,
    read_weight,
)
from gaai_graph.questions.entities import EntityLookup, resolve_entities
from gaai_graph.questions.graph_terms import GraphTerms, graph_terms
from gaai_graph.questions.intents import (
    INTENT_THRESHOLD,
    IntentScore,
    best_intents,
    score_intents,
)
from gaai_graph.questions.lexicon import CLASSES
from gaai_graph.questions.methods import ordered_methods
from gaai_graph.questions.models import (
    EntityMention,
    EntityRole,
    IntentReading,
    NameMatch,
    QuestionReading,
)
from gaai_graph.questions.spelling import correct_spelling
from gaai_graph.questions.text import Token, tokenize, word_set

__all__ = ["read_question", "split_clauses"]

_CLAUSE_BREAK = re.compile(r"[?;!]")
_SENTENCE_END = re.compile(r"\.\s")
_WH = word_set(
    "who whom which what how where whether is are does do can could would will then also "
    "rank list show give find tell name identify pick highlight say explain "
    # imperatives that open a second request after "and" ("... and detect rings of ...")
    "detect spot flag uncover discover measure compute calculate count run locate trace "
    "determine segment cluster map"
)
_EACH = CLASSES["EACH"]
_RECIPROCAL = word_set("other another")
_POSSESSIVE = word_set("their its")
_AREAS = CLASSES["AREA"] | CLASSES["GROUP"]
_CONJUNCTIONS = word_set("and then also plus")
_ROUTE_START = frozenset({"from", "between"})
_ROUTE_END = frozenset({"to", "and", "till", "until"})
_REMOVAL_BEFORE = word_set("without remove removing close closing lose losing")
_NEAR = word_set("near nearby nearest closest proximity")
_CONNECT = CLASSES["CONNECTVERB"]
_TITLES = word_set("dr mr mrs ms miss prof sir st saint lord lady vs etc no mt ft")


def split_clauses(text: str, tokens: list[Token]) -> list[list[Token]]:
    """Split a question where it asks a new thing.

    Breaks at "?", ";" and at an "and"/"then" that starts a new question ("..., and who leads
    each").
    """
    clauses: list[list[Token]] = [[]]
    for position, token in enumerate(tokens):
        if clauses[-1] and position > 0:
            between = text[tokens[position - 1].end : token.start]
            nxt = tokens[position + 1].lower if position + 1 < len(tokens) else ""
            previous = tokens[position - 1].lower
            full_stop = bool(_SENTENCE_END.search(between)) and not (
                previous in _TITLES or len(previous) == 1
            )
            starts_new = (
                full_stop
                or bool(_CLAUSE_BREAK.search(between))
                or (
                    token.lower in ("and", "then", "also", "plus")
                    and (nxt in _WH or "," in between)
                )
            )
            if starts_new:
                clauses.append([])
        clauses[-1].append(token)
    return [clause for clause in clauses if clause]


def _word_before(tokens: list[Token], first: Token | None) -> Token | None:
    """The word before a name, titles skipped ("from Dr. Ana Wagner" -> "from")."""
    if first is None:
        return None
    position = first.index - tokens[0].index - 1
    while position >= 0 and tokens[position].lower in _TITLES:
        position -= 1
    return tokens[position] if position >= 0 else None


def _entity_roles(
    tokens: list[Token], matches: list[NameMatch], lookup: EntityLookup | None
) -> list[EntityMention]:
    """Resolved names in `tokens`' span, with their role from the word before them."""
    if not tokens:
        return []
    start, end = tokens[0].start, tokens[-1].end
    by_start = {token.start: token for token in tokens}
    mentions: list[EntityMention] = []
    for match in matches:
        if not match.resolved or not (start <= match.span[0] < end + 1):
            continue
        first = by_start.get(match.span[0])
        previous = _word_before(tokens, first)
        role: EntityRole = "focus"
        if previous is not None:
            if previous.lower in _ROUTE_START:
                role = "source"
            elif previous.lower in _ROUTE_END:
                role = "target"
            elif previous.lower in _REMOVAL_BEFORE:
                role = "removed"
        after = [t for t in tokens if t.start >= match.span[1]][:3]
        if role == "focus" and any(t.lemma in CLASSES["FAILVERB"] for t in after):
            role = "removed"
        vertex_id = match.vertex_ids[0]
        mentions.append(
            EntityMention(
                vertex_id=vertex_id,
                text=match.text,
                label=lookup.label(vertex_id) if lookup is not None else match.text,
                status="exact" if match.status == "exact" else "near",
                role=role,
            )
        )
    for position in range(1, len(mentions)):
        if mentions[position].role == "target" and mentions[position - 1].role == "focus":
            mentions[position - 1].role = "source"  # "Pendale to Halvale Green"
    return mentions


def _from_to(clause: list[Token]) -> bool:
    """Whether the clause words a route as "from ... to ..." (its names were read as ends)."""
    lowers = {t.lower for t in clause}
    return "from" in lowers and bool(lowers & {"to", "till", "until"})


def _counts(clause: list[Token]) -> bool:
    """Whether the clause asks how many ("how many links between A and B": a route's length)."""
    lowers = [t.lower for t in clause]
    return any(pair in (("how", "many"), ("number", "of")) for pair in pairwise(lowers))


def _route_roles(mentions: list[EntityMention], intent: QuestionIntent) -> bool:
    """Settle source and target of a route; True when the question names both ends.

    "From A to B", "between A and B" and "A to B" say both; "how far is A from B" says only
    where it starts, so the other name is where it ends.
    """
    if intent != "paths" or not mentions:
        return False
    if len(mentions) == 1:
        if mentions[0].role == "target":
            mentions[0].role = "source"
        return False
    if not any(m.role == "source" for m in mentions):
        start = next((m for m in mentions if m.role != "target"), None)
        if start is not None:
            start.role = "source"
    if not any(m.role == "target" for m in mentions):
        end = next((m for m in mentions if m.role != "source"), None)
        if end is not None:
            end.role = "target"
    roles = [m.role for m in mentions]
    return "source" in roles and "target" in roles


def _comparable(intent: QuestionIntent, attribute: str, terms: GraphTerms | None) -> bool:
    """Whether a named attribute can be what a question compares entities by.

    Likeness by attributes is a distance between their values, so only numbers count: "who is
    like Member 1 in the club" names the `club` label as where to look, not as a measure.
    """
    return intent != "similarity" or terms is None or attribute in terms.numeric_vertex_attributes


def _detail(
    evidence: IntentScore,
    tokens: list[Token],
    cue_tokens: list[Token],
    terms: GraphTerms | None,
    mentions: list[EntityMention],
    methods: list[str],
) -> IntentReading:
    intent: QuestionIntent = evidence.intent
    mentions = [m.model_copy() for m in mentions]
    if intent != "paths":
        for mention in mentions:
            if mention.role in ("source", "target"):
                mention.role = "focus"  # "who matters most to X": X is what it is about
    vertices, edges = read_collections(cue_tokens, terms)
    for mention in mentions:
        collection = mention.vertex_id.split("/", 1)[0]
        if collection not in vertices:
            vertices.append(collection)
    weight, weight_cue = read_weight(intent, cue_tokens, terms)
    k, hops = read_numbers(intent, cue_tokens, set())
    budget, budget_unit = read_budget(cue_tokens) if intent == "paths" else (None, None)
    has_ends = _route_roles(mentions, intent)
    value_kind = read_value_kind(
        intent,
        tokens,
        entity_count=len(mentions),
        has_route_ends=has_ends,
        methods=methods,
    )
    if intent == "brokers" and value_kind == "score" and mentions:
        # the betweenness *of named entities* is a score question: importance by betweenness
        intent = "importance"
    reading = IntentReading(
        intent=intent,
        score=round(evidence.score, 3),
        cues=evidence.cues,
        direction=read_direction(intent, cue_tokens),
        weight_attribute=weight,
        weight_cue=weight_cue,
        focus_collections=vertices,
        edge_collections=edges,
        attributes=[
            a
            for a in read_attributes(cue_tokens, terms)
            if a != weight and _comparable(intent, a, terms)
        ],
        entities=mentions,
        k=k,
        hops=hops,
        max_distance=budget,
        budget_unit=budget_unit,
        value_kind=value_kind,
    )
    reading.method_hints = ordered_methods(methods, reading)
    if (
        weight is None
        and weight_cue is None
        and reading.method_hints[:1] in (["shortest_path"], ["k_shortest_paths"])
    ):
        # a route with no measure named: by distance when the links carry one
        reading.weight_attribute = default_route_weight(terms)
        reading.weight_cue = "a route, measured by distance" if reading.weight_attribute else None
    if intent == "connectivity" and asks_for_edges(tokens, terms):
        # "which links would split the network": the edges that cut it, not the vertices
        hints = reading.method_hints
        if "articulation_points" in hints and (
            "bridges" not in hints or hints.index("articulation_points") < hints.index("bridges")
        ):
            reading.method_hints = ["bridges", *(m for m in hints if m != "bridges")]
    return reading


def _methods(scores: dict[str, IntentScore], first: str) -> list[str]:
    """Methods the clause's wording implies: the intent's own first, strongest first."""
    own = sorted(scores[first].methods, key=lambda item: -item[0]) if first in scores else []
    others = sorted(
        (item for intent, s in scores.items() if intent != first for item in s.methods),
        key=lambda item: -item[0],
    )
    return list(dict.fromkeys(method for _, method in [*own, *others]))


def _each_positions(tokens: list[Token]) -> list[int]:
    """Positions of each/every/per words that distribute ("each group"), not "each other"."""
    return [
        i
        for i, token in enumerate(tokens)
        if token.lemma in _EACH and not (i + 1 < len(tokens) and tokens[i + 1].lemma in _RECIPROCAL)
    ]


def _distributive(tokens: list[Token]) -> bool:
    """Whether a clause asks its thing per item of the clause before ("and who leads each").

    "And how important is each?" asks about the items themselves, not within them.
    """
    first = next((t.lemma for t in tokens if t.lemma not in _CONJUNCTIONS), "")
    return bool(_each_positions(tokens)) and first != "how"


def _asked_noun_first(best: list[IntentScore], tokens: list[Token]) -> list[IntentScore]:
    """Put communities first when the question word asks for groups ("which clusters ...").

    "Which clusters exist among the top accounts?": the noun after "which"/"what" is what is
    asked for; the importance words only say where to look. Only importance gives way.
    """
    position = next((i for i, t in enumerate(tokens) if t.lower in ("which", "what")), None)
    if position is None or position + 1 >= len(tokens):
        return best
    if tokens[position + 1].lemma not in CLASSES["GROUP"]:
        return best
    # Only over importance: "which communities grew" still asks what changed
    if not best or best[0].intent != "importance":
        return best
    groups = [s for s in best if s.intent == "communities"]
    return groups + [s for s in best if s.intent != "communities"] if groups else best


def _scoped(best: list[IntentScore], tokens: list[Token]) -> tuple[IntentScore, IntentScore] | None:
    """(communities, inner) when the clause asks for something *per* group.

    "The leader of each community", "the communities and the lead clinician in each", "the
    clusters and their most important station": a group intent, another intent and an
    each/every/per word or a possessive in one clause. "Each other" is reciprocal, not
    distributive, and "every pair" scopes nothing unless groups are asked for.
    """
    each_positions = _each_positions(tokens)
    possessive = any(token.lemma in _POSSESSIVE for token in tokens)
    groups = next((s for s in best if s.intent == "communities"), None)
    inner = next((s for s in best if s.intent != "communities"), None)
    if groups is None and inner is not None:
        # "who is most central in every department": an area taken one by one is a grouping,
        # but only when something is asked of each (alone, "for every region" asks nothing)
        areas = [p + 1 for p in each_positions if p + 1 < len(tokens)]
        area = next((p for p in areas if tokens[p].lemma in _AREAS), None)
        if area is not None:
            groups = IntentScore(
                "communities",
                score=INTENT_THRESHOLD,
                cues=[f"{tokens[area - 1].text} {tokens[area].text}"],
                tokens={area - 1, area},
            )
    if groups is None or inner is None or not (each_positions or possessive):
        return None
    return groups, inner


def read_question(
    text: str,
    schema: GraphSchema | None = None,
    *,
    lookup: EntityLookup | None = None,
    terms: GraphTerms | None = None,
) -> QuestionReading:
    """Read what a question asks of the graph.

    Args:
        text: The question, as the user wrote it.
        schema: The analysed schema: its collection and attribute names are words the
            question may use (focus, weights, identifier collections).
        lookup: The graph's names (`build_name_index`), to resolve named entities; without
            it no names are resolved.
        terms: `graph_terms(schema)`, when the caller reads many questions on one schema.

    Returns:
        The reading: at least one intent; `fallback` when nothing was recognised.
    """
    if terms is None and schema is not None:
        terms = graph_terms(schema)
    tokens = correct_spelling(tokenize(text))
    matches = (
        resolve_entities(
            text, lookup, collection_words=terms.collection_heads if terms is not None else None
        )
        if lookup is not None
        else []
    )
    in_names = {
        token.index
        for match in matches
        if match.resolved or match.status == "ambiguous"
        for token in tokens
        if match.span[0] <= token.start < match.span[1]
    }
    readings: list[IntentReading] = []
    named_methods: list[list[str]] = []
    composite: list[QuestionIntent] = []
    for clause in split_clauses(text, tokens):
        cue_tokens = [t for t in clause if t.index not in in_names]
        scores = score_intents(cue_tokens, terms)
        mentions = _entity_roles(clause, matches, lookup)
        roles = [m.role for m in mentions]
        if len([r for r in roles if r in ("source", "target")]) >= 2:
            evidence = scores.setdefault("paths", IntentScore("paths"))
            # "from A to B" names a route outright ("the stations on the shortest route from
            # A to B"); "between A and B" may compare the two ("between A and B, which ...")
            evidence.score += 2.0 if _from_to(clause) or _counts(clause) else 1.0
            evidence.cues.append("from ... to ...")
        elif mentions and any(t.lemma in _NEAR or t.lower in _NEAR for t in cue_tokens):
            # "stations near X": nearness to a named place is a distance question
            evidence = scores.setdefault("paths", IntentScore("paths"))
            evidence.score += 0.6
            evidence.cues.append("near a named place")
        if len(mentions) >= 3 and any(t.lemma in _CONNECT for t in cue_tokens):
            # "connect A, B and C with the least track": a tree over the named places, not a
            # prediction of which links will form
            evidence = scores.setdefault("paths", IntentScore("paths"))
            evidence.score += 2.0
            evidence.cues.append("joining three or more named entities")
            evidence.methods.append((2.0, "steiner_tree"))
        best = best_intents(scores)
        if not best and "removed" in [m.role for m in mentions]:
            # "what happens if X closes": what the named closure cuts off, nothing else asked
            evidence = scores.setdefault("connectivity", IntentScore("connectivity"))
            evidence.score += INTENT_THRESHOLD
            evidence.cues.append("a named closure")
            evidence.methods.append((INTENT_THRESHOLD, "removal_impact"))
            best = best_intents(scores)
        named_ends = {m.vertex_id for m in mentions if m.role in ("focus", "source", "target")}
        if not best and len(named_ends) >= 2:
            # "ws-00.dmz -> db-01.office": two named entities and nothing else asked is how
            # the one reaches the other
            evidence = scores.setdefault("paths", IntentScore("paths"))
            evidence.score += INTENT_THRESHOLD
            evidence.cues.append("two named entities")
            best = best_intents(scores)
        if not best:
            if readings and mentions:
                readings[-1].entities.extend(mentions)
            continue
        best = _asked_noun_first(best, cue_tokens)
        scoped = _scoped(best, cue_tokens)
        chosen = [scoped[0], scoped[1]] if scoped else [best[0]]
        for position, evidence in enumerate(chosen):
            named = _methods(scores, evidence.intent)
            within: QuestionIntent | None = None
            if scoped:
                within = scoped[0].intent if position == 1 else None
            elif readings and _distributive(cue_tokens):
                within = readings[-1].intent
            if within == evidence.intent:
                within = None  # "the segments, then rank each segment": still one intent
            same = next(
                (
                    i
                    for i, r in enumerate(readings)
                    if r.intent == evidence.intent and (within is None or r.within == within)
                ),
                None,
            )
            if same is not None:
                # asked again in another clause: one reading (a question reads each intent once)
                named_methods[same] = list(dict.fromkeys([*named_methods[same], *named]))
                readings[same].method_hints = ordered_methods(named_methods[same], readings[same])
                readings[same].cues.extend(c for c in evidence.cues if c not in readings[same].cues)
                continue
            reading = _detail(evidence, clause, cue_tokens, terms, mentions, named)
            named_methods.append(named)
            reading.within = within if within != reading.intent else None
            readings.append(reading)
    if len(readings) > 1:
        composite = [reading.intent for reading in readings]
    unresolved = [m for m in matches if not m.resolved]
    near = [m for m in matches if m.status == "near"]
    if not readings:
        mentions = _entity_roles(tokens, matches, lookup)
        return QuestionReading(
            text=text,
            intents=[
                IntentReading(
                    intent="profile",
                    entities=mentions,
                    focus_collections=read_collections(tokens, terms)[0],
                    value_kind="list",
                    method_hints=list(INTENT_METHODS["profile"]),
                )
            ],
            fallback=True,
            unresolved_names=unresolved,
            near_matches=near,
        )
    return QuestionReading(
        text=text,
        intents=readings,
        composite_of=composite,
        unresolved_names=unresolved,
        near_matches=near,
    )
