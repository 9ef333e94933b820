"""The benchmark snapshots load in the product and hold what their cases say they hold.

The planted truths are re-derived here from the committed files (through the product's own
snapshot loader and NetworkX), not taken from the generator's word.
"""

from __future__ import annotations

import filecmp
import json
from collections import Counter, defaultdict
from pathlib import Path
from statistics import median
from typing import Any

import networkx as nx
import pytest
from gaai_eval import CORPUS_DIR, GRAPHS_DIR
from gaai_eval.build import write_all
from gaai_eval.corpus import load_patterns, load_transport

from gaai_graph.sources.base import GraphData
from gaai_graph.sources.snapshot import load_snapshot

GRAPHS = sorted(path.name for path in GRAPHS_DIR.iterdir() if path.is_dir())


def _cases() -> dict[str, Any]:
    return {case.id: case for case in load_patterns()}


def _edges(data: GraphData, collection: str) -> list[dict[str, Any]]:
    return data.collections[collection].documents


def _documents(data: GraphData, collection: str) -> dict[str, dict[str, Any]]:
    return {doc["_id"]: doc for doc in data.collections[collection].documents}


@pytest.mark.parametrize("name", GRAPHS)
def test_snapshot_loads_with_names_and_no_dangling_edges(name: str) -> None:
    data = load_snapshot(GRAPHS_DIR / name)

    vertices = {
        doc["_id"]: doc
        for c in data.collections.values()
        if c.kind == "document"
        for doc in c.documents
    }
    assert vertices and not data.warnings
    assert all(doc.get("name") for doc in vertices.values())
    for collection in data.collections.values():
        if collection.kind == "edge":
            assert all(
                e["_from"] in vertices and e["_to"] in vertices for e in collection.documents
            )


def test_generator_reproduces_the_committed_files(tmp_path: Path) -> None:
    write_all(tmp_path / "graphs", tmp_path / "corpus")

    comparison = filecmp.dircmp(tmp_path / "graphs", GRAPHS_DIR)
    assert not comparison.left_only and not comparison.right_only
    for name in GRAPHS:
        files = sorted(p.name for p in (GRAPHS_DIR / name).iterdir())
        _, mismatch, errors = filecmp.cmpfiles(
            tmp_path / "graphs" / name, GRAPHS_DIR / name, files, shallow=False
        )
        assert not mismatch and not errors, (name, mismatch)
    for name in ("patterns.json", "transport.jsonl"):
        assert filecmp.cmp(tmp_path / "corpus" / name, CORPUS_DIR / name, shallow=False), name


def test_planted_loops_are_short_cycles_hidden_inside_one_big_scc() -> None:
    data = load_snapshot(GRAPHS_DIR / "transfers")
    graph = nx.MultiDiGraph()
    for edge in _edges(data, "transfers"):
        graph.add_edge(edge["_from"], edge["_to"], amount=edge["amount"])
    largest = max(nx.strongly_connected_components(graph), key=len)

    loops = _cases()["transfers-loops"].instances
    assert len(loops) >= 5
    for loop in loops:
        assert 3 <= len(loop) <= 5
        assert set(loop) <= largest  # so SCCs cannot be mistaken for the loops
        assert any(len(cycle) == len(loop) for cycle in nx.simple_cycles(graph.subgraph(loop)))
    assert len(largest) > 0.8 * graph.number_of_nodes()


def test_collectors_and_distributors_are_outliers_of_distinct_counterparts() -> None:
    data = load_snapshot(GRAPHS_DIR / "transfers")
    senders: dict[str, set[str]] = defaultdict(set)
    payees: dict[str, set[str]] = defaultdict(set)
    for edge in _edges(data, "transfers"):
        senders[edge["_to"]].add(edge["_from"])
        payees[edge["_from"]].add(edge["_to"])
    collectors = {i[0] for i in _cases()["transfers-collectors"].instances}
    distributors = {i[0] for i in _cases()["transfers-distributors"].instances}

    typical_in = median(len(s) for s in senders.values())
    assert min(len(senders[c]) for c in collectors) > 5 * typical_in
    assert min(len(senders[c]) for c in collectors) > max(
        len(s) for a, s in senders.items() if a not in collectors
    )
    assert min(len(payees[d]) for d in distributors) > max(
        len(p) for a, p in payees.items() if a not in distributors
    )


def test_one_device_is_an_outlier_among_two_person_households() -> None:
    data = load_snapshot(GRAPHS_DIR / "devices")
    users: dict[str, set[str]] = defaultdict(set)
    for edge in _edges(data, "uses"):
        users[edge["_to"]].add(edge["_from"])
    shared = Counter(len(u) for u in users.values() if len(u) > 1)
    (outlier,) = _cases()["devices-outlier"].instances
    households = _cases()["devices-households"].instances
    device = next(v for v in outlier if v.startswith("devices/"))

    assert shared == Counter({2: len(households), 8: 1})
    assert users[device] == set(outlier) - {device}
    for household in households:
        (home,) = [v for v in household if v.startswith("devices/")]
        assert users[home] == set(household) - {home}


