"""The local igraph engine, checked algorithm by algorithm against NetworkX."""

from __future__ import annotations

import itertools
import random
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import networkx as nx
import pytest
from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python

from gaai_graph.engines.local import DEFAULT_BETWEENNESS_SAMPLES, AlgorithmOutput, LocalEngine
from gaai_graph.errors import EngineError, TemplateValidationError
from gaai_graph.models import AnalysisTemplate, GraphProjection
from gaai_graph.sources.base import ProjectionData

ENGINE = LocalEngine()


# --------------------------------------------------------------------------- helpers


def projection_of(graph: nx.Graph, *, skipped: int = 0) -> ProjectionData:
    """Number `graph`'s nodes in iteration order; vertex i is `v/<i>` (zero-padded)."""
    nodes = list(graph)
    index = {node: position for position, node in enumerate(nodes)}
    return ProjectionData(
        vertex_ids=[f"v/{position:04d}" for position in range(len(nodes))],
        labels=[f"node {node}" for node in nodes],
        edges=[(index[a], index[b]) for a, b in graph.edges()],
        directed=graph.is_directed(),
        projection=GraphProjection(
            vertex_collections=["v"], edge_collections=["e"], directed=graph.is_directed()
        ),
        skipped_edges=skipped,
    )


def template(algorithm: str, top_k: int = 10, **parameters: Any) -> AnalysisTemplate:
    return AnalysisTemplate(
        id=f"TPL-{algorithm}",
        use_case_id="UC-1",
        requirement_ids=["REQ-001"],
        title=algorithm,
        algorithm=algorithm,
        projection=GraphProjection(vertex_collections=["v"], edge_collections=["e"]),
        parameters=parameters,
        top_k=top_k,
    )


def compute(graph: nx.Graph, algorithm: str, seed: int = 42, **parameters: Any) -> AlgorithmOutput:
    return ENGINE.compute(projection_of(graph), template(algorithm, **parameters), seed=seed)


def scores_by_node(graph: nx.Graph, output: AlgorithmOutput) -> dict[Any, float]:
    assert output.scores is not None
    return dict(zip(graph, output.scores.tolist(), strict=True))


def partition(graph: nx.Graph, output: AlgorithmOutput) -> set[frozenset[Any]]:
    assert output.membership is not None
    groups: dict[int, set[Any]] = {}
    for node, label in zip(graph, output.membership.tolist(), strict=True):
        groups.setdefault(label, set()).add(node)
    return {frozenset(group) for group in groups.values()}


def assert_close(ours: dict[Any, float], theirs: dict[Any, float], tolerance: float) -> None:
    assert ours.keys() == theirs.keys()
    worst = max(abs(ours[node] - theirs[node]) for node in ours)
    assert worst <= tolerance, f"largest difference {worst}"


def networkx_pagerank(graph: nx.Graph, alpha: float = 0.85) -> dict[Any, float]:
    # nx.pagerank needs SciPy, which the project does not depend on; this is NetworkX's own
    # pure-Python power iteration, run to a tight tolerance.
    return _pagerank_python(graph, alpha=alpha, tol=1e-13, max_iter=100_000)


def hand_made_directed() -> nx.DiGraph:
    """Two cycles joined by a bridge, a dangling sink and an isolated vertex."""
    graph = nx.DiGraph()
    graph.add_nodes_from(range(9))
    graph.add_edges_from([(0, 1), (1, 2), (2, 0), (2, 3), (3, 4), (4, 5), (5, 3), (5, 6), (1, 7)])
    return graph


def hand_made_undirected() -> nx.Graph:
    """A 4-clique, a triangle sharing a vertex with it, a tail and an isolated vertex."""
    graph = nx.Graph()
    graph.add_nodes_from(range(10))
    graph.add_edges_from(
        [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3), (3, 4), (4, 5), (5, 3), (5, 6), (6, 7)]
    )
    return graph


def random_graphs() -> list[nx.Graph]:
    return [
        nx.gnp_random_graph(120, 0.04, seed=1, directed=True),
        nx.gnp_random_graph(120, 0.05, seed=2),
        nx.barabasi_albert_graph(150, 3, seed=3),
        nx.gnm_random_graph(80, 300, seed=4, directed=True),
    ]


ALL_GRAPHS = [hand_made_directed(), hand_made_undirected(), *random_graphs()]
GRAPH_IDS = ["hand-directed", "hand-undirected", "gnp-d", "gnp-u", "ba-u", "gnm-d"]


