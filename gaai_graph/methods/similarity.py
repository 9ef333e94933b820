"""Similarity and link prediction: which vertices are alike, which links are likely.

References:
    Jaccard, "Étude comparative de la distribution florale...", Bull. Soc. Vaudoise Sci. Nat.
    37 (1901); overlap (Szymkiewicz–Simpson) and cosine (Salton and McGill, "Introduction to
    Modern Information Retrieval", 1983) on neighbour sets. Link prediction: Liben-Nowell and
    Kleinberg, "The link-prediction problem for social networks", JASIST 58 (2007); Adamic
    and Adar, "Friends and neighbors on the Web", Social Networks 25 (2003); preferential
    attachment: Barabási and Albert, Science 286 (1999). k nearest neighbours by attributes:
    Cover and Hart, "Nearest neighbor pattern classification", IEEE Trans. IT 13 (1967).

Computed by `gaai_graph.methods.compute.similarity`; the pair search is bounded (`max_work`
neighbour visits) and says so when the bound stops it.
"""

from __future__ import annotations

from typing import Any, Literal

from gaai_graph.errors import TemplateValidationError
from gaai_graph.methods.answering import (
    MODE,
    answer_outcome,
    named,
    one_named,
    read_answer,
    vertices_parameter,
)
from gaai_graph.methods.base import DataNeeds, LocalJob, Method, Outcome, ParameterSpec
from gaai_graph.methods.compute import similarity
from gaai_graph.methods.vocabulary import QuestionIntent
from gaai_graph.methods.writing import format_number

__all__ = ["METHODS"]

TOP_K = ParameterSpec("top_k", "int", 10, "How many pairs to list.", minimum=1, maximum=1000)
MAX_WORK = ParameterSpec(
    "max_work", "int", 5_000_000, "Bound on neighbour visits of the pair search.", minimum=1
)
FOCUS = vertices_parameter("vertices", "Only pairs involving these vertices (ids joined with '|').")
_MEANING = {
    "jaccard": "shared neighbours / all neighbours of either (0..1)",
    "overlap": "shared neighbours / neighbours of the smaller (0..1)",
    "cosine": "shared neighbours / sqrt(product of neighbour counts) (0..1)",
    "common_neighbors": "number of shared neighbours",
    "adamic_adar": "sum of 1/log(degree) over shared neighbours",
    "preferential_attachment": "product of the two degrees",
}


def _pairs_answer(job: LocalJob, name: str, result: similarity.ScoredPairs, what: str) -> Outcome:
    ids = job.data.vertex_ids
    value: list[list[str | float]] = [[ids[u], ids[v], score] for u, v, score in result.pairs]
    best = result.pairs[0] if result.pairs else None
    headline = (
        f"The {what} pair is {ids[best[0]]} and {ids[best[1]]} ({_MEANING[name]}: "
        f"{format_number(best[2])}); {format_number(len(value))} pairs listed."
        if best is not None
        else f"No pair of vertices shares a neighbour, so no {what} pair can be named."
    )
    notes = (
        []
        if result.complete
        else [
            f"The pair search stopped after {format_number(result.work)} neighbour visits "
            "(max_work): better pairs may exist among the vertices not reached."
        ]
    )
    return answer_outcome(
        "pairs",
        value,
        f"{_MEANING[name]}, best first",
        name,
        headline,
        metrics={"pairs_listed": len(value), "complete": result.complete},
        notes=notes,
    )


def _named_pair(job: LocalJob, name: str) -> Outcome | None:
    """The score of the two vertices named in `pair`, when a question names them."""
    chosen = named(job, "pair", required=False)
    if not chosen:
        return None
    if len(chosen) != 2:
        raise TemplateValidationError("parameter 'pair' must name exactly two vertices")
    mode = job.parameters.get("mode", "all")
    (score,) = similarity.score_pairs(job.graph, [(chosen[0], chosen[1])], name, mode=mode)
    ids = job.data.vertex_ids
    return answer_outcome(
        "value",
        score,
        _MEANING[name],
        name,
        f"{ids[chosen[0]]} and {ids[chosen[1]]} score {format_number(score)} ({_MEANING[name]}).",
    )


def _similarity_runner(name: str) -> Any:
    def run(job: LocalJob) -> Outcome:
        with job.clock.running():
            pair = _named_pair(job, name)
            if pair is not None:
                return pair
            result = similarity.neighbourhood_similarity(
                job.graph,
                name,  # type: ignore[arg-type]
                top_k=job.parameters["top_k"],
                vertices=named(job, "vertices", required=False) or None,
                mode=job.parameters["mode"],
                max_work=job.parameters["max_work"],
            )
        return _pairs_answer(job, name, result, "most alike")

    return run


def _link_runner(name: str) -> Any:
    def run(job: LocalJob) -> Outcome:
        with job.clock.running():
            pair = _named_pair(job, name)
            if pair is not None:
                return pair
            result = similarity.link_scores(
                job.graph,
                name,  # type: ignore[arg-type]
                top_k=job.parameters["top_k"],
                vertices=named(job, "vertices", required=False) or None,
                max_work=job.parameters["max_work"],
            )
        return _pairs_answer(job, name, result, "most likely missing")

    return run


