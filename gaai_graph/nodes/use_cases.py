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
from dataclasses import dataclass, field
from typing import Any

from langgraph.runtime import Runtime

from gaai_graph.context import Context
from gaai_graph.methods.registry import label_of
from gaai_graph.methods.topology import SchemaTopology
from gaai_graph.methods.vocabulary import INTENT_DESCRIPTIONS
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
    context_of,
    plural_phrase,
    singular_noun,
    timed,
)
from gaai_graph.nodes.name_lookup import name_lookup
from gaai_graph.nodes.question_use_cases import (
    LEGACY_INTENT,
    QuestionDraft,
    choose_method,
    drafts_from_reading,
    question_parameters,
    reading_knows_better,
)
from gaai_graph.nodes.use_case_reading import (
    ALGORITHM_LEXICON,
    COMPATIBLE_ALGORITHMS,
    INTENT_LEXICON,
    INTENT_THRESHOLD,
    UNANSWERABLE,
    AlgorithmMention,
    Mention,
    _blank,
    _read,
    _Reading,
    _sharing_spans,
    _words,
    find_algorithms,
    find_mentions,
    read_intents,
    unanswerable_reasons,
)
from gaai_graph.questions import (
    EntityLookup,
    QuestionReading,
    graph_terms,
    read_question,
)
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
    method: str | None = None
    """A method the question reading prefers within the same intent (short cycles for loops)."""
    parameters: dict[str, Any] = field(default_factory=dict)
    intents: list[str] = field(default_factory=list)


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
            names = _and([label_of(m.algorithm) for m in own])
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
DESCRIPTION_QUOTE_CHARACTERS = 600
"""Most of a requirement a use case's description quotes: enough for any ordinary requirement,
bounded so a pasted document is not copied into every use case of the run's state."""


def _excerpt(text: str, limit: int = EXCERPT_CHARACTERS) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] or text[:limit]
    return f"{cut}... ({len(text)} characters)"


def generate_use_cases_by_rules(
    requirements: list[Requirement],
    schema: GraphSchema,
    vertical: Vertical,
    lookup: EntityLookup | None = None,
) -> tuple[list[UseCase], list[str]]:
    """Turn requirements into use cases, one per (intent, focus), by rules.

    Args:
        requirements: Extracted requirements; constraints are skipped. When empty, the
            vertical's typical questions stand in for them.
        schema: The analysed schema, for focus collections.
        vertical: The industry vertical, for entity terms and typical questions.
        lookup: The graph's names, to resolve entities a question names (none: unresolved).

    Returns:
        (use cases with ids UC-001..., notes on requirements no supported analysis answers).
        A use case carries the algorithm its requirement names when that algorithm answers
        it (`COMPATIBLE_ALGORITHMS`); an algorithm named for no compatible question becomes
        a use case of its own, for the intent it answers.
    """
    topology = SchemaTopology(schema)
    terms = graph_terms(schema)
    drafts: dict[tuple[Intent, tuple[str, ...], str | None], _Draft] = {}
    # The same reading from several requirements (the general profile, most often) is one
    # use case answering all of them.
    read_drafts: dict[str, tuple[list[Requirement], list[str], QuestionDraft]] = {}
    unanswered: list[str] = []
    for requirement in _answerable_requirements(requirements, vertical):
        text = " ".join(requirement.text.split())
        blocked = unanswerable_reasons(text)
        answerable = _blank(text, (span for span, _ in blocked))
        intents = _read(answerable)
        algorithms = find_algorithms(answerable)
        reading = read_question(text, schema, lookup=lookup, terms=terms)
        if (
            not algorithms
            and reading_knows_better(reading, [p for r in intents.values() for p in r.phrases])
            and drafts_from_reading(reading, topology, _fallback_focus("influence", topology))
        ):
            # The reading found only questions the phrase lexicon has no counterpart for
            # (dependencies, paths, similarity): its own guesses ("point" -> hubs) stand down.
            intents = {}
        # Ordinary wording the phrase lexicon does not know: the reading decides.
        if not intents and not algorithms and not (blocked and reading.fallback):
            fallback_focus = _fallback_focus("influence", topology)
            found = drafts_from_reading(reading, topology, fallback_focus)
            for found_draft in found:
                read_key = repr(
                    (
                        found_draft.method.name,
                        found_draft.reading.intent,
                        found_draft.focus,
                        sorted(found_draft.parameters.items()),
                    )
                )
                asked = read_drafts.setdefault(read_key, ([], [], found_draft))
                asked[0].append(requirement)
                asked[1].append(text)
            if found:
                blocked = []
            if found and reading.fallback:
                unanswered.append(
                    f"{requirement.id}: no supported graph analysis matches this requirement, "
                    f'so the general profile of the graph answers it: "{_excerpt(text)}"'
                )
            elif not found and not blocked:
                read_as = ", ".join(r.intent for r in reading.intents)
                unanswered.append(
                    f"{requirement.id}: read as {read_as}, but no supported method answers it "
                    "with what the question gives (a route needs two named places the "
                    f'graph has): "{_excerpt(text)}"'
                )
        for reason in dict.fromkeys(reason for _, reason in blocked):
            unanswered.append(f'{requirement.id}: {reason}: "{_excerpt(text)}"')
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
                if question.algorithm is None:
                    _prefer_read_method(drafts[key], reading)
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
    for asking, texts, read in read_drafts.values():
        use_cases.append(_read_use_case(len(use_cases) + 1, asking, texts, read, vertical))
    return use_cases, unanswered


