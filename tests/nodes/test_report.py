"""Tests of the rule-based report writer: every quoted number is backed by the whole result."""

from __future__ import annotations

import re
from typing import Any

import pytest

from gaai_graph.models import (
    AnalysisTemplate,
    Entity,
    ExecutionResult,
    GraphProjection,
    Group,
    HistogramBin,
    Insight,
    Requirement,
    ScoreStatistics,
    UseCase,
    Vertical,
)
from gaai_graph.nodes.report import (
    INTENT_BY_ALGORITHM,
    check_insight,
    confidence,
    count_at_least,
    display_label,
    format_number,
    format_percent,
    intent_of,
    unbacked_numbers,
    write_report_by_rules,
)

PROJECTION = GraphProjection(
    vertex_collections=["customers", "devices", "cards"],
    edge_collections=["uses_device", "uses_card"],
    directed=True,
)

INTERPRETATION = {
    "influence": "Influential customers sway the purchases of the people they refer.",
    "hubs": "Hub customers or devices touch unusually many accounts.",
    "brokers": "Brokers relay money between otherwise separate account clusters.",
    "cohesion": "Tightly knit cores are where collusion is easiest.",
    "communities": "Communities are natural customer segments.",
    "rings": "Small groups of customers sharing devices or cards are possible fraud rings.",
    "cycles": "Money flowing in a loop is a classic layering pattern.",
}
RECOMMENDATIONS = {
    "influence": ["Enrol top influencers in the referral programme."],
    "hubs": ["Rate-limit accounts attached to hub devices."],
    "brokers": ["Put broker accounts under enhanced due diligence."],
    "cohesion": ["Audit the accounts in the innermost core together."],
    "communities": ["Design one campaign per community."],
    "rings": ["Open a fraud case for every ring of three or more customers."],
    "cycles": ["Report circular transfers to the AML team."],
}
VERTICAL = Vertical(
    name="fraud_aml",
    title="Fraud and AML",
    entity_terms={"customer": "customer", "device": "device", "card": "payment card"},
    interpretation=INTERPRETATION,
    recommendations=RECOMMENDATIONS,
)
REQUIREMENTS = [
    Requirement(
        id="REQ-004", kind="requirement", text="Find fraud rings.", source="brief.md", line=12
    )
]
INTENT_WORDS = {
    "influence": "influen",
    "hubs": "hub",
    "brokers": "broker",
    "cohesion": "knit",
    "communities": "communit",
    "rings": "ring",
    "cycles": "cycle",
}


def _stats(**values: float) -> ScoreStatistics:
    return ScoreStatistics(**values)


def _metrics(vertices: int, edges: int, **extra: Any) -> dict[str, Any]:
    return {
        "vertex_count": vertices,
        "edge_count": edges,
        "runtime_seconds": 0.31,
        "directed": True,
        "skipped_edges": 0,
        **extra,
    }


def _entities(collection: str, values: list[float], labels: list[str]) -> list[Entity]:
    return [
        Entity(id=f"{collection}/{key}", value=value, label=label)
        for key, value, label in zip(
            [f"c{1000 + 17 * i}" for i in range(len(values))], values, labels, strict=True
        )
    ]


def _group(size: int, composition: dict[str, int], prefix: str) -> Group:
    members = [f"{collection}/{prefix}{i}" for collection in composition for i in range(2)][:4]
    return Group(size=size, members_sample=members, composition=composition)


def pagerank_result() -> ExecutionResult:
    return ExecutionResult(
        template_id="TPL-001",
        status="succeeded",
        algorithm="pagerank",
        parameters={"damping_factor": 0.85},
        projection=PROJECTION,
        metrics=_metrics(12480, 48213),
        statistics=_stats(
            count=12480,
            min=0.0000312,
            max=0.00871,
            mean=0.0000801,
            median=0.0000455,
            std=0.000193,
            p90=0.000142,
            p99=0.00105,
            total=1.0,
            gini=0.71,
            top_k_share=0.184,
        ),
        score_histogram=[
            HistogramBin(lower=0.0, upper=0.001, count=12300),
            HistogramBin(lower=0.001, upper=0.00871, count=180),
        ],
        top_entities=_entities(
            "customers",
            [0.00871, 0.00652, 0.00433],
            ["Ada Lovelace", "bob.smith@example.com", "Customer 42"],
        ),
    )


def degree_result() -> ExecutionResult:
    return ExecutionResult(
        template_id="TPL-002",
        status="succeeded",
        algorithm="degree",
        parameters={"mode": "all"},
        projection=PROJECTION,
        metrics=_metrics(5000, 15500),
        statistics=_stats(
            count=5000,
            min=0,
            max=412,
            mean=6.2,
            median=4,
            std=11.3,
            p90=12,
            p99=58,
            total=31000,
            gini=0.48,
            top_k_share=0.09,
        ),
        top_entities=_entities("devices", [412, 377, 120], ["Device A", "Device B", "Device C"]),
    )


def betweenness_result() -> ExecutionResult:
    return ExecutionResult(
        template_id="TPL-003",
        status="succeeded",
        algorithm="betweenness",
        parameters={"sample_size": 256, "exact_threshold": 5000, "normalized": True},
        projection=PROJECTION,
        metrics=_metrics(20000, 61000, approximation="sampled 256 of 20,000 sources"),
        statistics=_stats(
            count=20000,
            min=0.0,
            max=0.0412,
            mean=0.00018,
            median=0.0,
            std=0.0011,
            p90=0.00021,
            p99=0.0047,
            total=3.6,
            gini=0.92,
            top_k_share=0.31,
        ),
        top_entities=_entities("customers", [0.0412, 0.0309], ["Grace Hopper", "Alan Turing"]),
        notes=["betweenness sampled from 256 sources"],
    )


