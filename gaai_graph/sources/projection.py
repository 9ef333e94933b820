"""Turn a template's projection of an in-memory graph into an engine-ready edge list.

The engine never sees documents: it gets vertices numbered 0..n-1 (with their ids and labels)
and integer edges. For a graph held in memory, ids are numbered once per load (`_LoadIndex`):
every vertex collection's ids, and each edge collection's endpoints as load-wide vertex
numbers (int32), are computed the first time a projection (or schema analysis, through
`vertex_blocks` and `edge_endpoints`) needs them and kept for the load, labels when first
asked for; a projection is then a selection on those arrays (numpy only, no per-edge Python).
Collections held as polars frames (snapshots) are numbered with column operations: a vertex
collection's keys stay a Series, and endpoints are mapped by a join with the id table of the
collections they name; labels and requested attributes are read from columns. For streamed
sources (a live database), endpoints are looked up a chunk of documents at a time by C-level
`map` calls, so the whole edge collection is never held at once.
"""

from __future__ import annotations

import operator
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import chain, islice, repeat
from operator import methodcaller
from typing import TYPE_CHECKING, Any, NamedTuple, overload

import numpy as np
import numpy.typing as npt

from gaai_graph.errors import SourceError
from gaai_graph.models import GraphProjection
from gaai_graph.sources.base import CollectionData, CollectionKind, GraphData, ProjectionData
from gaai_graph.sources.columnar import (
    column_labels,
    column_numbers,
    column_values,
    columnar_frame,
    number_ids,
)

if TYPE_CHECKING:
    import polars as pl

__all__ = [
    "VertexIds",
    "VertexLabels",
    "VertexRun",
    "build_projection",
    "edge_endpoints",
    "vertex_blocks",
    "vertex_spans",
]


class VertexRun(NamedTuple):
    """One vertex collection's vertices in a projection: indices start..start+size-1."""

    collection: str
    start: int
    size: int
    frame_rows: bool
    """Whether the run's i-th vertex is row i of the collection's frame (a collection held as
    a frame whose keys do not repeat), so its columns map onto the run without a look-up."""


class VertexIds(list[str]):
    """A projection's vertex ids, which knows the run of each of its vertex collections.

    A projection numbers its vertices collection by collection; readers that need each
    vertex's collection (`gaai_graph.engines.summary.collection_codes`) or its frame row
    (`gaai_graph.engines.describe.vertex_columns`) read `runs` instead of every id. Any list
    made from it (a slice, a copy) is a plain list, so the runs never describe other ids.
    """

    __slots__ = ("runs",)

    def __init__(self, ids: Iterable[str] = (), runs: tuple[VertexRun, ...] = ()) -> None:
        super().__init__(ids)
        self.runs = runs


class VertexLabels(Sequence[str]):
    """A projection's vertex labels, read from its collections' label columns when asked.

    The labels of a projection of millions of vertices are read a few at a time (the top
    entities of a report, the leaders of groups): held as polars String Series (or lists,
    for labels written from other types), one part per vertex collection, they take a few
    bytes a label where Python strings take ~60, and no list is built per projection.
    """

    __slots__ = ("_parts", "_starts")

    def __init__(self, parts: Sequence[pl.Series | list[str]]) -> None:
        self._parts = [part for part in parts if len(part)]
        self._starts = np.cumsum([0, *(len(part) for part in self._parts)])

    def __len__(self) -> int:
        return int(self._starts[-1])

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return self.take(range(len(self))[index])
        position = operator.index(index)  # numpy integers too, which polars refuses
        if position < 0:
            position += len(self)
        if not 0 <= position < len(self):
            raise IndexError(f"vertex index {index} out of range for {len(self)} vertices")
        part = int(np.searchsorted(self._starts, position, side="right")) - 1
        label: str = self._parts[part][position - int(self._starts[part])]
        return label

    def __iter__(self) -> Iterator[str]:
        for part in self._parts:
            yield from part if isinstance(part, list) else part.to_list()

    def __eq__(self, other: object) -> bool:
        """Equal to any list, tuple or labels holding the same labels in the same order."""
        if not isinstance(other, list | tuple | VertexLabels):
            return NotImplemented
        return len(self) == len(other) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]  # compared by content, like a list

    def take(self, indices: Sequence[int]) -> list[str]:
        """The labels of `indices`, in their order (one gather per collection)."""
        import polars as pl

        wanted = np.asarray(indices, dtype=np.int64)
        if wanted.size and (wanted.min() < 0 or wanted.max() >= len(self)):
            raise IndexError(f"a vertex index is out of range for {len(self)} vertices")
        parts = np.searchsorted(self._starts, wanted, side="right") - 1
        labels: list[str] = [""] * wanted.size
        for part in np.unique(parts).tolist():
            at = np.flatnonzero(parts == part)
            rows = wanted[at] - self._starts[part]
            column = self._parts[part]
            if isinstance(column, list):
                values = [column[row] for row in rows.tolist()]
            else:
                values = column.gather(pl.Series(rows, dtype=pl.Int64)).to_list()
            for position, value in zip(at.tolist(), values, strict=True):
                labels[position] = value
        return labels


