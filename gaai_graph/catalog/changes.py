"""What changed between two runs of the same question: movers, communities and graph size.

Works on stored report JSON (`Report.model_dump(mode="json")`, as the catalog keeps it), so it
does not depend on how reports are rendered. Reports are paired by what they compute
(`template_key`: algorithm, projection, parameters), as `gaai catalog diff` pairs them.

Per pair of reports:

* **Top list**: entities entering and leaving the top list (by name and id), and the largest
  rank moves among those in both lists.
* **Communities** (reports with groups): matched by member overlap. Two groups are the same
  community when the Jaccard index of their members is at least `SAME_COMMUNITY_JACCARD`
  (0.5). A later group holding at least `CONTAINMENT` (half) of each of two or more earlier
  groups is a merge; an earlier group whose members make up at least half of two or more later
  groups split. Unmatched earlier groups dissolved, unmatched later groups were born. The
  members compared are the ones a report stores (`Group.members_sample`: every member of a
  group of at most 25, else its five highest-degree members); larger groups are compared on
  the members the other run lists and the change is marked estimated
  (`catalog.community_changes`).
* **Rings** (findings of kind `cycle`, `ring` or `shared_identifier`, docs/report-contract.md):
  a later ring with the same members as an earlier one is unchanged; one holding every member
  of an earlier ring and more has grown; any other later ring is new, and an earlier ring
  neither kept nor grown is gone. Only the rings a report lists are compared.
* **Graph size**: vertex and edge counts of the analysed projection and its density
  (m / n(n-1) directed, 2m / n(n-1) undirected).

A pair where nothing compared moved says so in one line (`RunChanges.lines`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from gaai_graph.catalog.base import CatalogBackend, CatalogError, Epoch
from gaai_graph.catalog.community_changes import (
    CONTAINMENT,
    SAME_COMMUNITY_JACCARD,
    CommunityChange,
    community_changes,
    community_line,
)
from gaai_graph.catalog.diff import template_key
from gaai_graph.models import Report, RunSummary

__all__ = [
    "CONTAINMENT",
    "LAST",
    "RING_KINDS",
    "SAME_COMMUNITY_JACCARD",
    "CommunityChange",
    "RankMove",
    "ReportChanges",
    "RingChange",
    "RunChanges",
    "annotate",
    "annotate_from_catalog",
    "changes_since",
    "check_compare_to",
    "community_changes",
    "compare_reports",
    "density",
    "earlier_epoch",
    "ring_changes",
]

logger = logging.getLogger(__name__)

LARGEST_MOVES = 3
"""How many of the largest rank moves a report names."""
RING_KINDS = frozenset({"cycle", "ring", "shared_identifier"})
"""Finding kinds that describe a ring: a loop, or accounts tied by something they share."""
RINGS_NAMED = 3
"""How many rings of each kind a change line names (the count is always given)."""


@dataclass(frozen=True)
class RankMove:
    """An entity in both top lists whose rank changed."""

    entity: str
    label: str
    rank_before: int
    rank_after: int

    @property
    def delta(self) -> int:
        """Places gained (positive) or lost (negative)."""
        return self.rank_before - self.rank_after


@dataclass(frozen=True)
class RingChange:
    """A ring new, grown or gone between two runs."""

    kind: str
    """`new`, `grown` or `gone`."""
    members: tuple[str, ...]
    """The ring's members (the later ring's for new and grown, the earlier one's for gone)."""
    earlier_members: tuple[str, ...] = ()
    """For a grown ring: the members of the earlier ring it holds."""