def kcore_result() -> ExecutionResult:
    return ExecutionResult(
        template_id="TPL-004",
        status="succeeded",
        algorithm="kcore",
        projection=PROJECTION,
        metrics=_metrics(3000, 9100),
        statistics=_stats(
            count=3000,
            min=1,
            max=14,
            mean=3.4,
            median=3,
            std=2.1,
            p90=6,
            p99=12,
            total=10200,
            gini=0.27,
            top_k_share=0.0137,
        ),
        top_entities=_entities("customers", [14, 14, 14], ["Kim", "Lee", "Park"]),
    )


def triangles_result() -> ExecutionResult:
    return ExecutionResult(
        template_id="TPL-005",
        status="succeeded",
        algorithm="triangles",
        parameters={"score": "triangles"},
        projection=PROJECTION,
        metrics=_metrics(4000, 22000, skipped_edges=37),
        statistics=_stats(
            count=4000,
            min=0,
            max=310,
            mean=7.38,
            median=2,
            std=15.2,
            p90=19,
            p99=88,
            total=29529,
            gini=0.66,
            top_k_share=0.061,
        ),
        top_entities=_entities("customers", [310, 288], ["Node 1", "Node 2"]),
    )


def _communities(algorithm: str, modularity: float | None, template_id: str) -> ExecutionResult:
    extra: dict[str, Any] = {
        "largest_group_size": 1910,
        "largest_group_share": 0.153,
        "singleton_count": 212,
    }
    if modularity is not None:
        extra["modularity"] = modularity
    return ExecutionResult(
        template_id=template_id,
        status="succeeded",
        algorithm=algorithm,
        parameters={"resolution": 1.0} if algorithm != "label_propagation" else {},
        projection=PROJECTION,
        metrics=_metrics(12480, 48213, **extra),
        groups=[
            _group(1910, {"customers": 1500, "devices": 300, "cards": 110}, "a"),
            _group(1404, {"customers": 1200, "devices": 204}, "b"),
            _group(980, {"customers": 980}, "c"),
        ],
        group_count=37 if algorithm != "label_propagation" else 544,
        group_size_histogram=[
            HistogramBin(lower=1, upper=2, count=212),
            HistogramBin(lower=2, upper=100, count=300),
            HistogramBin(lower=100, upper=1910, count=32),
        ],
    )


def louvain_strong() -> ExecutionResult:
    return _communities("louvain", 0.64, "TPL-006")


def leiden_moderate() -> ExecutionResult:
    return _communities("leiden", 0.41, "TPL-007")


def label_propagation_weak() -> ExecutionResult:
    return _communities("label_propagation", 0.18, "TPL-008")


def wcc_rings() -> ExecutionResult:
    return ExecutionResult(
        template_id="TPL-009",
        status="succeeded",
        algorithm="wcc",
        projection=PROJECTION,
        metrics=_metrics(
            12480,
            48213,
            largest_group_size=9120,
            largest_group_share=0.7308,
            singleton_count=1010,
        ),
        groups=[
            _group(9120, {"customers": 7000, "devices": 1500, "cards": 620}, "g"),
            _group(7, {"customers": 4, "devices": 2, "cards": 1}, "r"),
            _group(6, {"customers": 5, "devices": 1}, "s"),
            _group(3, {"customers": 2, "cards": 1}, "t"),
            _group(2, {"customers": 1, "devices": 1}, "u"),
        ],
        group_count=1204,
        group_size_histogram=[
            HistogramBin(lower=1, upper=2, count=1010),
            HistogramBin(lower=2, upper=3, count=170),
            HistogramBin(lower=3, upper=5, count=18),
            HistogramBin(lower=5, upper=10, count=5),
            HistogramBin(lower=10, upper=9120, count=1),
        ],
    )


def wcc_coarse_histogram() -> ExecutionResult:
    result = wcc_rings()
    result.template_id = "TPL-010"
    result.group_size_histogram = [
        HistogramBin(lower=1, upper=2, count=1010),
        HistogramBin(lower=2, upper=8, count=193),
        HistogramBin(lower=8, upper=9120, count=1),
    ]
    return result


def scc_cycles() -> ExecutionResult:
    return ExecutionResult(
        template_id="TPL-011",
        status="succeeded",
        algorithm="scc",
        projection=PROJECTION,
        metrics=_metrics(2950, 4100, largest_group_size=12, singleton_count=2850),
        groups=[
            _group(12, {"customers": 12}, "x"),
            _group(5, {"customers": 5}, "y"),
            _group(3, {"customers": 3}, "z"),
        ],
        group_count=2890,
        group_size_histogram=[
            HistogramBin(lower=1, upper=2, count=2850),
            HistogramBin(lower=2, upper=12, count=40),
        ],
    )


def scc_acyclic() -> ExecutionResult:
    return ExecutionResult(
        template_id="TPL-012",
        status="succeeded",
        algorithm="scc",
        projection=PROJECTION,
        metrics=_metrics(800, 1200, largest_group_size=1, singleton_count=800),
        groups=[_group(1, {"customers": 1}, "q")],
        group_count=800,
        group_size_histogram=[HistogramBin(lower=1, upper=1, count=800)],
    )


