"""One run at a time per thread: a lock held for as long as a run (or resume) works on it.

Two runs on one thread at once would both execute and interleave their checkpoints. The lock
lives where the checkpoints do, so it holds across processes and dies with its holder:

- SQLite store `<file>`: a POSIX record lock (`fcntl.lockf`) on one byte of `<file>.lock`, at
  an offset derived from the thread id. The kernel releases it when the process ends, so a
  killed run never leaves a stale lock. One descriptor per lock file per process (closing any
  descriptor of a file drops all of the process's record locks on it).
- Postgres store: a session advisory lock (`pg_try_advisory_lock`) on a connection of its own,
  released when that connection closes (or the process dies).
- Any store, within one process: a set of held (store, thread) pairs, because record locks do
  not exclude the process that holds them.

The lock is re-entrant within one task (the CLI holds it around the runner, which takes it
again): a context variable lists the locks the current task holds.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver

from gaai_graph.persistence import LOCK_SUFFIX, CheckpointError, describe_spec, store_spec
from gaai_graph.validation import is_postgres_url

__all__ = ["ThreadBusyError", "lock_thread"]

_held: set[tuple[str, str]] = set()
_mine: ContextVar[frozenset[tuple[str, str]]] = ContextVar("gaai_thread_locks", default=frozenset())
_held_guard = threading.Lock()
_lock_files: dict[str, tuple[int, int]] = {}
"""Lock file path -> (descriptor, number of locks held through it) in this process."""


class ThreadBusyError(CheckpointError):
    """Another run is working on the thread right now."""


def _lock_key(thread_id: str) -> int:
    digest = hashlib.sha256(f"gaai_graph thread {thread_id}".encode()).digest()
    return int.from_bytes(digest[:7], "big")  # below 2**56: a valid lockf offset and pg bigint


def _busy(thread_id: str, where: str, elsewhere: bool) -> ThreadBusyError:
    holder = "another process" if elsewhere else "another run in this process"
    return ThreadBusyError(
        f"thread {thread_id!r} is being run by {holder} (checkpoints: {where}); wait until it "
        "ends, or use another thread id"
    )


@asynccontextmanager
async def lock_thread(saver: BaseCheckpointSaver[Any], thread_id: str) -> AsyncIterator[None]:
    """Hold the thread's lock for the body of the `async with` block.

    Args:
        saver: The store the thread's checkpoints are in (from `open_checkpointer`, or any
            saver: then only runs of this process are kept apart).
        thread_id: The thread.

    Raises:
        ThreadBusyError: Another run holds the lock; nothing waits.
    """
    spec = store_spec(saver)
    store = spec if spec is not None else f"saver-{id(saver)}"
    where = describe_spec(spec) if spec is not None else "the runner's checkpointer"
    key = (store, thread_id)
    if key in _mine.get():
        yield  # this task holds it already
        return
    with _held_guard:
        if key in _held:
            raise _busy(thread_id, where, elsewhere=False)
        _held.add(key)
    token = _mine.set(_mine.get() | {key})
    try:
        if spec is None:
            yield
        elif is_postgres_url(spec):
            async with _postgres_lock(spec, thread_id, where):
                yield
        else:
            with _file_lock(Path(spec), thread_id, where):
                yield
    finally:
        _mine.reset(token)
        with _held_guard:
            _held.discard(key)


class _file_lock:  # noqa: N801 - used as a context manager, like a function
    def __init__(self, store: Path, thread_id: str, where: str) -> None:
        self._path = str(store) + LOCK_SUFFIX
        self._thread_id = thread_id
        self._where = where
        self._offset = _lock_key(thread_id)

    def __enter__(self) -> None:
        import fcntl

        with _held_guard:
            descriptor, count = _lock_files.get(self._path, (-1, 0))
            if descriptor < 0:
                descriptor = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.lockf(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, self._offset)
            except OSError:
                if count == 0:
                    os.close(descriptor)
                raise _busy(self._thread_id, self._where, elsewhere=True) from None
            _lock_files[self._path] = (descriptor, count + 1)

    def __exit__(self, *exc: object) -> None:
        import fcntl

        with _held_guard:
            descriptor, count = _lock_files[self._path]
            fcntl.lockf(descriptor, fcntl.LOCK_UN, 1, self._offset)
            if count <= 1:
                os.close(descriptor)
                del _lock_files[self._path]
            else:
                _lock_files[self._path] = (descriptor, count - 1)


@asynccontextmanager
async def _postgres_lock(url: str, thread_id: str, where: str) -> AsyncIterator[None]:
    import psycopg

    try:
        connection = await psycopg.AsyncConnection.connect(url, autocommit=True)
    except Exception as error:
        raise CheckpointError(
            f"cannot lock thread {thread_id!r} in {where}: {type(error).__name__}"
        ) from None
    async with connection:
        cursor = await connection.execute(
            "SELECT pg_try_advisory_lock(%s)", (_lock_key(thread_id),)
        )
        row = await cursor.fetchone()
        if not row or not row[0]:
            raise _busy(thread_id, where, elsewhere=True)
        yield  # the lock goes with the connection
