"""Reading snapshot files into polars frames, faithfully or not at all.

A collection is held as one `polars.DataFrame` (`ColumnarDocuments`) when polars reads its file
to the same values the dict path (`snapshot_files`) would give; otherwise the reader returns None
and the collection is loaded as dicts, exactly as before (that is not the user's fault and is
not reported). The checks:

- Schema inference. Inferring from every row is as slow as parsing the file twice, so the
  schema is inferred from the first `SAMPLE_ROWS` rows; polars then drops attributes the sample
  did not see, silently. The sample is kept only when the frame holds as many cells as the file
  has `":` (one per attribute in flat, compact JSON) and the file has no explicit null; any
  other file is read again with every row used for inference.
- Explicit nulls. A frame holds `"a": null` and a document without `a` alike, where the dict
  path keeps the null; a file with a null cell is searched for an explicit null and, when it
  has one, read as dicts.
- Unification. Polars unifies a column's types where JSON documents mix them: a number among
  strings becomes its text, an integer among floats a float, objects with different attributes
  one struct with null fields. A text column holding a value that could be such a text, a float
  column holding integral values, a list column that could have been unified, a struct, a
  nested list or a wider integer: each is checked against the raw bytes where that is cheap and
  exact, else the collection falls back to dicts. Text columns are first settled together by
  one count (`_every_text_cell_written_as_text`: as many `":"` in the file as the text columns
  have cells, in a file whose every `":` is a cell's attribute), which spares the per-column
  look in the usual compact export.

Identity (`_key`/`_id`) and duplicates are then completed on the frame (`complete_frame`,
`duplicate_key_warning_of_frame`) with the same results as `snapshot_identity`; anything that
would be an error (or needs care, like a key that is not text) goes back to the dict path, which
raises the specific error with its file and line.
"""

from __future__ import annotations

import contextlib
import io
import mmap
import re
from collections import Counter, deque
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeAlias

import orjson

from gaai_graph.sources.columnar import ColumnarDocuments
from gaai_graph.sources.snapshot_files import read_bytes
from gaai_graph.sources.snapshot_identity import derived_edge_key, repeated_keys_warning

if TYPE_CHECKING:
    import polars as pl

__all__ = [
    "ExportFrame",
    "complete_frame",
    "dump_frame",
    "duplicate_key_warning_of_frame",
    "export_frame",
    "export_frames_ahead",
    "read_json_array_frame",
    "read_jsonl_frame",
]

SAMPLE_ROWS = 1000
"""Rows the schema is first inferred from (see the module docstring for when that is kept)."""

_LOOKS_UNIFIED = r"^(?:-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?|\[.*\]|\{.*\}|true|false)$"
"""A text that a number, boolean, list or object would have become when unified into text."""

_EXPLICIT_NULL = re.compile(rb'"\s*:\s*null')
"""An attribute written as null (or a text ending so, which only costs the dict path)."""

RawDocuments = Callable[[list[int]], list[dict[str, Any]]]
"""The parsed (dict path) documents at some row positions: for content-derived edge keys."""

RawBytes: TypeAlias = "bytes | mmap.mmap"
"""A data file's bytes: read into memory, or mapped read-only (a plain JSONL export file).

A mapping supports what the checks below use (`find`, `re` searches, numpy's `frombuffer`,
`len`), but not every bytes method, and `in` on it does not search for a sequence: helpers
here take either."""

_NON_BLANK = re.compile(rb"\S")
"""Any byte that is not white space (as `bytes.isspace` counts it)."""


def _as_bytes(raw: RawBytes) -> bytes:
    """`raw` as bytes: itself, or a mapping's copy (for the methods a mapping lacks)."""
    return raw if isinstance(raw, bytes) else raw[:]


def _blank(raw: RawBytes) -> bool:
    """Whether `raw` is empty or all white space (stops at the first other byte)."""
    return not raw or _NON_BLANK.search(raw) is None


def read_jsonl_frame(raw: RawBytes, path: Path | None = None) -> pl.DataFrame | None:
    """The documents of a JSONL file as a frame, or None when only the dict path is faithful.

    Args:
        raw: The file's bytes (or its mapping).
        path: The file `raw` maps, which polars then reads itself (it maps the file too);
            copying a mapping into a `BytesIO` would undo what mapping it saved.
    """
    import polars as pl

    if _blank(raw):  # not `strip()`, which copies the whole file
        return None

    def read(rows: int | None) -> pl.DataFrame:
        source = path if path is not None else io.BytesIO(raw)
        return pl.read_ndjson(source, infer_schema_length=rows)

    return _faithful(raw, read)


