"""Names and attribute measures for the report writer: "Label [id]" instead of raw ids.

`name_entities` rewrites an insight so each vertex id it quotes reads "Label [id]" (the labels
come from `ExecutionResult.names` and are recorded as evidence); `partition_measures` names the
numbers of a partition's attribute profile (`ExecutionResult.partition_profile`) so insights
can quote them as evidence that `check_insight` re-derives.
"""

from __future__ import annotations

from typing import Any

from gaai_graph.evidence.names import Namer
from gaai_graph.models import Insight, MetricValue

__all__ = ["name_entities", "partition_measures"]

_PARTITION_KEYS = ("attribute", "purity", "chance_purity", "nmi", "chance_nmi", "ari", "groups")
_GROUP_KEYS = ("value", "purity", "size", "count", "expected", "population_share", "lift")


def partition_measures(profile: dict[str, Any] | None) -> dict[str, MetricValue]:
    """`partition.*` measures: the attribute the partition follows best and each group's value.

    `partition.attribute`, `.purity`, `.chance_purity` (random partitions of the same sizes),
    `.nmi`, `.chance_nmi`, `.ari`, `.groups`; per described group (by its key)
    `partition.majority[key].value`, `.purity`, `.size`, `.count`, `.expected`,
    `.population_share`, `.lift`.
    """
    if not profile:
        return {}
    best = profile.get("best") or {}
    measures: dict[str, MetricValue] = {
        f"partition.{key}": best[key] for key in _PARTITION_KEYS if key in best
    }
    for key, group in (best.get("majority") or {}).items():
        for name in _GROUP_KEYS:
            value = group.get(name)
            if isinstance(value, int | float | str | bool):
                measures[f"partition.majority[{key}].{name}"] = value
    return measures


def name_entities(
    insight: Insight, measures: dict[str, MetricValue], namer: Namer | None = None
) -> Insight:
    """The insight with every vertex id it quotes written "Label [id]" where the result names it.

    Interpreters and engines quote ids (`customers/c1`); people read names. The labels come
    from the result (`ExecutionResult.names`, measures `names[<id>]`) and are recorded as the
    insight's evidence, so `check_insight` still finds every quoted number backed (a label
    such as "Member 12" is quoted text, not a claim). `namer` (built from the same labels)
    saves rebuilding it for every insight of a report.
    """
    labels = {
        key[len("names[") : -1]: value
        for key, value in measures.items()
        if key.startswith("names[") and isinstance(value, str)
    }
    if not labels:
        return insight
    namer = namer or Namer.from_labels(labels)
    title, in_title = namer.named_text(insight.title)
    description, in_description = namer.named_text(insight.description)
    named = [*in_title, *in_description]
    if not named:
        return insight
    evidence = dict(insight.evidence)
    for vertex_id in named:
        evidence.setdefault(f"names[{vertex_id}]", labels[vertex_id])
    return insight.model_copy(
        update={"title": title, "description": description, "evidence": evidence}
    )