# --------------------------------------------------------------------------- scoring


@pytest.mark.parametrize("graph", ALL_GRAPHS, ids=GRAPH_IDS)
@pytest.mark.parametrize("damping", [0.85, 0.6])
def test_pagerank_matches_networkx_values_and_order(graph: nx.Graph, damping: float) -> None:
    output = compute(graph, "pagerank", damping_factor=damping)
    ours = scores_by_node(graph, output)
    theirs = networkx_pagerank(graph, alpha=damping)
    assert_close(ours, theirs, 1e-8)
    assert sum(ours.values()) == pytest.approx(1.0)
    top = sorted(theirs, key=lambda node: -theirs[node])[:5]
    # Compare the order only where NetworkX's own values separate the vertices.
    if all(theirs[a] - theirs[b] > 1e-6 for a, b in itertools.pairwise(top)):
        assert sorted(ours, key=lambda node: -ours[node])[:5] == top


def test_pagerank_run_reports_top_entities_in_networkx_order() -> None:
    graph = nx.barabasi_albert_graph(300, 2, seed=11)
    result = ENGINE.run(projection_of(graph), template("pagerank", top_k=5))
    theirs = networkx_pagerank(graph)
    expected = sorted(graph, key=lambda node: -theirs[node])[:5]
    assert [e.id for e in result.top_entities] == [f"v/{node:04d}" for node in expected]
    assert [e.label for e in result.top_entities] == [f"node {node}" for node in expected]
    assert result.statistics is not None
    assert result.statistics.count == 300
    assert result.statistics.total == pytest.approx(1.0)


def test_pagerank_counts_dangling_vertices() -> None:
    output = compute(hand_made_directed(), "pagerank")
    # 6 and 7 are sinks, 8 is isolated.
    assert output.metrics["dangling_vertices"] == 3
    assert any("no outgoing edge" in note for note in output.notes)


@pytest.mark.parametrize("graph", ALL_GRAPHS, ids=GRAPH_IDS)
@pytest.mark.parametrize("normalized", [True, False])
def test_exact_betweenness_matches_networkx(graph: nx.Graph, normalized: bool) -> None:
    output = compute(graph, "betweenness", normalized=normalized)
    assert output.metrics["exact"] is True
    assert "approximation" not in output.metrics
    theirs = nx.betweenness_centrality(graph, normalized=normalized)
    assert_close(scores_by_node(graph, output), theirs, 1e-9)


@pytest.mark.parametrize("directed", [True, False])
@pytest.mark.parametrize("normalized", [True, False])
def test_sampled_betweenness_is_networkx_estimator_with_the_same_sources(
    directed: bool, normalized: bool
) -> None:
    graph = nx.gnp_random_graph(150, 0.04, seed=5, directed=directed)
    output = compute(graph, "betweenness", seed=9, sample_size=20, normalized=normalized)
    assert output.metrics["exact"] is False
    assert output.metrics["sample_size"] == 20
    theirs = nx.betweenness_centrality(graph, k=20, seed=9, normalized=normalized)
    assert_close(scores_by_node(graph, output), theirs, 1e-9)


def test_sampled_betweenness_is_close_to_exact_where_it_should_be() -> None:
    # Dense communities joined through a few brokers: sampling half the sources finds them.
    graph = nx.connected_caveman_graph(12, 15)
    output = compute(graph, "betweenness", sample_size=90)
    exact = nx.betweenness_centrality(graph)
    ours = scores_by_node(graph, output)
    # Each cave has two brokers, linking it to the previous and the next cave.
    brokers = sorted(exact, key=lambda node: -exact[node])[:24]
    assert min(exact[node] for node in brokers) > 10 * max(
        exact[node] for node in exact if node not in brokers
    )
    assert set(sorted(ours, key=lambda node: -ours[node])[:24]) == set(brokers)
    for node in brokers:
        assert ours[node] == pytest.approx(exact[node], rel=0.25)
    assert sum(ours.values()) == pytest.approx(sum(exact.values()), rel=0.1)


