"""Hand memory the process has freed back to the operating system, and hold less of it.

glibc's allocator keeps freed blocks for reuse, in the arena (heap) of the thread that freed
them: after the templates of a 10^6-edge run drop their projections (hundreds of MB of
igraph graphs and arrays freed by many worker threads), the resident size stays at its high
mark and the analyses and report export after them, on other threads with other arenas,
grow on top of it. `malloc_trim` returns the free pages at once. Elsewhere (another C
library, another system) there is nothing to call and the memory is reused by later
allocations as before.

A run command owns its process and does better (`gaai_graph.cli_run_start.tuned_for_a_run`):
it keeps one arena for every thread (`limit_malloc_arenas(1)` before a second thread
allocates), so memory any thread frees is reused by the next allocation of any other, and
within `freed_memory_kept` the trims are skipped. A trim there only made the next analysis
fault the same pages in again: the kernel zeroes each one, and on a virtual machine that
reports free pages to its host the host must back it again, which costs far more. Measured
with `gaai run` against the same code trimming with an arena per core (alternating pairs,
2026-12-04, 2 cores): at 10^7 edges 77.3–84.6 s against 81.3–86.9 s (three pairs, each
faster) and a peak of 4,498–4,519 MB against 4,550–4,627 MB; at 10^6 edges (five pairs)
median 7.13 s against 7.99 s in parallel and 7.02 s against 7.40 s with `--sequential`, the
peak 17–27 MB higher (674 and 690 MB against 657 and 663 MB).
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import logging
import os
from collections.abc import Callable, Iterator

logger = logging.getLogger(__name__)

__all__ = [
    "ARENA_VARIABLE",
    "freed_memory_kept",
    "give_back_freed_memory",
    "limit_malloc_arenas",
]

_keeping = 0
"""How many `freed_memory_kept` blocks are open (the trims are skipped while any is)."""


@functools.cache
def _c_function(name: str) -> Callable[..., int] | None:
    """The C library's function `name` (glibc's `malloc_trim`, `mallopt`), or None."""
    # The symbols already loaded into this process (libc among them), not
    # `ctypes.util.find_library`, which runs `ldconfig -p` in a child process: forked from a
    # process of hundreds of MB, in the middle of a run.
    try:
        function: Callable[..., int] = getattr(ctypes.CDLL(None), name)
    except (OSError, AttributeError, TypeError):  # not glibc (musl, macOS, Windows)
        return None
    return function


def give_back_freed_memory() -> bool:
    """Return the heap's free pages to the operating system, where the C library can.

    Returns:
        Whether the C library was asked (glibc); False where there is nothing to call or
        within `freed_memory_kept`.
    """
    if _keeping:
        return False
    trim = _c_function("malloc_trim")
    if trim is None:
        return False
    trim(0)
    return True


@contextlib.contextmanager
def freed_memory_kept() -> Iterator[None]:
    """Within the block, `give_back_freed_memory` leaves freed memory to the allocator.

    For a process whose threads share one malloc arena (see the module docstring): what one
    thread frees, the next allocation of any thread reuses.
    """
    global _keeping
    _keeping += 1
    try:
        yield
    finally:
        _keeping -= 1


ARENA_VARIABLE = "MALLOC_ARENA_MAX"
"""glibc's own setting of the number of malloc arenas; when set, it is left to decide."""

_M_ARENA_MAX = -8
"""`mallopt`'s parameter number for the most arenas (glibc's malloc.h)."""


def limit_malloc_arenas(count: int) -> bool:
    """Let glibc's allocator keep at most `count` arenas (default: 8 per core).

    Each thread that allocates while another holds an arena's lock gets an arena of its own
    (its own heap, trimmed separately), so the freed memory of a run's many short-lived
    threads (template executors, the snapshot readers) stays spread over arenas. A run's
    threads take turns on the GIL and rarely allocate at the same instant, so a few arenas
    serve them as fast. Measured with `gaai run` at 10^6 edges on 2 cores (8 alternating
    pairs, one arena per core against glibc's default of 16 arenas): peak 669 MiB against
    713 MiB, wall time the same (0.991, within the noise); a run command now keeps one arena
    (module docstring). Effective only before the process's second
    thread allocates (glibc fixes the limit then); a no-op where the C library is not glibc or
    the operator set `MALLOC_ARENA_MAX`.

    Args:
        count: Most arenas; at least 1.

    Returns:
        Whether glibc accepted the limit.
    """
    if os.environ.get(ARENA_VARIABLE, "").strip():
        return False
    mallopt = _c_function("mallopt")
    if mallopt is None:
        return False
    return bool(mallopt(_M_ARENA_MAX, max(1, count)))
