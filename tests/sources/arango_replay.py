"""Loopback HTTP servers speaking ArangoDB's HTTP API, for tests through real python-arango.

`ReplayServer` serves recorded request -> response exchanges (fixture files in
`tests/fixtures/arango/`) strictly in order and records anything unexpected, so a test fails
when the client sends a request the recording does not have. `FakeArangoServer` answers from
an in-memory `GraphData` (the demo) with the same response formats, paging cursors by
`batchSize`, for end-to-end runs where request order depends on concurrency.

Response bodies follow ArangoDB's documented formats: `{"error": false, "code": ..., "result":
...}` envelopes, cursors with `result`, `hasMore`, `id`, and errors with `errorNum` and
`errorMessage`.
"""

from __future__ import annotations

import fnmatch
import json
import random
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "arango"

WRITE_METHODS = frozenset({"PUT", "PATCH", "DELETE"})
AQL_WRITE_WORDS = ("INSERT", "UPDATE", "REPLACE", "REMOVE", "UPSERT")


@dataclass
class Recorded:
    """One request the server received."""

    method: str
    path: str
    params: dict[str, str]
    body: Any

    def is_write(self) -> bool:
        """Whether this request could change data (cursor deletes only free server memory)."""
        if self.method in WRITE_METHODS and "/_api/cursor/" not in self.path:
            return True
        if self.method == "POST" and self.path.endswith("/_api/cursor"):
            query = str((self.body or {}).get("query", "")).upper()
            return any(word in query.split() for word in AQL_WRITE_WORDS)
        if self.method == "POST" and "/_api/cursor/" in self.path:
            return False
        return self.method == "POST"


def _subset(expected: Any, actual: Any) -> bool:
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(
            key in actual and _subset(value, actual[key]) for key, value in expected.items()
        )
    return bool(expected == actual)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class _LoopbackServer:
    """Base: a threaded HTTP server on 127.0.0.1 that records requests."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.unexpected: list[str] = []
        self._lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return

            def _handle(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw) if raw else None
                except ValueError:
                    body = raw.decode("utf-8", "replace")
                recorded = Recorded(self.command, parts.path, dict(parse_qsl(parts.query)), body)
                with owner._lock:
                    owner.requests.append(recorded)
                status, payload, delay = owner.answer(recorded)
                if delay:
                    time.sleep(delay)
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _handle  # noqa: N815

        self._server = _Server(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """`http://127.0.0.1:<port>`."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def source(self, database: str, user: str = "root", password: str = "") -> str:
        """An `arangodb://` source naming this server."""
        port = self._server.server_address[1]
        credentials = f"{user}:{password}@" if password else f"{user}@"
        return f"arangodb://{credentials}127.0.0.1:{port}/{database}"

    def answer(self, request: Recorded) -> tuple[int, Any, float]:
        """Return (status, JSON body, delay in seconds) for `request`."""
        raise NotImplementedError

    def writes(self) -> list[Recorded]:
        """Requests that could have changed data."""
        return [r for r in self.requests if r.is_write()]

    def __enter__(self) -> _LoopbackServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def error_body(code: int, number: int, message: str) -> dict[str, Any]:
    """ArangoDB's error envelope."""
    return {"error": True, "code": code, "errorNum": number, "errorMessage": message}


# --------------------------------------------------------------------------- replay


@dataclass
class Exchange:
    """One recorded request -> response pair."""

    method: str
    path: str
    """The request path; `*` matches names made at run time (e.g. a timestamped collection)."""
    status: int
    response: Any
    params: dict[str, str] = field(default_factory=dict)
    body: Any = None
    """A subset the request body must contain (None: any body)."""
    delay: float = 0.0


def load_exchanges(name: str) -> list[Exchange]:
    """Read `tests/fixtures/arango/<name>.json` (`{"exchanges": [...]}`)."""
    recording = json.loads((FIXTURES / f"{name}.json").read_text())
    exchanges = []
    for entry in recording["exchanges"]:
        request, response = entry["request"], entry["response"]
        exchanges.append(
            Exchange(
                method=request["method"],
                path=request["path"],
                params=request.get("params", {}),
                body=request.get("body"),
                status=response["status"],
                response=response["body"],
                delay=response.get("delay", 0.0),
            )
        )
    return exchanges


