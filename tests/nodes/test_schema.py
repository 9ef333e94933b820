"""Schema analysis: collections, attributes, edge definitions, dangling edges and roles."""

from __future__ import annotations

from typing import Any

import pytest

from gaai_graph.context import Context
from gaai_graph.errors import SourceError
from gaai_graph.models import EdgeDefinition, NamedGraph
from gaai_graph.nodes import schema as schema_module
from gaai_graph.nodes.schema import (
    SchemaTopology,
    analyze_schema,
    choose_label_attribute,
    profile_attributes,
    profile_schema,
)
from gaai_graph.sources import CollectionData, GraphData
from gaai_graph.state import WorkflowState


def _data(
    vertices: dict[str, list[dict[str, Any]]],
    edges: dict[str, list[tuple[str, str]]],
    graphs: list[NamedGraph] | None = None,
) -> GraphData:
    collections = {
        name: CollectionData(
            name, "document", [{"_key": d["_key"], "_id": f"{name}/{d['_key']}", **d} for d in docs]
        )
        for name, docs in vertices.items()
    }
    for name, pairs in edges.items():
        collections[name] = CollectionData(
            name,
            "edge",
            [{"_key": str(i), "_from": a, "_to": b} for i, (a, b) in enumerate(pairs)],
        )
    return GraphData(source="memory", collections=collections, graphs=graphs or [])


def shop_data() -> GraphData:
    """An e-commerce-like graph: 40 customers, 40 products in 2 categories, 5 sellers."""
    customers = [
        {"_key": f"c{i}", "name": f"Customer {i}", "email": f"c{i}@x.io"} for i in range(40)
    ]
    products = [{"_key": f"p{i}", "title": f"Product {i}", "price": 10 + i} for i in range(40)]
    return _data(
        {
            "customers": customers,
            "products": products,
            "categories": [{"_key": f"k{i}", "name": f"Cat {i}"} for i in range(2)],
            "sellers": [{"_key": f"s{i}", "name": f"Seller {i}"} for i in range(5)],
            "orders": [{"_key": f"o{i}", "total": i} for i in range(80)],
            "devices": [{"_key": f"d{i}", "fingerprint": f"fp{i}"} for i in range(40)],
        },
        {
            "placed": [(f"customers/c{i // 2}", f"orders/o{i}") for i in range(80)],
            "contains": [
                (f"orders/o{i}", f"products/p{(i + j) % 40}") for i in range(80) for j in (0, 1)
            ],
            "in_category": [(f"products/p{i}", f"categories/k{i % 2}") for i in range(40)],
            "sold_by": [(f"products/p{i}", f"sellers/s{i % 5}") for i in range(40)],
            "uses_device": [(f"customers/c{i}", f"devices/d{i}") for i in range(40)],
            "referred": [("customers/c0", "customers/c1"), ("customers/c1", "customers/c2")],
        },
    )


def test_collections_kinds_counts_and_hidden_collections_skipped() -> None:
    data = shop_data()
    data.collections["_graphs"] = CollectionData("_graphs", "document", [{"_key": "g"}])
    schema = profile_schema(data, graph_name=None, core_collections=None)
    assert "_graphs" not in {c.name for c in schema.collections}
    assert schema.collection("orders").count == 80  # type: ignore[union-attr]
    assert schema.collection("placed").kind == "edge"  # type: ignore[union-attr]
    assert set(schema.vertex_collections) == {
        "customers",
        "products",
        "categories",
        "sellers",
        "orders",
        "devices",
    }
    assert schema.fingerprint == data.fingerprint
    assert schema.graph_name is None


def test_attribute_profiles_types_presence_and_distinctness() -> None:
    documents: list[dict[str, Any]] = [
        {"_key": "1", "_id": "x/1", "name": "a", "score": 1, "tag": "t"},
        {"_key": "2", "_id": "x/2", "name": "b", "score": "high", "tag": "t"},
        {"_key": "3", "_id": "x/3", "name": "c", "score": 2},
        {"_key": "4", "_id": "x/4", "name": "d", "score": None, "tag": "t"},
    ]
    profiles = {p.name: p for p in profile_attributes(documents)}
    assert set(profiles) == {"name", "score", "tag"}
    assert profiles["score"].types == ["number", "null", "string"]
    assert profiles["tag"].presence == pytest.approx(0.75)
    assert profiles["tag"].distinct_ratio == pytest.approx(1 / 3)
    assert profiles["name"].distinct_ratio == 1.0