@dataclass
class ReportChanges:
    """How one question's result changed between two runs."""

    key: str
    title: str
    template_before: str
    template_after: str
    entered_top: list[tuple[str, str]] = field(default_factory=list)
    """(id, label) of entities new in the top list."""
    left_top: list[tuple[str, str]] = field(default_factory=list)
    moves: list[RankMove] = field(default_factory=list)
    """The largest rank moves, largest first."""
    communities: list[CommunityChange] = field(default_factory=list)
    rings: list[RingChange] = field(default_factory=list)
    size_before: tuple[int, int] | None = None
    """(vertices, edges) of the analysed projection."""
    size_after: tuple[int, int] | None = None
    density_before: float | None = None
    density_after: float | None = None
    status_before: str = ""
    status_after: str = ""

    @property
    def changed(self) -> bool:
        """Whether anything compared moved."""
        return bool(
            self.entered_top
            or self.left_top
            or self.moves
            or self.communities
            or self.rings
            or self.size_before != self.size_after
            or self.status_before != self.status_after
        )

    def lines(self) -> list[str]:
        """Plain sentences naming what changed, with the evidence (one line if nothing did)."""
        if not self.changed:
            return [f"{self.title}: no change since the earlier run."]
        out: list[str] = []
        if self.status_before != self.status_after:
            out.append(f"status {self.status_before} -> {self.status_after}")
        if self.size_before != self.size_after and self.size_before and self.size_after:
            (v0, e0), (v1, e1) = self.size_before, self.size_after
            text = f"graph {v0} -> {v1} vertices ({v1 - v0:+d}), {e0} -> {e1} edges ({e1 - e0:+d})"
            if self.density_before is not None and self.density_after is not None:
                text += f", density {self.density_before:.4g} -> {self.density_after:.4g}"
            out.append(text)
        if self.entered_top:
            out.append("entered the top list: " + _names(self.entered_top))
        if self.left_top:
            out.append("left the top list: " + _names(self.left_top))
        if self.moves:
            out.append(
                "largest rank moves: "
                + ", ".join(
                    f"{m.label} ({m.entity}) #{m.rank_before} -> #{m.rank_after}"
                    for m in self.moves
                )
            )
        for change in self.communities:
            out.append(community_line(change))
        out.extend(_ring_lines(self.rings))
        return [f"{self.title}: {line}" for line in out]


@dataclass
class RunChanges:
    """Every compared question of a run against an earlier run of the same question."""

    epoch_before: str
    epoch_after: str
    reports: list[ReportChanges]
    only_before: list[str] = field(default_factory=list)
    """Titles of results the earlier run had and this one has not."""
    only_after: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether any result moved, appeared or disappeared."""
        return bool(self.only_before or self.only_after or any(r.changed for r in self.reports))

    def lines(self) -> list[str]:
        """What changed since the earlier epoch, or one line saying nothing did."""
        if not self.changed:
            return [
                f"Nothing changed since run {self.epoch_before}: same graph size, top lists "
                "and communities."
            ]
        out = [f"Changes since run {self.epoch_before}:"]
        for report in self.reports:
            if report.changed:
                out.extend(report.lines())
        out.extend(f"{title}: only in the earlier run" for title in self.only_before)
        out.extend(f"{title}: new in this run" for title in self.only_after)
        return out

    def for_template(self, template_id: str) -> ReportChanges | None:
        """The changes of the later run's report `template_id`, if it was compared."""
        return next((r for r in self.reports if r.template_after == template_id), None)


def density(vertices: int, edges: int, directed: bool) -> float | None:
    """Edges over possible edges (no self-loops); None below two vertices."""
    if vertices < 2:
        return None
    possible = vertices * (vertices - 1)
    return edges / possible if directed else 2 * edges / possible