ALL_RESULTS = [
    pagerank_result,
    degree_result,
    betweenness_result,
    kcore_result,
    triangles_result,
    louvain_strong,
    leiden_moderate,
    label_propagation_weak,
    wcc_rings,
    wcc_coarse_histogram,
    scc_cycles,
    scc_acyclic,
]


def template_for(execution: ExecutionResult, **overrides: Any) -> AnalysisTemplate:
    fields: dict[str, Any] = {
        "id": execution.template_id,
        "use_case_id": f"UC-{execution.template_id[4:]}",
        "requirement_ids": ["REQ-004"],
        "title": f"{execution.algorithm} analysis",
        "algorithm": execution.algorithm,
        "projection": PROJECTION,
        "parameters": execution.parameters,
    }
    fields.update(overrides)
    return AnalysisTemplate(**fields)


def report_for(execution: ExecutionResult, intent: str | None = None) -> Any:
    return write_report_by_rules(
        template_for(execution), execution, VERTICAL, REQUIREMENTS, intent=intent
    )


# --------------------------------------------------------------------------- evidence audit


def _resolve(execution: ExecutionResult, path: str) -> Any:
    """Walk a measure path through the plain dump of the result (independent of the code)."""
    node: Any = execution.model_dump()
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", path):
        node = node[int(index)] if index else node[name]
    return node


def _expected_derived(execution: ExecutionResult, name: str) -> float:
    stats = execution.statistics
    metrics = execution.metrics
    if name == "top_to_median_ratio":
        assert stats is not None
        return execution.top_entities[0].value / stats.median
    if name == "top_to_mean_ratio":
        assert stats is not None
        return execution.top_entities[0].value / stats.mean
    if name == "largest_group_share":
        return float(metrics.get("largest_group_share") or 0) or (
            execution.groups[0].size / float(metrics["vertex_count"])  # type: ignore[arg-type]
        )
    if name == "singleton_share":
        return float(metrics["singleton_count"]) / float(metrics["vertex_count"])  # type: ignore[arg-type]
    if name == "nontrivial_group_count":
        assert execution.group_count is not None
        return execution.group_count - int(metrics["singleton_count"])  # type: ignore[arg-type]
    if name == "rings_beyond_main_component":
        share = float(metrics.get("largest_group_share") or 0)
        return int(metrics["groups_with_at_least_2_result_members"]) - int(share > 0.5)  # type: ignore[arg-type]
    if name in {"groups_at_least_3", "rings_beyond_largest"}:
        counts = {(b.lower, b.upper): b.count for b in execution.group_size_histogram}
        at_least_3 = int(
            metrics.get("groups_of_size_at_least_3")  # type: ignore[arg-type]
            or sum(c for (low, _), c in counts.items() if low >= 3)
        )
        if name == "groups_at_least_3":
            return at_least_3
        return at_least_3 - (1 if execution.groups[0].size >= 3 else 0)
    if name == "triangle_count":
        assert stats is not None
        return stats.total / 3
    if name == "top_tie_count":
        values = [entity.value for entity in execution.top_entities]
        tied = sum(1 for value in values if abs(value - values[0]) <= 1e-9 * abs(values[0]))
        at_max = metrics.get("result_vertices_at_max")
        if tied == len(values) and isinstance(at_max, int) and at_max >= tied:
            return at_max
        return tied
    raise AssertionError(f"unexpected derived measure {name}")


def _backed(insight: Insight, execution: ExecutionResult) -> None:
    assert check_insight(insight, execution) == [], insight
    for path, value in insight.evidence.items():
        if path.startswith("derived."):
            expected = _expected_derived(execution, path.removeprefix("derived."))
            assert value == pytest.approx(expected), path
        else:
            assert value == _resolve(execution, path), path


@pytest.mark.parametrize("make", ALL_RESULTS, ids=lambda f: f.__name__)
def test_every_quoted_number_comes_from_evidence_and_the_result(make: Any) -> None:
    execution = make()
    report = report_for(execution)

    assert report.status == "succeeded"
    assert report.insights, "a succeeded result must yield findings"
    for insight in report.insights:
        _backed(insight, execution)
        assert any(isinstance(v, int | float) for v in insight.evidence.values()), insight.title
        assert 0.0 <= insight.confidence <= 1.0
    # The summary paraphrases insights: its numbers are backed by their combined evidence,
    # the requirement ids it names and the vertical's own text.
    evidence: dict[str, Any] = {}
    for insight in report.insights:
        evidence.update(insight.evidence)
    evidence.update({r.id: r.id for r in REQUIREMENTS})
    assert unbacked_numbers(report.summary, evidence) == []
    # Findings come before context; within each, the most confident first.
    ranks = [(insight.kind == "finding", insight.confidence) for insight in report.insights]
    assert ranks == sorted(ranks, reverse=True)


def test_checker_rejects_invented_and_foreign_numbers() -> None:
    execution = pagerank_result()
    honest = Insight(
        title="Concentrated",
        description="The Gini coefficient is 0.710 and the top-k hold 18.4%.",
        confidence=0.7,
        evidence={"statistics.gini": 0.71, "statistics.top_k_share": 0.184},
    )
    assert check_insight(honest, execution) == []

    invented = honest.model_copy(
        update={"description": "The Gini coefficient is 0.710 and the top-k hold 25.0%."}
    )
    assert any("25.0%" in problem for problem in check_insight(invented, execution))

    foreign = honest.model_copy(
        update={"evidence": {"statistics.gini": 0.5, "statistics.top_k_share": 0.184}}
    )
    assert any("statistics.gini" in problem for problem in check_insight(foreign, execution))

    unknown = honest.model_copy(
        update={"evidence": {**honest.evidence, "metrics.modularity": 0.71}}
    )
    assert any("metrics.modularity" in problem for problem in check_insight(unknown, execution))


