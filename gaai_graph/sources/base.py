"""The in-memory graph representation and the interface every source implements.

Offline sources (snapshots, the demo) load a whole database into `GraphData`; the engine never
sees documents, only a `ProjectionData` (integer edge list plus vertex ids and labels) built for
one template's projection.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Literal

from gaai_graph.models import GraphProjection, NamedGraph

CollectionKind = Literal["document", "edge"]


@dataclass
class CollectionData:
    """One collection's raw documents."""

    name: str
    kind: CollectionKind
    documents: list[dict[str, Any]] = field(default_factory=list)


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

    @property
    def fingerprint(self) -> str:
        """Stable hash of collection names, kinds and document counts."""
        digest = hashlib.sha256()
        for name in sorted(self.collections):
            collection = self.collections[name]
            digest.update(f"{name}\0{collection.kind}\0{len(collection.documents)}\n".encode())
        return digest.hexdigest()[:16]


@dataclass
class ProjectionData:
    """A projection ready for an engine: vertices numbered 0..n-1 and an integer edge list."""

    vertex_ids: list[str]
    """`<collection>/<_key>` of each vertex, by index."""
    labels: list[str]
    """Human label of each vertex, by index."""
    edges: list[tuple[int, int]]
    """(source index, target index) pairs."""
    directed: bool
    projection: GraphProjection
    skipped_edges: int = 0
    """Edges left out because an endpoint is missing or outside the projection."""

    @property
    def vertex_count(self) -> int:
        """Number of vertices."""
        return len(self.vertex_ids)

    @property
    def edge_count(self) -> int:
        """Number of edges."""
        return len(self.edges)
