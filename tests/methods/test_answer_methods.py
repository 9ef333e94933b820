"""Every method built on `methods.compute`: the direct answer each states, checked against
NetworkX on small graphs, and the clear error on bad parameters or unknown vertices."""

from __future__ import annotations

import itertools
import math

import networkx as nx
import pytest
from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python

from gaai_graph.errors import TemplateValidationError
from gaai_graph.methods.registry import METHODS, get_method

from ._jobs import run, vertex_id
from .compute._graphs import hand_made_directed, karate, weighted

OURS = [
    name
    for name, method in METHODS.items()
    if method.local is not None
    and method.local.__module__.split(".")[-1]
    in {
        "centrality_extra",
        "partitions",
        "connectivity",
        "dependencies",
        "loops",
        "paths",
        "trees",
        "similarity",
        "colouring",
        "projection",
    }
]


def test_at_least_35_methods_are_declared_and_ours_cover_the_new_names():
    assert len(METHODS) >= 35
    assert len(OURS) >= 38


def ids(vertices):
    return [vertex_id(v) for v in vertices]


def test_in_out_degree_and_strength_state_named_scores():
    graph = weighted(hand_made_directed(), 2)
    outcome = run(get_method("in_degree"), graph, vertices="v/3|v/0")
    assert outcome.answer["kind"] == "values"
    assert outcome.answer["value"] == {"v/3": 2.0, "v/0": 1.0}
    assert "v/3 scores higher" in outcome.metrics["headline"]
    outcome = run(get_method("strength"), graph, weight_attribute="weight", direction="out")
    expected = dict(graph.out_degree(weight="weight"))
    assert outcome.scores.tolist() == pytest.approx([expected[v] for v in range(9)])
    assert outcome.answer is None


def test_personalized_pagerank_and_harmonic_answers():
    graph = karate()
    outcome = run(get_method("personalized_pagerank"), graph, sources="v/0", vertices="v/33")
    theirs = _pagerank_python(
        graph, personalization={0: 1.0}, weight=None, tol=1e-13, max_iter=100_000
    )
    assert outcome.answer["value"]["v/33"] == pytest.approx(theirs[33], abs=1e-9)
    outcome = run(get_method("harmonic"), graph, vertices="v/0|v/33")
    harmonic = nx.harmonic_centrality(graph)
    assert outcome.answer["value"] == pytest.approx({"v/0": harmonic[0], "v/33": harmonic[33]})
    assert "not normalised" in outcome.answer["convention"]


def test_unknown_vertex_is_one_clear_line():
    with pytest.raises(TemplateValidationError, match=r"'v/99' is not a vertex of the projection"):
        run(get_method("shortest_path"), karate(), source="v/0", target="v/99")
    with pytest.raises(TemplateValidationError, match="parameter 'source' is required"):
        run(get_method("shortest_path"), karate(), target="v/1")
    with pytest.raises(TemplateValidationError, match="weight attribute 'cost' is not on"):
        run(get_method("k_nearest"), karate(), source="v/0", weight_attribute="cost")
    with pytest.raises(TemplateValidationError, match="unknown parameter"):
        run(get_method("diameter"), karate(), source="v/0")


def test_is_connected_and_components():
    graph = nx.Graph([(0, 1), (2, 3)])
    outcome = run(get_method("is_connected"), graph)
    assert outcome.answer["kind"] == "yes_no" and outcome.answer["value"] is False
    assert outcome.metrics["component_count"] == 2
    assert run(get_method("is_connected"), karate()).answer["value"] is True


def test_cut_points_bridges_and_removal():
    graph = nx.Graph([(0, 1), (1, 2), (2, 0), (2, 3), (3, 4), (4, 5), (5, 3), (5, 6)])
    points = run(get_method("articulation_points"), graph).answer
    assert sorted(points["value"]) == ids(sorted(nx.articulation_points(graph)))
    bridges = run(get_method("bridges"), graph).answer["value"]
    assert {(u, v) for u, v, _ in bridges} == {
        (vertex_id(min(e)), vertex_id(max(e))) for e in nx.bridges(graph)
    }
    assert bridges[0][2] == 3.0  # 2-3 cuts the triangle 0,1,2 off
    removal = run(get_method("removal_impact"), graph, removed="v/3").answer
    # Two pieces of 3: the one holding the lowest vertex counts as the rest, the other split off.
    assert removal["kind"] == "entities"
    assert removal["value"] == ids([4, 5, 6])


