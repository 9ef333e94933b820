"""The live ArangoDB suite: against a real server when ARANGO_URL names one, else a loopback fake.

    ARANGO_URL=http://localhost:8529 ARANGO_USER=root ARANGO_PASSWORD=... \
        .venv/bin/pytest -q tests/live

Each test runs twice, once per `live_source` parameter:

* `server`: the ArangoDB server named by ARANGO_URL (ARANGO_USER, ARANGO_PASSWORD). Skipped,
  and reported as skipped, without ARANGO_URL; no ArangoDB server is available in this
  project's CI.
* `loopback`: `ScratchDatabaseServer` (tests/sources/arango_replay.py) on 127.0.0.1, reached
  through the same ARANGO_* variables, so the suite's own code path (scratch database, loading
  the demo, the runs, the checks, dropping the database) runs in the default suite too. It is
  a fake speaking ArangoDB's documented formats, not a server: a pass here says the suite is
  sound, not that a real server agrees.

The suite creates a scratch database `gaai_live_<random>` (the user needs rights on `_system`
to create databases), loads the bundled demo into it with its named graph, runs the whole
workflow on `arangodb://...` and checks every report equals the offline snapshot run's; then
it checks write-back goes to a new collection per run, and the catalog is recorded in the
database. The scratch database is dropped at the end.
"""

from __future__ import annotations

import asyncio
import importlib
import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest

LOOPBACK_PASSWORD = "loopback-s3cret"

DOCUMENTS = sorted(
    str(p) for p in (Path(__file__).resolve().parents[2] / "gaai_graph/data/documents").glob("*")
)


def _normalised(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _normalised(v) for k, v in value.items() if k != "runtime_seconds"}
    if isinstance(value, list):
        return [_normalised(v) for v in value]
    return value


@pytest.fixture(scope="module")
def arango_environment(request: pytest.FixtureRequest) -> Iterator[None]:
    """ARANGO_* naming the server to use: the real one, or a loopback fake started here."""
    if request.param == "server":
        if not os.environ.get("ARANGO_URL"):
            pytest.skip("live ArangoDB suite: set ARANGO_URL (and ARANGO_USER/ARANGO_PASSWORD)")
        yield
        return
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sources"))
    from arango_replay import ScratchDatabaseServer

    with ScratchDatabaseServer() as server, pytest.MonkeyPatch.context() as env:
        env.setenv("ARANGO_URL", server.url)
        env.setenv("ARANGO_USER", "root")
        env.setenv("ARANGO_PASSWORD", LOOPBACK_PASSWORD)
        env.delenv("ARANGO_DB", raising=False)
        yield
        assert server.unexpected == [], server.unexpected[:5]
        assert server.dropped_databases == server.created_databases != []


@pytest.fixture(scope="module")
def live_source(arango_environment: None) -> Iterator[tuple[str, Any]]:
    from arango import ArangoClient

    from gaai_graph.sources.arango_url import parse_arango_source
    from gaai_graph.sources.demo import load_bundled_demo

    target = parse_arango_source("arangodb")
    client = ArangoClient(hosts=target.http_url, verify_override=target.verify)
    system = client.db("_system", username=target.username, password=target.password)
    name = f"gaai_live_{uuid.uuid4().hex[:8]}"
    system.create_database(name)
    try:
        db = client.db(name, username=target.username, password=target.password)
        demo = load_bundled_demo()
        for collection in demo.collections.values():
            created = db.create_collection(collection.name, edge=collection.kind == "edge")
            # Stored order = the snapshot's order, so vertices are numbered alike.
            created.import_bulk(
                [{k: v for k, v in d.items() if k != "_id"} for d in collection.documents],
                halt_on_error=True,
                batch_size=5000,
            )
        for graph in demo.graphs:
            db.create_graph(
                graph.name,
                edge_definitions=[
                    {
                        "edge_collection": d.edge_collection,
                        "from_vertex_collections": d.from_vertex_collections,
                        "to_vertex_collections": d.to_vertex_collections,
                    }
                    for d in graph.edge_definitions
                ],
                orphan_collections=graph.orphan_collections,
            )
        host = urlsplit(target.http_url)
        scheme = "arangodbs" if host.scheme == "https" else "arangodb"
        # The password stays in ARANGO_PASSWORD, out of the URL.
        yield f"{scheme}://{quote(target.username)}@{host.netloc}/{name}", db
    finally:
        system.delete_database(name, ignore_missing=True)
        client.close()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "arango_environment" in metafunc.fixturenames:
        metafunc.parametrize(
            "arango_environment",
            ["loopback", pytest.param("server", marks=pytest.mark.live)],
            indirect=True,
            scope="module",
        )


