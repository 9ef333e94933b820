"""Names and links of the vertices a report draws, looked up without a Python pass over the graph.

A report's pictures need a few dozen vertices' documents and the links among and around
them. `GraphIndex` answers those look-ups natively: a vertex collection's `_key`s are hashed
and sorted once when first asked (`KeyRows`: a look-up is a binary search and a slice); an
edge collection's `_from`/`_to` columns are scanned by polars for its first
`SCANS_BEFORE_SORTING` look-ups (~3 ms per million links, where sorting them costs ~50 ms
per side) and sorted like the keys after that. At 10^6 edges the per-drawing Python scans of
every edge document this replaced took ~5 s of a run's report writing.

Documents held as columns (`gaai_graph.sources.columnar.ColumnarDocuments`) are read from
their frame and only the rows looked up become dicts; lists of dicts (the demo, tests) take
one pass over their keys or endpoints and are otherwise read as they are.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence, Set
from typing import TYPE_CHECKING, Any

import numpy as np

from gaai_graph.key_rows import KeyRows
from gaai_graph.models import GraphSchema
from gaai_graph.nodes.schema import LABEL_ATTRIBUTE_PREFERENCE
from gaai_graph.sources.columnar import columnar_frame

if TYPE_CHECKING:
    import polars as pl

__all__ = ["MAX_INDEXED_EDGES", "SCANS_BEFORE_SORTING", "GraphIndex"]

MAX_INDEXED_EDGES = 5_000_000
"""Edge collections larger than this are not indexed for pictures (memory and time)."""


def _strings(values: Sequence[str | None]) -> pl.Series:
    import polars as pl

    return pl.Series(values, dtype=pl.String)


def _text_only(values: list[Any]) -> pl.Series | None:
    """`values` as a text column when each is text or None, else None (the careful path)."""
    import polars as pl

    try:
        column = pl.Series(values, strict=True)
    except TypeError:  # a value of another type among the text
        return None
    if column.dtype == pl.Null:
        return column.cast(pl.String)
    return column if column.dtype == pl.String else None


def _key_column(documents: Sequence[Any]) -> pl.Series:
    """Each document's `_key` as text, null for a document without one."""
    import polars as pl

    frame = columnar_frame(documents)
    if frame is not None:
        if "_key" not in frame.columns:
            return _strings([None] * frame.height)
        return frame["_key"].cast(pl.String, strict=False)
    try:
        # The usual documents: one C-level pass reads the keys (a loop doing more per document
        # took seconds at 10^6 vertices).
        keys = _text_only([document.get("_key") for document in documents])
    except AttributeError:  # not every document is a mapping
        keys = None
    if keys is not None:
        return keys
    return _strings(
        [
            str(document["_key"]) if isinstance(document, Mapping) and "_key" in document else None
            for document in documents
        ]
    )


def _endpoint_columns(documents: Sequence[Any]) -> tuple[pl.Series, pl.Series]:
    """Each edge's `_from` and `_to`, for the edges whose both ends are text."""
    import polars as pl

    frame = columnar_frame(documents)
    if frame is not None:
        columns = []
        for name in ("_from", "_to"):
            # A column of another type holds no text endpoint (the dict path skips those too).
            if name not in frame.columns or frame.schema[name] != pl.String:
                return _strings([]), _strings([])
            columns.append(frame[name])
        if not any(column.null_count() for column in columns):
            return columns[0], columns[1]  # the frame's own buffers, not a copy
        pairs = pl.DataFrame({"start": columns[0], "end": columns[1]}).drop_nulls()
        return pairs["start"], pairs["end"]
    starts_read = _text_only([document.get("_from") for document in documents])
    ends_read = _text_only([document.get("_to") for document in documents])
    if starts_read is not None and ends_read is not None:  # the usual edges: every end text
        pairs = pl.DataFrame({"start": starts_read, "end": ends_read}).drop_nulls()
        return pairs["start"], pairs["end"]
    starts: list[str] = []
    ends: list[str] = []
    for document in documents:
        start, end = document.get("_from"), document.get("_to")
        if isinstance(start, str) and isinstance(end, str):
            starts.append(start)
            ends.append(end)
    return _strings(starts), _strings(ends)


