"""Tests of the per-template chain: execution, report, failure capture, shared projections."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest

from gaai_graph.context import Context
from gaai_graph.models import AnalysisTemplate, GraphProjection
from gaai_graph.nodes import execute as execute_module
from gaai_graph.nodes.execute import _ProjectionCache, run_template
from gaai_graph.nodes.schema import profile_schema
from gaai_graph.nodes.vertical import builtin_verticals
from gaai_graph.sources import ProjectionData, load_graph_sync
from gaai_graph.state import TemplateTask


def _task(template_id: str = "TPL-001", algorithm: str = "pagerank") -> TemplateTask:
    data = load_graph_sync("demo")
    schema = profile_schema(data, graph_name=None, core_collections=None)
    template = AnalysisTemplate(
        id=template_id,
        use_case_id="UC-001",
        requirement_ids=[],
        title="Referral influence",
        algorithm=algorithm,  # type: ignore[arg-type]
        projection=GraphProjection(
            vertex_collections=["customers"], edge_collections=["referred"], directed=False
        ),
        result_collections=["customers"],
    )
    return TemplateTask(
        template=template,
        use_case=None,
        schema=schema,
        vertical=builtin_verticals()["ecommerce"],
        requirements=[],
    )


def _runtime(context: Context | None = None) -> Any:
    return SimpleNamespace(
        context=context, execution_info=SimpleNamespace(checkpoint_id="test-checkpoint")
    )


async def test_chain_returns_execution_report_and_both_timings() -> None:
    update = await run_template(_task(), _runtime())

    [execution] = update["executions"]
    [report] = update["reports"]
    assert execution.status == report.status == "succeeded"
    assert report.top_entities == execution.top_entities
    assert [t.phase for t in update["timings"]] == ["execute", "report"]
    assert update["errors"] == []


async def test_report_failure_keeps_the_computed_results(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_writer(task: TemplateTask, execution: Any) -> Any:
        raise ValueError("template for wording missing")

    monkeypatch.setattr(execute_module, "write_report", broken_writer)
    update = await run_template(_task(), _runtime())

    [execution] = update["executions"]
    [report] = update["reports"]
    assert execution.status == "succeeded"
    assert report.status == "failed"
    assert "template for wording missing" in (report.error or "")
    assert report.top_entities and report.top_entities == execution.top_entities
    assert report.statistics == execution.statistics
    assert [(e.phase, e.template_id) for e in update["errors"]] == [("report", "TPL-001")]


async def test_invalid_parameters_fail_only_in_the_result() -> None:
    task = _task()
    task.template.parameters = {"damping_factor": 1.5}

    update = await run_template(task, _runtime())

    [report] = update["reports"]
    assert report.status == "failed"
    assert "damping_factor" in (report.error or "")
    assert update["errors"][0].phase == "execute"


async def test_gate_is_released_after_the_chains_finish() -> None:
    await asyncio.gather(
        *(run_template(_task(f"TPL-{i}"), _runtime(Context(max_executions=2))) for i in range(4))
    )
    assert not execute_module._gates


async def test_projections_are_released_when_the_last_chain_finishes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cached_while_running: list[int] = []
    real_describe = execute_module.describe_result

    def describe_and_count(*args: Any, **kwargs: Any) -> Any:
        cached_while_running.append(len(execute_module._projections._entries))
        return real_describe(*args, **kwargs)

    monkeypatch.setattr(execute_module, "describe_result", describe_and_count)
    await asyncio.gather(
        *(run_template(_task(f"TPL-{i}"), _runtime(Context(max_executions=2))) for i in range(3))
    )

    # Shared while the chains ran (one projection for the three), gone once they are done.
    assert cached_while_running == [1, 1, 1]
    assert not execute_module._projections._entries


def _one_vertex(name: str) -> ProjectionData:
    """A projection of one vertex collection `name` holding the single vertex `name`."""
    return ProjectionData(
        vertex_ids=[name],
        labels=[name],
        edges=[],
        directed=True,
        projection=GraphProjection(vertex_collections=[name], edge_collections=[]),
    )


def test_a_projection_is_forgotten_when_the_last_template_using_it_is_done() -> None:
    cache = _ProjectionCache()
    build = _one_vertex

    for wanted in ("big", "big", "small"):
        cache.want(wanted)
    cache.get_or_build(("load", "big"), lambda: build("big"))
    cache.get_or_build(("load", "small"), lambda: build("small"))

    assert not cache.release("big")  # another template still runs on it
    assert ("load", "big") in cache._entries
    assert cache.release("big")
    assert list(cache._entries) == [("load", "small")]
    assert cache.release("small")
    assert not cache._entries
    assert not cache.release("small")  # released more than wanted: nothing to forget


def test_projection_cache_builds_a_shared_projection_once() -> None:
    cache = _ProjectionCache(capacity=2)
    builds: list[int] = []
    projection = ProjectionData(
        vertex_ids=[],
        labels=[],
        edges=[],
        directed=True,
        projection=GraphProjection(vertex_collections=["a"], edge_collections=[]),
    )

    def slow_build() -> ProjectionData:
        builds.append(1)
        time.sleep(0.05)
        return projection

    results: list[ProjectionData] = []
    threads = [
        threading.Thread(
            target=lambda: results.append(cache.get_or_build(("s", "f", "p"), slow_build))
        )
        for _ in range(6)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(builds) == 1
    assert all(result is projection for result in results)


def test_projection_cache_evicts_least_recently_used() -> None:
    cache = _ProjectionCache(capacity=2)
    built: list[str] = []

    def builder(name: str) -> Any:
        def build() -> ProjectionData:
            built.append(name)
            return _one_vertex(name)

        return build

    for name in ("a", "b", "a", "c", "a", "b"):
        cache.get_or_build(("s", "f", name), builder(name))

    # "b" was evicted when "c" arrived (a was used more recently), so it is built twice.
    assert built == ["a", "b", "c", "b"]


async def test_a_failed_execution_keeps_what_was_measured_before_it_failed() -> None:
    task = _task()
    task.template.parameters = {"damping_factor": 1.5}  # refused once the projection is built

    [execution] = (await run_template(task, _runtime()))["executions"]

    demo = load_graph_sync("demo")
    assert execution.status == "failed"
    assert execution.metrics["vertex_count"] == len(demo.collections["customers"].documents)
    assert execution.metrics["edge_count"] == len(demo.collections["referred"].documents)
    runtime = execution.metrics["runtime_seconds"]
    assert isinstance(runtime, float) and runtime >= 0


async def test_a_rewritten_snapshot_with_the_same_counts_gets_fresh_projections(
    tmp_path: Any,
) -> None:
    import json
    import os

    people = [{"_key": name, "name": name} for name in ("a", "b", "c", "d")]

    def write(hub: str, stamp: float) -> None:
        # A star around `hub`: the same counts whichever vertex is the hub.
        knows = [
            {"_key": str(n), "_from": f"people/{other}", "_to": f"people/{hub}"}
            for n, other in enumerate(p["_key"] for p in people if p["_key"] != hub)
        ]
        for name, documents in (("people", people), ("knows", knows)):
            lines = "".join(json.dumps(document) + "\n" for document in documents)
            (tmp_path / f"{name}.jsonl").write_text(lines)
        for path in [tmp_path, *tmp_path.iterdir()]:
            os.utime(path, (stamp, stamp))

    async def leader() -> str:
        data = load_graph_sync(str(tmp_path))
        schema = profile_schema(data, graph_name=None, core_collections=None)
        template = AnalysisTemplate(
            id="TPL-001",
            use_case_id="UC-001",
            requirement_ids=[],
            title="Hubs",
            algorithm="degree",
            projection=GraphProjection(vertex_collections=["people"], edge_collections=["knows"]),
        )
        task = TemplateTask(
            template=template,
            use_case=None,
            schema=schema,
            vertical=builtin_verticals()["ecommerce"],
            requirements=[],
        )
        context = Context(source=str(tmp_path))
        [execution] = (await run_template(task, _runtime(context)))["executions"]
        return execution.top_entities[0].id

    write("a", 1_000_000.0)
    assert await leader() == "people/a"
    write("c", 2_000_000.0)
    assert await leader() == "people/c"


# --------------------------------------------------------------------------- engine choice


def _on_gae_forbidden(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("the GAE was asked to run a template")


async def test_auto_runs_a_snapshot_locally_whatever_its_size(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gaai_graph.engines import gae as gae_module
    from gaai_graph.sources.demo import bundle_demo

    snapshot = bundle_demo(tmp_path / "snapshot")
    monkeypatch.setenv("GAAI_GAE_MIN_EDGES", "1")  # every projection is "large"
    monkeypatch.setattr(gae_module, "run_on_gae", _on_gae_forbidden)
    asked: list[tuple[str, int, bool]] = []
    choose = execute_module.choose_engine

    def spy(requested: str, *, edge_count: int, live_source: bool) -> Any:
        asked.append((requested, edge_count, live_source))
        return choose(requested, edge_count=edge_count, live_source=live_source)

    monkeypatch.setattr(execute_module, "choose_engine", spy)
    context = Context(source=str(snapshot), engine="auto")
    task = _task()
    data = load_graph_sync(str(snapshot))

    result = await execute_module.execute_template(task, context)

    assert result.status == "succeeded", result.error
    referred = len(data.collections["referred"].documents)
    assert asked == [("auto", referred, False)]


async def test_execute_runs_where_the_choice_says(monkeypatch: pytest.MonkeyPatch) -> None:
    """The engine comes from `choose_engine`, not from reading `Context.engine` directly."""
    from gaai_graph.engines import gae as gae_module
    from gaai_graph.models import ExecutionResult

    on_gae = ExecutionResult(template_id="TPL-001", algorithm="pagerank", status="succeeded")
    calls: list[str] = []

    def fake_gae(data: Any, template: AnalysisTemplate, *args: Any, **kwargs: Any) -> Any:
        calls.append(template.id)
        return on_gae

    monkeypatch.setattr(gae_module, "run_on_gae", fake_gae)
    monkeypatch.setattr(execute_module, "choose_engine", lambda requested, **_: "gae")

    result = await execute_module.execute_template(_task(), Context(engine="local"))

    assert result is on_gae and calls == ["TPL-001"]


def test_auto_is_refused_with_a_malformed_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    from gaai_graph.errors import GaaiError

    monkeypatch.setenv("GAAI_GAE_MIN_EDGES", "lots")
    with pytest.raises(GaaiError, match="GAAI_GAE_MIN_EDGES"):
        Context(engine="auto")
    assert Context(engine="local").engine == "local"  # only auto reads the threshold


async def test_an_offloaded_algorithm_reports_what_an_in_process_run_reports(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from gaai_graph.engines import offload

    monkeypatch.setattr(offload, "usable_cores", lambda: 2)
    calls: list[str] = []
    elsewhere, reserved = offload.compute_elsewhere, offload.reserved_worker

    def recorded(data: Any, template: Any, *, seed: int, worker: Any) -> Any:
        calls.append(f"{template.algorithm} on the reserved worker: {worker is not None}")
        return elsewhere(data, template, seed=seed, worker=worker)

    @contextlib.contextmanager
    def reserve_recorded() -> Iterator[Any]:
        calls.append("worker reserved")
        with reserved() as worker:
            yield worker

    monkeypatch.setenv("GAAI_OFFLOAD_MIN_EDGES", "1")
    monkeypatch.setattr(execute_module, "compute_elsewhere", recorded)
    monkeypatch.setattr(execute_module, "reserved_worker", reserve_recorded)
    sequential = await run_template(
        _task(algorithm="leiden"), _runtime(Context(enable_parallelism=False))
    )
    assert calls == []  # a sequential run neither reserves nor asks a worker
    parallel = await run_template(_task(algorithm="leiden"), _runtime(Context()))
    # The worker is reserved when the chain starts, before the projection is built.
    assert calls == ["worker reserved", "leiden on the reserved worker: True"]
    [before], [after] = sequential["executions"], parallel["executions"]
    assert after.status == "succeeded"
    assert after.groups == before.groups
    assert after.partition_profile == before.partition_profile
    assert after.names == before.names


async def test_analyses_of_a_parallel_run_take_turns_by_cores_and_size(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from gaai_graph.nodes import admission

    monkeypatch.setattr(admission, "usable_cores", lambda: 2)
    in_flight: list[str] = []
    together: list[list[str]] = []
    real_run = execute_module._engine.run

    def run_and_record(data: Any, template: AnalysisTemplate, **kwargs: Any) -> Any:
        in_flight.append(template.id)
        together.append(sorted(in_flight))
        time.sleep(0.02)
        try:
            return real_run(data, template, **kwargs)
        finally:
            in_flight.remove(template.id)

    monkeypatch.setattr(execute_module._engine, "run", run_and_record)
    small = [_task(f"TPL-{i}") for i in range(4)]  # customers and referred
    large = _task("TPL-LARGE", algorithm="degree")
    large.template.projection = GraphProjection(
        vertex_collections=["customers", "orders", "products"],
        edge_collections=["placed", "contains", "referred"],
    )
    context = Context(max_executions=8)
    await asyncio.gather(*(run_template(t, _runtime(context)) for t in [large, *small]))

    # Never more analyses than cores, the largest alone, the small ones two at a time.
    assert max(len(t) for t in together) == 2
    assert ["TPL-LARGE"] in together
    assert all(len(t) == 1 for t in together if "TPL-LARGE" in t)
    assert not execute_module._gates and not execute_module._projections._entries


async def test_the_user_bound_holds_when_it_is_tighter_than_the_cores(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from gaai_graph.nodes import admission

    monkeypatch.setattr(admission, "usable_cores", lambda: 8)
    running: list[int] = [0]
    most: list[int] = [0]
    real_describe = execute_module.describe_result

    def describe_and_count(*args: Any, **kwargs: Any) -> Any:
        running[0] += 1
        most[0] = max(most[0], running[0])
        time.sleep(0.02)
        try:
            return real_describe(*args, **kwargs)
        finally:
            running[0] -= 1

    monkeypatch.setattr(execute_module, "describe_result", describe_and_count)
    await asyncio.gather(
        *(run_template(_task(f"TPL-{i}"), _runtime(Context(max_executions=1))) for i in range(3))
    )
    assert most[0] == 1


async def test_an_algorithm_in_a_worker_takes_no_place_among_the_analyses(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from gaai_graph.engines import offload
    from gaai_graph.nodes import admission

    # One place for this process's analyses: the PageRank beside the Leiden can only start
    # while the Leiden computes if the Leiden, in its worker, does not hold that place.
    monkeypatch.setattr(admission, "usable_cores", lambda: 1)
    monkeypatch.setattr(offload, "usable_cores", lambda: 2)
    monkeypatch.setenv("GAAI_OFFLOAD_MIN_EDGES", "1")
    pagerank_started = threading.Event()
    seen_while_computing: list[bool] = []
    elsewhere, real_run = offload.compute_elsewhere, execute_module._engine.run

    def compute_waiting(data: Any, template: Any, **kwargs: Any) -> Any:
        seen_while_computing.append(pagerank_started.wait(timeout=10))
        return elsewhere(data, template, **kwargs)

    def run_and_signal(data: Any, template: AnalysisTemplate, **kwargs: Any) -> Any:
        pagerank_started.set()
        return real_run(data, template, **kwargs)

    monkeypatch.setattr(execute_module, "compute_elsewhere", compute_waiting)
    monkeypatch.setattr(execute_module._engine, "run", run_and_signal)
    context = Context(max_executions=8)
    leiden, pagerank = _task("TPL-L", algorithm="leiden"), _task("TPL-P")
    done = await asyncio.gather(*(run_template(t, _runtime(context)) for t in (leiden, pagerank)))

    assert seen_while_computing == [True]
    assert [update["executions"][0].status for update in done] == ["succeeded"] * 2
    assert not execute_module._gates and not execute_module._projections._entries


def test_a_worker_is_reserved_only_where_the_algorithm_would_run_in_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from gaai_graph.engines import offload

    monkeypatch.setattr(offload, "usable_cores", lambda: 2)
    monkeypatch.setenv("GAAI_OFFLOAD_MIN_EDGES", "1")
    leiden, pagerank = _task(algorithm="leiden"), _task()

    def settings(**changes: Any) -> Any:
        base = {"write_results": False, "engine": "local", "source": "demo", "concurrency": 8}
        return SimpleNamespace(**{**base, **changes})

    may = execute_module._may_offload
    assert may(leiden, settings())
    assert not may(pagerank, settings())  # not a long algorithm
    assert not may(leiden, settings(concurrency=1))  # a sequential run
    # The algorithm then runs elsewhere than a worker: written back, on the GAE, or perhaps
    # on the GAE (auto decides by the live source's size, read later).
    live = "arangodb://db.example:8529/shop"
    assert not may(leiden, settings(write_results=True, source=live))
    assert not may(leiden, settings(engine="gae", source=live))
    assert not may(leiden, settings(engine="auto", source=live))
    assert may(leiden, settings(engine="auto"))  # a snapshot or the demo: always local
    monkeypatch.setenv("GAAI_OFFLOAD_MIN_EDGES", "1e9")  # above the schema's edge count
    assert not may(leiden, settings())


async def test_a_reserved_worker_computes_even_a_projection_smaller_than_counted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from gaai_graph.engines import offload

    # The chain reserved its worker (and so holds no analysis place); the built projection
    # has fewer edges than the threshold: the worker computes it all the same.
    monkeypatch.setattr(offload, "usable_cores", lambda: 2)
    monkeypatch.setenv("GAAI_OFFLOAD_MIN_EDGES", "1e9")
    calls: list[bool] = []
    elsewhere = offload.compute_elsewhere

    def recorded(data: Any, template: Any, *, seed: int, worker: Any) -> Any:
        calls.append(worker is not None)
        return elsewhere(data, template, seed=seed, worker=worker)

    monkeypatch.setattr(execute_module, "compute_elsewhere", recorded)
    with offload.reserved_worker() as worker:
        assert worker is not None
        result = await execute_module.execute_template(
            _task(algorithm="leiden"), Context(), worker=worker
        )
    assert calls == [True] and result.status == "succeeded"


def test_an_analysis_is_estimated_from_the_schema_counts() -> None:
    task = _task()
    schema = task.schema
    small = execute_module.analysis_bytes(schema, task.template.projection)
    larger = execute_module.analysis_bytes(
        schema,
        GraphProjection(
            vertex_collections=["customers", "orders"], edge_collections=["referred", "placed"]
        ),
    )
    customers = schema.collection("customers")
    referred = schema.collection("referred")
    assert customers is not None and referred is not None
    assert small == 250 * customers.count + 104 * referred.count
    assert larger > small


def test_only_the_last_template_on_a_projection_is_its_sole_user() -> None:
    cache = _ProjectionCache()
    assert not cache.sole_user("p")  # nobody counted (a caller outside the chains)
    cache.want("p")
    cache.want("p")
    assert not cache.sole_user("p")
    cache.release("p")
    assert cache.sole_user("p")


async def test_the_last_chain_on_a_shared_projection_takes_its_graph(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sole_users: list[bool] = []
    real_run = execute_module._engine.run

    def run_and_record(*args: Any, sole_user: bool = False, **kwargs: Any) -> Any:
        sole_users.append(sole_user)
        return real_run(*args, sole_user=sole_user, **kwargs)

    monkeypatch.setattr(execute_module._engine, "run", run_and_record)
    one_at_a_time = _runtime(Context(max_executions=1))
    updates = await asyncio.gather(
        *(run_template(_task(f"TPL-{i}"), one_at_a_time) for i in range(3))
    )

    assert sole_users == [False, False, True]
    [first], [last] = updates[0]["executions"], updates[2]["executions"]
    assert first.top_entities == last.top_entities and first.statistics == last.statistics


def test_a_released_projection_takes_its_collection_numbering_along() -> None:
    from gaai_graph.engines.summary import _recent_codes, collection_codes

    cache = _ProjectionCache()
    data = ProjectionData(
        vertex_ids=["v/1", "w/2"],
        labels=["1", "2"],
        edges=[],
        directed=True,
        projection=GraphProjection(vertex_collections=["v", "w"], edge_collections=[]),
    )
    cache.want("p")
    cache.get_or_build(("load", "p"), lambda: data)
    collection_codes(data.vertex_ids)
    assert any(entry[0] is data.vertex_ids for entry in _recent_codes)

    assert cache.release("p")

    assert not any(entry[0] is data.vertex_ids for entry in _recent_codes)
