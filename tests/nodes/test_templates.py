"""Template design by rules: each intent's projection reveals the structure it is meant to.

The fixtures plant the structures the demo plants (segments, a fraud ring sharing a device and
a card, a referral cycle, an influencer, a cross-segment broker, a hub product) in an
e-commerce-like graph, and rings, round trips and a hub in a bank graph. Each template is run
with igraph on its projection to check that it really finds what it was designed for.
"""

from __future__ import annotations

from typing import Any

import igraph
import pytest

from gaai_graph.context import Context
from gaai_graph.errors import TemplateValidationError
from gaai_graph.methods.registry import label_of
from gaai_graph.models import (
    AnalysisTemplate,
    GraphProjection,
    GraphSchema,
    Requirement,
    UseCase,
    Vertical,
)
from gaai_graph.nodes.schema import profile_schema
from gaai_graph.nodes.templates import (
    design_templates_by_rules,
    design_templates_with_failures,
    generate_templates,
    validate_template,
)
from gaai_graph.nodes.use_cases import generate_use_cases_by_rules
from gaai_graph.sources import CollectionData, GraphData
from gaai_graph.sources.demo import generate_demo
from gaai_graph.state import WorkflowState

RING = ["c5", "c17", "c40", "c51"]
CYCLE = ["c5", "c17", "c40"]
INFLUENCER = "c10"
BROKER = "c25"
HUB = "p0"


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


def shop_data() -> GraphData:
    """Two purchasing segments (c0-29 buy p0-14, c30-59 buy p15-29) and the planted extras."""
    customers = [f"c{i}" for i in range(60)]
    placed, contains, wrote, about = [], [], [], []
    for i in range(60):
        base = 0 if i < 30 else 15
        for j in range(2):
            order = f"o{i}_{j}"
            placed.append((f"customers/c{i}", f"orders/{order}"))
            for k in range(3):
                product = base + (i * 3 + j * 5 + k * 7) % 15
                contains.append((f"orders/{order}", f"products/p{product}"))
            if i < 30 or j == 0:  # the hub: in every order of segment A, half of segment B
                contains.append((f"orders/{order}", f"products/{HUB}"))
        if i % 3 == 0:
            wrote.append((f"customers/c{i}", f"reviews/r{i}"))
            about.append((f"reviews/r{i}", f"products/p{base + i % 15}"))
    uses_device = [(f"customers/c{i}", f"devices/d{i}") for i in range(60)]
    pays_with = [(f"customers/c{i}", f"payment_methods/m{i}") for i in range(60)]
    uses_device += [(f"customers/{c}", "devices/d_shared") for c in RING]
    pays_with += [(f"customers/{c}", "payment_methods/m_shared") for c in RING]
    referred = [(f"customers/{INFLUENCER}", f"customers/c{i}") for i in range(11, 21)]
    referred += [(f"customers/{BROKER}", f"customers/c{i}") for i in (35, 45, 55)]
    loop = zip(CYCLE, CYCLE[1:] + CYCLE[:1], strict=True)
    referred += [(f"customers/{a}", f"customers/{b}") for a, b in loop]
    return _data(
        {
            "customers": customers,
            "orders": [o.split("/")[1] for _, o in placed],
            "products": [f"p{i}" for i in range(30)],
            "categories": ["k0", "k1"],
            "sellers": [f"s{i}" for i in range(4)],
            "reviews": [r.split("/")[1] for _, r in wrote],
            "devices": [f"d{i}" for i in range(60)] + ["d_shared"],
            "payment_methods": [f"m{i}" for i in range(60)] + ["m_shared"],
        },
        {
            "placed": placed,
            "contains": contains,
            "wrote": wrote,
            "about": about,
            "sold_by": [(f"products/p{i}", f"sellers/s{i % 4}") for i in range(30)],
            "in_category": [(f"products/p{i}", f"categories/k{i % 2}") for i in range(30)],
            "uses_device": uses_device,
            "pays_with": pays_with,
            "referred": referred,
        },
    )


BANK_RING = ["a3", "a8", "a21"]
ROUND_TRIP = ["a10", "a11", "a12", "a13"]


