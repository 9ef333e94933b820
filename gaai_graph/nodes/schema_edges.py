"""Schema analysis's one pass over the edges: endpoint collections, dangling edges, references.

Vertex ids are numbered once (`index_vertices`): in the usual load, where every `_id` is
`<collection>/<_key>`, the numbering and endpoint arrays projections share
(`gaai_graph.sources.projection.vertex_blocks`, `edge_endpoints`) are used as they are, so the
endpoints are looked up once per load; otherwise here, with two look-ups per edge. Counting is
numpy on vertex and collection numbers (`scan_edges`); strings are split only for the few
endpoints that name no vertex.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import repeat
from typing import Any, overload

import numpy as np
import numpy.typing as npt

from gaai_graph.errors import SourceError
from gaai_graph.sources import GraphData
from gaai_graph.sources.projection import edge_endpoints, vertex_blocks

__all__ = [
    "MAX_DANGLING_EXAMPLES",
    "EdgeScan",
    "VertexIndex",
    "count_endpoints",
    "index_vertices",
    "scan_edges",
    "vertex_id_of",
]

MAX_DANGLING_EXAMPLES = 5
_starts_with: Any = str.startswith
"""Unbound `str.startswith`, for a C-level `map` (a non-string raises TypeError)."""


def vertex_id_of(collection: str, document: dict[str, Any]) -> str | None:
    """A document's id as schema analysis reads it: a string `_id`, else `<collection>/<_key>`."""
    identifier = document.get("_id")
    if isinstance(identifier, str):
        return identifier
    key = document.get("_key")
    return f"{collection}/{key}" if key is not None else None


def _collection_of(vertex_id: Any) -> str | None:
    if not isinstance(vertex_id, str) or "/" not in vertex_id:
        return None
    return vertex_id.split("/", 1)[0]


@dataclass
class VertexIndex:
    """Every vertex id of the source numbered once, with the collection its id names."""

    numbers: dict[str, int]
    collections: list[str]
    collection_of: npt.NDArray[np.int64]
    """Vertex number -> position in `collections` of the collection its id names."""
    endpoints: dict[str, npt.NDArray[np.int32]] = field(default_factory=dict)
    """Edge collection -> vertex numbers of its edges' `_from` and `_to` (-1 for no vertex),
    when the load's shared numbering gave them; `numbers` is then left empty."""


def index_vertices(data: GraphData) -> VertexIndex:
    """Number every vertex id of `data` once (a repeated id keeps its first number)."""
    return _load_wide_index(data) or _own_index(data)


def _load_wide_index(data: GraphData) -> VertexIndex | None:
    """The index on the numbering projections share (`vertex_blocks`), when it is the same.

    It is when every vertex's `_id` is `<collection>/<_key>` and no key repeats: then its
    numbers, and each edge collection's endpoint numbers, serve here unchanged, and no
    projection looks an endpoint up again. Otherwise (or when an endpoint is not a string)
    None, and `_own_index` numbers the ids the way this analysis reads them.
    """
    try:
        blocks = vertex_blocks(data)
        if blocks is None:
            return None
        codes: dict[str, int] = {}
        collection_of = np.full(sum(len(ids) for _, ids in blocks.values()), -1, dtype=np.int64)
        for name, collection in data.collections.items():
            if collection.kind != "document":
                continue
            start, ids = blocks[name]
            if [document.get("_id") for document in collection.documents] != ids:
                return None
            collection_of[start : start + len(ids)] = codes.setdefault(name, len(codes))
        endpoints = {}
        for name, collection in data.collections.items():
            if collection.kind == "edge":
                numbered = edge_endpoints(data, name)
                if numbered is None:
                    return None
                endpoints[name] = numbered
    except SourceError:
        return None
    if (collection_of < 0).any():  # numbers outside these blocks: not this load's alone
        return None
    return VertexIndex({}, list(codes), collection_of, endpoints)


def _own_index(data: GraphData) -> VertexIndex:
    numbers: dict[str, int] = {}
    codes: dict[str, int] = {}
    collection_of: list[npt.NDArray[np.int64]] = []
    for name, collection in data.collections.items():
        if collection.kind != "document":
            continue
        ids: list[Any] = [document.get("_id") for document in collection.documents]
        prefix = name + "/"
        try:
            # The usual case, numbered by C-level calls: every `_id` is a string naming this
            # collection and none repeats (within the collection or with earlier ones).
            usual = all(map(_starts_with, ids, repeat(prefix)))
        except TypeError:  # an `_id` that is not a string
            usual = False
        if usual:
            fresh = dict(zip(ids, range(len(numbers), len(numbers) + len(ids)), strict=True))
            usual = len(fresh) == len(ids) and numbers.keys().isdisjoint(fresh)
        if usual:
            numbers.update(fresh)
            code = codes.setdefault(name, len(codes))
            collection_of.append(np.full(len(ids), code, dtype=np.int64))
            continue
        found: list[int] = []
        for document in collection.documents:
            vertex_id = vertex_id_of(name, document)
            # An id without a collection part names no vertex an edge can reach.
            if vertex_id is None or vertex_id in numbers or "/" not in vertex_id:
                continue
            numbers[vertex_id] = len(numbers)
            found.append(codes.setdefault(vertex_id.partition("/")[0], len(codes)))
        collection_of.append(np.array(found, dtype=np.int64))
    return VertexIndex(
        numbers,
        list(codes),
        np.concatenate(collection_of) if collection_of else np.empty(0, dtype=np.int64),
    )


