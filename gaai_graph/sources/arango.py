"""Live ArangoDB through python-arango: introspection and streamed documents.

`load_arango` connects, introspects the database (non-system collections with their kinds,
counts and indexes; named graphs with their edge definitions) and returns a `GraphData` whose
collections are *streamed*: nothing but the counts is held in memory. Iterating a collection
runs an AQL cursor (`stream: true`, bounded `batchSize`), so schema analysis and projection
building (the same code that reads offline snapshots) see one batch of raw JSON at a time:

* vertex collections stream whole documents (projection building keeps only the key and the
  label attribute of each);
* edge collections stream only `_key`, `_from` and `_to`;
* indexing a collection (what schema analysis uses to sample attributes) is served from one
  random sample per collection (`SORT RAND() LIMIT @size`).

Every query names its collection as a bind parameter (`@@collection`) after checking it against
the introspected list, and no query writes: write-back lives in `arango_writeback` and runs only
when asked. Server errors, refused connections and timeouts become one `SourceError` line that
never holds the password.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, cast, overload

import requests
import urllib3
from arango import ArangoClient
from arango.cursor import Cursor
from arango.database import StandardDatabase
from arango.exceptions import ArangoServerError
from arango.http import DefaultHTTPClient
from arango.response import Response

from gaai_graph.errors import SourceError
from gaai_graph.models import EdgeDefinition, NamedGraph
from gaai_graph.sources.arango_url import ArangoTarget, parse_arango_source
from gaai_graph.sources.base import CollectionData, CollectionKind, GraphData

__all__ = [
    "ArangoConnection",
    "ArangoGraphData",
    "IntrospectedDatabase",
    "StreamedCollection",
    "load_arango",
]

logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 10_000
"""Documents per cursor batch: the most raw JSON held at once per streamed collection."""
DEFAULT_SAMPLE_SIZE = 1000
"""Documents per collection in the random sample behind attribute profiles."""
DEFAULT_REQUEST_TIMEOUT = 60.0
"""Seconds before one HTTP request to ArangoDB is abandoned."""
CURSOR_TTL_SECONDS = 600
"""How long the server keeps an idle cursor between batches."""

# ArangoDB error numbers (https://docs.arangodb.com/stable/develop/error-codes/).
ERROR_DATABASE_NOT_FOUND = 1228
ERROR_COLLECTION_NOT_FOUND = 1203
ERROR_GRAPH_NOT_FOUND = 1924
ERROR_QUERY_KILLED = 1500
ERROR_RESOURCE_LIMIT = 32

VERTEX_QUERY = "FOR d IN @@collection RETURN d"
EDGE_QUERY = "FOR e IN @@collection RETURN {_key: e._key, _from: e._from, _to: e._to}"
SAMPLE_QUERY = "FOR d IN @@collection SORT RAND() LIMIT @size RETURN d"
KEEP_QUERY = "FOR d IN @@collection RETURN KEEP(d, @attributes)"
"""Only the named attributes of each document (a list bound as `@attributes`, never spliced)."""

RESULTS_COLLECTION_PREFIX = "gaai_results_"
"""Write-back: one collection per run (`gaai_graph.sources.arango_writeback`)."""
GAE_COLLECTION_PREFIX = "gaai_gae_"
"""The Graph Analytics Engine's temporary result collections (`gaai_graph.engines.gae`)."""
CATALOG_COLLECTION_PREFIX = "gaai_catalog_"
"""The analytics catalog's collections (`gaai_graph.catalog.arango`)."""
OWN_COLLECTION_PREFIXES = (
    RESULTS_COLLECTION_PREFIX,
    GAE_COLLECTION_PREFIX,
    CATALOG_COLLECTION_PREFIX,
)
"""Collections gaai_graph itself writes (write-back results, GAE results, the analytics
catalog): never part of the analysed graph, so writing them changes neither a later run's
schema nor its fingerprint. Every module naming such a collection takes its prefix from here."""
OWN_GRAPH_NAMES = frozenset({"gaai_catalog"})
"""Named graphs gaai_graph itself creates (the analytics catalog's)."""


# --------------------------------------------------------------------------- errors


class RequestTimeoutError(Exception):
    """A request to ArangoDB got no answer in time.

    python-arango turns every `requests.ConnectionError` (which is how requests reports a read
    timeout once urllib3's retries are spent) into a bare `ConnectionAbortedError`, so a slow
    server would read as a refused connection. `TimeoutAwareHTTPClient` raises this instead,
    which python-arango lets through untouched.
    """


