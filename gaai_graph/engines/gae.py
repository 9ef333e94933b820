"""ArangoDB's Graph Analytics Engine (GAE): run a template's algorithm next to the database.

Pregel is gone since ArangoDB 3.12; on the Arango platform graph algorithms run on a GAE, an
engine service started next to the database (see DESIGN.md §4 and
https://docs.arango.ai/contextual-data-platform/graph-analytics/api/). python-arango has no
client for it, so `GAEClient` speaks its HTTP API with `requests` (python-arango's own HTTP
library), authenticated like the database connection:

1. find the engine named by `Context.gae_engine`, or start one:
   `POST /_platform/acp/v1/graphanalytics` -> `serviceId`;
2. load the projection: `POST /gral/<id>/v1/loaddata {database, vertex_collections,
   edge_collections}` -> `{job_id, graph_id}`. A freshly started engine takes a few seconds
   to become usable (the docs say so), so while it answers 502/503/504 or refuses the
   connection, loading is retried with the job polling's backoff, within its timeout;
3. run the algorithm at the endpoint its method module declares (`v1/pagerank`, `v1/wcc`,
   `v1/scc`, `v1/labelpropagation`, `v1/betweennesscentrality`) -> `{job_id}`;
4. poll `GET v1/jobs/<job_id>` with exponential backoff until `progress >= total` (failed when
   `error` is true), up to a timeout;
5. `POST v1/storeresults {database, target_collection, job_ids, attribute_names}` into a
   temporary collection `gaai_gae_<hash>_<random>` created for this template, read the
   results back with a streamed cursor and summarise them like the local engine does;
6. clean up, whether the template succeeded or not: the loaded graph
   (`DELETE v1/graphs/<graph_id>`), the temporary collection and the engine
   (`DELETE /_platform/acp/v1/service/<serviceId>`), each only when this run created it. An
   engine named by the user is never deleted;
7. with write-back (`--write-results`), write the per-vertex values into the run's one
   `gaai_results_*` collection with `import_bulk`, exactly as the local engine's are
   (`gaai_graph.sources.arango_writeback`).

What cannot be tested here: no GAE is reachable from CI. The tests replay this lifecycle in the
documented formats through a loopback server; the shape of stored result documents
(`{"id": <vertex _id>, <attribute>: value}`) follows the docs' examples and is the assumption
most worth checking against a live engine.
"""

from __future__ import annotations

import hashlib
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import requests

from gaai_graph.engines.summary import summarize_groups, summarize_scores
from gaai_graph.errors import EngineError, SourceError
from gaai_graph.methods.registry import METHODS, get_method
from gaai_graph.models import AnalysisTemplate, ExecutionResult, MetricValue
from gaai_graph.sources.arango import (
    GAE_COLLECTION_PREFIX,
    ArangoConnection,
    ArangoGraphData,
    VerifyingSession,
    tls_error,
    tls_problem,
)

__all__ = [
    "GAE_ALGORITHMS",
    "EngineUnavailableError",
    "GAEClient",
    "GAEEngine",
    "JobPolling",
    "run_on_gae",
]

logger = logging.getLogger(__name__)

PLATFORM_ENGINES = "/_platform/acp/v1/graphanalytics"
"""Start an engine (current docs: the ACP service). Older platform releases served the same
calls under `/ai/v1/` (start `POST /ai/v1/graphanalytics`, stop `DELETE /ai/v1/service/<id>`)."""
PLATFORM_DELETE = "/_platform/acp/v1/service/{service_id}"
"""Stop an engine: the documented `DELETE .../service/<serviceId>` of the service manager,
under the ACP prefix. Not checked against a live platform (none is reachable here)."""
ENGINE_BASE = "/gral/{engine}/v1/"

GAE_ALGORITHMS: dict[str, str] = {
    method.name: method.gae.endpoint for method in METHODS.values() if method.gae is not None
}
"""Our algorithm name -> the GAE endpoint that runs it (each method module declares its own)."""

UNAVAILABLE_STATUSES = frozenset({502, 503, 504})
"""Answers of a gateway whose engine is not (yet) up: worth retrying while it starts."""

RESULTS_QUERY = "FOR d IN @@collection RETURN [d.id, d[@attribute]]"
LABELS_QUERY = "FOR d IN @@collection RETURN [d._id, d[@attribute]]"


