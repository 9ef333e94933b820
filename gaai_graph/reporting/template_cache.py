"""A disk cache of compiled report templates, so each run does not compile them again.

Jinja compiles a template to Python code on first use in each process (~0.1 s for the report,
index, trace and chart templates). Its `FileSystemBytecodeCache` keeps that code on disk and
reuses it while the template's source is unchanged (Jinja checks the source's checksum on
every load). Compiled code also depends on the environment's options (`trim_blocks`, ...)
and on the Jinja release, which Jinja's key does not cover, so both go into the file names.

The cache only saves time: a directory that cannot be made, read or written leaves
compilation as it was, and a report is never lost to it.
"""

from __future__ import annotations

import contextlib
import hashlib
from pathlib import Path
from typing import Any

import jinja2
from jinja2.bccache import Bucket

__all__ = ["bytecode_cache"]


class _ForgivingBytecodeCache(jinja2.FileSystemBytecodeCache):
    """A `FileSystemBytecodeCache` whose read and write failures mean "compile instead"."""

    def load_bytecode(self, bucket: Bucket) -> None:
        """Load the cached code for `bucket`, or leave it empty when the file is unusable."""
        try:
            super().load_bytecode(bucket)
        except Exception:
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        """Store the compiled code for `bucket`; a full disk or read-only directory is ignored."""
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def bytecode_cache(
    options: dict[str, Any], directory: Path | None = None
) -> jinja2.BytecodeCache | None:
    """A bytecode cache for an environment built with `options`, or None when none can be had.

    Args:
        options: The keyword options the `jinja2.Environment` is built with: cached code is
            kept apart per set of options.
        directory: Where compiled templates are kept; by default Jinja's private per-user
            directory in the system temporary directory (created mode 0700, its owner checked).

    Returns:
        The cache to pass as `bytecode_cache=`, or None when the directory is unusable.
    """
    fingerprint = hashlib.sha256(
        repr((jinja2.__version__, sorted(options.items(), key=str))).encode()
    ).hexdigest()[:16]
    pattern = f"gaai_graph_{fingerprint}_%s.cache"
    try:
        if directory is None:
            return _ForgivingBytecodeCache(pattern=pattern)
        directory.mkdir(parents=True, exist_ok=True)
        return _ForgivingBytecodeCache(str(directory), pattern)
    except (OSError, RuntimeError):  # Jinja raises RuntimeError for an unsafe default directory
        return None
