"""Domain models shared by every phase of the workflow.

These pydantic models are the contract between nodes, the engine, the renderers and the tools
that read our JSON output. They are deliberately plain data: behaviour lives in the modules
that produce them.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PrivateAttr

from gaai_graph.methods.vocabulary import METHOD_NAMES


def _known_method_name(name: str) -> str:
    if name not in METHOD_NAMES:
        raise ValueError(f"unknown algorithm {name!r}; method names: {', '.join(METHOD_NAMES)}")
    return name


AlgorithmName = Annotated[str, AfterValidator(_known_method_name)]
"""A method name of the shared vocabulary (`gaai_graph.methods.vocabulary.METHOD_NAMES`);
whether an engine runs it is checked against the method registry when a template is
validated."""

Intent = Literal["influence", "hubs", "communities", "rings", "brokers", "cohesion", "cycles"]
"""What a business question asks of the graph, independent of the algorithm that answers it."""

RequirementKind = Literal["objective", "requirement", "constraint"]
Priority = Literal["high", "medium", "low"]
Status = Literal["succeeded", "failed"]
Reasoner = Literal["rules", "llm"]
MetricValue = float | int | str | bool | None


class Model(BaseModel):
    """Base for all domain models: strict field names, tolerant of extra keys on input."""

    model_config = ConfigDict(extra="ignore", frozen=False)


# --------------------------------------------------------------------------- documents


class DocumentText(Model):
    """A requirement document after it has been read, with a name to cite."""

    name: str
    """File name or a label for inline text; cited as the source of each requirement."""
    text: str
    """The document's full text."""
    inline: bool = False
    """True for text given inline (`{"content": ...}`, `gaai run --text`): everything in it is
    a request, so each sentence counts as a requirement even without "must" or "find"."""


# --------------------------------------------------------------------------- schema


class AttributeProfile(Model):
    """What a sample of a collection's documents says about one attribute."""

    name: str
    types: list[str] = Field(default_factory=list)
    """JSON types seen, most frequent first (string, number, boolean, array, object, null)."""
    presence: float = 0.0
    """Share of sampled documents that have the attribute, 0..1."""
    distinct_ratio: float | None = None
    """Distinct values over non-null values in the sample; near 1 means identifier-like."""


class CollectionProfile(Model):
    """One collection as seen by schema analysis."""

    name: str
    kind: Literal["document", "edge"]
    count: int
    attributes: list[AttributeProfile] = Field(default_factory=list)
    role: Literal["core", "satellite", "edge"] = "core"
    """Satellites are lookup collections that would glue unrelated entities together."""
    label_attribute: str | None = None
    """Attribute used to show a human label for a vertex (name, title, email, ...)."""


class EdgeDefinition(Model):
    """Which vertex collections an edge collection connects (ArangoDB's edge definition)."""

    edge_collection: str
    from_vertex_collections: list[str]
    to_vertex_collections: list[str]


class NamedGraph(Model):
    """A named graph: a set of edge definitions."""

    name: str
    edge_definitions: list[EdgeDefinition]
    orphan_collections: list[str] = Field(default_factory=list)


class DanglingEdges(Model):
    """Edges of one collection whose `_from` or `_to` names a missing vertex."""

    edge_collection: str
    count: int
    examples: list[str] = Field(default_factory=list)


class GraphSchema(Model):
    """The introspected schema of the analysed graph."""

    source: str
    """Where the graph came from, safe to print (no credentials)."""
    graph_name: str | None = None
    """The named graph analysed, or None when the whole database is analysed."""
    collections: list[CollectionProfile]
    graphs: list[NamedGraph] = Field(default_factory=list)
    """Every named graph the source defines."""
    edge_definitions: list[EdgeDefinition] = Field(default_factory=list)
    """Edge definitions in effect: the named graph's, or inferred from `_from`/`_to`."""
    dangling_edges: list[DanglingEdges] = Field(default_factory=list)
    fingerprint: str
    """Stable hash of collection names, kinds and counts; changes when the graph changes."""
    warnings: list[str] = Field(default_factory=list)

    def collection(self, name: str) -> CollectionProfile | None:
        """Return the profile of `name`, or None when the schema has no such collection."""
        for profile in self.collections:
            if profile.name == name:
                return profile
        return None

    @property
    def vertex_collections(self) -> list[str]:
        """Names of document (vertex) collections."""
        return [c.name for c in self.collections if c.kind == "document"]

    @property
    def edge_collections(self) -> list[str]:
        """Names of edge collections."""
        return [c.name for c in self.collections if c.kind == "edge"]

    @property
    def label_attributes(self) -> dict[str, str | None]:
        """Each vertex collection's label attribute (None: it has none)."""
        return {c.name: c.label_attribute for c in self.collections if c.kind == "document"}


