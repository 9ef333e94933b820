"""Tests of the output writer: file names, JSON contract, atomic writes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from gaai_graph.models import (
    AnalysisTemplate,
    Entity,
    ExecutionResult,
    GraphProjection,
    Group,
    ReportDigest,
    RunSummary,
    ScoreStatistics,
    Vertical,
)
from gaai_graph.nodes.report import write_report_by_rules
from gaai_graph.reporting import files as files_module
from gaai_graph.reporting.files import atomic_write_bytes, write_run_outputs

PROJECTION = GraphProjection(
    vertex_collections=["customers", "devices"], edge_collections=["uses"], directed=False
)
VERTICAL = Vertical(name="fraud_aml", title="Fraud and AML", entity_terms={"device": "device"})

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


def _template(template_id: str, algorithm: str) -> AnalysisTemplate:
    return AnalysisTemplate(
        id=template_id,
        use_case_id="UC-" + template_id,
        requirement_ids=["REQ-001"],
        title=f"Ünïcode title for {algorithm}",
        algorithm=algorithm,
        projection=PROJECTION,
    )


def _reports() -> list:
    pagerank = ExecutionResult(
        template_id="TPL-001",
        status="succeeded",
        algorithm="pagerank",
        parameters={"damping_factor": 0.85},
        projection=PROJECTION,
        metrics={"vertex_count": 900, "edge_count": 2400, "runtime_seconds": 0.04},
        statistics=ScoreStatistics(
            count=900,
            min=0.0003,
            max=0.021,
            mean=0.00111,
            median=0.0008,
            std=0.0013,
            p90=0.0019,
            p99=0.0072,
            total=1.0,
            gini=0.44,
            top_k_share=0.11,
        ),
        top_entities=[Entity(id="customers/c7", value=0.021, label="Zoë")],
    )
    wcc = ExecutionResult(
        template_id="../../escape",
        status="succeeded",
        algorithm="wcc",
        projection=PROJECTION,
        metrics={
            "vertex_count": 900,
            "edge_count": 2400,
            "runtime_seconds": 0.01,
            "largest_group_share": 0.8,
            "singleton_count": 30,
        },
        groups=[
            Group(size=720, members_sample=["customers/c1"], composition={"customers": 700}),
            Group(
                size=5,
                members_sample=["customers/c9", "devices/d1"],
                composition={"customers": 4, "devices": 1},
            ),
        ],
        group_count=61,
    )
    failed = ExecutionResult(
        template_id="TPL 003/bad",
        status="failed",
        error="unknown collection 'galaxies'",
        algorithm="scc",
        projection=PROJECTION,
    )
    return [
        write_report_by_rules(_template(e.template_id, e.algorithm), e, VERTICAL, [])
        for e in (pagerank, wcc, failed)
    ]


def _summary(reports: list) -> RunSummary:
    return RunSummary(
        run_id="abc123",
        vertical="fraud_aml",
        source="demo",
        headline="2 of 3 analyses succeeded, 1 failed.",
        templates=[_template(r.template_id, r.algorithm) for r in reports],
        reports=[
            ReportDigest(template_id=r.template_id, status=r.status, title=r.title) for r in reports
        ],
        timings={"execute": 0.05},
    )


def test_writes_summary_and_one_json_and_markdown_per_report(tmp_path: Path) -> None:
    reports = _reports()
    out = tmp_path / "out"
    written = write_run_outputs(out, _summary(reports), reports)

    assert written[:2] == [out / "summary.json", out / "summary.md"]
    # JSON + Markdown + HTML per report, then index.html (issue 6).
    assert len(written) == 2 + 3 * len(reports) + 1
    assert written[-1] == out / "index.html"
    assert sorted(p.name for p in (out / "reports").iterdir()) == sorted(
        p.name for p in written[2:-1]
    )
    # Sanitised names stay inside reports/ and never collide.
    for path in written:
        assert path.resolve().is_relative_to(out.resolve())
        assert path.is_file()
    assert (out / "reports" / "TPL-001.json").is_file()
    assert not (tmp_path / "escape.json").exists()
    # No temporary files are left behind.
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]


def test_report_json_matches_the_contract(tmp_path: Path) -> None:
    reports = _reports()
    written = write_run_outputs(tmp_path, _summary(reports), reports)
    documents = [
        json.loads(p.read_text("utf-8"))
        for p in written
        if p.parent.name == "reports" and p.suffix == ".json"
    ]
    assert len(documents) == len(reports)
    by_id = {doc["template_id"]: doc for doc in documents}
    assert set(by_id) == {r.template_id for r in reports}
    for report in reports:
        doc = by_id[report.template_id]
        assert set(doc) >= REPORT_KEYS
        assert doc == report.model_dump(mode="json")
        assert set(doc["projection"]) >= {"vertex_collections", "edge_collections", "directed"}
        if doc["status"] == "succeeded":
            assert {"vertex_count", "edge_count", "runtime_seconds"} <= set(doc["metrics"])
            assert doc["insights"]
            for insight in doc["insights"]:
                assert set(insight) >= {"title", "description", "confidence", "evidence"}
    assert all({"id", "value", "label"} <= set(e) for e in by_id["TPL-001"]["top_entities"])
    assert all({"size", "members_sample"} <= set(g) for g in by_id["../../escape"]["groups"])
    assert by_id["../../escape"]["group_count"] == 61
    failed = by_id["TPL 003/bad"]
    assert failed["status"] == "failed" and "galaxies" in failed["error"]


def test_summary_json_has_the_contract_keys_and_is_indented_utf8(tmp_path: Path) -> None:
    reports = _reports()
    write_run_outputs(tmp_path, _summary(reports), reports)
    raw = (tmp_path / "summary.json").read_bytes()
    summary = json.loads(raw.decode("utf-8"))
    assert {
        "run_id",
        "vertical",
        "requirements",
        "use_cases",
        "templates",
        "reports",
        "timings",
    } <= set(summary)
    assert [set(d) for d in summary["reports"]] == [{"template_id", "status", "title"}] * 3
    assert b"\n  " in raw and raw.endswith(b"\n")
    assert "Ünïcode".encode() in raw
    report_md = (tmp_path / "reports" / "TPL-001.md").read_text("utf-8")
    assert report_md.startswith("# Ünïcode title for pagerank")


def test_interrupted_write_keeps_the_previous_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "summary.json"
    atomic_write_bytes(target, b'{"complete": true}\n')

    def crash(src: str, dst: str) -> None:
        raise OSError("disk yanked")

    monkeypatch.setattr(files_module.os, "replace", crash)
    with pytest.raises(OSError, match="disk yanked"):
        atomic_write_bytes(target, b'{"half": ')
    assert json.loads(target.read_text()) == {"complete": True}
    assert os.listdir(tmp_path) == ["summary.json"]


def test_rewriting_into_an_existing_directory_replaces_files(tmp_path: Path) -> None:
    reports = _reports()
    write_run_outputs(tmp_path, _summary(reports), reports)
    first = (tmp_path / "reports" / "TPL-001.json").read_text()
    reports[0].summary = "changed"
    write_run_outputs(tmp_path, _summary(reports), reports)
    second = json.loads((tmp_path / "reports" / "TPL-001.json").read_text())
    assert second["summary"] == "changed" and first != json.dumps(second)


@pytest.mark.parametrize(("umask", "expected"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_written_files_get_the_mode_the_umask_allows(
    tmp_path: Path, umask: int, expected: int
) -> None:
    reports = _reports()
    previous = os.umask(umask)
    try:
        written = write_run_outputs(tmp_path, _summary(reports), reports)
        assert os.umask(umask) == umask  # reading it did not change it
    finally:
        os.umask(previous)
    modes = {path.name: path.stat().st_mode & 0o777 for path in written}
    assert set(modes.values()) == {expected}, modes


def test_a_rerun_removes_the_report_files_of_the_earlier_run(tmp_path: Path) -> None:
    reports = _reports()
    write_run_outputs(tmp_path, _summary(reports), reports)
    reports_dir = tmp_path / "reports"
    earlier = {p.name for p in reports_dir.iterdir()}
    assert {"escape.json", "TPL_003_bad.html"} <= earlier
    # Files in reports/ that are not this writer's reports stay, whatever their name.
    keep = {
        "notes.md": "my notes",
        "lookup.json": '{"template_id": "x"}',  # JSON, but not a report
        "chart.png": "png",
        "TPL-009.md": "an orphan Markdown file without its report JSON",
        ".hidden.json": json.dumps(reports[0].model_dump(mode="json")),
    }
    for name, text in keep.items():
        (reports_dir / name).write_text(text)

    (single,) = [r for r in reports if r.template_id == "TPL-001"]
    written = write_run_outputs(tmp_path, _summary([single]), [single])

    left = sorted(p.name for p in reports_dir.iterdir())
    assert left == sorted({"TPL-001.json", "TPL-001.md", "TPL-001.html", *keep})
    assert all(path.is_file() for path in written)
    assert [json.loads(p.read_text())["template_id"] for p in reports_dir.glob("TPL-*.json")] == [
        "TPL-001"
    ]
