"""Look-ups of the report pictures' index (gaai_graph.reporting.graph_index) against a scan."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Mapping
from typing import Any

import numpy as np
import polars as pl
import pytest

from gaai_graph import key_rows
from gaai_graph.reporting import graph_index
from gaai_graph.reporting.graph_index import GraphIndex
from gaai_graph.sources import CollectionData, GraphData
from gaai_graph.sources.columnar import ColumnarDocuments


def _random_graph(seed: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """People with repeated and missing keys; links with dangling, missing and odd ends."""
    rng = random.Random(seed)
    people: list[dict[str, Any]] = [
        {"_key": f"p{n}", "name": f"Person {n}", "rank": n} for n in range(200)
    ]
    people += [{"_key": "p7", "name": "Second p7"}, {"name": "no key"}]
    links: list[dict[str, Any]] = []
    for _ in range(1500):
        start = f"people/p{int(rng.paretovariate(1.2)) % 220}"  # a few hubs; p200+ dangle
        end = f"people/p{rng.randrange(220)}"
        links.append({"_from": start, "_to": end})
    links += [{"_from": "people/p1"}, {"_from": "people/p1", "_to": "people/p1"}]
    return people, links


def _graph(people: list[dict[str, Any]], links: list[dict[str, Any]], columnar: bool) -> GraphData:
    def held(documents: list[dict[str, Any]]) -> Any:
        if not columnar:
            return documents
        return ColumnarDocuments(pl.DataFrame(documents, infer_schema_length=None))

    return GraphData(
        source="test",
        collections={
            "people": CollectionData("people", "document", held(people)),
            "links": CollectionData("links", "edge", held(links)),
        },
    )


def _scanned_neighbours(links: list[dict[str, Any]], vertex: str) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for link in links:
        start, end = link.get("_from"), link.get("_to")
        if isinstance(start, str) and isinstance(end, str):
            if start == vertex:
                counts[end] += 1
            if end == vertex:
                counts[start] += 1
    counts.pop(vertex, None)
    return dict(counts)


def _scanned_among(links: list[dict[str, Any]], vertices: list[str]) -> Counter[tuple[str, str]]:
    wanted = set(vertices)
    listed = Counter(vertices)
    found: Counter[tuple[str, str]] = Counter()
    for link in links:
        start, end = link.get("_from"), link.get("_to")
        if isinstance(start, str) and isinstance(end, str) and start in wanted and end in wanted:
            found[(start, end)] += listed[start]
    return found


def _ordered_among(links: list[dict[str, Any]], vertices: list[str]) -> list[tuple[str, str]]:
    """Links among `vertices`: by position in `vertices`, each vertex's in stored order."""
    wanted = set(vertices)
    return [
        (vertex, link["_to"])
        for vertex in vertices
        for link in links
        if isinstance(link.get("_to"), str) and link.get("_from") == vertex
        if link["_to"] in wanted
    ]


