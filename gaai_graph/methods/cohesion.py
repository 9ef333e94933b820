"""Cohesion: where the graph is tightly knit — k-core decomposition and triangles.

References:
    k-core: Seidman, "Network structure and minimum degree", Social Networks 5 (1983);
    computed with Batagelj and Zaversnik, "An O(m) algorithm for cores decomposition of
    networks", arXiv cs/0310049 (2003).
    Triangles and clustering: Watts and Strogatz, "Collective dynamics of 'small-world'
    networks", Nature 393 (1998) (local clustering); transitivity as in Newman, "The structure
    and function of complex networks", SIAM Review 45 (2003).

Projection rule: **cohesion** — k-core on the undirected focus with its direct core
neighbours: entities without shared neighbours stay at coreness 1; densely interlinked groups
rise above. Triangle counting, when a requirement names it, runs on the focus's own relations,
where triangles can close.
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np

from gaai_graph.methods.base import (
    DataNeeds,
    LocalJob,
    Method,
    NoProjectionError,
    Outcome,
    ParameterSpec,
    Picture,
    Plan,
)
from gaai_graph.methods.local_tools import as_scores
from gaai_graph.methods.named_scores import VERTICES, answering_named, reading_named
from gaai_graph.methods.scores import leader_recommendation, score_findings, scoring_adapter
from gaai_graph.methods.topology import SchemaTopology
from gaai_graph.methods.writing import ReportWriter
from gaai_graph.models import MetricValue, UseCase
from gaai_graph.words import join_names

__all__ = ["KCORE", "METHODS", "TRIANGLES"]

COHESION_HOPS = 1


# --------------------------------------------------------------------------- design


def _cohesion(use_case: UseCase, topology: SchemaTopology) -> Plan:
    vertices, edges = topology.neighbourhood(use_case.focus_collections, hops=COHESION_HOPS)
    if not edges:
        raise NoProjectionError(f"no core edges around {join_names(use_case.focus_collections)}")
    why = (
        f"k-core decomposition of {join_names(vertices)} (undirected): a vertex's coreness is the "
        "largest k such that it belongs to a group where everyone has k ties inside the group."
    )
    return Plan("kcore", vertices, edges, False, {}, why)


def _triangles_variant(plan: Plan, use_case: UseCase, topology: SchemaTopology) -> Plan:
    focus = use_case.focus_collections
    self_edges = [e for f in focus for e in topology.self_edges(f)]
    if self_edges:
        # "Triangles among customers": a triangle needs three ties among the entities
        # themselves; through orders or devices (two-mode links) none can ever close.
        vertices = [f for f in focus if topology.self_edges(f)]
        edges = self_edges
    else:
        vertices, edges = plan.vertices, plan.edges
    why = (
        f"Triangle counting on the undirected {join_names(edges)} network of "
        f"{join_names(vertices)}: each vertex's triangles and local clustering coefficient "
        "(the share of its neighbour pairs that are themselves tied), with the graph's "
        "average clustering and transitivity."
    )
    return Plan("triangles", vertices, edges, False, {"score": "triangles"}, why)


# --------------------------------------------------------------------------- local engine


def _kcore(job: LocalJob) -> Outcome:
    clock = job.clock
    with clock.running():
        simple, notes = job.undirected_simple("Coreness")
        values = as_scores(simple.coreness(mode="all"))
    top = float(values.max())
    metrics: dict[str, MetricValue] = {
        "max_coreness": int(top),
        "vertices_in_max_core": int((values == top).sum()),
    }
    return Outcome(scores=values, metrics=metrics, notes=notes)


def _triangles(job: LocalJob) -> Outcome:
    p = job.parameters
    clock = job.clock
    with clock.running():
        simple, notes = job.undirected_simple("Triangle counting")
        clustering = as_scores(simple.transitivity_local_undirected(mode="zero"))
        transitivity = simple.transitivity_undirected()
    degree = as_scores(simple.degree())
    # Local clustering is triangles over degree-choose-2 pairs, so the count is exact after
    # rounding off the float division.
    triangles = np.rint(clustering * degree * (degree - 1) / 2)
    metrics: dict[str, MetricValue] = {
        "triangle_count": int(triangles.sum() // 3),
        "transitivity": None if np.isnan(transitivity) else float(transitivity),
        "average_clustering": float(clustering.mean()),
        "vertices_in_triangles": int((triangles > 0).sum()),
    }
    scores = clustering if p["score"] == "clustering" else triangles
    answer = {
        "kind": "count",
        "value": metrics["triangle_count"],
        "convention": "triangles of the undirected simple graph, each counted once",
    }
    return Outcome(scores=scores, metrics=metrics, notes=notes, answer=answer)


# --------------------------------------------------------------------------- reading


def _kcore_finding(writer: ReportWriter) -> None:
    """Lead with the innermost core: its k and how many vertices it holds (whole result)."""
    statistics = writer.execution.statistics
    assert statistics is not None
    q = writer.quoter()
    depth = statistics.max / statistics.median if statistics.median > 0 else statistics.max
    strength = min(1.0, 0.3 + math.log2(max(depth, 1.0)) / 4)
    kind: Literal["finding", "context"] = "finding" if depth >= 2 else "context"
    if q.has("metrics.max_coreness") and q.has("metrics.vertices_in_max_core"):
        k, size = q.num("metrics.max_coreness"), q.num("metrics.vertices_in_max_core")
        description = (
            f"The innermost core has k = {k} and holds {size} vertices: each keeps at least "
            f"{k} neighbours inside it"
        )
        result = sorted(set(writer.template.result_collections))
        if result and q.has("metrics.result_vertices_at_max"):
            description += (
                f"; {q.num('metrics.result_vertices_at_max')} of them are {writer.terms_of(result)}"
            )
        description += f". The median coreness is {q.num('statistics.median')}."
        title = f"Innermost core: k = {k}, {size} vertices"
        members = [e.id for e in writer.execution.top_entities if e.value == statistics.max]
        writer.add(title, description, max(strength, 0.5), q, members, kind=kind)
        return
    description = (
        f"The innermost core has coreness {q.num('statistics.max')}: each of its vertices keeps "
        f"at least that many neighbours inside it, against a median coreness of "
        f"{q.num('statistics.median')}."
    )
    writer.add(
        "A dense core exists" if depth >= 2 else "No pronounced dense core",
        description,
        strength,
        q,
        kind=kind,
    )


def _triangles_finding(writer: ReportWriter) -> None:
    statistics = writer.execution.statistics
    assert statistics is not None
    q = writer.quoter()
    if q.has("metrics.triangle_count"):
        _triangle_census(writer)
        return
    if q.has("derived.triangle_count"):
        description = (
            f"The projection holds {q.count('derived.triangle_count', 'triangle')}; the average "
            f"vertex sits in {q.num('statistics.mean')} of them and the median in "
            f"{q.num('statistics.median')}."
        )
        strength = min(1.0, 0.3 + math.log10(max(statistics.total / 3, 1.0)) / 5)
        title = "Closed triangles show local cohesion"
    else:
        description = (
            f"The mean local clustering coefficient is {q.num('statistics.mean')} (median "
            f"{q.num('statistics.median')}): that share of a vertex's neighbour pairs are "
            "themselves connected."
        )
        strength = statistics.mean
        title = "Local clustering"
    writer.add(title, description, strength, q)


def _triangle_census(writer: ReportWriter) -> None:
    """Triangles and clustering as the engine counted them over the whole projection."""
    q = writer.quoter()
    triangles = q.value("metrics.triangle_count")
    description = f"The projection holds {q.count('metrics.triangle_count', 'triangle')}"
    if q.has("metrics.vertices_in_triangles") and q.has("metrics.vertex_count"):
        inside = q.value("metrics.vertices_in_triangles")
        description += (
            f"; {q.num('metrics.vertices_in_triangles')} of its "
            f"{q.count('metrics.vertex_count', 'vertex')} {'sits' if inside == 1 else 'sit'} in "
            "at least one"
        )
    description += "."
    if q.has("metrics.average_clustering"):
        description += (
            " The average local clustering coefficient (the share of a vertex's neighbour "
            f"pairs that are tied to each other) is {q.num('metrics.average_clustering')}"
        )
        if q.has("metrics.transitivity"):
            description += (
                ", and the transitivity (the share of all connected triples that close into "
                f"a triangle) is {q.num('metrics.transitivity')}"
            )
        description += "."
    if triangles == 0:
        description += " Without triangles, no three entities are all tied to each other."
        writer.add("No closed triangles", description, 0.7, q, actionable=False)
        return
    related = [e.id for e in writer.execution.top_entities[:5] if e.value > 0]
    strength = min(1.0, 0.3 + math.log10(max(triangles, 1.0)) / 5)
    writer.add("Closed triangles show local cohesion", description, strength, q, related)


def _read_kcore(writer: ReportWriter) -> None:
    score_findings(writer, "coreness", specifics=_kcore_finding)
    leader_recommendation(writer)


def _read_triangles(writer: ReportWriter) -> None:
    clustering = writer.execution.parameters.get("score") == "clustering"
    score = "local clustering coefficient" if clustering else "triangle count"
    # Nothing to rank when no triangle closes: the census says so once.
    score_findings(writer, score, specifics=_triangles_finding, zero_said_by_specifics=True)
    leader_recommendation(writer)


# --------------------------------------------------------------------------- declarations

KCORE = Method(
    name="kcore",
    pattern="dense_core",
    label="k-core",
    long_name="k-core decomposition",
    description="Cohesion: the largest k such that a vertex sits in a k-core.",
    reference="Seidman 1983; Batagelj and Zaversnik 2003",
    kind="scoring",
    result_attribute="coreness",
    intents=("cohesion",),
    use_case_intents=("cohesion",),
    default_for=("cohesion",),
    aliases=r"k[- ]?cores?(?: decomposition)?|coreness",
    score_name="coreness",
    needs=DataNeeds(direction="undirected"),
    parameters=(VERTICES,),
    local=answering_named(_kcore, "kcore", "coreness k", "Coreness"),
    design=_cohesion,
    adapt=scoring_adapter("kcore", "k-core", {}),
    interpret=reading_named(_read_kcore),
    picture=Picture(
        score_axis="coreness k",
        score_meaning="coreness k (the deepest core the vertex is in, where every member keeps "
        "at least k neighbours)",
        deepest_bin_caption=" Bars further right are deeper cores; the innermost (k = {k}) "
        "holds {count} vertices.",
    ),
)

TRIANGLES = Method(
    name="triangles",
    pattern="dense_core",
    label="triangle counting",
    long_name="triangle counting",
    description="Cohesion: triangles through each vertex and local clustering.",
    reference="Watts and Strogatz 1998; Newman 2003",
    kind="scoring",
    result_attribute="triangles",
    intents=("cohesion",),
    use_case_intents=("cohesion",),
    aliases=r"triangles?(?: count(?:s|ing)?)?|(?:local )?clustering coefficients?|transitivity",
    score_name="triangle count",
    needs=DataNeeds(direction="undirected"),
    parameters=(
        ParameterSpec(
            "score",
            "choice",
            "triangles",
            "Which per-vertex value ranks the vertices.",
            choices=("triangles", "clustering"),
        ),
        VERTICES,
    ),
    local=answering_named(_triangles, "triangles", "per vertex", "Triangles"),
    adapt=_triangles_variant,
    interpret=reading_named(_read_triangles),
    picture=Picture(score_axis="triangles", score_meaning="number of triangles the vertex closes"),
)

METHODS: tuple[Method, ...] = (KCORE, TRIANGLES)
