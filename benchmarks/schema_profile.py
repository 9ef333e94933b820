"""Schema profiling on columns vs on dicts, on the same exported snapshot (issue 18.2).

Reads every `<collection>.jsonl` of a snapshot directory twice: as polars frames
(`ColumnarDocuments(pl.read_ndjson(path))`, what a columnar load holds) and as dicts (one
`json.loads` per line, what the dict load holds). Then times `profile_schema` on each, side by
side and alternating, and checks that both give the same schema. The graph fingerprint
(content checksums, a source concern) is computed once beforehand and not timed. A collection is
an edge collection when its documents have `_from`; named graphs are not read, so edge
definitions are inferred. Usage:

    .venv/bin/python benchmarks/schema_profile.py SNAPSHOT_DIR [--repeat 3] [--columns-only]

`--columns-only` skips the dict copy (for 10^7 edges, whose dicts need ~10 GB).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from common import ROOT, peak_rss_mb

sys.path.insert(0, str(ROOT))


def _graph(directory: Path, columns: bool) -> Any:
    import polars as pl

    from gaai_graph.sources.base import CollectionData, GraphData
    from gaai_graph.sources.columnar import ColumnarDocuments

    class _Fingerprinted(GraphData):
        _fingerprint: str | None = None

        @property
        def fingerprint(self) -> str:
            if self._fingerprint is None:
                self._fingerprint = GraphData.fingerprint.fget(self)  # type: ignore[attr-defined]
            return self._fingerprint

    collections = {}
    for path in sorted(directory.glob("*.jsonl")):
        name = path.stem
        if name.startswith("_"):
            continue
        if columns:
            documents: Any = ColumnarDocuments(pl.read_ndjson(path, infer_schema_length=None))
            edge = "_from" in documents.frame.columns
        else:
            with path.open(encoding="utf-8") as lines:
                documents = [json.loads(line) for line in lines if line.strip()]
            edge = any("_from" in document for document in documents[:1])
        collections[name] = CollectionData(name, "edge" if edge else "document", documents)
    return _Fingerprinted(source=str(directory), collections=collections)


def main() -> None:
    """Time `profile_schema` on the columnar and the dict copy of one snapshot."""
    from gaai_graph.nodes.schema import profile_schema

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("snapshot", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--columns-only", action="store_true")
    arguments = parser.parse_args()

    variants = {"columns": _graph(arguments.snapshot, columns=True)}
    if not arguments.columns_only:
        variants["dicts"] = _graph(arguments.snapshot, columns=False)
    edges = sum(
        len(c.documents) for c in variants["columns"].collections.values() if c.kind == "edge"
    )
    print(f"{arguments.snapshot}: {edges:,} edges; loaded, peak RSS {peak_rss_mb():.0f} MB")
    for data in variants.values():
        _ = data.fingerprint
    wall: dict[str, list[float]] = {name: [] for name in variants}
    cpu: dict[str, list[float]] = {name: [] for name in variants}
    schemas: dict[str, Any] = {}
    for _ in range(arguments.repeat):
        for name, data in variants.items():
            started, started_cpu = time.perf_counter(), time.process_time()
            schemas[name] = profile_schema(data, graph_name=None, core_collections=None)
            wall[name].append(time.perf_counter() - started)
            cpu[name].append(time.process_time() - started_cpu)
    for name in variants:
        print(
            f"  profile_schema on {name:7}: best {min(wall[name]):.3f} s wall, "
            f"{min(cpu[name]):.3f} s CPU (first run {wall[name][0]:.3f} s wall)"
        )
    if "dicts" in schemas:
        same = schemas["columns"].model_dump() == schemas["dicts"].model_dump()
        # A run profiles each load once: the first run is the one that counts (the dict path
        # keeps its endpoint numbering for the load's projections, so its later runs are warm).
        cold = wall["dicts"][0] / wall["columns"][0]
        print(f"  dicts / columns, first runs: {cold:.1f}x wall; same schema: {same}")
        if not same:
            sys.exit(1)


if __name__ == "__main__":
    main()
