"""Projections for methods chosen from a question: the relation the data needs, no more.

Methods with a projection rule of their own (`Method.design`) use it. For the others the
projection follows the method's data needs and the question:

* **edges** — the edge collections the question names, when they touch the focus; else the
  focus's own relation (edges from the focus to the focus: transfers between accounts, links
  between stations), the largest one only, since edge collections with different meanings are
  kept apart unless the question joins them. For dependencies and shared identifiers, the
  edges between the focus and its second side come first (`UseCase.linked_collections`:
  "products that orders depend on", the devices customers share); for dependencies without
  one, the chain of core edges two steps around the focus (supplier → part → product). Else
  the core edges touching the focus.
* **direction** — kept when the method needs it (in/out degree, cycles, sole dependency) or
  the question asks for a direction; otherwise dropped, so a relation stored one way (a rail
  link, a friendship) counts both ways.
* **attributes** — the weight, amount, time, category or flag attributes its parameters name
  travel with the projection to the engine.
"""

from __future__ import annotations

from typing import Any

from gaai_graph.methods.base import Method, NoProjectionError, Plan
from gaai_graph.methods.topology import SchemaTopology
from gaai_graph.models import GraphProjection, UseCase
from gaai_graph.words import join_names

__all__ = [
    "EDGE_ATTRIBUTE_PARAMETERS",
    "VERTEX_ATTRIBUTE_PARAMETERS",
    "plan_for_method",
    "with_attributes",
]

EDGE_ATTRIBUTE_PARAMETERS = ("weight_attribute", "amount_attribute", "time_attribute")
"""Parameters naming an edge attribute the engine must receive."""
VERTEX_ATTRIBUTE_PARAMETERS = ("attribute", "critical_attribute", "x_attribute", "y_attribute")
"""Parameters naming a vertex attribute the engine must receive."""


def _edges_for(
    method: Method, use_case: UseCase, topology: SchemaTopology
) -> tuple[list[str], str]:
    focus = use_case.focus_collections
    named = [
        e
        for e in use_case.edge_collections
        if e in topology.ends and topology.endpoints(e) & set(focus)
    ]
    if named:
        return named, f"{join_names(named)}, the relation the question names"
    if _LINKED_INTENTS & set(method.intents) and use_case.linked_collections:
        between = [
            e
            for e in topology.ends
            if topology.endpoints(e) & set(focus)
            and topology.endpoints(e) & set(use_case.linked_collections)
        ]
        if between:
            what = (
                "what the question says depends on them"
                if "dependencies" in method.intents
                else "what they share"
            )
            return between, (
                f"{join_names(between)}, between {join_names(focus)} and {what} "
                f"({join_names(use_case.linked_collections)})"
            )
    own = [e for f in focus for e in topology.self_edges(f)]
    if own:
        largest = max(own, key=topology.count)
        kept = (
            f" ({join_names([e for e in own if e != largest])} kept apart)" if len(own) > 1 else ""
        )
        return [largest], f"{largest}, the direct relation between {join_names(focus)}{kept}"
    if "dependencies" in method.intents:
        _, edges = topology.neighbourhood(focus, hops=2)
        if edges:
            return edges, f"the chain of {join_names(edges)} around {join_names(focus)}"
    edges = list(
        dict.fromkeys(e for f in focus for e in topology.edges_touching(f, core_only=True))
    )
    return edges, f"{join_names(edges)}, the core relations of {join_names(focus)}"


_LINKED_INTENTS = frozenset({"dependencies", "shared_identifiers"})
"""Intents whose use cases name a second side (`UseCase.linked_collections`): what depends on
the focus, or the identifiers the focus shares; the projection is the edges between them."""


def plan_for_method(method: Method, use_case: UseCase, topology: SchemaTopology) -> Plan:
    """The projection and parameters of `method` for `use_case` (a method without a rule).

    Raises:
        NoProjectionError: no edge collection connects the focus.
    """
    if not use_case.focus_collections:
        raise NoProjectionError("the question names no collection the graph has")
    edges, what = _edges_for(method, use_case, topology)
    if not edges:
        raise NoProjectionError(
            f"no edge collection touches {join_names(use_case.focus_collections)}"
        )
    vertices = list(
        dict.fromkeys(
            v for e in edges for side in topology.ends[e] for v in side if topology.is_vertex(v)
        )
    )
    # Direction is kept when the method reads it, or when the question asks for a direction
    # ("who receives from many"); otherwise a relation counts both ways (a rail link, a
    # friendship), whichever way its edges happen to be stored.
    asked = any(use_case.parameters.get(p) in ("in", "out") for p in ("mode", "direction"))
    directed = method.needs.direction == "directed" or (
        method.needs.direction == "either" and asked
    )
    how = "directed" if directed else "undirected"
    why = f"{method.long_name[:1].upper()}{method.long_name[1:]} on {what} ({how})."
    parameters = {k: v for k, v in use_case.parameters.items() if method.parameter(k) is not None}
    parameters.update(_provision_direction(method, edges, use_case, topology, parameters))
    found = _edge_measures(method, edges, topology, parameters)
    if found:
        parameters.update(found)
        said = [f"{_ROLE_WORDS[role]} from {name!r}" for role, name in found.items()]
        why += f" Edge {join_names(said)}, as the data has them."
    return Plan(method.name, vertices, edges, directed, parameters, why)


