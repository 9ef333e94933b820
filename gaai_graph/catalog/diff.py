"""Compare two epochs template by template: top entities and group structure.

Templates are matched by what they compute (algorithm, projection, parameters), so two runs
whose template ids were numbered differently still line up. When one epoch holds several
templates computing the same thing, that key alone cannot pair them: those are paired by
template id first, then the rest in template-id order, and every such pairing is reported in
`EpochDiff.collisions` rather than one of them silently hiding the others.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from gaai_graph.catalog.base import CatalogBackend, CatalogNode


@dataclass
class RankChange:
    """An entity in the top list of both epochs whose rank moved."""

    entity: str
    rank_before: int
    rank_after: int


@dataclass
class TemplateDiff:
    """How one template's result changed between two epochs."""

    key: str
    """Algorithm and projection, the template's identity across epochs."""
    template_before: str
    template_after: str
    status_before: str
    status_after: str
    entered_top: list[str] = field(default_factory=list)
    """Top entities of the later epoch that were not in the earlier top list."""
    left_top: list[str] = field(default_factory=list)
    """Top entities of the earlier epoch missing from the later top list."""
    rank_changes: list[RankChange] = field(default_factory=list)
    group_count_before: int | None = None
    group_count_after: int | None = None
    largest_groups_before: list[int] = field(default_factory=list)
    largest_groups_after: list[int] = field(default_factory=list)
    metric_changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    """Scalar metrics (e.g. modularity) and score statistics whose value changed."""

    @property
    def changed(self) -> bool:
        """Whether anything compared differs."""
        return bool(
            self.status_before != self.status_after
            or self.entered_top
            or self.left_top
            or self.rank_changes
            or self.group_count_before != self.group_count_after
            or self.largest_groups_before != self.largest_groups_after
            or self.metric_changes
        )


@dataclass
class EpochDiff:
    """Template-by-template comparison of two epochs."""

    epoch_before: str
    epoch_after: str
    fingerprint_changed: bool
    templates: list[TemplateDiff]
    only_before: list[str]
    """Ids of reports whose template ran only in the earlier epoch."""
    only_after: list[str]
    """Ids of reports whose template ran only in the later epoch."""
    collisions: list[str] = field(default_factory=list)
    """One line per key held by several templates of an epoch, saying how they were paired."""


def template_key(data: dict[str, Any]) -> str:
    """The identity of a template across epochs: algorithm, projection and parameters."""
    projection = data.get("projection") or {}
    parts = {
        "algorithm": data.get("algorithm"),
        "vertices": sorted(projection.get("vertex_collections", [])),
        "edges": sorted(projection.get("edge_collections", [])),
        "directed": projection.get("directed"),
        "parameters": data.get("parameters", {}),
    }
    return json.dumps(parts, sort_keys=True, default=str)


def _is_timing(metric: str) -> bool:
    return "seconds" in metric or metric.startswith(("runtime", "elapsed", "duration"))


def _entity_name(entity: dict[str, Any]) -> str:
    return str(entity.get("id"))


def _compare(key: str, before: CatalogNode, after: CatalogNode) -> TemplateDiff:
    a, b = before.data, after.data
    top_a = [_entity_name(e) for e in a.get("top_entities", [])]
    top_b = [_entity_name(e) for e in b.get("top_entities", [])]
    rank_a = {name: rank for rank, name in enumerate(top_a, 1)}
    rank_b = {name: rank for rank, name in enumerate(top_b, 1)}
    metrics: dict[str, tuple[Any, Any]] = {}
    for name in sorted(set(a.get("metrics", {})) | set(b.get("metrics", {}))):
        if _is_timing(name):
            continue  # wall time differs on every run; it is not a change of the result
        old, new = a.get("metrics", {}).get(name), b.get("metrics", {}).get(name)
        if old != new:
            metrics[name] = (old, new)
    stats_a, stats_b = a.get("statistics") or {}, b.get("statistics") or {}
    for name in ("count", "mean", "max", "gini"):
        if stats_a.get(name) != stats_b.get(name):
            metrics[f"statistics.{name}"] = (stats_a.get(name), stats_b.get(name))
    return TemplateDiff(
        key=key,
        template_before=before.id,
        template_after=after.id,
        status_before=str(a.get("status")),
        status_after=str(b.get("status")),
        entered_top=[name for name in top_b if name not in rank_a],
        left_top=[name for name in top_a if name not in rank_b],
        rank_changes=[
            RankChange(name, rank_a[name], rank_b[name])
            for name in top_b
            if name in rank_a and rank_a[name] != rank_b[name]
        ],
        group_count_before=a.get("group_count"),
        group_count_after=b.get("group_count"),
        largest_groups_before=[g.get("size", 0) for g in a.get("groups", [])],
        largest_groups_after=[g.get("size", 0) for g in b.get("groups", [])],
        metric_changes=metrics,
    )


