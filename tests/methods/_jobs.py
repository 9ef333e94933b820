"""Run a declared method's local computation on a NetworkX graph, as the local engine would."""

from __future__ import annotations

from typing import Any

import networkx as nx

from gaai_graph.methods.base import Clock, LocalJob, Method, Outcome
from gaai_graph.models import GraphProjection
from gaai_graph.sources.base import ProjectionData

from .compute._graphs import to_igraph


def vertex_id(vertex: int, collection: str = "v") -> str:
    return f"{collection}/{vertex}"


def run(
    method: Method,
    graph: nx.Graph,
    *,
    collections: dict[int, str] | None = None,
    vertex_attributes: dict[str, list[Any]] | None = None,
    labels: list[str] | None = None,
    seed: int = 42,
    **parameters: Any,
) -> Outcome:
    """Validate `parameters` with the method's declaration and run its local computation."""
    n = graph.number_of_nodes()
    collections = collections or {}
    ids = [vertex_id(v, collections.get(v, "v")) for v in range(n)]
    data = ProjectionData(
        vertex_ids=ids,
        labels=labels or ids,
        edges=[(u, v) for u, v in graph.edges()],
        directed=graph.is_directed(),
        projection=GraphProjection(
            vertex_collections=sorted({i.split("/")[0] for i in ids}) or ["v"],
            edge_collections=["e"],
            directed=graph.is_directed(),
        ),
    )
    igraph_graph = to_igraph(graph)
    for name, values in (vertex_attributes or {}).items():
        igraph_graph.vs[name] = values
    job = LocalJob(
        graph=igraph_graph,
        parameters=method.validate(parameters),
        seed=seed,
        clock=Clock(),
        data=data,
    )
    assert method.local is not None
    return method.local(job)