class EngineUnavailableError(EngineError):
    """The engine cannot take requests yet: a 502/503/504 answer or a refused connection."""


@dataclass
class JobPolling:
    """How to wait for a GAE job (or a starting engine): exponential backoff up to a deadline."""

    timeout: float = 600.0
    first_delay: float = 0.2
    max_delay: float = 5.0
    factor: float = 2.0
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)


class GAEClient:
    """The GAE HTTP API on the database's host, with the database's credentials."""

    def __init__(self, connection: ArangoConnection, *, polling: JobPolling | None = None):
        """Use `connection`'s host, login, TLS setting and timeout."""
        target = connection.target
        self._base = target.http_url
        self._where = f"Graph Analytics Engine at {target.display}"
        self._session = VerifyingSession()
        self._session.auth = (target.username, target.password)
        self._session.verify = target.verify
        self._timeout = connection.timeout
        self.polling = polling or JobPolling()

    def close(self) -> None:
        """Release the HTTP session."""
        self._session.close()

    def request(self, method: str, path: str, body: Any = None) -> Any:
        """Send one request; return the decoded JSON answer.

        Raises:
            EngineError: the engine answered with an error, timed out or is unreachable; the
                message never holds the password.
        """
        try:
            response = self._session.request(
                method, self._base + path, json=body, timeout=self._timeout
            )
        except requests.exceptions.Timeout:
            raise EngineError(
                f"{self._where}: {method} {path} timed out after {self._timeout:g} s"
            ) from None
        except requests.exceptions.SSLError as error:
            problem = tls_problem(tls_error(error))
            raise EngineError(
                f"{self._where}: cannot connect for {method} {path}: {problem}"
            ) from None
        except requests.exceptions.ConnectionError:
            raise EngineUnavailableError(
                f"{self._where}: cannot connect for {method} {path}"
            ) from None
        if response.status_code in UNAVAILABLE_STATUSES:
            raise EngineUnavailableError(
                f"{self._where}: {method} {path} failed with HTTP {response.status_code}: "
                f"{_error_text(response)}"
            )
        if response.status_code >= 400:
            raise EngineError(
                f"{self._where}: {method} {path} failed with HTTP {response.status_code}: "
                f"{_error_text(response)}"
            )
        if not response.content:
            return {}
        try:
            return response.json()
        except ValueError:
            raise EngineError(f"{self._where}: {method} {path} answered non-JSON") from None

    # -- engines -------------------------------------------------------------------------

    def start_engine(self) -> str:
        """Start an engine; return its service id."""
        answer = self.request("POST", PLATFORM_ENGINES, {})
        info = answer.get("serviceInfo", answer) if isinstance(answer, dict) else {}
        service_id = info.get("serviceId") if isinstance(info, dict) else None
        if not isinstance(service_id, str) or not service_id:
            raise EngineError(f"{self._where}: starting an engine returned no serviceId")
        return service_id

    def delete_engine(self, service_id: str) -> None:
        """Stop an engine this run started."""
        self.request("DELETE", PLATFORM_DELETE.format(service_id=service_id))

    # -- engine API ----------------------------------------------------------------------

    def engine_call(self, service_id: str, method: str, endpoint: str, body: Any = None) -> Any:
        """Call `v1/<endpoint>` of the engine `service_id`."""
        return self.request(
            method, ENGINE_BASE.format(engine=_postfix(service_id)) + endpoint, body
        )

    def call_when_ready(self, service_id: str, method: str, endpoint: str, body: Any = None) -> Any:
        """`engine_call`, retried with backoff while the engine is not up yet.

        A started engine takes a few seconds before it serves requests; until then its gateway
        answers 502/503/504 or refuses the connection. Those answers are retried with the job
        polling's backoff until `polling.timeout`; any other failure is raised at once.

        Raises:
            EngineError: the call failed, or the engine was still unavailable at the deadline.
        """
        polling = self.polling
        deadline = polling.clock() + polling.timeout
        delay = polling.first_delay
        while True:
            try:
                return self.engine_call(service_id, method, endpoint, body)
            except EngineUnavailableError as error:
                if polling.clock() + delay > deadline:
                    raise EngineError(
                        f"{error} (the engine was not ready within {polling.timeout:g} s)"
                    ) from None
                logger.info(
                    "GAE %s not ready yet (%s); retrying in %.1f s", service_id, error, delay
                )
            polling.sleep(delay)
            delay = min(delay * polling.factor, polling.max_delay)

    def wait(self, service_id: str, job_id: Any, what: str) -> dict[str, Any]:
        """Poll a job until it is done, with exponential backoff.

        Returns:
            The finished job's status document.

        Raises:
            EngineError: the job failed or did not finish within `polling.timeout`.
        """
        polling = self.polling
        deadline = polling.clock() + polling.timeout
        delay = polling.first_delay
        while True:
            job = self.engine_call(service_id, "GET", f"jobs/{job_id}")
            if job.get("error"):
                message = job.get("error_message") or job.get("errorMessage") or "no reason given"
                raise EngineError(f"{self._where}: {what} (job {job_id}) failed: {message}")
            progress, total = job.get("progress"), job.get("total")
            numbers = isinstance(progress, int | float) and isinstance(total, int | float)
            if numbers and progress >= total:
                return dict(job)
            if polling.clock() + delay > deadline:
                raise EngineError(
                    f"{self._where}: {what} (job {job_id}) did not finish within "
                    f"{polling.timeout:g} s (progress {progress}/{total})"
                )
            polling.sleep(delay)
            delay = min(delay * polling.factor, polling.max_delay)


