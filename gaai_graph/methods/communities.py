"""Communities: which groups the entities form — Leiden, Louvain and label propagation.

References:
    Louvain: Blondel, Guillaume, Lambiotte and Lefebvre, "Fast unfolding of communities in
    large networks", J. Stat. Mech. (2008) P10008.
    Leiden: Traag, Waltman and van Eck, "From Louvain to Leiden: guaranteeing well-connected
    communities", Scientific Reports 9 (2019) 5233.
    Label propagation: Raghavan, Albert and Kumara, "Near linear time algorithm to detect
    community structures in large-scale networks", Phys. Rev. E 76 (2007) 036106.
    Modularity: Newman and Girvan, "Finding and evaluating community structure in networks",
    Phys. Rev. E 69 (2004) 026113.

Projection rule: **communities** — Leiden on an undirected projection of the core collections
within two core edges of the focus (customers → orders → products): far enough to see shared
behaviour, never through satellites, which would fuse everything they are attached to. Leiden
rather than Louvain at every size: it refines Louvain's moves and guarantees connected
communities, and measured here it was 17x faster at 10^6 edges (DESIGN §7); on small graphs
both are instant, so Louvain has nothing to offer. Louvain and label propagation run where
Leiden would when a requirement names them.
"""

from __future__ import annotations

from typing import Any