def build_projection(
    data: GraphData,
    projection: GraphProjection,
    label_attributes: Mapping[str, str | None],
) -> ProjectionData:
    """Build the vertex list and integer edge list of one projection.

    Vertices are every document of the projection's vertex collections, collection by collection
    in the projection's order and, within a collection, in stored order; so the same data and
    projection always number vertices the same way. An edge is kept when both its `_from` and
    `_to` are projected vertices; every other edge of the projected edge collections (dangling,
    or reaching a collection outside the projection) is counted in `skipped_edges`.

    Args:
        data: The whole graph in memory.
        projection: Which vertex and edge collections to keep, and whether edges are directed.
        label_attributes: Vertex collection -> attribute holding a human label (or None). A
            vertex whose label is missing or empty is labelled by its key.

    Returns:
        The projection, ready for an engine.

    Raises:
        SourceError: a named collection does not exist, a vertex collection is an edge
            collection (or the reverse), or a vertex document has no key.
    """
    vertex_collections = _checked(data, _unique(projection.vertex_collections), "document")
    edge_collections = _checked(data, _unique(projection.edge_collections), "edge")
    # Collections held in memory (lists, frames) are served by the load-wide index; streamed
    # ones (a live database) are read a chunk at a time on the path below.
    if all(_held(c.documents) for c in (*vertex_collections, *edge_collections)):
        return _selected_projection(
            _load_index(data),
            vertex_collections,
            edge_collections,
            projection,
            label_attributes,
            every_vertex_collection=_held_vertex_collections(data),
        )

    vertex_ids: list[str] = []
    labels: list[str] = []
    wanted = _unique(projection.vertex_attributes)
    values: dict[str, list[Any]] = {name: [] for name in wanted}
    for collection in vertex_collections:
        _add_vertices(collection, label_attributes.get(collection.name), vertex_ids, labels, values)
    # A repeated key keeps its first document: the id must name one vertex.
    index: dict[str, int] = {}
    for position, vertex_id in enumerate(vertex_ids):
        index.setdefault(vertex_id, position)
    if len(index) != len(vertex_ids):
        keep = sorted(index.values())
        vertex_ids = [vertex_ids[i] for i in keep]
        labels = [labels[i] for i in keep]
        values = {name: [column[i] for i in keep] for name, column in values.items()}
        index = {vertex_id: position for position, vertex_id in enumerate(vertex_ids)}

    numeric = _unique(projection.edge_attributes)
    chunks = []
    columns: dict[str, list[npt.NDArray[np.float64]]] = {name: [] for name in numeric}
    for collection in edge_collections:
        for chunk, chunk_values in _endpoint_chunks(collection, index, numeric):
            chunks.append(chunk)
            for name in numeric:
                columns[name].append(chunk_values[name])
    endpoints = np.concatenate(chunks) if chunks else np.empty((0, 2), dtype=np.int32)
    # -1 marks an endpoint that is missing or outside the projection.
    kept = (endpoints >= 0).all(axis=1)
    edges = endpoints if kept.all() else endpoints[kept]
    edge_values = {
        name: (np.concatenate(parts) if parts else np.empty(0))[kept]
        for name, parts in columns.items()
    }

    return ProjectionData(
        vertex_ids=vertex_ids,
        labels=labels,
        edges=edges,
        directed=projection.directed,
        projection=projection,
        skipped_edges=int(len(endpoints) - len(edges)),
        edge_values=edge_values,
        vertex_values=values,
    )