SCANS_BEFORE_SORTING = 16
"""Look-ups one edge collection answers by scanning its endpoint columns before it sorts them.

A native scan of a million endpoints for one vertex takes ~3 ms, sorting them for binary
searches ~50 ms per side: the few look-ups of most runs' pictures are cheaper as scans, and a
report asking for many more gets the sorted columns."""


class _Links:
    """One edge collection's links: scanned for the first look-ups, then sorted by end or start."""

    def __init__(self, documents: Sequence[Any]) -> None:
        self._starts, self._ends = _endpoint_columns(documents)
        self._by_start: KeyRows | None = None
        self._by_end: KeyRows | None = None
        self._look_ups = 0

    def _scanning(self) -> bool:
        """Whether this look-up is answered by a scan (see `SCANS_BEFORE_SORTING`)."""
        self._look_ups += 1
        return self._look_ups <= SCANS_BEFORE_SORTING

    def by_start(self) -> KeyRows:
        """The links found by their start."""
        if self._by_start is None:
            self._by_start = KeyRows(self._starts)
        return self._by_start

    def by_end(self) -> KeyRows:
        """The links found by their end."""
        if self._by_end is None:
            self._by_end = KeyRows(self._ends)
        return self._by_end

    def among(self, vertex_ids: Sequence[str], wanted: Set[str]) -> list[tuple[str, str]]:
        """Links from one of `vertex_ids` (each as often as listed) to a `wanted` vertex.

        By position in `vertex_ids`, each vertex's links in stored order.
        """
        if self._scanning():
            # One pass over every start; the ends only of the links found (a hub's, at most).
            hit = self._starts.is_in(list(dict.fromkeys(vertex_ids)))
            starts, ends = self._starts.filter(hit), self._ends.filter(hit)
            kept = ends.is_in(list(wanted))
            found: dict[str, list[str]] = defaultdict(list)
            for start, end in zip(
                starts.filter(kept).to_list(), ends.filter(kept).to_list(), strict=True
            ):
                found[start].append(end)
            return [(start, end) for start in vertex_ids for end in found.get(start, ())]
        which, rows = self.by_start().rows_of(vertex_ids)
        ends_found = self._ends.gather(rows).to_list()
        return [
            (vertex_ids[position], end)
            for position, end in zip(which.tolist(), ends_found, strict=True)
            if end in wanted
        ]

    def outgoing(self, vertex_id: str) -> pl.Series:
        """Ends of the links starting at the vertex, one per link, in stored order."""
        if self._scanning():
            return self._ends.filter(self._starts == vertex_id)
        _, rows = self.by_start().rows_of([vertex_id])
        return self._ends.gather(rows)

    def incoming(self, vertex_id: str) -> pl.Series:
        """Starts of the links ending at the vertex, one per link, in stored order."""
        if self._scanning():
            return self._starts.filter(self._ends == vertex_id)
        _, rows = self.by_end().rows_of([vertex_id])
        return self._starts.gather(rows)


class _Documents:
    """One vertex collection's documents found by key (a repeated key: its last document)."""

    def __init__(self, documents: Sequence[Any]) -> None:
        self._source = documents
        self._keys = KeyRows(_key_column(documents))
        self._found: dict[str, Mapping[str, Any] | None] = {}

    def find(self, keys: Sequence[str]) -> list[Mapping[str, Any] | None]:
        """The document of each key (None for a key no document has)."""
        missing = list(dict.fromkeys(key for key in keys if key not in self._found))
        if missing:
            which, rows = self._keys.rows_of(missing)
            last = np.full(len(missing), -1, dtype=np.int64)
            np.maximum.at(last, which, rows)  # a repeated key: its last document, as in a dict
            for key, row in zip(missing, last.tolist(), strict=True):
                # Columnar documents make only this row a dict (null cells left out).
                self._found[key] = self._source[row] if row >= 0 else None
        return [self._found[key] for key in keys]


