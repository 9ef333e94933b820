"""Template design and execution of two-mode projections, composed answers and kept-apart relations.

* A community question about one side of a two-mode graph (Davis' Southern Women and the
  events they attend) is projected onto that side, weighted by shared events, and the numbers
  match NetworkX's `bipartite.weighted_projected_graph`; the report says it was projected and
  onto what.
* "Which groups, and who leads each" gives one template and one report carrying both intents,
  each group's leader being the best member by PageRank computed inside the group (checked
  against NetworkX on the induced subgraph).
* Edge collections with different meanings (calls and texts, transfers and logins) are not
  mixed unless the question names them together.
"""

from __future__ import annotations

import math

import networkx as nx
import pytest
from networkx.algorithms import bipartite
from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python

from gaai_graph.engines.local import LocalEngine
from gaai_graph.errors import TemplateValidationError
from gaai_graph.methods.projection import SHARED_WEIGHT, project_onto
from gaai_graph.models import AnalysisTemplate, GraphProjection, UseCase, Vertical
from gaai_graph.nodes.report import write_report_by_rules
from gaai_graph.nodes.schema import profile_schema
from gaai_graph.nodes.templates import design_templates_by_rules, validate_template
from gaai_graph.sources import CollectionData, GraphData
from gaai_graph.sources.projection import build_projection

VERTICAL = Vertical(name="generic", title="Generic graph")


def _data(vertices: dict[str, list[str]], edges: dict[str, list[tuple[str, str]]]) -> GraphData:
    collections = {
        name: CollectionData(
            name, "document", [{"_key": k, "_id": f"{name}/{k}", "name": k} for k in keys]
        )
        for name, keys in vertices.items()
    }
    for name, pairs in edges.items():
        collections[name] = CollectionData(
            name, "edge", [{"_key": str(i), "_from": a, "_to": b} for i, (a, b) in enumerate(pairs)]
        )
    return GraphData(source="memory", collections=collections)


def _key(name: str) -> str:
    return name.replace(" ", "_")


@pytest.fixture(scope="module")
def davis() -> tuple[GraphData, nx.Graph]:
    """Davis' Southern Women as women -attended-> events, and NetworkX's own graph."""
    graph = nx.davis_southern_women_graph()
    women = [_key(n) for n, side in graph.nodes(data="bipartite") if side == 0]
    events = [_key(n) for n, side in graph.nodes(data="bipartite") if side == 1]
    attended = [
        (f"women/{_key(w)}", f"events/{_key(e)}")
        for w, e in graph.edges()
        if graph.nodes[w]["bipartite"] == 0
    ] + [
        (f"women/{_key(e)}", f"events/{_key(w)}")
        for w, e in graph.edges()
        if graph.nodes[w]["bipartite"] == 1
    ]
    return _data({"women": women, "events": events}, {"attended": attended}), graph


def _use_case(intents: list[str], focus: list[str], **extra: object) -> UseCase:
    return UseCase(
        id="UC-001",
        title="Groups",
        intent="communities" if intents[0] == "communities" else "influence",
        description="",
        requirement_ids=["REQ-001"],
        focus_collections=focus,
        intents=intents,
        **extra,  # type: ignore[arg-type]
    )


def _template(data: GraphData, use_case: UseCase) -> AnalysisTemplate:
    schema = profile_schema(data, graph_name=None, core_collections=None)
    templates = design_templates_by_rules([use_case], schema, max_templates=5, top_k=10)
    assert len(templates) == 1
    return templates[0]


def _run(data: GraphData, template: AnalysisTemplate):  # type: ignore[no-untyped-def]
    projection = build_projection(data, template.projection, {})
    return LocalEngine().run(projection, template, seed=7)


# --------------------------------------------------------------------------- two-mode


def test_projection_matches_networkx_weighted_projected_graph(
    davis: tuple[GraphData, nx.Graph],
) -> None:
    data, graph = davis
    projection = build_projection(
        data,
        GraphProjection(vertex_collections=["women", "events"], edge_collections=["attended"]),
        {},
    )
    from gaai_graph.engines.local import _igraph_of

    projected = project_onto(projection, _igraph_of(projection, "test"), "women")
    assert projected is not None
    one_mode = projected.data
    women = [n for n, side in graph.nodes(data="bipartite") if side == 0]
    expected = bipartite.weighted_projected_graph(graph, women)
    got = {
        frozenset((one_mode.vertex_ids[u], one_mode.vertex_ids[v])): w
        for (u, v), w in zip(
            one_mode.edges.tolist(), one_mode.edge_values[SHARED_WEIGHT].tolist(), strict=True
        )
    }
    want = {
        frozenset((f"women/{_key(u)}", f"women/{_key(v)}")): float(w)
        for u, v, w in expected.edges(data="weight")
    }
    assert got == want
    assert sorted(one_mode.vertex_ids) == sorted(f"women/{_key(w)}" for w in women)
    assert projected.metrics["projected_edge_count"] == expected.number_of_edges()