def test_unbacked_numbers_reads_formatted_numbers_but_not_names() -> None:
    evidence: dict[str, Any] = {"a": 12480, "b": 0.18449, "c": "customers/c1042", "d": 0.0000455}
    text = "Across 12,480 vertices (p90, v2) 18.4% hold it; see customers/c1042 and 0.0000455."
    assert unbacked_numbers(text, evidence) == []
    assert unbacked_numbers("18.5% and 12,481", evidence) == ["18.5%", "12,481"]
    # A share quoted without the percent sign is a different number.
    assert unbacked_numbers("18.4 points", evidence) == ["18.4"]
    # Fewer printed digits allow a coarser rounding, more digits a finer one.
    assert unbacked_numbers("0.18 and 0.1845", evidence) == []
    assert unbacked_numbers("0.1846", evidence) == ["0.1846"]


def test_formatters_round_trip_through_the_checker() -> None:
    for value in [0, 7, 12480, 1234567, 0.5, 0.0000312, 3.14159, 412.37, 0.999, 98765.4321]:
        assert unbacked_numbers(format_number(value), {"v": value}) == [], value
    for share in [0.0, 0.184, 0.00042, 1.0, 0.7308]:
        assert unbacked_numbers(format_percent(share), {"v": share}) == [], share
    assert "e" not in format_number(0.0000312)


# --------------------------------------------------------------------------- intents


INTENT_FIXTURES = {
    "influence": pagerank_result,
    "hubs": degree_result,
    "brokers": betweenness_result,
    "cohesion": kcore_result,
    "communities": louvain_strong,
    "rings": wcc_rings,
    "cycles": scc_cycles,
}


@pytest.mark.parametrize("intent", sorted(INTENT_FIXTURES))
def test_each_intent_reads_and_recommends_in_its_own_terms(intent: str) -> None:
    report = report_for(INTENT_FIXTURES[intent](), intent=intent)

    assert INTENT_WORDS[intent] in report.summary.lower()
    assert INTERPRETATION[intent] in report.summary
    for other, reading in INTERPRETATION.items():
        if other != intent:
            assert reading not in report.summary
    descriptions = [r.description for r in report.recommendations]
    assert RECOMMENDATIONS[intent][0] in descriptions
    for other, texts in RECOMMENDATIONS.items():
        if other != intent:
            assert texts[0] not in descriptions
    # At least one action is specific to this result: it names entities from it.
    result_ids = {e.id for e in report.top_entities} | {
        m for g in report.groups for m in g.members_sample
    }
    specific = [r for r in report.recommendations if r.description not in RECOMMENDATIONS[intent]]
    assert specific
    assert all(set(r.related_entities) <= result_ids for r in report.recommendations)
    assert any(r.related_entities for r in specific)


def test_intent_defaults_to_the_algorithm_and_use_case_wins() -> None:
    execution = pagerank_result()
    template = template_for(execution)
    assert intent_of(template, []) == "influence"
    use_case = UseCase(
        id=template.use_case_id,
        title="Hubs",
        intent="hubs",
        description="Which customers connect most?",
        requirement_ids=[],
    )
    assert intent_of(template, [use_case]) == "hubs"
    assert set(INTENT_BY_ALGORITHM.values()) == set(INTENT_FIXTURES)

    as_hubs = write_report_by_rules(template, execution, VERTICAL, [], intent="hubs")
    assert INTERPRETATION["hubs"] in as_hubs.summary
    assert RECOMMENDATIONS["hubs"][0] in [r.description for r in as_hubs.recommendations]
    unknown = write_report_by_rules(template, execution, VERTICAL, [], intent="astrology")
    assert INTERPRETATION["influence"] in unknown.summary


# --------------------------------------------------------------------------- algorithms


def test_community_confidence_follows_modularity_bands() -> None:
    strong = report_for(louvain_strong())
    moderate = report_for(leiden_moderate())
    weak = report_for(label_propagation_weak())

    def structure(report: Any) -> Insight:
        return next(i for i in report.insights if i.title.endswith("community structure"))

    assert structure(strong).title.startswith("Strong")
    assert structure(moderate).title.startswith("Moderate")
    assert structure(weak).title.startswith("Weak")
    assert structure(strong).confidence > structure(moderate).confidence
    assert structure(moderate).confidence > structure(weak).confidence
    # The same graph with only modularity changed: the signal, not the size, decides.
    assert (
        structure(strong).evidence["metrics.vertex_count"]
        == structure(weak).evidence["metrics.vertex_count"]
    )
    priorities = {"high": 0, "medium": 1, "low": 2}
    assert (
        priorities[strong.recommendations[0].priority]
        <= priorities[weak.recommendations[0].priority]
    )


def test_confidence_grows_with_signal_and_graph_size_and_drops_when_sampled() -> None:
    assert confidence(0.9, 10_000) > confidence(0.5, 10_000)
    assert confidence(0.8, 100_000) > confidence(0.8, 50)
    assert confidence(0.8, 10_000, approximate=True) < confidence(0.8, 10_000)
    assert 0.05 <= confidence(0.0, 1) <= confidence(1.0, 10**9) <= 0.99


