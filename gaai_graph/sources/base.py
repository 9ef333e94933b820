"""The in-memory graph representation and the interface every source implements.

Offline sources (snapshots, the demo) load a whole database into `GraphData`; the engine never
sees documents, only a `ProjectionData` (integer edge list plus vertex ids and labels) built for
one template's projection.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt
import orjson
import xxhash

from gaai_graph.models import GraphProjection, NamedGraph
from gaai_graph.sources.columnar import ColumnarDocuments

if TYPE_CHECKING:
    import polars as pl  # imported by the callers that hold frames

CollectionKind = Literal["document", "edge"]

EdgeArray = npt.NDArray[np.int32] | npt.NDArray[np.int64]
"""An (m, 2) array of (source index, target index) rows."""


@dataclass
class CollectionData:
    """One collection's raw documents."""

    name: str
    kind: CollectionKind
    documents: Sequence[dict[str, Any]] = field(default_factory=list)
    """A list of dicts, or `ColumnarDocuments` (a polars frame read as dicts) for snapshots,
    or a streamed sequence for a live database; `len()` is cheap on every one of them."""


@dataclass
class GraphData:
    """A whole database held in memory: collections plus any named graph definitions."""

    source: str
    """Display name of where it came from (a path or 'demo'); never holds credentials."""
    collections: dict[str, CollectionData]
    graphs: list[NamedGraph] = field(default_factory=list)
    """Named graphs found in the source (e.g. a dumped `_graphs` collection)."""
    warnings: list[str] = field(default_factory=list)
    """Non-fatal problems met while loading, for schema analysis to report."""
    load_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    """Unique to this load: what is derived from the data (projections) is cached under it."""

    @property
    def fingerprint(self) -> str:
        """Stable hash of collection names, kinds, document counts and contents.

        Changed data with the same counts gives another fingerprint, so the catalog starts a
        new epoch for it.
        """
        digest = hashlib.sha256()
        for name in sorted(self.collections):
            collection = self.collections[name]
            content = self.content_checksum(name) or ""
            digest.update(
                f"{name}\0{collection.kind}\0{len(collection.documents)}\0{content}\n".encode()
            )
        return digest.hexdigest()[:16]

    def content_checksum(self, name: str) -> str | None:
        """Checksum of collection `name`'s documents (see `documents_checksum`).

        Sources that do not hold their documents (a live database) override this with the
        server's own checksum, or return None when they cannot tell.
        """
        documents = self.collections[name].documents
        if isinstance(documents, ColumnarDocuments):
            return documents.checksum()  # computed once per frame, maybe while loading
        return documents_checksum(documents)


def documents_checksum(documents: Iterable[dict[str, Any]]) -> str:
    """A checksum of documents' contents, independent of their order and revisions.

    Each document (without `_rev`, which a restore renews) is hashed as canonical JSON with
    XXH3-128 (`ROW_HASH`); the hashes are summed modulo 2^128, so the order documents were
    loaded in does not matter while any changed, added or removed document changes the sum.
    """
    row_hash, dumps, sort_keys = ROW_HASH, orjson.dumps, orjson.OPT_SORT_KEYS
    digests = bytearray()
    for document in documents:
        if "_rev" in document:  # copied only when it has one (snapshots seldom do)
            document = {key: value for key, value in document.items() if key != "_rev"}
        digests += row_hash(dumps(document, option=sort_keys, default=str))
    return _summed(digests)


ROW_HASH = xxhash.xxh3_128_digest
"""The 128-bit hash of one document's canonical JSON (big-endian digest bytes).

XXH3's output is fixed by its specification (stable since xxHash 0.8.0), so a snapshot keeps
its fingerprint across library versions; it is not a cryptographic hash, which a checksum that
detects changed data does not need, and it hashes a row ten times faster than blake2b did (the
per-row call dominated the fingerprint of a large graph). Changing it changes every
fingerprint once, so each catalog starts one new epoch per graph.
"""


def _summed(digests: bytes | bytearray) -> str:
    # The sum of the 128-bit big-endian digests, as four 32-bit columns summed in uint64 (no
    # overflow below 2^32 documents) and recombined: half the time of adding Python ints.
    columns = np.frombuffer(bytes(digests), dtype=">u4").reshape(-1, 4).sum(axis=0, dtype=np.uint64)
    total = sum(int(column) << (32 * (3 - position)) for position, column in enumerate(columns))
    return f"{total % (1 << 128):032x}"


FRAME_CHECKSUM_ROWS = 1 << 16
"""Rows encoded and hashed per step by `frame_checksum` (bounds the text held at once)."""