def compare_reports(
    before: Sequence[Mapping[str, Any]],
    after: Sequence[Mapping[str, Any]],
    *,
    epoch_before: str = "earlier",
    epoch_after: str = "this run",
) -> RunChanges:
    """Compare the reports of two runs of the same question.

    Args:
        before: Report JSON of the earlier run.
        after: Report JSON of the later run.
        epoch_before: The earlier run's id, for the text.
        epoch_after: The later run's id.

    Returns:
        The changes, report by report (paired by what they compute, then template id order).
    """
    grouped_before = _by_key(before)
    grouped_after = _by_key(after)
    compared: list[ReportChanges] = []
    only_before: list[str] = []
    only_after: list[str] = []
    for key in sorted(set(grouped_before) | set(grouped_after)):
        a_list, b_list = grouped_before.get(key, []), grouped_after.get(key, [])
        for a, b in zip(a_list, b_list, strict=False):
            compared.append(_compare_pair(key, a, b))
        only_before.extend(str(r.get("title", r.get("template_id"))) for r in a_list[len(b_list) :])
        only_after.extend(str(r.get("title", r.get("template_id"))) for r in b_list[len(a_list) :])
    compared.sort(key=lambda change: change.template_after)
    return RunChanges(epoch_before, epoch_after, compared, sorted(only_before), sorted(only_after))


def _by_key(reports: Iterable[Mapping[str, Any]]) -> dict[str, list[Mapping[str, Any]]]:
    grouped: dict[str, list[Mapping[str, Any]]] = {}
    for report in sorted(reports, key=lambda r: str(r.get("template_id"))):
        grouped.setdefault(template_key(dict(report)), []).append(report)
    return grouped


def _compare_pair(key: str, a: Mapping[str, Any], b: Mapping[str, Any]) -> ReportChanges:
    top_a = [
        (str(e.get("id")), str(e.get("label") or e.get("id"))) for e in a.get("top_entities") or []
    ]
    top_b = [
        (str(e.get("id")), str(e.get("label") or e.get("id"))) for e in b.get("top_entities") or []
    ]
    rank_a = {entity: rank for rank, (entity, _) in enumerate(top_a, 1)}
    rank_b = {entity: rank for rank, (entity, _) in enumerate(top_b, 1)}
    moves = [
        RankMove(entity, label, rank_a[entity], rank_b[entity])
        for entity, label in top_b
        if entity in rank_a and rank_a[entity] != rank_b[entity]
    ]
    moves.sort(key=lambda move: (-abs(move.delta), move.rank_after))
    size_a, density_a = _size(a)
    size_b, density_b = _size(b)
    return ReportChanges(
        key=key,
        title=str(b.get("title") or b.get("template_id")),
        template_before=str(a.get("template_id")),
        template_after=str(b.get("template_id")),
        entered_top=[(e, label) for e, label in top_b if e not in rank_a],
        left_top=[(e, label) for e, label in top_a if e not in rank_b],
        moves=moves[:LARGEST_MOVES],
        communities=community_changes(
            [_members(g) for g in a.get("groups") or []],
            [_members(g) for g in b.get("groups") or []],
            sizes_before=[int(g.get("size", 0)) for g in a.get("groups") or []],
            sizes_after=[int(g.get("size", 0)) for g in b.get("groups") or []],
        ),
        rings=ring_changes(_rings(a), _rings(b)),
        size_before=size_a,
        size_after=size_b,
        density_before=density_a,
        density_after=density_b,
        status_before=str(a.get("status", "")),
        status_after=str(b.get("status", "")),
    )


def _members(group: Mapping[str, Any]) -> frozenset[str]:
    return frozenset(str(member) for member in group.get("members_sample") or [])


def _size(report: Mapping[str, Any]) -> tuple[tuple[int, int] | None, float | None]:
    metrics = report.get("metrics") or {}
    vertices, edges = metrics.get("vertex_count"), metrics.get("edge_count")
    if not isinstance(vertices, int) or not isinstance(edges, int):
        return None, None
    projection = report.get("projection") or {}
    directed = bool(projection.get("directed", metrics.get("directed", True)))
    return (vertices, edges), density(vertices, edges, directed)


def _rings(report: Mapping[str, Any]) -> list[tuple[str, ...]]:
    """The rings a report lists, each as its members in the listed order, without repeats."""
    rings: dict[frozenset[str], tuple[str, ...]] = {}
    for finding in report.get("findings") or []:
        entities = tuple(str(entity) for entity in finding.get("entities") or [])
        if finding.get("kind") in RING_KINDS and len(entities) >= 2:
            rings.setdefault(frozenset(entities), entities)
    return list(rings.values())


