"""Centrality: who matters most — PageRank, degree and betweenness.

References:
    PageRank: Brin and Page, "The anatomy of a large-scale hypertextual Web search engine",
    Computer Networks 30 (1998); computed with PRPACK (Gleich, Gray, Greif and Lau, "An
    inner-outer iteration for computing PageRank", SIAM J. Sci. Comput. 32, 2010).
    Degree and betweenness: Freeman, "Centrality in social networks: conceptual
    clarification", Social Networks 1 (1979); betweenness by Brandes, "A faster algorithm for
    betweenness centrality", J. Math. Sociol. 25 (2001), sampled sources as in Brandes and
    Pich, "Centrality estimation in large networks", Int. J. Bifurcation and Chaos 17 (2007).

Projection rules (template design, never by collection names):

* **influence** — PageRank on the focus collection's self edges (referrals, follows,
  transfers), else on the core edges around the focus. Direction: PageRank ranks a vertex
  high when many (important) edges point *to* it. That matches edges that endorse their target
  ("A follows B", "A trusts B"), but not edges whose source is the actor ("A referred B",
  "A invited B"): there directed PageRank would rank the referred customers above the
  influencer who brought them. PageRank has no "reverse edges" parameter, and nothing in a
  schema says which convention an edge collection follows, so the projection is directed only
  when the edge collection's name reads as an endorsement (`_ENDORSING_VERBS`); any other self
  relation is made undirected, where a vertex ranks high by the number and weight of its ties
  whichever way they point — the influencer with many referrals ranks high under either
  convention.
* **hubs** — degree (all directions) of the focus over every core edge collection touching it.
* **brokers** — betweenness on the focus's own relation when it has one (referrals between
  customers, transfers between accounts), undirected: "who bridges groups of customers" asks
  about the ties between customers, and through orders and products every buyer of a popular
  product would look like a bridge. Without such a relation, the same two-hop core projection
  as communities, less the focus's identifier leaves (devices, cards): a broker is whoever
  sits on the paths between the groups that projection contains. Sampled
  (`BROKER_SAMPLE_SIZE` sources) when the projection is larger than `BROKER_EXACT_LIMIT`.
  Betweenness also rewards shortcuts *inside* a group (an influencer who referred many of
  their own segment), so it shortlists brokers rather than proving them.
"""

from __future__ import annotations

import math
import random
import re
from typing import Any

import numpy as np
import numpy.typing as npt

from gaai_graph.methods.base import (
    DataNeeds,
    GaeRun,
    LocalJob,
    Method,
    NoProjectionError,
    Outcome,
    ParameterSpec,
    Picture,
    Plan,
)
from gaai_graph.methods.local_tools import (
    as_scores,
    one_openmp_thread,
    simple_keeping_direction,
)
from gaai_graph.methods.named_scores import VERTICES, answering_named, reading_named
from gaai_graph.methods.scores import (
    leader_recommendation,
    score_findings,
    scoring_adapter,
)
from gaai_graph.methods.topology import SchemaTopology
from gaai_graph.methods.writing import (
    LEADER_FINDING_RATIO,
    ReportWriter,
    _number,
    format_number,
    priority_for,
)
from gaai_graph.models import MetricValue, Recommendation, UseCase
from gaai_graph.words import join_names

__all__ = [
    "BETWEENNESS",
    "BROKER_EXACT_LIMIT",
    "BROKER_SAMPLE_SIZE",
    "DEFAULT_BETWEENNESS_SAMPLES",
    "DEGREE",
    "METHODS",
    "PAGERANK",
]

BROKER_EXACT_LIMIT = 5000
"""Projections with more vertices than this get sampled betweenness."""
BROKER_SAMPLE_SIZE = 256
"""Source vertices sampled for betweenness on large projections (DESIGN §7: 200 samples take
18 s at 10^6 edges)."""
COMMUNITY_HOPS = 2

DEFAULT_BETWEENNESS_SAMPLES = 256
"""Sources sampled for betweenness when the template leaves `sample_size` null and the
projection is larger than `exact_threshold` (DESIGN §7: 200 samples take 18 s at 10^6 edges)."""


# --------------------------------------------------------------------------- design

