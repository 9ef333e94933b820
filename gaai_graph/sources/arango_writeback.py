"""Opt-in write-back of per-vertex results to ArangoDB (`--write-results`).

Without `Context.write_results` nothing here runs and a live source is only ever read. With
it, each run writes into a collection of its own, `gaai_results_<run>_<hash>`, named from the
run's key (its thread id) alone, so a run killed and resumed (`gaai resume`) keeps writing into
the same collection rather than starting a second one. One document per vertex and template:

    {"_key": "TPL-001-<hash of template and vertex>", "run": ..., "template_id": "TPL-001",
     "algorithm": "pagerank", "vertex": "customers/c1", "score": 0.0123}   # scoring
    {..., "vertex": "customers/c1", "group": 4}                              # grouping

The `_key` depends only on the template and the vertex, and documents are imported with
`on_duplicate="replace"`: a template chain that runs again after a kill (its results were
written, its checkpoint was not) replaces its own rows instead of duplicating them. Two runs
never share a collection (their keys differ); the prefix `gaai_results_` keeps it out of any
later analysis of the database.

Documents go in with `import_bulk` in batches, so memory stays bounded however large the
projection, and every batch must be imported whole (`complete`); a failure becomes a
`SourceError` for that template's execution.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, cast

from arango.exceptions import CollectionCreateError

from gaai_graph.engines.local import AlgorithmOutput, LocalEngine
from gaai_graph.errors import SourceError
from gaai_graph.models import AnalysisTemplate, ExecutionResult
from gaai_graph.sources.arango import (
    RESULTS_COLLECTION_PREFIX,
    ArangoConnection,
    ArangoGraphData,
)
from gaai_graph.sources.base import GraphData, ProjectionData

__all__ = [
    "ResultWriter",
    "result_collection_name",
    "result_document_key",
    "result_writer",
    "run_and_write_back",
]

COLLECTION_PREFIX = RESULTS_COLLECTION_PREFIX
IMPORT_BATCH_SIZE = 10_000
ERROR_DUPLICATE_NAME = 1207
_UNSAFE = re.compile(r"[^A-Za-z0-9_]")
_READABLE_LENGTH = 48

ValueField = Literal["score", "group"]


def result_collection_name(run_key: str) -> str:
    """The write-back collection of run `run_key`: the same for every process of the run.

    The readable part keeps letters, digits and `_` of the key; a hash of the exact key
    follows, so keys differing only in replaced characters get collections of their own.
    """
    readable = _UNSAFE.sub("_", run_key)[:_READABLE_LENGTH].strip("_") or "run"
    digest = hashlib.sha256(run_key.encode()).hexdigest()[:12]
    return f"{COLLECTION_PREFIX}{readable}_{digest}"


def result_document_key(template_id: str, vertex: str) -> str:
    """The `_key` of one template's row for one vertex (a valid key for any ids)."""
    readable = re.sub(r"[^A-Za-z0-9_\-]", "_", template_id)[:40]
    digest = hashlib.sha256(f"{template_id}\0{vertex}".encode()).hexdigest()[:24]
    return f"{readable}-{digest}"


@dataclass
class ResultWriter:
    """Writes one run's results into the collection named from its run key."""

    connection: ArangoConnection
    run_key: str
    batch_size: int = IMPORT_BATCH_SIZE
    collection_name: str | None = None
    """Set once the run's collection exists."""
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def ensure_collection(self) -> str:
        """Create the run's collection, or use it when an earlier process of the run made it.

        Returns:
            The collection's name.

        Raises:
            SourceError: the collection cannot be created.
        """
        with self._lock:
            if self.collection_name is not None:
                return self.collection_name
            name = result_collection_name(self.run_key)
            with self.connection.errors(f"creating result collection {name!r}"):
                try:
                    self.connection.db.create_collection(name)
                except CollectionCreateError as error:
                    # Taken: by this run before a kill (the name holds the run key's hash).
                    if error.error_code != ERROR_DUPLICATE_NAME:
                        raise
            self.collection_name = name
            return name

    def write(
        self, template: AnalysisTemplate, projection: ProjectionData, output: AlgorithmOutput
    ) -> int:
        """Write one template's per-vertex output from the local engine.

        Args:
            template: The template that ran.
            projection: Its projection (vertex ids by index).
            output: The algorithm's per-vertex scores or membership.

        Returns:
            The number of documents written (created or replaced).

        Raises:
            SourceError: creating the collection or importing a batch failed.
        """
        # A two-mode projection projected onto one side scores only that side's vertices.
        vertex_ids = output.vertex_ids(projection)
        if output.scores is not None:
            pairs: Iterable[tuple[str, Any]] = zip(vertex_ids, output.scores.tolist(), strict=True)
            return self.write_values(template, pairs, "score")
        if output.membership is not None:
            pairs = zip(vertex_ids, output.membership.tolist(), strict=True)
            return self.write_values(template, pairs, "group")
        return 0

    def write_values(
        self,
        template: AnalysisTemplate,
        values: Iterable[tuple[str, Any]],
        value_field: ValueField,
    ) -> int:
        """Write (vertex id, value) pairs of one template, e.g. from the Graph Analytics Engine.

        Args:
            template: The template that ran.
            values: Vertex `_id` and its score or group.
            value_field: "score" or "group".

        Returns:
            The number of documents written (created or replaced).

        Raises:
            SourceError: creating the collection or importing a batch failed.
        """
        name = self.ensure_collection()
        collection = self.connection.db.collection(name)
        base = {"run": self.run_key, "template_id": template.id, "algorithm": template.algorithm}
        documents = (
            {
                "_key": result_document_key(template.id, vertex),
                **base,
                "vertex": vertex,
                value_field: value,
            }
            for vertex, value in values
        )
        written = 0
        for batch in _batches(documents, self.batch_size):
            with self.connection.errors(f"writing results into {name!r}"):
                result = cast(
                    dict[str, Any],
                    collection.import_bulk(
                        batch, halt_on_error=True, details=False, on_duplicate="replace"
                    ),
                )
            written += int(result.get("created", 0)) + int(result.get("updated", 0))
        return written


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
        self,
        data: ProjectionData,
        template: AnalysisTemplate,
        *,
        seed: int = 42,
        sole_user: bool = False,
    ) -> AlgorithmOutput:
        """Compute as `LocalEngine.compute` and remember the output."""
        self.output = super().compute(data, template, seed=seed, sole_user=sole_user)
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
