"""The `gaai` command line: the argument parser, `run`/`resume`, and dispatch to the rest.

The other subcommands' handlers live in `gaai_graph.cli_commands` (and `durable_commands` for
`catalog`), the live progress output in `gaai_graph.cli_progress`.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from gaai_graph import catalog_commands, cli_commands, durable_commands, plan_commands
from gaai_graph.cli_commands import EXPORT_MARKER as EXPORT_MARKER  # re-exported
from gaai_graph.cli_progress import ProgressPrinter
from gaai_graph.cli_progress import _progress_line as _progress_line  # re-exported
from gaai_graph.cli_run_start import load_ahead, tuned_for_a_run
from gaai_graph.errors import GaaiError
from gaai_graph.validation import (
    non_negative_int,
    positive_int,
    positive_seconds,
    shown,
)

if TYPE_CHECKING:
    from langgraph.cache.base import BaseCache

    from gaai_graph.context import Context
    from gaai_graph.models import Report, RunSummary

EXIT_BAD_INPUT = 2


class _HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Help with each option's default, except where there is nothing to show."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        if action.default in (None, False, [], argparse.SUPPRESS) or "default" in text:
            return text
        return super()._get_help_string(action)


class _Parser(argparse.ArgumentParser):
    """argparse, with a usage error on one line (the flag, what is wrong, where to look)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        """Print `gaai: error: <message> (see gaai <command> --help)`; exit with code 2.

        A mistyped command gets the nearest command as a suggestion.
        """
        message += _suggestion(message)
        self.exit(EXIT_BAD_INPUT, f"gaai: error: {message} (see {self.prog} --help)\n")


def _suggestion(message: str) -> str:
    """The nearest command to a mistyped one, as "; did you mean 'run'?" (or "")."""
    import difflib
    import re

    found = re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)", message)
    if found is None:
        return ""
    choices = re.findall(r"'([^']*)'", found.group(2)) or [
        choice.strip() for choice in found.group(2).split(",")
    ]
    close = difflib.get_close_matches(found.group(1), choices, n=1, cutoff=0.5)
    return f"; did you mean '{close[0]}'?" if close else ""


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("gaai-graph")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


class _VersionAction(argparse.Action):
    """`--version`: the package's version, looked up only when asked (keeps --help fast)."""

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS, **_: Any) -> None:
        super().__init__(
            option_strings,
            dest,
            default=argparse.SUPPRESS,
            nargs=0,
            help="show program's version number and exit",
        )

    def __call__(self, parser: argparse.ArgumentParser, *_: Any) -> NoReturn:
        print(f"{parser.prog} {_version()}")  # on stdout, as argparse's own version action
        parser.exit()