# Verbs whose object receives the endorsement ("A follows B": B gains). Matched against the
# words of an edge collection's name; a passive name ("followed_by") points the other way.
_ENDORSING_VERBS = (
    "follow",
    "like",
    "trust",
    "endorse",
    "cite",
    "mention",
    "retweet",
    "subscribe",
    "vouch",
    "upvote",
    "recommend",
    "favourite",
    "favorite",
    "rate",
    "star",
)


def _endorses_target(edge: str) -> bool:
    words = [w for w in re.split(r"[^a-z]+", edge.lower()) if w]
    if "by" in words:
        return False
    return any(word.startswith(verb) for word in words for verb in _ENDORSING_VERBS)


def _influence(use_case: UseCase, topology: SchemaTopology) -> Plan:
    focus = use_case.focus_collections
    self_edges = [e for f in focus for e in topology.self_edges(f)]
    if self_edges:
        directed = all(_endorses_target(e) for e in self_edges)
        vertices = [f for f in focus if topology.self_edges(f)]
        how = (
            "directed, since each edge endorses its target"
            if directed
            else "undirected, so a vertex ranks high by how many ties it has and how "
            "influential its contacts are, whichever way the edges point"
        )
        why = (
            f"PageRank over {join_names(self_edges)} between {join_names(vertices)} ({how}): "
            "influence spreads along these direct relations."
        )
        return Plan("pagerank", vertices, self_edges, directed, {"damping_factor": 0.85}, why)
    vertices, edges = topology.neighbourhood(focus, hops=1)
    if not edges:
        raise NoProjectionError(f"{join_names(focus)} has no core edges to rank influence over")
    why = (
        f"{join_names(focus)} have no direct relations among themselves, so PageRank runs "
        f"undirected over {join_names(edges)}: a vertex ranks high when it is tied to many "
        "well-connected vertices."
    )
    return Plan("pagerank", vertices, edges, False, {"damping_factor": 0.85}, why)


def _hubs(use_case: UseCase, topology: SchemaTopology) -> Plan:
    focus = use_case.focus_collections
    edges = list(
        dict.fromkeys(e for f in focus for e in topology.edges_touching(f, core_only=True))
    )
    if not edges:
        raise NoProjectionError(f"no core edge collection touches {join_names(focus)}")
    vertices = list(
        dict.fromkeys(
            [
                *focus,
                *(v for e in edges for v in topology.ends[e][0]),
                *(v for e in edges for v in topology.ends[e][1]),
            ]
        )
    )
    why = (
        f"Degree of {join_names(focus)} over every core edge collection touching them "
        f"({join_names(edges)}): a hub is simply what the most other entities connect to."
    )
    return Plan("degree", vertices, edges, True, {"mode": "all"}, why)


def _brokers(use_case: UseCase, topology: SchemaTopology) -> Plan:
    focus = use_case.focus_collections
    self_edges = [e for f in focus for e in topology.self_edges(f)]
    if self_edges:
        return _brokers_among(focus, self_edges, topology)
    vertices, edges = topology.neighbourhood(focus, hops=COMMUNITY_HOPS)
    # Identifier collections (each device or card used by one customer) are leaves of the
    # focus: every path from a leaf runs through its owner, which adds the same large offset
    # to every entity's betweenness and buries the bridges between groups.
    leaves = {n for f in focus for n in topology.identifier_neighbours(f)} - set(focus)
    vertices = [v for v in vertices if v not in leaves]
    edges = [e for e in edges if not topology.endpoints(e) & leaves]
    if not edges:
        raise NoProjectionError(f"no core edges around {join_names(focus)}")
    parameters, approximation = _betweenness_parameters(sum(topology.count(v) for v in vertices))
    why = (
        f"Betweenness on the undirected core network around "
        f"{join_names(focus)} ({join_names(vertices)}), the network the communities are found "
        "in: a broker lies on many shortest paths between groups." + approximation
    )
    return Plan("betweenness", vertices, edges, False, parameters, why)


def _betweenness_parameters(size: int) -> tuple[dict[str, Any], str]:
    sampled = size > BROKER_EXACT_LIMIT
    parameters: dict[str, Any] = {"sample_size": BROKER_SAMPLE_SIZE if sampled else None}
    approximation = (
        f" Sampled from {BROKER_SAMPLE_SIZE} sources: the projection holds about {size} vertices."
        if sampled
        else " Exact."
    )
    return parameters, approximation


