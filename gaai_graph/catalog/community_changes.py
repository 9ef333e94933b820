"""Communities born, dissolved, merged and split between two runs, matched by member overlap.

Two groups are the same community when the Jaccard index of their members is at least
`SAME_COMMUNITY_JACCARD` (0.5). A later group holding at least `CONTAINMENT` (half) of each of
two or more earlier groups is a merge; an earlier group whose members make up at least half of
two or more later groups split. Unmatched earlier groups dissolved, unmatched later groups were
born. The members compared are the ones a report stores (`Group.members_sample`: every member
of a group of at most 25, else its five highest-degree members); `community_changes` says how
sampled groups are compared and marks those changes `estimated`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "CONTAINMENT",
    "SAME_COMMUNITY_JACCARD",
    "CommunityChange",
    "community_changes",
    "community_line",
]

SAME_COMMUNITY_JACCARD = 0.5
"""Jaccard index of members at or above which an earlier and a later group are one community."""
CONTAINMENT = 0.5
"""Share of a group's members that must land in one other group for a merge or split."""


@dataclass(frozen=True)
class CommunityChange:
    """A community born, dissolved, merged or split (groups by 1-based place in their report)."""

    kind: str
    """`born`, `dissolved`, `merged` or `split`."""
    groups_before: tuple[int, ...]
    groups_after: tuple[int, ...]
    sizes_before: tuple[int, ...]
    sizes_after: tuple[int, ...]
    overlap: float
    """The overlap that decided it: Jaccard for born/dissolved (best found), containment for
    merged/split (smallest share among the parts)."""
    example_members: tuple[str, ...] = ()
    estimated: bool = False
    """True when a group involved was stored as a sample, so the overlap was measured on the
    members the other run lists (`community_changes`)."""


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def _share(part: frozenset[str], whole: frozenset[str]) -> float:
    """Share of `part`'s members that are in `whole`."""
    return len(part & whole) / len(part) if part else 0.0


def _located_share(
    part: frozenset[str], complete: bool, target: int, located: Mapping[str, int]
) -> float:
    """Share of `part`'s members that lie in group `target` of the other run.

    Between two groups stored whole this is the plain share (a member the other run does not
    list counts against). When either group is a sample, only members the other run lists
    somewhere can be placed, so the share is taken over those (0 when none is listed).
    """
    if complete:
        return sum(1 for m in part if located.get(m) == target) / len(part) if part else 0.0
    placed = [located[m] for m in part if m in located]
    return sum(1 for j in placed if j == target) / len(placed) if placed else 0.0


