"""Network drawings for the HTML reports: the rings, small groups and hub neighbourhoods.

A report names vertices (its groups, top entities and findings) but carries no edges, so the
pictures are drawn from the graph itself when the run's outputs are written: `GraphIndex`
reads names and links of the vertices a report names out of the in-memory `GraphData`, and
`report_drawings` lays each picture out with igraph's Kamada-Kawai layout (deterministic, no
random start). Only coordinates and texts are computed here; the SVG markup is written by
`templates/_charts.html.j2` with autoescaping on, so names taken from data stay text.

Every drawing is capped at `MAX_DRAWN_VERTICES` vertices and says so when it shows fewer
than there are. A live ArangoDB source is not read again for pictures (its documents are
streamed, not held); reports of such runs have their bar charts only.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import igraph

from gaai_graph.models import Report
from gaai_graph.nodes.report import format_number
from gaai_graph.reporting.graph_index import GraphIndex

__all__ = [
    "MAX_DRAWINGS_PER_REPORT",
    "MAX_DRAWN_VERTICES",
    "DrawnEdge",
    "DrawnVertex",
    "GraphIndex",
    "NetworkDrawing",
    "report_drawings",
    "report_findings",
]

MAX_DRAWN_VERTICES = 40
"""Most vertices in one drawing; larger groups and neighbourhoods show their best-linked part."""

MAX_DRAWINGS_PER_REPORT = 3
"""Most drawings on one report page (the index shows the first)."""

PALETTE_SIZE = 8
"""Colours `c0`..`c7` of the stylesheet; further categories share the last one."""

_WIDTH = 640
_HEIGHT = 400
_MARGIN = 56
_LABELLED = 24
"""Most vertex labels written in one drawing (the best-linked ones); others show on hover."""
_LABEL_CHARS = 22

_GROUP_KINDS = {
    "ring",
    "cycle",
    "community",
    "attribute_community",
    "dense_core",
    "shared_identifier",
}
_HUB_KINDS = {
    "hub",
    "weighted_hub",
    "collector",
    "distributor",
    "broker",
    "articulation_point",
    "sole_supplier",
}
_GROUP_NOUN = {
    "wcc": "connected group",
    "scc": "cycle group",
    "louvain": "community",
    "leiden": "community",
    "label_propagation": "community",
}


def report_findings(report: Report) -> list[dict[str, Any]]:
    """The report's `findings` (docs/report-contract.md) when it carries them, else an empty list.

    Tolerates reports written before findings existed: malformed entries are skipped and
    every finding returned has each contract key (`kind`, `entities`, `flagged`, `evidence`,
    `confidence`, `explanation`), with an empty value where the report left it out.
    """
    raw = getattr(report, "findings", None) or []
    findings = []
    for finding in raw:
        if not isinstance(finding, Mapping):
            continue
        entities = finding.get("entities")
        evidence = finding.get("evidence")
        confidence = finding.get("confidence")
        findings.append(
            {
                "kind": str(finding.get("kind") or "finding"),
                "entities": [str(e) for e in entities] if isinstance(entities, list) else [],
                "flagged": bool(finding.get("flagged")),
                "evidence": dict(evidence) if isinstance(evidence, Mapping) else {},
                "confidence": float(confidence)
                if isinstance(confidence, int | float) and not isinstance(confidence, bool)
                else None,
                "explanation": str(finding.get("explanation") or ""),
            }
        )
    return findings


@dataclass(frozen=True)
class DrawnVertex:
    """One vertex of a drawing at its position."""

    id: str
    label: str
    x: float
    y: float
    colour: int
    """Index into the palette (CSS class `c<colour>`)."""
    focus: bool = False
    """The vertex the drawing is about (a hub), drawn larger."""
    show_label: bool = True


@dataclass(frozen=True)
class DrawnEdge:
    """One link, from border to border of its end vertices."""

    x1: float
    y1: float
    x2: float
    y2: float


@dataclass
class NetworkDrawing:
    """A small network laid out for an inline SVG."""

    kind: str
    """'ring' (a flagged finding), 'group' or 'hub' (a neighbourhood)."""
    title: str
    caption: str
    vertices: list[DrawnVertex]
    edges: list[DrawnEdge]
    directed: bool
    legend: list[tuple[int, str]] = field(default_factory=list)
    width: int = _WIDTH
    height: int = _HEIGHT


def _edge_collections(report: Report, index: GraphIndex) -> list[str]:
    if report.projection is not None and report.projection.edge_collections:
        return list(report.projection.edge_collections)
    return [name for name, data in index._data.collections.items() if data.kind == "edge"]


def _shorten(text: str) -> str:
    return text if len(text) <= _LABEL_CHARS else text[: _LABEL_CHARS - 1] + "…"


def _colour_keys(vertex_ids: Sequence[str], index: GraphIndex, attribute: str | None) -> list[str]:
    collections = [vertex_id.partition("/")[0] for vertex_id in vertex_ids]
    if len(set(collections)) > 1 or not attribute:
        return collections
    keys = []
    for document in index.documents(vertex_ids):
        value = (document or {}).get(attribute)
        keys.append(f"{attribute} = {value}" if value is not None else f"{attribute} unknown")
    return keys


def _layout(
    vertex_ids: Sequence[str],
    pairs: Sequence[tuple[str, str]],
    index: GraphIndex,
    *,
    kind: str,
    title: str,
    caption: str,
    directed: bool,
    focus: str | Sequence[str] | None = None,
    colour_attribute: str | None = None,
) -> NetworkDrawing:
    focused = {focus} if isinstance(focus, str) else set(focus or ())
    index.documents(vertex_ids)  # one look-up for all: names and colours then come from memory
    position = {vertex_id: number for number, vertex_id in enumerate(vertex_ids)}
    unique = sorted({(position[a], position[b]) for a, b in pairs if a != b})
    graph = igraph.Graph(n=len(vertex_ids), edges=unique, directed=False)
    coords = graph.layout_kamada_kawai().coords if len(vertex_ids) > 1 else [[0.0, 0.0]]
    xs = [point[0] for point in coords]
    ys = [point[1] for point in coords]
    span_x = (max(xs) - min(xs)) or 1.0
    span_y = (max(ys) - min(ys)) or 1.0
    scale = min((_WIDTH - 2 * _MARGIN) / span_x, (_HEIGHT - 2 * _MARGIN) / span_y)
    offset_x = (_WIDTH - scale * span_x) / 2
    offset_y = (_HEIGHT - scale * span_y) / 2

    def place(number: int) -> tuple[float, float]:
        return (
            round(offset_x + scale * (xs[number] - min(xs)), 1),
            round(offset_y + scale * (ys[number] - min(ys)), 1),
        )

    keys = _colour_keys(vertex_ids, index, colour_attribute)
    palette: dict[str, int] = {}
    for key in keys:
        palette.setdefault(key, min(len(palette), PALETTE_SIZE - 1))
    degree = graph.degree()
    labelled = set(sorted(range(len(vertex_ids)), key=lambda n: (-degree[n], n))[:_LABELLED])
    vertices = []
    for number, vertex_id in enumerate(vertex_ids):
        x, y = place(number)
        vertices.append(
            DrawnVertex(
                id=vertex_id,
                # Unnamed vertices show their key: the legend already names the collection.
                label=_shorten(index.label(vertex_id) or vertex_id.partition("/")[2] or vertex_id),
                x=x,
                y=y,
                colour=palette[keys[number]],
                focus=vertex_id in focused,
                show_label=number in labelled or vertex_id in focused,
            )
        )
    edges = []
    radius = 7.0
    for a, b in unique:
        (x1, y1), (x2, y2) = place(a), place(b)
        length = math.hypot(x2 - x1, y2 - y1) or 1.0
        dx, dy = (x2 - x1) / length * radius, (y2 - y1) / length * radius
        edges.append(
            DrawnEdge(round(x1 + dx, 1), round(y1 + dy, 1), round(x2 - dx, 1), round(y2 - dy, 1))
        )
    if len(vertex_ids) > _LABELLED:
        caption += f" Names are written for the {_LABELLED} best-linked; hover for the others."
    legend = [(colour, key) for key, colour in palette.items()][:PALETTE_SIZE]
    return NetworkDrawing(
        kind=kind,
        title=title,
        caption=caption,
        vertices=vertices,
        edges=edges,
        directed=directed,
        legend=legend,
    )


def _best_linked(
    vertex_ids: Sequence[str], pairs: Sequence[tuple[str, str]], cap: int
) -> list[str]:
    if len(vertex_ids) <= cap:
        return list(vertex_ids)
    links: dict[str, int] = defaultdict(int)
    for a, b in pairs:
        links[a] += 1
        links[b] += 1
    ranked = sorted(vertex_ids, key=lambda vertex_id: (-links[vertex_id], vertex_id))
    return sorted(ranked[:cap], key=list(vertex_ids).index)


def _group_drawing(
    members: Sequence[str],
    total: int,
    report: Report,
    index: GraphIndex,
    *,
    kind: str,
    title: str,
    caption: str,
    colour_attribute: str | None = None,
) -> NetworkDrawing | None:
    present = index.present(members)
    if len(present) < 2:
        return None
    edge_collections = _edge_collections(report, index)
    pairs = index.edges_among(present, edge_collections)
    shown = _best_linked(present, pairs, MAX_DRAWN_VERTICES)
    if len(shown) < len(present) or total > len(present):
        caption += (
            f" Showing {len(shown):,} of {max(total, len(present)):,} members (the best-linked; "
            f"drawings are capped at {MAX_DRAWN_VERTICES} vertices)."
        )
    kept = set(shown)
    pairs = [(a, b) for a, b in pairs if a in kept and b in kept]
    directed = bool(report.projection.directed) if report.projection else False
    return _layout(
        shown,
        pairs,
        index,
        kind=kind,
        title=title,
        caption=caption,
        directed=directed,
        colour_attribute=colour_attribute,
    )


def _hub_drawing(hub: str, report: Report, index: GraphIndex, title: str) -> NetworkDrawing | None:
    if index.document(hub) is None:
        return None
    edge_collections = _edge_collections(report, index)
    ranked = index.neighbour_links(hub, edge_collections)  # most links first, then by id
    if ranked.is_empty():
        return None
    shown: list[str] = ranked["vertex"].head(MAX_DRAWN_VERTICES - 1).to_list()
    caption = (
        f"{index.label(hub) or hub} and the {ranked.height:,} vertices linked to it"
        if len(shown) == ranked.height
        else f"{index.label(hub) or hub} and {len(shown):,} of the {ranked.height:,} vertices "
        f"linked to it (drawings are capped at {MAX_DRAWN_VERTICES} vertices)"
    ) + "; colours mark the collections, the large dot is the hub."
    vertex_ids = [hub, *shown]
    pairs = index.edges_among(vertex_ids, edge_collections)
    directed = bool(report.projection.directed) if report.projection else False
    return _layout(
        vertex_ids,
        pairs,
        index,
        kind="hub",
        title=title,
        caption=caption,
        directed=directed,
        focus=hub,
    )


def _sample_drawing(report: Report, index: GraphIndex, noun: str) -> NetworkDrawing | None:
    """The largest group's listed (best-linked) members and their nearest neighbours."""
    group = report.groups[0]
    sample = group.members_sample
    members = [v for v, document in zip(sample, index.documents(sample), strict=True) if document]
    if not members:
        return None
    edge_collections = _edge_collections(report, index)
    links: dict[str, int] = defaultdict(int)
    for member in members:
        for vertex_id, count in index.neighbours(member, edge_collections).items():
            if vertex_id not in members:
                links[vertex_id] += count
    ranked = sorted(links, key=lambda vertex_id: (-links[vertex_id], vertex_id))
    vertex_ids = [*members, *ranked[: MAX_DRAWN_VERTICES - len(members)]]
    if len(vertex_ids) < 2:
        return None
    caption = (
        f"{noun.capitalize()} #1 has {group.size:,} members, too many to draw: the "
        f"{len(members)} best-linked (large dots) and {len(vertex_ids) - len(members)} of "
        f"their {len(links):,} neighbours (drawings are capped at {MAX_DRAWN_VERTICES} "
        "vertices); colours mark the collections."
    )
    return _layout(
        vertex_ids,
        index.edges_among(vertex_ids, edge_collections),
        index,
        kind="group",
        title=f"Inside {noun} #1 ({group.size:,} vertices)",
        caption=caption,
        directed=bool(report.projection.directed) if report.projection else False,
        focus=members,
    )


