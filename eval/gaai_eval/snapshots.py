"""Write benchmark graphs as arangoexport-style JSONL snapshots the product loads.

One `<collection>.jsonl` file per collection, one document per line, keys sorted, so that a
regenerated snapshot is byte-identical when its generator did not change.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_KEY_UNSAFE = re.compile(r"[^A-Za-z0-9_\-:.@()+,=;$!*'%]")


def safe_key(text: str) -> str:
    """Return `text` made into a valid ArangoDB `_key` (unsafe characters become `_`).

    Args:
        text: A name such as "Evelyn Jefferson" or "Mme. Thénardier".

    Returns:
        The key, e.g. "Evelyn_Jefferson".
    """
    return _KEY_UNSAFE.sub("_", text.strip())[:254] or "_"


@dataclass
class SnapshotBuilder:
    """Collect vertex and edge documents, then write them as one JSONL file per collection."""

    vertices: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    edges: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def vertex(self, collection: str, key: str, **attributes: Any) -> str:
        """Add a vertex and return its id `collection/key`."""
        self.vertices.setdefault(collection, []).append({"_key": key, **attributes})
        return f"{collection}/{key}"

    def edge(self, collection: str, source: str, target: str, **attributes: Any) -> None:
        """Add an edge between two vertex ids; its key is its position in the collection."""
        documents = self.edges.setdefault(collection, [])
        documents.append(
            {"_key": f"e{len(documents)}", "_from": source, "_to": target, **attributes}
        )

    def write(self, directory: Path) -> None:
        """Replace `directory` with the snapshot's JSONL files."""
        if directory.exists():
            shutil.rmtree(directory)
        directory.mkdir(parents=True)
        for collection, documents in {**self.vertices, **self.edges}.items():
            _write_lines(directory / f"{collection}.jsonl", documents)


def _write_lines(path: Path, documents: Iterable[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for document in documents:
            handle.write(json.dumps(document, sort_keys=True, ensure_ascii=False) + "\n")
