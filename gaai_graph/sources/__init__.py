"""Graph sources: where graphs come from.

`load_graph` turns a source specification into `GraphData`, once per process: every template
of a run (and every run on the same unchanged source) shares the loaded graph.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gaai_graph.errors import SourceError
from gaai_graph.sources.arango_url import is_arango_source, redact_source

if TYPE_CHECKING:
    from gaai_graph.sources.base import CollectionData, GraphData, ProjectionData

__all__ = [
    "CollectionData",
    "GraphData",
    "ProjectionData",
    "demo_scale",
    "describe_source",
    "load_graph",
    "load_graph_sync",
]

DEMO_PREFIX = "demo"
LIVE_CACHE_SECONDS = 300.0
"""A live database is introspected again after this long; within the window its collection
list, counts and small collections (read whole once) are reused, large ones streamed afresh."""

_BASE_NAMES = frozenset({"CollectionData", "GraphData", "ProjectionData"})


def __getattr__(name: str) -> Any:
    # The data classes pull in numpy and the models; the command line's `--help` and the
    # catalog, which only need URL helpers from this package, should not pay for them.
    if name in _BASE_NAMES:
        from gaai_graph.sources import base

        return getattr(base, name)
    raise AttributeError(f"module 'gaai_graph.sources' has no attribute {name!r}")


MAX_DEMO_SCALE = 100.0
"""Largest `demo:<scale>`: scale 1 is about 1,200 customers and 18,000 edges held as Python
documents (roughly 10 MB), so 100 is about 1.8 million edges and a gigabyte of memory, already
more than a demo needs; larger scales would exhaust the machine (`demo:1e9` asks for terabytes).
The LangGraph server allows less (`GAAI_MAX_DEMO_SCALE`, see `gaai_graph.trust`)."""

CACHE_ENTRIES_VARIABLE = "GAAI_GRAPH_CACHE_ENTRIES"
DEFAULT_CACHE_ENTRIES = 4
"""Loaded graphs kept at once (least recently used evicted first), unless
`GAAI_GRAPH_CACHE_ENTRIES` says otherwise: every distinct snapshot directory, demo scale or
live database would otherwise stay in memory for the life of the process."""

_cache: OrderedDict[tuple[str, float], GraphData] = OrderedDict()
_cache_lock = threading.Lock()


def describe_source(spec: str) -> str:
    """Return a printable description of a source specification (no credentials)."""
    if is_arango_source(spec):
        return redact_source(spec)
    return spec if spec.startswith(DEMO_PREFIX) else str(Path(spec).expanduser())


def _cache_key(spec: str) -> tuple[str, float]:
    if spec == DEMO_PREFIX or spec.startswith(DEMO_PREFIX + ":"):
        return spec, 0.0
    if is_arango_source(spec):
        return spec, float(int(time.monotonic() // LIVE_CACHE_SECONDS))
    if "://" in spec:
        raise _unsupported(spec)  # before it is used as a path: its password would be quoted
    path = Path(spec).expanduser()
    try:
        # A rewritten snapshot gets a new mtime on its directory or its files; either
        # invalidates the cached graph.
        newest = max(
            [path.stat().st_mtime, *(p.stat().st_mtime for p in path.iterdir())], default=0.0
        )
    except OSError as error:
        raise SourceError(f"cannot read graph source {spec!r}: {error.strerror}") from error
    return str(path.resolve()), newest


def _unsupported(spec: str) -> SourceError:
    return SourceError(
        f"unsupported source {redact_source(spec)!r}: use 'demo', 'demo:<scale>', "
        "'arangodb://host:port/database' or a snapshot directory"
    )


def demo_scale(spec: str) -> float:
    """The scale of a 'demo:<scale>' source.

    Raises:
        SourceError: the scale is not a number.
    """
    from gaai_graph.sources.demo import MIN_SCALE

    scale_text = spec.split(":", 1)[1]
    try:
        scale = float(scale_text)
    except ValueError:
        scale = math.nan
    if not math.isfinite(scale) or not MIN_SCALE <= scale <= MAX_DEMO_SCALE:
        raise SourceError(
            f"demo scale must be a number from {MIN_SCALE:g} to {MAX_DEMO_SCALE:g}, as in "
            f"'demo:5', got {scale_text[:40]!r} (scale 1 is about 18,000 edges; larger "
            "scales need more memory than a demo should)"
        )
    return scale


def cache_entries() -> int:
    """How many loaded graphs the process keeps (`GAAI_GRAPH_CACHE_ENTRIES`, default 4).

    Raises:
        SourceError: the variable is not a whole number of at least 1.
    """
    text = os.environ.get(CACHE_ENTRIES_VARIABLE, "").strip()
    if not text:
        return DEFAULT_CACHE_ENTRIES
    try:
        entries = int(text)
    except ValueError:
        entries = 0
    if entries < 1:
        raise SourceError(
            f"{CACHE_ENTRIES_VARIABLE} must be a whole number of at least 1, got {text[:40]!r}"
        )
    return entries


def _load_uncached(spec: str) -> GraphData:
    if spec == DEMO_PREFIX:
        from gaai_graph.sources.demo import load_bundled_demo

        return load_bundled_demo()
    if spec.startswith(DEMO_PREFIX + ":"):
        from gaai_graph.sources.demo import generate_demo

        return generate_demo(scale=demo_scale(spec)).data
    if is_arango_source(spec):
        from gaai_graph.sources.arango import load_arango

        return load_arango(spec)
    if "://" in spec:
        raise _unsupported(spec)
    from gaai_graph.sources.snapshot import load_snapshot

    return load_snapshot(Path(spec).expanduser())


def load_graph_sync(spec: str) -> GraphData:
    """Load (or reuse) the graph named by `spec`.

    Args:
        spec: 'demo' (the bundled snapshot), 'demo:<scale>' (generated), a directory
            holding an arangodump or arangoexport snapshot, or a live database
            ('arangodb://[user[:password]@]host:port/database', 'arangodbs://...' for HTTPS,
            or 'arangodb' to read ARANGO_URL).

    Returns:
        The whole graph in memory.

    Raises:
        SourceError: the source is unknown, missing or malformed.
    """
    key = _cache_key(spec)
    limit = cache_entries()
    with _cache_lock:
        cached = _cache.get(key)
        if cached is None:
            cached = _load_uncached(spec)
            if is_arango_source(spec):
                # Only the current window of a live source is worth keeping.
                for stale in [k for k in _cache if k[0] == spec]:
                    del _cache[stale]
            _cache[key] = cached
        _cache.move_to_end(key)
        while len(_cache) > limit:
            _cache.popitem(last=False)
        return cached


async def load_graph(spec: str) -> GraphData:
    """Load the graph named by `spec` without blocking the event loop (see `load_graph_sync`)."""
    import asyncio  # here: the CLI's --help reaches this package and needs no event loop

    return await asyncio.to_thread(load_graph_sync, spec)
