"""A transport-style network and questions whose expected answers NetworkX computes.

The network: about nine lines of 20-32 stations each, laid out on a plane and heading roughly
through a city centre, so they cross and share interchange stations; plus a four-station
shuttle that is not connected to the rest. Links carry `distance_km`; stations carry names,
`lat`/`lon` and a `zone`. Travel goes both ways, so expected values use the undirected graph.

Every question names the METHOD_NAMES entries that answer it and a check of the stated value
(`check` kind plus expected data); conventions that are equally valid (hops or kilometres,
normalised or raw) are all listed, and a value matching any of them counts as right.
"""

from __future__ import annotations

import math
import random
from itertools import islice, pairwise
from typing import Any

import networkx as nx

from gaai_eval import names
from gaai_eval.cases import Benchmark
from gaai_eval.snapshots import SnapshotBuilder

MERGE_KM = 1.1
"""A new line's stop within this distance of an existing station reuses that station."""


def _layout(rng: random.Random) -> tuple[list[tuple[float, float]], list[list[int]]]:
    points: list[tuple[float, float]] = []
    lines: list[list[int]] = []
    for line in range(9):
        angle = 2 * math.pi * line / 9 + rng.uniform(-0.2, 0.2)
        x, y = 50 + 32 * math.cos(angle), 50 + 32 * math.sin(angle)
        heading = angle + math.pi + rng.uniform(-0.35, 0.35)
        stops: list[int] = []
        for _ in range(rng.randint(20, 32)):
            nearest = min(
                range(len(points)),
                key=lambda i: math.dist(points[i], (x, y)),
                default=None,
            )
            if nearest is not None and math.dist(points[nearest], (x, y)) < MERGE_KM:
                index = nearest
            else:
                points.append((x, y))
                index = len(points) - 1
            if not stops or stops[-1] != index:
                stops.append(index)
            step = rng.uniform(1.2, 3.0)
            heading += rng.uniform(-0.12, 0.12)
            x, y = x + step * math.cos(heading), y + step * math.sin(heading)
        lines.append(stops)
    shuttle_start = len(points)
    for offset in range(4):
        points.append((110 + 1.5 * offset, 95 + 0.4 * offset))
    lines.append(list(range(shuttle_start, shuttle_start + 4)))
    return points, lines