def test_cut_points_cutting_off_a_segment_are_alarms_and_pendant_leaves_are_not():
    # Two 12-vertex rings joined by the edge 0-12, and one leaf (24) hanging on vertex 5.
    graph = nx.Graph(
        [(i, (i + 1) % 12) for i in range(12)]
        + [(12 + i, 12 + (i + 1) % 12) for i in range(12)]
        + [(0, 12), (5, 24)]
    )
    writer, _ = interpret("articulation_points", graph)
    by_vertex = {p["entities"][0]: p for p in writer.patterns}
    assert set(by_vertex) == set(ids(nx.articulation_points(graph)))
    assert by_vertex["v/0"]["flagged"] and by_vertex["v/12"]["flagged"]
    assert by_vertex["v/0"]["evidence"]["observed"] == 12
    assert not by_vertex["v/5"]["flagged"]  # only the leaf 24 hangs on it
    assert by_vertex["v/5"]["confidence"] < by_vertex["v/0"]["confidence"]
    writer, _ = interpret("bridges", graph)
    flagged = [p["entities"] for p in writer.patterns if p["flagged"]]
    assert flagged == [["v/0", "v/12"]]


def test_sole_dependency_names_the_sole_supplier_of_critical_parts():
    graph = nx.DiGraph([(0, 2), (1, 3), (2, 4), (2, 5), (2, 6), (3, 6)])
    outcome = run(
        get_method("sole_dependency"),
        graph,
        vertex_attributes={"critical": [False, False, False, False, True, True, False]},
    )
    assert next(iter(outcome.answer["value"])) == "v/0"
    assert outcome.answer["value"]["v/0"] == 3.0
    assert outcome.metrics["provider_0_critical_failed"] == 2


def test_sole_suppliers_are_alarms_by_the_graphs_own_baseline():
    # 40 suppliers each sole source of one part, 20 dual-sourced parts, one supplier sole
    # source of 15 parts.
    edges = [(s, 100 + s) for s in range(40)]
    edges += [(40 + i % 10, 200 + i) for i in range(20)] + [
        (41 + i % 9, 200 + i) for i in range(20)
    ]
    edges += [(60, 300 + i) for i in range(15)]
    graph = nx.DiGraph(edges)
    graph = nx.convert_node_labels_to_integers(graph, ordering="sorted", label_attribute="name")
    names = nx.get_node_attributes(graph, "name")
    by_name = {names[v]: v for v in graph}
    outcome_writer, _ = interpret("sole_dependency", graph, critical_attribute=None)
    flagged = {p["entities"][0] for p in outcome_writer.patterns if p["flagged"]}
    assert flagged == {vertex_id(by_name[60])}
    big = next(p for p in outcome_writer.patterns if p["entities"] == [vertex_id(by_name[60])])
    assert big["evidence"]["z_score"] > 3.5 and 0.5 < big["confidence"] <= 1


def test_short_cycles_are_loops_not_components():
    graph = nx.DiGraph(
        [(0, 1), (1, 2), (2, 0), (2, 3), (3, 2), *((i, i + 1) for i in range(4, 30)), (30, 4)]
    )
    outcome = run(get_method("short_cycles"), graph, max_length=5)
    expected = {tuple(c) for c in nx.simple_cycles(graph, length_bound=5)}
    assert outcome.metrics["cycle_count"] == len(expected) == 2
    assert sorted(outcome.answer["value"]) == [ids([0, 1, 2]), ids([2, 3])]


