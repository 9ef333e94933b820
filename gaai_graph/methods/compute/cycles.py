"""Bounded enumeration of short simple cycles: round-tripping, not components.

Loops of 2 to 6 hops, optionally within a time window and with similar amounts on every hop.

Written here rather than taken from igraph's `simple_cycles`, because the edge constraints
(time window, order in time, similar amounts) must prune the search as it goes and the work
must be bounded: a depth-first search from each start vertex over higher-numbered vertices
only (each cycle is found once, from its lowest vertex, as in Johnson 1975 and NetworkX's
length-bounded `simple_cycles`), stopping after `max_cycles` cycles or `max_steps` edge
visits, whichever comes first, and saying so.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import igraph as ig

from gaai_graph.errors import TemplateValidationError
from gaai_graph.methods.compute._common import check_number, check_positive_int

__all__ = ["Cycle", "CycleSearch", "short_cycles"]

MAX_CYCLE_LENGTH = 6


@dataclass(frozen=True)
class Cycle:
    """One simple cycle: vertices in order (lowest first) and the edge taken at each hop."""

    vertices: list[int]
    edges: list[int]
    """edges[i] goes from vertices[i] to vertices[i + 1] (the last back to vertices[0])."""

    @property
    def length(self) -> int:
        """Number of hops."""
        return len(self.vertices)


@dataclass
class CycleSearch:
    """The cycles found and whether the search finished within its bounds."""

    cycles: list[Cycle] = field(default_factory=list)
    complete: bool = True
    """False when `max_cycles` or `max_steps` stopped the search (more cycles may exist)."""
    steps: int = 0
    """Edge visits spent."""
    bound: str = ""
    """The bound, in words, for the report."""


def _numbers(graph: ig.Graph, attribute: str | None, name: str) -> list[float] | None:
    if attribute is None:
        return None
    if attribute not in graph.es.attributes():
        known = ", ".join(sorted(graph.es.attributes())) or "none"
        raise TemplateValidationError(
            f"{name} {attribute!r} is not an edge attribute (edge attributes: {known})"
        )
    values: list[Any] = graph.es[attribute]
    for index, value in enumerate(values):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TemplateValidationError(
                f"{name} {attribute!r} must be numeric on every edge; edge {index} has "
                f"{value!r} (timestamps as epoch seconds)"
            )
    return [float(value) for value in values]


def short_cycles(
    graph: ig.Graph,
    *,
    min_length: int = 2,
    max_length: int = 6,
    time_attribute: str | None = None,
    window: float | None = None,
    ordered_in_time: bool = False,
    amount_attribute: str | None = None,
    amount_tolerance: float | None = None,
    max_cycles: int = 10_000,
    max_steps: int = 5_000_000,
) -> CycleSearch:
    """Simple cycles of `min_length`..`max_length` hops, bounded work.

    On a directed graph cycles follow edge directions (length 2 is a reciprocal pair); on an
    undirected graph a cycle has at least 3 hops and is reported once, not once per direction.
    Self-loops are not cycles here. With parallel edges, a cycle is reported once, with the
    first combination of edges that meets the constraints.

    Args:
        graph: The graph.
        min_length: Fewest hops (at least 2).
        max_length: Most hops (at most 6).
        time_attribute: Numeric edge attribute holding a time (epoch seconds, days, ...).
        window: With a time attribute, the latest and earliest edge of a cycle are at most this
            far apart.
        ordered_in_time: With a time attribute, the hops must happen in order around the cycle
            (non-decreasing from some starting hop), as money moving round a loop does.
        amount_attribute: Numeric edge attribute holding an amount.
        amount_tolerance: With an amount attribute, the largest amount on the cycle is at most
            (1 + tolerance) times the smallest (0.1: amounts within 10%).
        max_cycles: Stop after this many cycles.
        max_steps: Stop after this many edge visits.

    Raises:
        TemplateValidationError: a bound out of range, a constraint without its attribute, or
            an attribute that is missing or not numeric.
    """
    min_length = check_positive_int(min_length, "min_length", minimum=2)
    max_length = check_positive_int(max_length, "max_length", minimum=min_length)
    if max_length > MAX_CYCLE_LENGTH:
        raise TemplateValidationError(
            f"max_length must be at most {MAX_CYCLE_LENGTH} (longer loops explode in number); "
            f"got {max_length}"
        )
    max_cycles = check_positive_int(max_cycles, "max_cycles")
    max_steps = check_positive_int(max_steps, "max_steps")
    times = _numbers(graph, time_attribute, "time attribute")
    amounts = _numbers(graph, amount_attribute, "amount attribute")
    if (window is not None or ordered_in_time) and times is None:
        raise TemplateValidationError("a time window or order needs time_attribute")
    if amount_tolerance is not None and amounts is None:
        raise TemplateValidationError("amount_tolerance needs amount_attribute")
    span = None if window is None else check_number(window, "window", minimum=0.0)
    ratio = (
        None
        if amount_tolerance is None
        else 1.0 + check_number(amount_tolerance, "amount_tolerance", minimum=0.0)
    )
    if ratio is not None and amounts is not None and any(a <= 0 for a in amounts):
        raise TemplateValidationError(
            f"amount attribute {amount_attribute!r} must be positive to compare amounts"
        )
    directed = graph.is_directed()
    if not directed:
        min_length = max(min_length, 3)
    out_edges: list[list[tuple[int, int]]] = [[] for _ in range(graph.vcount())]
    for edge, (u, v) in enumerate(graph.get_edgelist()):
        if u == v:
            continue
        out_edges[u].append((v, edge))
        if not directed:
            out_edges[v].append((u, edge))
    search = _Search(
        out_edges, directed, min_length, max_length, times, span, ordered_in_time, amounts, ratio
    )
    search.run(max_cycles, max_steps)
    constraints = []
    if span is not None:
        constraints.append(f"within {span:g} of {time_attribute}")
    if ordered_in_time:
        constraints.append(f"in {time_attribute} order")
    if ratio is not None:
        constraints.append(f"{amount_attribute} within {amount_tolerance:.0%}")
    result = search.result
    result.bound = (
        f"cycles of {min_length}-{max_length} hops"
        + (f" ({', '.join(constraints)})" if constraints else "")
        + f"; search bounded by {max_cycles:,} cycles and {max_steps:,} edge visits"
        + ("" if result.complete else " and stopped at that bound: more cycles may exist")
    )
    return result


class _Search:
    """Depth-first search from each start vertex through higher-numbered vertices only."""

    def __init__(
        self,
        out_edges: list[list[tuple[int, int]]],
        directed: bool,
        min_length: int,
        max_length: int,
        times: Sequence[float] | None,
        span: float | None,
        ordered: bool,
        amounts: Sequence[float] | None,
        ratio: float | None,
    ) -> None:
        self.out_edges = out_edges
        self.directed = directed
        self.min_length = min_length
        self.max_length = max_length
        self.times = times
        self.span = span
        self.ordered = ordered
        self.amounts = amounts
        self.ratio = ratio
        self.result = CycleSearch()
        self.seen: set[tuple[int, ...]] = set()
        self.predecessors: list[list[int]] = []
        self.back: dict[int, int] = {}

    def run(self, max_cycles: int, max_steps: int) -> None:
        self.max_cycles, self.max_steps = max_cycles, max_steps
        predecessors: list[set[int]] = [set() for _ in self.out_edges]
        for source, hops in enumerate(self.out_edges):
            for target, _ in hops:
                predecessors[target].add(source)
        self.predecessors = [sorted(p) for p in predecessors]
        for start in range(len(self.out_edges)):
            back = self._hops_back_to(start)
            if back is None:
                self.result.complete = False
                return
            self.back = back
            if not self._extend(start, [start], [], {start}):
                self.result.complete = False
                return

    def _hops_back_to(self, start: int) -> dict[int, int] | None:
        """Hops from each higher vertex back to `start` within max_length - 1 (None: bound hit).

        A path may only step onto a vertex that can still return to `start` in the hops left,
        which prunes the search to the paths that can close (a breadth-first search backwards
        costs far less than the paths it saves).
        """
        back = {start: 0}
        frontier = [start]
        for hops in range(1, self.max_length):
            following = []
            for vertex in frontier:
                for previous in self.predecessors[vertex]:
                    self.result.steps += 1
                    if previous > start and previous not in back:
                        back[previous] = hops
                        following.append(previous)
                if self.result.steps > self.max_steps:
                    return None
            frontier = following
        return back

    def _admissible(self, edges: list[int], closing: bool) -> bool:
        """Whether the edges taken so far (or the closed cycle) meet the constraints."""
        if self.times is not None:
            hop_times = [self.times[e] for e in edges]
            if self.span is not None and max(hop_times) - min(hop_times) > self.span:
                return False
            if self.ordered:
                descents = sum(1 for a, b in itertools.pairwise(hop_times) if b < a)
                if closing and hop_times[0] < hop_times[-1]:
                    descents += 1  # the wrap from the last hop back to the first
                if descents > 1:
                    return False
        if self.ratio is not None and self.amounts is not None:
            hop_amounts = [self.amounts[e] for e in edges]
            if max(hop_amounts) > self.ratio * min(hop_amounts):
                return False
        return True

    def _extend(self, start: int, path: list[int], edges: list[int], on_path: set[int]) -> bool:
        """Grow `path`; False when a bound stopped the search."""
        result = self.result
        for target, edge in self.out_edges[path[-1]]:
            result.steps += 1
            if result.steps > self.max_steps:
                return False
            if edge in edges:
                continue  # undirected: do not walk straight back along the same edge
            taken = [*edges, edge]
            if target == start:
                if len(path) < self.min_length or not self._admissible(taken, closing=True):
                    continue
                key = tuple(path)
                if not self.directed and path[1] > path[-1]:
                    continue  # the same cycle walked the other way round
                if key in self.seen:
                    continue
                self.seen.add(key)
                result.cycles.append(Cycle(vertices=list(path), edges=taken))
                if len(result.cycles) >= self.max_cycles:
                    return False
                continue
            hops_back = self.back.get(target)
            # Only step where the loop can still close within max_length hops.
            if hops_back is None or hops_back > self.max_length - len(path) or target in on_path:
                continue
            if not self._admissible(taken, closing=False):
                continue
            on_path.add(target)
            path.append(target)
            finished = self._extend(start, path, taken, on_path)
            path.pop()
            on_path.discard(target)
            if not finished:
                return False
        return True