def read_json_array_frame(raw: bytes) -> pl.DataFrame | None:
    """The documents of a JSON array file as a frame, or None (see `read_jsonl_frame`)."""
    import polars as pl

    if not raw.lstrip().startswith(b"["):
        return None  # polars would read a lone object as one row; the dict path refuses it

    def read(rows: int | None) -> pl.DataFrame:
        return pl.read_json(io.BytesIO(raw), infer_schema_length=rows)

    return _faithful(raw, read)


def _faithful(raw: RawBytes, read: Callable[[int | None], pl.DataFrame]) -> pl.DataFrame | None:

    frame: pl.DataFrame | None
    try:
        frame = read(SAMPLE_ROWS)
    except Exception:
        frame = None
    members = _members(raw)
    if frame is not None and not _sample_saw_everything(raw, frame, members):
        frame = None
    if frame is None:
        try:
            frame = read(None)
        except Exception:
            return None
    texts_are_texts = _every_text_cell_written_as_text(frame, members)
    if frame.width == 0 or not all(
        _column_is_faithful(raw, frame[name], texts_are_texts=texts_are_texts)
        for name in frame.columns
    ):
        return None
    if frame.null_count().sum_horizontal().item() and _EXPLICIT_NULL.search(raw):
        return None  # a frame cannot tell `"a": null` from no `a`; the dict path keeps it
    return frame


def _sample_saw_everything(raw: RawBytes, frame: pl.DataFrame, members: _Members) -> bool:
    """Whether a frame read with a sampled schema holds every attribute of the file.

    An explicit null is no cell, so a file with one is read again too (the attribute may not
    have been seen).
    """
    if frame.height < SAMPLE_ROWS:
        return True
    if members.spaced and (raw.find(b'" :') >= 0 or raw.find(b'"\t:') >= 0):
        return False  # a name spaced from its colon is not counted
    return members.named == _cells(frame)


def _cells(frame: pl.DataFrame) -> int:
    """The frame's non-null cells."""
    return int(frame.height * frame.width - sum(frame.null_count().row(0)))


def _every_text_cell_written_as_text(frame: pl.DataFrame, members: _Members) -> bool:
    """Whether every cell of the frame's text columns was a JSON string in the file.

    Then no text column holds a unified number, list, object or boolean, and the per-column
    look (`_any_looks_unified` over every cell, then a count per column in the raw bytes) is
    not needed. It is settled by counts when no colon follows white space: each attribute of
    each document is then one `":`, and so is each attribute of a nested object and each `":`
    inside a string, while a document's attribute is at most one cell (none when null, one
    for a repeated name); so `":` as often as the frame has cells means every `":` is one
    cell's attribute. Polars puts a JSON string only in a text column, so as many `":"` (an
    attribute written as text) as the text columns have cells means each was written as
    text. Otherwise False, and the text columns are looked at one by one.
    """
    import polars as pl

    texts = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    if not texts:
        return True
    if members.spaced or members.named != _cells(frame):
        return False
    written = int(frame.select(pl.sum_horizontal(pl.col(texts).count())).item())
    return members.texts == written


class _Members(NamedTuple):
    """What one pass over a file's bytes found at its colons."""

    named: int
    """How often `":` occurs (the end of a compact attribute name, or a string's text)."""
    spaced: bool
    """Whether a colon follows white space (space, tab, CR or LF) anywhere."""
    texts: int
    """How often `":"` occurs: an attribute whose value is written as a JSON string."""


COLON_SCAN_BYTES = 1 << 24
"""Bytes of a file scanned per numpy step by `_members` (bounds the arrays held at once)."""

_WHITE_SPACE = b" \t\r\n"


def _members(raw: RawBytes) -> _Members:
    """One vectorised pass over `raw` at its colons (see `_Members`).

    Only the colons (a few percent of JSON's bytes) are gathered, with the bytes around each;
    `bytes.count` plus substring searches took four times as long (a quote is the most
    frequent byte of JSON, which slows the searches).
    """
    import numpy as np

    data = np.frombuffer(raw, dtype=np.uint8)
    white_space = np.frombuffer(_WHITE_SPACE, dtype=np.uint8)
    size = len(data)
    named = texts = 0
    spaced = False
    for start in range(0, size, COLON_SCAN_BYTES):
        colons = np.flatnonzero(data[start : start + COLON_SCAN_BYTES] == ord(":")) + start
        colons = colons[colons > 0]
        before = data[colons - 1]
        spaced = spaced or bool(np.isin(before, white_space).any())
        after = colons[before == ord('"')] + 1
        named += len(after)
        texts += int(np.count_nonzero(data[after[after < size]] == ord('"')))
    return _Members(named, spaced, texts)