def test_routes_match_networkx():
    graph = weighted(nx.connected_watts_strogatz_graph(30, 4, 0.2, seed=3), 3)
    outcome = run(
        get_method("shortest_path"), graph, source="v/0", target="v/15", weight_attribute="weight"
    )
    assert outcome.answer["value"]["length"] == pytest.approx(nx.dijkstra_path_length(graph, 0, 15))
    assert "total weight" in outcome.answer["convention"]
    hops = run(get_method("shortest_path"), graph, source="v/0", target="v/15")
    assert hops.answer["value"]["length"] == nx.shortest_path_length(graph, 0, 15)
    assert "hops" in hops.answer["convention"]
    routes = run(
        get_method("k_shortest_paths"),
        graph,
        source="v/0",
        target="v/15",
        k=3,
        weight_attribute="weight",
    )
    expected = [
        nx.path_weight(graph, p, "weight")
        for p in itertools.islice(nx.shortest_simple_paths(graph, 0, 15, weight="weight"), 3)
    ]
    assert [r["length"] for r in routes.answer["value"]] == pytest.approx(expected)
    every = run(get_method("all_shortest_paths"), graph, source="v/0", target="v/15")
    assert sorted(r["path"] for r in every.answer["value"]) == sorted(
        ids(p) for p in nx.all_shortest_paths(graph, 0, 15)
    )
    nearest = run(get_method("k_nearest"), graph, source="v/0", k=4, weight_attribute="weight")
    distances = nx.single_source_dijkstra_path_length(graph, 0)
    ranked = sorted((d, v) for v, d in distances.items() if v != 0)[:4]
    assert nearest.answer["value"] == ids([v for _, v in ranked])
    reach = run(get_method("reachability"), graph, sources="v/0", max_hops=2)
    assert (
        reach.answer["value"] == len(nx.single_source_shortest_path_length(graph, 0, cutoff=2)) - 1
    )
    diameter = run(get_method("diameter"), graph, weight_attribute="weight")
    assert diameter.answer["value"] == pytest.approx(nx.diameter(graph, weight="weight"))
    eccentricity = run(get_method("eccentricity"), graph, vertices="v/4")
    assert eccentricity.answer["value"] == {"v/4": nx.eccentricity(graph, 4)}


def test_trees_match_networkx():
    graph = weighted(nx.connected_watts_strogatz_graph(20, 4, 0.3, seed=1), 1)
    spanning = run(get_method("minimum_spanning_tree"), graph, weight_attribute="weight")
    assert spanning.answer["value"] == pytest.approx(
        nx.minimum_spanning_tree(graph).size(weight="weight")
    )
    steiner = run(get_method("steiner_tree"), graph, terminals="v/0|v/7|v/13")
    assert "2-approximation" in steiner.answer["convention"]


def test_similarity_and_links_match_networkx():
    graph = karate()
    pair = run(get_method("jaccard"), graph, pair="v/0|v/1").answer
    assert pair["value"] == pytest.approx(next(nx.jaccard_coefficient(graph, [(0, 1)]))[2])
    top = run(get_method("adamic_adar"), graph, top_k=3).answer["value"]
    scores = sorted((s for _, _, s in nx.adamic_adar_index(graph)), reverse=True)[:3]
    assert [s for _, _, s in top] == pytest.approx(scores)
    knn = run(
        get_method("attribute_knn"),
        nx.empty_graph(4),
        source="v/0",
        attributes="x",
        k=2,
        standardise=False,
        vertex_attributes={"x": [0.0, 5.0, 1.0, 2.5]},
    )
    assert knn.answer["value"] == ["v/2", "v/3"]


def test_colouring_and_independent_set():
    graph = nx.cycle_graph(7)
    colours = run(get_method("greedy_colouring"), graph)
    assert colours.answer["value"] == 3
    assert all(colours.membership[u] != colours.membership[v] for u, v in graph.edges)
    chosen = run(get_method("maximal_independent_set"), graph).answer["value"]
    indices = [int(v.split("/")[1]) for v in chosen]
    assert sorted(nx.maximal_independent_set(graph, nodes=indices, seed=1)) == sorted(indices)


def test_bipartite_projection_onto_a_collection():
    graph = nx.Graph([(0, 3), (1, 3), (1, 4), (2, 4), (0, 4)])
    collections = {0: "people", 1: "people", 2: "people", 3: "events", 4: "events"}
    outcome = run(get_method("bipartite_projection"), graph, collections=collections, onto="people")
    expected = nx.bipartite.weighted_projected_graph(graph, [0, 1, 2])
    assert {(u, v): w for u, v, w in outcome.answer["value"]} == {
        tuple(sorted((f"people/{u}", f"people/{v}"))): d["weight"]
        for u, v, d in expected.edges(data=True)
    }
    with pytest.raises(TemplateValidationError, match="'places' is not a vertex collection"):
        run(get_method("bipartite_projection"), graph, collections=collections, onto="places")


