"""Long algorithms in a worker process: the same result as in process, and a safe fallback."""

from __future__ import annotations

import io
import pickle
from typing import Any

import networkx as nx
import numpy as np
import pytest

from gaai_graph.engines import offload
from gaai_graph.engines.local import LocalEngine
from gaai_graph.errors import TemplateValidationError
from gaai_graph.models import AnalysisTemplate, GraphProjection
from gaai_graph.sources.base import ProjectionData


def _projection(graph: nx.Graph, onto: str | None = None) -> ProjectionData:
    return ProjectionData(
        vertex_ids=[f"v/{i:04d}" for i in range(graph.number_of_nodes())],
        labels=[f"node {i}" for i in range(graph.number_of_nodes())],
        edges=list(graph.edges()),
        directed=graph.is_directed(),
        projection=GraphProjection(vertex_collections=["v"], edge_collections=["e"], onto=onto),
    )


def _template(algorithm: str, **parameters: Any) -> AnalysisTemplate:
    return AnalysisTemplate(
        id=f"TPL-{algorithm}",
        use_case_id="UC-1",
        requirement_ids=[],
        title=algorithm,
        algorithm=algorithm,  # type: ignore[arg-type]
        projection=GraphProjection(vertex_collections=["v"], edge_collections=["e"]),
        parameters=parameters,
    )


@pytest.fixture(scope="module")
def communities() -> ProjectionData:
    graph = nx.planted_partition_graph(6, 40, 0.3, 0.01, seed=3)
    return _projection(graph)


def test_only_long_algorithms_on_large_projections_of_parallel_runs_are_offloaded(
    monkeypatch: pytest.MonkeyPatch, communities: ProjectionData
) -> None:
    monkeypatch.setattr(offload, "usable_cores", lambda: 2)
    monkeypatch.setenv("GAAI_OFFLOAD_MIN_EDGES", str(communities.edge_count))
    leiden = _template("leiden")
    assert offload.should_offload(communities.edge_count, leiden, parallel=True)
    assert not offload.should_offload(communities.edge_count, leiden, parallel=False)
    assert not offload.should_offload(communities.edge_count, _template("pagerank"), parallel=True)
    ranked = leiden.model_copy(update={"ranked_within": "pagerank"})
    assert not offload.should_offload(communities.edge_count, ranked, parallel=True)
    one_side = leiden.model_copy(
        update={"projection": leiden.projection.model_copy(update={"onto": "v"})}
    )
    assert not offload.should_offload(communities.edge_count, one_side, parallel=True)
    monkeypatch.setenv("GAAI_OFFLOAD_MIN_EDGES", str(communities.edge_count + 1))
    assert not offload.should_offload(communities.edge_count, leiden, parallel=True)
    monkeypatch.setenv("GAAI_OFFLOAD_MIN_EDGES", "1")
    monkeypatch.setattr(offload, "usable_cores", lambda: 1)
    assert not offload.should_offload(communities.edge_count, leiden, parallel=True)


@pytest.mark.parametrize("algorithm", ["leiden", "betweenness"])
def test_a_worker_computes_what_the_process_computes(
    communities: ProjectionData, algorithm: str
) -> None:
    template = _template(algorithm)
    here = LocalEngine().compute(communities, template, seed=7)
    there = offload.compute_elsewhere(communities, template, seed=7)
    assert there is not None
    for name in ("membership", "scores", "degrees"):
        mine, theirs = getattr(here, name), getattr(there, name)
        assert (mine is None) == (theirs is None)
        if mine is not None:
            assert np.array_equal(mine, theirs)
    volatile = {"runtime_seconds"}
    assert {k: v for k, v in here.metrics.items() if k not in volatile} == {
        k: v for k, v in there.metrics.items() if k not in volatile
    }
    assert here.notes == there.notes and here.parameters == there.parameters
    summary = LocalEngine().summarise(there, communities, template, seed=7)
    assert summary.status == "succeeded"


def test_an_algorithm_error_in_the_worker_is_raised_as_in_process(
    communities: ProjectionData,
) -> None:
    with pytest.raises(TemplateValidationError):
        offload.compute_elsewhere(communities, _template("leiden", resolution="high"), seed=1)


def test_an_unusable_worker_falls_back_to_the_process(
    monkeypatch: pytest.MonkeyPatch, communities: ProjectionData
) -> None:
    class Dead:
        broken = False

        def ask(self, request: Any) -> Any:
            raise EOFError("the worker died")

        def stop(self) -> None:
            pass

    monkeypatch.setattr(offload, "Worker", Dead)
    offload.shutdown()  # no idle worker left: the next one is a dead one
    assert offload.compute_elsewhere(communities, _template("leiden"), seed=1) is None
    # Its place was freed: the next template may start another worker.
    assert offload._started == 0