def _colons(raw: bytes) -> tuple[int, bool]:
    """How often `":` occurs in `raw`, and whether any colon follows white space."""
    members = _members(raw)
    return members.named, members.spaced


def _column_is_faithful(raw: RawBytes, column: pl.Series, *, texts_are_texts: bool = False) -> bool:
    """Whether `column` holds the values the dict path would read (module docstring).

    Args:
        raw: The file's bytes.
        column: One column of the frame read from them.
        texts_are_texts: Every text cell is known to have been a JSON string
            (`_every_text_cell_written_as_text`).
    """
    import polars as pl

    dtype = column.dtype
    if dtype in (pl.Int64, pl.Boolean, pl.Null):
        return True
    if dtype == pl.String:
        return (
            texts_are_texts
            or not _any_looks_unified(column)
            or _written_as_text_everywhere(raw, column)
            or not _raw_has_value(raw, column.name, rb"[-0-9\[{tf]")
        )
    if dtype == pl.Float64:
        return not _has_integral(column) or not _raw_has_value(
            raw, column.name, rb"-?[0-9]+\s*[,}\]]"
        )
    if isinstance(dtype, pl.List):
        inner = dtype.inner
        if inner in (pl.Int64, pl.Boolean, pl.Null):
            return True
        elements = column.explode()
        if inner == pl.String:
            return not _any_looks_unified(elements)
        if inner == pl.Float64:
            return not _has_integral(elements)
    return False  # structs, nested lists, wider integers: the dict path keeps them exact


_UNIFIED_STARTS = list("-0123456789[{tf")
"""The first characters of every text `_LOOKS_UNIFIED` matches."""


def _any_looks_unified(texts: pl.Series) -> bool:
    """Whether any of `texts` matches `_LOOKS_UNIFIED` (could be a unified non-text value).

    Looking at first characters first halves the time: most text columns (names, ids of
    other documents) have none that could start a number, list, object or boolean.
    """
    if not texts.str.slice(0, 1).is_in(_UNIFIED_STARTS).any():
        return False
    return bool(texts.str.contains(_LOOKS_UNIFIED).any())


def _has_integral(values: pl.Series) -> bool:
    finite = values.drop_nulls()
    finite = finite.filter(finite.is_finite())
    return bool((finite == finite.floor()).any())


def _written_as_text_everywhere(raw: RawBytes, column: pl.Series) -> bool:
    """Whether compact JSON names the attribute with a text value as often as it has values.

    `"name":"` cannot occur inside a JSON string (its quotes would be escaped), so the count
    is of this attribute (or a nested one of the same name, which only makes it unequal).
    """
    # A mapping has no `count`: its bytes are copied, on this path only (a text column that
    # could hold unified values, in a file whose texts were not settled by one count).
    written = _as_bytes(raw).count(b'"' + orjson.dumps(column.name)[1:-1] + b'":"')
    return written == column.len() - column.null_count()


def _raw_has_value(raw: RawBytes, name: str, value_start: bytes) -> bool:
    """Whether attribute `name` is written anywhere in `raw` with a value starting so.

    Nested attributes of the same name count too: a false alarm only costs the dict path.
    """
    pattern = b'"' + re.escape(orjson.dumps(name)[1:-1]) + rb'"\s*:\s*' + value_start
    return re.search(pattern, raw) is not None


# --------------------------------------------------------------------------- identity


