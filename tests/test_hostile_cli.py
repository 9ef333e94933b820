"""Hostile and careless input to the `gaai` command and the Python runner.

Every refused input must give exit code 2, exactly one line on stderr that names the input,
no traceback, and leave nothing on disk: no output directory, no checkpoint store, no thread
file, no catalog (the working directory and the state directory are compared before and after).
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from gaai_graph.cli import EXIT_BAD_INPUT, EXPORT_MARKER, main
from gaai_graph.errors import GaaiError
from gaai_graph.runner import STATE_DIR_VARIABLE, AgenticWorkflowRunner

SECRET = "pw-s3cret"


def _tree(*roots: Path) -> set[str]:
    return {str(path) for root in roots if root.exists() for path in root.rglob("*")}


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _refused(
    argv: list[str],
    named: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> str:
    """Run `gaai argv` in `tmp_path`; assert the refusal contract; return the error line."""
    monkeypatch.chdir(tmp_path)
    state = Path(os.environ[STATE_DIR_VARIABLE])
    before = _tree(tmp_path, state)
    code = main(argv)
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == EXIT_BAD_INPUT, err
    assert len(lines) == 1, err
    assert "Traceback" not in err
    assert named in lines[0], lines[0]
    assert lines[0].startswith("gaai"), lines[0]
    assert SECRET not in err
    assert _tree(tmp_path, state) == before, "a refused run left files behind"
    return lines[0]


@pytest.mark.parametrize(
    ("flags", "named", "says"),
    [
        (["--catalog", f"mysql://u:{SECRET}@h/db"], "--catalog", "mysql:// is not a supported"),
        (["--catalog", "http://example.org/c"], "--catalog", "http:// is not a supported"),
        (["--catalog", f"postgresql://u:{SECRET}@h/db"], "--catalog", "postgresql://"),
        (["--checkpoint", f"mysql://u:{SECRET}@h/db"], "--checkpoint", "mysql://"),
        (["--checkpoint", "http://example.org/x"], "--checkpoint", "http://"),
        # A URL typed with a slash too few would be a path: directories named after it.
        (["--checkpoint", f"mysql:/u:{SECRET}@h/db"], "--checkpoint", "'mysql:' like a URL"),
        (["--checkpoint", f"file:u:{SECRET}@h"], "--checkpoint", "'file:' like a URL"),
        (["--catalog", f"mysql:/u:{SECRET}@h/db"], "--catalog", "'mysql:' like a URL"),
        (["--source", f"ftp://u:{SECRET}@h/db"], "ftp://u@h/db", "unsupported source"),
        (["--thread-id", "a" * 300], "--thread-id", "at most 128"),
        (["--thread-id", "a\nb"], "--thread-id", "letters, digits"),
        (["--thread-id", "../escape"], "--thread-id", "starting with a letter or digit"),
        (["--source", "demo:1e9"], "demo:1e9", "from 0.2 to 100"),
        (["--source", "demo:0"], "demo:0", "from 0.2 to 100"),
        (["--source", "demo:nan"], "demo:nan", "from 0.2 to 100"),
        (["--source", "demo:many"], "demo:many", "must be a number"),
        (["--llm-timeout", "nan"], "--llm-timeout", "finite number of seconds"),
        (["--llm-timeout", "inf"], "--llm-timeout", "finite number of seconds"),
        (["--llm-timeout", "0"], "--llm-timeout", "above 0"),
        (["--max-executions", "0"], "--max-executions", "at least 1"),
        (["--top-k", "-3"], "--top-k", "at least 1"),
        (["--llm-retries", "-1"], "--llm-retries", "at least 0"),
        (["--source", "no/such/snapshot"], "no/such/snapshot", "does not exist"),
        (["--doc", "missing.md"], "missing.md", "not found"),
        (["--doc", "/dev/zero"], "/dev/zero", "not a regular file"),
    ],
)
def test_bad_flags_are_refused_before_anything_is_made(
    flags: list[str],
    named: str,
    says: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    line = _refused(
        ["run", "--out", "out", "--quiet", *flags], named, tmp_path, capsys, monkeypatch
    )
    assert says in line


def test_the_demo_scale_bound_says_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    line = _refused(
        ["run", "--out", "out", "--source", "demo:1e9"], "demo:1e9", tmp_path, capsys, monkeypatch
    )
    assert "memory" in line and "snapshot or a database" in line


def _empty_snapshot(tmp_path: Path) -> str:
    (tmp_path / "snap").mkdir()
    return "snap"


def _malformed_snapshot(tmp_path: Path) -> str:
    (tmp_path / "snap").mkdir()
    (tmp_path / "snap" / "customers.jsonl").write_text('{"_key": "a"}\n{not json\n')
    return "snap"


@pytest.mark.parametrize(
    ("make_source", "extra", "named"),
    [
        (_empty_snapshot, [], "snap"),
        (_malformed_snapshot, [], "customers.jsonl"),
        (lambda _: f"arangodb://root:{SECRET}@127.0.0.1:{_closed_port()}/db", [], "ArangoDB"),
        (lambda _: "demo", ["--graph", "no_such_graph"], "no_such_graph"),
    ],
    ids=["empty-snapshot", "malformed-snapshot", "unreachable-database", "unknown-graph"],
)
def test_runs_refused_by_the_graph_leave_nothing_behind(
    make_source: Callable[[Path], str],
    extra: list[str],
    named: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = make_source(tmp_path)
    argv = ["run", "--out", "out", "--quiet", "--source", source, "--thread-id", "t1", *extra]
    _refused(argv, named, tmp_path, capsys, monkeypatch)
    assert not (tmp_path / "out").exists()


def test_a_refused_run_keeps_an_existing_out_dir_and_its_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "mine.txt").write_text("keep me")
    argv = ["run", "--out", "out", "--quiet", "--graph", "no_such_graph"]
    _refused(argv, "no_such_graph", tmp_path, capsys, monkeypatch)
    assert (tmp_path / "out" / "mine.txt").read_text() == "keep me"


def test_resume_of_a_thread_the_store_does_not_hold_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["run", "--out", "out", "--quiet", "--thread-id", "t1"]) == 0
    capsys.readouterr()
    line = _refused(
        ["resume", "--out", "out", "--thread-id", "t1", "--checkpoint", "other.sqlite"],
        "--thread-id 't1'",
        tmp_path,
        capsys,
        monkeypatch,
    )
    assert "nothing to resume" in line


def test_catalog_queries_refuse_other_urls_without_echoing_the_password(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    argv = ["catalog", "--catalog", f"mysql://u:{SECRET}@h/db", "list"]
    _refused(argv, "--catalog", tmp_path, capsys, monkeypatch)


def test_resume_with_a_damaged_thread_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    threads = tmp_path / "out" / ".gaai" / "threads"
    threads.mkdir(parents=True)
    (threads / "t1.json").write_text("[]")
    line = _refused(
        ["resume", "--out", "out", "--thread-id", "t1"], "t1", tmp_path, capsys, monkeypatch
    )
    assert "damaged" in line


def test_export_demo_never_touches_a_user_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    users = tmp_path / "users"
    users.mkdir()
    (users / "orders.jsonl").write_text('{"_key": "mine"}\n')
    (users / "dump.json").write_text("{}")
    file = tmp_path / "a-file"
    file.write_text("precious")

    _refused(["export-demo", "--out", "users"], "--out 'users'", tmp_path, capsys, monkeypatch)
    _refused(["export-demo", "--out", "a-file"], "--out 'a-file'", tmp_path, capsys, monkeypatch)
    assert (users / "orders.jsonl").read_text() == '{"_key": "mine"}\n'
    assert (users / "dump.json").read_text() == "{}"
    assert file.read_text() == "precious"


def test_export_demo_writes_new_empty_and_its_own_directories_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty").mkdir()
    assert main(["export-demo", "--out", "empty", "--scale", "0.3"]) == 0
    assert main(["export-demo", "--out", "new/dir", "--format", "jsonl", "--scale", "0.3"]) == 0
    marker = json.loads((tmp_path / "new" / "dir" / EXPORT_MARKER).read_text())
    assert "customers.jsonl" in marker["files"]
    # Again into its own directory: allowed, and the files are rewritten.
    assert main(["export-demo", "--out", "new/dir", "--format", "jsonl", "--scale", "0.3"]) == 0
    capsys.readouterr()
    # A file the user added there is never deleted: the export is refused.
    (tmp_path / "new" / "dir" / "notes.jsonl").write_text("mine\n")
    line = _refused(
        ["export-demo", "--out", "new/dir", "--scale", "0.3"],
        "notes.jsonl",
        tmp_path,
        capsys,
        monkeypatch,
    )
    assert "did not write" in line
    assert (tmp_path / "new" / "dir" / "notes.jsonl").read_text() == "mine\n"
    _refused(
        ["export-demo", "--out", "x", "--scale", "1e9"], "--scale", tmp_path, capsys, monkeypatch
    )


def test_an_out_dir_made_read_only_mid_run_marks_the_epoch_failed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from gaai_graph.catalog import open_catalog
    from gaai_graph.reporting import files

    def read_only(out_dir: Path, *args: object, **kwargs: object) -> object:
        # What writing into a directory made read-only meanwhile raises (root ignores modes,
        # so the failure is injected where the reports are written).
        raise PermissionError(13, "Permission denied", str(out_dir / "index.html"))

    monkeypatch.setattr(files, "write_run_outputs", read_only)
    monkeypatch.chdir(tmp_path)
    catalog = tmp_path / "catalog.sqlite"
    code = main(["run", "--out", "out", "--quiet", "--thread-id", "t1", "--catalog", str(catalog)])
    err = capsys.readouterr().err
    assert code == EXIT_BAD_INPUT
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    assert "cannot write the reports" in err and "marked failed" in err
    assert "gaai resume --thread-id t1" in err
    epoch = open_catalog(str(catalog), create=False).get_epoch("t1")
    assert epoch.status == "failed" and "Permission denied" in (epoch.error or "")


def test_gaai_run_with_other_inputs_on_a_thread_is_refused_and_restart_starts_anew(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from gaai_graph.catalog import open_catalog

    monkeypatch.chdir(tmp_path)
    assert main(["run", "--out", "out", "--quiet", "--thread-id", "t1"]) == 0
    first = json.loads((tmp_path / "out" / "summary.json").read_text())
    capsys.readouterr()
    line = _refused(
        ["run", "--out", "out", "--quiet", "--thread-id", "t1", "--text", "Who are the hubs?"],
        "--thread-id 't1'",
        tmp_path,
        capsys,
        monkeypatch,
    )
    assert "requirement documents" in line and "--restart" in line
    line = _refused(
        ["run", "--out", "out", "--thread-id", "t1", "--source", "demo:0.5"],
        "source 'demo' (now 'demo:0.5')",
        tmp_path,
        capsys,
        monkeypatch,
    )
    # The same inputs read the finished run back.
    assert main(["run", "--out", "out", "--quiet", "--thread-id", "t1"]) == 0
    assert json.loads((tmp_path / "out" / "summary.json").read_text())["run_id"] == first["run_id"]
    fingerprint = open_catalog("out/catalog.sqlite", create=False).get_epoch("t1").fingerprint
    # --restart discards the old run (checkpoints and epoch) and runs the new inputs.
    args = ["run", "--out", "out", "--quiet", "--thread-id", "t1", "--source", "demo:0.5"]
    assert main([*args, "--restart"]) == 0
    epochs = open_catalog("out/catalog.sqlite", create=False).list_epochs()
    assert [e.id for e in epochs] == ["t1"] and epochs[0].fingerprint != fingerprint


def test_one_line_errors_through_the_real_process(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "gaai_graph.cli", "run", "--thread-id", "x" * 300],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == EXIT_BAD_INPUT
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert list(tmp_path.iterdir()) == []


# -- the Python runner -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda: AgenticWorkflowRunner(checkpoint=f"mysql://u:{SECRET}@h/db"), "mysql://"),
        (lambda: AgenticWorkflowRunner(checkpoint="http://example.org/x"), "http://"),
        (lambda: AgenticWorkflowRunner(max_executions=0), "max_executions"),
        (lambda: AgenticWorkflowRunner(llm_timeout=float("nan")), "llm_timeout must be a finite"),
    ],
)
def test_runner_arguments_are_checked_at_construction(
    make: Callable[[], AgenticWorkflowRunner],
    says: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(GaaiError, match=says) as raised:
        make()
    assert SECRET not in str(raised.value)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("call", "says"),
    [
        ({"max_executions": 0}, "max_executions must be at least 1"),
        ({"run_id": "bad id\n"}, "run_id"),
        ({"run_id": "r" * 129}, "at most 128"),
        ({"input_documents": 42}, "input_documents must be a list"),
        ({"input_documents": "requirements.md"}, "input_documents must be a list"),
    ],
)
def test_runner_run_arguments_are_checked_before_anything_is_made(
    call: dict[str, object], says: str, state_dir: Path
) -> None:
    runner = AgenticWorkflowRunner()
    with pytest.raises(GaaiError, match=says):
        asyncio.run(runner.run_async(**call))  # type: ignore[arg-type]
    assert not state_dir.exists()


def test_a_runner_run_refused_by_the_graph_leaves_no_store(state_dir: Path) -> None:
    runner = AgenticWorkflowRunner(graph_name="no_such_graph")
    with pytest.raises(GaaiError, match="no_such_graph"):
        asyncio.run(runner.run_async(run_id="t1"))
    assert not state_dir.exists()
