"""The `gaai` command line's small courtesies: help, suggestions, plurals, pipes, times, ids."""

from __future__ import annotations

import argparse
import io
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from gaai_graph.catalog_commands import local_time
from gaai_graph.cli import EXIT_BAD_INPUT, ProgressPrinter, _build_parser, _progress_line, main


def _options(parser: argparse.ArgumentParser) -> list[tuple[str, argparse.Action]]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += [(f"{name} {opt}", a) for opt, a in _options(sub)]
        elif action.option_strings and action.dest not in {"help", "version"}:
            found.append((action.option_strings[-1], action))
    return found


def test_every_option_has_help_and_defaults_are_shown() -> None:
    parser = _build_parser()
    options = _options(parser)
    assert len(options) > 30
    assert [name for name, action in options if not action.help] == []
    text = parser._subparsers._group_actions[0].choices["run"].format_help()  # type: ignore[union-attr]
    assert re.search(r"--max-executions N\s+most analyses running at once \(default: 8\)", text)
    assert "(default: 10)" in text and "(default: gaai-output)" in text


@pytest.mark.parametrize(
    ("argv", "suggested"),
    [(["rn"], "did you mean 'run'?"), (["catalog", "lst"], "did you mean 'list'?")],
)
def test_a_mistyped_command_gets_a_suggestion(
    argv: list[str], suggested: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == EXIT_BAD_INPUT
    error = capsys.readouterr().err
    assert suggested in error and error.count("\n") == 1


def test_nothing_close_suggests_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["zzzzzz"]) == EXIT_BAD_INPUT
    assert "did you mean" not in capsys.readouterr().err


def test_progress_counts_use_the_right_plural() -> None:
    one = _progress_line("extract_requirements", {"requirements": [object()]}, 0.0)
    two = _progress_line("generate_use_cases", {"use_cases": [1, 2]}, 0.0)
    assert one is not None and one.endswith(": 1 requirement")
    assert two is not None and two.endswith(": 2 use cases")


def test_resumed_progress_has_no_impossible_fraction_and_no_internal_keys() -> None:
    stream = io.StringIO()
    printer = ProgressPrinter(stream)
    report = SimpleNamespace(
        template_id="TPL-1", algorithm="pagerank", status="succeeded", error=None
    )
    printer("updates", {"__metadata__": {"cached": True}})
    printer("updates", {"run_template": {"reports": [report]}})
    text = stream.getvalue()
    assert "__metadata__" not in text
    assert "TPL-1" in text and "(1/0)" not in text


def test_a_closed_pipe_ends_output_quietly(monkeypatch: pytest.MonkeyPatch) -> None:
    class ClosedPipe(io.StringIO):
        def write(self, text: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

    stderr = io.StringIO()
    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    monkeypatch.setattr(sys, "stderr", stderr)
    assert main(["--version"]) == 0
    assert stderr.getvalue() == ""


def test_head_of_a_long_listing_prints_no_traceback(tmp_path: Path) -> None:
    # `gaai catalog list | head -1` over a real pipe, with a listing far larger than the pipe's
    # buffer (the catalog query is replaced by one returning 200,000 lines).
    script = (
        "import sys\n"
        "from gaai_graph import catalog_commands, cli\n"
        "from types import SimpleNamespace as Catalog\n"
        "catalog_commands.open_catalog = lambda *a, **k: Catalog(close=lambda: None)\n"
        "catalog_commands._catalog_query = lambda c, a: ([], '\\n'.join(['run-x'] * 200000))\n"
        "sys.exit(cli.main(['catalog', '--catalog', sys.argv[1], 'list']))\n"
    )
    (tmp_path / "listing.py").write_text(script)
    shell = f"{sys.executable} {tmp_path / 'listing.py'} {tmp_path / 'c.sqlite'} | head -1"
    done = subprocess.run(shell, shell=True, capture_output=True, text=True, timeout=60)
    assert done.stdout == "run-x\n"
    assert done.stderr == ""


def test_times_are_local_iso() -> None:
    text = local_time(0)
    assert datetime.fromisoformat(text).timestamp() == 0
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", text)
    assert local_time(None) == "-"


def test_catalog_json_flag_works_after_the_query_and_fingerprints_as_shown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main(["run", "--source", "demo", "--out", str(out), "--quiet"]) == 0
    capsys.readouterr()
    catalog = str(out / "catalog.sqlite")
    assert main(["catalog", "--catalog", catalog, "list"]) == 0
    line = capsys.readouterr().out.splitlines()[0]
    shown = re.search(r"fingerprint (\S+)", line)
    assert shown is not None
    assert main(["catalog", "--catalog", catalog, "list", "--json", "--fingerprint", shown[1]]) == 0
    listed = capsys.readouterr().out
    assert listed.lstrip().startswith("[") and shown[1] in listed
    assert main(["catalog", "--catalog", catalog, "list", "--fingerprint", shown[1][:12]]) == 0
    assert capsys.readouterr().out.strip() == line
    assert main(["catalog", "--catalog", catalog, "list", "--fingerprint", "ffff"]) == 0
    assert "(no epochs)" in capsys.readouterr().out
    started = re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", line)
    assert started is not None
