"""Helpers shared by the method modules."""

from __future__ import annotations

import threading

import igraph as ig
import numpy as np

from gaai_graph.methods.compute.centrality import pagerank


def test_pagerank_gives_the_same_scores_bit_for_bit_on_every_run_and_thread() -> None:
    # Large enough that PRPACK's OpenMP loops split the work (they do not below ~10^4).
    edges = np.random.default_rng(7).integers(0, 20_000, size=(200_000, 2))
    graph = ig.Graph(n=20_000, edges=edges.tolist(), directed=True)
    results: list[bytes] = []

    def run() -> None:
        results.append(np.asarray(pagerank(graph), dtype=np.float64).tobytes())

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run()

    assert len(results) == 5
    assert len(set(results)) == 1


def test_a_job_reads_edge_ends_from_its_projection_as_igraph_lists_them() -> None:
    from gaai_graph.methods.base import Clock, LocalJob
    from gaai_graph.methods.local_tools import edge_ends
    from gaai_graph.models import GraphProjection
    from gaai_graph.sources.base import ProjectionData

    pairs = [(3, 1), (0, 2), (2, 0), (1, 1), (4, 2), (2, 4)]
    for directed in (False, True):
        data = ProjectionData(
            vertex_ids=[f"v/{i}" for i in range(5)],
            labels=[str(i) for i in range(5)],
            edges=pairs,
            directed=directed,
            projection=GraphProjection(vertex_collections=["v"], edge_collections=["e"]),
        )
        graph = ig.Graph(n=5, edges=pairs, directed=directed)
        job = LocalJob(graph, {}, 0, Clock(), data, graph_of_data=True)
        ends = job.edge_ends()
        assert ends.dtype == np.int64
        assert ends.tolist() == edge_ends(graph).tolist()
        # A graph that is not the projection's own is read from igraph.
        graph.delete_edges([0])
        assert job.edge_ends().tolist() == edge_ends(graph).tolist()


def test_undirected_simple_in_place_simplifies_the_graph_itself_and_gives_the_same_graph() -> None:
    from gaai_graph.methods.local_tools import undirected_simple

    def multigraph() -> ig.Graph:
        graph = ig.Graph(n=4, edges=[(0, 1), (1, 0), (1, 2), (2, 2), (2, 3)], directed=False)
        graph.es["weight"] = [1.0, 2.0, 3.0, 4.0, 5.0]
        return graph

    kept = multigraph()
    copied, copied_notes = undirected_simple(kept, "Leiden", "weight")
    graph = multigraph()
    simplified, notes = undirected_simple(graph, "Leiden", "weight", in_place=True)

    assert kept.ecount() == 5  # the copy leaves its input alone
    assert simplified is graph and graph.ecount() == 3
    assert simplified.get_edgelist() == copied.get_edgelist()
    assert simplified.es["weight"] == copied.es["weight"] == [3.0, 3.0, 5.0]
    assert notes == copied_notes


def test_directed_graphs_are_collapsed_into_a_new_graph_even_in_place() -> None:
    from gaai_graph.methods.local_tools import undirected_simple

    graph = ig.Graph(n=3, edges=[(0, 1), (1, 0), (1, 2)], directed=True)
    simple, _ = undirected_simple(graph, "Leiden", in_place=True)

    assert simple is not graph and graph.ecount() == 3 and simple.ecount() == 2


def _random_multigraph(seed: int, n: int, m: int) -> tuple[int, list[tuple[int, int]]]:
    rng = np.random.default_rng(seed)
    pairs = rng.integers(0, n, size=(m, 2))
    # Parallel edges both ways and self-loops, as projections of real data have them.
    pairs[: m // 5] = pairs[m // 5 : 2 * (m // 5)][:, ::-1]
    pairs[-(m // 10) :, 1] = pairs[-(m // 10) :, 0]
    return n, [(int(a), int(b)) for a, b in pairs]


def test_simple_undirected_edges_are_the_edges_igraph_leaves_in_its_order() -> None:
    from gaai_graph.methods.local_tools import simple_undirected_edges

    cases = [(1, 50, 400, False), (2, 50, 400, True), (3, 1000, 3000, False), (4, 7, 0, False)]
    for seed, size, edge_count, directed in [*cases, (5, 1, 3, True)]:
        n, pairs = _random_multigraph(seed, size, edge_count)
        graph = ig.Graph(n=n, edges=pairs, directed=directed)
        simple = graph.as_undirected(mode="collapse") if directed else graph.copy()
        simple.simplify(multiple=True, loops=True)
        edges = simple_undirected_edges(np.asarray(pairs, dtype=np.int32).reshape(-1, 2), n)
        assert edges.dtype == np.int64
        assert [tuple(edge) for edge in edges.tolist()] == simple.get_edgelist()


def test_sorted_distinct_and_run_starts_answer_as_np_unique() -> None:
    from gaai_graph.methods.local_tools import run_starts, sorted_distinct

    rng = np.random.default_rng(3)
    for values in (
        rng.integers(0, 10**12, 5000),
        rng.integers(-5, 5, 5000).astype(np.int32),
        np.empty(0, dtype=np.int64),
        np.array([7]),
    ):
        assert sorted_distinct(values).tolist() == np.unique(values).tolist()
        assert sorted_distinct(values).dtype == values.dtype
        ordered = np.sort(values)
        assert run_starts(ordered).tolist() == np.unique(ordered, return_index=True)[1].tolist()
