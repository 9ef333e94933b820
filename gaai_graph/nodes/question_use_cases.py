"""Use cases from a question reading: each intent read, with the method the wording implies.

`gaai_graph.questions.read_question` reads a requirement as the shared `QuestionIntent`s with
their details (direction, weight attribute, named entities, k, hops, the form of answer asked,
method hints). Here each intent becomes a use case that names its method and the parameters
the reading fixes; `gaai_graph.nodes.method_plans` then chooses the projection the method
needs. A question nothing in it was recognised gets the general profile of the graph (who is
central, how it groups, how it holds together) and says so.

Methods the original projection rules know (PageRank, Leiden, ...) keep their use-case intent,
so their projection rule and the vertical's wording still apply; the others run on the
projection `method_plans` designs from their data needs.
"""

from __future__ import annotations

from typing import Any

from gaai_graph.methods.answering import VERTEX_SEPARATOR
from gaai_graph.methods.base import Method
from gaai_graph.methods.registry import METHODS
from gaai_graph.methods.topology import SchemaTopology
from gaai_graph.methods.vocabulary import QuestionIntent
from gaai_graph.models import Intent, UseCase
from gaai_graph.questions import IntentReading, QuestionReading

__all__ = [
    "LEGACY_INTENT",
    "QuestionDraft",
    "choose_method",
    "drafts_from_reading",
    "question_parameters",
    "reading_knows_better",
    "vocabulary_intents",
]

LEGACY_INTENT: dict[str, Intent] = {
    "importance": "influence",
    "collectors": "hubs",
    "distributors": "hubs",
    "communities": "communities",
    "brokers": "brokers",
    "cohesion": "cohesion",
    "cycles": "cycles",
    "shared_identifiers": "rings",
    "connectivity": "rings",
    "profile": "influence",
}
"""The use-case intent (vertical wording, projection rule) closest to a question intent;
intents with no counterpart (paths, similarity, dependencies...) use `influence` wording-free
plans from `method_plans`."""

_TO_VOCABULARY: dict[str, QuestionIntent] = {
    "influence": "importance",
    "hubs": "importance",
    "communities": "communities",
    "rings": "shared_identifiers",
    "brokers": "brokers",
    "cohesion": "cohesion",
    "cycles": "cycles",
}

PROFILE_METHODS: tuple[tuple[str, Intent, QuestionIntent], ...] = (
    ("pagerank", "influence", "importance"),
    ("leiden", "communities", "communities"),
    ("wcc", "rings", "connectivity"),
)
"""The general profile: who is central, how the graph groups, how it holds together."""


def vocabulary_intents(use_case: UseCase) -> list[str]:
    """The question intents a use case answers: its own, else its use-case intent's."""
    if use_case.intents:
        return list(use_case.intents)
    return [_TO_VOCABULARY[use_case.intent]]


class QuestionDraft:
    """One use case to be: intent, method, focus and parameters read from the question."""

    def __init__(
        self,
        reading: IntentReading,
        method: Method,
        focus: list[str],
        parameters: dict[str, Any],
        notes: list[str],
        within: list[QuestionIntent] | None = None,
    ) -> None:
        """Hold what the reading fixed for one intent (and what is asked within its groups)."""
        self.reading = reading
        self.method = method
        self.focus = focus
        self.parameters = parameters
        self.notes = notes
        self.within = list(within or [])

    @property
    def intents(self) -> list[str]:
        """The question intents its report answers: its own, then those asked per group."""
        return [self.reading.intent, *self.within]

    @property
    def intent(self) -> Intent:
        """The use-case intent (vertical wording and, for known methods, projection rule)."""
        if self.method.use_case_intents:
            legacy = LEGACY_INTENT.get(self.reading.intent)
            if legacy in self.method.use_case_intents:
                return legacy
            return self.method.use_case_intents[0]
        return LEGACY_INTENT.get(self.reading.intent, "influence")


def _entities(reading: IntentReading, *roles: str) -> list[str]:
    wanted = [e.vertex_id for e in reading.entities if e.role in roles]
    return wanted


def _fits(method: Method, reading: IntentReading) -> bool:
    """Whether the reading gives the method what it needs (named vertices)."""
    named = len(reading.entities)
    need = method.needs.named_entities
    if need == "two":
        return named >= 2
    if need == "one":
        return named >= 1
    if need == "many" and method.parameter("removed") is not None:
        return named >= 1
    if method.name in ("steiner_tree", "reachability", "personalized_pagerank"):
        return named >= 1
    if method.parameter("weight_attribute") is not None and method.needs.weights == "required":
        return reading.weight_attribute is not None
    return True


def choose_method(reading: IntentReading) -> Method | None:
    """The first method the reading hints at that is registered and fits the data it gives."""
    for name in reading.method_hints:
        method = METHODS.get(name)
        if method is not None and method.local is not None and _fits(method, reading):
            return method
    return None


