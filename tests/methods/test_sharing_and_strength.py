"""Shared identifiers and weighted hubs are flagged against the graph's own baseline."""

from __future__ import annotations

import random

import igraph as ig
import networkx as nx

from gaai_graph.methods.registry import default_method, get_method

from ._jobs import run
from .test_answer_methods import interpret


def interpret_sharing(graph, collections, **parameters):
    """Run shared_identifiers on a graph with collections and read it as the report node would."""
    from gaai_graph.methods.writing import ReportWriter, result_measures
    from gaai_graph.models import AnalysisTemplate, ExecutionResult, GraphProjection
    from gaai_graph.nodes.vertical import builtin_verticals

    method = get_method("shared_identifiers")
    outcome = run(method, graph, collections=collections, **parameters)
    projection = GraphProjection(
        vertex_collections=sorted(set(collections.values())), edge_collections=["e"]
    )
    execution = ExecutionResult(
        template_id="t1",
        status="succeeded",
        algorithm="wcc",  # any name the model accepts; the method is read below
        parameters=method.validate(parameters),
        projection=projection,
        metrics={"vertex_count": graph.number_of_nodes(), **outcome.metrics},
        notes=outcome.notes,
    )
    template = AnalysisTemplate.model_construct(
        id="t1",
        use_case_id="u1",
        requirement_ids=[],
        title="t",
        algorithm="shared_identifiers",
        projection=projection,
        parameters=parameters,
        result_collections=[],
        top_k=10,
    )
    vertical = next(iter(builtin_verticals().values()))
    writer = ReportWriter(template, execution, vertical, "rings", result_measures(execution))
    writer.answer = outcome.answer
    assert method.interpret is not None
    method.interpret(writer)
    return writer


def _households_and_one_outlier(households: int = 150, singles: int = 60, outlier: int = 8):
    """Customers with a personal phone each, households sharing a home device, one device
    used by `outlier` unrelated customers. Returns (graph, collections, outlier device)."""
    rng = random.Random(5)
    graph = nx.Graph()
    customers = list(range(2 * households + singles))
    collections = {c: "customers" for c in customers}
    next_vertex = len(customers)

    def device() -> int:
        nonlocal next_vertex
        collections[next_vertex] = "devices"
        next_vertex += 1
        return next_vertex - 1

    for customer in customers:
        graph.add_edge(customer, device())
    for house in range(households):
        shared = device()
        graph.add_edge(2 * house, shared)
        graph.add_edge(2 * house + 1, shared)
    ring = device()
    for customer in rng.sample(customers, outlier):
        graph.add_edge(customer, ring)
    return graph, collections, ring


def test_households_are_context_and_the_crowded_device_is_the_alarm() -> None:
    graph, collections, ring = _households_and_one_outlier()
    writer = interpret_sharing(graph, collections, identifier_collections="devices")
    flagged = [p for p in writer.patterns if p["flagged"]]
    assert [p["entities"][0] for p in flagged] == [f"devices/{ring}"]
    assert len(flagged[0]["entities"]) == 9  # the device and its 8 customers
    evidence = flagged[0]["evidence"]
    assert evidence["observed"] == 8 and evidence["expected"] == 2
    assert evidence["z_score"] >= 3.5 and flagged[0]["confidence"] > 0.8
    assert "shared by 8 customers" in flagged[0]["explanation"]
    assert "link 2" in flagged[0]["explanation"]
    households = [p for p in writer.patterns if not p["flagged"]]
    assert households and all(p["evidence"]["observed"] == 2 for p in households)
    assert all("ordinary sharing" in p["explanation"] for p in households)
    assert writer.extra_recommendations[0].related_entities[0] == f"devices/{ring}"


def test_where_sharing_itself_is_rare_a_card_used_by_five_stands_out() -> None:
    # Known limit (docs/evidence.md): a count must be 3.5 units above typical, so four on
    # one card among single-use cards is not yet far enough.
    graph = nx.Graph()
    collections = {}
    for customer in range(300):  # everyone has their own card
        collections[customer] = "accounts"
        collections[300 + customer] = "cards"
        graph.add_edge(customer, 300 + customer)
    collections[600] = "cards"
    for customer in (1, 2, 3, 4, 5):  # one card used by a ring of five
        graph.add_edge(customer, 600)
    writer = interpret_sharing(graph, collections)
    flagged = [p for p in writer.patterns if p["flagged"]]
    assert [p["entities"][0] for p in flagged] == ["cards/600"]  # found without being told


def test_no_sharing_is_said_and_nothing_is_flagged() -> None:
    graph = nx.Graph([(0, 2), (1, 3)])
    collections = {0: "customers", 1: "customers", 2: "devices", 3: "devices"}
    writer = interpret_sharing(graph, collections, identifier_collections="devices")
    assert not writer.patterns
    assert any("single entity" in w.insight.description for w in writer.findings)


def test_rings_run_shared_identifiers_and_connected_components_stay_available() -> None:
    assert default_method("rings").name == "shared_identifiers"
    assert get_method("wcc").adapt is not None