def test_sample_is_deterministic_and_spread_over_the_collection() -> None:
    # The attribute only exists in the second half: a head-only sample would miss it.
    docs = [{"_key": str(i), **({"late": i} if i >= 500 else {})} for i in range(1000)]
    data = _data({"things": docs}, {})
    first = profile_schema(data, graph_name=None, core_collections=None, sample_size=10)
    second = profile_schema(data, graph_name=None, core_collections=None, sample_size=10)
    late = {a.name: a for a in first.collection("things").attributes}["late"]  # type: ignore[union-attr]
    assert late.presence == pytest.approx(0.5)
    assert first == second


def test_label_attribute_prefers_human_names_and_needs_distinct_values() -> None:
    schema = profile_schema(shop_data(), graph_name=None, core_collections=None)
    labels = {c.name: c.label_attribute for c in schema.collections if c.kind == "document"}
    assert labels["customers"] == "name"  # name wins over the (also distinct) email
    assert labels["products"] == "title"
    assert labels["devices"] == "fingerprint"
    assert labels["orders"] is None  # only a number: nothing a person would read as a label
    repeated = profile_attributes([{"name": "same", "nickname": f"n{i}"} for i in range(10)])
    assert choose_label_attribute(repeated) == "nickname"


@pytest.mark.parametrize("attribute", ["handle", "username", "title", "display_name"])
def test_handles_usernames_titles_and_display_names_are_labels(attribute: str) -> None:
    documents = [
        {"uuid": f"9f0c-{i:04d}", attribute: f"@someone{i}", "country": "NL"} for i in range(20)
    ]
    assert choose_label_attribute(profile_attributes(documents)) == attribute


def test_edge_definitions_inferred_from_endpoints() -> None:
    schema = profile_schema(shop_data(), graph_name=None, core_collections=None)
    definitions = {d.edge_collection: d for d in schema.edge_definitions}
    assert definitions["contains"].from_vertex_collections == ["orders"]
    assert definitions["contains"].to_vertex_collections == ["products"]
    assert definitions["referred"].from_vertex_collections == ["customers"]
    assert set(definitions) == set(schema.edge_collections)


def _shop_graph() -> NamedGraph:
    return NamedGraph(
        name="shop_graph",
        edge_definitions=[
            EdgeDefinition(
                edge_collection="placed",
                from_vertex_collections=["customers"],
                to_vertex_collections=["orders"],
            )
        ],
        orphan_collections=["sellers"],
    )


def test_named_graph_restricts_the_schema_to_its_collections() -> None:
    data = shop_data()
    data.graphs = [_shop_graph(), NamedGraph(name="other", edge_definitions=[])]
    schema = profile_schema(data, graph_name="shop_graph", core_collections=None)
    assert schema.graph_name == "shop_graph"
    assert {c.name for c in schema.collections} == {"customers", "orders", "placed", "sellers"}
    assert [d.edge_collection for d in schema.edge_definitions] == ["placed"]
    assert {g.name for g in schema.graphs} == {"shop_graph", "other"}


def test_single_named_graph_is_used_by_default_but_not_one_of_several() -> None:
    data = shop_data()
    data.graphs = [_shop_graph()]
    assert profile_schema(data, graph_name=None, core_collections=None).graph_name == "shop_graph"
    data.graphs = [_shop_graph(), NamedGraph(name="other", edge_definitions=[])]
    schema = profile_schema(data, graph_name=None, core_collections=None)
    assert schema.graph_name is None
    assert len(schema.edge_definitions) == len(schema.edge_collections)


def test_unknown_graph_name_lists_the_available_graphs() -> None:
    data = shop_data()
    data.graphs = [_shop_graph()]
    with pytest.raises(SourceError, match=r"'nope'.*available graphs: shop_graph"):
        profile_schema(data, graph_name="nope", core_collections=None)


def test_dangling_edges_are_counted_with_examples_and_a_warning() -> None:
    data = shop_data()
    placed = data.collections["placed"].documents
    for i in range(7):
        placed.append({"_key": f"bad{i}", "_from": "customers/c1", "_to": f"orders/missing{i}"})
    placed.append({"_key": "ghost", "_from": "ghosts/g1", "_to": "orders/o1"})
    schema = profile_schema(data, graph_name=None, core_collections=None)
    [dangling] = schema.dangling_edges
    assert dangling.edge_collection == "placed"
    assert dangling.count == 8
    assert len(dangling.examples) == 5
    assert "orders/missing0" in dangling.examples[0]
    assert any("placed" in w and "8 edges point to missing" in w for w in schema.warnings)
    # The unknown 'ghosts' prefix is not invented as a vertex collection.
    placed_definition = next(d for d in schema.edge_definitions if d.edge_collection == "placed")
    assert placed_definition.from_vertex_collections == ["customers"]


