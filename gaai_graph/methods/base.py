"""What a method module declares: one `Method` per algorithm, read through the registry.

Everything the project knows about one algorithm lives in the module of its family
(`centrality.py`, `communities.py`, `cohesion.py`, `components.py`, `cycles.py`, ...): the
questions it answers, what it needs of the data, its parameters and their validation, how each
engine runs it, how its result becomes findings and which picture shows it. Nodes, engines and
reporting read `gaai_graph.methods.registry`; none of them names an algorithm.

How to add a method
-------------------
1. Pick its family module (or start one: a module docstring naming the reference — paper or
   book — of every method in it, like NetworkX's one-algorithm-per-module layout).
2. Write the local computation as a function `run(job: LocalJob) -> Outcome`: read
   `job.graph` (a private igraph copy of the projection; vertex index i is
   `job.data.vertex_ids[i]`), `job.parameters` (already validated, defaults filled in),
   `job.seed`; wrap the algorithm call itself in `with job.clock.running():` so run time
   excludes graph building. Return per-vertex `scores` (ranking methods), a `membership`
   (grouping methods) and/or an `answer` (a direct value, route, pairs... in the shape of
   `gaai_graph.models.Answer`), plus `metrics` (named numbers the report may quote) and
   `notes` (approximations and caveats, in words).
3. Write its interpreter `interpret(writer: ReportWriter) -> None`, which reads
   `writer.execution` and adds findings with `writer.add(...)` (every quoted number through a
   `writer.quoter()`, so it is recorded as evidence), contract findings with
   `writer.pattern(...)`, recommendations to `writer.extra_recommendations`, and sets
   `writer.answer` when the method answers with a value.
4. Declare it: `MY_METHOD = Method(name=..., label=..., ..., local=run, interpret=interpret)`
   with its `parameters` (`ParameterSpec`), `intents` (from `vocabulary.QuestionIntent`),
   `needs` (`DataNeeds`), `gae` (`GaeRun`) when ArangoDB's Graph Analytics Engine has it, and
   its `picture` (`Picture`). `name` must be in `vocabulary.METHOD_NAMES`.
5. Add it to the family's `METHODS` tuple; the registry collects every family's tuple.
6. Tests: `tests/methods/test_<family>.py` checks the computation against NetworkX (or the
   book's example) and the interpretation on a small graph; add eval cases to the harness.
No node, engine or renderer changes: they look the method up by name.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import igraph as ig
import numpy as np
import numpy.typing as npt

from gaai_graph.errors import TemplateValidationError
from gaai_graph.methods.local_tools import (
    degrees_of_edges,
    edge_ends,
    graph_of_edges,
    simple_notes,
    simple_undirected_edges,
    undirected_simple,
)
from gaai_graph.methods.vocabulary import QuestionIntent
from gaai_graph.models import Intent, MetricValue, UseCase

if TYPE_CHECKING:
    from gaai_graph.methods.topology import SchemaTopology
    from gaai_graph.methods.writing import ReportWriter
    from gaai_graph.sources.base import ProjectionData

__all__ = [
    "Adapter",
    "Clock",
    "DataNeeds",
    "Designer",
    "GaeRun",
    "Interpreter",
    "LocalJob",
    "LocalRunner",
    "Method",
    "NoProjectionError",
    "Outcome",
    "ParameterSpec",
    "ParameterType",
    "Picture",
    "Plan",
    "ResultKind",
]

ParameterType = Literal["float", "int", "bool", "choice", "str"]
ResultKind = Literal["scoring", "grouping", "answer"]
"""scoring: a score per vertex (ranked, summarised as a distribution); grouping: a group per
vertex (summarised as group sizes); answer: a direct answer only (a value, a route, pairs)."""


# --------------------------------------------------------------------------- parameters


@dataclass(frozen=True)
class ParameterSpec:
    """One accepted parameter with its type, bounds and default."""

    name: str
    kind: ParameterType
    default: Any
    description: str
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    exclusive_maximum: bool = False
    choices: tuple[str, ...] = ()
    nullable: bool = False

    def check(self, algorithm: str, value: Any) -> Any:
        """Return `value` coerced to this parameter's type, or raise a clear error."""
        where = f"parameter '{self.name}' of {algorithm}"
        if value is None:
            if self.nullable:
                return None
            raise TemplateValidationError(f"{where} may not be null")
        if self.kind == "bool":
            if not isinstance(value, bool):
                raise TemplateValidationError(f"{where} must be true or false, got {value!r}")
            return value
        if self.kind == "choice":
            if value not in self.choices:
                allowed = ", ".join(self.choices)
                raise TemplateValidationError(f"{where} must be one of {allowed}, got {value!r}")
            return value
        if self.kind == "str":
            if not isinstance(value, str):
                raise TemplateValidationError(f"{where} must be a string, got {value!r}")
            return value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TemplateValidationError(f"{where} must be a number, got {value!r}")
        if self.kind == "int":
            if float(value) != int(value):
                raise TemplateValidationError(f"{where} must be a whole number, got {value!r}")
            value = int(value)
        else:
            value = float(value)
        self._check_bounds(where, value)
        return value

    def _check_bounds(self, where: str, value: float) -> None:
        if self.minimum is not None and (
            value < self.minimum or (self.exclusive_minimum and value == self.minimum)
        ):
            relation = ">" if self.exclusive_minimum else ">="
            raise TemplateValidationError(f"{where} must be {relation} {self.minimum}, got {value}")
        if self.maximum is not None and (
            value > self.maximum or (self.exclusive_maximum and value == self.maximum)
        ):
            relation = "<" if self.exclusive_maximum else "<="
            raise TemplateValidationError(f"{where} must be {relation} {self.maximum}, got {value}")