def test_community_question_on_one_side_is_projected_onto_it(
    davis: tuple[GraphData, nx.Graph],
) -> None:
    data, graph = davis
    template = _template(data, _use_case(["communities"], ["women"]))
    assert template.projection.onto == "women"
    assert template.result_collections == ["women"]
    assert "projected onto women through shared events (weights = number shared)" in (
        template.description
    )
    execution = _run(data, template)
    assert execution.status == "succeeded"
    # Every group holds women only: the events were projected away.
    assert all(set(group.composition) == {"women"} for group in execution.groups)
    women = [n for n, side in graph.nodes(data="bipartite") if side == 0]
    expected = bipartite.weighted_projected_graph(graph, women)
    assert execution.metrics["vertex_count"] == expected.number_of_nodes()
    assert execution.metrics["edge_count"] == expected.number_of_edges()
    # The modularity reported is the weighted modularity of the partition found.
    membership: dict[str, int] = {}
    projection = build_projection(data, template.projection, {})
    output = LocalEngine().compute(projection, template, seed=7)
    assert output.membership is not None and output.data is not None
    for vertex_id, label in zip(output.data.vertex_ids, output.membership.tolist(), strict=True):
        membership[vertex_id.split("/", 1)[1]] = label
    communities: dict[int, set[str]] = {}
    for node in expected:
        communities.setdefault(membership[_key(node)], set()).add(node)
    want = nx.community.modularity(expected, communities.values(), weight="weight")
    assert math.isclose(float(execution.metrics["modularity"]), want, rel_tol=1e-9)

    report = write_report_by_rules(template, execution, VERTICAL, [], intent="communities")
    assert report.projected_onto == "women"
    text = " ".join([report.summary, *(i.description for i in report.insights), *report.notes])
    assert "projected onto women through shared events (weights = number shared)" in text


def test_both_sides_asked_keeps_the_two_mode_graph(davis: tuple[GraphData, nx.Graph]) -> None:
    data, _ = davis
    template = _template(data, _use_case(["communities"], ["women", "events"]))
    assert template.projection.onto is None


def test_one_mode_graph_is_not_projected() -> None:
    data = _data(
        {"members": ["a", "b", "c", "d"]},
        {"knows": [("members/a", "members/b"), ("members/b", "members/c")]},
    )
    template = _template(data, _use_case(["communities"], ["members"]))
    assert template.projection.onto is None


def test_onto_must_name_a_side_of_a_two_mode_projection(
    davis: tuple[GraphData, nx.Graph],
) -> None:
    data, _ = davis
    schema = profile_schema(data, graph_name=None, core_collections=None)
    template = _template(data, _use_case(["communities"], ["women"]))
    bad = template.model_copy(
        update={"projection": template.projection.model_copy(update={"onto": "attended"})}
    )
    with pytest.raises(TemplateValidationError, match="two-mode projection"):
        validate_template(bad, schema)


# --------------------------------------------------------------------------- composed


def _two_clubs() -> GraphData:
    """Two dense clubs of six joined by one tie; in each, one member knows all the others."""
    vertices = [f"m{i}" for i in range(12)]
    pairs = []
    for base in (0, 6):
        hub = base + (2 if base == 0 else 4)
        pairs += [(hub, base + j) for j in range(6) if base + j != hub]
        pairs += [(base, base + 1), (base + 3, base + 5), (base + 1, base + 3)]
    pairs.append((5, 6))
    return _data(
        {"members": vertices},
        {"knows": [(f"members/m{a}", f"members/m{b}") for a, b in pairs]},
    )


def test_groups_and_who_leads_each_is_one_composed_answer() -> None:
    data = _two_clubs()
    template = _template(data, _use_case(["communities", "importance"], ["members"]))
    assert template.intents == ["communities", "importance"]
    assert template.ranked_within == "pagerank"
    execution = _run(data, template)
    assert execution.group_count == 2
    full = nx.Graph()
    for edge in data.collections["knows"].documents:
        full.add_edge(edge["_from"], edge["_to"])
    for group in execution.groups:
        members = [v for v in full if _group_of(execution, v) is group]
        scores = _pagerank_python(full.subgraph(members), alpha=0.85, tol=1e-12)
        leader = max(sorted(members), key=lambda v: scores[v])
        assert group.leader == leader
        assert group.leader_score is not None
        assert math.isclose(group.leader_score, scores[leader], rel_tol=1e-6)
    assert {g.leader for g in execution.groups} == {"members/m2", "members/m10"}

    report = write_report_by_rules(template, execution, VERTICAL, [], intent="communities")
    assert report.intents == ["communities", "importance"]
    assert report.answer is not None and report.answer.kind == "entities"
    assert set(report.answer.value) == {"members/m2", "members/m10"}
    # The headline answers the whole question first: the groups, then each one's leader.
    assert report.summary.startswith("2 groups found; the leader of each, by PageRank")
    assert "leads the group of 6" in report.summary


