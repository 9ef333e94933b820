"""A seeded graph whose communities follow a vertex attribute, run through the engine."""

from __future__ import annotations

import random
from typing import Any

import networkx as nx

from gaai_graph.engines.describe import run_described
from gaai_graph.engines.local import LocalEngine
from gaai_graph.models import AnalysisTemplate, ExecutionResult, GraphProjection
from gaai_graph.nodes.schema import profile_schema
from gaai_graph.sources.base import CollectionData, GraphData
from gaai_graph.sources.projection import build_projection

PROJECTION = GraphProjection(
    vertex_collections=["members"], edge_collections=["knows"], directed=False
)


def planted_graph(*, follow: bool = True, seed: int = 3) -> GraphData:
    """Four dense blocks of 12 members; `team` follows the blocks (or is shuffled)."""
    rng = random.Random(seed)
    graph = nx.planted_partition_graph(4, 12, 0.8, 0.02, seed=seed)
    teams = ["red", "blue", "green", "gold"]
    members = [
        {
            "_key": f"m{node:02d}",
            "name": f"Person {node}",
            "team": teams[node // 12],
            "member_id": f"ID-{node:04d}",  # identifier-like: never a category
            "country": "NL",  # constant: explains nothing
        }
        for node in graph.nodes
    ]
    if not follow:
        shuffled = [m["team"] for m in members]
        rng.shuffle(shuffled)
        for member, team in zip(members, shuffled, strict=True):
            member["team"] = team
    knows = [{"_from": f"members/m{u:02d}", "_to": f"members/m{v:02d}"} for u, v in graph.edges]
    return GraphData(
        source="planted",
        collections={
            "members": CollectionData("members", "document", members),
            "knows": CollectionData("knows", "edge", knows),
        },
    )


def run_planted(data: GraphData, algorithm: str = "leiden", **parameters: Any) -> ExecutionResult:
    schema = profile_schema(data, graph_name=None, core_collections=None)
    wanted = PROJECTION.model_copy(
        update={"vertex_attributes": [str(v) for k, v in parameters.items() if k == "attribute"]}
    )
    projection = build_projection(data, wanted, {"members": "name"})
    template = AnalysisTemplate(
        id="T1",
        use_case_id="UC1",
        requirement_ids=[],
        title="groups",
        algorithm=algorithm,
        projection=wanted,
        parameters=parameters,
    )
    return run_described(LocalEngine(), data, projection, template, schema, seed=7)
