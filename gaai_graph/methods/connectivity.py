"""Connectivity: whether the graph holds together, and where it would come apart.

References:
    Connectivity and cut vertices/bridges by depth-first search: Hopcroft and Tarjan,
    "Algorithm 447: efficient algorithms for graph manipulation", Comm. ACM 16 (1973); Tarjan,
    "A note on finding the bridges of a graph", Inf. Process. Lett. 2 (1974).
    Removal impact (vertex attack / robustness): Albert, Jeong and Barabási, "Error and attack
    tolerance of complex networks", Nature 406 (2000).

Computed by `gaai_graph.methods.compute.connectivity` (igraph). Components themselves are the
`wcc` and `scc` methods of `components.py` and `cycles.py`.
"""

from __future__ import annotations

from gaai_graph.methods.answering import (
    answer_outcome,
    ids_of,
    named,
    read_answer,
    vertices_parameter,
)
from gaai_graph.methods.base import DataNeeds, LocalJob, Method, Outcome, ParameterSpec, Picture
from gaai_graph.methods.compute import connectivity
from gaai_graph.methods.measures import labels_of
from gaai_graph.methods.writing import ReportWriter, format_number
from gaai_graph.models import MetricValue

__all__ = ["METHODS"]

LISTED = 50
"""Cut vertices and bridges described in the report's words and measures (all are counted)."""

ANSWERED = 1000
"""Cut vertices, bridges and cut-off vertices the machine-readable answer holds: "which
stations cut the network" is answered by the whole set, bounded only against huge graphs."""


def _is_connected(job: LocalJob) -> Outcome:
    kind = job.parameters["connectivity"]
    with job.clock.running():
        parts = connectivity.components(job.graph, connectivity=kind)
        connected = connectivity.is_connected(job.graph, connectivity=kind)
    how = "strongly (along edge directions)" if kind == "strong" else "ignoring edge direction"
    headline = (
        f"Yes: every vertex reaches every other, {how}."
        if connected
        else f"No: the graph falls into {format_number(parts.count)} "
        f"{'strongly' if kind == 'strong' else 'weakly'} connected components, the largest "
        f"holding {format_number(parts.sizes[0] if parts.sizes else 0)} of "
        f"{format_number(job.graph.vcount())} vertices."
    )
    return answer_outcome(
        "yes_no",
        connected,
        f"{kind} connectivity ({how})",
        "is_connected",
        headline,
        metrics={
            "component_count": parts.count,
            "largest_component": parts.sizes[0] if parts.sizes else 0,
        },
    )


CUT_OFF_MEASURED = 200
"""Cut vertices (the most connected first) whose cut-off size is measured one removal each."""

ALARM_SHARE = 0.05
"""A cut vertex or bridge is an alarm when what it cuts off is at least this share of the
graph (and more than one vertex): a pendant leaf hanging on one neighbour is ordinary."""


def _articulation_points(job: LocalJob) -> Outcome:
    with job.clock.running():
        points = connectivity.articulation_points(job.graph)
        degree = job.graph.degree()
        by_degree = sorted(points, key=lambda v: (-degree[v], v))
        # What each cut vertex separates from the rest: the vertices outside the largest piece
        # its component falls into without it (one removal each, bounded).
        cut_off = {
            v: connectivity.removal_impact(job.graph, [v]).disconnected_count
            for v in by_degree[:CUT_OFF_MEASURED]
        }
    ordered = sorted(points, key=lambda v: (-cut_off.get(v, 0), -degree[v], v))
    listed = ids_of(job, ordered[:ANSWERED])
    metrics: dict[str, MetricValue] = {"articulation_point_count": len(points)}
    for rank, vertex in enumerate(ordered[:LISTED]):
        if vertex in cut_off:
            metrics[f"cut_point_{rank}_cut_off"] = cut_off[vertex]
    headline = f"{format_number(len(points))} vertices each cut the graph in two if removed" + (
        f"; the ones cutting off most: {', '.join(listed[:5])}." if points else "."
    )
    return answer_outcome(
        "entities",
        listed,
        "cut vertices of the undirected graph, by the number of vertices each cuts off from "
        "the rest, then degree"
        + (f", first {ANSWERED} of {len(points)} listed" if len(points) > ANSWERED else ""),
        "articulation_points",
        headline,
        metrics=metrics,
    )


def _cut_alarm(cut_off: float, total: float) -> tuple[bool, float, float | None]:
    """Whether cutting off `cut_off` of `total` vertices is an alarm, its confidence, share.

    The confidence grows with the share cut off relative to the alarm share and with the
    number of vertices cut off (a piece of 2 is weaker evidence than a segment of 20).
    """
    if total <= 0 or cut_off <= 0:
        return False, 0.0, None
    share = cut_off / total
    strength = share / ALARM_SHARE
    confidence = (cut_off / (cut_off + 2.0)) * (strength / (strength + 0.5))
    return cut_off >= 2 and share >= ALARM_SHARE, confidence, round(share, 4)


def _bridges(job: LocalJob) -> Outcome:
    with job.clock.running():
        impact = connectivity.bridge_cut_sizes(job.graph)
    pairs = impact
    impact = impact[:ANSWERED]
    ids = job.data.vertex_ids
    value: list[list[str | float]] = [[ids[u], ids[v], float(s)] for u, v, s in impact]
    headline = f"{format_number(len(pairs))} edges are bridges: removing one splits the graph" + (
        f"; the one cutting off most is {ids[impact[0][0]]} - {ids[impact[0][1]]} "
        f"({format_number(impact[0][2])} vertices on its smaller side)."
        if impact
        else "."
    )
    return answer_outcome(
        "pairs",
        value,
        "bridge edges of the undirected graph with the size of the smaller side cut off, "
        "largest first"
        + (f", first {ANSWERED} of {len(pairs)} listed" if len(pairs) > ANSWERED else ""),
        "bridges",
        headline,
        metrics={"bridge_count": len(pairs)},
    )


