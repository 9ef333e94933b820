"""The SQLite catalog backend (the default): one file, three tables.

`epochs` holds one row per run; `items` every requirement, use case, template, execution and
report as JSON keyed by (epoch, kind, id); `lineage` the edges between items.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Any

from gaai_graph.catalog.base import (
    CatalogBackend,
    CatalogError,
    CatalogNode,
    Epoch,
    EpochStatus,
    LineageEdge,
    NodeKind,
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS epochs (
    id TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    source TEXT NOT NULL,
    graph_name TEXT,
    started_at REAL NOT NULL,
    finished_at REAL,
    status TEXT NOT NULL,
    parent_epoch TEXT REFERENCES epochs(id),
    tags TEXT NOT NULL DEFAULT '[]',
    vertical TEXT,
    headline TEXT,
    error TEXT
);
CREATE INDEX IF NOT EXISTS epochs_by_fingerprint ON epochs(fingerprint, started_at);
CREATE TABLE IF NOT EXISTS items (
    epoch_id TEXT NOT NULL REFERENCES epochs(id),
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (epoch_id, kind, id)
);
CREATE TABLE IF NOT EXISTS lineage (
    epoch_id TEXT NOT NULL REFERENCES epochs(id),
    from_kind TEXT NOT NULL,
    from_id TEXT NOT NULL,
    to_kind TEXT NOT NULL,
    to_id TEXT NOT NULL,
    relation TEXT NOT NULL,
    PRIMARY KEY (epoch_id, from_kind, from_id, to_kind, to_id)
);
"""

_KIND_ORDER = {"requirement": 0, "use_case": 1, "template": 2, "execution": 3, "report": 4}


