"""Kill `gaai run` with SIGKILL at chosen points, resume it, and count executions.

The kill lands deterministically: `GAAI_CHECKPOINT_PAUSE=<channel>:<n>` makes the run stop right
after the n-th write to that channel is committed to the checkpoint store, and
`GAAI_CHECKPOINT_LOG` records every committed task write with the process id, so the template
chains finished before the kill and those executed after the resume can be counted.
"""

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from gaai_graph.methods.registry import get_method

GAAI = [sys.executable, "-m", "gaai_graph.cli"]
TIMEOUT = 180


def _normalise(value):
    """Drop wall-time measurements, which differ on every run."""
    if isinstance(value, dict):
        return {
            key: _normalise(item)
            for key, item in value.items()
            if "seconds" not in key and not key.startswith(("runtime", "elapsed"))
        }
    if isinstance(value, list):
        return [_normalise(item) for item in value]
    return value


def _reports(out_dir: Path) -> dict[str, object]:
    files = sorted((out_dir / "reports").glob("*.json"))
    assert files, f"no reports in {out_dir}"
    return {path.name: _normalise(json.loads(path.read_text())) for path in files}


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GAAI_CHECKPOINT")}
    env.update(extra)
    return env


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    done = subprocess.run([*GAAI, *args], env=env, capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def _run_until_paused(args: list[str], env: dict[str, str]) -> None:
    """Start `gaai run`, wait for the pause marker, then SIGKILL it."""
    process = subprocess.Popen(
        [*GAAI, *args], env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True
    )
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        for line in process.stderr:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    seen: list[str] = []
    try:
        while True:
            line = lines.get(timeout=TIMEOUT)
            if line is None:
                pytest.fail(f"the run ended before pausing:\n{''.join(seen)[-3000:]}")
            seen.append(line)
            if line.startswith("GAAI-PAUSED"):
                break
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


def _templates_by_pid(log: Path) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for line in log.read_text().splitlines():
        entry = json.loads(line)
        found.setdefault(entry["pid"], []).extend(entry.get("templates", []))
    return found


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """An uninterrupted run: its reports and its number of templates."""
    out = tmp_path_factory.mktemp("reference")
    log = out / "writes.jsonl"
    _run(
        ["run", "--out", str(out), "--thread-id", "ref", "--quiet"],
        _env(GAAI_CHECKPOINT_LOG=str(log)),
    )
    templates = [t for ts in _templates_by_pid(log).values() for t in ts]
    assert templates and len(templates) == len(set(templates))
    return _reports(out), sorted(templates)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("pause", "how"),
    [
        ("schema:1", "resume"),
        ("executions:2", "resume"),
        ("executions:2", "rerun"),
        ("executions:last", "resume"),
        ("summary:1", "resume"),
    ],
    ids=["after-schema", "mid-fan-out", "mid-fan-out-rerun", "before-aggregate", "after-aggregate"],
)
def test_killed_run_resumes_to_identical_reports_without_reexecution(
    tmp_path, reference, pause, how
):
    """`how`: `gaai resume --thread-id`, or `gaai run` again with the same thread id."""
    expected_reports, templates = reference
    if pause == "executions:last":
        pause = f"executions:{len(templates)}"
    out = tmp_path / "out"
    log = tmp_path / "writes.jsonl"
    run_args = ["run", "--out", str(out), "--thread-id", "t", "--quiet"]
    _run_until_paused(run_args, _env(GAAI_CHECKPOINT_LOG=str(log), GAAI_CHECKPOINT_PAUSE=pause))
    before = _templates_by_pid(log)
    assert len(before) == 1
    finished_before = next(iter(before.values()))
    assert not (out / "reports").exists(), "the killed run wrote no reports"

    resume_args = ["resume", "--thread-id", "t", "--out", str(out), "--quiet"]
    _run(resume_args if how == "resume" else run_args, _env(GAAI_CHECKPOINT_LOG=str(log)))
    after = _templates_by_pid(log)
    executed_after = [t for pid, ts in after.items() if pid not in before for t in ts]

    if pause.startswith("executions"):
        # Exactly the n chains before the pause point: with many chains finishing at once,
        # "mid-fan-out" must not quietly become "after the fan-out".
        assert len(finished_before) == int(pause.split(":")[1])
    if pause == "executions:2":
        assert 0 < len(finished_before) < len(templates), "the kill landed mid fan-out"
    if pause in ("summary:1",) or pause == f"executions:{len(templates)}":
        assert sorted(finished_before) == templates
    assert not set(finished_before) & set(executed_after), "a finished template ran again"
    assert sorted(finished_before + executed_after) == templates, "each template ran once"
    assert _reports(out) == expected_reports