def test_rings_are_counted_over_the_whole_result_not_the_listed_groups() -> None:
    execution = wcc_rings()
    report = report_for(execution, intent="rings")
    rings = next(i for i in report.insights if i.title == "Suspicious rings")

    # 18 + 5 + 1 components of size ≥ 3 in the histogram, minus the giant one.
    expected = sum(b.count for b in execution.group_size_histogram if b.lower >= 3) - 1
    assert rings.evidence["derived.rings_beyond_largest"] == expected
    assert expected > len(execution.groups)
    assert f"{expected} components" in rings.description
    assert "4 customers, 2 devices and 1 payment card" in rings.description

    coarse = report_for(wcc_coarse_histogram(), intent="rings")
    fallback = next(i for i in coarse.insights if i.title == "Suspicious rings")
    assert "derived.rings_beyond_largest" not in fallback.evidence
    assert fallback.evidence["derived.nontrivial_group_count"] == 1204 - 1010


def test_histogram_counts_refuse_to_guess_inside_a_bin() -> None:
    bins = [
        HistogramBin(lower=1, upper=2, count=10),
        HistogramBin(lower=2, upper=4, count=5),
        HistogramBin(lower=4, upper=9, count=2),
    ]
    assert count_at_least(bins, 2) == 7
    assert count_at_least(bins, 4) == 2
    assert count_at_least(bins, 3) is None
    assert count_at_least([], 3) is None


def test_cycles_count_non_trivial_components_and_acyclic_graphs_say_so() -> None:
    execution = scc_cycles()
    report = report_for(execution, intent="cycles")
    cycles = next(i for i in report.insights if i.title == "Cycles found")
    assert execution.group_count is not None
    assert cycles.evidence["derived.nontrivial_group_count"] == execution.group_count - 2850
    assert report.recommendations[0].title == "Trace the largest cycles"

    acyclic = report_for(scc_acyclic(), intent="cycles")
    assert [i.title for i in acyclic.insights] == ["No cycles"]
    # Nothing was found, so the vertical's actions are not urgent.
    assert all(r.priority == "low" for r in acyclic.recommendations)


def test_betweenness_report_states_the_sampling_approximation() -> None:
    execution = betweenness_result()
    report = report_for(execution)
    concentrated = next(i for i in report.insights if "concentrated" in i.title)
    assert "sampled 256 of 20,000 sources" in concentrated.description
    exact = execution.model_copy(update={"metrics": {**execution.metrics}, "notes": []})
    del exact.metrics["approximation"]
    exact_report = report_for(exact)
    exact_concentrated = next(i for i in exact_report.insights if "concentrated" in i.title)
    assert exact_concentrated.confidence > concentrated.confidence


def test_triangle_and_kcore_reports_read_their_own_measures() -> None:
    triangles = report_for(triangles_result())
    closed = next(i for i in triangles.insights if "triangles" in i.title.lower())
    assert closed.evidence["derived.triangle_count"] == pytest.approx(29529 / 3)
    assert any(i.title == "Edges left out" for i in triangles.insights)

    kcore = report_for(kcore_result())
    core = next(i for i in kcore.insights if "core" in i.title.lower())
    assert core.evidence["statistics.max"] == 14


def test_reports_never_print_email_labels() -> None:
    report = report_for(pagerank_result())
    texts = [report.summary]
    texts += [f"{i.title} {i.description}" for i in report.insights]
    texts += [f"{r.title} {r.description}" for r in report.recommendations]
    assert not any("@" in text for text in texts)
    assert "Ada Lovelace" in report.summary
    assert display_label(report.top_entities[1]) == report.top_entities[1].id


def test_report_copies_the_contract_fields_unchanged() -> None:
    execution = louvain_strong()
    template = template_for(execution, title="Customer communities")
    report = write_report_by_rules(template, execution, VERTICAL, REQUIREMENTS)
    assert report.template_id == template.id
    assert report.use_case_id == template.use_case_id
    assert report.requirement_ids == ["REQ-004"]
    assert report.title == "Customer communities"
    for name in (
        "algorithm",
        "parameters",
        "projection",
        "metrics",
        "statistics",
        "score_histogram",
        "top_entities",
        "groups",
        "group_count",
        "group_size_histogram",
        "notes",
    ):
        assert getattr(report, name) == getattr(execution, name), name
    assert report.generated_by == "rules"


# --------------------------------------------------------------------------- failures


def _failed(error: str) -> ExecutionResult:
    return ExecutionResult(
        template_id="TPL-099",
        status="failed",
        error=error,
        algorithm="pagerank",
        parameters={"damping_factor": 0.85},
        projection=PROJECTION,
    )


def test_failed_execution_gives_a_failed_report_with_a_fix() -> None:
    error = "unknown collection 'galaxies' in projection"
    execution = _failed(error)
    report = write_report_by_rules(template_for(execution), execution, VERTICAL, REQUIREMENTS)
    assert report.status == "failed"
    assert report.error == error
    assert "failed" in report.summary and error in report.summary
    assert report.insights == []
    assert len(report.recommendations) == 1
    assert "collection" in report.recommendations[0].title.lower()


def test_failed_execution_without_a_known_cause_recommends_nothing() -> None:
    execution = _failed("RuntimeError: segmentation fault in worker")
    report = write_report_by_rules(template_for(execution), execution, VERTICAL, [])
    assert report.status == "failed"
    assert report.recommendations == []
    assert report.insights == []


def test_empty_result_is_reported_without_invented_findings() -> None:
    execution = ExecutionResult(
        template_id="TPL-050",
        status="succeeded",
        algorithm="pagerank",
        projection=PROJECTION,
        metrics=_metrics(0, 0),
    )
    report = report_for(execution)
    assert report.status == "succeeded"
    assert report.insights == []
    assert "no vertices" in report.summary