class GraphIndex:
    """Names and links of vertices, read from an in-memory graph when first needed.

    Args:
        data: The loaded graph (`gaai_graph.sources.GraphData`).
        schema: The run's introspected schema; each collection's `label_attribute` names its
            vertices. Without it the first of the preferred name attributes present is used.
    """

    def __init__(self, data: Any, schema: GraphSchema | None = None) -> None:
        self._data = data
        self._label_attributes: dict[str, str | None] = {}
        if schema is not None:
            for profile in schema.collections:
                self._label_attributes[profile.name] = profile.label_attribute
        self._documents: dict[str, _Documents | None] = {}
        self._links: dict[str, _Links | None] = {}

    def _collection(self, collection: str) -> _Documents | None:
        if collection not in self._documents:
            source = self._data.collections.get(collection)
            self._documents[collection] = _Documents(source.documents) if source else None
        return self._documents[collection]

    def documents(self, vertex_ids: Sequence[str]) -> list[Mapping[str, Any] | None]:
        """The document of each vertex (None for a vertex the graph does not have)."""
        by_collection: dict[str, list[str]] = defaultdict(list)
        for vertex_id in vertex_ids:
            collection, _, key = vertex_id.partition("/")
            by_collection[collection].append(key)
        found: dict[str, Mapping[str, Any] | None] = {}
        for collection, keys in by_collection.items():
            table = self._collection(collection)
            documents = table.find(keys) if table is not None else [None] * len(keys)
            for key, document in zip(keys, documents, strict=True):
                found[f"{collection}/{key}"] = document
        return [found[vertex_id] for vertex_id in vertex_ids]

    def document(self, vertex_id: str) -> Mapping[str, Any] | None:
        """The vertex's document, or None when the graph has no such vertex."""
        return self.documents([vertex_id])[0]

    def present(self, vertex_ids: Iterable[str]) -> list[str]:
        """The given vertices the graph has, each once, in the given order."""
        unique = list(dict.fromkeys(vertex_ids))
        return [v for v, d in zip(unique, self.documents(unique), strict=True) if d]

    def label(self, vertex_id: str) -> str | None:
        """The vertex's human name (its collection's label attribute), or None."""
        document = self.document(vertex_id)
        if document is None:
            return None
        collection = vertex_id.partition("/")[0]
        attribute = self._label_attributes.get(collection)
        candidates = [attribute] if attribute else list(LABEL_ATTRIBUTE_PREFERENCE)
        for name in candidates:
            value = document.get(name) if name else None
            if isinstance(value, str) and value.strip():
                return value.strip()
        return None

    def _edges(self, collection: str) -> _Links | None:
        if collection not in self._links:
            source = self._data.collections.get(collection)
            if source is None or len(source.documents) > MAX_INDEXED_EDGES:
                self._links[collection] = None
            else:
                self._links[collection] = _Links(source.documents)
        return self._links[collection]

    def edges_among(
        self, vertex_ids: Sequence[str], edge_collections: Iterable[str]
    ) -> list[tuple[str, str]]:
        """The links between the given vertices (each direction once per edge)."""
        wanted = set(vertex_ids)
        pairs: list[tuple[str, str]] = []
        for name in edge_collections:
            table = self._edges(name)
            if table is not None:
                pairs.extend(table.among(vertex_ids, wanted))
        return pairs

    def neighbour_links(self, vertex_id: str, edge_collections: Iterable[str]) -> pl.DataFrame:
        """Vertices linked to `vertex_id` in either direction and their number of links.

        Returns:
            Columns `vertex` (text) and `links`, most links first, then by vertex id (the
            order of Python's `sorted` on `(-links, vertex)`): a hub's tens of thousands of
            neighbours are counted and ranked natively.
        """
        import polars as pl

        ends = [
            side.cast(pl.String).rename("vertex")
            for name in edge_collections
            if (table := self._edges(name)) is not None
            for side in (table.outgoing(vertex_id), table.incoming(vertex_id))
        ]
        others = pl.concat(ends) if ends else pl.Series("vertex", [], dtype=pl.String)
        counted = others.filter(others != vertex_id).value_counts(name="links")
        return counted.sort(["links", "vertex"], descending=[True, False])

    def neighbours(self, vertex_id: str, edge_collections: Iterable[str]) -> dict[str, int]:
        """Vertices linked to `vertex_id` in either direction -> number of links."""
        links = self.neighbour_links(vertex_id, edge_collections)
        return dict(zip(links["vertex"].to_list(), links["links"].to_list(), strict=True))

    def name(self, vertex_id: str) -> str:
        """'Name [collection/key]' when the vertex has a name, else the id."""
        label = self.label(vertex_id)
        return f"{label} [{vertex_id}]" if label else vertex_id
