"""Durable runs: open a checkpointer from a spec and compile the workflow with it.

```python
from gaai_graph.persistence import compile_graph, open_checkpointer

async with open_checkpointer("out/run/checkpoints.sqlite") as saver:  # or "postgresql://..."
    graph = compile_graph(saver)
    config = {"configurable": {"thread_id": "run-1"}}
    await graph.ainvoke({"documents": []}, config)
    # after a crash, in a new process: continue, never pass the original input again
    await graph.ainvoke(None, config)
```

`compile_graph` binds `durability="sync"`: every superstep's checkpoint is on disk before the
next one starts, so a run killed with SIGKILL resumes from its last finished step, and the
template chains that had finished keep their writes and are not executed again.

Two environment variables make kill tests deterministic (tests and `benchmarks/` only):
`GAAI_CHECKPOINT_LOG=<file>` appends one JSON line per persisted task write, and
`GAAI_CHECKPOINT_PAUSE=<channel>:<n>` prints `GAAI-PAUSED ...` on stderr once the n-th write
to that channel is committed and blocks every later save, so a kill lands exactly there. With
a pause set, task writes and checkpoints are committed one at a time, in the order they were
submitted (the order aiosqlite's single connection commits them in anyway), so "the n-th write"
leaves exactly n template chains committed even when many finish at once (the demo's do,
within milliseconds), and no later checkpoint holding the others.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import sys
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:  # LangGraph is imported when a run starts, not with the command line
    from langchain_core.runnables import RunnableConfig
    from langgraph.cache.base import BaseCache
    from langgraph.checkpoint.base import BaseCheckpointSaver
    from langgraph.pregel import Pregel
    from langgraph.types import StreamMode

    from gaai_graph.results import WorkflowResult

from gaai_graph.errors import GaaiError
from gaai_graph.store_names import CHECKPOINT_FILE_NAME as CHECKPOINT_FILE_NAME  # re-exported
from gaai_graph.validation import check_checkpoint_spec

__all__ = [
    "CHECKPOINT_FILE_NAME",
    "CheckpointError",
    "ThreadStatus",
    "allow_state_types",
    "compile_graph",
    "default_checkpoint_spec",
    "describe_spec",
    "discard_thread",
    "load_run_options",
    "open_checkpointer",
    "resume_run",
    "run_options_path",
    "save_run_options",
    "store_spec",
    "thread_status",
]

ThreadStatus = Literal["new", "unfinished", "finished"]
"""`new`: no checkpoint; `unfinished`: a run stopped before END; `finished`: it reached END."""

LOCK_SUFFIX = ".lock"
"""A SQLite store's thread locks live in `<store>.lock` (see `lock_thread`)."""

SQLITE_BUSY_SECONDS = 30.0
"""How long a SQLite checkpoint write waits for another connection's commit."""

_RESUME_STREAM_MODES: list[StreamMode] = ["tasks", "updates", "custom"]
_SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal", LOCK_SUFFIX)

_STORES: weakref.WeakKeyDictionary[BaseCheckpointSaver[Any], str] = weakref.WeakKeyDictionary()
"""The spec each saver `open_checkpointer` opened was opened from (for `lock_thread`)."""
_PAUSE_VARIABLE = "GAAI_CHECKPOINT_PAUSE"
_LOG_VARIABLE = "GAAI_CHECKPOINT_LOG"


class CheckpointError(GaaiError):
    """The checkpoint store cannot be opened (bad spec, unreachable server, missing driver)."""


def default_checkpoint_spec(out_dir: str | Path) -> str:
    """Return the default checkpoint spec for a run writing into `out_dir` (a SQLite file)."""
    return str(Path(out_dir) / CHECKPOINT_FILE_NAME)


def describe_spec(spec: str) -> str:
    """Return `spec` safe to print: a Postgres URL loses its password."""
    if not _is_postgres(spec):
        return spec
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(spec)
    if parts.password is None:
        return spec
    netloc = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc}"))


def _is_postgres(spec: str) -> bool:
    return spec.startswith(("postgresql://", "postgres://"))


@asynccontextmanager
async def open_checkpointer(spec: str) -> AsyncIterator[BaseCheckpointSaver[Any]]:
    """Open the checkpoint store named by `spec` for the current event loop.

    Create one per event loop (per `asyncio.run`); savers hold loop-bound connections.

    Args:
        spec: A SQLite file path (its directory is created), or a `postgresql://` URL for
            `AsyncPostgresSaver` (its tables are created on first use). Any other URL is
            refused. A SQLite store this call created and that holds no checkpoint when it
            closes (a refused run's, see `discard_thread`) is removed again, with the
            directories made for it.

    Yields:
        The saver, ready for `compile_graph`.

    Raises:
        CheckpointError: If the store cannot be opened.
    """
    try:
        check_checkpoint_spec(spec, name="checkpoint store")
    except GaaiError as error:
        raise CheckpointError(str(error)) from None
    if _is_postgres(spec):
        async with _open_postgres(spec) as saver:
            _STORES[saver] = spec
            yield _with_probe(allow_state_types(saver))
        return
    async with _open_sqlite(Path(spec)) as saver:
        _STORES[saver] = spec
        yield _with_probe(allow_state_types(saver))


