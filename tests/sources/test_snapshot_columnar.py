"""Snapshots load into polars frames when that is faithful, and into dicts when it is not."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pytest

from gaai_graph.errors import SnapshotFormatError
from gaai_graph.models import GraphProjection
from gaai_graph.sources import snapshot as snapshot_module
from gaai_graph.sources import snapshot_columnar
from gaai_graph.sources.base import CollectionData, GraphData
from gaai_graph.sources.checksums import documents_checksum, frame_checksum
from gaai_graph.sources.columnar import columnar_frame
from gaai_graph.sources.projection import build_projection
from gaai_graph.sources.snapshot import load_snapshot, write_arangodump
from gaai_graph.sources.snapshot_columnar import SAMPLE_ROWS


def _write(path: Path, documents: list[Any], *, compress: bool = False) -> None:
    body = b"".join(orjson.dumps(document) + b"\n" for document in documents)
    path.write_bytes(gzip.compress(body) if compress else body)


def _as_dicts(directory: Path, monkeypatch: pytest.MonkeyPatch) -> GraphData:
    """The same snapshot loaded by the dict path alone (what every load did before)."""
    with monkeypatch.context() as patch:
        patch.setattr(snapshot_columnar, "export_frame", lambda *_: None)
        patch.setattr(snapshot_module, "dump_frame", lambda *_: None)
        return load_snapshot(directory)


def _people(count: int) -> list[dict[str, Any]]:
    return [
        {"_key": f"p{i}", "name": f"P {i}", "age": 20 + i % 50, "score": i / 7, "ok": i % 2 == 0}
        for i in range(count)
    ]


@pytest.mark.parametrize("compress", [False, True])
def test_a_jsonl_snapshot_is_held_as_columns_that_read_as_the_documents(
    tmp_path: Path, compress: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    suffix = ".jsonl.gz" if compress else ".jsonl"
    _write(tmp_path / f"people{suffix}", _people(5), compress=compress)
    _write(
        tmp_path / f"knows{suffix}",
        [{"_from": "people/p0", "_to": f"people/p{i}", "tags": ["a", "b"]} for i in range(4)],
        compress=compress,
    )

    loaded = load_snapshot(tmp_path)
    expected = _as_dicts(tmp_path, monkeypatch)

    for name in ("people", "knows"):
        assert columnar_frame(loaded.collections[name].documents) is not None
        assert list(loaded.collections[name].documents) == expected.collections[name].documents
        assert loaded.collections[name].kind == expected.collections[name].kind
    assert loaded.warnings == expected.warnings == []
    assert loaded.fingerprint == expected.fingerprint


@pytest.mark.parametrize("layout", ["export", "dump"])
def test_ids_repeating_the_keys_are_not_held_and_read_back_unchanged(
    tmp_path: Path, layout: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    people = [{"_key": p["_key"], "_id": f"people/{p['_key']}", **p} for p in _people(4)]
    odd = [{"_id": "odd/a", "_key": "a", "n": 1}, {"_id": "odd/b", "_key": "c"}]
    knows = [
        {"_key": str(i), "_id": f"knows/{i}", "_from": "people/p0", "_to": f"people/p{i}"}
        for i in range(3)
    ]
    if layout == "export":
        _write(tmp_path / "people.jsonl", people)
        _write(tmp_path / "odd.jsonl", odd)
        _write(tmp_path / "knows.jsonl", knows)
    else:
        collections = {
            "people": CollectionData("people", "document", people),
            "odd": CollectionData("odd", "document", odd),
            "knows": CollectionData("knows", "edge", knows),
        }
        write_arangodump(GraphData("memory", collections), tmp_path)

    loaded = load_snapshot(tmp_path)
    expected = _as_dicts(tmp_path, monkeypatch)

    for name in ("people", "odd", "knows"):
        documents = loaded.collections[name].documents
        frame = columnar_frame(documents)
        assert frame is not None
        assert ("_id" in frame.columns) == (name == "odd")  # "c" is not odd/b's key
        rows = [list(document.items()) for document in documents]
        assert rows == [list(document.items()) for document in expected.collections[name].documents]
        assert loaded.content_checksum(name) == expected.content_checksum(name)
    assert loaded.fingerprint == expected.fingerprint


def test_an_attribute_first_seen_after_the_sampled_rows_is_kept(tmp_path: Path) -> None:
    people = _people(SAMPLE_ROWS + 10)
    people[-1]["late"] = "here"
    _write(tmp_path / "people.jsonl", people)

    documents = load_snapshot(tmp_path).collections["people"].documents

    assert columnar_frame(documents) is not None
    assert documents[-1]["late"] == "here"
    assert list(documents) == [{**p, "_id": f"people/{p['_key']}"} for p in people]


@pytest.mark.parametrize(
    "values",
    [
        pytest.param(["a", 1], id="text and number"),
        pytest.param([1, 2.5], id="integer and float"),
        pytest.param([{"x": 1}, {"y": 2}], id="objects"),
        pytest.param([None, 3], id="explicit null"),
        pytest.param([[1, 2.5], [3]], id="list of numbers"),
        pytest.param(["s", [1]], id="text and list"),
        pytest.param([True, 1], id="boolean and number"),
        # A string's own `":"` (or a nested object's) would make up for the number's missing
        # one in a count of texts alone; the count of `":` tells them apart.
        pytest.param(["x", 5, ":"], id="text, number and a colon as text"),
        pytest.param(["a", {"z": "q"}], id="text and an object of text"),
    ],
)
def test_values_polars_would_change_keep_the_dict_path_without_a_warning(
    tmp_path: Path, values: list[Any]
) -> None:
    people = _people(SAMPLE_ROWS + len(values))
    for person, value in zip(people[-len(values) :], values, strict=True):
        person["mixed"] = value
    _write(tmp_path / "people.jsonl", people)

    loaded = load_snapshot(tmp_path)

    documents = loaded.collections["people"].documents
    assert isinstance(documents, list)
    assert [document.get("mixed", "absent") for document in documents[-len(values) :]] == values
    assert loaded.warnings == []


def test_identity_is_completed_on_columns_as_on_dicts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(tmp_path / "people.jsonl", [{"_key": "a"}, {"_id": "people/b", "n": 1}, {"_key": "a"}])
    _write(
        tmp_path / "knows.jsonl",
        [
            {"_from": "people/a", "_to": "people/b"},
            {"_from": "people/a", "_to": "people/b"},  # identical content: numbered "-1"
            {"_key": "k", "_from": "people/b", "_to": "people/a"},
            {"_id": "knows/j", "_from": "people/b", "_to": "people/b", "w": 2},
        ],
    )

    loaded = load_snapshot(tmp_path)
    expected = _as_dicts(tmp_path, monkeypatch)

    for name in ("people", "knows"):
        assert columnar_frame(loaded.collections[name].documents) is not None
        assert list(loaded.collections[name].documents) == expected.collections[name].documents
    keys = [edge["_key"] for edge in loaded.collections["knows"].documents]
    assert keys[1] == keys[0] + "-1" and keys[2:] == ["k", "j"]
    assert loaded.warnings == expected.warnings
    assert "1 document(s) repeat the _key" in loaded.warnings[0]


@pytest.mark.parametrize(
    ("lines", "message", "line"),
    [
        (['{"_key": "a"}', '{"_key": ', '{"_key": "c"}'], "invalid JSON", 2),
        (['{"_key": "a"}', "", '{"n": 1}'], "neither '_key' nor '_id'", 3),
        (['{"_key": "a"}', '{"_key": "b", "_from": "x/y"}'], "mixes edge and non-edge", 2),
        (['{"_key": "a"}', '{"_id": "nokey"}'], "'_id' must be '<collection>/<key>'", 2),
    ],
)
def test_malformed_files_are_named_with_their_line(
    tmp_path: Path, lines: list[str], message: str, line: int
) -> None:
    (tmp_path / "people.jsonl").write_text("\n".join(lines) + "\n")

    with pytest.raises(SnapshotFormatError, match=message) as raised:
        load_snapshot(tmp_path)

    assert f":{line}" in str(raised.value) or f"line {line}" in str(raised.value)


def test_a_json_array_is_held_as_columns_and_a_lone_object_is_refused(tmp_path: Path) -> None:
    (tmp_path / "people.json").write_bytes(orjson.dumps(_people(3)))
    documents = load_snapshot(tmp_path).collections["people"].documents
    assert columnar_frame(documents) is not None
    assert list(documents) == [{**p, "_id": f"people/{p['_key']}"} for p in _people(3)]

    (tmp_path / "people.json").write_bytes(orjson.dumps(_people(1)[0]))
    with pytest.raises(SnapshotFormatError, match="expected a JSON array"):
        load_snapshot(tmp_path)


def test_dump_parts_are_one_frame_in_part_order(tmp_path: Path) -> None:
    people = [{**p, "_id": f"people/{p['_key']}"} for p in _people(25)]
    data = GraphData("memory", {"people": CollectionData("people", "document", people)})
    write_arangodump(data, tmp_path, split_every=10)

    documents = load_snapshot(tmp_path).collections["people"].documents

    assert columnar_frame(documents) is not None
    assert list(documents) == people


def test_a_frame_checksum_is_the_documents_checksum_in_any_order() -> None:
    import polars as pl

    documents: list[dict[str, Any]] = [
        {"_key": "a", "s": 'q"\\\n\x01é😀</', "f": 0.1, "big": 1e20, "l": [1.5, 2.0], "b": True},
        {"_key": "b", "s": "", "f": -0.0, "i": 2**62, "l": [], "_rev": "_x"},
        {"_key": "c"},
    ]
    frame = pl.DataFrame(documents, infer_schema_length=None)

    assert frame_checksum(frame) == documents_checksum(documents)
    assert frame_checksum(frame.reverse()) == documents_checksum(documents)
    assert frame_checksum(frame.head(2)) != documents_checksum(documents)


def test_projections_of_columns_equal_those_of_dicts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    people = [{"_key": f"p{i}", "name": f"P{i}", "rank": i} for i in range(5)]
    people.append({"_key": "p1", "name": "second p1", "rank": 9})  # the first p1 counts
    people.append({"_key": "p9", "name": ""})  # an empty label: the key stands for it
    _write(tmp_path / "people.jsonl", people)
    _write(tmp_path / "cities.jsonl", [{"_key": "c0", "size": 1.5}, {"_key": "c1"}])
    _write(
        tmp_path / "lives.jsonl",
        [
            {"_from": f"people/p{i}", "_to": f"cities/c{i % 3}", "since": since}
            for i, since in enumerate(
                ["2026-02-20T03:57:39Z", "2021-01-01", "soon", "2021-01-01", "2020-05-05T10:00:00"]
            )
        ]
        + [{"_from": "people/nobody", "_to": "cities/c0", "since": 3}],
    )
    projection = GraphProjection(
        vertex_collections=["people", "cities"],
        edge_collections=["lives"],
        directed=True,
        edge_attributes=["since", "missing"],
        vertex_attributes=["rank", "size"],
    )
    labels = {"people": "name", "cities": "size"}

    columns = build_projection(load_snapshot(tmp_path), projection, labels)
    dicts = build_projection(_as_dicts(tmp_path, monkeypatch), projection, labels)

    assert columns.vertex_ids == dicts.vertex_ids
    assert columns.labels == dicts.labels
    assert columns.labels[1] == "P1" and columns.labels[5] == "p9" and columns.labels[6] == "1.5"
    assert columns.edges.tolist() == dicts.edges.tolist()
    assert columns.skipped_edges == dicts.skipped_edges == 2
    assert columns.vertex_values == dicts.vertex_values
    for name, values in dicts.edge_values.items():
        np.testing.assert_array_equal(columns.edge_values[name], values)
    assert columns.edge_values["since"][0] == 1771559859.0


def test_a_spaced_file_is_read_with_every_row_used_for_its_schema(tmp_path: Path) -> None:
    lines = [f'{{"_key" : "p{i}"}}' for i in range(SAMPLE_ROWS + 1)]
    lines.append('{"_key":"late","z":2}')
    (tmp_path / "people.jsonl").write_text("\n".join(lines) + "\n")

    documents = load_snapshot(tmp_path).collections["people"].documents

    assert columnar_frame(documents) is not None
    assert documents[-1] == {"_key": "late", "_id": "people/late", "z": 2}


@pytest.mark.parametrize("step", [1, 2, 3, 7, 1 << 24])
def test_colons_are_counted_across_scan_steps(monkeypatch: pytest.MonkeyPatch, step: int) -> None:
    monkeypatch.setattr(snapshot_columnar, "COLON_SCAN_BYTES", step)
    compact = b'{"a":1,"b":"x:y"}\n{"c":"\\":"}\n'
    assert snapshot_columnar._colons(compact) == (compact.count(b'":'), False)
    assert snapshot_columnar._colons(b'{"a" :1}')[1] and snapshot_columnar._colons(b'{"a"\t:1}')[1]
    assert snapshot_columnar._colons(b'{"a":"b :c"}') == (1, True)  # a false alarm only
    assert snapshot_columnar._colons(b"") == (0, False)


def test_the_first_character_look_finds_every_text_the_pattern_finds() -> None:
    import polars as pl

    texts = ["1", "-2.5e3", "[1]", '{"a":1}', "true", "false", "Ann", "", "t", "1a", "c/1"]
    for text in texts:
        column = pl.Series([None, "name", text])
        expected = bool(column.str.contains(snapshot_columnar._LOOKS_UNIFIED).any())
        assert snapshot_columnar._any_looks_unified(column) is expected, text


def test_a_number_after_a_spaced_name_is_found_though_the_counts_agree(tmp_path: Path) -> None:
    # `"mixed" :5` has no `":` while the text ":" has two: the counts of attributes and texts
    # agree with the frame's cells, but a colon after a space means they do not settle it.
    lines = [orjson.dumps(person).decode() for person in _people(SAMPLE_ROWS)]
    lines += ['{"_key":"a","mixed":"a"}', '{"_key":"b","mixed" :5}', '{"_key":"c","mixed":":"}']
    (tmp_path / "people.jsonl").write_text("\n".join(lines) + "\n")

    documents = load_snapshot(tmp_path).collections["people"].documents

    assert isinstance(documents, list)
    assert [document["mixed"] for document in documents[-3:]] == ["a", 5, ":"]


def test_text_columns_written_as_text_skip_the_per_column_look(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    looked: list[str] = []
    look = snapshot_columnar._any_looks_unified

    def spy(texts: Any) -> bool:
        looked.append(texts.name)
        return look(texts)

    monkeypatch.setattr(snapshot_columnar, "_any_looks_unified", spy)
    raw = b"".join(orjson.dumps({"_key": str(i), "n": f"{i}"}) + b"\n" for i in range(5))

    frame = snapshot_columnar.read_jsonl_frame(raw)

    assert frame is not None and frame["n"].to_list() == ["0", "1", "2", "3", "4"]
    assert looked == []
    spaced = raw.replace(b'"n":', b'"n": ')  # the values' quotes no longer follow a colon
    frame = snapshot_columnar.read_jsonl_frame(spaced)
    assert frame is not None and frame["n"].to_list() == ["0", "1", "2", "3", "4"]
    assert looked == ["_key", "n"]


def test_a_frame_checksum_hashed_in_many_slices_is_the_documents_checksum(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import polars as pl

    from gaai_graph.sources import checksums

    documents = [{"_key": f"k{i}", "n": i, "s": "x" * (i % 7)} for i in range(1000)]
    frame = pl.DataFrame(documents)
    whole = checksums.frame_checksum(frame)
    # Three rows a slice: the per-slice sums of the hashes' 32-bit parts must carry over.
    monkeypatch.setattr(checksums, "FRAME_CHECKSUM_ROWS", 3)
    assert checksums.frame_checksum(frame) == whole == documents_checksum(documents)
    assert checksums.frame_checksum(frame.head(999)) != whole


def test_a_plain_jsonl_file_is_mapped_and_only_the_dict_path_gets_its_bytes(
    tmp_path: Path,
) -> None:
    people = tmp_path / "people.jsonl"
    _write(people, _people(5))
    nulls = tmp_path / "nulls.jsonl"
    _write(nulls, [{"_key": "a", "x": None}, {"_key": "b", "x": 1}])

    raw, columnar = snapshot_columnar._read_export_frame(people, "jsonl", "people")
    assert raw == b"" and columnar is not None  # read from the mapping: no copy kept
    from_bytes = snapshot_columnar.export_frame(people.read_bytes(), "jsonl", "people")
    assert from_bytes is not None and columnar[0].frame.equals(from_bytes[0].frame)
    # An explicit null needs the dict path, which gets the file's bytes.
    raw, columnar = snapshot_columnar._read_export_frame(nulls, "jsonl", "nulls")
    assert columnar is None and raw == nulls.read_bytes()


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="reads Linux /proc/self/maps")
def test_no_snapshot_file_stays_mapped_after_a_load(tmp_path: Path) -> None:
    _write(tmp_path / "people.jsonl", _people(50))
    _write(tmp_path / "knows.jsonl", [{"_from": "people/p0", "_to": "people/p1"}])

    load_snapshot(tmp_path)

    assert str(tmp_path) not in Path("/proc/self/maps").read_text()


def test_checks_on_a_mapping_search_it_as_they_search_bytes(tmp_path: Path) -> None:
    import mmap

    # Compact rows, then one whose spaced name the sampled schema misses: only the search
    # for `" :` tells the sample lacks it (its `":` count matches the frame's cells).
    path = tmp_path / "spaced.jsonl"
    rows = [b'{"_key":"k%d","a":1}' % row for row in range(SAMPLE_ROWS)]
    path.write_bytes(b"\n".join([*rows, b'{"_key":"late","a":1,"z" : 2}']) + b"\n")
    blank = tmp_path / "blank.jsonl"
    blank.write_bytes(b" \n\t\n")
    frame = snapshot_columnar.read_jsonl_frame(path.read_bytes())
    assert frame is not None
    members = snapshot_columnar._members(path.read_bytes())
    with path.open("rb") as handle, blank.open("rb") as other:
        mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        mapped_blank = mmap.mmap(other.fileno(), 0, access=mmap.ACCESS_READ)
    # `in` on a mapping does not look for a sequence; the spaced name must still be found.
    assert snapshot_columnar._members(mapped) == members
    assert not snapshot_columnar._sample_saw_everything(mapped, frame, members)
    assert snapshot_columnar._blank(mapped_blank) and not snapshot_columnar._blank(mapped)
    mapped.close()
    mapped_blank.close()
    documents = load_snapshot(tmp_path).collections["spaced"].documents
    assert documents[-1]["z"] == 2
