"""Centrality beyond PageRank, degree and betweenness: more ways of mattering.

Directed and weighted degree, the PageRank family, eigenvector, HITS, closeness and harmonic
centrality.

References:
    In/out degree and strength: Freeman, "Centrality in social networks: conceptual
    clarification", Social Networks 1 (1979); Barrat et al., "The architecture of complex
    weighted networks", PNAS 101 (2004) for strength.
    Personalised PageRank: Haveliwala, "Topic-sensitive PageRank", WWW 2002.
    ArticleRank: Li, Willett et al., "ArticleRank: a PageRank-based alternative to numbers of
    citations for analysing citation networks", Aslib Proceedings 61 (2009), as in Neo4j GDS.
    Eigenvector: Bonacich, "Power and centrality: a family of measures", AJS 92 (1987).
    HITS: Kleinberg, "Authoritative sources in a hyperlinked environment", JACM 46 (1999).
    Closeness: Freeman 1979, with Wasserman and Faust, "Social Network Analysis" (1994) for
    disconnected graphs. Harmonic: Marchiori and Latora, "Harmony in the small-world",
    Physica A 285 (2000); Boldi and Vigna, "Axioms for centrality", Internet Math. 10 (2014).

Each method scores every vertex (computed by `gaai_graph.methods.compute.centrality`); with
vertices named in parameter `vertices`, the answer states their scores first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from gaai_graph.evidence.baseline import Baseline, assess
from gaai_graph.methods.answering import (
    WEIGHT,
    focus_values,
    named,
    outlier_patterns,
    read_answer,
    read_scores,
    vertices_parameter,
    weight_of,
)
from gaai_graph.methods.base import (
    DataNeeds,
    Interpreter,
    LocalJob,
    Method,
    Outcome,
    ParameterSpec,
    Picture,
)
from gaai_graph.methods.compute import centrality
from gaai_graph.methods.scores import leader_recommendation, score_findings
from gaai_graph.methods.vocabulary import QuestionIntent
from gaai_graph.methods.writing import ReportWriter, _number, format_number
from gaai_graph.models import MetricValue

__all__ = ["METHODS"]

Scores = npt.NDArray[np.float64]
Compute = Callable[[LocalJob], tuple[Scores, list[str], dict[str, MetricValue]]]

FOCUS = vertices_parameter(
    "vertices", "Vertices whose scores the question asks for (ids joined with '|')."
)
DAMPING = ParameterSpec(
    "damping_factor",
    "float",
    0.85,
    "Probability of following an edge rather than restarting.",
    minimum=0.0,
    maximum=1.0,
    exclusive_minimum=True,
    exclusive_maximum=True,
)
REACH_MODE = ParameterSpec(
    "mode",
    "choice",
    "in",
    "Distances to the vertex (in, NetworkX's convention), from it (out) or ignoring direction "
    "(all).",
    choices=("in", "out", "all"),
)


def _scoring_runner(
    name: str, label: str, convention: Callable[[dict[str, Any]], str], compute: Compute
) -> Callable[[LocalJob], Outcome]:
    def run(job: LocalJob) -> Outcome:
        with job.clock.running():
            scores, notes, metrics = compute(job)
        said = convention(job.parameters)
        given, extra = focus_values(job, scores, name, said, label)
        metrics = {**metrics, "convention": said, **extra}
        return Outcome(scores=scores, answer=given, metrics=metrics, notes=notes)

    return run


def _weighted_words(parameters: dict[str, Any]) -> str:
    attribute = parameters.get("weight_attribute")
    return f"weighted by {attribute}" if attribute else "unweighted"


def _degree_in(job: LocalJob) -> tuple[Scores, list[str], dict[str, MetricValue]]:
    return centrality.degree(job.graph, mode="in"), _undirected_note(job, "in-degree"), {}


def _degree_out(job: LocalJob) -> tuple[Scores, list[str], dict[str, MetricValue]]:
    return centrality.degree(job.graph, mode="out"), _undirected_note(job, "out-degree"), {}


def _undirected_note(job: LocalJob, what: str) -> list[str]:
    if job.graph.is_directed():
        return []
    return [f"The projection is undirected, so {what} counts every edge of a vertex."]


def _strength(job: LocalJob) -> tuple[Scores, list[str], dict[str, MetricValue]]:
    weight = weight_of(job)
    notes = [] if weight else ["No weight attribute was given: strength is the plain degree."]
    mode = job.parameters["direction"]
    scores = centrality.strength(job.graph, weight, mode=mode)
    metrics: dict[str, MetricValue] = {"weight_attribute": weight}
    metrics.update(_beyond_strongest_tie(job, scores, weight, mode))
    return scores, notes, metrics


SPREAD_LISTED = 20
"""Strongest vertices whose volume beyond their strongest tie is judged and recorded."""


def _beyond_strongest_tie(
    job: LocalJob, scores: Scores, weight: str | None, mode: str
) -> dict[str, MetricValue]:
    """Judge the strongest vertices by their volume beyond their single strongest tie.

    A weighted hub carries volume over several relationships (Barthélemy et al. 2005: low
    disparity); a vertex whose total is one heavy tie is that tie's other end, whose volume
    the partner explains. Each vertex's strength minus its heaviest edge is judged against the
    same measure over every vertex (`gaai_graph.evidence.baseline`); the strongest
    `SPREAD_LISTED` record ``spread_<i>_id``, ``_strongest_tie``, ``_unusual``,
    ``_confidence``, ``_z_score`` and ``_percentile``.
    """
    graph = job.graph
    if graph.ecount() == 0 or scores.size == 0:
        return {}
    values = np.asarray(graph.es[weight] if weight else [1.0] * graph.ecount(), dtype=float)
    ends = np.asarray(graph.get_edgelist(), dtype=np.int64)
    heaviest = np.zeros(scores.size)
    directed = graph.is_directed()
    if not directed or mode in ("out", "all"):
        np.maximum.at(heaviest, ends[:, 0], values)
    if not directed or mode in ("in", "all"):
        np.maximum.at(heaviest, ends[:, 1], values)
    beyond = np.asarray(scores, dtype=float) - heaviest
    baseline = Baseline.of(beyond)
    ids = job.data.vertex_ids
    strongest = sorted(range(scores.size), key=lambda v: (-float(scores[v]), ids[v]))
    metrics: dict[str, MetricValue] = {}
    for rank, vertex in enumerate(strongest[:SPREAD_LISTED]):
        judged = assess(float(beyond[vertex]), baseline)
        prefix = f"spread_{rank}"
        metrics[f"{prefix}_id"] = ids[vertex]
        metrics[f"{prefix}_strongest_tie"] = float(f"{heaviest[vertex]:.6g}")
        for field in ("unusual", "confidence", "z_score", "percentile"):
            metrics[f"{prefix}_{field}"] = judged[field]
    return metrics


def _strength_patterns(writer: ReportWriter) -> None:
    """Weighted hubs: flagged when the volume beyond their strongest tie is unusual."""
    read_answer(writer)
    metrics = writer.execution.metrics
    top = writer.execution.top_entities[0] if writer.execution.top_entities else None
    if top is not None and metrics.get("spread_0_id") == top.id:
        # The leader is judged as its pattern is: by its volume beyond its strongest tie.
        unusual = metrics.get("spread_0_unusual") is True
        writer.measures["metrics.rank_0_unusual"] = unusual
        writer.measures["metrics.rank_0_confidence"] = metrics.get("spread_0_confidence")
        writer.measures["metrics.rank_0_z_score"] = metrics.get("spread_0_z_score")
        writer.measures["metrics.rank_0_rule"] = "beyond_strongest_tie" if unusual else None
        writer.measures.pop("metrics.rank_0_gap_p_value", None)
    attribute = metrics.get("weight_attribute")
    # Say which edge attribute was summed: "a strength (total minutes) of 4,289.9".
    score_findings(writer, f"strength (total {attribute})" if attribute else "strength")
    leader_recommendation(writer)
    statistics = writer.execution.statistics
    judged = {
        metrics[f"spread_{rank}_id"]: rank
        for rank in range(SPREAD_LISTED)
        if metrics.get(f"spread_{rank}_id") is not None
    }
    if statistics is None or not judged:
        outlier_patterns(
            writer, "weighted_hub", "Total edge weight {value}, against a median of {mean}."
        )
        return
    weight = metrics.get("weight_attribute") or "edge weight"
    for entity in writer.execution.top_entities[:10]:
        rank = judged.get(entity.id)
        if rank is None or entity.value <= statistics.median:
            continue
        prefix = f"spread_{rank}"
        unusual = metrics.get(f"{prefix}_unusual") is True
        tie = _number(metrics.get(f"{prefix}_strongest_tie")) or 0.0
        confidence = _number(metrics.get(f"{prefix}_confidence")) or 0.0
        total = format_number(entity.value)
        if unusual:
            why = (
                f"Total {weight} {total} against a median of "
                f"{format_number(statistics.median)}, spread over several ties: beyond its "
                f"strongest tie ({format_number(tie)}) it still carries far more than almost "
                "any other."
            )
        else:
            why = (
                f"Total {weight} {total}, of which its single strongest tie carries "
                f"{format_number(tie)}: beyond that tie its volume is ordinary for this graph."
            )
        writer.pattern(
            "weighted_hub",
            [entity.id],
            flagged=unusual,
            evidence={
                "observed": entity.value,
                "expected": statistics.median,
                "strongest_tie": tie,
                "z_score": metrics.get(f"{prefix}_z_score"),
                "percentile": metrics.get(f"{prefix}_percentile"),
                "weight_attribute": metrics.get("weight_attribute"),
                "measure": "strength beyond the strongest tie",
            },
            confidence_value=confidence,
            explanation=why,
        )


def _personalized(job: LocalJob) -> tuple[Scores, list[str], dict[str, MetricValue]]:
    sources = named(job, "sources")
    scores = centrality.personalized_pagerank(
        job.graph, sources, weights=weight_of(job), damping=job.parameters["damping_factor"]
    )
    return scores, [], {"source_count": len(sources)}


def _articlerank(job: LocalJob) -> tuple[Scores, list[str], dict[str, MetricValue]]:
    scores = centrality.articlerank(
        job.graph, weights=weight_of(job), damping=job.parameters["damping_factor"]
    )
    return scores, [], {}


def _eigenvector(job: LocalJob) -> tuple[Scores, list[str], dict[str, MetricValue]]:
    graph = job.graph
    notes = []
    if graph.vcount() and not graph.is_connected(mode="strong" if graph.is_directed() else "weak"):
        notes.append(
            "The projection is not (strongly) connected: eigenvector scores outside the "
            "dominant component are not comparable with those inside it."
        )
    return centrality.eigenvector(graph, weights=weight_of(job)), notes, {}


def _hits(job: LocalJob) -> tuple[Scores, list[str], dict[str, MetricValue]]:
    result = centrality.hits(job.graph, weights=weight_of(job))
    role = job.parameters["score"]
    other = result.authorities if role == "hubs" else result.hubs
    scores = result.hubs if role == "hubs" else result.authorities
    top_other = int(np.argmax(other)) if other.size else None
    metrics: dict[str, MetricValue] = {}
    if top_other is not None:
        metrics["top_" + ("authority" if role == "hubs" else "hub")] = job.data.vertex_ids[
            top_other
        ]
    return scores, [], metrics


def _closeness(job: LocalJob) -> tuple[Scores, list[str], dict[str, MetricValue]]:
    scores = centrality.closeness(
        job.graph, mode=job.parameters["mode"], weights=weight_of(job), wf_improved=True
    )
    return scores, [], {}


def _harmonic(job: LocalJob) -> tuple[Scores, list[str], dict[str, MetricValue]]:
    scores = centrality.harmonic(
        job.graph,
        mode=job.parameters["mode"],
        weights=weight_of(job),
        normalized=job.parameters["normalized"],
    )
    return scores, [], {}


def _with_patterns(score_name: str, kind: str, explanation: str) -> Interpreter:
    def interpret(writer: ReportWriter) -> None:
        read_answer(writer)
        score_findings(writer, score_name)
        leader_recommendation(writer)
        outlier_patterns(writer, kind, explanation)

    return interpret


def _method(
    name: str,
    label: str,
    description: str,
    reference: str,
    intents: tuple[QuestionIntent, ...],
    compute: Compute,
    convention: Callable[[dict[str, Any]], str],
    parameters: tuple[ParameterSpec, ...],
    *,
    needs: DataNeeds,
    meaning: str,
    interpret: Interpreter | None = None,
) -> Method:
    return Method(
        name=name,
        label=label,
        long_name=label,
        description=description,
        reference=reference,
        kind="scoring",
        result_attribute=name,
        intents=intents,
        score_name=label,
        needs=needs,
        parameters=(*parameters, FOCUS),
        local=_scoring_runner(name, label, convention, compute),
        interpret=interpret or read_scores(label),
        picture=Picture(score_axis=label, score_meaning=meaning),
    )


IN_DEGREE = _method(
    "in_degree",
    "in-degree",
    "Collectors: vertices with the most incoming edges.",
    "Freeman 1979",
    ("collectors", "importance"),
    _degree_in,
    lambda p: "count of incoming edges, not normalised",
    (),
    needs=DataNeeds(direction="directed"),
    meaning="in-degree (incoming edges)",
    interpret=_with_patterns(
        "in-degree", "collector", "Receives from {value} others, against a median of {mean}."
    ),
)
OUT_DEGREE = _method(
    "out_degree",
    "out-degree",
    "Distributors: vertices with the most outgoing edges.",
    "Freeman 1979",
    ("distributors", "importance"),
    _degree_out,
    lambda p: "count of outgoing edges, not normalised",
    (),
    needs=DataNeeds(direction="directed"),
    meaning="out-degree (outgoing edges)",
    interpret=_with_patterns(
        "out-degree", "distributor", "Sends to {value} others, against a median of {mean}."
    ),
)
STRENGTH = _method(
    "strength",
    "strength",
    "Weighted hubs: the total weight (amount, count) of a vertex's edges.",
    "Barrat et al. 2004",
    ("importance", "collectors", "distributors"),
    _strength,
    lambda p: (
        f"sum of {p.get('weight_attribute') or 'edge counts'} over {p['direction']} "
        "edges, not normalised"
    ),
    (
        WEIGHT,
        ParameterSpec(
            "direction",
            "choice",
            "all",
            "Which edges count: incoming (in), outgoing (out) or all.",
            choices=("in", "out", "all"),
        ),
    ),
    needs=DataNeeds(direction="either", weights="required"),
    meaning="strength (total edge weight)",
    interpret=_strength_patterns,
)
PERSONALIZED_PAGERANK = _method(
    "personalized_pagerank",
    "personalised PageRank",
    "Proximity to named vertices: where a random walk restarting at them spends its time.",
    "Haveliwala 2002; PRPACK",
    ("importance", "similarity"),
    _personalized,
    lambda p: f"share of the walk's time, sums to 1, {_weighted_words(p)}",
    (
        vertices_parameter("sources", "Vertices the walk restarts from (ids joined with '|')."),
        DAMPING,
        WEIGHT,
    ),
    needs=DataNeeds(direction="either", weights="optional", named_entities="many"),
    meaning="personalised PageRank (share of a walk from the named vertices)",
)
ARTICLERANK = _method(
    "articlerank",
    "ArticleRank",
    "Influence discounting prolific linkers: PageRank's cousin for citation-like graphs.",
    "Li, Willett et al. 2009 (as in Neo4j GDS)",
    ("importance",),
    _articlerank,
    lambda p: (
        f"not normalised (floor 1 - damping = {1 - p['damping_factor']:.2f}), {_weighted_words(p)}"
    ),
    (DAMPING, WEIGHT),
    needs=DataNeeds(direction="either", weights="optional"),
    meaning="ArticleRank score",
)
EIGENVECTOR = _method(
    "eigenvector",
    "eigenvector centrality",
    "Influence through well-connected contacts (leading eigenvector of the adjacency).",
    "Bonacich 1987",
    ("importance",),
    _eigenvector,
    lambda p: f"scaled so the most central vertex scores 1, {_weighted_words(p)}",
    (WEIGHT,),
    needs=DataNeeds(direction="either", weights="optional"),
    meaning="eigenvector centrality (1 = most central)",
)
HITS = _method(
    "hits",
    "HITS",
    "Hubs point to good authorities; authorities are pointed to by good hubs.",
    "Kleinberg 1999",
    ("importance", "collectors", "distributors"),
    _hits,
    lambda p: f"{p['score']} score scaled so the largest is 1, {_weighted_words(p)}",
    (
        ParameterSpec(
            "score",
            "choice",
            "authorities",
            "Which HITS score ranks the vertices.",
            choices=("authorities", "hubs"),
        ),
        WEIGHT,
    ),
    needs=DataNeeds(direction="directed", weights="optional"),
    meaning="HITS score (1 = highest)",
)
CLOSENESS = _method(
    "closeness",
    "closeness centrality",
    "Reach: vertices close to all others (inverse mean distance).",
    "Freeman 1979; Wasserman and Faust 1994",
    ("importance", "paths"),
    _closeness,
    lambda p: (
        "normalised to 0..1, Wasserman-Faust scaled by the share of vertices reached, "
        f"distances {'in ' + p['weight_attribute'] if p.get('weight_attribute') else 'in hops'}"
    ),
    (REACH_MODE, WEIGHT),
    needs=DataNeeds(direction="either", weights="optional", named_entities="optional"),
    meaning="closeness (1 = one hop from everyone)",
)
HARMONIC = _method(
    "harmonic",
    "harmonic centrality",
    "Reach on disconnected graphs: the sum of inverse distances to all others.",
    "Marchiori and Latora 2000; Boldi and Vigna 2014",
    ("importance", "paths"),
    _harmonic,
    lambda p: (
        ("normalised by n - 1" if p["normalized"] else "not normalised (sum of 1/d)")
        + f", distances {'in ' + p['weight_attribute'] if p.get('weight_attribute') else 'in hops'}"
    ),
    (
        REACH_MODE,
        WEIGHT,
        ParameterSpec("normalized", "bool", False, "Divide by n - 1 (the mean inverse distance)."),
    ),
    needs=DataNeeds(direction="either", weights="optional", named_entities="optional"),
    meaning="harmonic centrality (sum of inverse distances)",
)

METHODS: tuple[Method, ...] = (
    IN_DEGREE,
    OUT_DEGREE,
    STRENGTH,
    PERSONALIZED_PAGERANK,
    ARTICLERANK,
    EIGENVECTOR,
    HITS,
    CLOSENESS,
    HARMONIC,
)
