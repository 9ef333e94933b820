"""One typed result from the graph and the runner (gaai_graph.reporting.result)."""

from __future__ import annotations

import asyncio
import html

from gaai_graph import Context
from gaai_graph.graph import graph
from gaai_graph.reporting.result import RunResult
from gaai_graph.runner import AgenticWorkflowRunner

DOCUMENTS = [{"content": "Find rings of customers sharing devices.", "name": "goals"}]


def test_graph_and_runner_give_the_same_typed_result() -> None:
    output = asyncio.run(graph.ainvoke({"documents": DOCUMENTS}, context=Context(source="demo")))
    from_graph = RunResult.from_state(output)
    state = AgenticWorkflowRunner(source="demo", checkpoint=":memory:").run(
        input_documents=DOCUMENTS
    )
    from_runner = state.result()
    assert type(from_graph) is type(from_runner) is RunResult
    assert [r.template_id for r in from_graph.reports] == [
        r.template_id for r in from_runner.reports
    ]
    assert from_runner.summary is not None and from_runner.source == "demo"
    assert from_runner.findings and all("template_id" in f for f in from_runner.findings)
    assert any(f["flagged"] for f in from_runner.findings)
    # The page: the answer and a ring drawn with names; in a notebook, framed and escaped.
    page = from_graph.to_html()
    assert 'id="answer"' in page and 'data-chart="network"' in page
    assert state.to_html() == from_runner.to_html()
    framed = from_runner._repr_html_()
    assert framed.startswith("<iframe srcdoc=") and "<svg" not in framed
    assert html.unescape(framed.split('srcdoc="', 1)[1].split('" style=', 1)[0]) == state.to_html()


def test_an_unfinished_run_says_so() -> None:
    result = RunResult(run_id="run-<x>")
    assert "run-&lt;x&gt;" in result.to_html() and "did not finish" in result.to_html()
    assert result.findings == []
