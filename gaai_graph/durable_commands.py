"""The durable side of the `gaai` command: checkpointed runs, `gaai resume`, catalog epochs.

The `gaai catalog` queries live in `gaai_graph.catalog_commands`.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

# The catalog and persistence modules (asyncio, SQLite, LangGraph's serialisers) are imported
# by the functions that use them, not here: `gaai --help` loads this module (issue 18).
from gaai_graph.errors import GaaiError, SourceError
from gaai_graph.sources.arango_url import is_arango_source, redact_source
from gaai_graph.store_names import CATALOG_FILE_NAME, CHECKPOINT_FILE_NAME
from gaai_graph.validation import (
    check_catalog_spec,
    check_checkpoint_spec,
    check_demo_source,
    check_thread_id,
)

if TYPE_CHECKING:
    from gaai_graph.context import Context

CATALOG_HELP = (
    f"analytics catalog: a SQLite file (default: <out>/{CATALOG_FILE_NAME}; with an "
    "arangodb:// source and --write-results, the source database) or an arangodb:// URL "
    "(the named graph gaai_catalog in that database; password in ARANGO_PASSWORD)"
)


def add_run_options(parser: argparse.ArgumentParser) -> None:
    """Add the checkpoint, thread and catalog flags to `gaai run` (and `gaai resume`)."""
    parser.add_argument(
        "--thread-id",
        help="checkpoint thread of the run (default: generated and printed); an interrupted "
        "run given again continues where it stopped",
    )
    parser.add_argument(
        "--checkpoint",
        metavar="SPEC",
        help=f"checkpoint store: a SQLite file (default: <out>/{CHECKPOINT_FILE_NAME}) or a "
        "postgresql:// URL",
    )
    parser.add_argument("--catalog", metavar="SPEC", help=CATALOG_HELP)
    parser.add_argument(
        "--tag", dest="tags", action="append", default=[], help="tag the epoch (repeatable)"
    )
    parser.add_argument(
        "--restart",
        action="store_true",
        help="with --thread-id of an earlier run: discard that run's checkpoints and start the "
        "thread anew (without it, a thread given other inputs than it started with is refused)",
    )


def add_commands(commands: Any) -> None:
    """Add the `resume` and `catalog` subcommands to the `gaai` parser."""
    resume = commands.add_parser("resume", help="continue an interrupted run")
    resume.add_argument(
        "--thread-id", required=True, help="the run to continue (its run id, as printed)"
    )
    resume.add_argument(
        "--checkpoint",
        metavar="SPEC",
        help="the run's checkpoint store, when it was not the default under --out",
    )
    resume.add_argument(
        "--catalog",
        metavar="SPEC",
        help="the run's catalog, when its URL held a password (not kept on disk)",
    )
    resume.add_argument(
        "--source",
        help="the run's arangodb:// source, when its URL held a password (not kept on disk)",
    )
    resume.add_argument("--out", default="gaai-output", metavar="DIR", help="the run's --out")
    resume.add_argument("--quiet", action="store_true", help="print only the final summary")
    resume.add_argument(
        "--json", action="store_true", help="print a machine-readable summary (JSON) on stdout"
    )
    resume.add_argument("--verbose", action="store_true", help="log warnings with tracebacks")

    from gaai_graph.catalog_commands import add_catalog_command

    add_catalog_command(commands)


def check_flags(args: argparse.Namespace) -> None:
    """Refuse a malformed --thread-id, --checkpoint or --catalog before anything is created."""
    if getattr(args, "thread_id", None) is not None:
        check_thread_id(args.thread_id)
    if getattr(args, "checkpoint", None) is not None:
        check_checkpoint_spec(args.checkpoint)
    if getattr(args, "catalog", None) is not None:
        check_catalog_spec(args.catalog)


class Leftovers:
    """Files and directories one `gaai run` creates, removed again when the run is refused.

    A refused run (bad input found by the graph before it read the graph: an empty or
    malformed snapshot, an unreachable database, an unknown named graph) leaves nothing.
    """

    def __init__(self) -> None:
        """Start with nothing recorded."""
        self._files: list[Path] = []
        self._dirs: list[Path] = []

    def make_dir(self, path: Path) -> None:
        """Create `path` (and missing parents), remembering which were new."""
        new = [p for p in (path, *path.parents) if not p.exists()]
        path.mkdir(parents=True, exist_ok=True)
        self._dirs.extend(reversed(new))

    def expect(self, path: Path) -> None:
        """Remember `path` (and its missing parent directories) if it does not exist yet."""
        if not path.exists():
            self._dirs.extend(reversed([p for p in path.parents if not p.exists()]))
            self._files.append(path)

    def remove(self) -> None:
        """Remove what was created, innermost first; a directory no longer empty is kept."""
        for path in self._files:
            for leftover in (path, *(path.with_name(path.name + e) for e in ("-wal", "-shm"))):
                leftover.unlink(missing_ok=True)
        for directory in reversed(self._dirs):
            with contextlib.suppress(OSError):  # not empty: something else is in it
                directory.rmdir()


def new_thread_id() -> str:
    """A fresh thread id (also the run id and the catalog epoch id)."""
    import uuid

    return f"run-{uuid.uuid4().hex[:12]}"


def checkpoint_spec(args: argparse.Namespace) -> str:
    """The checkpoint store named by the flags (default: a SQLite file in the output dir)."""
    from gaai_graph.persistence import default_checkpoint_spec

    spec: str = args.checkpoint or default_checkpoint_spec(args.out)
    return spec


def catalog_spec(args: argparse.Namespace, options: Mapping[str, Any]) -> str:
    """The catalog a run records its epoch in.

    `--catalog` when given; else, when the source is ArangoDB and writing to it was asked for
    (`--write-results`), the source database itself; else `<out>/catalog.sqlite`.
    """
    if args.catalog:
        return str(args.catalog)
    source = str(options.get("source") or "")
    if options.get("write_results") and is_arango_source(source):
        return source
    return str(Path(args.out) / CATALOG_FILE_NAME)


def _holds_password(spec: str) -> bool:
    from urllib.parse import urlsplit

    try:
        return is_arango_source(spec) and urlsplit(spec.strip()).password is not None
    except ValueError:
        return True  # malformed: keep it off the disk to be safe


def validate_run(options: Mapping[str, Any], documents: list[Any]) -> Context:
    """Check everything a run can be refused for that needs no server, before anything is made.

    A refused run must leave nothing behind (no checkpoint store, thread file, catalog epoch
    or output directory), so what the graph would reject later is checked here first: the
    `Context` fields, the vertical choice (a built-in name or a readable vertical file), the
    requirement documents, the source's form (a readable snapshot directory, a demo scale, an
    `arangodb://` URL and ARANGO_* settings; the server itself is reached by the run) and the
    model settings.

    Args:
        options: `Context` fields (including `enable_parallelism`).
        documents: The run's documents, as given to the graph.

    Returns:
        The run's `Context`.

    Raises:
        GaaiError: the run would be refused; the message says why.
    """
    from gaai_graph.context import Context  # pydantic: imported when a run starts

    context = Context(**options)
    if context.vertical.strip().lower() not in ("", "auto", "generate", "generated"):
        # A built-in or a file resolves without requirements or schema; auto needs both.
        # Imported only here: the vertical node brings LangGraph, which a run loads later,
        # while the snapshot is already being read (`cli_run_start.load_ahead`).
        from gaai_graph.nodes.vertical import resolve_vertical_by_rules

        resolve_vertical_by_rules(context.vertical, [], None)
    from gaai_graph.nodes.documents import read_documents

    read_documents(documents)
    _check_source(context.source)
    if context.chat_model is not None or (context.model or "").strip():
        # Without a model the rule path runs and nothing is checked: the model module loads
        # LangChain's chat-model classes, which a run on the rules never needs this early.
        from gaai_graph.llm.config import chat_model_for

        chat_model_for(context)
    return context


def _check_source(spec: str) -> None:
    """Refuse a source whose form is wrong, without loading it or reaching a server."""
    if spec == "demo":
        return
    if spec.startswith("demo:"):
        check_demo_source(spec)
        return
    if is_arango_source(spec):
        from gaai_graph.sources.arango import _timeout_from
        from gaai_graph.sources.arango_url import parse_arango_source

        parse_arango_source(spec)
        _timeout_from(os.environ.get("ARANGO_TIMEOUT"))
        return
    if "://" in spec:
        raise SourceError(
            f"unsupported source {redact_source(spec)!r}: use 'demo', 'demo:<scale>', "
            "'arangodb://host:port/database' or a snapshot directory"
        )
    path = Path(spec).expanduser()
    if not path.exists():
        raise SourceError(f"snapshot directory {path} does not exist")
    if not path.is_dir():
        raise SourceError(f"snapshot {path} is not a directory")
    from gaai_graph.sources.snapshot import check_snapshot_directory

    check_snapshot_directory(path)  # its listing and layout, without reading the data


def remember_run(
    args: argparse.Namespace, thread_id: str, options: dict[str, Any], documents: list[Any]
) -> None:
    """Validate a run (`validate_run`), then keep its options for `gaai resume`.

    Nothing is written for a run that is refused. Kept once per thread: a re-run of the same
    thread keeps the first start's options. No password is written: a Postgres checkpoint
    URL is left out, so is a catalog URL holding a password, and a source URL holding one is
    kept without it (`gaai resume` asks for them again).

    Raises:
        GaaiError: the run is refused (see `validate_run`).
    """
    from gaai_graph.persistence import load_run_options, save_run_options

    validate_run(options, documents)
    spec = checkpoint_spec(args)
    if not getattr(args, "restart", False):
        try:
            load_run_options(args.out, thread_id)
            return
        except Exception:
            pass
    withheld = bool(args.catalog) and _holds_password(str(args.catalog))
    context = dict(options)
    source_withheld = _holds_password(str(context.get("source") or ""))
    if source_withheld:
        context["source"] = redact_source(str(context["source"]))
    save_run_options(
        args.out,
        thread_id,
        {
            "context": context,
            "source_withheld": source_withheld,
            "documents": documents,
            "checkpoint": None if spec.startswith("postgres") else spec,  # no secrets on disk
            "catalog": None if withheld else args.catalog,
            "catalog_withheld": withheld,
            "tags": args.tags,
            "started_at": time.time(),
        },
    )


async def run_durably(
    args: argparse.Namespace,
    thread_id: str,
    make_runner: Callable[[Any], Any],
    start: Callable[[Any], Any],
    context: Context,
    listener: Callable[[str, Any], None] | None,
    *,
    documents: list[Any] | None = None,
    leftovers: Leftovers | None = None,
    review: Callable[[Any, str], Awaitable[Any]] | None = None,
) -> tuple[Any, Any, dict[str, Any]]:
    """Run (or continue) the thread with a checkpointer; return (result, runner, full state).

    A new thread starts with `start(runner)` (the runner's own streaming loop); an
    interrupted one continues from its last checkpoint; a finished one is read back. The
    thread is locked meanwhile (`gaai_graph.thread_lock`).

    `gaai run` (`documents` given) on an existing thread must bring the inputs the thread was
    started with, else it is refused naming what differs; `--restart` discards the thread
    first. `gaai resume` (`documents` None) refuses a thread the store does not hold. A run
    refused before it read the graph leaves nothing: its checkpoints are deleted and
    `leftovers` removed. Any other error marks the run's epoch `failed` (when `listener` is
    its `EpochStarter`) before it is raised on.

    With `review` (`gaai run --approve`: a `plan_commands.PlanReview`), the thread waiting
    for template approval continues with the answer `review(graph, status)` gives; it is
    computed before anything runs, so a refused plan changes nothing.
    """
    import asyncio  # like LangGraph, imported when a run starts (keeps --help fast)

    from gaai_graph.persistence import (
        CheckpointError,
        compile_graph,
        describe_spec,
        discard_thread,
        open_checkpointer,
        resume_run,
        thread_status,
    )
    from gaai_graph.thread_lock import lock_thread  # LangGraph: imported when a run starts

    spec = checkpoint_spec(args)
    config: Any = {"configurable": {"thread_id": thread_id}}
    refused = False
    try:
        async with open_checkpointer(spec) as saver, lock_thread(saver, thread_id):
            runner = make_runner(saver)
            graph = compile_graph(saver)
            status = await thread_status(graph, thread_id)
            answer = None if review is None else await review(graph, status)
            if documents is None and status == "new":
                raise CheckpointError(
                    f"--thread-id {thread_id!r}: the checkpoint store {describe_spec(spec)} holds "
                    "no such run, so there is nothing to resume: check --thread-id and "
                    "--checkpoint, or start it with gaai run"
                )
            if documents is not None and status != "new":
                if getattr(args, "restart", False):
                    await discard_thread(saver, thread_id)
                    if isinstance(listener, EpochStarter):
                        await asyncio.to_thread(listener.forget)
                    status = "new"
                else:
                    await _check_same_inputs(graph, thread_id, context, documents)
            if not getattr(args, "quiet", False):  # --quiet: the summary's run id says it
                print(
                    f"thread id: {thread_id} (checkpoints: {describe_spec(spec)})", file=sys.stderr
                )
            try:
                if status == "new":
                    result = await start(runner)
                elif review is not None:
                    result = await _answer_interrupt(graph, thread_id, context, listener, answer)
                else:
                    result = await resume_run(graph, thread_id, context, listener)
            except Exception as error:
                # Not BaseException: Ctrl-C (KeyboardInterrupt) is an interrupted run,
                # resumable and rightly still `running`.
                try:
                    values = dict((await graph.aget_state(config)).values)
                except Exception:
                    values = {}
                if status == "new" and values.get("schema") is None:
                    await discard_thread(saver, thread_id)  # refused: nothing to keep
                    refused = True
                elif isinstance(listener, EpochStarter):
                    await asyncio.to_thread(listener.fail, values, error)
                raise
            state = await graph.aget_state(config)
            return result, runner, dict(state.values)
    except Exception:
        if refused and leftovers is not None:
            leftovers.remove()  # after the store is closed (and removed, if it was new)
        raise


async def _answer_interrupt(
    graph: Any,
    thread_id: str,
    context: Context,
    listener: Callable[[str, Any], None] | None,
    answer: Any,
) -> Any:
    """Continue the thread waiting for approval with `Command(resume=answer)`."""
    from langgraph.types import Command

    from gaai_graph.results import result_of_thread

    config: Any = {"configurable": {"thread_id": thread_id}}
    async for mode, chunk in graph.astream(
        Command(resume=answer), config, context=context, stream_mode=["tasks", "updates", "custom"]
    ):
        if listener is not None:
            listener(mode, chunk)
    return await result_of_thread(graph, thread_id)


async def _check_same_inputs(
    graph: Any, thread_id: str, context: Context, documents: list[Any]
) -> None:
    """Refuse `gaai run` on an existing thread with other inputs than it was started with."""
    from gaai_graph.thread_identity import (  # LangGraph: imported when a run starts
        ThreadIdentityError,
        identity_differences,
        identity_of,
    )

    recorded = (await graph.aget_state({"configurable": {"thread_id": thread_id}})).values.get(
        "run_identity"
    )
    if not recorded:
        return  # a thread from before identities were kept
    differences = identity_differences(recorded, identity_of(context, documents))
    if differences:
        raise ThreadIdentityError(
            f"--thread-id {thread_id!r} was started with other inputs: "
            + "; ".join(differences)
            + ". Give the same inputs to continue it, --restart to discard it and start anew, "
            "or another --thread-id"
        )


class EpochStarter:
    """A stream listener starting the run's epoch (status `running`) once the schema is known.

    Passes every (mode, chunk) on to `then` (the progress printer, if any). The epoch is
    written from a thread of its own, so a slow catalog never holds up the run; a failure is
    printed as a warning and never stops the run. `record_in_catalog` waits for it.
    """

    def __init__(
        self,
        args: argparse.Namespace,
        thread_id: str,
        catalog: str,
        then: Callable[[str, Any], None] | None = None,
    ) -> None:
        """Start the epoch `thread_id` in `catalog` when the schema update streams by."""
        self._args = args
        self._thread_id = thread_id
        self._catalog = catalog
        self._then = then
        self._thread: Any = None  # the threading.Thread writing the epoch's start

    def __call__(self, mode: str, chunk: Any) -> None:
        """Handle one (mode, chunk) of the run's stream."""
        if self._thread is None and mode == "updates" and isinstance(chunk, dict):
            update = chunk.get("analyze_schema")
            schema = update.get("schema") if isinstance(update, dict) else None
            if schema is not None:
                import threading

                self._thread = threading.Thread(
                    target=self._start, args=(schema,), name="gaai-epoch-start"
                )
                self._thread.start()
        if self._then is not None:
            self._then(mode, chunk)

    def _start(self, schema: Any) -> None:
        from gaai_graph.catalog import start_epoch_safely

        problem = start_epoch_safely(
            self._catalog,
            schema,
            epoch_id=self._thread_id,
            started_at=_started_at(Path(self._args.out), self._thread_id),
            tags=list(getattr(self._args, "tags", []) or []),
        )
        if problem:
            print(f"gaai: warning: {problem}; the run goes on", file=sys.stderr)

    def forget(self) -> None:
        """Remove the thread's earlier epoch from the catalog (`--restart`)."""
        from gaai_graph.catalog import forget_epoch_safely

        problem = forget_epoch_safely(self._catalog, self._thread_id)
        if problem:
            print(f"gaai: warning: {problem}", file=sys.stderr)

    def wait(self) -> None:
        """Wait until the epoch's start is written (or has failed)."""
        if self._thread is not None:
            self._thread.join()

    def fail(self, values: Mapping[str, Any], error: BaseException) -> None:
        """Mark the epoch `failed` with `error` as the reason (the run ended in it).

        Args:
            values: The run's last checkpointed state (its schema starts the epoch if the
                start was never written); empty when unknown.
            error: What ended the run.
        """
        from gaai_graph.catalog import fail_epoch_safely

        self.wait()
        reason = str(error) if isinstance(error, GaaiError) else f"{type(error).__name__}: {error}"
        problem = fail_epoch_safely(
            self._catalog,
            values.get("schema"),
            epoch_id=self._thread_id,
            started_at=_started_at(Path(self._args.out), self._thread_id),
            reason=reason,
            tags=list(getattr(self._args, "tags", []) or []),
        )
        if problem:
            print(f"gaai: warning: {problem}", file=sys.stderr)


