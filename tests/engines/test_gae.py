"""The Graph Analytics Engine path, replayed from recorded exchanges through real HTTP clients."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sources"))

from arango_replay import Exchange, FakeArangoServer, FakeCollection, ReplayServer, load_exchanges

from gaai_graph.engines.gae import GAEEngine, JobPolling
from gaai_graph.errors import EngineError, SourceError
from gaai_graph.models import AnalysisTemplate, GraphProjection
from gaai_graph.sources.arango import ArangoGraphData, load_arango
from gaai_graph.sources.demo import load_bundled_demo


class FakeClock:
    """Time that passes only when the poller sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def __call__(self) -> float:
        return self.now


def _polling(clock: FakeClock, timeout: float = 60.0) -> JobPolling:
    return JobPolling(
        timeout=timeout, first_delay=0.2, max_delay=5.0, sleep=clock.sleep, clock=clock
    )


def _template(algorithm: str = "pagerank") -> AnalysisTemplate:
    return AnalysisTemplate.model_construct(
        id="TPL-001",
        algorithm=algorithm,
        parameters={},
        projection=GraphProjection(
            vertex_collections=["customers"], edge_collections=["referred"], directed=True
        ),
        top_k=2,
        result_collections=[],
    )


def _data(server: ReplayServer) -> ArangoGraphData:
    return load_arango(server.source("shop", password="pw"), environ={}, retry_attempts=0)


def test_pagerank_lifecycle_runs_stores_reads_back_and_cleans_up() -> None:
    clock = FakeClock()
    with ReplayServer.from_fixture("introspection", "gae_lifecycle") as server:
        result = GAEEngine(polling=_polling(clock)).run(
            _data(server), _template(), {"customers": "name"}, run_key="run-1"
        )
    assert server.unexpected == [] and server.remaining == []
    assert result.status == "succeeded"
    assert result.metrics["vertex_count"] == 3 and result.metrics["engine"] == "gae"
    assert [(e.id, e.label) for e in result.top_entities] == [
        ("customers/c1", "Ana"),
        ("customers/c2", "Bo"),
    ]
    assert result.statistics is not None and result.statistics.max == pytest.approx(0.4)
    # Backoff between polls, starting again for each job.
    assert clock.sleeps == [0.2, 0.2]
    deletes = [r.path for r in server.requests if r.method == "DELETE"]
    assert deletes[0] == "/gral/x7k2p/v1/graphs/1"
    assert deletes[1].startswith("/_db/shop/_api/collection/gaai_gae_")
    assert deletes[2] == "/_platform/acp/v1/service/arangodb-gral-x7k2p"
    # The temporary collection dropped is the one made and stored into, nothing else.
    (created,) = [
        r.body["name"]
        for r in server.requests
        if r.method == "POST" and r.path.endswith("/_api/collection")
    ]
    stored = [r for r in server.requests if r.path.endswith("/storeresults")]
    assert stored[0].body["target_collection"] == created == deletes[1].rsplit("/", 1)[1]


def test_an_engine_still_starting_is_retried_with_backoff_until_it_loads() -> None:
    """The first loaddata meets 503, the second 502: both retried, then the normal lifecycle."""
    clock = FakeClock()
    with ReplayServer.from_fixture("introspection", "gae_engine_starting") as server:
        result = GAEEngine(polling=_polling(clock)).run(
            _data(server), _template(), {"customers": "name"}, run_key="run-1"
        )
    assert server.unexpected == [] and server.remaining == []
    assert result.status == "succeeded" and result.metrics["vertex_count"] == 3
    loads = [r for r in server.requests if r.path.endswith("/loaddata")]
    assert len(loads) == 3
    # Backoff while the engine starts (0.2, 0.4), then the job polls of the lifecycle.
    assert clock.sleeps == [0.2, 0.4, 0.2, 0.2]


