"""`gaai mcp`: the workflow as Model Context Protocol tools (official `mcp` SDK, `MCPServer`).

```bash
gaai mcp --out mcp-output                                   # stdio (an assistant starts it)
gaai mcp --transport streamable-http --port 8000 --out mcp-output   # http://127.0.0.1:8000/mcp
```

Tools: `analyse` (run the workflow on a source against a question), `list_runs` (the
catalog's epochs), `read_report` (a run's summary or one report, Markdown or JSON, cut at a
stated number of characters), `compare_runs` (two epochs: what changed, and the catalog's
template-by-template diff), `ask_followup` (a follow-up question on a finished run, computing
only what it lacks; `gaai_graph.followup`) and `list_methods` (the graph methods this
installation knows).

An MCP client is a caller, not the operator: every tool obeys the operator's trust policy
(`TrustPolicy.from_environment()`, the LangGraph server's: `GAAI_ALLOWED_SOURCES`,
`GAAI_SNAPSHOT_DIRS`, `GAAI_DOCUMENT_DIRS`, credentials bound to their host). A caller's
source and vertical are checked by the server context schema before anything is read or
created, snapshot paths are resolved (symbolic links followed) before the run, and the run's
nodes see the same policy through its context. Runs, reports, checkpoints and the catalog live
under the server's `--out` directory, one subdirectory per run.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import json
import logging
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError

from gaai_graph.catalog import CATALOG_FILE_NAME, CatalogError, diff_epochs, open_catalog
from gaai_graph.catalog.changes import annotate_from_catalog, check_compare_to, compare_reports
from gaai_graph.catalog.recorder import record_run_safely
from gaai_graph.context import Context
from gaai_graph.errors import GaaiError
from gaai_graph.models import Report
from gaai_graph.runner import AgenticWorkflowRunner
from gaai_graph.sources.arango_url import redact_source
from gaai_graph.trust import TrustPolicy, server_context_schema
from gaai_graph.validation import check_thread_id

__all__ = [
    "DEFAULT_REPORT_CHARS",
    "MAX_QUESTION_CHARS",
    "MAX_REPORT_CHARS",
    "McpSettings",
    "build_server",
    "serve",
]

logger = logging.getLogger(__name__)

DEFAULT_REPORT_CHARS = 20_000
"""Characters `read_report` returns unless asked for fewer or more: a report fits an
assistant's context without crowding it."""
MAX_REPORT_CHARS = 200_000
"""The most characters one `read_report` call returns, whatever is asked."""
MAX_QUESTION_CHARS = 20_000
"""Longest question `analyse` accepts (a question, not a document dump)."""
CHECKPOINT_FILE_NAME = "checkpoints.sqlite"

Transport = Literal["stdio", "streamable-http"]


@dataclass(frozen=True)
class McpSettings:
    """What the operator configured the MCP server with."""

    out_dir: Path
    """Runs (one subdirectory each), the catalog and the checkpoints."""
    policy: TrustPolicy
    """What callers may name (`TrustPolicy.from_environment()` for `gaai mcp`)."""
    max_concurrent_runs: int = 1
    """Analyses running at once; more wait (the workflow uses every core it gets)."""

    @property
    def catalog_path(self) -> Path:
        """The catalog every run of this server is recorded in."""
        return self.out_dir / CATALOG_FILE_NAME


class _PolicyRunner(AgenticWorkflowRunner):
    """The runner, with contexts built by the server context schema of the operator's policy.

    The nodes then see the policy (`policy_of(context)`) and follow a snapshot path's links
    again before reading it, as under the LangGraph server.
    """

    def __init__(self, context_class: type[Context], **options: Any) -> None:
        self._context_class = context_class
        super().__init__(**options)

    def _context(self, *, max_executions: int, enable_parallelism: bool) -> Context:
        plain = super()._context(
            max_executions=max_executions, enable_parallelism=enable_parallelism
        )
        fields = {f.name: getattr(plain, f.name) for f in dataclasses.fields(Context) if f.init}
        return self._context_class(**fields)


def _one_line(text: str) -> str:
    return " ".join(redact_source(text).split())


def _refuse(error: Exception) -> ToolError:
    return ToolError(_one_line(str(error)))