def _add_run_inputs(parser: argparse.ArgumentParser) -> None:
    """The flags `gaai run` and `gaai plan` share: source, documents, analysis, checkpoints."""
    parser.add_argument(
        "--source",
        default="demo",
        help="'demo' (bundled graph), 'demo:<scale>', a snapshot directory "
        "(arangodump or arangoexport JSONL), or a live database "
        "arangodb://[user@]host:port/database (arangodbs:// for HTTPS; password in "
        "ARANGO_PASSWORD)",
    )
    parser.add_argument(
        "--graph",
        dest="graph_name",
        help="named graph to analyse (default: the source's only named graph, else every "
        "collection)",
    )
    parser.add_argument(
        "--doc",
        dest="documents",
        action="append",
        default=[],
        metavar="FILE",
        help="requirement document (repeatable)",
    )
    parser.add_argument(
        "--text",
        dest="texts",
        action="append",
        default=[],
        metavar="TEXT",
        help="requirements given inline (repeatable)",
    )
    parser.add_argument("--vertical", default="auto", help="'auto', a built-in name, or a file")
    parser.add_argument(
        "--core",
        dest="core_collections",
        action="append",
        metavar="COLLECTION",
        help="treat this vertex collection as core (repeatable); others become satellites",
    )
    parser.add_argument(
        "--max-executions",
        type=positive_int,
        default=8,
        metavar="N",
        help="most analyses running at once",
    )
    parser.add_argument(
        "--max-templates",
        type=positive_int,
        default=12,
        metavar="N",
        help="most analyses in one run (further questions are listed as skipped)",
    )
    parser.add_argument(
        "--top-k",
        type=positive_int,
        default=10,
        metavar="K",
        help="entities and groups listed per report",
    )
    parser.add_argument(
        "--model",
        default=None,
        metavar="NAME",
        help="chat model for the reasoning phases (e.g. gpt-4o-mini), served by OpenAI or the "
        "OpenAI-compatible server in OPENAI_BASE_URL; default: GAAI_MODEL, else rules only",
    )
    parser.add_argument(
        "--llm-timeout",
        type=positive_seconds,
        metavar="SECONDS",
        help="seconds the model client waits for each read of an answer (default: "
        "GAAI_LLM_TIMEOUT, else 60); each request also ends after SECONDS x (N + 1) plus backoff",
    )
    parser.add_argument(
        "--llm-retries",
        type=non_negative_int,
        metavar="N",
        help="retries of a model request that timed out or got a 429 or 5xx answer (default: "
        "GAAI_LLM_RETRIES, else 2)",
    )
    parser.add_argument(
        "--sequential", action="store_true", help="run templates one at a time (debugging)"
    )
    parser.add_argument(
        "--write-results",
        action="store_true",
        help="write per-vertex results back to the arangodb:// source, into a new collection "
        "per run (default: read only)",
    )
    parser.add_argument(
        "--engine",
        choices=("local", "gae", "auto"),
        default="local",
        help="where algorithms run: local igraph (default), the ArangoDB Graph Analytics "
        "Engine of an arangodb:// source, or auto: the GAE for a live source's projection of "
        "at least GAAI_GAE_MIN_EDGES edges (default 2e7), local otherwise",
    )
    parser.add_argument(
        "--gae-engine",
        metavar="SERVICE_ID",
        help="use this running Graph Analytics Engine (never deleted) instead of starting one",
    )
    durable_commands.add_run_options(parser)


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="gaai",
        description="Turn a graph and business requirement documents into executed graph "
        "analytics and written reports.",
    )
    parser.add_argument("--version", action=_VersionAction)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    run = commands.add_parser("run", help="run the whole workflow and write reports")
    _add_run_inputs(run)
    run.add_argument("--out", default="gaai-output", metavar="DIR", help="output directory")
    run.add_argument("--quiet", action="store_true", help="print only the final summary")
    run.add_argument(
        "--json",
        action="store_true",
        help="print a machine-readable summary (JSON) on stdout instead of the text summary",
    )
    run.add_argument("--verbose", action="store_true", help="log warnings with tracebacks")
    run.add_argument(
        "--compare-to",
        metavar="RUN|last",
        help="say what changed since this earlier run (a run id, or 'last'); default: the "
        "latest earlier run of the same source and question in the catalog, if any",
    )
    run.add_argument(
        "--approve",
        metavar="PLAN.json",
        help="run the templates of a plan gaai plan wrote (and the reviewer edited): the "
        "entries left in the file, with their changes; the run's inputs come from the plan",
    )
    plan_commands.add_plan_command(commands, _add_run_inputs)
    durable_commands.add_commands(commands)
    ask = commands.add_parser("ask", help="ask a follow-up question on a finished run")
    ask.add_argument("question", help="the follow-up question")
    ask.add_argument("--thread-id", required=True, help="the finished run it follows")
    ask.add_argument("--out", default="gaai-output", metavar="DIR", help="the run's --out")
    ask.add_argument("--catalog", metavar="SPEC", help="default: <out>/catalog.sqlite")
    ask.add_argument("--source", help="the run's source, when its URL held a password")
    mcp = commands.add_parser("mcp", help="serve the analyses as Model Context Protocol tools")
    mcp.add_argument(
        "--transport",
        choices=("stdio", "streamable-http"),
        default="stdio",
        help="how clients connect (default: stdio)",
    )
    mcp.add_argument("--host", default="127.0.0.1", help="streamable-http only")
    mcp.add_argument("--port", type=positive_int, default=8000, help="streamable-http only")
    mcp.add_argument("--out", default="gaai-mcp-output", metavar="DIR", help="runs and catalog")

    export = commands.add_parser("export-demo", help="write the demo graph as a snapshot")
    export.add_argument(
        "--out",
        required=True,
        metavar="DIR",
        help="a new or empty directory (or one an earlier export-demo wrote); nothing else is "
        "touched",
    )
    export.add_argument("--scale", default="1", help="size multiplier, 0.2 to 100 (default 1)")
    export.add_argument(
        "--format",
        choices=("dump", "jsonl"),
        default="dump",
        help="'dump': arangodump layout; 'jsonl': one arangoexport JSONL file per collection",
    )
    return parser


