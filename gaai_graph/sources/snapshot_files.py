"""Reading snapshot files: bytes (gzip or not), JSONL lines, JSON arrays and CSV tables.

Each reader returns the parsed documents and an `Origin` that names a document in an error
message (its line, or its element of a JSON array); lines are counted only when an error needs
one. Identity (`_key`/`_id`) is `snapshot_identity`'s job, layouts are `snapshot`'s.
"""

from __future__ import annotations

import csv
import io
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from gaai_graph.errors import SnapshotFormatError, SourceError

__all__ = [
    "EXPORT_READERS",
    "Origin",
    "csv_documents",
    "invalid_json",
    "json_array_documents",
    "json_type",
    "jsonl_documents",
    "line_of",
    "parse_lines",
    "read_bytes",
]


@dataclass(frozen=True)
class Origin:
    """Where parsed documents came from, to name one in an error (worked out only then)."""

    path: Path
    raw: bytes | None = None
    """JSONL and dump data: the decompressed bytes, whose non-blank lines are the documents."""
    lines: list[int] | None = None
    """CSV: the line each row ends on. Neither: a JSON array, named by element number."""

    def where(self, index: int) -> tuple[int | None, str]:
        """(line, prefix for the message) of the `index`-th document."""
        if self.raw is not None:
            return line_of(self.raw, index), ""
        if self.lines is not None:
            return self.lines[index], ""
        return None, f"array element {index + 1}: "

    def error(self, index: int, message: str) -> SnapshotFormatError:
        """A format error naming the file and where in it the `index`-th document is."""
        line, prefix = self.where(index)
        return SnapshotFormatError(str(self.path), prefix + message, line)


def invalid_json(
    path: Path, error: orjson.JSONDecodeError, line: int | None = None
) -> SnapshotFormatError:
    """A format error naming the file, the line and the column where the JSON breaks.

    orjson counts lines within the text it was given, so for one line of a JSONL file its
    "line 1" contradicts the file's own line number: that line (`line`) is named instead, and
    orjson's column is kept. For a whole JSON file orjson's line is the file's line.
    """
    return SnapshotFormatError(
        str(path),
        f"invalid JSON: {error.msg} at column {error.colno}",
        line if line is not None else error.lineno,
    )


def read_bytes(data_file: Path) -> bytes:
    """Return a data file's bytes, decompressed when its name ends in `.gz`.

    Raises:
        SourceError: the file cannot be read (permissions, I/O error), in one line.
        SnapshotFormatError: the gzip data is corrupt or truncated.
    """
    try:
        raw = data_file.read_bytes()
    except OSError as error:
        raise SourceError(
            f"cannot read snapshot file {data_file}: {error.strerror or error}; check that it "
            "is readable by this user"
        ) from None
    if not data_file.name.endswith(".gz"):
        return raw
    # zlib rather than gzip.decompress: on a truncated file it keeps what was decompressed,
    # which tells the user after which line the data stops.
    chunks = []
    remaining = raw
    while True:
        decompressor = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        try:
            chunks.append(decompressor.decompress(remaining))
        except zlib.error as error:
            partial = b"".join(chunks)
            raise SnapshotFormatError(
                str(data_file), f"corrupt gzip data: {error}", partial.count(b"\n") + 1
            ) from error
        if not decompressor.eof:
            partial = b"".join(chunks)
            raise SnapshotFormatError(
                str(data_file),
                "gzip data ends unexpectedly (truncated file)",
                partial.count(b"\n") + 1,
            )
        # Concatenated gzip members are one valid file; anything else after the end is junk.
        remaining = decompressor.unused_data
        if not remaining.strip(b"\0"):
            return b"".join(chunks)


def parse_lines(data_file: Path, raw: bytes) -> list[Any]:
    """Parse every non-blank line; on any failure re-read line by line to name the line."""
    loads = orjson.loads
    try:
        return [loads(line) for line in raw.split(b"\n") if line]
    except orjson.JSONDecodeError:
        # Whitespace-only lines also land here; the careful pass skips them.
        return [document for _, document in numbered_objects(data_file, raw)]


