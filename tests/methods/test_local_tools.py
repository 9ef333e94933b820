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
