"""Opt-in write-back of per-vertex results to ArangoDB (`--write-results`).

Without `Context.write_results` nothing here runs and a live source is only ever read. With
it, each run writes into a collection of its own, `gaai_results_<UTC time>_<run>`, created
fresh: when that name is taken (an earlier run, another process) a numeric suffix is added, so
an existing collection is never written to. One document per vertex and template:

    {"run": ..., "template_id": "TPL-001", "algorithm": "pagerank",
     "vertex": "customers/c1", "score": 0.0123}          # scoring algorithms
    {..., "vertex": "customers/c1", "group": 4}            # grouping algorithms

Documents go in with `import_bulk` in batches, so memory stays bounded however large the
projection, and every batch must be imported whole (`complete`); a failure becomes a
`SourceError` for that template's execution.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, cast

from arango.exceptions import CollectionCreateError

from gaai_graph.engines.local import AlgorithmOutput, LocalEngine
from gaai_graph.errors import SourceError
from gaai_graph.models import AnalysisTemplate, ExecutionResult
from gaai_graph.sources.arango import ArangoConnection, ArangoGraphData
from gaai_graph.sources.base import GraphData, ProjectionData

__all__ = ["ResultWriter", "result_writer", "run_and_write_back"]

COLLECTION_PREFIX = "gaai_results_"
IMPORT_BATCH_SIZE = 10_000
ERROR_DUPLICATE_NAME = 1207
_MAX_NAME_ATTEMPTS = 100


@dataclass
class ResultWriter:
    """Writes one run's results into a collection created for that run."""

    connection: ArangoConnection
    run_key: str
    batch_size: int = IMPORT_BATCH_SIZE
    collection_name: str | None = None
    """Set once the run's collection exists."""
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def _base_name(self) -> str:
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
        digest = hashlib.sha256(self.run_key.encode()).hexdigest()[:8]
        return f"{COLLECTION_PREFIX}{stamp}_{digest}"

    def ensure_collection(self) -> str:
        """Create the run's collection on first use (never reusing an existing one).

        Returns:
            The collection's name.

        Raises:
            SourceError: the collection cannot be created.
        """
        with self._lock:
            if self.collection_name is not None:
                return self.collection_name
            base = self._base_name()
            for attempt in range(1, _MAX_NAME_ATTEMPTS + 1):
                name = base if attempt == 1 else f"{base}_{attempt}"
                taken = False
                with self.connection.errors(f"creating result collection {name!r}"):
                    try:
                        self.connection.db.create_collection(name)
                    except CollectionCreateError as error:
                        if error.error_code != ERROR_DUPLICATE_NAME:
                            raise
                        taken = True
                if not taken:
                    self.collection_name = name
                    return name
            raise SourceError(f"no free result collection name starting with {base!r}")

    def write(
        self, template: AnalysisTemplate, projection: ProjectionData, output: AlgorithmOutput
    ) -> int:
        """Write one template's per-vertex output.

        Args:
            template: The template that ran.
            projection: Its projection (vertex ids by index).
            output: The algorithm's per-vertex scores or membership.

        Returns:
            The number of documents written.

        Raises:
            SourceError: creating the collection or importing a batch failed.
        """
        name = self.ensure_collection()
        collection = self.connection.db.collection(name)
        written = 0
        for batch in _batches(self._documents(template, projection, output), self.batch_size):
            with self.connection.errors(f"writing results into {name!r}"):
                result = cast(
                    dict[str, Any],
                    collection.import_bulk(batch, halt_on_error=True, details=False),
                )
            written += int(result.get("created", 0))
        return written

    def _documents(
        self, template: AnalysisTemplate, projection: ProjectionData, output: AlgorithmOutput
    ) -> Iterator[dict[str, Any]]:
        base = {"run": self.run_key, "template_id": template.id, "algorithm": template.algorithm}
        if output.scores is not None:
            for vertex, score in zip(projection.vertex_ids, output.scores.tolist(), strict=True):
                yield {**base, "vertex": vertex, "score": score}
        elif output.membership is not None:
            for vertex, group in zip(
                projection.vertex_ids, output.membership.tolist(), strict=True
            ):
                yield {**base, "vertex": vertex, "group": group}


def _batches(documents: Iterator[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for document in documents:
        batch.append(document)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


_writers: dict[tuple[int, str], ResultWriter] = {}
_writers_lock = threading.Lock()


def result_writer(data: GraphData, run_key: str) -> ResultWriter:
    """The writer of run `run_key` on the live source `data` (one per run and source).

    Raises:
        SourceError: `data` is not a live ArangoDB source.
    """
    if not isinstance(data, ArangoGraphData) or data.connection is None:
        raise SourceError(
            f"write_results needs a live arangodb:// source; {data.source} is read-only"
        )
    key = (id(data.connection), run_key)
    with _writers_lock:
        writer = _writers.get(key)
        if writer is None:
            writer = _writers[key] = ResultWriter(connection=data.connection, run_key=run_key)
        return writer


class _RecordingEngine(LocalEngine):
    """The local engine, keeping the per-vertex output `run` summarises."""

    def __init__(self) -> None:
        self.output: AlgorithmOutput | None = None

    def compute(
        self, data: ProjectionData, template: AnalysisTemplate, *, seed: int = 42
    ) -> AlgorithmOutput:
        """Compute as `LocalEngine.compute` and remember the output."""
        self.output = super().compute(data, template, seed=seed)
        return self.output


def run_and_write_back(
    data: GraphData,
    projection: ProjectionData,
    template: AnalysisTemplate,
    *,
    seed: int,
    run_key: str,
) -> ExecutionResult:
    """Run `template` on the local engine, then write its per-vertex output back.

    The algorithm runs once: the summary and the written documents come from the same output.

    Args:
        data: The live source the projection came from.
        projection: The template's projection.
        template: The analysis.
        seed: Seed for randomised algorithms.
        run_key: Identifies the run, so all its templates share one new collection.

    Returns:
        The execution result, with a note naming the collection and the documents written.

    Raises:
        SourceError: the source is not live, or writing failed.
    """
    writer = result_writer(data, run_key)
    engine = _RecordingEngine()
    result = engine.run(projection, template, seed=seed)
    if engine.output is None:  # pragma: no cover - run always computes
        raise SourceError("the engine produced no output to write back")
    written = writer.write(template, projection, engine.output)
    result.notes.append(
        f"{written:,} per-vertex results written to ArangoDB collection {writer.collection_name!r}"
    )
    return result
