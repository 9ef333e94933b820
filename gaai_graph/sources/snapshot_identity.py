"""Document identity in snapshots: every document gets `_key` and `_id`; repeats are reported.

A missing `_id` is `<collection>/<_key>`, a missing `_key` comes from `_id`, and an edge with
neither (what arangoimport users and other tools write) gets a key derived from its content
(`derived_edge_key`), the same on every load of the same file.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from typing import Any

import orjson

from gaai_graph.sources.snapshot_files import Origin, json_type

__all__ = ["complete_documents", "derived_edge_key", "duplicate_key_warning"]

DUPLICATE_EXAMPLES = 3
"""How many repeated keys a duplicate-key warning names."""
DERIVED_KEY_BYTES = 10
"""Digest size of a derived edge key (20 hex digits: collisions are negligible)."""


def complete_documents(
    origin: Origin,
    documents: list[Any],
    collection: str,
    is_edge: bool,
    *,
    mixed_is_error: bool = False,
    first: int = 0,
) -> None:
    """Check every parsed item is a document and give it both `_key` and `_id`, in place.

    This loop runs once per document of the snapshot, so the common case (an object with both
    identifiers, and for edges string endpoints) costs a few dict look-ups; anything else goes
    to `_complete_document`, and the line is counted only when an error must name it (counting
    it for every document lacking an `_id`, the usual arangoimport shape, made loading
    quadratic). Edges with neither `_key` nor `_id` get `derived_edge_key`s.

    Args:
        origin: The file the documents came from, for error messages.
        documents: Parsed items, completed in place.
        collection: Collection name, the prefix of derived `_id`s.
        is_edge: Whether the documents must be edges.
        mixed_is_error: Reject non-edges among edges and edges among non-edges (export files,
            whose kind is inferred from their first document).
        first: Index in the file of `documents[0]`.
    """
    keyless: list[dict[str, Any]] = []
    for index, document in enumerate(documents, start=first):
        if type(document) is dict and "_key" in document and "_id" in document:
            if is_edge:
                if type(document.get("_from")) is str and type(document.get("_to")) is str:
                    continue
            elif not mixed_is_error or ("_from" not in document and "_to" not in document):
                continue
        if type(document) is not dict:
            raise origin.error(
                index, f"expected one JSON object per document, got {json_type(document)}"
            )
        if mixed_is_error and (("_from" in document or "_to" in document) != is_edge):
            mixed = (
                "this document has no '_from'/'_to' but the first one is an edge"
                if is_edge
                else "this document has '_from'/'_to' but the first one is not an edge"
            )
            raise origin.error(
                index,
                f"mixes edge and non-edge documents ({mixed}); a file holds one collection",
            )
        problem = _complete_document(document, collection, is_edge)
        if problem == _NEEDS_KEY:
            keyless.append(document)
        elif problem:
            raise origin.error(index, problem)
    if keyless:
        _derive_edge_keys(keyless, collection)


_NEEDS_KEY = "needs a derived key"


def _complete_document(document: dict[str, Any], collection: str, is_edge: bool) -> str | None:
    """Fill in `_key` or `_id` from the other; return what is wrong, or None.

    Returns `_NEEDS_KEY` for an edge with neither identifier (its key is derived once every
    document of the file has been seen, so repeated identical edges are numbered in order).
    """
    key = document.get("_key")
    document_id = document.get("_id")
    endpoints = (document.get("_from"), document.get("_to"))
    if is_edge and not all(isinstance(endpoint, str) for endpoint in endpoints):
        return "edge document needs string '_from' and '_to'"
    if key is None and document_id is None:
        if is_edge:
            return _NEEDS_KEY
        return "document has neither '_key' nor '_id'"
    if key is None:
        if not isinstance(document_id, str) or "/" not in document_id:
            return f"'_id' must be '<collection>/<key>', got {document_id!r}"
        document["_key"] = document_id.partition("/")[2]
    elif document_id is None:
        if not isinstance(key, str) or not key:
            return f"'_key' must be a non-empty string, got {key!r}"
        document["_id"] = f"{collection}/{key}"
    return None


def derived_edge_key(document: dict[str, Any], occurrence: int = 0) -> str:
    """The key given to an edge written without `_key` or `_id`: a digest of its content.

    The digest covers every attribute (sorted, so attribute order does not matter); the k-th
    repeat of identical content within a file (k >= 1) gets `-k` appended, so parallel edges
    stay distinct. The same file therefore gets the same keys on every load.

    Args:
        document: The edge, without `_key` and `_id`.
        occurrence: How many identical edges came before it in its file.
    """
    content = orjson.dumps(document, option=orjson.OPT_SORT_KEYS | orjson.OPT_SERIALIZE_NUMPY)
    digest = hashlib.blake2b(content, digest_size=DERIVED_KEY_BYTES).hexdigest()
    return digest if occurrence == 0 else f"{digest}-{occurrence}"


def _derive_edge_keys(edges: list[dict[str, Any]], collection: str) -> None:
    seen: Counter[str] = Counter()
    for edge in edges:
        base = derived_edge_key(edge)
        occurrence = seen[base]
        seen[base] += 1
        key = base if occurrence == 0 else f"{base}-{occurrence}"
        edge["_key"] = key
        edge["_id"] = f"{collection}/{key}"


def duplicate_key_warning(collection: str, documents: Sequence[dict[str, Any]]) -> str | None:
    """Say how many documents repeat an earlier `_key` and name the first few keys.

    Nothing is dropped here: the projection numbers a vertex key once (its first document
    stands for it) and keeps every edge.
    """
    keys = [document["_key"] for document in documents]
    if len(set(keys)) == len(keys):
        return None
    counts = Counter(keys)
    return repeated_keys_warning(
        collection, [(key, count) for key, count in counts.items() if count > 1]
    )


def repeated_keys_warning(collection: str, repeated: Sequence[tuple[Any, int]]) -> str:
    """The duplicate-key warning for `repeated` (key, count) pairs, in first-seen order."""
    extra = sum(count - 1 for _, count in repeated)
    examples = ", ".join(f"{key!r} ×{count}" for key, count in repeated[:DUPLICATE_EXAMPLES])
    more = (
        f" and {len(repeated) - DUPLICATE_EXAMPLES} more"
        if len(repeated) > DUPLICATE_EXAMPLES
        else ""
    )
    return (
        f"collection {collection!r}: {extra} document(s) repeat the _key of an earlier one "
        f"({len(repeated)} key(s): {examples}{more}); all are kept, and where they are "
        "vertices the first document of each key stands for it; give each document its own "
        "_key"
    )