def build(seed: int = 2101) -> tuple[Benchmark, nx.Graph, dict[str, str]]:
    """Return the transport benchmark, its undirected NetworkX graph and station names by id."""
    rng = random.Random(seed)
    points, lines = _layout(rng)
    station_names = names.places(rng, len(points))
    station_names[rng.randrange(len(points) - 4)] = "St. Mary's Cross"
    snapshot = SnapshotBuilder()
    ids = []
    for index, (x, y) in enumerate(points):
        ids.append(
            snapshot.vertex(
                "stations",
                f"st{index:03d}",
                name=station_names[index],
                lat=round(51.30 + y / 111.0, 6),
                lon=round(-0.60 + x / 69.5, 6),
                zone=1 + min(5, int(math.dist((x, y), (50, 50)) // 7)),
            )
        )
    graph = nx.Graph()
    graph.add_nodes_from(ids)
    for line_number, stops in enumerate(lines, start=1):
        for a, b in pairwise(stops):
            u, v = ids[a], ids[b]
            if graph.has_edge(u, v):
                continue
            distance = round(math.dist(points[a], points[b]) * rng.uniform(1.0, 1.15), 3)
            graph.add_edge(u, v, distance_km=distance)
            snapshot.edge("links", u, v, distance_km=distance, line=f"L{line_number}")
    _join_stray_components(graph, snapshot, points, ids)
    benchmark = Benchmark(
        name="transport",
        domain="transport",
        description=f"{graph.number_of_nodes()} stations (9 crossing lines and a detached "
        f"4-station shuttle), {graph.number_of_edges()} links with `distance_km`; stations have "
        "names, lat/lon and zones.",
        citation="Synthetic, seeded (gaai_eval.transport.build, seed 2101).",
        snapshot=snapshot,
    )
    return benchmark, graph, {station: station_names[i] for i, station in enumerate(ids)}


def _join_stray_components(
    graph: nx.Graph, snapshot: SnapshotBuilder, points: list[tuple[float, float]], ids: list[str]
) -> None:
    """Link every component but the largest and the shuttle to its nearest other station."""
    position = {station: points[i] for i, station in enumerate(ids)}
    shuttle = set(ids[-4:])
    while True:
        parts = sorted(nx.connected_components(graph), key=len, reverse=True)
        strays = [part for part in parts[1:] if not part & shuttle]
        if not strays:
            return
        part = strays[0]
        others = [s for s in graph if s not in part and s not in shuttle]
        u, v = min(
            ((a, b) for a in sorted(part) for b in others),
            key=lambda pair: math.dist(position[pair[0]], position[pair[1]]),
        )
        distance = round(math.dist(position[u], position[v]), 3)
        graph.add_edge(u, v, distance_km=distance)
        snapshot.edge("links", u, v, distance_km=distance, line="connector")


# --------------------------------------------------------------------------- questions


def _question(
    qid: str, text: str, methods: list[str], intent: str, check: str, expected: Any
) -> dict[str, Any]:
    return {
        "id": qid,
        "graph": "transport",
        "domain": "transport",
        "text": text,
        "intents": [intent],
        "methods": methods,
        "check": check,
        "expected": expected,
    }


def _scores(values: dict[str, float], nodes: list[str]) -> dict[str, float]:
    return {node: round(float(values[node]), 9) for node in nodes}


def questions(
    graph: nx.Graph, station_names: dict[str, str], seed: int = 2102
) -> list[dict[str, Any]]:
    """Return the transport questions with expected methods and values from NetworkX."""
    rng = random.Random(seed)
    main = max(nx.connected_components(graph), key=len)
    core = graph.subgraph(main)
    stations = sorted(main)
    name = station_names.__getitem__
    km = "distance_km"
    out: list[dict[str, Any]] = []

    def add(text: str, methods: list[str], intent: str, check: str, expected: Any) -> None:
        out.append(_question(f"t-{len(out) + 1:03d}", text, methods, intent, check, expected))

    # connectivity
    connected = nx.is_connected(graph)
    for text in (
        "Can I travel between every pair of stations?",
        "Is the whole network connected?",
        "is every station reachable from every other one",
    ):
        add(text, ["is_connected", "wcc"], "connectivity", "bool", connected)
    pieces = nx.number_connected_components(graph)
    for text in (
        "How many weakly connected components are there?",
        "how many separate pieces does the network fall into",
        "Into how many disconnected parts is the rail network split?",
    ):
        add(text, ["wcc", "is_connected"], "connectivity", "number", [pieces])

    # nearest k
    for (k, template), source in zip(
        [
            (5, "Which five stations are nearest to {x}?"),
            (3, "list the 3 closest stations to {x} by track distance"),
            (4, "What are the four stations closest to {x}?"),
            (5, "nearest 5 stops from {x} please"),
            (3, "Which three stations can I reach from {x} in the shortest distance?"),
            (6, "give me the 6 nearest stations to {x}"),
        ],
        rng.sample(stations, 6),
        strict=True,
    ):
        distances = nx.single_source_dijkstra_path_length(core, source, weight=km)
        ranked = sorted((d, s) for s, d in distances.items() if s != source)
        kth = ranked[k - 1][0]
        within = [s for d, s in ranked if d <= kth + 1e-9]
        add(
            template.format(x=name(source)),
            ["k_nearest", "single_source_distances"],
            "paths",
            "nearest",
            {"source": source, "k": k, "within": within},
        )

    # routes
    pairs = [tuple(rng.sample(stations, 2)) for _ in range(8)]
    for (a, b), template in zip(
        pairs[:6],
        [
            "What is the shortest route from {a} to {b}?",
            "cheapest way to get from {a} to {b} in km",
            "Show the quickest path between {a} and {b}.",
            "how do i go from {a} to {b} with least distance",
            "Route from {a} to {b}, shortest by track length?",
            "Which way should I travel from {a} to {b} to cover the fewest kilometres?",
        ],
        strict=True,
    ):
        length = nx.dijkstra_path_length(core, a, b, weight=km)
        add(
            template.format(a=name(a), b=name(b)),
            ["shortest_path"],
            "paths",
            "route",
            {"source": a, "target": b, "lengths": [round(length, 6)]},
        )
    for (a, b), template in zip(
        pairs[6:] + pairs[:2],
        [
            "What is the smallest number of stops between {a} and {b}?",
            "fewest stations to pass through going from {a} to {b}?",
            "From {a} to {b}: how many hops at least?",
            "Minimum number of links to ride between {a} and {b}?",
        ],
        strict=True,
    ):
        count = nx.shortest_path_length(core, a, b)
        add(
            template.format(a=name(a), b=name(b)),
            ["shortest_path", "all_shortest_paths"],
            "paths",
            "route",
            {"source": a, "target": b, "lengths": [count]},
        )
    for (a, b), template in zip(
        pairs[2:6],
        [
            "The cheapest route from {a} to {b}, and the next best alternatives?",
            "give me the 3 shortest routes between {a} and {b}",
            "What are the best three alternative routes from {a} to {b} by distance?",
            "top 3 routes {a} -> {b}",
        ],
        strict=True,
    ):
        lengths = [
            round(nx.path_weight(core, path, km), 6)
            for path in islice(nx.shortest_simple_paths(core, a, b, weight=km), 3)
        ]
        add(
            template.format(a=name(a), b=name(b)),
            ["k_shortest_paths"],
            "paths",
            "routes",
            {"source": a, "target": b, "lengths": lengths},
        )
    for (a, b), template in zip(
        pairs[4:8],
        [
            "How far is {a} from {b} by track?",
            "distance in km between {a} and {b}?",
            "What's the travel distance from {a} to {b}?",
            "How many kilometres separate {a} and {b} on the network?",
        ],
        strict=True,
    ):
        add(
            template.format(a=name(a), b=name(b)),
            ["shortest_path", "single_source_distances"],
            "paths",
            "number",
            [round(nx.dijkstra_path_length(core, a, b, weight=km), 6)],
        )
    multi = [
        (a, b)
        for a, b in (tuple(rng.sample(stations, 2)) for _ in range(400))
        if len(list(islice(nx.all_shortest_paths(core, a, b), 2))) == 2
    ][:2]
    for (a, b), template in zip(
        multi,
        [
            "List all the shortest paths (by stops) from {a} to {b}.",
            "every fewest-stop route between {a} and {b}",
        ],
        strict=False,
    ):
        add(
            template.format(a=name(a), b=name(b)),
            ["all_shortest_paths"],
            "paths",
            "path_set",
            sorted(nx.all_shortest_paths(core, a, b)),
        )

    # cut points and bridges
    cut_points = sorted(nx.articulation_points(graph))
    for text in (
        "Which stations would cut the network in two if closed?",
        "stations whose closure disconnects part of the network",
        "List the articulation points.",
        "which stops are single points of failure for connectivity?",
    ):
        add(text, ["articulation_points"], "connectivity", "entity_set", cut_points)
    bridges = sorted(sorted(edge) for edge in nx.bridges(graph))
    for text in (
        "Which single links, if broken, split the network?",
        "what track sections are bridges",
        "Which connections between stations have no alternative?",
    ):
        add(text, ["bridges"], "connectivity", "pair_set", bridges)
    small_cuts = []
    for station in cut_points:
        rest = graph.subgraph(main - {station})
        parts = sorted(nx.connected_components(rest), key=len, reverse=True)
        cut_off = sorted(set().union(*parts[1:]))
        if 2 <= len(cut_off) <= 12:
            small_cuts.append((station, cut_off))
    for (station, cut_off), template in zip(
        rng.sample(small_cuts, 2),
        ["If {x} closes, which stations get cut off?", "what becomes unreachable when {x} shuts"],
        strict=True,
    ):
        add(
            template.format(x=name(station)),
            ["removal_impact", "articulation_points"],
            "connectivity",
            "entity_set",
            cut_off,
        )

    # centrality of named stations
    conventions = _centrality_conventions(graph, core)
    for template in (
        "Give me the harmonic centrality of {x} and {y}.",
        "what's the harmonic closeness score for {x} and {y}?",
        "harmonic centrality: {x}, {y}",
    ):
        chosen = rng.sample(stations, 2)
        add(
            template.format(x=name(chosen[0]), y=name(chosen[1])),
            ["harmonic"],
            "importance",
            "values",
            {label: _scores(values, chosen) for label, values in conventions["harmonic"].items()},
        )
    for template in (
        "How central is {x} in terms of closeness?",
        "closeness centrality of {x}?",
    ):
        chosen = rng.sample(stations, 1)
        add(
            template.format(x=name(chosen[0])),
            ["closeness"],
            "importance",
            "values",
            {label: _scores(values, chosen) for label, values in conventions["closeness"].items()},
        )
    for template in ("What is the betweenness of {x}?", "betweenness centrality score for {x}"):
        chosen = rng.sample(cut_points, 1)
        add(
            template.format(x=name(chosen[0])),
            ["betweenness"],
            "importance",
            "values",
            {
                label: _scores(values, chosen)
                for label, values in conventions["betweenness"].items()
            },
        )
    betweenness = conventions["betweenness"]
    duels = []
    for _ in range(500):
        x, y = rng.sample(cut_points, 2)
        by_hops = betweenness["hops_raw"][x] - betweenness["hops_raw"][y]
        by_km = betweenness["km_raw"][x] - betweenness["km_raw"][y]
        if by_hops * by_km > 0 and abs(by_hops) > 50:
            duels.append((x, y) if by_hops > 0 else (y, x))
        if len(duels) == 4:
            break
    for (winner, loser), template in zip(
        duels,
        [
            "Is {x} or {y} more important if importance means lying on many shortest routes?",
            "which of {x} and {y} sits on more shortest paths",
            "{x} vs {y}: which one is more of a through-station?",
            "Between {x} and {y}, which carries more through-routes?",
        ],
        strict=True,
    ):
        first, second = sorted((winner, loser), key=name)
        add(
            template.format(x=name(first), y=name(second)),
            ["betweenness"],
            "importance",
            "winner",
            {"winner": winner, "loser": loser},
        )
    for template in (
        "How many direct connections does {x} have?",
        "degree of {x}?",
    ):
        station = rng.choice([s for s in stations if graph.degree(s) >= 3] or stations)
        add(
            template.format(x=name(station)),
            ["degree"],
            "importance",
            "number",
            [graph.degree(station)],
        )
    ranked_pagerank = conventions["pagerank"]
    tops = sorted({max(values, key=values.__getitem__) for values in ranked_pagerank.values()})
    for text in (
        "Which station is the most important by PageRank?",
        "top station by pagerank",
    ):
        add(text, ["pagerank"], "importance", "first_in", tops)
    busiest = max(dict(graph.degree()).values())
    for text in (
        "Which stations are the biggest interchanges?",
        "what stations have the most links",
    ):
        add(
            text,
            ["degree"],
            "importance",
            "first_in",
            sorted(s for s, d in graph.degree() if d == busiest),
        )

    # reachability, eccentricity, diameter
    for template, k in (
        ("How many stations can I reach from {x} within 3 stops?", 3),
        ("within 2 hops of {x}, how many stations are there?", 2),
        ("How many stations are at most 4 stops away from {x}?", 4),
    ):
        station = rng.choice(stations)
        reached = len(nx.single_source_shortest_path_length(core, station, cutoff=k)) - 1
        add(
            template.format(x=name(station)),
            ["reachability", "single_source_distances"],
            "paths",
            "number",
            [reached, reached + 1],
        )
    diameter_hops = nx.diameter(core)
    diameter_km = nx.diameter(core, weight=km)
    for text in (
        "What is the diameter of the network?",
        "longest shortest trip in the network, counted in stops",
    ):
        add(
            text,
            ["diameter", "eccentricity"],
            "paths",
            "number",
            [diameter_hops, round(diameter_km, 6)],
        )
    for template in (
        "What is the eccentricity of {x}?",
        "how far is the furthest station from {x} in stops",
    ):
        station = rng.choice(stations)
        add(
            template.format(x=name(station)),
            ["eccentricity", "single_source_distances"],
            "paths",
            "number",
            [nx.eccentricity(core, station), round(nx.eccentricity(core, station, weight=km), 6)],
        )
    forest = nx.minimum_spanning_tree(graph, weight=km)
    tree = nx.minimum_spanning_tree(core, weight=km)
    for text in (
        "What is the minimum total track length needed to keep all stations connected?",
        "minimum spanning tree total distance?",
    ):
        add(
            text,
            ["minimum_spanning_tree"],
            "paths",
            "number",
            [round(forest.size(weight=km), 6), round(tree.size(weight=km), 6)],
        )

    # cohesion, similarity, links
    triangles = sum(nx.triangles(graph).values()) // 3
    for text in ("How many triangles are there in the network?", "count the triangles"):
        add(text, ["triangles", "clustering"], "cohesion", "number", [triangles])
    jaccard = [(u, v, p) for u, v, p in nx.jaccard_coefficient(graph) if p > 0]
    best = max(p for _, _, p in jaccard)
    most_alike = sorted(sorted((u, v)) for u, v, p in jaccard if p >= best - 1e-12)
    for text in (
        "Which stations are most alike?",
        "which pair of stations share the most neighbours (Jaccard)?",
        "most similar stations by their connections",
    ):
        add(text, ["jaccard", "overlap", "cosine"], "similarity", "first_pair_in", most_alike)
    for text in (
        "Which two unconnected stations would most benefit from a direct link?",
        "predict the next link likely to be built",
    ):
        add(
            text,
            ["adamic_adar", "common_neighbors", "preferential_attachment"],
            "link_prediction",
            "none",
            None,
        )
    terminals = rng.sample(stations, 3)
    add(
        "What is the smallest set of track that connects {}, {} and {}?".format(
            *(name(t) for t in terminals)
        ),
        ["steiner_tree"],
        "paths",
        "none",
        None,
    )
    return out


def _centrality_conventions(
    graph: nx.Graph, core: nx.Graph
) -> dict[str, dict[str, dict[str, float]]]:
    """Centrality of every station under each accepted convention (hops/km, raw/normalised)."""
    km = "distance_km"
    n = graph.number_of_nodes()
    harmonic_hops = nx.harmonic_centrality(graph)
    harmonic_km = nx.harmonic_centrality(graph, distance=km)
    closeness: dict[str, dict[str, float]] = {
        "hops_wf": nx.closeness_centrality(graph),
        "km_wf": nx.closeness_centrality(graph, distance=km),
        "hops_reachable": nx.closeness_centrality(graph, wf_improved=False),
        "km_reachable": nx.closeness_centrality(graph, distance=km, wf_improved=False),
    }
    return {
        "harmonic": {
            "hops_raw": harmonic_hops,
            "hops_normalised": {s: v / (n - 1) for s, v in harmonic_hops.items()},
            "km_raw": harmonic_km,
            "km_normalised": {s: v / (n - 1) for s, v in harmonic_km.items()},
        },
        "closeness": closeness,
        "betweenness": {
            "hops_raw": nx.betweenness_centrality(graph, normalized=False),
            "hops_normalised": nx.betweenness_centrality(graph),
            "km_raw": nx.betweenness_centrality(graph, normalized=False, weight=km),
            "km_normalised": nx.betweenness_centrality(graph, weight=km),
        },
        "pagerank": {
            "unweighted": _pagerank(graph, None),
            "weighted": _pagerank(graph, km),
        },
    }


def _pagerank(graph: nx.Graph, weight: str | None, damping: float = 0.85) -> dict[str, float]:
    """PageRank by power iteration (NetworkX's own needs SciPy, which is not a dependency).

    Dangling vertices (isolated stations) spread their rank uniformly, as NetworkX does.
    """
    nodes = sorted(graph)
    n = len(nodes)
    rank = dict.fromkeys(nodes, 1.0 / n)
    out_weight = {u: graph.degree(u, weight=weight) for u in nodes}
    for _ in range(1000):
        dangling = sum(rank[u] for u in nodes if out_weight[u] == 0)
        updated = dict.fromkeys(nodes, (1 - damping) / n + damping * dangling / n)
        for u in nodes:
            if out_weight[u] == 0:
                continue
            for v, data in graph[u].items():
                share = data.get(weight, 1) if weight else 1
                updated[v] += damping * rank[u] * share / out_weight[u]
        converged = sum(abs(updated[u] - rank[u]) for u in nodes) < n * 1e-12
        rank = updated
        if converged:
            break
    return rank
