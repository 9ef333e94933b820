"""Tests of the `gaai` command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gaai_graph.cli import EXIT_BAD_INPUT, main
from gaai_graph.methods.registry import METHODS

REPORT_KEYS = {
    "template_id",
    "use_case_id",
    "requirement_ids",
    "algorithm",
    "parameters",
    "projection",
    "status",
    "error",
    "metrics",
    "top_entities",
    "groups",
    "group_count",
    "insights",
    "recommendations",
}


def test_run_on_demo_writes_summary_and_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"

    code = main(["run", "--source", "demo", "--out", str(out), "--quiet"])

    assert code == 0
    summary = json.loads((out / "summary.json").read_text())
    assert {
        "run_id",
        "vertical",
        "requirements",
        "use_cases",
        "templates",
        "reports",
        "timings",
    } <= set(summary)
    assert (out / "summary.md").read_text().strip()
    for digest in summary["reports"]:
        report = json.loads((out / "reports" / f"{digest['template_id']}.json").read_text())
        assert set(report) >= REPORT_KEYS
        assert report["status"] == digest["status"]
        assert (out / "reports" / f"{digest['template_id']}.md").is_file()
    printed = capsys.readouterr().out
    assert str(out) in printed
    # Where the run's state went is said, and it is under --out.
    assert f"Run state (checkpoints, to resume with --thread-id {summary['run_id']}): " in printed
    assert str(out / "checkpoints.sqlite") in printed


def test_progress_goes_to_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["run", "--out", str(tmp_path), "--text", "Find fraud rings sharing devices."])

    assert code == 0
    progress = capsys.readouterr().err
    assert "analyze_schema" in progress
    assert "generate_templates" in progress
    assert "shared_identifiers" in progress  # the rings rule's method


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["--doc", "no/such/file.md"], "no/such/file.md"),
        (["--source", "no/such/dir"], "no/such/dir"),
        (["--max-executions", "0"], "--max-executions"),
        (["--vertical", "astrology"], "astrology"),
    ],
)
def test_bad_input_exits_non_zero_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], arguments: list[str], expected: str
) -> None:
    code = main(["run", "--out", str(tmp_path), "--quiet", *arguments])

    assert code == EXIT_BAD_INPUT
    error = capsys.readouterr().err.strip()
    assert error.count("\n") == 0
    assert error.startswith("gaai: error:")
    assert expected in error


def test_export_demo_writes_a_loadable_snapshot(tmp_path: Path) -> None:
    from gaai_graph.sources.snapshot import load_snapshot

    assert main(["export-demo", "--out", str(tmp_path), "--scale", "0.3", "--format", "jsonl"]) == 0

    data = load_snapshot(tmp_path)
    assert "customers" in data.collections
    assert data.collections["referred"].kind == "edge"


def test_standard_questions_and_ignored_core_collections_are_announced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("Meeting notes\n")
    out = tmp_path / "out"

    code = main(
        ["run", "--doc", str(notes), "--core", "users", "--core", "customers", "--out", str(out)]
    )

    assert code == 0
    fallback = "no requirements found in the documents; used the vertical's standard questions"
    ignored = (
        "core_collections names users, which graph ecommerce_graph does not have as vertex "
        "collections; ignored"
    )
    summary = json.loads((out / "summary.json").read_text())
    assert any(w.startswith(fallback) for w in summary["warnings"])
    assert ignored in summary["warnings"]
    assert {uc["requirement_ids"][0][:3] for uc in summary["use_cases"]} == {"VQ-"}
    markdown = (out / "summary.md").read_text()
    assert "## Warnings" in markdown and "standard questions" in markdown
    printed = capsys.readouterr().out
    assert "Warnings:" in printed
    assert fallback in printed and ignored in printed


def _one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    error = capsys.readouterr().err.strip()
    assert error.count("\n") == 0, error
    assert error.startswith("gaai: error:")
    return error


def test_out_that_is_a_file_or_cannot_be_created_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    afile = tmp_path / "afile"
    afile.write_text("not a directory")

    assert main(["run", "--out", str(afile), "--quiet"]) == EXIT_BAD_INPUT
    assert _one_error_line(capsys) == (
        f"gaai: error: --out {afile} is a file, not a directory: give a directory"
    )

    below_a_file = afile / "out"
    assert main(["run", "--out", str(below_a_file), "--quiet"]) == EXIT_BAD_INPUT
    assert f"cannot create the output directory {below_a_file}" in _one_error_line(capsys)

    assert main(["resume", "--thread-id", "t", "--out", str(afile)]) == EXIT_BAD_INPUT
    assert "is a file, not a directory" in _one_error_line(capsys)


def test_a_directory_given_as_document_is_named_as_a_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["run", "--doc", str(tmp_path), "--out", str(tmp_path / "out"), "--quiet"])

    assert code == EXIT_BAD_INPUT
    assert _one_error_line(capsys) == (
        f"gaai: error: requirement document {tmp_path} is a directory; expected a text or "
        "Markdown file"
    )
    assert not (tmp_path / "out").exists()  # bad input is refused before anything is written


def test_malformed_snapshot_exits_2_naming_file_line_and_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    snapshot = tmp_path / "snapshot"
    snapshot.mkdir()
    people = snapshot / "people.jsonl"
    people.write_text('{"_key": "a"}\n{"_key": "b"}\n{"_key": "c", \n')

    code = main(["run", "--source", str(snapshot), "--out", str(tmp_path / "out"), "--quiet"])

    assert code == EXIT_BAD_INPUT
    assert _one_error_line(capsys) == (
        f"gaai: error: {people}:3: invalid JSON: unexpected end of data at column 15"
    )


def test_velocypack_dump_exits_2_with_advice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import hashlib

    dump = tmp_path / "dump"
    dump.mkdir()
    (dump / "dump.json").write_text(json.dumps({"database": "shop", "useVPack": True}))
    prefix = f"people_{hashlib.md5(b'people').hexdigest()}"
    (dump / f"{prefix}.structure.json").write_text(
        json.dumps({"parameters": {"name": "people", "type": 2}})
    )
    (dump / f"{prefix}.data.vpack").write_bytes(b"\x0a")

    code = main(["run", "--source", str(dump), "--out", str(tmp_path / "out"), "--quiet"])

    assert code == EXIT_BAD_INPUT
    error = _one_error_line(capsys)
    assert "VelocyPack is not supported" in error and "dump again as JSON" in error


SCORING = {"pagerank", "betweenness", "degree", "kcore", "triangles", "shared_identifiers"}
GROUPING = {
    "scc",
    "label_propagation",
    "louvain",
    "leiden",
}  # wcc runs when named; rings run shared_identifiers
ANSWERING = {name for name, method in METHODS.items() if method.kind == "answer"}


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_report_contract(report: dict[str, object]) -> None:
    """The nested report JSON contract of issue 2, field by field."""
    assert set(report) >= REPORT_KEYS
    assert isinstance(report["template_id"], str) and isinstance(report["use_case_id"], str)
    assert isinstance(report["requirement_ids"], list)
    assert isinstance(report["parameters"], dict)
    assert report["status"] in {"succeeded", "failed"}
    assert (report["error"] is None) == (report["status"] == "succeeded")
    projection = report["projection"]
    assert isinstance(projection, dict)
    assert set(projection) >= {"vertex_collections", "edge_collections", "directed"}
    assert projection["vertex_collections"] and projection["edge_collections"]
    assert isinstance(projection["directed"], bool)
    metrics = report["metrics"]
    assert isinstance(metrics, dict)
    assert {"vertex_count", "edge_count", "runtime_seconds"} <= set(metrics)
    assert isinstance(metrics["vertex_count"], int) and metrics["vertex_count"] > 0
    assert isinstance(metrics["edge_count"], int)
    assert _is_number(metrics["runtime_seconds"]) and metrics["runtime_seconds"] >= 0
    algorithm = report["algorithm"]
    top, groups = report["top_entities"], report["groups"]
    assert isinstance(top, list) and isinstance(groups, list)
    if algorithm in SCORING:
        assert top, algorithm
        for entity in top:
            assert set(entity) >= {"id", "value", "label"}
            collection, _, key = entity["id"].partition("/")
            assert collection in projection["vertex_collections"] and key
            assert _is_number(entity["value"]) and isinstance(entity["label"], str)
        values = [entity["value"] for entity in top]
        assert values == sorted(values, reverse=True)
    elif algorithm in ANSWERING:
        # Methods answering with a value (sole dependency, short cycles): the answer field.
        answer = report["answer"]
        assert isinstance(answer, dict), algorithm
        assert set(answer) >= {"kind", "value", "convention", "method"}
        assert answer["method"] == algorithm and answer["convention"]
    else:
        assert algorithm in GROUPING, algorithm
        assert groups, algorithm
        assert isinstance(report["group_count"], int) and report["group_count"] >= len(groups)
        for group in groups:
            assert set(group) >= {"size", "members_sample"}
            assert isinstance(group["size"], int) and group["size"] >= 1
            members = group["members_sample"]
            assert members and len(members) <= group["size"]
            assert all(isinstance(m, str) and "/" in m for m in members)
        sizes = [group["size"] for group in groups]
        assert sizes == sorted(sizes, reverse=True)
    insights = report["insights"]
    assert isinstance(insights, list) and insights
    for insight in insights:
        assert set(insight) >= {"title", "description", "confidence", "evidence"}
        assert insight["title"] and insight["description"]
        assert 0 <= insight["confidence"] <= 1 and isinstance(insight["evidence"], dict)
    recommendations = report["recommendations"]
    assert isinstance(recommendations, list)
    for recommendation in recommendations:
        assert {"title", "description", "priority"} <= set(recommendation)


def test_every_report_json_of_a_demo_run_meets_the_whole_contract(tmp_path: Path) -> None:
    from gaai_graph.nodes.requirements import DOCUMENTS_DIR

    out = tmp_path / "out"
    documents = [str(p) for p in sorted(DOCUMENTS_DIR.glob("*.md"))]
    code = main(
        [
            "run",
            *(argument for path in documents for argument in ("--doc", path)),
            # The sample documents leave these algorithms out; name them so every one runs.
            "--text",
            "Run label propagation on customers.",
            "--text",
            "Use Louvain to find customer communities.",
            "--text",
            "Count triangles among customers.",
            "--out",
            str(out),
            "--quiet",
        ]
    )

    assert code == 0
    summary = json.loads((out / "summary.json").read_text())
    digests = summary["reports"]
    assert digests
    algorithms = set()
    for digest in digests:
        assert set(digest) >= {"template_id", "status", "title"}
        report = json.loads((out / "reports" / f"{digest['template_id']}.json").read_text())
        assert (report["template_id"], report["status"]) == (
            digest["template_id"],
            digest["status"],
        )
        assert report["title"] == digest["title"]
        _check_report_contract(report)
        algorithms.add(report["algorithm"])
    # Every scoring and grouping method ran; the others answered with a value.
    assert SCORING | GROUPING <= algorithms <= SCORING | GROUPING | ANSWERING
    assert {t["id"] for t in summary["templates"]} == {d["template_id"] for d in digests}
    assert all(isinstance(seconds, float) for seconds in summary["timings"].values())


HEAVY_FOR_HELP = (
    "asyncio",
    "sqlite3",
    "uuid",
    "pydantic",
    "langgraph",
    "mcp",
    "gaai_graph.persistence",
    "gaai_graph.catalog",
    "gaai_graph.mcp_server",
    "gaai_graph.context",
)


@pytest.mark.parametrize(
    "argv", [["--help"], ["run", "--help"], ["resume", "--help"], ["catalog", "--help"]]
)
def test_help_loads_no_run_machinery(argv: list[str]) -> None:
    """`gaai --help` stays fast (issue 18): the stores and LangGraph load when a run starts."""
    import subprocess
    import sys

    code = (
        "import sys, gaai_graph.cli as cli\n"
        "try:\n"
        f"    cli.main({argv!r})\n"
        "except SystemExit as done:\n"
        "    assert done.code in (0, None), done.code\n"
        f"loaded = sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY_FOR_HELP!r} "
        f"or m in {HEAVY_FOR_HELP!r})\n"
        "assert not loaded, loaded\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "usage: gaai" in done.stdout


def test_the_program_ends_quickly_with_main_s_code_output_and_exit_handlers(
    tmp_path: Path,
) -> None:
    """`gaai` ends without the interpreter's teardown, but nothing of the usual exit is lost."""
    import subprocess
    import sys

    marker = tmp_path / "handler-ran"
    code = (  # a module the command loads registers an exit handler (LangSmith's flush...)
        "import atexit, sys, gaai_graph.cli as cli\n"
        "sys.argv = ['gaai', *sys.argv[1:]]\n"
        "command = cli.main\n"
        "def main():\n"
        f"    atexit.register(lambda: open({str(marker)!r}, 'w').close())\n"
        "    return command()\n"
        "cli.main = main\n"
        "cli.entry()\n"
    )
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-c", code, "export-demo", "--out", str(out), "--scale", "0.2"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Wrote the demo graph") and done.stdout.endswith("as dump\n")
    assert marker.exists()
    refused = subprocess.run(
        [sys.executable, "-m", "gaai_graph.cli", "run", "--source", str(tmp_path / "absent")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode == EXIT_BAD_INPUT
    assert refused.stderr.startswith("gaai: error: ") and refused.stderr.count("\n") == 1
    assert "does not exist" in refused.stderr
