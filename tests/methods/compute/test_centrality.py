from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from networkx.algorithms.link_analysis.hits_alg import _hits_python
from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python

from gaai_graph.errors import TemplateValidationError
from gaai_graph.methods.compute import centrality

from ._graphs import as_array, general_graphs, karate, random_directed, tiny_graphs, to_igraph

GRAPHS = general_graphs()
IDS = [name for name, _ in GRAPHS]


def close(ours, theirs, tolerance=1e-7):
    np.testing.assert_allclose(np.asarray(ours), np.asarray(theirs), atol=tolerance, rtol=0)


@pytest.mark.parametrize(("name", "graph"), GRAPHS, ids=IDS)
@pytest.mark.parametrize("mode", ["in", "out", "all"])
def test_degree_and_strength_match_networkx(name, graph, mode):
    g = to_igraph(graph)
    n = graph.number_of_nodes()
    if graph.is_directed() and mode != "all":
        view = graph.in_degree if mode == "in" else graph.out_degree
    else:
        view = graph.degree
    close(centrality.degree(g, mode=mode), as_array(dict(view()), n))
    close(centrality.strength(g, "weight", mode=mode), as_array(dict(view(weight="weight")), n))


@pytest.mark.parametrize(("name", "graph"), GRAPHS, ids=IDS)
@pytest.mark.parametrize("weight", [None, "weight"])
def test_pagerank_matches_networkx(name, graph, weight):
    ours = centrality.pagerank(to_igraph(graph), weights=weight)
    theirs = _pagerank_python(graph, weight=weight, tol=1e-13, max_iter=100_000)
    close(ours, as_array(theirs, graph.number_of_nodes()))


@pytest.mark.parametrize(("name", "graph"), GRAPHS, ids=IDS)
def test_personalized_pagerank_matches_networkx(name, graph):
    sources = [0, 2]
    ours = centrality.personalized_pagerank(to_igraph(graph), sources, weights="weight")
    personalization = {node: (1.0 if node in sources else 0.0) for node in graph}
    theirs = _pagerank_python(
        graph, personalization=personalization, weight="weight", tol=1e-13, max_iter=100_000
    )
    close(ours, as_array(theirs, graph.number_of_nodes()))
    assert ours.sum() == pytest.approx(1.0)


def articlerank_by_definition(graph: nx.Graph, weight, damping=0.85):
    """Dense fixed-point iteration of the ArticleRank formula, independent of the module."""
    digraph = graph if graph.is_directed() else graph.to_directed()
    nodes = list(range(graph.number_of_nodes()))
    out = {
        u: sum(d.get(weight, 1.0) if weight else 1.0 for _, _, d in digraph.out_edges(u, data=True))
        for u in nodes
    }
    mean = sum(out.values()) / len(nodes)
    score = dict.fromkeys(nodes, 1 - damping)
    for _ in range(2000):
        score = {
            v: (1 - damping)
            + damping
            * sum(
                (d.get(weight, 1.0) if weight else 1.0) * score[u] / (out[u] + mean)
                for u, _, d in digraph.in_edges(v, data=True)
            )
            for v in nodes
        }
    return [score[v] for v in nodes]


@pytest.mark.parametrize(("name", "graph"), GRAPHS, ids=IDS)
@pytest.mark.parametrize("weight", [None, "weight"])
def test_articlerank_solves_its_definition(name, graph, weight):
    ours = centrality.articlerank(to_igraph(graph), weights=weight)
    close(ours, articlerank_by_definition(graph, weight), 1e-8)


def test_articlerank_discounts_prolific_citers():
    # 0 and 1 both cite 4; 1 also cites 5..9. PageRank and ArticleRank both rank 4 first, but
    # ArticleRank gives 4 more from 0's single citation than from 1's many.
    graph = nx.DiGraph([(0, 4), (1, 4), *((1, v) for v in range(5, 10)), (2, 3)])
    scores = centrality.articlerank(to_igraph(graph))
    assert scores[4] == max(scores)
    assert (
        scores[3] > scores[5]
    )  # cited once by a vertex citing once beats cited once by a prolific one


@pytest.mark.parametrize("name", ["karate", "random_directed"])
@pytest.mark.parametrize("weight", [None, "weight"])
def test_eigenvector_matches_networkx(name, weight):
    graph = dict(GRAPHS)[name]
    if graph.is_directed():
        graph = graph.subgraph(max(nx.strongly_connected_components(graph), key=len))
        graph = nx.convert_node_labels_to_integers(graph)
    theirs = nx.eigenvector_centrality(graph, weight=weight, tol=1e-12, max_iter=10_000)
    top = max(theirs.values())
    ours = centrality.eigenvector(to_igraph(graph), weights=weight)
    close(ours, [value / top for value in as_array(theirs, graph.number_of_nodes())], 1e-6)


