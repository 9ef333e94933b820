from __future__ import annotations

import itertools
import math
import random

import networkx as nx
import pytest

from gaai_graph.errors import TemplateValidationError
from gaai_graph.methods.compute import similarity

from ._graphs import general_graphs, karate, to_igraph

GRAPHS = general_graphs()
IDS = [name for name, _ in GRAPHS]


def neighbour_sets(graph, mode="all"):
    if graph.is_directed():
        if mode == "out":
            return {v: set(graph.successors(v)) - {v} for v in graph}
        if mode == "in":
            return {v: set(graph.predecessors(v)) - {v} for v in graph}
        return {v: (set(graph.successors(v)) | set(graph.predecessors(v))) - {v} for v in graph}
    return {v: set(graph[v]) - {v} for v in graph}


def expected_similarity(graph, metric, mode):
    near = neighbour_sets(graph, mode)
    scores = {}
    for u, v in itertools.combinations(sorted(graph), 2):
        common = len(near[u] & near[v])
        if not common:
            continue
        if metric == "jaccard":
            score = common / len(near[u] | near[v])
        elif metric == "overlap":
            score = common / min(len(near[u]), len(near[v]))
        else:
            score = common / math.sqrt(len(near[u]) * len(near[v]))
        scores[(u, v)] = score
    return scores


def assert_top(ours, expected, top_k):
    """Our top pairs carry the right scores and no unlisted pair scores higher."""
    assert len(ours.pairs) == min(top_k, len(expected))
    for u, v, score in ours.pairs:
        assert score == pytest.approx(expected[(u, v)])
    ranked = sorted(expected.values(), reverse=True)
    assert [s for _, _, s in ours.pairs] == pytest.approx(ranked[: len(ours.pairs)])


@pytest.mark.parametrize(("name", "graph"), GRAPHS, ids=IDS)
@pytest.mark.parametrize("metric", ["jaccard", "overlap", "cosine"])
@pytest.mark.parametrize("mode", ["all", "out"])
def test_neighbourhood_similarity(name, graph, metric, mode):
    ours = similarity.neighbourhood_similarity(to_igraph(graph), metric, top_k=8, mode=mode)
    assert ours.complete
    assert_top(ours, expected_similarity(graph, metric, mode), 8)


@pytest.mark.parametrize(("name", "graph"), [g for g in GRAPHS if not g[1].is_directed()])
def test_jaccard_matches_networkx(name, graph):
    pairs = list(itertools.combinations(range(8), 2))
    ours = similarity.score_pairs(to_igraph(graph), pairs, "jaccard")
    theirs = {(u, v): s for u, v, s in nx.jaccard_coefficient(graph, pairs)}
    assert ours == pytest.approx([theirs[p] for p in pairs])


def test_similarity_restricted_to_named_vertices():
    graph = karate()
    ours = similarity.neighbourhood_similarity(to_igraph(graph), top_k=5, vertices=[33])
    expected = {
        pair: s for pair, s in expected_similarity(graph, "jaccard", "all").items() if 33 in pair
    }
    assert_top(ours, expected, 5)


LINK_FUNCTIONS = {
    "common_neighbors": lambda g, pairs: (
        (u, v, len(list(nx.common_neighbors(g, u, v)))) for u, v in pairs
    ),
    "adamic_adar": nx.adamic_adar_index,
    "preferential_attachment": nx.preferential_attachment,
}


@pytest.mark.parametrize(("name", "graph"), GRAPHS, ids=IDS)
@pytest.mark.parametrize("metric", list(LINK_FUNCTIONS))
def test_link_scores_match_networkx(name, graph, metric):
    undirected = nx.Graph(graph.to_undirected())
    undirected.remove_edges_from(nx.selfloop_edges(undirected))
    candidates = list(nx.non_edges(undirected))
    expected = {
        (min(u, v), max(u, v)): s
        for u, v, s in LINK_FUNCTIONS[metric](undirected, candidates)
        if s > 0
    }
    ours = similarity.link_scores(to_igraph(graph), metric, top_k=10)
    assert ours.complete
    assert_top(ours, expected, 10)
    pairs = candidates[:15]
    scored = similarity.score_pairs(to_igraph(graph), pairs, metric)
    assert scored == pytest.approx([s for _, _, s in LINK_FUNCTIONS[metric](undirected, pairs)])


def test_link_scores_exclude_existing_links_and_say_when_bounded():
    g = to_igraph(karate())
    ours = similarity.link_scores(g, "common_neighbors", top_k=50)
    assert all(not g.are_adjacent(u, v) for u, v, _ in ours.pairs)
    bounded = similarity.neighbourhood_similarity(g, max_work=10)
    assert not bounded.complete


def brute_force_knn(rows, source, k):
    distances = sorted((math.dist(rows[source], rows[v]), v) for v in rows if v != source)
    return [(v, d) for d, v in distances[:k]]


