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

from collections.abc import Callable
from typing import Any

from gaai_graph.methods.answering import VERTEX_SEPARATOR
from gaai_graph.methods.base import Method
from gaai_graph.methods.registry import METHODS, default_method
from gaai_graph.methods.vocabulary import QuestionIntent
from gaai_graph.models import Intent, UseCase
from gaai_graph.nodes.use_case_reading import words_of
from gaai_graph.questions import IntentReading, QuestionReading
from gaai_graph.questions.catalogue import INTENT_METHODS

__all__ = [
    "LEGACY_INTENT",
    "QuestionDraft",
    "choose_method",
    "drafts_from_reading",
    "question_parameters",
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
}
"""The use-case intent (vertical wording, projection rule) closest to a question intent;
intents with no counterpart (paths, similarity, dependencies...) use `influence` wording-free
plans from `method_plans`. "profile" and "change" have none: they are never asked *within*
the groups of another analysis (`template_design` ranks inside groups by these)."""

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
        *,
        linked: list[str] | None = None,
        by_rule: bool = False,
        asked_as: list[QuestionIntent] | None = None,
        requested: bool = False,
    ) -> None:
        """Hold what the reading fixed for one intent (and what is asked within its groups).

        Args:
            reading: The intent reading it answers.
            method: The method that answers it.
            focus: Vertex collections the answer is about.
            parameters: Method parameters the question fixes.
            notes: Caveats the report repeats (names not found, how it was read).
            within: Intents asked per group of its result ("who leads each").
            linked: For shared identifiers, the identifier collections that link the focus.
            by_rule: The method runs on its use-case intent's projection rule (the use case
                names no method), as shared identifiers do while no method of their own
                is registered.
            asked_as: The question intents its report answers, when not the reading's own
                (the general profile answers "profile", or "change" with no earlier run).
            requested: The requirement names its method outright ("use Louvain").
        """
        self.reading = reading
        self.method = method
        self.focus = focus
        self.parameters = parameters
        self.notes = notes
        self.within = list(within or [])
        self.linked = list(linked or [])
        self.by_rule = by_rule
        self.asked_as = list(asked_as or [])
        self.requested = requested
        self.also: list[str] = []
        """Intents other requirements ask of the same analysis (one use case answers all)."""

    @property
    def intents(self) -> list[str]:
        """The question intents its report answers: its own, then those asked per group."""
        own = list(self.asked_as) if self.asked_as else [self.reading.intent, *self.within]
        return [*own, *(i for i in self.also if i not in own)]

    @property
    def intent(self) -> Intent:
        """The use-case intent (vertical wording and, for known methods, projection rule).

        A method that is the default of a use-case intent answers with that intent's rule
        (degree: the hubs rule); otherwise the intent closest to the question's.
        """
        if self.method.default_for:
            return self.method.default_for[0]
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
    """The first method the reading hints at that is registered and fits the data it gives.

    Methods that answer the reading's own intent come first: a cohesion question worded
    "more connected to each other" hints at a connectivity test too, which answers another
    question; it runs only when nothing answering the intent fits.
    """
    hinted = [METHODS[name] for name in reading.method_hints if name in METHODS]
    runnable = [m for m in hinted if m.local is not None and _fits(m, reading)]
    own = [m for m in runnable if reading.intent in m.intents]
    chosen = own or runnable
    return chosen[0] if chosen else None


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


FocusChooser = Callable[[IntentReading], tuple[list[str], list[str]]]
"""(focus collections, linked identifier collections) of one intent reading."""

PROFILE_NOTE = (
    "No specific question was recognised in this requirement, so it is answered with a general "
    "profile of the graph: who is central, how it groups and how it holds together."
)
NO_EARLIER_RUN_NOTE = (
    "The question asks what changed since an earlier run, and this run has no earlier run of "
    "the same source to compare against: it answers with {what} as the graph is now, the "
    "baseline the next run is compared with (a run recorded in a catalog is compared with the "
    "latest earlier run of its source by `gaai run --compare-to last`)."
)


