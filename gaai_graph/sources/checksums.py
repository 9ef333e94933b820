"""Checksums of a collection's documents: the content part of a graph's fingerprint.

`documents_checksum` hashes documents held as dicts, `frame_checksum` the same documents held
as a polars frame (`gaai_graph.sources.columnar`), to the same value. Their own module so that
the columnar documents (which compute their checksum while loading) and the graph model
(`gaai_graph.sources.base`, which sums them into the fingerprint) both build on it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
import orjson
import xxhash

if TYPE_CHECKING:
    import polars as pl  # imported by the callers that hold frames

__all__ = ["ROW_HASH", "documents_checksum", "frame_checksum"]


def documents_checksum(documents: Iterable[dict[str, Any]]) -> str:
    """A checksum of documents' contents, independent of their order and revisions.

    Each document (without `_rev`, which a restore renews) is hashed as canonical JSON with
    XXH3-128 (`ROW_HASH`); the hashes are summed modulo 2^128, so the order documents were
    loaded in does not matter while any changed, added or removed document changes the sum.
    """
    row_hash, dumps, sort_keys = ROW_HASH, orjson.dumps, orjson.OPT_SORT_KEYS
    digests = bytearray()
    for document in documents:
        if "_rev" in document:  # copied only when it has one (snapshots seldom do)
            document = {key: value for key, value in document.items() if key != "_rev"}
        digests += row_hash(dumps(document, option=sort_keys, default=str))
    return _summed(digests)


ROW_HASH = xxhash.xxh3_128_digest
"""The 128-bit hash of one document's canonical JSON (big-endian digest bytes).

XXH3's output is fixed by its specification (stable since xxHash 0.8.0), so a snapshot keeps
its fingerprint across library versions; it is not a cryptographic hash, which a checksum that
detects changed data does not need, and it hashes a row ten times faster than blake2b did (the
per-row call dominated the fingerprint of a large graph). Changing it changes every
fingerprint once, so each catalog starts one new epoch per graph.
"""


def _summed(digests: bytes | bytearray) -> str:
    # The sum of the 128-bit big-endian digests, as four 32-bit columns summed in uint64 (no
    # overflow below 2^32 documents) and recombined: half the time of adding Python ints.
    columns = np.frombuffer(bytes(digests), dtype=">u4").reshape(-1, _PARTS)
    return _recombined([int(part) for part in columns.sum(axis=0, dtype=np.uint64)])


_PARTS = 4
"""The 128-bit row hashes are summed as this many 32-bit parts, each in a 64-bit integer."""


def _recombined(part_sums: list[int]) -> str:
    """The checksum text of the sums of the hashes' 32-bit parts, most significant first."""
    total = sum(value << (32 * (_PARTS - 1 - part)) for part, value in enumerate(part_sums))
    return f"{total % (1 << 128):032x}"


FRAME_CHECKSUM_ROWS = 1 << 18
"""Rows encoded and hashed per step by `frame_checksum` (bounds the text held at once)."""


def frame_checksum(frame: pl.DataFrame, id_prefix: str | None = None) -> str:
    """`documents_checksum` of a columnar collection, without making its rows Python dicts.

    Polars writes each row as the same canonical JSON orjson writes for the document (names
    sorted, absent attributes left out, the same number and string forms), so the value is
    the one the same documents held as dicts get. The rows are hashed and summed inside
    polars (`_summed_in_polars`), which releases the GIL; per-row hashing in Python held it
    for ~0.6 s at 10^6 edges and ~7 s at 10^7, while other analyses waited.

    Args:
        frame: The documents' columns.
        id_prefix: When the frame leaves `_id` out, the text before `_key` in every document's
            `_id` (`ColumnarDocuments.id_prefix`): each row is hashed with its `_id`.
    """
    import polars as pl

    with_ids = [] if id_prefix is None else [(pl.lit(id_prefix) + pl.col("_key")).alias("_id")]
    if any(dtype == pl.Object for dtype in frame.dtypes):
        # Python objects (a frame built from mixed values) have no JSON encoding in polars.
        documents = frame.with_columns(with_ids).iter_rows(named=True)
        return documents_checksum(
            {name: value for name, value in row.items() if value is not None} for row in documents
        )
    held = [name for name in frame.columns if name != "_rev"]
    names = sorted([*held, "_id"] if with_ids else held)
    if not names:
        return _summed(ROW_HASH(b"{}") * frame.height)
    if not any(frame.select(held).null_count().row(0)):
        encoded = pl.struct(names).struct.json_encode().cast(pl.Binary)
    else:
        # `{"name":value}` with its braces removed is the member as orjson writes it; an
        # absent (null) attribute is left out.
        members = [
            pl.when(pl.col(name).is_not_null()).then(
                pl.struct(name).struct.json_encode().str.strip_prefix("{").str.strip_suffix("}")
            )
            for name in names
        ]
        joined = pl.concat_str(members, separator=",", ignore_nulls=True)
        encoded = pl.concat_str([pl.lit("{"), joined, pl.lit("}")]).cast(pl.Binary)
    return _summed_in_polars(frame, encoded, with_ids)


def _summed_in_polars(frame: pl.DataFrame, encoded: pl.Expr, added: list[pl.Expr]) -> str:
    """`_summed` of the XXH3-128 hashes of `encoded`'s rows, computed by polars.

    `encoded` reads `frame`'s rows with the `added` columns. polars-hash's `xxh3_128` is XXH3
    as specified (the value `ROW_HASH` gives, read as a big-endian integer); each hash is cut
    into four 32-bit parts summed in 64-bit integers (no overflow below 2^32 rows) and
    recombined modulo 2^128 (`_recombined`), as `_summed` does.
    """
    import polars as pl
    import polars_hash

    hashed = polars_hash.col("row").nchash.xxh3_128()
    parts = [
        (hashed // pl.lit(1 << (32 * (_PARTS - 1 - part)), dtype=pl.UInt128))
        .mod(pl.lit(1 << 32, dtype=pl.UInt128))
        .cast(pl.UInt64)
        .sum()
        .alias(f"part{part}")
        for part in range(_PARTS)
    ]
    sums = [0] * _PARTS
    for offset in range(0, frame.height, FRAME_CHECKSUM_ROWS):
        block = frame.slice(offset, FRAME_CHECKSUM_ROWS).lazy().with_columns(added)
        rows = block.select(encoded.alias("row"))
        for part, value in enumerate(rows.select(parts).collect().row(0)):
            sums[part] += int(value)
    return _recombined(sums)