def _imported_templates(server, requests) -> set[str]:
    return {
        row["template_id"]
        for r in requests
        if r.path.endswith("/_api/import") and r.params["collection"].startswith("gaai_results_")
        for row in r.body
    }


@pytest.mark.slow
def test_write_back_of_a_killed_and_resumed_run_stays_in_one_collection_without_duplicates(
    tmp_path,
):
    """SIGKILL after a template wrote its results but before its checkpoint was committed.

    The resumed run executes that template again; its rows must replace the first ones, in
    the same collection (named from the thread id), instead of a second collection or
    duplicated rows.
    """
    sys.path.insert(0, str(Path(__file__).resolve().parent / "sources"))
    from arango_replay import FakeArangoServer

    from gaai_graph.sources.arango_writeback import result_collection_name
    from gaai_graph.sources.demo import load_bundled_demo

    documents = sorted(
        (Path(__file__).resolve().parents[1] / "gaai_graph/data/documents").glob("*")
    )
    out, log = tmp_path / "out", tmp_path / "writes.jsonl"
    with FakeArangoServer(load_bundled_demo(), "shop") as server:
        run_args = ["run", "--source", server.source("shop"), "--write-results", "--out", str(out)]
        run_args += [f"--doc={path}" for path in documents]
        run_args += ["--thread-id", "t", "--quiet"]
        env = _env(GAAI_CHECKPOINT_LOG=str(log), GAAI_CHECKPOINT_PAUSE="executions:1")
        process = subprocess.Popen(
            [*GAAI, *run_args],
            env=env,
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
        )
        try:
            for line in process.stderr:
                if line.startswith("GAAI-PAUSED"):
                    break
            else:
                pytest.fail("the run ended before pausing")
            # Checkpoint saves are held from here on, but the other chains still execute and
            # write back: wait for one whose results are written and whose checkpoint is not.
            deadline = time.monotonic() + TIMEOUT
            while True:
                committed = {t for ts in _templates_by_pid(log).values() for t in ts}
                written = _imported_templates(server, list(server.requests))
                if written - committed or time.monotonic() > deadline:
                    break
                time.sleep(0.05)
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
        assert written - committed, "no template wrote results before the kill"
        killed_requests = len(server.requests)
        _run(["resume", "--thread-id", "t", "--out", str(out), "--quiet"], _env())
        again = _imported_templates(server, server.requests[killed_requests:])
    assert server.unexpected == []
    assert (written - committed) <= again, "the uncommitted templates ran again"
    results = [name for name in server.created if name.startswith("gaai_results_")]
    assert results == [result_collection_name("t")], "one collection for the whole run"
    rows = server.inserted[results[0]]
    pairs = [(row["template_id"], row["vertex"]) for row in rows]
    assert len(pairs) == len(set(pairs)), "a re-executed template duplicated its rows"
    reports = [json.loads(p.read_text()) for p in (out / "reports").glob("*.json")]
    succeeded = [r for r in reports if r["status"] == "succeeded"]
    assert succeeded
    for report in succeeded:
        if get_method(report["algorithm"]).kind == "answer":
            continue  # a value-answering method (sole dependency) has no per-vertex results
        count = sum(1 for template_id, _ in pairs if template_id == report["template_id"])
        assert count == report["metrics"]["vertex_count"], report["template_id"]


def test_a_resumed_run_shows_each_remaining_template_running(tmp_path, reference):
    """The resume streams the chains' own events, so progress says when each one runs."""
    _, templates = reference
    out = tmp_path / "out"
    log = tmp_path / "writes.jsonl"
    run_args = ["run", "--out", str(out), "--thread-id", "t", "--quiet"]
    _run_until_paused(
        run_args, _env(GAAI_CHECKPOINT_LOG=str(log), GAAI_CHECKPOINT_PAUSE="executions:2")
    )
    finished_before = next(iter(_templates_by_pid(log).values()))

    resumed = _run(["resume", "--thread-id", "t", "--out", str(out)], _env())

    remaining = sorted(set(templates) - set(finished_before))
    assert remaining
    running = {
        match.group(0)
        for line in resumed.stderr.splitlines()
        if line.rstrip().endswith(" running") and (match := re.search(r"TPL-\d+", line))
    }
    assert running == set(remaining)
