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
import hashlib
import json
import random
import re
import ssl
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

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
            # TCP_NODELAY: a body is not held back behind the headers until the client's
            # delayed ACK (about 40 ms per request).
            disable_nagle_algorithm = True

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
        self.scheme = "http"

    def use_tls(self, certfile: str, keyfile: str) -> None:
        """Serve HTTPS with this certificate (call before entering the server).

        A client refusing the certificate fails the handshake inside `accept`, which the
        server drops like any failed connection.
        """
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(certfile, keyfile)
        self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self.scheme = "https"

    @property
    def url(self) -> str:
        """`http://127.0.0.1:<port>` (`https://` after `use_tls`)."""
        host, port = self._server.server_address[:2]
        return f"{self.scheme}://{host}:{port}"

    def source(self, database: str, user: str = "root", password: str = "") -> str:
        """An `arangodb://` source naming this server (`arangodbs://` after `use_tls`)."""
        port = self._server.server_address[1]
        credentials = f"{user}:{password}@" if password else f"{user}@"
        scheme = "arangodbs" if self.scheme == "https" else "arangodb"
        return f"{scheme}://{credentials}127.0.0.1:{port}/{database}"

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

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
SELECT_QUERY = re.compile(
    rf"FOR (?P<var>[a-z]+) IN @@(?P<collection>{_NAME})"
    rf"(?P<filters>(?: FILTER [a-z]+\.{_NAME} == @{_NAME})*) RETURN (?P=var)"
)
"""The one generic AQL shape the fake evaluates: equality filters on a collection's documents,
`FOR d IN @@collection [FILTER d.attribute == @value]... RETURN d`."""
_FILTER = re.compile(rf" FILTER (?P<var>[a-z]+)\.(?P<attribute>{_NAME}) == @(?P<parameter>{_NAME})")
_BIND_PARAMETER = re.compile(rf"@@?({_NAME})")
_VALID_KEY = re.compile(r"^[A-Za-z0-9_\-:.@()+,=;$!*'%]{1,254}$")
ERROR_FORBIDDEN = 11
ERROR_DOCUMENT_NOT_FOUND = 1202
ERROR_COLLECTION_NOT_FOUND = 1203
ERROR_DUPLICATE_NAME = 1207
ERROR_UNIQUE_CONSTRAINT = 1210
ERROR_ILLEGAL_KEY = 1221
ERROR_INVALID_EDGE = 1233
ERROR_BIND_MISSING = 1551
ERROR_BIND_UNDECLARED = 1552
ERROR_GRAPH_DUPLICATE = 1925


def aql_equal(left: Any, right: Any) -> bool:
    """AQL's `==`: values of the same type that are equal (null == null; 1 != true)."""

    def kind(value: Any) -> str:
        if value is None:
            return "null"
        if isinstance(value, bool):
            return "bool"
        if isinstance(value, (int, float)):
            return "number"
        if isinstance(value, str):
            return "string"
        return "array" if isinstance(value, list) else "object"

    if kind(left) != kind(right):
        return False
    if isinstance(left, list):
        return len(left) == len(right) and all(map(aql_equal, left, right))
    if isinstance(left, dict):
        return left.keys() == right.keys() and all(aql_equal(left[k], right[k]) for k in left)
    return bool(left == right)


@dataclass
class FakeCollection:
    """A collection created through the API: its type and documents by `_key`."""

    name: str
    type: int
    """2: document collection, 3: edge collection."""
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    indexes: list[dict[str, Any]] = field(default_factory=list)


def _flag(params: dict[str, str], name: str, default: bool) -> bool:
    value = params.get(name)
    return default if value is None else value.lower() in {"1", "true", "yes"}