class _Tools:
    """The tools' implementations, bound to one server's settings."""

    def __init__(self, settings: McpSettings) -> None:
        self.settings = settings
        self.context_class = server_context_schema(settings.policy)
        self.runs = asyncio.Semaphore(settings.max_concurrent_runs)

    # ----------------------------------------------------------------------- analyse

    def _checked_context(self, source: str, graph_name: str | None, vertical: str) -> Context:
        try:
            return self.context_class(source=source, graph_name=graph_name, vertical=vertical)
        except GaaiError as error:
            raise _refuse(error) from None

    async def analyse(
        self,
        question: str,
        source: str = "demo",
        graph_name: str | None = None,
        vertical: str = "auto",
        compare_to: str | None = None,
    ) -> dict[str, Any]:
        if not isinstance(question, str) or not question.strip():
            raise ToolError("question is empty: ask what you want to know about the graph")
        if len(question) > MAX_QUESTION_CHARS:
            raise ToolError(
                f"question has {len(question)} characters; at most {MAX_QUESTION_CHARS} are "
                "accepted: ask a shorter question"
            )
        context = self._checked_context(source, graph_name, vertical)
        policy = self.settings.policy
        try:
            await asyncio.to_thread(policy.confirm_snapshot, context.source)
            await asyncio.to_thread(policy.confirm_vertical, context.vertical)
            await asyncio.to_thread(
                check_compare_to,
                self.settings.catalog_path,
                compare_to or None,
                name="compare_to",
            )
        except GaaiError as error:
            raise _refuse(error) from None
        run_id = f"mcp-{uuid.uuid4().hex[:12]}"
        async with self.runs:
            return await self._run(run_id, question, context, compare_to)

    async def _run(
        self, run_id: str, question: str, context: Context, compare_to: str | None
    ) -> dict[str, Any]:
        out_dir = self.settings.out_dir
        runner = _PolicyRunner(
            self.context_class,
            source=context.source,
            graph_name=context.graph_name,
            vertical=context.vertical,
            enable_tracing=False,
            checkpoint=str(out_dir / CHECKPOINT_FILE_NAME),
        )
        started = time.time()
        try:
            result = await runner.run_async(
                input_documents=[{"content": question, "name": "question"}], run_id=run_id
            )
        except GaaiError as error:
            raise _refuse(error) from None
        if result.summary is None:
            raise ToolError(f"run {run_id} ended without a summary: {_errors(result.errors)}")
        try:
            changes = await asyncio.to_thread(
                annotate_from_catalog,
                self.settings.catalog_path,
                run_id,
                result.values,
                compare_to or None,
            )
        except GaaiError as error:
            raise _refuse(error) from None
        run_dir = out_dir / run_id
        await asyncio.to_thread(runner.export_reports, result, run_dir, changes=changes)
        from gaai_graph.reporting.files import report_file_stems

        stems = report_file_stems(r.template_id for r in result.reports)
        problem = await asyncio.to_thread(
            record_run_safely,
            self.settings.catalog_path,
            result.values,
            epoch_id=run_id,
            started_at=started,
            tags=["mcp"],
            report_paths={t: str(run_dir / "reports" / f"{s}.json") for t, s in stems.items()},
        )
        reports = sorted(result.reports, key=lambda r: r.template_id)
        return {
            "run_id": run_id,
            "headline": result.summary.headline,
            "source": result.summary.source,
            "graph_name": result.summary.graph_name,
            "key_findings": result.summary.key_findings,
            "changes": changes.lines() if changes is not None else [],
            "compared_with": changes.epoch_before if changes is not None else None,
            "reports": [
                {"template_id": r.template_id, "title": r.title, "status": r.status}
                for r in reports
            ],
            "failures": [f.message for f in result.summary.failures],
            "catalog_problem": problem,
            "read_with": "read_report(run_id, template_id) — empty template_id: the summary",
        }

    async def ask_followup(self, run_id: str, question: str) -> dict[str, Any]:
        from gaai_graph.followup import ask_followup

        try:
            check_thread_id(run_id, name="run_id")
        except GaaiError as error:
            raise _refuse(error) from None
        if not isinstance(question, str) or not question.strip():
            raise ToolError("question is empty: ask what you want to know next")
        if len(question) > MAX_QUESTION_CHARS:
            raise ToolError(
                f"question has {len(question)} characters; at most {MAX_QUESTION_CHARS} are "
                "accepted: ask a shorter question"
            )
        async with self.runs:
            try:
                answer = await ask_followup(
                    question,
                    thread_id=run_id,
                    catalog=self.settings.catalog_path,
                    out_dir=self.settings.out_dir,
                    runner_factory=functools.partial(_PolicyRunner, self.context_class),
                    name="run_id",
                )
            except GaaiError as error:
                raise _refuse(error) from None
        summary = answer.result.summary
        assert summary is not None
        return {
            "run_id": answer.run_id,
            "follows": answer.follows,
            "headline": summary.headline,
            "key_findings": summary.key_findings,
            "executed": answer.executed,
            "reused": answer.reused,
            "reports": [
                {"template_id": r.template_id, "title": r.title, "status": r.status}
                for r in answer.reports
            ],
            "catalog_problem": answer.catalog_problem,
        }

    # ----------------------------------------------------------------------- catalog

    def _open_catalog(self) -> Any:
        try:
            return open_catalog(self.settings.catalog_path, create=False)
        except CatalogError:
            raise ToolError("no runs yet: call analyse first") from None

    def list_runs(self, source: str | None = None, limit: int = 20) -> dict[str, Any]:
        catalog = self._open_catalog()
        try:
            epochs = catalog.list_epochs(source=source or None)
        finally:
            catalog.close()
        shown = epochs[: max(1, min(limit, 200))]
        return {
            "total": len(epochs),
            "runs": [
                {
                    "run_id": e.id,
                    "status": e.status,
                    "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(e.started_at)),
                    "source": e.source,
                    "graph_name": e.graph_name,
                    "fingerprint": e.fingerprint,
                    "headline": e.headline,
                    "parent": e.parent_epoch,
                    "error": e.error,
                }
                for e in shown
            ],
        }

    def read_report(
        self,
        run_id: str,
        template_id: str = "",
        format: str = "markdown",
        max_chars: int = DEFAULT_REPORT_CHARS,
    ) -> dict[str, Any]:
        try:
            check_thread_id(run_id, name="run_id")
        except GaaiError as error:
            raise _refuse(error) from None
        if format not in ("markdown", "json"):
            raise ToolError(f"format {format!r}: give 'markdown' or 'json'")
        cap = max(1, min(int(max_chars), MAX_REPORT_CHARS))
        catalog = self._open_catalog()
        try:
            try:
                catalog.get_epoch(run_id)
            except CatalogError:
                raise ToolError(f"run_id {run_id!r}: no such run; list_runs shows them") from None
            reports = {node.id: node.data for node in catalog.nodes(run_id, "report")}
        finally:
            catalog.close()
        if template_id:
            data = reports.get(template_id)
            if data is None:
                raise ToolError(
                    f"template_id {template_id[:80]!r}: run {run_id} has no such report; "
                    f"its reports: {', '.join(sorted(reports)) or 'none'}"
                )
            stored = {k: v for k, v in data.items() if k != "path"}
            if format == "json":
                text = json.dumps(stored, indent=2, default=str)
            else:
                from gaai_graph.reporting.markdown import render_report_markdown

                text = render_report_markdown(Report.model_validate(stored))
        else:
            # run_id passed check_thread_id: a plain name, so this stays inside out_dir.
            name = "summary.json" if format == "json" else "summary.md"
            path = self.settings.out_dir / run_id / name
            try:
                text = path.read_text(encoding="utf-8")
            except OSError:
                raise ToolError(
                    f"run {run_id} has no {name} (the run did not finish); read one of its "
                    f"reports: {', '.join(sorted(reports)) or 'none'}"
                ) from None
        return {
            "run_id": run_id,
            "template_id": template_id or None,
            "format": format,
            "total_chars": len(text),
            "cap_chars": cap,
            "truncated": len(text) > cap,
            "note": (
                f"cut at {cap} of {len(text)} characters (ask with a larger max_chars, at most "
                f"{MAX_REPORT_CHARS})"
                if len(text) > cap
                else f"complete ({len(text)} characters; cap {cap})"
            ),
            "content": text[:cap],
        }

    def compare_runs(self, epoch_before: str, epoch_after: str) -> dict[str, Any]:
        catalog = self._open_catalog()
        try:
            diff = diff_epochs(catalog, epoch_before, epoch_after)
            before = [n.data for n in catalog.nodes(epoch_before, "report")]
            after = [n.data for n in catalog.nodes(epoch_after, "report")]
        except CatalogError as error:
            raise _refuse(error) from None
        finally:
            catalog.close()
        changes = compare_reports(before, after, epoch_before=epoch_before, epoch_after=epoch_after)
        return {
            "changes": changes.lines(),
            "fingerprint_changed": diff.fingerprint_changed,
            "templates": [asdict(t) for t in diff.templates if t.changed],
            "unchanged_templates": sum(1 for t in diff.templates if not t.changed),
            "only_before": diff.only_before,
            "only_after": diff.only_after,
            "collisions": diff.collisions,
        }


