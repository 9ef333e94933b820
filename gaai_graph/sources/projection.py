"""Turn a template's projection of an in-memory graph into an engine-ready edge list.

The engine never sees documents: it gets vertices numbered 0..n-1 (with their ids and labels)
and integer edges. Building that is the one pass over raw documents a template needs, so it is
written for graphs of millions of edges: one dict lookup per endpoint, one tuple per kept edge.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from gaai_graph.errors import SourceError
from gaai_graph.models import GraphProjection
from gaai_graph.sources.base import CollectionData, CollectionKind, GraphData, ProjectionData

__all__ = ["build_projection"]


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

    vertex_ids: list[str] = []
    labels: list[str] = []
    for collection in vertex_collections:
        _add_vertices(collection, label_attributes.get(collection.name), vertex_ids, labels)
    # A repeated key keeps its first document: the id must name one vertex.
    index: dict[str, int] = {}
    for position, vertex_id in enumerate(vertex_ids):
        index.setdefault(vertex_id, position)
    if len(index) != len(vertex_ids):
        keep = sorted(index.values())
        vertex_ids = [vertex_ids[i] for i in keep]
        labels = [labels[i] for i in keep]
        index = {vertex_id: position for position, vertex_id in enumerate(vertex_ids)}

    edges: list[tuple[int, int]] = []
    skipped = 0
    lookup = index.get
    for collection in edge_collections:
        for document in collection.documents:
            source = lookup(document.get("_from"))  # type: ignore[arg-type]
            target = lookup(document.get("_to"))  # type: ignore[arg-type]
            if source is None or target is None:
                skipped += 1
            else:
                edges.append((source, target))

    return ProjectionData(
        vertex_ids=vertex_ids,
        labels=labels,
        edges=edges,
        directed=projection.directed,
        projection=projection,
        skipped_edges=skipped,
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
) -> None:
    """Append the ids and labels of every document of `collection`."""
    prefix = collection.name + "/"
    for document in collection.documents:
        key = _key_of(collection.name, document)
        vertex_ids.append(prefix + key)
        label = document.get(label_attribute) if label_attribute else None
        labels.append(key if label is None or label == "" else str(label))


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
