"""Exceptions with messages meant for the person running the workflow.

Every error that can reach a user carries one line that says what was wrong and where, so the
CLI can print it without a traceback.
"""

from __future__ import annotations


class GaaiError(ValueError):
    """Base class for errors whose message is safe and useful to show to a user.

    A `ValueError` because every one of them is a bad input (a path, a name, a setting), and
    because the LangGraph server passes the message of `ValueError`s through to its clients
    while it replaces the message of any other exception with "An internal error occurred".
    """


class SourceError(GaaiError):
    """The graph source cannot be read (missing directory, unknown layout, bad URL)."""


class SnapshotFormatError(SourceError):
    """A snapshot file is malformed; the message names the file and, where known, the line."""

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        location = f"{path}:{line}" if line is not None else path
        super().__init__(f"{location}: {message}")
        self.path = path
        self.line = line


class DocumentError(GaaiError):
    """A requirement document cannot be read or holds no usable text."""


class VerticalError(GaaiError):
    """An industry vertical name or file is unknown or malformed."""


class TemplateValidationError(GaaiError):
    """A template names something the schema or the algorithm registry does not have."""


class EngineError(GaaiError):
    """An algorithm failed to run on a projection."""
