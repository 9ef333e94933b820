"""Public classic graphs with literature ground truth, taken from NetworkX's bundled copies.

- Zachary's karate club: W. W. Zachary, "An information flow model for conflict and fission in
  small groups", Journal of Anthropological Research 33(4), 1977. The `club` attribute records
  which faction each member joined after the split (Mr. Hi or the Officer).
- Davis Southern Women: A. Davis, B. B. Gardner, M. R. Gardner, "Deep South", University of
  Chicago Press, 1941; as analysed by L. C. Freeman, "Finding social groups: a meta-analysis of
  the southern women data", 2003. Bipartite: 18 women, 14 social events.
- Florentine families: J. F. Padgett, C. K. Ansell, "Robust action and the rise of the Medici,
  1400-1434", American Journal of Sociology 98(6), 1993. Marriage ties; the Medici broker.
- Les Misérables: D. E. Knuth, "The Stanford GraphBase", Addison-Wesley, 1993. Co-appearance of
  characters in chapters, weighted by the number of shared chapters; Valjean is the hub.
"""

from __future__ import annotations

import networkx as nx

from gaai_eval.cases import Benchmark, PatternCase
from gaai_eval.snapshots import SnapshotBuilder, safe_key


def karate() -> Benchmark:
    """Zachary's karate club: 34 members, friendships weighted by shared contexts."""
    graph = nx.karate_club_graph()
    snapshot = SnapshotBuilder()
    ids = {
        node: snapshot.vertex(
            "members", f"m{node:02d}", name=f"Member {node + 1}", club=data["club"]
        )
        for node, data in graph.nodes(data=True)
    }
    for u, v, data in graph.edges(data=True):
        snapshot.edge("friendships", ids[u], ids[v], weight=data.get("weight", 1))
    factions: dict[str, list[str]] = {}
    for node, data in graph.nodes(data=True):
        factions.setdefault(data["club"], []).append(ids[node])
    return Benchmark(
        name="karate",
        domain="social",
        description="Zachary's karate club: 34 members, 78 friendships; `club` is the faction "
        "each member joined after the split.",
        citation="W. W. Zachary, Journal of Anthropological Research 33(4):452-473, 1977 "
        "(NetworkX `karate_club_graph`).",
        snapshot=snapshot,
        patterns=[
            PatternCase(
                id="karate-factions",
                graph="karate",
                pattern="attribute_community",
                normal=False,
                questions=[
                    "Which factions does the club split into?",
                    "what camps do the members fall into",
                ],
                instances=[sorted(members) for _, members in sorted(factions.items())],
                attribute="club",
                values=sorted(factions),
            )
        ],
    )


def davis() -> Benchmark:
    """Davis Southern Women: 18 women attending 14 events (bipartite)."""
    graph = nx.davis_southern_women_graph()
    snapshot = SnapshotBuilder()
    ids: dict[str, str] = {}
    for node, data in graph.nodes(data=True):
        if data["bipartite"] == 0:
            ids[node] = snapshot.vertex("women", safe_key(node), name=node)
        else:
            ids[node] = snapshot.vertex("events", safe_key(node), name=f"Event {node}")
    for u, v in graph.edges():
        woman, event = (u, v) if graph.nodes[u]["bipartite"] == 0 else (v, u)
        snapshot.edge("attended", ids[woman], ids[event])
    return Benchmark(
        name="davis",
        domain="social",
        description="Davis Southern Women: 18 women, 14 events, 89 attendances (bipartite).",
        citation="A. Davis, B. B. Gardner, M. R. Gardner, Deep South, 1941; L. C. Freeman, "
        "Finding social groups: a meta-analysis of the southern women data, 2003 (NetworkX "
        "`davis_southern_women_graph`).",
        snapshot=snapshot,
    )


def florentine() -> Benchmark:
    """Padgett's Florentine families: 15 families, 20 marriage ties."""
    graph = nx.florentine_families_graph()
    snapshot = SnapshotBuilder()
    ids = {node: snapshot.vertex("families", safe_key(node), name=node) for node in graph}
    for u, v in graph.edges():
        snapshot.edge("marriages", ids[u], ids[v])
    return Benchmark(
        name="florentine",
        domain="organisations",
        description="Florentine families (Padgett): 15 families joined by 20 marriages; the "
        "Medici lie on most shortest paths between the others.",
        citation="J. F. Padgett and C. K. Ansell, American Journal of Sociology 98(6), 1993 "
        "(NetworkX `florentine_families_graph`).",
        snapshot=snapshot,
        patterns=[
            PatternCase(
                id="florentine-broker",
                graph="florentine",
                pattern="broker",
                normal=False,
                questions=[
                    "Which family acted as the go-between for the others?",
                    "who brokers between the families",
                ],
                instances=[[ids["Medici"]]],
            )
        ],
    )


def les_miserables() -> Benchmark:
    """Knuth's Les Misérables co-appearance network: 77 characters, weighted."""
    graph = nx.les_miserables_graph()
    snapshot = SnapshotBuilder()
    ids = {node: snapshot.vertex("characters", safe_key(node), name=node) for node in graph}
    for u, v, data in graph.edges(data=True):
        snapshot.edge("appears_with", ids[u], ids[v], weight=data["weight"])
    return Benchmark(
        name="lesmis",
        domain="literature",
        description="Les Misérables: 77 characters, 254 co-appearance links weighted by the "
        "number of chapters shared.",
        citation="D. E. Knuth, The Stanford GraphBase, 1993 (NetworkX `les_miserables_graph`).",
        snapshot=snapshot,
        patterns=[
            PatternCase(
                id="lesmis-hub",
                graph="lesmis",
                pattern="hub",
                normal=False,
                questions=[
                    "Who is the central character of the novel?",
                    "which character shares the most scenes with the others",
                ],
                instances=[[ids["Valjean"]]],
            )
        ],
    )


def classics() -> list[Benchmark]:
    """Return every classic benchmark."""
    return [karate(), davis(), florentine(), les_miserables()]