def _is_timeout(error: BaseException) -> bool:
    if isinstance(error, requests.exceptions.Timeout):
        return True
    reason = getattr(error.args[0], "reason", None) if error.args else None
    # urllib3 derives "connection refused" (NewConnectionError) from its connect-timeout class.
    return isinstance(reason, urllib3.exceptions.TimeoutError) and not isinstance(
        reason, urllib3.exceptions.NewConnectionError
    )


class TLSError(Exception):
    """The TLS handshake with ArangoDB failed (most often: the certificate is not trusted).

    python-arango turns `requests.exceptions.SSLError` (a `requests.ConnectionError`) into a
    bare `ConnectionAbortedError` like any refused connection, so `TimeoutAwareHTTPClient`
    raises this instead, which python-arango lets through untouched.
    """

    def __init__(self, certificate: bool, detail: str) -> None:
        """Record whether the certificate failed verification, and the TLS library's reason."""
        super().__init__(detail)
        self.certificate = certificate
        self.detail = detail


def tls_error(error: requests.exceptions.SSLError) -> TLSError:
    """Classify a requests `SSLError`: certificate verification or another handshake problem."""
    text = str(error)
    certificate = "CERTIFICATE_VERIFY_FAILED" in text or "certificate verify failed" in text
    reason = _ssl_reason(error)
    return TLSError(certificate, reason)


def _ssl_reason(error: BaseException) -> str:
    """The innermost `ssl` error's short reason (e.g. "self-signed certificate"), no URL."""
    import ssl

    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ssl.SSLCertVerificationError) and current.verify_message:
            return str(current.verify_message)
        if isinstance(current, ssl.SSLError) and current.reason:
            return str(current.reason).lower().replace("_", " ")
        nested = getattr(current, "reason", None)
        if isinstance(nested, BaseException):
            current = nested
            continue
        args = [a for a in getattr(current, "args", ()) if isinstance(a, BaseException)]
        current = args[0] if args else current.__cause__ or current.__context__
    return "TLS handshake failed"


TLS_HELP = (
    "set ARANGO_VERIFY=/path/to/ca.pem to trust the server's CA bundle, or "
    "ARANGO_VERIFY=false to skip verification (only on a trusted network)"
)
"""How to point at a CA bundle or turn verification off (`arango_url._verify_setting`)."""


def tls_problem(error: TLSError) -> str:
    """One clause describing a TLS failure and the settings that address it."""
    if error.certificate:
        return f"TLS certificate verification failed ({error.detail}): {TLS_HELP}"
    return (
        f"the TLS handshake failed ({error.detail}); check that the server speaks HTTPS "
        "(arangodbs://) or plain HTTP (arangodb://)"
    )


class VerifyingSession(requests.Session):
    """A requests session whose own `verify` (a CA bundle, or False) is the one used.

    requests lets `REQUESTS_CA_BUNDLE` / `CURL_CA_BUNDLE` from the environment override a
    session's `verify` (psf/requests#3829), so `ARANGO_VERIFY` would be silently ignored on
    machines that set them (many images do). Only the default, `verify=True`, consults them.
    """

    def merge_environment_settings(
        self, url: Any, proxies: Any, stream: Any, verify: Any, cert: Any
    ) -> dict[str, Any]:
        """As `requests.Session`'s, but a session `verify` other than True wins."""
        if verify is None and self.verify is not True:
            verify = self.verify
        merged: dict[str, Any] = super().merge_environment_settings(
            url, proxies, stream, verify, cert
        )
        return merged


class TimeoutAwareHTTPClient(DefaultHTTPClient):
    """python-arango's default HTTP client, reporting timeouts and TLS failures as themselves.

    Timeouts become `RequestTimeoutError`, TLS failures `TLSError`; python-arango would make
    both a bare `ConnectionAbortedError`, indistinguishable from a refused connection. Its
    sessions are `VerifyingSession`s, so `ARANGO_VERIFY` holds whatever the environment says.
    """

    def create_session(self, host: str) -> requests.Session:
        """python-arango's session (pool, timeouts) as a `VerifyingSession`.

        python-arango's urllib3 `Retry(total=n)` also retries a connect or read that timed
        out: with n = 2 an unanswering host took 3 x the timeout plus backoff (183 s for a
        "60 s" timeout). Only answers that say "try again" (429, 5xx) are retried here, so a
        request gives up after the timeout its error message quotes.
        """
        made = super().create_session(host)
        session = VerifyingSession()
        for prefix, adapter in made.adapters.items():
            if isinstance(adapter, requests.adapters.HTTPAdapter):
                retry = adapter.max_retries
                adapter.max_retries = retry.new(connect=0, read=0, other=0)
            session.mount(prefix, adapter)
        return session

    def send_request(self, *args: Any, **kwargs: Any) -> Response:
        """Send one request (see `DefaultHTTPClient.send_request`)."""
        try:
            return super().send_request(*args, **kwargs)
        except requests.exceptions.SSLError as error:
            raise tls_error(error) from None
        except requests.exceptions.RequestException as error:
            if _is_timeout(error):
                raise RequestTimeoutError() from None
            raise


