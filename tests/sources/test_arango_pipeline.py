"""The whole workflow on a live-source URL: a loopback server holding the demo, through
python-arango, gives the same reports as the offline snapshot and never writes."""

from __future__ import annotations

import asyncio
import dataclasses
import importlib
from pathlib import Path
from typing import Any

import pytest
from arango_replay import FakeArangoServer, ReplayServer

from gaai_graph.cli import main
from gaai_graph.context import Context
from gaai_graph.nodes.schema import profile_schema
from gaai_graph.sources.arango import load_arango
from gaai_graph.sources.demo import load_bundled_demo

DOCUMENTS = sorted(
    str(p) for p in (Path(__file__).resolve().parents[2] / "gaai_graph/data/documents").glob("*")
)
SECRET = "pipeline-s3cret"


def _normalised(value: Any) -> Any:
    """Drop wall-clock measurements, which differ between any two runs."""
    if isinstance(value, dict):
        return {k: _normalised(v) for k, v in value.items() if k != "runtime_seconds"}
    if isinstance(value, list):
        return [_normalised(v) for v in value]
    return value


def _run(source: str) -> dict[str, Any]:
    graph = importlib.import_module("gaai_graph.graph").graph
    result: dict[str, Any] = asyncio.run(
        graph.ainvoke(
            {"documents": [{"path": p} for p in DOCUMENTS]},
            context=Context(source=source, max_executions=4),
        )
    )
    return result


@pytest.fixture(scope="module")
def live_and_snapshot() -> tuple[dict[str, Any], dict[str, Any], FakeArangoServer]:
    with FakeArangoServer(load_bundled_demo(), "shop") as server:
        live = _run(server.source("shop", password=SECRET))
    snapshot = _run("demo")
    return live, snapshot, server


def test_live_reports_equal_the_snapshot_reports(
    live_and_snapshot: tuple[dict[str, Any], dict[str, Any], FakeArangoServer],
) -> None:
    live, snapshot, server = live_and_snapshot
    assert server.unexpected == []
    live_reports = {r.template_id: r for r in live["reports"]}
    snapshot_reports = {r.template_id: r for r in snapshot["reports"]}
    assert sorted(live_reports) == sorted(snapshot_reports)
    assert len(live_reports) >= 5
    for template_id, report in snapshot_reports.items():
        assert report.status == "succeeded", report.error
        assert _normalised(live_reports[template_id].model_dump(mode="json")) == _normalised(
            report.model_dump(mode="json")
        ), template_id


def test_live_schema_matches_the_snapshot_schema_but_names_the_server() -> None:
    demo = load_bundled_demo()
    with FakeArangoServer(demo, "shop") as server:
        live_data = load_arango(server.source("shop", password=SECRET), environ={})
        live = profile_schema(live_data, graph_name=None, core_collections=None)
    snapshot = profile_schema(demo, graph_name=None, core_collections=None)
    assert server.unexpected == [] and server.writes() == []

    def shape(schema: Any) -> list[tuple[Any, ...]]:
        return [
            (c.name, c.kind, c.count, c.role, c.label_attribute, [a.name for a in c.attributes])
            for c in schema.collections
        ]

    assert shape(live) == shape(snapshot)
    # The fingerprint includes a content checksum: the server computes its own (without
    # sending documents), so a live database and its snapshot no longer share a fingerprint.
    assert live.fingerprint != snapshot.fingerprint
    assert live.graph_name == snapshot.graph_name == "ecommerce_graph"
    assert live.edge_definitions == snapshot.edge_definitions
    assert live.dangling_edges == snapshot.dangling_edges
    assert live.source.startswith("arangodb://root@127.0.0.1:")
    assert SECRET not in live.model_dump_json()
    # Counts and profiles come from introspection and samples: no collection was held whole.
    assert all(not isinstance(c.documents, list) for c in live_data.collections.values())


def test_live_fingerprint_follows_the_content_not_only_the_counts() -> None:
    demo = load_bundled_demo()
    # A copy (the bundled demo is shared): one customer renamed, every count unchanged.
    customers = list(demo.collections["customers"].documents)
    customers[0] = {**customers[0], "name": f"{customers[0].get('name', '')} (renamed)"}
    changed = dataclasses.replace(
        demo,
        collections={
            **demo.collections,
            "customers": dataclasses.replace(demo.collections["customers"], documents=customers),
        },
    )

    def fingerprint_of(data: Any) -> str:
        with FakeArangoServer(data, "shop") as server:
            loaded = load_arango(server.source("shop", password=SECRET), environ={})
            fingerprint = profile_schema(loaded, graph_name=None, core_collections=None).fingerprint
        assert server.unexpected == [] and server.writes() == []
        return fingerprint

    first = fingerprint_of(demo)
    assert fingerprint_of(demo) == first  # stable across loads of the same data
    # Same collections and counts, one document changed: a new fingerprint, a new epoch.
    assert fingerprint_of(changed) != first


def test_nothing_is_written_and_no_secret_leaks_without_write_results(
    live_and_snapshot: tuple[dict[str, Any], dict[str, Any], FakeArangoServer],
) -> None:
    live, _, server = live_and_snapshot
    assert server.requests, "the run talked to the server"
    assert server.writes() == []
    assert server.inserted == {}
    assert SECRET not in live["summary"].model_dump_json()
    assert live["summary"].source.startswith("arangodb://root@")
    for report in live["reports"]:
        assert SECRET not in report.model_dump_json()


def test_cli_reports_an_unreachable_server_in_one_line_with_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with ReplayServer.from_fixture("unauthorized") as server:
        code = main(
            [
                "run",
                "--source",
                server.source("shop", password=SECRET),
                "--quiet",
                "--out",
                str(tmp_path / "out"),
            ]
        )
    captured = capsys.readouterr()
    assert code == 2
    lines = captured.err.strip().splitlines()
    assert lines[-1].startswith("gaai: error: ")
    assert "HTTP 401" in lines[-1]
    assert "Traceback" not in captured.err
    assert SECRET not in captured.err + captured.out


def test_live_sources_are_reintrospected_per_window_and_old_windows_dropped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import gaai_graph.sources as sources

    now = [1000.0]
    monkeypatch.setattr(sources.time, "monotonic", lambda: now[0])
    with FakeArangoServer(load_bundled_demo(), "shop") as server:
        spec = server.source("shop", password=SECRET)
        first = sources.load_graph_sync(spec)
        assert sources.load_graph_sync(spec) is first
        listings = sum(r.path.endswith("/_api/collection") for r in server.requests)
        now[0] += sources.LIVE_CACHE_SECONDS
        second = sources.load_graph_sync(spec)
    assert second is not first
    assert sum(r.path.endswith("/_api/collection") for r in server.requests) == listings + 1
    assert [k for k in sources._cache if k[0] == spec] == [sources._cache_key(spec)]
    assert sources.describe_source(spec) == spec.replace(f":{SECRET}", "")
