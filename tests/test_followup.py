"""Follow-up questions on a finished run compute only the analyses the run lacks."""

from __future__ import annotations

import json

import pytest

from gaai_graph.catalog import SqliteCatalog
from gaai_graph.cli import main
from gaai_graph.errors import GaaiError
from gaai_graph.followup import ask_followup

FIRST = "Who are the most influential customers?"
BOTH = "Who are the most influential customers, and which segments of customers are there?"


@pytest.fixture
def finished_run(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["run", "--out", str(out), "--quiet", "--thread-id", "first", "--text", FIRST]) == 0
    capsys.readouterr()
    return out


async def test_follow_up_runs_only_the_new_analysis(finished_run) -> None:
    catalog = finished_run / "catalog.sqlite"
    answer = await ask_followup(BOTH, thread_id="first", catalog=catalog, out_dir=finished_run)
    executions = answer.result.values["executions"]
    assert [e.algorithm for e in executions] == ["leiden"]  # PageRank was not computed again
    assert answer.executed == [executions[0].template_id]
    assert len(answer.reused) == 1
    algorithms = {r.template_id: r.algorithm for r in answer.reports}
    assert sorted(algorithms.values()) == ["leiden", "pagerank"]
    (reused_id,) = answer.reused
    reused = next(r for r in answer.reports if r.template_id == reused_id)
    assert reused.notes[0].startswith("Reused from run first")
    summary = json.loads((answer.out_dir / "summary.json").read_text(encoding="utf-8"))
    assert summary["headline"].startswith("Follow-up on run first: 1 new analysis, 1 reused")
    assert summary["skipped"] == []
    assert (answer.out_dir / "reports" / f"{reused_id}.md").is_file()
    store = SqliteCatalog(catalog)
    epoch = store.get_epoch(answer.run_id)
    assert "follows:first" in epoch.tags and epoch.status == "finished"
    assert len(store.nodes(answer.run_id, "report")) == 2
    store.close()


async def test_follow_up_asking_only_what_is_known_computes_nothing(finished_run) -> None:
    answer = await ask_followup(
        FIRST, thread_id="first", catalog=finished_run / "catalog.sqlite", out_dir=finished_run
    )
    assert answer.result.values.get("executions", []) == []
    assert [r.algorithm for r in answer.reports] == ["pagerank"]


async def test_follow_up_on_an_unknown_run_is_one_line(finished_run) -> None:
    with pytest.raises(GaaiError, match="--thread-id 'nope': no such run"):
        await ask_followup(
            FIRST, thread_id="nope", catalog=finished_run / "catalog.sqlite", out_dir=finished_run
        )


def test_gaai_ask_prints_the_answer(finished_run, capsys) -> None:
    assert main(["ask", "--thread-id", "first", "--out", str(finished_run), BOTH]) == 0
    printed = capsys.readouterr().out
    assert "Follow-up on run first: 1 new analysis, 1 reused from it." in printed
    assert main(["ask", "--thread-id", "first", "--out", str(finished_run / "x"), BOTH]) == 2
    error = capsys.readouterr().err
    assert error.startswith("gaai: error: --thread-id 'first'") and error.count("\n") == 1
