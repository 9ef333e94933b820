"""Which method a reading implies when the wording names none, and how hints are ordered."""

from __future__ import annotations

from gaai_graph.questions.catalogue import INTENT_METHODS
from gaai_graph.questions.models import IntentReading

__all__ = ["REFINEMENTS", "default_methods", "ordered_methods"]

REFINEMENTS: dict[str, tuple[str, ...]] = {
    "shortest_path": ("k_shortest_paths", "all_shortest_paths", "minimum_spanning_tree"),
    "closeness": ("harmonic",),
    "is_connected": ("wcc", "scc", "articulation_points", "bridges", "removal_impact"),
    "degree": ("in_degree", "out_degree", "strength"),
}
"""A generic method and the more specific ones that replace it at the front when also named
("the cheapest route and the next best alternatives" is k shortest paths)."""


def default_methods(reading: IntentReading) -> list[str]:
    """The methods that answer `reading` by default, best first.

    Args:
        reading: A detailed intent reading.

    Returns:
        METHOD_NAMES entries (empty for "change", which compares runs, not a method).
    """
    intent, kind = reading.intent, reading.value_kind
    weighted = reading.weight_attribute is not None
    removed = any(e.role == "removed" for e in reading.entities)
    if intent == "importance":
        if kind == "list" and any(e.role == "focus" for e in reading.entities):
            # "who matters most to X": importance seen from the named entities
            return ["personalized_pagerank", "pagerank"]
        if reading.direction == "in":
            return ["strength" if weighted else "in_degree", "pagerank"]
        if reading.direction == "out":
            return ["strength" if weighted else "out_degree"]
        # "the most talk time", "heaviest by amount": the total of the weight is the answer.
        return ["strength", "pagerank"] if weighted else ["pagerank", "degree"]
    if intent == "collectors":
        return ["strength", "in_degree"] if weighted else ["in_degree", "strength"]
    if intent == "distributors":
        return ["strength", "out_degree"] if weighted else ["out_degree", "strength"]
    if intent == "paths":
        if reading.max_distance is not None:
            return ["reachability"]
        if kind == "nearest":
            return ["k_nearest", "single_source_distances"]
        if reading.hops is not None:
            return ["reachability"]
        if kind == "route" or len(reading.entities) >= 2:
            return ["shortest_path"]
        return ["single_source_distances", "shortest_path"]
    if intent == "connectivity":
        if removed:
            return ["removal_impact", "articulation_points"]
        if kind == "yes_no":
            return ["is_connected", "wcc"]
        return ["wcc", "articulation_points"]
    if intent == "dependencies":
        return ["removal_impact", "sole_dependency"] if removed else ["sole_dependency"]
    if intent == "similarity":
        return ["attribute_knn", "jaccard"] if reading.attributes else ["jaccard", "overlap"]
    if intent == "communities":
        # Leiden: the registry's communities default, well-connected communities and much
        # faster than Louvain on large graphs (DESIGN.md §7); Louvain when named
        return ["attribute_partition", "leiden"] if reading.attributes else ["leiden"]
    return list(_PLAIN_DEFAULTS.get(intent, ()))


_PLAIN_DEFAULTS: dict[str, tuple[str, ...]] = {
    "brokers": ("betweenness",),
    "cycles": ("short_cycles",),
    "shared_identifiers": ("shared_identifiers",),
    "link_prediction": ("adamic_adar", "common_neighbors"),
    "cohesion": ("kcore", "clustering"),
    "colouring": ("greedy_colouring",),
    "profile": ("pagerank", "leiden", "wcc"),
}


_ONE_PLACE = ("single_source_distances", "k_nearest", "reachability", "eccentricity")
"""Path methods about one named place; a question naming both ends of a route asks for more."""


def ordered_methods(named: list[str], reading: IntentReading) -> list[str]:
    """Named methods (refined ones first), then the defaults of the reading.

    The reading's structure settles what the words alone leave open: a distance between two
    named places is the length of the route between them, "the 3 best routes" are k shortest
    paths, a bound in km or minutes is reach within that distance, and what a named closure
    cuts off is its removal impact.
    """
    ordered = list(named)
    for generic, specific in REFINEMENTS.items():
        if generic in ordered and any(m in ordered for m in specific):
            ordered.remove(generic)
            ordered.append(generic)
    ordered = list(dict.fromkeys([*ordered, *default_methods(reading)]))
    roles = {e.role for e in reading.entities}
    if reading.intent == "paths":
        # another intent's wording ("lie on the shortest route" -> betweenness) does not
        # answer a route question: the route methods go first
        own = INTENT_METHODS["paths"]
        ordered = [m for m in ordered if m in own] + [m for m in ordered if m not in own]
    if reading.intent == "paths" and {"source", "target"} <= roles:
        ordered = [m for m in ordered if m not in _ONE_PLACE] + [
            m for m in ordered if m in _ONE_PLACE
        ]
        if reading.k is not None and reading.k >= 2 and ordered[:1] == ["shortest_path"]:
            ordered.insert(0, "k_shortest_paths")
    bounded = reading.hops is not None or reading.max_distance is not None
    if (
        reading.intent == "paths"
        and reading.k is not None
        and len(reading.entities) == 1
        and not bounded
    ):
        # "the 3 stations reached quickest from X", "how far are the 4 nearest to X"
        ordered = ["k_nearest", *(m for m in ordered if m != "k_nearest")]
    if reading.intent == "paths" and len(reading.entities) >= 3:
        # three or more named places to join: the cheapest tree over them (Steiner)
        ordered = ["steiner_tree", *(m for m in ordered if m != "steiner_tree")]
    if reading.intent == "paths" and reading.max_distance is not None:
        ordered = ["reachability", *(m for m in ordered if m != "reachability")]
    if "removed" in roles and "removal_impact" in ordered:
        ordered = ["removal_impact", *(m for m in ordered if m != "removal_impact")]
    return list(dict.fromkeys(ordered))
