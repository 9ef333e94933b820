"""Template design by rules: from a use case to a method, a projection and parameters.

Each use-case intent has one default method whose module designs its projection from the
schema (edge definitions, counts, roles), never from collection names: see the projection
rules in `gaai_graph.methods.centrality`, `.communities`, `.cohesion`, `.components` and
`.cycles`. A method the requirement names (`UseCase.algorithm`: "Use Louvain ...", "count
triangles ...") runs on its intent's projection instead of the default one, through the
method's own `adapt`; a requested method that cannot run there is replaced only with a note
the report repeats. Every template, from rules, a model or a reviewer, passes
`validate_template`.

Three steps follow every plan, whichever way it was chosen:

* **relations kept apart** (`_kept_apart`): edge collections with different meanings (calls
  and texts between subscribers; transfers between accounts and their logins on devices) are
  not mixed into one projection unless the question names them together: a ranking keeps
  the focus's own relation, and parallel relations between the same collections keep the
  one the question names, else the largest; the description says which were kept apart.
* **two-mode projection** (`GraphProjection.onto`): a method that needs a one-mode graph
  (`DataNeeds.bipartite == "one_mode"`: community detection) on a two-mode projection (women
  and the events they attend) runs on its projection onto the side the question asks about,
  pairs weighted by the number of neighbours they share (`gaai_graph.methods.projection`).
* **composed questions** (`AnalysisTemplate.ranked_within`): a grouping use case that also
  asks who leads each group gets the scoring method of that intent run inside each group.
"""

from __future__ import annotations

from dataclasses import dataclass

from gaai_graph.errors import TemplateValidationError
from gaai_graph.methods.base import Method, NoProjectionError, Plan
from gaai_graph.methods.projection import bipartite_onto, projection_statement
from gaai_graph.methods.registry import METHODS, default_method, get_method, label_of
from gaai_graph.methods.topology import SchemaTopology
from gaai_graph.models import (
    AnalysisTemplate,
    GraphProjection,
    GraphSchema,
    Priority,
    Requirement,
    UseCase,
)
from gaai_graph.nodes.method_plans import plan_for_method, with_attributes
from gaai_graph.nodes.question_use_cases import LEGACY_INTENT, vocabulary_intents
from gaai_graph.questions import QuestionReading, graph_terms, read_question
from gaai_graph.words import join_names

__all__ = [
    "TemplateDesign",
    "compose_use_cases",
    "design_templates_by_rules",
    "design_templates_with_failures",
    "validate_template",
    "with_design_steps",
    "with_use_case_notes",
]

_PRIORITY_ORDER: dict[Priority, int] = {"high": 0, "medium": 1, "low": 2}


def _titled(use_case_title: str, algorithm: str) -> str:
    """The template title: the use case's title naming the method that runs, once.

    A use case read from a question already names its method in brackets; that name is
    replaced (the plan may run another method) rather than a second one appended.
    """
    stem, bracket, rest = use_case_title.rpartition(" (")
    labels = {method.label for method in METHODS.values()}
    if bracket and rest.endswith(")") and rest[:-1] in labels:
        use_case_title = stem
    return f"{use_case_title} ({label_of(algorithm)})"