def test_sole_suppliers_feed_critical_parts_used_by_many_products() -> None:
    data = load_snapshot(GRAPHS_DIR / "suppliers")
    parts = _documents(data, "parts")
    suppliers_of: dict[str, set[str]] = defaultdict(set)
    products_of: dict[str, set[str]] = defaultdict(set)
    for edge in _edges(data, "supplies"):
        suppliers_of[edge["_to"]].add(edge["_from"])
    for edge in _edges(data, "used_in"):
        products_of[edge["_from"]].add(edge["_to"])
    planted = _cases()["suppliers-sole"].instances

    planted_parts = set()
    for instance in planted:
        (part,) = [v for v in instance if v.startswith("parts/")]
        (supplier,) = [v for v in instance if v.startswith("suppliers/")]
        planted_parts.add(part)
        assert suppliers_of[part] == {supplier}
        assert parts[part]["critical"] is True
        assert len(products_of[part]) >= 12
    others = [p for p in parts if p not in planted_parts]
    assert all(len(suppliers_of[p]) >= 2 for p in others if parts[p]["critical"])


def test_cut_points_and_bridges_are_what_networkx_finds() -> None:
    data = load_snapshot(GRAPHS_DIR / "network")
    graph = nx.Graph((e["_from"], e["_to"]) for e in _edges(data, "connects"))
    cases = _cases()

    assert {i[0] for i in cases["network-cut-points"].instances} == set(
        nx.articulation_points(graph)
    )
    assert {frozenset(i) for i in cases["network-bridges"].instances} == {
        frozenset(e) for e in nx.bridges(graph)
    }


def test_referral_communities_follow_the_department_with_high_purity() -> None:
    data = load_snapshot(GRAPHS_DIR / "referrals")
    clinicians = _documents(data, "clinicians")
    case = _cases()["referrals-departments"]
    edges = _edges(data, "refers")
    inside = sum(
        clinicians[e["_from"]]["department"] == clinicians[e["_to"]]["department"] for e in edges
    )

    assert 0.9 <= inside / len(edges) < 1.0
    for instance, value in zip(case.instances, case.values, strict=True):
        assert {clinicians[c]["department"] for c in instance} == {value}


def test_weighted_hubs_lead_by_minutes_and_ordinary_hubs_by_contacts() -> None:
    data = load_snapshot(GRAPHS_DIR / "calls")
    graph = nx.DiGraph()
    for edge in _edges(data, "calls"):
        graph.add_edge(edge["_from"], edge["_to"], minutes=edge["minutes"])
    strength = dict(graph.degree(weight="minutes"))
    degree = dict(graph.degree())
    heavy = {i[0] for i in _cases()["calls-weighted-hubs"].instances}
    service = {i[0] for i in _cases()["calls-ordinary-hubs"].instances}

    assert set(sorted(strength, key=strength.__getitem__)[-5:]) == heavy
    assert set(sorted(degree, key=degree.__getitem__)[-5:]) == service
    assert max(degree[h] for h in heavy) < min(degree[s] for s in service)


def test_karate_factions_are_the_club_attribute() -> None:
    data = load_snapshot(GRAPHS_DIR / "karate")
    members = _documents(data, "members")
    case = _cases()["karate-factions"]

    for instance, value in zip(case.instances, case.values, strict=True):
        assert {members[m]["club"] for m in instance} == {value}
    assert sum(len(i) for i in case.instances) == len(members) == 34


def test_transport_expectations_match_the_snapshot() -> None:
    data = load_snapshot(GRAPHS_DIR / "transport")
    graph = nx.Graph()
    graph.add_nodes_from(_documents(data, "stations"))
    for edge in _edges(data, "links"):
        graph.add_edge(edge["_from"], edge["_to"], distance_km=edge["distance_km"])
    by_text = {q["text"]: q for q in load_transport()}

    assert 200 <= graph.number_of_nodes() <= 400
    assert by_text["Is the whole network connected?"]["expected"] is nx.is_connected(graph)
    assert by_text["How many weakly connected components are there?"]["expected"] == [
        nx.number_connected_components(graph)
    ]
    cut = by_text["List the articulation points."]["expected"]
    assert set(cut) == set(nx.articulation_points(graph))
    for question in by_text.values():
        if question["check"] == "route" and "km" in question["text"]:
            expected = question["expected"]
            length = nx.dijkstra_path_length(
                graph, expected["source"], expected["target"], weight="distance_km"
            )
            assert expected["lengths"] == [pytest.approx(length)]


def test_patterns_json_is_plain_json() -> None:
    json.loads((CORPUS_DIR / "patterns.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("weight", [None, "distance_km"])
def test_hand_written_pagerank_agrees_with_igraph(weight: str | None) -> None:
    import igraph as ig
    from gaai_eval.transport import _pagerank

    data = load_snapshot(GRAPHS_DIR / "transport")
    stations = sorted(_documents(data, "stations"))
    index = {station: i for i, station in enumerate(stations)}
    links = _edges(data, "links")
    graph = nx.Graph()
    graph.add_nodes_from(stations)
    for edge in links:
        graph.add_edge(edge["_from"], edge["_to"], distance_km=edge["distance_km"])
    reference = ig.Graph(n=len(stations), edges=[(index[u], index[v]) for u, v in graph.edges()])
    weights = [graph[u][v]["distance_km"] for u, v in graph.edges()] if weight else None

    expected = reference.pagerank(directed=False, weights=weights)
    ours = _pagerank(graph, weight)

    for station, value in zip(stations, expected, strict=True):
        assert ours[station] == pytest.approx(value, rel=1e-6)