_CHUNK_DOCUMENTS = 1 << 16
"""Edge documents mapped per step: large enough to amortise the calls, small enough that
a streamed collection of 10^7 edges never has more than this many documents in memory."""

_from_of = methodcaller("get", "_from")
_to_of = methodcaller("get", "_to")


def _endpoint_chunks(
    collection: CollectionData, index: Mapping[str, int], numeric: list[str]
) -> Iterator[tuple[npt.NDArray[np.int32], dict[str, npt.NDArray[np.float64]]]]:
    """Yield (k, 2) arrays of endpoint indices (-1 where not projected) with attribute values.

    The values are the chunk's, per `numeric` attribute (NaN where not a number).

    Raises:
        SourceError: an edge's `_from` or `_to` is neither a string nor missing.
    """
    lookup = index.get
    stream = iter(collection.documents)
    while chunk := list(islice(stream, _CHUNK_DOCUMENTS)):
        pairs = np.empty((len(chunk), 2), dtype=np.int32)
        try:
            for column, endpoint_of in enumerate((_from_of, _to_of)):
                pairs[:, column] = np.fromiter(
                    map(lookup, map(endpoint_of, chunk), repeat(-1)),
                    dtype=np.int32,
                    count=len(chunk),
                )
        except TypeError as error:  # an unhashable endpoint, e.g. a list
            raise SourceError(
                f"an edge of collection {collection.name!r} has a '_from' or '_to' that is not "
                f"a document id string: {error}"
            ) from error
        yield pairs, {name: _numbers(chunk, name) for name in numeric}


def _number(value: Any) -> float:
    """A number as a float; an ISO-8601 date or time string as epoch seconds; else NaN.

    Timestamps are often stored as ISO strings (`2026-02-20T03:57:39Z`); a time window over
    edges needs them as numbers. A time without a zone is read as UTC.
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str) and 10 <= len(value) <= 35 and value[:4].isdigit():
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return np.nan
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.timestamp()
    return np.nan


def _numbers(documents: list[dict[str, Any]], name: str) -> npt.NDArray[np.float64]:
    """Attribute `name` of each document as a float (ISO times as epoch seconds), else NaN."""
    return np.fromiter(
        (_number(document.get(name)) for document in documents),
        dtype=np.float64,
        count=len(documents),
    )


def _unique(names: Iterable[str]) -> list[str]:
    """Names in first-seen order without repeats (a repeated collection would double edges)."""
    return list(dict.fromkeys(names))


def _checked(data: GraphData, names: list[str], kind: CollectionKind) -> list[CollectionData]:
    """The named collections, each checked to exist and to be of `kind`."""
    role = "vertex" if kind == "document" else "edge"
    collections = []
    for name in names:
        collection = data.collections.get(name)
        if collection is None:
            known = ", ".join(sorted(data.collections)) or "none"
            raise SourceError(
                f"projection names {role} collection {name!r}, which {data.source} does not "
                f"have; collections: {known}"
            )
        if collection.kind != kind:
            named = "a vertex" if kind == "document" else "an edge"
            actual = "an edge" if collection.kind == "edge" else "a document (vertex)"
            raise SourceError(
                f"projection names {name!r} as {named} collection, but it is {actual} collection"
            )
        collections.append(collection)
    return collections


def _add_vertices(
    collection: CollectionData,
    label_attribute: str | None,
    vertex_ids: list[str],
    labels: list[str],
    values: dict[str, list[Any]],
) -> None:
    """Append the ids, labels and requested attribute values of every document."""
    prefix = collection.name + "/"
    extra = [name for name in values if name != label_attribute]
    for document in _keys_and_labels(collection, label_attribute, extra):
        key = _key_of(collection.name, document)
        vertex_ids.append(prefix + key)
        label = document.get(label_attribute) if label_attribute else None
        labels.append(key if label is None or label == "" else str(label))
        for name, column in values.items():
            column.append(document.get(name))


def _keys_and_labels(
    collection: CollectionData, label_attribute: str | None, extra: list[str]
) -> Iterable[dict[str, Any]]:
    """The collection's documents, reduced to key and label where the source can do that.

    A live source streams whole documents by default; asking it for `_key` and the label
    alone keeps each batch of a large vertex collection a few attributes per document.
    """
    stream_attributes = getattr(collection.documents, "stream_attributes", None)
    if stream_attributes is None:
        return collection.documents
    documents: Iterable[dict[str, Any]] = stream_attributes(
        ([label_attribute] if label_attribute else []) + extra
    )
    return documents


def _key_of(collection: str, document: dict[str, Any]) -> str:
    """A document's `_key`, or the key part of its `_id` when it has only that."""
    key = document.get("_key")
    if key is None:
        document_id = document.get("_id")
        if isinstance(document_id, str) and "/" in document_id:
            key = document_id.partition("/")[2]
    if key is None or key == "":
        raise SourceError(f"a document of collection {collection!r} has neither '_key' nor '_id'")
    return str(key)


