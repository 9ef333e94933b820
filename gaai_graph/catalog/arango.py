"""The catalog in ArangoDB: the named graph `gaai_catalog`, next to the analysed data.

Three collections hold what the SQLite backend keeps in three tables:

* `gaai_catalog_epochs` (documents): one per run, with the `Epoch` fields;
* `gaai_catalog_items` (documents): each requirement, use case, template, execution and
  report, `{epoch_id, kind, id, data}`;
* `gaai_catalog_lineage` (edges): `_from` and `_to` point at item documents,
  `{epoch_id, from_kind, from_id, to_kind, to_id, relation}`.

The named graph `gaai_catalog` has one edge definition, `gaai_catalog_lineage`: items → items,
with the epochs as an orphan collection, so the lineage can be walked with AQL graph traversals
or looked at in the web interface. Collections, indexes and the graph are created when missing
(when writing; a catalog opened only to be queried never writes).

Document keys come from the record's identity (epoch id; epoch, kind and item id; both ends of
an edge): the readable part keeps only characters valid in any `_key` and a hash of the exact
identity follows, so any id, however odd, maps to one valid key of its own. Writing uses those
keys with `import_bulk(on_duplicate="replace")`, so recording a run again replaces its items
instead of duplicating them. Reads are AQL queries of one shape, `FOR d IN @@collection
FILTER d.<attribute> == @<attribute> ... RETURN d`: collection names and values are bind
parameters, the attribute names are fixed here. Orderings are applied in Python, exactly as the
SQLite backend orders them.

Non-finite floats (NaN, ±infinity), which JSON cannot carry, are stored as null.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, fields
from typing import Any, cast

from arango.exceptions import ArangoServerError, CollectionCreateError, GraphCreateError

from gaai_graph.catalog.base import (
    CatalogBackend,
    CatalogError,
    CatalogNode,
    Epoch,
    EpochStatus,
    LineageEdge,
    NodeKind,
)
from gaai_graph.errors import SourceError
from gaai_graph.sources.arango import (
    CATALOG_COLLECTION_PREFIX,
    ArangoConnection,
    _timeout_from,
    translated_errors,
)
from gaai_graph.sources.arango_url import ArangoTarget, parse_arango_source, redact_source

__all__ = [
    "EPOCHS_COLLECTION",
    "GRAPH_NAME",
    "ITEMS_COLLECTION",
    "LINEAGE_COLLECTION",
    "ArangoCatalog",
    "document_key",
    "select_query",
]

GRAPH_NAME = "gaai_catalog"
# Named from the prefix introspection skips (OWN_COLLECTION_PREFIXES), so they stay out of the
# analysed graph whatever the names become.
EPOCHS_COLLECTION = f"{CATALOG_COLLECTION_PREFIX}epochs"
ITEMS_COLLECTION = f"{CATALOG_COLLECTION_PREFIX}items"
LINEAGE_COLLECTION = f"{CATALOG_COLLECTION_PREFIX}lineage"

EDGE_DEFINITION: dict[str, Any] = {
    "edge_collection": LINEAGE_COLLECTION,
    "from_vertex_collections": [ITEMS_COLLECTION],
    "to_vertex_collections": [ITEMS_COLLECTION],
}
INDEXES: dict[str, list[str]] = {
    ITEMS_COLLECTION: ["epoch_id", "kind"],
    LINEAGE_COLLECTION: ["epoch_id"],
    EPOCHS_COLLECTION: ["source", "graph_name"],
}
IMPORT_BATCH_SIZE = 1000

ERROR_DUPLICATE_NAME = 1207
ERROR_GRAPH_DUPLICATE = 1925

_QUERY_ATTRIBUTES = frozenset({"epoch_id", "kind", "fingerprint", "source", "graph_name"})
_KEY_UNSAFE = re.compile(r"[^A-Za-z0-9_.\-]")
_READABLE_KEY_LENGTH = 100
_KIND_ORDER = {"requirement": 0, "use_case": 1, "template": 2, "execution": 3, "report": 4}
_EPOCH_FIELDS = [f.name for f in fields(Epoch)]


def select_query(attributes: Sequence[str] = ()) -> str:
    """The AQL the catalog reads with: every document whose attributes equal bind values.

    Args:
        attributes: Attribute names compared with the bind parameter of the same name (only
            the catalog's own fixed names are accepted).

    Returns:
        `FOR d IN @@collection FILTER d.<a> == @<a> ... RETURN d`.
    """
    unknown = set(attributes) - _QUERY_ATTRIBUTES
    if unknown:
        raise ValueError(f"not a catalog query attribute: {sorted(unknown)}")
    filters = "".join(f" FILTER d.{name} == @{name}" for name in attributes)
    return f"FOR d IN @@collection{filters} RETURN d"


def document_key(*parts: str) -> str:
    """A valid, collision-free `_key` for the record identified by `parts`.

    The readable part keeps letters, digits, `_`, `-` and `.` (anything else becomes `_`); a
    hash of the exact parts follows, so ids differing only in replaced characters differ.
    """
    readable = _KEY_UNSAFE.sub("_", ".".join(parts))[:_READABLE_KEY_LENGTH]
    digest = hashlib.sha256(json.dumps(list(parts)).encode()).hexdigest()[:16]
    return f"{readable}-{digest}"


def _plain(value: Any) -> Any:
    """`value` as JSON ArangoDB accepts: non-finite floats become null, unknown types text."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if value is None or isinstance(value, (str, int, bool)):
        return value
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return str(value)


class ArangoCatalog(CatalogBackend):
    """The catalog in an ArangoDB database, as the named graph `gaai_catalog`."""

    def __init__(
        self, connection: ArangoConnection, *, create: bool = True, owned: bool = False
    ) -> None:
        """Use the catalog in `connection`'s database, creating what is missing if `create`.

        Args:
            connection: An open connection (see `open` to connect from a URL).
            create: Create missing collections, indexes and the named graph. When False the
                catalog must exist already and nothing is ever written by opening it.
            owned: Whether `close` may release the connection's HTTP session.

        Raises:
            CatalogError: The server refused a request (e.g. a user without write access), or
                the catalog is missing and `create` is False, or a catalog collection or graph
                exists with another shape.
        """
        self.connection = connection
        self.display = connection.target.display
        self._owned = owned
        self._ensure(create)

    @classmethod
    def open(
        cls,
        spec: str | ArangoTarget | ArangoConnection,
        *,
        create: bool = True,
        environ: Mapping[str, str] | None = None,
    ) -> ArangoCatalog:
        """Connect to the database named by `spec` and open its catalog.

        Args:
            spec: An `arangodb://[user[:password]@]host:port/db` URL (`arangodbs://` for HTTPS;
                gaps filled from the ARANGO_* variables, see `arango_url`), connection settings
                (`ArangoTarget`) or an open `ArangoConnection` (e.g. a live source's).
            create: Create what is missing (see `__init__`).
            environ: Environment for the ARANGO_* variables (default `os.environ`).

        Raises:
            CatalogError: The URL is malformed, the server is down or refuses the login, or
                opening the catalog failed; the message never holds the password.
        """
        if isinstance(spec, ArangoConnection):
            return cls(spec, create=create)
        env = os.environ if environ is None else environ
        try:
            target = spec if isinstance(spec, ArangoTarget) else parse_arango_source(spec, env)
            connection = ArangoConnection.open(
                target, timeout=_timeout_from(env.get("ARANGO_TIMEOUT"))
            )
        except SourceError as error:
            raise CatalogError(f"catalog: {redact_source(str(error))}") from None
        try:
            return cls(connection, create=create, owned=True)
        except CatalogError:
            connection.close()
            raise

    # -- plumbing ---------------------------------------------------------------------------

    @contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        """Turn failures of `action` into one `CatalogError` line without the password."""
        try:
            with translated_errors(self.connection.target, action, self.connection.timeout):
                try:
                    yield
                except ArangoServerError as error:
                    if error.http_code != 403:
                        raise
                    detail = f": {error.error_message}" if error.error_message else ""
                    raise CatalogError(
                        f"catalog in ArangoDB at {self.display}: {action} failed: user "
                        f"{self.connection.target.username!r} lacks the permission (HTTP 403"
                        f"{detail}); writing the catalog needs read-write access to the "
                        "database, querying it read access"
                    ) from None
        except SourceError as error:
            raise CatalogError(f"catalog: {error}") from None

    def _select(self, collection: str, **equal: Any) -> list[dict[str, Any]]:
        """Documents of `collection` whose attributes equal the given values."""
        query = select_query(list(equal))
        action = f"reading {collection!r}"
        with self._errors(action):
            return list(
                self.connection.stream(query, {"@collection": collection, **equal}, action=action)
            )

    def _import(self, collection: str, documents: list[dict[str, Any]], action: str) -> None:
        """Insert or replace (by `_key`) `documents`, in batches each imported whole."""
        handle = self.connection.db.collection(collection)
        for start in range(0, len(documents), IMPORT_BATCH_SIZE):
            batch = documents[start : start + IMPORT_BATCH_SIZE]
            with self._errors(action):
                result = cast(
                    dict[str, Any],
                    handle.import_bulk(
                        batch, halt_on_error=True, details=True, on_duplicate="replace"
                    ),
                )
            if result.get("errors"):
                raise CatalogError(
                    f"catalog in ArangoDB at {self.display}: {action} failed: "
                    f"{result['errors']} documents refused ({'; '.join(result.get('details', []))})"
                )

    def _ensure(self, create: bool) -> None:
        db = self.connection.db
        with self._errors("listing collections"):
            existing = {
                entry["name"]: entry["type"]
                for entry in cast(list[dict[str, Any]], db.collections())
            }
        for name, kind in (
            (EPOCHS_COLLECTION, "document"),
            (ITEMS_COLLECTION, "document"),
            (LINEAGE_COLLECTION, "edge"),
        ):
            if name in existing:
                if existing[name] != kind:
                    raise CatalogError(
                        f"catalog in ArangoDB at {self.display}: collection {name!r} is a "
                        f"{existing[name]} collection, the catalog needs an {kind} collection"
                    )
                continue
            if not create:
                raise CatalogError(
                    f"no catalog in ArangoDB at {self.display} (collection {name!r} is "
                    "missing; a run with --catalog arangodb://... creates it)"
                )
            with self._errors(f"creating collection {name!r}"):
                try:
                    db.create_collection(name, edge=kind == "edge")
                except CollectionCreateError as error:
                    if error.error_code != ERROR_DUPLICATE_NAME:  # made meanwhile: fine
                        raise
        if not create:
            return
        for name, indexed in INDEXES.items():
            with self._errors(f"indexing {name!r}"):
                # Idempotent: the server returns the existing index when it is already there.
                db.collection(name).add_index({"type": "persistent", "fields": indexed})
        with self._errors("listing named graphs"):
            graphs = {g["name"]: g for g in cast(list[dict[str, Any]], db.graphs())}
        found = graphs.get(GRAPH_NAME)
        if found is None:
            with self._errors(f"creating the named graph {GRAPH_NAME!r}"):
                try:
                    db.create_graph(
                        GRAPH_NAME,
                        edge_definitions=[EDGE_DEFINITION],
                        orphan_collections=[EPOCHS_COLLECTION],
                    )
                except GraphCreateError as error:
                    if error.error_code != ERROR_GRAPH_DUPLICATE:
                        raise
        elif EDGE_DEFINITION not in found.get("edge_definitions", []):
            raise CatalogError(
                f"catalog in ArangoDB at {self.display}: the named graph {GRAPH_NAME!r} exists "
                f"without the edge definition {EDGE_DEFINITION}"
            )

    @staticmethod
    def _epoch(document: Mapping[str, Any]) -> Epoch:
        values: dict[str, Any] = {n: document[n] for n in _EPOCH_FIELDS if n in document}
        values["tags"] = list(values.get("tags") or [])
        return Epoch(**values)

    def _find_epoch(self, epoch_id: str) -> Epoch | None:
        with self._errors(f"reading epoch {epoch_id!r}"):
            document = self.connection.db.collection(EPOCHS_COLLECTION).get(document_key(epoch_id))
        return None if document is None else self._epoch(cast(dict[str, Any], document))

    # -- the backend ------------------------------------------------------------------------

    def start_epoch(self, epoch: Epoch) -> Epoch:
        """Record a new epoch or return the stored one with this id; see `CatalogBackend`."""
        stored = self._find_epoch(epoch.id)
        if stored is not None:
            return stored
        if epoch.parent_epoch is None:
            earlier = [
                e
                for e in map(
                    self._epoch,
                    self._select(
                        EPOCHS_COLLECTION, source=epoch.source, graph_name=epoch.graph_name
                    ),
                )
                if e.id != epoch.id
            ]
            if earlier:
                epoch.parent_epoch = min(earlier, key=lambda e: (-e.started_at, e.id)).id
        document = {"_key": document_key(epoch.id), **_plain(asdict(epoch))}
        with self._errors(f"recording epoch {epoch.id!r}"):
            # "ignore": an epoch started meanwhile under this id is kept, as the stored one.
            self.connection.db.collection(EPOCHS_COLLECTION).insert(
                document, overwrite_mode="ignore", silent=True
            )
        return self.get_epoch(epoch.id)

    def record_items(
        self, epoch_id: str, nodes: list[CatalogNode], edges: list[LineageEdge]
    ) -> None:
        """Store items, then edges, replacing those with the same ids; see `CatalogBackend`.

        Not one transaction: an interrupted write leaves some items, which recording the run
        again replaces.
        """
        self.get_epoch(epoch_id)
        items = [
            {
                "_key": document_key(epoch_id, node.kind, node.id),
                "epoch_id": epoch_id,
                "kind": node.kind,
                "id": node.id,
                "data": _plain(node.data),
            }
            for node in nodes
        ]
        lineage = [
            {
                "_key": document_key(epoch_id, e.from_kind, e.from_id, e.to_kind, e.to_id),
                "_from": f"{ITEMS_COLLECTION}/{document_key(epoch_id, e.from_kind, e.from_id)}",
                "_to": f"{ITEMS_COLLECTION}/{document_key(epoch_id, e.to_kind, e.to_id)}",
                "epoch_id": epoch_id,
                "from_kind": e.from_kind,
                "from_id": e.from_id,
                "to_kind": e.to_kind,
                "to_id": e.to_id,
                "relation": e.relation,
            }
            for e in edges
        ]
        self._import(ITEMS_COLLECTION, items, f"recording the items of epoch {epoch_id!r}")
        self._import(LINEAGE_COLLECTION, lineage, f"recording the lineage of epoch {epoch_id!r}")

    def finish_epoch(
        self,
        epoch_id: str,
        status: EpochStatus,
        finished_at: float,
        headline: str | None = None,
        vertical: str | None = None,
        error: str | None = None,
    ) -> None:
        """Set the epoch's final status (headline and vertical kept when None)."""
        self.get_epoch(epoch_id)
        patch: dict[str, Any] = {
            "_key": document_key(epoch_id),
            "status": status,
            "finished_at": finished_at,
            "error": error,
        }
        if headline is not None:
            patch["headline"] = headline
        if vertical is not None:
            patch["vertical"] = vertical
        with self._errors(f"finishing epoch {epoch_id!r}"):
            self.connection.db.collection(EPOCHS_COLLECTION).update(
                patch, check_rev=False, silent=True
            )

    def forget_epoch(self, epoch_id: str) -> None:
        """Remove an epoch, its items and lineage; see `CatalogBackend`."""
        with self._errors(f"removing epoch {epoch_id!r}"):
            for collection in (LINEAGE_COLLECTION, ITEMS_COLLECTION):
                self.connection.db.aql.execute(
                    "FOR d IN @@collection FILTER d.epoch_id == @epoch REMOVE d IN @@collection",
                    bind_vars={"@collection": collection, "epoch": epoch_id},
                )
            self.connection.db.collection(EPOCHS_COLLECTION).delete(
                document_key(epoch_id), ignore_missing=True
            )

    def list_epochs(self, fingerprint: str | None = None, source: str | None = None) -> list[Epoch]:
        """Epochs, newest first; see `CatalogBackend`."""
        equal = {
            name: value
            for name, value in (("fingerprint", fingerprint), ("source", source))
            if value is not None
        }
        epochs = [self._epoch(d) for d in self._select(EPOCHS_COLLECTION, **equal)]
        return sorted(epochs, key=lambda e: (-e.started_at, e.id))

    def get_epoch(self, epoch_id: str) -> Epoch:
        """One epoch; see `CatalogBackend`."""
        epoch = self._find_epoch(epoch_id)
        if epoch is None:
            raise CatalogError(
                f"no epoch {epoch_id!r} in the catalog in ArangoDB at {self.display}"
            )
        return epoch

    def nodes(self, epoch_id: str, kind: NodeKind | None = None) -> list[CatalogNode]:
        """An epoch's items; see `CatalogBackend`."""
        equal: dict[str, Any] = {"epoch_id": epoch_id}
        if kind is not None:
            equal["kind"] = kind
        found = [
            CatalogNode(epoch_id, d["kind"], d["id"], dict(d.get("data") or {}))
            for d in self._select(ITEMS_COLLECTION, **equal)
        ]
        return sorted(found, key=lambda node: (_KIND_ORDER.get(node.kind, 9), node.id))

    def edges(self, epoch_id: str) -> list[LineageEdge]:
        """An epoch's lineage edges; see `CatalogBackend`."""
        found = [
            LineageEdge(
                epoch_id, d["from_kind"], d["from_id"], d["to_kind"], d["to_id"], d["relation"]
            )
            for d in self._select(LINEAGE_COLLECTION, epoch_id=epoch_id)
        ]
        return sorted(found, key=lambda e: (e.from_kind, e.from_id, e.to_kind, e.to_id))

    def close(self) -> None:
        """Release the connection `open` made; a connection given by the caller stays open."""
        if self._owned:
            self.connection.close()
