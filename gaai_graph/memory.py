"""Hand memory the process has freed back to the operating system.

glibc's allocator keeps freed blocks for reuse: after the templates of a 10^6-edge run drop
their projections (hundreds of MB of dicts, igraph graphs and lists freed by many worker
threads), the resident size stays at its high mark and report export then grows on top of
it. `malloc_trim` returns the free pages at once. Elsewhere (another C library, another
system) there is nothing to call and the memory is reused by later allocations as before.
"""

from __future__ import annotations

import ctypes
import functools
import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)

__all__ = ["give_back_freed_memory"]


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """The C library's `malloc_trim` (glibc), or None where it has none."""
    # The symbols already loaded into this process (libc among them), not
    # `ctypes.util.find_library`, which runs `ldconfig -p` in a child process: forked from a
    # process of hundreds of MB, in the middle of a run.
    try:
        trim: Callable[[int], int] = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError, TypeError):  # not glibc (musl, macOS, Windows)
        return None
    return trim


def give_back_freed_memory() -> bool:
    """Return the heap's free pages to the operating system, where the C library can.

    Returns:
        Whether the C library was asked (glibc); False where there is nothing to call.
    """
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
