"""Write a run's outputs: summary.json/.md, index.html, and JSON, Markdown, HTML per report.

Every file is written to a temporary file in the same directory, flushed to disk and then
renamed over its target, so an interrupted run leaves either the previous file or the new
one, never half a JSON document.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Any

import orjson

from gaai_graph.models import Report, RunSummary
from gaai_graph.reporting.markdown import (
    render_report_markdown,
    render_summary_markdown,
    report_file_stems,
)

__all__ = [
    "atomic_write_bytes",
    "dumps_json",
    "report_file_stems",
    "write_html_outputs",
    "write_run_outputs",
]


def dumps_json(data: Any) -> bytes:
    """Serialise JSON-ready data as indented UTF-8 with a trailing newline."""
    return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)


def atomic_write_bytes(path: Path, data: bytes) -> Path:
    """Write `data` to `path` atomically (temporary file in the same directory, then rename).

    Args:
        path: The target file; its directory must exist.
        data: The complete content.

    Returns:
        `path`.
    """
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    return path


def write_run_outputs(out_dir: Path, summary: RunSummary, reports: list[Report]) -> list[Path]:
    """Write the run summary and every report under `out_dir`.

    Layout: `summary.json` (`summary.to_jsonable()`), `summary.md`, and per report
    `reports/<stem>.json` (`report.model_dump(mode="json")`) and `reports/<stem>.md`, where
    the stem is the template id made safe for a file name (see `report_file_stems`).

    Args:
        out_dir: Output directory; created when missing.
        summary: The run summary.
        reports: The run's reports.

    Returns:
        The paths written, summary files first, then each report's JSON and Markdown, then
        the HTML pages (see `write_html_outputs`).
    """
    out_dir = Path(out_dir)
    reports_dir = out_dir / "reports"
    reports_dir.mkdir(parents=True, exist_ok=True)
    written = [
        atomic_write_bytes(out_dir / "summary.json", dumps_json(summary.to_jsonable())),
        atomic_write_bytes(
            out_dir / "summary.md",
            render_summary_markdown(summary, reports).encode("utf-8"),
        ),
    ]
    stems = report_file_stems(report.template_id for report in reports)
    for report in reports:
        stem = stems[report.template_id]
        written.append(
            atomic_write_bytes(
                reports_dir / f"{stem}.json", dumps_json(report.model_dump(mode="json"))
            )
        )
        written.append(
            atomic_write_bytes(
                reports_dir / f"{stem}.md", render_report_markdown(report).encode("utf-8")
            )
        )
    written.extend(write_html_outputs(out_dir, summary, reports))
    return written


def write_html_outputs(out_dir: Path, summary: RunSummary, reports: list[Report]) -> list[Path]:
    """Write `reports/<stem>.html` per report and `index.html` linking them.

    Args:
        out_dir: Output directory; `reports/` under it must exist.
        summary: The run summary.
        reports: The run's reports.

    Returns:
        The report pages, then the index.
    """
    from gaai_graph.reporting.html import render_index_html, render_report_html

    stems = report_file_stems(report.template_id for report in reports)
    written = [
        atomic_write_bytes(
            out_dir / "reports" / f"{stems[report.template_id]}.html",
            render_report_html(report, index_href="../index.html").encode("utf-8"),
        )
        for report in reports
    ]
    hrefs = {tid: f"reports/{stem}.html" for tid, stem in stems.items()}
    written.append(
        atomic_write_bytes(
            out_dir / "index.html",
            render_index_html(summary, reports, hrefs).encode("utf-8"),
        )
    )
    return written