class SqliteCatalog(CatalogBackend):
    """The catalog in a SQLite file (created with its tables when missing)."""

    def __init__(self, path: str | Path) -> None:
        """Open (or create) the catalog at `path`.

        Raises:
            CatalogError: If the file cannot be opened or is not a catalog.
        """
        self.path = Path(path)
        self._lock = threading.Lock()
        try:
            if str(path) != ":memory:":
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self._connection = sqlite3.connect(str(path), check_same_thread=False)
            self._connection.executescript(_SCHEMA)
            self._upgrade()
        except (OSError, sqlite3.Error) as error:
            raise CatalogError(f"cannot open the catalog {path}: {error}") from error

    def _upgrade(self) -> None:
        """Add the columns later versions introduced to a catalog file made before them.

        Added columns go last, where `_SCHEMA` also puts them, so rows read the same.
        """
        columns = {row[1] for row in self._connection.execute("PRAGMA table_info(epochs)")}
        with self._connection:
            for column in ("error",):
                if column not in columns:
                    self._connection.execute(f"ALTER TABLE epochs ADD COLUMN {column} TEXT")

    def _execute(self, sql: str, parameters: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        try:
            with self._lock, self._connection:
                return self._connection.execute(sql, parameters).fetchall()
        except sqlite3.Error as error:
            raise CatalogError(f"catalog {self.path}: {error}") from error

    def start_epoch(self, epoch: Epoch) -> Epoch:
        """Record a new epoch or return the stored one with this id; see `CatalogBackend`."""
        rows = self._execute("SELECT id FROM epochs WHERE id = ?", (epoch.id,))
        if rows:
            return self.get_epoch(epoch.id)
        parent = self._execute(
            "SELECT id FROM epochs WHERE source = ? AND graph_name IS ? AND id != ? "
            "ORDER BY started_at DESC LIMIT 1",
            (epoch.source, epoch.graph_name, epoch.id),
        )
        if epoch.parent_epoch is None and parent:
            epoch.parent_epoch = parent[0][0]
        self._execute(
            "INSERT INTO epochs (id, fingerprint, source, graph_name, started_at, finished_at, "
            "status, parent_epoch, tags, vertical, headline, error) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                epoch.id,
                epoch.fingerprint,
                epoch.source,
                epoch.graph_name,
                epoch.started_at,
                epoch.finished_at,
                epoch.status,
                epoch.parent_epoch,
                json.dumps(epoch.tags),
                epoch.vertical,
                epoch.headline,
                epoch.error,
            ),
        )
        return epoch

    def record_items(
        self, epoch_id: str, nodes: list[CatalogNode], edges: list[LineageEdge]
    ) -> None:
        """Store items and edges in one transaction; see `CatalogBackend`."""
        self.get_epoch(epoch_id)
        try:
            with self._lock, self._connection:
                self._connection.executemany(
                    "INSERT OR REPLACE INTO items VALUES (?, ?, ?, ?)",
                    [
                        (epoch_id, node.kind, node.id, json.dumps(node.data, default=str))
                        for node in nodes
                    ],
                )
                self._connection.executemany(
                    "INSERT OR REPLACE INTO lineage VALUES (?, ?, ?, ?, ?, ?)",
                    [
                        (epoch_id, e.from_kind, e.from_id, e.to_kind, e.to_id, e.relation)
                        for e in edges
                    ],
                )
        except sqlite3.Error as error:
            raise CatalogError(f"catalog {self.path}: {error}") from error

    def finish_epoch(
        self,
        epoch_id: str,
        status: EpochStatus,
        finished_at: float,
        headline: str | None = None,
        vertical: str | None = None,
        error: str | None = None,
    ) -> None:
        """Set the epoch's final status; see `CatalogBackend`."""
        self.get_epoch(epoch_id)
        self._execute(
            "UPDATE epochs SET status = ?, finished_at = ?, headline = COALESCE(?, headline), "
            "vertical = COALESCE(?, vertical), error = ? WHERE id = ?",
            (status, finished_at, headline, vertical, error, epoch_id),
        )

    def forget_epoch(self, epoch_id: str) -> None:
        """Remove an epoch, its items and lineage; see `CatalogBackend`."""
        for table, column in (("lineage", "epoch_id"), ("items", "epoch_id"), ("epochs", "id")):
            self._execute(f"DELETE FROM {table} WHERE {column} = ?", (epoch_id,))

    def list_epochs(self, fingerprint: str | None = None, source: str | None = None) -> list[Epoch]:
        """Epochs, newest first; see `CatalogBackend`."""
        rows = self._execute(
            "SELECT * FROM epochs WHERE (? IS NULL OR fingerprint = ?) "
            "AND (? IS NULL OR source = ?) ORDER BY started_at DESC, id",
            (fingerprint, fingerprint, source, source),
        )
        return [_epoch(row) for row in rows]

    def get_epoch(self, epoch_id: str) -> Epoch:
        """One epoch; see `CatalogBackend`."""
        rows = self._execute("SELECT * FROM epochs WHERE id = ?", (epoch_id,))
        if not rows:
            raise CatalogError(f"no epoch {epoch_id!r} in the catalog {self.path}")
        return _epoch(rows[0])

    def nodes(self, epoch_id: str, kind: NodeKind | None = None) -> list[CatalogNode]:
        """An epoch's items; see `CatalogBackend`."""
        rows = self._execute(
            "SELECT kind, id, data FROM items WHERE epoch_id = ? AND (? IS NULL OR kind = ?)",
            (epoch_id, kind, kind),
        )
        found = [CatalogNode(epoch_id, row[0], row[1], json.loads(row[2])) for row in rows]
        return sorted(found, key=lambda node: (_KIND_ORDER.get(node.kind, 9), node.id))

    def edges(self, epoch_id: str) -> list[LineageEdge]:
        """An epoch's lineage edges; see `CatalogBackend`."""
        rows = self._execute(
            "SELECT from_kind, from_id, to_kind, to_id, relation FROM lineage "
            "WHERE epoch_id = ? ORDER BY from_kind, from_id, to_kind, to_id",
            (epoch_id,),
        )
        return [LineageEdge(epoch_id, *row) for row in rows]

    def close(self) -> None:
        """Close the SQLite connection."""
        self._connection.close()


def _epoch(row: tuple[Any, ...]) -> Epoch:
    return Epoch(
        id=row[0],
        fingerprint=row[1],
        source=row[2],
        graph_name=row[3],
        started_at=row[4],
        finished_at=row[5],
        status=row[6],
        parent_epoch=row[7],
        tags=json.loads(row[8]),
        vertical=row[9],
        headline=row[10],
        error=row[11] if len(row) > 11 else None,
    )