def _documents_from(args: argparse.Namespace) -> list[Any]:
    documents: list[Any] = []
    for path in args.documents:
        if Path(path).is_dir():
            raise GaaiError(
                f"requirement document {path} is a directory; expected a text or Markdown file"
            )
        if not Path(path).exists():
            raise GaaiError(f"requirement document not found: {path}")
        if not Path(path).is_file():
            raise GaaiError(
                f"requirement document {path} is not a regular file (a device, pipe or socket); "
                "expected a text or Markdown file"
            )
        documents.append({"path": path})
    documents.extend(
        {"content": text, "name": f"inline-{index}"} for index, text in enumerate(args.texts, 1)
    )
    return documents


def _context_options(args: argparse.Namespace) -> dict[str, Any]:
    """`Context` fields taken from the `run` flags (add new run flags here)."""
    return {
        "source": args.source,
        "graph_name": args.graph_name,
        "core_collections": args.core_collections,
        "vertical": args.vertical,
        "max_executions": args.max_executions,
        "max_templates": args.max_templates,
        "top_k": args.top_k,
        "write_results": args.write_results,
        "engine": args.engine,
        "gae_engine": args.gae_engine,
        "model": args.model,
        # Given only when set, so GAAI_LLM_TIMEOUT / GAAI_LLM_RETRIES or the defaults apply.
        **{
            name: value
            for name, value in (
                ("llm_timeout", args.llm_timeout),
                ("llm_max_retries", args.llm_retries),
            )
            if value is not None
        },
    }


def _json_summary(result: Any, out_dir: Path, trace: dict[str, Any] | None) -> dict[str, Any]:
    from gaai_graph.reporting.files import report_file_stems

    summary: RunSummary = result.summary
    reports: list[Report] = sorted(result.reports, key=lambda r: r.template_id)
    stems = report_file_stems(r.template_id for r in reports)
    return {
        "run_id": summary.run_id,
        "headline": summary.headline,
        "source": summary.source,
        "graph_name": summary.graph_name,
        "vertical": summary.vertical,
        "out_dir": str(out_dir),
        "index_html": str(out_dir / "index.html"),
        "reports": [
            {
                "template_id": r.template_id,
                "title": r.title,
                "algorithm": r.algorithm,
                "status": r.status,
                "error": r.error,
                "files": {
                    ext: str(out_dir / "reports" / f"{stems[r.template_id]}.{ext}")
                    for ext in ("json", "md", "html")
                },
            }
            for r in reports
        ],
        "failures": [failure.model_dump(mode="json") for failure in summary.failures],
        "warnings": list(summary.warnings),
        "trace": trace,
    }


def _check_out_dir(
    out: str, *, create: bool = True, leftovers: durable_commands.Leftovers | None = None
) -> None:
    """Make sure `--out` is a directory we can write (creating it), before anything goes there."""
    path = Path(out)
    if any(ord(char) < 32 for char in out):
        raise GaaiError(f"--out {shown(out)} holds control characters: give a plain path")
    if path.exists() and not path.is_dir():
        raise GaaiError(f"--out {out} is a file, not a directory: give a directory")
    if not create:
        return
    try:
        if leftovers is not None:
            leftovers.make_dir(path)
        else:
            path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise GaaiError(
            f"--out {out}: cannot create the output directory {out} "
            f"({error.strerror or error}); give a directory you can write"
        ) from error
    if not os.access(path, os.W_OK | os.X_OK):
        raise GaaiError(f"--out {out} is not writable: give a directory you can write")


def _command_run(args: argparse.Namespace) -> int:
    """`gaai run`, `gaai plan` (the run up to the template approval) and `gaai run --approve`."""
    with tuned_for_a_run():
        return _run_command(args)


def _run_command(args: argparse.Namespace) -> int:
    if getattr(args, "approve", None) is not None:
        return _command_approve(args)
    durable_commands.check_flags(args)
    options = _context_options(args)
    if args.command == "plan":
        options["approve_templates"] = True
    documents = _documents_from(args)
    run_options = {**options, "enable_parallelism": not args.sequential}
    # A refused run leaves nothing behind, so nothing is made before these checks, and what
    # is made afterwards is removed again if the graph refuses the run (`Leftovers`).
    context = durable_commands.validate_run(run_options, documents)
    _check_out_dir(args.out, create=False)
    load_ahead(context.source)
    from gaai_graph.catalog.changes import check_compare_to

    check_compare_to(durable_commands.catalog_spec(args, options), args.compare_to)
    leftovers = durable_commands.Leftovers()
    thread_id = args.thread_id or durable_commands.new_thread_id()
    out_dir = Path(args.out)
    from gaai_graph.persistence import run_options_path

    leftovers.expect(run_options_path(out_dir, thread_id))
    leftovers.expect(out_dir / ".gaai" / "llm-cache.sqlite")
    _check_out_dir(args.out, leftovers=leftovers)
    durable_commands.remember_run(args, thread_id, run_options, documents)
    return _run_thread(args, thread_id, options, documents, leftovers=leftovers)


