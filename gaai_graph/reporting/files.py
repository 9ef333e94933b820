"""Write a run's outputs: summary.json/.md, index.html, and JSON, Markdown, HTML per report.

Every file is written to a temporary file in the same directory, flushed to disk and then
renamed over its target, so an interrupted run leaves either the previous file or the new
one, never half a JSON document. Files get the mode a plain `open` would give them (0o666 less
the umask), not the 0o600 of the temporary file.

Re-running into the same output directory removes the report files of earlier runs that this
run did not write (a template the new run does not have), so `reports/*.json` always holds this
run's reports only. Only report files are removed: `<stem>.json|.md|.html` whose JSON is a
report (see `remove_stale_reports`); anything else in `reports/` is left alone.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from gaai_graph.models import Report, RunSummary
from gaai_graph.reporting.markdown import (
    render_report_markdown,
    render_summary_markdown,
    report_file_stems,
)
from gaai_graph.reporting.network import GraphIndex

if TYPE_CHECKING:
    from gaai_graph.catalog.changes import RunChanges

__all__ = [
    "REPORT_SUFFIXES",
    "atomic_write_bytes",
    "dumps_json",
    "remove_stale_reports",
    "report_file_stems",
    "write_html_outputs",
    "write_run_outputs",
]


REPORT_SUFFIXES = (".json", ".md", ".html")
"""The files written per report under `reports/`."""

# What `report_file_stems` can produce: safe characters, no leading dot, at most 100 characters
# plus a collision suffix.
_REPORT_STEM = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,99}(?:-\d+)?")
_umask_lock = threading.Lock()


def _current_umask() -> int:
    # The only portable way to read the umask is to set it and put it back; the lock keeps
    # two writer threads of this module from reading each other's temporary value.
    with _umask_lock:
        mask = os.umask(0o077)
        os.umask(mask)
    return mask


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
        # mkstemp creates the file 0o600; reports are meant to be read by others too.
        os.chmod(temporary, 0o666 & ~_current_umask())
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


def write_run_outputs(
    out_dir: Path,
    summary: RunSummary,
    reports: list[Report],
    graph: GraphIndex | None = None,
    changes: RunChanges | None = None,
) -> list[Path]:
    """Write the run summary and every report under `out_dir`.

    Layout: `summary.json` (`summary.to_jsonable()`), `summary.md`, and per report
    `reports/<stem>.json` (`report.model_dump(mode="json")`) and `reports/<stem>.md`, where
    the stem is the template id made safe for a file name (see `report_file_stems`). Report
    files of an earlier run into the same directory that this run did not write are removed
    once this run's files are in place (`remove_stale_reports`).

    Args:
        out_dir: Output directory; created when missing.
        summary: The run summary.
        reports: The run's reports.
        graph: Names and links of the analysed graph, for the network drawings and names
            of the HTML pages; None leaves the pages with bar charts and the reports' labels.
        changes: What changed since an earlier run (`catalog.changes.annotate_from_catalog`),
            drawn on the HTML pages.

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
    written.extend(write_html_outputs(out_dir, summary, reports, graph, changes))
    remove_stale_reports(reports_dir, set(stems.values()))
    return written


def _is_report_json(path: Path) -> bool:
    try:
        data = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return False
    return isinstance(data, dict) and {"template_id", "algorithm", "status"} <= data.keys()


def remove_stale_reports(reports_dir: Path, keep: set[str]) -> list[Path]:
    """Remove the report files of earlier runs from `reports_dir`, keeping the stems in `keep`.

    A stem counts as an earlier report only when its name is one `report_file_stems` could
    give and its `<stem>.json` is a report (an object with `template_id`, `algorithm` and
    `status`); then its `.json`, `.md` and `.html` go. Other files (notes, images, a JSON file
    of another shape, Markdown with no report JSON beside it) are never touched.

    Args:
        reports_dir: The run's `reports/` directory.
        keep: File stems of this run's reports.

    Returns:
        The files removed.
    """
    removed: list[Path] = []
    try:
        candidates = sorted(reports_dir.glob("*.json"))
    except OSError:
        return removed
    for json_path in candidates:
        stem = json_path.stem
        if stem in keep or not _REPORT_STEM.fullmatch(stem) or json_path.is_symlink():
            continue
        if not _is_report_json(json_path):
            continue
        for suffix in REPORT_SUFFIXES:
            target = reports_dir / f"{stem}{suffix}"
            if target.is_file() and not target.is_symlink():
                with contextlib.suppress(FileNotFoundError):
                    target.unlink()
                    removed.append(target)
    return removed


def write_html_outputs(
    out_dir: Path,
    summary: RunSummary,
    reports: list[Report],
    graph: GraphIndex | None = None,
    changes: RunChanges | None = None,
) -> list[Path]:
    """Write `reports/<stem>.html` per report and `index.html` linking them.

    Args:
        out_dir: Output directory; `reports/` under it must exist.
        summary: The run summary.
        reports: The run's reports.
        graph: Names and links of the analysed graph (network drawings), or None.
        changes: What changed since an earlier run, or None.

    Returns:
        The report pages, then the index.
    """
    from gaai_graph.reporting.connections import Names
    from gaai_graph.reporting.html import render_index_html, render_report_html
    from gaai_graph.reporting.network import report_drawings

    names = Names(reports, graph)
    stems = report_file_stems(report.template_id for report in reports)
    # Drawn once: the index shows each report's first drawing again (look-ups among a
    # million edges are worth not repeating).
    drawings = {report.template_id: report_drawings(report, graph) for report in reports}
    written = [
        atomic_write_bytes(
            out_dir / "reports" / f"{stems[report.template_id]}.html",
            render_report_html(
                report,
                index_href="../index.html",
                graph=graph,
                names=names,
                changes=changes,
                drawings=drawings[report.template_id],
            ).encode("utf-8"),
        )
        for report in reports
    ]
    hrefs = {tid: f"reports/{stem}.html" for tid, stem in stems.items()}
    written.append(
        atomic_write_bytes(
            out_dir / "index.html",
            render_index_html(
                summary,
                reports,
                hrefs,
                graph=graph,
                names=names,
                changes=changes,
                drawings=drawings,
            ).encode("utf-8"),
        )
    )
    return written
