"""The local job: a graph built only when a method reads it, and answers from the projection."""

from __future__ import annotations

import igraph as ig
import numpy as np
import pytest

from gaai_graph.methods.base import Clock, LocalJob
from gaai_graph.methods.local_tools import undirected_simple
from gaai_graph.models import GraphProjection
from gaai_graph.sources.base import ProjectionData

PAIRS = [(0, 1), (1, 0), (1, 2), (2, 2), (3, 1), (3, 1), (4, 0), (2, 4)]


def _data(directed: bool, **extra: object) -> ProjectionData:
    return ProjectionData(
        vertex_ids=[f"v/{i}" for i in range(6)],
        labels=[str(i) for i in range(6)],
        edges=PAIRS,
        directed=directed,
        projection=GraphProjection(vertex_collections=["v"], edge_collections=["e"]),
        **extra,  # type: ignore[arg-type]
    )


def _lazy_job(data: ProjectionData) -> tuple[LocalJob, list[int]]:
    """A job whose graph is built from `data` on first read; the list counts the builds."""
    builds: list[int] = []

    def build() -> ig.Graph:
        builds.append(1)
        graph = ig.Graph(n=data.vertex_count, edges=PAIRS, directed=data.directed)
        for name, column in data.vertex_values.items():
            graph.vs[name] = column
        for name, values in data.edge_values.items():
            graph.es[name] = values.tolist()
        return graph

    return LocalJob(build, {}, 0, Clock(), data, graph_of_data=True), builds


@pytest.mark.parametrize("directed", [False, True])
def test_degrees_edges_and_direction_come_from_the_projection_without_a_build(
    directed: bool,
) -> None:
    job, builds = _lazy_job(_data(directed))
    graph = ig.Graph(n=6, edges=PAIRS, directed=directed)
    for mode in ("all", "out", "in"):
        assert job.degrees(mode).tolist() == graph.degree(mode=mode, loops=True)
    assert job.directed is directed
    assert job.edge_ends().tolist() == [list(pair) for pair in graph.get_edgelist()]
    assert builds == []
    assert job.graph.ecount() == len(PAIRS) and builds == [1]
    job.graph  # noqa: B018  # read again: built once
    assert builds == [1]


@pytest.mark.parametrize("directed", [False, True])
def test_the_simple_graph_is_the_one_igraph_simplifies_to_and_needs_no_multigraph(
    directed: bool,
) -> None:
    data = _data(directed, vertex_values={"tier": ["a", "b", "a", "c", "b", "a"]})
    job, builds = _lazy_job(data)
    simple, notes = job.undirected_simple("Coreness")
    assert builds == []
    expected, expected_notes = undirected_simple(
        ig.Graph(n=6, edges=PAIRS, directed=directed), "Coreness"
    )
    assert simple.get_edgelist() == expected.get_edgelist()
    assert not simple.is_directed() and simple.vcount() == 6
    assert simple.vs["tier"] == ["a", "b", "a", "c", "b", "a"]
    assert notes == expected_notes and notes  # dropped edges (undirected), or direction
    # The job's own graph is still the projection's multigraph, for a method reading it.
    assert job.graph.ecount() == len(PAIRS) and builds == [1]


def test_a_weight_edge_attributes_or_a_built_graph_take_igraphs_own_simplification() -> None:
    weights = {"weight": np.arange(len(PAIRS), dtype=np.float64)}
    job, builds = _lazy_job(_data(False, edge_values=weights))
    simple, _ = job.undirected_simple("Leiden", "weight")
    assert builds == [1]
    assert sorted(simple.es["weight"]) == [1.0, 2.0, 6.0, 7.0, 9.0]  # (0,1) and (1,3) summed
    job, builds = _lazy_job(_data(False, edge_values=weights))
    job.undirected_simple("Coreness")
    assert builds == [1]
    # A graph a method changed is read from igraph, not from the projection's arrays.
    job, builds = _lazy_job(_data(False))
    job.graph.delete_edges([0])
    assert job.degrees("all").tolist() == job.graph.degree()
    assert len(job.edge_ends()) == len(PAIRS) - 1
