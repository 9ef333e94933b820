"""Cycles: loops that return to where they started — strongly connected components.

References:
    Strongly connected components: Tarjan, "Depth-first search and linear graph algorithms",
    SIAM J. Comput. 1 (1972). Every strongly connected component of two or more vertices
    contains a directed cycle (Harary, Norman and Cartwright, "Structural Models", 1965).

Projection rule: **cycles** — strongly connected components on the directed self edges of the
focus (or a focus→X→focus round trip when it has none): a component of more than one vertex
is a loop.
"""

from __future__ import annotations

import math

from gaai_graph.methods.base import (
    DataNeeds,
    GaeRun,
    LocalJob,
    Method,
    NoProjectionError,
    Outcome,
    Picture,
    Plan,
)
from gaai_graph.methods.topology import SchemaTopology
from gaai_graph.methods.writing import ReportWriter, priority_for
from gaai_graph.models import Recommendation, UseCase
from gaai_graph.words import join_names

__all__ = ["METHODS", "SCC"]


# --------------------------------------------------------------------------- design


def _cycles(use_case: UseCase, topology: SchemaTopology) -> Plan:
    focus = use_case.focus_collections
    self_edges = [e for f in focus for e in topology.self_edges(f)]
    if self_edges:
        vertices = [f for f in focus if topology.self_edges(f)]
        why = (
            f"Strongly connected components of the directed {join_names(self_edges)} network: "
            f"every component of two or more {join_names(vertices)} contains a closed loop."
        )
        return Plan("scc", vertices, self_edges, True, {}, why)
    for f in focus:
        outgoing = {
            t: e
            for e, (s, targets) in topology.ends.items()
            if s == [f]
            for t in targets
            if t != f and topology.is_core(t)
        }
        for middle, out_edge in outgoing.items():
            back = [e for e, (s, t) in topology.ends.items() if s == [middle] and f in t]
            if back:
                edges = [out_edge, *back]
                why = (
                    f"Strongly connected components of the directed {f} → {middle} → {f} "
                    f"network ({join_names(edges)}): a component of several vertices is a loop "
                    f"that returns to where it started."
                )
                return Plan("scc", [f, middle], edges, True, {}, why)
    raise NoProjectionError(f"{join_names(focus)} has no directed relation that could form a cycle")


# --------------------------------------------------------------------------- local engine


def _scc(job: LocalJob) -> Outcome:
    graph = job.graph
    clock = job.clock
    with clock.running():
        membership = graph.connected_components(mode="strong").membership
    notes = []
    if not graph.is_directed():
        notes.append(
            "The projection is undirected, so strongly connected components are simply "
            "connected components."
        )
    answer = {
        "kind": "count",
        "value": len(set(membership)),
        "convention": "strongly connected components along edge direction, single vertices counted",
    }
    return Outcome(membership=membership, notes=notes, answer=answer)


# --------------------------------------------------------------------------- reading


def _cycle_findings(writer: ReportWriter) -> None:
    """Strongly connected components: groups of two or more vertices are cycles."""
    execution = writer.execution
    q = writer.quoter()
    directed = execution.metrics.get("directed")
    caveat = (
        " The projection is undirected, so these are simply connected groups."
        if directed is False
        else ""
    )
    cycles = [i for i, group in enumerate(execution.groups) if group.size >= 2]
    if q.has("derived.nontrivial_group_count"):
        count = int(q.value("derived.nontrivial_group_count"))
        counted = q.count("derived.nontrivial_group_count", "strongly connected component")
    elif execution.groups and len(cycles) < len(execution.groups):
        # The listing reached groups of size 1, so it holds every larger group.
        count = len(cycles)
        counted = "The listed strongly connected components"
    else:
        count = len(cycles)
        counted = "Strongly connected components"
    if count == 0:
        description = (
            f"Every one of the {q.num('metrics.vertex_count')} vertices is its own strongly "
            "connected component: following edge direction, nothing leads back to where it "
            f"started.{caveat}"
            if q.has("metrics.vertex_count")
            else f"No strongly connected component has two or more vertices.{caveat}"
        )
        writer.add("No cycles", description, 0.8, q, actionable=False)
        return
    largest = cycles[0]
    composition = writer.composition_words(largest, q)
    central = q.names(execution.groups[largest].members_sample)
    description = (
        f"{counted} with two or more vertices "
        f"{'contains a cycle' if count == 1 else 'contain cycles'}"
        f"; the largest joins {q.count(f'groups[{largest}].size', 'vertex')}"
        + (f" ({composition})" if composition else "")
        + " that all reach each other along edge direction"
        + (f", among them {central}" if central else "")
        + f".{caveat}"
    )
    related = [member for i in cycles for member in execution.groups[i].members_sample]
    writer.add(
        "Cycles found", description, min(1.0, 0.45 + 0.15 * math.log2(1 + count)), q, related
    )