def test_an_engine_that_never_gets_ready_gives_up_at_the_timeout_and_is_deleted() -> None:
    clock = FakeClock()
    start, loaddata = load_exchanges("gae_lifecycle")[:2]
    unavailable = Exchange(
        method="POST",
        path=loaddata.path,
        status=503,
        response={"error": True, "code": 503, "errorMessage": "service unavailable"},
    )
    delete_engine = load_exchanges("gae_lifecycle")[-1]
    exchanges = [*load_exchanges("introspection"), start, *[unavailable] * 3, delete_engine]
    with (
        ReplayServer(exchanges) as server,
        pytest.raises(EngineError, match=r"HTTP 503.*not ready within 1 s"),
    ):
        GAEEngine(polling=_polling(clock, timeout=1.0)).run(
            _data(server), _template(), {}, run_key="run-1"
        )
    assert server.unexpected == [] and server.remaining == []
    assert clock.sleeps == [0.2, 0.4]


def test_a_refused_engine_connection_is_retried_like_a_starting_engine() -> None:
    """Connection refused on the first call (the engine's port not open yet) is retried."""
    from gaai_graph.engines.gae import GAEClient

    clock = FakeClock()
    with ReplayServer.from_fixture("introspection") as server:
        data = _data(server)
    assert data.connection is not None
    client = GAEClient(data.connection, polling=_polling(clock, timeout=1.0))
    # The server is shut: every attempt is refused.
    with pytest.raises(EngineError, match=r"cannot connect.*not ready within 1 s"):
        client.call_when_ready("arangodb-gral-x7k2p", "POST", "loaddata", {})
    assert clock.sleeps == [0.2, 0.4]
    client.close()


def test_a_failed_store_still_drops_the_temporary_collection() -> None:
    clock = FakeClock()
    with (
        ReplayServer.from_fixture("introspection", "gae_store_failed") as server,
        pytest.raises(EngineError, match=r"storing results .* failed: cannot write"),
    ):
        GAEEngine(polling=_polling(clock)).run(_data(server), _template(), {}, run_key="run-1")
    assert server.unexpected == [] and server.remaining == []
    (created,) = [
        r.body["name"]
        for r in server.requests
        if r.method == "POST" and r.path.endswith("/_api/collection")
    ]
    assert f"/_db/shop/_api/collection/{created}" in [
        r.path for r in server.requests if r.method == "DELETE"
    ]


def test_write_back_on_the_gae_goes_to_the_runs_results_collection() -> None:
    """`--engine gae --write-results`: one gaai_results_* collection, import_bulk, replace."""
    from gaai_graph.sources.arango import OWN_COLLECTION_PREFIXES
    from gaai_graph.sources.arango_writeback import result_collection_name

    clock = FakeClock()
    with ReplayServer.from_fixture("introspection", "gae_write_back") as server:
        result = GAEEngine(polling=_polling(clock), write_results=True).run(
            _data(server), _template(), {"customers": "name"}, run_key="run-1"
        )
    assert server.unexpected == [] and server.remaining == []
    created = [
        r.body["name"]
        for r in server.requests
        if r.method == "POST" and r.path.endswith("/_api/collection")
    ]
    assert created[0].startswith("gaai_gae_") and created[1] == result_collection_name("run-1")
    assert all(name.startswith(OWN_COLLECTION_PREFIXES) for name in created)
    deletes = [r.path for r in server.requests if r.method == "DELETE"]
    assert f"/_db/shop/_api/collection/{created[0]}" in deletes, "temporary collection dropped"
    assert not any(created[1] in path for path in deletes), "the results collection stays"
    (imported,) = [r for r in server.requests if r.path.endswith("/_api/import")]
    assert imported.params["collection"] == created[1]
    assert imported.params["onDuplicate"] == "replace"
    rows = {d["vertex"]: d for d in imported.body}
    assert {v: d["score"] for v, d in rows.items()} == {
        "customers/c1": 0.4,
        "customers/c2": 0.35,
        "customers/c3": 0.25,
    }
    assert all(d["template_id"] == "TPL-001" and d["run"] == "run-1" for d in imported.body)
    assert len({d["_key"] for d in imported.body}) == 3
    assert any(created[1] in note for note in result.notes)