def _plan_for(use_case: UseCase, topology: SchemaTopology) -> tuple[Plan, list[str]]:
    """The plan of the method the question implies, or the intent's rule.

    A use case read from a question names its method: methods with a projection rule for
    its intent run on that rule's projection (as a requested method does); the others, or
    when that rule finds no projection, run on the projection their data needs
    (`method_plans`).

    Returns:
        (the plan, notes for the report: the use case's own, and a replacement when the
        requested method cannot run here).
    """
    chosen = METHODS.get(use_case.method) if use_case.method else None
    if chosen is not None:
        ruled = use_case.intent in chosen.use_case_intents and (
            chosen.adapt is not None or use_case.intent in chosen.default_for
        )
        if ruled and chosen.name != "wcc":
            try:
                plan, notes = _rule_plan(
                    use_case.model_copy(update={"algorithm": chosen.name}), topology
                )
            except NoProjectionError:
                pass
            else:
                plan.parameters.update(
                    {k: v for k, v in use_case.parameters.items() if chosen.parameter(k)}
                )
                return plan, notes
        return plan_for_method(chosen, use_case, topology), list(use_case.notes)
    try:
        return _rule_plan(use_case, topology)
    except NoProjectionError as error:
        # The intent's usual projection does not exist here (no identifier collections for
        # rings, say). A method named outright ("how many connected components") still runs,
        # on the relation its data needs, saying so; an intent alone is left unanswered
        # rather than answered with a misleading projection.
        method = METHODS.get(use_case.algorithm or "")
        if method is None:
            raise
        plan = plan_for_method(method, use_case, topology)
        note = f"The usual projection for {use_case.intent} questions is missing ({error})."
        return plan, [*use_case.notes, note]


def _rule_plan(use_case: UseCase, topology: SchemaTopology) -> tuple[Plan, list[str]]:
    """The intent's rule plan, running the requested method when the use case names one."""
    design = default_method(use_case.intent).design
    if design is None:  # default_method returns only methods with a design
        raise NoProjectionError(f"no projection rule answers {use_case.intent} questions")
    plan = design(use_case, topology)
    notes = list(use_case.notes)
    requested = use_case.algorithm
    if requested is None or requested == plan.algorithm:
        return plan, notes
    wanted = METHODS.get(requested)
    if wanted is None or wanted.adapt is None:
        notes.append(
            f"{use_case.id} asked for {label_of(requested)}, which does not answer "
            f"{use_case.intent} questions on this schema; {label_of(plan.algorithm)} "
            "ran instead."
        )
        return plan, notes
    return wanted.adapt(plan, use_case, topology), notes


def _kept_apart(plan: Plan, use_case: UseCase, topology: SchemaTopology) -> Plan:
    """The plan without the relations that mean something else than the one it answers on.

    Edge collections the question names together stay together. Otherwise:

    * a ranking of who matters (a scoring method answering importance) of a focus that has a
      relation of its own in the plan (transfers between accounts) ranks on that relation
      only, not mixed with the focus's other relations (logins on devices);
    * communities leave out the focus's identifier relations (devices, cards: the evidence of
      the shared-identifier question) when other relations of the focus remain;
    * parallel relations, edge collections between the very same vertex collections (calls and
      texts between subscribers), keep the one the question names, else the largest.

    Returns:
        The plan itself when nothing was mixed, else a narrower plan whose description says
        which relations were kept apart.
    """
    named = [e for e in use_case.edge_collections if e in plan.edges]
    if len(named) >= 2 or len(plan.edges) < 2:
        return plan
    focus = [f for f in use_case.focus_collections if f in plan.vertices]
    method = METHODS.get(plan.algorithm)
    own = [e for e in plan.edges for f in focus if e in topology.self_edges(f)]
    edges = list(plan.edges)
    if method is not None and method.kind == "scoring" and "importance" in method.intents and own:
        others = [e for e in edges if e not in own and topology.endpoints(e) & set(focus)]
        if others:
            kept = named or own
            edges = [e for e in edges if e in kept]
    if method is not None and method.kind == "grouping" and "communities" in method.intents:
        # Shared devices or cards are evidence for the shared-identifier question; mixed into
        # communities they glue together whoever shares one, whatever else relates them.
        identifiers = {n for f in focus for n in topology.identifier_neighbours(f)}
        leaving = [e for e in edges if topology.endpoints(e) & identifiers and e not in named]
        staying = [e for e in edges if e not in leaving]
        if leaving and any(topology.endpoints(e) & set(focus) for e in staying):
            edges = staying
    parallel: dict[tuple[tuple[str, ...], tuple[str, ...]], list[str]] = {}
    for edge in edges:
        sources, targets = topology.ends.get(edge, ([], []))
        parallel.setdefault((tuple(sorted(sources)), tuple(sorted(targets))), []).append(edge)
    for relations in parallel.values():
        if len(relations) < 2:
            continue
        chosen = next((e for e in relations if e in named), None) or max(
            relations, key=lambda e: (topology.count(e), e)
        )
        edges = [e for e in edges if e not in relations or e == chosen]
    if edges == plan.edges or not edges:
        return plan
    apart = [e for e in plan.edges if e not in edges]
    vertices = [v for v in plan.vertices if any(v in topology.endpoints(e) for e in edges)]
    kept_apart = (
        f"{join_names(apart)} {'means' if len(apart) == 1 else 'mean'} something else and "
        f"{'is' if len(apart) == 1 else 'are'} kept apart, since the question does not join "
        "them."
    )
    if not set(edges) & set(own) or method is None or method.kind != "scoring":
        why = f"{plan.why} Left out: {kept_apart}"
    else:
        how = "directed" if plan.directed else "undirected"
        why = (
            f"{method.long_name[:1].upper()}{method.long_name[1:]} of {join_names(focus)} on "
            f"{join_names(edges)}, their own relation ({how}): {kept_apart}"
        )
    return Plan(plan.algorithm, vertices, edges, plan.directed, dict(plan.parameters), why)


