"""The names of a graph's vertices, for entities a question names ("from Wickvale to ...").

Built for each run's use-case generation; a live (streamed) collection sends only keys and
names. A graph held as columns has its names indexed while schema analysis scans its edges
(`index_names_ahead`, started as soon as the label attributes are known): both are mostly
native polars work on one core each, so the index is mostly ready when use-case generation
asks for it (the same index; at 10^7 edges use-case generation went from 4.2 s to under
0.1 s, at 10^6 the whole run is no faster measurably).
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from collections.abc import Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gaai_graph.errors import GaaiError
from gaai_graph.models import GraphSchema
from gaai_graph.nodes.name_columns import ColumnarNames
from gaai_graph.questions import EntityLookup, build_name_index
from gaai_graph.questions.entities import NAME_ATTRIBUTES
from gaai_graph.sources import GraphData, load_graph
from gaai_graph.sources.columnar import columnar_frame

if TYPE_CHECKING:
    import polars as pl

__all__ = ["index_names_ahead", "name_lookup"]


def _vertex_frames(data: GraphData) -> dict[str, pl.DataFrame] | None:
    """Each vertex collection's frame; None when there is none or one is not held as columns."""
    frames = {
        c.name: columnar_frame(c.documents)
        for c in data.collections.values()
        if c.kind == "document"
    }
    held = {name: frame for name, frame in frames.items() if frame is not None}
    return held if held and len(held) == len(frames) else None


def _columnar_names(data: GraphData, labels: Mapping[str, str | None]) -> ColumnarNames | None:
    """The names looked up in columns, or None when a vertex collection is not held as columns."""
    frames = _vertex_frames(data)
    return ColumnarNames(frames, labels) if frames is not None else None


def _name_index(data: GraphData, schema: GraphSchema) -> EntityLookup:
    """Index the vertices' names; a streamed (live) collection sends only keys and names.

    A graph whose vertex collections are all held as columns is looked up in its columns
    (`ColumnarNames`: no dict of every name, same answers).
    """
    in_columns = _columnar_names(data, schema.label_attributes)
    if in_columns is not None:
        return in_columns
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


@dataclass(frozen=True)
class _Ahead:
    load_id: str
    labels: dict[str, str | None]
    names: Future[ColumnarNames | None]


_ahead: _Ahead | None = None
"""The one index started ahead and not yet taken (a later load's replaces it)."""
_ahead_lock = threading.Lock()


def _forget(load_id: str) -> None:
    """Drop an index started ahead for a load that is gone (its run never asked for it)."""
    global _ahead
    with _ahead_lock:
        if _ahead is not None and _ahead.load_id == load_id:
            _ahead = None


def index_names_ahead(data: GraphData, labels: Mapping[str, str | None]) -> None:
    """Start indexing `data`'s vertex names on a thread of its own; `name_lookup` takes it.

    Only for a graph held as columns (the dict index of documents is per-row Python, which
    would hold the interpreter while schema analysis runs). The index is kept until
    `name_lookup` asks for this load with the same label attributes, another load's index
    replaces it, or the loaded graph is freed.

    Args:
        data: The loaded graph.
        labels: Each vertex collection's label attribute, as the schema will hold them.
    """
    global _ahead
    frames = _vertex_frames(data)
    if frames is None:
        return
    names: Future[ColumnarNames | None] = Future()
    chosen = dict(labels)

    def build() -> None:
        if not names.set_running_or_notify_cancel():
            return
        try:
            names.set_result(ColumnarNames(frames, chosen))
        except BaseException as error:  # handed to whoever takes it, who builds it again
            names.set_exception(error)

    with _ahead_lock:
        _ahead = _Ahead(data.load_id, chosen, names)
    weakref.finalize(data, _forget, data.load_id)
    threading.Thread(target=build, name="gaai-names-ahead", daemon=True).start()


def _take_ahead(
    data: GraphData, labels: Mapping[str, str | None]
) -> Future[ColumnarNames | None] | None:
    global _ahead
    with _ahead_lock:
        ahead, _ahead = _ahead, None
    if ahead is None or ahead.load_id != data.load_id or ahead.labels != dict(labels):
        return None
    return ahead.names


async def name_lookup(source: str, schema: GraphSchema) -> EntityLookup | None:
    """The names of the source's vertices, for entities a question names; None if unloadable.

    Built for each call and not kept: only use-case generation reads it, and an index kept
    for the graph's life held ~80 MB per million edges through every analysis after it, when
    the run's memory peaks (rebuilding costs ~0.4 s per million edges). An index started
    ahead for this load and these label attributes (`index_names_ahead`) is taken instead.
    """
    try:
        data = await load_graph(source)
    except GaaiError:
        return None  # schema analysis already said why the source cannot be read
    ahead = _take_ahead(data, schema.label_attributes)
    if ahead is not None:
        try:
            built = await asyncio.wrap_future(ahead)
        except Exception:  # the same work again below says what is wrong
            built = None
        if built is not None:
            return built
    return await asyncio.to_thread(_name_index, data, schema)
