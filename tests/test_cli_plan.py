"""`gaai plan` and `gaai run --approve PLAN.json`, end to end through the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gaai_graph.cli import EXIT_BAD_INPUT, main
from gaai_graph.engines.local import LocalEngine

QUESTIONS = "Find fraud rings sharing devices. Who are the most influential customers?"


@pytest.fixture
def executions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The template ids the local engine runs, in order (every analysis goes through it)."""
    ran: list[str] = []
    original = LocalEngine.run

    def counting(self: LocalEngine, data: Any, template: Any, **options: Any) -> Any:
        ran.append(template.id)
        return original(self, data, template, **options)

    monkeypatch.setattr(LocalEngine, "run", counting)
    return ran


def _plan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, dict[str, Any]]:
    plan_file = tmp_path / "plan.json"
    code = main(
        ["plan", "--text", QUESTIONS, "--out", str(plan_file), "--out-dir", str(tmp_path / "out")]
    )
    assert code == 0, capsys.readouterr().err
    return plan_file, json.loads(plan_file.read_text())


def test_plan_writes_the_templates_for_review_and_runs_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], executions: list[str]
) -> None:
    plan_file, plan = _plan(tmp_path, capsys)

    printed = capsys.readouterr().out
    assert executions == []
    assert not (tmp_path / "out" / "reports").exists()
    assert plan["thread_id"] in printed and f"gaai run --approve {plan_file}" in printed
    assert "gaai run --approve" in plan["how_to_approve"]
    assert Path(plan["out_dir"]) == (tmp_path / "out").resolve()
    entries = {entry["id"]: entry for entry in plan["templates"]}
    assert len(entries) >= 2
    for entry in entries.values():
        assert {"title", "method", "projection", "parameters", "question"} <= set(entry)
        assert entry["question"] in QUESTIONS  # the requirement it answers, verbatim
        assert entry["projection"]["vertex_collections"]
    assert {entry["method"] for entry in entries.values()} >= {"shared_identifiers", "pagerank"}


def test_an_approved_plan_with_one_template_dropped_runs_exactly_the_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], executions: list[str]
) -> None:
    plan_file, plan = _plan(tmp_path, capsys)
    ids = [entry["id"] for entry in plan["templates"]]
    dropped = next(e["id"] for e in plan["templates"] if e["method"] == "shared_identifiers")
    edited = next(e for e in plan["templates"] if e["method"] == "pagerank")
    edited["parameters"]["damping_factor"] = 0.7
    plan["templates"] = [entry for entry in plan["templates"] if entry["id"] != dropped]
    plan_file.write_text(json.dumps(plan))

    code = main(["run", "--approve", str(plan_file), "--quiet"])

    assert code == 0, capsys.readouterr().err
    assert sorted(executions) == sorted(i for i in ids if i != dropped)
    out = tmp_path / "out"
    summary = json.loads((out / "summary.json").read_text())
    assert sorted(r["template_id"] for r in summary["reports"]) == sorted(executions)
    report = json.loads((out / "reports" / f"{edited['id']}.json").read_text())
    assert report["parameters"]["damping_factor"] == 0.7
    assert (out / "index.html").is_file()
    # The thread is done: approving again says so, and runs nothing.
    executions.clear()
    capsys.readouterr()
    assert main(["run", "--approve", str(plan_file), "--quiet"]) == EXIT_BAD_INPUT
    error = capsys.readouterr().err
    assert "not waiting for approval" in error and len(error.strip().splitlines()) == 1
    assert executions == []


def _edited(plan: dict[str, Any], change: str) -> str:
    """The plan's text after one kind of bad edit (`plan` itself is left as it was)."""
    plan = json.loads(json.dumps(plan))
    first = plan["templates"][0]
    if change == "malformed":
        return json.dumps(plan)[:-5]
    if change == "unknown id":
        first["id"] = "TPL-999"
    elif change == "schema":
        first["projection"]["edge_collections"] = ["no_such_edges"]
    elif change == "parameter":
        pagerank = next(e for e in plan["templates"] if e["method"] == "pagerank")
        pagerank["parameters"]["damping_factor"] = 7
    elif change == "read only":
        first["question"] = "Something else?"
    elif change == "unknown field":
        first["colour"] = "red"
    return json.dumps(plan)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ("malformed", "is not valid JSON"),
        ("unknown id", "unknown template id 'TPL-999'"),
        ("schema", "no_such_edges"),
        ("parameter", "damping_factor"),
        ("read only", "question is shown for reading"),
        ("unknown field", "colour"),
    ],
)
def test_a_bad_plan_gets_one_line_and_exit_2_and_the_run_keeps_waiting(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    executions: list[str],
    change: str,
    expected: str,
) -> None:
    plan_file, plan = _plan(tmp_path, capsys)
    good = plan_file.read_text()
    plan_file.write_text(_edited(plan, change))
    capsys.readouterr()

    code = main(["run", "--approve", str(plan_file), "--quiet"])

    error = capsys.readouterr().err
    assert code == EXIT_BAD_INPUT
    assert error.startswith("gaai: error: plan ") and expected in error, error
    assert len(error.strip().splitlines()) == 1
    assert executions == []
    # Nothing was applied: the unedited plan is still accepted.
    plan_file.write_text(good)
    assert main(["run", "--approve", str(plan_file), "--quiet"]) == 0
    assert sorted(executions) == sorted(entry["id"] for entry in plan["templates"])


def test_a_plan_whose_run_is_gone_gets_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan_file, plan = _plan(tmp_path, capsys)
    Path(plan["checkpoint"]).unlink()
    capsys.readouterr()

    assert main(["run", "--approve", str(plan_file)]) == EXIT_BAD_INPUT

    error = capsys.readouterr().err
    assert f"run {plan['thread_id']} is gone" in error and "gaai plan" in error
    assert len(error.strip().splitlines()) == 1


def test_approve_refuses_inputs_that_contradict_the_plan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan_file, _ = _plan(tmp_path, capsys)
    capsys.readouterr()

    assert main(["run", "--approve", str(plan_file), "--text", "other"]) == EXIT_BAD_INPUT
    assert "leave out --text" in capsys.readouterr().err


def test_running_a_planned_thread_without_its_plan_says_how_to_approve(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], executions: list[str]
) -> None:
    _, plan = _plan(tmp_path, capsys)
    capsys.readouterr()

    code = main(["resume", "--thread-id", plan["thread_id"], "--out", str(tmp_path / "out")])

    assert code == EXIT_BAD_INPUT
    assert "gaai run --approve" in capsys.readouterr().err
    assert executions == []


def test_a_plan_with_every_entry_deleted_runs_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], executions: list[str]
) -> None:
    plan_file, plan = _plan(tmp_path, capsys)
    planned = len(plan["templates"])
    plan["templates"] = []
    plan_file.write_text(json.dumps(plan))

    assert main(["run", "--approve", str(plan_file), "--quiet"]) == 0

    assert executions == []
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["reports"] == []
    assert len(summary["skipped"]) == planned >= 2
    assert all("dropped by the reviewer" in item["message"] for item in summary["skipped"])