def _llm_cache_for(out_dir: Path, context: Context) -> BaseCache[Any] | None:
    """The cache for the model's answers: `<out>/.gaai/llm-cache.sqlite` unless GAAI_LLM_CACHE says.

    Each `gaai` command is a new process, so the in-memory cache would never serve a re-run;
    with this an unchanged re-run into the same output directory makes no LLM request. Only
    when a model is configured (the rule path makes no request and needs no file); None leaves
    the choice to `llm_cache()`.
    """
    from gaai_graph.llm.cache import CACHE_ENVIRONMENT_VARIABLE, persistent_cache

    if os.environ.get(CACHE_ENVIRONMENT_VARIABLE, "").strip():
        return None
    if context.model or context.chat_model is not None:
        return persistent_cache(str(out_dir / ".gaai" / "llm-cache.sqlite"))
    return None


def _run_thread(
    args: argparse.Namespace,
    thread_id: str,
    options: dict[str, Any],
    documents: list[Any],
    *,
    resuming: bool = False,
    leftovers: durable_commands.Leftovers | None = None,
    review: plan_commands.PlanReview | None = None,
) -> int:
    """Run or continue the checkpointed thread `thread_id`, write its outputs, catalog it.

    A run that pauses for template approval (`gaai plan`) writes its plan file instead.
    """
    from gaai_graph.context import Context
    from gaai_graph.reporting.markdown import render_console_summary
    from gaai_graph.runner import AgenticWorkflowRunner

    context = Context(**options, enable_parallelism=not args.sequential)
    answers = _llm_cache_for(Path(args.out), context)

    def make_runner(checkpointer: Any) -> AgenticWorkflowRunner:
        runner_options = dict(options)
        return AgenticWorkflowRunner(
            graph_name=runner_options.pop("graph_name"),
            core_collections=runner_options.pop("core_collections"),
            max_executions=runner_options.pop("max_executions"),
            source=runner_options.pop("source"),
            vertical=runner_options.pop("vertical"),
            enable_tracing=True,
            checkpointer=checkpointer,
            llm_cache=answers,
            **runner_options,
        )

    catalog = durable_commands.catalog_spec(args, options)
    # Starts the epoch (status running) once the schema is known, then prints progress.
    progress = None if args.quiet else ProgressPrinter(sys.stderr)
    # A plan records no epoch until it is approved (the approved run records the whole run).
    listener: Any = (
        progress
        if args.command == "plan"
        else durable_commands.EpochStarter(args, thread_id, catalog, progress)
    )
    import asyncio

    result, runner, values = asyncio.run(
        durable_commands.run_durably(
            args,
            thread_id,
            make_runner,
            lambda runner: runner.run_async(
                input_documents=documents,
                enable_parallelism=not args.sequential,
                listener=listener,
                run_id=thread_id,
            ),
            context,
            listener,
            documents=None if resuming else documents,
            leftovers=leftovers,
            review=review,
        )
    )
    if result.interrupt is not None:
        return plan_commands.paused(args, thread_id, result, durable_commands.checkpoint_spec(args))
    if result.summary is None:
        raise GaaiError("the run ended without a summary")
    out_dir = Path(args.out)
    from gaai_graph.catalog.changes import annotate_from_catalog

    changes = annotate_from_catalog(
        catalog, thread_id, result.values, getattr(args, "compare_to", None)
    )
    try:
        runner.export_reports(result, out_dir, changes=changes)
    except OSError as error:
        # The results are safe in the checkpoints; the epoch must not stay `running`.
        if isinstance(listener, durable_commands.EpochStarter):
            listener.fail(values, error)
        raise GaaiError(
            f"--out {out_dir}: cannot write the reports "
            f"({error.strerror or error}); run {thread_id} is marked failed in the catalog, its "
            f"results are kept: make the directory writable and run gaai resume --thread-id "
            f"{thread_id} --out {out_dir} to write them"
        ) from error
    starter = listener if isinstance(listener, durable_commands.EpochStarter) else None
    durable_commands.record_in_catalog(
        args, thread_id, values, out_dir, catalog=catalog, starter=starter
    )
    if args.json:
        trace = runner.trace_summary().to_jsonable() if runner.tracer else None
        sys.stdout.write(json.dumps(_json_summary(result, out_dir, trace), indent=2) + "\n")
        return 0
    reports: list[Report] = sorted(result.reports, key=lambda r: r.template_id)
    print(render_console_summary(result.summary, reports))
    print(f"\nReports written to {out_dir}/ (index.html, summary.json, summary.md, reports/)")
    from gaai_graph.persistence import describe_spec

    store = describe_spec(durable_commands.checkpoint_spec(args))
    print(f"Run state (checkpoints, to resume with --thread-id {thread_id}): {store}")
    return 0


