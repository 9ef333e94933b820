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
never holds the password (`arango_connection`, re-exported here).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast, overload

from gaai_graph.errors import SourceError
from gaai_graph.models import EdgeDefinition, NamedGraph
from gaai_graph.sources.arango_connection import (
    CURSOR_TTL_SECONDS,
    DEFAULT_BATCH_SIZE,
    DEFAULT_REQUEST_TIMEOUT,
    ERROR_COLLECTION_NOT_FOUND,
    ERROR_DATABASE_NOT_FOUND,
    ERROR_GRAPH_NOT_FOUND,
    ERROR_QUERY_KILLED,
    ERROR_RESOURCE_LIMIT,
    TLS_HELP,
    ArangoConnection,
    RequestTimeoutError,
    TimeoutAwareHTTPClient,
    TLSError,
    VerifyingSession,
    _timeout_from,
    tls_error,
    tls_problem,
    translated_errors,
)
from gaai_graph.sources.arango_url import parse_arango_source
from gaai_graph.sources.base import CollectionData, CollectionKind, GraphData

# Re-exported: callers import the connection layer from here, as before the split.
__all__ = [
    "CURSOR_TTL_SECONDS",
    "DEFAULT_BATCH_SIZE",
    "DEFAULT_REQUEST_TIMEOUT",
    "ERROR_COLLECTION_NOT_FOUND",
    "ERROR_DATABASE_NOT_FOUND",
    "ERROR_GRAPH_NOT_FOUND",
    "ERROR_QUERY_KILLED",
    "ERROR_RESOURCE_LIMIT",
    "TLS_HELP",
    "ArangoConnection",
    "ArangoGraphData",
    "IntrospectedDatabase",
    "RequestTimeoutError",
    "StreamedCollection",
    "TLSError",
    "TimeoutAwareHTTPClient",
    "VerifyingSession",
    "load_arango",
    "tls_error",
    "tls_problem",
    "translated_errors",
]

DEFAULT_SAMPLE_SIZE = 1000
"""Documents per collection in the random sample behind attribute profiles."""

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

    def content_checksum(self, name: str) -> str | None:
        """The server's checksum of collection `name` over keys and document data.

        Computed by ArangoDB (`GET /_api/collection/<name>/checksum?withData=true`) without
        sending the documents: it changes whenever a document changes, and is not comparable
        with the checksum of the same data held in a snapshot.
        """
        if self.connection is None:
            return None
        with self.connection.errors(f"checksumming collection {name!r}"):
            return str(self.connection.db.collection(name).checksum(with_data=True))


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
