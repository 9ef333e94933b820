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

from gaai_graph.models import (
    Entity,
    Group,
    HistogramBin,
    Insight,
    Report,
    RunError,
    ScoreStatistics,
)
from gaai_graph.reporting.charts import (
    LOG_COUNT_RATIO,
    charts_for_report,
    index_charts,
    omitted_charts,
)
from gaai_graph.reporting.files import write_run_outputs
from gaai_graph.reporting.html import render_index_html, render_report_html, render_trace_html
from gaai_graph.reporting.markdown import render_console_summary, top_finding
from gaai_graph.runner import AgenticWorkflowRunner, WorkflowResult

PAYLOAD = "<script>document.body.setAttribute('data-pwned','1')</script>"
IMG_PAYLOAD = "<img src=x onerror=\"document.body.setAttribute('data-pwned','2')\">"

# Bar fill colours from the page CSS (_base.html.j2): one per chart kind.
TOP_K_FILL = (0x7B, 0x61, 0xFF)
SCORE_FILL = (0x2F, 0x80, 0xED)
GROUP_FILL = (0x27, 0xAB, 0x83)
PHASE_FILL = (0xF2, 0x99, 0x4A)
TEMPLATE_FILL = (0x56, 0xB4, 0xE9)


@pytest.fixture(scope="module")
def demo_result() -> WorkflowResult:
    runner = AgenticWorkflowRunner(graph_name="ecommerce_graph", enable_tracing=False)
    return asyncio.run(runner.run_async())


def _report_with(result: WorkflowResult, field: str) -> Report:
    return next(r for r in result.reports if getattr(r, field) and r.status == "succeeded")


def _poisoned(report: Report) -> Report:
    entities = [
        Entity(id=f"customers/{IMG_PAYLOAD}", value=float(rank), label=PAYLOAD)
        for rank in range(len(report.top_entities), 0, -1)
    ]
    groups = [
        Group(size=size, members_sample=[IMG_PAYLOAD], composition={PAYLOAD: size})
        for size in (9, 4)
    ]
    return report.model_copy(
        update={
            "template_id": "TPL-EVIL",
            "title": f"Evil {PAYLOAD}",
            "summary": f"summary {IMG_PAYLOAD}",
            "error": None,
            "top_entities": entities,
            "groups": groups,
            "notes": [PAYLOAD],
        }
    )


def _report(algorithm: str = "pagerank", **fields: object) -> Report:
    base: dict[str, object] = {
        "template_id": "T",
        "use_case_id": "U",
        "requirement_ids": [],
        "title": "t",
        "algorithm": algorithm,
        "status": "succeeded",
    }
    base.update(fields)
    return Report.model_validate(base)


def _statistics(**values: float) -> ScoreStatistics:
    fields = dict.fromkeys(
        ("count", "min", "max", "mean", "median", "std", "p90", "p99", "total"), 1.0
    )
    fields.update(gini=0.3, top_k_share=0.1)
    fields.update(values)
    return ScoreStatistics.model_validate(fields)


def test_report_page_escapes_every_injected_text(demo_result: WorkflowResult) -> None:
    report = _poisoned(_report_with(demo_result, "top_entities"))
    html = render_report_html(report)

    assert "<script" not in html.lower()
    assert "<img" not in html.lower()
    assert 'data-chart="largest-groups"' in html  # collection names from data, escaped too
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
    values = {entity.value for entity in ranked.top_entities}
    assert ("top-k" in kinds) == (len(values) > 1)
    # Bar heights are proportional to the bin counts of the whole result.
    chart = next(c for c in charts_for_report(ranked) if c.kind == "score-distribution")
    counts = [b.count for b in ranked.score_histogram]
    tallest = max(range(len(counts)), key=counts.__getitem__)
    assert chart.bars[tallest].height == pytest.approx(180.0)
    assert [int(b.value_text.replace(",", "")) for b in chart.bars] == counts
    # Every non-empty bar that has room is labelled with its count; empty bars are not.
    assert all(b.show_value == (b.value_text != "0") for b in chart.bars)

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