def numbered_objects(data_file: Path, raw: bytes) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (1-based line, object) for every non-blank line, raising on anything else."""
    for line_number, line in enumerate(raw.split(b"\n"), start=1):
        if not line.strip():
            continue
        try:
            value = orjson.loads(line)
        except orjson.JSONDecodeError as error:
            raise invalid_json(data_file, error, line_number) from error
        if not isinstance(value, dict):
            raise SnapshotFormatError(
                str(data_file),
                f"expected one JSON object per line, got {json_type(value)}",
                line_number,
            )
        yield line_number, value


def line_of(raw: bytes, index: int) -> int:
    """Return the 1-based line of the `index`-th non-blank line (only called on errors)."""
    seen = -1
    for line_number, line in enumerate(raw.split(b"\n"), start=1):
        if line.strip():
            seen += 1
            if seen == index:
                return line_number
    return raw.count(b"\n") + 1


def json_type(value: object) -> str:
    """How a message names the JSON type of `value` ("an object", "null", ...)."""
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    return "null" if value is None else names.get(type(value), "a number")


def jsonl_documents(data_file: Path, raw: bytes) -> tuple[list[Any], Origin]:
    """`arangoexport --type jsonl`: one document per line."""
    return parse_lines(data_file, raw), Origin(data_file, raw=raw)


def json_array_documents(data_file: Path, raw: bytes) -> tuple[list[Any], Origin]:
    """`arangoexport --type json`: one JSON array holding every document."""
    try:
        content = orjson.loads(raw) if raw.strip() else []
    except orjson.JSONDecodeError as error:
        raise invalid_json(data_file, error) from error
    if not isinstance(content, list):
        raise SnapshotFormatError(
            str(data_file),
            f"expected a JSON array of documents (arangoexport --type json), got "
            f"{json_type(content)}",
        )
    return content, Origin(data_file)


_CSV_INTEGER = re.compile(r"-?(?:0|[1-9][0-9]*)")
_CSV_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_CSV_LITERALS: dict[str, Any] = {"true": True, "false": False}
_SYSTEM_ATTRIBUTES = frozenset({"_key", "_id", "_from", "_to", "_rev"})


def _csv_value(cell: str) -> Any:
    """A CSV cell as a JSON value: integers, numbers and true/false as such, else the text."""
    if _CSV_INTEGER.fullmatch(cell):
        return int(cell)
    if _CSV_NUMBER.fullmatch(cell):
        return float(cell)
    return _CSV_LITERALS.get(cell, cell)


def csv_documents(data_file: Path, raw: bytes) -> tuple[list[Any], Origin]:
    """`arangoexport --type csv`: a header row of attribute names, then one row per document.

    CSV has no types, so a cell reads as an integer, a number or true/false when it is written
    like one and as text otherwise; an empty cell leaves the attribute out (as arangoexport
    writes a missing or null attribute). `_key`, `_id`, `_from`, `_to` and `_rev` stay text.
    """
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SnapshotFormatError(
            str(data_file), f"not UTF-8 text (undecodable byte at offset {error.start})"
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None:
            return [], Origin(data_file, lines=[])
        fields = [name.strip() for name in header]
        if not all(fields) or len(set(fields)) != len(fields):
            raise SnapshotFormatError(
                str(data_file), "the header row must name each column once, none empty", 1
            )
        documents: list[Any] = []
        lines: list[int] = []
        convert = _csv_value
        system = _SYSTEM_ATTRIBUTES
        for row in reader:
            if not row:
                continue
            if len(row) > len(fields):
                raise SnapshotFormatError(
                    str(data_file),
                    f"row has {len(row)} cells but the header names {len(fields)} columns",
                    reader.line_num,
                )
            documents.append(
                {
                    name: cell if name in system else convert(cell)
                    for name, cell in zip(fields, row, strict=False)
                    if cell != ""
                }
            )
            lines.append(reader.line_num)
    except csv.Error as error:
        raise SnapshotFormatError(
            str(data_file), f"malformed CSV: {error}", reader.line_num
        ) from None
    return documents, Origin(data_file, lines=lines)


EXPORT_READERS: dict[str, Callable[[Path, bytes], tuple[list[Any], Origin]]] = {
    "jsonl": jsonl_documents,
    "json": json_array_documents,
    "csv": csv_documents,
}
"""arangoexport `--type` -> the reader of its files."""