def _calls(seed: int = 11):
    """Ordinary callers; five heavy callers with long calls to a few contacts."""
    rng = random.Random(seed)
    graph = nx.DiGraph()
    people = range(300)
    for caller in people:
        for callee in rng.sample([p for p in people if p != caller], rng.randint(2, 6)):
            graph.add_edge(caller, callee, minutes=round(rng.lognormvariate(2.0, 0.6), 1))
    heavy = rng.sample(list(people), 5)
    for caller in heavy:
        for callee in graph.successors(caller):
            graph[caller][callee]["minutes"] = round(rng.uniform(500, 900), 1)
    return graph, heavy


def test_weighted_hubs_are_judged_beyond_their_strongest_tie() -> None:
    graph, heavy = _calls()
    writer, _ = interpret("strength", graph, weight_attribute="minutes", direction="all")
    flagged = {p["entities"][0] for p in writer.patterns if p["flagged"]}
    heavy_ids = {f"v/{v}" for v in heavy}
    assert heavy_ids <= flagged
    # Callees of one heavy caller have a high total too, but it is that one tie.
    assert len(flagged - heavy_ids) <= 1
    for pattern in writer.patterns:
        assert pattern["evidence"]["weight_attribute"] == "minutes"
        assert pattern["evidence"]["measure"] == "strength beyond the strongest tie"
    callees = [p for p in writer.patterns if not p["flagged"]]
    assert all("single strongest tie" in p["explanation"] for p in callees)


def test_the_strength_report_names_the_weight_and_judges_its_leader_as_its_patterns() -> None:
    graph, _ = _calls()
    writer, _ = interpret("strength", graph, weight_attribute="minutes", direction="all")
    leader = next(w.insight for w in writer.findings if "leads by" in w.insight.title)
    assert "total minutes" in leader.title and leader.kind == "finding"
    assert "strongest tie" in leader.description


def test_listed_identifiers_name_exactly_their_users_most_shared_first() -> None:
    # Identifiers of several sizes, interleaved by index, with repeated links and links
    # between identifiers (not users) and between customers (not identifiers).
    rng = random.Random(3)
    graph = nx.MultiGraph()
    collections = {}
    for vertex in range(120):
        collections[vertex] = "devices" if vertex % 3 == 0 else "customers"
        graph.add_node(vertex)
    devices = [v for v in collections if collections[v] == "devices"]
    customers = [v for v in collections if collections[v] == "customers"]
    for device in devices:
        for customer in rng.sample(customers, rng.randint(0, 6)):
            graph.add_edge(device, customer)
            if rng.random() < 0.2:
                graph.add_edge(customer, device)
    graph.add_edge(devices[0], devices[1])
    graph.add_edge(customers[0], customers[1])
    method = get_method("shared_identifiers")
    outcome = run(method, graph, collections=collections, identifier_collections="devices")
    users = {d: sorted({f"customers/{c}" for c in graph[d] if c in customers}) for d in devices}
    shared = sorted(
        (d for d in devices if len(users[d]) >= 2), key=lambda d: (-len(users[d]), f"devices/{d}")
    )
    metrics = outcome.metrics
    assert metrics["shared_identifier_count"] == len(shared)
    assert metrics["used_identifier_count"] == sum(1 for d in devices if users[d])
    for rank, device in enumerate(shared[:20]):
        assert metrics[f"identifier_{rank}_entities"] == "|".join(users[device])
        assert metrics[f"identifier_{rank}_sharing"] == len(users[device])
    assert outcome.scores is not None
    for customer in customers:
        linked = [len(users[d]) for d in devices if f"customers/{customer}" in users[d]]
        assert outcome.scores[customer] == max(linked, default=0)


def test_each_identifiers_users_come_in_python_string_order_of_their_ids() -> None:
    from gaai_graph.methods.base import Clock, LocalJob
    from gaai_graph.methods.sharing import sharing_arrays
    from gaai_graph.models import GraphProjection
    from gaai_graph.sources.base import ProjectionData

    # Code point order, not locale or case order; a repeated id keeps its vertices' order.
    keys = ["é", "z", "a", "Z", "ä", "😀", "b10", "b9", "a"]
    ids = [f"customers/{key}" for key in keys] + ["devices/d1", "devices/d0"]
    device = {"devices/d1": 9, "devices/d0": 10}
    pairs = [(c, device["devices/d1"]) for c in range(9)] + [(10, c) for c in (3, 1, 0)]
    data = ProjectionData(
        vertex_ids=ids,
        labels=ids,
        edges=pairs,
        directed=False,
        projection=GraphProjection(
            vertex_collections=["customers", "devices"], edge_collections=["uses"]
        ),
    )
    job = LocalJob(lambda: ig.Graph(n=11, edges=pairs), {}, 0, Clock(), data, graph_of_data=True)
    used, offsets, users = sharing_arrays(job, {"devices"})
    assert used.tolist() == [9, 10]
    first = users[offsets[0] : offsets[1]].tolist()
    assert [ids[u] for u in first] == sorted(ids[:9])
    assert first[1:3] == [2, 8]  # the two "customers/a", in vertex order
    assert [ids[u] for u in users[offsets[1] : offsets[2]]] == sorted(ids[u] for u in (3, 1, 0))