def _read_use_case(
    index: int,
    requirements: list[Requirement],
    texts: list[str],
    draft: QuestionDraft,
    vertical: Vertical,
) -> UseCase:
    """A use case from a question reading: its intent, method and parameters."""
    reading = draft.reading
    focus_terms = _join([business_term(c, vertical) for c in draft.focus])
    cues = ", ".join(f"'{cue}'" for cue in reading.cues) or "no recognised words"
    quoted = " ".join(
        f'{requirement.id}: "{_excerpt(text, DESCRIPTION_QUOTE_CHARACTERS)}"'
        for requirement, text in zip(requirements, texts, strict=True)
    )
    priority = min((r.priority for r in requirements), key=_PRIORITY_ORDER.__getitem__)
    return UseCase(
        id=f"UC-{index:03d}",
        title=f"{reading.intent.replace('_', ' ').capitalize()} of {focus_terms} "
        f"({draft.method.label})",
        intent=draft.intent,
        description=f"{INTENT_DESCRIPTIONS[reading.intent]} Asked by {quoted}",
        requirement_ids=[r.id for r in requirements],
        focus_collections=draft.focus,
        priority=priority,
        rationale=f"Read as {reading.intent} from {cues}; answered with "
        f"{draft.method.long_name}; focus on {', '.join(draft.focus)}.",
        notes=list(draft.notes),
        intents=draft.intents,
        method=draft.method.name,
        parameters=dict(draft.parameters),
        edge_collections=list(reading.edge_collections),
    )


def _use_case(index: int, draft: _Draft, vertical: Vertical) -> UseCase:
    focus_terms = [business_term(c, vertical) for c in draft.focus]
    linked_terms = [business_term(c, vertical) for c in draft.linked] or ["identifiers"]
    words = {"focus": _join(focus_terms), "linked": _join(linked_terms)}
    title = _TITLES[draft.intent].format(
        **words, Focus=words["focus"][:1].upper() + words["focus"][1:]
    )
    quoted = " ".join(
        f'{rid}: "{_excerpt(text, DESCRIPTION_QUOTE_CHARACTERS)}"'
        for rid, text in zip(draft.requirement_ids, draft.texts, strict=True)
    )
    requested = (
        f" Runs {label_of(draft.algorithm)}, as the requirement asks." if draft.algorithm else ""
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
        method=draft.method,
        parameters=dict(draft.parameters),
        intents=list(draft.intents),
        rationale=f"Read as {draft.intent} from "
        + ", ".join(f"'{p}'" for p in draft.phrases)
        + (f"; the requirement names {draft.algorithm}" if draft.algorithm else "")
        + f"; focus on {', '.join(draft.focus)}"
        + (f" linked by {', '.join(draft.linked)}" if draft.linked else "")
        + ".",
        algorithm=draft.algorithm,
        notes=list(draft.notes),
    )


_READ_METHOD_INTENTS = frozenset({"collectors", "distributors"})
"""Intents whose lexicon method answers another question than asked: degree over all edges
is not "receives from many" or "sends to many" (issue 16)."""


_WEIGHTED_READ_INTENTS = frozenset({"influence", "hubs"})
"""Ranking intents whose lexicon method ignores edge weights: a question weighing by a numeric
attribute ("by minutes", "the most talk time") runs the reading's weighted method instead."""


def _prefer_read_method(draft: _Draft, reading: QuestionReading) -> None:
    """Use the method the question reading chooses when it answers the same intent better.

    The phrase lexicon's intents run their usual method (strongly connected components for
    loops, degree for hubs); when the reading of the same question asks the same thing of a
    method with no projection rule of its own (bounded short cycles for loops, in-degree for
    "who collects from many"), the data-driven method runs instead.
    """
    for intent_reading in reading.intents:
        if LEGACY_INTENT.get(intent_reading.intent) != draft.intent:
            continue
        if intent_reading.intent not in _READ_METHOD_INTENTS and not (
            intent_reading.weight_attribute and draft.intent in _WEIGHTED_READ_INTENTS
        ):
            continue
        method = choose_method(intent_reading)
        if method is None or method.use_case_intents:
            continue
        draft.method = method.name
        draft.parameters = question_parameters(method, intent_reading)
        draft.intents = [intent_reading.intent]
        return


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
        lookup = await name_lookup(context.source, state.schema)
        use_cases, unanswered = await asyncio.to_thread(
            generate_use_cases_by_rules,
            state.requirements,
            state.schema,
            state.vertical or _GENERIC_VERTICAL,
            lookup,
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