@pytest.mark.parametrize("scans", [0, 3, graph_index.SCANS_BEFORE_SORTING])
@pytest.mark.parametrize("columnar", [False, True])
def test_look_ups_agree_with_a_scan_of_every_document(
    columnar: bool, scans: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Edge look-ups are scans first, then binary searches in sorted columns: both answer alike.
    monkeypatch.setattr(graph_index, "SCANS_BEFORE_SORTING", scans)
    people, links = _random_graph(seed=18)
    index = GraphIndex(_graph(people, links, columnar))
    last: dict[str, Mapping[str, Any]] = {}
    for person in people:
        if "_key" in person:
            last[f"people/{person['_key']}"] = person
    asked = [f"people/p{n}" for n in range(0, 230, 3)] + ["people/p7", "nobody/x", "people/"]
    for vertex, document in zip(asked, index.documents(asked), strict=True):
        assert document == last.get(vertex), vertex
    assert index.label("people/p7") == "Second p7"  # a repeated key: its last document
    assert index.present(["people/p3", "people/p3", "people/p999", "people/p4"]) == [
        "people/p3",
        "people/p4",
    ]
    for vertex in ["people/p1", "people/p2", "people/p150", "people/p210", "people/none"]:
        assert index.neighbours(vertex, ["links", "absent"]) == _scanned_neighbours(links, vertex)
    rng = random.Random(3)
    for size in (1, 5, 40):
        vertices = [f"people/p{rng.randrange(220)}" for _ in range(size)] + ["people/p1"]
        pairs = index.edges_among(vertices, ["links"])
        assert Counter(pairs) == _scanned_among(links, vertices)
        assert pairs == _ordered_among(links, vertices)


@pytest.mark.parametrize("columnar", [False, True])
def test_neighbour_links_rank_as_python_sorts_them(columnar: bool) -> None:
    people, links = _random_graph(seed=11)
    links += [
        {"_from": "people/p1", "_to": "people/Zed"},
        {"_from": "people/é", "_to": "people/p1"},
    ]
    index = GraphIndex(_graph(people, links, columnar))
    for vertex in ["people/p1", "people/p2", "people/p150", "people/none"]:
        counts = _scanned_neighbours(links, vertex)
        ranked = index.neighbour_links(vertex, ["links", "absent"])
        expected = sorted(counts, key=lambda other: (-counts[other], other))
        assert ranked["vertex"].to_list() == expected
        assert ranked["links"].to_list() == [counts[other] for other in expected]


def test_keys_that_share_a_hash_are_told_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    def one_hash(values: pl.Series) -> np.ndarray[Any, np.dtype[np.uint64]]:
        return np.zeros(len(values), dtype=np.uint64)

    monkeypatch.setattr(key_rows, "_hashes", one_hash)
    monkeypatch.setattr(graph_index, "SCANS_BEFORE_SORTING", 0)  # edges: binary searches too
    people, links = _random_graph(seed=5)
    index = GraphIndex(_graph(people, links, columnar=True))
    assert index.label("people/p12") == "Person 12"
    assert index.label("people/p7") == "Second p7"
    assert index.document("people/p205") is None
    assert index.neighbours("people/p2", ["links"]) == _scanned_neighbours(links, "people/p2")


def test_endpoints_that_are_not_text_are_no_links() -> None:
    numbers = [{"_from": 1, "_to": 2}, {"_from": 2, "_to": 1}]
    for documents in (numbers, ColumnarDocuments(pl.DataFrame(numbers))):
        data = GraphData(source="t", collections={"e": CollectionData("e", "edge", documents)})
        assert GraphIndex(data).neighbours("1", ["e"]) == {}


def test_mixed_keys_and_ends_in_dicts_are_read_one_by_one() -> None:
    people: list[Any] = [{"_key": "a", "name": "Ann"}, {"_key": 7, "name": "Seven"}, "junk"]
    links = [{"_from": "p/a", "_to": "p/7"}, {"_from": "p/a", "_to": 7}, {"_to": "p/a"}]
    data = GraphData(
        source="t",
        collections={
            "p": CollectionData("p", "document", people),
            "e": CollectionData("e", "edge", links),
        },
    )
    index = GraphIndex(data)
    assert index.label("p/7") == "Seven" and index.label("p/a") == "Ann"
    assert index.neighbours("p/a", ["e"]) == {"p/7": 1}


def test_columnar_documents_are_read_only_where_looked_up(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    people, links = _random_graph(seed=1)
    data = _graph(people, links, columnar=True)
    materialised: defaultdict[str, int] = defaultdict(int)

    def counting_iter(self: ColumnarDocuments) -> Any:
        materialised["rows"] += 1
        raise AssertionError("a whole collection was turned into dicts")

    monkeypatch.setattr(ColumnarDocuments, "__iter__", counting_iter)
    index = GraphIndex(data)
    assert index.neighbours("people/p1", ["links"])
    assert index.name("people/p3") == "Person 3 [people/p3]"
    assert materialised["rows"] == 0
