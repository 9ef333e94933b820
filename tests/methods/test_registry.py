"""The method registry: every declaration is complete, and a new method needs no node."""

from __future__ import annotations

from typing import get_args

import igraph as ig
import networkx as nx
import pytest

from gaai_graph.engines.local import LocalEngine
from gaai_graph.errors import TemplateValidationError
from gaai_graph.methods import registry
from gaai_graph.methods.base import LocalJob, Method, Outcome, ParameterSpec, Picture
from gaai_graph.methods.local_tools import as_scores
from gaai_graph.methods.vocabulary import METHOD_NAMES, QuestionIntent
from gaai_graph.methods.writing import ReportWriter
from gaai_graph.models import AnalysisTemplate, GraphProjection, Intent, Vertical
from gaai_graph.nodes.report import write_report_by_rules
from gaai_graph.reporting.charts import charts_for_report
from gaai_graph.sources.base import ProjectionData


def test_every_method_is_a_vocabulary_name_with_a_reference_and_a_local_run() -> None:
    assert registry.METHODS
    for name, method in registry.METHODS.items():
        assert name == method.name and name in METHOD_NAMES
        assert method.reference and method.description and method.label
        assert method.local is not None, name
        assert method.interpret is not None, name
        assert set(method.intents) <= set(get_args(QuestionIntent)), name


def test_every_family_module_opens_with_its_references() -> None:
    for family in registry._FAMILIES:
        docstring = family.__doc__ or ""
        assert "Reference" in docstring, family.__name__


def test_every_use_case_intent_has_one_default_method_with_a_design() -> None:
    for intent in get_args(Intent):
        method = registry.default_method(intent)
        assert method.design is not None
        assert intent in method.use_case_intents
        assert method.name in registry.methods_answering(intent)


def test_a_method_named_earlier_wins_over_one_whose_name_it_contains() -> None:
    order = [method.name for method, _ in registry.name_patterns()]
    assert order.index("scc") < order.index("wcc")


def test_parameters_are_validated_with_defaults_and_clear_errors() -> None:
    assert registry.validate_parameters("pagerank", {}) == {
        "damping_factor": 0.85,
        "vertices": None,
    }
    with pytest.raises(TemplateValidationError, match=r"damping_factor.*< 1\.0"):
        registry.validate_parameters("pagerank", {"damping_factor": 1.0})
    with pytest.raises(
        TemplateValidationError, match=r"unknown parameter.*accepted: mode, vertices"
    ):
        registry.validate_parameters("degree", {"weight": "amount"})
    with pytest.raises(TemplateValidationError, match="unknown algorithm 'quantum_rank'"):
        registry.get_method("quantum_rank")


def _closeness(job: LocalJob) -> Outcome:
    with job.clock.running():
        values = job.graph.closeness(mode="all")
    return Outcome(
        scores=as_scores(values),
        answer={"kind": "value", "value": float(max(values)), "convention": "normalised"},
        metrics={"reachable_share": 1.0},
    )


def _read_closeness(writer: ReportWriter) -> None:
    quoter = writer.quoter()
    writer.add(
        "Closest vertex",
        f"The closest vertex has closeness {quoter.num('top_entities[0].value')}.",
        0.8,
        quoter,
    )
    writer.answer = (
        writer.execution.answer.model_dump() if writer.execution.answer is not None else None
    )


CLOSENESS = Method(
    name="closeness",
    label="closeness",
    long_name="closeness centrality",
    description="How near a vertex is to all others.",
    reference="Bavelas 1950",
    kind="scoring",
    result_attribute="closeness",
    intents=("importance",),
    parameters=(ParameterSpec("normalized", "bool", True, "Scale to 0..1."),),
    local=_closeness,
    interpret=_read_closeness,
    picture=Picture(score_axis="closeness", score_meaning="closeness (inverse mean distance)"),
)


def test_a_new_method_runs_and_is_reported_by_its_module_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Declaring a method is enough: the engine, the report writer and the charts read it."""
    monkeypatch.setitem(registry.METHODS, "closeness", CLOSENESS)
    path = nx.path_graph(5)
    data = ProjectionData(
        vertex_ids=[f"v/{i}" for i in path],
        labels=[f"v{i}" for i in path],
        edges=list(path.edges()),
        directed=False,
        projection=GraphProjection(vertex_collections=["v"], edge_collections=["e"]),
    )
    template = AnalysisTemplate(
        id="TPL-001",
        use_case_id="UC-001",
        requirement_ids=[],
        title="Closeness",
        algorithm="closeness",
        projection=data.projection,
    )
    execution = LocalEngine().run(data, template)
    expected = nx.closeness_centrality(path)
    assert execution.top_entities[0].id == "v/2"
    assert execution.top_entities[0].value == pytest.approx(expected[2])
    assert execution.answer is not None and execution.answer.method == "closeness"
    assert execution.parameters == {"normalized": True}

    report = write_report_by_rules(template, execution, Vertical(name="g", title="G"), [])
    assert report.status == "succeeded"
    assert any(i.title == "Closest vertex" for i in report.insights)
    assert "closeness centrality" in report.summary
    assert any("closeness" in chart.title for chart in charts_for_report(report))


def test_igraph_is_what_local_jobs_receive() -> None:
    seen: list[object] = []

    def spy(job: LocalJob) -> Outcome:
        seen.append(job.graph)
        return Outcome(scores=as_scores([0.0] * job.graph.vcount()))

    method = Method(
        name="harmonic",
        label="harmonic",
        long_name="harmonic centrality",
        description="d",
        reference="r",
        kind="scoring",
        result_attribute="harmonic",
        intents=("importance",),
        local=spy,
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(registry.METHODS, "harmonic", method)
        data = ProjectionData(
            vertex_ids=["v/0", "v/1"],
            labels=["a", "b"],
            edges=[(0, 1)],
            directed=True,
            projection=GraphProjection(vertex_collections=["v"], edge_collections=["e"]),
        )
        template = AnalysisTemplate(
            id="T",
            use_case_id="U",
            requirement_ids=[],
            title="t",
            algorithm="harmonic",
            projection=data.projection,
        )
        LocalEngine().compute(data, template)
    assert isinstance(seen[0], ig.Graph) and seen[0].is_directed()
