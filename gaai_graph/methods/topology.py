"""How a schema's collections connect: the collection-level facts projection rules read.

Method modules design their projections with it (`gaai_graph.methods.base.Designer`); use-case
generation picks focus collections with it. It reads edge definitions, counts and roles only,
so it is cheap and needs no graph data.
"""

from __future__ import annotations

from gaai_graph.models import GraphSchema

IDENTIFIER_MAX_FAN_IN = 3.0
"""A neighbour is identifier-like (a device, a card, a phone) when one of its vertices is shared
by at most this many entities on average: sharing is then rare enough to be a signal."""


class SchemaTopology:
    """How a schema's collections connect, for rules that pick focus and projections.

    Works on collection-level facts only (edge definitions, counts, roles), so it is cheap and
    needs no graph data.
    """

    def __init__(self, schema: GraphSchema) -> None:
        """Index `schema`'s edge definitions.

        Args:
            schema: The analysed schema.
        """
        self.schema = schema
        self._profiles = {c.name: c for c in schema.collections}
        self.ends: dict[str, tuple[list[str], list[str]]] = {}
        for definition in schema.edge_definitions:
            profile = self._profiles.get(definition.edge_collection)
            if profile is None or profile.kind != "edge":
                continue
            sources = [v for v in definition.from_vertex_collections if self.is_vertex(v)]
            targets = [v for v in definition.to_vertex_collections if self.is_vertex(v)]
            if sources and targets:
                self.ends[definition.edge_collection] = (sources, targets)

    def is_vertex(self, name: str) -> bool:
        """Whether `name` is a vertex collection of the schema."""
        profile = self._profiles.get(name)
        return profile is not None and profile.kind == "document"

    def is_core(self, name: str) -> bool:
        """Whether `name` is a core vertex collection."""
        profile = self._profiles.get(name)
        return profile is not None and profile.kind == "document" and profile.role == "core"

    def count(self, name: str) -> int:
        """Document count of `name` (0 when unknown)."""
        profile = self._profiles.get(name)
        return profile.count if profile is not None else 0

    @property
    def core_vertex_collections(self) -> list[str]:
        """Core vertex collections, in schema order."""
        return [n for n in self.schema.vertex_collections if self.is_core(n)]

    def endpoints(self, edge: str) -> set[str]:
        """Every vertex collection edge collection `edge` connects."""
        sources, targets = self.ends.get(edge, ([], []))
        return {*sources, *targets}

    def self_edges(self, vertex: str) -> list[str]:
        """Edge collections connecting `vertex` only to itself (referrals, transfers)."""
        return [e for e, (s, t) in self.ends.items() if s == [vertex] and t == [vertex]]

    def edges_touching(self, vertex: str, *, core_only: bool = False) -> list[str]:
        """Edge collections with `vertex` at either end.

        Args:
            vertex: A vertex collection.
            core_only: Leave out edge collections that also reach a satellite.

        Returns:
            Edge collection names in schema order.
        """
        return [
            e
            for e in self.ends
            if vertex in self.endpoints(e)
            and (not core_only or all(self.is_core(v) for v in self.endpoints(e) - {vertex}))
        ]

    def neighbours(self, vertex: str, *, core_only: bool = True) -> dict[str, list[str]]:
        """Other vertex collections one edge away from `vertex`, with the edges reaching them."""
        found: dict[str, list[str]] = {}
        for edge in self.edges_touching(vertex):
            for other in sorted(self.endpoints(edge) - {vertex}):
                if core_only and not self.is_core(other):
                    continue
                found.setdefault(other, []).append(edge)
        return found

    def has_edges_to_others(self, vertex: str) -> bool:
        """Whether `vertex` is the source of an edge collection reaching another collection."""
        return any(vertex in s and set(t) - {vertex} for s, t in self.ends.values())

    def mean_fan_in(self, edge: str, target: str) -> float:
        """Edges of `edge` per vertex of `target`: how many entities share one target vertex."""
        size = self.count(target)
        return self.count(edge) / size if size else 0.0

    def neighbourhood(self, focus: list[str], hops: int) -> tuple[list[str], list[str]]:
        """Core collections within `hops` core edges of `focus`, and the edges among them.

        Satellites are never crossed (they would glue unrelated entities together); a focus
        collection is kept even when it is a satellite itself.

        Args:
            focus: Starting vertex collections.
            hops: How many edge collections away to reach.

        Returns:
            (vertex collections, edge collections whose every endpoint is among them).
        """
        reached = list(dict.fromkeys(f for f in focus if self.is_vertex(f)))
        frontier = list(reached)
        for _ in range(hops):
            following: list[str] = []
            for vertex in frontier:
                for other in self.neighbours(vertex, core_only=True):
                    if other not in reached:
                        reached.append(other)
                        following.append(other)
            frontier = following
        members = set(reached)
        edges = [e for e in self.ends if self.endpoints(e) <= members]
        return reached, edges

    def identifier_neighbours(self, vertex: str) -> list[str]:
        """Core neighbours of `vertex` that look like shared identifiers (devices, cards, phones).

        A neighbour qualifies when nothing but `vertex` touches it (a device is reached only
        from customers; a review, reached from customers and products, is an event, not an
        identifier) and its vertices are shared by few `vertex` entities on average (at most
        `IDENTIFIER_MAX_FAN_IN`), so a shared one is a meaningful link.

        Args:
            vertex: The entity collection (e.g. customers, accounts).

        Returns:
            Neighbour collection names.
        """
        found: list[str] = []
        for other, edges in self.neighbours(vertex, core_only=True).items():
            if set(self.neighbours(other, core_only=False)) != {vertex}:
                continue
            fan_in = sum(self.count(e) for e in edges) / max(self.count(other), 1)
            if fan_in <= IDENTIFIER_MAX_FAN_IN:
                found.append(other)
        return found
