"""Two-epoch cases: one synthetic graph in two versions that differ by planted changes.

A case (eval/corpus/epochs.json) names a question, the kind of change planted between epoch 1
and epoch 2, and a seed. `build_epochs` draws the same base graph for both epochs and applies
the change to the second:

* `entered_top`: a peripheral account gains many new counterparties (it must enter the top
  list of the importance question);
* `left_top`: the most connected account loses almost all of its transfers (it must leave);
* `merged`: two communities become densely connected (one community afterwards);
* `split`: the reverse, the links joining two halves of a community are removed;
* `new_ring`: money passes round a loop of accounts that were not on a loop before;
* `none`: epoch 2 is epoch 1 unchanged (no change may be reported).

The base graph is a transfer network of `COMMUNITIES` groups of `COMMUNITY_SIZE` accounts,
dense inside a group and sparse between groups. Transfers only ever go from a lower to a higher
account number, so the base graph has no directed cycle: a planted loop is the only one.
"""

from __future__ import annotations

import itertools
import json
import random
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from gaai_eval import CORPUS_DIR, names
from gaai_eval.snapshots import SnapshotBuilder

COMMUNITIES = 4
COMMUNITY_SIZE = 12
"""Small enough that a merged community (24) is still stored with every member in a report."""
INSIDE_PROBABILITY = 0.5
BETWEEN_EDGES = 3
"""Transfers between each pair of communities."""
CHANGE_KINDS = ("entered_top", "left_top", "merged", "split", "new_ring", "none")


@dataclass
class EpochCase:
    """A question asked of two epochs of one graph, and what was planted between them."""

    id: str
    question: str
    change: str
    seed: int
    split: str = "tuning"
    quick: bool = False
    community_size: int = 12
    """Accounts per community; above 12 a merged community (2x) is larger than the 25 members
    a report stores whole, so communities are compared on samples."""


@dataclass
class PlantedChange:
    """One change the second run must name: its kind and the accounts it concerns."""

    kind: str
    entities: list[str]
    labels: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """Return the change as JSON-ready data."""
        return asdict(self)


def load_epoch_cases(path: Path | None = None) -> list[EpochCase]:
    """Read the two-epoch cases (default: eval/corpus/epochs.json)."""
    path = path or CORPUS_DIR / "epochs.json"
    cases = [EpochCase(**item) for item in json.loads(path.read_text(encoding="utf-8"))]
    for case in cases:
        if case.change not in CHANGE_KINDS:
            raise ValueError(f"{path}: case {case.id}: unknown change {case.change!r}")
    return cases


@dataclass
class _Graph:
    accounts: list[str]
    labels: dict[str, str]
    edges: set[tuple[int, int]]
    groups: list[list[int]]


def _base(rng: random.Random, size: int = COMMUNITY_SIZE, *, joined: bool = False) -> _Graph:
    """The base network; `joined` draws the first two communities as one dense community."""
    count = COMMUNITIES * size
    holders = names.people(rng, count)
    accounts = [f"accounts/acc{index:03d}" for index in range(count)]
    labels = {account: holder for account, holder in zip(accounts, holders, strict=True)}
    groups = [list(range(start, start + size)) for start in range(0, count, size)]
    edges: set[tuple[int, int]] = set()
    for members in groups:
        for i in members:
            for j in members:
                if i < j and rng.random() < INSIDE_PROBABILITY:
                    edges.add((i, j))
    for g, first in enumerate(groups):
        for second in groups[g + 1 :]:
            for _ in range(BETWEEN_EDGES):
                edges.add((rng.choice(first), rng.choice(second)))
    # Drawn after the base so that both versions of a merge or split share it exactly.
    joining = {(i, j) for i in groups[0] for j in groups[1] if rng.random() < INSIDE_PROBABILITY}
    if joined:
        edges |= joining
    return _Graph(accounts, labels, edges, groups)


def _snapshot(graph: _Graph, rng: random.Random) -> SnapshotBuilder:
    snapshot = SnapshotBuilder()
    for account in graph.accounts:
        key = account.split("/", 1)[1]
        snapshot.vertex("accounts", key, name=graph.labels[account], holder=graph.labels[account])
    for i, j in sorted(graph.edges):
        snapshot.edge(
            "transfers",
            graph.accounts[i],
            graph.accounts[j],
            amount=round(rng.lognormvariate(5.0, 0.8), 2),
        )
    return snapshot


def _degrees(graph: _Graph) -> dict[int, int]:
    degree = dict.fromkeys(range(len(graph.accounts)), 0)
    for i, j in graph.edges:
        degree[i] += 1
        degree[j] += 1
    return degree


def build_epochs(case: EpochCase) -> tuple[SnapshotBuilder, SnapshotBuilder, list[PlantedChange]]:
    """Return epoch 1, epoch 2 and the changes planted between them.

    Args:
        case: The case (its `change` and `seed`).

    Returns:
        (snapshot of epoch 1, snapshot of epoch 2, planted changes; empty for `none`).
    """
    size = case.community_size
    before = _base(random.Random(case.seed), size, joined=case.change == "split")
    after = _base(random.Random(case.seed), size, joined=case.change == "split")
    planted: list[PlantedChange] = []
    degree = _degrees(before)
    if case.change == "merged":
        after = _base(random.Random(case.seed), size, joined=True)
        members = before.groups[0] + before.groups[1]
        planted.append(_change("merged", before, members))
    elif case.change == "split":
        after = _base(random.Random(case.seed), size, joined=False)
        members = before.groups[0] + before.groups[1]
        planted.append(_change("split", before, members))
    elif case.change == "entered_top":
        # The least connected account starts trading with a third of the network.
        riser = min(degree, key=lambda vertex: (degree[vertex], vertex))
        others = [v for v in range(len(after.accounts)) if v != riser]
        for other in random.Random(case.seed + 1).sample(others, len(others) // 3):
            after.edges.add((min(riser, other), max(riser, other)))
        planted.append(_change("entered_top", before, [riser]))
    elif case.change == "left_top":
        leader = max(degree, key=lambda vertex: (degree[vertex], -vertex))
        kept = sorted(edge for edge in after.edges if leader in edge)[:1]
        after.edges = {edge for edge in after.edges if leader not in edge} | set(kept)
        planted.append(_change("left_top", before, [leader]))
    elif case.change == "new_ring":
        # One account per community, and the loop closes against the account order.
        ring = [group[len(group) // 2] for group in before.groups]
        for a, b in itertools.pairwise(ring):
            after.edges.add((a, b))
        after.edges.add((ring[-1], ring[0]))
        planted.append(_change("new_ring", before, ring))
    snapshots = (
        _snapshot(before, random.Random(case.seed + 2)),
        _snapshot(after, random.Random(case.seed + 2)),
    )
    return snapshots[0], snapshots[1], planted


def _change(kind: str, graph: _Graph, vertices: list[int]) -> PlantedChange:
    ids = [graph.accounts[v] for v in vertices]
    return PlantedChange(kind, ids, [graph.labels[i] for i in ids])
