"""Templates sharing a projection share its igraph graph, and never each other's changes."""

from __future__ import annotations

import dataclasses
from typing import Any

import igraph as ig
import networkx as nx
import pytest

from gaai_graph.engines import local as local_module
from gaai_graph.engines.local import LocalEngine, forget_projection
from gaai_graph.engines.summary import _recent_codes, collection_codes
from gaai_graph.methods.base import LocalJob, Outcome
from gaai_graph.methods.registry import get_method
from gaai_graph.models import AnalysisTemplate, GraphProjection
from gaai_graph.sources.base import ProjectionData

ENGINE = LocalEngine()


def projection() -> ProjectionData:
    graph = nx.gnm_random_graph(40, 120, seed=3)
    return ProjectionData(
        vertex_ids=[f"v/{node:03d}" for node in graph],
        labels=[f"node {node}" for node in graph],
        edges=list(graph.edges()),
        directed=False,
        projection=GraphProjection(vertex_collections=["v"], edge_collections=["e"]),
    )


def template(algorithm: str) -> AnalysisTemplate:
    return AnalysisTemplate(
        id=f"TPL-{algorithm}",
        use_case_id="UC-1",
        requirement_ids=["REQ-001"],
        title=algorithm,
        algorithm=algorithm,  # type: ignore[arg-type]
        projection=GraphProjection(vertex_collections=["v"], edge_collections=["e"]),
    )


def without_timing(result: dict[str, Any]) -> dict[str, Any]:
    metrics = {k: v for k, v in result["metrics"].items() if k != "runtime_seconds"}
    return {**result, "metrics": metrics}


@pytest.fixture
def seen_graphs(monkeypatch: pytest.MonkeyPatch) -> list[ig.Graph]:
    """Every graph degree centrality runs on; the run then vandalises its graph."""
    seen: list[ig.Graph] = []
    real = get_method("degree")
    assert real.local is not None
    real_local = real.local

    def degree_then_vandalise(job: LocalJob) -> Outcome:
        seen.append(job.graph)
        outcome = real_local(job)
        # A method may modify its graph (igraph caches, attributes, simplification).
        job.graph.vs["vandalised"] = True
        job.graph.delete_edges(list(range(job.graph.ecount())))
        return outcome

    vandal = dataclasses.replace(real, local=degree_then_vandalise)

    def method_of(name: str) -> Any:
        return vandal if name == "degree" else get_method(name)

    monkeypatch.setattr(local_module, "get_method", method_of)
    return seen


def test_a_template_sharing_the_projection_runs_on_a_copy(seen_graphs: list[ig.Graph]) -> None:
    data = projection()
    ENGINE.run(data, template("degree"))

    shared = data.engine_cache["igraph"]
    assert seen_graphs[0] is not shared
    assert shared.ecount() == 120 and "vandalised" not in shared.vs.attributes()


def test_the_last_template_takes_the_graph_itself(seen_graphs: list[ig.Graph]) -> None:
    data = projection()
    shared = local_module._igraph_of(data, "degree")

    ENGINE.run(data, template("degree"), sole_user=True)

    assert seen_graphs[0] is shared
    assert "igraph" not in data.engine_cache


def test_templates_never_see_each_others_graph_changes(seen_graphs: list[ig.Graph]) -> None:
    alone = ENGINE.run(projection(), template("pagerank"))

    data = projection()
    ENGINE.run(data, template("degree"))  # copies, then vandalises its copy
    ENGINE.run(data, template("degree"), sole_user=True)  # takes, then vandalises the graph
    after = ENGINE.run(data, template("pagerank"))  # a late reader: the graph is built again

    assert without_timing(after.model_dump()) == without_timing(alone.model_dump())
    assert seen_graphs[0].ecount() == seen_graphs[1].ecount() == 0
    assert data.engine_cache["igraph"].ecount() == 120


def test_the_leaders_within_groups_keep_the_projections_graph(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = projection()
    shared = local_module._igraph_of(data, "leiden")
    ranked = template("leiden").model_copy(update={"ranked_within": "pagerank"})

    output = ENGINE.compute(data, ranked, sole_user=True)

    assert output.graph is shared and data.engine_cache["igraph"] is shared


def test_forgetting_a_projection_drops_its_collection_numbering() -> None:
    data, other = projection(), projection()
    collection_codes(data.vertex_ids)
    collection_codes(other.vertex_ids)
    assert any(entry[0] is data.vertex_ids for entry in _recent_codes)

    forget_projection(data)

    assert not any(entry[0] is data.vertex_ids for entry in _recent_codes)
    assert any(entry[0] is other.vertex_ids for entry in _recent_codes)


def test_the_algorithms_memory_is_given_back_before_summarising(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    steps: list[str] = []
    real_compute, real_summarise = ENGINE.compute, ENGINE.summarise

    def compute(*args: Any, **kwargs: Any) -> Any:
        steps.append("compute")
        return real_compute(*args, **kwargs)

    def summarise(*args: Any, **kwargs: Any) -> Any:
        steps.append("summarise")
        return real_summarise(*args, **kwargs)

    engine = LocalEngine()
    monkeypatch.setattr(engine, "compute", compute)
    monkeypatch.setattr(engine, "summarise", summarise)
    monkeypatch.setattr(local_module, "give_back_freed_memory", lambda: steps.append("trim"))

    engine.run(projection(), template("pagerank"))

    assert steps == ["compute", "trim", "summarise"]


@pytest.mark.parametrize("algorithm", ["leiden", "louvain", "label_propagation", "wcc"])
@pytest.mark.parametrize("directed", [False, True])
def test_group_degrees_count_the_projections_edges_as_igraph_does(
    algorithm: str, directed: bool
) -> None:
    # Parallel edges and self-loops: the community methods simplify their graph in place.
    edges = [(0, 1), (1, 0), (0, 1), (1, 2), (2, 2), (3, 4), (4, 4), (4, 3)]
    data = ProjectionData(
        vertex_ids=[f"v/{i}" for i in range(6)],
        labels=[str(i) for i in range(6)],
        edges=edges,
        directed=directed,
        projection=GraphProjection(vertex_collections=["v"], edge_collections=["e"]),
    )

    output = ENGINE.compute(data, template(algorithm))

    expected = ig.Graph(n=6, edges=edges, directed=directed).degree()
    assert output.degrees is not None and output.degrees.tolist() == expected
