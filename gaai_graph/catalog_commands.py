"""`gaai catalog list|show|lineage|diff`: queries of the analytics catalog."""

from __future__ import annotations

import argparse
import datetime
import json
from dataclasses import asdict
from typing import Any

from gaai_graph.store_names import CATALOG_FILE_NAME
from gaai_graph.validation import check_catalog_spec

__all__ = ["add_catalog_command", "command_catalog", "local_time"]


def add_catalog_command(commands: Any) -> None:
    """Add the `catalog` subcommand (and its queries) to the `gaai` parser."""
    catalog = commands.add_parser("catalog", help="query the analytics catalog")
    catalog.add_argument(
        "--catalog",
        default=f"gaai-output/{CATALOG_FILE_NAME}",
        metavar="SPEC",
        help="a SQLite catalog file or an arangodb:// URL (default: %(default)s)",
    )
    catalog.add_argument("--json", action="store_true", help="print JSON")
    queries = catalog.add_subparsers(dest="query", required=True)
    listing = queries.add_parser("list", help="list epochs, newest first")
    listing.add_argument(
        "--fingerprint",
        help="only runs of the graph with this fingerprint (or its first characters, as listed)",
    )
    listing.add_argument("--source", help="only runs of this source")
    show = queries.add_parser("show", help="an epoch and its items")
    show.add_argument("epoch", help="the epoch (run) id, as listed")
    lineage = queries.add_parser("lineage", help="a report traced back to its requirements")
    lineage.add_argument("epoch", help="the epoch (run) id, as listed")
    lineage.add_argument("report", help="the report's template id")
    diff = queries.add_parser("diff", help="compare two epochs template by template")
    diff.add_argument("before", help="the earlier epoch id")
    diff.add_argument("after", help="the later epoch id")
    for query in (listing, show, lineage, diff):
        # --json also after the query (`gaai catalog list --json`); unset here, the flag
        # given before the query (or its default) stands.
        query.add_argument(
            "--json", action="store_true", default=argparse.SUPPRESS, help="print JSON"
        )


def local_time(timestamp: Any) -> Any:
    """Seconds since the epoch as local ISO time ('2026-12-03T08:10:00+01:00'); else as is."""
    if isinstance(timestamp, int | float) and not isinstance(timestamp, bool):
        moment = datetime.datetime.fromtimestamp(timestamp).astimezone()
        return moment.isoformat(timespec="seconds")
    return timestamp if timestamp is not None else "-"


def open_catalog(spec: str, *, create: bool) -> Any:
    """`gaai_graph.catalog.open_catalog`, imported when a query runs (SQLite: not for --help)."""
    from gaai_graph.catalog import open_catalog as open_store

    return open_store(spec, create=create)


def command_catalog(args: argparse.Namespace) -> int:
    """`gaai catalog list|show|lineage|diff`."""
    check_catalog_spec(args.catalog)
    catalog = open_catalog(args.catalog, create=False)
    try:
        payload, text = _catalog_query(catalog, args)
    finally:
        catalog.close()
    print(json.dumps(payload, indent=2, default=str) if args.json else text)
    return 0


def _catalog_query(catalog: Any, args: argparse.Namespace) -> tuple[Any, str]:
    if args.query == "list":
        epochs = catalog.list_epochs(source=args.source)
        if args.fingerprint:
            # The whole fingerprint or its first characters, so a listed one can be pasted.
            epochs = [e for e in epochs if e.fingerprint.startswith(args.fingerprint.strip())]
        lines = [
            f"{e.id}  {e.status:<8} {local_time(e.started_at)}"
            f"  {e.source} {e.graph_name or '-'}  fingerprint {e.fingerprint}"
            f"  parent {e.parent_epoch or '-'}  tags {','.join(e.tags) or '-'}"
            + (f"  error: {e.error}" if e.error else "")
            for e in epochs
        ]
        return [asdict(e) for e in epochs], "\n".join(lines) or "(no epochs)"
    if args.query == "show":
        epoch = catalog.get_epoch(args.epoch)
        nodes = catalog.nodes(args.epoch)
        counts: dict[str, int] = {}
        for node in nodes:
            counts[node.kind] = counts.get(node.kind, 0) + 1
        reports = [n for n in nodes if n.kind == "report"]
        lines = [
            f"{key}: {local_time(value) if key.endswith('_at') else value}"
            for key, value in asdict(epoch).items()
        ]
        lines.append("items: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
        lines += [
            f"  report {n.id} [{n.data.get('status')}] {n.data.get('title')}" for n in reports
        ]
        return {"epoch": asdict(epoch), "counts": counts}, "\n".join(lines)
    if args.query == "lineage":
        found = catalog.lineage(args.epoch, args.report)
        lines = [f"report {found.report.id}: {found.report.data.get('title')}"]
        if found.execution:
            lines.append(
                f"  <- execution {found.execution.id} [{found.execution.data.get('status')}]"
                f" {found.execution.data.get('algorithm')} {found.execution.data.get('parameters')}"
            )
        if found.template:
            lines.append(f"  <- template {found.template.id}: {found.template.data.get('title')}")
        if found.use_case:
            lines.append(f"  <- use case {found.use_case.id}: {found.use_case.data.get('title')}")
        lines += [
            f"  <- requirement {r.id} ({r.data.get('source')}:{r.data.get('line')}): "
            f"{r.data.get('text')}"
            for r in found.requirements
        ]
        return asdict(found), "\n".join(lines)
    from gaai_graph.catalog import diff_epochs

    result = diff_epochs(catalog, args.before, args.after)
    lines = [
        f"{result.epoch_before} -> {result.epoch_after}"
        + (" (graph changed)" if result.fingerprint_changed else " (same graph)")
    ]
    for item in result.templates:
        lines.append(
            f"  {item.template_before}->{item.template_after}: "
            + ("changed" if item.changed else "unchanged")
        )
        if item.entered_top or item.left_top:
            lines.append(f"    top entered {item.entered_top} left {item.left_top}")
        if item.group_count_before != item.group_count_after:
            lines.append(f"    groups {item.group_count_before} -> {item.group_count_after}")
        for name, (old, new) in item.metric_changes.items():
            lines.append(f"    {name}: {old} -> {new}")
    if result.only_before:
        lines.append(f"  only before: {result.only_before}")
    if result.only_after:
        lines.append(f"  only after: {result.only_after}")
    lines += [f"  note: {collision}" for collision in result.collisions]
    return asdict(result), "\n".join(lines)