# --------------------------------------------------------------------------- polish


def _members(collection: str, prefix: str, count: int) -> list[str]:
    return [f"{collection}/{prefix}{i}" for i in range(count)]


def wcc_customer_rings(ring_count: int = 3) -> ExecutionResult:
    """Rings of customers beside many ordinary one-customer components; top_k lists three."""
    ring_a = _members("customers", "a", 4) + _members("devices", "a", 2) + ["cards/a0"]
    ring_b = [*_members("customers", "b", 2), "cards/b0"]
    ordinary = ["customers/o0", *_members("devices", "o", 2), *_members("cards", "o", 2)]
    return ExecutionResult(
        template_id="TPL-020",
        status="succeeded",
        algorithm="wcc",
        projection=PROJECTION,
        metrics=_metrics(
            4605,
            3453,
            largest_group_size=7,
            largest_group_share=7 / 4605,
            singleton_count=0,
            groups_of_size_at_least_3=1182,
            groups_with_at_least_2_result_members=ring_count,
            result_members_in_multi_member_groups=9,
        ),
        groups=[
            Group(
                size=7,
                members_sample=ring_a,
                composition={"customers": 4, "devices": 2, "cards": 1},
            ),
            Group(
                size=5,
                members_sample=ordinary,
                composition={"customers": 1, "devices": 2, "cards": 2},
            ),
            Group(size=3, members_sample=ring_b, composition={"customers": 2, "cards": 1}),
        ],
        group_count=1182,
        group_size_histogram=[
            HistogramBin(lower=2, upper=4, count=3),
            HistogramBin(lower=4, upper=8, count=1179),
        ],
    )


def _customer_template(execution: ExecutionResult) -> AnalysisTemplate:
    return template_for(execution, result_collections=["customers"])


def test_an_ordinary_component_is_not_a_ring_and_rings_are_counted_over_the_whole_result() -> None:
    execution = wcc_customer_rings()
    report = write_report_by_rules(
        _customer_template(execution), execution, VERTICAL, REQUIREMENTS, intent="rings"
    )
    rings = report.insights[0]
    assert rings.title == "Suspicious rings" and rings.kind == "finding"
    assert check_insight(rings, execution) == []
    # Three rings in the whole result (the engine's count), of which two are listed.
    assert rings.evidence["derived.rings_beyond_main_component"] == 3
    assert rings.description.startswith("3 connected groups each hold two or more customers")
    assert "4 customers, 2 devices and 1 payment card" in rings.description
    review = report.recommendations[0]
    assert review.title == "Review all 2 listed rings"
    ring_customers = _members("customers", "a", 4) + _members("customers", "b", 2)
    for customer in ring_customers:
        assert customer in review.description
    # The ordinary component (one customer with their own devices and cards) is not flagged.
    assert "customers/o0" not in review.description
    assert "customers/o0" not in review.related_entities
    assert "1 more ring is not listed" in review.description
    for insight in report.insights:
        _backed(insight, execution)


def test_no_multi_customer_group_means_no_ring() -> None:
    execution = wcc_customer_rings(ring_count=0)
    execution.groups = [execution.groups[1]]
    report = write_report_by_rules(
        _customer_template(execution), execution, VERTICAL, REQUIREMENTS, intent="rings"
    )
    assert [i.title for i in report.insights if i.title == "Suspicious rings"] == []
    absent = next(i for i in report.insights if i.title == "No isolated rings")
    assert absent.kind == "context"
    assert not any(r.title.startswith("Review") for r in report.recommendations)


def test_groups_of_three_or_more_come_from_the_engine_metric_not_the_histogram() -> None:
    execution = wcc_coarse_histogram()
    # The histogram's [2, 8) bin straddles 3; the engine's whole-result count settles it.
    execution.metrics["groups_of_size_at_least_3"] = 24
    report = report_for(execution, intent="rings")
    rings = next(i for i in report.insights if i.title == "Suspicious rings")
    assert rings.evidence["derived.rings_beyond_largest"] == 23
    _backed(rings, execution)


def test_k_core_report_leads_with_the_innermost_core_and_its_size() -> None:
    execution = kcore_result()
    execution.metrics.update(max_coreness=14, vertices_in_max_core=57, result_vertices_at_max=40)
    template = template_for(execution, result_collections=["customers"])
    report = write_report_by_rules(template, execution, VERTICAL, REQUIREMENTS)
    lead = report.insights[0]
    assert lead.title == "Innermost core: k = 14, 57 vertices"
    assert "40 of them are customers" in lead.description
    assert lead.kind == "finding"
    _backed(lead, execution)
    assert report.summary.split(". ", 1)[1].startswith("The innermost core has k = 14")


def _degree_on_resources(shared: int, total: int) -> ExecutionResult:
    execution = degree_result()
    execution.metrics.update(
        {
            "result_vertex_count": total,
            "result_vertices_at_least_2": shared,
            "result_vertices_at_least_2_in_devices": shared - 5,
            "result_vertex_count_in_devices": total // 2,
            "result_vertices_at_least_2_in_cards": 5,
            "result_vertex_count_in_cards": total - total // 2,
        }
    )
    return execution