# --------------------------------------------------------------------------- data needs


@dataclass(frozen=True)
class DataNeeds:
    """What a method needs of the data, which template design reads to shape the projection."""

    direction: Literal["directed", "undirected", "either"] = "either"
    """directed: it reads edge direction (in/out); undirected: it ignores direction (the engine
    collapses a directed projection and says so); either: it works on both."""
    weights: Literal["ignored", "optional", "required"] = "ignored"
    """Whether it can use a numeric edge attribute as weight (parameter `weight_attribute`)."""
    bipartite: Literal["any", "one_mode"] = "any"
    """one_mode: a bipartite graph must be projected onto one side first (said in the report)."""
    named_entities: Literal["none", "optional", "one", "two", "many"] = "none"
    """Vertices named in the question it needs: sources, targets, terminals, focus."""


# --------------------------------------------------------------------------- design


class NoProjectionError(Exception):
    """The schema offers no projection on which this method answers the use case."""


@dataclass
class Plan:
    """A method's projection and parameters for one use case, and why, in words."""

    algorithm: str
    vertices: list[str]
    edges: list[str]
    directed: bool
    parameters: dict[str, Any]
    why: str


Designer = Callable[[UseCase, "SchemaTopology"], Plan]
"""The default projection of a method for a use case it is the rule for; raises
NoProjectionError when the schema has none."""

Adapter = Callable[[Plan, UseCase, "SchemaTopology"], Plan]
"""How a method named in a requirement runs on the projection another method's rule chose
(Louvain where Leiden would run)."""


# --------------------------------------------------------------------------- local engine


class Clock:
    """Accumulates the time spent in the algorithm itself (not in graph building or summary)."""

    def __init__(self) -> None:
        """Start at zero seconds."""
        self.seconds = 0.0

    @contextmanager
    def running(self) -> Iterator[None]:
        """Count the time spent inside the block."""
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds += time.perf_counter() - start


