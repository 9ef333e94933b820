"""Schema analysis's edge pass on columns: when every collection is held as a polars DataFrame.

The same `EdgeScan`s as `schema_edges.scan_edges` on the dict path, from whole-column
operations. Each edge's `_from` and `_to` is numbered as a vertex of the source, and the
endpoint pairs and references are counted on those numbers (`count_endpoints`); only the
endpoints naming no vertex are split at their first "/", and only the few dangling edges quoted
as examples are read as rows. Nothing here is sampled.

Endpoints are numbered once per load. In the usual load every vertex's `_id` is
`<collection>/<_key>`: the vertex ids this analysis reads are then exactly
the ones projections number (`gaai_graph.sources.projection`), and the load-wide numbering and
endpoint arrays that every projection shares serve here unchanged (`_shared_scans`), so no
endpoint is looked up twice in a run. Otherwise every vertex id of the source (its `_id`, else
`<collection>/<_key>`, as the dict path reads it) is gathered into one column and the endpoints
are looked up in it by hash (`_VertexNumbers`).

The hash look-up compares two independently seeded 64-bit hashes of the endpoint with those of the
vertex ids (`is_in` on integers: about 6x faster than on the strings on this 2-core machine
at 10^6 edges). An endpoint that is no vertex is taken for one only if both its hashes equal
hashes of vertex ids; for non-adversarial ids the chance is about (vertices / 2^64)^2 per
endpoint, under 10^-20 for a whole graph of 10^8 edges and 10^8 vertices.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from gaai_graph.nodes.schema_edges import (
    MAX_DANGLING_EXAMPLES,
    EdgeScan,
    count_endpoints,
    vertex_id_of,
)
from gaai_graph.sources import GraphData, projection
from gaai_graph.sources.columnar import columnar_frame, ids_repeat_keys

if TYPE_CHECKING:
    import polars as pl

__all__ = ["columnar_collections", "scan_edge_frames"]

_SEEDS = (1640531527, 2654435761)
"""Seeds of the two independent 64-bit hashes an endpoint is looked up by."""


def columnar_collections(data: GraphData) -> dict[str, pl.DataFrame] | None:
    """Every collection of `data` as a DataFrame, or None when one is held otherwise.

    An empty collection counts as columnar whatever holds it (it has no column to read).
    """
    import polars as pl

    frames: dict[str, pl.DataFrame] = {}
    for name, collection in data.collections.items():
        frame = columnar_frame(collection.documents)
        if frame is None:
            if len(collection.documents):
                return None
            frame = pl.DataFrame()
        frames[name] = frame
    return frames


def _strings(frame: pl.DataFrame, attribute: str) -> pl.Series:
    """`attribute` of each row where it is a string, else null (as the dict path reads it)."""
    import polars as pl

    if attribute not in frame.columns:
        return pl.Series(attribute, [None] * frame.height, dtype=pl.String)
    column = frame.get_column(attribute)
    if column.dtype == pl.String:
        return column
    if column.dtype == pl.Null:
        return column.cast(pl.String)
    # Anything else (numbers, lists, mixed Object cells) names no vertex unless a cell is a str.
    return pl.Series(
        attribute,
        [value if isinstance(value, str) else None for value in column.to_list()],
        dtype=pl.String,
    )


def _vertex_ids(name: str, frame: pl.DataFrame) -> pl.Series:
    """Each document's id: `_id` when it is a string, else `<name>/<_key>` (null without)."""
    import polars as pl

    ids = _strings(frame, "_id")
    if "_key" not in frame.columns:
        return ids
    key = frame.get_column("_key")
    if key.dtype == pl.String or key.dtype.is_integer():
        # Python's f"{name}/{key}" and polars's cast write strings and integers alike.
        both = pl.DataFrame({"id": ids, "key": key.cast(pl.String)})
        return both.select(pl.coalesce("id", pl.lit(name + "/") + pl.col("key"))).to_series()
    documents = frame.select("_id", "_key") if "_id" in frame.columns else frame.select("_key")
    return pl.Series(
        "_id",
        [vertex_id_of(name, row) for row in documents.iter_rows(named=True)],
        dtype=pl.String,
    )