def _run(source: str, **options: Any) -> dict[str, Any]:
    from gaai_graph.context import Context

    graph = importlib.import_module("gaai_graph.graph").graph
    result: dict[str, Any] = asyncio.run(
        graph.ainvoke(
            {"documents": [{"path": p} for p in DOCUMENTS]},
            context=Context(source=source, max_executions=4, **options),
        )
    )
    return result


def test_live_reports_equal_the_snapshot_reports(live_source: tuple[str, Any]) -> None:
    source, _ = live_source
    live, snapshot = _run(source), _run("demo")
    live_reports = {r.template_id: r for r in live["reports"]}
    snapshot_reports = {r.template_id: r for r in snapshot["reports"]}
    assert sorted(live_reports) == sorted(snapshot_reports)
    for template_id, report in snapshot_reports.items():
        assert _normalised(live_reports[template_id].model_dump(mode="json")) == _normalised(
            report.model_dump(mode="json")
        ), template_id
    password = os.environ.get("ARANGO_PASSWORD")
    if password:
        assert password not in live["summary"].model_dump_json()


def test_write_back_creates_a_new_collection_per_run(live_source: tuple[str, Any]) -> None:
    source, db = live_source
    before = {c["name"] for c in db.collections()}
    for _ in range(2):
        _run(source, write_results=True, max_templates=2)
    created = sorted({c["name"] for c in db.collections()} - before)
    assert len(created) == 2 and all(n.startswith("gaai_results_") for n in created)
    assert all(db.collection(n).count() > 0 for n in created)


def test_the_catalog_is_recorded_in_the_source_database_as_a_named_graph(
    live_source: tuple[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from gaai_graph.catalog.arango import GRAPH_NAME, LINEAGE_COLLECTION
    from gaai_graph.cli import main

    source, db = live_source
    for thread in ("live-1", "live-2"):
        argv = ["run", "--source", source, "--write-results", "--max-templates", "2", "--quiet"]
        # On a source other than the demo, no documents means no requirements to trace.
        argv += [f"--doc={path}" for path in DOCUMENTS]
        assert main([*argv, "--out", str(tmp_path / thread), "--thread-id", thread]) == 0
    (graph,) = [g for g in db.graphs() if g["name"] == GRAPH_NAME]
    assert [d["edge_collection"] for d in graph["edge_definitions"]] == [LINEAGE_COLLECTION]
    capsys.readouterr()
    assert main(["catalog", "--catalog", source, "--json", "list"]) == 0
    epochs = {e["id"]: e for e in json.loads(capsys.readouterr().out)}
    assert {"live-1", "live-2"} <= set(epochs)
    assert epochs["live-2"]["parent_epoch"] == "live-1"
    assert epochs["live-1"]["fingerprint"] == epochs["live-2"]["fingerprint"]
    assert all(epochs[t]["status"] == "finished" for t in ("live-1", "live-2"))
    report = sorted((tmp_path / "live-1" / "reports").glob("*.json"))[0]
    template_id = json.loads(report.read_text())["template_id"]
    assert main(["catalog", "--catalog", source, "--json", "lineage", "live-1", template_id]) == 0
    assert json.loads(capsys.readouterr().out)["requirements"]