def _server_problem(error: ArangoServerError) -> str:
    code = error.http_code
    number = error.error_code
    detail = error.error_message or ""
    if code == 401:
        return "the server refused the user name or password (HTTP 401)"
    if code == 403:
        return "the user may not read this database (HTTP 403)"
    if number == ERROR_DATABASE_NOT_FOUND:
        return "the database does not exist (HTTP 404)"
    if number == ERROR_COLLECTION_NOT_FOUND:
        return f"a collection does not exist (HTTP 404: {detail})"
    if number == ERROR_GRAPH_NOT_FOUND:
        return f"the named graph does not exist (HTTP 404: {detail})"
    if code == 404:
        return f"not found (HTTP 404{': ' + detail if detail else ''})"
    return f"the server answered HTTP {code}{': ' + detail if detail else ''}"


@contextmanager
def translated_errors(target: ArangoTarget, action: str, timeout: float) -> Iterator[None]:
    """Turn python-arango and requests failures inside the block into one `SourceError`.

    Args:
        target: The database being talked to (named in the message without its password).
        action: What was being done, e.g. "listing collections".
        timeout: The request timeout, quoted when a request times out.

    Raises:
        SourceError: the block failed talking to ArangoDB.
    """
    where = f"ArangoDB at {target.display}"
    try:
        yield
    except ArangoServerError as error:
        raise SourceError(f"{where}: {action} failed: {_server_problem(error)}") from None
    except (RequestTimeoutError, requests.exceptions.Timeout):
        raise SourceError(
            f"{where}: {action} timed out after {timeout:g} s (raise it with "
            "ARANGO_TIMEOUT or check the server's load)"
        ) from None
    except TLSError as error:
        raise SourceError(f"{where}: cannot connect while {action}: {tls_problem(error)}") from None
    except requests.exceptions.SSLError as error:
        # Raised outside python-arango (which would have wrapped it): same message.
        problem = tls_problem(tls_error(error))
        raise SourceError(f"{where}: cannot connect while {action}: {problem}") from None
    except (requests.exceptions.ConnectionError, ConnectionError):
        raise SourceError(
            f"{where}: cannot connect while {action}: connection refused or host unreachable"
        ) from None


# --------------------------------------------------------------------------- connection