def _cycle_recommendation(writer: ReportWriter) -> None:
    related = next((f.related for f in writer.findings if f.insight.title == "Cycles found"), [])
    if not related:
        return
    confidence_value = next(
        f.insight.confidence for f in writer.findings if f.insight.title == "Cycles found"
    )
    writer.extra_recommendations.append(
        Recommendation(
            title="Trace the largest cycles",
            description=(
                "Follow the edges around the largest cycles, starting from "
                f"{', '.join(related[:3])}: flows that return to their origin can hide "
                "round-tripping or circular dependencies."
            ),
            priority=priority_for(confidence_value),
            related_entities=related[:20],
        )
    )


BULK_SHARE = 0.5
"""A strongly connected group holding at least this share of the vertices is the graph's
ordinary mesh of traffic (everything reaches everything in a busy transfer graph): context,
not an alarm. The loops inside it are the short-cycle search's to show."""


def _cycle_patterns(writer: ReportWriter) -> None:
    """The strongly connected groups as cycle patterns, the graph's bulk never an alarm."""
    execution = writer.execution
    alarm = next((f.insight for f in writer.findings if f.insight.title == "Cycles found"), None)
    total = float(writer.vertex_count or 0)
    for rank, group in enumerate(execution.groups):
        members = list(group.members_sample)
        if group.size < 2 or not members:
            continue
        share = group.size / total if total else None
        bulk = share is not None and share >= BULK_SHARE
        flagged = alarm is not None and alarm.kind == "finding" and not bulk
        confidence = alarm.confidence if alarm is not None else 0.0
        writer.pattern(
            "cycle",
            members,
            flagged=flagged,
            evidence={"size": group.size, "rank": rank + 1, "share": share},
            confidence_value=confidence * (1.0 - (share or 0.0)),
            explanation=(
                f"{group.size} vertices that all reach each other along edge direction"
                + (
                    f": {share:.0%} of the graph, its ordinary flow rather than a hidden loop."
                    if bulk and share is not None
                    else "."
                )
            ),
        )


def _read_scc(writer: ReportWriter) -> None:
    _cycle_findings(writer)
    _cycle_recommendation(writer)
    _cycle_patterns(writer)


# --------------------------------------------------------------------------- declarations

SCC = Method(
    name="scc",
    pattern="cycle",
    label="strongly connected components",
    long_name="strongly connected components",
    description="Groups where every vertex reaches every other along edge direction (cycles).",
    reference="Tarjan 1972",
    kind="grouping",
    result_attribute="component",
    intents=("cycles", "connectivity"),
    use_case_intents=("cycles",),
    default_for=("cycles",),
    aliases=r"strongly[- ]connected(?: components?)?|sccs?",
    needs=DataNeeds(direction="directed"),
    local=_scc,
    gae=GaeRun("scc"),
    design=_cycles,
    interpret=_read_scc,
    picture=Picture(
        group_nouns=("strongly connected component", "strongly connected components"),
        count_axis="components",
    ),
)

METHODS: tuple[Method, ...] = (SCC,)