def _two_mode(
    plan: Plan, method: Method, use_case: UseCase, topology: SchemaTopology
) -> tuple[str | None, str]:
    """The side a one-mode method's two-mode projection is projected onto, and why.

    Returns:
        (the vertex collection to project onto, or None, and a sentence for the description).
    """
    if method.needs.bipartite != "one_mode":
        return None, ""
    sides = bipartite_onto(plan.vertices, plan.edges, use_case.focus_collections, topology)
    if sides is None:
        return None, ""
    onto, other = sides
    return onto, (
        f" {join_names(plan.vertices)} form a two-mode graph ({join_names(plan.edges)} only "
        f"between {onto} and {other}), so it is {projection_statement(onto, other)} before "
        f"{method.long_name} runs."
    )


def _ranked_within(use_case: UseCase, method: Method, weighted: bool) -> Method | None:
    """The scoring method that names each group's leader, for a composed grouping question.

    The use case's further intents (after its grouping intent) are asked *within* each group:
    "who leads each" is importance within communities. The method is the default of that
    intent's rule; on a weighted graph (a two-mode projection, or groups found by a weight) one
    that reads weights, when the default ignores them.
    """
    if method.kind != "grouping":
        return None
    for intent in vocabulary_intents(use_case)[1:]:
        legacy = LEGACY_INTENT.get(intent)
        if legacy is None or intent in method.intents:
            continue
        try:
            ranking = default_method(legacy)
        except KeyError:
            continue
        if ranking.kind != "scoring" or ranking.local is None:
            continue
        if weighted and ranking.needs.weights == "ignored":
            ranking = next(
                (
                    m
                    for m in METHODS.values()
                    if m.kind == "scoring"
                    and intent in m.intents
                    and m.needs.weights != "ignored"
                    and m.needs.named_entities in ("none", "optional")
                    and m.local is not None
                ),
                ranking,
            )
        return ranking
    return None


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
    method = get_method(template.algorithm)
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
                f"{join_names(schema.vertex_collections)}"
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
                f"{join_names(schema.edge_collections)}"
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
                f"{where}: edge collection {name!r} connects {join_names(sources)} to "
                f"{join_names(targets)}, but the projection holds {join_names(sorted(members))}"
            )
    outside = [c for c in template.result_collections if c not in members]
    if outside:
        raise TemplateValidationError(
            f"{where}: result collection(s) {join_names(outside)} are not in the projection"
        )
    if template.top_k < 1:
        raise TemplateValidationError(f"{where}: top_k must be at least 1, got {template.top_k}")
    _validate_steps(template, method, topology)
    parameters = method.validate(template.parameters)
    return template.model_copy(update={"parameters": parameters})


