"""Streaming holds one cursor batch, not the collection: peak memory does not grow with it.

A loopback server generates edges on the fly (it holds none), paging them with `hasMore`/`id`
like ArangoDB. Streaming N edges through python-arango and `ArangoConnection.stream` must peak
far below holding them all, and about the same for 4x more edges.
"""

from __future__ import annotations

import gc
import tracemalloc
from collections.abc import Callable
from typing import Any

from arango import ArangoClient
from arango_replay import Recorded, _LoopbackServer

from gaai_graph.sources.arango import EDGE_QUERY, ArangoConnection
from gaai_graph.sources.arango_url import parse_arango_source

BATCH = 1000


class GeneratedEdges(_LoopbackServer):
    """Serves `total` generated edges per cursor, `batchSize` at a time."""

    def __init__(self, total: int) -> None:
        super().__init__()
        self.total = total
        self._positions: dict[str, tuple[int, int]] = {}

    def _batch(self, cursor_id: str) -> dict[str, Any]:
        start, size = self._positions[cursor_id]
        end = min(start + size, self.total)
        edges = [
            {"_key": str(i), "_from": f"v/{i % 997}", "_to": f"v/{(i * 7 + 1) % 997}"}
            for i in range(start, end)
        ]
        self._positions[cursor_id] = (end, size)
        return {"result": edges, "hasMore": end < self.total, "id": cursor_id, "error": False}

    def answer(self, request: Recorded) -> tuple[int, Any, float]:
        if request.path.endswith("/_api/cursor"):
            cursor_id = str(len(self._positions) + 1)
            self._positions[cursor_id] = (0, int(request.body["batchSize"]))
            return 201, {**self._batch(cursor_id), "code": 201}, 0.0
        cursor_id = request.path.rsplit("/", 1)[-1]
        return 200, {**self._batch(cursor_id), "code": 200}, 0.0


def _connection(server: GeneratedEdges) -> ArangoConnection:
    target = parse_arango_source(server.source("big"), environ={})
    db = ArangoClient(hosts=target.http_url).db("big", username="root", password="")
    return ArangoConnection(target=target, db=db, batch_size=BATCH, timeout=30)


def _peak(consume: Callable[[Any], Any], total: int) -> tuple[int, Any]:
    with GeneratedEdges(total) as server:
        connection = _connection(server)
        gc.collect()
        tracemalloc.start()
        try:
            outcome = consume(
                connection.stream(EDGE_QUERY, {"@collection": "edges"}, action="streaming")
            )
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    return peak, outcome


def _count(stream: Any) -> int:
    return sum(1 for _ in stream)


def test_streaming_memory_is_bounded_by_the_batch_not_the_collection() -> None:
    small_peak, small_count = _peak(_count, 5_000)
    large_peak, large_count = _peak(_count, 20_000)
    held_peak, held = _peak(list, 20_000)
    assert (small_count, large_count, len(held)) == (5_000, 20_000, 20_000)
    # 4x the edges, about the same peak: only the current batch is alive.
    assert large_peak < 1.5 * small_peak
    # Far below materialising the same collection.
    assert large_peak < held_peak / 4