def test_degree_counts_devices_and_cards_shared_by_two_or_more_over_the_whole_result() -> None:
    execution = _degree_on_resources(12, 3405)
    template = template_for(execution, result_collections=["devices", "cards"])
    report = write_report_by_rules(template, execution, VERTICAL, REQUIREMENTS, intent="hubs")
    shared = next(i for i in report.insights if i.title.endswith("have two or more links"))
    assert shared.title == "12 payment cards and devices have two or more links"
    assert shared.kind == "finding"
    assert shared.description.startswith("12 of the 3,405 payment cards and devices")
    assert "(5 of 1,703 payment cards; 7 of 1,702 devices)" in shared.description
    _backed(shared, execution)
    review = next(r for r in report.recommendations if r.title.startswith("Review the 12"))
    assert review.related_entities == [e.id for e in execution.top_entities if e.value >= 2]

    # When most vertices have several links (products in many orders), it is only context.
    common = _degree_on_resources(3000, 3405)
    report = write_report_by_rules(
        template_for(common, result_collections=["devices", "cards"]),
        common,
        VERTICAL,
        REQUIREMENTS,
        intent="hubs",
    )
    context = next(i for i in report.insights if "have two or more links" in i.title)
    assert context.kind == "context"
    assert not any(r.title.startswith("Review the 3,000") for r in report.recommendations)


def test_even_spreads_are_context_and_findings_lead() -> None:
    report = report_for(kcore_result())  # Gini 0.27: evenly spread
    spread = next(i for i in report.insights if "evenly spread" in i.title)
    assert spread.kind == "context"
    kinds = [i.kind for i in report.insights]
    assert kinds == sorted(kinds, key=lambda kind: kind != "finding")


@pytest.mark.parametrize("make", ALL_RESULTS, ids=lambda f: f.__name__)
def test_recommendations_are_complete_and_do_not_repeat_one_entity_list(make: Any) -> None:
    long_text = (
        "Send every account of a ring to the fraud team for review, largest and densest rings "
        "first, and hold referral bonuses and promotions for them meanwhile."
    )
    vertical = VERTICAL.model_copy(
        update={
            "recommendations": {
                intent: [*texts, long_text] for intent, texts in RECOMMENDATIONS.items()
            }
        }
    )
    execution = make()
    report = write_report_by_rules(template_for(execution), execution, vertical, REQUIREMENTS)
    for recommendation in report.recommendations:
        assert "…" not in recommendation.title
        assert recommendation.description.startswith(recommendation.title) or (
            recommendation.title not in recommendation.description
        )
    titles = [r.title for r in report.recommendations]
    # The whole first clause, up to the comma opening "and hold ...", never cut mid-clause.
    assert (
        "Send every account of a ring to the fraud team for review, largest and densest rings "
        "first" in titles
    )
    lists = [tuple(r.related_entities) for r in report.recommendations if r.related_entities]
    assert len(lists) == len(set(lists)), "two recommendations repeat the same entity list"


def test_vertical_actions_for_other_entities_are_left_out() -> None:
    vertical = VERTICAL.model_copy(
        update={
            "entity_terms": {**VERTICAL.entity_terms, "product": "product", "review": "review"},
            "recommendations": {
                "hubs": [
                    "Secure supply for hub products before stock-outs.",
                    "Rate-limit accounts attached to hub devices.",
                    "Send shared resources for review.",
                ]
            },
        }
    )
    execution = degree_result()  # projection: customers, devices, cards
    report = write_report_by_rules(
        template_for(execution), execution, vertical, REQUIREMENTS, intent="hubs"
    )
    descriptions = [r.description for r in report.recommendations]
    assert "Secure supply for hub products before stock-outs." not in descriptions
    assert "Rate-limit accounts attached to hub devices." in descriptions
    # No entity word of the vertical that the projection lacks: "review" is only a verb here
    # but matches the vertical's word, so the action is dropped only when no people word or
    # projected entity appears. This one names neither, so it goes.
    assert "Send shared resources for review." not in descriptions

    products = execution.model_copy(
        update={
            "projection": GraphProjection(
                vertex_collections=["products", "orders"], edge_collections=["contains"]
            )
        }
    )
    kept = write_report_by_rules(
        template_for(products, projection=products.projection),
        products,
        vertical,
        REQUIREMENTS,
        intent="hubs",
    )
    assert "Secure supply for hub products before stock-outs." in [
        r.description for r in kept.recommendations
    ]


def test_a_member_sample_note_is_not_an_approximation() -> None:
    execution = wcc_rings()
    plain = report_for(execution, intent="rings")
    execution.notes = ["Each group's member sample lists customers first."]
    noted = report_for(execution, intent="rings")
    assert [i.confidence for i in noted.insights] == [i.confidence for i in plain.insights]
    sampled = betweenness_result()
    assert (
        report_for(sampled).insights[0].confidence
        < report_for(sampled.model_copy(update={"metrics": _metrics(20000, 61000), "notes": []}))
        .insights[0]
        .confidence
    )


def test_counts_agree_with_their_nouns_and_people_are_not_peoples() -> None:
    execution = pagerank_result()
    execution.projection = GraphProjection(
        vertex_collections=["people"], edge_collections=["knows"], directed=False
    )
    execution.metrics = _metrics(12480, 48213, skipped_edges=1)
    execution.top_entities = _entities("people", [0.00871, 0.00652], ["Ada", "Bob"])
    generated = Vertical(name="generated", title="People", entity_terms={"people": "people"})
    template = template_for(execution, projection=execution.projection)

    report = write_report_by_rules(template, execution, generated, REQUIREMENTS)

    text = " ".join(f"{i.title} {i.description}" for i in report.insights)
    text += " ".join(r.description for r in report.recommendations)
    assert "Across 12,480 people," in text
    assert "peoples" not in text
    assert "1 edge was left out" in text and "1 edges" not in text
    for insight in report.insights:
        _backed(insight, execution)