def _validate_steps(template: AnalysisTemplate, method: Method, topology: SchemaTopology) -> None:
    """Check the two-mode projection and the ranking within groups a template asks for."""
    where = f"template {template.id}"
    projection = template.projection
    onto = projection.onto
    if onto is not None:
        sides = bipartite_onto(
            projection.vertex_collections, projection.edge_collections, [onto], topology
        )
        if sides is None:
            raise TemplateValidationError(
                f"{where}: projection.onto={onto!r} needs a two-mode projection: two vertex "
                f"collections, one of them {onto!r}, and edge collections only between them "
                f"(the projection holds {join_names(projection.vertex_collections)} and "
                f"{join_names(projection.edge_collections)})"
            )
    if template.ranked_within is not None:
        ranking = METHODS.get(template.ranked_within)
        if ranking is None or ranking.kind != "scoring" or ranking.local is None:
            raise TemplateValidationError(
                f"{where}: ranked_within={template.ranked_within!r} is not a scoring method "
                "the local engine runs; name one such as pagerank or degree, or leave it null"
            )
        if method.kind != "grouping":
            raise TemplateValidationError(
                f"{where}: ranked_within ranks the members of each group, but "
                f"{template.algorithm} finds no groups; leave it null"
            )


def compose_use_cases(
    use_cases: list[UseCase], requirements: list[Requirement], schema: GraphSchema
) -> list[UseCase]:
    """The use cases as their questions' readings join them: relations and composed intents.

    Use cases made from a question's words one intent at a time miss two things the reading
    (`read_question`) of the whole question says:

    * **the relations it names** ("counting both calls and texts"): a use case naming none
      takes them (`UseCase.edge_collections`), so relations the question joins are not kept
      apart;
    * **composition** ("which communities exist, and who is the most influential member of
      each": importance *within* communities): the grouping use case takes the scoped intent
      (`UseCase.intents`, so its template names each group's leader) and the use case that
      only asked the scoped intent for that requirement is dropped, one answer instead of two
      unrelated reports.

    Use cases that already carry these are left as they are.

    Args:
        use_cases: The run's use cases.
        requirements: The requirements they answer.
        schema: The analysed schema (the words the question may use).

    Returns:
        The use cases, completed and composed where a requirement's reading says so.
    """
    by_id = {requirement.id: requirement for requirement in requirements}
    terms = graph_terms(schema)
    readings = {
        requirement_id: read_question(
            " ".join(by_id[requirement_id].text.split()), schema, terms=terms
        )
        for requirement_id in dict.fromkeys(r for u in use_cases for r in u.requirement_ids)
        if requirement_id in by_id
    }
    composed = [
        _with_named_relations(u, [readings[r] for r in u.requirement_ids if r in readings])
        for u in use_cases
    ]
    for requirement_id, reading in readings.items():
        asking = [u for u in composed if requirement_id in u.requirement_ids]
        for scoped in reading.intents if len(asking) >= 2 else []:
            if scoped.within is None:
                continue
            groups = next((u for u in asking if vocabulary_intents(u)[0] == scoped.within), None)
            if groups is None or scoped.intent in vocabulary_intents(groups):
                continue
            asked_alone = [
                u
                for u in asking
                if u is not groups
                and vocabulary_intents(u) == [scoped.intent]
                and u.requirement_ids == [requirement_id]
            ]
            if not asked_alone:
                continue
            joined = groups.model_copy(
                update={"intents": [*vocabulary_intents(groups), scoped.intent]}
            )
            composed = [joined if u is groups else u for u in composed if u not in asked_alone]
            asking = [joined if u is groups else u for u in asking if u not in asked_alone]
    return composed