# --------------------------------------------------------------------------- reasoning


class Requirement(Model):
    """One objective, requirement or constraint found in a document."""

    id: str
    kind: RequirementKind
    text: str
    source: str
    """Name of the document it came from."""
    line: int
    """1-based line number in that document."""
    priority: Priority = "medium"


class Vertical(Model):
    """An industry profile: vocabulary, typical questions and how to read results."""

    name: str
    title: str
    description: str = ""
    keywords: list[str] = Field(default_factory=list)
    """Words whose presence in documents or schema names points to this vertical."""
    typical_questions: list[str] = Field(default_factory=list)
    entity_terms: dict[str, str] = Field(default_factory=dict)
    """Collection-name fragment -> business term (e.g. 'customer' -> 'customer')."""
    interpretation: dict[str, str] = Field(default_factory=dict)
    """Intent -> how a high score or a large group should be read in this industry."""
    recommendations: dict[str, list[str]] = Field(default_factory=dict)
    """Intent -> recommended actions, in this industry's language."""
    source: Literal["builtin", "custom", "generated"] = "builtin"
    matched_terms: list[str] = Field(default_factory=list)
    """Terms that led auto-detection to this vertical (empty when chosen explicitly)."""


class UseCase(Model):
    """A business question made precise enough to answer with one algorithm."""

    id: str
    title: str
    intent: Intent
    description: str
    requirement_ids: list[str]
    focus_collections: list[str] = Field(default_factory=list)
    """Vertex collections the question is about (e.g. customers); empty means all."""
    linked_collections: list[str] = Field(default_factory=list)
    """Vertex collections the question names as what links focus vertices (e.g. the shared
    devices or cards of a fraud ring); empty lets template design choose from the schema."""
    priority: Priority = "medium"
    rationale: str = ""
    """Why this intent was read from the requirement text."""
    algorithm: AlgorithmName | None = None
    """The algorithm the requirement names for this question ("Use Louvain ..."); template
    design runs it instead of the intent's usual one. None: no algorithm was named."""
    notes: list[str] = Field(default_factory=list)
    """Caveats the report repeats, e.g. an algorithm the requirement named that does not
    answer this question (it then runs as a use case of its own)."""
    intents: list[str] = Field(default_factory=list)
    """The question intents (`methods.vocabulary.QuestionIntent`) this use case answers, as
    the question was read; empty for use cases read by the phrase lexicon (their `intent`
    says it)."""
    method: str | None = None
    """The method the question's wording implies (a METHOD_NAMES entry), when read so."""
    parameters: dict[str, Any] = Field(default_factory=dict)
    """Method parameters the question fixes (weight attribute, direction, named vertices, k)."""
    edge_collections: list[str] = Field(default_factory=list)
    """Edge collections the question names; the projection keeps to them."""


class GraphProjection(Model):
    """The part of the graph an algorithm runs on."""

    vertex_collections: list[str]
    edge_collections: list[str]
    directed: bool = True
    edge_attributes: list[str] = Field(default_factory=list)
    """Numeric edge attributes carried to the engine (a weight, an amount, a time)."""
    vertex_attributes: list[str] = Field(default_factory=list)
    """Vertex attributes carried to the engine (a category, a flag, coordinates)."""
    onto: str | None = None
    """For a two-mode (bipartite) projection: the vertex collection it is projected onto before
    the method runs, two of its vertices linked when they share neighbours on the other side,
    weighted by how many (`gaai_graph.methods.projection`); None runs on the projection as is."""