def _command_approve(args: argparse.Namespace) -> int:
    """Continue the run a plan file names, with the (edited) plan as the review answer."""
    review = plan_commands.approval_arguments(args, _build_parser().parse_args(["run"]))
    durable_commands.check_flags(args)
    options, documents = durable_commands.resume_arguments(args)
    options.pop("enable_parallelism", None)
    return _run_thread(args, args.thread_id, options, documents, resuming=True, review=review)


def _command_resume(args: argparse.Namespace) -> int:
    with tuned_for_a_run():
        return _resume_command(args)


def _resume_command(args: argparse.Namespace) -> int:
    durable_commands.check_flags(args)
    _check_out_dir(args.out, create=False)
    options, documents = durable_commands.resume_arguments(args)
    options.pop("enable_parallelism", None)
    return _run_thread(args, args.thread_id, options, documents, resuming=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the `gaai` command; returns the process exit code.

    A reader that stops early (`gaai catalog list | head -1`) ends the output quietly.
    """
    try:
        return _main(argv)
    except BrokenPipeError:
        # Python's documented recipe: point stdout at devnull so the flush at exit is silent.
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, sys.stdout.fileno())
        except (AttributeError, OSError, ValueError):  # stdout replaced by an object
            sys.stdout = os.fdopen(devnull, "w")
        return 0


def _main(argv: Sequence[str] | None) -> int:
    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # a usage error (printed on one line) or --help
        return stop.code if isinstance(stop.code, int) else EXIT_BAD_INPUT
    logging.basicConfig(
        level=logging.WARNING if getattr(args, "verbose", False) else logging.ERROR,
        format="%(levelname)s %(name)s: %(message)s",
    )
    handlers = {
        "run": _command_run,
        "plan": _command_run,
        "export-demo": cli_commands.command_export_demo,
        "resume": _command_resume,
        "catalog": catalog_commands.command_catalog,
        "mcp": cli_commands.command_mcp,
        "ask": cli_commands.command_ask,
    }
    try:
        return handlers[args.command](args)
    except GaaiError as error:
        print(f"gaai: error: {_one_line(str(error))}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as error:  # the machine refused: a full disk, a directory made read-only
        if isinstance(error, BrokenPipeError) or getattr(args, "verbose", False):
            raise
        where = f" ({shown(error.filename)})" if error.filename else ""
        print(
            f"gaai: error: {error.strerror or error}{where}; fix it and run the command again "
            "(--verbose shows the traceback)",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("gaai: interrupted", file=sys.stderr)
        return 130


def _one_line(message: str) -> str:
    """A message on one line: a newline inside it (e.g. quoted from a file) becomes a space."""
    return " ".join(message.split("\n"))


def entry() -> NoReturn:
    """The `gaai` program (console script and `python -m gaai_graph.cli`): `main`, then exit.

    The process ends without freeing its objects one by one: after a run at 10^6 edges the
    interpreter's teardown (millions of strings, frames, the graph cache) took 0.6-1.7 s
    after the summary was printed. Threads are joined and `atexit` handlers run as usual
    first: `_exit_quickly` is registered before the command loads any module that could
    register one (LangSmith's flush, `weakref.finalize`), so it runs after them; the only
    earlier one, `logging.shutdown`, it calls itself. Callers of `main` (tests, benchmarks)
    are unaffected.
    """
    atexit.register(_exit_quickly)
    code = main()
    _finished.append(code)
    sys.exit(code)


_finished: list[int] = []
"""The exit code `main` returned (empty while it runs or when it raised)."""


def _exit_quickly() -> None:
    if not _finished:  # an uncaught error: its traceback and the usual exit
        return
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # a reader gone (closed pipe): nothing to add
            stream.flush()
    os._exit(_finished[0])


if __name__ == "__main__":
    entry()