def _with_named_relations(use_case: UseCase, readings: list[QuestionReading]) -> UseCase:
    """The use case with the edge collections its questions name, when it names none."""
    if use_case.edge_collections:
        return use_case
    named = list(
        dict.fromkeys(
            e for reading in readings for r in reading.intents for e in r.edge_collections
        )
    )
    if not named:
        return use_case
    return use_case.model_copy(update={"edge_collections": named})


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
            plan = _kept_apart(plan, use_case_known, topology)
            method = get_method(plan.algorithm)
            onto, projected = _two_mode(plan, method, use_case_known, topology)
            weighted = onto is not None or bool(plan.parameters.get("weight_attribute"))
            ranking = _ranked_within(use_case_known, method, weighted=weighted)
            led = (
                f" The leader of each group is its member with the highest "
                f"{ranking.long_name} inside the group."
                if ranking is not None
                else ""
            )
            template = validate_template(
                AnalysisTemplate(
                    id=f"TPL-{len(templates) + 1:03d}",
                    use_case_id=use_case.id,
                    requirement_ids=list(use_case.requirement_ids),
                    title=_titled(use_case.title, plan.algorithm),
                    algorithm=plan.algorithm,
                    projection=GraphProjection(
                        vertex_collections=plan.vertices,
                        edge_collections=plan.edges,
                        directed=plan.directed,
                        onto=onto,
                    ),
                    parameters=plan.parameters,
                    result_collections=[onto]
                    if onto is not None
                    else [f for f in known if f in plan.vertices],
                    top_k=top_k,
                    description=plan.why + projected + led,
                    notes=notes,
                    intents=vocabulary_intents(use_case),
                    ranked_within=ranking.name if ranking is not None else None,
                ),
                schema,
            )
            template = template.model_copy(
                update={"projection": with_attributes(template.projection, template.parameters)}
            )
        except (NoProjectionError, TemplateValidationError) as error:
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


def with_design_steps(
    template: AnalysisTemplate, use_case: UseCase | None, schema: GraphSchema
) -> AnalysisTemplate:
    """A template from elsewhere (a model, a reviewer) with the steps rule design adds.

    The question intents its use case answers, the projection of a two-mode graph onto the
    side asked about, and the ranking inside each group of a composed question, when the
    template does not set them itself. A template these steps would make invalid is returned
    unchanged.
    """
    if use_case is None:
        return template
    topology = SchemaTopology(schema)
    method = get_method(template.algorithm)
    projection = template.projection
    update: dict[str, object] = {}
    if not template.intents:
        update["intents"] = vocabulary_intents(use_case)
    onto = projection.onto
    if onto is None:
        plan = Plan(
            template.algorithm,
            list(projection.vertex_collections),
            list(projection.edge_collections),
            projection.directed,
            dict(template.parameters),
            template.description,
        )
        onto, projected = _two_mode(plan, method, use_case, topology)
        if onto is not None:
            update["projection"] = projection.model_copy(update={"onto": onto})
            update["result_collections"] = [onto]
            update["description"] = template.description + projected
    if template.ranked_within is None:
        composed = use_case.model_copy(
            update={"intents": list(template.intents) or vocabulary_intents(use_case)}
        )
        weighted = onto is not None or bool(template.parameters.get("weight_attribute"))
        ranking = _ranked_within(composed, method, weighted=weighted)
        if ranking is not None:
            update["ranked_within"] = ranking.name
    if not update:
        return template
    try:
        return validate_template(template.model_copy(update=update), schema)
    except TemplateValidationError:
        return template


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
            f"{use_case.id} asked for {label_of(requested)}; this analysis runs "
            f"{label_of(template.algorithm)} instead, as its "
            "template was designed."
        )
        if not any(note.split(";")[0] in existing for existing in notes):
            notes.append(note)
    if notes == template.notes:
        return template
    return template.model_copy(update={"notes": notes})
