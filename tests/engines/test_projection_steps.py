"""The local engine's steps around a method: projecting a two-mode graph, leaders within groups.

Numbers are checked against NetworkX (`bipartite.weighted_projected_graph`); the GAE hands such
templates to the local engine; too large a projection falls back to the two-mode graph and says
so.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from networkx.algorithms import bipartite

from gaai_graph.engines import local
from gaai_graph.engines.gae import run_on_gae
from gaai_graph.engines.local import LocalEngine
from gaai_graph.methods import projection as projection_module
from gaai_graph.models import AnalysisTemplate, GraphProjection, Vertical
from gaai_graph.nodes.report import write_report_by_rules
from gaai_graph.sources.base import ProjectionData

PEOPLE = ["people/p0", "people/p1", "people/p2", "people/p3", "people/p4"]
EVENTS = ["events/e0", "events/e1", "events/e2"]
# p0-p2 meet at e0 and e1, p3-p4 at e2, p2 also at e2; p0 attends e0 twice (a repeated edge).
ATTENDS = [
    (0, 5),
    (1, 5),
    (2, 5),
    (0, 6),
    (1, 6),
    (2, 6),
    (3, 7),
    (4, 7),
    (2, 7),
    (0, 5),
]


def _two_mode(directed: bool = True) -> ProjectionData:
    return ProjectionData(
        vertex_ids=[*PEOPLE, *EVENTS],
        labels=[v.split("/")[1].upper() for v in [*PEOPLE, *EVENTS]],
        edges=ATTENDS,
        directed=directed,
        projection=GraphProjection(
            vertex_collections=["people", "events"],
            edge_collections=["attends"],
            directed=directed,
            onto="people",
        ),
    )


def _template(algorithm: str, **extra: object) -> AnalysisTemplate:
    return AnalysisTemplate(
        id="TPL-001",
        use_case_id="UC-001",
        requirement_ids=["REQ-001"],
        title="t",
        algorithm=algorithm,
        projection=_two_mode().projection,
        result_collections=["people"],
        **extra,  # type: ignore[arg-type]
    )


def _networkx_projection() -> nx.Graph:
    graph = nx.Graph()
    ids = [*PEOPLE, *EVENTS]
    graph.add_nodes_from(PEOPLE, bipartite=0)
    graph.add_nodes_from(EVENTS, bipartite=1)
    graph.add_edges_from((ids[a], ids[b]) for a, b in ATTENDS)
    return bipartite.weighted_projected_graph(graph, PEOPLE)


@pytest.mark.parametrize("directed", [True, False])
def test_projected_weights_are_networkx_weighted_projection(directed: bool) -> None:
    data = _two_mode(directed)
    projected = projection_module.project_onto(data, local._igraph_of(data, "test"), "people")
    assert projected is not None
    got = {
        frozenset((projected.data.vertex_ids[u], projected.data.vertex_ids[v])): w
        for (u, v), w in zip(
            projected.data.edges.tolist(),
            projected.data.edge_values[projection_module.SHARED_WEIGHT].tolist(),
            strict=True,
        )
    }
    want = {frozenset((u, v)): float(w) for u, v, w in _networkx_projection().edges(data="weight")}
    assert got == want
    assert projected.data.labels == ["P0", "P1", "P2", "P3", "P4"]
    assert projected.metrics["projected_through"] == "events"


def test_a_method_runs_on_the_projection_and_scores_the_kept_side_only() -> None:
    output = LocalEngine().compute(_two_mode(), _template("eigenvector"))
    assert output.data is not None
    assert output.vertex_ids(_two_mode()) == PEOPLE
    assert output.scores is not None and len(output.scores) == len(PEOPLE)
    # Eigenvector centrality weighted by the number of shared events, as NetworkX has it.
    want = nx.eigenvector_centrality(
        _networkx_projection(), weight="weight", max_iter=10_000, tol=1e-14
    )
    got = dict(zip(PEOPLE, output.scores.tolist(), strict=True))
    ratio = [got[p] / want[p] for p in PEOPLE]
    assert np.allclose(ratio, ratio[0], rtol=1e-6)
    assert output.parameters["weight_attribute"] == projection_module.SHARED_WEIGHT
    assert output.metrics["projected_onto"] == "people"


def test_too_large_a_projection_runs_on_the_two_mode_graph_and_says_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(projection_module, "MAX_PROJECTED_PAIRS", 2)
    execution = LocalEngine().run(_two_mode(), _template("leiden"))
    assert execution.metrics["vertex_count"] == len(PEOPLE) + len(EVENTS)
    assert execution.metrics["projected_onto"] is None
    assert any("too many pairs" in note for note in execution.notes)
    report = write_report_by_rules(
        _template("leiden"), execution, Vertical(name="g", title="G"), [], intent="communities"
    )
    assert report.projected_onto is None


def test_leaders_are_ranked_inside_their_group() -> None:
    execution = LocalEngine().run(_two_mode(), _template("leiden", ranked_within="strength"))
    projected = _networkx_projection()
    for group in execution.groups:
        if group.size < 2:
            assert group.leader is None
            continue
        members = [p for p in PEOPLE if p in group.members_sample]
        strength = dict(projected.subgraph(members).degree(weight="weight"))
        assert group.leader_score == max(strength.values())
        assert strength[group.leader] == group.leader_score
    assert execution.metrics["leader_method"] == "strength"


@pytest.mark.parametrize(
    "extra",
    [{}, {"ranked_within": "pagerank"}],
    ids=["two-mode projection", "leaders within groups"],
)
def test_the_gae_leaves_projection_steps_to_the_local_engine(extra: dict[str, object]) -> None:
    template = _template("pagerank" if not extra else "wcc", **extra)
    if extra:
        template = template.model_copy(
            update={"projection": template.projection.model_copy(update={"onto": None})}
        )
    # No GAE request is made (the source is None): the template runs on the local engine.
    assert (
        run_on_gae(None, template, {}, engine_id=None, keep_results=False, seed=1, run_key="r")
        is None
    )
