"""The analytics catalog over real demo runs: every query, lineage of every report, a diff.

Every backend-agnostic test runs on both backends: SQLite, and ArangoDB through real
python-arango against the loopback `FakeArangoServer`.
"""

import time

import pytest
from arango_replay import FakeArangoServer

from gaai_graph.catalog import (
    CatalogError,
    SqliteCatalog,
    build_records,
    diff_epochs,
    record_run,
    record_run_safely,
    start_run_epoch,
)
from gaai_graph.catalog.arango import ArangoCatalog
from gaai_graph.context import Context
from gaai_graph.persistence import compile_graph, open_checkpointer


async def _run(tmp_path, source: str, thread_id: str) -> dict:
    async with open_checkpointer(str(tmp_path / "checkpoints.sqlite")) as saver:
        graph = compile_graph(saver)
        config = {"configurable": {"thread_id": thread_id}}
        await graph.ainvoke({"run_id": thread_id}, config, context=Context(source=source))
        return dict((await graph.aget_state(config)).values)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    import asyncio

    tmp = tmp_path_factory.mktemp("catalog-runs")
    return {
        "demo-1": asyncio.run(_run(tmp, "demo", "demo-1")),
        "demo-2": asyncio.run(_run(tmp, "demo", "demo-2")),
        "changed": asyncio.run(_run(tmp, "demo:0.5", "changed")),
    }


SECRET = "catalog-s3cret"


@pytest.fixture(params=["sqlite", "arango"])
def store(request, tmp_path):
    """An empty catalog of each backend."""
    if request.param == "sqlite":
        catalog = SqliteCatalog(tmp_path / "catalog.sqlite")
        yield catalog
        catalog.close()
        return
    with FakeArangoServer(None, "analytics") as server:
        catalog = ArangoCatalog.open(server.source("analytics", password=SECRET), environ={})
        yield catalog
        catalog.close()
    assert server.unexpected == []


@pytest.fixture
def catalog(store, runs):
    for index, (epoch_id, values) in enumerate(runs.items()):
        record_run(store, values, epoch_id=epoch_id, started_at=1000.0 + index, tags=["t"])
    return store


def test_every_report_traces_back_to_its_requirements(catalog, runs):
    values = runs["demo-1"]
    assert values["reports"], "the demo run produced reports"
    requirements = {r.id: r for r in values["requirements"]}
    for report in values["reports"]:
        lineage = catalog.lineage("demo-1", report.template_id)
        assert lineage.report.data["title"] == report.title
        assert lineage.execution is not None and lineage.execution.id == report.template_id
        assert lineage.execution.data["seconds"] is not None
        assert lineage.template is not None and lineage.template.id == report.template_id
        assert lineage.use_case is not None and lineage.use_case.id == report.use_case_id
        expected = sorted(rid for rid in report.requirement_ids if rid in requirements)
        assert expected, f"report {report.template_id} names no known requirement"
        assert [r.id for r in lineage.requirements] == expected
        assert lineage.requirements[0].data["text"] == requirements[expected[0]].text
        relations = {edge.relation for edge in lineage.edges}
        assert relations == {"answered_by", "planned_as", "executed_as", "reported_in"}


def test_lineage_of_unknown_report_or_epoch_is_a_clear_error(catalog):
    with pytest.raises(CatalogError, match="no report 'nope'"):
        catalog.lineage("demo-1", "nope")
    with pytest.raises(CatalogError, match="no epoch 'missing'"):
        catalog.lineage("missing", "x")


def test_list_epochs_parents_and_runs_of_one_graph(catalog, runs):
    epochs = catalog.list_epochs()
    assert [e.id for e in epochs] == ["changed", "demo-2", "demo-1"]
    by_id = {e.id: e for e in epochs}
    assert by_id["demo-1"].parent_epoch is None
    assert by_id["demo-2"].parent_epoch == "demo-1"
    assert all(e.status == "finished" and e.finished_at and e.tags == ["t"] for e in epochs)
    fingerprint = runs["demo-1"]["schema"].fingerprint
    assert by_id["changed"].fingerprint != fingerprint
    assert [e.id for e in catalog.runs_of_graph(fingerprint)] == ["demo-2", "demo-1"]
    changed_source = runs["changed"]["schema"].source
    assert by_id["changed"].source == changed_source
    assert "changed" in [e.id for e in catalog.list_epochs(source=changed_source)]