def _brokers_among(focus: list[str], self_edges: list[str], topology: SchemaTopology) -> Plan:
    """Betweenness on the focus's own relation (referrals between customers).

    "Who bridges groups of customers" is a question about the ties between the customers
    themselves; through orders and products every customer who bought a popular product
    would look like a bridge.
    """
    vertices = [f for f in focus if topology.self_edges(f)]
    parameters, approximation = _betweenness_parameters(sum(topology.count(v) for v in vertices))
    why = (
        f"Betweenness on the undirected {join_names(self_edges)} network between "
        f"{join_names(vertices)}, their direct relation to each other: a broker lies on many "
        "shortest paths between otherwise separate groups of them." + approximation
    )
    return Plan("betweenness", vertices, self_edges, False, parameters, why)


# --------------------------------------------------------------------------- local engine


def _pagerank(job: LocalJob) -> Outcome:
    graph = job.graph
    p = job.parameters
    clock = job.clock
    with clock.running(), one_openmp_thread():
        values = graph.pagerank(
            damping=p["damping_factor"], directed=graph.is_directed(), implementation="prpack"
        )
    metrics: dict[str, MetricValue] = {}
    notes = []
    if graph.is_directed():
        dangling = int((np.asarray(graph.outdegree()) == 0).sum())
        metrics["dangling_vertices"] = dangling
        if dangling:
            notes.append(
                f"{dangling:,} vertices have no outgoing edge; PageRank spreads their rank "
                "evenly over all vertices."
            )
    return Outcome(scores=as_scores(values), metrics=metrics, notes=notes)


def _betweenness(job: LocalJob) -> Outcome:
    graph = job.graph
    p = job.parameters
    seed = job.seed
    clock = job.clock
    with clock.running():
        simple, notes = simple_keeping_direction(graph)
    n = simple.vcount()
    requested = p["sample_size"]
    if requested is None:
        sample = n if n <= p["exact_threshold"] else DEFAULT_BETWEENNESS_SAMPLES
    else:
        sample = requested
    sample = min(sample, n)
    exact = sample >= n
    directed = simple.is_directed()
    with clock.running():
        if exact:
            raw = as_scores(simple.betweenness(directed=directed))
            sources_per_vertex = np.full(n, n - 1, dtype=np.float64)
        else:
            # Python's sampler on range(n) picks the same sources as networkx's
            # betweenness_centrality(k=..., seed=...) on nodes 0..n-1.
            sources = random.Random(seed).sample(range(n), sample)
            raw = as_scores(simple.betweenness(directed=directed, sources=sources))
            # A sampled source lies on none of its own paths: it is estimated from the others.
            sources_per_vertex = np.full(n, sample, dtype=np.float64)
            sources_per_vertex[sources] -= 1
    values = _scale_betweenness(raw, sources_per_vertex, directed, p["normalized"])
    metrics: dict[str, MetricValue] = {"exact": exact, "sample_size": sample}
    if not exact:
        metrics["approximation"] = f"sampled {sample:,} of {n:,} sources"
        notes.append(
            f"Betweenness sampled from {sample:,} of {n:,} source vertices (seed {seed}) and "
            "scaled up to all sources, the estimator of networkx's "
            "betweenness_centrality(k=...); scores are estimates."
        )
    return Outcome(scores=values, metrics=metrics, notes=notes)


def _scale_betweenness(
    raw: npt.NDArray[np.float64],
    sources_per_vertex: npt.NDArray[np.float64],
    directed: bool,
    normalized: bool,
) -> npt.NDArray[np.float64]:
    """Scale igraph's (possibly source-sampled) betweenness to networkx's conventions.

    igraph counts each unordered pair once on undirected graphs. Scaling by (n - 1) over the
    number of sources that could reach past a vertex estimates all pairs; normalising divides
    by the number of pairs not involving the vertex.
    """
    n = raw.size
    if n <= 2:
        return np.zeros(n)
    with np.errstate(divide="ignore", invalid="ignore"):
        if normalized:
            factor = (1.0 if directed else 2.0) / (sources_per_vertex * (n - 2))
        else:
            factor = (n - 1) / sources_per_vertex
    # With a single sampled source, that source has no estimate at all; it scores 0.
    return np.where(sources_per_vertex > 0, raw * factor, 0.0)