def test_betweenness_samples_by_default_above_the_exact_threshold() -> None:
    graph = nx.gnp_random_graph(400, 0.02, seed=6)
    result = ENGINE.run(projection_of(graph), template("betweenness", exact_threshold=100))
    assert result.metrics["exact"] is False
    assert result.metrics["sample_size"] == DEFAULT_BETWEENNESS_SAMPLES
    assert (
        result.metrics["approximation"] == f"sampled {DEFAULT_BETWEENNESS_SAMPLES} of 400 sources"
    )
    assert any("sampled" in note for note in result.notes)
    # The effective parameters are reported as given: null means "engine's choice".
    assert result.parameters["sample_size"] is None


def test_betweenness_sample_larger_than_graph_is_exact() -> None:
    graph = hand_made_undirected()
    output = compute(graph, "betweenness", sample_size=1000)
    assert output.metrics["exact"] is True
    assert_close(scores_by_node(graph, output), nx.betweenness_centrality(graph), 1e-12)


def test_betweenness_ignores_parallel_edges_like_a_simple_graph() -> None:
    graph = nx.MultiGraph([(0, 1), (0, 1), (1, 2), (2, 3), (1, 3), (3, 4), (4, 4)])
    output = compute(graph, "betweenness")
    simple = nx.Graph(graph)
    simple.remove_edges_from(nx.selfloop_edges(simple))
    assert_close(scores_by_node(graph, output), nx.betweenness_centrality(simple), 1e-12)
    assert any("parallel edges" in note for note in output.notes)


@pytest.mark.parametrize("graph", ALL_GRAPHS, ids=GRAPH_IDS)
@pytest.mark.parametrize("mode", ["in", "out", "all"])
def test_degree_matches_networkx(graph: nx.Graph, mode: str) -> None:
    ours = scores_by_node(graph, compute(graph, "degree", mode=mode))
    if graph.is_directed() and mode == "in":
        theirs = dict(graph.in_degree())
    elif graph.is_directed() and mode == "out":
        theirs = dict(graph.out_degree())
    else:
        theirs = dict(graph.degree())
    assert ours == {node: float(value) for node, value in theirs.items()}


def test_degree_counts_parallel_edges_like_a_multigraph() -> None:
    graph = nx.MultiDiGraph([(0, 1), (0, 1), (1, 2), (2, 0), (2, 2)])
    for mode, theirs in (
        ("in", graph.in_degree()),
        ("out", graph.out_degree()),
        ("all", graph.degree()),
    ):
        ours = scores_by_node(graph, compute(graph, "degree", mode=mode))
        assert ours == {node: float(value) for node, value in dict(theirs).items()}


def undirected_simple(graph: nx.Graph) -> nx.Graph:
    simple = nx.Graph(graph.to_undirected() if graph.is_directed() else graph)
    simple.remove_edges_from(list(nx.selfloop_edges(simple)))
    return simple


@pytest.mark.parametrize("graph", ALL_GRAPHS, ids=GRAPH_IDS)
def test_coreness_matches_networkx_on_the_undirected_graph(graph: nx.Graph) -> None:
    output = compute(graph, "kcore")
    theirs = nx.core_number(undirected_simple(graph))
    assert scores_by_node(graph, output) == {n: float(v) for n, v in theirs.items()}
    assert output.metrics["max_coreness"] == max(theirs.values())
    assert output.metrics["vertices_in_max_core"] == sum(
        1 for value in theirs.values() if value == max(theirs.values())
    )
    assert any("direction" in note for note in output.notes) == graph.is_directed()


@pytest.mark.parametrize("graph", ALL_GRAPHS, ids=GRAPH_IDS)
def test_triangles_and_clustering_match_networkx(graph: nx.Graph) -> None:
    simple = undirected_simple(graph)
    counted = compute(graph, "triangles")
    assert scores_by_node(graph, counted) == {n: float(v) for n, v in nx.triangles(simple).items()}
    assert counted.metrics["triangle_count"] == sum(nx.triangles(simple).values()) // 3
    assert counted.metrics["transitivity"] == pytest.approx(nx.transitivity(simple))
    assert counted.metrics["average_clustering"] == pytest.approx(nx.average_clustering(simple))

    clustering = compute(graph, "triangles", score="clustering")
    assert_close(scores_by_node(graph, clustering), nx.clustering(simple), 1e-12)


# --------------------------------------------------------------------------- grouping


@pytest.mark.parametrize("graph", ALL_GRAPHS, ids=GRAPH_IDS)
def test_weakly_connected_components_match_networkx(graph: nx.Graph) -> None:
    components = (
        nx.weakly_connected_components(graph)
        if graph.is_directed()
        else nx.connected_components(graph)
    )
    assert partition(graph, compute(graph, "wcc")) == {frozenset(c) for c in components}