def bank_data() -> GraphData:
    """Accounts with phones and addresses, a branch lookup, transfers with a round trip."""
    accounts = [f"a{i}" for i in range(40)]
    transfers = [(f"accounts/a{i}", f"accounts/a{(i + 1) % 40}") for i in range(0, 40, 2)]
    transfers += [(f"accounts/a{i}", "accounts/a0") for i in range(1, 40, 3)]  # a0: the hub
    transfers += [
        (f"accounts/{a}", f"accounts/{b}")
        for a, b in zip(ROUND_TRIP, ROUND_TRIP[1:] + ROUND_TRIP[:1], strict=True)
    ]
    has_phone = [(f"accounts/a{i}", f"phones/ph{i}") for i in range(40)]
    lives_at = [(f"accounts/a{i}", f"addresses/ad{i}") for i in range(40)]
    has_phone += [(f"accounts/{a}", "phones/ph_shared") for a in BANK_RING[:2]]
    lives_at += [(f"accounts/{a}", "addresses/ad_shared") for a in BANK_RING[1:]]
    return _data(
        {
            "accounts": accounts,
            "phones": [f"ph{i}" for i in range(40)] + ["ph_shared"],
            "addresses": [f"ad{i}" for i in range(40)] + ["ad_shared"],
            "branches": ["b0", "b1"],
        },
        {
            "transfers": transfers,
            "has_phone": has_phone,
            "lives_at": lives_at,
            "held_at": [(f"accounts/a{i}", f"branches/b{i % 2}") for i in range(40)],
        },
    )


def _schema(data: GraphData) -> GraphSchema:
    return profile_schema(data, graph_name=None, core_collections=None)


def _run(data: GraphData, template: AnalysisTemplate) -> dict[str, float]:
    """Run a template's algorithm with igraph on its projection: vertex id -> score/group."""
    projection = template.projection
    ids: list[str] = []
    for name in projection.vertex_collections:
        ids += [d["_id"] for d in data.collections[name].documents]
    index = {vid: i for i, vid in enumerate(ids)}
    edges = [
        (index[d["_from"]], index[d["_to"]])
        for name in projection.edge_collections
        for d in data.collections[name].documents
        if d["_from"] in index and d["_to"] in index
    ]
    graph = igraph.Graph(n=len(ids), edges=edges, directed=projection.directed)
    p = template.parameters
    values: list[Any]
    match template.algorithm:
        case "pagerank":
            values = graph.pagerank(damping=p["damping_factor"])
        case "degree":
            values = graph.degree(mode=p["mode"])
        case "betweenness":
            values = graph.betweenness(directed=projection.directed)
        case "kcore":
            values = graph.coreness()
        case "wcc" | "shared_identifiers":
            # The rings projection: what it holds together (entities through shared identifiers).
            values = graph.connected_components(mode="weak").membership
        case "scc":
            values = graph.connected_components(mode="strong").membership
        case "leiden":
            import random

            random.seed(7)
            values = graph.community_leiden(
                objective_function="modularity",
                resolution=p["resolution"],
                n_iterations=p["iterations"],
            ).membership
        case _:
            raise AssertionError(template.algorithm)
    return dict(zip(ids, values, strict=True))


def _use_case(
    intent: str, focus: list[str], linked: list[str] | None = None, priority: str = "medium"
) -> UseCase:
    return UseCase(
        id=f"UC-{intent}",
        title=f"{intent} of {', '.join(focus)}",
        intent=intent,
        description="",
        requirement_ids=["REQ-001"],
        focus_collections=focus,
        linked_collections=linked or [],
        priority=priority,
    )


def _design(use_case: UseCase, schema: GraphSchema) -> AnalysisTemplate:
    [template] = design_templates_by_rules([use_case], schema, max_templates=5, top_k=7)
    assert validate_template(template, schema) == template
    assert template.result_collections == [c for c in use_case.focus_collections]
    assert template.top_k == 7
    return template


def _top(scores: dict[str, float], collection: str) -> list[str]:
    own = {k.split("/")[1]: v for k, v in scores.items() if k.startswith(collection + "/")}
    return sorted(own, key=lambda k: -own[k])


SHOP = shop_data()
SHOP_SCHEMA = _schema(SHOP)
BANK = bank_data()
BANK_SCHEMA = _schema(BANK)


def test_fixtures_have_the_roles_the_rules_rely_on() -> None:
    roles = {c.name: c.role for c in SHOP_SCHEMA.collections}
    assert roles["categories"] == "satellite"
    assert roles["devices"] == roles["sellers"] == "core"
    assert {c.name: c.role for c in BANK_SCHEMA.collections}["branches"] == "satellite"