def ring_changes(
    before: Sequence[Sequence[str]], after: Sequence[Sequence[str]]
) -> list[RingChange]:
    """Rings new, grown and gone between two lists of rings (each a list of members).

    A later ring with exactly an earlier ring's members is the same ring; a later ring holding
    every member of an earlier ring and more has grown from it; other later rings are new.
    Earlier rings neither found again nor grown are gone.

    Returns:
        Grown rings first, then new, then gone, each in the order the reports list them.
    """
    earlier = [frozenset(ring) for ring in before]
    kept: set[frozenset[str]] = set()
    grown: list[RingChange] = []
    new: list[RingChange] = []
    for ring in after:
        members = frozenset(ring)
        if members in earlier:
            kept.add(members)
            continue
        parents = [e for e in earlier if e < members]
        if parents:
            parent = max(parents, key=len)
            kept.add(parent)
            grown.append(RingChange("grown", tuple(ring), tuple(sorted(parent))))
        else:
            new.append(RingChange("new", tuple(ring)))
    gone = [RingChange("gone", tuple(ring)) for ring in before if frozenset(ring) not in kept]
    return grown + new + gone


def _ring_lines(rings: Sequence[RingChange]) -> list[str]:
    lines = []
    for kind, text in (("new", "new rings"), ("grown", "rings grown"), ("gone", "rings gone")):
        picked = [ring for ring in rings if ring.kind == kind]
        if not picked:
            continue
        named = "; ".join(
            " -> ".join(ring.members)
            + (f" (was {', '.join(ring.earlier_members)})" if ring.earlier_members else "")
            for ring in picked[:RINGS_NAMED]
        )
        more = f"; and {len(picked) - RINGS_NAMED} more" if len(picked) > RINGS_NAMED else ""
        lines.append(f"{text} ({len(picked)}): {named}{more}")
    return lines


def _names(entities: Sequence[tuple[str, str]]) -> str:
    return ", ".join(
        label if label == entity else f"{label} ({entity})" for entity, label in entities
    )


# --------------------------------------------------------------------------- the catalog side

LAST = "last"
"""`compare_to` value: the latest earlier finished run of the same source and graph."""
MAX_SUMMARY_LINES = 12
"""Most change lines put at the head of a summary's key findings (the rest stay per report)."""


def earlier_epoch(
    catalog: CatalogBackend,
    *,
    epoch_id: str,
    source: str,
    graph_name: str | None,
    question: Iterable[str],
    compare_to: str | None = None,
) -> Epoch | None:
    """The earlier run a run is compared with, if any.

    Args:
        catalog: The catalog holding earlier runs.
        epoch_id: The run being compared (never its own predecessor).
        source: The run's source (as its schema names it).
        graph_name: The run's named graph.
        question: The run's requirement texts.
        compare_to: None: the latest earlier finished run of the same source, graph and
            question; `"last"`: the latest earlier finished run of the same source and graph,
            whatever it asked; else the id of the run to compare with.

    Returns:
        The earlier epoch, or None when there is none.

    Raises:
        CatalogError: `compare_to` names an epoch the catalog does not hold.
    """
    if compare_to and compare_to != LAST:
        return catalog.get_epoch(compare_to)
    asked = sorted(text.strip() for text in question)
    for epoch in catalog.list_epochs(source=source):
        if epoch.id == epoch_id or epoch.status != "finished" or epoch.graph_name != graph_name:
            continue
        if compare_to == LAST:
            return epoch
        earlier = sorted(
            str(node.data.get("text", "")).strip()
            for node in catalog.nodes(epoch.id, "requirement")
        )
        if earlier == asked:
            return epoch
    return None


def changes_since(
    catalog: CatalogBackend, earlier: Epoch, epoch_id: str, reports: Sequence[Mapping[str, Any]]
) -> RunChanges:
    """Compare a run's report JSON with the stored reports of an earlier epoch."""
    before = [node.data for node in catalog.nodes(earlier.id, "report")]
    return compare_reports(before, reports, epoch_before=earlier.id, epoch_after=epoch_id)


