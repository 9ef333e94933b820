"""Schema analysis's edge pass on the load-wide numbering projections share (issue 18.2)."""

from __future__ import annotations

from typing import Any

import numpy as np

from gaai_graph.nodes import schema_edges
from gaai_graph.nodes.schema_edges import index_vertices, scan_edges
from gaai_graph.sources.base import CollectionData, GraphData
from gaai_graph.sources.demo import generate_demo


def _scans(data: GraphData, vertices: schema_edges.VertexIndex) -> dict[str, Any]:
    return {
        name: scan_edges(name, collection.documents, vertices)
        for name, collection in data.collections.items()
        if collection.kind == "edge"
    }


def _data(people: list[dict[str, Any]]) -> GraphData:
    knows = [
        {"_key": "k1", "_from": "people/a", "_to": "people/b"},
        {"_key": "k2", "_from": "people/b", "_to": "cities/x"},
        {"_key": "k3", "_from": "people/a", "_to": "nowhere/z"},
        {"_key": "k4", "_from": ["not", "an", "id"], "_to": "people/a"},
    ]
    return GraphData(
        source="memory",
        collections={
            "people": CollectionData("people", "document", people),
            "cities": CollectionData("cities", "document", [{"_key": "x", "_id": "cities/x"}]),
            "knows": CollectionData("knows", "edge", knows[:3]),
        },
    )


def test_the_shared_numbering_gives_the_scans_of_the_own_numbering() -> None:
    data = generate_demo(scale=0.3).data
    shared = index_vertices(data)
    assert shared.endpoints and not shared.numbers  # the load-wide path was taken

    own = schema_edges._own_index(data)

    assert _scans(data, shared) == _scans(data, own)
    assert list(shared.collections) == list(own.collections)
    np.testing.assert_array_equal(shared.collection_of, own.collection_of)


def test_dangling_edges_are_reported_the_same_on_either_numbering() -> None:
    data = _data([{"_key": "a", "_id": "people/a"}, {"_key": "b", "_id": "people/b"}])
    shared = index_vertices(data)
    assert shared.endpoints

    scan = _scans(data, shared)["knows"]

    assert scan == _scans(data, schema_edges._own_index(data))["knows"]
    assert scan.dangling == 1 and scan.examples == ["knows/k3: people/a -> nowhere/z"]
    assert scan.prefixes_to == {"people", "cities", "nowhere"}


def test_ids_that_are_not_collection_and_key_keep_the_own_numbering() -> None:
    # `_id` names another key than `_key`: the analysis reads `_id`, projections `_key`.
    data = _data([{"_key": "a", "_id": "people/b"}, {"_key": "b", "_id": "people/a"}])

    vertices = index_vertices(data)

    assert not vertices.endpoints and vertices.numbers
    assert _scans(data, vertices)["knows"].dangling == 1


def test_an_endpoint_that_is_not_a_string_keeps_the_own_numbering() -> None:
    data = _data([{"_key": "a", "_id": "people/a"}, {"_key": "b", "_id": "people/b"}])
    data.collections["knows"].documents.append({"_from": ["x"], "_to": "people/a"})

    vertices = index_vertices(data)

    assert not vertices.endpoints
    assert _scans(data, vertices)["knows"].dangling == 2