def _degree(job: LocalJob) -> Outcome:
    mode = job.parameters["mode"]
    with job.clock.running():
        values = job.degrees(mode)
    notes = []
    if not job.directed and mode != "all":
        notes.append(f"The projection is undirected, so degree mode '{mode}' counts all edges.")
    return Outcome(scores=values, notes=notes)


# --------------------------------------------------------------------------- reading


def _degree_finding(writer: ReportWriter) -> None:
    q = writer.quoter()
    mode = f" ({q.text('parameters.mode')} edges)" if q.has("parameters.mode") else ""
    description = (
        f"The average vertex has {q.count('statistics.mean', 'connection')}{mode} and nine in "
        "ten "
        f"vertices have at most {q.num('statistics.p90')}, while the largest hub has "
        f"{q.num('statistics.max')}."
    )
    spread = writer.execution.statistics
    assert spread is not None
    ratio = spread.max / spread.p90 if spread.p90 > 0 else 100.0
    # The engine judged the top vertex against every degree (evidence.leaders); without that
    # evidence (older results) the ratio to the 90th percentile decides.
    judged = writer.execution.metrics.get("rank_0_unusual")
    stands_out = judged if isinstance(judged, bool) else ratio >= LEADER_FINDING_RATIO
    writer.add(
        "Hubs stand out from typical vertices"
        if stands_out
        else "The largest hubs are the ordinary top of the degree distribution",
        description,
        min(1.0, math.log10(max(ratio, 1.0)) / 1.5),
        q,
        kind="finding" if stands_out else "context",
    )
    _shared_finding(writer)


def _shared_finding(writer: ReportWriter) -> None:
    """Degree of devices, cards, products...: how many are linked to two or more vertices.

    Counted by the engine over every vertex of the result collections, not the top-k.
    """
    collections = sorted(set(writer.template.result_collections))
    q = writer.quoter()
    if not collections or not q.has("metrics.result_vertices_at_least_2"):
        return
    shared = int(q.value("metrics.result_vertices_at_least_2"))
    terms = writer.terms_of(collections)
    parts = [
        f"{q.num(f'metrics.result_vertices_at_least_2_in_{name}')} of "
        f"{q.num(f'metrics.result_vertex_count_in_{name}')} {writer.term(name, plural=True)}"
        for name in collections
        if q.has(f"metrics.result_vertices_at_least_2_in_{name}")
        and q.has(f"metrics.result_vertex_count_in_{name}")
    ]
    total = _number(writer.measures.get("metrics.result_vertex_count")) or 0.0
    share = shared / total if total else 0.0
    rare = 0 < share < 0.5
    description = (
        f"{q.num('metrics.result_vertices_at_least_2')} of the "
        f"{q.num('metrics.result_vertex_count')} {terms} {'has' if shared == 1 else 'have'} "
        "two or more links in the "
        "projection, counted over the whole result"
        + (f" ({'; '.join(parts)})" if len(parts) > 1 else "")
        + (
            ". Few are linked to several others, so these few are shared: the first place to "
            "look for entities that should not be connected."
            if rare
            else "."
        )
        if shared
        else f"None of the {q.num('metrics.result_vertex_count')} {terms} has more than one link "
        "in the projection: nothing is shared."
    )
    title = (
        f"{q.num('metrics.result_vertices_at_least_2')} "
        f"{writer.terms_of(collections, plural=shared != 1)} "
        f"{'has' if shared == 1 else 'have'} two or more links"
    )
    related = [e.id for e in writer.execution.top_entities if e.value >= 2]
    # Sharing is the notable fact when it is rare (a few devices among thousands); when most
    # vertices have several links (products in many orders) it is context.
    writer.add(
        title if shared else f"No shared {terms}",
        description,
        0.5 + 0.5 * (1.0 - share),
        q,
        related,
        kind="finding" if rare else "context",
    )
    if rare:
        writer.extra_recommendations.append(
            Recommendation(
                title=f"Review the {format_number(shared)} {terms} with two or more links",
                description=(
                    f"Check who shares each of them, starting with the most linked: "
                    f"{', '.join(related[:10]) or 'see the top entities'}. Block or step up "
                    "checks on those used by unrelated accounts."
                ),
                priority=priority_for(writer.findings[-1].insight.confidence),
                related_entities=related,
            )
        )


def _read_pagerank(writer: ReportWriter) -> None:
    score_findings(writer, "PageRank score")
    leader_recommendation(writer)


