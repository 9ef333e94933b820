"""Names looked up in columns answer as the dict index does (gaai_graph.nodes.name_columns)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest

from gaai_graph.nodes import name_lookup
from gaai_graph.nodes.name_columns import ColumnarNames
from gaai_graph.nodes.schema import profile_schema
from gaai_graph.questions import NameIndex, build_name_index
from gaai_graph.sources import CollectionData, GraphData, load_graph_sync
from gaai_graph.sources.columnar import ColumnarDocuments

PEOPLE: list[dict[str, Any]] = [
    {"_key": "p1", "name": "Zoë Ångström", "aliases": ["Zo", "ZOE A."], "code": "Z-1"},
    {"_key": "p2", "name": "King's Cross St. Pancras", "title": "Station"},
    {"_key": "p3", "name": "...", "title": "Dr. Who"},  # a name with no words: not a label
    {"_key": "p2", "name": "Second p2"},  # a repeated key: the first document names it
    {"name": "No Key"},
    {"_key": "p4", "name": "Москва", "aliases": []},
    {"_key": "p5", "name": "zoe angstrom", "label": "shared\tname  with many words in it here"},
    {"_key": "P6", "title": "Bob"},
    {"_key": "p7"},
    {"_key": "p8", "name": "Rock`n Roll", "title": "O`Neil Café"},
]
PLACES: list[dict[str, Any]] = [{"_key": "bob", "name": "Bob"}, {"_key": "x1", "name": "Zo"}]


def _both(collections: dict[str, list[dict[str, Any]]]) -> tuple[NameIndex, ColumnarNames]:
    data = GraphData(
        source="t",
        collections={n: CollectionData(n, "document", d) for n, d in collections.items()},
    )
    schema = profile_schema(data, graph_name=None, core_collections=None)
    frames = {n: pl.DataFrame(d, infer_schema_length=None) for n, d in collections.items()}
    return build_name_index(collections, schema), ColumnarNames(frames, schema.label_attributes)


def _assert_same(
    expected: NameIndex, columns: ColumnarNames, vertex_ids: list[str], every: int = 1
) -> None:
    assert columns.max_words == expected.max_words
    for name in [*list(expected.names)[::every], "nobody", "zo", "bob"]:
        assert columns.exact(name) == expected.exact(name), name
    for vertex_id in [*vertex_ids, "people/none", "nowhere/x"]:
        assert columns.label(vertex_id) == expected.label(vertex_id), vertex_id
    for query in ["zoe", "kings cros", "moskva", "bobb", "dr wh"]:
        assert columns.nearest(query, 3) == expected.nearest(query, 3), query


def test_the_same_answers_as_the_dict_index_on_awkward_documents() -> None:
    expected, columns = _both({"people": PEOPLE, "places": PLACES})
    assert expected.exact("zo") == ("people/p1", "places/x1")  # the test reaches both paths
    assert expected.label("people/p2") == "King's Cross St. Pancras"
    assert expected.exact("rockn roll") == ("people/p8",)
    ids = [f"people/{d['_key']}" for d in PEOPLE if "_key" in d] + ["places/bob", "places/x1"]
    _assert_same(expected, columns, ids)


def test_the_same_answers_as_the_dict_index_on_the_demo() -> None:
    data = load_graph_sync("demo")
    schema = profile_schema(data, graph_name=None, core_collections=None)
    vertices = {n: c for n, c in data.collections.items() if c.kind == "document"}
    expected = build_name_index({n: c.documents for n, c in vertices.items()}, schema)
    frames = {n: pl.DataFrame(c.documents, infer_schema_length=None) for n, c in vertices.items()}
    columns = ColumnarNames(frames, schema.label_attributes)
    ids = [f"{n}/{d['_key']}" for n, c in vertices.items() for d in c.documents[:100]]
    _assert_same(expected, columns, ids, every=max(1, len(expected.names) // 300))


@pytest.mark.parametrize("columnar", [False, True])
def test_the_run_looks_names_up_in_columns_when_the_graph_is_held_as_columns(
    columnar: bool,
) -> None:
    documents: Any = ColumnarDocuments(pl.DataFrame(PLACES)) if columnar else PLACES
    data = GraphData(
        source="t", collections={"places": CollectionData("places", "document", documents)}
    )
    schema = profile_schema(data, graph_name=None, core_collections=None)
    lookup = name_lookup._name_index(data, schema)
    assert isinstance(lookup, ColumnarNames if columnar else NameIndex)
    assert lookup.exact("bob") == ("places/bob",)


def test_near_matches_among_many_names_are_searched_by_initial_alike(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Above FULL_SCAN_LIMIT names both indexes search the query's first-letter bucket; the
    # columns filter theirs out of the column when asked.
    monkeypatch.setattr("gaai_graph.questions.entities.FULL_SCAN_LIMIT", 4)
    monkeypatch.setattr("gaai_graph.nodes.name_columns.FULL_SCAN_LIMIT", 4)
    expected, columns = _both({"people": PEOPLE, "places": PLACES})
    ids = [f"people/{d['_key']}" for d in PEOPLE if "_key" in d]

    _assert_same(expected, columns, ids)
    assert columns.nearest("", 3) == expected.nearest("", 3)
    assert set(columns._by_initial) == {"z", "k", "m", "b", "d", ""}


async def test_the_name_index_is_not_kept_after_it_is_asked_for(tmp_path: Path) -> None:
    # Kept for the graph's life, the index held ~80 MB per million edges through every
    # analysis, when a run's memory peaks; each use-case generation builds its own.
    from gaai_graph.sources.snapshot import write_jsonl

    write_jsonl(load_graph_sync("demo"), tmp_path)
    data = load_graph_sync(str(tmp_path))
    schema = profile_schema(data, graph_name=None, core_collections=None)
    first = await name_lookup.name_lookup(str(tmp_path), schema)
    second = await name_lookup.name_lookup(str(tmp_path), schema)
    assert first is not None and second is not None and first is not second
    assert first.max_words == second.max_words


async def test_names_indexed_while_the_schema_is_analysed_are_the_ones_looked_up(
    tmp_path: Path,
) -> None:
    from gaai_graph.sources.snapshot import write_jsonl

    write_jsonl(load_graph_sync("demo"), tmp_path)
    data = load_graph_sync(str(tmp_path))
    told: list[dict[str, str | None]] = []

    def on_labels(labels: dict[str, str | None]) -> None:
        told.append(labels)
        name_lookup.index_names_ahead(data, labels)

    schema = profile_schema(data, graph_name=None, core_collections=None, on_labels=on_labels)
    assert told == [schema.label_attributes]
    assert any(told[0].values())  # the demo's vertices have labels: the test can tell
    ahead = name_lookup._ahead
    assert ahead is not None and ahead.load_id == data.load_id

    taken = await name_lookup.name_lookup(str(tmp_path), schema)
    assert taken is ahead.names.result()
    assert name_lookup._ahead is None  # taken once: the next asker builds its own
    built = await name_lookup.name_lookup(str(tmp_path), schema)
    assert isinstance(built, ColumnarNames) and built is not taken
    assert taken.max_words == built.max_words
    for name in ["nobody", *list(built._table["name"].head(200))]:
        assert taken.exact(name) == built.exact(name), name


async def test_names_indexed_ahead_with_other_labels_are_not_used(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    places = ColumnarDocuments(pl.DataFrame(PLACES))
    data = GraphData(
        source="t", collections={"places": CollectionData("places", "document", places)}
    )
    schema = profile_schema(data, graph_name=None, core_collections=None)
    name_lookup.index_names_ahead(data, {"places": "no_such_attribute"})
    stale = name_lookup._ahead
    assert stale is not None

    async def loaded(spec: str) -> GraphData:
        return data

    monkeypatch.setattr(name_lookup, "load_graph", loaded)
    lookup = await name_lookup.name_lookup("t", schema)
    assert lookup is not None and lookup is not stale.names.result()
    assert lookup.exact("bob") == ("places/bob",)
    assert name_lookup._ahead is None


async def test_analysing_the_schema_starts_indexing_the_names(tmp_path: Path) -> None:
    from gaai_graph.context import Context
    from gaai_graph.nodes.schema import analyze_schema
    from gaai_graph.sources.snapshot import write_jsonl
    from gaai_graph.state import WorkflowState

    write_jsonl(load_graph_sync("demo"), tmp_path)

    class _Runtime:
        context = Context(source=str(tmp_path))

    update = await analyze_schema(WorkflowState(), _Runtime())  # type: ignore[arg-type]
    ahead = name_lookup._ahead
    assert ahead is not None and ahead.labels == update["schema"].label_attributes
    assert await name_lookup.name_lookup(str(tmp_path), update["schema"]) is ahead.names.result()