class AnalysisTemplate(Model):
    """An executable, validated analysis: algorithm + projection + parameters."""

    id: str
    use_case_id: str
    requirement_ids: list[str]
    title: str
    algorithm: AlgorithmName
    projection: GraphProjection
    parameters: dict[str, Any] = Field(default_factory=dict)
    result_collections: list[str] = Field(default_factory=list)
    """Collections whose vertices are reported as top entities; empty means all."""
    top_k: int = 10
    description: str = ""
    notes: list[str] = Field(default_factory=list)
    intents: list[str] = Field(default_factory=list)
    """The question intents the template answers (its use case's), for the report."""
    """Design caveats the report repeats in its notes: a requested algorithm replaced by
    another (and why), or one the requirement named that answers a different question."""
    ranked_within: str | None = None
    """For a composed question ("which groups, and who leads each"): the scoring method run
    inside each group of this grouping method, whose best member is the group's leader."""


# --------------------------------------------------------------------------- results


class ScoreStatistics(Model):
    """Distribution of a per-vertex score over the whole result."""

    count: int
    min: float
    max: float
    mean: float
    median: float
    std: float
    p90: float
    p99: float
    total: float
    gini: float
    """Inequality of the score, 0 (equal) .. 1 (one vertex holds everything)."""
    top_k_share: float
    """Share of the total held by the top-k vertices (0 when the total is 0)."""


class HistogramBin(Model):
    """One bin of a histogram: values in [lower, upper)."""

    lower: float
    upper: float
    count: int


class Entity(Model):
    """A ranked vertex."""

    id: str
    """`<collection>/<_key>`."""
    value: float
    label: str
    """Human label (name, title, ...) or the key when the vertex has none."""


class Group(Model):
    """A group (component or community) of vertices."""

    size: int
    members_sample: list[str]
    """`<collection>/<_key>` ids, highest degree first: every member when the group has at
    most 25, else the first five."""
    composition: dict[str, int] = Field(default_factory=dict)
    """Collection name -> number of members from it."""
    leader: str | None = None
    """For a composed question: the member ranked first by `AnalysisTemplate.ranked_within`
    computed inside this group alone (among the result collections' members)."""
    leader_label: str | None = None
    """The leader's name as the graph spells it."""
    leader_score: float | None = None
    """The leader's score inside the group."""


AnswerKind = Literal[
    "value", "values", "count", "yes_no", "route", "routes", "entities", "groups", "pairs"
]


class Answer(Model):
    """The direct answer to a question that asks for a value (docs/report-contract.md).

    value by kind: "value" float; "values" {vertex_id: float}; "count" int; "yes_no" bool;
    "route" {"path": [vertex_id, ...], "length": float}; "routes" a list of routes, best
    first; "entities" [vertex_id, ...] in order; "groups" [[vertex_id, ...], ...]; "pairs"
    [[vertex_id, vertex_id, float], ...], best first.
    """

    kind: AnswerKind
    value: Any
    convention: str = ""
    """How the value is measured: normalised or not, hops or distance, directed or not."""
    method: str


class ExecutionResult(Model):
    """What running one template produced, summarised over the whole result."""

    template_id: str
    status: Status
    error: str | None = None
    algorithm: str
    parameters: dict[str, Any] = Field(default_factory=dict)
    """Effective parameters, defaults included."""
    projection: GraphProjection | None = None
    metrics: dict[str, MetricValue] = Field(default_factory=dict)
    """vertex_count, edge_count, runtime_seconds, modularity, approximation, ..."""
    statistics: ScoreStatistics | None = None
    score_histogram: list[HistogramBin] = Field(default_factory=list)
    top_entities: list[Entity] = Field(default_factory=list)
    groups: list[Group] = Field(default_factory=list)
    """Largest groups first, at most `top_k`."""
    group_count: int | None = None
    group_size_histogram: list[HistogramBin] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    """Approximations and caveats, e.g. 'betweenness sampled from 200 sources'."""
    answer: Answer | None = None
    """The method's direct answer (a value, a count, a route...), when it gives one."""
    names: dict[str, str] = Field(default_factory=dict)
    """Vertex id -> human label (name, title...) of the vertices the result mentions, for those
    that have one (`gaai_graph.engines.describe`); reports name entities by it."""
    partition_profile: dict[str, Any] | None = None
    """For a partition: how it aligns with the vertices' categorical attributes, per attribute
    and per listed group (`gaai_graph.engines.describe.describe_partition`); None otherwise."""
    _partition: Any = PrivateAttr(default=None)
    """(membership, degrees, projection data) of a partition the local engine computed in this
    process (the data it was computed on: the projected vertices when the method projected), for
    `gaai_graph.engines.describe.describe_result`; never serialised nor checkpointed."""

    def result_fields(self) -> dict[str, Any]:
        """Return the whole-result fields a `Report` carries over unchanged."""
        return {name: getattr(self, name) for name in RESULT_FIELDS}