@dataclass
class ArangoConnection:
    """One database handle plus the settings every query uses."""

    target: ArangoTarget
    db: StandardDatabase
    batch_size: int = DEFAULT_BATCH_SIZE
    timeout: float = DEFAULT_REQUEST_TIMEOUT
    client: ArangoClient | None = field(default=None, repr=False)
    """The client `open` made (its HTTP session is released by `close`)."""

    @classmethod
    def open(
        cls,
        target: ArangoTarget,
        *,
        timeout: float = DEFAULT_REQUEST_TIMEOUT,
        batch_size: int = DEFAULT_BATCH_SIZE,
        retry_attempts: int = 2,
    ) -> ArangoConnection:
        """Connect and check the credentials and database with one request.

        Args:
            target: Where to connect.
            timeout: Seconds per HTTP request.
            batch_size: Documents per cursor batch.
            retry_attempts: urllib3 retries of idempotent requests (GET) on 5xx answers.

        Returns:
            A connection whose database answered.

        Raises:
            SourceError: the server cannot be reached, refuses the login or lacks the database.
        """
        http_client = TimeoutAwareHTTPClient(
            request_timeout=timeout, retry_attempts=retry_attempts, backoff_factor=0.5
        )
        client = ArangoClient(
            hosts=target.http_url,
            http_client=http_client,
            verify_override=target.verify,
            # One host: a refused connection is final, not a reason to try it again.
            resolver_max_tries=1,
        )
        db = client.db(target.database, username=target.username, password=target.password)
        connection = cls(
            target=target, db=db, batch_size=batch_size, timeout=timeout, client=client
        )
        try:
            with connection.errors("connecting"):
                # GET /_api/database/current: 401 for a bad login, 404 for a missing database.
                db.properties()
        except SourceError:
            connection.close()
            raise
        return connection

    def close(self) -> None:
        """Release the HTTP session of a connection made by `open` (a no-op otherwise)."""
        if self.client is not None:
            self.client.close()

    def errors(self, action: str) -> Any:
        """Context manager translating failures of `action` into `SourceError`."""
        return translated_errors(self.target, action, self.timeout)

    def stream(self, query: str, bind_vars: Mapping[str, Any], *, action: str) -> Iterator[Any]:
        """Run a read-only AQL query and yield its results one batch at a time.

        Args:
            query: AQL text holding no names: collections and attributes come as bind
                parameters.
            bind_vars: The bind parameters.
            action: What the query is for, for error messages.

        Yields:
            Each result; at most one batch (`batch_size` results) is held in memory.

        Raises:
            SourceError: the query or fetching a batch failed.
        """
        with self.errors(action):
            cursor = self.db.aql.execute(
                query,
                bind_vars=dict(bind_vars),
                batch_size=self.batch_size,
                stream=True,
                ttl=cast(Any, CURSOR_TTL_SECONDS),
            )
        cursor = cast(Cursor, cursor)
        exhausted = False
        try:
            while True:
                batch = cursor.batch()
                # Pop rather than copy: a batch is freed as it is consumed.
                while batch:
                    yield batch.popleft()
                if not cursor.has_more():
                    exhausted = True
                    return
                with self.errors(action):
                    cursor.fetch()
        finally:
            if not exhausted:
                # Abandoned early: free the server-side cursor instead of waiting for its TTL.
                try:
                    cursor.close(ignore_missing=True)
                except Exception:
                    logger.debug("closing an abandoned ArangoDB cursor failed", exc_info=True)


# --------------------------------------------------------------------------- catalog


@dataclass
class CollectionInfo:
    """What introspection learnt about one collection."""

    name: str
    kind: CollectionKind
    count: int
    indexes: list[dict[str, Any]] = field(default_factory=list)
    """Index descriptions as python-arango returns them (type, fields, unique, sparse...)."""


@dataclass
class IntrospectedDatabase:
    """The introspected database: the only names that may ever reach a query."""

    collections: dict[str, CollectionInfo]
    graphs: list[NamedGraph]
    skipped_system: list[str] = field(default_factory=list)
    skipped_own: list[str] = field(default_factory=list)
    """Collections gaai_graph wrote (results, catalog), left out of the analysed graph."""

    def checked_collection(self, name: str, kind: CollectionKind | None = None) -> str:
        """Return `name` if it is an introspected (non-system) collection of `kind`.

        Args:
            name: A collection name from a user, a model or a template.
            kind: "document" or "edge", or None for either.

        Returns:
            The name, unchanged.

        Raises:
            SourceError: the name is not an introspected collection (or of another kind).
        """
        info = self.collections.get(name) if isinstance(name, str) else None
        if info is None:
            known = ", ".join(sorted(self.collections)) or "none"
            raise SourceError(
                f"unknown collection {name!r}: not in the database's introspected schema "
                f"(collections: {known})"
            )
        if kind is not None and info.kind != kind:
            raise SourceError(f"collection {name!r} is a {info.kind} collection, not {kind}")
        return name

    def checked_graph(self, name: str) -> NamedGraph:
        """Return the introspected named graph `name`.

        Raises:
            SourceError: no such named graph.
        """
        for graph in self.graphs:
            if graph.name == name:
                return graph
        known = ", ".join(sorted(g.name for g in self.graphs)) or "none"
        raise SourceError(f"unknown named graph {name!r} (named graphs: {known})")


