"""Scope a follow-up question to one group or to rings of the run it follows.

"Who leads group 3?", "centrality within community 2", "what do rings 1 and 2 share?" name a
group or rings by their place in the earlier run's reports (as the reports list them, 1-based).
`read_scope` finds that reference and the members it stands for:

* a **group** (`group`, `community`, `cluster`, `segment`, `component` followed by a number) is
  the n-th listed group of the first earlier report (in template id order) listing at least n
  groups. A report stores every member of a group of at most 25; for a larger group
  `group_members` recomputes that report's grouping (same algorithm, projection, parameters and
  seed) and takes the group holding every stored member, checking its size against the report;
* **rings** (`ring`/`loop`/`cycle` with one or two numbers, or "these two rings") are the
  earlier reports' ring findings (`catalog.changes.RING_KINDS`) in the order listed.

`induced_subgraph` keeps the scope's members and the edges between them, so the follow-up's
analysis runs on that subgraph only; `shared_by_rings` answers what rings share without
running anything.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from gaai_graph.catalog.changes import RING_KINDS
from gaai_graph.errors import GaaiError
from gaai_graph.sources.base import CollectionData, GraphData

__all__ = ["Scope", "group_members", "induced_subgraph", "read_scope", "shared_by_rings"]

_GROUP_REFERENCE = re.compile(
    r"\b(group|community|cluster|segment|component)\s*(?:#|no\.?\s*|number\s*)?(\d+)\b",
    re.IGNORECASE,
)
_GROUP_PHRASE = re.compile(
    r"(?:\b(?:in|within|inside|of|for|from|among|across)\s+(?:the\s+)?)?"
    + _GROUP_REFERENCE.pattern,
    re.IGNORECASE,
)
"""The reference with its preposition: "in community 2" becomes "among these members", so the
question reader does not read a request for communities into it."""
_RING_REFERENCE = re.compile(
    r"\b(?:rings?|loops?|cycles?)\s*#?(\d+)(?:\s*(?:and|&|,)\s*#?(\d+))?\b", re.IGNORECASE
)
_TWO_RINGS = re.compile(r"\b(?:these|the|those)\s+(?:two|2)\s+(?:rings|loops|cycles)\b", re.I)


@dataclass
class Scope:
    """What a follow-up is scoped to."""

    kind: Literal["group", "rings"]
    description: str
    """E.g. "group 3 of report TPL-002 (Communities of customers) of run first"."""
    members: list[str]
    """Vertex ids of the group, or of every ring in scope."""
    question: str
    """The question with its reference replaced by words the question reader knows."""
    rings: list[list[str]] = field(default_factory=list)
    report: Mapping[str, Any] = field(default_factory=dict)
    """The earlier report the group or the first ring was read from."""
    size: int = 0
    """The group's size as the report gives it (members may hold only a sample)."""

    @property
    def complete(self) -> bool:
        """Whether `members` holds every member."""
        return len(self.members) >= self.size


