"""Template design by rules: from a use case to an algorithm, a projection and parameters.

Each intent has one projection rule, driven by the schema (edge definitions, counts, roles),
never by collection names:

* **influence** — PageRank on the focus collection's self edges (referrals, follows,
  transfers), else on the core edges around the focus. Direction: PageRank ranks a vertex
  high when many (important) edges point *to* it. That matches edges that endorse their target
  ("A follows B", "A trusts B"), but not edges whose source is the actor ("A referred B",
  "A invited B"): there directed PageRank would rank the referred customers above the
  influencer who brought them. The registry's PageRank has no "reverse edges" parameter, and
  nothing in a schema says which convention an edge collection follows, so the projection is
  directed only when the edge collection's name reads as an endorsement (`_ENDORSING_VERBS`); any
  other self relation is made undirected, where a vertex ranks high by the number and weight
  of its ties whichever way they point — the influencer with many referrals ranks high under
  either convention.
* **hubs** — degree (all directions) of the focus over every core edge collection touching it.
* **communities** — Leiden on an undirected projection of the core collections within two
  core edges of the focus (customers → orders → products): far enough to see shared
  behaviour, never through satellites, which would fuse everything they are attached to.
  Leiden rather than Louvain at every size: it refines Louvain's moves and guarantees
  connected communities, and measured here it was 17x faster at 10^6 edges (DESIGN §7); on
  small graphs both are instant, so Louvain has nothing to offer.
* **rings** — weakly connected components over the focus and the identifier collections the
  requirement names as shared (devices, cards, phones); failing that, the focus's
  identifier-like neighbours (sinks shared by few entities). Only edges between the focus and
  those identifiers: the focus's own relations (referrals) would chain everyone together.
* **cycles** — strongly connected components on the directed self edges of the focus (or a
  focus→X→focus round trip when it has none): a component of more than one vertex is a loop.
* **brokers** — betweenness on the focus's own relation when it has one (referrals between
  customers, transfers between accounts), undirected: "who bridges groups of customers" asks
  about the ties between customers, and through orders and products every buyer of a popular
  product would look like a bridge. Without such a relation, the same two-hop core projection
  as communities, less the focus's identifier leaves (devices, cards): a broker is whoever
  sits on the paths between the groups that projection contains. Sampled
  (`BROKER_SAMPLE_SIZE` sources) when the projection is larger than `BROKER_EXACT_LIMIT`.
  Betweenness also rewards shortcuts
  *inside* a group (an influencer who referred many of their own segment), so it shortlists
  brokers rather than proving them.
* **cohesion** — k-core on the undirected focus with its direct core neighbours: entities
  without shared neighbours stay at coreness 1; densely interlinked groups rise above.

An algorithm the requirement names (`UseCase.algorithm`: "Use Louvain ...", "count
triangles ...") runs on its intent's projection instead of the default one: Louvain and label
propagation where Leiden would run, triangle counting (on the focus's own relations, where
triangles can close) or k-core for cohesion, PageRank or degree for influence and hubs. A
requested algorithm that cannot run is replaced only with a note the report repeats.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from langgraph.runtime import Runtime

from gaai_graph.context import Context
from gaai_graph.engines.registry import algorithm_spec, validate_parameters
from gaai_graph.errors import TemplateValidationError
from gaai_graph.models import (
    AlgorithmName,
    AnalysisTemplate,
    GraphProjection,
    GraphSchema,
    Priority,
    RunError,
    UseCase,
)
from gaai_graph.nodes.common import ALGORITHM_LABELS, context_of, timed
from gaai_graph.nodes.schema import SchemaTopology
from gaai_graph.state import WorkflowState

__all__ = [
    "BROKER_EXACT_LIMIT",
    "BROKER_SAMPLE_SIZE",
    "TemplateDesign",
    "design_templates_by_rules",
    "design_templates_with_failures",
    "generate_templates",
    "validate_template",
    "with_use_case_notes",
]

BROKER_EXACT_LIMIT = 5000
"""Projections with more vertices than this get sampled betweenness."""
BROKER_SAMPLE_SIZE = 256
"""Source vertices sampled for betweenness on large projections (DESIGN §7: 200 samples take
18 s at 10^6 edges)."""

COMMUNITY_HOPS = 2
COHESION_HOPS = 1

# Verbs whose object receives the endorsement ("A follows B": B gains). Matched against the
# words of an edge collection's name; a passive name ("followed_by") points the other way.
_ENDORSING_VERBS = (
    "follow",
    "like",
    "trust",
    "endorse",
    "cite",
    "mention",
    "retweet",
    "subscribe",
    "vouch",
    "upvote",
    "recommend",
    "favourite",
    "favorite",
    "rate",
    "star",
)


def _endorses_target(edge: str) -> bool:
    words = [w for w in re.split(r"[^a-z]+", edge.lower()) if w]
    if "by" in words:
        return False
    return any(word.startswith(verb) for word in words for verb in _ENDORSING_VERBS)


_PRIORITY_ORDER: dict[Priority, int] = {"high": 0, "medium": 1, "low": 2}


class _NoTemplateError(Exception):
    """The schema offers no projection that answers this use case."""


@dataclass
class _Plan:
    algorithm: AlgorithmName
    vertices: list[str]
    edges: list[str]
    directed: bool
    parameters: dict[str, Any]
    why: str


def _names(items: list[str]) -> str:
    return ", ".join(items)


def _influence(use_case: UseCase, topology: SchemaTopology) -> _Plan:
    focus = use_case.focus_collections
    self_edges = [e for f in focus for e in topology.self_edges(f)]
    if self_edges:
        directed = all(_endorses_target(e) for e in self_edges)
        vertices = [f for f in focus if topology.self_edges(f)]
        how = (
            "directed, since each edge endorses its target"
            if directed
            else "undirected, so a vertex ranks high by how many ties it has and how "
            "influential its contacts are, whichever way the edges point"
        )
        why = (
            f"PageRank over {_names(self_edges)} between {_names(vertices)} ({how}): influence "
            "spreads along these direct relations."
        )
        return _Plan("pagerank", vertices, self_edges, directed, {"damping_factor": 0.85}, why)
    vertices, edges = topology.neighbourhood(focus, hops=1)
    if not edges:
        raise _NoTemplateError(f"{_names(focus)} has no core edges to rank influence over")
    why = (
        f"{_names(focus)} have no direct relations among themselves, so PageRank runs "
        f"undirected over {_names(edges)}: a vertex ranks high when it is tied to many "
        "well-connected vertices."
    )
    return _Plan("pagerank", vertices, edges, False, {"damping_factor": 0.85}, why)


def _hubs(use_case: UseCase, topology: SchemaTopology) -> _Plan:
    focus = use_case.focus_collections
    edges = list(
        dict.fromkeys(e for f in focus for e in topology.edges_touching(f, core_only=True))
    )
    if not edges:
        raise _NoTemplateError(f"no core edge collection touches {_names(focus)}")
    vertices = list(
        dict.fromkeys(
            [
                *focus,
                *(v for e in edges for v in topology.ends[e][0]),
                *(v for e in edges for v in topology.ends[e][1]),
            ]
        )
    )
    why = (
        f"Degree of {_names(focus)} over every core edge collection touching them "
        f"({_names(edges)}): a hub is simply what the most other entities connect to."
    )
    return _Plan("degree", vertices, edges, True, {"mode": "all"}, why)


def _communities(use_case: UseCase, topology: SchemaTopology) -> _Plan:
    vertices, edges = topology.neighbourhood(use_case.focus_collections, hops=COMMUNITY_HOPS)
    if not edges:
        raise _NoTemplateError(f"no core edges around {_names(use_case.focus_collections)}")
    why = (
        f"Leiden communities on the undirected core network around "
        f"{_names(use_case.focus_collections)} ({_names(vertices)}; satellites left out so "
        "lookups do not fuse unrelated entities): entities that share many neighbours end up "
        "in the same community."
    )
    return _Plan("leiden", vertices, edges, False, {"resolution": 1.0}, why)


def _rings(use_case: UseCase, topology: SchemaTopology) -> _Plan:
    focus = use_case.focus_collections
    named = [
        c
        for c in use_case.linked_collections
        if topology.is_core(c) and any(c in topology.neighbours(f) for f in focus)
    ]
    if named:
        linked, source = named, "named in the requirement"
    elif len(focus) > 1:
        linked, source = focus[1:], "named in the requirement"
        focus = focus[:1]
    else:
        linked = [n for f in focus for n in topology.identifier_neighbours(f)]
        source = "identifier-like: touched by nothing else and each shared by few"
    members = list(dict.fromkeys([*focus, *linked]))
    edges = [
        e
        for e, _ in topology.ends.items()
        if len(topology.endpoints(e)) >= 2
        and topology.endpoints(e) <= set(members)
        and topology.endpoints(e) & set(linked)
    ]
    if not linked or not edges:
        raise _NoTemplateError(f"no shared-identifier collection is linked to {_names(focus)}")
    why = (
        f"Connected components over {_names(focus)} and {_names(linked)} ({source}), joined "
        f"only by {_names(edges)}: independent entities rarely share these, so any component "
        "holding several of them is a candidate ring."
    )
    return _Plan("wcc", members, edges, False, {}, why)


def _cycles(use_case: UseCase, topology: SchemaTopology) -> _Plan:
    focus = use_case.focus_collections
    self_edges = [e for f in focus for e in topology.self_edges(f)]
    if self_edges:
        vertices = [f for f in focus if topology.self_edges(f)]
        why = (
            f"Strongly connected components of the directed {_names(self_edges)} network: "
            f"every component of two or more {_names(vertices)} contains a closed loop."
        )
        return _Plan("scc", vertices, self_edges, True, {}, why)
    for f in focus:
        outgoing = {
            t: e
            for e, (s, targets) in topology.ends.items()
            if s == [f]
            for t in targets
            if t != f and topology.is_core(t)
        }
        for middle, out_edge in outgoing.items():
            back = [e for e, (s, t) in topology.ends.items() if s == [middle] and f in t]
            if back:
                edges = [out_edge, *back]
                why = (
                    f"Strongly connected components of the directed {f} → {middle} → {f} "
                    f"network ({_names(edges)}): a component of several vertices is a loop "
                    f"that returns to where it started."
                )
                return _Plan("scc", [f, middle], edges, True, {}, why)
    raise _NoTemplateError(f"{_names(focus)} has no directed relation that could form a cycle")


def _brokers(use_case: UseCase, topology: SchemaTopology) -> _Plan:
    focus = use_case.focus_collections
    self_edges = [e for f in focus for e in topology.self_edges(f)]
    if self_edges:
        return _brokers_among(focus, self_edges, topology)
    vertices, edges = topology.neighbourhood(focus, hops=COMMUNITY_HOPS)
    # Identifier collections (each device or card used by one customer) are leaves of the
    # focus: every path from a leaf runs through its owner, which adds the same large offset
    # to every entity's betweenness and buries the bridges between groups.
    leaves = {n for f in focus for n in topology.identifier_neighbours(f)} - set(focus)
    vertices = [v for v in vertices if v not in leaves]
    edges = [e for e in edges if not topology.endpoints(e) & leaves]
    if not edges:
        raise _NoTemplateError(f"no core edges around {_names(focus)}")
    parameters, approximation = _betweenness_parameters(sum(topology.count(v) for v in vertices))
    why = (
        f"Betweenness on the undirected core network around "
        f"{_names(focus)} ({_names(vertices)}), the network the communities are found in: a "
        "broker lies on many shortest paths between groups." + approximation
    )
    return _Plan("betweenness", vertices, edges, False, parameters, why)


def _betweenness_parameters(size: int) -> tuple[dict[str, Any], str]:
    sampled = size > BROKER_EXACT_LIMIT
    parameters: dict[str, Any] = {"sample_size": BROKER_SAMPLE_SIZE if sampled else None}
    approximation = (
        f" Sampled from {BROKER_SAMPLE_SIZE} sources: the projection holds about {size} vertices."
        if sampled
        else " Exact."
    )
    return parameters, approximation


def _brokers_among(focus: list[str], self_edges: list[str], topology: SchemaTopology) -> _Plan:
    """Betweenness on the focus's own relation (referrals between customers).

    "Who bridges groups of customers" is a question about the ties between the customers
    themselves; through orders and products every customer who bought a popular product
    would look like a bridge.
    """
    vertices = [f for f in focus if topology.self_edges(f)]
    parameters, approximation = _betweenness_parameters(sum(topology.count(v) for v in vertices))
    why = (
        f"Betweenness on the undirected {_names(self_edges)} network between "
        f"{_names(vertices)}, their direct relation to each other: a broker lies on many "
        "shortest paths between otherwise separate groups of them." + approximation
    )
    return _Plan("betweenness", vertices, self_edges, False, parameters, why)


def _cohesion(use_case: UseCase, topology: SchemaTopology) -> _Plan:
    vertices, edges = topology.neighbourhood(use_case.focus_collections, hops=COHESION_HOPS)
    if not edges:
        raise _NoTemplateError(f"no core edges around {_names(use_case.focus_collections)}")
    why = (
        f"k-core decomposition of {_names(vertices)} (undirected): a vertex's coreness is the "
        "largest k such that it belongs to a group where everyone has k ties inside the group."
    )
    return _Plan("kcore", vertices, edges, False, {}, why)


def _community_variant(
    algorithm: AlgorithmName, parameters: dict[str, Any]
) -> Callable[[_Plan, UseCase, SchemaTopology], _Plan]:
    def variant(plan: _Plan, use_case: UseCase, topology: SchemaTopology) -> _Plan:
        label = ALGORITHM_LABELS[algorithm]
        why = plan.why.replace("Leiden communities", f"{label} communities", 1)
        if why == plan.why:
            why = f"{label} on the undirected projection ({_names(plan.vertices)}). {plan.why}"
        return _Plan(algorithm, plan.vertices, plan.edges, False, dict(parameters), why)

    return variant


def _triangles_variant(plan: _Plan, use_case: UseCase, topology: SchemaTopology) -> _Plan:
    focus = use_case.focus_collections
    self_edges = [e for f in focus for e in topology.self_edges(f)]
    if self_edges:
        # "Triangles among customers": a triangle needs three ties among the entities
        # themselves; through orders or devices (two-mode links) none can ever close.
        vertices = [f for f in focus if topology.self_edges(f)]
        edges = self_edges
    else:
        vertices, edges = plan.vertices, plan.edges
    why = (
        f"Triangle counting on the undirected {_names(edges)} network of {_names(vertices)}: "
        "each vertex's triangles and local clustering coefficient (the share of its "
        "neighbour pairs that are themselves tied), with the graph's average clustering and "
        "transitivity."
    )
    return _Plan("triangles", vertices, edges, False, {"score": "triangles"}, why)


def _scoring_variant(
    algorithm: AlgorithmName, parameters: dict[str, Any]
) -> Callable[[_Plan, UseCase, SchemaTopology], _Plan]:
    def variant(plan: _Plan, use_case: UseCase, topology: SchemaTopology) -> _Plan:
        direction = "directed" if plan.directed else "undirected"
        why = (
            f"{ALGORITHM_LABELS[algorithm]} over {_names(plan.edges)} between "
            f"{_names(plan.vertices)} ({direction}), as the requirement asks, on the projection "
            f"chosen for {use_case.intent} questions."
        )
        return _Plan(algorithm, plan.vertices, plan.edges, plan.directed, dict(parameters), why)

    return variant


# How to run an algorithm a requirement names on the projection its intent's rule chose. Only
# pairs in use_cases.COMPATIBLE_ALGORITHMS reach these (e.g. Louvain for communities).
_REQUESTED: dict[str, Callable[[_Plan, UseCase, SchemaTopology], _Plan]] = {
    "louvain": _community_variant("louvain", {"resolution": 1.0}),
    "leiden": _community_variant("leiden", {"resolution": 1.0}),
    "label_propagation": _community_variant("label_propagation", {}),
    "triangles": _triangles_variant,
    "kcore": _scoring_variant("kcore", {}),
    "pagerank": _scoring_variant("pagerank", {"damping_factor": 0.85}),
    "degree": _scoring_variant("degree", {"mode": "all"}),
}


def _plan_for(use_case: UseCase, topology: SchemaTopology) -> tuple[_Plan, list[str]]:
    """The intent's plan, running the requested algorithm when the use case names one.

    Returns:
        (the plan, notes for the report: the use case's own, and a replacement when the
        requested algorithm cannot run here).
    """
    plan = _RULES[use_case.intent](use_case, topology)
    notes = list(use_case.notes)
    requested = use_case.algorithm
    if requested is None or requested == plan.algorithm:
        return plan, notes
    variant = _REQUESTED.get(requested)
    if variant is None:
        notes.append(
            f"{use_case.id} asked for {ALGORITHM_LABELS[requested]}, which does not answer "
            f"{use_case.intent} questions on this schema; {ALGORITHM_LABELS[plan.algorithm]} "
            "ran instead."
        )
        return plan, notes
    return variant(plan, use_case, topology), notes


_RULES = {
    "influence": _influence,
    "hubs": _hubs,
    "communities": _communities,
    "rings": _rings,
    "cycles": _cycles,
    "brokers": _brokers,
    "cohesion": _cohesion,
}


def validate_template(template: AnalysisTemplate, schema: GraphSchema) -> AnalysisTemplate:
    """Check a template against the schema and the algorithm registry.

    Args:
        template: A template from the rules, an LLM or a user.
        schema: The analysed schema.

    Returns:
        The template with its effective parameters (defaults filled in).

    Raises:
        TemplateValidationError: empty projection; unknown collection; a collection of the
            wrong kind; an edge collection with no endpoint collection (on either side) in the
            projection; result collections outside the projection; unknown algorithm; bad
            parameters.
    """
    where = f"template {template.id}"
    spec = algorithm_spec(template.algorithm)
    projection = template.projection
    if not projection.vertex_collections or not projection.edge_collections:
        raise TemplateValidationError(
            f"{where}: the projection needs at least one vertex and one edge collection"
        )
    topology = SchemaTopology(schema)
    for name in projection.vertex_collections:
        profile = schema.collection(name)
        if profile is None:
            raise TemplateValidationError(
                f"{where}: unknown vertex collection {name!r}; vertex collections: "
                f"{_names(schema.vertex_collections)}"
            )
        if profile.kind != "document":
            raise TemplateValidationError(
                f"{where}: {name!r} is an edge collection, listed as a vertex collection"
            )
    members = set(projection.vertex_collections)
    for name in projection.edge_collections:
        profile = schema.collection(name)
        if profile is None:
            raise TemplateValidationError(
                f"{where}: unknown edge collection {name!r}; edge collections: "
                f"{_names(schema.edge_collections)}"
            )
        if profile.kind != "edge":
            raise TemplateValidationError(
                f"{where}: {name!r} is a vertex collection, listed as an edge collection"
            )
        if name not in topology.ends:
            raise TemplateValidationError(f"{where}: edge collection {name!r} has no definition")
        sources, targets = topology.ends[name]
        if not members & set(sources) or not members & set(targets):
            raise TemplateValidationError(
                f"{where}: edge collection {name!r} connects {_names(sources)} to "
                f"{_names(targets)}, but the projection holds {_names(sorted(members))}"
            )
    outside = [c for c in template.result_collections if c not in members]
    if outside:
        raise TemplateValidationError(
            f"{where}: result collection(s) {_names(outside)} are not in the projection"
        )
    if template.top_k < 1:
        raise TemplateValidationError(f"{where}: top_k must be at least 1, got {template.top_k}")
    parameters = validate_parameters(spec.name, template.parameters)
    return template.model_copy(update={"parameters": parameters})


@dataclass
class TemplateDesign:
    """What rule-based design produced: the templates and the use cases left without one."""

    templates: list[AnalysisTemplate]
    failures: list[tuple[UseCase, str]]
    """(use case, reason) for every use case that got no valid template."""


def design_templates_with_failures(
    use_cases: list[UseCase], schema: GraphSchema, *, max_templates: int, top_k: int
) -> TemplateDesign:
    """Design one validated template per use case, highest priority first.

    Args:
        use_cases: The use cases to answer.
        schema: The analysed schema.
        max_templates: Upper bound on the number of templates.
        top_k: Top entities / largest groups each template reports.

    Returns:
        The templates (ids TPL-001...) and the use cases that got none, with the reason.
    """
    topology = SchemaTopology(schema)
    ordered = sorted(use_cases, key=lambda u: _PRIORITY_ORDER[u.priority])
    templates: list[AnalysisTemplate] = []
    failures: list[tuple[UseCase, str]] = []
    for use_case in ordered:
        if len(templates) >= max_templates:
            failures.append((use_case, f"max_templates={max_templates} reached"))
            continue
        known = [f for f in use_case.focus_collections if topology.is_vertex(f)]
        if not known:
            failures.append((use_case, "none of its focus collections is in the schema"))
            continue
        use_case_known = use_case.model_copy(update={"focus_collections": known})
        try:
            plan, notes = _plan_for(use_case_known, topology)
            template = validate_template(
                AnalysisTemplate(
                    id=f"TPL-{len(templates) + 1:03d}",
                    use_case_id=use_case.id,
                    requirement_ids=list(use_case.requirement_ids),
                    title=f"{use_case.title} ({ALGORITHM_LABELS[plan.algorithm]})",
                    algorithm=plan.algorithm,
                    projection=GraphProjection(
                        vertex_collections=plan.vertices,
                        edge_collections=plan.edges,
                        directed=plan.directed,
                    ),
                    parameters=plan.parameters,
                    result_collections=[f for f in known if f in plan.vertices],
                    top_k=top_k,
                    description=plan.why,
                    notes=notes,
                ),
                schema,
            )
        except (_NoTemplateError, TemplateValidationError) as error:
            failures.append((use_case, str(error)))
            continue
        templates.append(template)
    return TemplateDesign(templates=templates, failures=failures)


def design_templates_by_rules(
    use_cases: list[UseCase], schema: GraphSchema, *, max_templates: int, top_k: int
) -> list[AnalysisTemplate]:
    """Design one validated template per use case, highest priority first (rules path).

    Args:
        use_cases: The use cases to answer.
        schema: The analysed schema.
        max_templates: Upper bound on the number of templates.
        top_k: Top entities / largest groups each template reports.

    Returns:
        Templates with ids TPL-001..., each of which passes `validate_template`.
    """
    return design_templates_with_failures(
        use_cases, schema, max_templates=max_templates, top_k=top_k
    ).templates


def with_use_case_notes(template: AnalysisTemplate, use_case: UseCase | None) -> AnalysisTemplate:
    """The template with its use case's notes, and a note when it swapped the requested algorithm.

    Templates from a model (or a reviewer) may run another algorithm than the one the
    requirement named; the report must say so rather than answer with it silently.
    """
    if use_case is None:
        return template
    notes = list(template.notes)
    notes.extend(note for note in use_case.notes if note not in notes)
    requested = use_case.algorithm
    if requested is not None and template.algorithm != requested:
        note = (
            f"{use_case.id} asked for {ALGORITHM_LABELS[requested]}; this analysis runs "
            f"{ALGORITHM_LABELS.get(template.algorithm, template.algorithm)} instead, as its "
            "template was designed."
        )
        if not any(note.split(";")[0] in existing for existing in notes):
            notes.append(note)
    if notes == template.notes:
        return template
    return template.model_copy(update={"notes": notes})


async def generate_templates(state: WorkflowState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Design the analysis templates for the run's use cases (rules path).

    Args:
        state: Needs `use_cases` and `schema`.
        runtime: Carries `max_templates` and `top_k`.

    Returns:
        Updates for `templates`, `timings` and `errors` (use cases left without a template).
    """
    context = context_of(runtime)
    llm_updates: dict[str, Any] = {}
    with timed("generate_templates") as clock:
        if state.schema is None:
            design = TemplateDesign(templates=[], failures=[])
            errors = [RunError(phase="generate_templates", message="no schema to design for")]
        else:
            design = await asyncio.to_thread(
                design_templates_with_failures,
                state.use_cases,
                state.schema,
                max_templates=context.max_templates,
                top_k=context.top_k,
            )
            # LLM branch: the rule design above is the fallback.
            from gaai_graph.llm.phases import templates_with_llm

            design, llm_updates = await templates_with_llm(
                context, state.use_cases, state.schema, design
            )
            use_cases = {use_case.id: use_case for use_case in state.use_cases}
            design.templates = [
                with_use_case_notes(template, use_cases.get(template.use_case_id))
                for template in design.templates
            ]
            errors = [
                RunError(
                    phase="generate_templates",
                    message=f"{use_case.id} ({use_case.title}) got no template: {reason}",
                )
                for use_case, reason in design.failures
            ]
    return {
        "templates": design.templates,
        "timings": [clock.timing],
        "errors": errors,
        **llm_updates,
    }