def _profile(
    reading: QuestionReading, focus_for: FocusChooser, notes: list[str], asked_as: QuestionIntent
) -> list[QuestionDraft]:
    """The general profile: who is central, how it groups, how it holds together."""
    drafts = []
    for name, _, intent in PROFILE_METHODS:
        profile = IntentReading(
            intent=intent,
            focus_collections=reading.primary.focus_collections,
            entities=reading.primary.entities,
        )
        focus, _ = focus_for(profile)
        drafts.append(
            QuestionDraft(profile, METHODS[name], focus, {}, list(notes), asked_as=[asked_as])
        )
    return drafts


def _named_notes(reading: QuestionReading) -> list[str]:
    """What the report says about the names in the question: near matches, names not found."""
    notes = []
    for match in reading.near_matches:
        if match.candidates:
            notes.append(
                f"'{match.text}' was read as {match.candidates[0].label} "
                f"({match.vertex_ids[0] if match.vertex_ids else ''})."
            )
    for match in reading.unresolved_names:
        nearest = ", ".join(c.label for c in match.candidates[:3]) or "none"
        notes.append(
            f"'{match.text}' matches no single vertex ({match.status}); nearest names: {nearest}."
        )
    return notes


CLOSEST_ROUTE_METHOD = "diameter"
"""What a route question answers when it names no endpoint the graph has: how far apart the
entities are at most (the longest shortest route), the closest answerable question. With one
end found, the distances from it answer instead."""


def _closest_method(
    reading: IntentReading, question: QuestionReading
) -> tuple[Method | None, bool, list[str]]:
    """The method answering an intent whose wording names none that fits.

    Returns:
        (method or None, whether it runs on its use-case intent's projection rule, notes).
    """
    if reading.intent == "paths":
        # One end known: the distances from it; none: how far apart entities are at most.
        closest = "single_source_distances" if reading.entities else CLOSEST_ROUTE_METHOD
        method = METHODS.get(closest)
        missing = [m.text for m in question.unresolved_names]
        said = (
            f"the name{'s' if len(missing) > 1 else ''} "
            + ", ".join(f"'{text}'" for text in missing)
            + " could not be found among the graph's names"
            if missing
            else "the question names no endpoint the graph has"
        )
        instead = (
            f"the distances from {reading.entities[0].label}"
            if reading.entities
            else "how far apart the entities are (the longest shortest route)"
        )
        note = f"A route needs two named places, but {said}; answered instead with {instead}."
        return method, False, [note]
    legacy = LEGACY_INTENT.get(reading.intent)
    if legacy is not None and reading.intent in _TO_VOCABULARY.values():
        # The use-case intent's projection rule answers the same question (shared
        # identifiers: components over the identifier links).
        try:
            return default_method(legacy), True, []
        except KeyError:
            pass
    for name in INTENT_METHODS.get(reading.intent, ()):
        method = METHODS.get(name)
        if method is not None and method.local is not None and _fits(method, reading):
            return method, False, []
    return None, False, []


_ATTRIBUTE_METHODS = frozenset({"attribute_partition", "attribute_knn"})
"""Methods that group or compare by a vertex attribute the question names."""


def _without_cue_attributes(reading: IntentReading) -> IntentReading:
    """The reading without attributes whose words are the intent's own cue words.

    "Report how many distinct segments exist" names the groups asked for, not an existing
    `segment` attribute to group by: grouping by it would hand back the label the data already
    has. An attribute counts only when the question names it besides its cue words ("by club").
    """
    cue_words = {word.lower().rstrip("s") for cue in reading.cues for word in cue.split()}
    kept = [
        a for a in reading.attributes if not {part.rstrip("s") for part in words_of(a)} <= cue_words
    ]
    if kept == reading.attributes:
        return reading
    hints = reading.method_hints
    if not kept:
        hints = [m for m in hints if m not in _ATTRIBUTE_METHODS]
    return reading.model_copy(update={"attributes": kept, "method_hints": hints})