def _postfix(service_id: str) -> str:
    """The engine URL part of a service id (`arangodb-gral-abc12` -> `abc12`)."""
    return service_id.rsplit("-", 1)[-1]


def _error_text(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.reason or "no details"
    if isinstance(body, dict):
        for key in ("errorMessage", "error_message", "message"):
            if body.get(key):
                return str(body[key])
    return response.reason or "no details"


@dataclass
class GAEEngine:
    """Runs templates on a Graph Analytics Engine of the live source."""

    engine_id: str | None = None
    """An existing engine's service id to use (never deleted); None starts one per template."""
    polling: JobPolling = field(default_factory=JobPolling)
    write_results: bool = False
    """Write the per-vertex values into the run's `gaai_results_*` collection (write-back)."""
    name = "gae"

    @staticmethod
    def supports(algorithm: str) -> bool:
        """Whether the GAE runs `algorithm`."""
        return algorithm in GAE_ALGORITHMS

    def run(
        self,
        data: ArangoGraphData,
        template: AnalysisTemplate,
        label_attributes: dict[str, str | None],
        *,
        seed: int = 42,
        run_key: str = "run",
    ) -> ExecutionResult:
        """Load the template's projection into a GAE, run its algorithm, summarise the result.

        Args:
            data: The live source (its catalog checks every collection name first).
            template: The analysis; its algorithm must be in `GAE_ALGORITHMS`.
            label_attributes: Vertex collection -> attribute with a human label (or None).
            seed: Recorded for randomised algorithms (the GAE draws its own randomness).
            run_key: Identifies the run: names its write-back collection and the temporary
                collection's hash.

        Returns:
            The execution result, summarised over every vertex like the local engine's.

        Raises:
            EngineError: the algorithm is not available on the GAE, or a job failed or timed
                out. Whatever this call created is deleted before it raises.
            SourceError: the source is not live, a collection is unknown, or writing the
                results back failed.
        """
        if not isinstance(data, ArangoGraphData) or data.connection is None or not data.catalog:
            raise SourceError(f"the GAE needs a live arangodb:// source, not {data.source}")
        if not self.supports(template.algorithm):
            raise EngineError(
                f"{template.algorithm} is not available on the Graph Analytics Engine "
                f"(available: {', '.join(sorted(GAE_ALGORITHMS))})"
            )
        connection, catalog = data.connection, data.catalog
        projection = template.projection
        vertices = [
            catalog.checked_collection(n, "document") for n in projection.vertex_collections
        ]
        edges = [catalog.checked_collection(n, "edge") for n in projection.edge_collections]
        spec = get_method(template.algorithm)
        parameters = spec.validate(template.parameters)
        gae = spec.gae
        if gae is None:  # supports() said otherwise: a method without a GAE run
            raise EngineError(f"{template.algorithm} is not available on the GAE")
        client = GAEClient(connection, polling=self.polling)
        started_engine: str | None = None
        graph_id: Any = None
        result_collection: str | None = None
        clock = time.perf_counter()
        try:
            service_id = self.engine_id
            if service_id is None:
                service_id = started_engine = client.start_engine()
            # The first call to the engine: it may still be starting.
            loaded = client.call_when_ready(
                service_id,
                "POST",
                "loaddata",
                {
                    "database": connection.target.database,
                    "vertex_collections": vertices,
                    "edge_collections": edges,
                },
            )
            graph_id = loaded.get("graph_id")
            client.wait(service_id, loaded.get("job_id"), "loading the projection")
            body = {"graph_id": graph_id, **gae.body(parameters)}
            job = client.engine_call(service_id, "POST", gae.endpoint, body)
            client.wait(service_id, job.get("job_id"), f"running {template.algorithm}")
            algorithm_seconds = time.perf_counter() - clock
            # Named before it is made, so cleanup drops it even if creating it "failed" after
            # the server made it (a timeout); the random part means it is never someone else's.
            result_collection = _result_collection_name(template, run_key)
            with connection.errors(f"creating GAE result collection {result_collection!r}"):
                connection.db.create_collection(result_collection)
            stored = client.engine_call(
                service_id,
                "POST",
                "storeresults",
                {
                    "database": connection.target.database,
                    "target_collection": result_collection,
                    "job_ids": [job.get("job_id")],
                    "attribute_names": [spec.result_attribute],
                },
            )
            client.wait(service_id, stored.get("job_id"), "storing results")
            values = _read_results(connection, result_collection, spec.result_attribute)
            labels = _read_labels(connection, vertices, label_attributes)
        finally:
            _cleanup(client, started_engine, graph_id, connection, result_collection, self)
        result = _summarise(
            template, parameters, values, labels, algorithm_seconds, directed=projection.directed
        )
        if self.write_results:
            _write_back(data, template, values, run_key, result)
        return result


def _result_collection_name(template: AnalysisTemplate, run_key: str) -> str:
    digest = hashlib.sha256(f"{run_key}\0{template.id}".encode()).hexdigest()[:8]
    return f"{GAE_COLLECTION_PREFIX}{digest}_{uuid.uuid4().hex[:12]}"


def _write_back(
    data: ArangoGraphData,
    template: AnalysisTemplate,
    values: dict[str, Any],
    run_key: str,
    result: ExecutionResult,
) -> None:
    """Write the engine's per-vertex values into the run's write-back collection."""
    from gaai_graph.sources.arango_writeback import result_writer

    writer = result_writer(data, run_key)
    vertex_ids = sorted(values)
    if get_method(template.algorithm).kind == "scoring":
        written = writer.write_values(
            template, ((v, float(values[v])) for v in vertex_ids), "score"
        )
    else:
        written = writer.write_values(
            template, zip(vertex_ids, _dense_groups(values, vertex_ids), strict=True), "group"
        )
    result.notes.append(
        f"{written:,} per-vertex results written to ArangoDB collection {writer.collection_name!r}"
    )


def _dense_groups(values: dict[str, Any], vertex_ids: list[str]) -> list[int]:
    """Group labels (vertex ids or numbers, as the GAE returns them) numbered 0, 1, ..."""
    numbering: dict[str, int] = {}
    return [numbering.setdefault(str(values[v]), len(numbering)) for v in vertex_ids]


def _read_results(connection: ArangoConnection, collection: str, attribute: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for vertex_id, value in connection.stream(
        RESULTS_QUERY,
        {"@collection": collection, "attribute": attribute},
        action=f"reading GAE results from {collection!r}",
    ):
        if isinstance(vertex_id, str) and value is not None:
            values[vertex_id] = value
    if not values:
        raise EngineError(f"the Graph Analytics Engine stored no results in {collection!r}")
    return values


def _read_labels(
    connection: ArangoConnection, vertices: list[str], label_attributes: dict[str, str | None]
) -> dict[str, str]:
    labels: dict[str, str] = {}
    for collection in vertices:
        attribute = label_attributes.get(collection)
        if not attribute:
            continue
        for vertex_id, label in connection.stream(
            LABELS_QUERY,
            {"@collection": collection, "attribute": attribute},
            action=f"reading labels of {collection!r}",
        ):
            if label not in (None, ""):
                labels[vertex_id] = str(label)
    return labels


def _cleanup(
    client: GAEClient,
    started_engine: str | None,
    graph_id: Any,
    connection: ArangoConnection,
    result_collection: str | None,
    engine: GAEEngine,
) -> None:
    """Delete what this call created, and only that; report (not raise) what fails."""
    service_id = started_engine or engine.engine_id
    steps: list[tuple[str, Callable[[], Any]]] = []
    if graph_id is not None and service_id is not None:
        steps.append(
            (
                f"graph {graph_id}",
                lambda: client.engine_call(service_id, "DELETE", f"graphs/{graph_id}"),
            )
        )
    if result_collection is not None:
        steps.append(
            (
                f"collection {result_collection}",
                lambda: connection.db.delete_collection(result_collection, ignore_missing=True),
            )
        )
    if started_engine is not None:
        steps.append((f"engine {started_engine}", lambda: client.delete_engine(started_engine)))
    for what, step in steps:
        try:
            step()
        except Exception as error:  # cleanup must not hide the run's own outcome
            logger.warning("GAE cleanup: could not delete %s: %s", what, error)
    client.close()


def _summarise(
    template: AnalysisTemplate,
    parameters: dict[str, Any],
    values: dict[str, Any],
    labels: dict[str, str],
    seconds: float,
    *,
    directed: bool,
) -> ExecutionResult:
    vertex_ids = sorted(values)
    spec = get_method(template.algorithm)
    metrics: dict[str, MetricValue] = {
        "vertex_count": len(vertex_ids),
        "runtime_seconds": round(seconds, 6),
        "directed": directed,
        "engine": "gae",
    }
    notes = ["computed on the ArangoDB Graph Analytics Engine"]
    result = ExecutionResult(
        template_id=template.id,
        status="succeeded",
        algorithm=template.algorithm,
        parameters=parameters,
        projection=template.projection,
        metrics=metrics,
        notes=notes,
    )
    if spec.kind == "scoring":
        scores = np.asarray([float(values[v]) for v in vertex_ids], dtype=np.float64)
        if not np.isfinite(scores).all():
            raise EngineError(f"{template.algorithm} on the GAE produced non-finite scores")
        summary = summarize_scores(
            scores,
            vertex_ids,
            [labels.get(v, v.partition("/")[2]) for v in vertex_ids],
            top_k=template.top_k,
            result_collections=template.result_collections,
        )
        result.statistics = summary.statistics
        result.score_histogram = summary.histogram
        result.top_entities = summary.top_entities
        result.metrics.update(summary.metrics)
    else:
        membership = _dense_groups(values, vertex_ids)
        groups = summarize_groups(
            np.asarray(membership, dtype=np.int64),
            vertex_ids,
            np.zeros(len(vertex_ids)),
            top_k=template.top_k,
            result_collections=template.result_collections,
        )
        result.group_count = groups.group_count
        result.groups = groups.groups
        result.group_size_histogram = groups.size_histogram
        result.metrics.update(groups.metrics)
        result.notes.extend(groups.notes)
        result.notes.append("member samples are not ordered by degree (the GAE returns none)")
    return result


def run_on_gae(
    data: Any,
    template: AnalysisTemplate,
    label_attributes: dict[str, str | None],
    *,
    engine_id: str | None,
    keep_results: bool,
    seed: int,
    run_key: str,
) -> ExecutionResult | None:
    """Run `template` on the GAE when it can; None means "run it on the local engine".

    Args:
        data: The loaded source (must be a live ArangoDB source).
        template: The analysis.
        label_attributes: Vertex collection -> label attribute.
        engine_id: An existing engine to use (never deleted), or None to start one.
        keep_results: Write the per-vertex results into the run's `gaai_results_*` collection
            (`Context.write_results`); the GAE's temporary collection is dropped either way.
        seed: Seed for randomised algorithms.
        run_key: Identifies the run.

    Returns:
        The execution result, or None when the GAE lacks the template's algorithm or a step
        it needs (a two-mode projection onto one side, leaders within groups).
    """
    if not GAEEngine.supports(template.algorithm):
        logger.info("%s is not available on the GAE; running it locally", template.algorithm)
        return None
    if template.projection.onto or template.ranked_within:
        # Projecting a two-mode graph onto one side, and ranking inside each group, are
        # steps of the local engine the GAE has no counterpart for.
        logger.info("%s projects or ranks within groups; running it locally", template.id)
        return None
    engine = GAEEngine(engine_id=engine_id, write_results=keep_results)
    return engine.run(data, template, label_attributes, seed=seed, run_key=run_key)