def store_spec(saver: BaseCheckpointSaver[Any]) -> str | None:
    """The spec `open_checkpointer` opened `saver` from (None: a saver from elsewhere)."""
    return _STORES.get(saver)


async def discard_thread(saver: BaseCheckpointSaver[Any], thread_id: str) -> None:
    """Delete every checkpoint and write of `thread_id` (a refused run leaves nothing)."""
    await saver.adelete_thread(thread_id)


def allow_state_types(saver: BaseCheckpointSaver[Any]) -> BaseCheckpointSaver[Any]:
    """Give the saver a serializer that reads back exactly the classes gaai_graph defines.

    LangGraph's default serializer warns about every class it has not been told about (and
    blocks them under `LANGGRAPH_STRICT_MSGPACK`); ours are listed explicitly instead.
    """
    from langgraph.checkpoint.serde.base import maybe_add_typed_methods
    from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer

    serializer = JsonPlusSerializer(allowed_msgpack_modules=_state_types())
    saver.serde = maybe_add_typed_methods(serializer)
    return saver


def _state_types() -> list[tuple[str, str]]:
    """(module, class) of every pydantic model and dataclass in the loaded gaai_graph modules.

    Loading the graph module first pulls in every module whose classes the state can hold.
    """
    import importlib
    import inspect

    from pydantic import BaseModel

    importlib.import_module("gaai_graph.graph")
    modules = [m for n, m in list(sys.modules.items()) if n.startswith("gaai_graph") and m]
    found = {
        (module.__name__, name)
        for module in modules
        for name, value in vars(module).items()
        if inspect.isclass(value)
        and value.__module__ == module.__name__
        and (issubclass(value, BaseModel) or dataclasses.is_dataclass(value))
    }
    return sorted(found)


@asynccontextmanager
async def _open_sqlite(path: Path) -> AsyncIterator[BaseCheckpointSaver[Any]]:
    import aiosqlite

    from gaai_graph.channel_blobs import BlobSqliteSaver

    if path.is_dir():
        raise CheckpointError(f"checkpoint store {path} is a directory, expected a file")
    made = [parent for parent in (path.parent, *path.parent.parents) if not parent.exists()]
    created = not path.exists()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CheckpointError(
            f"cannot create the directory of {path}: {error.strerror or error}"
        ) from error
    opened = False
    empty = False
    try:
        # Several processes may share one store (the runner's default file in the state
        # directory): a writer waits this long for another's commit before giving up.
        async with aiosqlite.connect(str(path), timeout=SQLITE_BUSY_SECONDS) as connection:
            saver = BlobSqliteSaver(connection)
            await saver.setup()
            opened = True
            try:
                yield saver
            finally:
                empty = created and await _holds_nothing(connection)
    except Exception as error:
        if opened or isinstance(error, GaaiError):
            raise  # an error of the run itself, raised through this block
        raise CheckpointError(f"cannot open checkpoint store {path}: {error}") from error
    finally:
        if (empty or (created and not opened)) and path.exists():
            _remove_store(path, made)


async def _holds_nothing(connection: Any) -> bool:
    try:
        for table in ("checkpoints", "writes"):
            async with connection.execute(f"SELECT 1 FROM {table} LIMIT 1") as cursor:
                if await cursor.fetchone() is not None:
                    return False
    except Exception:
        return False
    return True


def _remove_store(path: Path, made: list[Path]) -> None:
    """Remove a store this process created that holds nothing, and the directories made for it."""
    for leftover in (path, *(path.with_name(path.name + end) for end in _SQLITE_SIDE_FILES)):
        leftover.unlink(missing_ok=True)
    for directory in made:  # innermost first
        try:
            directory.rmdir()
        except OSError:
            break  # not empty (or not ours): keep it and its parents


