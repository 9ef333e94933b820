"""arangoexport JSON-array and CSV files, gzip, keyless edges, duplicate keys, unreadable files
(issue 14.6)."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path
from typing import Any

import pytest

from gaai_graph.errors import SnapshotFormatError, SourceError
from gaai_graph.models import GraphProjection
from gaai_graph.sources import snapshot_files
from gaai_graph.sources.projection import build_projection
from gaai_graph.sources.snapshot import load_snapshot
from gaai_graph.sources.snapshot_identity import derived_edge_key

PEOPLE = [
    {"_key": "ann", "name": "Ann", "age": 31, "vip": True},
    {"_key": "bob", "name": "Bob, Jr.", "age": 45, "vip": False},
    {"_key": "cid", "name": 'Cid "the kid"', "score": 2.5},
]
KNOWS = [
    {"_key": "k1", "_from": "people/ann", "_to": "people/bob", "since": 2019},
    {"_key": "k2", "_from": "people/bob", "_to": "people/cid", "since": 2021},
]


def _csv(documents: list[dict[str, Any]]) -> str:
    fields = list(dict.fromkeys(name for document in documents for name in document))

    def cell(value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, str):
            return '"' + value.replace('"', '""') + '"'
        return str(value)

    rows = [",".join(f'"{name}"' for name in fields)]
    rows += [",".join(cell(document.get(name)) for name in fields) for document in documents]
    return "\n".join(rows) + "\n"


def _write(directory: Path, name: str, text: str, compress: bool) -> None:
    directory.mkdir(exist_ok=True)
    if compress:
        (directory / f"{name}.gz").write_bytes(gzip.compress(text.encode()))
    else:
        (directory / name).write_text(text)


def _export(directory: Path, fmt: str, compress: bool) -> None:
    for collection, documents in (("people", PEOPLE), ("knows", KNOWS)):
        if fmt == "jsonl":
            text = "".join(json.dumps(document) + "\n" for document in documents)
        elif fmt == "json":
            text = json.dumps(documents, indent=2)
        else:
            text = _csv(documents)
        _write(directory, f"{collection}.{fmt}", text, compress)


@pytest.mark.parametrize("compress", [False, True], ids=["plain", "gzip"])
@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv"])
def test_each_export_format_loads_the_same_graph(tmp_path: Path, fmt: str, compress: bool) -> None:
    _export(tmp_path, fmt, compress)

    data = load_snapshot(tmp_path)

    assert data.collections["people"].kind == "document"
    assert data.collections["knows"].kind == "edge"
    people = {document["_key"]: document for document in data.collections["people"].documents}
    for expected in PEOPLE:
        assert people[expected["_key"]] == {**expected, "_id": f"people/{expected['_key']}"}
    knows = data.collections["knows"].documents
    assert [(e["_from"], e["_to"], e["since"]) for e in knows] == [
        (e["_from"], e["_to"], e["since"]) for e in KNOWS
    ]
    assert data.warnings == []


def _keyless_edges() -> list[dict[str, Any]]:
    return [
        {"_from": "people/ann", "_to": "people/bob", "amount": 5},
        {"_from": "people/ann", "_to": "people/bob", "amount": 5},  # a parallel, identical edge
        {"_from": "people/bob", "_to": "people/cid", "amount": 7},
    ]


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv"])
def test_edges_without_key_get_keys_derived_from_content_stable_across_loads(
    tmp_path: Path, fmt: str
) -> None:
    for name, documents in (("people", PEOPLE), ("pays", _keyless_edges())):
        text = {
            "jsonl": "".join(json.dumps(d) + "\n" for d in documents),
            "json": json.dumps(documents),
            "csv": _csv(documents),
        }[fmt]
        _write(tmp_path, f"{name}.{fmt}", text, compress=False)

    first = load_snapshot(tmp_path).collections["pays"].documents
    again = load_snapshot(tmp_path).collections["pays"].documents

    keys = [edge["_key"] for edge in first]
    assert keys == [edge["_key"] for edge in again]
    assert len(set(keys)) == 3
    assert keys[1] == f"{keys[0]}-1"
    assert keys[0] == derived_edge_key(_keyless_edges()[0])
    assert all(edge["_id"] == f"pays/{edge['_key']}" for edge in first)
    # Attribute order does not change the key.
    assert derived_edge_key({"amount": 5, "_to": "people/bob", "_from": "people/ann"}) == keys[0]


def test_a_vertex_without_any_identifier_is_still_an_error(tmp_path: Path) -> None:
    (tmp_path / "people.json").write_text(json.dumps([{"_key": "a"}, {"name": "nobody"}]))

    with pytest.raises(SnapshotFormatError, match="array element 2: document has neither"):
        load_snapshot(tmp_path)


def test_duplicate_keys_are_reported_with_count_and_examples_and_nothing_is_dropped(
    tmp_path: Path,
) -> None:
    people = [*PEOPLE, {"_key": "ann", "name": "Ann again"}, {"_key": "bob"}, {"_key": "ann"}]
    _write(tmp_path, "people.jsonl", "".join(json.dumps(d) + "\n" for d in people), False)
    _write(tmp_path, "knows.jsonl", "".join(json.dumps(d) + "\n" for d in KNOWS * 2), False)

    data = load_snapshot(tmp_path)

    assert len(data.collections["people"].documents) == 6
    assert len(data.collections["knows"].documents) == 4
    people_warning, knows_warning = sorted(data.warnings, reverse=True)
    assert "'people': 3 document(s) repeat the _key of an earlier one" in people_warning
    assert "'ann' ×3, 'bob' ×2" in people_warning
    assert "'knows': 2 document(s) repeat" in knows_warning
    projection = build_projection(
        data, GraphProjection(vertex_collections=["people"], edge_collections=["knows"]), {}
    )
    assert projection.vertex_count == 3
    assert projection.edge_count == 4


def test_documents_with_key_but_no_id_never_count_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Counting the line of each such document re-split the whole file each time: quadratic.
    def no_line_counting(raw: bytes, index: int) -> int:
        raise AssertionError("a line was counted without an error to report")

    monkeypatch.setattr(snapshot_files, "line_of", no_line_counting)
    edges = [{"_key": f"e{i}", "_from": "people/ann", "_to": "people/bob"} for i in range(50)]
    _write(tmp_path, "people.jsonl", "".join(json.dumps(d) + "\n" for d in PEOPLE), False)
    _write(tmp_path, "knows.jsonl", "".join(json.dumps(d) + "\n" for d in edges), False)

    data = load_snapshot(tmp_path)

    assert data.collections["knows"].documents[49]["_id"] == "knows/e49"


def test_errors_name_the_line_of_a_jsonl_document_and_the_row_of_a_csv(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "knows.jsonl",
        '{"_key": "a", "_from": "x/1", "_to": "x/2"}\n\n{"_key": 5}\n',
        False,
    )
    with pytest.raises(SnapshotFormatError, match=r"knows.jsonl:3: mixes edge and non-edge"):
        load_snapshot(tmp_path)
    (tmp_path / "knows.jsonl").unlink()
    _write(tmp_path, "people.csv", '"_key","name"\n"a","A"\n"b","B","extra"\n', False)
    with pytest.raises(SnapshotFormatError, match=r"people.csv:3: row has 3 cells but the header"):
        load_snapshot(tmp_path)


def test_a_json_file_that_is_not_an_array_is_refused(tmp_path: Path) -> None:
    (tmp_path / "people.json").write_text('{"_key": "a"}')
    with pytest.raises(SnapshotFormatError, match="expected a JSON array of documents"):
        load_snapshot(tmp_path)


def test_an_unreadable_file_gives_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _export(tmp_path, "jsonl", compress=False)
    original_read, original_open = Path.read_bytes, Path.open

    def refuse_read(self: Path) -> bytes:
        if self.name == "knows.jsonl":
            raise PermissionError(13, "Permission denied")
        return original_read(self)

    def refuse_open(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self.name == "knows.jsonl":  # a plain JSONL file is mapped, opened first
            raise PermissionError(13, "Permission denied")
        return original_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_bytes", refuse_read)
    monkeypatch.setattr(Path, "open", refuse_open)
    with pytest.raises(SourceError) as caught:
        load_snapshot(tmp_path)
    message = str(caught.value)
    assert message.startswith(f"cannot read snapshot file {tmp_path / 'knows.jsonl'}")
    assert "Permission denied" in message and "\n" not in message


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_device_named_like_a_data_file_is_refused_not_read(tmp_path: Path) -> None:
    _export(tmp_path, "jsonl", compress=False)
    os.symlink("/dev/zero", tmp_path / "zero.jsonl")

    with pytest.raises(SourceError, match=r"zero\.jsonl is not a regular file"):
        load_snapshot(tmp_path)


def test_a_fifo_named_like_a_data_file_is_refused_without_blocking(tmp_path: Path) -> None:
    _export(tmp_path, "json", compress=False)
    os.mkfifo(tmp_path / "pipe.json")

    with pytest.raises(SourceError, match=r"pipe\.json is not a regular file"):
        load_snapshot(tmp_path)


def test_dev_zero_as_the_snapshot_is_not_a_directory() -> None:
    with pytest.raises(SourceError, match="/dev/zero is not a directory"):
        load_snapshot(Path("/dev/zero"))


def test_the_cli_refuses_a_snapshot_with_a_device_before_creating_anything(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from gaai_graph.cli import EXIT_BAD_INPUT, main

    snapshot = tmp_path / "snapshot"
    _export(snapshot, "jsonl", compress=False)
    os.mkfifo(snapshot / "pipe.jsonl")
    out = tmp_path / "out"

    code = main(["run", "--source", str(snapshot), "--out", str(out), "--quiet"])

    assert code == EXIT_BAD_INPUT
    error = capsys.readouterr().err.strip()
    assert "pipe.jsonl is not a regular file" in error and "\n" not in error
    assert not out.exists()


def test_hidden_json_files_are_not_collections(tmp_path: Path) -> None:
    _export(tmp_path, "jsonl", compress=False)
    (tmp_path / ".gaai-export-demo.json").write_text('{"files": ["people.jsonl"]}')

    data = load_snapshot(tmp_path)

    assert sorted(data.collections) == ["knows", "people"]