@pytest.mark.parametrize(
    "graph", [karate(), random_directed(seed=11, n=20, p=0.3)], ids=["karate", "dense_directed"]
)
def test_hits_matches_networkx(graph):
    # NetworkX's HITS reads the "weight" attribute; a dense digraph makes the answer unique.
    hubs, authorities = _hits_python(graph, max_iter=10_000, tol=1e-14)
    ours = centrality.hits(to_igraph(graph), weights="weight")
    n = graph.number_of_nodes()
    close(ours.hubs, np.asarray(as_array(hubs, n)) / max(hubs.values()), 1e-6)
    close(ours.authorities, np.asarray(as_array(authorities, n)) / max(authorities.values()), 1e-6)


@pytest.mark.parametrize(("name", "graph"), GRAPHS, ids=IDS)
@pytest.mark.parametrize("weight", [None, "weight"])
def test_closeness_and_harmonic_match_networkx(name, graph, weight):
    g = to_igraph(graph)
    n = graph.number_of_nodes()
    close(
        centrality.closeness(g, weights=weight),
        as_array(nx.closeness_centrality(graph, distance=weight), n),
    )
    close(
        centrality.harmonic(g, weights=weight),
        as_array(nx.harmonic_centrality(graph, distance=weight), n),
    )
    if graph.is_directed():  # "out" is NetworkX on the reversed graph
        reverse = graph.reverse()
        close(
            centrality.closeness(g, mode="out", weights=weight),
            as_array(nx.closeness_centrality(reverse, distance=weight), n),
        )
        close(
            centrality.harmonic(g, mode="out", weights=weight),
            as_array(nx.harmonic_centrality(reverse, distance=weight), n),
        )


@pytest.mark.parametrize(("name", "graph"), GRAPHS, ids=IDS)
@pytest.mark.parametrize("weight", [None, "weight"])
@pytest.mark.parametrize("normalized", [True, False])
def test_exact_betweenness_matches_networkx(name, graph, weight, normalized):
    ours = centrality.betweenness(to_igraph(graph), weights=weight, normalized=normalized)
    theirs = nx.betweenness_centrality(graph, weight=weight, normalized=normalized)
    close(ours, as_array(theirs, graph.number_of_nodes()), 1e-9)


@pytest.mark.parametrize(("name", "graph"), GRAPHS, ids=IDS)
def test_sampled_betweenness_matches_networkx_estimator(name, graph):
    ours = centrality.betweenness(to_igraph(graph), sample_size=6, seed=7)
    theirs = nx.betweenness_centrality(graph, k=6, seed=7)
    close(ours, as_array(theirs, graph.number_of_nodes()), 1e-9)


@pytest.mark.parametrize(
    "graph",
    tiny_graphs(),
    ids=lambda g: f"{g.number_of_nodes()}v{g.number_of_edges()}e{'d' if g.is_directed() else ''}",
)
def test_tiny_graphs(graph):
    g = to_igraph(graph)
    n = graph.number_of_nodes()
    for scores in (
        centrality.degree(g),
        centrality.pagerank(g),
        centrality.articlerank(g),
        centrality.eigenvector(g),
        centrality.hits(g).hubs,
        centrality.closeness(g),
        centrality.harmonic(g),
        centrality.betweenness(g),
    ):
        assert len(scores) == n
        assert np.isfinite(scores).all()
    if n:
        close(centrality.pagerank(g), as_array(_pagerank_python(graph, tol=1e-13), n))
        close(centrality.closeness(g), as_array(nx.closeness_centrality(graph), n))


def test_bad_parameters_are_named():
    g = to_igraph(karate())
    with pytest.raises(TemplateValidationError, match="mode must be one of"):
        centrality.degree(g, mode="sideways")
    with pytest.raises(TemplateValidationError, match="'cost' is not an edge attribute"):
        centrality.pagerank(g, weights="cost")
    with pytest.raises(TemplateValidationError, match="damping must be at most 1"):
        centrality.pagerank(g, damping=1.5)
    with pytest.raises(TemplateValidationError, match="sources 99 is not a vertex"):
        centrality.personalized_pagerank(g, [99])
    with pytest.raises(TemplateValidationError, match="must not be negative"):
        centrality.betweenness(g, weights=[-1.0] * g.ecount())
    with pytest.raises(TemplateValidationError, match="sample_size must be a whole number"):
        centrality.betweenness(g, sample_size=0)