def _attribute_knn(job: LocalJob) -> Outcome:
    attributes = [a.strip() for a in job.parameters["attributes"].split(",") if a.strip()]
    source = one_named(job, "source")
    with job.clock.running():
        result = similarity.attribute_knn(
            job.graph,
            attributes,
            job.parameters["k"],
            sources=[source],
            metric=job.parameters["metric"],
            standardise=job.parameters["standardise"],
        )
    ids = job.data.vertex_ids
    nearest = result.neighbours[source]
    listed = "; ".join(f"{ids[v]} ({format_number(d)})" for v, d in nearest)
    scale = "standardised " if job.parameters["standardise"] else ""
    return answer_outcome(
        "entities",
        [ids[v] for v, _ in nearest],
        f"nearest first by {job.parameters['metric']} distance on {scale}{', '.join(attributes)}",
        "attribute_knn",
        f"Most alike {ids[source]} by {', '.join(attributes)}: {listed}.",
        metrics={"skipped_vertices": len(result.skipped)},
        notes=(
            [
                f"{format_number(len(result.skipped))} vertices lack a numeric value and were "
                "left out."
            ]
            if result.skipped
            else []
        ),
    )


def _declare(
    name: str,
    label: str,
    description: str,
    reference: str,
    intents: tuple[QuestionIntent, ...],
    run: Any,
    parameters: tuple[ParameterSpec, ...],
    named_entities: Literal["optional", "one"] = "optional",
) -> Method:
    return Method(
        name=name,
        label=label,
        long_name=label,
        description=description,
        reference=reference,
        kind="answer",
        result_attribute=name,
        intents=intents,
        needs=DataNeeds(direction="either", named_entities=named_entities),
        parameters=parameters,
        local=run,
        interpret=read_answer,
    )


PAIR = vertices_parameter("pair", "Two vertices whose score is asked for (ids joined with '|').")
SIMILARITY_PARAMETERS = (
    TOP_K,
    FOCUS,
    PAIR,
    ParameterSpec("mode", "choice", "all", MODE.description, choices=("out", "in", "all")),
    MAX_WORK,
)
LINK_PARAMETERS = (TOP_K, FOCUS, PAIR, MAX_WORK)

JACCARD = _declare(
    "jaccard",
    "Jaccard similarity",
    "Alike vertices: share of neighbours in common.",
    "Jaccard 1901",
    ("similarity",),
    _similarity_runner("jaccard"),
    SIMILARITY_PARAMETERS,
)
OVERLAP = _declare(
    "overlap",
    "overlap similarity",
    "Alike vertices: shared neighbours relative to the smaller neighbourhood.",
    "Szymkiewicz-Simpson overlap coefficient",
    ("similarity",),
    _similarity_runner("overlap"),
    SIMILARITY_PARAMETERS,
)
COSINE = _declare(
    "cosine",
    "cosine similarity",
    "Alike vertices: cosine of their neighbour vectors.",
    "Salton and McGill 1983",
    ("similarity",),
    _similarity_runner("cosine"),
    SIMILARITY_PARAMETERS,
)
COMMON_NEIGHBORS = _declare(
    "common_neighbors",
    "common neighbours",
    "Likely links: unlinked pairs with most shared neighbours.",
    "Liben-Nowell and Kleinberg 2007",
    ("link_prediction",),
    _link_runner("common_neighbors"),
    LINK_PARAMETERS,
)
ADAMIC_ADAR = _declare(
    "adamic_adar",
    "Adamic-Adar index",
    "Likely links: shared neighbours, rare (low-degree) ones counting more.",
    "Adamic and Adar 2003",
    ("link_prediction",),
    _link_runner("adamic_adar"),
    LINK_PARAMETERS,
)
PREFERENTIAL_ATTACHMENT = _declare(
    "preferential_attachment",
    "preferential attachment",
    "Likely links: unlinked pairs of well-connected vertices.",
    "Barabási and Albert 1999; Liben-Nowell and Kleinberg 2007",
    ("link_prediction",),
    _link_runner("preferential_attachment"),
    LINK_PARAMETERS,
)
ATTRIBUTE_KNN = _declare(
    "attribute_knn",
    "attribute nearest neighbours",
    "The k vertices most alike a named vertex by numeric attributes.",
    "Cover and Hart 1967",
    ("similarity",),
    _attribute_knn,
    (
        vertices_parameter("source", "The vertex to find look-alikes of (an id)."),
        ParameterSpec("attributes", "str", "", "Numeric vertex attributes, comma-separated."),
        ParameterSpec("k", "int", 5, "How many to list.", minimum=1, maximum=1000),
        ParameterSpec(
            "metric", "choice", "euclidean", "Distance.", choices=("euclidean", "cosine")
        ),
        ParameterSpec("standardise", "bool", True, "Scale each attribute to mean 0, sd 1 first."),
    ),
    # Look-alikes of one vertex: without it named, pairwise similarity answers instead.
    named_entities="one",
)

METHODS: tuple[Method, ...] = (
    JACCARD,
    OVERLAP,
    COSINE,
    ATTRIBUTE_KNN,
    COMMON_NEIGHBORS,
    ADAMIC_ADAR,
    PREFERENTIAL_ATTACHMENT,
)
