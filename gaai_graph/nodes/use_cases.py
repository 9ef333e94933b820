"""Use-case generation by rules: from requirement text to precise graph questions.

`gaai_graph.questions.read_question` alone reads what a requirement asks: its intents (from
lemmatised cue words and the graph's own vocabulary, not a fixed phrase list) and their
details (direction, weight, named entities, composition). Each intent becomes a use case with
the method the wording implies (`question_use_cases`). What is orthogonal to the intents
comes from `use_case_reading`: a method the user names outright runs for the intent it
answers, and parts no graph analysis answers (a forecast, a recommender, text sentiment) are
*unanswered*, with the reason. A requirement whose intent is not recognised never runs
nothing: it gets the general profile of the graph, and its reports say so.

The *focus* of a use case is the vertex collections the reading names (by collection name,
singular or plural), or those the text names by the vertical's entity terms or a few general
synonyms such as "cards" for a payment-method collection. When the text names none, the
schema decides: the core collection best placed to answer that intent.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

from langgraph.runtime import Runtime

from gaai_graph.context import Context
from gaai_graph.methods.registry import METHODS
from gaai_graph.methods.topology import SchemaTopology
from gaai_graph.methods.vocabulary import INTENT_DESCRIPTIONS
from gaai_graph.models import (
    GraphSchema,
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
from gaai_graph.nodes.question_use_cases import QuestionDraft, drafts_from_reading
from gaai_graph.nodes.use_case_reading import (
    ALGORITHM_LEXICON,
    UNANSWERABLE,
    AlgorithmMention,
    Mention,
    blank,
    find_algorithms,
    find_mentions,
    purpose_spans,
    unanswerable_reasons,
    words_of,
)
from gaai_graph.questions import (
    EntityLookup,
    IntentReading,
    graph_terms,
    read_question,
)
from gaai_graph.state import WorkflowState

__all__ = [
    "ALGORITHM_LEXICON",
    "UNANSWERABLE",
    "AlgorithmMention",
    "Mention",
    "business_term",
    "find_algorithms",
    "find_mentions",
    "generate_use_cases",
    "generate_use_cases_by_rules",
    "unanswerable_reasons",
]

# --------------------------------------------------------------------------- focus fallback


def _fallback_focus(intent: str, topology: SchemaTopology) -> list[str]:
    """The core collection best placed to answer question intent `intent` (none named)."""
    core = topology.core_vertex_collections
    if not core:
        return []

    def connectivity(name: str) -> tuple[int, int]:
        return len(topology.edges_touching(name, core_only=True)), topology.count(name)

    if intent in _SELF_RELATION_INTENTS:
        # Influence, loops, flows and brokerage live in a network of like entities (referrals,
        # transfers): a collection with its own self edges answers them directly.
        with_self = [c for c in core if topology.self_edges(c)]
        if with_self:
            return [max(with_self, key=lambda c: (len(topology.self_edges(c)), *connectivity(c)))]
    if intent == "dependencies":
        # What the rest depends on is where connections concentrate: the highest mean number
        # of edges per vertex.
        def mean_degree(name: str) -> float:
            edges = sum(topology.count(e) for e in topology.edges_touching(name))
            return edges / max(topology.count(name), 1)

        return [max(core, key=lambda c: (mean_degree(c), topology.count(c)))]
    if intent == "shared_identifiers":
        with_ids = [c for c in core if topology.identifier_neighbours(c)]
        if with_ids:
            return [
                max(
                    with_ids,
                    key=lambda c: (len(topology.identifier_neighbours(c)), *connectivity(c)),
                )
            ]
    return [max(core, key=connectivity)]


_SELF_RELATION_INTENTS = frozenset(
    {
        "importance",
        "collectors",
        "distributors",
        "cycles",
        "brokers",
        "similarity",
        "link_prediction",
        "paths",
        "profile",
    }
)
"""Question intents best answered on a collection's relation to itself, when it has one."""


# --------------------------------------------------------------------------- wording

_PRIORITY_ORDER: dict[Priority, int] = {"high": 0, "medium": 1, "low": 2}

