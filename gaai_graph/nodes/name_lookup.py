"""The names of a graph's vertices, for entities a question names ("from Wickvale to ...").

Built for each run's use-case generation; a live (streamed) collection sends only keys and
names.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence

from gaai_graph.errors import GaaiError
from gaai_graph.models import GraphSchema
from gaai_graph.nodes.name_columns import ColumnarNames
from gaai_graph.questions import EntityLookup, build_name_index
from gaai_graph.questions.entities import NAME_ATTRIBUTES
from gaai_graph.sources import GraphData, load_graph
from gaai_graph.sources.columnar import columnar_frame

__all__ = ["name_lookup"]


def _name_index(data: GraphData, schema: GraphSchema) -> EntityLookup:
    """Index the vertices' names; a streamed (live) collection sends only keys and names.

    A graph whose vertex collections are all held as columns is looked up in its columns
    (`ColumnarNames`: no dict of every name, same answers).
    """
    vertices = [c for c in data.collections.values() if c.kind == "document"]
    frames = {c.name: columnar_frame(c.documents) for c in vertices}
    if vertices and all(frame is not None for frame in frames.values()):
        return ColumnarNames({n: f for n, f in frames.items() if f is not None}, schema)
    collections: dict[str, Sequence[Mapping[str, object]]] = {}
    for collection in data.collections.values():
        if collection.kind != "document":
            continue
        documents = collection.documents
        stream = getattr(documents, "stream_attributes", None)
        if not isinstance(documents, list) and stream is not None:
            profile = schema.collection(collection.name)
            label = profile.label_attribute if profile is not None else None
            wanted = list(dict.fromkeys([*([label] if label else []), *NAME_ATTRIBUTES]))
            documents = list(stream(wanted))
        collections[collection.name] = documents
    return build_name_index(collections, schema)


async def name_lookup(source: str, schema: GraphSchema) -> EntityLookup | None:
    """The names of the source's vertices, for entities a question names; None if unloadable.

    Built for each call and not kept: only use-case generation reads it, and an index kept
    for the graph's life held ~80 MB per million edges through every analysis after it, when
    the run's memory peaks (rebuilding costs ~0.4 s per million edges).
    """
    try:
        data = await load_graph(source)
    except GaaiError:
        return None  # schema analysis already said why the source cannot be read
    return await asyncio.to_thread(_name_index, data, schema)