def test_charts_that_would_show_nothing_are_left_out_and_said_so() -> None:
    tied = [Entity(id=f"customers/c{i}", value=4.0, label=f"c{i}") for i in range(10)]
    one_bin = [HistogramBin(lower=4, upper=5, count=1200)]
    report = _report(
        "kcore",
        top_entities=tied,
        score_histogram=one_bin,
        groups=[Group(size=5, members_sample=[]), Group(size=5, members_sample=[])],
        group_size_histogram=[
            HistogramBin(lower=1, upper=2, count=0),
            HistogramBin(lower=4, upper=8, count=61),
        ],
    )
    assert charts_for_report(report) == []
    notes = omitted_charts(report)
    assert notes == [
        "No top-10 chart: all 10 have coreness k 4.",
        "No score distribution: all 1,200 vertices have coreness k 4 to 5.",
        "No group-size chart: all 61 groups have 4 to 7 vertices.",
        "No largest-groups chart: the 2 largest all have 5 vertices.",
    ]
    html = render_report_html(report)
    assert "<svg" not in html
    assert all(note in html for note in notes)


def test_log_binned_axes_say_so_and_have_ticks_between_the_ends() -> None:
    geometric = [
        HistogramBin(lower=0.001 * 2**i, upper=0.001 * 2 ** (i + 1), count=c)
        for i, c in enumerate([500, 300, 120, 40, 9, 3])
    ]
    linear = [HistogramBin(lower=i, upper=i + 1.5, count=c) for i, c in enumerate([5, 9, 7, 3])]
    (log_chart,) = charts_for_report(_report(score_histogram=geometric))
    (linear_chart,) = charts_for_report(_report(score_histogram=linear))

    assert log_chart.x_title == "PageRank score (log scale)"
    assert linear_chart.x_title == "PageRank score"
    # Counts from 3 to 500 span more than LOG_COUNT_RATIO: a log count axis, gridlines at
    # 0, 1, 10, 100; linear counts get evenly spaced gridlines.
    assert LOG_COUNT_RATIO < 500 / 3
    assert log_chart.y_title == "vertices (log scale)"
    assert [tick.label for tick in log_chart.ticks] == ["", "1", "10", "100"]  # no "0" on log
    assert linear_chart.y_title == "vertices"
    assert [tick.label for tick in linear_chart.ticks] == ["0", "2", "4", "6", "8"]
    positions = [tick.position for tick in linear_chart.ticks]
    assert positions == sorted(positions, reverse=True)  # baseline first, then upwards
    # Edge labels under the bars, and the last bin's upper edge at the axis' end.
    assert [bar.label for bar in log_chart.bars if bar.label][:2] == ["0.001", "0.002"]
    assert log_chart.x_end_label == "0.064"

    html = render_report_html(_report(score_histogram=geometric))
    assert "(log scale)</text>" in html
    assert html.count('class="grid"') == 4
    for count in ("500", "300", "120", "40", "9", "3"):
        assert f'text-anchor="middle">{count}</text>' in html


def test_score_captions_follow_the_algorithm_and_the_data() -> None:
    bins = [HistogramBin(lower=k, upper=k + 1, count=c) for k, c in [(1, 9121), (2, 0), (4, 32)]]
    kcore = _report(
        "kcore",
        score_histogram=bins,
        statistics=_statistics(count=9153, median=1, p99=1, gini=0.01),
    )
    (chart,) = charts_for_report(kcore)
    assert "tail" not in chart.caption
    assert "coreness k" in chart.caption and "innermost (k = 4) holds 32 vertices" in chart.caption
    assert chart.centred_labels and [b.label for b in chart.bars] == ["1", "2", "4"]

    skewed = _report(
        "pagerank",
        score_histogram=[
            HistogramBin(lower=i, upper=i + 1.2, count=c) for i, c in enumerate([9, 1])
        ],
        statistics=_statistics(count=10, median=0.001, p99=0.02, gini=0.6),
    )
    assert "long right tail" in charts_for_report(skewed)[0].caption
    even = skewed.model_copy(
        update={"statistics": _statistics(count=10, median=1, p99=1.1, gini=0.05)}
    )
    caption = charts_for_report(even)[0].caption
    assert "tail" not in caption and "close to even" in caption


