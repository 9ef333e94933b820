"""Tests for reading and writing arangodump and arangoexport (JSONL) snapshots."""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path
from typing import Any

import orjson
import pytest

from gaai_graph.errors import SnapshotFormatError, SourceError
from gaai_graph.models import EdgeDefinition, NamedGraph
from gaai_graph.sources.base import CollectionData, GraphData
from gaai_graph.sources.snapshot import load_snapshot, write_arangodump, write_jsonl


def md5(name: str) -> str:
    return hashlib.md5(name.encode()).hexdigest()


def sample_graph() -> GraphData:
    customers: list[dict[str, Any]] = [
        {"_key": "alice", "_id": "customers/alice", "name": "Alice", "tags": ["vip"]},
        {"_key": "bob", "_id": "customers/bob", "name": "Bøb", "address": {"city": "Köln"}},
        {"_key": "carol", "_id": "customers/carol", "name": "Carol", "score": 0.5},
    ]
    products: list[dict[str, Any]] = [
        {"_key": "p1", "_id": "products/p1", "title": "Lamp", "price": 19.99},
        {"_key": "p2", "_id": "products/p2", "title": "Desk", "price": None},
    ]
    bought: list[dict[str, Any]] = [
        {"_key": "b1", "_id": "bought/b1", "_from": "customers/alice", "_to": "products/p1"},
        {"_key": "b2", "_id": "bought/b2", "_from": "customers/bob", "_to": "products/p2"},
        {"_key": "b3", "_id": "bought/b3", "_from": "customers/carol", "_to": "products/gone"},
    ]
    shop = NamedGraph(
        name="shop",
        edge_definitions=[
            EdgeDefinition(
                edge_collection="bought",
                from_vertex_collections=["customers"],
                to_vertex_collections=["products"],
            )
        ],
        orphan_collections=["warehouses"],
    )
    return GraphData(
        source="test",
        collections={
            "customers": CollectionData("customers", "document", customers),
            "products": CollectionData("products", "document", products),
            "bought": CollectionData("bought", "edge", bought),
        },
        graphs=[shop],
    )


def contents(data: GraphData) -> dict[str, tuple[str, list[dict[str, Any]]]]:
    return {name: (c.kind, list(c.documents)) for name, c in data.collections.items()}


def write_lines(path: Path, lines: list[Any], *, compress: bool = False) -> None:
    body = b"".join(
        (line.encode() if isinstance(line, str) else orjson.dumps(line)) + b"\n" for line in lines
    )
    path.write_bytes(gzip.compress(body) if compress else body)


def write_structure(directory: Path, file_prefix: str, name: str, collection_type: int) -> None:
    structure = {"indexes": [], "parameters": {"name": name, "type": collection_type}}
    (directory / f"{file_prefix}.structure.json").write_bytes(orjson.dumps(structure))


def make_dump(directory: Path, metadata: dict[str, Any] | None = None) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "dump.json").write_bytes(orjson.dumps(metadata or {"database": "shop"}))
    (directory / "ENCRYPTION").write_text("none")
    return directory


