"""Schema profiling on columns gives the dict path's schema of the same graph (issue 18.2)."""

from __future__ import annotations

import io
import json
from typing import Any

import numpy as np
import polars as pl
import pytest

from gaai_graph.nodes import schema_edge_columns
from gaai_graph.nodes.schema import profile_schema
from gaai_graph.nodes.schema_attributes import collection_attributes, profile_attributes
from gaai_graph.sources import CollectionData, GraphData, projection
from gaai_graph.sources.columnar import ColumnarDocuments, columnar_frame
from gaai_graph.sources.demo import generate_demo
from tests.nodes.test_schema import _shop_graph, shop_data


def _column(values: list[Any]) -> pl.Series:
    """A column as a lossless loader would hold it: typed when polars can, else Python objects."""
    try:
        return pl.Series(values, strict=True)
    except (TypeError, pl.exceptions.PolarsError):
        return pl.Series(values, dtype=pl.Object)


def _lossless(documents: list[dict[str, Any]]) -> pl.DataFrame:
    names = list(dict.fromkeys(name for document in documents for name in document))
    return pl.DataFrame([_column([d.get(name) for d in documents]).alias(name) for name in names])


def _as_columns(data: GraphData, frame_of: Any = _lossless) -> GraphData:
    """`data` with every collection held as a polars frame built by `frame_of`."""
    return GraphData(
        source=data.source,
        collections={
            name: CollectionData(name, c.kind, ColumnarDocuments(frame_of(list(c.documents))))
            for name, c in data.collections.items()
        },
        graphs=data.graphs,
        warnings=list(data.warnings),
    )


def _as_rows(data: GraphData) -> GraphData:
    """`data` with every collection read back from its frame as dicts (the dict path's input)."""
    return GraphData(
        source=data.source,
        collections={
            name: CollectionData(name, c.kind, list(c.documents))
            for name, c in data.collections.items()
        },
        graphs=data.graphs,
        warnings=list(data.warnings),
    )


def _schema(data: GraphData, **options: Any) -> dict[str, Any]:
    options.setdefault("graph_name", None)
    options.setdefault("core_collections", None)
    return profile_schema(data, **options).model_dump()


def _attributes(schema: dict[str, Any], collection: str) -> dict[str, dict[str, Any]]:
    profile = next(c for c in schema["collections"] if c["name"] == collection)
    return {attribute["name"]: attribute for attribute in profile["attributes"]}


