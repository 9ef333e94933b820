"""Custom routes of the LangGraph deployment: a thread's reports as Markdown and HTML.

`langgraph.json` mounts `app` (`"http": {"app": "./gaai_graph/server_routes.py:app"}`) next to
the server's own API, so a client of the deployment downloads the reports the run wrote:

- `GET /gaai/threads/{thread_id}/reports`: JSON list of the thread's reports (template id,
  title, algorithm, status) with the URLs of their pages;
- `GET /gaai/threads/{thread_id}/reports/{template_id}.md`: one report in Markdown;
- `GET /gaai/threads/{thread_id}/reports/{template_id}.html`: one report as a self-contained
  HTML page (its CSS and SVG charts inline, no script, nothing loaded from elsewhere);
- `GET /gaai/threads/{thread_id}/summary.md`: the run's summary in Markdown.

Pages are rendered on request from the reports in the thread's state (read through the
server's own API with `langgraph_sdk.get_client()`, in process), so the checkpoints do not
carry each report three times. Size policy: a report is bounded by `top_k` (entities and
groups listed) and its charts; a page over `GAAI_MAX_REPORT_BYTES` (default 5 MB) is refused
with 413 and one line saying so, never cut silently. These routes see what the server's
threads API sees: the deployment's authentication applies to them when langgraph.json sets
`http.enable_custom_route_auth`.
"""

from __future__ import annotations

import asyncio
import os
import re
from typing import Any

import httpx
from langgraph_sdk import get_client
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from gaai_graph.models import Report, RunSummary

DEFAULT_MAX_REPORT_BYTES = 5_000_000
"""Largest page served when `GAAI_MAX_REPORT_BYTES` is not set."""

_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,200}$")
_PREFIX = "/gaai/threads/{thread_id}"


def max_report_bytes() -> int:
    """The largest report page served, from `GAAI_MAX_REPORT_BYTES` (bytes)."""
    text = os.environ.get("GAAI_MAX_REPORT_BYTES", "").strip()
    return int(text) if text.isdigit() and int(text) > 0 else DEFAULT_MAX_REPORT_BYTES


async def _thread_values(thread_id: str) -> dict[str, Any] | None:
    client = get_client()  # no URL: the server's own API, in process
    try:
        state = await client.threads.get_state(thread_id)
    except httpx.HTTPStatusError as error:
        if error.response.status_code in (404, 422):  # unknown thread, or not a thread id
            return None
        raise
    values = state.get("values") if isinstance(state, dict) else None
    return values if isinstance(values, dict) else None


def _one_line(status: int, text: str) -> PlainTextResponse:
    return PlainTextResponse(text + "\n", status_code=status)


async def _reports_of(request: Request) -> tuple[str, list[Report]] | Response:
    thread_id = request.path_params["thread_id"]
    if not _ID.match(thread_id):
        return _one_line(400, "thread id: letters, digits and - _ . : only")
    values = await _thread_values(thread_id)
    if values is None:
        return _one_line(404, f"thread {thread_id}: not found")
    reports = [Report.model_validate(item) for item in values.get("reports") or []]
    return thread_id, reports


def _sized(body: str, media: type[Response], what: str) -> Response:
    data = body.encode("utf-8")
    limit = max_report_bytes()
    if len(data) > limit:
        return _one_line(
            413,
            f"{what} is {len(data)} bytes, over GAAI_MAX_REPORT_BYTES={limit}; lower top_k or "
            "raise the limit",
        )
    return media(body)


async def list_reports(request: Request) -> Response:
    """The thread's reports and the URLs of their Markdown and HTML pages."""
    found = await _reports_of(request)
    if isinstance(found, Response):
        return found
    thread_id, reports = found
    base = f"/gaai/threads/{thread_id}/reports"
    return JSONResponse(
        [
            {
                "template_id": report.template_id,
                "title": report.title,
                "algorithm": report.algorithm,
                "status": report.status,
                "markdown_url": f"{base}/{report.template_id}.md",
                "html_url": f"{base}/{report.template_id}.html",
            }
            for report in reports
        ]
    )


async def report_page(request: Request) -> Response:
    """One report as Markdown (`.md`) or self-contained HTML (`.html`)."""
    found = await _reports_of(request)
    if isinstance(found, Response):
        return found
    thread_id, reports = found
    template_id, kind = request.path_params["template_id"], request.path_params["kind"]
    if kind not in ("md", "html"):
        return _one_line(404, f"report pages end in .md or .html, not .{kind}")
    report = next((r for r in reports if r.template_id == template_id), None)
    if report is None:
        return _one_line(404, f"thread {thread_id}: no report {template_id!r}")
    from gaai_graph.reporting.html import render_report_html
    from gaai_graph.reporting.markdown import render_report_markdown

    # Rendering reads the Jinja templates from disk: off the event loop.
    if kind == "html":
        html = await asyncio.to_thread(render_report_html, report, "../summary.md")
        return _sized(html, HTMLResponse, f"report {template_id}")
    markdown = await asyncio.to_thread(render_report_markdown, report)
    return _sized(markdown, _MarkdownResponse, f"report {template_id}")


async def summary_page(request: Request) -> Response:
    """The run's summary in Markdown (404 until the run has finished)."""
    found = await _reports_of(request)
    if isinstance(found, Response):
        return found
    thread_id, reports = found
    values = await _thread_values(thread_id) or {}
    if not values.get("summary"):
        return _one_line(404, f"thread {thread_id}: the run has not finished")
    from gaai_graph.reporting.markdown import render_summary_markdown

    summary = RunSummary.model_validate(values["summary"])
    markdown = await asyncio.to_thread(render_summary_markdown, summary, reports)
    return _sized(markdown, _MarkdownResponse, "summary")


class _MarkdownResponse(PlainTextResponse):
    media_type = "text/markdown"


app = Starlette(
    routes=[
        Route(f"{_PREFIX}/reports", list_reports),
        Route(f"{_PREFIX}/reports/{{template_id}}.{{kind:str}}", report_page),
        Route(f"{_PREFIX}/summary.md", summary_page),
    ]
)
"""The Starlette app langgraph.json mounts as the deployment's custom routes."""