class ReplayServer(_LoopbackServer):
    """Serves recorded exchanges in order; anything else is answered 500 and recorded."""

    def __init__(self, exchanges: list[Exchange]) -> None:
        super().__init__()
        self._pending = list(exchanges)

    @classmethod
    def from_fixture(cls, *names: str) -> ReplayServer:
        """A server replaying the named fixture files one after the other."""
        return cls([exchange for name in names for exchange in load_exchanges(name)])

    @property
    def remaining(self) -> list[Exchange]:
        """Recorded exchanges not requested yet."""
        return list(self._pending)

    def answer(self, request: Recorded) -> tuple[int, Any, float]:
        with self._lock:
            expected = self._pending[0] if self._pending else None
            if (
                expected is not None
                and expected.method == request.method
                and fnmatch.fnmatchcase(request.path, expected.path)
                and _subset(expected.params, request.params)
                and (expected.body is None or _subset(expected.body, request.body))
            ):
                self._pending.pop(0)
                return expected.status, expected.response, expected.delay
            wanted = f"{expected.method} {expected.path}" if expected else "nothing"
            self.unexpected.append(
                f"{request.method} {request.path} {request.params} {request.body!r} "
                f"(expected {wanted})"
            )
        return 500, error_body(500, 4, "unexpected request (not in the recording)"), 0.0


# --------------------------------------------------------------------------- fake