def file_bytes(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


# --------------------------------------------------------------------------- round trips


@pytest.mark.parametrize("compress", [True, False])
def test_arangodump_round_trip_keeps_documents_kinds_and_graphs(
    tmp_path: Path, compress: bool
) -> None:
    original = sample_graph()
    write_arangodump(original, tmp_path, gzip=compress)

    loaded = load_snapshot(tmp_path)

    assert contents(loaded) == contents(original)
    assert loaded.graphs == original.graphs
    assert loaded.source == str(tmp_path)
    assert loaded.fingerprint == original.fingerprint


@pytest.mark.parametrize("compress", [True, False])
def test_arangodump_files_use_md5_names(tmp_path: Path, compress: bool) -> None:
    write_arangodump(sample_graph(), tmp_path, gzip=compress)

    suffix = ".data.json.gz" if compress else ".data.json"
    expected = {"dump.json", "ENCRYPTION"}
    for name in ("customers", "products", "bought", "_graphs"):
        expected |= {f"{name}_{md5(name)}.structure.json", f"{name}_{md5(name)}{suffix}"}
    assert set(file_bytes(tmp_path)) == expected
    structure = orjson.loads((tmp_path / f"bought_{md5('bought')}.structure.json").read_bytes())
    assert structure["parameters"] == {"isSystem": False, "name": "bought", "type": 3}
    assert (tmp_path / "ENCRYPTION").read_text() == "none"


@pytest.mark.parametrize("compress", [True, False])
def test_jsonl_round_trip_infers_edge_collections(tmp_path: Path, compress: bool) -> None:
    original = sample_graph()
    write_jsonl(original, tmp_path, gzip=compress)

    suffix = ".jsonl.gz" if compress else ".jsonl"
    assert set(file_bytes(tmp_path)) == {
        f"{name}{suffix}" for name in ("customers", "products", "bought", "_graphs")
    }
    loaded = load_snapshot(tmp_path)
    assert contents(loaded) == contents(original)
    assert loaded.graphs == original.graphs


def test_split_files_are_read_in_part_order(tmp_path: Path) -> None:
    original = sample_graph()
    original.collections["empty"] = CollectionData("empty", "document", [])
    write_arangodump(original, tmp_path, gzip=True, split_every=2)

    prefix = f"customers_{md5('customers')}"
    assert (tmp_path / f"{prefix}.0.data.json.gz").exists()
    assert (tmp_path / f"{prefix}.1.data.json.gz").exists()
    assert not (tmp_path / f"{prefix}.data.json.gz").exists()
    # 3.12 --split-files writes no data file for an empty collection.
    assert not list(tmp_path.glob(f"empty_{md5('empty')}*.data.json*"))
    loaded = load_snapshot(tmp_path)
    assert contents(loaded) == contents(original)


def test_split_parts_sort_numerically_not_by_name(tmp_path: Path) -> None:
    make_dump(tmp_path)
    prefix = f"people_{md5('people')}"
    write_structure(tmp_path, prefix, "people", 2)
    for part in (10, 2, 1):
        write_lines(tmp_path / f"{prefix}.{part}.data.json", [{"_key": f"k{part}"}])

    keys = [d["_key"] for d in load_snapshot(tmp_path).collections["people"].documents]
    assert keys == ["k1", "k2", "k10"]


def test_split_writer_rejects_non_positive_part_size(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="split_every"):
        write_arangodump(sample_graph(), tmp_path, split_every=0)


# --------------------------------------------------------------------------- older layouts


@pytest.mark.parametrize("flagged", [True, False])
def test_envelopes_replay_inserts_replaces_and_removes(tmp_path: Path, flagged: bool) -> None:
    # 3.10 and older say useEnvelope in dump.json; much older dumps say nothing at all.
    make_dump(tmp_path, {"database": "shop", "useEnvelope": True} if flagged else None)
    prefix = f"people_{md5('people')}"
    write_structure(tmp_path, prefix, "people", 2)
    write_lines(
        tmp_path / f"{prefix}.data.json.gz",
        [
            {"type": 2300, "data": {"_key": "a", "_rev": "1", "v": 1}},
            {"type": 2300, "data": {"_key": "b", "_rev": "2", "v": 2}},
            {"type": 2300, "data": {"_key": "a", "_rev": "3", "v": 3}},
            {"type": 2302, "data": {"_key": "b", "_rev": "4"}},
            {"type": 2300, "data": {"_key": "c", "_rev": "5", "v": 5}},
        ],
        compress=True,
    )

    documents = load_snapshot(tmp_path).collections["people"].documents

    assert documents == [
        {"_key": "a", "_rev": "3", "v": 3, "_id": "people/a"},
        {"_key": "c", "_rev": "5", "v": 5, "_id": "people/c"},
    ]


def test_envelope_with_unknown_marker_names_the_line(tmp_path: Path) -> None:
    make_dump(tmp_path, {"useEnvelope": True})
    prefix = f"people_{md5('people')}"
    write_structure(tmp_path, prefix, "people", 2)
    write_lines(
        tmp_path / f"{prefix}.data.json",
        [{"type": 2300, "data": {"_key": "a"}}, {"type": 2301, "data": {"_key": "a"}}],
    )

    with pytest.raises(SnapshotFormatError) as caught:
        load_snapshot(tmp_path)
    assert caught.value.line == 2
    assert "2301" in str(caught.value)


def test_invalid_document_inside_an_envelope_names_its_line(tmp_path: Path) -> None:
    make_dump(tmp_path, {"useEnvelope": True})
    prefix = f"knows_{md5('knows')}"
    write_structure(tmp_path, prefix, "knows", 3)
    write_lines(
        tmp_path / f"{prefix}.data.json",
        [
            {"type": 2300, "data": {"_key": "k1", "_from": "p/a", "_to": "p/b"}},
            "",
            {"type": 2300, "data": {"_key": "k2", "_from": "p/a"}},
        ],
    )

    with pytest.raises(SnapshotFormatError, match="_to") as caught:
        load_snapshot(tmp_path)
    assert caught.value.line == 3


def test_legacy_names_without_md5_are_read(tmp_path: Path) -> None:
    make_dump(tmp_path)
    write_structure(tmp_path, "people", "people", 2)
    write_lines(tmp_path / "people.data.json", [{"_key": "a"}, {"_key": "b"}])
    # Older cluster dumps named only the structure file without the md5 suffix.
    write_structure(tmp_path, "knows", "knows", 3)
    write_lines(
        tmp_path / f"knows_{md5('knows')}.data.json",
        [{"_key": "k", "_from": "people/a", "_to": "people/b"}],
    )

    loaded = load_snapshot(tmp_path)

    assert [d["_id"] for d in loaded.collections["people"].documents] == ["people/a", "people/b"]
    assert loaded.collections["knows"].kind == "edge"
    assert loaded.collections["knows"].documents[0]["_id"] == "knows/k"
    assert loaded.warnings == []


def test_graphs_collection_becomes_named_graphs_and_other_system_collections_are_skipped(
    tmp_path: Path,
) -> None:
    make_dump(tmp_path)
    for name in ("_graphs", "_users", "_analyzers", "people"):
        write_structure(tmp_path, f"{name}_{md5(name)}", name, 2)
    write_lines(
        tmp_path / f"_graphs_{md5('_graphs')}.data.json",
        [
            {
                "_key": "social",
                "_id": "_graphs/social",
                "numberOfShards": 1,
                "edgeDefinitions": [
                    {"collection": "knows", "from": ["people"], "to": ["people", "bots"]}
                ],
                "orphanCollections": [],
            }
        ],
    )
    write_lines(tmp_path / f"_users_{md5('_users')}.data.json", [{"_key": "root"}])
    write_lines(tmp_path / f"people_{md5('people')}.data.json", [{"_key": "a"}])

    loaded = load_snapshot(tmp_path)

    assert list(loaded.collections) == ["people"]
    assert loaded.graphs == [
        NamedGraph(
            name="social",
            edge_definitions=[
                EdgeDefinition(
                    edge_collection="knows",
                    from_vertex_collections=["people"],
                    to_vertex_collections=["people", "bots"],
                )
            ],
        )
    ]
    assert loaded.warnings == ["skipped system collections: _analyzers, _users"]


def test_malformed_graph_definition_names_file_and_line(tmp_path: Path) -> None:
    make_dump(tmp_path)
    write_structure(tmp_path, f"_graphs_{md5('_graphs')}", "_graphs", 2)
    write_lines(
        tmp_path / f"_graphs_{md5('_graphs')}.data.json",
        ["", {"_key": "g", "edgeDefinitions": [{"collection": "e", "from": "people"}]}],
    )

    with pytest.raises(SnapshotFormatError) as caught:
        load_snapshot(tmp_path)
    assert caught.value.line == 2
    assert "edge definition" in str(caught.value)


def test_data_files_without_structure_are_reported(tmp_path: Path) -> None:
    make_dump(tmp_path)
    write_lines(tmp_path / f"stray_{md5('stray')}.data.json", [{"_key": "a"}])

    loaded = load_snapshot(tmp_path)

    assert loaded.collections == {}
    assert any(f"stray_{md5('stray')}.data.json" in warning for warning in loaded.warnings)


# --------------------------------------------------------------------------- identity


def test_missing_key_or_id_is_derived_from_the_other(tmp_path: Path) -> None:
    write_lines(tmp_path / "people.jsonl", [{"_key": "a"}, {"_id": "people/b", "n": 1}])

    documents = load_snapshot(tmp_path).collections["people"].documents

    assert list(documents) == [
        {"_key": "a", "_id": "people/a"},
        {"_id": "people/b", "n": 1, "_key": "b"},
    ]


def test_document_without_key_and_id_names_file_and_line(tmp_path: Path) -> None:
    write_lines(tmp_path / "people.jsonl", [{"_key": "a"}, "", {"name": "nobody"}])

    with pytest.raises(SnapshotFormatError) as caught:
        load_snapshot(tmp_path)
    assert caught.value.path == str(tmp_path / "people.jsonl")
    assert caught.value.line == 3
    assert "'_key'" in str(caught.value)


def test_edge_without_string_endpoints_is_an_error(tmp_path: Path) -> None:
    make_dump(tmp_path)
    prefix = f"knows_{md5('knows')}"
    write_structure(tmp_path, prefix, "knows", 3)
    write_lines(
        tmp_path / f"{prefix}.data.json",
        [{"_key": "k1", "_from": "p/a", "_to": "p/b"}, {"_key": "k2", "_from": "p/a", "_to": 7}],
    )

    with pytest.raises(SnapshotFormatError) as caught:
        load_snapshot(tmp_path)
    assert caught.value.line == 2
    assert "_to" in str(caught.value)


def test_dangling_edges_are_not_an_error(tmp_path: Path) -> None:
    write_lines(tmp_path / "knows.jsonl", [{"_key": "k", "_from": "ghosts/a", "_to": "ghosts/b"}])

    assert load_snapshot(tmp_path).collections["knows"].kind == "edge"


def test_jsonl_mixing_edges_and_documents_names_file_and_line(tmp_path: Path) -> None:
    write_lines(
        tmp_path / "knows.jsonl",
        [
            {"_key": "k1", "_from": "p/a", "_to": "p/b"},
            {"_key": "k2", "_from": "p/b", "_to": "p/c"},
            {"_key": "plain"},
        ],
    )
    write_lines(
        tmp_path / "people.jsonl",
        [{"_key": "a"}, {"_key": "e", "_id": "people/e", "_from": "p/a", "_to": "p/b"}],
    )

    with pytest.raises(SnapshotFormatError) as caught:
        load_snapshot(tmp_path)
    assert caught.value.path == str(tmp_path / "knows.jsonl")
    assert caught.value.line == 3
    assert "mixes edge and non-edge" in str(caught.value)

    (tmp_path / "knows.jsonl").unlink()
    with pytest.raises(SnapshotFormatError) as caught:
        load_snapshot(tmp_path)
    assert (caught.value.path, caught.value.line) == (str(tmp_path / "people.jsonl"), 2)


# --------------------------------------------------------------------------- malformed input


def test_invalid_json_names_file_and_line(tmp_path: Path) -> None:
    make_dump(tmp_path)
    prefix = f"people_{md5('people')}"
    write_structure(tmp_path, prefix, "people", 2)
    write_lines(
        tmp_path / f"{prefix}.data.json.gz",
        [{"_key": "a"}, "", '{"_key": "b", ', {"_key": "c"}],
        compress=True,
    )

    with pytest.raises(SnapshotFormatError) as caught:
        load_snapshot(tmp_path)
    path = str(tmp_path / f"{prefix}.data.json.gz")
    assert (caught.value.path, caught.value.line) == (path, 3)
    assert str(caught.value).startswith(f"{path}:3: invalid JSON")
    # The file's line leads; orjson's own "line 1" (of the one line it parsed) is not repeated.
    assert str(caught.value) == f"{path}:3: invalid JSON: unexpected end of data at column 15"


def test_non_object_line_is_an_error(tmp_path: Path) -> None:
    write_lines(tmp_path / "people.jsonl", [{"_key": "a"}, [1, 2]])

    with pytest.raises(SnapshotFormatError, match="got an array") as caught:
        load_snapshot(tmp_path)
    assert caught.value.line == 2


def test_blank_and_crlf_lines_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "people.jsonl").write_bytes(b'{"_key": "a"}\r\n\r\n   \n{"_key": "b"}\r\n')

    keys = [d["_key"] for d in load_snapshot(tmp_path).collections["people"].documents]
    assert keys == ["a", "b"]


