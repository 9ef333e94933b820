"""Schemas of several kinds of graph, for reading questions against their vocabulary."""

from __future__ import annotations

import pytest

from gaai_graph.models import (
    AttributeProfile,
    CollectionProfile,
    EdgeDefinition,
    GraphSchema,
)


def attribute(name: str, kind: str = "string", distinct: float = 1.0) -> AttributeProfile:
    return AttributeProfile(name=name, types=[kind], presence=1.0, distinct_ratio=distinct)


def make_schema(
    vertices: dict[str, tuple[int, list[AttributeProfile]]],
    edges: dict[str, tuple[int, list[AttributeProfile], list[str], list[str]]],
) -> GraphSchema:
    collections = [
        CollectionProfile(
            name=name,
            kind="document",
            count=count,
            attributes=attrs,
            label_attribute="name" if any(a.name == "name" for a in attrs) else None,
        )
        for name, (count, attrs) in vertices.items()
    ]
    collections += [
        CollectionProfile(name=name, kind="edge", count=count, attributes=attrs, role="edge")
        for name, (count, attrs, _, _) in edges.items()
    ]
    definitions = [
        EdgeDefinition(edge_collection=name, from_vertex_collections=src, to_vertex_collections=dst)
        for name, (_, _, src, dst) in edges.items()
    ]
    return GraphSchema(
        source="test", collections=collections, edge_definitions=definitions, fingerprint="x"
    )


@pytest.fixture(scope="session")
def payments_schema() -> GraphSchema:
    return make_schema(
        {
            "accounts": (2000, [attribute("name"), attribute("country", distinct=0.01)]),
            "devices": (900, [attribute("fingerprint")]),
        },
        {
            "transfers": (
                9000,
                [attribute("amount", "number"), attribute("timestamp", "number")],
                ["accounts"],
                ["accounts"],
            ),
            "uses_device": (1500, [], ["accounts"], ["devices"]),
        },
    )


@pytest.fixture(scope="session")
def supply_schema() -> GraphSchema:
    return make_schema(
        {
            "suppliers": (50, [attribute("name")]),
            "parts": (400, [attribute("name"), attribute("critical", "boolean", 0.01)]),
            "products": (120, [attribute("name")]),
        },
        {
            "supplies": (600, [attribute("quantity", "number")], ["suppliers"], ["parts"]),
            "uses_part": (900, [], ["products"], ["parts"]),
        },
    )


@pytest.fixture(scope="session")
def transport_schema() -> GraphSchema:
    return make_schema(
        {
            "stations": (
                300,
                [
                    attribute("name"),
                    attribute("lat", "number"),
                    attribute("lon", "number"),
                    attribute("zone", "number", 0.02),
                ],
            )
        },
        {
            "links": (
                800,
                [attribute("distance_km", "number"), attribute("travel_time", "number")],
                ["stations"],
                ["stations"],
            )
        },
    )


@pytest.fixture(scope="session")
def social_schema() -> GraphSchema:
    return make_schema(
        {"people": (34, [attribute("name"), attribute("club", distinct=0.06)])},
        {"knows": (78, [attribute("weight", "number")], ["people"], ["people"])},
    )


@pytest.fixture(scope="session")
def meetup_schema() -> GraphSchema:
    """A graph with a `groups` collection: "group" names the collection there."""
    return make_schema(
        {"members": (500, [attribute("name")]), "groups": (40, [attribute("name")])},
        {"member_of": (2000, [], ["members"], ["groups"])},
    )