class LocalJob:
    """What a local computation gets: its own copy of the projection's graph and the rest.

    Args:
        graph: The job's graph, or a function building it when a method first reads `graph`
            (the engine's way: a method that needs no igraph graph, such as degree from the
            edge array, or that needs only the projection's simple undirected graph, never
            builds the multigraph — at 10^7 edges a build takes seconds and hundreds of MB).
        parameters: Validated parameters, defaults filled in.
        seed: Seed for randomised algorithms.
        clock: Where the algorithm's own time is counted.
        data: The projection itself: vertex ids, labels, direction (read only).
        graph_of_data: Whether the graph is (or will be) built from `data.edges`, edge for
            edge, with `data`'s attributes (the engine's own graph), so that `edge_ends`,
            `degrees` and `undirected_simple` can read the projection instead of igraph.
    """

    def __init__(
        self,
        graph: ig.Graph | Callable[[], ig.Graph],
        parameters: dict[str, Any],
        seed: int,
        clock: Clock,
        data: ProjectionData,
        graph_of_data: bool = False,
    ) -> None:
        """Hold the job's parts; a graph given as a function is built when first read."""
        self._graph = graph if isinstance(graph, ig.Graph) else None
        self._build = None if isinstance(graph, ig.Graph) else graph
        self.parameters = parameters
        self.seed = seed
        self.clock = clock
        self.data = data
        self.graph_of_data = graph_of_data

    @property
    def graph(self) -> ig.Graph:
        """A private copy of the projection (vertex i is `data.vertex_ids[i]`); free to modify."""
        if self._graph is None:
            assert self._build is not None
            self._graph = self._build()
            self._build = None
        return self._graph

    @property
    def directed(self) -> bool:
        """Whether the job's graph is directed (read from the projection until it is built)."""
        return self.data.directed if self._graph is None else self._graph.is_directed()

    def _reads_data(self) -> bool:
        """Whether the projection's arrays still describe the graph: not built, or unchanged."""
        if not self.graph_of_data:
            return False
        return self._graph is None or self._graph.ecount() == self.data.edge_count

    def edge_ends(self) -> npt.NDArray[np.int64]:
        """The graph's edges as an (edges, 2) int64 array, in edge order.

        The same array as `gaai_graph.methods.local_tools.edge_ends(graph)`: igraph lists an
        undirected edge lower endpoint first. When `graph_of_data` says the graph was built
        from the projection's edges, they are read from its array (~50 ms less per 10^6
        edges, and no Python pair per edge), without building the graph.
        """
        if self._reads_data():
            ends = self.data.edges.astype(np.int64)
            if not self.data.directed:
                ends.sort(axis=1)
            return ends
        return edge_ends(self.graph)

    def degrees(self, mode: str) -> npt.NDArray[np.float64]:
        """Each vertex's degree as igraph's `degree(mode=mode, loops=True)` counts it.

        From the projection's edge array (`local_tools.degrees_of_edges`) when it describes
        the graph (`graph_of_data`), without building the graph.
        """
        if not self._reads_data():
            return np.asarray(self.graph.degree(mode=mode, loops=True), dtype=np.float64)
        data = self.data
        return degrees_of_edges(data.edges, data.vertex_count, directed=data.directed, mode=mode)

    def undirected_simple(
        self, purpose: str, weight: str | None = None, *, in_place: bool = False
    ) -> tuple[ig.Graph, list[str]]:
        """`gaai_graph.methods.local_tools.undirected_simple` of the job's graph.

        Unweighted, with the graph not built yet and no edge attributes to merge, the simple
        graph is built straight from the projection's edge array
        (`local_tools.simple_undirected_edges`, the same edges in the same order) with the
        projection's vertex attributes: the multigraph is never built nor simplified (nor
        held: `graph` still builds it, unchanged, for a method that reads it afterwards).
        """
        data = self.data
        if (
            weight is not None
            or self._graph is not None
            or not self.graph_of_data
            or data.edge_values
        ):
            return undirected_simple(self.graph, purpose, weight, in_place=in_place)
        edges = simple_undirected_edges(data.edges, data.vertex_count)
        simple = graph_of_edges(
            data.vertex_count, edges, directed=False, vertex_values=data.vertex_values
        )
        return simple, simple_notes(purpose, data.directed, data.edge_count - len(edges))


@dataclass
class Outcome:
    """What one computation produced: scores, a membership and/or an answer, plus words."""

    scores: npt.NDArray[np.float64] | None = None
    membership: list[int] | None = None
    answer: dict[str, Any] | None = None
    """A direct answer in the shape of `gaai_graph.models.Answer` (kind, value, convention)."""
    metrics: dict[str, MetricValue] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


