"""Components: which entities hang together — weakly connected components and rings.

References:
    Connected components by breadth-first search: Hopcroft and Tarjan, "Algorithm 447:
    efficient algorithms for graph manipulation", Comm. ACM 16 (1973). Rings of accounts
    sharing identifiers as components of the account–identifier graph: Akoglu, Tong and
    Koutra, "Graph based anomaly detection and description: a survey", Data Mining and
    Knowledge Discovery 29 (2015).

Projection rule: **rings** — weakly connected components over the focus and the identifier
collections the requirement names as shared (devices, cards, phones); failing that, the
focus's identifier-like neighbours (sinks shared by few entities). Only edges between the
focus and those identifiers: the focus's own relations (referrals) would chain everyone
together.
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
from gaai_graph.methods.groups import attribute_findings, singleton_finding
from gaai_graph.methods.topology import SchemaTopology
from gaai_graph.methods.writing import (
    ReportWriter,
    _collection_of,
    _is_main_component,
    format_number,
    priority_for,
)
from gaai_graph.models import Recommendation, UseCase
from gaai_graph.words import join_names, noun_for

__all__ = ["METHODS", "WCC"]


# --------------------------------------------------------------------------- design


def _rings(use_case: UseCase, topology: SchemaTopology) -> Plan:
    focus = use_case.focus_collections
    named = [
        c
        for c in use_case.linked_collections
        if topology.is_core(c) and any(c in topology.neighbours(f) for f in focus)
    ]
    if named:
        linked, source = named, "named in the requirement"
    elif len(focus) > 1:
        linked, source = focus[1:], "named in the requirement"
        focus = focus[:1]
    else:
        linked = [n for f in focus for n in topology.identifier_neighbours(f)]
        source = "identifier-like: touched by nothing else and each shared by few"
    members = list(dict.fromkeys([*focus, *linked]))
    edges = [
        e
        for e, _ in topology.ends.items()
        if len(topology.endpoints(e)) >= 2
        and topology.endpoints(e) <= set(members)
        and topology.endpoints(e) & set(linked)
    ]
    if not linked or not edges:
        raise NoProjectionError(f"no shared-identifier collection is linked to {join_names(focus)}")
    why = (
        f"Connected components over {join_names(focus)} and {join_names(linked)} ({source}), "
        f"joined only by {join_names(edges)}: independent entities rarely share these, so any "
        "component holding several of them is a candidate ring."
    )
    return Plan("wcc", members, edges, False, {}, why)


def _components_of_rings(plan: Plan, use_case: UseCase, topology: SchemaTopology) -> Plan:
    """Connected components on the projection the rings rule chose (shared identifiers)."""
    return _rings(use_case, topology)


# --------------------------------------------------------------------------- local engine


def _wcc(job: LocalJob) -> Outcome:
    graph = job.graph
    clock = job.clock
    with clock.running():
        membership = graph.connected_components(mode="weak").membership
    count = len(set(membership))
    answer = {
        "kind": "count",
        "value": count,
        "convention": "weakly connected components, edge direction ignored, single vertices "
        "counted",
    }
    return Outcome(membership=membership, answer=answer)


# --------------------------------------------------------------------------- reading


def _ring_findings(writer: ReportWriter) -> None:
    """Weakly connected components: the giant one, then small rings beside it."""
    execution = writer.execution
    q = writer.quoter()
    if execution.group_count is not None and q.has("derived.largest_group_share"):
        share = q.value("derived.largest_group_share")
        central = q.names(execution.groups[0].members_sample) if execution.groups else ""
        description = (
            f"The graph falls into {q.count('group_count', 'connected component')}; the "
            f"largest joins {q.count('groups[0].size', 'vertex')} "
            f"({q.pct('derived.largest_group_share')})"
            + (f", around {central}." if central else ".")
        )
        writer.add("Connectivity", description, min(1.0, 0.4 + share / 2), q, kind="context")

    asked = writer.template.intents
    if asked and "shared_identifiers" not in asked:
        # "How does the graph hold together" (connectivity, the general profile) asks for its
        # components, not for rings around shared resources: no group is flagged as one.
        return
    q = writer.quoter()
    result = sorted(set(writer.template.result_collections))
    by_members = bool(result) and q.has("derived.rings_beyond_main_component")
    main = _is_main_component(writer.measures)
    # A ring is a group with two or more members of the collections the question is about
    # (two customers sharing a device); one customer with their own devices is no ring.
    # Without result collections, a group of three or more vertices beside the largest.
    rings = [
        i
        for i, _ in enumerate(execution.groups)
        if not (i == 0 and (main or not by_members))
        and (writer.result_members(i) >= 2 if by_members else execution.groups[i].size >= 3)
    ]
    if by_members:
        count = int(q.value("derived.rings_beyond_main_component"))
        people = writer.terms_of(result)
        linked = [
            c
            for c in (execution.projection or writer.template.projection).vertex_collections
            if c not in result
        ]
        through = f" through shared {writer.terms_of(linked)}" if linked else ""
        groups = q.count("derived.rings_beyond_main_component", "connected group")
        holds = "holds" if count == 1 else "each hold"
        headline = f"{groups} {holds} two or more {people} tied together{through}"
        if main:
            headline += f", apart from the main component of {q.count('groups[0].size', 'vertex')}"
        ordinary = (
            f" A group holding a single one of the {people} (with only their own resources) "
            "is not counted."
        )
    elif q.has("derived.rings_beyond_largest"):
        count = int(q.value("derived.rings_beyond_largest"))
        headline = (
            f"{q.count('derived.rings_beyond_largest', 'component')} of three or more "
            f"vertices {'stands' if count == 1 else 'stand'} apart from the largest one"
        )
        ordinary = ""
    elif q.has("derived.nontrivial_group_count"):
        # The histogram cannot isolate size ≥ 3, so count every multi-vertex component.
        count = max(int(q.value("derived.nontrivial_group_count")) - 1, 0)
        headline = (
            f"Of {q.count('derived.nontrivial_group_count', 'component')} with two or more "
            "vertices, "
            "all but the largest stand apart from the main graph"
        )
        ordinary = ""
    else:
        count = len(rings)
        headline = "Components of three or more vertices stand apart from the largest one"
        ordinary = ""
    if count == 0:
        description = (
            "No connected group beside the main one holds two or more of the "
            f"{writer.terms_of(result)}: they do not form rings around shared resources."
            if by_members
            else "No component of three or more vertices exists beside the largest one: "
            "entities do not form separate rings around shared resources."
        )
        writer.add("No isolated rings", description, 0.6, q, actionable=False)
        singleton_finding(writer, "connect to nothing else in the projection")
        attribute_findings(writer, "component", kind="ring")
        return
    example = ""
    if rings:
        first = rings[0]
        composition = writer.composition_words(first, q)
        members = ", ".join(
            q.text(f"groups[{first}].members_sample[{i}]")
            for i in range(min(3, len(execution.groups[first].members_sample)))
        )
        example = f"; the biggest has {q.count(f'groups[{first}].size', 'vertex')}"
        if composition:
            example += f" ({composition})"
        if members:
            example += f", e.g. {members}"
    description = (
        f"{headline}{example}. Such islands of entities sharing the same resources are "
        f"typical of coordinated rings.{ordinary}"
    )
    related = [member for i in rings for member in execution.groups[i].members_sample]
    # One ring is worth a look; a dozen is a pattern. Counting accounts that share resources
    # is a direct observation, firmer than the size-only reading without result collections.
    base = 0.6 if by_members else 0.4
    writer.add(
        "Suspicious rings", description, min(1.0, base + 0.15 * math.log2(1 + count)), q, related
    )
    if rings:
        writer.extra_recommendations.append(_ring_review(writer, rings, count, result))
    singleton_finding(writer, "connect to nothing else in the projection")
    attribute_findings(writer, "component", kind="ring")


def _ring_review(
    writer: ReportWriter, rings: list[int], count: int, result: list[str]
) -> Recommendation:
    """Review every listed ring, naming each ring's members (all of them up to 25)."""
    execution = writer.execution
    wanted = set(result)
    lines = []
    for number, index in enumerate(rings, start=1):
        group = execution.groups[index]
        accounts = [m for m in group.members_sample if not wanted or _collection_of(m) in wanted]
        listed = ", ".join(accounts or group.members_sample)
        partial = len(group.members_sample) < group.size
        lines.append(
            f"ring {number} ({format_number(group.size)} {noun_for(group.size, 'vertex')}"
            + (", sample" if partial else "")
            + f"): {listed}"
        )
    unlisted = count - len(rings)
    more = ""
    if unlisted > 0:
        more = (
            f" {format_number(unlisted)} more "
            + ("ring is" if unlisted == 1 else "rings are")
            + " not listed here; raise the template's top_k to list every ring."
        )
    who = writer.terms_of(result) if result else "members"
    return Recommendation(
        title="Review the ring" if len(rings) == 1 else f"Review all {len(rings)} listed rings",
        description=(
            f"Send the {who} of each ring for review, largest first, and check which devices, "
            f"cards or addresses they share: {'; '.join(lines)}.{more}"
        ),
        priority=priority_for(writer.findings[-1].insight.confidence),
        related_entities=[m for i in rings for m in execution.groups[i].members_sample],
    )


# --------------------------------------------------------------------------- declarations

WCC = Method(
    name="wcc",
    pattern="ring",
    label="connected components",
    long_name="weakly connected components",
    description="Connected groups ignoring edge direction (rings, islands).",
    reference="Hopcroft and Tarjan 1973",
    kind="grouping",
    result_attribute="component",
    intents=("connectivity", "shared_identifiers"),
    use_case_intents=("rings",),
    default_for=("rings",),
    aliases=r"(?:weakly[- ])?connected components?|wccs?",
    adapt=_components_of_rings,
    needs=DataNeeds(direction="either"),
    local=_wcc,
    gae=GaeRun("wcc"),
    design=_rings,
    interpret=_ring_findings,
    picture=Picture(group_nouns=("component", "components"), count_axis="components"),
)

METHODS: tuple[Method, ...] = (WCC,)
