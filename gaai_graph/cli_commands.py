"""Handlers of the `gaai` subcommands beside the run itself: `export-demo`, `ask` and `mcp`.

Each takes the parsed arguments and returns the exit code; `gaai_graph.cli` dispatches to them.
Heavy modules (the demo generator, the follow-up graph, the MCP SDK) load inside the handler,
so `gaai --help` stays fast.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from gaai_graph.errors import GaaiError
from gaai_graph.validation import check_demo_source, shown

__all__ = ["EXPORT_MARKER", "command_ask", "command_export_demo", "command_mcp"]


EXPORT_MARKER = ".gaai-export-demo.json"
"""Written by `gaai export-demo` into its directory, listing the files it wrote there."""


def command_export_demo(args: argparse.Namespace) -> int:
    """`gaai export-demo`: write the demo graph as a snapshot into a new directory `--out`."""
    from gaai_graph.sources.demo import generate_demo
    from gaai_graph.sources.snapshot import write_arangodump, write_jsonl

    scale = check_demo_source(f"demo:{args.scale}", name="--scale")
    out_dir = Path(args.out)
    earlier = _export_target(out_dir)
    data = generate_demo(scale=scale).data
    before = set(os.listdir(out_dir)) if out_dir.is_dir() else set()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        if args.format == "dump":
            write_arangodump(data, out_dir)
        else:
            write_jsonl(data, out_dir)
        written = sorted((set(os.listdir(out_dir)) - before) | earlier)
        marker = {
            "written_by": "gaai export-demo",
            "files": [f for f in written if f != EXPORT_MARKER],
        }
        (out_dir / EXPORT_MARKER).write_text(json.dumps(marker, indent=2), encoding="utf-8")
    except OSError as error:
        raise GaaiError(
            f"--out {shown(args.out)}: cannot write the snapshot ({error.strerror or error}); "
            "give a directory you can write"
        ) from error
    edges = sum(len(c.documents) for c in data.collections.values() if c.kind == "edge")
    print(f"Wrote the demo graph ({edges} edges) to {out_dir}/ as {args.format}")
    return 0


def _export_target(out_dir: Path) -> set[str]:
    """Refuse an `--out` holding anything export-demo did not write; return what it did write.

    New or empty directories are fine; so is one an earlier export-demo wrote (its marker lists
    the files), as long as every file in it is on that list: a user's file is never replaced.
    """
    if not out_dir.exists():
        return set()
    if not out_dir.is_dir():
        raise GaaiError(
            f"--out {shown(str(out_dir))} is a file: give a new or empty directory (export-demo "
            "never replaces a file)"
        )
    present = set(os.listdir(out_dir))
    if not present:
        return set()
    try:
        marker = json.loads((out_dir / EXPORT_MARKER).read_text(encoding="utf-8"))
        ours = {str(name) for name in marker["files"]}
    except (OSError, ValueError, KeyError, TypeError):
        raise GaaiError(
            f"--out {shown(str(out_dir))} is not empty and was not written by export-demo: give "
            "a new or empty directory (nothing in it was changed)"
        ) from None
    foreign = sorted(present - ours - {EXPORT_MARKER})
    if foreign:
        raise GaaiError(
            f"--out {shown(str(out_dir))} holds files export-demo did not write "
            f"({', '.join(foreign[:3])}{', ...' if len(foreign) > 3 else ''}): give a new or "
            "empty directory (nothing in it was changed)"
        )
    return ours


def command_ask(args: argparse.Namespace) -> int:
    """`gaai ask`: answer a follow-up question on a finished run's thread."""
    import asyncio

    from gaai_graph.followup import ask_followup
    from gaai_graph.reporting.markdown import render_console_summary
    from gaai_graph.validation import check_thread_id

    check_thread_id(args.thread_id, name="--thread-id")
    catalog = args.catalog or str(Path(args.out) / "catalog.sqlite")
    answer = asyncio.run(
        ask_followup(
            args.question,
            thread_id=args.thread_id,
            catalog=catalog,
            out_dir=args.out,
            source=args.source,
        )
    )
    assert answer.result.summary is not None
    print(render_console_summary(answer.result.summary, answer.reports))
    print(f"\nFollow-up {answer.run_id} written to {answer.out_dir}/")
    if answer.catalog_problem:
        print(f"gaai: warning: {answer.catalog_problem}", file=sys.stderr)
    return 0


def command_mcp(args: argparse.Namespace) -> int:
    """`gaai mcp`: serve the analyses as MCP tools until stopped."""
    from gaai_graph.mcp_server import serve  # lazy: the MCP SDK loads only for `gaai mcp`

    serve(args.out, transport=args.transport, host=args.host, port=args.port)
    return 0