def test_gae_temporary_collections_are_left_out_of_the_analysed_graph() -> None:
    """A gaai_gae_* collection (e.g. left by a killed run) changes no schema or fingerprint."""
    from gaai_graph.engines.gae import _result_collection_name

    with FakeArangoServer(load_bundled_demo(), "shop") as server:
        before = load_arango(server.source("shop"), environ={})
        name = _result_collection_name(_template(), "run-1")
        server.created[name] = FakeCollection(
            name, 2, {"1": {"_key": "1", "id": "customers/c1", "rank": 0.1}}
        )
        after = load_arango(server.source("shop"), environ={})
    assert name not in after.collections
    assert after.catalog is not None and name in after.catalog.skipped_own
    assert after.fingerprint == before.fingerprint


def test_a_job_that_never_finishes_times_out_with_backoff_and_cleans_up() -> None:
    clock = FakeClock()
    with (
        ReplayServer.from_fixture("introspection", "gae_timeout") as server,
        pytest.raises(EngineError, match=r"did not finish within 3 s \(progress 0/2\)"),
    ):
        GAEEngine(polling=_polling(clock, timeout=3.0)).run(
            _data(server), _template(), {}, run_key="run-1"
        )
    assert server.unexpected == [] and server.remaining == []
    assert clock.sleeps == [0.2, 0.4, 0.8, 1.6]


def test_a_failed_job_on_a_user_engine_deletes_only_what_the_run_created() -> None:
    clock = FakeClock()
    with (
        ReplayServer.from_fixture("introspection", "gae_failed_job") as server,
        pytest.raises(EngineError, match="failed: out of memory while loading"),
    ):
        GAEEngine(engine_id="arangodb-gral-user1", polling=_polling(clock)).run(
            _data(server), _template(), {}, run_key="run-1"
        )
    # The recording ends with deleting the graph: deleting the engine would be unexpected.
    assert server.unexpected == [] and server.remaining == []
    assert not any("/_platform/" in r.path for r in server.requests)
    assert all("pw" not in r.path for r in server.requests)


def test_unsupported_algorithms_and_offline_sources_are_refused() -> None:
    with ReplayServer.from_fixture("introspection") as server:
        data = _data(server)
        with pytest.raises(EngineError, match="not available on the Graph Analytics Engine"):
            GAEEngine().run(data, _template("leiden"), {})
    assert server.remaining == []
    with pytest.raises(SourceError, match="needs a live arangodb:// source"):
        GAEEngine().run(load_bundled_demo(), _template(), {})  # type: ignore[arg-type]


def test_projection_names_are_checked_before_the_engine_is_touched() -> None:
    template = _template()
    template.projection = GraphProjection(
        vertex_collections=["customers` RETURN 1 //"], edge_collections=["referred"]
    )
    with ReplayServer.from_fixture("introspection") as server:
        data = _data(server)
        with pytest.raises(SourceError, match="not in the database's introspected schema"):
            GAEEngine().run(data, template, {})
    assert not any("/gral/" in r.path or "/_platform/" in r.path for r in server.requests)


def test_engine_settings_are_validated_and_unsupported_algorithms_fall_back() -> None:
    from gaai_graph.context import Context
    from gaai_graph.engines.gae import run_on_gae
    from gaai_graph.errors import GaaiError

    with pytest.raises(GaaiError, match="engine must be 'local', 'gae' or 'auto'"):
        Context(engine="pregel")
    with pytest.raises(GaaiError, match="need a live source"):
        Context(engine="gae", source="demo")
    assert Context(engine="gae", source="arangodb://h:1/db").engine == "gae"
    # No request is made for an algorithm the GAE lacks: it runs on the local engine.
    assert (
        run_on_gae(
            None,
            _template("leiden"),
            {},
            engine_id=None,
            keep_results=False,
            seed=1,
            run_key="r",
        )
        is None
    )