def _tied_pagerank(values: list[float], **metrics: Any) -> ExecutionResult:
    execution = pagerank_result()
    execution.top_entities = _entities(
        "customers", values, [f"Customer {i}" for i in range(len(values))]
    )
    execution.metrics = _metrics(12480, 48213, **metrics)
    assert execution.statistics is not None
    execution.statistics.max = values[0]
    return execution


def test_ties_at_the_top_are_reported_as_ties_not_as_one_leader() -> None:
    # Six identical scores up to float noise, then a lower one: the listing holds every tie.
    top = 0.017821222921537424
    execution = _tied_pagerank([top, top, top * (1 + 1e-12), top, top, top, 0.0034])

    report = report_for(execution)

    [tie] = [i for i in report.insights if "tie for first" in i.title]
    assert tie.title == "6 customers tie for first by PageRank score"
    assert tie.description.startswith("6 customers tie for first with a PageRank score of 0.0178")
    assert "Customer 0 [customers/c1000]" in tie.description
    assert "Customer 5" in tie.description and "Customer 6" not in tie.description
    text = " ".join(f"{i.title} {i.description}" for i in report.insights)
    assert " leads by " not in text and "ranks first" not in text
    assert tie.evidence["derived.top_tie_count"] == 6
    _backed(tie, execution)


def test_a_tie_filling_the_listing_is_counted_over_the_whole_result_or_as_a_lower_bound() -> None:
    counted = report_for(_tied_pagerank([0.5, 0.5, 0.5], result_vertices_at_max=9))
    [tie] = [i for i in counted.insights if "tie for first" in i.title]
    assert tie.title == "9 customers tie for first by PageRank score"
    assert tie.description.endswith("[customers/c1034] and the others. No single one leads.")
    _backed(tie, _tied_pagerank([0.5, 0.5, 0.5], result_vertices_at_max=9))

    bounded = report_for(_tied_pagerank([0.5, 0.5, 0.5]))
    [tie] = [i for i in bounded.insights if "tie for first" in i.title]
    assert tie.title == "At least 3 customers tie for first by PageRank score"
    assert "raise top_k" in tie.description


def test_a_clear_leader_still_leads() -> None:
    report = report_for(pagerank_result())
    assert any(i.title == "Ada Lovelace leads by PageRank score" for i in report.insights)


def test_triangle_census_quotes_the_engines_whole_result_counts() -> None:
    execution = triangles_result()
    execution.metrics = _metrics(
        4000,
        22000,
        triangle_count=9843,
        transitivity=0.0812,
        average_clustering=0.193,
        vertices_in_triangles=2210,
    )
    report = report_for(execution)
    census = next(i for i in report.insights if i.title == "Closed triangles show local cohesion")
    assert census.description.startswith(
        "The projection holds 9,843 triangles; 2,210 of its 4,000 vertices sit in at least one."
    )
    assert "clustering coefficient" in census.description and "0.193" in census.description
    assert "0.0812" in census.description
    _backed(census, execution)


def test_no_triangles_is_said_once_without_a_leader_or_a_concentration() -> None:
    execution = triangles_result()
    execution.statistics = _stats(
        count=1200,
        min=0,
        max=0,
        mean=0,
        median=0,
        std=0,
        p90=0,
        p99=0,
        total=0,
        gini=0,
        top_k_share=0,
    )
    execution.top_entities = _entities("customers", [0, 0], ["A", "B"])
    execution.metrics = _metrics(
        1200,
        575,
        triangle_count=0,
        transitivity=0.0,
        average_clustering=0.0,
        vertices_in_triangles=0,
    )
    report = report_for(execution)
    assert [i.title for i in report.insights] == ["No closed triangles"]
    assert report.insights[0].kind == "context"
    assert not any(r.title == "Look inside the dense core" for r in report.recommendations)


def test_label_propagation_and_louvain_reports_name_their_algorithm() -> None:
    for make, name in ((label_propagation_weak, "Label propagation"), (louvain_strong, "Louvain")):
        report = report_for(make())
        assert any(
            i.description.startswith(f"{name} split 12,480 vertices into") for i in report.insights
        )
        assert f"Answered with {name.lower() if name != 'Louvain' else name}." in report.summary


def test_design_notes_follow_the_engine_notes_in_the_report() -> None:
    execution = betweenness_result()
    note = "UC-003 asked for Louvain; this analysis runs betweenness instead."
    template = template_for(execution, notes=[note])
    report = write_report_by_rules(template, execution, VERTICAL, REQUIREMENTS)
    assert report.notes == [*execution.notes, note]
    failed = ExecutionResult(
        template_id="TPL-003", status="failed", error="boom", algorithm="betweenness"
    )
    assert write_report_by_rules(template, failed, VERTICAL, REQUIREMENTS).notes == [note]


def test_failed_report_keeps_measured_metrics_and_names_the_unknown_ones() -> None:
    unmeasured = _failed("unknown collection 'galaxies' in projection")
    report = write_report_by_rules(template_for(unmeasured), unmeasured, VERTICAL, REQUIREMENTS)
    assert report.metrics == {"vertex_count": None, "edge_count": None, "runtime_seconds": None}

    measured = _failed("igraph ran out of memory")
    measured.metrics = {"vertex_count": 120, "edge_count": 300, "runtime_seconds": 1.5}
    report = write_report_by_rules(template_for(measured), measured, VERTICAL, REQUIREMENTS)
    assert report.metrics == {"vertex_count": 120, "edge_count": 300, "runtime_seconds": 1.5}