def test_lookup_collection_is_a_satellite_and_entities_stay_core() -> None:
    schema = profile_schema(shop_data(), graph_name=None, core_collections=None)
    roles = {c.name: c.role for c in schema.collections}
    assert roles["categories"] == "satellite"  # 2 vertices, 20 products each
    # Sellers (8 products each) and devices (one customer each) are not lookups.
    assert roles["sellers"] == "core"
    assert roles["devices"] == "core"
    assert roles["customers"] == roles["orders"] == roles["products"] == "core"
    assert roles["placed"] == "edge"


def test_popular_entity_is_core_while_a_lookup_of_the_same_size_is_a_satellite() -> None:
    # 100 orders of 3 of 10 products: 30 order lines per product, as glued as a lookup by
    # size and in-degree, but an order holds several products, so products are entities.
    data = _data(
        {
            "orders": [{"_key": f"o{i}"} for i in range(100)],
            "products": [{"_key": f"p{i}"} for i in range(10)],
            "categories": [{"_key": "k0"}],
        },
        {
            "contains": [
                (f"orders/o{i}", f"products/p{(i + j) % 10}") for i in range(100) for j in range(3)
            ],
            "in_category": [(f"products/p{i}", "categories/k0") for i in range(10)],
        },
    )
    schema = profile_schema(data, graph_name=None, core_collections=None)
    roles = {c.name: c.role for c in schema.collections}
    assert roles["products"] == "core"
    assert roles["categories"] == "satellite"


def test_user_core_collections_override_the_rules() -> None:
    schema = profile_schema(
        shop_data(), graph_name=None, core_collections=["customers", "categories"]
    )
    roles = {c.name: c.role for c in schema.collections if c.kind == "document"}
    assert roles == {
        "customers": "core",
        "categories": "core",
        "products": "satellite",
        "sellers": "satellite",
        "orders": "satellite",
        "devices": "satellite",
    }


def test_unknown_core_collections_are_ignored_with_a_warning() -> None:
    partly = profile_schema(
        shop_data(), graph_name=None, core_collections=["shoppers", "customers", "likes"]
    )
    roles = {c.name: c.role for c in partly.collections if c.kind == "document"}
    assert [name for name, role in roles.items() if role == "core"] == ["customers"]
    assert partly.warnings == [
        "core_collections names shoppers, likes, which the source memory does not have as "
        "vertex collections; ignored"
    ]

    data = shop_data()
    data.graphs = [_shop_graph()]
    unknown = profile_schema(data, graph_name="shop_graph", core_collections=["users", "posts"])
    automatic = profile_schema(data, graph_name="shop_graph", core_collections=None)
    assert [c.role for c in unknown.collections] == [c.role for c in automatic.collections]
    [warning] = unknown.warnings
    assert warning.startswith(
        "core_collections names users, posts, which graph shop_graph does not have as vertex "
        "collections; ignored"
    )
    assert "decided automatically" in warning


def test_topology_neighbourhood_never_crosses_satellites() -> None:
    topology = SchemaTopology(profile_schema(shop_data(), graph_name=None, core_collections=None))
    assert topology.self_edges("customers") == ["referred"]
    vertices, edges = topology.neighbourhood(["customers"], hops=2)
    assert set(vertices) == {"customers", "orders", "devices", "products"}
    assert "categories" not in vertices and "in_category" not in edges
    assert set(edges) == {"placed", "contains", "uses_device", "referred"}
    assert topology.identifier_neighbours("customers") == ["devices"]


async def test_analyze_schema_node_reports_dangling_edges_as_errors(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = shop_data()
    data.collections["placed"].documents.append(
        {"_key": "bad", "_from": "customers/c1", "_to": "orders/nowhere"}
    )
    requested: list[str] = []

    async def fake_load(spec: str) -> GraphData:
        requested.append(spec)
        return data

    monkeypatch.setattr(schema_module, "load_graph", fake_load)

    class _Runtime:
        context = Context(source="memory-source", core_collections=["customers"])

    update = await analyze_schema(WorkflowState(), _Runtime())  # type: ignore[arg-type]
    assert requested == ["memory-source"]
    assert update["schema"].collection("orders").role == "satellite"
    [error] = update["errors"]
    assert error.phase == "analyze_schema" and "orders/nowhere" in error.message
    assert update["timings"][0].phase == "analyze_schema"
