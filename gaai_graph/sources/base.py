"""The in-memory graph representation and the interface every source implements.

Offline sources (snapshots, the demo) load a whole database into `GraphData`; the engine never
sees documents, only a `ProjectionData` (integer edge list plus vertex ids and labels) built for
one template's projection.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt

from gaai_graph.models import GraphProjection, NamedGraph
from gaai_graph.sources.checksums import documents_checksum
from gaai_graph.sources.columnar import ColumnarDocuments

if TYPE_CHECKING:
    pass  # imported by the callers that hold frames

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


@dataclass(eq=False)
class ProjectionData:
    """A projection ready for an engine: vertices numbered 0..n-1 and an integer edge list.

    Edges are held as one (m, 2) int32 array (8 bytes an edge, where a list of tuples takes
    about 128), so that projections of millions of edges can stay cached between templates.
    Any sequence of pairs is accepted and converted.
    """

    vertex_ids: list[str]
    """`<collection>/<_key>` of each vertex, by index."""
    labels: Sequence[str]
    """Human label of each vertex, by index (a list, or `projection.VertexLabels` read from
    columns; `labels_at` reads many at once)."""
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


def labels_at(labels: Sequence[str], indices: Sequence[int]) -> list[str]:
    """The labels of vertices `indices`, read at once when the labels are columns."""
    take = getattr(labels, "take", None)
    if take is not None:
        taken: list[str] = take(indices)
        return taken
    return [labels[i] for i in indices]


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