def test_an_algorithm_never_waits_for_a_busy_worker(
    monkeypatch: pytest.MonkeyPatch, communities: ProjectionData
) -> None:
    monkeypatch.setattr(offload, "max_workers", lambda: 1)
    offload.shutdown()
    busy = offload._take_worker()  # another template's algorithm holds the only worker
    assert busy is not None
    try:
        assert offload.compute_elsewhere(communities, _template("leiden"), seed=1) is None
        assert offload._started == 1 and not offload._idle
    finally:
        offload._give_back(busy)
    assert offload.compute_elsewhere(communities, _template("leiden"), seed=1) is not None
    offload.shutdown()


def test_a_worker_is_reused_and_stops_at_the_end_of_its_input(
    communities: ProjectionData,
) -> None:
    offload.shutdown()
    for _ in range(2):
        assert offload.compute_elsewhere(communities, _template("leiden"), seed=1) is not None
    assert offload._started == 1 and len(offload._idle) == 1
    process = offload._idle[0].process
    offload.shutdown()
    assert process.poll() == 0 and offload._started == 0


def test_offloading_is_on_from_half_a_million_edges_unless_the_operator_says_otherwise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(offload, "usable_cores", lambda: 2)
    monkeypatch.delenv("GAAI_OFFLOAD_MIN_EDGES", raising=False)
    leiden = _template("leiden")
    assert offload.offload_min_edges() == offload.OFFLOAD_MIN_EDGES_DEFAULT == 500_000
    assert offload.should_offload(500_000, leiden, parallel=True)
    assert not offload.should_offload(499_999, leiden, parallel=True)
    assert offload.offload_min_edges({"GAAI_OFFLOAD_MIN_EDGES": "2e5"}) == 200_000
    assert offload.offload_min_edges({"GAAI_OFFLOAD_MIN_EDGES": "200_000"}) == 200_000
    for off in ("off", " OFF ", "never", "none"):
        assert offload.offload_min_edges({"GAAI_OFFLOAD_MIN_EDGES": off}) == offload.OFFLOAD_OFF
    monkeypatch.setenv("GAAI_OFFLOAD_MIN_EDGES", "off")
    assert not offload.should_offload(10**9, leiden, parallel=True)


def test_one_usable_core_keeps_every_algorithm_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    from gaai_graph import cores

    # A process pinned to one core of a larger machine: no worker beside it.
    monkeypatch.setattr(cores.os, "sched_getaffinity", lambda pid: {0}, raising=False)
    monkeypatch.setattr(cores.os, "cpu_count", lambda: 16)
    assert offload.usable_cores() == 1
    assert not offload.should_offload(10**9, _template("leiden"), parallel=True)
    assert offload.max_workers() == 1


@pytest.mark.parametrize("value", ["lots", "0", "-1", "inf", "1e-3"])
def test_a_malformed_threshold_is_refused_in_one_line_naming_it(value: str) -> None:
    from gaai_graph.errors import GaaiError

    with pytest.raises(GaaiError, match=r"^GAAI_OFFLOAD_MIN_EDGES=.*positive number") as error:
        offload.offload_min_edges({"GAAI_OFFLOAD_MIN_EDGES": value})
    assert "\n" not in str(error.value) and "500000" in str(error.value)
    assert "or off" in str(error.value)


@pytest.mark.parametrize("arguments", [[], ["--sequential"]])
def test_a_run_with_a_malformed_threshold_stops_at_its_start_with_one_line(
    tmp_path: Any,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    arguments: list[str],
) -> None:
    from gaai_graph.cli import EXIT_BAD_INPUT, main

    monkeypatch.setenv("GAAI_OFFLOAD_MIN_EDGES", "two hundred thousand")
    monkeypatch.setenv("GAAI_STATE_DIR", str(tmp_path / "state"))

    assert main(["run", "--out", str(tmp_path / "out"), "--quiet", *arguments]) == EXIT_BAD_INPUT
    error = capsys.readouterr().err.strip()
    assert error.count("\n") == 0
    assert error.startswith("gaai: error: GAAI_OFFLOAD_MIN_EDGES='two hundred thousand'")
    assert not (tmp_path / "out" / "summary.json").exists()


def test_a_worker_is_sent_the_edges_and_never_the_vertex_ids_or_labels(
    communities: ProjectionData,
) -> None:
    request = pickle.dumps(offload._payload(communities))
    assert b"v/0001" not in request and b"node 1" not in request
    assert len(request) < communities.edges.nbytes + 2_000


def test_an_algorithm_reading_vertex_ids_in_a_worker_is_computed_in_process(
    monkeypatch: pytest.MonkeyPatch, communities: ProjectionData
) -> None:
    def reads_names(
        self: LocalEngine, data: ProjectionData, template: AnalysisTemplate, **_: Any
    ) -> Any:
        return data.vertex_ids[0]

    monkeypatch.setattr(LocalEngine, "compute", reads_names)
    requests, answers = io.BytesIO(), io.BytesIO()
    pickle.dump((offload._payload(communities), _template("leiden"), 1), requests)
    requests.seek(0)
    offload._serve(requests, answers)
    answers.seek(0)
    assert pickle.load(answers) == ("in process", None)