def _finding_drawings(report: Report, index: GraphIndex) -> list[NetworkDrawing]:
    drawings: list[NetworkDrawing] = []
    findings = sorted(
        report_findings(report),
        key=lambda finding: (not finding["flagged"], -(finding["confidence"] or 0.0)),
    )
    for finding in findings:
        kind = str(finding.get("kind", ""))
        entities = [str(entity) for entity in finding.get("entities", [])]
        evidence = finding.get("evidence") if isinstance(finding.get("evidence"), dict) else {}
        noun = kind.replace("_", " ")
        flagged = bool(finding.get("flagged"))
        drawing: NetworkDrawing | None = None
        if kind in _GROUP_KINDS and len(entities) >= 2:
            drawing = _group_drawing(
                entities,
                len(entities),
                report,
                index,
                kind="ring" if flagged else "group",
                title=f"{'Flagged ' if flagged else ''}{noun}: {len(entities):,} vertices",
                caption=str(finding.get("explanation") or "")[:300],
                colour_attribute=str(evidence.get("attribute")) if evidence else None,
            )
        elif kind in _HUB_KINDS and entities:
            drawing = _hub_drawing(
                entities[0], report, index, f"{noun.capitalize()}: {index.name(entities[0])}"
            )
        if drawing is not None:
            drawings.append(drawing)
        if len(drawings) >= MAX_DRAWINGS_PER_REPORT:
            break
    return drawings