def test_show_counts_every_item(catalog, runs):
    values = runs["demo-1"]
    nodes = catalog.nodes("demo-1")
    kinds = [n.kind for n in nodes]
    assert kinds.count("requirement") == len(values["requirements"])
    assert kinds.count("use_case") == len(values["use_cases"])
    assert kinds.count("template") == len(values["templates"])
    assert kinds.count("execution") == len(values["executions"])
    assert kinds.count("report") == len(values["reports"])
    execution = catalog.nodes("demo-1", "execution")[0]
    assert "parameters" in execution.data and "statistics" in execution.data


def test_diff_of_identical_graph_runs_finds_no_change(catalog):
    result = diff_epochs(catalog, "demo-1", "demo-2")
    assert not result.fingerprint_changed
    assert result.templates and not result.only_before and not result.only_after
    assert not [t for t in result.templates if t.changed]


def test_diff_of_a_changed_graph_reports_top_entity_and_group_changes(catalog):
    result = diff_epochs(catalog, "demo-1", "changed")
    assert result.fingerprint_changed
    changed = [t for t in result.templates if t.changed]
    assert changed, "a graph at half scale must change some template results"
    assert any(t.entered_top or t.left_top or t.rank_changes for t in changed)
    assert any(
        t.group_count_before is not None and t.group_count_before != t.group_count_after
        for t in changed
    )


def test_catalog_write_failure_is_reported_not_raised(tmp_path, runs):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    problem = record_run_safely(
        blocker / "catalog.sqlite", runs["demo-1"], epoch_id="x", started_at=time.time()
    )
    assert problem is not None and "catalog write failed" in problem


def test_records_replace_on_rerecord(store, runs):
    record_run(store, runs["demo-1"], epoch_id="e", started_at=1.0)
    first = store.get_epoch("e")
    record_run(store, runs["demo-1"], epoch_id="e", started_at=1.0)
    nodes, edges = build_records("e", runs["demo-1"])
    assert len(store.nodes("e")) == len(nodes)
    assert len(store.edges("e")) == len(edges)
    assert [e.id for e in store.list_epochs()] == ["e"]
    assert store.get_epoch("e").started_at == first.started_at


def test_a_started_epoch_is_running_until_finished(store, runs):
    values = runs["demo-1"]
    started = start_run_epoch(
        store, values["schema"], epoch_id="live", started_at=5.0, tags=["nightly"]
    )
    assert (started.status, started.finished_at) == ("running", None)
    assert started.fingerprint == values["schema"].fingerprint
    assert [(e.id, e.status) for e in store.list_epochs()] == [("live", "running")]
    assert store.nodes("live") == [] and store.edges("live") == []
    # The finished run keeps the start's epoch (time, tags) and completes it.
    finished = record_run(store, values, epoch_id="live", started_at=99.0, tags=["other"])
    assert (finished.status, finished.started_at, finished.tags) == ("finished", 5.0, ["nightly"])
    assert finished.finished_at is not None and finished.headline
    assert len(store.nodes("live")) == len(build_records("live", values)[0])


def test_parent_is_the_latest_other_epoch_of_the_same_source_and_graph(store, runs):
    schema = runs["demo-1"]["schema"]
    for epoch_id, started in (("b", 2.0), ("a", 1.0), ("c", 3.0)):
        start_run_epoch(store, schema, epoch_id=epoch_id, started_at=started)
    by_id = {e.id: e for e in store.list_epochs()}
    assert (by_id["b"].parent_epoch, by_id["a"].parent_epoch, by_id["c"].parent_epoch) == (
        None,
        "b",
        "b",
    )
    assert [e.id for e in store.list_epochs()] == ["c", "b", "a"]
    assert [e.id for e in store.list_epochs(source="elsewhere")] == []
    assert [
        e.id for e in store.list_epochs(fingerprint=schema.fingerprint, source=schema.source)
    ] == [
        "c",
        "b",
        "a",
    ]


