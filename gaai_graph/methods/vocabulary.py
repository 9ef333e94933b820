"""The shared vocabulary of question intents and method names.

Question reading maps a question to one or more *intents* (what is asked of the graph); a method
family answers an intent with one of its *methods* (how it is computed). The evaluation harness
labels its question corpus with these names, so they are a contract: add names, never rename one.
"""

from __future__ import annotations

from typing import Final, Literal

QuestionIntent = Literal[
    "importance",
    "communities",
    "brokers",
    "collectors",
    "distributors",
    "cycles",
    "shared_identifiers",
    "dependencies",
    "similarity",
    "link_prediction",
    "paths",
    "connectivity",
    "cohesion",
    "change",
    "colouring",
    "profile",
]
"""What a question asks of the graph, independent of the method that answers it."""

INTENT_DESCRIPTIONS: Final[dict[str, str]] = {
    "importance": "Who matters most: influence, key players, central or leading entities.",
    "communities": "Which groups, circles, factions, clusters or camps the entities form.",
    "brokers": "Who bridges or brokers between otherwise separate parts of the graph.",
    "collectors": "Entities receiving from many others (in-degree or in-strength).",
    "distributors": "Entities sending to many others (out-degree or out-strength).",
    "cycles": "Loops, round-tripping and circular flows of a few hops.",
    "shared_identifiers": "Entities linked through a shared identifier (device, email, address).",
    "dependencies": "Single points of failure, sole sources and what depends on them.",
    "similarity": "Which entities are alike (shared neighbours or attributes).",
    "link_prediction": "Which missing links are likely (who will connect next).",
    "paths": "Routes, distances, nearest entities and reachability between named entities.",
    "connectivity": "Whether the graph holds together: components, cut points, splits.",
    "cohesion": "Dense cores, triangles, clustering and how tightly knit the graph is.",
    "change": "What changed between two runs over the same graph.",
    "colouring": "Colouring and independent sets: entities that can be scheduled together.",
    "profile": "A general profile of the graph when no narrower intent is recognised.",
}

METHOD_NAMES: Final[tuple[str, ...]] = (
    # centrality
    "degree",
    "in_degree",
    "out_degree",
    "strength",
    "pagerank",
    "personalized_pagerank",
    "articlerank",
    "eigenvector",
    "hits",
    "closeness",
    "harmonic",
    "betweenness",
    # communities and cohesion
    "louvain",
    "leiden",
    "label_propagation",
    "kcore",
    "triangles",
    "clustering",
    "modularity",
    "conductance",
    "attribute_partition",
    # connectivity
    "wcc",
    "scc",
    "is_connected",
    "articulation_points",
    "bridges",
    "removal_impact",
    # dependencies and cycles
    "sole_dependency",
    "short_cycles",
    "shared_identifiers",
    # paths
    "shortest_path",
    "k_shortest_paths",
    "all_shortest_paths",
    "single_source_distances",
    "k_nearest",
    "reachability",
    "eccentricity",
    "diameter",
    "minimum_spanning_tree",
    "steiner_tree",
    # similarity and links
    "jaccard",
    "overlap",
    "cosine",
    "attribute_knn",
    "common_neighbors",
    "adamic_adar",
    "preferential_attachment",
    # colouring
    "greedy_colouring",
    "maximal_independent_set",
    # preparation
    "bipartite_projection",
)
"""Method names the registry may declare; the eval corpus names expected methods with these."""
