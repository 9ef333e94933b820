"""Checks of what the CLI and the Python runner are given, made before anything is created.

Each check raises one `GaaiError` line that names the input, says what is wrong and what to
give instead; a value quoted back is shortened and escaped (`shown`) so a 300-character or
newline-holding input still prints as one short line, and a URL is quoted without its password.
"""

from __future__ import annotations

import math
import re
from argparse import ArgumentTypeError
from pathlib import Path

from gaai_graph.errors import GaaiError
from gaai_graph.sources.arango_url import is_arango_source, redact_source

__all__ = [
    "MEMORY_STORE",
    "THREAD_ID_MAX_LENGTH",
    "check_catalog_spec",
    "check_checkpoint_spec",
    "check_demo_source",
    "check_thread_id",
    "is_postgres_url",
    "non_negative_int",
    "positive_int",
    "positive_seconds",
    "shown",
]

THREAD_ID_MAX_LENGTH = 128
"""Longest accepted thread id: it names a file (`.gaai/threads/<id>.json`) and a catalog epoch."""

_THREAD_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_SCHEME_PREFIX = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:")
"""A URL scheme of two characters or more (one letter and a colon is a Windows drive)."""
_SHOWN_LENGTH = 100

MEMORY_STORE = ":memory:"
"""The checkpoint spec of an in-memory store (Python runner only)."""


def shown(value: object) -> str:
    """`value` quoted for a one-line message: escaped, no URL password, at most ~100 chars."""
    text = repr(redact_source(str(value)))
    if len(text) > _SHOWN_LENGTH:
        text = text[: _SHOWN_LENGTH - 5] + "...'" + f" ({len(str(value))} characters)"
    return text


def is_postgres_url(spec: str) -> bool:
    """Tell whether `spec` is a `postgresql://` (or `postgres://`) URL."""
    return spec.strip().lower().startswith(("postgresql://", "postgres://"))


def check_thread_id(thread_id: object, *, name: str = "--thread-id") -> str:
    """Return `thread_id` if it is a safe thread id, else raise one line saying what is allowed.

    A thread id names a file and a catalog epoch, and is printed: letters, digits, '.', '_'
    and '-', starting with a letter or digit, at most `THREAD_ID_MAX_LENGTH` characters.
    """
    if not isinstance(thread_id, str):
        raise GaaiError(f"{name} must be a string, got {type(thread_id).__name__}")
    if len(thread_id) > THREAD_ID_MAX_LENGTH or not _THREAD_ID.fullmatch(thread_id):
        raise GaaiError(
            f"{name} {shown(thread_id)} is not a usable thread id: give at most "
            f"{THREAD_ID_MAX_LENGTH} letters, digits, '.', '_' or '-', starting with a letter "
            "or digit"
        )
    return thread_id


def _check_file_spec(spec: str, name: str, what: str, instead: str) -> None:
    if not spec.strip():
        raise GaaiError(f"{name} is empty: give {instead}")
    if any(ord(char) < 32 for char in spec):
        raise GaaiError(f"{name} {shown(spec)} holds control characters: give {instead}")
    if _URL_SCHEME.match(spec.strip()):
        scheme = spec.strip().split("://", 1)[0]
        raise GaaiError(
            f"{name} {shown(spec)}: {scheme}:// is not a supported {what}; give {instead}"
        )
    if scheme_like := _SCHEME_PREFIX.match(spec.strip()):
        # `mysql:/u:pw@h/db` or `file:u:pw@h` is a URL typed with a slash too few: as a path
        # it would become directories named after it, with the password on disk.
        # Not quoted back: a URL without `//` keeps its password where `shown` cannot find it.
        raise GaaiError(
            f"{name} starts with {scheme_like.group(0)!r} like a URL, which is not a supported "
            f"{what}; give {instead} (start a file name that holds a colon with ./)"
        )
    path = Path(spec).expanduser()
    if path.is_dir():
        raise GaaiError(f"{name} {shown(spec)} is a directory: give {instead}")


def check_checkpoint_spec(
    spec: str, *, name: str = "--checkpoint", allow_memory: bool = False
) -> str:
    """Return `spec` if it names a checkpoint store we support, else raise one line.

    Supported: a SQLite file path, a `postgresql://` URL, and (Python only) ":memory:". Any
    other URL is refused (it would otherwise become a local file named after the URL, with
    its password on disk).
    """
    if allow_memory and spec == MEMORY_STORE:
        return spec
    if is_postgres_url(spec):
        return spec
    instead = "a SQLite file path or a postgresql://user@host/database URL"
    if allow_memory:
        instead += f", or {MEMORY_STORE!r}"
    _check_file_spec(spec, name, "checkpoint store", instead)
    return spec


def check_catalog_spec(spec: str, *, name: str = "--catalog") -> str:
    """Return `spec` if it names a catalog we support (a SQLite file or an arangodb:// URL)."""
    if is_arango_source(spec) and "://" in spec:
        return spec
    _check_file_spec(
        spec,
        name,
        "catalog store",
        "a SQLite file path or an arangodb://[user@]host:port/database URL",
    )
    return spec


def check_demo_source(spec: str, *, name: str = "--source") -> float:
    """Return the scale of a `demo:<scale>` source, refusing one out of bounds (see why there)."""
    from gaai_graph.sources.demo import MAX_SCALE, MIN_SCALE, check_demo_scale

    text = spec.split(":", 1)[1]
    try:
        scale = float(text)
    except ValueError:
        raise GaaiError(
            f"{name} {shown(spec)}: the demo scale must be a number from {MIN_SCALE:g} to "
            f"{MAX_SCALE:g}, as in 'demo:5'"
        ) from None
    try:
        check_demo_scale(scale)
    except GaaiError as error:
        raise GaaiError(f"{name} {shown(spec)}: {error}") from None
    return scale


def positive_seconds(text: str) -> float:
    """An argparse `type`: a finite number of seconds above 0."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise ArgumentTypeError(f"must be a finite number of seconds above 0, got {shown(text)}")
    return value


def positive_int(text: str) -> int:
    """An argparse `type`: a whole number of at least 1."""
    return _whole_number(text, 1)


def non_negative_int(text: str) -> int:
    """An argparse `type`: a whole number of at least 0."""
    return _whole_number(text, 0)


def _whole_number(text: str, least: int) -> int:
    try:
        value = int(text)
    except ValueError:
        value = least - 1
    if value < least:
        raise ArgumentTypeError(f"must be a whole number of at least {least}, got {shown(text)}")
    return value