def complete_frame(
    frame: pl.DataFrame,
    collection: str,
    is_edge: bool,
    raw_documents: RawDocuments,
    *,
    mixed_is_error: bool = False,
) -> pl.DataFrame | None:
    """`frame` with `_key` and `_id` on every row (as `complete_documents` gives them), or None.

    None means some row needs the dict path: it raises the specific error with its line (or
    treats a key that is not text the way it always has). A file without `_id` anywhere gets
    no `_id` column: every document's is `<collection>/<_key>`, which
    `ColumnarDocuments.of_collection` puts back on reading rather than holding it.

    Args:
        frame: The file's documents.
        collection: Collection name, the prefix of derived `_id`s.
        is_edge: Whether the documents must be edges.
        raw_documents: The dict-path documents at given rows, for content-derived edge keys.
        mixed_is_error: Non-edges among edges and edges among non-edges are errors (export
            files).
    """
    import polars as pl

    columns = frame.schema
    if is_edge:
        for endpoint in ("_from", "_to"):
            if columns.get(endpoint) != pl.String or frame[endpoint].null_count():
                return None
    elif mixed_is_error and ("_from" in columns or "_to" in columns):
        return None
    for identifier in ("_key", "_id"):
        if identifier in columns and columns[identifier] != pl.String:
            return None
    null = pl.lit(None, dtype=pl.String)
    key = pl.col("_key") if "_key" in columns else null
    document_id = pl.col("_id") if "_id" in columns else null
    flags = frame.select(
        neither=(key.is_null() & document_id.is_null()).any(),
        bad_id=(key.is_null() & ~document_id.str.contains("/", literal=True)).any(),
        bad_key=(document_id.is_null() & (key == "")).any(),
        complete=(key.is_not_null() & document_id.is_not_null()).all(),
    ).row(0, named=True)
    if flags["bad_id"] or flags["bad_key"] or (flags["neither"] and not is_edge):
        return None
    if flags["complete"] and "_key" in columns and "_id" in columns:
        return frame
    prefix = collection + "/"
    key_of_id = document_id.str.splitn("/", 2).struct.field("field_1")
    frame = frame.with_columns(_key=pl.coalesce(key, key_of_id))
    if flags["neither"]:
        frame = _with_derived_keys(frame, raw_documents)
    if "_id" not in columns:
        return frame
    return frame.with_columns(_id=pl.coalesce(document_id, pl.lit(prefix) + pl.col("_key")))


def _with_derived_keys(frame: pl.DataFrame, raw_documents: RawDocuments) -> pl.DataFrame:
    """Give edges without `_key` or `_id` their `derived_edge_key`s, numbered in file order."""
    import polars as pl

    keys = frame["_key"]
    rows = keys.is_null().arg_true().to_list()
    seen: Counter[str] = Counter()
    derived = []
    for document in raw_documents(rows):
        base = derived_edge_key(document)
        occurrence = seen[base]
        seen[base] += 1
        derived.append(base if occurrence == 0 else f"{base}-{occurrence}")
    keys = keys.clone().scatter(rows, pl.Series(derived, dtype=pl.String))
    return frame.with_columns(keys)


def duplicate_key_warning_of_frame(collection: str, frame: pl.DataFrame) -> str | None:
    """`snapshot_identity.duplicate_key_warning` on a frame's `_key` column, same words."""
    import polars as pl

    keys = frame["_key"]
    # Distinct 64-bit hashes mean distinct keys, and counting integers is a few times faster
    # than counting texts; keys sharing a hash are then counted as texts.
    if keys.hash(seed=0x5EED).n_unique() == keys.len() or keys.n_unique() == keys.len():
        return None
    counts = (
        frame.lazy()
        .group_by("_key", maintain_order=True)
        .agg(pl.len().alias("count"))
        .filter(pl.col("count") > 1)
        .collect()
    )
    return repeated_keys_warning(collection, counts.rows())


# --------------------------------------------------------------------------- per layout


ExportFrame: TypeAlias = tuple[ColumnarDocuments, bool]
"""An arangoexport file's completed documents held as columns, and whether they are edges."""


def export_frame(
    raw: RawBytes, file_format: str, collection: str, path: Path | None = None
) -> ExportFrame | None:
    """An arangoexport file's documents as completed columns and whether they are edges.

    None when the dict path must read the file (CSV, whose cells are typed one by one, always).
    `path` names the JSONL file `raw` maps (see `read_jsonl_frame`). The columns leave out an
    `_id` that repeats `_key` (`ColumnarDocuments.of_collection`, here on the reading thread).
    """
    if file_format == "jsonl":
        frame = read_jsonl_frame(raw, path)
    elif file_format == "json" and isinstance(raw, bytes):
        frame = read_json_array_frame(raw)
    else:
        return None
    if frame is None or frame.height == 0:
        return None
    head = frame.row(0, named=True)
    is_edge = head.get("_from") is not None or head.get("_to") is not None
    reader = _jsonl_documents if file_format == "jsonl" else _array_documents
    completed = complete_frame(
        frame, collection, is_edge, lambda rows: reader([raw], rows), mixed_is_error=True
    )
    if completed is None:
        return None
    return ColumnarDocuments.of_collection(completed, collection), is_edge


