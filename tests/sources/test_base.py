"""The graph fingerprint: collection names, kinds, counts and a checksum of the contents."""

from __future__ import annotations

from typing import Any

import orjson
import xxhash

from gaai_graph.sources.base import CollectionData, GraphData
from gaai_graph.sources.checksums import documents_checksum


def _graph(customers: list[dict[str, Any]]) -> GraphData:
    return GraphData(
        source="memory",
        collections={
            "customers": CollectionData("customers", "document", customers),
            "knows": CollectionData(
                "knows", "edge", [{"_key": "k1", "_from": "customers/a", "_to": "customers/b"}]
            ),
        },
    )


PEOPLE = [{"_key": "a", "name": "Ada", "_rev": "1"}, {"_key": "b", "name": "Bo", "_rev": "1"}]


def test_changed_content_with_the_same_counts_changes_the_fingerprint() -> None:
    renamed = [PEOPLE[0], {**PEOPLE[1], "name": "Bob"}]
    assert _graph(renamed).fingerprint != _graph(PEOPLE).fingerprint


def test_order_and_revisions_do_not_change_the_fingerprint() -> None:
    reloaded = [{**person, "_rev": "99"} for person in reversed(PEOPLE)]
    assert _graph(reloaded).fingerprint == _graph(PEOPLE).fingerprint


def test_key_order_inside_a_document_does_not_change_the_checksum() -> None:
    assert documents_checksum([{"a": 1, "b": {"x": 1, "y": 2}}]) == documents_checksum(
        [{"b": {"y": 2, "x": 1}, "a": 1}]
    )


def test_an_added_document_changes_the_checksum() -> None:
    assert documents_checksum(PEOPLE) != documents_checksum([*PEOPLE, {"_key": "c"}])


def _checksum_as_defined(documents: list[dict[str, Any]]) -> str:
    """The definition: XXH3-128 of each document's sorted JSON without `_rev`, summed."""
    total = 0
    for document in documents:
        content = {key: value for key, value in document.items() if key != "_rev"}
        encoded = orjson.dumps(content, option=orjson.OPT_SORT_KEYS, default=str)
        total += xxhash.xxh3_128_intdigest(encoded)
    return f"{total % (1 << 128):032x}"


def test_the_vectorised_sum_gives_the_checksum_as_defined() -> None:
    # Enough documents that the 32-bit columns carry into one another many times.
    documents = [{"_key": str(i), "value": i * 7, "_rev": str(i)} for i in range(5000)]
    assert documents_checksum(documents) == _checksum_as_defined(documents)
    assert documents_checksum(PEOPLE) == _checksum_as_defined(PEOPLE)
    assert documents_checksum([]) == _checksum_as_defined([])


def test_the_checksum_of_given_documents_never_changes() -> None:
    # Pinned: a snapshot must keep its fingerprint across library versions (XXH3 is fixed by
    # its specification); a change here starts a new catalog epoch for every graph.
    document = {"name": "Ann", "_key": "a", "_rev": "_h1"}
    assert documents_checksum([document]) == "ee1edaff062240873d680c1517473b16"
