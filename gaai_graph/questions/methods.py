"""Which method a reading implies when the wording names none, and how hints are ordered."""

from __future__ import annotations

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
        return ["pagerank", "degree"]
    if intent == "collectors":
        return ["strength", "in_degree"] if weighted else ["in_degree", "strength"]
    if intent == "distributors":
        return ["strength", "out_degree"] if weighted else ["out_degree", "strength"]
    if intent == "paths":
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


def ordered_methods(named: list[str], reading: IntentReading) -> list[str]:
    """Named methods (refined ones first), then the defaults of the reading."""
    ordered = list(named)
    for generic, specific in REFINEMENTS.items():
        if generic in ordered and any(m in ordered for m in specific):
            ordered.remove(generic)
            ordered.append(generic)
    return list(dict.fromkeys([*ordered, *default_methods(reading)]))