def test_influence_ranks_the_referrer_first_despite_edge_direction() -> None:
    template = _design(_use_case("influence", ["customers"]), SHOP_SCHEMA)
    assert template.algorithm == "pagerank"
    assert template.projection.edge_collections == ["referred"]
    # 'referred' points from the influencer to the referred: followed as directed, PageRank
    # would rank the referred customers first.
    assert template.projection.directed is False
    assert _top(_run(SHOP, template), "customers")[0] == INFLUENCER
    directed = template.model_copy(
        update={"projection": template.projection.model_copy(update={"directed": True})}
    )
    assert _top(_run(SHOP, directed), "customers")[0] != INFLUENCER


def test_influence_follows_endorsement_edges_as_directed() -> None:
    data = _data(
        {"people": [f"u{i}" for i in range(6)]},
        {"follows": [(f"people/u{i}", "people/u0") for i in range(1, 6)]},
    )
    template = _design(_use_case("influence", ["people"]), _schema(data))
    assert template.projection.directed is True
    assert _top(_run(data, template), "people")[0] == "u0"


def test_hubs_count_the_focus_connections_and_find_the_hub_product() -> None:
    template = _design(_use_case("hubs", ["products"]), SHOP_SCHEMA)
    assert template.algorithm == "degree"
    assert set(template.projection.edge_collections) == {"contains", "about", "sold_by"}
    assert "categories" not in template.projection.vertex_collections
    assert _top(_run(SHOP, template), "products")[0] == HUB