def test_truncated_gzip_names_the_file_and_where_data_stops(tmp_path: Path) -> None:
    original = sample_graph()
    original.collections["customers"].documents = [
        {"_key": f"c{i}", "payload": hashlib.sha256(str(i).encode()).hexdigest()}
        for i in range(2000)
    ]
    write_arangodump(original, tmp_path, gzip=True)
    data_file = tmp_path / f"customers_{md5('customers')}.data.json.gz"
    data_file.write_bytes(data_file.read_bytes()[: data_file.stat().st_size // 2])

    with pytest.raises(SnapshotFormatError, match="truncated") as caught:
        load_snapshot(tmp_path)
    assert caught.value.path == str(data_file)
    assert caught.value.line is not None
    assert 1 < caught.value.line < 2000


def test_corrupt_gzip_is_a_format_error(tmp_path: Path) -> None:
    (tmp_path / "people.jsonl.gz").write_bytes(b"\x1f\x8b\x08\x00garbage-not-deflate")

    with pytest.raises(SnapshotFormatError) as caught:
        load_snapshot(tmp_path)
    assert caught.value.path == str(tmp_path / "people.jsonl.gz")


@pytest.mark.parametrize(
    "structure",
    [{"indexes": []}, {"parameters": {"name": "people"}}, {"parameters": {"type": 2}}, [1]],
)
def test_structure_file_without_parameters_is_an_error(tmp_path: Path, structure: Any) -> None:
    make_dump(tmp_path)
    (tmp_path / f"people_{md5('people')}.structure.json").write_bytes(orjson.dumps(structure))

    with pytest.raises(SnapshotFormatError) as caught:
        load_snapshot(tmp_path)
    assert caught.value.path == str(tmp_path / f"people_{md5('people')}.structure.json")
    assert "parameters" in str(caught.value)


def test_invalid_dump_metadata_is_a_format_error(tmp_path: Path) -> None:
    (tmp_path / "dump.json").write_text("{not json")

    with pytest.raises(SnapshotFormatError) as caught:
        load_snapshot(tmp_path)
    assert caught.value.path == str(tmp_path / "dump.json")
    assert str(caught.value).endswith(
        ":1: invalid JSON: unexpected character, expected a string key at column 2"
    )


# --------------------------------------------------------------------------- refused dumps


def test_velocypack_dump_is_refused_with_advice(tmp_path: Path) -> None:
    make_dump(tmp_path, {"database": "shop", "useVPack": True})
    prefix = f"people_{md5('people')}"
    write_structure(tmp_path, prefix, "people", 2)
    (tmp_path / f"{prefix}.data.vpack.gz").write_bytes(gzip.compress(b"\x0a"))

    with pytest.raises(SourceError) as caught:
        load_snapshot(tmp_path)
    message = str(caught.value)
    assert "VelocyPack is not supported" in message
    assert "dump again as JSON" in message
    assert not isinstance(caught.value, SnapshotFormatError)


def test_velocypack_data_file_alone_is_refused(tmp_path: Path) -> None:
    make_dump(tmp_path)
    prefix = f"people_{md5('people')}"
    write_structure(tmp_path, prefix, "people", 2)
    (tmp_path / f"{prefix}.data.vpack").write_bytes(b"\x0a")

    with pytest.raises(SourceError, match="VelocyPack"):
        load_snapshot(tmp_path)


def test_encrypted_dump_is_refused(tmp_path: Path) -> None:
    # An encrypted dump's dump.json is ciphertext too, so the marker must be checked first.
    (tmp_path / "dump.json").write_bytes(b"\x93\x11binary-ciphertext")
    (tmp_path / "ENCRYPTION").write_text("aes-256-ctr")

    with pytest.raises(SourceError, match="encrypted") as caught:
        load_snapshot(tmp_path)
    assert "aes-256-ctr" in str(caught.value)


# --------------------------------------------------------------------------- directories


def test_missing_directory_is_a_source_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="does not exist") as caught:
        load_snapshot(tmp_path / "nowhere")
    assert "\n" not in str(caught.value)
    assert "expected an arangodump directory" in str(caught.value)


def test_file_instead_of_directory_is_a_source_error(tmp_path: Path) -> None:
    (tmp_path / "people.jsonl").write_text('{"_key": "a"}\n')

    with pytest.raises(SourceError, match="not a directory"):
        load_snapshot(tmp_path / "people.jsonl")


def test_directory_without_snapshot_is_a_source_error(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "people.xml").write_text("<people/>")  # arangoexport --type xml: not read

    with pytest.raises(SourceError) as caught:
        load_snapshot(tmp_path)
    assert not isinstance(caught.value, SnapshotFormatError)
    assert "no snapshot found" in str(caught.value)
    assert ".jsonl" in str(caught.value)


def test_all_databases_dump_points_at_a_database(tmp_path: Path) -> None:
    write_arangodump(sample_graph(), tmp_path / "shop")
    write_arangodump(sample_graph(), tmp_path / "crm")

    with pytest.raises(SourceError, match="--all-databases") as caught:
        load_snapshot(tmp_path)
    assert "crm, shop" in str(caught.value)


# --------------------------------------------------------------------------- writers


@pytest.mark.parametrize("layout", ["dump", "dump-split", "jsonl"])
def test_writers_are_deterministic(tmp_path: Path, layout: str) -> None:
    def write(directory: Path) -> None:
        if layout == "jsonl":
            write_jsonl(sample_graph(), directory, gzip=True)
        else:
            split = 2 if layout == "dump-split" else None
            write_arangodump(sample_graph(), directory, gzip=True, split_every=split)

    write(tmp_path / "first")
    write(tmp_path / "second")

    first = file_bytes(tmp_path / "first")
    assert first == file_bytes(tmp_path / "second")
    for name, body in first.items():
        if name.endswith(".gz"):
            assert body[4:8] == b"\0\0\0\0", f"{name} carries a gzip timestamp"


def test_rewriting_removes_stale_snapshot_files_only(tmp_path: Path) -> None:
    write_arangodump(sample_graph(), tmp_path)
    (tmp_path / "README.md").write_text("keep me")
    smaller = sample_graph()
    del smaller.collections["products"]
    smaller.graphs = []

    write_jsonl(smaller, tmp_path)

    assert set(file_bytes(tmp_path)) == {"README.md", "customers.jsonl", "bought.jsonl"}
    assert set(load_snapshot(tmp_path).collections) == {"customers", "bought"}


def test_an_export_is_read_two_files_at_a_time_but_taken_in_file_order(tmp_path: Path) -> None:
    # Four collections read ahead (`READ_AHEAD` in flight): the second and fourth are
    # broken, and the error is the second's, as when one file was read at a time.
    for index in range(4):
        write_lines(tmp_path / f"c{index}.jsonl", [{"_key": f"k{index}", "n": index}])
    (tmp_path / "c1.jsonl").write_bytes(b'{"_key": "a"}\n[1]\n')
    (tmp_path / "c3.jsonl").write_bytes(b"{not json\n")

    with pytest.raises(SnapshotFormatError, match="got an array") as caught:
        load_snapshot(tmp_path)
    assert caught.value.path == str(tmp_path / "c1.jsonl")

    (tmp_path / "c1.jsonl").write_bytes(b'{"_key": "a"}\n')
    (tmp_path / "c3.jsonl").write_bytes(b'{"_key": "z", "n": 3}\n')
    loaded = load_snapshot(tmp_path)
    assert list(loaded.collections) == ["c0", "c1", "c2", "c3"]
    assert [d["_key"] for d in loaded.collections["c3"].documents] == ["z"]
