"""Network drawings, names and connected findings of the HTML reports (gaai_graph.reporting)."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from gaai_graph.models import Entity, GraphProjection, Group, Report
from gaai_graph.reporting.connections import Names, connected_findings
from gaai_graph.reporting.files import write_run_outputs
from gaai_graph.reporting.html import plural, render_report_html
from gaai_graph.reporting.network import (
    MAX_DRAWN_VERTICES,
    GraphIndex,
    report_drawings,
    report_findings,
)
from gaai_graph.runner import AgenticWorkflowRunner, WorkflowResult
from gaai_graph.sources import CollectionData, GraphData, load_graph_sync


def _chromium_run(page: Path, *args: str) -> subprocess.CompletedProcess[str]:
    browser = next(
        (found for name in ("chromium", "chromium-browser") if (found := shutil.which(name))),
        None,
    )
    if browser is None:
        pytest.fail("headless Chromium not found: `apt-get install -y chromium` (make test does)")
    command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"]
    command += [*args, page.resolve().as_uri()]
    return subprocess.run(command, capture_output=True, text=True, timeout=90, check=True)


def _pixels_near(image: Image.Image, colour: tuple[int, int, int], tolerance: int = 12) -> int:
    pixels = np.asarray(image.convert("RGB"), dtype=np.int16)
    return int((np.abs(pixels - np.array(colour, dtype=np.int16)) <= tolerance).all(axis=2).sum())


DOCS_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "img"
DEVICE_FILL = (0xF2, 0x99, 0x4A)
"""Colour `c1`: the second collection of a drawing (devices in the demo's ring)."""


def _tiny_graph() -> GraphData:
    people = [
        {"_key": "a", "name": "Ada <b>Lovelace</b>"},
        {"_key": "b", "name": "Bob"},
        {"_key": "c", "name": "Cy"},
        {"_key": "d", "email": "d@example.com"},
    ] + [{"_key": f"x{n}", "name": f"Spoke {n}"} for n in range(60)]
    knows = [
        {"_from": "people/a", "_to": "people/b"},
        {"_from": "people/b", "_to": "people/c"},
        {"_from": "people/c", "_to": "people/a"},
    ] + [{"_from": f"people/x{n}", "_to": "people/a"} for n in range(60)]
    return GraphData(
        source="test",
        collections={
            "people": CollectionData("people", "document", people),
            "knows": CollectionData("knows", "edge", knows),
        },
    )


def _report(**fields: object) -> Report:
    base: dict[str, object] = {
        "template_id": "T1",
        "use_case_id": "U1",
        "requirement_ids": ["R1"],
        "title": "Rings",
        "algorithm": "scc",
        "status": "succeeded",
        "projection": GraphProjection(
            vertex_collections=["people"], edge_collections=["knows"], directed=True
        ),
    }
    base.update(fields)
    return Report(**base)


def test_a_small_group_is_drawn_with_its_names_and_links() -> None:
    index = GraphIndex(_tiny_graph())
    report = _report(groups=[Group(size=3, members_sample=["people/a", "people/b", "people/c"])])
    (drawing,) = report_drawings(report, index)
    assert {vertex.label for vertex in drawing.vertices} == {"Ada <b>Lovelace</b>", "Bob", "Cy"}
    assert len(drawing.edges) == 3 and drawing.directed
    # Positions stay inside the picture.
    assert all(0 < v.x < drawing.width and 0 < v.y < drawing.height for v in drawing.vertices)
    page = render_report_html(report, graph=index)
    assert page.count('class="vertex') == 3
    assert "Ada &lt;b&gt;Lovelace&lt;/b&gt;" in page and "<b>Lovelace" not in page


def test_a_hub_neighbourhood_is_capped_and_says_so() -> None:
    index = GraphIndex(_tiny_graph())
    report = _report(
        algorithm="degree",
        top_entities=[Entity(id="people/a", value=62, label="Ada")],
    )
    (drawing,) = report_drawings(report, index)
    assert drawing.kind == "hub" and len(drawing.vertices) == MAX_DRAWN_VERTICES
    assert [v.id for v in drawing.vertices if v.focus] == ["people/a"]
    assert f"{MAX_DRAWN_VERTICES - 1} of the 62 vertices" in drawing.caption


def test_findings_come_first_and_malformed_ones_are_skipped() -> None:
    index = GraphIndex(_tiny_graph())
    report = _report()
    object.__setattr__(
        report,
        "findings",
        [
            "not a finding",
            {"kind": "hub", "entities": ["people/b"], "flagged": False},
            {
                "kind": "cycle",
                "entities": ["people/a", "people/b", "people/c"],
                "flagged": True,
                "evidence": {"observed": 3, "expected": 0.30000000000000004},
                "confidence": 0.9,
                "explanation": "A referral loop.",
            },
        ],
    )
    assert len(report_findings(report)) == 2
    drawings = report_drawings(report, index)
    assert drawings[0].kind == "ring" and drawings[0].title.startswith("Flagged cycle")
    page = render_report_html(report, graph=index)
    assert "expected 0.300" in page and "0.30000000000000004" not in page
    assert "Ada &lt;b&gt;Lovelace&lt;/b&gt; [people/a]" in page


def test_no_graph_or_a_failed_report_draws_nothing() -> None:
    report = _report(groups=[Group(size=3, members_sample=["people/a", "people/b", "people/c"])])
    assert report_drawings(report, None) == []
    failed = _report(status="failed", error="boom", groups=report.groups)
    assert report_drawings(failed, GraphIndex(_tiny_graph())) == []
    assert 'data-chart="network"' not in render_report_html(report)


def test_names_replace_ids_but_never_with_an_email() -> None:
    index = GraphIndex(_tiny_graph())
    report = _report(groups=[Group(size=2, members_sample=["people/b", "people/d"])])
    names = Names([report], index)
    assert names.named_text("see people/b and people/d.") == "see Bob [people/b] and people/d."
    assert names.named_text("Bob (people/b) leads") == "Bob (people/b) leads"


def test_vertices_two_reports_share_are_connected() -> None:
    ring = _report(groups=[Group(size=3, members_sample=["people/a", "people/b", "people/c"])])
    loop = _report(
        template_id="T2",
        title="Loops",
        groups=[Group(size=2, members_sample=["people/b", "people/c"])],
    )
    other = _report(
        template_id="T3", title="Other", top_entities=[Entity(id="people/a", value=1, label="Ada")]
    )
    (connection,) = connected_findings(
        [ring, loop, other], Names([ring, loop], GraphIndex(_tiny_graph()))
    )
    assert [part[0] for part in connection.reports] == ["T1", "T2"]
    assert connection.text.startswith("All 2 of group #1 (3 members) in “Rings”")
    assert "Bob, Cy" in connection.text


def test_plural() -> None:
    assert plural(1, "requirement") == "1 requirement"
    assert plural(1200, "vertex", "vertices") == "1,200 vertices"


@pytest.fixture(scope="module")
def demo_run() -> WorkflowResult:
    runner = AgenticWorkflowRunner(source="demo", checkpoint=":memory:")
    return asyncio.run(runner.run_async())


@pytest.mark.slow
def test_chromium_shows_the_demo_answer_first_with_named_drawings(
    demo_run: WorkflowResult, tmp_path: Path
) -> None:
    assert demo_run.summary is not None
    index = GraphIndex(load_graph_sync("demo"), demo_run.values.get("schema"))
    reports = sorted(demo_run.reports, key=lambda report: report.template_id)
    write_run_outputs(tmp_path, demo_run.summary, reports, index)
    dom = _chromium_run(tmp_path / "index.html", "--dump-dom").stdout
    body = dom.split("<body", 1)[1]
    # The answer comes before the per-question sections and the collapsed run details.
    assert body.index('id="answer"') < body.index('class="question"') < body.index("Run details")
    # Every ring or community question has a network drawing, labelled with names.
    grouped = [r for r in reports if r.algorithm in {"wcc", "scc", "leiden", "louvain"}]
    assert grouped
    for report in grouped:
        section = body.split(f'id="{report.template_id}"', 1)[1].split("</section>", 1)[0]
        assert 'data-chart="network"' in section, report.template_id
        labels = re.findall(r'<text class="name"[^>]*>([^<]+)</text>', section)
        assert labels and any(" " in label and "/" not in label for label in labels)
    # The strongest ring and the referral cycle are linked.
    assert "Connected findings" in body and "are also" in body
    shot = tmp_path / "index.png"
    # Tall enough for the answer box (entities are named, "Name [id]") and the first drawing.
    _chromium_run(tmp_path / "index.html", "--window-size=1000,2400", f"--screenshot={shot}")
    image = Image.open(shot)
    assert _pixels_near(image, DEVICE_FILL) > 100  # the devices of the ring's drawing
    update_docs = os.environ.get("GAAI_UPDATE_DOC_IMAGES") == "1"
    if update_docs:  # a test run leaves the checkout as it found it unless asked
        DOCS_IMAGES.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, DOCS_IMAGES / "index.png")
    ring_page = tmp_path / "reports" / f"{grouped[0].template_id}.html"
    ring_shot = tmp_path / "ring.png"
    _chromium_run(ring_page, "--window-size=1000,1400", f"--screenshot={ring_shot}")
    if update_docs:
        shutil.copyfile(ring_shot, DOCS_IMAGES / "report.png")