def question_parameters(method: Method, reading: IntentReading) -> dict[str, Any]:
    """The method's parameters the reading fixes (the rest keep their defaults)."""
    parameters: dict[str, Any] = {}

    def put(name: str, value: Any) -> None:
        spec = method.parameter(name)
        if spec is None or value is None:
            return
        if spec.kind == "choice" and value not in spec.choices:
            return
        parameters[name] = value

    put("weight_attribute", reading.weight_attribute)
    if reading.direction in ("in", "out"):
        put("mode", reading.direction)
        put("direction", reading.direction)
    sources = _entities(reading, "source") or [e.vertex_id for e in reading.entities[:1]]
    targets = _entities(reading, "target") or [e.vertex_id for e in reading.entities[1:2]]
    every = [e.vertex_id for e in reading.entities]
    if method.parameter("target") is not None and len(every) >= 2:
        put("source", sources[0])
        put("target", next((t for t in targets if t != sources[0]), every[1]))
    elif every:
        put("source", sources[0])
    if every:
        put("sources", VERTEX_SEPARATOR.join(sources or every))
        put("terminals", VERTEX_SEPARATOR.join(every))
        put("removed", VERTEX_SEPARATOR.join(_entities(reading, "removed") or every))
        put("vertices", VERTEX_SEPARATOR.join(every))
        if len(every) == 2:
            put("pair", VERTEX_SEPARATOR.join(every))
    if reading.k is not None:
        put("k", reading.k)
        put("top_k", reading.k)
    if reading.hops is not None:
        put("max_hops", reading.hops)
        put("max_length", max(2, reading.hops))
    put("max_distance", reading.max_distance)
    if reading.attributes:
        put("attribute", reading.attributes[0])
        put("attributes", ",".join(reading.attributes))
    if method.name == "is_connected" and reading.direction != "any":
        put("connectivity", "strong")
    return parameters


def _focus(reading: IntentReading, topology: SchemaTopology, fallback: list[str]) -> list[str]:
    named = [c for c in reading.focus_collections if topology.is_vertex(c)]
    entity_collections = [e.vertex_id.split("/", 1)[0] for e in reading.entities]
    focus = list(dict.fromkeys([*entity_collections, *named]))
    return [c for c in focus if topology.is_vertex(c)] or fallback


def drafts_from_reading(
    reading: QuestionReading, topology: SchemaTopology, fallback_focus: list[str]
) -> list[QuestionDraft]:
    """One draft per intent read (the general profile when nothing was recognised).

    Args:
        reading: What the question asks.
        topology: The schema's topology.
        fallback_focus: Focus collections when the question names none.

    Returns:
        Drafts in the order the question asks; an intent no registered method answers with
        what the question gives is left out with nothing invented.
    """
    if reading.fallback:
        notes = [
            "No specific question was recognised in this requirement, so it is answered with "
            "a general profile of the graph: who is central, how it groups and how it holds "
            "together."
        ]
        drafts = []
        for name, _, intent in PROFILE_METHODS:
            profile = IntentReading(intent=intent)
            drafts.append(
                QuestionDraft(profile, METHODS[name], list(fallback_focus), {}, list(notes))
            )
        return drafts
    drafts = []
    scoped = {r.within for r in reading.intents if r.within is not None}
    for intent_reading in reading.intents:
        if intent_reading.intent == "change":
            continue
        if intent_reading.within in scoped and intent_reading.within is not None:
            # "Which groups, and who leads each": the groups' report names each group's
            # leader, one composed answer rather than a second, unrelated ranking.
            continue
        method = choose_method(intent_reading)
        if method is None:
            continue
        notes = []
        if intent_reading.weight_attribute and method.parameter("weight_attribute"):
            notes.append(
                f"Edges are weighted by '{intent_reading.weight_attribute}', as the question "
                f"asks ({intent_reading.weight_cue or 'weight'})."
            )
        for match in reading.near_matches:
            if match.candidates:
                notes.append(
                    f"'{match.text}' was read as {match.candidates[0].label} "
                    f"({match.vertex_ids[0] if match.vertex_ids else ''})."
                )
        for match in reading.unresolved_names:
            nearest = ", ".join(c.label for c in match.candidates[:3]) or "none"
            notes.append(
                f"'{match.text}' matches no single vertex ({match.status}); nearest names: "
                f"{nearest}."
            )
        composed = [r.intent for r in reading.intents if r.within == intent_reading.intent]
        drafts.append(
            QuestionDraft(
                intent_reading,
                method,
                _focus(intent_reading, topology, fallback_focus),
                question_parameters(method, intent_reading),
                notes,
                composed if method.kind == "grouping" else [],
            )
        )
    return drafts


def _names_route_ends(reading: IntentReading) -> bool:
    """Whether a paths reading names where its route starts and ends."""
    roles = {e.role for e in reading.entities}
    return reading.intent == "paths" and {"source", "target"} <= roles


_FIRM_READING = 2.5
"""Cue weight at which a reading outweighs the lexicon: more than one firm cue (a single
"depends on" is as often about hubs as about sole sources)."""


def reading_knows_better(reading: QuestionReading, lexicon_phrases: list[str]) -> bool:
    """Whether the reading asks only what the phrase lexicon cannot express, answerably.

    A question about single points of failure of suppliers is a dependency question; the
    lexicon has no such intent and would answer it with a ranking of whatever words it knows.
    Only a firm reading (several cues, `IntentReading.score`) about collections the question
    names, of the same words the lexicon matched, overrides the lexicon.
    """
    if reading.fallback or not reading.intents:
        return False
    if all(_names_route_ends(r) and choose_method(r) is not None for r in reading.intents):
        return True  # a route between two named places: the lexicon knows no routes
    # The lexicon stands when it matched words the reading did not use ("hub products that
    # the catalogue depends on": the hub is named); it yields when both read the same words.
    read_words = {w for r in reading.intents for cue in r.cues for w in cue.lower().split()}
    if any(
        w not in read_words
        for phrase in lexicon_phrases
        for w in phrase.lower().split()
        if len(w) > 2
    ):
        return False
    return all(
        r.intent not in LEGACY_INTENT
        and r.intent != "change"
        and r.score >= _FIRM_READING
        and bool(r.focus_collections)
        and choose_method(r) is not None
        for r in reading.intents
    )