class _VertexNumbers:
    """Every vertex id of the source that names a collection, numbered by its two hashes."""

    def __init__(self, data: GraphData, frames: dict[str, pl.DataFrame]) -> None:
        import polars as pl

        parts: list[pl.Series] = []
        codes: list[npt.NDArray[np.int64]] = []
        self.collections: list[str] = []
        for name, collection in data.collections.items():
            if collection.kind != "document" or not frames[name].height:
                continue
            ids = _vertex_ids(name, frames[name]).alias("id")
            # An id without a "/" names no collection, so no edge can reach it.
            ids = ids.filter(ids.str.contains("/", literal=True))
            parts.append(ids)
            codes.append(self._codes(name, ids))
        ids = pl.concat(parts) if parts else pl.Series("id", [], dtype=pl.String)
        collection_of = np.concatenate(codes) if codes else np.empty(0, dtype=np.int64)
        first, second = (ids.hash(seed).to_numpy() for seed in _SEEDS)
        order = np.argsort(first)
        if (first[order][1:] == first[order][:-1]).any():  # a repeated id, or a collision
            order = np.lexsort((second, first))
        first, second = first[order], second[order]
        # A repeated id keeps one number (its hashes repeat together).
        fresh = np.ones(len(first), dtype=bool)
        fresh[1:] = (first[1:] != first[:-1]) | (second[1:] != second[:-1])
        kept = order[fresh]
        self.first, self.second = first[fresh], second[fresh]
        self.collection_of = collection_of[kept]
        """Vertex number -> position in `collections` of the collection its id names."""
        self.ids: pl.Series | None = None
        if (self.first[1:] == self.first[:-1]).any():
            # Two different ids share a first hash: look endpoints up by string instead.
            self.ids = ids.gather(kept)

    def _codes(self, name: str, ids: pl.Series) -> npt.NDArray[np.int64]:
        """Position in `collections` of the collection each id names (added when new)."""
        if ids.str.starts_with(name + "/").all():  # the usual case: one collection
            named = [name]
            positions = np.zeros(len(ids), dtype=np.int64)
        else:
            prefixes = ids.str.slice(0, ids.str.find("/", literal=True))
            named = prefixes.unique(maintain_order=True).to_list()
            local = dict(zip(named, range(len(named)), strict=True))
            positions = prefixes.replace_strict(local).to_numpy().astype(np.int64)
        known = {collection: code for code, collection in enumerate(self.collections)}
        for collection in named:
            known.setdefault(collection, len(known))
        self.collections = list(known)
        return np.array([known[collection] for collection in named], dtype=np.int64)[positions]

    def numbers(self, endpoints: pl.Series) -> npt.NDArray[np.int64]:
        """The vertex number of each endpoint (a string or null), -1 where it names none."""
        import polars as pl

        if self.ids is not None:  # two ids share a hash (never met in practice): by string
            looked_up = pl.DataFrame({"id": endpoints}).join(
                self.ids.to_frame("id").with_row_index("number"),
                on="id",
                how="left",
                maintain_order="left",
            )
            number = looked_up.get_column("number").cast(pl.Int64).fill_null(-1)
            return number.to_numpy().astype(np.int64)
        first, second = (endpoints.hash(seed).to_numpy() for seed in _SEEDS)
        if not len(self.first):
            return np.full(len(endpoints), -1, dtype=np.int64)
        # Binary search in needle order: at 10^7 edges, random probes into the sorted hashes
        # miss the cache on every step (5x the CPU time of sorting the needles first).
        order = np.argsort(first)
        found = np.empty(len(first), dtype=np.int64)
        found[order] = np.searchsorted(self.first, first[order])
        np.minimum(found, len(self.first) - 1, out=found)
        known = (self.first[found] == first) & (self.second[found] == second)
        known &= endpoints.is_not_null().to_numpy()
        return np.where(known, found, -1).astype(np.int64)


def _named_collections(endpoints: pl.Series, unknown: npt.NDArray[np.int64]) -> set[str]:
    """The collections named by the endpoints at positions `unknown` (text before a "/")."""
    if not len(unknown):
        return set()
    named = endpoints.gather(unknown)
    named = named.filter(named.str.contains("/", literal=True))
    return set(named.str.slice(0, named.str.find("/", literal=True)).unique().to_list())


