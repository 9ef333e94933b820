"""The movers since an earlier run, drawn as a chart in index.html and the report pages."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from gaai_graph.catalog.changes import compare_reports
from gaai_graph.cli import main
from gaai_graph.models import Report
from gaai_graph.reporting.change_charts import MAX_MOVER_ROWS, movers_chart
from gaai_graph.reporting.html import render_report_html


def _report(top: list[str], template_id: str = "TPL-001") -> dict[str, Any]:
    return {
        "template_id": template_id,
        "use_case_id": "UC-1",
        "requirement_ids": ["REQ-1"],
        "title": "Influential people",
        "algorithm": "pagerank",
        "parameters": {},
        "projection": {
            "vertex_collections": ["people"],
            "edge_collections": ["knows"],
            "directed": True,
        },
        "status": "succeeded",
        "metrics": {"vertex_count": 100, "edge_count": 300},
        "top_entities": [
            {"id": f"people/{name}", "value": 1.0 / (rank + 1), "label": name.title()}
            for rank, name in enumerate(top)
        ],
    }


def test_movers_are_laid_out_entered_gained_lost_left_with_names() -> None:
    before = _report(["ann", "bob", "cy", "dee", "eve"])
    after = _report(["dee", "ann", "fay", "bob", "cy"])
    changes = compare_reports([before], [after], epoch_before="E1")
    compared = changes.reports[0]

    chart = movers_chart(compared, Report.model_validate(after), epoch_before="E1")

    assert chart is not None
    kinds = [(row.label, row.kind, row.text) for row in chart.rows]
    assert kinds[0] == ("Fay", "entered", "new at #3")
    assert ("Dee", "up", "#4 → #1 (+3)") in kinds
    assert kinds[-1] == ("Eve", "left", "left the top 5")
    # Gains go right of the centre line, losses left; the largest move is the longest.
    by_name = {row.label: row for row in chart.rows}
    assert by_name["Dee"].x == chart.centre and by_name["Fay"].x == chart.centre
    assert by_name["Eve"].x + by_name["Eve"].width == pytest.approx(chart.centre)
    losers = [row for row in chart.rows if row.kind == "down"]
    assert losers and all(row.x < chart.centre for row in losers)
    assert by_name["Dee"].width > max(row.width for row in losers)


def test_an_unmoved_list_has_no_chart_and_a_long_one_is_capped_and_says_so() -> None:
    same = compare_reports([_report(["ann", "bob"])], [_report(["ann", "bob"])]).reports[0]
    assert movers_chart(same) is None

    names = [f"p{n:02d}" for n in range(30)]
    churn = compare_reports([_report(names[:15])], [_report(names[15:])]).reports[0]
    chart = movers_chart(churn)
    assert chart is not None and len(chart.rows) == MAX_MOVER_ROWS
    assert f"{30 - MAX_MOVER_ROWS} more in the report's notes" in chart.caption


def test_the_chart_escapes_names() -> None:
    evil = "<script>alert(1)</script>"
    before = _report(["ann"])
    after = _report(["ann"])
    after["top_entities"].append({"id": "people/x", "value": 0.1, "label": evil})
    changes = compare_reports([before], [after], epoch_before="E1")
    report = Report.model_validate(after)

    page = render_report_html(report, changes=changes)

    assert 'data-chart="movers"' in page
    assert evil not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def _figure(html: str, kind: str) -> str:
    found = re.search(rf'<figure class="chart {kind}".*?</figure>', html, re.S)
    assert found, f"no {kind} chart"
    return found.group(0)


def test_a_run_on_changed_data_draws_its_movers_and_an_unchanged_one_says_so(
    tmp_path: Path,
) -> None:
    """Planted: 40 new referrals to one customer, who must enter the influence top list."""
    snapshot = tmp_path / "snapshot"
    assert main(["export-demo", "--out", str(snapshot), "--format", "jsonl"]) == 0
    out = tmp_path / "out"
    question = "Who are the most influential customers by referrals?"
    run = ["run", "--source", str(snapshot), "--text", question, "--out", str(out), "--quiet"]
    assert main([*run, "--thread-id", "before"]) == 0
    assert 'data-chart="movers"' not in (out / "index.html").read_text(encoding="utf-8")

    # The same data again: one line says nothing changed, and there is no movers chart.
    assert main([*run, "--thread-id", "same"]) == 0
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "What changed since run before" in index
    unchanged = re.findall(r'<p class="unchanged">([^<]*)</p>', index)
    assert unchanged == [
        "Nothing changed since run before: same graph size, top lists and communities."
    ]
    assert 'data-chart="movers"' not in index

    planted = "customers/c000999"
    name = next(
        json.loads(line)["name"]
        for line in (snapshot / "customers.jsonl").read_text(encoding="utf-8").splitlines()
        if json.loads(line)["_id"] == planted
    )
    with (snapshot / "referred.jsonl").open("a", encoding="utf-8") as edges:
        for n in range(40):
            source = f"customers/c{n + 100:06d}"
            edges.write(json.dumps({"_key": f"planted{n}", "_from": source, "_to": planted}) + "\n")
    assert main([*run, "--thread-id", "after", "--compare-to", "before"]) == 0

    index = (out / "index.html").read_text(encoding="utf-8")
    figure = _figure(index, "movers")
    assert name in figure and planted in figure  # named, with the id in the tooltip
    assert 'class="bar entered"' in figure and "new at #" in figure
    assert index.index('id="changes"') < index.index("<h2>Questions</h2>")  # leads the page
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    compared = next(
        r for r in summary["reports"] if f'data-template="{r["template_id"]}"' in figure
    )
    page = (out / "reports" / f"{compared['template_id']}.html").read_text(encoding="utf-8")
    assert name in _figure(page, "movers")

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:  # the browser check is extra; make test installs Chromium
        return
    dom = subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--dump-dom",
            (out / "index.html").resolve().as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=90,
        check=True,
    ).stdout
    rendered = _figure(dom, "movers")
    assert name in rendered and "<rect" in rendered