LocalRunner = Callable[[LocalJob], Outcome]


@dataclass(frozen=True)
class GaeRun:
    """How ArangoDB's Graph Analytics Engine runs a method."""

    endpoint: str
    """The GAE endpoint (`pagerank`, `wcc`, ...), POSTed with the graph id and `body`."""
    body: Callable[[dict[str, Any]], dict[str, Any]] = lambda parameters: {}
    """The request body (besides `graph_id`) from validated parameters."""


# --------------------------------------------------------------------------- reporting

Interpreter = Callable[["ReportWriter"], None]
"""Turns an execution result into findings and recommendations on the writer."""


@dataclass(frozen=True)
class Picture:
    """Which picture shows a method's result, and the words on its axes."""

    score_axis: str | None = None
    """Axis title of score charts ("PageRank score"); None for methods without scores."""
    score_meaning: str | None = None
    """What a score means, for chart captions."""
    group_nouns: tuple[str, str] = ("group", "groups")
    """(singular, plural) of what the method's groups are called."""
    count_axis: str = "groups"
    """What the bars of a group-size histogram count."""
    deepest_bin_caption: str | None = None
    """A sentence on the score histogram's last non-empty bin, with `{k}` (its lower edge)
    and `{count}` (its vertices), said instead of the reading of the distribution's skew
    (k-core: "the innermost (k = {k}) holds {count} vertices")."""


# --------------------------------------------------------------------------- the declaration


@dataclass(frozen=True)
class Method:
    """Everything the project knows about one algorithm, declared in one place."""

    name: str
    """Its entry in `vocabulary.METHOD_NAMES` (templates and reports name it so)."""
    label: str
    """Short name for titles and notes ("PageRank", "k-core")."""
    long_name: str
    """Name in a report's summary ("k-core decomposition")."""
    description: str
    """One line saying what it finds (the LLM's catalogue shows it)."""
    reference: str
    """The paper or book it follows."""
    kind: ResultKind
    result_attribute: str
    """Attribute name when results are written back per vertex (GAE naming)."""
    intents: tuple[QuestionIntent, ...]
    """The question intents it answers (shared vocabulary)."""
    use_case_intents: tuple[Intent, ...] = ()
    """Use-case intents it answers; the first is the one it answers on its own."""
    default_for: tuple[Intent, ...] = ()
    """Use-case intents whose default template is this method's `design`."""
    aliases: str | None = None
    """Regular expression of how people name it in a requirement ("page[- ]?rank")."""
    score_name: str | None = None
    """What its per-vertex score is called in prose ("PageRank score")."""
    needs: DataNeeds = field(default_factory=DataNeeds)
    parameters: tuple[ParameterSpec, ...] = ()
    randomized: bool = False
    """Whether results depend on the random seed."""
    pattern: str = "hub"
    """The finding kind (docs/report-contract.md) its groups or leaders are reported as when its
    interpreter records no patterns of its own."""
    local: LocalRunner | None = None
    gae: GaeRun | None = None
    design: Designer | None = None
    adapt: Adapter | None = None
    interpret: Interpreter | None = None
    picture: Picture = field(default_factory=Picture)

    def parameter(self, name: str) -> ParameterSpec | None:
        """Return the spec of parameter `name`, or None if the method has none by that name."""
        for spec in self.parameters:
            if spec.name == name:
                return spec
        return None

    def validate(self, parameters: dict[str, Any]) -> dict[str, Any]:
        """Check `parameters` and return them with defaults filled in.

        Raises:
            TemplateValidationError: a parameter is unknown, of the wrong type, or out of range.
        """
        unknown = sorted(set(parameters) - {p.name for p in self.parameters})
        if unknown:
            accepted = ", ".join(p.name for p in self.parameters) or "none"
            raise TemplateValidationError(
                f"unknown parameter(s) {', '.join(unknown)} for {self.name}; accepted: {accepted}"
            )
        return {
            p.name: p.check(self.name, parameters[p.name]) if p.name in parameters else p.default
            for p in self.parameters
        }