def _scan(
    name: str,
    frame: pl.DataFrame,
    sources_of: tuple[pl.Series, npt.NDArray[np.int64]],
    targets_of: tuple[pl.Series, npt.NDArray[np.int64]],
    collection_of: npt.NDArray[np.int64],
    collections: list[str],
) -> EdgeScan:
    """One edge collection's scan from its endpoints and their vertex numbers (-1: none)."""
    (froms, sources), (tos, targets) = sources_of, targets_of
    scan, missing = count_endpoints(sources, targets, collection_of, collections)
    # An endpoint that is no vertex still names the collection before its "/" (an edge into a
    # collection the source lacks).
    scan.prefixes_from |= _named_collections(froms, np.flatnonzero(sources < 0))
    scan.prefixes_to |= _named_collections(tos, np.flatnonzero(targets < 0))
    scan.dangling = len(missing)
    for position in missing[:MAX_DANGLING_EXAMPLES].tolist():
        document = {k: v for k, v in frame.row(position, named=True).items() if v is not None}
        edge_id = vertex_id_of(name, document) or f"{name}/?"
        scan.examples.append(f"{edge_id}: {document.get('_from')} -> {document.get('_to')}")
    return scan


def _shared_scans(
    data: GraphData, frames: dict[str, pl.DataFrame], edge_names: list[str]
) -> dict[str, EdgeScan] | None:
    """The scans on the load-wide numbering projections share, when it reads ids as here.

    It does when every vertex collection's `_key` is text, present and non-empty and its
    `_id` is `<collection>/<_key>` on every row (the loader completes both), and every
    scanned edge's `_from` and `_to` is text or absent: the projections then number exactly
    the vertex ids read here (a repeated id, here, and a repeated key, there, both keep one
    vertex). None otherwise: the hashes number the ids as read here.
    """
    import polars as pl

    vertex_names = [n for n, c in data.collections.items() if c.kind == "document"]
    for name in vertex_names:
        frame = frames[name]
        if not frame.height:
            continue
        if frame.schema.get("_key") != pl.String:
            return None
        prefix = name + "/"
        # An `_id` the loader left out is `<name>/<_key>` (`ColumnarDocuments.id_prefix`).
        left_out = getattr(data.collections[name].documents, "id_prefix", None) == prefix
        if not left_out and not ids_repeat_keys(frame, prefix):
            return None
        keys_usual = (pl.col("_key") != "").all() & (pl.col("_key").null_count() == 0)
        if not frame.select(keys_usual).item():
            return None
    for name in edge_names:
        columns = frames[name].schema
        if any(columns.get(end, pl.String) != pl.String for end in ("_from", "_to")):
            return None
    numbering = projection.vertex_spans(data, edge_names)
    if numbering is None:
        return None
    starts, endpoints = numbering
    collections = list(starts)
    collection_of = np.full(sum(count for _, count in starts.values()), -1, dtype=np.int64)
    for code, (start, count) in enumerate(starts.values()):
        collection_of[start : start + count] = code
    if (collection_of < 0).any():  # numbers outside these collections: not this load's alone
        return None
    scans = {}
    for name in edge_names:
        numbered = endpoints[name]
        froms, tos = _strings(frames[name], "_from"), _strings(frames[name], "_to")
        scans[name] = _scan(
            name,
            frames[name],
            (froms, numbered[:, 0].astype(np.int64)),
            (tos, numbered[:, 1].astype(np.int64)),
            collection_of,
            collections,
        )
    return scans


def scan_edge_frames(
    data: GraphData, frames: dict[str, pl.DataFrame], edge_names: list[str]
) -> dict[str, EdgeScan]:
    """The scan of each edge collection in `edge_names`, from the columns in `frames`.

    Args:
        data: The loaded graph (its collection kinds).
        frames: Every collection of `data` as a DataFrame (`columnar_collections`).
        edge_names: The edge collections to scan.

    Returns:
        Edge collection -> its scan, equal to `scan_edges` on the same documents read as dicts.
    """
    shared = _shared_scans(data, frames, edge_names)
    if shared is not None:
        return shared
    vertices = _VertexNumbers(data, frames)
    scans = {}
    for name in edge_names:
        froms, tos = _strings(frames[name], "_from"), _strings(frames[name], "_to")
        scans[name] = _scan(
            name,
            frames[name],
            (froms, vertices.numbers(froms)),
            (tos, vertices.numbers(tos)),
            vertices.collection_of,
            vertices.collections,
        )
    return scans
