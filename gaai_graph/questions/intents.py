"""Score intents for a run of tokens with the cue lexicon and the graph's vocabulary."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from gaai_graph.methods.vocabulary import QuestionIntent
from gaai_graph.questions.details import names_weight
from gaai_graph.questions.echoes import echoed_action
from gaai_graph.questions.graph_terms import GraphTerms
from gaai_graph.questions.lexicon import CLASSES, CUES, INTENT_PRIORITY, Cue
from gaai_graph.questions.ranking import asked_entity, superlative
from gaai_graph.questions.text import Token, number_value, word_set

__all__ = ["INTENT_THRESHOLD", "IntentScore", "best_intents", "score_intents"]

INTENT_THRESHOLD = 1.0
"""An intent is read when its cues weigh at least this much: one clear word ("faction",
"loop") or two weak ones ("top" + "hub")."""

COLLECTION_WORD_FACTOR = 0.3
"""A one-word cue that is also the name of a vertex collection ("groups" in a graph with a
`groups` collection) mostly names the collection, so it counts this much."""

_ORDERED_CUES: tuple[Cue, ...] = tuple(
    sorted(CUES, key=lambda cue: (-len(cue.elements), -cue.weight))
)


@dataclass
class IntentScore:
    """The evidence for one intent."""

    intent: QuestionIntent
    score: float = 0.0
    cues: list[str] = field(default_factory=list)
    methods: list[tuple[float, str]] = field(default_factory=list)
    tokens: set[int] = field(default_factory=set)
    """Positions, in the scored token list, of the tokens its cues used."""


def _element_matches(
    cue: Cue, position: int, token: Token, graph_words: Mapping[str, frozenset[str]]
) -> bool:
    element = cue.elements[position]
    if "#" in element and number_value(token) is not None:
        return True
    if token.lemma in element or token.lower in element:
        return True
    classes = cue.classes[position] if position < len(cue.classes) else frozenset()
    return any(token.lemma in graph_words.get(name, ()) for name in classes)


def _find(
    cue: Cue, tokens: list[Token], used: set[int], graph_words: Mapping[str, frozenset[str]]
) -> list[int] | None:
    """First occurrence of `cue` in `tokens` avoiding `used` tokens, as token indices."""
    for start, token in enumerate(tokens):
        if start in used or not _element_matches(cue, 0, token, graph_words):
            continue
        positions = [start]
        for element in range(1, len(cue.elements)):
            previous = positions[-1]
            found = None
            for position in range(previous + 1, min(len(tokens), previous + cue.gap + 2)):
                if position not in used and _element_matches(
                    cue, element, tokens[position], graph_words
                ):
                    found = position
                    break
            if found is None:
                break
            positions.append(found)
        if len(positions) == len(cue.elements):
            return positions
    return None


def score_intents(tokens: list[Token], terms: GraphTerms | None = None) -> dict[str, IntentScore]:
    """Match every cue against `tokens`: each cue counts once; longer cues use up their words.

    Args:
        tokens: The tokens of one clause.
        terms: The graph's vocabulary, when a schema is known.

    Returns:
        Evidence per intent with a positive score.
    """
    collection_words = terms.collection_words() if terms is not None else frozenset()
    graph_words = terms.class_words() if terms is not None else {}
    used: set[int] = set()
    scores: dict[str, IntentScore] = {}
    for cue in _ORDERED_CUES:
        positions = _find(cue, tokens, used, graph_words)
        if positions is None:
            continue
        evidence = scores.setdefault(cue.intent, IntentScore(cue.intent))
        if len(positions) == 1 and positions[0] in evidence.tokens:
            continue  # a word votes once for an intent ("connected" is not two cues)
        weight = cue.weight
        if len(positions) == 1 and tokens[positions[0]].lemma in collection_words:
            weight *= COLLECTION_WORD_FACTOR
        if len(positions) > 1:
            used.update(positions)
        evidence.score += weight
        evidence.cues.append(" ".join(tokens[p].text for p in positions))
        evidence.tokens.update(positions)
        if cue.method is not None:
            evidence.methods.append((weight, cue.method))
    _shared_counterparts(scores, tokens)
    if terms is not None:
        _apply_graph_context(scores, tokens, terms)
        _weighted_ranking(scores, tokens, terms)
    _superlative_ranking(scores, tokens, terms)
    return {intent: evidence for intent, evidence in scores.items() if evidence.score > 0}


_SUPERLATIVES = word_set("most highest largest biggest greatest heaviest top")


def _weighted_ranking(
    scores: dict[str, IntentScore], tokens: list[Token], terms: GraphTerms
) -> None:
    """A superlative of a weight the graph has ("the most talk time") ranks by that weight.

    Read only when no other intent was read: the superlative then asks who has the largest
    total of a numeric edge attribute (strength), named directly ("the most minutes") or by
    its kind ("the most time" where an edge attribute measures time).
    """
    if any(evidence.score >= INTENT_THRESHOLD for evidence in scores.values()):
        return
    for position, token in enumerate(tokens):
        if token.lemma not in _SUPERLATIVES and token.lower not in _SUPERLATIVES:
            continue
        for offset, later in enumerate(tokens[position + 1 : position + 4], start=1):
            if names_weight(later, terms):
                evidence = scores.setdefault("importance", IntentScore("importance"))
                evidence.score += INTENT_THRESHOLD
                evidence.cues.append(f"{token.text} {later.text}")
                evidence.tokens.update({position, position + offset})
                evidence.methods.append((INTENT_THRESHOLD, "strength"))
                return


ECHO_WEIGHT = 1.4
"""What "who calls the people Rosa calls" weighs for similarity (less than a loop's return)."""


def _shared_counterparts(scores: dict[str, IntentScore], tokens: list[Token]) -> None:
    """The same action asked twice is likeness by shared counterparts (see `echoes`)."""
    positions = echoed_action(tokens)
    if positions is None:
        return
    evidence = scores.setdefault("similarity", IntentScore("similarity"))
    evidence.score += ECHO_WEIGHT
    evidence.cues.append(" ... ".join(tokens[p].text for p in positions))
    evidence.tokens.update(positions)
    evidence.methods.append((ECHO_WEIGHT, "jaccard"))


def _superlative_ranking(
    scores: dict[str, IntentScore], tokens: list[Token], terms: GraphTerms | None
) -> None:
    """A superlative about the entities asked for ranks them: "who are our best customers".

    Read only when nothing else was: see `ranking`.
    """
    if any(evidence.score >= INTENT_THRESHOLD for evidence in scores.values()):
        return
    position = next((i for i, token in enumerate(tokens) if superlative(token)), None)
    if position is None or not asked_entity(tokens, terms):
        return
    if any(
        position + 1 in evidence.tokens
        for evidence in scores.values()
        if evidence.intent != "importance"
    ):
        return  # "the most likely to churn": the superlative grades another intent's weak word
    evidence = scores.setdefault("importance", IntentScore("importance"))
    evidence.score += INTENT_THRESHOLD
    evidence.cues.append(f"{tokens[position].text} (a superlative of the entities asked for)")
    evidence.tokens.add(position)


def _apply_graph_context(
    scores: dict[str, IntentScore], tokens: list[Token], terms: GraphTerms
) -> None:
    """Let the schema settle ambiguous words.

    "Ring" is shared identifiers in a graph with identifier collections and a loop otherwise;
    "critical" leans to dependencies in a graph whose edges read as supply.
    """
    lemmas = {token.lemma for token in tokens}
    if "ring" in lemmas:
        loser = "cycles" if terms.identifier_words else "shared_identifiers"
        if loser in scores:
            scores[loser].score = max(0.0, scores[loser].score - 0.6)
    supply_words = lemmas & (CLASSES["PROVIDER"] | CLASSES["DEPNOUN"])
    if not terms.dependency_edges and not supply_words and "dependencies" in scores:
        # Without supply edges or words, "single point of failure" and "what breaks if X
        # fails" ask where the network itself breaks: cut vertices and removal impact.
        moved = scores.pop("dependencies")
        evidence = scores.setdefault("connectivity", IntentScore("connectivity"))
        evidence.score += moved.score
        evidence.cues.extend(moved.cues)
        evidence.tokens |= moved.tokens
        evidence.methods.extend(
            (weight, "articulation_points" if method == "sole_dependency" else method)
            for weight, method in moved.methods
        )
    if terms.dependency_edges and lemmas & {"critical", "essential", "vital", "crucial", "key"}:
        evidence = scores.setdefault("dependencies", IntentScore("dependencies"))
        evidence.score += 0.6
        evidence.cues.append("critical (supply graph)")


def best_intents(scores: dict[str, IntentScore]) -> list[IntentScore]:
    """Intents at or above the threshold, best first (ties: the more specific intent)."""
    order = {intent: rank for rank, intent in enumerate(INTENT_PRIORITY)}
    kept = [s for s in scores.values() if s.score >= INTENT_THRESHOLD]
    return sorted(kept, key=lambda s: (-round(s.score, 6), order.get(s.intent, 99)))
