"""Rows of a text column found by key: hashed once, then a binary search per look-up.

Report pictures look a few vertices up among a million edges, and a question's names are
looked up among a million vertex names; neither should scan the column per look-up nor turn
it into a Python dict. `KeyRows` hashes the column once (polars, native), sorts the row
numbers by hash (numpy) and answers a batch of keys with `numpy.searchsorted`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    import polars as pl

__all__ = ["KeyRows", "text_series"]


def text_series(values: Sequence[str | None]) -> pl.Series:
    """`values` as a polars text column (None: a null cell)."""
    import polars as pl

    return pl.Series(values, dtype=pl.String)


def _ranges(starts: npt.NDArray[np.int64], stops: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """The positions `starts[i]..stops[i]-1` of every i, concatenated in order."""
    lengths = stops - starts
    total = int(lengths.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64)
    # Position within its own range, plus where that range starts.
    firsts = np.cumsum(lengths) - lengths
    return np.arange(total, dtype=np.int64) - np.repeat(firsts - starts, lengths)


_SEED = 0x5EED
"""Hash seed of keys and look-ups alike (the same text must hash to the same number)."""


def _hashes(values: pl.Series) -> npt.NDArray[np.uint64]:
    return values.hash(seed=_SEED).to_numpy()


class KeyRows:
    """A column of text keys whose rows are found by key with a binary search.

    The keys are hashed (a native pass) and their rows sorted by hash once; a look-up hashes
    the wanted keys, finds their rows with `numpy.searchsorted` and drops the rows whose key
    only shares the hash. Sorting 64-bit hashes is several times faster than sorting text.
    """

    def __init__(self, keys: pl.Series) -> None:
        import polars as pl

        self.keys = keys
        table = pl.DataFrame(
            {
                "hash": pl.Series(_hashes(keys), dtype=pl.UInt64),
                "row": pl.int_range(keys.len(), dtype=pl.Int64, eager=True),
            }
        ).filter(keys.is_not_null())
        # Stable (the rows of one key stay in stored order: its last row is its last
        # document), and polars sorts on every core where numpy's stable sort uses one.
        table = table.sort("hash", maintain_order=True)
        self._rows: npt.NDArray[np.int64] = table["row"].to_numpy()
        self._hashes: npt.NDArray[np.uint64] = table["hash"].to_numpy()

    def rows_of(self, wanted: Sequence[str]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Every row holding one of the wanted keys: (position in `wanted`, row), by position.

        A key listed twice has its rows twice; a key's rows come in stored order.
        """
        hashes = _hashes(text_series(wanted))
        starts = np.searchsorted(self._hashes, hashes, side="left").astype(np.int64)
        stops = np.searchsorted(self._hashes, hashes, side="right").astype(np.int64)
        rows = self._rows[_ranges(starts, stops)]
        which = np.repeat(np.arange(len(wanted), dtype=np.int64), stops - starts)
        if len(rows):  # drop the rows whose key only shares the hash
            found = self.keys.gather(rows).to_list()
            pairs = zip(found, which.tolist(), strict=True)
            same = np.fromiter(
                (key == wanted[at] for key, at in pairs), dtype=bool, count=len(rows)
            )
            rows, which = rows[same], which[same]
        return which, rows
