"""Attribute profiles of one collection: JSON types, presence and distinctness, on a sample.

Profiles are computed on an evenly spaced sample of `ATTRIBUTE_SAMPLE_SIZE` (1,000) documents
per collection (every document when the collection is smaller): document `i * n // size` for
`i` in `0..size-1`, so the sample is deterministic and covers the whole collection rather than
its head. Counts, edge endpoint pairs and dangling edges are never sampled (see
`gaai_graph.nodes.schema_edges`).

Two paths give the same profiles. Documents held as columns (`columnar_frame` returns a polars
DataFrame) are sampled with one gather and profiled column by column: a column's polars type
gives the JSON type of all its values (String -> string, integers and floats -> number, Boolean
-> boolean) and its cardinality comes from `n_unique`. Columns of any other type (lists and
structs, whose distinct values are compared as sorted JSON text; `Object` columns holding mixed
Python values; dates, decimals) are profiled value by value on the sample, the way the dict
path reads them, so the cost is bounded by the sample size. Other documents (lists of dicts,
the live source's streamed collections) are profiled from dicts.

A frame cell that is null reads as a missing attribute, so on columns an attribute is present
where its cell is not null; a document read as a dict from a `ColumnarDocuments` drops the same
cells, so both paths agree on the same frame. (A frame cannot tell `{"x": null}` from a
document without `x`, and polars gives an attribute holding both numbers and strings one type
when it builds the frame: those differences come from how the frame was built, not from the
profile.)
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from gaai_graph.models import AttributeProfile
from gaai_graph.sources.columnar import columnar_frame

if TYPE_CHECKING:
    import polars as pl

__all__ = [
    "ATTRIBUTE_SAMPLE_SIZE",
    "SYSTEM_ATTRIBUTES",
    "collection_attributes",
    "profile_attributes",
    "profile_frame_attributes",
    "sample_documents",
    "sample_positions",
]

ATTRIBUTE_SAMPLE_SIZE = 1000
"""Documents per collection whose attributes are profiled (evenly spaced, deterministic)."""

SYSTEM_ATTRIBUTES = frozenset({"_key", "_id", "_rev", "_from", "_to"})


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | tuple):
        return "array"
    return "object"


def _hashable(value: Any) -> Any:
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, sort_keys=True, default=str)
    return value


def sample_positions(total: int, size: int) -> range | list[int]:
    """Positions of the evenly spaced sample of `size` out of `total` documents.

    Args:
        total: Documents in the collection.
        size: Documents wanted; every document when `total <= size`, none when `size <= 0`.

    Returns:
        Increasing positions, `index * total // size` for each sampled index.
    """
    if size <= 0:
        return []
    if total <= size:
        return range(total)
    return [index * total // size for index in range(size)]


def sample_documents(documents: Sequence[dict[str, Any]], size: int) -> Sequence[dict[str, Any]]:
    """The evenly spaced sample of `documents` (see `sample_positions`) as dicts."""
    if 0 < len(documents) <= size:
        return documents
    return [documents[position] for position in sample_positions(len(documents), size)]


def _profiles(
    counted: int,
    present: Counter[str],
    types: dict[str, Counter[str]],
    distinct: dict[str, int],
    non_null: Counter[str],
) -> list[AttributeProfile]:
    profiles = [
        AttributeProfile(
            name=name,
            # Ties broken by type name so the order never depends on dict iteration.
            types=[t for t, _ in sorted(types[name].items(), key=lambda item: (-item[1], item[0]))],
            presence=present[name] / counted,
            distinct_ratio=(distinct[name] / non_null[name]) if non_null[name] else None,
        )
        for name in present
    ]
    profiles.sort(key=lambda p: (-p.presence, p.name))
    return profiles


def profile_attributes(documents: Iterable[dict[str, Any]]) -> list[AttributeProfile]:
    """Profile the attributes of `documents` (already sampled), read as dicts.

    Args:
        documents: The sampled documents.

    Returns:
        One profile per non-system attribute, most present first, then by name.
    """
    types: dict[str, Counter[str]] = {}
    present: Counter[str] = Counter()
    values: dict[str, set[Any]] = {}
    non_null: Counter[str] = Counter()
    counted = 0
    for document in documents:
        counted += 1
        for name, value in document.items():
            if name in SYSTEM_ATTRIBUTES:
                continue
            present[name] += 1
            types.setdefault(name, Counter())[_json_type(value)] += 1
            if value is not None:
                non_null[name] += 1
                values.setdefault(name, set()).add(_hashable(value))
    if not counted:
        return []
    distinct = {name: len(found) for name, found in values.items()}
    return _profiles(counted, present, types, distinct, non_null)


def _column_json_type(dtype: pl.DataType) -> str | None:
    """The JSON type of every value of a column of `dtype`, or None to read the values."""
    import polars as pl

    if dtype == pl.String:
        return "string"
    if dtype.is_integer() or dtype.is_float():  # not Decimal: its cells are no JSON number
        return "number"
    if dtype == pl.Boolean:
        return "boolean"
    return None


def _distinct_values(column: pl.Series) -> int:
    """Distinct non-null values, counted as a Python set of the cells would count them."""
    values = column.drop_nulls()
    if values.dtype.is_float():
        # A set keeps every NaN (NaN != NaN); n_unique folds them into one.
        nan = values.is_nan()
        return values.filter(~nan).n_unique() + int(nan.sum())
    return values.n_unique()


def profile_frame_attributes(frame: pl.DataFrame) -> list[AttributeProfile]:
    """Profile the attributes of `frame` (already sampled), column by column.

    Gives what `profile_attributes` gives on the frame's rows read as dicts (null cells left
    out); see the module docstring for how a column's type maps to a JSON type.

    Args:
        frame: The sampled documents, one column per attribute.

    Returns:
        One profile per non-system attribute present on a sampled document, most present
        first, then by name.
    """
    counted = frame.height
    if not counted:
        return []
    types: dict[str, Counter[str]] = {}
    present: Counter[str] = Counter()
    distinct: dict[str, int] = {}
    for name, dtype in frame.schema.items():
        if name in SYSTEM_ATTRIBUTES:
            continue
        column = frame.get_column(name)
        filled = counted - column.null_count()
        if not filled:
            continue  # on no sampled document: the dict path never sees it
        present[name] = filled
        json_type = _column_json_type(dtype)
        if json_type is not None:
            types[name] = Counter({json_type: filled})
            distinct[name] = _distinct_values(column)
            continue
        # Lists, structs, Object, dates, decimals: the cells' Python values decide, as in dicts.
        cells = column.drop_nulls().to_list()
        types[name] = Counter(_json_type(value) for value in cells)
        distinct[name] = len({_hashable(value) for value in cells})
    return _profiles(counted, present, types, distinct, present)


def collection_attributes(
    documents: Sequence[dict[str, Any]], sample_size: int = ATTRIBUTE_SAMPLE_SIZE
) -> list[AttributeProfile]:
    """Attribute profiles of one collection's evenly spaced sample of `sample_size` documents.

    Args:
        documents: The collection's documents (columnar or dicts).
        sample_size: Documents profiled at most.

    Returns:
        The profiles (see `profile_attributes`), from columns when the documents are columnar.
    """
    frame = columnar_frame(documents)
    if frame is None:
        return profile_attributes(sample_documents(documents, sample_size))
    attributes = [name for name in frame.columns if name not in SYSTEM_ATTRIBUTES]
    if not attributes:
        return []  # (a frame of no columns has no rows either)
    positions = sample_positions(frame.height, sample_size)
    sample = frame.select(attributes)
    if len(positions) < frame.height:
        sample = sample[list(positions)]
    return profile_frame_attributes(sample)