def _group_of(execution, vertex_id):  # type: ignore[no-untyped-def]
    for group in execution.groups:
        if vertex_id in group.members_sample:
            return group
    return None


def test_ranked_within_needs_a_grouping_method() -> None:
    data = _two_clubs()
    schema = profile_schema(data, graph_name=None, core_collections=None)
    template = _template(data, _use_case(["communities", "importance"], ["members"]))
    with pytest.raises(TemplateValidationError, match="finds no groups"):
        validate_template(template.model_copy(update={"algorithm": "pagerank"}), schema)
    with pytest.raises(TemplateValidationError, match="not a scoring method"):
        validate_template(template.model_copy(update={"ranked_within": "leiden"}), schema)


def test_leaders_on_a_projected_graph_use_the_shared_weights(
    davis: tuple[GraphData, nx.Graph],
) -> None:
    data, graph = davis
    template = _template(data, _use_case(["communities", "importance"], ["women"]))
    assert template.projection.onto == "women"
    assert template.ranked_within is not None
    execution = _run(data, template)
    women = [n for n, side in graph.nodes(data="bipartite") if side == 0]
    expected = bipartite.weighted_projected_graph(graph, women)
    projection = build_projection(data, template.projection, {})
    output = LocalEngine().compute(projection, template, seed=7)
    assert output.membership is not None and output.data is not None
    label_of = dict(zip(output.data.vertex_ids, output.membership.tolist(), strict=True))
    for group in execution.groups:
        assert group.leader is not None
        label = label_of[group.leader]
        members = [n for n in expected if label_of[f"women/{_key(n)}"] == label]
        inside = expected.subgraph(members)
        strength = dict(inside.degree(weight="weight"))
        best = max(strength.values())
        assert group.leader_score == best
        assert strength[group.leader.split("/", 1)[1].replace("_", " ")] == best


# --------------------------------------------------------------------------- kept apart


def _phone_data() -> GraphData:
    subscribers = [f"s{i}" for i in range(6)]
    calls = [(f"subscribers/s{i}", f"subscribers/s{(i + 1) % 6}") for i in range(6)]
    calls += [("subscribers/s0", f"subscribers/s{i}") for i in range(2, 5)]
    texts = [("subscribers/s5", f"subscribers/s{i}") for i in range(5)]
    return _data({"subscribers": subscribers}, {"calls": calls, "texts": texts})


def test_parallel_relations_are_kept_apart_unless_named_together() -> None:
    data = _phone_data()
    template = _template(data, _use_case(["importance"], ["subscribers"]))
    assert template.projection.edge_collections == ["calls"]
    assert "texts" in template.description and "kept apart" in template.description
    joined = _template(
        data, _use_case(["importance"], ["subscribers"], edge_collections=["calls", "texts"])
    )
    assert sorted(joined.projection.edge_collections) == ["calls", "texts"]
    named = _template(data, _use_case(["importance"], ["subscribers"], edge_collections=["texts"]))
    assert named.projection.edge_collections == ["texts"]


def test_a_ranking_keeps_the_focus_relation_apart_from_its_logins() -> None:
    accounts = [f"a{i}" for i in range(8)]
    transfers = [(f"accounts/a{i}", "accounts/a0") for i in range(1, 6)]
    logins = [(f"accounts/a{i}", f"devices/d{i % 2}") for i in range(8)]
    data = _data(
        {"accounts": accounts, "devices": ["d0", "d1"]},
        {"transfers": transfers, "logins": logins},
    )
    use_case = UseCase(
        id="UC-001",
        title="Hubs",
        intent="hubs",
        description="",
        requirement_ids=["REQ-001"],
        focus_collections=["accounts"],
    )
    template = _template(data, use_case)
    assert template.algorithm == "degree"
    assert template.projection.edge_collections == ["transfers"]
    assert template.projection.vertex_collections == ["accounts"]


# --------------------------------------------------------------------------- composing use cases