def report_drawings(report: Report, index: GraphIndex | None) -> list[NetworkDrawing]:
    """The network pictures of one report, most telling first.

    The report's findings come first (flagged ones before context); without findings, each
    group of two to `MAX_DRAWN_VERTICES` members whose members the report lists in full, then
    the neighbourhood of the top-ranked entity.

    Args:
        report: The report.
        index: Names and links of the graph, or None when the graph is not at hand.

    Returns:
        At most `MAX_DRAWINGS_PER_REPORT` drawings; none for a failed report or without index.
    """
    if index is None or report.status != "succeeded":
        return []
    drawings = _finding_drawings(report, index)
    noun = _GROUP_NOUN.get(report.algorithm, "group")
    for rank, group in enumerate(report.groups, 1):
        if len(drawings) >= MAX_DRAWINGS_PER_REPORT:
            break
        if not 2 <= group.size <= MAX_DRAWN_VERTICES or len(group.members_sample) < group.size:
            continue
        makeup = ", ".join(f"{count:,} {name}" for name, count in sorted(group.composition.items()))
        drawing = _group_drawing(
            group.members_sample,
            group.size,
            report,
            index,
            kind="group",
            title=f"{noun.capitalize()} #{rank}: {group.size:,} vertices",
            caption=f"Every member of {noun} #{rank}"
            + (f" ({makeup})" if makeup else "")
            + " and the links between them; colours mark the collections.",
        )
        if drawing is not None:
            drawings.append(drawing)
    if not drawings and report.groups and report.groups[0].size > MAX_DRAWN_VERTICES:
        drawing = _sample_drawing(report, index, noun)
        if drawing is not None:
            drawings.append(drawing)
    if not drawings and report.top_entities:
        top = report.top_entities[0]
        drawing = _hub_drawing(
            top.id,
            report,
            index,
            f"Around the top-ranked: {index.name(top.id)} ({format_number(top.value)})",
        )
        if drawing is not None:
            drawings.append(drawing)
    return drawings[:MAX_DRAWINGS_PER_REPORT]