def diff_epochs(catalog: CatalogBackend, epoch_before: str, epoch_after: str) -> EpochDiff:
    """Compare the reports of two epochs template by template.

    Raises:
        CatalogError: If either epoch is unknown.
    """
    first, second = catalog.get_epoch(epoch_before), catalog.get_epoch(epoch_after)
    reports_a = _by_key(catalog.nodes(epoch_before, "report"))
    reports_b = _by_key(catalog.nodes(epoch_after, "report"))
    pairs: list[tuple[str, CatalogNode, CatalogNode]] = []
    only_before: list[str] = []
    only_after: list[str] = []
    collisions: list[str] = []
    for key in sorted(set(reports_a) | set(reports_b)):
        before, after = reports_a.get(key, []), reports_b.get(key, [])
        matched, left_a, left_b = _pair(before, after)
        if len(before) > 1 or len(after) > 1:
            collisions.append(_collision(key, epoch_before, before, epoch_after, after, matched))
        pairs.extend((key, a, b) for a, b in matched)
        only_before.extend(n.id for n in left_a)
        only_after.extend(n.id for n in left_b)
    pairs.sort(key=lambda pair: pair[1].id)
    return EpochDiff(
        epoch_before=epoch_before,
        epoch_after=epoch_after,
        fingerprint_changed=first.fingerprint != second.fingerprint,
        templates=[_compare(key, a, b) for key, a, b in pairs],
        only_before=sorted(only_before),
        only_after=sorted(only_after),
        collisions=collisions,
    )


def _by_key(nodes: list[CatalogNode]) -> dict[str, list[CatalogNode]]:
    grouped: dict[str, list[CatalogNode]] = {}
    for node in nodes:
        grouped.setdefault(template_key(node.data), []).append(node)
    for group in grouped.values():
        group.sort(key=lambda node: node.id)
    return grouped


def _pair(
    before: list[CatalogNode], after: list[CatalogNode]
) -> tuple[list[tuple[CatalogNode, CatalogNode]], list[CatalogNode], list[CatalogNode]]:
    """Pair reports of one key: same template id first, then the rest in id order."""
    after_ids = {node.id: node for node in after}
    matched = [(a, after_ids[a.id]) for a in before if a.id in after_ids]
    taken_a = {a.id for a, _ in matched}
    left_a = [a for a in before if a.id not in taken_a]
    left_b = [b for b in after if b.id not in taken_a]
    count = min(len(left_a), len(left_b))
    matched.extend(zip(left_a[:count], left_b[:count], strict=True))
    return matched, left_a[count:], left_b[count:]


def _collision(
    key: str,
    epoch_before: str,
    before: list[CatalogNode],
    epoch_after: str,
    after: list[CatalogNode],
    matched: list[tuple[CatalogNode, CatalogNode]],
) -> str:
    parts = json.loads(key)
    what = f"{parts.get('algorithm')} on {'+'.join(parts.get('vertices') or [])}"
    sides = []
    for epoch, nodes in ((epoch_before, before), (epoch_after, after)):
        if len(nodes) > 1:
            sides.append(f"{epoch} has {', '.join(n.id for n in nodes)}")
    paired = ", ".join(f"{a.id}->{b.id}" for a, b in matched) or "none"
    return (
        f"{'; '.join(sides)} computing the same ({what}, same projection and parameters): "
        f"paired by template id, then in id order: {paired}"
    )
