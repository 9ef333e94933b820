"""A collection's documents held as columns: a polars DataFrame that reads like a list of dicts.

Offline snapshots are loaded into one `polars.DataFrame` per collection (issue 18: a document
as a Python dict costs ~400 bytes per attribute-light document, a column cell a few bytes).
`ColumnarDocuments` keeps that frame and still behaves as the `Sequence[dict]` every reader of
`CollectionData.documents` was written against, so a reader that has not been made columnar
stays correct (it materialises rows a batch at a time). Hot paths ask for the frame itself
(`columnar_frame`) and work on whole columns.

Polars rather than pyarrow: its NDJSON reader infers and unifies a schema across lines in
native code (pyarrow's reader needs an explicit schema for heterogeneous documents), and its
expressions (joins, group-bys, null counts) are what schema profiling and id mapping need;
it holds Arrow buffers, so `.to_arrow()` hands them on without copying.

Absent attributes and JSON `null` are both null in a frame; rows drop null cells, so a row
reads like the document without the attribute (what the schema profile counts as missing).

A loaded collection leaves `_id` out of its frame when every document's is
`<collection>/<_key>` (`ColumnarDocuments.of_collection`): the column repeats the key, and a
polars string column takes about three times its estimated size in resident memory (56 MB of
a 10^6-edge snapshot's 369 MB loaded). Rows, the checksum and `columnar_frame(..., reading=)`
put it back where it was, so readers see the documents unchanged.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, overload

from gaai_graph.sources.checksums import frame_checksum

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    import polars as pl

__all__ = [
    "ColumnarDocuments",
    "column_labels",
    "column_numbers",
    "column_values",
    "columnar_frame",
    "ids_repeat_keys",
    "number_ids",
]

ROW_BATCH = 1 << 14
"""Rows turned into dicts per step when a reader iterates: bounded memory, amortised calls."""


def _without_nulls(row: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in row.items() if value is not None}


class ColumnarDocuments(Sequence[dict[str, Any]]):
    """Documents of one collection, stored as a polars DataFrame (one column per attribute)."""

    def __init__(
        self, frame: pl.DataFrame, *, id_prefix: str | None = None, id_position: int | None = None
    ) -> None:
        """Wrap `frame` (one row per document, one column per attribute).

        Args:
            frame: The documents' columns.
            id_prefix: `<collection>/` when `frame` leaves `_id` out because every document's
                is that and its `_key` (see `of_collection`); None when `frame` is whole.
            id_position: Where `_id` stood among the columns (a row's key order); at the end
                when None.
        """
        self.frame = frame
        """The documents as columns; readers that can work on columns use it directly
        (`_id` left out when `id_prefix` is set: `columnar_frame(..., reading=)` adds it)."""
        self.id_prefix = id_prefix
        """`<collection>/`, the text before `_key` in every `_id` the frame leaves out; or None."""
        self._id_position = frame.width if id_position is None else id_position
        self._checksum: Future[str] | None = None

    @classmethod
    def of_collection(cls, frame: pl.DataFrame, collection: str) -> ColumnarDocuments:
        """A loaded collection's documents, its `_id` column left out when it repeats `_key`.

        Args:
            frame: The collection's documents completed by the loader: `_key` text on every
                row, and `_id` on every row unless the file gave none (then it is
                `<collection>/<_key>` throughout).
            collection: The collection's name.
        """
        import polars as pl

        prefix = collection + "/"
        if frame.schema.get("_key") != pl.String or frame["_key"].null_count():
            return cls(frame)  # not a completed frame: kept as it is
        if "_id" not in frame.columns:
            return cls(frame, id_prefix=prefix)
        if not ids_repeat_keys(frame, prefix):
            return cls(frame)
        return cls(frame.drop("_id"), id_prefix=prefix, id_position=frame.columns.index("_id"))

    def frame_reading(self, attributes: Collection[str]) -> pl.DataFrame:
        """`frame`, with `_id` when `attributes` name it and `frame` leaves it out."""
        return self.whole() if "_id" in attributes and self.id_prefix is not None else self.frame

    def whole(self, part: pl.DataFrame | None = None) -> pl.DataFrame:
        """The frame (or `part`, rows of it) with every attribute, `_id` where it stood."""
        import polars as pl

        frame = self.frame if part is None else part
        if self.id_prefix is None:
            return frame
        ids = frame.select((pl.lit(self.id_prefix) + pl.col("_key")).alias("_id")).to_series()
        return frame.clone().insert_column(self._id_position, ids)

    def prefetch_checksum(self) -> None:
        """Start computing `checksum` on the checksum thread, if not started yet.

        The checksum hashes every row in Python (holding the GIL), which a loader can overlap
        with reading the next file (polars parses without the GIL).
        """
        if self._checksum is None:
            self._checksum = _checksum_thread().submit(
                frame_checksum, self.frame, id_prefix=self.id_prefix
            )

    def checksum(self) -> str:
        """`checksums.frame_checksum` of the frame, computed once (the frame never changes)."""
        if self._checksum is None:  # not prefetched: here, in the caller's thread
            computed: Future[str] = Future()
            computed.set_result(frame_checksum(self.frame, id_prefix=self.id_prefix))
            self._checksum = computed
        return self._checksum.result()

    def __len__(self) -> int:
        """The number of documents."""
        return int(self.frame.height)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        """Each document as a dict (null cells left out), materialised a batch at a time."""
        for offset in range(0, self.frame.height, ROW_BATCH):
            for row in self.whole(self.frame.slice(offset, ROW_BATCH)).iter_rows(named=True):
                yield _without_nulls(row)

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...

    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...

    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        """One document (or a slice of them) as dicts."""
        if isinstance(index, slice):
            start, stop, step = index.indices(self.frame.height)
            if step == 1:
                part = self.whole(self.frame.slice(start, max(stop - start, 0)))
                return [_without_nulls(row) for row in part.iter_rows(named=True)]
            return [self[position] for position in range(start, stop, step)]
        if not -self.frame.height <= index < self.frame.height:
            raise IndexError(f"index {index} out of range for {self.frame.height} documents")
        row = self.frame.row(index, named=True)
        if self.id_prefix is not None and row.get("_key") is not None:
            # One row: the id goes into the dict (a frame with the column costs ~1 ms a row).
            cells = list(row.items())
            cells.insert(self._id_position, ("_id", self.id_prefix + row["_key"]))
            row = dict(cells)
        return _without_nulls(row)

    def stream_attributes(self, attributes: Sequence[str]) -> Iterator[dict[str, Any]]:
        """Each document's `_key` and `attributes` only (the live source's method, same shape).

        Args:
            attributes: Attribute names wanted besides `_key`; names the collection does not
                have are left out of every row.

        Returns:
            An iterator over `{"_key": ..., <attribute>: ...}` dicts, null cells left out.
        """
        frame = self.frame_reading(attributes)
        names = [n for n in dict.fromkeys(["_key", *attributes]) if n in frame.columns]
        return ColumnarDocuments(frame.select(names)).__iter__()


def ids_repeat_keys(frame: pl.DataFrame, prefix: str) -> bool:
    """Whether every row of `frame` has a `_key` and a text `_id` that is `prefix` + `_key`.

    Compared by prefix, suffix and length (0.3 s over the 10^7-edge export's columns, against
    0.8 s for building `prefix` + `_key` and comparing).
    """
    import polars as pl

    if frame.schema.get("_id") != pl.String or frame.schema.get("_key") != pl.String:
        return False
    ids, keys = pl.col("_id"), pl.col("_key")
    repeated = (
        ids.str.starts_with(prefix)
        & (ids.str.len_bytes() == keys.str.len_bytes() + len(prefix.encode()))
        & ids.str.ends_with(keys)
    )
    every_row = (ids.null_count() == 0) & (keys.null_count() == 0) & repeated.all()
    return bool(frame.select(every_row).item())


_checksums: ThreadPoolExecutor | None = None
_checksums_lock = threading.Lock()


def _checksum_thread() -> ThreadPoolExecutor:
    """The one thread collection checksums are computed on (Python hashing: one is enough)."""
    global _checksums
    with _checksums_lock:
        if _checksums is None:
            _checksums = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gaai-checksum")
        return _checksums


def columnar_frame(
    documents: Sequence[dict[str, Any]], reading: Collection[str] = ()
) -> pl.DataFrame | None:
    """The DataFrame behind `documents` when they are held as columns, else None.

    Args:
        documents: The documents.
        reading: The attributes the caller reads besides `_key`, `_from` and `_to`: when `_id`
            is one of them and the frame leaves it out (`ColumnarDocuments.of_collection`),
            the frame returned has it.
    """
    if isinstance(documents, ColumnarDocuments):
        return documents.frame_reading(reading)
    return None


def column_values(frame: pl.DataFrame, name: str, rows: pl.Series | None) -> list[Any]:
    """Attribute `name` of each row (of `rows` only when given) as Python values, None if absent.

    The values a reader of the documents gets from `document.get(name)`.
    """
    if name not in frame.columns:
        return [None] * (frame.height if rows is None else rows.len())
    column = frame[name]
    return (column if rows is None else column.gather(rows)).to_list()


def column_labels(
    frame: pl.DataFrame, name: str | None, keys: pl.Series, rows: pl.Series | None
) -> pl.Series | list[str]:
    """Each row's label: attribute `name` as text, or its key when that is absent or empty.

    Text labels stay a polars String Series (a few bytes a label, where a list of Python
    strings takes ~60: millions of labels are held for a load, and a report reads a few);
    labels written from other types are a list.

    Args:
        frame: The documents.
        name: The label attribute, or None for keys as labels.
        keys: The key of each labelled row.
        rows: The rows labelled (first documents of repeated keys), or None for every row.
    """
    import polars as pl

    if name is None or name not in frame.columns:
        return keys
    column = frame[name] if rows is None else frame[name].gather(rows)
    if column.dtype == pl.String:
        return pl.select(
            pl.when(column.is_null() | (column == "")).then(keys).otherwise(column)
        ).to_series()
    # Other types are written as Python writes them (`str(1.0)`, `str([1, 2])`), as before.
    return [
        key if value is None or value == "" else str(value)
        for value, key in zip(column.to_list(), keys.to_list(), strict=True)
    ]


def column_numbers(
    frame: pl.DataFrame, name: str, number: Callable[[Any], float]
) -> npt.NDArray[np.float64]:
    """Attribute `name` of each row as a float: numbers as such, texts through `number`.

    Args:
        frame: The documents.
        name: The attribute.
        number: How one value becomes a float (NaN when it is none): applied to each distinct
            text only, so a column of repeated dates costs as many calls as it has dates.
    """
    import numpy as np
    import polars as pl

    if name not in frame.columns:
        return np.full(frame.height, np.nan)
    column = frame[name]
    if column.dtype.is_numeric():
        return column.cast(pl.Float64).fill_null(np.nan).to_numpy()
    if column.dtype == pl.String:
        distinct = column.drop_nulls().unique()
        floats = [number(value) for value in distinct.to_list()]
        mapped = column.replace_strict(distinct, floats, default=np.nan, return_dtype=pl.Float64)
        return mapped.fill_null(np.nan).to_numpy()
    if column.dtype == pl.Boolean or column.dtype == pl.Null:
        return np.full(frame.height, np.nan)
    return np.fromiter(
        (number(value) for value in column.to_list()), dtype=np.float64, count=frame.height
    )


def number_ids(ids: pl.Series, table: pl.DataFrame) -> npt.NDArray[np.int32]:
    """The number of each id in `table` (columns `id`, `number`), -1 where it has none."""
    numbered = (
        ids.rename("id")
        .to_frame()
        .join(table, on="id", how="left", maintain_order="left")
        .get_column("number")
        .fill_null(-1)
    )
    return numbered.to_numpy()