def community_changes(
    before: Sequence[frozenset[str]],
    after: Sequence[frozenset[str]],
    *,
    sizes_before: Sequence[int] | None = None,
    sizes_after: Sequence[int] | None = None,
) -> list[CommunityChange]:
    """Communities born, dissolved, merged and split between two lists of member sets.

    Groups stored whole are compared as described in the module docstring. A group a report
    stored only as a sample (fewer members than its size) is compared on the members the other
    run lists somewhere: a share is taken over those, two groups are the same community when
    each holds at least half of the other's placed members and their sizes are within a factor
    of two (Jaccard >= 0.5 needs that), and a merge or split also needs the sizes to add up
    (the whole at least half the parts). Such changes are marked `estimated`.

    Args:
        before: Members of each earlier group.
        after: Members of each later group.
        sizes_before: Each earlier group's size (default: its member count).
        sizes_after: Each later group's size.

    Returns:
        Merges and splits first, then dissolved and born communities.
    """
    sizes_a = list(sizes_before or [len(g) for g in before])
    sizes_b = list(sizes_after or [len(g) for g in after])
    whole_a = [len(g) >= size for g, size in zip(before, sizes_a, strict=True)]
    whole_b = [len(g) >= size for g, size in zip(after, sizes_b, strict=True)]
    where_a = {m: i for i, group in enumerate(before) for m in group}
    where_b = {m: j for j, group in enumerate(after) for m in group}

    def forward(i: int, j: int) -> float:  # share of earlier group i now in later group j
        return _located_share(before[i], whole_a[i] and whole_b[j], j, where_b)

    def backward(j: int, i: int) -> float:  # share of later group j drawn from earlier group i
        return _located_share(after[j], whole_a[i] and whole_b[j], i, where_a)

    def same(i: int, j: int) -> bool:
        if whole_a[i] and whole_b[j]:
            return _jaccard(before[i], after[j]) >= SAME_COMMUNITY_JACCARD
        ratio = min(sizes_a[i], sizes_b[j]) / max(sizes_a[i], sizes_b[j], 1)
        return (
            ratio >= SAME_COMMUNITY_JACCARD
            and forward(i, j) >= SAME_COMMUNITY_JACCARD
            and backward(j, i) >= SAME_COMMUNITY_JACCARD
        )

    pairs = {(i, j) for i in range(len(before)) for j in range(len(after)) if same(i, j)}
    matched_a = {i for i, _ in pairs}
    matched_b = {j for _, j in pairs}
    changes: list[CommunityChange] = []
    explained_a: set[int] = set()
    explained_b: set[int] = set()
    for j, b in enumerate(after):
        parts = [i for i, a in enumerate(before) if a and forward(i, j) >= CONTAINMENT]
        if len(parts) >= 2 and sizes_b[j] >= CONTAINMENT * sum(sizes_a[i] for i in parts):
            changes.append(
                CommunityChange(
                    "merged",
                    tuple(i + 1 for i in parts),
                    (j + 1,),
                    tuple(sizes_a[i] for i in parts),
                    (sizes_b[j],),
                    min(forward(i, j) for i in parts),
                    tuple(sorted(b)[:5]),
                    estimated=not (whole_b[j] and all(whole_a[i] for i in parts)),
                )
            )
            explained_a.update(parts)
            explained_b.add(j)
    for i, a in enumerate(before):
        parts = [j for j, b in enumerate(after) if b and backward(j, i) >= CONTAINMENT]
        if len(parts) >= 2 and sizes_a[i] >= CONTAINMENT * sum(sizes_b[j] for j in parts):
            changes.append(
                CommunityChange(
                    "split",
                    (i + 1,),
                    tuple(j + 1 for j in parts),
                    (sizes_a[i],),
                    tuple(sizes_b[j] for j in parts),
                    min(backward(j, i) for j in parts),
                    tuple(sorted(a)[:5]),
                    estimated=not (whole_a[i] and all(whole_b[j] for j in parts)),
                )
            )
            explained_a.add(i)
            explained_b.update(parts)
    for i, a in enumerate(before):
        if i not in matched_a and i not in explained_a:
            best = max((_jaccard(a, b) for b in after), default=0.0)
            changes.append(
                CommunityChange(
                    "dissolved",
                    (i + 1,),
                    (),
                    (sizes_a[i],),
                    (),
                    best,
                    tuple(sorted(a)[:5]),
                    estimated=not whole_a[i],
                )
            )
    for j, b in enumerate(after):
        if j not in matched_b and j not in explained_b:
            best = max((_jaccard(a, b) for a in before), default=0.0)
            changes.append(
                CommunityChange(
                    "born",
                    (),
                    (j + 1,),
                    (),
                    (sizes_b[j],),
                    best,
                    tuple(sorted(b)[:5]),
                    estimated=not whole_b[j],
                )
            )
    return changes


def community_line(change: CommunityChange) -> str:
    """The change in one sentence: groups by place and size, the overlap measure, members."""

    def groups(places: tuple[int, ...], sizes: tuple[int, ...]) -> str:
        return " + ".join(f"group {p} ({s} members)" for p, s in zip(places, sizes, strict=True))

    return _community_text(change, groups) + (
        "; estimated: a group was stored as a sample of its highest-degree members, compared "
        "on those the other run lists"
        if change.estimated
        else ""
    )


def _community_text(change: CommunityChange, groups: Any) -> str:
    members = ", ".join(change.example_members)
    if change.kind == "merged":
        return (
            f"communities merged: earlier {groups(change.groups_before, change.sizes_before)} -> "
            f"{groups(change.groups_after, change.sizes_after)} (each part has >= "
            f"{change.overlap:.0%} of its stored members in it; e.g. {members})"
        )
    if change.kind == "split":
        return (
            f"community split: earlier {groups(change.groups_before, change.sizes_before)} -> "
            f"{groups(change.groups_after, change.sizes_after)} (each part draws >= "
            f"{change.overlap:.0%} of its stored members from it; e.g. {members})"
        )
    if change.kind == "dissolved":
        return (
            f"community dissolved: earlier {groups(change.groups_before, change.sizes_before)} "
            f"has no successor (best Jaccard {change.overlap:.2f} < {SAME_COMMUNITY_JACCARD}; "
            f"members {members})"
        )
    return (
        f"community born: {groups(change.groups_after, change.sizes_after)} has no earlier match "
        f"(best Jaccard {change.overlap:.2f} < {SAME_COMMUNITY_JACCARD}; members {members})"
    )