def test_a_few_large_groups_stay_visible_next_to_many_small_ones() -> None:
    bins = [HistogramBin(lower=2**i, upper=2 ** (i + 1), count=0) for i in range(11)]
    bins[0] = HistogramBin(lower=1, upper=2, count=1180)
    bins[10] = HistogramBin(lower=1024, upper=2048, count=4)
    groups = [Group(size=s, members_sample=[], composition={"orders": s}) for s in (1940, 1920, 1)]
    report = _report("leiden", group_size_histogram=bins, groups=groups, group_count=1184)
    histogram, largest = charts_for_report(report)

    assert histogram.kind == "group-sizes" and largest.kind == "largest-groups"
    assert histogram.y_title == "communities (log scale)"
    assert histogram.x_title == "size in vertices (log scale)"
    # On a linear axis 4 of 1,180 would be 0.6 units high; on the log axis a fifth of the plot.
    assert histogram.bars[10].height >= 0.2 * histogram.bars[0].height
    assert "log scale, so a handful of large communities still shows" in histogram.caption
    assert [bar.value_text for bar in largest.bars] == ["1,940", "1,920", "1"]
    assert largest.bars[0].label == "#1  orders 1,940"
    assert largest.title == "Largest 3 of 1,184 communities"


def test_the_index_charts_status_and_timing_and_shares_the_headline_pick(
    demo_result: WorkflowResult,
) -> None:
    assert demo_result.summary is not None
    reports = sorted(demo_result.reports, key=lambda r: r.template_id)
    failed = reports[1].model_copy(update={"status": "failed", "error": f"boom {PAYLOAD}"})
    context = Insight(
        title="Context, most confident", description="d", confidence=0.99, kind="context"
    )
    finding = Insight(title="Finding, less confident", description="d", confidence=0.7)
    mixed = reports[0].model_copy(update={"insights": [context, finding]})
    listed = [mixed, failed, *reports[2:]]

    charts = {chart.kind: chart for chart in index_charts(demo_result.summary, listed)}
    assert set(charts) == {"template-status", "phase-timings"}
    statuses = charts["template-status"]
    assert [bar.label.split()[0] for bar in statuses.bars] == [r.template_id for r in listed]
    assert statuses.bars[1].css_class == "status-failed" and statuses.bars[1].value_text == "failed"
    assert "1 failed" in statuses.caption
    assert [bar.label for bar in charts["phase-timings"].bars] == list(demo_result.summary.timings)
    assert all(bar.value_text.endswith(("ms", " s")) for bar in charts["phase-timings"].bars)

    html = render_index_html(demo_result.summary, listed, {r.template_id: "x.html" for r in listed})
    assert 'data-chart="template-status"' in html and 'data-chart="phase-timings"' in html
    assert "<script" not in html.lower()
    # One headline insight per report, the same in the index and the console summary.
    assert top_finding(mixed) == "Finding, less confident"
    assert "<td>Finding, less confident</td>" in html
    assert "<td>Context, most confident</td>" not in html
    console = render_console_summary(demo_result.summary, listed)
    assert "Finding, less confident" in console and "Context, most confident" not in console


