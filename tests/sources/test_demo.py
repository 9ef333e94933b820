"""Tests of the e-commerce demo generator: determinism, size, integrity and planted truth.

Each planted structure is checked directly on the generated documents with networkx (igraph
for PageRank, which networkx cannot run without scipy), independently of our engines.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import igraph as ig
import networkx as nx
import orjson
import pytest

from gaai_graph.errors import SourceError
from gaai_graph.sources.base import GraphData
from gaai_graph.sources.demo import (
    DEMO_GRAPH_NAME,
    MIN_SCALE,
    SEGMENT_CATEGORIES,
    DemoDataset,
    bundle_demo,
    bundled_document_paths,
    generate_demo,
    load_bundled_demo,
    main,
)


@pytest.fixture(scope="module")
def demo() -> DemoDataset:
    return generate_demo()


@pytest.fixture(scope="module", params=[(MIN_SCALE, 7), (0.5, 3), (1.0, 7), (2.0, 11)])
def any_demo(request: pytest.FixtureRequest) -> DemoDataset:
    scale, seed = request.param
    return generate_demo(scale=scale, seed=seed)


def edges(data: GraphData, name: str) -> list[tuple[str, str]]:
    return [(edge["_from"], edge["_to"]) for edge in data.collections[name].documents]


def edge_total(data: GraphData) -> int:
    return sum(len(c.documents) for c in data.collections.values() if c.kind == "edge")


def referral_graph(data: GraphData) -> nx.DiGraph:
    graph = nx.DiGraph()
    graph.add_nodes_from(doc["_id"] for doc in data.collections["customers"].documents)
    graph.add_edges_from(edges(data, "referred"))
    return graph


def canonical(dataset: DemoDataset) -> bytes:
    collections = {name: c.documents for name, c in dataset.data.collections.items()}
    return orjson.dumps([collections, dataset.truth.to_jsonable()])


# --------------------------------------------------------------------------- determinism, size


def test_same_seed_gives_identical_data() -> None:
    assert canonical(generate_demo(0.3, seed=5)) == canonical(generate_demo(0.3, seed=5))


def test_different_seeds_give_different_data() -> None:
    first, second = generate_demo(0.3, seed=5), generate_demo(0.3, seed=6)
    assert canonical(first) != canonical(second)
    # Not just the attribute values: the wiring differs too.
    assert edges(first.data, "contains") != edges(second.data, "contains")


def test_default_scale_has_the_advertised_size(demo: DemoDataset) -> None:
    customers = len(demo.data.collections["customers"].documents)
    assert 1000 <= customers <= 1500
    assert 10_000 <= edge_total(demo.data) <= 20_000


def test_counts_grow_linearly_with_scale() -> None:
    per_scale = {}
    for scale in (1.0, 2.0, 4.0):
        data = generate_demo(scale=scale).data
        per_scale[scale] = {
            name: len(c.documents) / scale
            for name, c in data.collections.items()
            if name != "categories"  # a fixed-size lookup
        }
        per_scale[scale]["__edges__"] = edge_total(data) / scale
    for name, base in per_scale[1.0].items():
        for scale in (2.0, 4.0):
            assert per_scale[scale][name] == pytest.approx(base, rel=0.1), (name, scale)


def test_scale_100_extrapolates_well_past_a_million_edges() -> None:
    # Counts are linear in the scale (tested above), so a small run predicts a large one;
    # the next test checks the prediction at the smallest scale that should pass a million.
    per_scale = edge_total(generate_demo(scale=2.0).data) / 2.0
    assert 100 * per_scale >= 1_500_000
    assert 64 * per_scale >= 1_050_000


@pytest.mark.slow
def test_scale_64_generates_over_a_million_edges() -> None:
    data = generate_demo(scale=64).data
    assert edge_total(data) >= 1_000_000


def test_scale_below_minimum_is_refused() -> None:
    with pytest.raises(SourceError, match=r"from 0\.2 to 100, got 0\.1"):
        generate_demo(scale=MIN_SCALE / 2)
    with pytest.raises(SourceError):
        generate_demo(scale=float("nan"))


# --------------------------------------------------------------------------- integrity


def test_keys_are_unique_and_ids_name_their_collection(any_demo: DemoDataset) -> None:
    for name, collection in any_demo.data.collections.items():
        keys = [doc["_key"] for doc in collection.documents]
        assert len(keys) == len(set(keys)), name
        assert all(doc["_id"] == f"{name}/{doc['_key']}" for doc in collection.documents)
        assert all(re.fullmatch(r"[A-Za-z0-9_\-]+", key) for key in keys), name


def test_every_edge_joins_existing_vertices_of_its_definition(any_demo: DemoDataset) -> None:
    data = any_demo.data
    (graph,) = data.graphs
    assert graph.name == DEMO_GRAPH_NAME
    defined = {d.edge_collection: d for d in graph.edge_definitions}
    edge_collections = {n for n, c in data.collections.items() if c.kind == "edge"}
    assert set(defined) == edge_collections
    existing = {
        doc["_id"]
        for collection in data.collections.values()
        if collection.kind == "document"
        for doc in collection.documents
    }
    for name in edge_collections:
        definition = defined[name]
        for source, target in edges(data, name):
            assert source in existing and target in existing, (name, source, target)
            assert source.split("/")[0] in definition.from_vertex_collections
            assert target.split("/")[0] in definition.to_vertex_collections


def test_documents_carry_the_documented_attributes(demo: DemoDataset) -> None:
    expected = {
        "customers": {"name", "email", "segment", "signup_date", "country"},
        "products": {"title", "price", "category"},
        "sellers": {"name"},
        "orders": {"date", "total"},
        "reviews": {"rating", "text"},
        "devices": {"fingerprint", "os"},
        "payment_methods": {"kind", "last4"},
        "categories": {"name"},
    }
    for name, attributes in expected.items():
        for doc in demo.data.collections[name].documents:
            assert set(doc) == {"_key", "_id"} | attributes, name


def test_order_totals_add_up_their_items(demo: DemoDataset) -> None:
    data = demo.data
    price = {doc["_id"]: doc["price"] for doc in data.collections["products"].documents}
    totals: dict[str, float] = defaultdict(float)
    for item in data.collections["contains"].documents:
        totals[item["_from"]] += price[item["_to"]] * item["quantity"]
    for order in data.collections["orders"].documents:
        assert order["total"] == pytest.approx(totals[order["_id"]], abs=0.01)


def test_reviews_are_about_products_the_reviewer_bought(demo: DemoDataset) -> None:
    data = demo.data
    buyer = {order: customer for customer, order in edges(data, "placed")}
    bought = {(buyer[order], product) for order, product in edges(data, "contains")}
    author = {review: customer for customer, review in edges(data, "wrote")}
    about = dict(edges(data, "about"))
    assert set(author) == set(about) == {d["_id"] for d in data.collections["reviews"].documents}
    assert all((author[review], product) in bought for review, product in about.items())


def test_truth_names_only_existing_vertices(any_demo: DemoDataset) -> None:
    truth, data = any_demo.truth, any_demo.data
    existing = {
        doc["_id"]
        for collection in data.collections.values()
        if collection.kind == "document"
        for doc in collection.documents
    }
    named = [
        *truth.customer_segments,
        *truth.influencers,
        *truth.brokers,
        *truth.hub_products,
        *(i for cycle in truth.referral_cycles for i in cycle),
        *(i for ids in truth.segment_categories.values() for i in ids),
        *(i for ring in truth.fraud_rings for i in (*ring.members, *ring.devices)),
        *(i for ring in truth.fraud_rings for i in ring.payment_methods),
    ]
    assert set(named) <= existing
    customers = data.collections["customers"].documents
    assert {c["_id"]: c["segment"] for c in customers} == truth.customer_segments


# --------------------------------------------------------------------------- planted structure


def test_fraud_rings_are_the_only_groups_sharing_devices_or_cards(
    any_demo: DemoDataset,
) -> None:
    data, truth = any_demo.data, any_demo.truth
    sharing = nx.Graph()
    for name in ("customers", "devices", "payment_methods"):
        sharing.add_nodes_from(doc["_id"] for doc in data.collections[name].documents)
    sharing.add_edges_from(edges(data, "uses_device") + edges(data, "pays_with"))

    components = sorted(nx.connected_components(sharing), key=len, reverse=True)
    rings = [set(r.members) | set(r.devices) | set(r.payment_methods) for r in truth.fraud_rings]
    assert len(rings) == 2
    assert sorted(map(len, components[:2])) == sorted(map(len, rings))
    assert sorted(components[:2], key=len) == sorted(rings, key=len)
    # An ordinary customer owns at most two devices and two cards: a component of five.
    assert len(components[2]) <= 5 < min(map(len, rings))
    ring_sizes = sorted(len(r.members) for r in truth.fraud_rings)
    assert ring_sizes == [8, 12]


def test_ordinary_customers_never_share_a_device_or_card(demo: DemoDataset) -> None:
    data, truth = demo.data, demo.truth
    ring_assets = {a for r in truth.fraud_rings for a in (*r.devices, *r.payment_methods)}
    users = Counter(target for _, target in edges(data, "uses_device") + edges(data, "pays_with"))
    shared = {asset for asset, count in users.items() if count > 1}
    assert shared == ring_assets


def test_kcore_on_shared_assets_isolates_the_rings(any_demo: DemoDataset) -> None:
    data, truth = any_demo.data, any_demo.truth
    sharing = nx.Graph(edges(data, "uses_device") + edges(data, "pays_with"))
    coreness = nx.core_number(sharing)
    rings = {v for r in truth.fraud_rings for v in (*r.members, *r.devices, *r.payment_methods)}
    assert {v for v, core in coreness.items() if core > 1} == rings


def test_referral_cycles_are_the_only_strongly_connected_groups(any_demo: DemoDataset) -> None:
    graph = referral_graph(any_demo.data)
    groups = [group for group in nx.strongly_connected_components(graph) if len(group) > 1]
    cycles = any_demo.truth.referral_cycles
    assert sorted(map(sorted, groups)) == sorted(map(sorted, cycles))
    for cycle in cycles:
        assert all(graph.has_edge(a, b) for a, b in zip(cycle, cycle[1:] + cycle[:1], strict=True))
    ring_members = [list(ring.members) for ring in any_demo.truth.fraud_rings]
    assert sorted(cycles) == sorted(ring_members)


def test_ordinary_referrals_follow_signup_order_and_one_referrer_each(
    any_demo: DemoDataset,
) -> None:
    data = any_demo.data
    signup = {c["_id"]: c["signup_date"] for c in data.collections["customers"].documents}
    in_cycle = {member for cycle in any_demo.truth.referral_cycles for member in cycle}
    referred = [(a, b) for a, b in edges(data, "referred") if b not in in_cycle]
    assert all(signup[a] <= signup[b] for a, b in referred)
    assert nx.is_directed_acyclic_graph(nx.DiGraph(referred))
    referee_counts = Counter(b for _, b in edges(data, "referred"))
    assert max(referee_counts.values()) == 1


def test_influencers_made_by_far_the_most_referrals(any_demo: DemoDataset) -> None:
    graph = referral_graph(any_demo.data)
    influencers = set(any_demo.truth.influencers)
    assert 4 <= len(influencers) <= 8
    made = dict(graph.out_degree())
    weakest_influencer = min(made[i] for i in influencers)
    strongest_other = max(count for c, count in made.items() if c not in influencers)
    assert weakest_influencer >= 2 * strongest_other


def test_undirected_pagerank_on_referrals_ranks_influencers_first(demo: DemoDataset) -> None:
    graph = referral_graph(demo.data)
    nodes = list(graph.nodes)
    index = {node: n for n, node in enumerate(nodes)}
    edge_list = [(index[a], index[b]) for a, b in graph.edges]
    influencers = demo.truth.influencers

    def top(igraph_graph: ig.Graph, k: int) -> set[str]:
        rank = igraph_graph.pagerank()
        return {nodes[n] for n in sorted(range(len(nodes)), key=lambda n: -rank[n])[:k]}

    assert top(ig.Graph(len(nodes), edge_list, directed=False), len(influencers)) == set(
        influencers
    )
    # Along the edges ("who was referred") the rank goes to referees, never to influencers.
    assert not top(ig.Graph(len(nodes), edge_list, directed=True), 20) & set(influencers)
    # Against the edges, whole cascades count: brokers (who recruited influencers) lead.
    reversed_graph = ig.Graph(len(nodes), [(b, a) for a, b in edge_list], directed=True)
    brokers = set(demo.truth.brokers)
    assert top(reversed_graph, len(brokers)) == brokers
    assert top(reversed_graph, len(brokers) + len(influencers)) == brokers | set(influencers)


def test_brokers_alone_refer_across_segments(any_demo: DemoDataset) -> None:
    truth = any_demo.truth
    segment = truth.customer_segments
    crossing = [(a, b) for a, b in edges(any_demo.data, "referred") if segment[a] != segment[b]]
    assert {a for a, _ in crossing} == set(truth.brokers)
    for broker in truth.brokers:
        reached = {segment[b] for a, b in edges(any_demo.data, "referred") if a == broker}
        assert reached == set(truth.broker_segments[broker])
        assert len(reached) == 2


def test_brokers_and_influencers_top_referral_betweenness(demo: DemoDataset) -> None:
    graph = referral_graph(demo.data).to_undirected()
    betweenness = nx.betweenness_centrality(graph)
    planted = set(demo.truth.influencers) | set(demo.truth.brokers)
    ranked = sorted(betweenness, key=lambda c: -betweenness[c])
    assert set(ranked[: len(planted)]) == planted
    weakest_planted = min(betweenness[c] for c in planted)
    assert weakest_planted >= 2 * betweenness[ranked[len(planted)]]


def test_hub_products_are_in_far_more_orders(any_demo: DemoDataset) -> None:
    orders_per_product = Counter(product for _, product in edges(any_demo.data, "contains"))
    hubs = set(any_demo.truth.hub_products)
    assert len(hubs) == 5
    ranked = [product for product, _ in orders_per_product.most_common()]
    assert set(ranked[:5]) == hubs
    weakest_hub = min(orders_per_product[h] for h in hubs)
    assert weakest_hub >= 1.5 * orders_per_product[ranked[5]]


def test_pagerank_along_contains_ranks_hub_products_first(demo: DemoDataset) -> None:
    contains = edges(demo.data, "contains")
    vertices = sorted({v for edge in contains for v in edge})
    index = {v: n for n, v in enumerate(vertices)}
    graph = ig.Graph(len(vertices), [(index[a], index[b]) for a, b in contains], directed=True)
    rank = graph.pagerank()
    products = [v for v in vertices if v.startswith("products/")]
    top = sorted(products, key=lambda p: -rank[index[p]])[:5]
    assert set(top) == set(demo.truth.hub_products)


def test_hub_margin_is_wide_at_default_scale(demo: DemoDataset) -> None:
    orders_per_product = Counter(product for _, product in edges(demo.data, "contains"))
    hubs = demo.truth.hub_products
    others = [n for p, n in orders_per_product.items() if p not in hubs]
    assert min(orders_per_product[h] for h in hubs) >= 4 * max(others)


def test_each_segment_buys_mostly_from_its_own_categories(any_demo: DemoDataset) -> None:
    data, truth = any_demo.data, any_demo.truth
    category = {p["_id"]: p["category"] for p in data.collections["products"].documents}
    buyer = {order: customer for customer, order in edges(data, "placed")}
    inside: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for order, product in edges(data, "contains"):
        segment = truth.customer_segments[buyer[order]]
        total[segment] += 1
        inside[segment] += category[product] in SEGMENT_CATEGORIES[segment]
    assert set(total) == set(SEGMENT_CATEGORIES)
    for segment in total:
        assert 0.85 <= inside[segment] / total[segment] <= 0.97, segment


def test_community_detection_recovers_the_segments(demo: DemoDataset) -> None:
    data, truth = demo.data, demo.truth
    buyer = {order: customer for customer, order in edges(data, "placed")}
    purchases = nx.Graph()
    purchases.add_edges_from((buyer[order], product) for order, product in edges(data, "contains"))
    purchases.add_edges_from(edges(data, "referred"))
    communities = nx.community.louvain_communities(purchases, seed=1)

    by_community: list[Counter[str]] = []
    for community in communities:
        members = Counter(
            truth.customer_segments[v] for v in community if v in truth.customer_segments
        )
        if members:
            by_community.append(members)
    placed = sum(sum(c.values()) for c in by_community)
    purity = sum(c.most_common(1)[0][1] for c in by_community) / placed
    assert purity >= 0.9
    largest = sorted(by_community, key=lambda c: -sum(c.values()))[:4]
    assert {c.most_common(1)[0][0] for c in largest} == set(SEGMENT_CATEGORIES)


def test_leiden_on_the_core_graph_finds_one_community_per_segment(demo: DemoDataset) -> None:
    data, truth = demo.data, demo.truth
    satellites = set(truth.satellite_collections)
    vertices = [
        doc["_id"]
        for name, collection in data.collections.items()
        if collection.kind == "document" and name not in satellites
        for doc in collection.documents
    ]
    index = {v: n for n, v in enumerate(vertices)}
    core_edges = [
        (index[a], index[b])
        for name, collection in data.collections.items()
        if collection.kind == "edge"
        for a, b in edges(data, name)
        if a in index and b in index
    ]
    graph = ig.Graph(len(vertices), core_edges, directed=False)
    membership = graph.community_leiden(objective_function="modularity", n_iterations=-1).membership

    by_community: dict[int, Counter[str]] = defaultdict(Counter)
    for customer, segment in truth.customer_segments.items():
        by_community[membership[index[customer]]][segment] += 1
    purity = sum(c.most_common(1)[0][1] for c in by_community.values()) / len(
        truth.customer_segments
    )
    assert purity >= 0.9
    largest = sorted(by_community.values(), key=lambda c: -sum(c.values()))[:4]
    assert {c.most_common(1)[0][0] for c in largest} == set(SEGMENT_CATEGORIES)
    for community in largest:
        assert community.most_common(1)[0][1] >= 0.9 * sum(community.values())


def test_categories_are_the_only_satellite(demo: DemoDataset) -> None:
    assert demo.truth.satellite_collections == ["categories"]
    categories = demo.data.collections["categories"].documents
    products = demo.data.collections["products"].documents
    # A small lookup that each of its vertices joins many products through.
    assert len(categories) <= 0.1 * len(products)
    assert len(products) / len(categories) >= 10


# --------------------------------------------------------------------------- bundle and export


def collection_sizes(data: GraphData) -> dict[str, int]:
    return {name: len(c.documents) for name, c in data.collections.items()}


def test_bundled_demo_matches_the_default_generation() -> None:
    bundled = load_bundled_demo()
    generated = generate_demo().data
    assert bundled.source == "demo"
    assert collection_sizes(bundled) == collection_sizes(generated)
    assert any(graph.name == DEMO_GRAPH_NAME for graph in bundled.graphs)
    # A stale bundle (generator changed, snapshot not rewritten) differs here.
    assert list(bundled.collections["customers"].documents) == list(
        generated.collections["customers"].documents
    )
    assert sorted(edges(bundled, "referred")) == sorted(edges(generated, "referred"))


def test_bundle_demo_writes_a_loadable_snapshot(tmp_path: Path) -> None:
    from gaai_graph.sources.snapshot import load_snapshot

    written = bundle_demo(tmp_path / "bundle")
    loaded = load_snapshot(written)
    assert collection_sizes(loaded) == collection_sizes(generate_demo().data)
    assert {c.name: c.kind for c in loaded.collections.values()}["referred"] == "edge"


def test_command_line_exports_jsonl_and_truth(tmp_path: Path, capsys: Any) -> None:
    from gaai_graph.sources.snapshot import load_snapshot

    truth_file = tmp_path / "truth.json"
    code = main(
        [
            "--out", str(tmp_path / "snap"), "--scale", "0.3", "--format", "jsonl",
            "--truth", str(truth_file),
        ]
    )  # fmt: skip
    assert code == 0
    expected = generate_demo(scale=0.3)
    assert collection_sizes(load_snapshot(tmp_path / "snap")) == collection_sizes(expected.data)
    assert orjson.loads(truth_file.read_bytes())["hub_products"] == expected.truth.hub_products
    assert f"{edge_total(expected.data)} edges" in capsys.readouterr().out


def test_command_line_rejects_a_too_small_scale(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--out", str(tmp_path), "--scale", "0.01"])
    assert exit_info.value.code == 2
    assert not any(tmp_path.iterdir())


# --------------------------------------------------------------------------- documents


def test_sample_documents_are_bundled() -> None:
    names = [path.name for path in bundled_document_paths()]
    assert names == ["ecommerce_requirements.md", "fraud_brief.md"]


def test_requirements_document_has_bulleted_sections() -> None:
    text = next(p for p in bundled_document_paths() if p.name == "ecommerce_requirements.md")
    sections: dict[str, int] = {}
    current = None
    for line in text.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"#+\s+(.*)", line)
        if heading:
            current = heading.group(1).strip()
            sections[current] = 0
        elif current and re.match(r"\s*[-*]\s+\S", line):
            sections[current] += 1
    for section in ("Objectives", "Requirements", "Constraints"):
        assert sections.get(section, 0) >= 3, section