# ------------------------------------------------------------------ numbered once per load


@dataclass
class _VertexBlock:
    """One vertex collection numbered: its ids (a repeated key keeps its first document).

    A collection held as a frame keeps its keys as a polars Series (its ids are made only
    when a caller asks for them as a list); one held as a list keeps its ids.
    """

    start: int
    """Load-wide number of its first vertex; the others follow."""
    count: int
    id_list: list[str] | None = None
    keys: pl.Series | None = None
    """Frames: the key of each vertex, in stored order."""
    first_rows: pl.Series | None = None
    """Frames with repeated keys: the row of each vertex's first document (else every row)."""
    prefix: str = ""
    number_frame: pl.DataFrame | None = None
    labels: dict[str | None, pl.Series | list[str]] = field(default_factory=dict)
    """Label attribute -> label of each vertex (a String Series for a frame's text labels),
    computed when first asked for."""

    @property
    def ids(self) -> list[str]:
        """`<collection>/<_key>` of each vertex."""
        if self.id_list is None:
            assert self.keys is not None
            self.id_list = (self.prefix + self.keys).to_list()
        return self.id_list

    def numbered(self) -> pl.DataFrame:
        """Columns `id` and `number` (load-wide), to map a column of endpoints at once."""
        import polars as pl

        if self.number_frame is None:
            ids = self.prefix + self.keys if self.keys is not None else pl.Series(self.ids)
            numbers = pl.int_range(self.start, self.start + self.count, dtype=pl.Int32, eager=True)
            self.number_frame = pl.DataFrame({"id": ids.cast(pl.String), "number": numbers})
        return self.number_frame


@dataclass
class _LoadIndex:
    """Vertex numbers and edge endpoints of one in-memory load, filled in as needed."""

    blocks: dict[str, _VertexBlock] = field(default_factory=dict)
    total: int = 0
    """Vertices numbered so far (over the collections numbered so far)."""
    endpoints: dict[str, npt.NDArray[np.int32]] = field(default_factory=dict)
    """Edge collection -> (m, 2) load-wide endpoint numbers, -1 for an unknown vertex."""
    numbered_for_edges: int = -1
    """`total` when `endpoints` were computed; more vertices numbered since (an endpoint may
    now be known) invalidate them."""
    number_dict: dict[str, int] | None = None
    """Vertex id -> load-wide number, made when an edge collection held as a list needs it."""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def numbers(self) -> dict[str, int]:
        """Vertex id -> load-wide number over every numbered collection."""
        if self.number_dict is None or len(self.number_dict) != self.total:
            numbers: dict[str, int] = {}
            for block in self.blocks.values():
                numbered = range(block.start, block.start + block.count)
                numbers.update(zip(block.ids, numbered, strict=True))
            self.number_dict = numbers
        return self.number_dict

    def number_endpoints(self, endpoints: pl.Series) -> npt.NDArray[np.int32]:
        """The load-wide number of each endpoint id, -1 where it names no numbered vertex.

        Only the collections the ids name are joined with (usually one per endpoint column).
        """
        import polars as pl

        named = self._blocks_named(endpoints)
        if not named:
            return np.full(endpoints.len(), -1, dtype=np.int32)
        table = (
            named[0].numbered()
            if len(named) == 1
            else pl.concat([block.numbered() for block in named])
        )
        return number_ids(endpoints, table)

    def _blocks_named(self, endpoints: pl.Series) -> list[_VertexBlock]:
        """The numbered collections that at least one of `endpoints` names, in load order.

        Usually every endpoint names the collection the first one names: one pass over the
        column says so (a prefix ends with "/", which no collection name holds, so no other
        collection's prefix matches them), instead of one pass per numbered collection.
        """
        first = endpoints[0] if endpoints.len() else None
        if isinstance(first, str):
            block = self.blocks.get(first.partition("/")[0])
            if (
                block is not None
                and first.startswith(block.prefix)
                and endpoints.str.starts_with(block.prefix).all()
            ):
                return [block]
        return [b for b in self.blocks.values() if endpoints.str.starts_with(b.prefix).any()]