class FakeArangoServer(_LoopbackServer):
    """Answers the API gaai_graph uses from an in-memory graph, cursors paged.

    Reads come from `data` (the demo) and from collections created through the API, which
    hold what was written (`created`): collections and edge collections (`POST
    /_api/collection`), indexes, named graphs (`/_api/gharial`), imports (`/_api/import` with
    `onDuplicate`), single documents (`POST`, `GET`, `PATCH /_api/document`, with
    `overwriteMode`). AQL: the three read queries of `gaai_graph.sources.arango`, and the shape
    `SELECT_QUERY` evaluated generically, with bind parameters checked as the server does.
    `read_only=True` answers every write with 403, as for a user with read access only.
    """

    def __init__(
        self, data: Any = None, database: str = "_system", *, seed: int = 7, read_only: bool = False
    ) -> None:
        super().__init__()
        if data is None:
            from gaai_graph.sources.base import GraphData

            data = GraphData(source="empty", collections={})
        self._data = data
        self._database = database
        self._cursors: dict[str, Iterator[Any]] = {}
        self._next_cursor = 1000
        self._next_key = 1
        self._next_revision = 1
        self._random = random.Random(seed)
        self.read_only = read_only
        self.created: dict[str, FakeCollection] = {}
        """Collections made through the API, by name."""
        self.created_graphs: dict[str, dict[str, Any]] = {}
        """Named graphs made through the API, in gharial's format."""

    @property
    def inserted(self) -> dict[str, list[dict[str, Any]]]:
        """The documents of each created collection, in insertion order."""
        return {name: list(c.documents.values()) for name, c in self.created.items()}

    def _ok(self, **fields: Any) -> dict[str, Any]:
        return {"error": False, "code": 200, **fields}

    def answer(self, request: Recorded) -> tuple[int, Any, float]:
        prefix = f"/_db/{self._database}/_api/"
        if not request.path.startswith(prefix):
            return 404, error_body(404, 1228, "database not found"), 0.0
        api = unquote(request.path[len(prefix) :])
        with self._lock:
            if self.read_only and request.is_write():
                return 403, error_body(403, ERROR_FORBIDDEN, "forbidden"), 0.0
            found = self._route(request, api)
        if found is not None:
            return found
        self.unexpected.append(f"{request.method} {request.path}")
        return 500, error_body(500, 4, "unexpected request"), 0.0

    def _route(self, request: Recorded, api: str) -> tuple[int, Any, float] | None:
        method = request.method
        parts = api.split("/")
        if api == "database/current":
            return (
                200,
                self._ok(
                    result={"name": self._database, "id": "1", "path": "none", "isSystem": False}
                ),
                0.0,
            )
        if api == "collection" and method == "GET":
            return 200, self._ok(result=self._list_collections()), 0.0
        if api == "collection" and method == "POST":
            return self._create_collection(request.body or {})
        if len(parts) == 3 and parts[0] == "collection" and parts[2] == "count":
            return self._count(parts[1])
        if len(parts) == 3 and parts[0] == "collection" and parts[2] == "checksum":
            return self._checksum(parts[1], request)
        if api == "index":
            return self._index(request)
        if api == "gharial" and method == "GET":
            return 200, self._ok(graphs=self._list_graphs()), 0.0
        if api == "gharial" and method == "POST":
            return self._create_graph(request.body or {})
        if api == "cursor" and method == "POST":
            return self._create_cursor(request.body or {})
        if parts[0] == "cursor" and len(parts) == 2 and method in {"POST", "PUT"}:
            return self._next_batch(parts[1])
        if parts[0] == "cursor" and len(parts) == 2 and method == "DELETE":
            self._cursors.pop(parts[1], None)
            return 202, self._ok(id=parts[1]), 0.0
        if api == "import" and method == "POST":
            return self._import(request)
        if parts[0] == "document" and len(parts) == 2 and method == "POST":
            return self._insert(parts[1], request)
        if parts[0] == "document" and len(parts) == 3 and method == "GET":
            return self._get_document(parts[1], parts[2])
        if parts[0] == "document" and len(parts) == 3 and method == "PATCH":
            return self._update(parts[1], parts[2], request)
        return None

    # -- collections, indexes, graphs ------------------------------------------------------

    def _list_collections(self) -> list[dict[str, Any]]:
        def entry(identifier: str, name: str, kind: int, system: bool) -> dict[str, Any]:
            return {
                "id": identifier,
                "name": name,
                "status": 3,
                "isSystem": system,
                "type": kind,
                "globallyUniqueId": name,
            }

        listed = [
            entry(str(i), name, 3 if c.kind == "edge" else 2, False)
            for i, (name, c) in enumerate(sorted(self._data.collections.items()), 10)
        ]
        listed.append(entry("2", "_graphs", 2, True))
        listed.extend(
            entry(str(i), name, c.type, False)
            for i, (name, c) in enumerate(sorted(self.created.items()), 500)
        )
        return listed

    def _create_collection(self, body: dict[str, Any]) -> tuple[int, Any, float]:
        name = body["name"]
        if name in self._data.collections or name in self.created:
            return 409, error_body(409, ERROR_DUPLICATE_NAME, "duplicate name"), 0.0
        kind = int(body.get("type") or 2)
        self.created[name] = FakeCollection(name, kind)
        return (
            200,
            self._ok(
                id=str(500 + len(self.created)),
                name=name,
                status=3,
                type=kind,
                isSystem=False,
                globallyUniqueId=name,
            ),
            0.0,
        )

    def _count(self, name: str) -> tuple[int, Any, float]:
        if name in self.created:
            return 200, self._ok(name=name, count=len(self.created[name].documents)), 0.0
        if name not in self._data.collections:
            return 404, error_body(404, ERROR_COLLECTION_NOT_FOUND, "collection not found"), 0.0
        return 200, self._ok(name=name, count=len(self._data.collections[name].documents)), 0.0

    def _checksum(self, name: str, request: Recorded) -> tuple[int, Any, float]:
        """A server-side checksum: over keys, and document data when `withData` is true.

        Its own hash (like ArangoDB's, not the one snapshots use), so a test cannot pass by
        comparing it with a snapshot's.
        """
        collection = self.created.get(name) or self._data.collections.get(name)
        if collection is None:
            return 404, error_body(404, ERROR_COLLECTION_NOT_FOUND, "collection not found"), 0.0
        with_data = str(request.params.get("withData", "")).lower() in {"true", "1"}
        total = 0
        for document in collection.documents:
            content = document if with_data else {"_key": document.get("_key")}
            encoded = json.dumps(content, sort_keys=True, default=str).encode()
            total ^= int(hashlib.md5(encoded, usedforsecurity=False).hexdigest()[:15], 16)
        return 200, self._ok(name=name, checksum=str(total), revision="0"), 0.0

    def _index(self, request: Recorded) -> tuple[int, Any, float]:
        name = request.params.get("collection", "")
        primary = {
            "fields": ["_key"],
            "id": f"{name}/0",
            "name": "primary",
            "type": "primary",
            "unique": True,
            "sparse": False,
        }
        created = self.created.get(name)
        if request.method == "GET":
            extra = created.indexes if created else []
            return 200, self._ok(indexes=[primary, *extra], identifiers={}), 0.0
        if created is None:
            return 404, error_body(404, ERROR_COLLECTION_NOT_FOUND, "collection not found"), 0.0
        wanted = request.body or {}
        for index in created.indexes:
            if index["type"] == wanted.get("type") and index["fields"] == wanted.get("fields"):
                return 200, self._ok(**index, isNewlyCreated=False), 0.0
        index = {
            "id": f"{name}/{len(created.indexes) + 1}",
            "name": f"idx_{len(created.indexes) + 1}",
            "type": wanted.get("type"),
            "fields": list(wanted.get("fields") or []),
            "unique": bool(wanted.get("unique", False)),
            "sparse": bool(wanted.get("sparse", False)),
        }
        created.indexes.append(index)
        return 201, {**self._ok(**index, isNewlyCreated=True), "code": 201}, 0.0

    def _list_graphs(self) -> list[dict[str, Any]]:
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
        return graphs + list(self.created_graphs.values())

    def _create_graph(self, body: dict[str, Any]) -> tuple[int, Any, float]:
        name = body["name"]
        known = {g["name"] for g in self._list_graphs()}
        if name in known:
            return 409, error_body(409, ERROR_GRAPH_DUPLICATE, "graph already exists"), 0.0
        definitions = list(body.get("edgeDefinitions") or [])
        orphans = list(body.get("orphanCollections") or [])
        # Like the server: collections named by the graph are created when missing.
        wanted = [(d["collection"], 3) for d in definitions]
        wanted += [(c, 2) for d in definitions for c in [*d["from"], *d["to"]]]
        wanted += [(c, 2) for c in orphans]
        for collection, kind in wanted:
            if collection not in self.created and collection not in self._data.collections:
                self.created[collection] = FakeCollection(collection, kind)
        graph = {
            "_key": name,
            "_id": f"_graphs/{name}",
            "_rev": "_g",
            "name": name,
            "edgeDefinitions": definitions,
            "orphanCollections": orphans,
        }
        self.created_graphs[name] = graph
        return 202, {"error": False, "code": 202, "graph": graph}, 0.0

    # -- documents --------------------------------------------------------------------------

    def _revision(self) -> str:
        self._next_revision += 1
        return f"_r{self._next_revision}"

    def _stored(
        self, collection: FakeCollection, document: dict[str, Any]
    ) -> tuple[str | None, str | None, int]:
        """(key, problem, error number) for storing `document` in `collection`."""
        key = document.get("_key")
        if key is None:
            key = str(self._next_key)
            self._next_key += 1
        if not isinstance(key, str) or not _VALID_KEY.match(key):
            return None, f"illegal document key {key!r}", ERROR_ILLEGAL_KEY
        if collection.type == 3 and not (
            isinstance(document.get("_from"), str) and isinstance(document.get("_to"), str)
        ):
            return None, "edge attribute missing or invalid", ERROR_INVALID_EDGE
        return key, None, 0

    def _put(self, collection: FakeCollection, key: str, document: dict[str, Any]) -> None:
        collection.documents[key] = {
            **document,
            "_key": key,
            "_id": f"{collection.name}/{key}",
            "_rev": self._revision(),
        }

    def _import(self, request: Recorded) -> tuple[int, Any, float]:
        name = request.params.get("collection", "")
        collection = self.created.get(name)
        if collection is None:
            return 404, error_body(404, ERROR_COLLECTION_NOT_FOUND, "collection not found"), 0.0
        on_duplicate = request.params.get("onDuplicate", "error")
        complete = _flag(request.params, "complete", False)
        staged = dict(collection.documents)
        counts = {"created": 0, "errors": 0, "empty": 0, "updated": 0, "ignored": 0}
        details: list[str] = []
        numbers: list[int] = []
        for position, document in enumerate(request.body or []):
            key, problem, number = self._stored(collection, document)
            if key is not None and key in staged and on_duplicate == "ignore":
                counts["ignored"] += 1
                continue
            if key is not None and key in staged and on_duplicate == "error":
                problem, number = "unique constraint violated", ERROR_UNIQUE_CONSTRAINT
            if key is None or problem is not None:
                counts["errors"] += 1
                numbers.append(number)
                details.append(f"at position {position}: {problem}")
                continue
            if key in staged:
                counts["updated"] += 1
                if on_duplicate == "update":
                    document = {**staged[key], **document}
            else:
                counts["created"] += 1
            staged[key] = document
        if numbers and complete:
            # Like the server: one error aborts a `complete` import, nothing is stored.
            status = 409 if numbers[0] == ERROR_UNIQUE_CONSTRAINT else 400
            return status, error_body(status, numbers[0], "; ".join(details)), 0.0
        for key, document in staged.items():
            if collection.documents.get(key) is not document:
                self._put(collection, key, document)
        body = self._ok(**counts)
        if _flag(request.params, "details", False):
            body["details"] = details
        return 201, {**body, "code": 201}, 0.0

    def _insert(self, name: str, request: Recorded) -> tuple[int, Any, float]:
        collection = self.created.get(name)
        if collection is None:
            return 404, error_body(404, ERROR_COLLECTION_NOT_FOUND, "collection not found"), 0.0
        document = dict(request.body or {})
        key, problem, number = self._stored(collection, document)
        if key is None:
            return 400, error_body(400, number, str(problem)), 0.0
        mode = request.params.get("overwriteMode") or (
            "replace" if _flag(request.params, "overwrite", False) else "conflict"
        )
        existing = collection.documents.get(key)
        if existing is not None:
            if mode == "conflict":
                return 409, error_body(409, ERROR_UNIQUE_CONSTRAINT, "unique constraint"), 0.0
            if mode == "update":
                document = {**existing, **document}
            if mode != "ignore":
                self._put(collection, key, document)
        else:
            self._put(collection, key, document)
        stored = collection.documents[key]
        meta = {"_id": stored["_id"], "_key": key, "_rev": stored["_rev"]}
        return 202, ({} if _flag(request.params, "silent", False) else meta), 0.0

    def _get_document(self, name: str, key: str) -> tuple[int, Any, float]:
        collection = self.created.get(name)
        if collection is None:
            return 404, error_body(404, ERROR_COLLECTION_NOT_FOUND, "collection not found"), 0.0
        document = collection.documents.get(key)
        if document is None:
            return 404, error_body(404, ERROR_DOCUMENT_NOT_FOUND, "document not found"), 0.0
        return 200, document, 0.0

    def _update(self, name: str, key: str, request: Recorded) -> tuple[int, Any, float]:
        collection = self.created.get(name)
        if collection is None:
            return 404, error_body(404, ERROR_COLLECTION_NOT_FOUND, "collection not found"), 0.0
        existing = collection.documents.get(key)
        if existing is None:
            return 404, error_body(404, ERROR_DOCUMENT_NOT_FOUND, "document not found"), 0.0
        patch = {k: v for k, v in (request.body or {}).items() if k not in {"_key", "_id", "_rev"}}
        merged = {**existing, **patch}
        if not _flag(request.params, "keepNull", True):
            merged = {k: v for k, v in merged.items() if v is not None}
        old_revision = existing["_rev"]
        self._put(collection, key, merged)
        stored = collection.documents[key]
        meta = {"_id": stored["_id"], "_key": key, "_rev": stored["_rev"], "_oldRev": old_revision}
        return 202, ({} if _flag(request.params, "silent", False) else meta), 0.0

    # -- AQL --------------------------------------------------------------------------------

    def _documents(self, name: Any) -> list[dict[str, Any]] | None:
        if name in self.created:
            return list(self.created[name].documents.values())
        collection = self._data.collections.get(name)
        return None if collection is None else list(collection.documents)

    def _create_cursor(self, body: dict[str, Any]) -> tuple[int, Any, float]:
        from gaai_graph.sources.arango import EDGE_QUERY, KEEP_QUERY, SAMPLE_QUERY

        query = str(body.get("query"))
        bind_vars = dict(body.get("bindVars") or {})
        used = set(_BIND_PARAMETER.findall(query))
        declared = {name.lstrip("@") for name in bind_vars}
        if used - declared:
            missing = sorted(used - declared)[0]
            message = f"no value specified for declared bind parameter '{missing}'"
            return 400, error_body(400, ERROR_BIND_MISSING, message), 0.0
        if declared - used:
            extra = sorted(declared - used)[0]
            message = f"bind parameter '{extra}' was not declared in the query"
            return 400, error_body(400, ERROR_BIND_UNDECLARED, message), 0.0
        name = bind_vars.get("@collection")
        documents = self._documents(name)
        if documents is None:
            return 404, error_body(404, 1203, f"collection or view not found: {name}"), 0.0
        select = SELECT_QUERY.fullmatch(query)
        if select is not None:
            filters = [m.groupdict() for m in _FILTER.finditer(select["filters"])]
            if any(f["var"] != select["var"] for f in filters):
                return 400, error_body(400, 1203, "variable not found (unknown to the fake)"), 0.0
            results: list[Any] = [
                d
                for d in documents
                if all(aql_equal(d.get(f["attribute"]), bind_vars[f["parameter"]]) for f in filters)
            ]
        elif query == EDGE_QUERY:
            results = [
                {"_key": d.get("_key"), "_from": d["_from"], "_to": d["_to"]} for d in documents
            ]
        elif query == KEEP_QUERY:
            kept = bind_vars["attributes"]
            if not isinstance(kept, list) or not all(isinstance(a, str) for a in kept):
                return 400, error_body(400, 1540, "KEEP expects attribute names"), 0.0
            results = [{a: d[a] for a in kept if a in d} for d in documents]
        elif query == SAMPLE_QUERY:
            size = int(bind_vars["size"])
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


