"""Parameter checks and small graph helpers shared by the computation modules."""

from __future__ import annotations

import math
from collections.abc import Sequence
from numbers import Integral, Real
from typing import Any, Literal

import igraph as ig

from gaai_graph.errors import TemplateValidationError

# One lock for every seeded igraph run in the process, shared with the method modules.
from gaai_graph.methods.local_tools import seeded_igraph

__all__ = [
    "Mode",
    "Weights",
    "check_choice",
    "check_mode",
    "check_number",
    "check_positive_int",
    "edge_weights",
    "seeded_igraph",
    "undirected_simple",
    "vertex_index",
    "vertex_indices",
]

Mode = Literal["out", "in", "all"]
Weights = str | Sequence[float] | None
"""None (every edge counts 1), a numeric edge attribute name, or one number per edge."""

_MODES = ("out", "in", "all")


def check_choice(value: Any, name: str, choices: Sequence[str]) -> str:
    """`value` if it is one of `choices`, else a one-line error naming the allowed values."""
    if value not in choices:
        allowed = ", ".join(repr(choice) for choice in choices)
        raise TemplateValidationError(f"{name} must be one of {allowed}, not {value!r}")
    return str(value)


def check_mode(mode: Any, name: str = "mode") -> Mode:
    """A valid edge-direction mode: "out", "in" or "all"."""
    return check_choice(mode, name, _MODES)  # type: ignore[return-value]


def check_positive_int(value: Any, name: str, *, minimum: int = 1) -> int:
    """`value` as an int when it is an integer of at least `minimum`."""
    if isinstance(value, bool) or not isinstance(value, Integral) or int(value) < minimum:
        raise TemplateValidationError(
            f"{name} must be a whole number of at least {minimum}, not {value!r}"
        )
    return int(value)


def check_number(
    value: Any,
    name: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    exclusive_minimum: bool = False,
) -> float:
    """`value` as a finite float within the given bounds."""
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise TemplateValidationError(f"{name} must be a finite number, not {value!r}")
    number = float(value)
    if minimum is not None and (number <= minimum if exclusive_minimum else number < minimum):
        bound = "greater than" if exclusive_minimum else "at least"
        raise TemplateValidationError(f"{name} must be {bound} {minimum}, not {number}")
    if maximum is not None and number > maximum:
        raise TemplateValidationError(f"{name} must be at most {maximum}, not {number}")
    return number


def edge_weights(
    graph: ig.Graph, weights: Weights, *, allow_negative: bool = False
) -> list[float] | None:
    """The edge weights as one finite float per edge, or None for "every edge counts 1".

    Args:
        graph: The graph the weights belong to.
        weights: None, the name of an edge attribute, or one number per edge.
        allow_negative: Whether negative weights make sense for the computation.

    Raises:
        TemplateValidationError: unknown attribute, wrong length, a value that is not a
            finite number, or a negative value where none is allowed.
    """
    if weights is None:
        return None
    if isinstance(weights, str):
        if weights not in graph.es.attributes():
            known = ", ".join(sorted(graph.es.attributes())) or "none"
            raise TemplateValidationError(
                f"weight attribute {weights!r} is not an edge attribute (edge attributes: {known})"
            )
        values: Sequence[Any] = graph.es[weights]
        label = f"weight attribute {weights!r}"
    else:
        values = list(weights)
        label = "weights"
        if len(values) != graph.ecount():
            raise TemplateValidationError(
                f"weights must give one number per edge: got {len(values)} for "
                f"{graph.ecount()} edges"
            )
    checked = []
    for index, value in enumerate(values):
        if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
            raise TemplateValidationError(
                f"{label} must hold finite numbers; edge {index} has {value!r} "
                "(fill or drop such edges first)"
            )
        if value < 0 and not allow_negative:
            raise TemplateValidationError(
                f"{label} must not be negative; edge {index} has {value} "
                "(use distances or costs that are zero or more)"
            )
        checked.append(float(value))
    return checked


def vertex_index(graph: ig.Graph, vertex: Any, name: str) -> int:
    """`vertex` as a valid vertex index of `graph`."""
    if isinstance(vertex, bool) or not isinstance(vertex, Integral):
        raise TemplateValidationError(f"{name} must be a vertex index, not {vertex!r}")
    if not 0 <= int(vertex) < graph.vcount():
        raise TemplateValidationError(
            f"{name} {vertex} is not a vertex: the graph has vertices 0..{graph.vcount() - 1}"
            if graph.vcount()
            else f"{name} {vertex} is not a vertex: the graph has no vertices"
        )
    return int(vertex)


def vertex_indices(
    graph: ig.Graph, vertices: Sequence[Any] | None, name: str, *, allow_empty: bool = False
) -> list[int]:
    """Distinct valid vertex indices, in the order given (first occurrence kept)."""
    if vertices is None or isinstance(vertices, str | bytes):
        raise TemplateValidationError(f"{name} must be a list of vertex indices, not {vertices!r}")
    indices = list(dict.fromkeys(vertex_index(graph, vertex, name) for vertex in vertices))
    if not indices and not allow_empty:
        raise TemplateValidationError(f"{name} must name at least one vertex")
    return indices


def undirected_simple(graph: ig.Graph, weights: list[float] | None = None) -> ig.Graph:
    """The graph without direction, parallel edges or self-loops.

    With weights, the result carries a "weight" edge attribute: parallel edges (and the two
    directions of a reciprocal pair) are merged by summing their weights.
    """
    simple = graph.copy()
    if weights is not None:
        simple.es["weight"] = weights
    combine = "sum" if weights is not None else "ignore"
    if simple.is_directed():
        simple.to_undirected(mode="collapse", combine_edges=combine)
    simple.simplify(multiple=True, loops=True, combine_edges=combine)
    return simple