def test_communities_recover_the_purchasing_segments_without_satellites() -> None:
    template = _design(_use_case("communities", ["customers"]), SHOP_SCHEMA)
    assert template.algorithm == "leiden"
    assert template.projection.directed is False
    assert "categories" not in template.projection.vertex_collections
    assert {"orders", "products"} <= set(template.projection.vertex_collections)
    membership = _run(SHOP, template)
    by_community: dict[float, list[int]] = {}
    # Ring members are tied across segments by their shared device and card; the rest must
    # fall into communities that are (almost) one segment each.
    for i in range(60):
        if f"c{i}" not in RING:
            by_community.setdefault(membership[f"customers/c{i}"], []).append(i)
    assert len(by_community) >= 2
    for members in by_community.values():
        segment_a = sum(1 for i in members if i < 30)
        assert min(segment_a, len(members) - segment_a) <= max(1, len(members) // 10)


def test_rings_use_the_named_identifiers_and_find_the_ring() -> None:
    template = _design(
        _use_case("rings", ["customers"], ["devices", "payment_methods"]), SHOP_SCHEMA
    )
    assert template.algorithm == "shared_identifiers"
    assert template.parameters["identifier_collections"] == "devices|payment_methods"
    assert set(template.projection.vertex_collections) == {
        "customers",
        "devices",
        "payment_methods",
    }
    # Referrals would chain the influencer's whole tree into one "ring".
    assert "referred" not in template.projection.edge_collections
    components = _run(SHOP, template)
    ring = {components[f"customers/{c}"] for c in RING}
    assert len(ring) == 1
    members = [v for v, c in components.items() if c in ring and v.startswith("customers/")]
    assert sorted(members) == sorted(f"customers/{c}" for c in RING)


def test_rings_fall_back_to_identifier_like_neighbours() -> None:
    template = _design(_use_case("rings", ["customers"]), SHOP_SCHEMA)
    assert set(template.projection.vertex_collections) == {
        "customers",
        "devices",
        "payment_methods",
    }


def test_rings_never_go_through_a_satellite() -> None:
    # Products named as sharing a category: the lookup is ignored, and products have no
    # identifier-like neighbour, so no ring template is made rather than a misleading one.
    design = design_templates_with_failures(
        [_use_case("rings", ["products"], ["categories"])], SHOP_SCHEMA, max_templates=3, top_k=5
    )
    assert design.templates == []
    [(_, reason)] = design.failures
    assert "shared-identifier" in reason


def test_cycles_find_exactly_the_referral_loop() -> None:
    template = _design(_use_case("cycles", ["customers"]), SHOP_SCHEMA)
    assert (template.algorithm, template.projection.directed) == ("scc", True)
    components = _run(SHOP, template)
    sizes: dict[float, int] = {}
    for component in components.values():
        sizes[component] = sizes.get(component, 0) + 1
    loops = [c for c, size in sizes.items() if size > 1]
    assert len(loops) == 1
    assert sorted(v for v, c in components.items() if c == loops[0]) == sorted(
        f"customers/{c}" for c in CYCLE
    )


def test_brokers_rank_the_cross_segment_referrer_high() -> None:
    template = _design(_use_case("brokers", ["customers"]), SHOP_SCHEMA)
    assert template.algorithm == "betweenness"
    assert template.parameters["sample_size"] is None  # small projection: exact
    assert "devices" not in template.projection.vertex_collections
    scores = _run(SHOP, template)
    ranking = _top(scores, "customers")
    # Betweenness shortlists brokers: the cross-segment referrer is in the top quarter and far
    # above the typical customer (the within-segment influencer may still outrank it).
    assert ranking.index(BROKER) < len(ranking) // 4
    median = sorted(scores[f"customers/{c}"] for c in ranking)[len(ranking) // 2]
    assert scores[f"customers/{BROKER}"] > 2 * median


def test_brokers_are_sampled_on_large_projections() -> None:
    big = SHOP_SCHEMA.model_copy(deep=True)
    for profile in big.collections:
        if profile.name == "customers":
            profile.count = 100_000
    template = _design(_use_case("brokers", ["customers"]), big)
    assert template.parameters["sample_size"] == 256
    assert "Sampled" in template.description


def test_brokers_between_customers_run_on_the_customer_to_customer_relation() -> None:
    template = _design(_use_case("brokers", ["customers"]), SHOP_SCHEMA)
    assert template.projection == GraphProjection(
        vertex_collections=["customers"], edge_collections=["referred"], directed=False
    )


def test_brokers_without_a_direct_relation_use_the_two_hop_core_projection() -> None:
    data = shop_data()
    del data.collections["referred"]
    template = _design(_use_case("brokers", ["customers"]), _schema(data))
    assert template.algorithm == "betweenness"
    assert {"customers", "orders", "products"} <= set(template.projection.vertex_collections)
    assert "devices" not in template.projection.vertex_collections
    ranking = _top(_run(data, template), "customers")
    assert ranking  # runs on the projection it designed


def test_cohesion_lifts_the_ring_above_ordinary_customers() -> None:
    template = _design(_use_case("cohesion", ["customers"]), SHOP_SCHEMA)
    assert (template.algorithm, template.projection.directed) == ("kcore", False)
    coreness = _run(SHOP, template)
    ring = min(coreness[f"customers/{c}"] for c in RING)
    ordinary = max(
        coreness[f"customers/c{i}"] for i in range(60) if f"c{i}" not in [*RING, INFLUENCER]
    )
    assert ring > ordinary


def test_bank_domain_rings_round_trips_and_hub() -> None:
    rings = _design(_use_case("rings", ["accounts"], ["phones", "addresses"]), BANK_SCHEMA)
    components = _run(BANK, rings)
    assert len({components[f"accounts/{a}"] for a in BANK_RING}) == 1
    assert components["accounts/a1"] != components[f"accounts/{BANK_RING[0]}"]

    cycles = _design(_use_case("cycles", ["accounts"]), BANK_SCHEMA)
    assert cycles.projection.edge_collections == ["transfers"]
    strong = _run(BANK, cycles)
    loop = {strong[f"accounts/{a}"] for a in ROUND_TRIP}
    assert len(loop) == 1
    assert sum(1 for v in strong.values() if v in loop) == len(ROUND_TRIP)

    hubs = _design(_use_case("hubs", ["accounts"]), BANK_SCHEMA)
    assert "branches" not in hubs.projection.vertex_collections
    assert _top(_run(BANK, hubs), "accounts")[0] == "a0"

    for intent in ("influence", "communities", "brokers", "cohesion"):
        template = _design(_use_case(intent, ["accounts"]), BANK_SCHEMA)
        assert "branches" not in template.projection.vertex_collections


def test_cycles_without_self_edges_use_a_round_trip_collection() -> None:
    data = _data(
        {"accounts": ["a", "b", "c"], "payments": ["p1", "p2", "p3"]},
        {
            "sent": [("accounts/a", "payments/p1"), ("accounts/b", "payments/p2")],
            "received_by": [("payments/p1", "accounts/b"), ("payments/p2", "accounts/a")],
        },
    )
    template = _design(_use_case("cycles", ["accounts"]), _schema(data))
    components = _run(data, template)
    assert components["accounts/a"] == components["accounts/b"] != components["accounts/c"]


def test_max_templates_keeps_the_highest_priorities_and_numbers_them() -> None:
    use_cases = [
        _use_case("hubs", ["products"], priority="low"),
        _use_case("influence", ["customers"], priority="high"),
        _use_case("cycles", ["customers"], priority="medium"),
    ]
    design = design_templates_with_failures(use_cases, SHOP_SCHEMA, max_templates=2, top_k=5)
    assert [t.id for t in design.templates] == ["TPL-001", "TPL-002"]
    assert [t.use_case_id for t in design.templates] == ["UC-influence", "UC-cycles"]
    [(skipped, reason)] = design.failures
    assert skipped.intent == "hubs" and "max_templates" in reason


def _template(**changes: Any) -> AnalysisTemplate:
    base = AnalysisTemplate(
        id="TPL-900",
        use_case_id="UC-900",
        requirement_ids=[],
        title="t",
        algorithm="pagerank",
        projection=GraphProjection(vertex_collections=["customers"], edge_collections=["referred"]),
        result_collections=["customers"],
    )
    return base.model_copy(update=changes)


def test_validate_fills_in_effective_parameters() -> None:
    validated = validate_template(_template(), SHOP_SCHEMA)
    assert validated.parameters == {"damping_factor": 0.85, "vertices": None}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {
                "projection": GraphProjection(
                    vertex_collections=["clients"], edge_collections=["referred"]
                )
            },
            "unknown vertex collection 'clients'",
        ),
        (
            {
                "projection": GraphProjection(
                    vertex_collections=["customers", "placed"], edge_collections=["referred"]
                )
            },
            "'placed' is an edge collection",
        ),
        (
            {
                "projection": GraphProjection(
                    vertex_collections=["customers"], edge_collections=["orders"]
                )
            },
            "'orders' is a vertex collection",
        ),
        (
            {
                "projection": GraphProjection(
                    vertex_collections=["customers"], edge_collections=["contains"]
                )
            },
            "connects orders to products",
        ),
        ({"projection": GraphProjection(vertex_collections=[], edge_collections=[])}, "at least"),
        ({"parameters": {"damping_factor": 1.5}}, "damping_factor"),
        ({"parameters": {"alpha": 0.5}}, "unknown parameter"),
        ({"algorithm": "pregel_magic"}, "unknown algorithm"),
        ({"result_collections": ["products"]}, "not in the projection"),
    ],
)
def test_validate_rejects(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(TemplateValidationError, match=message):
        validate_template(_template(**changes), SHOP_SCHEMA)


async def test_node_reports_use_cases_without_a_template() -> None:
    state = WorkflowState(
        schema=SHOP_SCHEMA,
        use_cases=[
            _use_case("influence", ["customers"]),
            _use_case("cycles", ["categories"]),  # a lookup has no loops to find
        ],
    )

    class _Runtime:
        context = Context(max_templates=4, top_k=3)

    update = await generate_templates(state, _Runtime())  # type: ignore[arg-type]
    [template] = update["templates"]
    assert template.top_k == 3 and template.use_case_id == "UC-influence"
    [error] = update["errors"]
    assert error.phase == "generate_templates" and "UC-cycles" in error.message
    assert update["timings"][0].phase == "generate_templates"


DEMO_REQUIREMENTS = {
    "influence": "Rank the most influential customers by the reach of their referrals.",
    "communities": "Group customers into communities by purchasing behaviour.",
    "rings": "Find fraud rings: groups of accounts that share the same devices or the same "
    "payment cards.",
    "brokers": "Identify customers who bridge otherwise separate segments.",
    "cycles": "Detect circular referral chains, where customers refer each other in a loop.",
    "hubs": "Identify the hub products that the catalogue depends on.",
    "cohesion": "Find tightly-knit groups of customers.",
}


def test_rules_reveal_every_structure_planted_in_the_demo() -> None:
    """Requirement text → use case → template → igraph run, checked against the demo's truth."""
    demo = generate_demo(scale=0.2)
    data, truth = demo.data, demo.truth
    schema = _schema(data)
    assert {c.name for c in schema.collections if c.role == "satellite"} == set(
        truth.satellite_collections
    )
    requirements = [
        Requirement(id=f"REQ-{i:03d}", kind="requirement", text=text, source="brief", line=i)
        for i, text in enumerate(DEMO_REQUIREMENTS.values(), start=1)
    ]
    use_cases, unanswered = generate_use_cases_by_rules(
        requirements, schema, Vertical(name="generic", title="Generic")
    )
    assert unanswered == []
    assert [u.intent for u in use_cases] == list(DEMO_REQUIREMENTS)
    templates = design_templates_by_rules(use_cases, schema, max_templates=12, top_k=10)
    results: dict[str, tuple[AnalysisTemplate, dict[str, float]]] = {
        t.algorithm: (t, _run(data, t)) for t in templates
    }
    assert len(results) == len(DEMO_REQUIREMENTS)

    def top(algorithm: str, n: int) -> list[str]:
        template, scores = results[algorithm]
        collection = template.result_collections[0]
        return [f"{collection}/{k}" for k in _top(scores, collection)[:n]]

    assert set(top("pagerank", len(truth.influencers))) == set(truth.influencers)
    assert set(top("degree", len(truth.hub_products))) == set(truth.hub_products)
    assert set(truth.brokers) <= set(top("betweenness", 12))
    ring_members = {m for ring in truth.fraud_rings for m in ring.members}
    assert set(top("kcore", len(ring_members))) <= ring_members

    components = results["shared_identifiers"][1]
    for ring in truth.fraud_rings:
        [component] = {components[m] for m in ring.members}
        customers = {v for v, c in components.items() if c == component and "customers/" in v}
        assert customers == set(ring.members)

    strong = results["scc"][1]
    loops: dict[float, set[str]] = {}
    for vertex, component in strong.items():
        loops.setdefault(component, set()).add(vertex)
    assert sorted(sorted(g) for g in loops.values() if len(g) > 1) == sorted(
        sorted(cycle) for cycle in truth.referral_cycles
    )

    communities = results["leiden"][1]
    by_community: dict[float, dict[str, int]] = {}
    for customer, segment in truth.customer_segments.items():
        counts = by_community.setdefault(communities[customer], {})
        counts[segment] = counts.get(segment, 0) + 1
    largest = sorted(by_community.values(), key=lambda c: -sum(c.values()))[:4]
    assert {max(c, key=lambda s: c[s]) for c in largest} == set(truth.customer_segments.values())
    for counts in largest:
        assert max(counts.values()) >= 0.85 * sum(counts.values())


def test_endorsement_is_read_from_edge_name_words_not_substrings() -> None:
    for name, directed in (
        ("follows", True),
        ("trusts", True),
        ("followed_by", False),  # passive: the endorsed vertex is the source
        ("generated", False),  # contains 'rate' but is no rating
        ("referred", False),
    ):
        data = _data(
            {"people": ["u0", "u1", "u2"]},
            {name: [("people/u1", "people/u0"), ("people/u2", "people/u0")]},
        )
        template = _design(_use_case("influence", ["people"]), _schema(data))
        assert template.projection.directed is directed, name


NAMED_ALGORITHMS = {
    "Compute PageRank over customers and referrals.": ("pagerank", "influence"),
    "Use Louvain to find customer communities.": ("louvain", "communities"),
    "Run label propagation on customers.": ("label_propagation", "communities"),
    "Use Leiden to segment customers.": ("leiden", "communities"),
    "Compute the clustering coefficient and count triangles among customers.": (
        "triangles",
        "cohesion",
    ),
    "Compute the k-core decomposition of customers.": ("kcore", "cohesion"),
    "Calculate betweenness centrality for customers.": ("betweenness", "brokers"),
    "Run strongly connected components on customers and referrals.": ("scc", "cycles"),
    "Run connected components over customers and devices.": ("wcc", "rings"),
    "Rank products by degree centrality.": ("degree", "hubs"),
}


@pytest.mark.parametrize("text", list(NAMED_ALGORITHMS), ids=lambda t: t.split()[1])
def test_an_algorithm_named_in_the_requirement_is_the_one_that_runs(text: str) -> None:
    algorithm, intent = NAMED_ALGORITHMS[text]
    requirement = Requirement(id="REQ-001", kind="requirement", text=text, source="t", line=1)
    use_cases, unanswered = generate_use_cases_by_rules(
        [requirement], SHOP_SCHEMA, Vertical(name="generic", title="Generic")
    )
    assert unanswered == []
    [use_case] = use_cases
    assert (use_case.intent, use_case.algorithm) == (intent, algorithm)
    [template] = design_templates_by_rules(use_cases, SHOP_SCHEMA, max_templates=5, top_k=5)
    assert template.algorithm == algorithm
    assert template.notes == []
    validate_template(template, SHOP_SCHEMA)


def test_triangles_among_customers_count_on_their_own_relation() -> None:
    use_case = _use_case("cohesion", ["customers"]).model_copy(update={"algorithm": "triangles"})
    template = _design(use_case, SHOP_SCHEMA)
    assert template.projection == GraphProjection(
        vertex_collections=["customers"], edge_collections=["referred"], directed=False
    )
    assert template.parameters == {"score": "triangles", "vertices": None}


def test_community_variants_keep_the_communities_projection() -> None:
    leiden = _design(_use_case("communities", ["customers"]), SHOP_SCHEMA)
    for algorithm in ("louvain", "label_propagation"):
        named = _use_case("communities", ["customers"]).model_copy(update={"algorithm": algorithm})
        template = _design(named, SHOP_SCHEMA)
        assert template.algorithm == algorithm
        assert template.projection == leiden.projection
        assert algorithm.split("_")[0] in template.title.lower()


def test_an_algorithm_for_another_question_runs_apart_from_the_question() -> None:
    # The question asks for brokers; the named method (PageRank) answers importance, not
    # brokerage: both run, each for its own question, neither in place of the other.
    text = "Find the customers who bridge otherwise separate segments; also run PageRank."
    requirement = Requirement(id="REQ-007", kind="requirement", text=text, source="t", line=1)
    use_cases, _ = generate_use_cases_by_rules(
        [requirement], SHOP_SCHEMA, Vertical(name="generic", title="Generic")
    )
    by_intent = {u.intent: u for u in use_cases}
    assert by_intent["influence"].algorithm == "pagerank"
    assert by_intent["brokers"].algorithm is None
    templates = design_templates_by_rules(use_cases, SHOP_SCHEMA, max_templates=5, top_k=5)
    assert {t.algorithm for t in templates} == {"pagerank", "betweenness"}


async def test_a_designer_that_swaps_the_requested_algorithm_leaves_a_note(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from gaai_graph.llm import phases

    louvain = _use_case("communities", ["customers"]).model_copy(update={"algorithm": "louvain"})

    async def swapping_designer(context: Any, use_cases: Any, schema: Any, design: Any) -> Any:
        swapped = [
            t.model_copy(update={"algorithm": "leiden", "parameters": {}}) for t in design.templates
        ]
        return type(design)(templates=swapped, failures=design.failures), {}

    monkeypatch.setattr(phases, "templates_with_llm", swapping_designer)
    state = WorkflowState(use_cases=[louvain], schema=SHOP_SCHEMA)

    update = await generate_templates(state, None)  # type: ignore[arg-type]

    [template] = update["templates"]
    assert template.algorithm == "leiden"
    assert template.notes == [
        "UC-communities asked for Louvain; this analysis runs Leiden instead, as its template "
        "was designed."
    ]


def test_a_question_read_title_names_its_method_once() -> None:
    requirement = Requirement(
        id="REQ-001",
        kind="requirement",
        text="Which customers are the most important?",
        source="t",
        line=1,
    )
    use_cases, _ = generate_use_cases_by_rules(
        [requirement], SHOP_SCHEMA, Vertical(name="generic", title="Generic")
    )
    templates = design_templates_by_rules(use_cases, SHOP_SCHEMA, max_templates=5, top_k=5)
    assert templates
    for template in templates:
        label = label_of(template.algorithm)
        assert template.title.endswith(f"({label})")
        assert template.title.count(f"({label})") == 1, template.title


def test_a_title_names_the_method_that_runs_not_the_one_read() -> None:
    use_case = _use_case("influence", ["customers"]).model_copy(
        update={"title": "Importance of customers (degree)"}
    )
    template = _design(use_case, SHOP_SCHEMA)
    assert template.algorithm != "degree"
    assert template.title == f"Importance of customers ({label_of(template.algorithm)})"
