"""How grouping methods are read: the largest group and the vertices left alone.

Shared by every method that partitions the vertices (communities, components, cycles).
"""

from __future__ import annotations

from gaai_graph.methods.writing import ReportWriter

__all__ = ["largest_group_finding", "singleton_finding"]


def largest_group_finding(writer: ReportWriter, noun: str) -> None:
    """The largest group: its size, share of the graph and composition."""
    execution = writer.execution
    if not execution.groups:
        return
    q = writer.quoter()
    if not q.has("derived.largest_group_share"):
        return
    share = q.value("derived.largest_group_share")
    members = writer.composition_words(0, q)
    description = (
        f"The largest {noun} holds {q.count('groups[0].size', 'vertex')}, "
        f"{q.pct('derived.largest_group_share')} of the graph"
        + (f": {members}." if members else ".")
    )
    if share > 0.5:
        title = f"One {noun} dominates"
    else:
        title = f"The largest {noun} holds a minority of vertices"
    # A bigger largest group is the more notable fact either way.
    writer.add(
        title,
        description,
        min(1.0, 0.4 + share),
        q,
        execution.groups[0].members_sample,
        kind="finding" if share > 0.5 else "context",
    )


def singleton_finding(writer: ReportWriter, reading: str) -> None:
    """Vertices alone in their group (context), read as `reading` says."""
    q = writer.quoter()
    if not q.has("derived.singleton_share") or q.value("metrics.singleton_count") == 0:
        return
    share = q.value("derived.singleton_share")
    description = (
        f"{q.count('metrics.singleton_count', 'vertex')} ({q.pct('derived.singleton_share')}) "
        f"{reading}."
    )
    writer.add("Isolated vertices", description, min(1.0, 0.3 + share), q, kind="context")