RESULT_FIELDS: tuple[str, ...] = (
    "metrics",
    "statistics",
    "score_histogram",
    "top_entities",
    "groups",
    "group_count",
    "group_size_histogram",
    "notes",
)
"""Fields of `ExecutionResult` that `Report` repeats for the tools reading report JSON."""


class Insight(Model):
    """A finding stated in words, backed by numbers from the result."""

    title: str
    description: str
    confidence: float = Field(ge=0.0, le=1.0)
    evidence: dict[str, MetricValue] = Field(default_factory=dict)
    """Named numbers from the result that the description cites."""
    kind: Literal["finding", "context"] = "finding"
    """A finding is actionable or surprising (a ring, a dominant hub); context describes the
    result without calling for action (an even spread, the size of the main component).
    Summaries rank findings before context."""


class Recommendation(Model):
    """An action the business could take."""

    title: str
    description: str
    priority: Priority = "medium"
    related_entities: list[str] = Field(default_factory=list)


class Report(Model):
    """The written result of one template; the JSON contract tools read."""

    template_id: str
    use_case_id: str
    requirement_ids: list[str]
    title: str
    algorithm: str
    parameters: dict[str, Any] = Field(default_factory=dict)
    projection: GraphProjection | None = None
    status: Status
    error: str | None = None
    metrics: dict[str, MetricValue] = Field(default_factory=dict)
    statistics: ScoreStatistics | None = None
    score_histogram: list[HistogramBin] = Field(default_factory=list)
    top_entities: list[Entity] = Field(default_factory=list)
    groups: list[Group] = Field(default_factory=list)
    group_count: int | None = None
    group_size_histogram: list[HistogramBin] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    summary: str = ""
    """One-paragraph answer to the use case."""
    insights: list[Insight] = Field(default_factory=list)
    recommendations: list[Recommendation] = Field(default_factory=list)
    intents: list[str] = Field(default_factory=list)
    """The question intents the report answers (`methods.vocabulary.QuestionIntent`)."""
    method: str | None = None
    """The METHOD_NAMES entry that produced the main result."""
    answer: Answer | None = None
    """The direct answer when the question asks for a value (a score, count, route...)."""
    findings: list[dict[str, Any]] = Field(default_factory=list)
    """Every pattern the report calls out: kind, entities, flagged, evidence, confidence,
    explanation (docs/report-contract.md)."""
    weight_attribute: str | None = None
    """The numeric edge attribute used as weight, when one was."""
    projected_onto: str | None = None
    """The collection a bipartite graph was projected onto, when it was."""
    generated_by: Reasoner = "rules"
    fallbacks: list[str] = Field(default_factory=list)
    """Where the model's report was repaired, trimmed or replaced by the rule path (empty when
    no model is configured or its answer was used whole)."""

    def lead_insight(self) -> Insight | None:
        """The insight heading this report: its most confident finding, else context.

        The one choice of headline insight: the summary, the console and the HTML index show it.
        """
        return max(
            self.insights,
            key=lambda insight: (insight.kind == "finding", insight.confidence),
            default=None,
        )