from gaai_graph.methods.answering import WEIGHT, weight_of
from gaai_graph.methods.base import (
    Adapter,
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
from gaai_graph.methods.groups import (
    attribute_insight,
    attribute_patterns,
    largest_group_finding,
    singleton_finding,
)
from gaai_graph.methods.local_tools import (
    community_metrics,
    modularity,
    seeded_igraph,
)
from gaai_graph.methods.topology import SchemaTopology
from gaai_graph.methods.writing import ReportWriter, format_number, priority_for
from gaai_graph.models import Recommendation, UseCase
from gaai_graph.words import join_names, noun_for

__all__ = ["LABEL_PROPAGATION", "LEIDEN", "LOUVAIN", "METHODS"]

COMMUNITY_HOPS = 2


# --------------------------------------------------------------------------- design


def _communities(use_case: UseCase, topology: SchemaTopology) -> Plan:
    vertices, edges = topology.neighbourhood(use_case.focus_collections, hops=COMMUNITY_HOPS)
    if not edges:
        raise NoProjectionError(f"no core edges around {join_names(use_case.focus_collections)}")
    why = (
        f"Leiden communities on the undirected core network around "
        f"{join_names(use_case.focus_collections)} ({join_names(vertices)}; satellites left out so "
        "lookups do not fuse unrelated entities): entities that share many neighbours end up "
        "in the same community."
    )
    return Plan("leiden", vertices, edges, False, {"resolution": 1.0}, why)


def _community_adapter(name: str, label: str, parameters: dict[str, Any]) -> Adapter:
    """Run community method `name` where the communities rule chose its projection."""

    def adapt(plan: Plan, use_case: UseCase, topology: SchemaTopology) -> Plan:
        why = plan.why.replace("Leiden communities", f"{label} communities", 1)
        if why == plan.why:
            why = f"{label} on the undirected projection ({join_names(plan.vertices)}). {plan.why}"
        return Plan(name, plan.vertices, plan.edges, False, dict(parameters), why)

    return adapt


# --------------------------------------------------------------------------- local engine


def _label_propagation(job: LocalJob) -> Outcome:
    seed = job.seed
    clock = job.clock
    weight = weight_of(job)
    with clock.running():
        # The job's own graph, read by nothing after this: simplified without a copy.
        simple, notes = job.undirected_simple("Label propagation", weight, in_place=True)
        with seeded_igraph(seed):
            membership = simple.community_label_propagation(weights=weight).membership
    return Outcome(
        membership=membership,
        metrics={"modularity": modularity(simple, membership, 1.0, weight)},
        notes=notes,
    )


def _modularity_partition(job: LocalJob, label: str, partition: Any) -> Outcome:
    """Run `partition(simple graph, weight, resolution)` on the job's undirected simple graph.

    Louvain and Leiden share everything but the igraph call: the simplification (with its
    notes), the seed, the timing and the modularity metrics at the job's resolution.
    """
    resolution = job.parameters["resolution"]
    weight = weight_of(job)
    with job.clock.running():
        # The job's own graph, read by nothing after this: simplified without a copy.
        simple, notes = job.undirected_simple(label, weight, in_place=True)
        with seeded_igraph(job.seed):
            membership = partition(simple, weight, resolution).membership
    return Outcome(
        membership=membership,
        metrics=community_metrics(simple, membership, resolution, weight),
        notes=notes,
    )


def _louvain(job: LocalJob) -> Outcome:
    return _modularity_partition(
        job,
        "Louvain",
        lambda simple, weight, resolution: simple.community_multilevel(
            weights=weight, resolution=resolution
        ),
    )


def _leiden(job: LocalJob) -> Outcome:
    return _modularity_partition(
        job,
        "Leiden",
        lambda simple, weight, resolution: simple.community_leiden(
            objective_function="modularity",
            weights=weight,
            resolution=resolution,
            n_iterations=job.parameters["iterations"],
        ),
    )


# --------------------------------------------------------------------------- reading


def _modularity_band(modularity: float) -> str:
    if modularity > 0.5:
        return "strong"
    if modularity >= 0.3:
        return "moderate"
    return "weak"


def _community_findings(writer: ReportWriter, algorithm: str) -> None:
    execution = writer.execution
    # What the communities have in common comes first: it is what the question is after.
    attribute_insight(writer, "community")
    if execution.group_count is not None:
        q = writer.quoter()
        if q.has("metrics.modularity"):
            modularity = q.value("metrics.modularity")
            band = _modularity_band(modularity)
            description = (
                f"{algorithm.capitalize()} split {q.count('metrics.vertex_count', 'vertex')} "
                f"into {q.count('group_count', 'community')} with a modularity of "
                f"{q.num('metrics.modularity')}, a {band} partition: "
                + {
                    "strong": "members link far more inside their community than across.",
                    "moderate": "communities are real but overlap noticeably.",
                    "weak": "the boundaries are barely denser than chance would give.",
                }[band]
            )
            # 0.7 modularity is about the best real networks reach.
            strength = max(0.0, modularity) / 0.7
            writer.add(
                f"{band.capitalize()} community structure",
                description,
                strength,
                q,
                kind="finding" if band == "strong" else "context",
            )
        elif q.has("metrics.vertex_count"):
            description = (
                f"{algorithm.capitalize()} split {q.count('metrics.vertex_count', 'vertex')} "
                f"into {q.count('group_count', 'community')}; the engine reported no "
                "modularity, so their quality is not measured."
            )
            writer.add("Communities found", description, 0.4, q, kind="context")
    largest_group_finding(writer, "community")
    singleton_finding(writer, "belong to no community with anyone else")
    attribute_patterns(writer, "community", "community")


def _community_recommendation(writer: ReportWriter) -> None:
    execution = writer.execution
    if not execution.groups or not writer.findings:
        return
    listed = [g for g in execution.groups[:3] if g.members_sample]
    if not listed:
        return
    examples = "; ".join(
        f"one of {format_number(g.size)} {noun_for(g.size, 'vertex')} around {g.members_sample[0]}"
        for g in listed
    )
    writer.extra_recommendations.append(
        Recommendation(
            title="Tailor actions to the largest communities",
            description=f"Treat each large community as a segment: {examples}.",
            priority=priority_for(writer.signal()),
            related_entities=[m for g in listed for m in g.members_sample],
        )
    )


def _reader(long_name: str) -> Any:
    def read(writer: ReportWriter) -> None:
        _community_findings(writer, long_name)
        _community_recommendation(writer)

    return read


# --------------------------------------------------------------------------- declarations

_RESOLUTION = ParameterSpec(
    "resolution",
    "float",
    1.0,
    "Higher values give more, smaller communities.",
    minimum=0.0,
    exclusive_minimum=True,
    maximum=100.0,
)
_PICTURE = Picture(group_nouns=("community", "communities"), count_axis="communities")

LABEL_PROPAGATION = Method(
    name="label_propagation",
    pattern="community",
    label="label propagation",
    long_name="label propagation",
    description="Fast communities by spreading labels to neighbours.",
    reference="Raghavan, Albert and Kumara 2007",
    kind="grouping",
    result_attribute="community",
    intents=("communities",),
    use_case_intents=("communities",),
    aliases=r"label[- ]propagation",
    needs=DataNeeds(direction="undirected", weights="optional", bipartite="one_mode"),
    parameters=(WEIGHT,),
    randomized=True,
    local=_label_propagation,
    gae=GaeRun(
        "labelpropagation",
        lambda p: {
            "start_label_attribute": "_key",
            "synchronous": False,
            "random_tiebreak": False,
            "maximum_supersteps": 100,
        },
    ),
    adapt=_community_adapter("label_propagation", "label propagation", {}),
    interpret=_reader("label propagation"),
    picture=_PICTURE,
)

LOUVAIN = Method(
    name="louvain",
    pattern="community",
    label="Louvain",
    long_name="Louvain",
    description="Communities maximising modularity (multilevel).",
    reference="Blondel et al. 2008",
    kind="grouping",
    result_attribute="community",
    intents=("communities",),
    use_case_intents=("communities",),
    aliases=r"louvain",
    needs=DataNeeds(direction="undirected", weights="optional", bipartite="one_mode"),
    parameters=(_RESOLUTION, WEIGHT),
    randomized=True,
    local=_louvain,
    adapt=_community_adapter("louvain", "Louvain", {"resolution": 1.0}),
    interpret=_reader("Louvain"),
    picture=_PICTURE,
)

LEIDEN = Method(
    name="leiden",
    pattern="community",
    label="Leiden",
    long_name="Leiden",
    description="Communities maximising modularity, well connected (Leiden).",
    reference="Traag, Waltman and van Eck 2019",
    kind="grouping",
    result_attribute="community",
    intents=("communities",),
    use_case_intents=("communities",),
    default_for=("communities",),
    aliases=r"leiden",
    needs=DataNeeds(direction="undirected", weights="optional", bipartite="one_mode"),
    parameters=(
        _RESOLUTION,
        WEIGHT,
        ParameterSpec(
            "iterations",
            "int",
            2,
            "Refinement iterations (igraph's default). -1 iterates until stable, which "
            "can take minutes on large graphs without community structure.",
            minimum=-1,
            maximum=1000,
        ),
    ),
    randomized=True,
    local=_leiden,
    design=_communities,
    adapt=_community_adapter("leiden", "Leiden", {"resolution": 1.0}),
    interpret=_reader("Leiden"),
    picture=_PICTURE,
)

METHODS: tuple[Method, ...] = (LOUVAIN, LEIDEN, LABEL_PROPAGATION)