@pytest.mark.parametrize(
    "graph",
    [hand_made_directed(), nx.gnp_random_graph(150, 0.012, seed=7, directed=True)],
    ids=["hand-directed", "gnp-d"],
)
def test_strongly_connected_components_match_networkx(graph: nx.DiGraph) -> None:
    expected = {frozenset(c) for c in nx.strongly_connected_components(graph)}
    assert len(expected) > 1 and any(len(c) > 1 for c in expected)
    assert partition(graph, compute(graph, "scc")) == expected


def test_scc_on_an_undirected_projection_is_connected_components_with_a_note() -> None:
    graph = hand_made_undirected()
    output = compute(graph, "scc")
    assert partition(graph, output) == {frozenset(c) for c in nx.connected_components(graph)}
    assert any("undirected" in note for note in output.notes)


def test_wcc_run_summarises_groups_over_the_whole_partition() -> None:
    graph = hand_made_directed()
    result = ENGINE.run(projection_of(graph), template("wcc", top_k=1))
    assert result.group_count == 2
    assert [group.size for group in result.groups] == [8]
    assert result.metrics["largest_group_size"] == 8
    assert result.metrics["singleton_count"] == 1
    assert sum(b.count for b in result.group_size_histogram) == 2


COMMUNITY_ALGORITHMS = ["louvain", "leiden", "label_propagation"]


@pytest.mark.parametrize("algorithm", COMMUNITY_ALGORITHMS)
@pytest.mark.parametrize("graph_seed", [0, 1, 2])
def test_communities_recover_planted_partition(algorithm: str, graph_seed: int) -> None:
    graph = nx.planted_partition_graph(4, 25, 0.5, 0.02, seed=graph_seed)
    planted = {frozenset(block) for block in graph.graph["partition"]}
    output = compute(graph, algorithm, seed=graph_seed)
    found = partition(graph, output)
    assert found == planted
    modularity = output.metrics["modularity"]
    assert isinstance(modularity, float)
    assert modularity == pytest.approx(nx.community.modularity(graph, found), abs=1e-9)
    reference = nx.community.modularity(graph, nx.community.louvain_communities(graph, seed=1))
    assert modularity >= reference - 0.01


@pytest.mark.parametrize("algorithm", ["louvain", "leiden"])
def test_modularity_close_to_networkx_louvain_on_noisy_planted_partition(algorithm: str) -> None:
    graph = nx.planted_partition_graph(6, 30, 0.3, 0.03, seed=8)
    output = compute(graph, algorithm, seed=3)
    reference = nx.community.modularity(graph, nx.community.louvain_communities(graph, seed=3))
    modularity = output.metrics["modularity"]
    assert isinstance(modularity, float)
    assert modularity == pytest.approx(reference, abs=0.03)


def test_resolution_changes_the_number_of_communities() -> None:
    graph = nx.planted_partition_graph(4, 25, 0.5, 0.02, seed=4)
    coarse = compute(graph, "leiden", resolution=0.05)
    fine = compute(graph, "leiden", resolution=5.0)
    assert coarse.membership is not None and fine.membership is not None
    assert len(set(coarse.membership.tolist())) < len(set(fine.membership.tolist()))
    assert "modularity_at_resolution" in fine.metrics


@pytest.mark.parametrize("algorithm", COMMUNITY_ALGORITHMS)
def test_communities_on_directed_projection_use_undirected_graph_and_say_so(
    algorithm: str,
) -> None:
    undirected = nx.planted_partition_graph(3, 20, 0.6, 0.01, seed=5)
    directed = nx.DiGraph()
    directed.add_nodes_from(undirected)
    # Each edge one way only, in a random direction: direction must not matter.
    chooser = random.Random(5)
    directed.add_edges_from(
        (a, b) if chooser.random() < 0.5 else (b, a) for a, b in undirected.edges
    )
    output = compute(directed, algorithm)
    assert partition(directed, output) == {frozenset(b) for b in undirected.graph["partition"]}
    assert any("ignores edge direction" in note for note in output.notes)


@pytest.fixture
def eager_thread_switching() -> Iterator[None]:
    # Threads switch at igraph's Python RNG callbacks; switching often makes any unguarded
    # interleaving of two seeded runs show up within a few runs.
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    yield
    sys.setswitchinterval(interval)