def record_in_catalog(
    args: argparse.Namespace,
    thread_id: str,
    values: dict[str, Any],
    out_dir: Path,
    catalog: str | None = None,
    starter: EpochStarter | None = None,
) -> None:
    """Record the run as an epoch; a failure is printed, the written reports stay.

    Args:
        args: The `run`/`resume` flags.
        thread_id: The run's thread (the epoch id).
        values: The run's final state.
        out_dir: Where its reports were written.
        catalog: The catalog (default: `--catalog`, else `<out>/catalog.sqlite`).
        starter: The listener that started the epoch, waited for first.
    """
    from gaai_graph.catalog import describe_catalog, record_run_safely
    from gaai_graph.reporting.files import report_file_stems

    if starter is not None:
        starter.wait()
    options_started = _started_at(out_dir, thread_id)
    reports = values.get("reports", [])
    stems = report_file_stems(report.template_id for report in reports)
    problem = record_run_safely(
        catalog or args.catalog or out_dir / CATALOG_FILE_NAME,
        values,
        epoch_id=thread_id,
        started_at=options_started,
        tags=list(getattr(args, "tags", []) or []),
        report_paths={
            tid: str(out_dir / "reports" / f"{stem}.json") for tid, stem in stems.items()
        },
    )
    if problem:
        print(f"gaai: warning: {problem}; the reports in {out_dir}/ are complete", file=sys.stderr)
    elif catalog and is_arango_source(catalog) and not getattr(args, "quiet", False):
        # Say so whenever the user's database was written to.
        where = describe_catalog(catalog)
        print(f"epoch {thread_id} recorded in the catalog in ArangoDB at {where}", file=sys.stderr)