def test_grouping_by_attribute_modularity_and_conductance():
    graph = karate()
    clubs = [graph.nodes[v]["club"] for v in range(34)]
    communities = [{v for v in range(34) if clubs[v] == c} for c in ("Mr. Hi", "Officer")]
    outcome = run(
        get_method("modularity"), graph, attribute="club", vertex_attributes={"club": clubs}
    )
    assert outcome.answer["value"] == pytest.approx(
        nx.community.modularity(graph, communities, weight=None)
    )
    conductance = run(
        get_method("conductance"), graph, attribute="club", vertex_attributes={"club": clubs}
    ).answer["value"]
    assert conductance["Officer"] == pytest.approx(nx.conductance(graph, communities[1]))
    grouping = run(
        get_method("attribute_partition"),
        graph,
        attribute="club",
        vertex_attributes={"club": clubs},
    )
    assert grouping.answer["value"] == 2
    clustering = run(get_method("clustering"), graph)
    assert clustering.answer["value"] == pytest.approx(nx.average_clustering(graph))
    assert math.isclose(clustering.metrics["transitivity"], nx.transitivity(graph))


# --------------------------------------------------------------------------- interpretation


def interpret(method_name, graph, **parameters):
    """Run a method and its interpreter as the report node would; return the writer."""
    from gaai_graph.engines.summary import summarize_scores
    from gaai_graph.methods.writing import ReportWriter, result_measures
    from gaai_graph.models import AnalysisTemplate, ExecutionResult, GraphProjection
    from gaai_graph.nodes.vertical import builtin_verticals

    method = get_method(method_name)
    outcome = run(method, graph, **parameters)
    projection = GraphProjection(vertex_collections=["v"], edge_collections=["e"])
    execution = ExecutionResult(
        template_id="t1",
        status="succeeded",
        algorithm="degree",  # any name the current model accepts; the method is read below
        parameters=method.validate(parameters),
        projection=projection,
        metrics={"vertex_count": graph.number_of_nodes(), **outcome.metrics},
        notes=outcome.notes,
    )
    if outcome.scores is not None:
        summary = summarize_scores(
            outcome.scores,
            ids(range(graph.number_of_nodes())),
            ids(range(graph.number_of_nodes())),
            top_k=10,
            result_collections=[],
        )
        execution.statistics = summary.statistics
        execution.top_entities = summary.top_entities
        execution.metrics.update(summary.metrics)
    template = AnalysisTemplate.model_construct(
        id="t1",
        use_case_id="u1",
        requirement_ids=[],
        title="t",
        algorithm=method_name,
        projection=projection,
        parameters=parameters,
        result_collections=[],
        top_k=10,
    )
    vertical = next(iter(builtin_verticals().values()))
    writer = ReportWriter(template, execution, vertical, "cycles", result_measures(execution))
    writer.answer = outcome.answer  # what the engine hands over once ExecutionResult carries it
    method.interpret(writer)
    return writer, execution


def test_loops_with_alike_amounts_and_close_times_are_alarms_against_the_graphs_own_edges():
    import random

    rng = random.Random(7)
    graph = nx.DiGraph()
    graph.add_nodes_from(range(120))
    # Ordinary transfers: random pairs, amounts and times over a year (some close loops by chance).
    while graph.number_of_edges() < 400:
        u, v = rng.randrange(120), rng.randrange(120)
        if u != v:
            graph.add_edge(u, v, amount=rng.lognormvariate(5, 1), when=rng.uniform(0, 3.15e7))
    for u, v in [(0, 1), (1, 2), (2, 0)]:  # clear the planted loop's own hops first
        if graph.has_edge(v, u):
            graph.remove_edge(v, u)
    for hop, (u, v) in enumerate([(0, 1), (1, 2), (2, 0)]):
        graph.add_edge(u, v, amount=9_000.0 - 150 * hop, when=1.0e7 + 3_600 * hop)
    writer, _ = interpret("short_cycles", graph, amount_attribute="amount", time_attribute="when")
    loops = writer.patterns
    assert loops[0]["entities"] == ids([0, 1, 2]) and loops[0]["flagged"]
    assert loops[0]["evidence"]["expected"] < 0.01 and loops[0]["confidence"] > 0.5
    assert 1.0 < loops[0]["evidence"]["amount_ratio"] < 1.04
    assert not any(p["flagged"] for p in loops[1:])
    assert all(p["confidence"] < loops[0]["confidence"] for p in loops[1:])


