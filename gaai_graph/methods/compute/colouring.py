"""Colouring and independent sets: which entities can be scheduled together.

igraph computes the greedy colouring (DSatur, Brélaz 1979, or most-coloured-neighbours
first). igraph only enumerates *all* maximal independent sets (exponential), so one maximal
independent set is chosen here greedily, smallest remaining degree first (the classic
minimum-degree greedy, Halldórsson & Radhakrishnan 1997), deterministic by vertex index.
"""

from __future__ import annotations

import heapq

import igraph as ig
import numpy as np
import numpy.typing as npt

from gaai_graph.methods.compute._common import check_choice, undirected_simple

__all__ = ["greedy_colouring", "maximal_independent_set"]


def greedy_colouring(graph: ig.Graph, *, method: str = "dsatur") -> npt.NDArray[np.int64]:
    """A proper colouring (adjacent vertices differ), colours numbered from 0.

    Edge direction, parallel edges and self-loops are ignored. The number of colours is an
    upper bound on the chromatic number (exact on bipartite graphs with DSatur).
    """
    heuristic = check_choice(method, "method", ("dsatur", "colored_neighbors"))
    simple = undirected_simple(graph)
    if simple.vcount() == 0:
        return np.zeros(0, dtype=np.int64)
    return np.asarray(simple.vertex_coloring_greedy(method=heuristic), dtype=np.int64)


def maximal_independent_set(graph: ig.Graph) -> list[int]:
    """A maximal set of pairwise non-adjacent vertices (no vertex can be added), sorted.

    Picks the vertex with the fewest remaining neighbours (ties: lowest index), removes its
    neighbours, repeats. Edge direction ignored; a vertex with a self-loop is still eligible.
    """
    simple = undirected_simple(graph)
    neighbours = [set(near) for near in simple.get_adjlist()]
    remaining = [len(near) for near in neighbours]
    alive = [True] * simple.vcount()
    heap = [(remaining[v], v) for v in range(simple.vcount())]
    heapq.heapify(heap)
    chosen = []
    while heap:
        degree, vertex = heapq.heappop(heap)
        if not alive[vertex] or degree != remaining[vertex]:
            continue  # removed, or a stale entry from before its degree dropped
        chosen.append(vertex)
        alive[vertex] = False
        dropped = [v for v in neighbours[vertex] if alive[v]]
        for v in dropped:
            alive[v] = False
        for v in dropped:
            for w in neighbours[v]:
                if alive[w]:
                    remaining[w] -= 1
                    heapq.heappush(heap, (remaining[w], w))
    return sorted(chosen)