class FakeArangoServer(_LoopbackServer):
    """Answers the read API gaai_graph uses from an in-memory graph, cursors paged."""

    def __init__(self, data: Any, database: str, *, seed: int = 7) -> None:
        super().__init__()
        self._data = data
        self._database = database
        self._cursors: dict[str, Iterator[Any]] = {}
        self._next_cursor = 1000
        self._random = random.Random(seed)
        self.inserted: dict[str, list[dict[str, Any]]] = {}

    def _ok(self, **fields: Any) -> dict[str, Any]:
        return {"error": False, "code": 200, **fields}

    def answer(self, request: Recorded) -> tuple[int, Any, float]:
        prefix = f"/_db/{self._database}/_api/"
        if not request.path.startswith(prefix):
            return 404, error_body(404, 1228, "database not found"), 0.0
        api = request.path[len(prefix) :]
        collections = self._data.collections
        with self._lock:
            if api == "database/current":
                return (
                    200,
                    self._ok(
                        result={
                            "name": self._database,
                            "id": "1",
                            "path": "none",
                            "isSystem": False,
                        }
                    ),
                    0.0,
                )
            if api == "collection" and request.method == "GET":
                listed = [
                    {
                        "id": str(i),
                        "name": name,
                        "status": 3,
                        "isSystem": False,
                        "type": 3 if c.kind == "edge" else 2,
                        "globallyUniqueId": f"h{i}",
                    }
                    for i, (name, c) in enumerate(sorted(collections.items()), 10)
                ]
                listed.append(
                    {
                        "id": "2",
                        "name": "_graphs",
                        "status": 3,
                        "isSystem": True,
                        "type": 2,
                        "globallyUniqueId": "_graphs",
                    }
                )
                listed.extend(
                    {
                        "id": str(i),
                        "name": name,
                        "status": 3,
                        "isSystem": False,
                        "type": 2,
                        "globallyUniqueId": name,
                    }
                    for i, name in enumerate(sorted(self.inserted), 500)
                )
                return 200, self._ok(result=listed), 0.0
            if api.startswith("collection/") and api.endswith("/count"):
                name = api.split("/")[1]
                if name not in collections:
                    return 404, error_body(404, 1203, "collection or view not found"), 0.0
                return 200, self._ok(name=name, count=len(collections[name].documents)), 0.0
            if api == "index":
                name = request.params.get("collection", "")
                return (
                    200,
                    self._ok(
                        indexes=[
                            {
                                "fields": ["_key"],
                                "id": f"{name}/0",
                                "name": "primary",
                                "type": "primary",
                                "unique": True,
                                "sparse": False,
                            }
                        ],
                        identifiers={},
                    ),
                    0.0,
                )
            if api == "gharial":
                graphs = [
                    {
                        "_key": g.name,
                        "_id": f"_graphs/{g.name}",
                        "_rev": "_a",
                        "name": g.name,
                        "edgeDefinitions": [
                            {
                                "collection": d.edge_collection,
                                "from": d.from_vertex_collections,
                                "to": d.to_vertex_collections,
                            }
                            for d in g.edge_definitions
                        ],
                        "orphanCollections": g.orphan_collections,
                    }
                    for g in self._data.graphs
                ]
                return 200, self._ok(graphs=graphs), 0.0
            if api == "cursor" and request.method == "POST":
                return self._create_cursor(request.body or {})
            if api.startswith("cursor/") and request.method == "POST":
                return self._next_batch(api.split("/")[1])
            if api.startswith("cursor/") and request.method == "DELETE":
                self._cursors.pop(api.split("/")[1], None)
                return 202, self._ok(id=api.split("/")[1]), 0.0
            if api == "collection" and request.method == "POST":
                name = request.body["name"]
                if name in collections or name in self.inserted:
                    return 409, error_body(409, 1207, "duplicate name"), 0.0
                self.inserted[name] = []
                return (
                    200,
                    self._ok(
                        id="900", name=name, status=3, type=2, isSystem=False, globallyUniqueId=name
                    ),
                    0.0,
                )
            if api == "import" and request.method == "POST":
                name = request.params["collection"]
                self.inserted.setdefault(name, []).extend(request.body)
                return (
                    201,
                    self._ok(
                        created=len(request.body),
                        errors=0,
                        empty=0,
                        updated=0,
                        ignored=0,
                        details=[],
                    ),
                    0.0,
                )
        self.unexpected.append(f"{request.method} {request.path}")
        return 500, error_body(500, 4, "unexpected request"), 0.0

    def _create_cursor(self, body: dict[str, Any]) -> tuple[int, Any, float]:
        from gaai_graph.sources.arango import EDGE_QUERY, SAMPLE_QUERY, VERTEX_QUERY

        name = body.get("bindVars", {}).get("@collection")
        collection = self._data.collections.get(name)
        if collection is None:
            return 404, error_body(404, 1203, f"collection or view not found: {name}"), 0.0
        documents = list(collection.documents)
        query = body.get("query")
        if query == VERTEX_QUERY:
            results: list[Any] = documents
        elif query == EDGE_QUERY:
            results = [
                {"_key": d.get("_key"), "_from": d["_from"], "_to": d["_to"]} for d in documents
            ]
        elif query == SAMPLE_QUERY:
            size = int(body["bindVars"]["size"])
            results = self._random.sample(documents, min(size, len(documents)))
        else:
            self.unexpected.append(f"query {query!r}")
            return 400, error_body(400, 1501, "syntax error (unknown to the fake)"), 0.0
        batch_size = int(body.get("batchSize") or 1000)
        cursor_id = str(self._next_cursor)
        self._next_cursor += 1
        batches = iter(
            [results[i : i + batch_size] for i in range(0, len(results), batch_size)] or [[]]
        )
        self._cursors[cursor_id] = batches
        _status, payload, delay = self._next_batch(cursor_id)
        if not payload["hasMore"]:
            # Like the server: a result that fits in one batch gets no cursor id.
            payload.pop("id", None)
        return 201, {**payload, "code": 201}, delay

    def _next_batch(self, cursor_id: str) -> tuple[int, Any, float]:
        batches = self._cursors.get(cursor_id)
        if batches is None:
            return 404, error_body(404, 1600, "cursor not found"), 0.0
        batch = next(batches, [])
        # Peek: hasMore is true while another batch is waiting.
        following = next(batches, None)
        if following is not None:
            self._cursors[cursor_id] = iter([following, *batches])
            return 200, self._ok(result=batch, hasMore=True, id=cursor_id, cached=False), 0.0
        self._cursors.pop(cursor_id, None)
        return 200, self._ok(result=batch, hasMore=False, id=cursor_id, cached=False), 0.0