@pytest.mark.parametrize(
    ("question", "composed"),
    [
        ("What are the communities of members and who is the most influential in each?", True),
        ("Which communities exist, and who is the hub of each?", True),
        ("Find the communities and rank the most influential members overall.", False),
    ],
)
def test_use_cases_of_a_composed_question_are_answered_as_one(
    question: str, composed: bool
) -> None:
    from gaai_graph.models import Requirement
    from gaai_graph.nodes.template_design import compose_use_cases
    from gaai_graph.nodes.use_cases import generate_use_cases_by_rules

    data = _two_clubs()
    schema = profile_schema(data, graph_name=None, core_collections=None)
    requirement = Requirement(
        id="REQ-001", kind="requirement", text=question, source="question", line=1
    )
    use_cases, _ = generate_use_cases_by_rules([requirement], schema, VERTICAL)
    joined = compose_use_cases(use_cases, [requirement], schema)
    templates = design_templates_by_rules(joined, schema, max_templates=5, top_k=10)
    intents = [template.intents for template in templates]
    if composed:
        assert intents == [["communities", "importance"]]
        assert templates[0].ranked_within is not None
    else:
        assert sorted(map(tuple, intents)) == [("communities",), ("importance",)]
        assert all(template.ranked_within is None for template in templates)


@pytest.mark.parametrize(
    ("question", "relations"),
    [
        (
            "Who are the most influential subscribers, counting both calls and texts?",
            ["calls", "texts"],
        ),
        ("Who are the most influential subscribers?", ["calls"]),
        ("Who are the most influential subscribers by texts?", ["texts"]),
    ],
)
def test_relations_the_question_names_are_the_ones_joined(
    question: str, relations: list[str]
) -> None:
    from gaai_graph.models import Requirement
    from gaai_graph.nodes.template_design import compose_use_cases
    from gaai_graph.nodes.use_cases import generate_use_cases_by_rules

    data = _phone_data()
    schema = profile_schema(data, graph_name=None, core_collections=None)
    requirement = Requirement(
        id="REQ-001", kind="requirement", text=question, source="question", line=1
    )
    use_cases, _ = generate_use_cases_by_rules([requirement], schema, VERTICAL)
    joined = compose_use_cases(use_cases, [requirement], schema)
    (template,) = design_templates_by_rules(joined, schema, max_templates=5, top_k=10)
    assert sorted(template.projection.edge_collections) == relations


def test_a_template_from_a_model_gets_the_same_steps(davis: tuple[GraphData, nx.Graph]) -> None:
    from gaai_graph.nodes.templates import with_design_steps

    data, _ = davis
    schema = profile_schema(data, graph_name=None, core_collections=None)
    use_case = _use_case(["communities", "importance"], ["women"])
    drafted = validate_template(
        AnalysisTemplate(
            id="TPL-001",
            use_case_id="UC-001",
            requirement_ids=["REQ-001"],
            title="Circles of women",
            algorithm="leiden",
            projection=GraphProjection(
                vertex_collections=["women", "events"], edge_collections=["attended"]
            ),
            result_collections=["women"],
        ),
        schema,
    )
    stepped = with_design_steps(drafted, use_case, schema)
    assert stepped.projection.onto == "women"
    assert stepped.intents == ["communities", "importance"]
    assert stepped.ranked_within is not None
    # Applying the steps again changes nothing; a use case about both sides keeps both.
    assert with_design_steps(stepped, use_case, schema) == stepped
    both = with_design_steps(drafted, _use_case(["communities"], ["women", "events"]), schema)
    assert both.projection.onto is None and both.ranked_within is None


def test_attribute_profile_of_a_projected_partition_reads_the_projected_vertices(
    davis: tuple[GraphData, nx.Graph],
) -> None:
    from gaai_graph.engines.describe import describe_result

    original, _ = davis
    template = _template(original, _use_case(["communities"], ["women"]))
    projection = build_projection(original, template.projection, {})
    output = LocalEngine().compute(projection, template, seed=7)
    assert output.data is not None and output.membership is not None
    circle = {
        vertex_id: f"circle {label}"
        for vertex_id, label in zip(output.data.vertex_ids, output.membership.tolist(), strict=True)
    }
    # The same graph, whose women carry the circle their community is: a perfect alignment,
    # measured on the 18 projected women (not on the 32 women and events of the two-mode graph).
    collections = dict(original.collections)
    collections["women"] = CollectionData(
        "women",
        "document",
        [{**doc, "circle": circle[doc["_id"]]} for doc in original.collections["women"].documents],
    )
    data = GraphData(source="memory", collections=collections)
    schema = profile_schema(data, graph_name=None, core_collections=None)
    projection = build_projection(data, template.projection, {})
    execution = LocalEngine().run(projection, template, seed=7)
    described = describe_result(execution, data, projection, schema, seed=7)
    assert described.partition_profile is not None
    best = described.partition_profile["best"]
    assert best["attribute"] == "circle"
    assert math.isclose(float(best["purity"]), 1.0)
    members = [m for ms in described.partition_profile["members"].values() for m in ms]
    assert members and all(m.startswith("women/") for m in members)
