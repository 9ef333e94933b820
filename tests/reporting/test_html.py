"""HTML reports: escaping, charts present, and rendering in headless Chromium."""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from gaai_graph.models import Entity, HistogramBin, Report, RunError
from gaai_graph.reporting.charts import charts_for_report
from gaai_graph.reporting.files import write_run_outputs
from gaai_graph.reporting.html import render_index_html, render_report_html
from gaai_graph.runner import AgenticWorkflowRunner, WorkflowResult

PAYLOAD = "<script>document.body.setAttribute('data-pwned','1')</script>"
IMG_PAYLOAD = "<img src=x onerror=\"document.body.setAttribute('data-pwned','2')\">"

# Bar fill colours from the page CSS (_base.html.j2): one per chart kind.
TOP_K_FILL = (0x7B, 0x61, 0xFF)
SCORE_FILL = (0x2F, 0x80, 0xED)
GROUP_FILL = (0x27, 0xAB, 0x83)


@pytest.fixture(scope="module")
def demo_result() -> WorkflowResult:
    runner = AgenticWorkflowRunner(graph_name="ecommerce_graph", enable_tracing=False)
    return asyncio.run(runner.run_async())


def _report_with(result: WorkflowResult, field: str) -> Report:
    return next(r for r in result.reports if getattr(r, field) and r.status == "succeeded")


def _poisoned(report: Report) -> Report:
    entities = [
        Entity(id=f"customers/{IMG_PAYLOAD}", value=e.value, label=PAYLOAD)
        for e in report.top_entities
    ]
    return report.model_copy(
        update={
            "template_id": "TPL-EVIL",
            "title": f"Evil {PAYLOAD}",
            "summary": f"summary {IMG_PAYLOAD}",
            "error": None,
            "top_entities": entities,
            "notes": [PAYLOAD],
        }
    )


def test_report_page_escapes_every_injected_text(demo_result: WorkflowResult) -> None:
    report = _poisoned(_report_with(demo_result, "top_entities"))
    html = render_report_html(report)

    assert "<script" not in html.lower()
    assert "<img" not in html.lower()
    assert "&lt;script&gt;document.body.setAttribute(&#39;data-pwned&#39;,&#39;1&#39;)" in html
    assert "onerror=&#34;" in html
    # Nothing is loaded from elsewhere: no http(s) URL in any src/href, and a CSP forbids it.
    assert not re.search(r"(src|href)=\"https?:", html)
    assert "default-src 'none'" in html


def test_index_escapes_summary_and_failures(demo_result: WorkflowResult) -> None:
    assert demo_result.summary is not None
    summary = demo_result.summary.model_copy(
        update={
            "headline": PAYLOAD,
            "failures": [RunError(phase="execute", template_id="T<1>", message=IMG_PAYLOAD)],
        }
    )
    report = demo_result.reports[0]
    html = render_index_html(summary, [report], {report.template_id: "reports/x.html"})

    assert "<script" not in html.lower() and "<img" not in html.lower()
    assert "&lt;script&gt;" in html and "T&lt;1&gt;" in html
    assert 'href="reports/x.html"' in html


def test_charts_follow_the_data(demo_result: WorkflowResult) -> None:
    ranked = _report_with(demo_result, "score_histogram")
    kinds = [chart.kind for chart in charts_for_report(ranked)]
    assert "score-distribution" in kinds
    assert ("top-k" in kinds) == bool(ranked.top_entities)
    # Bar heights are proportional to the bin counts of the whole result.
    chart = next(c for c in charts_for_report(ranked) if c.kind == "score-distribution")
    counts = [b.count for b in ranked.score_histogram]
    tallest = max(range(len(counts)), key=counts.__getitem__)
    assert chart.bars[tallest].height == pytest.approx(180.0)
    assert [int(b.value_text) for b in chart.bars] == counts

    grouped = _report_with(demo_result, "group_size_histogram")
    assert "group-sizes" in [c.kind for c in charts_for_report(grouped)]

    failed = ranked.model_copy(
        update={"status": "failed", "top_entities": [], "score_histogram": [], "statistics": None}
    )
    assert charts_for_report(failed) == []