def test_attribute_knn_matches_brute_force():
    rng = random.Random(4)
    graph = nx.empty_graph(40)
    g = to_igraph(graph)
    g.vs["x"] = [rng.uniform(0, 10) for _ in range(40)]
    g.vs["y"] = [rng.uniform(0, 1000) for _ in range(40)]
    g.vs["y"] = [None if v == 7 else y for v, y in enumerate(g.vs["y"])]
    result = similarity.attribute_knn(g, ["x", "y"], 5, standardise=False)
    assert result.skipped == [7]
    rows = {v: (g.vs[v]["x"], g.vs[v]["y"]) for v in range(40) if v != 7}
    for source in rows:
        assert result.neighbours[source] == [
            (v, pytest.approx(d)) for v, d in brute_force_knn(rows, source, 5)
        ]
    # Standardised, the two attributes weigh alike.
    standard = similarity.attribute_knn(g, ["x", "y"], 3, sources=[0])
    xs = [rows[v][0] for v in rows]
    ys = [rows[v][1] for v in rows]
    mx, my, sx, sy = (
        sum(xs) / len(xs),
        sum(ys) / len(ys),
        (sum((x - sum(xs) / len(xs)) ** 2 for x in xs) / len(xs)) ** 0.5,
        (sum((y - sum(ys) / len(ys)) ** 2 for y in ys) / len(ys)) ** 0.5,
    )
    scaled = {v: ((x - mx) / sx, (y - my) / sy) for v, (x, y) in rows.items()}
    assert standard.neighbours[0] == [
        (v, pytest.approx(d)) for v, d in brute_force_knn(scaled, 0, 3)
    ]


def test_attribute_knn_cosine():
    g = to_igraph(nx.empty_graph(4))
    g.vs["a"] = [1.0, 2.0, 0.0, 1.0]
    g.vs["b"] = [0.0, 0.1, 1.0, 1.0]
    result = similarity.attribute_knn(
        g, ["a", "b"], 2, sources=[0], metric="cosine", standardise=False
    )
    assert [v for v, _ in result.neighbours[0]] == [1, 3]
    assert result.neighbours[0][1][1] == pytest.approx(1 - 1 / math.sqrt(2))


def test_bad_parameters():
    g = to_igraph(karate())
    with pytest.raises(TemplateValidationError, match="metric must be one of"):
        similarity.neighbourhood_similarity(g, "dice")
    with pytest.raises(TemplateValidationError, match="'height' is not a vertex attribute"):
        similarity.attribute_knn(g, ["height"], 3)
    with pytest.raises(TemplateValidationError, match="top_k must be a whole number"):
        similarity.link_scores(g, top_k=0)


def test_empty_graph():
    g = to_igraph(nx.Graph())
    assert similarity.neighbourhood_similarity(g).pairs == []
    assert similarity.link_scores(g, "preferential_attachment").pairs == []


def test_pairs_of_two_named_vertices_count_once():
    graph = karate()
    ours = similarity.neighbourhood_similarity(to_igraph(graph), top_k=40, vertices=[0, 1, 2, 33])
    expected = {
        pair: s
        for pair, s in expected_similarity(graph, "jaccard", "all").items()
        if set(pair) & {0, 1, 2, 33}
    }
    assert_top(ours, expected, 40)
    links = similarity.link_scores(
        to_igraph(graph), "common_neighbors", top_k=40, vertices=[0, 1, 2, 33]
    )
    for u, v, score in links.pairs:
        assert score == len(list(nx.common_neighbors(graph, u, v)))


def _per_start_search(graph, metric, top_k, vertices, mode, max_work):
    """The search as specified, one start at a time with sets: starts in order while the work
    (back-neighbours of each neighbour) stays within max_work; a pair of two starts counted
    from its lower vertex; the best top_k by score, then pair."""
    ig_graph = to_igraph(graph)
    n = ig_graph.vcount()
    mode_name = mode if ig_graph.is_directed() else "all"
    reverse = {"out": "in", "in": "out", "all": "all"}[mode_name]
    near = [set(ig_graph.neighbors(v, mode=mode_name)) - {v} for v in range(n)]
    back = [set(ig_graph.neighbors(v, mode=reverse)) - {v} for v in range(n)]
    starts = list(range(n)) if vertices is None else list(dict.fromkeys(vertices))
    is_start, work, complete, scored = set(starts), 0, True, []
    for u in starts:
        cost = sum(len(back[z]) for z in near[u])
        if work + cost > max_work:
            complete = False
            break
        work += cost
        others = {v for z in near[u] for v in back[z]} - {u}
        for v in others:
            if v < u and v in is_start:
                continue
            common = len(near[u] & near[v])
            if metric == "jaccard":
                value = common / (len(near[u]) + len(near[v]) - common)
            elif metric == "overlap":
                value = common / min(len(near[u]), len(near[v]))
            else:
                value = common / math.sqrt(len(near[u]) * len(near[v]))
            scored.append((min(u, v), max(u, v), value))
    scored.sort(key=lambda pair: (-pair[2], pair[0], pair[1]))
    return scored[:top_k], complete, work


@pytest.mark.parametrize("trial", range(40))
def test_whole_array_search_matches_the_per_start_search(trial):
    rng = random.Random(trial)
    n = rng.randint(2, 30)
    directed = rng.random() < 0.5
    graph = (nx.MultiDiGraph if directed else nx.MultiGraph)()
    graph.add_nodes_from(range(n))
    graph.add_edges_from((rng.randrange(n), rng.randrange(n)) for _ in range(rng.randint(1, 90)))
    metric = rng.choice(["jaccard", "overlap", "cosine"])
    mode = rng.choice(["all", "in", "out"])
    top_k = rng.randint(1, 12)
    max_work = rng.choice([1, 10, 60, 5_000_000])
    vertices = None if rng.random() < 0.6 else rng.sample(range(n), rng.randint(1, n))
    found = similarity.neighbourhood_similarity(
        to_igraph(graph), metric, top_k=top_k, vertices=vertices, mode=mode, max_work=max_work
    )
    pairs, complete, work = _per_start_search(graph, metric, top_k, vertices, mode, max_work)
    assert [(u, v) for u, v, _ in found.pairs] == [(u, v) for u, v, _ in pairs]
    assert [s for _, _, s in found.pairs] == pytest.approx([s for _, _, s in pairs])
    assert (found.complete, found.work) == (complete, work)
