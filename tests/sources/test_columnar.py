"""Columnar documents read like the list of dicts they replace."""

from __future__ import annotations

import polars as pl
import pytest

from gaai_graph.sources.columnar import ROW_BATCH, ColumnarDocuments, columnar_frame

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

    def counted(frame: pl.DataFrame) -> str:
        calls.append(frame.height)
        return checksum(frame)

    monkeypatch.setattr(columnar, "frame_checksum", counted)
    documents = _columnar(DOCUMENTS)
    if prefetched:
        documents.prefetch_checksum()  # on the checksum thread
    data = base.GraphData("t", {"people": base.CollectionData("people", "document", documents)})

    assert data.content_checksum("people") == documents_checksum(DOCUMENTS)
    assert data.fingerprint == data.fingerprint
    assert calls == [len(DOCUMENTS)]
    assert columnar._checksums is not None or not prefetched