def list_methods() -> dict[str, Any]:
    """The methods this installation knows: the registry when present, else the vocabulary."""
    from gaai_graph.methods.vocabulary import INTENT_DESCRIPTIONS, METHOD_NAMES

    try:
        from gaai_graph.methods import registry  # type: ignore[attr-defined,unused-ignore]

        methods = getattr(registry, "METHODS", None)
    except ImportError:
        methods = None
    if isinstance(methods, dict) and methods:
        listed = [
            {
                "name": name,
                "label": str(getattr(method, "label", name)),
                "description": str(getattr(method, "description", "")),
                "intents": list(getattr(method, "intents", ()) or ()),
                "reference": str(getattr(method, "reference", "")),
                "parameters": [
                    str(getattr(p, "name", p)) for p in getattr(method, "parameters", ()) or ()
                ],
            }
            for name, method in sorted(methods.items())
        ]
        return {"source": "registry", "methods": listed, "intents": INTENT_DESCRIPTIONS}
    return {
        "source": "vocabulary",
        "note": "the method registry is not installed here: names only, without descriptions",
        "methods": [{"name": name} for name in METHOD_NAMES],
        "intents": INTENT_DESCRIPTIONS,
    }


def _errors(errors: list[Any]) -> str:
    return "; ".join(_one_line(str(getattr(e, "message", e))) for e in errors[:3]) or "no error"


