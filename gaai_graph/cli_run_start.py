"""What `gaai run` does while it starts, so that the run itself starts sooner and runs lighter.

- `load_ahead`: the snapshot directory is read on a thread while LangGraph and the nodes
  import. Reading is mostly polars and numpy work that releases the GIL, importing is not.
- `fewer_collections`: Python's cyclic garbage collector runs less often during the run.
- `tuned_for_a_run`: that, and one malloc arena for all threads (`memory.limit_malloc_arenas`)
  with freed memory left to it for reuse (`memory.freed_memory_kept`), for a command that
  runs the graph in its own process (`gaai run`, `plan`, `resume`).
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

__all__ = ["RUN_COLLECTION_THRESHOLD", "fewer_collections", "load_ahead", "tuned_for_a_run"]

RUN_COLLECTION_THRESHOLD = 20_000
"""Young-generation threshold of Python's cyclic garbage collector while a run command works.

A run allocates millions of short-lived containers (pydantic models, rows, tuples); at the
default threshold (700) a run at 10^6 edges spent ~0.35 s in ~440 collections, three of them
full ones, and at 20,000 ~0.15 s in ~30, none full (`gc.callbacks` timings). Garbage in
cycles is still collected, in batches 30 times larger: a few MB at most."""


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Raise the collector's young-generation threshold for the block, then restore it."""
    thresholds = gc.get_threshold()
    gc.set_threshold(max(thresholds[0], RUN_COLLECTION_THRESHOLD), *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


@contextlib.contextmanager
def tuned_for_a_run() -> Iterator[None]:
    """Tune this process for a run command: one allocator arena, then `fewer_collections`.

    The arena limit is set first, before the command starts any thread (glibc fixes it when a
    second thread first allocates); it is not undone, as the command's process ends with it.
    Only when glibc took it are freed blocks left to the allocator rather than trimmed
    (`memory.freed_memory_kept`): with an arena per thread a trim is what lets one thread's
    freed memory serve another's.
    """
    from gaai_graph.memory import freed_memory_kept, limit_malloc_arenas

    kept = freed_memory_kept() if limit_malloc_arenas(1) else contextlib.nullcontext()
    with kept, fewer_collections():
        yield


def load_ahead(source: str) -> None:
    """Start reading a snapshot directory while the rest of the run's modules import.

    The run's own load then finds the graph loaded, or waits for it (`load_graph_sync` loads
    one source at a time). Only for a snapshot directory the run was checked to read
    (`durable_commands.validate_run`); the demo and live databases are not read ahead. A load
    that fails here is simply repeated by the run, which reports the error.

    Args:
        source: The run's source, as its `Context` holds it.
    """
    if source == "demo" or source.startswith("demo:") or "://" in source:
        return
    from gaai_graph.sources import load_graph_sync
    from gaai_graph.sources.arango_url import is_arango_source

    if is_arango_source(source):
        return

    def load() -> None:
        with contextlib.suppress(Exception):  # the run loads again and says what is wrong
            load_graph_sync(source)

    threading.Thread(target=load, name="gaai-load-ahead", daemon=True).start()