def frame_checksum(frame: pl.DataFrame) -> str:
    """`documents_checksum` of a columnar collection, without making its rows Python dicts.

    Polars writes each row as the same canonical JSON orjson writes for the document (names
    sorted, absent attributes left out, the same number and string forms), so the value is
    the one the same documents held as dicts get; only the per-row hash runs in Python.
    """
    import polars as pl

    if any(dtype == pl.Object for dtype in frame.dtypes):
        # Python objects (a frame built from mixed values) have no JSON encoding in polars.
        return documents_checksum(ColumnarDocuments(frame))
    names = sorted(name for name in frame.columns if name != "_rev")
    if not names:
        return _summed(ROW_HASH(b"{}") * frame.height)
    if not any(frame.select(names).null_count().row(0)):
        encoded = pl.struct(names).struct.json_encode().cast(pl.Binary)
    else:
        # `{"name":value}` with its braces removed is the member as orjson writes it; an
        # absent (null) attribute is left out.
        members = [
            pl.when(pl.col(name).is_not_null()).then(
                pl.struct(name).struct.json_encode().str.strip_prefix("{").str.strip_suffix("}")
            )
            for name in names
        ]
        joined = pl.concat_str(members, separator=",", ignore_nulls=True)
        encoded = pl.concat_str([pl.lit("{"), joined, pl.lit("}")]).cast(pl.Binary)
    digests = [b""]
    for offset in range(0, frame.height, FRAME_CHECKSUM_ROWS):
        rows = frame.slice(offset, FRAME_CHECKSUM_ROWS).select(encoded.alias("row"))
        column = rows.get_column("row")
        # A few thousand rows per C-level step, each holding the GIL throughout, then the GIL
        # is offered to other threads: a checksum computed beside other work
        # (`ColumnarDocuments.prefetch_checksum`) would otherwise make every thread that
        # returns from polars or numpy wait out the interpreter's 5 ms switch interval.
        for start in range(0, column.len(), HASHED_ROWS_PER_STEP):
            part = column.slice(start, HASHED_ROWS_PER_STEP).to_list()
            digests.append(b"".join(map(ROW_HASH, part)))
            time.sleep(0)
    return _summed(b"".join(digests))


HASHED_ROWS_PER_STEP = 2048
"""Rows hashed per uninterrupted C-level step by `frame_checksum` (~1 ms holding the GIL)."""


@dataclass(eq=False)
class ProjectionData:
    """A projection ready for an engine: vertices numbered 0..n-1 and an integer edge list.

    Edges are held as one (m, 2) int32 array (8 bytes an edge, where a list of tuples takes
    about 128), so that projections of millions of edges can stay cached between templates.
    Any sequence of pairs is accepted and converted.
    """

    vertex_ids: list[str]
    """`<collection>/<_key>` of each vertex, by index."""
    labels: list[str]
    """Human label of each vertex, by index."""
    edges: EdgeArray
    """(source index, target index) rows, shape (edge_count, 2)."""
    directed: bool
    projection: GraphProjection
    skipped_edges: int = 0
    """Edges left out because an endpoint is missing or outside the projection."""
    edge_values: dict[str, npt.NDArray[np.float64]] = field(default_factory=dict)
    """Per requested numeric edge attribute (`GraphProjection.edge_attributes`), one value per
    kept edge in edge order; NaN where an edge lacks a number."""
    vertex_values: dict[str, list[Any]] = field(default_factory=dict)
    """Per requested vertex attribute (`GraphProjection.vertex_attributes`), one value per
    vertex in vertex order; None where a vertex lacks it."""
    engine_cache: dict[str, Any] = field(default_factory=dict, repr=False)
    """What an engine derived from this projection and reuses for every template run on it
    (the local engine keeps its igraph graph here); never part of the projection's meaning."""

    def __post_init__(self) -> None:
        self.edges = as_edge_array(self.edges)

    def edge_pairs(self) -> list[tuple[int, int]]:
        """The edges as a list of (source index, target index) tuples."""
        return [(int(source), int(target)) for source, target in self.edges.tolist()]

    @property
    def vertex_count(self) -> int:
        """Number of vertices."""
        return len(self.vertex_ids)

    @property
    def edge_count(self) -> int:
        """Number of edges."""
        return len(self.edges)


def as_edge_array(edges: EdgeArray | Sequence[tuple[int, int]]) -> EdgeArray:
    """Return `edges` as an (m, 2) integer array, int32 when every index fits in it.

    Raises:
        ValueError: If `edges` is not a sequence of pairs of integers.
    """
    if isinstance(edges, np.ndarray) and edges.dtype == np.int32 and edges.shape[1:] == (2,):
        return edges
    array = np.asarray(edges, dtype=np.int64)
    if array.size == 0:
        return np.empty((0, 2), dtype=np.int32)
    if array.ndim != 2 or array.shape[1] != 2:
        raise ValueError(f"edges must be pairs of vertex indices, got shape {array.shape}")
    limits = np.iinfo(np.int32)
    if limits.min <= array.min() and array.max() <= limits.max:
        return array.astype(np.int32)
    return array
