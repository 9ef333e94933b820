"""Names for ids, and the entities several reports point at ("connected findings").

Reports speak in vertex ids (`customers/c001080`); people read names. `Names` maps ids to
their names (the report's own entity labels first, then the graph's label attribute) and
rewrites a sentence so each known id reads "Emma Zhang [customers/c001080]".

`connected_findings` groups the vertices named by more than one report by the set of reports
naming them: the twelve customers that are both the largest ring of shared devices and the
referral cycle come out as one connection listing both reports, each with the part the
vertices play in it (group #1, top 10, a flagged finding).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from gaai_graph.models import Report
from gaai_graph.reporting.network import GraphIndex, report_findings

__all__ = ["Connection", "Names", "connected_findings", "report_units"]

MAX_CONNECTIONS = 6
"""Most connections listed on the index."""

_TOP_RANKS = 10
"""Top entities taking part in connections: the first ten of each ranking."""

MIN_SHARED = 2
"""Fewest shared vertices that connect two findings (one shared hub is common)."""


def _is_contact(label: str) -> bool:
    # An e-mail address is personal contact data: never shown in place of an id.
    return "@" in label


class Names:
    """Vertex id -> name, from the reports' entity labels and (when given) the graph.

    Args:
        reports: The run's reports; their top entities carry labels.
        index: The graph's names, or None when the graph is not at hand.
    """

    def __init__(self, reports: Iterable[Report], index: GraphIndex | None = None) -> None:
        self._index = index
        self._labels: dict[str, str] = {}
        self._known: set[str] = set()
        for report in reports:
            for entity in report.top_entities:
                self._known.add(entity.id)
                label = entity.label.strip()
                if label and label != entity.id and not _is_contact(label):
                    self._labels.setdefault(entity.id, label)
            for group in report.groups:
                self._known.update(group.members_sample)
            for finding in report_findings(report):
                self._known.update(str(entity) for entity in finding.get("entities", []))
        self._by_length: list[str] | None = None
        self._patterns: dict[tuple[str, ...], re.Pattern[str]] = {}

    def label(self, vertex_id: str) -> str | None:
        """The vertex's name, or None when it has none."""
        if vertex_id in self._labels:
            return self._labels[vertex_id]
        label = self._index.label(vertex_id) if self._index is not None else None
        if label is None or _is_contact(label) or label == vertex_id:
            return None
        self._labels[vertex_id] = label
        return label

    def name(self, vertex_id: str) -> str:
        """'Name [id]' when the vertex has a name, else the id."""
        label = self.label(vertex_id)
        return f"{label} [{vertex_id}]" if label else vertex_id

    def short(self, vertex_id: str) -> str:
        """The name alone when there is one, else the id."""
        return self.label(vertex_id) or vertex_id

    def named_text(self, text: str) -> str:
        """`text` with each known id written as 'Name [id]' (ids already named are kept)."""
        if not self._known or not text:
            return text
        if self._by_length is None:
            self._by_length = sorted(self._known, key=len, reverse=True)
        # Only the ids the text holds go into its pattern: one alternation of every known id
        # (thousands at 10^6 edges) took seconds to compile, and an id the text does not hold
        # cannot match anyway.
        present = tuple(vertex_id for vertex_id in self._by_length if vertex_id in text)
        if not present:
            return text
        pattern = self._patterns.get(present)
        if pattern is None:
            alternatives = "|".join(re.escape(vertex_id) for vertex_id in present)
            # An id in parentheses or brackets already follows its name ("Max (products/p1)",
            # "Max [products/p1]": how reports name entities).
            pattern = re.compile(rf"([(\[])?(?<![\w/])({alternatives})(?![\w/])([)\]])?")
            self._patterns[present] = pattern

        def replace(match: re.Match[str]) -> str:
            if match.group(1) and match.group(3):
                return match.group(0)
            return (match.group(1) or "") + self.name(match.group(2)) + (match.group(3) or "")

        return pattern.sub(replace, text)


def report_units(report: Report) -> list[tuple[str, list[str]]]:
    """The sets of vertices a report points at, each with the part they play there.

    Flagged and context findings, each group of two or more whose members the report lists
    in full (a sample of five out of thousands says nothing about overlap), and the first ten
    of its ranking.
    """
    units: list[tuple[str, list[str]]] = []
    if report.status != "succeeded":
        return units
    for finding in report_findings(report):
        kind = finding["kind"].replace("_", " ")
        role = f"the flagged {kind}" if finding["flagged"] else f"the {kind}"
        if finding["entities"]:
            units.append((role, list(finding["entities"])))
    for rank, group in enumerate(report.groups, 1):
        if group.size >= 2 and len(group.members_sample) >= group.size:
            units.append((f"group #{rank} ({group.size:,} members)", list(group.members_sample)))
    top = [entity.id for entity in report.top_entities[:_TOP_RANKS]]
    if top:
        units.append((f"the top {len(top)}", top))
    return units


@dataclass
class Connection:
    """Vertices that two reports both point at."""

    entities: list[str]
    reports: list[tuple[str, str, str]]
    """(template id, report title, the part the vertices play there), in report order."""
    text: str = ""


def connected_findings(reports: Sequence[Report], names: Names) -> list[Connection]:
    """The vertices two reports both point at, largest overlaps first.

    Each pair of vertex sets from different reports (see `report_units`) sharing at least
    `MIN_SHARED` vertices is one connection: "All 12 members of group #1 in “Circular
    chains” are also in group #1 in “Rings”".

    Args:
        reports: The run's reports.
        names: Names of the vertices.

    Returns:
        At most `MAX_CONNECTIONS` connections.
    """
    units = [
        (report.template_id, report.title, role, members)
        for report in reports
        for role, members in report_units(report)
    ]
    connections = []
    for position, (first_id, first_title, first_role, first) in enumerate(units):
        first_set = set(first)
        for second_id, second_title, second_role, second in units[position + 1 :]:
            if second_id == first_id:
                continue
            shared = [vertex_id for vertex_id in second if vertex_id in first_set]
            if len(shared) < MIN_SHARED:
                continue
            shown = ", ".join(names.short(vertex_id) for vertex_id in shared[:6])
            more = f" and {len(shared) - 6:,} more" if len(shared) > 6 else ""
            smaller = min(len(first), len(second))
            quantity = f"All {len(shared):,}" if len(shared) == smaller else f"{len(shared):,}"
            text = (
                f"{quantity} of {first_role} in “{first_title}” are also {second_role} in "
                f"“{second_title}”: {shown}{more}."
            )
            connections.append(
                Connection(
                    entities=shared,
                    reports=[
                        (first_id, first_title, first_role),
                        (second_id, second_title, second_role),
                    ],
                    text=text,
                )
            )
    connections.sort(key=lambda c: (-len(c.entities), c.reports[0][0], c.reports[1][0]))
    return connections[:MAX_CONNECTIONS]