def _provision_direction(
    method: Method,
    edges: list[str],
    use_case: UseCase,
    topology: SchemaTopology,
    parameters: dict[str, Any],
) -> dict[str, str]:
    """Which way provision edges point, when the question says what depends on the focus.

    "Products that orders depend on" over `contains` (orders -> products): the edges run from
    the dependents to the providers the question asks about.
    """
    spec = method.parameter("direction")
    dependents = set(use_case.linked_collections)
    if spec is None or "direction" in parameters or not dependents:
        return {}
    if "dependent_to_provider" not in spec.choices:
        return {}
    focus = set(use_case.focus_collections)
    ends = [topology.ends[e] for e in edges if e in topology.ends]
    if ends and all(set(s) <= dependents and set(t) <= focus for s, t in ends):
        return {"direction": "dependent_to_provider"}
    return {}


_TIME_WORDS = ("timestamp", "time", "date", "datetime", "when", "day")
"""Words naming a moment (an edge's time), so loops can be judged by how fast they close."""
_AMOUNT_WORDS = ("amount", "value", "sum", "total", "volume", "quantity", "qty", "money", "price")
"""Words naming how much moved along an edge, so loops can be judged by similar amounts."""
_MOSTLY_PRESENT = 0.9
_ROLE_WORDS = {"amount_attribute": "amounts", "time_attribute": "times"}


def _edge_measures(
    method: Method, edges: list[str], topology: SchemaTopology, parameters: dict[str, Any]
) -> dict[str, str]:
    """The amount and time attributes the edges carry, for a method that can use them.

    Only parameters the method declares and the question left unset are filled: an attribute
    present on most sampled edges whose name is a time word (numbers or ISO strings) or an
    amount word (numbers). Loops are then judged by how alike their amounts and how close in
    time their hops are, against the graph's own edges.
    """
    wanted = [
        role
        for role in ("amount_attribute", "time_attribute")
        if method.parameter(role) is not None and not parameters.get(role)
    ]
    if not wanted:
        return {}
    found: dict[str, str] = {}
    profiles = {c.name: c for c in topology.schema.collections}
    for edge in edges:
        profile = profiles.get(edge)
        for attribute in profile.attributes if profile is not None else []:
            if attribute.presence < _MOSTLY_PRESENT or not attribute.types:
                continue
            words = attribute.name.lower().replace("-", "_").split("_")
            kind = attribute.types[0]
            if (
                "time_attribute" in wanted
                and kind in ("number", "string")
                and (any(w in _TIME_WORDS for w in words) or words[-1] in ("at", "on"))
            ):
                found.setdefault("time_attribute", attribute.name)
            elif (
                "amount_attribute" in wanted
                and kind == "number"
                and set(words) & set(_AMOUNT_WORDS)
            ):
                found.setdefault("amount_attribute", attribute.name)
    return found


def with_attributes(projection: GraphProjection, parameters: dict[str, Any]) -> GraphProjection:
    """The projection carrying the attributes the parameters name."""
    edge = [str(parameters[p]) for p in EDGE_ATTRIBUTE_PARAMETERS if parameters.get(p)]
    vertex = [str(parameters[p]) for p in VERTEX_ATTRIBUTE_PARAMETERS if parameters.get(p)]
    names = parameters.get("attributes")
    if isinstance(names, str) and names:
        vertex.extend(part.strip() for part in names.split(",") if part.strip())
    if not edge and not vertex:
        return projection
    return projection.model_copy(
        update={
            "edge_attributes": list(dict.fromkeys([*projection.edge_attributes, *edge])),
            "vertex_attributes": list(dict.fromkeys([*projection.vertex_attributes, *vertex])),
        }
    )