@asynccontextmanager
async def _open_postgres(url: str) -> AsyncIterator[BaseCheckpointSaver[Any]]:
    try:
        from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
    except ImportError as error:  # optional dependency
        raise CheckpointError(
            "a postgresql checkpoint needs langgraph-checkpoint-postgres and psycopg "
            "(pip install 'gaai-graph[postgres]')"
        ) from error
    opened = False
    try:
        async with AsyncPostgresSaver.from_conn_string(url) as saver:
            await saver.setup()
            opened = True
            yield saver
    except Exception as error:
        if opened or isinstance(error, GaaiError):
            raise
        # psycopg's message may quote the URL; print only the redacted form.
        raise CheckpointError(
            f"cannot open the postgresql checkpoint store {describe_spec(url)}: "
            f"{type(error).__name__}"
        ) from error


def compile_graph(
    checkpointer: BaseCheckpointSaver[Any] | None,
    *,
    name: str = "gaai_graph",
    cache: BaseCache[Any] | None = None,
) -> Pregel:
    """Compile the workflow `builder` with `checkpointer` and `durability="sync"` bound.

    Callers still give a `thread_id` per run in `config["configurable"]`; an explicit
    `durability=` argument to `astream`/`ainvoke` overrides the bound default.

    Args:
        checkpointer: From `open_checkpointer` (or any saver; None compiles without one).
        name: Name of the compiled graph (shown in traces).
        cache: Where LLM answers are kept; None: `llm_cache()` (the process-wide one, or the
            file `GAAI_LLM_CACHE` names).

    Returns:
        The compiled graph.
    """
    import importlib

    from langgraph._internal._constants import CONFIG_KEY_DURABILITY

    from gaai_graph.llm.cache import llm_cache

    builder = importlib.import_module("gaai_graph.graph").builder
    # The LLM answer cache: an unchanged re-run makes no model request (gaai_graph.llm.cache).
    compiled = builder.compile(
        checkpointer=checkpointer, name=name, cache=llm_cache() if cache is None else cache
    )
    if checkpointer is None:
        return compiled
    # `with_config` merges `configurable` with each call's config, so this is the default
    # durability of every run of this compiled graph (read by Pregel when none is passed).
    durable: Pregel = compiled.with_config(configurable={CONFIG_KEY_DURABILITY: "sync"})
    return durable


async def thread_status(graph: Pregel, thread_id: str) -> ThreadStatus:
    """Tell whether `thread_id` has no run, an interrupted run, or a finished run.

    Args:
        graph: A graph compiled with a checkpointer (`compile_graph`).
        thread_id: The run's thread id.
    """
    snapshot = await graph.aget_state({"configurable": {"thread_id": thread_id}})
    if not snapshot.created_at:
        return "new"
    # `next` omits tasks whose writes were all saved before a crash; they still await the
    # step's end, so any task left in the checkpoint means the run is not finished.
    return "unfinished" if snapshot.next or snapshot.tasks else "finished"


def _with_probe(saver: BaseCheckpointSaver[Any]) -> BaseCheckpointSaver[Any]:
    """Wrap the saver's writes with the kill-test hooks when their variables are set.

    After the pause point's write is committed, every later save blocks forever: the store
    then holds exactly what a crash at that moment would leave.
    """
    log_path = os.environ.get(_LOG_VARIABLE)
    pause = os.environ.get(_PAUSE_VARIABLE)
    if not log_path and not pause:
        return saver
    pause_channel, pause_count = _parse_pause(pause) if pause else ("", 0)
    counts: dict[str, int] = {}
    in_flight = [0]  # writes past the pause check, still committing or logging
    paused = asyncio.Event()
    # With a pause point, writes go one at a time: otherwise every chain finishing in the same
    # instant is past the pause check before the n-th commits, and all of them land.
    one_at_a_time = asyncio.Lock() if pause else None
    inner_writes: Callable[..., Awaitable[None]] = saver.aput_writes
    inner_put: Callable[..., Awaitable[Any]] = saver.aput

    async def hold_if_paused() -> None:
        if paused.is_set():
            await asyncio.Event().wait()  # until the test kills the process

    async def aput(*args: Any, **kwargs: Any) -> Any:
        if one_at_a_time is None:
            await hold_if_paused()
            return await inner_put(*args, **kwargs)
        # In the same queue as the task writes: a step's checkpoint is submitted after its
        # tasks' writes, and must not overtake those held back by the pause (it holds them all).
        async with one_at_a_time:
            await hold_if_paused()
            return await inner_put(*args, **kwargs)

    async def aput_writes(
        config: Any, writes: Sequence[tuple[str, Any]], task_id: str, task_path: str = ""
    ) -> None:
        if one_at_a_time is None:
            await put_writes(config, writes, task_id, task_path)
            return
        async with one_at_a_time:
            await put_writes(config, writes, task_id, task_path)

    async def put_writes(
        config: Any, writes: Sequence[tuple[str, Any]], task_id: str, task_path: str
    ) -> None:
        await hold_if_paused()
        in_flight[0] += 1
        try:
            await inner_writes(config, writes, task_id, task_path)
            _log_writes(log_path, task_id, writes)
        finally:
            in_flight[0] -= 1
        channels = [channel for channel, _ in writes]
        for channel in set(channels):
            counts[channel] = counts.get(channel, 0) + 1
        if pause_channel in channels and counts[pause_channel] == pause_count:
            paused.set()
            # Writes that started before the pause finish first, so the log names every
            # committed write when the test kills the process after the marker.
            while in_flight[0]:
                await asyncio.sleep(0.005)
            print(f"GAAI-PAUSED {pause_channel}:{pause_count}", file=sys.stderr, flush=True)

    saver.aput = aput  # type: ignore[method-assign]
    saver.aput_writes = aput_writes  # type: ignore[method-assign]
    return saver