_TITLES: dict[str, str] = {
    "importance": "Influential {focus}",
    "collectors": "{Focus} receiving from many others",
    "distributors": "{Focus} sending to many others",
    "communities": "Segments of {focus}",
    "shared_identifiers": "Rings of {focus} linked by {linked}",
    "brokers": "{Focus} who bridge groups",
    "cohesion": "Tightly-knit groups of {focus}",
    "cycles": "Circular chains among {focus}",
    "dependencies": "Single points of failure among {focus}",
    "similarity": "{Focus} that are alike",
    "link_prediction": "Likely new links among {focus}",
    "paths": "Routes and distances between {focus}",
    "connectivity": "How the {focus} hold together",
    "colouring": "{Focus} that can be grouped without conflicts",
}
"""Use-case titles per question intent, in the business's words for the focus."""

_METHOD_TITLES: dict[str, str] = {
    "degree": "Most connected {focus}",
    "in_degree": "{Focus} receiving from many others",
    "out_degree": "{Focus} sending to many others",
}
"""Titles of importance rankings whose method says more than "influential"."""

_PROFILE_TITLES: dict[str, str] = {
    "importance": "Profile: the most central {focus}",
    "communities": "Profile: how {focus} group",
    "connectivity": "Profile: how the {focus} hold together",
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
    return plural_phrase(" ".join(words_of(collection)))


def _join(terms: list[str]) -> str:
    if len(terms) <= 1:
        return "".join(terms)
    return ", ".join(terms[:-1]) + " or " + terms[-1]


# --------------------------------------------------------------------------- focus


_CONJUNCTION = re.compile(r"^\s*(?:,|and|or|&|/|as well as|,\s*and|,\s*or)\s*$", re.IGNORECASE)


def _subject(text: str, mentions: list[Mention], topology: SchemaTopology) -> list[str]:
    """The collections a question is said of: the first core one named, with its 'and's.

    Those joined to it by 'and'/'or' ("products and sellers") belong to it; lookups named in
    passing ("customers in each category") and later mentions ("items that appear in far
    more orders") do not.
    """
    if not mentions:
        return []
    core = [m for m in mentions if topology.is_core(m.collection)] or mentions
    first = core[0]
    ordered = sorted(mentions, key=lambda m: m.start)
    chain = [first]
    position = ordered.index(first)
    while position + 1 < len(ordered):
        a, b = ordered[position], ordered[position + 1]
        if not _CONJUNCTION.match(text[a.end : b.start]):
            break
        position += 1
        chain.append(b)
    return list(dict.fromkeys(m.collection for m in chain))


class _FocusReader:
    """The focus of each intent of one requirement: what the reading names, else the schema.

    The reader names collections by the schema's own words; the vertical's entity terms
    ("patrons") and general synonyms ("cards") are found here, since only the vertical knows
    them. The subject is the first core collection named (with those joined to it by
    'and'/'or'); shared identifiers split what is named into the members and what links them.
    """

    def __init__(
        self, text: str, schema: GraphSchema, vertical: Vertical, topology: SchemaTopology
    ) -> None:
        self.text = text
        self.topology = topology
        self.mentions = [
            m for m in find_mentions(text, schema, vertical) if topology.is_vertex(m.collection)
        ]

    def __call__(self, reading: IntentReading) -> tuple[list[str], list[str]]:
        topology = self.topology
        named = [c for c in reading.focus_collections if topology.is_vertex(c)]
        entity_collections = list(
            dict.fromkeys(e.vertex_id.split("/", 1)[0] for e in reading.entities)
        )
        mentions = [m for m in self.mentions if m.collection in named] or self.mentions
        if reading.intent == "shared_identifiers":
            return self._rings(named, mentions, reading.cues)
        subject = _subject(self.text, mentions, topology)
        # Named vertices (a route's ends) keep their collections; the reader's named
        # collections no mention placed (an edge's word) come after the subject.
        focus = [c for c in [*entity_collections, *subject] if topology.is_vertex(c)]
        if not focus:
            focus = [c for c in named if topology.is_core(c)] or named
        focus = list(dict.fromkeys(focus)) or _fallback_focus(reading.intent, topology)
        dependents: list[str] = []
        if reading.intent == "dependencies":
            # "products that a large share of orders depend on": what depends on the focus,
            # as the question names it, bounds the dependency chain.
            dependents = [
                c
                for c in dict.fromkeys([*named, *(m.collection for m in mentions)])
                if c not in focus and topology.is_core(c)
            ]
        return focus, dependents

    def _rings(
        self, named: list[str], mentions: list[Mention], cues: list[str]
    ) -> tuple[list[str], list[str]]:
        """(members, identifiers) of a shared-identifier question.

        An identifier is a collection some entity collection links as one
        (`SchemaTopology.identifier_neighbours`). In a two-mode graph both sides can look like
        that (customers reached only from devices, devices only from customers); there, the
        side the question calls shared ("shared devices", "the same device") is the identifier.
        """
        topology = self.topology
        candidates = list(dict.fromkeys([*named, *(m.collection for m in self.mentions)]))
        owners = {
            c: [
                m
                for m in topology.core_vertex_collections
                if c in topology.identifier_neighbours(m)
            ]
            for c in candidates
        }
        cue_words = {word for cue in cues for word in cue.lower().split()}
        called_shared = [c for c in candidates if owners[c] and _names_collection(cue_words, c)]
        one_way = [c for c in candidates if owners[c] and not topology.identifier_neighbours(c)]
        identifiers = list(dict.fromkeys([*called_shared, *one_way]))
        members = [
            c for c in candidates if c not in identifiers and topology.identifier_neighbours(c)
        ]
        if not members and identifiers:
            owning = {m for i in identifiers for m in owners[i] if m not in identifiers}
            best = max(
                owning,
                key=lambda c: (
                    sum(1 for i in identifiers if i in topology.identifier_neighbours(c)),
                    topology.count(c),
                    c,
                ),
                default=None,
            )
            members = [best] if best is not None else []
        if not members:
            members = [c for c in candidates if topology.identifier_neighbours(c)][:1]
        if not members:
            members = _fallback_focus("shared_identifiers", topology)
        identifiers = [
            i for i in identifiers if any(i in topology.identifier_neighbours(m) for m in members)
        ]
        if not identifiers:
            # none named: whatever identifiers the members have (the rule's own choice, said
            # here so that the same analysis asked twice is one use case)
            identifiers = [
                i for m in members for i in topology.identifier_neighbours(m) if i not in members
            ]
        return members, list(dict.fromkeys(identifiers))


def _names_collection(words: set[str], collection: str) -> bool:
    """Whether `words` name `collection` (its name or singular: "device" names devices)."""
    name = collection.lower()
    forms = {name, name.rstrip("s"), name[:-3] + "y" if name.endswith("ies") else name}
    if name.endswith("es"):
        forms.add(name[:-2])
    return bool(forms & words)


# --------------------------------------------------------------------------- generation


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
    """Turn requirements into use cases, one per (method, intent, focus, parameters), by rules.

    `read_question` alone decides what each requirement asks (intents, direction, weight,
    named entities, composition); a method the requirement names outright runs for the intent
    it answers; parts no graph analysis answers (a forecast) are noted with the reason.

    Args:
        requirements: Extracted requirements; constraints are skipped. When empty, the
            vertical's typical questions stand in for them.
        schema: The analysed schema, for focus collections.
        vertical: The industry vertical, for entity terms and typical questions.
        lookup: The graph's names, to resolve entities a question names (none: unresolved).

    Returns:
        (use cases with ids UC-001..., notes on requirements: unanswerable parts, and those
        answered with the general profile). A requirement with anything answerable in it
        never runs nothing: unrecognised wording gets the general profile, and says so.
    """
    topology = SchemaTopology(schema)
    terms = graph_terms(schema)
    # The same reading from several requirements (the general profile, most often) is one
    # use case answering all of them.
    drafts: dict[str, _Asking] = {}
    general: list[tuple[Requirement, str, list[QuestionDraft]]] = []
    unanswered: list[str] = []
    for requirement in _answerable_requirements(requirements, vertical):
        text = " ".join(requirement.text.split())
        blocked = unanswerable_reasons(text)
        answerable = blank(text, (span for span, _ in blocked))
        # Why a result is wanted ("so that supplier risk can be managed") is not what to find
        # -- unless the rest asks nothing, when the clause states the result itself ("assign
        # rooms so that clinicians who share patients are never together").
        reading = read_question(
            blank(answerable, purpose_spans(answerable)), schema, lookup=lookup, terms=terms
        )
        if reading.fallback and purpose_spans(answerable):
            whole = read_question(answerable, schema, lookup=lookup, terms=terms)
            if not whole.fallback:
                reading = whole
        requested = [mention.algorithm for mention in find_algorithms(answerable)]
        for reason in dict.fromkeys(reason for _, reason in blocked):
            unanswered.append(f'{requirement.id}: {reason}: "{_excerpt(text)}"')
        if blocked and reading.fallback and not requested:
            continue  # all it asks is a forecast (say): said above, not answered with a profile
        found = drafts_from_reading(
            reading, _FocusReader(answerable, schema, vertical, topology), requested
        )
        for draft in found:
            _loops_follow_the_data(draft, topology)
            _sharing_without_identifiers(draft, topology)
        if found and all(draft.asked_as for draft in found):
            # Only the general profile answers it: kept for when nothing else is asked.
            general.append((requirement, text, found))
        else:
            _add_drafts(drafts, requirement, text, found, unanswered)
    specific = bool(drafts)
    for requirement, text, found in general:
        if specific:
            # The document asks specific questions; this part of it ("Possible scanning.")
            # is context for them, not a question of its own.
            unanswered.append(
                f"{requirement.id}: "
                + (
                    "asks what changed since an earlier run; this run has no earlier run of "
                    "the source to compare against, and its analyses are the baseline the "
                    "next run is compared with"
                    if "change" in found[0].asked_as
                    else "no specific graph question was recognised in this part of the text; "
                    "the analyses of the other requirements answer the document"
                )
                + f': "{_excerpt(text)}"'
            )
            continue
        if "profile" in found[0].asked_as:
            unanswered.append(
                f"{requirement.id}: no supported graph analysis matches this requirement, "
                f'so the general profile of the graph answers it: "{_excerpt(text)}"'
            )
        _add_drafts(drafts, requirement, text, found, unanswered)
    use_cases = [
        _use_case(index, asking, texts, draft, vertical)
        for index, (asking, texts, draft) in enumerate(drafts.values(), start=1)
    ]
    return use_cases, unanswered


_Asking = tuple[list[Requirement], list[str], QuestionDraft]


def _add_drafts(
    drafts: dict[str, _Asking],
    requirement: Requirement,
    text: str,
    found: list[QuestionDraft],
    unanswered: list[str],
) -> None:
    """Add a requirement's drafts; one analysis answers every requirement asking it.

    The profile's PageRank and "who is influential" alike are one use case; what each asks,
    within its groups too ("who leads each ring"), is added to what the one report answers.
    """
    for draft in found:
        if draft.asked_as:
            # said in a report that may answer other requirements too: name whose it is
            draft.notes = [f"{requirement.id}: {note}" for note in draft.notes]
        if not draft.focus:
            unanswered.append(
                f"{requirement.id}: the graph has no core collection to answer "
                f'{draft.reading.intent} questions: "{_excerpt(text)}"'
            )
            continue
        key = repr(
            (
                draft.method.name,
                draft.by_rule,
                draft.focus,
                draft.linked,
                sorted(draft.parameters.items()),
            )
        )
        asking = drafts.setdefault(key, ([], [], draft))
        if requirement not in asking[0]:
            asking[0].append(requirement)
            asking[1].append(text)
        kept = asking[2]
        kept.notes.extend(n for n in draft.notes if n not in kept.notes)
        kept.also.extend(i for i in draft.intents if i not in [*kept.intents, *kept.also])


SPARSE_MEAN_OUT_DEGREE = 1.0
"""Edges per vertex of a directed relation below which loops are found whole as strongly
connected components: below one edge per vertex a random directed graph has no giant
strongly connected component (Karp 1990), so each non-trivial one is a loop, at any length.
Above it loops merge into a giant component and are enumerated with a bounded length."""


def _loops_follow_the_data(draft: QuestionDraft, topology: SchemaTopology) -> None:
    """Find loops whole in a sparse relation, bounded in a dense one (the default is bounded).

    Only when the question sets no hop bound and names no method: "loops of up to 4
    transfers" and "run strongly connected components" are kept as asked.
    """
    reading = draft.reading
    if (
        reading.intent != "cycles"
        or draft.requested
        or draft.method.name != "short_cycles"
        or reading.hops is not None
        or "scc" not in METHODS
    ):
        return
    own = [e for f in draft.focus for e in topology.self_edges(f)]
    if not own:
        return
    relation = max(own, key=topology.count)
    vertices = sum(topology.count(f) for f in draft.focus)
    edges = topology.count(relation)
    if not vertices or edges / vertices >= SPARSE_MEAN_OUT_DEGREE:
        return
    draft.method = METHODS["scc"]
    draft.parameters = {}
    draft.notes.append(
        f"Loops are found whole, as strongly connected groups: {relation} is sparse "
        f"({edges:,} edges among {vertices:,} {', '.join(draft.focus)}, under one each), so "
        "each such group is a loop of any length; in a denser relation they would merge into "
        "one giant group and loops would be enumerated with a bounded length instead."
    )


SHARED_NEIGHBOURS_METHOD = "jaccard"
"""What "sharing" means in a graph with no identifier collections: neighbours in common."""


def _sharing_without_identifiers(draft: QuestionDraft, topology: SchemaTopology) -> None:
    """Read sharing as neighbours in common where the graph has nothing like a device to share.

    The shared-identifier rule links entities through identifier collections (devices, cards,
    phones); a graph without any ("subscribers with the same contacts") still has entities
    that share neighbours, which neighbourhood similarity ranks.
    """
    if not draft.by_rule or draft.reading.intent != "shared_identifiers" or draft.linked:
        return
    if any(topology.identifier_neighbours(f) for f in draft.focus):
        return
    method = METHODS.get(SHARED_NEIGHBOURS_METHOD)
    if method is None:
        return
    draft.method, draft.by_rule, draft.parameters = method, False, {}
    draft.notes.append(
        f"The graph has no identifier collections (devices, cards, phones) that "
        f"{', '.join(draft.focus)} could share, so sharing is read as neighbours in common: "
        f"the pairs with the most shared neighbours ({method.long_name})."
    )


def _title(draft: QuestionDraft, vertical: Vertical) -> str:
    focus = _join([business_term(c, vertical) for c in draft.focus])
    linked = _join([business_term(c, vertical) for c in draft.linked]) or "shared identifiers"
    intent = draft.reading.intent
    if draft.asked_as:
        template = _PROFILE_TITLES.get(intent, "Profile of {focus}")
    elif intent == "importance" and draft.method.name in _METHOD_TITLES:
        template = _METHOD_TITLES[draft.method.name]
    elif intent == "shared_identifiers" and "similarity" in draft.method.intents:
        template = "{Focus} that share the same neighbours"
    else:
        template = _TITLES.get(intent, "{Focus}")
    return template.format(focus=focus, Focus=focus[:1].upper() + focus[1:], linked=linked)


def _use_case(
    index: int,
    requirements: list[Requirement],
    texts: list[str],
    draft: QuestionDraft,
    vertical: Vertical,
) -> UseCase:
    """A use case from a question reading: its intent, method and parameters."""
    reading = draft.reading
    cues = ", ".join(f"'{cue}'" for cue in reading.cues) or "no recognised words"
    quoted = " ".join(
        f'{requirement.id}: "{_excerpt(text, DESCRIPTION_QUOTE_CHARACTERS)}"'
        for requirement, text in zip(requirements, texts, strict=True)
    )
    priority = min((r.priority for r in requirements), key=_PRIORITY_ORDER.__getitem__)
    read_as = " and ".join(draft.intents).replace("_", " ")
    linked = f" linked by {', '.join(draft.linked)}" if draft.linked else ""
    return UseCase(
        id=f"UC-{index:03d}",
        title=_title(draft, vertical),
        intent=draft.intent,
        description=f"{INTENT_DESCRIPTIONS[reading.intent]} Asked by {quoted}",
        requirement_ids=[r.id for r in requirements],
        focus_collections=draft.focus,
        linked_collections=draft.linked,
        priority=priority,
        rationale=f"Read as {read_as} from {cues}; answered with {draft.method.long_name}; "
        f"focus on {', '.join(draft.focus)}{linked}.",
        notes=list(draft.notes),
        intents=draft.intents,
        method=None if draft.by_rule else draft.method.name,
        algorithm=draft.method.name if draft.requested else None,
        parameters=dict(draft.parameters),
        edge_collections=list(reading.edge_collections),
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
