"""Columnar documents read like the list of dicts they replace."""

from __future__ import annotations

import polars as pl
import pytest

from gaai_graph.sources.columnar import (
    ROW_BATCH,
    ColumnarDocuments,
    columnar_frame,
    ids_repeat_keys,
)

DOCUMENTS = [
    {"_key": "a", "name": "Ada", "age": 36},
    {"_key": "b", "name": "Bob"},
    {"_key": "c", "age": 7, "tags": ["x", "y"]},
]


def _columnar(documents: list[dict[str, object]]) -> ColumnarDocuments:
    return ColumnarDocuments(pl.DataFrame(documents, infer_schema_length=None))


def test_rows_read_like_the_documents_without_absent_attributes() -> None:
    documents = _columnar(DOCUMENTS)

    assert len(documents) == 3
    assert list(documents) == DOCUMENTS
    assert documents[1] == {"_key": "b", "name": "Bob"}
    assert documents[-1] == DOCUMENTS[-1]
    assert documents[1:] == DOCUMENTS[1:]
    assert documents[::2] == [DOCUMENTS[0], DOCUMENTS[2]]


def test_an_index_out_of_range_raises_index_error() -> None:
    with pytest.raises(IndexError):
        _columnar(DOCUMENTS)[3]


def test_iteration_crosses_batches_in_order() -> None:
    documents = _columnar([{"_key": str(i)} for i in range(ROW_BATCH + 5)])

    keys = [document["_key"] for document in documents]

    assert keys == [str(i) for i in range(ROW_BATCH + 5)]


def test_stream_attributes_keeps_the_key_and_the_asked_attributes_it_has() -> None:
    rows = list(_columnar(DOCUMENTS).stream_attributes(["name", "missing"]))

    assert rows == [{"_key": "a", "name": "Ada"}, {"_key": "b", "name": "Bob"}, {"_key": "c"}]


def test_the_frame_is_found_only_behind_columnar_documents() -> None:
    documents = _columnar(DOCUMENTS)

    assert columnar_frame(documents) is documents.frame
    assert columnar_frame(DOCUMENTS) is None


def test_a_frame_of_python_objects_checksums_as_its_documents() -> None:
    from gaai_graph.sources.checksums import documents_checksum, frame_checksum

    documents = [{"_key": "a", "age": 31}, {"_key": "b", "age": "thirty"}]
    frame = pl.DataFrame({"_key": ["a", "b"], "age": pl.Series([31, "thirty"], dtype=pl.Object)})

    assert frame_checksum(frame) == documents_checksum(documents)