@dataclass
class EdgeScan:
    """What one pass over an edge collection found."""

    pairs: Counter[tuple[str, str]] = field(default_factory=Counter)
    """(from collection, to collection) -> number of edges with both endpoints present."""
    prefixes_from: set[str] = field(default_factory=set)
    prefixes_to: set[str] = field(default_factory=set)
    dangling: int = 0
    examples: list[str] = field(default_factory=list)
    references: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Target collection -> (vertices of other collections with an edge into it, those with
    more than one), for telling attribute-like collections from entities."""


def _endpoint_numbers(endpoints: list[Any], numbers: dict[str, int]) -> npt.NDArray[np.int64]:
    """Vertex number of each endpoint, -1 where it names no vertex (C-level look-ups)."""
    try:
        found = map(numbers.get, endpoints, repeat(-1))
        return np.fromiter(found, dtype=np.int64, count=len(endpoints))
    except TypeError:  # an unhashable endpoint (a list or object): no vertex
        return np.array(
            [numbers.get(e, -1) if isinstance(e, str) else -1 for e in endpoints], dtype=np.int64
        )


class _Endpoints(Sequence[Any]):
    """One endpoint attribute of each edge, read when asked (for the few dangling edges)."""

    def __init__(self, documents: Sequence[dict[str, Any]], attribute: str) -> None:
        self._documents = documents
        self._attribute = attribute

    def __len__(self) -> int:
        return len(self._documents)

    @overload
    def __getitem__(self, index: int) -> Any: ...

    @overload
    def __getitem__(self, index: slice) -> list[Any]: ...

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return [document.get(self._attribute) for document in self._documents[index]]
        return self._documents[index].get(self._attribute)


def count_endpoints(
    sources: npt.NDArray[np.int64],
    targets: npt.NDArray[np.int64],
    collection_of: npt.NDArray[np.int64],
    collections: list[str],
) -> tuple[EdgeScan, npt.NDArray[np.int64]]:
    """The scan of one edge collection's numbered endpoints, but for endpoints naming no vertex.

    Args:
        sources: Vertex number of each edge's `_from` (-1 where it names no vertex).
        targets: Vertex number of each edge's `_to` (-1 likewise).
        collection_of: Vertex number -> position in `collections` of its collection.
        collections: Collection names.

    Returns:
        The scan (pairs, references, and the collections of the endpoints that are vertices)
        and the positions of the dangling edges, whose endpoints the caller reads for the
        collections they name, the count and the examples.
    """
    scan = EdgeScan()
    present = (sources >= 0) & (targets >= 0)
    width = len(collections)
    source_codes = collection_of[sources[present]]
    target_codes = collection_of[targets[present]]
    pair_counts = np.bincount(source_codes * width + target_codes, minlength=width * width)
    for code in np.flatnonzero(pair_counts):
        source_code, target_code = divmod(int(code), width)
        scan.pairs[(collections[source_code], collections[target_code])] = int(pair_counts[code])
    # Which collections occur, and which vertices are referenced how often: counted with
    # `bincount` (linear) where `unique` would sort every endpoint.
    for numbers, prefixes in ((sources, scan.prefixes_from), (targets, scan.prefixes_to)):
        codes = np.bincount(collection_of[numbers[numbers >= 0]], minlength=width)
        prefixes.update(collections[c] for c in np.flatnonzero(codes).tolist())
    kept_sources = sources[present]
    vertex_count = len(collection_of)
    for target_code in np.flatnonzero(np.bincount(target_codes, minlength=width)).tolist():
        into = kept_sources[(target_codes == target_code) & (source_codes != target_code)]
        if not len(into):
            continue
        per_source = np.bincount(into, minlength=vertex_count)
        scan.references[collections[target_code]] = (
            int(np.count_nonzero(per_source)),
            int(np.count_nonzero(per_source > 1)),
        )
    return scan, np.flatnonzero(~present)


def scan_edges(name: str, documents: Sequence[dict[str, Any]], vertices: VertexIndex) -> EdgeScan:
    """Endpoint collections, dangling edges and reference counts of one edge collection.

    The only per-edge Python is reading `_from`/`_to` and one dictionary look-up each (both
    C-level `map` calls); counting is numpy on vertex and collection numbers, and strings are
    split only for the endpoints that name no vertex.
    """
    numbered = vertices.endpoints.get(name)
    if numbered is not None and len(numbered) == len(documents):
        sources, targets = numbered[:, 0].astype(np.int64), numbered[:, 1].astype(np.int64)
        froms: Sequence[Any] = _Endpoints(documents, "_from")
        tos: Sequence[Any] = _Endpoints(documents, "_to")
    else:
        froms = [document.get("_from") for document in documents]
        tos = [document.get("_to") for document in documents]
        sources = _endpoint_numbers(froms, vertices.numbers)
        targets = _endpoint_numbers(tos, vertices.numbers)
    scan, missing = count_endpoints(sources, targets, vertices.collection_of, vertices.collections)
    for index in missing.tolist():
        source, target = froms[index], tos[index]
        for endpoint, number, prefixes in (
            (source, sources[index], scan.prefixes_from),
            (target, targets[index], scan.prefixes_to),
        ):
            if number < 0 and (collection := _collection_of(endpoint)) is not None:
                prefixes.add(collection)
        if len(scan.examples) < MAX_DANGLING_EXAMPLES:
            edge_id = vertex_id_of(name, documents[index]) or f"{name}/?"
            scan.examples.append(f"{edge_id}: {source} -> {target}")
    scan.dangling = len(missing)
    return scan