def build_server(settings: McpSettings) -> MCPServer:
    """The MCP server with the gaai tools, bound to `settings`.

    Args:
        settings: Output directory and trust policy.

    Returns:
        A server to `run()` on a transport, or to hand to `mcp.client.Client` in-process.
    """
    settings.out_dir.mkdir(parents=True, exist_ok=True)
    tools = _Tools(settings)
    server: MCPServer = MCPServer(
        name="gaai",
        instructions=(
            "Graph analytics over the operator's graphs: analyse(question, source) runs the "
            "workflow and returns its headline and report ids; read_report reads one; list_runs "
            "and compare_runs look at earlier runs; list_methods names the graph methods."
        ),
    )

    @server.tool()
    async def analyse(
        question: str,
        source: str = "demo",
        graph_name: str | None = None,
        vertical: str = "auto",
        compare_to: str | None = None,
    ) -> dict[str, Any]:
        """Analyse a graph source against a question; returns the run id, headline and reports.

        Args:
            question: What to find out, in plain words (e.g. "Who are the most influential
                customers?").
            source: A source the server operator allows: 'demo', 'demo:<scale>', a snapshot
                directory inside the operator's snapshot directories, or an allowed
                arangodb://host:port/database.
            graph_name: Named graph to analyse (default: the source's only one).
            vertical: 'auto' or a built-in industry profile name.
            compare_to: Run to report changes against: a run id, 'last', or empty for the
                latest earlier run of the same source and question.
        """
        return await tools.analyse(question, source, graph_name, vertical, compare_to)

    @server.tool()
    async def ask_followup(run_id: str, question: str) -> dict[str, Any]:
        """Ask a follow-up question on a finished run; only analyses it lacks are computed.

        Args:
            run_id: The finished run (from analyse or list_runs).
            question: The next question, e.g. "And which segments of customers are there?".
        """
        return await tools.ask_followup(run_id, question)

    @server.tool()
    def list_runs(source: str | None = None, limit: int = 20) -> dict[str, Any]:
        """List this server's runs (the catalog's epochs), newest first.

        Args:
            source: Only runs of this source.
            limit: How many to list (at most 200).
        """
        return tools.list_runs(source, limit)

    @server.tool()
    def read_report(
        run_id: str,
        template_id: str = "",
        format: str = "markdown",
        max_chars: int = DEFAULT_REPORT_CHARS,
    ) -> dict[str, Any]:
        """Read a run's summary (empty template_id) or one report, cut at max_chars characters.

        Args:
            run_id: The run (from analyse or list_runs).
            template_id: The report's template id; empty for the run summary.
            format: 'markdown' or 'json'.
            max_chars: Most characters returned (default 20000, at most 200000); the answer
                says whether it was cut and where.
        """
        return tools.read_report(run_id, template_id, format, max_chars)

    @server.tool()
    def compare_runs(epoch_before: str, epoch_after: str) -> dict[str, Any]:
        """Compare two runs: what changed (movers, communities, graph size) and the diff.

        Args:
            epoch_before: The earlier run id.
            epoch_after: The later run id.
        """
        return tools.compare_runs(epoch_before, epoch_after)

    @server.tool(name="list_methods")
    def list_methods_tool() -> dict[str, Any]:
        """List the graph methods and question intents this installation knows."""
        return list_methods()

    return server


def serve(
    out_dir: str | Path,
    *,
    transport: Transport = "stdio",
    host: str = "127.0.0.1",
    port: int = 8000,
) -> None:
    """Serve the tools until stopped (`gaai mcp`).

    Raises:
        GaaiError: The operator's trust settings are malformed (named in the message).
    """
    settings = McpSettings(out_dir=Path(out_dir), policy=TrustPolicy.from_environment())
    server = build_server(settings)
    if transport == "stdio":
        server.run("stdio")
    else:
        server.run("streamable-http", host=host, port=port)
