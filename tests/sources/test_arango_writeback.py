"""Opt-in write-back: results land in a new collection per run, via the import API."""

from __future__ import annotations

import asyncio
import importlib
from typing import Any

import numpy as np
import pytest
from arango_replay import FakeArangoServer

from gaai_graph.context import Context
from gaai_graph.engines.local import AlgorithmOutput
from gaai_graph.errors import GaaiError, SourceError
from gaai_graph.models import AnalysisTemplate, GraphProjection
from gaai_graph.sources.arango import load_arango
from gaai_graph.sources.arango_writeback import (
    ResultWriter,
    result_collection_name,
    result_document_key,
    result_writer,
)
from gaai_graph.sources.base import ProjectionData
from gaai_graph.sources.demo import load_bundled_demo


def test_write_results_needs_a_live_source() -> None:
    with pytest.raises(GaaiError, match=r"write_results and engine=.gae. need a live source"):
        Context(source="demo", write_results=True)
    assert Context(source="arangodb://h:1/db", write_results=True).write_results


def test_a_run_with_write_results_fills_one_new_collection() -> None:
    demo = load_bundled_demo()
    graph = importlib.import_module("gaai_graph.graph").graph
    with FakeArangoServer(demo, "shop") as server:
        result: dict[str, Any] = asyncio.run(
            graph.ainvoke(
                {"documents": [{"content": "Who are the most influential customers?"}]},
                context=Context(source=server.source("shop"), write_results=True),
            )
        )
    assert server.unexpected == []
    succeeded = [r for r in result["reports"] if r.status == "succeeded"]
    assert succeeded, [r.error for r in result["reports"]]
    assert len(server.inserted) == 1
    ((name, documents),) = server.inserted.items()
    assert name.startswith("gaai_results_")
    assert name not in demo.collections
    expected = sum(int(e.metrics["vertex_count"]) for e in succeeded)
    assert len(documents) == expected
    for execution in succeeded:
        assert any(name in note for note in execution.notes)
    rows = [d for d in documents if d["template_id"] == succeeded[0].template_id]
    assert {d["algorithm"] for d in rows} == {succeeded[0].algorithm}
    assert all(("score" in d) != ("group" in d) for d in documents)
    imports = [r for r in server.requests if r.path.endswith("/_api/import")]
    assert imports and all(r.params["collection"] == name for r in imports)
    assert all(r.params.get("complete") in {"1", "true"} for r in imports)


def _output(scores: list[float]) -> AlgorithmOutput:
    return AlgorithmOutput(
        algorithm="pagerank",
        parameters={},
        scores=np.asarray(scores),
        membership=None,
        degrees=None,
        metrics={},
        notes=[],
    )


def test_a_run_writes_one_collection_named_from_its_key_and_rewrites_replace_rows() -> None:
    """A second process of the same run (after a kill) writes the same collection and keys."""
    demo = load_bundled_demo()
    projection = ProjectionData(
        vertex_ids=["customers/a", "customers/b", "customers/c"],
        labels=["a", "b", "c"],
        edges=[(0, 1)],
        directed=True,
        projection=GraphProjection(vertex_collections=["customers"], edge_collections=[]),
    )
    template = AnalysisTemplate.model_construct(id="TPL-9", algorithm="pagerank")
    with FakeArangoServer(demo, "shop") as server:
        data = load_arango(server.source("shop"), environ={})
        assert data.connection is not None
        first = ResultWriter(connection=data.connection, run_key="same-run", batch_size=2)
        again = ResultWriter(connection=data.connection, run_key="same-run", batch_size=2)
        other = ResultWriter(connection=data.connection, run_key="other-run", batch_size=2)
        assert first.write(template, projection, _output([0.5, 0.3, 0.2])) == 3
        assert again.write(template, projection, _output([0.1, 0.2, 0.7])) == 3
        assert other.write(template, projection, _output([0.4, 0.4, 0.2])) == 3
    assert first.collection_name == again.collection_name == result_collection_name("same-run")
    assert other.collection_name == result_collection_name("other-run") != first.collection_name
    assert sorted(server.inserted) == sorted([first.collection_name, other.collection_name])
    # Replaced, not duplicated: one row per vertex, holding the later values.
    rows = server.inserted[first.collection_name or ""]
    assert sorted((d["vertex"], d["score"]) for d in rows) == [
        ("customers/a", 0.1),
        ("customers/b", 0.2),
        ("customers/c", 0.7),
    ]
    assert len({d["_key"] for d in rows}) == 3
    imports = [r for r in server.requests if r.path.endswith("/_api/import")]
    assert [len(r.body) for r in imports] == [2, 1, 2, 1, 2, 1]
    assert all(r.params["onDuplicate"] == "replace" for r in imports)


def test_result_names_and_keys_are_deterministic_and_valid_for_any_id() -> None:
    import re

    odd = "run/ä b`; DROP"
    name = result_collection_name(odd)
    assert name == result_collection_name(odd) != result_collection_name("run_ä b`; DROP")
    assert re.fullmatch(r"gaai_results_[A-Za-z0-9_]+", name) and len(name) <= 256
    key = result_document_key("TPL/1 x", "customers/c1")
    assert key == result_document_key("TPL/1 x", "customers/c1")
    assert key != result_document_key("TPL/1 x", "customers/c2")
    assert re.fullmatch(r"[A-Za-z0-9_\-]{1,254}", key)


def test_write_back_refuses_offline_sources() -> None:
    with pytest.raises(SourceError, match="needs a live arangodb:// source"):
        result_writer(load_bundled_demo(), "run")


def test_cli_refuses_write_results_on_a_snapshot(
    tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from gaai_graph.cli import main

    code = main(["run", "--source", "demo", "--write-results", "--quiet", "--out", str(tmp_path)])
    assert code == 2
    assert "need a live source" in capsys.readouterr().err
