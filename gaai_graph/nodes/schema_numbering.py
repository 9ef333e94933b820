"""The load-wide vertex numbering projections share, read without making ids Python strings.

`gaai_graph.sources.projection` numbers every vertex collection of an in-memory load once
(`vertex_blocks`) and each edge collection's endpoints once (`edge_endpoints`); schema
analysis on the dict path reuses both. Its public `vertex_blocks` hands each collection's ids
out as a Python list, which for a collection held as a polars frame turns every key into a
string object (the frame path keeps them as a column until a caller needs the list). Schema
analysis needs only where each collection's numbers start and how many it has, so
`shared_numbering` reads those from the same per-load index, under the same lock, and leaves
the ids as they are. The projection module's index helpers are private to it; this module is
their one reader outside it.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from gaai_graph.errors import SourceError
from gaai_graph.sources import GraphData, projection

__all__ = ["shared_numbering"]


def shared_numbering(
    data: GraphData, edge_collections: list[str]
) -> tuple[dict[str, tuple[int, int]], dict[str, npt.NDArray[np.int32]]] | None:
    """The load's vertex numbering and the endpoint numbers of `edge_collections`.

    Args:
        data: A load whose collections are all held in memory (lists or frames).
        edge_collections: The edge collections whose endpoints are wanted.

    Returns:
        (vertex collection -> (load-wide number of its first vertex, its vertex count), in
        the load's collection order; edge collection -> (m, 2) int32 endpoint numbers, -1
        where an endpoint names no vertex), or None when a collection is not held in memory
        or a vertex document has neither `_key` nor `_id` (the projection would refuse it).
    """
    vertices = [c for c in data.collections.values() if c.kind == "document"]
    edges = [data.collections[name] for name in edge_collections]
    if not all(projection._held(c.documents) for c in (*vertices, *edges)):
        return None
    index = projection._load_index(data)
    try:
        with index.lock:
            blocks = {c.name: projection._block(index, c) for c in vertices}
            projection._forget_stale_endpoints(index)
            endpoints = {c.name: projection._global_endpoints(index, c) for c in edges}
    except SourceError:
        return None
    starts = {name: (block.start, block.count) for name, block in blocks.items()}
    return starts, endpoints
