"""Building an engine-ready projection from in-memory documents."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from gaai_graph.errors import SourceError
from gaai_graph.models import GraphProjection
from gaai_graph.sources.base import CollectionData, GraphData
from gaai_graph.sources.projection import build_projection


def vertices(name: str, *documents: dict[str, Any]) -> CollectionData:
    return CollectionData(name=name, kind="document", documents=list(documents))


def edges(name: str, *pairs: tuple[str, str]) -> CollectionData:
    return CollectionData(
        name=name,
        kind="edge",
        documents=[
            {"_key": str(n), "_id": f"{name}/{n}", "_from": a, "_to": b}
            for n, (a, b) in enumerate(pairs)
        ],
    )


def shop() -> GraphData:
    collections = [
        vertices(
            "customers",
            {"_key": "c1", "name": "Ann"},
            {"_key": "c2", "name": ""},
            {"_key": "c3"},
            {"_key": "c4", "name": None},
            {"_key": "c5", "name": 42},
        ),
        vertices("products", {"_key": "p1", "title": "Lamp"}, {"_key": "p2", "title": "Desk"}),
        vertices("devices", {"_key": "d1"}),
        edges(
            "bought",
            ("customers/c1", "products/p1"),
            ("customers/c2", "products/p1"),
            ("customers/c3", "products/p2"),
            ("customers/c9", "products/p2"),  # dangling: no such customer
            ("customers/c1", "products/p9"),  # dangling: no such product
        ),
        edges("uses", ("customers/c1", "devices/d1"), ("customers/c2", "devices/d1")),
        edges("follows", ("customers/c1", "customers/c2")),
    ]
    return GraphData(source="test", collections={c.name: c for c in collections})


LABELS = {"customers": "name", "products": "title", "devices": None}


def projection(
    vertex_collections: list[str], edge_collections: list[str], directed: bool = True
) -> GraphProjection:
    return GraphProjection(
        vertex_collections=vertex_collections,
        edge_collections=edge_collections,
        directed=directed,
    )


def test_vertices_come_collection_by_collection_in_stored_order() -> None:
    built = build_projection(shop(), projection(["products", "customers"], ["bought"]), LABELS)
    assert built.vertex_ids == [
        "products/p1",
        "products/p2",
        "customers/c1",
        "customers/c2",
        "customers/c3",
        "customers/c4",
        "customers/c5",
    ]
    assert built.vertex_count == 7
    assert built.directed is True
    assert built.projection.edge_collections == ["bought"]


def test_labels_fall_back_to_the_key_when_missing_empty_or_null() -> None:
    built = build_projection(shop(), projection(["customers", "devices"], []), LABELS)
    assert built.labels == ["Ann", "c2", "c3", "c4", "42", "d1"]
    # A collection without a label attribute, or not named at all, is labelled by key.
    unlabelled = build_projection(shop(), projection(["products"], []), {})
    assert unlabelled.labels == ["p1", "p2"]


def test_edges_map_to_vertex_indices_and_dangling_edges_are_counted() -> None:
    built = build_projection(shop(), projection(["customers", "products"], ["bought"]), LABELS)
    index = {vertex_id: n for n, vertex_id in enumerate(built.vertex_ids)}
    assert built.edge_pairs() == [
        (index["customers/c1"], index["products/p1"]),
        (index["customers/c2"], index["products/p1"]),
        (index["customers/c3"], index["products/p2"]),
    ]
    assert built.skipped_edges == 2


def test_edges_reaching_outside_the_projection_are_left_out_and_counted() -> None:
    # "uses" reaches devices, which are not projected; "follows" stays inside customers.
    built = build_projection(shop(), projection(["customers"], ["uses", "follows"]), LABELS)
    assert built.edge_pairs() == [(0, 1)]
    assert built.skipped_edges == 2
    # Edge collections outside the projection are not read at all, so not counted either.
    only_follows = build_projection(shop(), projection(["customers"], ["follows"]), LABELS)
    assert only_follows.skipped_edges == 0


def test_repeated_collections_do_not_duplicate_vertices_or_edges() -> None:
    built = build_projection(
        shop(), projection(["customers", "customers"], ["follows", "follows"]), LABELS
    )
    assert built.vertex_count == 5
    assert built.edge_pairs() == [(0, 1)]


def test_a_repeated_key_keeps_its_first_document() -> None:
    data = GraphData(
        source="test",
        collections={
            "people": vertices(
                "people", {"_key": "a", "n": "first"}, {"_key": "b"}, {"_key": "a", "n": "second"}
            ),
            "knows": edges("knows", ("people/a", "people/b")),
        },
    )
    built = build_projection(data, projection(["people"], ["knows"]), {"people": "n"})
    assert built.vertex_ids == ["people/a", "people/b"]
    assert built.labels == ["first", "b"]
    assert built.edge_pairs() == [(0, 1)]


def test_documents_with_only_an_id_use_its_key_part() -> None:
    data = GraphData(source="test", collections={"people": vertices("people", {"_id": "people/x"})})
    assert build_projection(data, projection(["people"], []), {}).vertex_ids == ["people/x"]
    broken = GraphData(source="test", collections={"people": vertices("people", {"name": "?"})})
    with pytest.raises(SourceError, match="'people'"):
        build_projection(broken, projection(["people"], []), {})


def test_undirected_projection_keeps_the_stored_endpoint_order() -> None:
    built = build_projection(shop(), projection(["customers"], ["follows"], directed=False), LABELS)
    assert built.directed is False
    assert built.edge_pairs() == [(0, 1)]


@pytest.mark.parametrize(
    ("vertex_collections", "edge_collections", "message"),
    [
        (["suppliers"], [], r"vertex collection 'suppliers'.*collections: bought"),
        (["customers"], ["ships"], r"edge collection 'ships'"),
        (["bought"], [], r"'bought' as a vertex collection, but it is an edge collection"),
        (["customers"], ["products"], r"'products' as an edge collection, but it is a document"),
    ],
)
def test_collections_the_data_lacks_or_of_the_wrong_kind_are_errors(
    vertex_collections: list[str], edge_collections: list[str], message: str
) -> None:
    with pytest.raises(SourceError, match=message):
        build_projection(shop(), projection(vertex_collections, edge_collections), LABELS)


def test_a_large_projection_builds_every_edge() -> None:
    count = 50_000
    people = vertices("people", *({"_key": str(n)} for n in range(count)))
    ring = edges("knows", *((f"people/{n}", f"people/{(n + 1) % count}") for n in range(count)))
    data = GraphData(source="test", collections={"people": people, "knows": ring})
    built = build_projection(data, projection(["people"], ["knows"]), {})
    assert built.edge_count == count
    assert built.edge_pairs()[-1] == (count - 1, 0)
    assert built.skipped_edges == 0


def test_edges_are_held_as_one_compact_int32_array() -> None:
    count = 10_000
    people = vertices("people", *({"_key": str(n)} for n in range(count)))
    ring = edges("knows", *((f"people/{n}", f"people/{(n + 1) % count}") for n in range(count)))
    data = GraphData(source="test", collections={"people": people, "knows": ring})
    built = build_projection(data, projection(["people"], ["knows"]), {})
    assert built.edges.dtype == np.int32 and built.edges.shape == (count, 2)
    assert built.edges.nbytes == 8 * count


def test_edges_spanning_several_chunks_keep_their_order_and_skips() -> None:
    # More edges than one mapping chunk, every third one dangling.
    count = 3 * (1 << 16) + 5
    people = vertices("people", *({"_key": str(n)} for n in range(count)))
    pairs = [
        (f"people/{n}", f"people/{(n + 1) % count}" if n % 3 else "people/missing")
        for n in range(count)
    ]
    data = GraphData(source="test", collections={"people": people, "knows": edges("knows", *pairs)})
    built = build_projection(data, projection(["people"], ["knows"]), {})
    expected = [(n, (n + 1) % count) for n in range(count) if n % 3]
    assert built.edge_pairs() == expected
    assert built.skipped_edges == count - len(expected)


def test_an_edge_endpoint_that_is_not_a_string_is_a_clear_error() -> None:
    broken = edges("knows", ("customers/c1", "customers/c2"))
    broken.documents[0]["_to"] = ["customers/c2"]
    data = shop()
    data.collections["knows"] = broken
    with pytest.raises(SourceError, match=r"edge of collection 'knows'.*'_to'"):
        build_projection(data, projection(["customers"], ["knows"]), LABELS)


def test_iso_timestamps_on_edges_become_epoch_seconds():
    from gaai_graph.sources.projection import _number

    assert _number("2026-02-20T03:57:39Z") == 1771559859.0
    assert _number("2026-02-20T03:57:39") == _number("2026-02-20T03:57:39+00:00")
    assert _number(12) == 12.0
    for not_a_time in ("fast", "2026-13-45", True, None):
        assert np.isnan(_number(not_a_time))