def test_the_trace_page_shows_injected_text_as_text() -> None:
    from gaai_graph.tracing import WorkflowTracer

    tracer = WorkflowTracer(trace_id="workflow-evil")
    tracer.observe_stream_chunk("tasks", {"id": "t1", "name": PAYLOAD, "input": None})
    tracer.observe_stream_chunk(
        "tasks", {"id": "t1", "name": PAYLOAD, "error": ValueError(IMG_PAYLOAD)}
    )
    tracer.observe_stream_chunk(
        "updates", {"execute": {"errors": [RunError(phase=PAYLOAD, message=IMG_PAYLOAD)]}}
    )
    tracer.finish()
    html = render_trace_html(tracer.to_jsonable())
    assert "<script" not in html.lower() and "<img" not in html.lower()
    assert "&lt;script&gt;document.body.setAttribute(&#39;data-pwned&#39;,&#39;1&#39;)" in html
    assert "onerror=&#34;" in html
    assert 'data-chart="timeline"' in html and "default-src 'none'" in html


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
    # A plain ranking (the shared-identifier report ranks entities too, but leads with its answer).
    ranked = next(
        r
        for r in demo_result.reports
        if r.top_entities and r.status == "succeeded" and r.algorithm != "shared_identifiers"
    )
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

    # The index keeps each template's status and run time and the time per phase in the
    # collapsed "Run details": in the page, not on the screen until opened.
    index_shot = tmp_path / "index.png"
    _chromium_run(tmp_path / "index.html", "--window-size=1000,2400", f"--screenshot={index_shot}")
    index_image = Image.open(index_shot)
    assert _pixels_near(index_image, PHASE_FILL) == 0
    assert _pixels_near(index_image, TOP_K_FILL) > 2000  # the ranked question's picture
    index_dom = _chromium_run(tmp_path / "index.html", "--dump-dom").stdout
    assert 'data-chart="template-status"' in index_dom and 'data-chart="phase-timings"' in index_dom
    details = index_dom.split('<details class="run"', 1)[1]
    assert 'data-chart="phase-timings"' in details and " open" not in details.split(">", 1)[0]
    assert index_dom.count('class="value"') >= 2 * 3  # every bar labelled with its value

    # The DOM after load: SVG bars exist, the payload is a text node, no script ran or exists.
    dom = _chromium_run(pages / "TPL-EVIL.html", "--dump-dom").stdout
    assert dom.count('class="bar"') >= len(evil.top_entities)
    assert "<svg" in dom and 'data-chart="top-k"' in dom
    assert "<script" not in dom.lower() and "<img" not in dom.lower()
    assert "data-pwned" not in dom.split("<body", 1)[1].split(">", 1)[0]
    assert "&lt;script&gt;document.body.setAttribute('data-pwned','1')&lt;/script&gt;" in dom


@pytest.mark.slow
def test_chromium_renders_the_trace_page_with_injected_text_as_text(tmp_path: Path) -> None:
    from gaai_graph.tracing import WorkflowTracer

    tracer = WorkflowTracer(trace_id="workflow-evil")
    tracer.observe_stream_chunk("tasks", {"id": "t1", "name": PAYLOAD, "input": None})
    tracer.observe_stream_chunk(
        "tasks", {"id": "t1", "name": PAYLOAD, "error": ValueError(PAYLOAD)}
    )
    tracer.finish()
    (page,) = tracer.export(tmp_path, formats=["html"])
    dom = _chromium_run(page, "--dump-dom").stdout
    assert "<script" not in dom.lower()
    assert "data-pwned" not in dom.split("<body", 1)[1].split(">", 1)[0]
    assert "&lt;script&gt;document.body.setAttribute('data-pwned','1')&lt;/script&gt;" in dom
    assert 'data-chart="timeline"' in dom


def test_each_report_is_drawn_once_for_its_page_and_the_index(
    demo_result: WorkflowResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gaai_graph.reporting import html, network
    from gaai_graph.sources import load_graph_sync

    assert demo_result.summary is not None
    graph = network.GraphIndex(load_graph_sync("demo"), demo_result.values.get("schema"))
    drawn: list[str] = []
    draw = network.report_drawings

    def counted(report: Report, index: network.GraphIndex | None) -> list[network.NetworkDrawing]:
        drawn.append(report.template_id)
        return draw(report, index)

    monkeypatch.setattr(network, "report_drawings", counted)
    monkeypatch.setattr(html, "report_drawings", counted)
    write_run_outputs(tmp_path, demo_result.summary, demo_result.reports, graph)
    assert sorted(drawn) == sorted(r.template_id for r in demo_result.reports)
    # The pages are those drawn without the shared drawings.
    monkeypatch.setattr(network, "report_drawings", draw)
    monkeypatch.setattr(html, "report_drawings", draw)
    from gaai_graph.reporting.connections import Names
    from gaai_graph.reporting.files import report_file_stems

    reports = demo_result.reports
    stems = report_file_stems(r.template_id for r in reports)
    hrefs = {tid: f"reports/{stem}.html" for tid, stem in stems.items()}
    names = Names(reports, graph)
    index = render_index_html(demo_result.summary, reports, hrefs, graph=graph, names=names)
    assert "<svg" in index
    assert (tmp_path / "index.html").read_text(encoding="utf-8") == index
    for report in reports:
        page = render_report_html(report, graph=graph, names=names)
        assert (tmp_path / "reports" / f"{stems[report.template_id]}.html").read_text(
            encoding="utf-8"
        ) == page
