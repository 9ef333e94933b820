"""Where answered LLM requests are kept, so an unchanged re-run makes no request.

Each request is a LangGraph task with a `CachePolicy` keyed on the model identity and the
exact messages (which carry the documents, the schema summary and the whole-result measures),
so any change of documents, schema, results or model misses the cache. The cache itself
belongs to the compiled graph (`compile(cache=...)`); `llm_cache()` chooses it:

* by default `LLM_CACHE`, in memory and shared by every run of the process (Python users,
  the runner, the LangGraph server), keeping the most recent `MEMORY_CACHE_ENTRIES` answers
  so a long-lived server does not grow without bound;
* with `GAAI_LLM_CACHE=<file>` in the environment, a SQLite cache in that file, shared by
  runs in separate processes (the `gaai` command).

Only LLM requests are cached: nodes carry no cache policy, so schema analysis, execution and
the rule path always run.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from langgraph.cache.base import BaseCache, FullKey
from langgraph.cache.memory import InMemoryCache
from langgraph.cache.sqlite import SqliteCache

__all__ = [
    "CACHE_ENVIRONMENT_VARIABLE",
    "LLM_CACHE",
    "MEMORY_CACHE_ENTRIES",
    "BoundedInMemoryCache",
    "llm_cache",
    "persistent_cache",
]

CACHE_ENVIRONMENT_VARIABLE = "GAAI_LLM_CACHE"
"""Names a SQLite file to keep LLM answers in across processes."""

MEMORY_CACHE_ENTRIES = 4096
"""Answers the in-memory cache keeps (a demo run with a model makes about ten requests)."""


class BoundedInMemoryCache(InMemoryCache[Any]):
    """LangGraph's in-memory cache, forgetting the oldest answers beyond `max_entries`."""

    def __init__(self, max_entries: int = MEMORY_CACHE_ENTRIES) -> None:
        """Create an empty cache that keeps at most `max_entries` answers."""
        if max_entries < 1:
            raise ValueError(f"max_entries must be at least 1, got {max_entries}")
        super().__init__()
        self.max_entries = max_entries

    def set(self, keys: Mapping[FullKey, tuple[Any, int | None]]) -> None:
        """Store the answers, then drop the oldest ones over the bound."""
        with self._lock:
            super().set(keys)
            excess = sum(len(entries) for entries in self._cache.values()) - self.max_entries
            # Dicts keep insertion order, so the first keys are the oldest answers.
            for namespace in list(self._cache):
                if excess <= 0:
                    break
                entries = self._cache[namespace]
                for key in list(entries)[:excess]:
                    del entries[key]
                    excess -= 1
                if not entries:
                    del self._cache[namespace]


LLM_CACHE = BoundedInMemoryCache()
"""The process-wide in-memory cache."""


@cache
def persistent_cache(path: str) -> SqliteCache[Any]:
    """Return the SQLite-backed cache at `path` (its folder is created), one per path."""
    target = Path(path).expanduser()
    target.parent.mkdir(parents=True, exist_ok=True)
    return SqliteCache(path=str(target))


def llm_cache() -> BaseCache[Any]:
    """Return the cache to compile the workflow with (see the module docstring)."""
    path = os.environ.get(CACHE_ENVIRONMENT_VARIABLE, "").strip()
    return persistent_cache(path) if path else LLM_CACHE