def _log_writes(log_path: str | None, task_id: str, writes: Sequence[tuple[str, Any]]) -> None:
    if not log_path:
        return
    templates = [
        getattr(execution, "template_id", None)
        for channel, value in writes
        if channel == "executions"
        for execution in (value if isinstance(value, list) else [value])
    ]
    line: dict[str, Any] = {
        "pid": os.getpid(),
        "task": task_id,
        "channels": [channel for channel, _ in writes],
    }
    if templates:
        line["templates"] = templates
    with open(log_path, "a", encoding="utf-8") as log:
        log.write(json.dumps(line) + "\n")


def _parse_pause(value: str) -> tuple[str, int]:
    channel, _, count = value.rpartition(":")
    if not channel or not count.isdigit():
        raise CheckpointError(f"{_PAUSE_VARIABLE} must look like 'channel:n', got {value!r}")
    return channel, int(count)


async def resume_run(
    graph: Pregel,
    thread_id: str,
    context: Any,
    listener: Callable[[str, Any], None] | None = None,
) -> WorkflowResult:
    """Continue the interrupted run of `thread_id` (or read back a finished one).

    The run goes on from its last checkpoint with `None` as input (passing the original input
    again would start a new run on the thread); template chains whose writes were saved are
    not executed again.

    Args:
        graph: A graph compiled with `compile_graph` on the store holding the thread.
        thread_id: The interrupted run's thread id.
        context: The run's `Context` (not checkpointed; give the one the run started with).
        listener: Called with every (stream mode, chunk), e.g. the CLI's progress printer.

    Returns:
        A `gaai_graph.results.WorkflowResult` with the final state.

    Raises:
        CheckpointError: If the store has no run with this thread id.
    """
    status = await thread_status(graph, thread_id)
    if status == "new":
        raise CheckpointError(f"no checkpointed run with thread id {thread_id!r} to resume")
    # No "max_concurrency": run_template bounds the chains itself, and a LangGraph-wide cap
    # deadlocks once every slot holds a chain waiting on a nested `llm_request` task.
    config: RunnableConfig = {"configurable": {"thread_id": thread_id}}
    if status == "unfinished":
        async for mode, chunk in graph.astream(
            None, config, context=context, stream_mode=_RESUME_STREAM_MODES
        ):
            if listener is not None:
                listener(mode, chunk)
    from gaai_graph.results import result_of_thread

    return await result_of_thread(graph, thread_id)


def save_run_options(directory: str | Path, thread_id: str, options: dict[str, Any]) -> Path:
    """Keep the options a run started with, so `gaai resume` can rebuild its context.

    Written as `<directory>/.gaai/threads/<thread_id>.json`; hold no secrets in `options`.
    """
    path = run_options_path(directory, thread_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(options, indent=2, default=str), encoding="utf-8")
    return path


def load_run_options(directory: str | Path, thread_id: str) -> dict[str, Any]:
    """Read what `save_run_options` kept; raises `CheckpointError` when there is nothing."""
    path = run_options_path(directory, thread_id)
    try:
        loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise CheckpointError(
            f"no run with thread id {thread_id!r} was started with --out {directory} "
            f"({path} is missing)"
        ) from error
    except (OSError, ValueError) as error:
        raise CheckpointError(f"cannot read {path}: {error}") from error
    return loaded


def run_options_path(directory: str | Path, thread_id: str) -> Path:
    """Where `save_run_options` keeps `thread_id`'s options: `<dir>/.gaai/threads/<id>.json`."""
    if not thread_id or any(char in thread_id for char in "/\\") or thread_id.startswith("."):
        raise CheckpointError(f"thread id {thread_id!r} must be a plain name (no path separators)")
    return Path(directory) / ".gaai" / "threads" / f"{thread_id}.json"