def test_unknown_epochs_are_clear_errors_for_every_write(store):
    from gaai_graph.catalog import CatalogNode

    with pytest.raises(CatalogError, match="no epoch 'ghost'"):
        store.record_items("ghost", [CatalogNode("ghost", "requirement", "R1", {})], [])
    with pytest.raises(CatalogError, match="no epoch 'ghost'"):
        store.finish_epoch("ghost", "finished", 1.0)
    with pytest.raises(CatalogError, match="no epoch 'ghost'"):
        store.get_epoch("ghost")


def test_a_catalog_file_from_before_the_error_column_is_upgraded_in_place(tmp_path):
    import sqlite3

    path = tmp_path / "old.sqlite"
    old = sqlite3.connect(path)
    old.executescript(
        "CREATE TABLE epochs (id TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, source TEXT NOT "
        "NULL, graph_name TEXT, started_at REAL NOT NULL, finished_at REAL, status TEXT NOT "
        "NULL, parent_epoch TEXT, tags TEXT NOT NULL DEFAULT '[]', vertical TEXT, headline TEXT);"
        "INSERT INTO epochs VALUES ('e1', 'f', 'demo', NULL, 1.0, NULL, 'running', NULL, '[]', "
        "NULL, NULL);"
    )
    old.commit()
    old.close()
    store = SqliteCatalog(path)
    assert store.get_epoch("e1").error is None
    store.finish_epoch("e1", "failed", 2.0, error="boom")
    assert (store.get_epoch("e1").status, store.get_epoch("e1").error) == ("failed", "boom")
    store.close()
    again = SqliteCatalog(path)  # opening an upgraded file again changes nothing
    assert again.get_epoch("e1").error == "boom"
    again.close()


def test_a_failed_epoch_keeps_its_reason_until_a_later_finish_clears_it(store, runs):
    from gaai_graph.catalog import fail_run_epoch

    values = runs["demo-1"]
    failed = fail_run_epoch(
        store, values["schema"], epoch_id="f-1", started_at=1.0, reason="source went away"
    )
    assert failed is not None and (failed.status, failed.error) == ("failed", "source went away")
    assert fail_run_epoch(store, None, epoch_id="never", started_at=1.0, reason="x") is None
    with pytest.raises(CatalogError):
        store.get_epoch("never")
    record_run(store, values, epoch_id="f-1", started_at=1.0)
    assert (store.get_epoch("f-1").status, store.get_epoch("f-1").error) == ("finished", None)


def test_templates_computing_the_same_thing_in_one_epoch_are_all_compared_and_reported(store):
    from gaai_graph.catalog import CatalogNode, Epoch

    def report(epoch, template_id, top):
        data = {
            "template_id": template_id,
            "status": "succeeded",
            "algorithm": "pagerank",
            "parameters": {"damping_factor": 0.85},
            "projection": {
                "vertex_collections": ["customers"],
                "edge_collections": ["referred"],
                "directed": True,
            },
            "top_entities": [{"id": entity} for entity in top],
        }
        return CatalogNode(epoch, "report", template_id, data)

    for epoch, reports in (
        ("a", [report("a", "TPL-001", ["c/1", "c/2"]), report("a", "TPL-002", ["c/3", "c/4"])]),
        ("b", [report("b", "TPL-002", ["c/3", "c/4"]), report("b", "TPL-003", ["c/1", "c/9"])]),
    ):
        store.start_epoch(
            Epoch(id=epoch, fingerprint="f", source="s", graph_name=None, started_at=1)
        )
        store.record_items(epoch, reports, [])
    result = diff_epochs(store, "a", "b")
    pairs = [(t.template_before, t.template_after, t.changed) for t in result.templates]
    assert pairs == [("TPL-001", "TPL-003", True), ("TPL-002", "TPL-002", False)]
    changed = result.templates[0]
    assert (changed.entered_top, changed.left_top) == (["c/9"], ["c/2"])
    assert result.only_before == result.only_after == []
    (note,) = result.collisions
    assert "a has TPL-001, TPL-002" in note and "b has TPL-002, TPL-003" in note
    assert "TPL-002->TPL-002, TPL-001->TPL-003" in note
