"""The analytics catalog's records and the interface every backend implements.

An epoch is one analysis run over a graph at a point in time. The catalog keeps, per epoch, the
requirements, use cases, templates, executions and reports of the run, and lineage edges
linking them: requirement → use case → template → execution → report.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, Literal

from gaai_graph.errors import GaaiError

EpochStatus = Literal["running", "finished", "failed"]
"""`running` until the run's reports are recorded (an interrupted run stays `running`);
`failed` when the run ended in an error after it started (the reason is in `Epoch.error`)."""

NodeKind = Literal["requirement", "use_case", "template", "execution", "report"]

LINEAGE_RELATIONS: dict[tuple[str, str], str] = {
    ("requirement", "use_case"): "answered_by",
    ("use_case", "template"): "planned_as",
    ("template", "execution"): "executed_as",
    ("execution", "report"): "reported_in",
}
"""The relation name of each lineage edge, by (from kind, to kind)."""


class CatalogError(GaaiError):
    """The catalog cannot be opened, written or queried, or a looked-up record is missing."""


@dataclass
class Epoch:
    """One analysis run over one graph."""

    id: str
    fingerprint: str
    source: str
    graph_name: str | None
    started_at: float
    finished_at: float | None = None
    status: EpochStatus = "running"
    parent_epoch: str | None = None
    tags: list[str] = field(default_factory=list)
    vertical: str | None = None
    headline: str | None = None
    error: str | None = None
    """Why the run failed (status `failed`); None otherwise."""


@dataclass
class CatalogNode:
    """One recorded item of an epoch: a requirement, use case, template, execution or report."""

    epoch_id: str
    kind: NodeKind
    id: str
    data: dict[str, Any]
    """The item as JSON (the pydantic model's `model_dump(mode="json")`, plus extras such as an
    execution's duration or a report's file path)."""


@dataclass
class LineageEdge:
    """A directed link between two items of one epoch."""

    epoch_id: str
    from_kind: NodeKind
    from_id: str
    to_kind: NodeKind
    to_id: str
    relation: str


@dataclass
class Lineage:
    """A report traced back to the requirements that asked for it."""

    epoch_id: str
    report: CatalogNode
    execution: CatalogNode | None
    template: CatalogNode | None
    use_case: CatalogNode | None
    requirements: list[CatalogNode]
    edges: list[LineageEdge]


class CatalogBackend(ABC):
    """Storage of epochs, their items and lineage edges, with the catalog's queries."""

    @abstractmethod
    def start_epoch(self, epoch: Epoch) -> Epoch:
        """Record a new epoch (or return the stored one if `epoch.id` exists), setting its parent.

        The parent is the latest other epoch over the same source and graph name.
        """

    @abstractmethod
    def record_items(
        self, epoch_id: str, nodes: list[CatalogNode], edges: list[LineageEdge]
    ) -> None:
        """Store an epoch's items and lineage edges, replacing items with the same id."""

    @abstractmethod
    def finish_epoch(
        self,
        epoch_id: str,
        status: EpochStatus,
        finished_at: float,
        headline: str | None = None,
        vertical: str | None = None,
        error: str | None = None,
    ) -> None:
        """Set an epoch's final status and end time, and its error (None clears an old one).

        A failed run that is resumed and finishes is recorded `finished` with no error.
        """

    @abstractmethod
    def forget_epoch(self, epoch_id: str) -> None:
        """Remove an epoch with its items and lineage (a thread started anew); none is fine."""

    @abstractmethod
    def list_epochs(self, fingerprint: str | None = None, source: str | None = None) -> list[Epoch]:
        """Epochs, newest first; only those of one graph fingerprint or source when given."""

    @abstractmethod
    def get_epoch(self, epoch_id: str) -> Epoch:
        """One epoch; raises `CatalogError` when unknown."""

    @abstractmethod
    def nodes(self, epoch_id: str, kind: NodeKind | None = None) -> list[CatalogNode]:
        """An epoch's items (of one kind when given), ordered by kind and id."""

    @abstractmethod
    def edges(self, epoch_id: str) -> list[LineageEdge]:
        """An epoch's lineage edges."""

    @abstractmethod
    def close(self) -> None:
        """Release the backend's connection."""

    # -- queries built on the primitives above, shared by every backend ----------------------

    def runs_of_graph(self, fingerprint: str) -> list[Epoch]:
        """Every epoch over the graph with this fingerprint, newest first."""
        return self.list_epochs(fingerprint=fingerprint)

    def lineage(self, epoch_id: str, report_id: str) -> Lineage:
        """Trace the report of template `report_id` back to its requirements.

        Raises:
            CatalogError: If the epoch or report is unknown.
        """
        self.get_epoch(epoch_id)
        nodes = {(node.kind, node.id): node for node in self.nodes(epoch_id)}
        report = nodes.get(("report", report_id))
        if report is None:
            known = sorted(node_id for kind, node_id in nodes if kind == "report")
            raise CatalogError(f"epoch {epoch_id} has no report {report_id!r}; known: {known}")
        incoming: dict[tuple[str, str], list[LineageEdge]] = {}
        for edge in self.edges(epoch_id):
            incoming.setdefault((edge.to_kind, edge.to_id), []).append(edge)
        path: list[LineageEdge] = []
        found: dict[str, list[CatalogNode]] = {}
        frontier = [("report", report_id)]
        while frontier:
            key = frontier.pop()
            for edge in incoming.get(key, []):
                path.append(edge)
                parent = (edge.from_kind, edge.from_id)
                if parent in nodes:
                    found.setdefault(edge.from_kind, []).append(nodes[parent])
                frontier.append(parent)

        def single(kind: str) -> CatalogNode | None:
            return found[kind][0] if found.get(kind) else None

        return Lineage(
            epoch_id=epoch_id,
            report=report,
            execution=single("execution"),
            template=single("template"),
            use_case=single("use_case"),
            requirements=sorted(found.get("requirement", []), key=lambda node: node.id),
            edges=path,
        )
