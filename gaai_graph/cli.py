"""The `gaai` command line."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal, TextIO

from gaai_graph.context import Context
from gaai_graph.errors import GaaiError
from gaai_graph.models import Report, RunSummary
from gaai_graph.state import InputState

EXIT_BAD_INPUT = 2
_STREAM_MODES: list[Literal["updates", "values"]] = ["updates", "values"]


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gaai",
        description="Turn a graph and business requirement documents into executed graph "
        "analytics and written reports.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="run the whole workflow and write reports")
    run.add_argument(
        "--source",
        default="demo",
        help="'demo' (bundled graph), 'demo:<scale>', or a snapshot directory "
        "(arangodump or arangoexport JSONL)",
    )
    run.add_argument("--graph", dest="graph_name", help="named graph to analyse")
    run.add_argument(
        "--doc",
        dest="documents",
        action="append",
        default=[],
        metavar="FILE",
        help="requirement document (repeatable)",
    )
    run.add_argument(
        "--text",
        dest="texts",
        action="append",
        default=[],
        metavar="TEXT",
        help="requirements given inline (repeatable)",
    )
    run.add_argument("--vertical", default="auto", help="'auto', a built-in name, or a file")
    run.add_argument(
        "--core",
        dest="core_collections",
        action="append",
        metavar="COLLECTION",
        help="treat this vertex collection as core (repeatable); others become satellites",
    )
    run.add_argument("--max-executions", type=int, default=8, metavar="N")
    run.add_argument("--max-templates", type=int, default=12, metavar="N")
    run.add_argument("--top-k", type=int, default=10, metavar="K")
    run.add_argument(
        "--sequential", action="store_true", help="run templates one at a time (debugging)"
    )
    run.add_argument("--out", default="gaai-output", metavar="DIR", help="output directory")
    run.add_argument("--quiet", action="store_true", help="print only the final summary")
    run.add_argument("--verbose", action="store_true", help="log warnings with tracebacks")

    export = commands.add_parser("export-demo", help="write the demo graph as a snapshot")
    export.add_argument("--out", required=True, metavar="DIR")
    export.add_argument("--scale", type=float, default=1.0)
    export.add_argument("--format", choices=("dump", "jsonl"), default="dump")
    return parser


def _documents_from(args: argparse.Namespace) -> list[Any]:
    documents: list[Any] = []
    for path in args.documents:
        if not Path(path).is_file():
            raise GaaiError(f"requirement document not found: {path}")
        documents.append({"path": path})
    documents.extend(
        {"content": text, "name": f"inline-{index}"} for index, text in enumerate(args.texts, 1)
    )
    return documents


def _progress_line(node: str, update: Any, started: float) -> str | None:
    elapsed = f"{time.perf_counter() - started:6.2f}s"
    if not isinstance(update, dict):
        return None
    if node == "run_template":
        reports: list[Report] = update.get("reports", [])
        return "\n".join(
            f"[{elapsed}]   {report.template_id} {report.algorithm:<17} {report.status}"
            + (f": {report.error}" if report.error else "")
            for report in reports
        )
    counts = {
        "analyze_schema": lambda u: f"{len(u['schema'].collections)} collections",
        "extract_requirements": lambda u: f"{len(u.get('requirements', []))} requirements",
        "resolve_vertical": lambda u: f"vertical {u['vertical'].name}",
        "generate_use_cases": lambda u: f"{len(u.get('use_cases', []))} use cases",
        "generate_templates": lambda u: f"{len(u.get('templates', []))} templates",
        "aggregate": lambda u: "summary ready",
    }
    describe = counts.get(node)
    detail = describe(update) if describe else ""
    return f"[{elapsed}] {node}: {detail}"


async def _run_workflow(
    inputs: InputState, context: Context, progress: TextIO | None
) -> dict[str, Any]:
    from gaai_graph.graph import graph

    started = time.perf_counter()
    final: dict[str, Any] = {}
    async for mode, chunk in graph.astream(inputs, context=context, stream_mode=_STREAM_MODES):
        if mode == "values" and isinstance(chunk, dict):
            final = chunk
        elif progress is not None and isinstance(chunk, dict):
            for node, update in chunk.items():
                line = _progress_line(node, update, started)
                if line:
                    print(line, file=progress, flush=True)
    return final


def _command_run(args: argparse.Namespace) -> int:
    from gaai_graph.reporting.files import write_run_outputs
    from gaai_graph.reporting.markdown import render_console_summary

    context = Context(
        source=args.source,
        graph_name=args.graph_name,
        core_collections=args.core_collections,
        vertical=args.vertical,
        max_executions=args.max_executions,
        max_templates=args.max_templates,
        top_k=args.top_k,
        enable_parallelism=not args.sequential,
    )
    inputs = InputState(documents=_documents_from(args))
    final = asyncio.run(_run_workflow(inputs, context, None if args.quiet else sys.stderr))
    summary: RunSummary | None = final.get("summary")
    reports: list[Report] = sorted(final.get("reports", []), key=lambda r: r.template_id)
    if summary is None:
        raise GaaiError("the run ended without a summary")
    out_dir = Path(args.out)
    write_run_outputs(out_dir, summary, reports)
    print(render_console_summary(summary, reports))
    print(f"\nReports written to {out_dir}/ (summary.json, summary.md, reports/)")
    return 0


def _command_export_demo(args: argparse.Namespace) -> int:
    from gaai_graph.sources.demo import generate_demo
    from gaai_graph.sources.snapshot import write_arangodump, write_jsonl

    data = generate_demo(scale=args.scale).data
    out_dir = Path(args.out)
    if args.format == "dump":
        write_arangodump(data, out_dir)
    else:
        write_jsonl(data, out_dir)
    edges = sum(len(c.documents) for c in data.collections.values() if c.kind == "edge")
    print(f"Wrote the demo graph ({edges} edges) to {out_dir}/ as {args.format}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the `gaai` command; returns the process exit code."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING if getattr(args, "verbose", False) else logging.ERROR,
        format="%(levelname)s %(name)s: %(message)s",
    )
    handlers = {"run": _command_run, "export-demo": _command_export_demo}
    try:
        return handlers[args.command](args)
    except GaaiError as error:
        print(f"gaai: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("gaai: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