def introspect(connection: ArangoConnection) -> IntrospectedDatabase:
    """List collections (kinds, counts, indexes) and named graphs, skipping system collections.

    Args:
        connection: An open connection.

    Returns:
        The catalog.

    Raises:
        SourceError: a request failed.
    """
    db = connection.db
    collections: dict[str, CollectionInfo] = {}
    skipped: list[str] = []
    own: list[str] = []
    with connection.errors("listing collections"):
        listed = cast(list[dict[str, Any]], db.collections())
    for entry in sorted(listed, key=lambda e: e["name"]):
        name = entry["name"]
        if entry.get("system") or name.startswith("_"):
            skipped.append(name)
            continue
        if name.startswith(OWN_COLLECTION_PREFIXES):
            own.append(name)
            continue
        kind: CollectionKind = "edge" if entry.get("type") == "edge" else "document"
        collection = db.collection(name)
        with connection.errors(f"counting collection {name!r}"):
            count = int(cast(int, collection.count()))
        with connection.errors(f"listing the indexes of {name!r}"):
            indexes = [dict(i) for i in cast(list[dict[str, Any]], collection.indexes())]
        collections[name] = CollectionInfo(name=name, kind=kind, count=count, indexes=indexes)
    with connection.errors("listing named graphs"):
        graph_entries = cast(list[dict[str, Any]], db.graphs())
    graphs = [
        NamedGraph(
            name=entry["name"],
            edge_definitions=[
                EdgeDefinition(
                    edge_collection=d["edge_collection"],
                    from_vertex_collections=list(d["from_vertex_collections"]),
                    to_vertex_collections=list(d["to_vertex_collections"]),
                )
                for d in entry.get("edge_definitions", [])
            ],
            orphan_collections=list(entry.get("orphan_collections", [])),
        )
        for entry in graph_entries
        if entry["name"] not in OWN_GRAPH_NAMES
    ]
    return IntrospectedDatabase(
        collections=collections, graphs=graphs, skipped_system=skipped, skipped_own=own
    )


# --------------------------------------------------------------------------- streamed data