READ_AHEAD = 2
"""Files read and turned into frames at once by `export_frames_ahead`.

Reading a file into a frame is polars parsing (which releases the GIL) followed by checks in
numpy and Python that run on one core; two files in flight keep a second core busy through
the single-threaded parts. At 10^6 edges a snapshot loaded in ~1.6 s instead of ~1.9 s, at
10^7 in ~10.0 s instead of ~11.1 s."""


def export_frames_ahead(
    data_files: list[tuple[Path, str, str]],
) -> Generator[tuple[bytes, ExportFrame | None], None, None]:
    """Each (file, format, collection)'s bytes and `export_frame`, in order, read ahead.

    Up to `READ_AHEAD` files are read on threads while the caller takes the earlier ones, so
    at most that many files' bytes are held beyond the one taken; errors come from
    `Future.result` as the failing file is taken, as from one file at a time. Close the
    generator (`contextlib.closing`) when stopping early: files not yet started are dropped.
    """
    pool = ThreadPoolExecutor(max_workers=READ_AHEAD, thread_name_prefix="gaai-read")
    in_flight: deque[Future[tuple[bytes, ExportFrame | None]]] = deque()
    try:
        for data_file in data_files:
            in_flight.append(pool.submit(_read_export_frame, *data_file))
            if len(in_flight) >= READ_AHEAD:
                yield in_flight.popleft().result()
        while in_flight:
            yield in_flight.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _read_export_frame(
    data_file: Path, file_format: str, collection: str
) -> tuple[bytes, ExportFrame | None]:
    """The file's bytes and `export_frame`; no bytes when a mapped file became a frame.

    A plain JSONL file is mapped rather than read (`_mapped`): at 10^7 edges a whole load took
    7.0-7.5 s against 7.6-8.3 s when the files were read into memory, with ~690,000 page
    faults against ~1,010,000. Only the dict path (a file polars does not read faithfully)
    gets a copy.
    """
    mapped = _mapped(data_file) if file_format == "jsonl" else None
    if mapped is None:
        raw = read_bytes(data_file)
        return raw, export_frame(raw, file_format, collection)
    try:
        columnar = export_frame(mapped, file_format, collection, data_file)
        return (b"" if columnar is not None else _as_bytes(mapped)), columnar
    finally:
        # Closing fails only while something still holds the buffer; the mapping then goes
        # with its last reference.
        with contextlib.suppress(BufferError):
            mapped.close()


def _mapped(data_file: Path) -> mmap.mmap | None:
    """The plain data file mapped read-only, or None (gzip, empty, unreadable, unmappable).

    None leaves the file to `read_bytes`, which decompresses it or says what is wrong. A
    snapshot must not be rewritten while a run reads it: a file truncated under a mapping
    ends the process (SIGBUS), as it does under polars' own mapping of a file it reads.
    """
    if data_file.name.endswith(".gz"):
        return None
    try:
        with data_file.open("rb") as handle:
            return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):  # ValueError: an empty file cannot be mapped
        return None


def dump_frame(raws: list[bytes], collection: str, is_edge: bool) -> ColumnarDocuments | None:
    """The raw documents of an arangodump collection's data files (parts in order) as columns.

    None when the dict path must read them. The columns leave out an `_id` that repeats `_key`
    (`ColumnarDocuments.of_collection`), as `export_frame`'s do.
    """
    import polars as pl

    frames = []
    for raw in raws:
        if _blank(raw):
            continue
        frame = read_jsonl_frame(raw)
        if frame is None:
            return None
        frames.append(frame)
    if not frames:
        return None
    try:
        # "diagonal" refuses parts whose columns disagree in type: those stay exact as dicts.
        frame = frames[0] if len(frames) == 1 else pl.concat(frames, how="diagonal")
    except Exception:
        return None
    completed = complete_frame(
        frame, collection, is_edge, lambda rows: _jsonl_documents(raws, rows)
    )
    return None if completed is None else ColumnarDocuments.of_collection(completed, collection)


def _jsonl_documents(raws: Sequence[RawBytes], rows: list[int]) -> list[dict[str, Any]]:
    texts = [_as_bytes(raw) for raw in raws]
    lines = [line for text in texts for line in text.split(b"\n") if line.strip()]
    return [orjson.loads(lines[row]) for row in rows]


def _array_documents(raws: Sequence[RawBytes], rows: list[int]) -> list[dict[str, Any]]:
    documents = orjson.loads(_as_bytes(raws[0]))
    return [documents[row] for row in rows]
