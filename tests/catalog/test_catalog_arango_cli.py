"""`gaai run` / `gaai catalog` with the catalog in ArangoDB, against `FakeArangoServer`.

Writing to the user's database is opt-in: `--write-results` on an arangodb:// source (the
catalog then goes into that database) or an explicit `--catalog arangodb://...`. Passwords in
URLs never reach the output, the run's files or the options `gaai resume` reads.
"""

import json
from pathlib import Path

import pytest
from arango_replay import FakeArangoServer

from gaai_graph.catalog import CATALOG_FILE_NAME
from gaai_graph.catalog.arango import EPOCHS_COLLECTION, ITEMS_COLLECTION, LINEAGE_COLLECTION
from gaai_graph.cli import main
from gaai_graph.sources.demo import load_bundled_demo

SECRET = "cli-catalog-s3cret"
DOCUMENTS = sorted((Path(__file__).resolve().parents[2] / "gaai_graph/data/documents").glob("*"))


def _json(capsys, *argv):
    capsys.readouterr()
    assert main(list(argv)) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def _files_hold(directory: Path, text: str) -> list[Path]:
    return [p for p in directory.rglob("*") if p.is_file() and text.encode() in p.read_bytes()]


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    """Two `gaai run --write-results` runs on the live demo: (server, url, out dir)."""
    out = tmp_path_factory.mktemp("arango-cli")
    with FakeArangoServer(load_bundled_demo(), "shop") as server:
        url = server.source("shop", password=SECRET)
        for thread in ("first", "second"):
            argv = ["run", "--source", url, "--write-results", "--out", str(out / thread)]
            argv += [f"--doc={path}" for path in DOCUMENTS]
            assert main([*argv, "--thread-id", thread, "--tag", "live", "--quiet"]) == 0
        yield server, url, out


def test_write_results_records_the_catalog_in_the_source_database(shop, capsys):
    server, url, out = shop
    assert server.unexpected == []
    assert not (out / "first" / CATALOG_FILE_NAME).exists(), "no SQLite catalog besides it"
    assert {EPOCHS_COLLECTION, ITEMS_COLLECTION, LINEAGE_COLLECTION} <= set(server.created)
    results = [name for name in server.created if name.startswith("gaai_results_")]
    assert len(results) == 2, "one results collection per run, as before"
    epochs = _json(capsys, "catalog", "--catalog", url, "--json", "list")
    assert [e["id"] for e in epochs] == ["second", "first"]
    by_id = {e["id"]: e for e in epochs}
    assert all(e["status"] == "finished" and e["tags"] == ["live"] for e in epochs)
    assert by_id["second"]["parent_epoch"] == "first"
    # The catalog's own collections are not part of the analysed graph: same fingerprint.
    assert by_id["first"]["fingerprint"] == by_id["second"]["fingerprint"]
    assert all(e["source"].startswith("arangodb://root@127.0.0.1:") for e in epochs)
    assert main(["catalog", "--catalog", url, "list"]) == 0
    listed = capsys.readouterr().out
    assert "first  finished" in listed and SECRET not in listed


def test_show_lineage_and_diff_against_the_arangodb_catalog(shop, capsys):
    _, url, out = shop
    shown = _json(capsys, "catalog", "--catalog", url, "--json", "show", "first")
    report_files = sorted((out / "first" / "reports").glob("*.json"))
    assert shown["counts"]["report"] == len(report_files) > 0
    for path in report_files:
        template_id = json.loads(path.read_text())["template_id"]
        found = _json(
            capsys, "catalog", "--catalog", url, "--json", "lineage", "first", template_id
        )
        assert found["report"]["data"]["path"] == str(path)
        assert found["requirements"], f"{template_id} has no requirement in its lineage"
    result = _json(capsys, "catalog", "--catalog", url, "--json", "diff", "first", "second")
    assert result["fingerprint_changed"] is False
    assert result["templates"] and not result["only_before"] and not result["only_after"]
    assert all(not t["entered_top"] and not t["left_top"] for t in result["templates"])
    capsys.readouterr()
    assert main(["catalog", "--catalog", url, "diff", "first", "second"]) == 0
    text = capsys.readouterr().out
    assert "(same graph)" in text and ": changed" not in text


