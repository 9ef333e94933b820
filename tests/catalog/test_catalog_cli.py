"""`gaai run` records epochs; `gaai catalog list|show|lineage|diff`; catalog failures."""

import json

import pytest

from gaai_graph.cli import main


@pytest.fixture(scope="module")
def two_epochs(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli-catalog")
    catalog = out / "catalog.sqlite"
    for thread, source in (("first", "demo"), ("second", "demo:0.5")):
        code = main(
            [
                "run",
                "--source",
                source,
                "--out",
                str(out / thread),
                "--thread-id",
                thread,
                "--catalog",
                str(catalog),
                "--tag",
                "cli",
                "--quiet",
            ]
        )
        assert code == 0
    return out, catalog


def _json(capsys, *argv):
    capsys.readouterr()
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_run_records_an_epoch_per_thread(two_epochs, capsys):
    _, catalog = two_epochs
    epochs = _json(capsys, "catalog", "--catalog", str(catalog), "--json", "list")
    assert [e["id"] for e in epochs] == ["second", "first"]
    assert all(e["status"] == "finished" and e["tags"] == ["cli"] for e in epochs)


def test_show_and_lineage_of_every_report(two_epochs, capsys):
    out, catalog = two_epochs
    shown = _json(capsys, "catalog", "--catalog", str(catalog), "--json", "show", "first")
    reports = sorted(p.stem for p in (out / "first" / "reports").glob("*.json"))
    assert shown["counts"]["report"] == len(reports) > 0
    for path in (out / "first" / "reports").glob("*.json"):
        template_id = json.loads(path.read_text())["template_id"]
        found = _json(
            capsys, "catalog", "--catalog", str(catalog), "--json", "lineage", "first", template_id
        )
        assert found["report"]["data"]["path"] == str(path)
        assert found["requirements"], f"{template_id} has no requirement in its lineage"
    capsys.readouterr()
    assert main(["catalog", "--catalog", str(catalog), "lineage", "first", "TPL-001"]) == 0
    assert "<- requirement" in capsys.readouterr().out


def test_diff_of_two_graphs_on_the_command_line(two_epochs, capsys):
    _, catalog = two_epochs
    result = _json(
        capsys, "catalog", "--catalog", str(catalog), "--json", "diff", "first", "second"
    )
    assert result["fingerprint_changed"] is True
    assert any(t["entered_top"] or t["left_top"] for t in result["templates"])


def test_unknown_epoch_and_missing_catalog_are_clear_errors(two_epochs, capsys, tmp_path):
    _, catalog = two_epochs
    assert main(["catalog", "--catalog", str(catalog), "show", "nope"]) == 2
    assert "no epoch 'nope'" in capsys.readouterr().err
    assert main(["catalog", "--catalog", str(tmp_path / "none.sqlite"), "list"]) == 2
    assert "no catalog at" in capsys.readouterr().err


def test_catalog_write_failure_keeps_reports_and_is_reported(tmp_path, capsys):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the catalog's directory should be")
    out = tmp_path / "out"
    code = main(["run", "--out", str(out), "--catalog", str(blocker / "c.sqlite"), "--quiet"])
    assert code == 0
    err = capsys.readouterr().err
    assert "catalog write failed" in err
    assert list((out / "reports").glob("*.json")), "the reports were written anyway"


def test_resume_of_a_thread_never_started_is_a_clear_error(tmp_path, capsys):
    assert main(["resume", "--thread-id", "ghost", "--out", str(tmp_path)]) == 2
    assert "no run with thread id 'ghost'" in capsys.readouterr().err


def test_run_prints_its_thread_id_unless_quiet(tmp_path, capsys):
    code = main(["run", "--out", str(tmp_path), "--thread-id", "visible", "--text", "Find hubs."])
    assert code == 0
    assert "thread id: visible (checkpoints: " in capsys.readouterr().err


@pytest.mark.slow
def test_an_interrupted_run_is_listed_as_running_until_it_is_resumed(tmp_path, capsys):
    from test_resume import _env, _run_until_paused

    out = tmp_path / "out"
    catalog = str(out / "catalog.sqlite")
    # SIGKILL mid fan-out: the epoch was started once the schema was known, never finished.
    _run_until_paused(
        ["run", "--out", str(out), "--thread-id", "cut", "--tag", "nightly", "--quiet"],
        _env(GAAI_CHECKPOINT_PAUSE="executions:2"),
    )
    (running,) = _json(capsys, "catalog", "--catalog", catalog, "--json", "list")
    assert (running["id"], running["status"], running["finished_at"]) == ("cut", "running", None)
    assert running["fingerprint"] and running["tags"] == ["nightly"]
    capsys.readouterr()
    assert main(["catalog", "--catalog", catalog, "list"]) == 0
    assert "cut  running" in capsys.readouterr().out

    assert main(["resume", "--thread-id", "cut", "--out", str(out), "--quiet"]) == 0
    (finished,) = _json(capsys, "catalog", "--catalog", catalog, "--json", "list")
    assert finished["status"] == "finished" and finished["finished_at"]
    assert finished["started_at"] == running["started_at"]
    shown = _json(capsys, "catalog", "--catalog", catalog, "--json", "show", "cut")
    assert shown["counts"]["report"] == len(list((out / "reports").glob("*.json"))) > 0


def test_a_catalog_that_cannot_be_started_never_stops_the_run(tmp_path, capsys):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the catalog's directory should be")
    out = tmp_path / "out"
    assert main(["run", "--out", str(out), "--catalog", str(blocker / "c.sqlite")]) == 0
    err = capsys.readouterr().err
    assert "catalog write failed" in err and "the run goes on" in err
    assert list((out / "reports").glob("*.json"))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--vertical", "nosuch"], "unknown vertical 'nosuch'"),
        (["--vertical", "missing.yaml"], "vertical file not found"),
        (["--max-executions", "0"], "--max-executions: must be a whole number of at least 1"),
        (["--top-k", "0"], "--top-k: must be a whole number of at least 1"),
        (["--doc", "nosuch.md"], "requirement document not found"),
        (["--source", "/nonexistent/snapshot"], "does not exist"),
        (["--source", "demo:big"], "the demo scale must be a number"),
        (["--source", "arangodb://h:port/db"], "malformed ArangoDB URL"),
        (["--model", "gpt-4o-mini"], "needs OPENAI_API_KEY"),
        (["--write-results"], "need a live source"),
    ],
    ids=lambda value: value if isinstance(value, str) else " ".join(value),
)
def test_a_refused_run_leaves_nothing_behind(tmp_path, capsys, monkeypatch, options, message):
    """No checkpoint store, thread file, catalog or output directory for a refused run."""
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out"
    assert main(["run", *options, "--out", str(out), "--thread-id", "t", "--quiet"]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists(), sorted(str(p) for p in out.rglob("*"))


def test_an_empty_document_is_refused_before_anything_is_made(tmp_path, capsys):
    empty = tmp_path / "empty.md"
    empty.write_text("")
    out = tmp_path / "out"
    assert main(["run", "--doc", str(empty), "--out", str(out), "--quiet"]) == 2
    assert "is empty" in capsys.readouterr().err
    assert not out.exists()


@pytest.fixture(params=["sqlite", "arangodb"])
def catalog_spec(request, tmp_path):
    """A catalog of each backend: a SQLite file, or a loopback ArangoDB database."""
    if request.param == "sqlite":
        yield str(tmp_path / "catalog.sqlite")
        return
    from arango_replay import FakeArangoServer

    with FakeArangoServer(None, "analytics") as server:
        yield server.source("analytics")
        assert server.unexpected == []


def test_a_run_that_fails_after_its_epoch_started_is_recorded_failed_with_the_reason(
    tmp_path, capsys, monkeypatch, catalog_spec
):
    from gaai_graph.nodes import vertical
    from gaai_graph.nodes.vertical import VerticalError

    def broken(*_args, **_kwargs):
        raise VerticalError("the vertical file changed under the run")

    # Fails in the graph, after the schema is analysed (the epoch then exists as running).
    monkeypatch.setattr(vertical, "_resolve", broken)
    out = tmp_path / "out"
    argv = ["run", "--out", str(out), "--thread-id", "t", "--catalog", catalog_spec, "--quiet"]
    assert main(argv) == 2
    assert "the vertical file changed under the run" in capsys.readouterr().err
    monkeypatch.undo()
    (epoch,) = _json(capsys, "catalog", "--catalog", catalog_spec, "--json", "list")
    assert (epoch["id"], epoch["status"]) == ("t", "failed")
    assert epoch["error"] == "the vertical file changed under the run"
    assert epoch["finished_at"] is not None and epoch["fingerprint"]
    # Resumed (the cause gone), the same thread finishes: the epoch is finished, no error left.
    assert main(["resume", "--thread-id", "t", "--out", str(out), "--quiet"]) == 0
    (epoch,) = _json(capsys, "catalog", "--catalog", catalog_spec, "--json", "list")
    assert (epoch["status"], epoch["error"]) == ("finished", None)
