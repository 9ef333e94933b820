"""Projections of one in-memory load share its vertex numbering (issue 18.1)."""

from __future__ import annotations

from typing import Any

import pytest

from gaai_graph.models import GraphProjection
from gaai_graph.sources import projection as projection_module
from gaai_graph.sources.base import CollectionData, GraphData
from gaai_graph.sources.projection import build_projection


def _data() -> GraphData:
    people = [{"_key": f"p{i}", "name": f"P{i}"} for i in range(6)]
    people.append({"_key": "p1", "name": "second p1"})  # a repeated key: the first one counts
    cities = [{"_key": "c0", "name": ""}, {"_key": "c1"}]
    knows = [{"_from": f"people/p{i}", "_to": f"people/p{i + 1}"} for i in range(5)]
    lives = [{"_from": f"people/p{i}", "_to": f"cities/c{i % 2}"} for i in range(6)]
    lives.append({"_from": "people/p0", "_to": "cities/nowhere"})
    return GraphData(
        source="memory",
        collections={
            "people": CollectionData("people", "document", people),
            "cities": CollectionData("cities", "document", cities),
            "knows": CollectionData("knows", "edge", knows),
            "lives": CollectionData("lives", "edge", lives),
        },
    )


def _projection(vertices: list[str], edges: list[str]) -> GraphProjection:
    return GraphProjection(vertex_collections=vertices, edge_collections=edges, directed=True)


def test_a_later_projection_reads_no_document_again(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _data()
    build_projection(data, _projection(["people", "cities"], ["knows", "lives"]), {})
    build_projection(data, _projection(["people", "cities"], ["knows", "lives"]), {})

    def no_reading(*_: Any) -> str:
        raise AssertionError("a document was read again")

    monkeypatch.setattr(projection_module, "_key_of", no_reading)
    again = build_projection(data, _projection(["cities", "people"], ["lives"]), {})

    assert again.vertex_ids[:2] == ["cities/c0", "cities/c1"]
    assert again.edge_count == 6 and again.skipped_edges == 1


def test_collections_numbered_later_make_earlier_unknown_endpoints_known() -> None:
    data = _data()
    only_people = build_projection(data, _projection(["people"], ["lives"]), {})
    assert only_people.edge_count == 0 and only_people.skipped_edges == 7

    both = build_projection(data, _projection(["people", "cities"], ["lives"]), {"people": "name"})

    assert both.vertex_ids == [*(f"people/p{i}" for i in range(6)), "cities/c0", "cities/c1"]
    assert both.labels[:2] == ["P0", "P1"]  # p1's first document, not the repeat
    assert both.edges.tolist() == [[i, 6 + i % 2] for i in range(6)]
    assert both.skipped_edges == 1


def test_labels_follow_the_attribute_asked_for_each_time() -> None:
    data = _data()
    by_key = build_projection(data, _projection(["cities"], []), {})
    by_name = build_projection(data, _projection(["cities"], []), {"cities": "name"})
    assert by_key.labels == ["c0", "c1"]
    assert by_name.labels == ["c0", "c1"]  # empty and missing names fall back to the key
    named = build_projection(data, _projection(["people"], []), {"people": "name"})
    assert named.labels == [f"P{i}" for i in range(6)]


def _numbered_index() -> projection_module._LoadIndex:
    import polars as pl

    from gaai_graph.sources.columnar import ColumnarDocuments

    index = projection_module._LoadIndex()
    for name, keys in (
        ("people", ["p0", "p1", "p2"]),
        ("people2", ["p0", "p9"]),
        ("cities", ["c0"]),
    ):
        frame = pl.DataFrame({"_key": keys, "_id": [f"{name}/{key}" for key in keys]})
        projection_module._block(index, CollectionData(name, "document", ColumnarDocuments(frame)))
    return index


@pytest.mark.parametrize(
    "endpoints",
    [
        ["people/p2", "people/p0", "people/nobody"],  # one collection: one pass
        ["people2/p9", "people/p1", "cities/c0"],  # several
        ["people/p1", "people2/p0"],  # a name that starts like another's
        ["elsewhere/x", "people/p0"],  # the first names no numbered collection
        [None, "cities/c0", "people/p2"],  # the first is missing
        ["people", "people/p1"],  # the first has no collection part
        ["people/p1", None],
    ],
)
def test_endpoints_are_numbered_as_by_looking_in_every_collection(
    endpoints: list[str | None],
) -> None:
    import polars as pl

    from gaai_graph.sources.columnar import number_ids

    index = _numbered_index()
    column = pl.Series("_from", endpoints, dtype=pl.String)
    every = [b for b in index.blocks.values() if column.str.starts_with(b.prefix).any()]
    expected = number_ids(column, pl.concat([block.numbered() for block in every]))

    assert index._blocks_named(column) == every
    assert index.number_endpoints(column).tolist() == expected.tolist()


def test_endpoints_of_a_later_collection_get_its_load_wide_numbers() -> None:
    import polars as pl

    index = _numbered_index()
    column = pl.Series("_to", ["people2/p9", "people2/p0", "people2/zz"])
    assert index.number_endpoints(column).tolist() == [4, 3, -1]