def _read_degree(writer: ReportWriter) -> None:
    score_findings(writer, "degree", specifics=_degree_finding)
    leader_recommendation(writer)


def _read_betweenness(writer: ReportWriter) -> None:
    score_findings(writer, "betweenness", state_approximation=True)
    leader_recommendation(writer)


# --------------------------------------------------------------------------- declarations

PAGERANK = Method(
    name="pagerank",
    label="PageRank",
    long_name="PageRank",
    description="Influence: a vertex matters when important vertices point to it.",
    reference="Brin and Page 1998; PRPACK (Gleich et al. 2010)",
    kind="scoring",
    result_attribute="rank",
    intents=("importance",),
    use_case_intents=("influence", "hubs"),
    default_for=("influence",),
    aliases=r"page[- ]?rank",
    score_name="PageRank score",
    needs=DataNeeds(direction="either"),
    parameters=(
        ParameterSpec(
            "damping_factor",
            "float",
            0.85,
            "Probability of following an edge rather than jumping anywhere.",
            minimum=0.0,
            maximum=1.0,
            exclusive_minimum=True,
            exclusive_maximum=True,
        ),
        VERTICES,
    ),
    local=answering_named(_pagerank, "pagerank", "PageRank, damping 0.85", "PageRank"),
    gae=GaeRun(
        "pagerank",
        lambda p: {"damping_factor": p.get("damping_factor", 0.85), "maximum_supersteps": 100},
    ),
    design=_influence,
    adapt=scoring_adapter("pagerank", "PageRank", {"damping_factor": 0.85}),
    interpret=reading_named(_read_pagerank),
    picture=Picture(
        score_axis="PageRank score",
        score_meaning="PageRank score (the share of a random walk's time spent at the vertex)",
    ),
)

BETWEENNESS = Method(
    name="betweenness",
    pattern="broker",
    label="betweenness",
    long_name="betweenness centrality",
    description="Brokers: vertices on many shortest paths between others.",
    reference="Freeman 1977; Brandes 2001; sampled as in Brandes and Pich 2007",
    kind="scoring",
    result_attribute="centrality",
    intents=("brokers", "importance"),
    use_case_intents=("brokers",),
    default_for=("brokers",),
    aliases=r"betweenness(?:[- ]centrality)?",
    score_name="betweenness",
    needs=DataNeeds(direction="either"),
    parameters=(
        ParameterSpec(
            "sample_size",
            "int",
            None,
            "Number of source vertices sampled; null means exact when the projection "
            "has at most `exact_threshold` vertices, else 256 samples.",
            minimum=1,
            nullable=True,
        ),
        ParameterSpec(
            "exact_threshold",
            "int",
            5000,
            "Largest vertex count for which exact betweenness is computed by default.",
            minimum=1,
        ),
        ParameterSpec("normalized", "bool", True, "Divide by the number of vertex pairs."),
        VERTICES,
    ),
    randomized=True,
    local=answering_named(_betweenness, "betweenness", "normalised", "Betweenness"),
    gae=GaeRun("betweennesscentrality"),
    design=_brokers,
    interpret=reading_named(_read_betweenness),
    picture=Picture(
        score_axis="betweenness",
        score_meaning="betweenness (the share of shortest paths running through the vertex)",
    ),
)

DEGREE = Method(
    name="degree",
    label="degree",
    long_name="degree",
    description="Hubs: vertices with the most connections.",
    reference="Freeman 1979",
    kind="scoring",
    result_attribute="degree",
    intents=("importance", "collectors", "distributors"),
    use_case_intents=("hubs", "influence"),
    default_for=("hubs",),
    aliases=(
        r"degree[- ]centrality|(?:in|out)[- ]?degrees?|(?:node|vertex) degrees?|"
        r"degree distribution|by (?:their )?degree"
    ),
    score_name="degree",
    needs=DataNeeds(direction="either"),
    parameters=(
        ParameterSpec("mode", "choice", "all", "Which edges count.", choices=("in", "out", "all")),
        VERTICES,
    ),
    local=answering_named(_degree, "degree", "edges counted", "Degree"),
    design=_hubs,
    adapt=scoring_adapter("degree", "degree", {"mode": "all"}),
    interpret=reading_named(_read_degree),
    picture=Picture(score_axis="degree", score_meaning="degree (number of links)"),
)

METHODS: tuple[Method, ...] = (PAGERANK, BETWEENNESS, DEGREE)