def _requested(reading: IntentReading, requested: list[str]) -> Method | None:
    """A method the requirement names outright that answers this intent, if it fits."""
    for name in requested:
        method = METHODS.get(name)
        if method is not None and reading.intent in method.intents and _fits(method, reading):
            return method
    return None


def drafts_from_reading(
    reading: QuestionReading, focus_for: FocusChooser, requested: list[str] | None = None
) -> list[QuestionDraft]:
    """One draft per intent read; the general profile when nothing answerable was read.

    Args:
        reading: What the question asks (`read_question`).
        focus_for: The focus (and linked identifier) collections of one intent reading.
        requested: Methods the requirement names outright ("run Louvain"): each runs for the
            intent it answers, or as a question of its own when it answers none of them.

    Returns:
        Drafts in the order the question asks. Never empty: an intent with no method that
        answers it with what the question gives gets the closest answerable analysis, and a
        question with nothing recognised the general profile, each saying so.
    """
    requested = list(requested or [])
    named_notes = _named_notes(reading)
    if reading.fallback:
        own = [
            _own_draft(name, reading, focus_for, named_notes)
            for name in requested
            if name in METHODS
        ]
        return own or _profile(reading, focus_for, [PROFILE_NOTE, *named_notes], "profile")
    drafts: list[QuestionDraft] = []
    used: set[str] = set()
    scoped = {r.within for r in reading.intents if r.within is not None}
    asked_change = any(r.intent == "change" for r in reading.intents)
    for intent_reading in reading.intents:
        if intent_reading.intent == "change":
            continue
        if intent_reading.within in scoped and intent_reading.within is not None:
            # "Which groups, and who leads each": the groups' report names each group's
            # leader, one composed answer rather than a second, unrelated ranking.
            continue
        intent_reading = _without_cue_attributes(intent_reading)
        notes = list(named_notes)
        by_rule = False
        method = _requested(intent_reading, requested)
        named = method is not None
        method = method or choose_method(intent_reading)
        if method is None:
            method, by_rule, closest = _closest_method(intent_reading, reading)
            notes.extend(closest)
        if method is None:
            continue
        used.add(method.name)
        if intent_reading.weight_attribute and method.parameter("weight_attribute"):
            notes.insert(
                0,
                f"Edges are weighted by '{intent_reading.weight_attribute}', as the question "
                f"asks ({intent_reading.weight_cue or 'weight'}).",
            )
        if asked_change:
            notes.append(NO_EARLIER_RUN_NOTE.format(what=method.long_name))
        composed = [r.intent for r in reading.intents if r.within == intent_reading.intent]
        focus, linked = focus_for(intent_reading)
        drafts.append(
            QuestionDraft(
                intent_reading,
                method,
                focus,
                {} if by_rule else question_parameters(method, intent_reading),
                notes,
                composed if method.kind == "grouping" else [],
                linked=linked,
                by_rule=by_rule,
                requested=named,
            )
        )
    for name in requested:
        if name not in used and name in METHODS:
            drafts.append(_own_draft(name, reading, focus_for, named_notes))
    if drafts:
        return drafts
    if asked_change:
        note = NO_EARLIER_RUN_NOTE.format(what="the general profile of the graph")
        return _profile(reading, focus_for, [note, *named_notes], "change")
    return _profile(reading, focus_for, [PROFILE_NOTE, *named_notes], "profile")


def _own_draft(
    name: str, reading: QuestionReading, focus_for: FocusChooser, notes: list[str]
) -> QuestionDraft:
    """A method named outright that answers none of the intents read: a question of its own."""
    method = METHODS[name]
    own = IntentReading(
        intent=method.intents[0],
        focus_collections=reading.primary.focus_collections,
        entities=reading.primary.entities,
        method_hints=[name],
    )
    focus, linked = focus_for(own)
    return QuestionDraft(
        own,
        method,
        focus,
        question_parameters(method, own),
        list(notes),
        linked=linked,
        requested=True,
    )