def test_the_epoch_is_written_running_before_the_items(shop):
    server, _, _ = shop
    steps = []
    for request in server.requests:
        if request.method == "POST" and request.path.endswith(f"/document/{EPOCHS_COLLECTION}"):
            steps.append(("start", request.body["id"], request.body["status"]))
        elif request.path.endswith("/_api/import") and request.params["collection"] == (
            ITEMS_COLLECTION
        ):
            steps.append(("items", request.body[0]["epoch_id"], None))
    for thread in ("first", "second"):
        mine = [step for step in steps if step[1] == thread]
        assert mine[0] == ("start", thread, "running"), mine
        assert ("items", thread, None) in mine


def test_no_password_on_screen_or_on_disk_and_resume_asks_for_the_source(shop, capsys):
    server, url, out = shop
    assert _files_hold(out, SECRET) == []
    capsys.readouterr()
    assert main(["resume", "--thread-id", "first", "--out", str(out / "first"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "give the source again with --source" in err and SECRET not in err
    wrong = url.replace("/shop", "/other")
    resume = ["resume", "--thread-id", "first", "--out", str(out / "first"), "--quiet"]
    assert main([*resume, "--source", wrong]) == 2
    assert "not arangodb://root@" in capsys.readouterr().err
    assert main([*resume, "--source", url]) == 0
    assert SECRET not in capsys.readouterr().err
    assert server.unexpected == []


def test_a_run_without_write_results_never_writes_to_the_database(tmp_path, capsys):
    with FakeArangoServer(load_bundled_demo(), "shop") as server:
        url = server.source("shop", password=SECRET)
        assert main(["run", "--source", url, "--out", str(tmp_path), "--quiet"]) == 0
    assert server.writes() == [] and server.created == {}
    assert (tmp_path / CATALOG_FILE_NAME).is_file()
    assert SECRET not in capsys.readouterr().err


def test_an_explicit_catalog_url_is_used_and_its_password_never_kept(tmp_path, capsys):
    with FakeArangoServer(None, "analytics") as server:
        url = server.source("analytics", password=SECRET)
        run = ["run", "--out", str(tmp_path), "--thread-id", "t", "--catalog", url]
        assert main([*run, "--text", "Who are the most influential customers?"]) == 0
        err = capsys.readouterr().err
        assert "epoch t recorded in the catalog in ArangoDB at arangodb://root@127.0.0.1" in err
        assert SECRET not in err
        assert not (tmp_path / CATALOG_FILE_NAME).exists()
        assert _files_hold(tmp_path, SECRET) == []
        epochs = _json(capsys, "catalog", "--catalog", url, "--json", "list")
        assert [(e["id"], e["status"], e["source"]) for e in epochs] == [("t", "finished", "demo")]
        resume = ["resume", "--thread-id", "t", "--out", str(tmp_path), "--quiet"]
        assert main(resume) == 2
        assert "give it again with --catalog" in capsys.readouterr().err
        assert main([*resume, "--catalog", url]) == 0
        assert len(server.created[EPOCHS_COLLECTION].documents) == 1
    assert server.unexpected == []


def test_querying_a_database_without_a_catalog_is_a_clear_error(capsys):
    with FakeArangoServer(load_bundled_demo(), "shop") as server:
        url = server.source("shop", password=SECRET)
        assert main(["catalog", "--catalog", url, "list"]) == 2
    err = capsys.readouterr().err
    assert "no catalog in ArangoDB at arangodb://root@127.0.0.1" in err and SECRET not in err
    assert server.writes() == []
