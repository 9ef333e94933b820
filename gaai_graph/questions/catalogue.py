"""The catalogue of intents and methods an LLM chooses from, the same the rule path reads into."""

from __future__ import annotations

from dataclasses import dataclass

from gaai_graph.methods.vocabulary import INTENT_DESCRIPTIONS, METHOD_NAMES, QuestionIntent

__all__ = ["INTENT_METHODS", "IntentEntry", "intent_catalogue", "intent_catalogue_text"]

INTENT_METHODS: dict[str, tuple[str, ...]] = {
    "importance": (
        "pagerank", "personalized_pagerank", "degree", "in_degree", "out_degree", "strength",
        "eigenvector", "articlerank", "hits", "closeness", "harmonic", "betweenness",
    ),
    "communities": (
        "leiden", "louvain", "label_propagation", "modularity", "conductance",
        "attribute_partition", "bipartite_projection",
    ),
    "brokers": ("betweenness", "articulation_points", "bridges"),
    "collectors": ("in_degree", "strength"),
    "distributors": ("out_degree", "strength"),
    "cycles": ("short_cycles", "scc"),
    "shared_identifiers": ("shared_identifiers", "bipartite_projection"),
    "dependencies": ("sole_dependency", "removal_impact", "articulation_points"),
    "similarity": ("jaccard", "overlap", "cosine", "attribute_knn"),
    "link_prediction": ("adamic_adar", "common_neighbors", "preferential_attachment"),
    "paths": (
        "shortest_path", "k_shortest_paths", "all_shortest_paths", "single_source_distances",
        "k_nearest", "reachability", "eccentricity", "diameter", "minimum_spanning_tree",
        "steiner_tree",
    ),
    "connectivity": (
        "wcc", "scc", "is_connected", "articulation_points", "bridges", "removal_impact",
    ),
    "cohesion": ("kcore", "triangles", "clustering"),
    "change": (),
    "colouring": ("greedy_colouring", "maximal_independent_set"),
    "profile": ("pagerank", "leiden", "wcc"),
}  # fmt: skip
"""Methods that answer each intent, the usual one first (all are METHOD_NAMES entries)."""

_EXAMPLES: dict[str, str] = {
    "importance": "who are the key players?",
    "communities": "which groups belong together, and who leads each?",
    "brokers": "who are the go-betweens linking the camps?",
    "collectors": "which accounts receive money from many sources?",
    "distributors": "who sends payments to many accounts?",
    "cycles": "is money coming back to where it started?",
    "shared_identifiers": "which customers share a phone or device?",
    "dependencies": "which parts have a single supplier; what breaks if it fails?",
    "similarity": "which stations are most alike?",
    "link_prediction": "which links are likely to form next?",
    "paths": "the cheapest route from A to B, and the five stations nearest to A",
    "connectivity": "can every station reach every other? which closures cut it in two?",
    "cohesion": "is there a tightly knit core?",
    "change": "what changed since the last run?",
    "colouring": "how can these be scheduled without conflicts?",
    "profile": "tell me about this graph",
}


@dataclass(frozen=True)
class IntentEntry:
    """One intent as offered to a model."""

    intent: QuestionIntent
    description: str
    methods: tuple[str, ...]
    example: str


def intent_catalogue() -> list[IntentEntry]:
    """Every intent with its description, the methods that answer it and an example question."""
    entries = []
    for intent, description in INTENT_DESCRIPTIONS.items():
        methods = tuple(m for m in INTENT_METHODS.get(intent, ()) if m in METHOD_NAMES)
        entries.append(
            IntentEntry(intent, description, methods, _EXAMPLES.get(intent, ""))  # type: ignore[arg-type]
        )
    return entries


def intent_catalogue_text() -> str:
    """The catalogue as prompt text: one line per intent, then the value kinds."""
    lines = [
        f"- {e.intent}: {e.description} Methods: {', '.join(e.methods) or 'none'}. "
        f'Example: "{e.example}"'
        for e in intent_catalogue()
    ]
    lines.append(
        "Answer kinds: score (a value or the scores of named entities), count, yes_no, route, "
        "nearest (the k nearest to a named entity), list (ranking or groups)."
    )
    return "\n".join(lines)
