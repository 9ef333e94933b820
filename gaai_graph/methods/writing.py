"""The report writer method interpreters write with, and the measures they may quote.

The rules read only the summaries an engine computes over the *whole* result (statistics,
metrics, group counts, histograms), never the first rows of a listing, and every number a
sentence quotes is taken from a named measure and recorded as the insight's evidence.
`check_insight` re-derives those measures from the execution result, so a report that cites a
number the result does not hold is caught by the tests rather than by a reader.

Confidence of an insight (documented here because tests and readers rely on it)::

    size_factor = min(1, 0.5 + 0.125 * log10(max(vertex_count, 1)))   # 1 → 0.5, 10^4+ → 1.0
    confidence  = clamp(strength * size_factor * (0.85 if approximate else 1), 0.05, 0.99)

where `strength` in 0..1 says how clear the signal is (documented at each rule), and
`approximate` is true when the engine sampled (e.g. betweenness from a sample of sources).
Recommendation priority follows the confidence of the finding it rests on:
high ≥ 0.7, medium ≥ 0.45, low otherwise.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from gaai_graph.evidence.names import Namer
from gaai_graph.methods.entity_names import name_entities, partition_measures
from gaai_graph.models import (
    AnalysisTemplate,
    Entity,
    ExecutionResult,
    HistogramBin,
    Insight,
    Intent,
    MetricValue,
    Priority,
    Recommendation,
    Vertical,
)
from gaai_graph.words import noun_for, plural_phrase, singular_phrase

LEADER_FINDING_RATIO = 5.0
"""A leader (or the largest hub) this many times the typical value is a finding; closer to
the typical value it is context."""

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")

# A number as our formatters print it: 1,234 / 0.452 / 12.3% / -0.02. Digits glued to letters
# (p90, v1) are names, not quoted numbers.
_NUMBER = re.compile(r"(?<![\w.])-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?")


def format_number(value: float) -> str:
    """Format a number for prose: counts with thousands separators, scores to 3 digits.

    Scientific notation is never used, so `unbacked_numbers` can read every number back.
    """
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}"
    magnitude = abs(value)
    if magnitude >= 100:
        return f"{value:,.1f}"
    if magnitude >= 1:
        return f"{value:.2f}"
    decimals = 2 - math.floor(math.log10(magnitude))
    return f"{value:.{decimals}f}"


def format_percent(share: float) -> str:
    """Format a share in 0..1 as a percentage with one decimal (more for tiny shares)."""
    percent = share * 100
    if percent == 0 or abs(percent) >= 1:
        return f"{percent:.1f}%"
    return f"{format_number(percent)}%"


def display_label(entity: Entity) -> str:
    """Return the label to show for `entity`; e-mail-like labels are replaced by the id.

    Labels may come from any attribute (name, title, e-mail): reports must not spread
    personal contact data, so an e-mail address is never printed.
    """
    label = entity.label.strip()
    if not label or _EMAIL.search(label):
        return entity.id
    return label


def _number(value: object) -> float | None:
    """The value as a float when it is a finite number (not a bool), else None."""
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return None


def _collection_of(vertex_id: str) -> str:
    return vertex_id.split("/", 1)[0]


def entity_term(collection: str, vertical: Vertical, *, plural: bool = False) -> str:
    """Return the vertical's business word for a collection (e.g. 'customers' -> 'customer').

    Args:
        collection: A vertex collection name.
        vertical: The industry profile whose `entity_terms` map name fragments to words.
        plural: Return the plural form.

    Returns:
        The mapped term, or the collection name made singular when no fragment matches
        ("people" -> "person"; its plural is "people", never "peoples").
    """
    lowered = collection.lower()
    term = next(
        (word for fragment, word in vertical.entity_terms.items() if fragment.lower() in lowered),
        None,
    )
    if term is None:
        term = singular_phrase(lowered.replace("_", " ").replace("-", " "))
    return plural_phrase(term) if plural else term


# --------------------------------------------------------------------------- measures


def _integer_range(bins: list[HistogramBin], index: int) -> tuple[int, int]:
    """Integer sizes a histogram bin covers: [lower, upper), the last bin closed."""
    current = bins[index]
    low = math.ceil(current.lower)
    high = math.floor(current.upper) if index == len(bins) - 1 else math.ceil(current.upper) - 1
    return low, high


def count_at_least(bins: list[HistogramBin], threshold: int) -> int | None:
    """Count items of size ≥ `threshold` from a histogram of integer sizes.

    Returns:
        The exact count, or None when a bin straddles the threshold (the histogram cannot
        tell how many of that bin's items reach it) or there is no histogram.
    """
    if not bins:
        return None
    total = 0
    for index, current in enumerate(bins):
        low, high = _integer_range(bins, index)
        if low < threshold <= high:
            return None
        if low >= threshold:
            total += current.count
    return total


def result_measures(execution: ExecutionResult) -> dict[str, MetricValue]:
    """Name every number and label of an execution result that a report may quote.

    Direct measures are paths into the result (`metrics.modularity`, `statistics.gini`,
    `top_entities[0].value`, `groups[1].composition.devices`, `group_count`, `notes[0]`,
    `parameters.mode`). Derived measures, prefixed `derived.`, are computed from them:

    - `top_to_median_ratio` = top_entities[0].value / statistics.median (median > 0)
    - `top_to_mean_ratio` = top_entities[0].value / statistics.mean (mean > 0)
    - `largest_group_share` = metrics.largest_group_share, else groups[0].size / vertex_count
    - `singleton_share` = metrics.singleton_count / metrics.vertex_count
    - `nontrivial_group_count` = group_count - metrics.singleton_count (groups of size ≥ 2)
    - `groups_at_least_3` = metrics.groups_of_size_at_least_3 (the engine counts it over every
      group), else read from group_size_histogram when no bin straddles 3
    - `rings_beyond_largest` = groups_at_least_3 minus the largest group when it has ≥ 3
    - `rings_beyond_main_component` = metrics.groups_with_at_least_2_result_members minus the
      largest group when it is the main component (largest_group_share > 0.5)
    - `triangle_count` = statistics.total / 3 (each triangle is counted at its 3 corners)
    - `top_tie_count` = entities sharing the top score (within `TIE_TOLERANCE`), and
      `top_tie_count_is_exact` (False when the listing ends inside the tie)

    Args:
        execution: The engine's summary of one run.

    Returns:
        Measure name -> value; only measures the result actually holds are present.
    """
    measures: dict[str, MetricValue] = {}
    for name, value in execution.parameters.items():
        if isinstance(value, int | float | str | bool) or value is None:
            measures[f"parameters.{name}"] = value
    for name, metric in execution.metrics.items():
        measures[f"metrics.{name}"] = metric
    statistics = execution.statistics
    if statistics is not None:
        for name, stat in statistics.model_dump().items():
            measures[f"statistics.{name}"] = stat
    if execution.group_count is not None:
        measures["group_count"] = execution.group_count
    for index, entity in enumerate(execution.top_entities):
        measures[f"top_entities[{index}].id"] = entity.id
        measures[f"top_entities[{index}].label"] = entity.label
        measures[f"top_entities[{index}].value"] = entity.value
    for index, group in enumerate(execution.groups):
        measures[f"groups[{index}].size"] = group.size
        for collection, count in group.composition.items():
            measures[f"groups[{index}].composition.{collection}"] = count
        for position, member in enumerate(group.members_sample):
            measures[f"groups[{index}].members_sample[{position}]"] = member
        for name in ("leader", "leader_label", "leader_score"):
            if getattr(group, name) is not None:
                measures[f"groups[{index}].{name}"] = getattr(group, name)
    for index, note in enumerate(execution.notes):
        measures[f"notes[{index}]"] = note
    for vertex_id, label in execution.names.items():
        measures[f"names[{vertex_id}]"] = label
    measures.update(partition_measures(execution.partition_profile))
    measures.update(_derived_measures(execution, measures))
    return measures


def _derived_measures(
    execution: ExecutionResult, measures: dict[str, MetricValue]
) -> dict[str, MetricValue]:
    derived: dict[str, MetricValue] = {}
    statistics = execution.statistics
    if statistics is not None and execution.top_entities:
        top = execution.top_entities[0].value
        if statistics.median > 0:
            derived["derived.top_to_median_ratio"] = top / statistics.median
        if statistics.mean > 0:
            derived["derived.top_to_mean_ratio"] = top / statistics.mean
    vertex_count = _number(measures.get("metrics.vertex_count"))
    share = measures.get("metrics.largest_group_share")
    if _number(share) is not None:
        derived["derived.largest_group_share"] = share
    elif execution.groups and vertex_count:
        derived["derived.largest_group_share"] = execution.groups[0].size / vertex_count
    singletons = _number(measures.get("metrics.singleton_count"))
    if singletons is not None and vertex_count:
        derived["derived.singleton_share"] = singletons / vertex_count
    if singletons is not None and execution.group_count is not None:
        derived["derived.nontrivial_group_count"] = execution.group_count - int(singletons)
    at_least_3: int | None = None
    counted = _number(measures.get("metrics.groups_of_size_at_least_3"))
    if counted is not None:
        at_least_3 = int(counted)
    else:
        at_least_3 = count_at_least(execution.group_size_histogram, 3)
    if at_least_3 is not None:
        derived["derived.groups_at_least_3"] = at_least_3
        largest_is_ring_sized = bool(execution.groups) and execution.groups[0].size >= 3
        derived["derived.rings_beyond_largest"] = max(at_least_3 - int(largest_is_ring_sized), 0)
    multi = _number(measures.get("metrics.groups_with_at_least_2_result_members"))
    if multi is not None:
        has_main = bool(execution.groups) and _is_main_component(derived)
        derived["derived.rings_beyond_main_component"] = max(int(multi) - int(has_main), 0)
    if (
        statistics is not None
        and execution.algorithm == "triangles"
        and execution.parameters.get("score", "triangles") == "triangles"
    ):
        derived["derived.triangle_count"] = statistics.total / 3
    derived.update(_tie_measures(execution))
    return derived


def _tie_measures(execution: ExecutionResult) -> dict[str, MetricValue]:
    """How many entities share the top score (relative tolerance `TIE_TOLERANCE`).

    Listed entities are sorted by score, so when the listing reaches a lower score every tied
    entity is listed and the count is exact. When every listed entity ties, the engine's
    `result_vertices_at_max` (counted over the whole result) gives the count when it covers
    the listing; otherwise the listed count is a lower bound (`top_tie_count_is_exact` False).
    """
    entities = execution.top_entities
    if not entities:
        return {}
    top = entities[0].value
    listed = sum(1 for entity in entities if _ties(entity.value, top))
    exact = listed < len(entities)
    count = listed
    at_max = _number(execution.metrics.get("result_vertices_at_max"))
    statistics = execution.statistics
    if (
        not exact
        and at_max is not None
        and at_max >= listed
        and statistics is not None
        and _ties(statistics.max, top)
    ):
        count, exact = int(at_max), True
    return {"derived.top_tie_count": count, "derived.top_tie_count_is_exact": exact}


TIE_TOLERANCE = 1e-9
"""Relative difference below which two scores are the same score (a tie, not a lead)."""

LISTED_TIES_SHOWN = 6
"""Tied leaders named in the insight; the others are counted."""


def _ties(value: float, other: float) -> bool:
    return math.isclose(value, other, rel_tol=TIE_TOLERANCE, abs_tol=1e-15)


MAIN_COMPONENT_SHARE = 0.5
"""A component holding more than this share of the vertices is the graph's main body, not a
ring: rings are the small islands beside it."""


def _is_main_component(derived: dict[str, MetricValue]) -> bool:
    share = _number(derived.get("derived.largest_group_share"))
    return share is not None and share > MAIN_COMPONENT_SHARE


# --------------------------------------------------------------------------- checks


def _matches(token: str, value: float) -> bool:
    percent = token.endswith("%")
    digits = token.rstrip("%").replace(",", "")
    quoted = float(digits)
    decimals = len(digits.split(".", 1)[1]) if "." in digits else 0
    tolerance = 0.5 * 10.0**-decimals + 1e-9 * max(1.0, abs(quoted))
    target = value * 100 if percent else value
    return abs(quoted - target) <= tolerance


def unbacked_numbers(text: str, evidence: dict[str, MetricValue]) -> list[str]:
    """Return the numbers quoted in `text` that no evidence value accounts for.

    String evidence (labels, ids, notes) is removed from the text first, so digits inside a
    quoted label are not mistaken for claims; an id written with its name (evidence
    `names[<id>]`) counts as the id. A quoted number matches an evidence value when
    it equals the value rounded to the digits printed (or the value × 100 for a percentage).

    Args:
        text: A sentence or paragraph of a report.
        evidence: Named values the text may cite.

    Returns:
        The offending number tokens, in order of appearance (empty when all are backed).
    """
    # Ids written with their names ("Lara Rossi [customers/c1]") read as the bare ids the
    # evidence quotes, so text quoted whole (an engine's headline) is still recognised.
    for key, label in evidence.items():
        if key.startswith("names[") and key.endswith("]") and isinstance(label, str) and label:
            text = text.replace(f"{label} [{key[len('names[') : -1]}]", key[len("names[") : -1])
    strings = sorted(
        (value for value in evidence.values() if isinstance(value, str) and value),
        key=len,
        reverse=True,
    )
    for quoted in strings:
        text = text.replace(quoted, " ")
    numbers = [n for n in (_number(v) for v in evidence.values()) if n is not None]
    return [
        match.group()
        for match in _NUMBER.finditer(text)
        if not any(_matches(match.group(), value) for value in numbers)
    ]


def _same_value(left: MetricValue, right: MetricValue) -> bool:
    left_number, right_number = _number(left), _number(right)
    if left_number is not None and right_number is not None:
        return math.isclose(left_number, right_number, rel_tol=1e-9, abs_tol=1e-12)
    return left == right


def check_insight(insight: Insight, execution: ExecutionResult) -> list[str]:
    """List what is wrong with an insight's numbers; empty when it is fully backed.

    Every number in the title and description must match an evidence value, and every
    evidence value must equal the measure of that name re-derived from `execution`.

    Args:
        insight: The insight to audit.
        execution: The result it claims to describe.

    Returns:
        Human-readable problems, one per unbacked number or foreign evidence value.
    """
    problems: list[str] = []
    measures = result_measures(execution)
    for name, value in insight.evidence.items():
        if name not in measures:
            problems.append(f"evidence {name!r} is not a measure of the result")
        elif not _same_value(value, measures[name]):
            problems.append(f"evidence {name!r}={value!r} but the result has {measures[name]!r}")
    for token in unbacked_numbers(f"{insight.title}\n{insight.description}", insight.evidence):
        problems.append(f"number {token} in {insight.title!r} is not in its evidence")
    return problems


def confidence(strength: float, vertex_count: float | None, *, approximate: bool = False) -> float:
    """Confidence of a finding from the clarity of its signal and the size of the graph.

    Args:
        strength: How clear the signal is, 0..1 (clamped).
        vertex_count: Vertices the result covers; small graphs give weaker evidence.
        approximate: Whether the engine sampled rather than computed exactly.

    Returns:
        `clamp(strength * size_factor * (0.85 if approximate else 1), 0.05, 0.99)` rounded to
        two decimals, with `size_factor = min(1, 0.5 + 0.125 * log10(max(vertex_count, 1)))`.
    """
    size_factor = min(1.0, 0.5 + 0.125 * math.log10(max(float(vertex_count or 1), 1.0)))
    value = max(0.0, min(1.0, strength)) * size_factor * (0.85 if approximate else 1.0)
    return round(max(0.05, min(0.99, value)), 2)


def priority_for(confidence_value: float) -> Priority:
    """Priority of an action resting on a finding of this confidence."""
    if confidence_value >= 0.7:
        return "high"
    if confidence_value >= 0.45:
        return "medium"
    return "low"


# --------------------------------------------------------------------------- writing


class Quoter:
    """Formats named measures for prose and records each one it quotes as evidence."""

    def __init__(self, measures: dict[str, MetricValue]) -> None:
        self._measures = measures
        self.evidence: dict[str, MetricValue] = {}

    def has(self, key: str) -> bool:
        """Whether the result holds measure `key` (not null)."""
        return self._measures.get(key) is not None

    def value(self, key: str) -> float:
        """The numeric value of a measure, without quoting it."""
        number = _number(self._measures[key])
        if number is None:
            raise KeyError(key)
        return number

    def _take(self, key: str) -> MetricValue:
        raw = self._measures[key]
        self.evidence[key] = raw
        return raw

    def _take_number(self, key: str) -> float:
        number = _number(self._take(key))
        if number is None:
            raise KeyError(key)
        return number

    def num(self, key: str) -> str:
        """Quote measure `key` as a number."""
        return format_number(self._take_number(key))

    def pct(self, key: str) -> str:
        """Quote measure `key` (a share in 0..1) as a percentage."""
        return format_percent(self._take_number(key))

    def count(self, key: str, singular: str) -> str:
        """A quoted count with its noun in the right number: '1 edge', '3 edges'."""
        number = self._take_number(key)
        return f"{format_number(number)} {noun_for(number, singular)}"

    def times(self, key: str) -> str:
        """Quote measure `key` as a ratio ('4.2×')."""
        return f"{format_number(self._take_number(key))}×"

    def text(self, key: str) -> str:
        """Quote measure `key` as text (a label, an id, a note)."""
        return str(self._take(key))

    def entity(self, index: int, entity: Entity) -> str:
        """An entity as `label [id]`, or just the id when the label must not be shown."""
        shown = display_label(entity)
        self._take(f"top_entities[{index}].id")
        if shown == entity.id:
            return entity.id
        self._take(f"top_entities[{index}].label")
        return f"{shown} [{entity.id}]"

    def name(self, vertex_id: str) -> str:
        """A vertex as `label [id]` when the result names it, else its id (the label quoted)."""
        key = f"names[{vertex_id}]"
        label = self._measures.get(key)
        if not isinstance(label, str) or not label or _EMAIL.search(label):
            return vertex_id
        self._take(key)
        return f"{label} [{vertex_id}]"

    def names(self, vertex_ids: Iterable[str], *, limit: int = 3) -> str:
        """Several vertices named for a sentence: "A [x], B [y] and C [z]" (at most `limit`)."""
        shown = [self.name(vertex_id) for vertex_id in list(vertex_ids)[:limit]]
        if len(shown) <= 1:
            return "".join(shown)
        return ", ".join(shown[:-1]) + " and " + shown[-1]


@dataclass
class WrittenInsight:
    """An insight as written, with the entities it is about."""

    insight: Insight
    related: list[str] = field(default_factory=list)
    actionable: bool = True
    """False for findings of absence ('no cycles'): they lower the priority of actions."""


@dataclass
class ReportWriter:
    """Collects the findings of one report."""

    template: AnalysisTemplate
    execution: ExecutionResult
    vertical: Vertical
    intent: Intent
    measures: dict[str, MetricValue]
    findings: list[WrittenInsight] = field(default_factory=list)
    extra_recommendations: list[Recommendation] = field(default_factory=list)
    answer: dict[str, Any] | None = None
    """The direct answer when the question asks for a value (`gaai_graph.models.Answer` shape:
    kind, value, convention, method); interpreters of value-answering methods set it."""
    patterns: list[dict[str, Any]] = field(default_factory=list)
    """Machine-readable findings (docs/report-contract.md: kind, entities, flagged, evidence,
    confidence, explanation), added with `pattern`."""

    @property
    def vertex_count(self) -> float | None:
        """Vertices the result covers, when the result says."""
        number = _number(self.measures.get("metrics.vertex_count"))
        if number is not None:
            return number
        if self.execution.statistics is not None:
            return float(self.execution.statistics.count)
        return None

    @property
    def approximate(self) -> bool:
        """Whether the engine estimated rather than computed.

        True with an `approximation` metric or a note saying scores were sampled or are
        estimates. A "member sample" of a group is a listing, not an approximation.
        """
        if self.execution.metrics.get("approximation"):
            return True
        text = " ".join(self.execution.notes).lower()
        return any(word in text for word in ("sampled", "approximat", "estimate"))

    def quoter(self) -> Quoter:
        """A fresh quoter: the evidence of one insight."""
        return Quoter(self.measures)

    def name_entities(self) -> None:
        """Write every vertex id quoted so far as "Label [id]" where the result names it.

        Runs once, after the interpreter: over the insights (`name_entities`, labels recorded
        as evidence), the patterns' explanations and the recommendations. Ids of vertices
        without a label stay as they are.
        """
        if not self.execution.names:
            return
        namer = Namer.from_labels(self.execution.names)
        for written in self.findings:
            written.insight = name_entities(written.insight, self.measures, namer)
        for recorded in self.patterns:
            recorded["explanation"] = namer.named_text(str(recorded.get("explanation", "")))[0]
        self.extra_recommendations = [
            recommendation.model_copy(
                update={
                    "title": namer.named_text(recommendation.title)[0],
                    "description": namer.named_text(recommendation.description)[0],
                }
            )
            for recommendation in self.extra_recommendations
        ]

    def add(
        self,
        title: str,
        description: str,
        strength: float,
        quoter: Quoter,
        related: list[str] | None = None,
        *,
        actionable: bool = True,
        kind: Literal["finding", "context"] = "finding",
    ) -> Insight:
        """Add an insight whose numbers come from `quoter`'s evidence.

        Args:
            title: Short headline of the insight.
            description: One or two sentences; every number quoted through `quoter`.
            strength: How clear the signal is, 0..1 (see `confidence`).
            quoter: The quoter the text was written with (its evidence is recorded).
            related: Entities the insight is about (recommendations name them).
            actionable: False for findings of absence ('no cycles'): always context.
            kind: "finding" (actionable, surprising) or "context".

        Returns:
            The insight.
        """
        insight = Insight(
            title=title,
            description=description,
            confidence=confidence(strength, self.vertex_count, approximate=self.approximate),
            evidence=dict(quoter.evidence),
            kind=kind if actionable else "context",
        )
        self.findings.append(WrittenInsight(insight, related or [], actionable))
        return insight

    def signal(self) -> float:
        """Confidence of the strongest actionable finding (0 when there is none)."""
        return max((f.insight.confidence for f in self.findings if f.actionable), default=0.0)

    def term(self, collection: str, *, plural: bool = False) -> str:
        """The vertical's business word for `collection`."""
        return entity_term(collection, self.vertical, plural=plural)

    def population(self, *, plural: bool = True) -> str:
        """Business word for the scored vertices: the projection's one collection, or 'vertices'.

        Statistics cover the whole projection, so a single term is used only when the
        projection has a single vertex collection.
        """
        projection = self.execution.projection or self.template.projection
        if len(projection.vertex_collections) == 1:
            return self.term(projection.vertex_collections[0], plural=plural)
        return "vertices" if plural else "vertex"

    def leaders(self, *, plural: bool = True) -> str:
        """Business word for the listed top entities: their one collection's term, or 'entities'."""
        collections = {_collection_of(e.id) for e in self.execution.top_entities}
        if len(collections) == 1:
            return self.term(next(iter(collections)), plural=plural)
        return "entities" if plural else "entity"

    def terms_of(self, collections: Iterable[str], *, plural: bool = True) -> str:
        """Business words for several collections: 'devices and payment methods'.

        In the singular the words are joined by 'or' ('device or payment method').
        """
        words = list(dict.fromkeys(self.term(name, plural=plural) for name in collections))
        if len(words) <= 1:
            return words[0] if words else ("vertices" if plural else "vertex")
        return ", ".join(words[:-1]) + (" and " if plural else " or ") + words[-1]

    def result_members(self, index: int) -> int:
        """Members of a listed group from the result collections (all members when none)."""
        group = self.execution.groups[index]
        wanted = set(self.template.result_collections)
        if not wanted:
            return group.size
        return sum(count for name, count in group.composition.items() if name in wanted)

    def composition_words(self, index: int, quoter: Quoter) -> str:
        """Listed group `index`'s members by collection, in words, each count quoted."""
        group = self.execution.groups[index]
        parts = [
            f"{quoter.num(f'groups[{index}].composition.{collection}')} "
            f"{self.term(collection, plural=count != 1)}"
            for collection, count in sorted(group.composition.items(), key=lambda kv: -kv[1])
        ]
        if not parts:
            return ""
        if len(parts) == 1:
            return parts[0]
        return ", ".join(parts[:-1]) + " and " + parts[-1]

    def pattern(
        self,
        kind: str,
        entities: list[str],
        *,
        flagged: bool,
        evidence: dict[str, Any],
        confidence_value: float,
        explanation: str,
    ) -> dict[str, Any]:
        """Record one machine-readable finding (a pattern the report calls out).

        Args:
            kind: The pattern kind ("cycle", "collector", "sole_supplier", "community", ...).
            entities: Vertex ids (`collection/key`) the pattern is about.
            flagged: True only for an alarm: unusual against the graph's own baseline.
            evidence: The measured numbers (observed, expected, percentile, z_score, lift...).
            confidence_value: Confidence in 0..1, derived from the evidence.
            explanation: One sentence saying why, in the domain's words.

        Returns:
            The recorded pattern.
        """
        recorded = {
            "kind": kind,
            "entities": list(entities),
            "flagged": flagged,
            "evidence": dict(evidence),
            "confidence": round(max(0.0, min(1.0, confidence_value)), 4),
            "explanation": explanation,
        }
        self.patterns.append(recorded)
        return recorded