def test_the_answer_comes_first_and_its_numbers_are_backed():
    from gaai_graph.methods.writing import check_insight

    graph = weighted(nx.connected_watts_strogatz_graph(30, 4, 0.2, seed=3), 3)
    for name, parameters in [
        ("shortest_path", {"source": "v/0", "target": "v/15", "weight_attribute": "weight"}),
        ("is_connected", {}),
        ("diameter", {}),
        ("harmonic", {"vertices": "v/1|v/2"}),
        ("jaccard", {"top_k": 3}),
    ]:
        writer, execution = interpret(name, graph, **parameters)
        first = writer.findings[0].insight
        assert first.title == "The answer", name
        assert first.description == execution.metrics["headline"]
        assert check_insight(first, execution) == [], name
        assert writer.answer["method"] == name


def test_patterns_follow_the_contract():
    loops = nx.DiGraph([(0, 1), (1, 2), (2, 0), (3, 4), (4, 3)])
    writer, _ = interpret("short_cycles", loops)
    assert [p["kind"] for p in writer.patterns] == ["cycle", "cycle"]
    assert all(not p["flagged"] for p in writer.patterns)
    chain = nx.DiGraph([(0, 2), (1, 3), (2, 4), (2, 5), (2, 6), (3, 6)])
    writer, _ = interpret("sole_dependency", chain)
    supplier = writer.patterns[0]
    assert supplier["kind"] == "sole_supplier" and supplier["entities"] == ["v/0"]
    assert supplier["evidence"]["observed"] == 3
    assert not any(p["flagged"] for p in writer.patterns)  # nothing unusual, nothing critical
    path = nx.path_graph(5)
    writer, _ = interpret("bridges", path)
    assert {p["kind"] for p in writer.patterns} == {"bridge"}
    star = nx.DiGraph([(leaf, 0) for leaf in range(1, 40)] + [(1, 2), (3, 4), (5, 6)])
    writer, _ = interpret("in_degree", star)
    collectors = [p for p in writer.patterns if p["kind"] == "collector"]
    assert collectors[0]["entities"] == ["v/0"] and collectors[0]["flagged"]
    assert collectors[0]["evidence"]["z_score"] > 3


def test_answers_are_json_and_unreachable_is_said():
    import json

    graph = nx.DiGraph([(0, 1), (1, 2)])
    graph.add_node(3)
    outcome = run(get_method("single_source_distances"), graph, source="v/0", vertices="v/2|v/3")
    assert outcome.answer["value"] == {"v/2": 2.0, "v/3": None}
    assert "v/3 is unreachable" in outcome.metrics["headline"]
    for name, parameters in [
        ("shortest_path", {"source": "v/2", "target": "v/0"}),
        ("diameter", {}),
        ("eccentricity", {"vertices": "v/0"}),
        ("k_nearest", {"source": "v/0", "k": 5}),
    ]:
        given = run(get_method(name), graph, **parameters).answer
        json.dumps(given, allow_nan=False)
    assert (
        run(get_method("shortest_path"), graph, source="v/2", target="v/0").answer["value"] is None
    )


def test_the_local_engine_runs_a_value_method_and_carries_its_answer():
    from gaai_graph.engines.local import LocalEngine
    from gaai_graph.models import AnalysisTemplate, GraphProjection
    from gaai_graph.sources.base import ProjectionData

    graph = karate()
    projection = GraphProjection(vertex_collections=["v"], edge_collections=["e"], directed=False)
    data = ProjectionData(
        vertex_ids=ids(range(34)),
        labels=ids(range(34)),
        edges=list(graph.edges()),
        directed=False,
        projection=projection,
    )
    template = AnalysisTemplate(
        id="t1",
        use_case_id="u1",
        requirement_ids=[],
        title="Route",
        algorithm="shortest_path",
        projection=projection,
        parameters={"source": "v/16", "target": "v/25"},
    )
    result = LocalEngine().run(data, template)
    assert result.answer is not None and result.answer.kind == "route"
    assert result.answer.value["length"] == nx.shortest_path_length(graph, 16, 25)
    assert result.metrics["headline"].startswith("From v/16 to v/25: 4 hops by the shortest route")


def test_missing_weights_are_counted_in_one_line():
    graph = weighted(nx.path_graph(4), 1)
    graph[1][2]["weight"] = float("nan")
    with pytest.raises(TemplateValidationError, match="missing or not a number on 1 of 3 edges"):
        run(
            get_method("shortest_path"),
            graph,
            source="v/0",
            target="v/3",
            weight_attribute="weight",
        )