_MAX_INDEXED_LOADS = 2
_indexes: OrderedDict[str, _LoadIndex] = OrderedDict()
_indexes_lock = threading.Lock()


def _load_index(data: GraphData) -> _LoadIndex:
    """The index of `data`'s load (bounded: the last few loads are kept)."""
    with _indexes_lock:
        index = _indexes.get(data.load_id)
        if index is None:
            index = _indexes[data.load_id] = _LoadIndex()
            while len(_indexes) > _MAX_INDEXED_LOADS:
                _indexes.popitem(last=False)
        else:
            _indexes.move_to_end(data.load_id)
        return index


def _held(documents: Sequence[dict[str, Any]]) -> bool:
    """Whether documents are held in memory (a list or a frame), not streamed."""
    return isinstance(documents, list) or columnar_frame(documents) is not None


def _held_vertex_collections(data: GraphData) -> list[CollectionData] | None:
    """Every vertex collection of `data`, when all are held in memory; else None."""
    vertices = [c for c in data.collections.values() if c.kind == "document"]
    return vertices if all(_held(c.documents) for c in vertices) else None


def vertex_blocks(data: GraphData) -> dict[str, tuple[int, list[str]]] | None:
    """Every vertex collection of an in-memory load, numbered once for the load.

    Returns:
        Collection -> (load-wide number of its first vertex, its vertex ids
        `<collection>/<_key>` in stored order, a repeated key keeping its first document);
        None when a vertex collection is not held in memory (a streamed source).

    Raises:
        SourceError: a vertex document has neither `_key` nor `_id`.
    """
    collections = _held_vertex_collections(data)
    if collections is None:
        return None
    index = _load_index(data)
    with index.lock:
        blocks = [_block(index, collection) for collection in collections]
    return {c.name: (b.start, b.ids) for c, b in zip(collections, blocks, strict=True)}


def edge_endpoints(data: GraphData, collection: str) -> npt.NDArray[np.int32] | None:
    """Load-wide vertex numbers (see `vertex_blocks`) of each edge's `_from` and `_to`.

    Computed once per load and shared by schema analysis and every projection.

    Returns:
        An (m, 2) array in edge order, -1 where an endpoint names no vertex of the load;
        None when the load is not held in memory (see `vertex_blocks`).

    Raises:
        SourceError: an endpoint is neither a string nor missing, or a vertex document has
            neither `_key` nor `_id`.
    """
    edges = data.collections[collection]
    if vertex_blocks(data) is None or not _held(edges.documents):
        return None
    index = _load_index(data)
    with index.lock:
        _forget_stale_endpoints(index)
        return _global_endpoints(index, edges)


def vertex_spans(
    data: GraphData, edge_collections: list[str]
) -> tuple[dict[str, tuple[int, int]], dict[str, npt.NDArray[np.int32]]] | None:
    """`vertex_blocks` without the ids, and `edge_endpoints` of `edge_collections`, at once.

    For schema analysis, which needs where each collection's numbers start and how many it
    has but not its ids: for a collection held as a frame, `vertex_blocks` would turn every
    key into a Python string.

    Returns:
        (vertex collection -> (load-wide number of its first vertex, its vertex count), in
        the load's collection order; edge collection -> (m, 2) int32 endpoint numbers, -1
        where an endpoint names no vertex), or None when a collection is not held in memory
        or a vertex document has neither `_key` nor `_id` (a projection would refuse it).
    """
    vertices = _held_vertex_collections(data)
    edges = [data.collections[name] for name in edge_collections]
    if vertices is None or not all(_held(c.documents) for c in edges):
        return None
    index = _load_index(data)
    try:
        with index.lock:
            blocks = {c.name: _block(index, c) for c in vertices}
            _forget_stale_endpoints(index)
            endpoints = {c.name: _global_endpoints(index, c) for c in edges}
    except SourceError:
        return None
    return {name: (block.start, block.count) for name, block in blocks.items()}, endpoints


