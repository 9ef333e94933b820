"""What reading a question produces: intents with their details, and names matched to vertices.

Plain pydantic data (JSON-serialisable, so it can travel in the workflow state and in traces).
The reading says *what* is asked; the method registry decides *how* to compute it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from gaai_graph.methods.vocabulary import QuestionIntent
from gaai_graph.models import Model

Direction = Literal["in", "out", "any"]
"""Which edges count: incoming ("who receives from many"), outgoing, or both."""

ValueKind = Literal["score", "count", "yes_no", "route", "nearest", "list"]
"""What form of answer the question asks for.

- "score": one number, or the scores of the named entities ("the harmonic centrality of X").
- "count": how many ("how many components").
- "yes_no": a yes or no ("is the network connected?").
- "route": a path between named entities ("the cheapest route from A to B").
- "nearest": the k entities nearest to a named one.
- "list": a ranked listing or groups (the default).
"""

MatchStatus = Literal["exact", "near", "ambiguous", "unknown"]
"""How a name in the question met the graph's names: one exact match, one clear near match,
several equally good vertices, or nothing close enough."""

EntityRole = Literal["source", "target", "focus", "removed"]
"""What a named entity is in the question: where a route starts or ends, what is removed
("what breaks if X fails"), or just what the question is about."""


class Candidate(Model):
    """A vertex a name could mean."""

    vertex_id: str
    """`collection/key` of the vertex."""
    label: str
    """The vertex's name as the graph spells it."""
    score: float
    """Similarity of the question's text to this name, 0..100 (100 = same after normalising)."""


class NameMatch(Model):
    """A name (or key) mentioned in the question and the vertices it met."""

    text: str
    """The words as written in the question."""
    span: tuple[int, int]
    """Character offsets of `text` in the question."""
    status: MatchStatus
    vertex_ids: list[str] = Field(default_factory=list)
    """The vertex it resolves to (one for exact/near), empty when unresolved."""
    candidates: list[Candidate] = Field(default_factory=list)
    """Nearest names, best first: the near match itself, or the choices for an ambiguous or
    unknown name (so a report can say "did you mean ...")."""

    @property
    def resolved(self) -> bool:
        """Whether the name points at exactly one vertex."""
        return self.status in ("exact", "near") and len(self.vertex_ids) == 1


class EntityMention(Model):
    """A resolved named entity as one intent uses it."""

    vertex_id: str
    text: str
    """The question's words for it."""
    label: str
    """The graph's name for it."""
    status: Literal["exact", "near"]
    role: EntityRole = "focus"


class IntentReading(Model):
    """One intent read from the question, with everything the method choice needs."""

    intent: QuestionIntent
    score: float = 0.0
    """Sum of the cue weights that voted for this intent (0 for the fallback profile)."""
    cues: list[str] = Field(default_factory=list)
    """The words that were read as this intent, as written in the question."""
    direction: Direction = "any"
    weight_attribute: str | None = None
    """Numeric edge attribute the question asks to weigh by, when the schema has it."""
    weight_cue: str | None = None
    """The words that asked for a weight ("by amount", "heaviest", "cheapest")."""
    focus_collections: list[str] = Field(default_factory=list)
    """Vertex collections the question names (by collection name, singular or plural)."""
    edge_collections: list[str] = Field(default_factory=list)
    """Edge collections the question names ("transfers", "supplies")."""
    attributes: list[str] = Field(default_factory=list)
    """Vertex or edge attributes the question names ("by club", "critical parts")."""
    entities: list[EntityMention] = Field(default_factory=list)
    """Named entities, resolved to vertices, with their role."""
    k: int | None = None
    """How many are asked for ("top five", "3 nearest")."""
    hops: int | None = None
    """A bound on path or cycle length ("within 3 hops", "loops of up to 4 accounts")."""
    max_distance: float | None = None
    """A bound on weighted distance ("within 5 km", "under 10 minutes of X"), in the unit of
    `weight_attribute` (None when the graph has no attribute of that kind)."""
    budget_unit: str | None = None
    """The unit word of `max_distance` as the question wrote it ("km", "minutes")."""
    value_kind: ValueKind = "list"
    method_hints: list[str] = Field(default_factory=list)
    """METHOD_NAMES the wording implies ("harmonic centrality", "lying on many shortest routes"
    -> betweenness, "next best alternatives" -> k_shortest_paths), best first."""
    within: QuestionIntent | None = None
    """For a composed question, the intent whose result scopes this one ("who leads *each*
    group": importance within communities)."""


class QuestionReading(Model):
    """Everything read from one question."""

    text: str
    intents: list[IntentReading]
    """At least one: the recognised intents (several only for a composite question), or the
    general profile when nothing was recognised."""
    fallback: bool = False
    """True when no intent was recognised and the general profile is used instead."""
    composite_of: list[QuestionIntent] = Field(default_factory=list)
    """The intents a composite question is made of, in the order they compose (["communities",
    "importance"] for "which groups, and who leads each"); empty for a simple question."""
    unresolved_names: list[NameMatch] = Field(default_factory=list)
    """Names that are ambiguous or unknown, with their nearest candidates."""
    near_matches: list[NameMatch] = Field(default_factory=list)
    """Names resolved by a near (not exact) match, to be said in the report."""

    @property
    def primary(self) -> IntentReading:
        """The first (main) intent."""
        return self.intents[0]

    @property
    def intent_names(self) -> list[QuestionIntent]:
        """The intents as plain names, for the report's `intents` field."""
        return [reading.intent for reading in self.intents]