def _spy_on_the_column_path(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    scan = schema_edge_columns.scan_edge_frames

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return scan(*args, **kwargs)

    monkeypatch.setattr("gaai_graph.nodes.schema.scan_edge_frames", counted)
    return calls


def _messy(nested_meta: Any = (1, {"z": 2})) -> GraphData:
    """Heterogeneous attributes, missing ones, odd ids, dangling and unknown-collection edges.

    `nested_meta` is one person's `meta.k` (another's is 1): polars cannot put a list and an
    integer in one struct field, so frames polars builds itself get a plain value.
    """
    people = [
        {"_key": "a", "_id": "people/a", "name": "Ana", "age": 31, "tags": ["x", 1]},
        {"_key": "b", "_id": "people/b", "name": "Bo", "age": "unknown", "meta": {"k": 1}},
        {"_key": "c", "_id": "people/c", "name": "Cy", "age": 31.0, "meta": {"k": nested_meta}},
        {"_key": "d", "_id": "people/d", "age": True, "tags": []},
        {"_key": "e", "name": "Ed"},  # no `_id`: read as people/e
        {"_key": "f", "_id": "people/f", "name": 7, "score": 1.5},
        {"_key": "g", "_id": "people/a", "name": "dup"},  # a repeated id keeps one vertex
    ]
    cities = [
        {"_key": 1, "label": "one"},  # integer keys: cities/1, cities/2
        {"_key": 2, "label": "two", "extra": {"deep": {"er": [1, 2]}}},
        {"_key": "x", "_id": "noslash"},  # an id naming no collection: no vertex
        {"_key": "p", "_id": "people/f"},  # another collection's id: still one people vertex
    ]
    knows = [
        {"_key": "k1", "_from": "people/a", "_to": "people/b", "since": 2001},
        {"_key": "k2", "_from": "people/b", "_to": "cities/1", "since": "long ago"},
        {"_key": "k3", "_from": "people/a", "_to": "nowhere/z"},  # unknown collection
        {"_key": "k4", "_from": "people/zz", "_to": "people/a"},  # missing vertex
        {"_key": "k5", "_from": "people/e", "_to": "cities/2", "w": [1, 2]},
        {"_from": "people/f", "_to": "people/a"},  # no key: knows/?
        {"_key": "k7", "_from": "noslash", "_to": "people/c"},
        {"_key": "k8", "_from": "people/c", "_to": "cities/1"},
        {"_key": "k9", "_from": "people/c", "_to": "cities/2"},
    ]
    lives = [
        {"_key": str(i), "_from": f"people/{p}", "_to": f"cities/{c}"}
        for i, (p, c) in enumerate([("a", 1), ("b", 1), ("c", 2), ("d", 2), ("e", 1)])
    ]
    return GraphData(
        source="memory",
        collections={
            "people": CollectionData("people", "document", people),
            "cities": CollectionData("cities", "document", cities),
            "empty": CollectionData("empty", "document", []),
            "knows": CollectionData("knows", "edge", knows),
            "lives_in": CollectionData("lives_in", "edge", lives),
            "nothing": CollectionData("nothing", "edge", []),
            # Only to a missing city: the edge definition still names cities.
            "visits": CollectionData(
                "visits", "edge", [{"_key": "v", "_from": "people/a", "_to": "cities/404"}]
            ),
        },
    )


def test_the_shop_graph_profiles_the_same_from_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    data = shop_data()
    columns = _as_columns(data)
    calls = _spy_on_the_column_path(monkeypatch)

    assert _schema(columns) == _schema(data)
    data.graphs = columns.graphs = [_shop_graph()]
    assert _schema(columns, graph_name="shop_graph") == _schema(data, graph_name="shop_graph")
    both = {"core_collections": ["customers", "nowhere"]}
    assert _schema(columns, **both) == _schema(data, **both)
    assert len(calls) == 3


def test_the_demo_graph_profiles_the_same_from_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    data = generate_demo(scale=0.3).data
    columns = _as_columns(data, lambda docs: pl.DataFrame(docs, infer_schema_length=None))
    calls = _spy_on_the_column_path(monkeypatch)

    # A small sample so the demo's larger collections are sampled on both paths.
    for sample_size in (1000, 37):
        expected = _schema(data, sample_size=sample_size)
        assert _schema(columns, sample_size=sample_size) == expected
    assert calls


def test_heterogeneous_documents_profile_the_same_from_lossless_columns(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = _messy()
    columns = _as_columns(data)
    assert columnar_frame(columns.collections["people"].documents)["age"].dtype == pl.Object
    calls = _spy_on_the_column_path(monkeypatch)

    schema = _schema(columns)

    assert calls and schema == _schema(data)
    people = _attributes(schema, "people")
    assert people["age"]["types"] == ["number", "boolean", "string"]
    assert people["age"]["distinct_ratio"] == pytest.approx(3 / 4)  # 31 == 31.0
    assert people["name"]["types"] == ["string", "number"]
    dangling = schema["dangling_edges"][0]
    assert dangling["count"] == 3
    assert dangling["examples"] == [
        "knows/k3: people/a -> nowhere/z",
        "knows/k4: people/zz -> people/a",
        "knows/k7: noslash -> people/c",
    ]
    knows = next(d for d in schema["edge_definitions"] if d["edge_collection"] == "knows")
    assert knows["to_vertex_collections"] == ["cities", "people"]
    visits = next(d for d in schema["edge_definitions"] if d["edge_collection"] == "visits")
    assert visits["to_vertex_collections"] == ["cities"]


@pytest.mark.parametrize("sample_size", [1000, 3, 0])
def test_frames_polars_builds_profile_as_their_rows_do(sample_size: int) -> None:
    # Polars gives `age` (numbers, strings, a boolean) one type and stringifies mixed list
    # items: the profile then describes the frame, the same on either path.
    columns = _as_columns(
        _messy(nested_meta=2),
        lambda docs: pl.DataFrame(docs, infer_schema_length=None, strict=False),
    )

    assert _schema(columns, sample_size=sample_size) == _schema(
        _as_rows(columns), sample_size=sample_size
    )


def test_null_cells_read_as_missing_attributes_on_both_paths() -> None:
    documents = [{"_key": "1", "x": None, "y": 1}, {"_key": "2", "x": 2, "y": None}, {"_key": "3"}]
    frame = pl.DataFrame(documents)
    columns = ColumnarDocuments(frame)

    profiles = collection_attributes(columns)

    assert profiles == profile_attributes(list(columns))
    assert [(p.name, p.types, p.presence) for p in profiles] == [
        ("x", ["number"], pytest.approx(1 / 3)),
        ("y", ["number"], pytest.approx(1 / 3)),
    ]
    # (The dict path on the original dicts counts `"x": null` as present; a frame cannot.)
    assert {p.name: p.types for p in profile_attributes(documents)}["x"] == ["null", "number"]


JSONL_PEOPLE = b"""{"_key":"a","_id":"people/a","name":"Ana","age":31,"tags":["x","y"],"score":0.5}
{"_key":"b","_id":"people/b","name":"Bo","meta":{"k":1,"v":"p"}}
{"_key":"c","_id":"people/c","name":"Cy","age":40,"tags":[]}
{"_key":"d","_id":"people/d","age":31}
"""
JSONL_KNOWS = b"""{"_key":"1","_id":"knows/1","_from":"people/a","_to":"people/b","w":1}
{"_key":"2","_id":"knows/2","_from":"people/b","_to":"people/gone"}
{"_key":"3","_id":"knows/3","_from":"people/c","_to":"places/7","w":2}
{"_key":"4","_id":"knows/4","_from":"people/d","_to":"people/a","w":1}
{"_key":"5","_id":"knows/5","_from":"people/d","_to":"places/x","w":1}
"""
JSONL_PLACES = b"""{"_key":7,"label":"seven"}
{"_key":8,"label":"eight"}
"""


def test_a_frame_read_from_jsonl_profiles_as_the_parsed_documents() -> None:
    parsed = GraphData(
        source="memory",
        collections={
            "people": CollectionData(
                "people", "document", [json.loads(line) for line in JSONL_PEOPLE.splitlines()]
            ),
            "knows": CollectionData(
                "knows", "edge", [json.loads(line) for line in JSONL_KNOWS.splitlines()]
            ),
            "places": CollectionData(
                "places", "document", [json.loads(line) for line in JSONL_PLACES.splitlines()]
            ),
        },
    )
    columns = GraphData(
        source="memory",
        collections={
            name: CollectionData(name, kind, ColumnarDocuments(pl.read_ndjson(io.BytesIO(lines))))
            for name, kind, lines in (
                ("people", "document", JSONL_PEOPLE),
                ("knows", "edge", JSONL_KNOWS),
                ("places", "document", JSONL_PLACES),  # integer keys: places/7, places/8
            )
        },
    )

    schema = _schema(columns)

    assert schema == _schema(parsed)
    assert schema["dangling_edges"][0]["count"] == 2  # people/gone, places/x
    knows = schema["edge_definitions"][0]
    assert knows["to_vertex_collections"] == ["people", "places"]
    people = _attributes(schema, "people")
    assert people["age"]["presence"] == 0.75 and people["age"]["distinct_ratio"] == 2 / 3
    assert people["meta"]["types"] == ["object"] and people["tags"]["types"] == ["array"]


def test_a_graph_with_one_collection_held_as_dicts_takes_the_dict_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = shop_data()
    mixed = _as_columns(data)
    mixed.collections["orders"] = data.collections["orders"]
    calls = _spy_on_the_column_path(monkeypatch)

    assert _schema(mixed) == _schema(data)
    assert not calls


def test_the_string_look_up_numbers_endpoints_as_the_hashes_do() -> None:
    # Two ids sharing a 64-bit hash switch the look-up to strings: same numbers either way.
    columns = _as_columns(_messy())
    frames = schema_edge_columns.columnar_collections(columns)
    assert frames is not None
    vertices = schema_edge_columns._VertexNumbers(columns, frames)
    endpoints = pl.Series(
        ["people/a", "people/e", "cities/2", "nowhere/z", None, "noslash", "people/a"]
    )
    by_hash = vertices.numbers(endpoints)

    ids = pl.Series(["people/a", "people/b", "people/c", "people/d", "people/e", "people/f"])
    ids = pl.concat([ids, pl.Series(["cities/1", "cities/2"])])
    order = np.lexsort([ids.hash(seed).to_numpy() for seed in reversed(schema_edge_columns._SEEDS)])
    vertices.ids = ids.gather(order)

    assert (by_hash == vertices.numbers(endpoints)).all()
    assert (by_hash[[3, 4, 5]] == -1).all() and by_hash[0] == by_hash[6] >= 0


def _frames_of_the_demo() -> GraphData:
    data = generate_demo(scale=0.3).data
    return _as_columns(data, lambda docs: pl.DataFrame(docs, infer_schema_length=None))


def _scans_by_hashes(data: GraphData, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    frames = schema_edge_columns.columnar_collections(data)
    assert frames is not None
    edges = [n for n, c in data.collections.items() if c.kind == "edge"]
    with monkeypatch.context() as patched:
        patched.setattr(schema_edge_columns, "_shared_scans", lambda *args: None)
        return schema_edge_columns.scan_edge_frames(data, frames, edges)


def test_the_columnar_scan_numbers_endpoints_once_per_load(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = _frames_of_the_demo()
    frames = schema_edge_columns.columnar_collections(data)
    assert frames is not None
    edges = [n for n, c in data.collections.items() if c.kind == "edge"]

    shared = schema_edge_columns._shared_scans(data, frames, edges)

    assert shared is not None and shared == _scans_by_hashes(data, monkeypatch)
    index = projection._load_index(data)
    # The projections' endpoint arrays are the ones computed here, and no vertex id was
    # made a Python string to get them.
    assert set(index.endpoints) == set(edges)
    assert all(block.id_list is None for block in index.blocks.values())
    numbered = index.endpoints["placed"]
    assert projection.edge_endpoints(data, "placed") is numbered


def test_repeated_keys_scan_the_same_on_the_shared_numbering(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = _frames_of_the_demo()
    customers = columnar_frame(data.collections["customers"].documents)
    assert customers is not None
    repeated = pl.concat([customers, customers.head(3)])  # three keys (and ids) again
    data.collections["customers"] = CollectionData(
        "customers", "document", ColumnarDocuments(repeated)
    )
    frames = schema_edge_columns.columnar_collections(data)
    assert frames is not None
    edges = [n for n, c in data.collections.items() if c.kind == "edge"]

    shared = schema_edge_columns._shared_scans(data, frames, edges)

    assert shared is not None and shared == _scans_by_hashes(data, monkeypatch)
    assert _schema(data) == _schema(_as_rows(data))


def test_ids_that_are_not_collection_and_key_are_numbered_by_hashes() -> None:
    data = _frames_of_the_demo()
    customers = columnar_frame(data.collections["customers"].documents)
    assert customers is not None
    # One customer's `_id` names it in another collection: the projections would number it
    # as a customer, this analysis as a seller.
    moved = customers.with_columns(
        pl.when(pl.int_range(pl.len()) == 0)
        .then(pl.lit("sellers/moved"))
        .otherwise(pl.col("_id"))
        .alias("_id")
    )
    data.collections["customers"] = CollectionData(
        "customers", "document", ColumnarDocuments(moved)
    )
    frames = schema_edge_columns.columnar_collections(data)
    assert frames is not None
    edges = [n for n, c in data.collections.items() if c.kind == "edge"]

    assert schema_edge_columns._shared_scans(data, frames, edges) is None
    assert _schema(data) == _schema(_as_rows(data))


def test_a_vertex_without_a_key_cell_is_numbered_by_hashes() -> None:
    data = _frames_of_the_demo()
    customers = columnar_frame(data.collections["customers"].documents)
    assert customers is not None
    keyless = customers.with_columns(
        pl.when(pl.int_range(pl.len()) == 0).then(None).otherwise(pl.col("_key")).alias("_key")
    )
    data.collections["customers"] = CollectionData(
        "customers", "document", ColumnarDocuments(keyless)
    )
    frames = schema_edge_columns.columnar_collections(data)
    assert frames is not None
    edges = [n for n, c in data.collections.items() if c.kind == "edge"]

    assert schema_edge_columns._shared_scans(data, frames, edges) is None
    assert _schema(data) == _schema(_as_rows(data))
