"""Composed answers the local engine computes: who leads each group a grouping method found.

"Which groups are there, and who leads each" is one question, answered by one template: the
grouping method partitions the projection, then a scoring method (`AnalysisTemplate.
ranked_within`, PageRank for importance) runs inside each listed group on the subgraph its
members induce, so a leader is central *within its own group*, not merely well connected in
the whole graph. Each listed `Group` then names its leader, with the leader's score inside
the group.
"""

from __future__ import annotations

from collections.abc import Collection

import igraph as ig
import numpy as np
import numpy.typing as npt

from gaai_graph.engines.summary import in_collections
from gaai_graph.errors import EngineError
from gaai_graph.methods.base import Clock, LocalJob, Method
from gaai_graph.methods.projection import SHARED_WEIGHT
from gaai_graph.models import Group, MetricValue
from gaai_graph.sources.base import ProjectionData, labels_at

__all__ = ["LeaderResult", "group_leaders"]


class LeaderResult:
    """The listed groups with their leaders, and what the report may quote about them."""

    def __init__(
        self, groups: list[Group], metrics: dict[str, MetricValue], notes: list[str]
    ) -> None:
        """Hold the groups (each with its leader when it has one), metrics and notes."""
        self.groups = groups
        self.metrics = metrics
        self.notes = notes


def _subgraph(
    data: ProjectionData, graph: ig.Graph, members: list[int]
) -> tuple[ig.Graph, ProjectionData]:
    """The graph and projection restricted to `members` (subgraph vertex i is `members[i]`).

    The induced subgraph keeps the edge attributes (a weight) the method reads.
    """
    sub = graph.induced_subgraph(members, implementation="create_from_scratch")
    return sub, ProjectionData(
        vertex_ids=[data.vertex_ids[i] for i in members],
        labels=labels_at(data.labels, members),
        edges=np.asarray(sub.get_edgelist(), dtype=np.int64).reshape(-1, 2),
        directed=graph.is_directed(),
        projection=data.projection,
    )


def group_leaders(
    data: ProjectionData,
    graph: ig.Graph,
    membership: npt.NDArray[np.int64],
    groups: list[Group],
    method: Method,
    parameters: dict[str, object],
    *,
    result_collections: Collection[str],
    seed: int,
) -> LeaderResult:
    """Rank the members of each listed group inside the group, and name its leader.

    Args:
        data: The projection the grouping ran on (vertex i is `data.vertex_ids[i]`).
        graph: Its igraph graph, with the edge attributes the method reads (a weight).
        membership: Group label of each vertex.
        groups: The listed groups (largest first), as summarised.
        method: The scoring method run inside each group.
        parameters: Its validated parameters.
        result_collections: The collections the question is about: the leader is the
            best-scored member from them (any member when the group holds none).
        seed: Seed for randomised methods.

    Returns:
        The groups with `leader`, `leader_label` and `leader_score` set (groups of one member
        have no leader), metrics naming the ranking method, and a note saying how leaders were
        chosen.

    Raises:
        EngineError: the method has no local computation or gives no per-vertex scores.
    """
    if method.local is None or method.kind != "scoring":
        raise EngineError(f"{method.name} cannot rank the members of a group")
    index = {vertex_id: i for i, vertex_id in enumerate(data.vertex_ids)}
    preferred = in_collections(data.vertex_ids, result_collections)
    ranked: list[Group] = []
    led = 0
    for group in groups:
        first = index.get(group.members_sample[0]) if group.members_sample else None
        if first is None or group.size < 2:
            ranked.append(group)
            continue
        members = np.flatnonzero(membership == membership[first]).tolist()
        sub_graph, sub_data = _subgraph(data, graph, members)
        job = LocalJob(
            graph=sub_graph, parameters=dict(parameters), seed=seed, clock=Clock(), data=sub_data
        )
        outcome = method.local(job)
        if outcome.scores is None:
            raise EngineError(f"{method.name} gave no scores to rank a group's members by")
        scores = np.asarray(outcome.scores, dtype=np.float64)
        candidates = [p for p, vertex in enumerate(members) if preferred[vertex]] or list(
            range(len(members))
        )
        # Highest score first; ties go to the lowest vertex id, so the leader is reproducible.
        best = min(candidates, key=lambda p: (-scores[p], sub_data.vertex_ids[p]))
        ranked.append(
            group.model_copy(
                update={
                    "leader": sub_data.vertex_ids[best],
                    "leader_label": sub_data.labels[best],
                    "leader_score": float(scores[best]),
                }
            )
        )
        led += 1
    metrics: dict[str, MetricValue] = {
        "leader_method": method.name,
        "leaders_ranked_by": method.long_name,
        "groups_with_leader": led,
    }
    weight = parameters.get("weight_attribute")
    how = (
        ", weighted by the number of neighbours each pair shares"
        if weight == SHARED_WEIGHT
        else f", weighted by {weight}"
        if weight
        else ""
    )
    notes = [
        f"The leader of each listed group is its member with the highest {method.long_name} "
        f"computed inside the group alone (on the links among its members{how})."
    ]
    return LeaderResult(ranked, metrics, notes)
