"""Method projections read the amount and time attributes the edges carry."""

from __future__ import annotations

from gaai_graph.methods.registry import get_method
from gaai_graph.methods.topology import SchemaTopology
from gaai_graph.models import (
    AttributeProfile,
    CollectionProfile,
    EdgeDefinition,
    GraphSchema,
    UseCase,
)
from gaai_graph.nodes.method_plans import plan_for_method


def _schema(edge_attributes: list[AttributeProfile]) -> GraphSchema:
    return GraphSchema(
        source="test",
        collections=[
            CollectionProfile(name="accounts", kind="document", count=10),
            CollectionProfile(name="transfers", kind="edge", count=30, attributes=edge_attributes),
        ],
        edge_definitions=[
            EdgeDefinition(
                edge_collection="transfers",
                from_vertex_collections=["accounts"],
                to_vertex_collections=["accounts"],
            )
        ],
        fingerprint="f",
    )


def _use_case(parameters: dict[str, object] | None = None) -> UseCase:
    return UseCase.model_construct(
        id="u1",
        title="loops",
        focus_collections=["accounts"],
        edge_collections=[],
        parameters=parameters or {},
    )


def test_loops_read_the_edges_amounts_and_iso_times():
    schema = _schema(
        [
            AttributeProfile(name="amount", types=["number"], presence=1.0),
            AttributeProfile(name="created_at", types=["string"], presence=1.0),
            AttributeProfile(name="note", types=["string"], presence=1.0),
        ]
    )
    plan = plan_for_method(get_method("short_cycles"), _use_case(), SchemaTopology(schema))
    assert plan.parameters["amount_attribute"] == "amount"
    assert plan.parameters["time_attribute"] == "created_at"
    assert "'amount'" in plan.why and "'created_at'" in plan.why


def test_what_the_question_set_or_the_method_lacks_is_left_alone():
    schema = _schema(
        [
            AttributeProfile(name="amount", types=["number"], presence=1.0),
            AttributeProfile(name="timestamp", types=["number"], presence=0.3),  # mostly absent
        ]
    )
    topology = SchemaTopology(schema)
    plan = plan_for_method(
        get_method("short_cycles"), _use_case({"amount_attribute": "fee"}), topology
    )
    assert plan.parameters["amount_attribute"] == "fee"
    assert "time_attribute" not in plan.parameters
    plan = plan_for_method(get_method("in_degree"), _use_case(), topology)
    assert "amount_attribute" not in plan.parameters


def test_a_dependency_runs_between_the_focus_and_what_the_question_says_depends_on_it() -> None:
    schema = GraphSchema(
        source="test",
        collections=[
            CollectionProfile(name="orders", kind="document", count=50, role="core"),
            CollectionProfile(name="products", kind="document", count=20, role="core"),
            CollectionProfile(name="customers", kind="document", count=30, role="core"),
            CollectionProfile(name="contains", kind="edge", count=120, role="edge"),
            CollectionProfile(name="placed", kind="edge", count=50, role="edge"),
        ],
        edge_definitions=[
            EdgeDefinition(
                edge_collection="contains",
                from_vertex_collections=["orders"],
                to_vertex_collections=["products"],
            ),
            EdgeDefinition(
                edge_collection="placed",
                from_vertex_collections=["customers"],
                to_vertex_collections=["orders"],
            ),
        ],
        fingerprint="f",
    )
    use_case = UseCase(
        id="u1",
        title="exposure",
        intent="influence",
        description="",
        requirement_ids=["R1"],
        focus_collections=["products"],
        linked_collections=["orders"],
        intents=["dependencies"],
        method="sole_dependency",
    )
    plan = plan_for_method(get_method("sole_dependency"), use_case, SchemaTopology(schema))
    # "products that orders depend on": contains only, read from orders to the products.
    assert plan.edges == ["contains"]
    assert plan.parameters["direction"] == "dependent_to_provider"
