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
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, overload

if TYPE_CHECKING:
    import polars as pl

__all__ = ["ColumnarDocuments", "columnar_frame"]

ROW_BATCH = 1 << 14
"""Rows turned into dicts per step when a reader iterates: bounded memory, amortised calls."""


def _without_nulls(row: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in row.items() if value is not None}


class ColumnarDocuments(Sequence[dict[str, Any]]):
    """Documents of one collection, stored as a polars DataFrame (one column per attribute)."""

    def __init__(self, frame: pl.DataFrame) -> None:
        """Wrap `frame` (one row per document, one column per attribute)."""
        self.frame = frame
        """The documents as columns; readers that can work on columns use it directly."""

    def __len__(self) -> int:
        """The number of documents."""
        return int(self.frame.height)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        """Each document as a dict (null cells left out), materialised a batch at a time."""
        for offset in range(0, self.frame.height, ROW_BATCH):
            for row in self.frame.slice(offset, ROW_BATCH).iter_rows(named=True):
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
                part = self.frame.slice(start, max(stop - start, 0))
                return [_without_nulls(row) for row in part.iter_rows(named=True)]
            return [self[position] for position in range(start, stop, step)]
        if not -self.frame.height <= index < self.frame.height:
            raise IndexError(f"index {index} out of range for {self.frame.height} documents")
        return _without_nulls(self.frame.row(index, named=True))

    def stream_attributes(self, attributes: Sequence[str]) -> Iterator[dict[str, Any]]:
        """Each document's `_key` and `attributes` only (the live source's method, same shape).

        Args:
            attributes: Attribute names wanted besides `_key`; names the collection does not
                have are left out of every row.

        Returns:
            An iterator over `{"_key": ..., <attribute>: ...}` dicts, null cells left out.
        """
        present = set(self.frame.columns)
        names = [n for n in dict.fromkeys(["_key", *attributes]) if n in present]
        return ColumnarDocuments(self.frame.select(names)).__iter__()


def columnar_frame(documents: Sequence[dict[str, Any]]) -> pl.DataFrame | None:
    """The DataFrame behind `documents` when they are held as columns, else None."""
    if isinstance(documents, ColumnarDocuments):
        return documents.frame
    return None