def _as_columns(data: GraphData) -> GraphData:
    """The same graph with every collection held as a polars frame (`ColumnarDocuments`)."""
    import polars as pl

    from gaai_graph.sources.columnar import ColumnarDocuments

    return GraphData(
        source=data.source,
        collections={
            name: CollectionData(
                name,
                collection.kind,
                ColumnarDocuments(
                    pl.DataFrame(list(collection.documents), infer_schema_length=None)
                ),
            )
            for name, collection in data.collections.items()
        },
        graphs=data.graphs,
    )


def test_drawings_are_the_same_from_dicts_and_from_columns(demo_run: WorkflowResult) -> None:
    schema = demo_run.values.get("schema")
    reports = sorted(demo_run.reports, key=lambda report: report.template_id)
    data = load_graph_sync("demo")
    from_dicts, from_columns = GraphIndex(data, schema), GraphIndex(_as_columns(data), schema)
    drawn = [report_drawings(report, from_dicts) for report in reports]
    assert sum(map(len, drawn)) >= len(reports)  # the demo draws something for each report
    assert drawn == [report_drawings(report, from_columns) for report in reports]
    for report in reports:
        assert render_report_html(report, graph=from_dicts) == render_report_html(
            report, graph=from_columns
        )
    tiny = _tiny_graph()
    hub = _report(algorithm="degree", top_entities=[Entity(id="people/a", value=62, label="Ada")])
    assert report_drawings(hub, GraphIndex(tiny)) == report_drawings(
        hub, GraphIndex(_as_columns(tiny))
    )


def test_ids_are_named_longest_first_whatever_else_is_known() -> None:
    people = [{"_key": "a", "name": "Ann"}, {"_key": "ab", "name": "Abe"}]
    people += [{"_key": f"z{n}", "name": f"Zed {n}"} for n in range(3000)]
    data = GraphData(
        source="t", collections={"people": CollectionData("people", "document", people)}
    )
    members = ["people/a", "people/ab", *(f"people/z{n}" for n in range(3000))]
    names = Names([_report(groups=[Group(size=3002, members_sample=members)])], GraphIndex(data))
    assert names.named_text("people/ab then people/a, people/abc, (people/z7)") == (
        "Abe [people/ab] then Ann [people/a], people/abc, (people/z7)"
    )
    assert names.named_text("Ann [people/a] and people/z12.") == (
        "Ann [people/a] and Zed 12 [people/z12]."
    )
