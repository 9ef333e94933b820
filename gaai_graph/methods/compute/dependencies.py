"""Sole-dependency analysis on layered graphs (supplier -> part -> product and the like).

A vertex *depends solely* on a provider when that provider is its only provider. A provider's
weight is what fails with it: the cascade of vertices left with no working provider at all
when it fails (its sole dependents, then whatever depended only on those, and so on), with the
vertices flagged by an attribute such as `critical` counted apart. igraph has no such
analysis; it is written here (one breadth-first cascade per provider that has a sole
dependent, O(edges) each), after the single-point-of-failure analysis of supply-network
studies (e.g. Kim, Chen & Linderman 2015, "Supply network disruption and resilience").
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Literal

import igraph as ig

from gaai_graph.errors import TemplateValidationError
from gaai_graph.methods.compute._common import check_choice

__all__ = ["SoleProvider", "sole_dependency"]

Direction = Literal["provider_to_dependent", "dependent_to_provider"]


@dataclass(frozen=True)
class SoleProvider:
    """A provider some vertices depend on solely, and what fails with it."""

    provider: int
    sole_dependents: list[int]
    """Vertices whose only provider it is, sorted."""
    failed: list[int]
    """Every vertex left with no working provider when it fails (the cascade), sorted."""
    critical_failed: list[int]
    """The failed vertices carrying the critical flag, sorted."""
    exposed: int
    """Vertices downstream of it at all (depending on it directly or transitively)."""


def sole_dependency(
    graph: ig.Graph,
    *,
    direction: Direction = "provider_to_dependent",
    critical: str | None = None,
) -> list[SoleProvider]:
    """Providers with sole dependents, most consequential first.

    Args:
        graph: A directed graph of provision edges.
        direction: "provider_to_dependent" when edges point from provider to dependent
            (supplier -> part), "dependent_to_provider" when they point the other way
            (product -> part it uses).
        critical: A vertex attribute whose truthy values flag critical vertices.

    Returns:
        One entry per provider with at least one sole dependent, ordered by critical vertices
        failed, then vertices failed, then provider index.

    Raises:
        TemplateValidationError: undirected graph, bad direction or unknown attribute.
    """
    direction = check_choice(
        direction, "direction", ("provider_to_dependent", "dependent_to_provider")
    )  # type: ignore[assignment]
    if not graph.is_directed():
        raise TemplateValidationError(
            "sole dependency needs directed edges (who provides to whom); the graph is undirected"
        )
    if critical is not None and critical not in graph.vs.attributes():
        known = ", ".join(sorted(graph.vs.attributes())) or "none"
        raise TemplateValidationError(
            f"critical flag {critical!r} is not a vertex attribute (vertex attributes: {known})"
        )
    flagged = (
        [bool(value) for value in graph.vs[critical]]
        if critical is not None
        else [False] * graph.vcount()
    )
    forward, backward = ("out", "in") if direction == "provider_to_dependent" else ("in", "out")
    dependents = [
        sorted(set(neighbours) - {vertex})
        for vertex, neighbours in enumerate(graph.get_adjlist(mode=forward))
    ]
    providers = [
        sorted(set(neighbours) - {vertex})
        for vertex, neighbours in enumerate(graph.get_adjlist(mode=backward))
    ]
    sole: dict[int, list[int]] = {}
    for vertex, own in enumerate(providers):
        if len(own) == 1:
            sole.setdefault(own[0], []).append(vertex)
    results = []
    for provider, sole_dependents in sole.items():
        failed = _cascade(provider, dependents, providers)
        results.append(
            SoleProvider(
                provider=provider,
                sole_dependents=sorted(sole_dependents),
                failed=failed,
                critical_failed=[vertex for vertex in failed if flagged[vertex]],
                exposed=len(graph.subcomponent(provider, mode=forward)) - 1,
            )
        )
    results.sort(key=lambda r: (-len(r.critical_failed), -len(r.failed), r.provider))
    return results


def _cascade(source: int, dependents: list[list[int]], providers: list[list[int]]) -> list[int]:
    """Vertices that lose every provider once `source` fails (`source` excluded), sorted."""
    lost_providers: dict[int, int] = {}
    failed = {source}
    queue = deque([source])
    while queue:
        vertex = queue.popleft()
        for dependent in dependents[vertex]:
            if dependent in failed:
                continue
            lost = lost_providers.get(dependent, 0) + 1
            lost_providers[dependent] = lost
            if lost == len(providers[dependent]):
                failed.add(dependent)
                queue.append(dependent)
    failed.discard(source)
    return sorted(failed)