def _groups(report: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return list(report.get("groups") or [])


def _rings(report: Mapping[str, Any]) -> list[list[str]]:
    rings: list[list[str]] = []
    for finding in report.get("findings") or []:
        entities = [str(entity) for entity in finding.get("entities") or []]
        if finding.get("kind") in RING_KINDS and len(entities) >= 2 and entities not in rings:
            rings.append(entities)
    return rings


def read_scope(question: str, reports: Sequence[Mapping[str, Any]], *, run_id: str) -> Scope | None:
    """The group or rings of the earlier run a follow-up question names, if it names one.

    Args:
        question: The follow-up question.
        reports: The earlier run's report JSON.
        run_id: The earlier run's id, for the description.

    Returns:
        The scope, or None when the question names no group or ring.

    Raises:
        GaaiError: One line: the run has no such group or ring, or stored only part of it.
    """
    ordered = sorted(reports, key=lambda report: str(report.get("template_id")))
    group = _GROUP_REFERENCE.search(question)
    if group:
        word, place = group.group(1).lower(), int(group.group(2))
        listing = [r for r in ordered if len(_groups(r)) >= place >= 1]
        if not listing:
            most = max((len(_groups(r)) for r in ordered), default=0)
            raise GaaiError(
                f"{word} {place}: run {run_id} lists {most} groups at most; ask about one of "
                f"groups 1-{most}"
                if most
                else f"{word} {place}: run {run_id} lists no groups"
            )
        report = listing[0]
        stored = _groups(report)[place - 1]
        members = [str(member) for member in stored.get("members_sample") or []]
        size = int(stored.get("size") or len(members))
        where = f"{word} {place} of report {report.get('template_id')} ({report.get('title')})"
        return Scope(
            kind="group",
            description=f"{where} of run {run_id}, {size} members",
            members=members,
            question=_GROUP_PHRASE.sub("among these members", question, count=1),
            report=report,
            size=size,
        )
    ring_reference = _RING_REFERENCE.search(question)
    places: list[int] = []
    if ring_reference:
        places = [int(n) for n in ring_reference.groups() if n]
    elif _TWO_RINGS.search(question):
        places = [1, 2]
    if not places:
        return None
    listed = [(report, ring) for report in ordered for ring in _rings(report)]
    if max(places) > len(listed) or min(places) < 1:
        raise GaaiError(
            f"ring {max(places)}: run {run_id} lists {len(listed)} rings; ask about rings "
            f"1-{len(listed)}"
            if listed
            else f"run {run_id} lists no rings"
        )
    picked = [listed[place - 1][1] for place in places]
    members = list(dict.fromkeys(member for ring in picked for member in ring))
    names = " and ".join(str(place) for place in places)
    return Scope(
        kind="rings",
        description=f"ring{'s' if len(places) > 1 else ''} {names} of run {run_id}",
        members=members,
        question=question,
        rings=picked,
        report=listed[places[0] - 1][0],
        size=len(members),
    )


def shared_by_rings(rings: Sequence[Sequence[str]]) -> list[str]:
    """The members every ring holds, in the first ring's order."""
    common = set(rings[0]).intersection(*rings[1:]) if rings else set()
    return [member for member in rings[0] if member in common] if rings else []


def induced_subgraph(data: GraphData, members: Sequence[str]) -> GraphData:
    """The graph of `members` and the edges between them.

    Collections left empty are dropped (an empty snapshot file cannot say whether it held
    edges), and so are the named graphs' edge definitions over them.

    Args:
        data: The whole graph.
        members: `<collection>/<_key>` ids to keep.

    Returns:
        A new `GraphData` with the collections that keep documents.
    """
    keep = set(members)
    collections: dict[str, CollectionData] = {}
    for name, collection in data.collections.items():
        if collection.kind == "edge":
            documents = [
                document
                for document in collection.documents
                if document.get("_from") in keep and document.get("_to") in keep
            ]
        else:
            documents = [
                document
                for document in collection.documents
                if f"{name}/{document.get('_key')}" in keep
            ]
        if documents:
            collections[name] = CollectionData(name, collection.kind, documents)
    graphs = []
    for graph in data.graphs:
        definitions = [
            definition.model_copy(
                update={
                    "from_vertex_collections": [
                        c for c in definition.from_vertex_collections if c in collections
                    ],
                    "to_vertex_collections": [
                        c for c in definition.to_vertex_collections if c in collections
                    ],
                }
            )
            for definition in graph.edge_definitions
            if definition.edge_collection in collections
        ]
        graphs.append(
            graph.model_copy(
                update={
                    "edge_definitions": definitions,
                    "orphan_collections": [c for c in graph.orphan_collections if c in collections],
                }
            )
        )
    return GraphData(source=data.source, collections=collections, graphs=graphs)


def group_members(scope: Scope, data: GraphData) -> list[str]:
    """Every member of a scoped group, recomputing the grouping when the report kept a sample.

    Args:
        scope: A group scope (`read_scope`).
        data: The graph the earlier run analysed.

    Returns:
        The group's vertex ids.

    Raises:
        GaaiError: One line when the recomputed grouping has no group holding the stored
            members with the stored size (the data or the method changed since the run).
    """
    if scope.complete:
        return list(scope.members)
    from gaai_graph.engines.local import LocalEngine
    from gaai_graph.models import AnalysisTemplate, GraphProjection
    from gaai_graph.sources.projection import build_projection

    report = scope.report
    projection = GraphProjection.model_validate(report.get("projection") or {})
    template = AnalysisTemplate(
        id=str(report.get("template_id")),
        use_case_id=str(report.get("use_case_id", "")),
        requirement_ids=list(report.get("requirement_ids") or []),
        title=str(report.get("title", "")),
        algorithm=report.get("algorithm"),
        projection=projection,
        parameters=dict(report.get("parameters") or {}),
    )
    seed = (report.get("metrics") or {}).get("seed", 42)
    projected = build_projection(data, projection, {})
    output = LocalEngine().compute(projected, template, seed=int(seed))
    if output.membership is None:
        raise GaaiError(f"{scope.description}: {template.algorithm} does not form groups")
    index = {vertex: i for i, vertex in enumerate(projected.vertex_ids)}
    labels = {int(output.membership[index[m]]) for m in scope.members if m in index}
    members = (
        [v for i, v in enumerate(projected.vertex_ids) if int(output.membership[i]) in labels]
        if len(labels) == 1
        else []
    )
    if len(members) != scope.size:
        raise GaaiError(
            f"{scope.description}: the report stored {len(scope.members)} of its members and "
            f"recomputing {template.algorithm} does not give back a group of {scope.size} "
            "holding them (has the graph changed since the run?); run the question again instead"
        )
    return members