def _started_at(out_dir: Path, thread_id: str) -> float:
    from gaai_graph.persistence import load_run_options

    try:
        return float(load_run_options(out_dir, thread_id).get("started_at") or time.time())
    except Exception:
        return time.time()


def resume_arguments(args: argparse.Namespace) -> tuple[dict[str, Any], list[Any]]:
    """Rebuild a `gaai resume` invocation from the options its run kept: (context, documents)."""
    from gaai_graph.catalog import CatalogError
    from gaai_graph.persistence import CheckpointError, load_run_options, run_options_path

    saved = load_run_options(args.out, args.thread_id)
    if not isinstance(saved, dict) or not isinstance(saved.get("context"), dict):
        raise CheckpointError(
            f"--thread-id {args.thread_id!r}: {run_options_path(args.out, args.thread_id)} holds "
            "no run options (edited or damaged): start the run again with gaai run"
        )
    if args.checkpoint is None:
        args.checkpoint = saved.get("checkpoint")
        if args.checkpoint is None:
            raise CheckpointError(
                f"thread {args.thread_id!r} used a postgresql checkpoint store, whose URL is "
                "not kept on disk: give it again with --checkpoint"
            )
    if args.catalog is None:
        if saved.get("catalog_withheld"):
            raise CatalogError(
                f"thread {args.thread_id!r} recorded its epoch in an ArangoDB catalog whose URL "
                "held a password, which is not kept on disk: give it again with --catalog (a "
                "URL without the password, which then comes from ARANGO_PASSWORD, is kept)"
            )
        args.catalog = saved.get("catalog")
    context = dict(saved["context"])
    if saved.get("source_withheld"):
        given = getattr(args, "source", None)
        if given is None:
            raise SourceError(
                f"thread {args.thread_id!r} reads {context.get('source')} with a password in "
                "its URL, which is not kept on disk: give the source again with --source (a "
                "URL without the password, which then comes from ARANGO_PASSWORD, is kept)"
            )
        if redact_source(given) != context.get("source"):
            raise SourceError(
                f"thread {args.thread_id!r} reads {context.get('source')}, not "
                f"{redact_source(given)}"
            )
        context["source"] = given
    args.tags = saved.get("tags") or []
    args.sequential = not context.get("enable_parallelism", True)
    return context, list(saved.get("documents") or [])