@pytest.mark.usefixtures("eager_thread_switching")
@pytest.mark.parametrize("algorithm", ["louvain", "leiden", "label_propagation", "betweenness"])
def test_randomised_results_are_reproducible_even_when_run_concurrently(algorithm: str) -> None:
    graph = nx.gnp_random_graph(1000, 0.003, seed=10)
    data = projection_of(graph)
    parameters = {"sample_size": 30} if algorithm == "betweenness" else {}
    analysis = template(algorithm, **parameters)

    def result_for(seed: int) -> list[float]:
        output = ENGINE.compute(data, analysis, seed=seed)
        values = output.scores if output.scores is not None else output.membership
        assert values is not None
        return values.tolist()

    seeds = list(range(6)) * (4 if algorithm == "leiden" else 8)
    sequential = {seed: result_for(seed) for seed in range(6)}
    # The test could not catch interleaving if the seed made no difference.
    assert len({tuple(values) for values in sequential.values()}) > 1
    with ThreadPoolExecutor(max_workers=8) as pool:
        concurrent = list(pool.map(result_for, seeds))
    assert concurrent == [sequential[seed] for seed in seeds]


def test_seeding_leaves_the_global_random_module_alone() -> None:
    random.seed(123)
    expected = random.random()
    random.seed(123)
    compute(nx.gnp_random_graph(50, 0.1, seed=1), "leiden", seed=7)
    assert random.random() == expected


# --------------------------------------------------------------------------- run()


def test_run_reports_common_metrics_and_effective_parameters() -> None:
    graph = hand_made_directed()
    result = ENGINE.run(projection_of(graph, skipped=3), template("pagerank"))
    assert result.status == "succeeded"
    assert result.parameters == {"damping_factor": 0.85, "vertices": None}
    assert result.metrics["vertex_count"] == 9
    assert result.metrics["edge_count"] == graph.number_of_edges()
    assert result.metrics["directed"] is True
    assert result.metrics["skipped_edges"] == 3
    runtime = result.metrics["runtime_seconds"]
    assert isinstance(runtime, float) and runtime >= 0
    assert "seed" not in result.metrics
    assert result.projection is not None and result.projection.vertex_collections == ["v"]
    assert sum(b.count for b in result.score_histogram) == 9


def test_run_restricts_top_entities_to_result_collections() -> None:
    data = ProjectionData(
        vertex_ids=["customers/a", "customers/b", "devices/d1", "devices/d2"],
        labels=["Ann", "Bob", "d1", "d2"],
        edges=[(0, 2), (1, 2), (0, 3), (1, 3), (0, 1)],
        directed=False,
        projection=GraphProjection(
            vertex_collections=["customers", "devices"], edge_collections=["uses"], directed=False
        ),
    )
    analysis = template("degree").model_copy(update={"result_collections": ["devices"]})
    result = ENGINE.run(data, analysis)
    assert [e.id for e in result.top_entities] == ["devices/d1", "devices/d2"]
    assert result.statistics is not None and result.statistics.count == 4


def test_invalid_parameters_fail_validation_before_running() -> None:
    empty = ProjectionData(
        [], [], [], True, GraphProjection(vertex_collections=[], edge_collections=[])
    )
    with pytest.raises(TemplateValidationError, match="damping_factor"):
        ENGINE.run(empty, template("pagerank", damping_factor=1.5))
    with pytest.raises(TemplateValidationError, match="unknown parameter"):
        ENGINE.run(projection_of(hand_made_directed()), template("wcc", resolution=1.0))
    with pytest.raises(TemplateValidationError, match="mode"):
        ENGINE.run(projection_of(hand_made_directed()), template("degree", mode="sideways"))


def test_empty_projection_is_a_clear_engine_error() -> None:
    empty = ProjectionData(
        [], [], [], True, GraphProjection(vertex_collections=["customers"], edge_collections=[])
    )
    with pytest.raises(EngineError, match=r"pagerank.*no vertices.*customers"):
        ENGINE.run(empty, template("pagerank"))