class ScratchDatabaseServer(FakeArangoServer):
    """`FakeArangoServer` that also creates and drops databases through `_system`.

    What the live suite (`tests/live/`) does to a real server: `POST /_db/_system/_api/database`
    makes an empty database, which the server then serves like `FakeArangoServer` serves its
    one (collections and graphs created through the API); `DELETE .../database/<name>` drops
    it. A request to a database that does not exist is answered 404 (1228), as the server
    does. One database at a time: the suite needs no more.
    """

    def __init__(self) -> None:
        """An empty server holding only `_system`."""
        super().__init__(None, "_system")
        self.created_databases: list[str] = []
        self.dropped_databases: list[str] = []

    def answer(self, request: Recorded) -> tuple[int, Any, float]:
        system = "/_db/_system/_api/database"
        if request.path == system and request.method == "POST":
            return self._create_database(request.body or {})
        if request.path.startswith(system + "/") and request.method == "DELETE":
            return self._drop_database(unquote(request.path[len(system) + 1 :]))
        return super().answer(request)

    def _create_database(self, body: dict[str, Any]) -> tuple[int, Any, float]:
        from gaai_graph.sources.base import GraphData

        name = str(body.get("name", ""))
        with self._lock:
            if name in self.created_databases and name not in self.dropped_databases:
                return 409, error_body(409, 1207, "duplicate database name"), 0.0
            self.created_databases.append(name)
            # A new database starts empty: nothing of an earlier one is visible in it.
            self._database = name
            self._data = GraphData(source="empty", collections={})
            self.created = {}
            self.created_graphs = {}
            self._cursors = {}
        return 201, {"error": False, "code": 201, "result": True}, 0.0

    def _drop_database(self, name: str) -> tuple[int, Any, float]:
        with self._lock:
            if name != self._database or name in self.dropped_databases:
                return 404, error_body(404, 1228, "database not found"), 0.0
            self.dropped_databases.append(name)
            self._database = "_system"
            self.created = {}
            self.created_graphs = {}
        return 200, {"error": False, "code": 200, "result": True}, 0.0