class LLMCall(Model):
    """One request to a chat model (or one answer replayed from the node cache)."""

    phase: str
    """Reasoning phase: extract_requirements, resolve_vertical, generate_use_cases,
    generate_templates, report, aggregate."""
    model: str
    """Model identity (name, plus the server's host for OpenAI-compatible servers)."""
    template_id: str | None = None
    purpose: Literal["answer", "json_repair", "validation_repair"] = "answer"
    """First answer, or a repair round after malformed JSON or a failed validation."""
    status: Literal["ok", "malformed", "invalid", "error"] = "ok"
    """ok: usable answer; malformed: not JSON of the asked shape; invalid: failed validation
    against the schema or the evidence; error: timeout, rate limit or server error after the
    client's retries."""
    cached: bool = False
    """True when the answer came from LangGraph's cache: no request was made."""
    input_tokens: int = 0
    output_tokens: int = 0
    seconds: float = 0.0
    cost_usd: float | None = None
    """From the price table; None when the model has no price there."""
    error: str | None = None


class Fallback(Model):
    """A place where LLM reasoning was repaired, trimmed or replaced by the rule path."""

    phase: str
    template_id: str | None = None
    action: Literal["rules", "repaired", "dropped"]
    """rules: the rule path's result was used; repaired: a repair round fixed the answer;
    dropped: part of the answer (an insight, a template) was discarded."""
    reason: str


class ReportDigest(Model):
    """A report's line in the run summary."""

    template_id: str
    status: Status
    title: str


class RunError(Model):
    """A failure recorded in state instead of aborting the run."""

    phase: str
    message: str
    template_id: str | None = None


class PhaseTiming(Model):
    """Wall time of one phase, or of one template's execute/report step."""

    phase: str
    seconds: float
    template_id: str | None = None
    started_at: float | None = None
    """Wall-clock start (seconds since the epoch), so concurrent steps can be merged into the
    phase's wall time instead of summed."""
    finished_at: float | None = None
    """Wall-clock end (seconds since the epoch)."""


class RunSummary(Model):
    """The aggregated result of a whole run."""

    run_id: str
    vertical: str
    source: str
    graph_name: str | None = None
    headline: str
    key_findings: list[str] = Field(default_factory=list)
    requirements: list[Requirement] = Field(default_factory=list)
    use_cases: list[UseCase] = Field(default_factory=list)
    templates: list[AnalysisTemplate] = Field(default_factory=list)
    reports: list[ReportDigest] = Field(default_factory=list)
    failures: list[RunError] = Field(default_factory=list)
    unanswered: list[str] = Field(default_factory=list)
    """Requirements no supported analysis could answer, with the reason."""
    warnings: list[str] = Field(default_factory=list)
    """Non-fatal problems the run worked around, in the order they were met: dangling edges
    and other schema or source problems, core collections the graph lacks, documents without
    requirements (the vertical's standard questions stood in), a generated vertical."""
    timings: dict[str, float] = Field(default_factory=dict)
    """Phase -> wall-clock seconds. Concurrent per-template steps ('execute', 'report') count
    the time during which at least one of them was running, not the sum of their durations."""
    summed_step_seconds: dict[str, float] = Field(default_factory=dict)
    """Phase -> sum of the durations of its steps, for phases run once per template; larger
    than the wall time in `timings` when templates ran concurrently."""
    skipped: list[RunError] = Field(default_factory=list)
    """Use cases deliberately not analysed (e.g. beyond `max_templates`), with the reason;
    these are not failures."""
    fallbacks: list[Fallback] = Field(default_factory=list)
    """Every LLM answer repaired, trimmed or replaced by the rule path, in every phase."""
    llm_usage: dict[str, Any] = Field(default_factory=dict)
    """LLM calls, tokens, seconds and cost: `total`, `by_phase` and `by_model`, each
    {calls, cached, input_tokens, output_tokens, seconds, cost_usd}; empty with no model."""
    generated_by: Reasoner = "rules"
    """Who wrote the headline and key findings."""

    def to_jsonable(self) -> dict[str, Any]:
        """Return the summary.json contract as plain JSON-ready data."""
        return self.model_dump(mode="json")
