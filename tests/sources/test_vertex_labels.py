"""A projection's labels read from its collections' label columns (`VertexLabels`)."""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
import pytest

from gaai_graph.models import GraphProjection
from gaai_graph.sources.base import CollectionData, GraphData, labels_at
from gaai_graph.sources.columnar import ColumnarDocuments
from gaai_graph.sources.projection import VertexLabels, build_projection


def _frame(documents: list[dict[str, Any]]) -> ColumnarDocuments:
    return ColumnarDocuments(pl.DataFrame(documents, infer_schema_length=None))


def _graph() -> GraphData:
    people = [{"_key": "p1", "name": "Ann"}, {"_key": "p2", "name": ""}, {"_key": "p3"}]
    cities = [{"_key": "c1", "size": 3}, {"_key": "c2", "size": 15}]
    lives = [{"_from": "people/p1", "_to": "cities/c1"}, {"_from": "people/p3", "_to": "cities/c2"}]
    return GraphData(
        source="test",
        collections={
            "people": CollectionData(name="people", kind="document", documents=_frame(people)),
            "cities": CollectionData(name="cities", kind="document", documents=_frame(cities)),
            "lives": CollectionData(name="lives", kind="edge", documents=_frame(lives)),
        },
    )


def test_labels_of_a_frame_projection_are_read_from_columns_and_match_the_documents() -> None:
    projection = GraphProjection(
        vertex_collections=["people", "cities"], edge_collections=["lives"]
    )
    built = build_projection(_graph(), projection, {"people": "name", "cities": "size"})
    assert isinstance(built.labels, VertexLabels)
    # An empty or missing text label is the key; a number is written as Python writes it.
    expected = ["Ann", "p2", "p3", "3", "15"]
    assert list(built.labels) == expected and built.labels == expected
    assert [built.labels[i] for i in range(5)] == expected
    assert built.labels[-1] == "15" and built.labels[1:4] == expected[1:4]
    assert built.labels[np.int64(3)] == "3" and built.labels[np.intp(-5)] == "Ann"
    assert built.labels.take([4, 0, 2, 0]) == ["15", "Ann", "p3", "Ann"]
    assert labels_at(built.labels, [3, 1]) == ["3", "p2"]


def test_reading_a_label_outside_the_projection_is_an_index_error() -> None:
    labels = VertexLabels([pl.Series(["a", "b"]), ["c"], pl.Series([], dtype=pl.String)])
    assert len(labels) == 3 and labels[2] == "c" and labels[-3] == "a"
    for index in (3, -4):
        with pytest.raises(IndexError):
            labels[index]
    with pytest.raises(IndexError):
        labels.take([0, 3])
    assert labels.take([]) == []


def test_labels_compare_with_lists_by_content() -> None:
    labels = VertexLabels([pl.Series(["a"]), ["b"]])
    assert labels == ["a", "b"] and labels == ("a", "b") and labels == VertexLabels([["a", "b"]])
    assert labels != ["b", "a"] and labels != ["a"]
    assert labels_at(["x", "y", "z"], [2, 0]) == ["z", "x"]