def test_igraph_failures_become_engine_errors_naming_the_algorithm() -> None:
    projection = GraphProjection(vertex_collections=["v"], edge_collections=["e"])
    negative = ProjectionData(["v/0", "v/1"], ["a", "b"], [(0, -1)], True, projection)
    with pytest.raises(EngineError, match=r"^wcc failed on 2 vertices and 1 edge: .*negative"):
        ENGINE.run(negative, template("wcc"))
    # igraph would silently grow the graph to reach index 5; the engine refuses instead.
    beyond = ProjectionData(["v/0", "v/1"], ["a", "b"], [(0, 5)], True, projection)
    with pytest.raises(EngineError, match=r"^pagerank cannot run: an edge names vertex index 5"):
        ENGINE.run(beyond, template("pagerank"))


@pytest.mark.parametrize(
    "algorithm",
    [
        "pagerank",
        "betweenness",
        "degree",
        "kcore",
        "triangles",
        "wcc",
        "scc",
        *COMMUNITY_ALGORITHMS,
    ],
)
def test_every_algorithm_runs_on_a_graph_without_edges(algorithm: str) -> None:
    graph = nx.empty_graph(5, create_using=nx.DiGraph)
    result = ENGINE.run(projection_of(graph), template(algorithm))
    assert result.status == "succeeded"
    if result.statistics is not None:
        assert result.statistics.count == 5
    else:
        assert result.group_count == 5
        assert result.metrics.get("modularity") is None


def test_templates_on_one_projection_share_one_graph_build_and_do_not_disturb_it() -> None:
    graph = nx.gnm_random_graph(300, 1200, seed=3, directed=True)
    shared = projection_of(graph)
    first = ENGINE.run(shared, template("pagerank"))
    built = shared.engine_cache["igraph"]
    # Algorithms that simplify or reweight their graph run on a copy of the shared build.
    for algorithm in ("leiden", "kcore", "wcc", "betweenness", "triangles"):
        ENGINE.run(shared, template(algorithm))
    again = ENGINE.run(shared, template("pagerank"))
    assert shared.engine_cache["igraph"] is built
    assert built.ecount() == 1200 and built.vcount() == 300
    assert again.top_entities == first.top_entities
    fresh = ENGINE.run(projection_of(graph), template("pagerank"))
    assert fresh.top_entities == first.top_entities


def test_the_graph_built_a_chunk_of_edges_at_a_time_has_every_edge_in_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from gaai_graph.engines import local
    from gaai_graph.methods import local_tools

    monkeypatch.setattr(local_tools, "PAIRS_CHUNK", 3)
    pairs = [(i % 7, (3 * i + 1) % 7) for i in range(11)]
    data = ProjectionData(
        vertex_ids=[f"v/{i}" for i in range(7)],
        labels=[str(i) for i in range(7)],
        edges=pairs,
        directed=True,
        projection=GraphProjection(vertex_collections=["v"], edge_collections=["e"]),
    )
    assert local._build_igraph(data, "degree").get_edgelist() == pairs


@pytest.mark.parametrize(
    "algorithm", ["degree", "kcore", "leiden", "triangles", "shared_identifiers"]
)
def test_methods_needing_no_multigraph_build_none_and_answer_as_igraph_does(
    algorithm: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gaai_graph.engines import local
    from gaai_graph.methods.base import LocalJob

    graph = nx.MultiDiGraph(nx.gnm_random_graph(200, 900, seed=5, directed=True))
    graph.add_edges_from([(1, 1), (2, 3), (2, 3), (3, 2)])
    parameters = {"identifier_collections": "v"} if algorithm == "shared_identifiers" else {}

    class ReadingIgraph(LocalJob):
        """A job that reads everything from its igraph graph, as jobs did before."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.graph_of_data = False

    with monkeypatch.context() as patched:
        patched.setattr(local, "LocalJob", ReadingIgraph)
        from_igraph = ENGINE.run(projection_of(graph), template(algorithm, **parameters))
    built: list[str] = []
    real_build = local._build_igraph

    def counted(data: ProjectionData, name: str) -> Any:
        built.append(name)
        return real_build(data, name)

    monkeypatch.setattr(local, "_build_igraph", counted)
    lazy = projection_of(graph)
    result = ENGINE.run(lazy, template(algorithm, **parameters))
    assert built == [] and "igraph" not in lazy.engine_cache
    assert result.model_dump(exclude={"metrics"}) == from_igraph.model_dump(exclude={"metrics"})
    runtime = "runtime_seconds"
    assert {k: v for k, v in result.metrics.items() if k != runtime} == {
        k: v for k, v in from_igraph.metrics.items() if k != runtime
    }