@pytest.mark.parametrize("prefetched", [False, True])
def test_the_checksum_is_the_documents_checksum_computed_once(
    prefetched: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gaai_graph.sources import base, columnar
    from gaai_graph.sources.checksums import documents_checksum

    calls: list[int] = []
    checksum = columnar.frame_checksum

    def counted(frame: pl.DataFrame, id_prefix: str | None = None) -> str:
        calls.append(frame.height)
        return checksum(frame, id_prefix)

    monkeypatch.setattr(columnar, "frame_checksum", counted)
    documents = _columnar(DOCUMENTS)
    if prefetched:
        documents.prefetch_checksum()  # on the checksum thread
    data = base.GraphData("t", {"people": base.CollectionData("people", "document", documents)})

    assert data.content_checksum("people") == documents_checksum(DOCUMENTS)
    assert data.fingerprint == data.fingerprint
    assert calls == [len(DOCUMENTS)]
    assert columnar._checksums is not None or not prefetched


STORED = [
    {"_key": "a", "_id": "people/a", "name": "Ada", "age": 36},
    {"_key": "b", "_id": "people/b", "name": "Bob"},
    {"_key": "", "_id": "people/", "age": 7},
]


def test_ids_that_repeat_the_keys_are_left_out_and_read_back_in_place() -> None:
    from gaai_graph.sources.checksums import documents_checksum

    documents = ColumnarDocuments.of_collection(pl.DataFrame(STORED), "people")

    assert "_id" not in documents.frame.columns
    assert documents.id_prefix == "people/"
    assert list(documents) == STORED
    assert [list(document) for document in documents] == [list(d) for d in STORED]
    assert documents[1] == STORED[1] and list(documents[-1]) == list(STORED[-1])
    assert documents[1:] == STORED[1:]
    assert documents[::2] == [STORED[0], STORED[2]]
    assert documents.checksum() == documents_checksum(STORED)
    assert list(documents.stream_attributes(["_id"])) == [
        {"_key": d["_key"], "_id": d["_id"]} for d in STORED
    ]
    assert list(documents.stream_attributes(["name"])) == [
        {"_key": "a", "name": "Ada"},
        {"_key": "b", "name": "Bob"},
        {"_key": ""},
    ]


def test_a_reader_of_the_id_attribute_gets_the_column_back() -> None:
    documents = ColumnarDocuments.of_collection(pl.DataFrame(STORED), "people")

    assert columnar_frame(documents) is documents.frame
    with_ids = columnar_frame(documents, reading=("name", "_id"))

    assert with_ids is not None
    assert with_ids.columns == ["_key", "_id", "name", "age"]
    assert with_ids["_id"].to_list() == ["people/a", "people/b", "people/"]
    assert "_id" not in documents.frame.columns  # the held frame is not widened


@pytest.mark.parametrize(
    "odd_id",
    ["others/b", "people/bb", "people/c", "xpeople/b", None],
    ids=["other-collection", "longer", "other-key", "other-prefix", "missing"],
)
def test_ids_that_do_not_repeat_the_keys_are_kept(odd_id: str | None) -> None:
    from gaai_graph.sources.checksums import documents_checksum

    stored = [dict(document) for document in STORED]
    stored[1]["_id"] = odd_id
    documents = ColumnarDocuments.of_collection(pl.DataFrame(stored), "people")
    expected = [{k: v for k, v in d.items() if v is not None} for d in stored]

    assert documents.id_prefix is None
    assert documents.frame["_id"].to_list() == [d.get("_id") for d in stored]
    assert list(documents) == expected
    assert documents.checksum() == documents_checksum(expected)


def test_a_collection_read_without_ids_gets_them_after_its_attributes() -> None:
    from gaai_graph.sources.checksums import documents_checksum

    keyed = [{"_key": "a", "name": "Ada"}, {"_key": "b"}]
    documents = ColumnarDocuments.of_collection(pl.DataFrame(keyed), "people")
    expected = [{"_key": "a", "name": "Ada", "_id": "people/a"}, {"_key": "b", "_id": "people/b"}]

    assert [list(document.items()) for document in documents] == [list(d.items()) for d in expected]
    assert documents.checksum() == documents_checksum(expected)


def test_a_frame_whose_keys_are_not_all_text_is_held_whole() -> None:
    numbered = pl.DataFrame({"_key": [1, 2], "_id": ["people/1", "people/2"]})
    missing = pl.DataFrame({"_key": ["a", None], "_id": ["people/a", "people/b"]})

    for frame in (numbered, missing):
        documents = ColumnarDocuments.of_collection(frame, "people")
        assert documents.id_prefix is None
        assert documents.frame.columns == ["_key", "_id"]


@pytest.mark.parametrize(
    ("keys", "ids", "repeated"),
    [
        (["a", "bc"], ["people/a", "people/bc"], True),
        (["a", "bc"], ["people/a", "people/cb"], False),
        (["a", "b"], ["people/a", "people/ab"], False),
        (["a", None], ["people/a", "people/"], False),
        (["a", "b"], ["people/a", None], False),
        (["a", "b"], [1, 2], False),
    ],
    ids=["repeated", "other-key", "longer", "missing-key", "missing-id", "numbers"],
)
def test_ids_repeat_keys_only_when_every_row_does(
    keys: list[str | None], ids: list[object], repeated: bool
) -> None:
    frame = pl.DataFrame({"_key": keys, "_id": ids})

    assert ids_repeat_keys(frame, "people/") is repeated
    assert ids_repeat_keys(frame.drop("_id"), "people/") is False


def test_a_python_object_frame_checksums_with_its_left_out_ids() -> None:
    from gaai_graph.sources.checksums import documents_checksum, frame_checksum

    frame = pl.DataFrame({"_key": ["a", "b"], "age": pl.Series([31, "thirty"], dtype=pl.Object)})
    expected: list[dict[str, object]] = [
        {"_key": "a", "_id": "people/a", "age": 31},
        {"_key": "b", "_id": "people/b", "age": "thirty"},
    ]

    assert frame_checksum(frame, id_prefix="people/") == documents_checksum(expected)