class StreamedCollection(Sequence[dict[str, Any]]):
    """A collection's documents, fetched from the server whenever they are iterated.

    `len()` is the introspected count. Iteration streams the collection with an AQL cursor
    (vertex collections: whole documents; edge collections: `_key`, `_from`, `_to` only).
    Indexing serves a random sample: position `i` of `n` maps to sample entry
    `i * len(sample) // n`, which is what evenly spaced sampling over the collection asks for.
    A collection no larger than the sample size is read whole once (every attribute, server
    order) and then served from memory, so small collections cost one cursor per run.
    """

    def __init__(
        self,
        connection: ArangoConnection,
        catalog: IntrospectedDatabase,
        info: CollectionInfo,
        *,
        sample_size: int = DEFAULT_SAMPLE_SIZE,
    ) -> None:
        """Wrap one introspected collection (its name is checked against `catalog`)."""
        self._connection = connection
        self._name = catalog.checked_collection(info.name, info.kind)
        self._kind = info.kind
        self._count = info.count
        self._sample_size = sample_size
        self._sample: list[dict[str, Any]] | None = None
        self._sample_lock = threading.Lock()

    def __len__(self) -> int:
        """The document count found by introspection."""
        return self._count

    def __iter__(self) -> Iterator[dict[str, Any]]:
        """Stream every document (edges: only `_key`, `_from`, `_to`).

        A collection no larger than the sample is the sample: it is read whole once (in the
        server's order, with every attribute) and iterated from memory.
        """
        if self._count <= self._sample_size:
            return iter(self.sample())
        query = EDGE_QUERY if self._kind == "edge" else VERTEX_QUERY
        return cast(
            Iterator[dict[str, Any]],
            self._connection.stream(
                query, {"@collection": self._name}, action=f"reading collection {self._name!r}"
            ),
        )

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[dict[str, Any]]: ...

    def __getitem__(self, index: int | slice) -> dict[str, Any] | Sequence[dict[str, Any]]:
        """A document of the random sample standing for position `index` (see the class)."""
        if isinstance(index, slice):
            raise TypeError("a streamed collection cannot be sliced; iterate it instead")
        if not -self._count <= index < self._count:
            raise IndexError(f"index {index} out of range for {self._count} documents")
        sample = self.sample()
        if not sample:
            raise IndexError(f"collection {self._name!r} returned no documents")
        position = index % self._count
        return sample[min(position * len(sample) // self._count, len(sample) - 1)]

    def stream_attributes(self, attributes: Sequence[str]) -> Iterator[dict[str, Any]]:
        """Stream only `_key` and `attributes` of every document, projected by the server.

        For readers that need a vertex's key and label but not the rest of the document (a
        projection's vertices, the vertex ids schema analysis collects), so a batch holds a
        few attributes per document instead of whole documents. The attribute names reach
        the query only as one bind value (`KEEP(d, @attributes)`), never as query text. A
        collection no larger than the sample is served from the sample it was read into.

        Args:
            attributes: Attribute names wanted besides `_key` (missing ones are left out of
                a document, as `KEEP` does).

        Returns:
            An iterator over `{"_key": ..., <attribute>: ...}` documents.

        Raises:
            SourceError: an attribute name is not a non-empty string, or the query failed.
        """
        names = ["_key", *(a for a in attributes if a != "_key")]
        if not all(isinstance(name, str) and name for name in names):
            raise SourceError(f"attribute names must be non-empty strings, got {attributes!r}")
        if self._count <= self._sample_size:
            return iter([{n: d[n] for n in names if n in d} for d in self.sample()])
        return cast(
            Iterator[dict[str, Any]],
            self._connection.stream(
                KEEP_QUERY,
                {"@collection": self._name, "attributes": names},
                action=f"reading collection {self._name!r}",
            ),
        )

    def sample(self) -> list[dict[str, Any]]:
        """The sample, fetched once.

        Returns:
            The whole collection when it has at most `sample_size` documents, else
            `sample_size` random ones.
        """
        with self._sample_lock:
            if self._sample is None and self._count <= self._sample_size:
                self._sample = list(
                    self._connection.stream(
                        VERTEX_QUERY,
                        {"@collection": self._name},
                        action=f"reading collection {self._name!r}",
                    )
                )
            elif self._sample is None:
                self._sample = list(
                    self._connection.stream(
                        SAMPLE_QUERY,
                        {"@collection": self._name, "size": self._sample_size},
                        action=f"sampling collection {self._name!r}",
                    )
                )
            return self._sample


@dataclass
class ArangoGraphData(GraphData):
    """`GraphData` over a live database: documents are streamed, never held."""

    catalog: IntrospectedDatabase | None = None
    """What introspection found, including each collection's indexes."""
    connection: ArangoConnection | None = None
    """The open connection (for write-back and the Graph Analytics Engine)."""


def load_arango(
    spec: str,
    *,
    environ: Mapping[str, str] | None = None,
    timeout: float | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    sample_size: int = DEFAULT_SAMPLE_SIZE,
    retry_attempts: int = 2,
) -> ArangoGraphData:
    """Connect to a live database and describe it as streamed `GraphData`.

    Args:
        spec: `arangodb://...`, `arangodbs://...` or `arangodb` (see `arango_url`).
        environ: Environment for the ARANGO_* variables (default `os.environ`).
        timeout: Seconds per request (default: ARANGO_TIMEOUT, else 60).
        batch_size: Documents per cursor batch.
        sample_size: Documents per collection sampled for attribute profiles.
        retry_attempts: Retries of GET requests answered with 5xx.

    Returns:
        The graph data; its `source` is the address without the password.

    Raises:
        SourceError: the URL is malformed, or the server is unreachable, refuses the login,
            lacks the database, or times out.
    """
    import os

    env = os.environ if environ is None else environ
    target = parse_arango_source(spec, env)
    if timeout is None:
        timeout = _timeout_from(env.get("ARANGO_TIMEOUT"))
    connection = ArangoConnection.open(
        target, timeout=timeout, batch_size=batch_size, retry_attempts=retry_attempts
    )
    catalog = introspect(connection)
    collections = {
        name: CollectionData(
            name=name,
            kind=info.kind,
            # The snapshot contract says list; a streamed sequence honours every use the
            # analysis makes of it (len, iteration, sampling by index) without holding data.
            documents=cast(
                list[dict[str, Any]],
                StreamedCollection(connection, catalog, info, sample_size=sample_size),
            ),
        )
        for name, info in catalog.collections.items()
    }
    warnings = []
    if catalog.skipped_system:
        warnings.append(f"skipped system collections: {', '.join(catalog.skipped_system)}")
    if catalog.skipped_own:
        warnings.append(
            "skipped collections gaai_graph wrote (results, catalog): "
            + ", ".join(catalog.skipped_own)
        )
    if not collections:
        warnings.append(f"{target.display} holds no non-system collections")
    return ArangoGraphData(
        source=target.display,
        collections=collections,
        graphs=catalog.graphs,
        warnings=warnings,
        catalog=catalog,
        connection=connection,
    )


def _timeout_from(value: str | None) -> float:
    if value is None or not value.strip():
        return DEFAULT_REQUEST_TIMEOUT
    try:
        seconds = float(value)
    except ValueError as error:
        raise SourceError(f"ARANGO_TIMEOUT must be a number of seconds, got {value!r}") from error
    if seconds <= 0:
        raise SourceError(f"ARANGO_TIMEOUT must be positive, got {value!r}")
    return seconds