def test_histogram_keeps_tiny_bins_visible() -> None:
    bins = [
        HistogramBin(lower=0, upper=1, count=10_000),
        HistogramBin(lower=1, upper=2, count=1),
        HistogramBin(lower=2, upper=3, count=0),
    ]
    report = Report(
        template_id="T",
        use_case_id="U",
        requirement_ids=[],
        title="t",
        algorithm="pagerank",
        status="succeeded",
        score_histogram=bins,
    )
    (chart,) = charts_for_report(report)
    assert chart.bars[1].height >= 2.0 and chart.bars[2].height == 0.0


def test_write_run_outputs_writes_html_pages_and_index(
    demo_result: WorkflowResult, tmp_path: Path
) -> None:
    assert demo_result.summary is not None
    written = write_run_outputs(tmp_path, demo_result.summary, demo_result.reports)
    pages = sorted(p for p in written if p.suffix == ".html")
    assert tmp_path / "index.html" in pages
    assert len(pages) == len(demo_result.reports) + 1
    index = (tmp_path / "index.html").read_text()
    for page in pages:
        if page.name != "index.html":
            assert f'href="reports/{page.name}"' in index
            assert "<svg" in page.read_text() or "failed" in page.read_text()


# -- headless Chromium ----------------------------------------------------------------------


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    pytest.fail("headless Chromium not found: `apt-get install -y chromium` (make test does)")


def _chromium_run(page: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [
        _chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        "--no-first-run",
        *args,
        page.resolve().as_uri(),
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=90, check=True)


def _pixels_near(image: Image.Image, colour: tuple[int, int, int], tolerance: int = 12) -> int:
    pixels = np.asarray(image.convert("RGB"), dtype=np.int16)
    close = np.abs(pixels - np.array(colour, dtype=np.int16)) <= tolerance
    return int(close.all(axis=2).sum())


@pytest.mark.slow
def test_chromium_renders_the_charts_and_shows_injected_text_as_text(
    demo_result: WorkflowResult, tmp_path: Path
) -> None:
    assert demo_result.summary is not None
    ranked = _report_with(demo_result, "top_entities")
    grouped = _report_with(demo_result, "group_size_histogram")
    evil = _poisoned(ranked)
    write_run_outputs(tmp_path, demo_result.summary, [ranked, grouped, evil])
    pages = tmp_path / "reports"

    shots = {}
    for name, report in (("ranked", ranked), ("grouped", grouped), ("evil", evil)):
        shot = tmp_path / f"{name}.png"
        _chromium_run(
            pages / f"{report.template_id}.html",
            "--window-size=1000,2400",
            f"--screenshot={shot}",
        )
        shots[name] = Image.open(shot)
        assert shots[name].size == (1000, 2400)

    # The ranked page shows top-k bars and a score distribution, the grouped one group sizes:
    # thousands of pixels in each chart's bar colour (the colours appear nowhere else).
    assert _pixels_near(shots["ranked"], TOP_K_FILL) > 2000
    assert _pixels_near(shots["ranked"], SCORE_FILL) > 2000
    assert _pixels_near(shots["grouped"], GROUP_FILL) > 2000
    assert _pixels_near(shots["evil"], TOP_K_FILL) > 2000

    # The DOM after load: SVG bars exist, the payload is a text node, no script ran or exists.
    dom = _chromium_run(pages / "TPL-EVIL.html", "--dump-dom").stdout
    assert dom.count('class="bar"') >= len(evil.top_entities)
    assert "<svg" in dom and 'data-chart="top-k"' in dom
    assert "<script" not in dom.lower() and "<img" not in dom.lower()
    assert "data-pwned" not in dom.split("<body", 1)[1].split(">", 1)[0]
    assert "&lt;script&gt;document.body.setAttribute('data-pwned','1')&lt;/script&gt;" in dom