def _removal_impact(job: LocalJob) -> Outcome:
    removed = named(job, "removed")
    with job.clock.running():
        impact = connectivity.removal_impact(job.graph, removed)
    # "which stations get cut off" asks for the vertices; the pieces they form are told
    cut_off = [vertex for piece in impact.split_off for vertex in piece][:ANSWERED]
    named_cut = ", ".join(labels_of(job, cut_off[:10])) + (", ..." if len(cut_off) > 10 else "")
    headline = (
        f"Removing {', '.join(labels_of(job, impact.removed))} cuts off "
        f"{format_number(impact.disconnected_count)} vertices"
        + (f" ({named_cut})" if cut_off else "")
        + f" in {format_number(len(impact.split_off))} pieces; components go from "
        f"{format_number(impact.components_before)} to {format_number(impact.components_after)} "
        f"and the largest from {format_number(impact.largest_before)} to "
        f"{format_number(impact.largest_after)} vertices."
    )
    return answer_outcome(
        "entities",
        ids_of(job, cut_off),
        "vertices cut off from the rest when the named vertices are removed (edge direction "
        "ignored), by piece, largest piece first",
        "removal_impact",
        headline,
        metrics={
            "disconnected_count": impact.disconnected_count,
            "components_before": impact.components_before,
            "components_after": impact.components_after,
            "largest_before": impact.largest_before,
            "largest_after": impact.largest_after,
            "pieces_split_off": len(impact.split_off),
        },
    )


def _read_cut_points(writer: ReportWriter) -> None:
    read_answer(writer)
    if writer.answer is None:
        return
    total = float(writer.vertex_count or 0)
    metrics = writer.execution.metrics
    for rank, vertex in enumerate(writer.answer["value"][:20]):
        cut_off = metrics.get(f"cut_point_{rank}_cut_off")
        size = float(cut_off) if isinstance(cut_off, int | float) else 0.0
        flagged, confidence, share = _cut_alarm(size, total)
        writer.pattern(
            "articulation_point",
            [vertex],
            flagged=flagged,
            evidence={"observed": cut_off, "share": share, "alarm_share": ALARM_SHARE},
            confidence_value=confidence,
            explanation=f"Removing it cuts {format_number(size)} vertices off from the rest"
            + (" of the graph." if flagged else "; a small piece, ordinary for a graph."),
        )


def _read_bridges(writer: ReportWriter) -> None:
    read_answer(writer)
    if writer.answer is None:
        return
    total = float(writer.vertex_count or 0)
    for u, v, smaller in writer.answer["value"][:20]:
        flagged, confidence, share = _cut_alarm(float(smaller), total)
        writer.pattern(
            "bridge",
            [u, v],
            flagged=flagged,
            evidence={"observed": smaller, "share": share, "alarm_share": ALARM_SHARE},
            confidence_value=confidence,
            explanation=f"The only link holding {format_number(smaller)} vertices to the rest.",
        )


IS_CONNECTED = Method(
    name="is_connected",
    label="connectivity test",
    long_name="connectivity test",
    description="Yes or no: can every vertex reach every other?",
    reference="Hopcroft and Tarjan 1973",
    kind="answer",
    result_attribute="component",
    intents=("connectivity",),
    needs=DataNeeds(direction="either"),
    parameters=(
        ParameterSpec(
            "connectivity",
            "choice",
            "weak",
            "weak: ignore edge direction; strong: every vertex reaches every other along "
            "edge directions.",
            choices=("weak", "strong"),
        ),
    ),
    local=_is_connected,
    interpret=read_answer,
)
ARTICULATION_POINTS = Method(
    name="articulation_points",
    label="articulation points",
    long_name="articulation points (cut vertices)",
    description="Single points of failure: vertices whose removal disconnects the graph.",
    reference="Hopcroft and Tarjan 1973",
    kind="answer",
    result_attribute="cut_vertex",
    intents=("connectivity", "dependencies", "brokers"),
    needs=DataNeeds(direction="undirected"),
    local=_articulation_points,
    interpret=_read_cut_points,
)
BRIDGES = Method(
    name="bridges",
    label="bridges",
    long_name="bridge edges",
    description="Single links holding parts of the graph together.",
    reference="Tarjan 1974",
    kind="answer",
    result_attribute="bridge",
    intents=("connectivity", "dependencies", "brokers"),
    needs=DataNeeds(direction="undirected"),
    local=_bridges,
    interpret=_read_bridges,
)
REMOVAL_IMPACT = Method(
    name="removal_impact",
    label="removal impact",
    long_name="removal impact",
    description="What splits off when named vertices are removed.",
    reference="Albert, Jeong and Barabási 2000",
    kind="answer",
    result_attribute="split_off",
    intents=("connectivity", "dependencies"),
    needs=DataNeeds(direction="undirected", named_entities="many"),
    parameters=(vertices_parameter("removed", "Vertices to remove (ids joined with '|')."),),
    local=_removal_impact,
    interpret=read_answer,
    picture=Picture(group_nouns=("piece", "pieces")),
)

METHODS: tuple[Method, ...] = (IS_CONNECTED, ARTICULATION_POINTS, BRIDGES, REMOVAL_IMPACT)