def _forget_stale_endpoints(index: _LoadIndex) -> None:
    """Drop endpoint arrays computed before more vertices were numbered (one may be known)."""
    if index.numbered_for_edges != index.total:
        index.endpoints.clear()
        index.numbered_for_edges = index.total


def _selected_projection(
    index: _LoadIndex,
    vertex_collections: list[CollectionData],
    edge_collections: list[CollectionData],
    projection: GraphProjection,
    label_attributes: Mapping[str, str | None],
    *,
    every_vertex_collection: list[CollectionData] | None,
) -> ProjectionData:
    with index.lock:
        # Numbering every vertex collection at once (schema analysis has done so already in a
        # run) lets every projection share one endpoint array per edge collection.
        for collection in every_vertex_collection or ():
            try:
                _block(index, collection)
            except SourceError:  # raised below only if the projection names this collection
                continue
        blocks = [_block(index, collection) for collection in vertex_collections]
        labels_of = [
            _labels(block, collection, label_attributes.get(collection.name))
            for block, collection in zip(blocks, vertex_collections, strict=True)
        ]
        _forget_stale_endpoints(index)
        chunks = [_global_endpoints(index, collection) for collection in edge_collections]
    # Load-wide number -> position in this projection, -1 outside it (one spare slot at the
    # end, where the -1 of an unknown endpoint lands).
    # int32 throughout (vertex numbers fit, see `as_edge_array`): an int64 map would double
    # the (m, 2) arrays made below, ~14 MB at 860k edges, while projections build side by side.
    local = np.full(index.total + 1, -1, dtype=np.int32)
    offset = 0
    for block in blocks:
        local[block.start : block.start + block.count] = np.arange(offset, offset + block.count)
        offset += block.count
    global_pairs = np.concatenate(chunks) if chunks else np.empty((0, 2), dtype=np.int32)
    pairs = local[global_pairs]
    kept = (pairs >= 0).all(axis=1)
    edges = pairs if kept.all() else pairs[kept]
    edge_values = {
        name: _edge_column(edge_collections, name)[kept]
        for name in _unique(projection.edge_attributes)
    }
    vertex_values = {
        name: [
            value
            for block, collection in zip(blocks, vertex_collections, strict=True)
            for value in _vertex_column(block, collection, name)
        ]
        for name in _unique(projection.vertex_attributes)
    }
    runs = []
    start = 0
    for block, collection in zip(blocks, vertex_collections, strict=True):
        frame_rows = block.keys is not None and block.first_rows is None
        runs.append(VertexRun(collection.name, start, block.count, frame_rows))
        start += block.count
    return ProjectionData(
        vertex_ids=VertexIds(chain.from_iterable(block.ids for block in blocks), tuple(runs)),
        labels=VertexLabels(labels_of),
        edges=edges,
        directed=projection.directed,
        projection=projection,
        skipped_edges=int(len(pairs) - len(edges)),
        edge_values=edge_values,
        vertex_values=vertex_values,
    )


def _edge_column(collections: list[CollectionData], name: str) -> npt.NDArray[np.float64]:
    """Attribute `name` of every edge of `collections` in order, as `_number` reads it."""
    parts = []
    for collection in collections:
        frame = columnar_frame(collection.documents, reading=(name,))
        if frame is None:
            parts.append(_numbers(list(collection.documents), name))
        else:
            parts.append(column_numbers(frame, name, _number))
    return np.concatenate(parts) if parts else np.empty(0)


def _vertex_column(block: _VertexBlock, collection: CollectionData, name: str) -> list[Any]:
    """Attribute `name` of each vertex of `block` (its first document), None where absent."""
    frame = columnar_frame(collection.documents, reading=(name,))
    if frame is not None and block.keys is not None:
        return column_values(frame, name, block.first_rows)
    return [document.get(name) for document in _first_documents(block, collection)]