def annotate(summary: RunSummary, reports: Sequence[Report], changes: RunChanges) -> None:
    """Lead the summary and each report with what changed (in place, before they are written).

    The summary's key findings start with the run-level lines; each compared report's notes
    start with its own lines (one line when it did not change).
    """
    lines = changes.lines()
    shown = lines[:MAX_SUMMARY_LINES]
    if len(lines) > MAX_SUMMARY_LINES:
        shown.append(f"... {len(lines) - MAX_SUMMARY_LINES} more changes in the reports")
    summary.key_findings[:0] = shown
    for report in reports:
        compared = changes.for_template(report.template_id)
        if compared is not None:
            report.notes[:0] = [
                f"Since run {changes.epoch_before}: {line}" for line in compared.lines()
            ]


def check_compare_to(
    catalog_spec: Any, compare_to: str | None, *, name: str = "--compare-to"
) -> None:
    """Refuse, before a run, a `compare_to` run id the catalog does not hold.

    Args:
        catalog_spec: The catalog the run will be recorded in.
        compare_to: The run id asked for (None and `last` always pass).
        name: How the message names the option.

    Raises:
        CatalogError: one line naming the run id and where to look.
    """
    if not compare_to or compare_to == LAST:
        return
    from gaai_graph.catalog.recorder import open_catalog

    try:
        catalog = open_catalog(catalog_spec, create=False)
    except CatalogError:
        raise CatalogError(
            f"{name} {compare_to[:80]!r}: there is no catalog with earlier runs yet; "
            f"leave {name} out for the first run"
        ) from None
    try:
        catalog.get_epoch(compare_to)
    except CatalogError:
        raise CatalogError(
            f"{name} {compare_to[:80]!r}: no such run in the catalog; the catalog "
            f"lists the run ids (or use {name} last)"
        ) from None
    finally:
        catalog.close()


def annotate_from_catalog(
    catalog_spec: Any, epoch_id: str, values: Mapping[str, Any], compare_to: str | None = None
) -> RunChanges | None:
    """Lead a finished run's summary and reports with what changed since an earlier run.

    Call it before the reports are written. Nothing happens when the catalog is missing or
    holds no earlier run of the same source and question (see `earlier_epoch`).

    Args:
        catalog_spec: The catalog the run is recorded in (a path or an arangodb:// URL).
        epoch_id: The run's id.
        values: The run's final state (`schema`, `requirements`, `reports`, `summary`).
        compare_to: As in `earlier_epoch`.

    Returns:
        The changes written into the summary and reports, or None.

    Never raises: a catalog that cannot be read is logged and the run is left as it is
    (check an explicit `compare_to` before the run with `check_compare_to`).
    """
    from gaai_graph.catalog.recorder import describe_catalog, open_catalog

    schema, summary = values.get("schema"), values.get("summary")
    if schema is None or summary is None:
        return None
    reports: list[Report] = list(values.get("reports", []))
    try:
        catalog = open_catalog(catalog_spec, create=False)
    except CatalogError:
        return None  # no catalog yet: the first run has nothing to compare with
    try:
        earlier = earlier_epoch(
            catalog,
            epoch_id=epoch_id,
            source=schema.source,
            graph_name=schema.graph_name,
            question=[r.text for r in values.get("requirements", [])],
            compare_to=compare_to,
        )
        if earlier is None:
            return None
        dumped = [report.model_dump(mode="json") for report in reports]
        changes = changes_since(catalog, earlier, epoch_id, dumped)
    except Exception:
        # The run's results matter more than the comparison: never lose them over it.
        logger.warning(
            "could not compare with earlier runs in %s",
            describe_catalog(catalog_spec),
            exc_info=True,
        )
        return None
    finally:
        catalog.close()
    annotate(summary, reports, changes)
    return changes