def _first_documents(block: _VertexBlock, collection: CollectionData) -> Sequence[dict[str, Any]]:
    """The document standing for each vertex of `block` (the first one of a repeated key)."""
    if block.count == len(collection.documents):
        return collection.documents
    first: dict[str, dict[str, Any]] = {}
    for document in collection.documents:
        vertex_id = collection.name + "/" + _key_of(collection.name, document)
        first.setdefault(vertex_id, document)
    return [first[vertex_id] for vertex_id in block.ids]


def _block(index: _LoadIndex, collection: CollectionData) -> _VertexBlock:
    block = index.blocks.get(collection.name)
    if block is not None:
        return block
    prefix = collection.name + "/"
    block = _frame_block(collection, prefix, index.total)
    if block is None:
        block = _list_block(collection, prefix, index.total)
    index.blocks[collection.name] = block
    index.total += block.count
    return block


def _frame_block(collection: CollectionData, prefix: str, start: int) -> _VertexBlock | None:
    """A frame's keys numbered by column operations; None when a key is missing or not text."""
    import polars as pl

    frame = columnar_frame(collection.documents)
    if frame is None or frame.schema.get("_key") != pl.String:
        return None
    keys = frame["_key"]
    if keys.null_count() or (keys == "").any():
        return None  # the list path names the document without a key
    first_rows = None
    if keys.n_unique() != keys.len():
        # A repeated key keeps its first document: number the first occurrences in order.
        first_rows = keys.is_first_distinct().arg_true()
        keys = keys.gather(first_rows)
    return _VertexBlock(start, keys.len(), keys=keys, first_rows=first_rows, prefix=prefix)


def _list_block(collection: CollectionData, prefix: str, start: int) -> _VertexBlock:
    keys: list[Any] = [document.get("_key") for document in collection.documents]
    try:
        # The usual collection, with C-level steps: every document has a non-empty string key.
        ids = [prefix + key for key in keys]
        usual = "" not in keys
    except TypeError:  # a key that is missing or not a string
        usual = False
    if not usual:
        ids = [prefix + _key_of(collection.name, document) for document in collection.documents]
    if len(set(ids)) != len(ids):
        ids = list(dict.fromkeys(ids))  # a repeated key keeps its first document
    return _VertexBlock(start, len(ids), id_list=ids, prefix=prefix)


def _labels(
    block: _VertexBlock, collection: CollectionData, attribute: str | None
) -> pl.Series | list[str]:
    labels = block.labels.get(attribute)
    if labels is not None:
        return labels
    frame = columnar_frame(collection.documents, reading=(attribute,) if attribute else ())
    if frame is not None and block.keys is not None:
        labels = column_labels(frame, attribute, block.keys, block.first_rows)
    elif attribute is None:
        labels = [vertex_id.partition("/")[2] for vertex_id in block.ids]
    else:
        keys = [vertex_id.partition("/")[2] for vertex_id in block.ids]
        labels = []
        for document, key in zip(_first_documents(block, collection), keys, strict=True):
            label = document.get(attribute)
            labels.append(key if label is None or label == "" else str(label))
    block.labels[attribute] = labels
    return labels


def _global_endpoints(index: _LoadIndex, collection: CollectionData) -> npt.NDArray[np.int32]:
    cached = index.endpoints.get(collection.name)
    if cached is None:
        cached = _frame_endpoints(index, collection)
        if cached is None:
            numbers = index.numbers()
            chunks = [pairs for pairs, _ in _endpoint_chunks(collection, numbers, [])]
            cached = np.concatenate(chunks) if chunks else np.empty((0, 2), dtype=np.int32)
        index.endpoints[collection.name] = cached
    return cached


def _frame_endpoints(index: _LoadIndex, collection: CollectionData) -> npt.NDArray[np.int32] | None:
    """Endpoint numbers of a frame's edges by one vectorised mapping; None if not a frame."""
    import polars as pl

    frame = columnar_frame(collection.documents)
    if frame is None:
        return None
    columns = frame.schema
    if any(columns.get(name, pl.String) != pl.String for name in ("_from", "_to")):
        return None  # an endpoint that is not text: the list path names the problem
    pairs = np.empty((frame.height, 2), dtype=np.int32)
    for position, name in enumerate(("_from", "_to")):
        if name in columns:
            pairs[:, position] = index.number_endpoints(frame[name])
        else:
            pairs[:, position] = -1
    return pairs
