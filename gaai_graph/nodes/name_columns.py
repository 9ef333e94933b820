"""Vertex names looked up in columns: the `EntityLookup` of a graph held as polars frames.

`questions.NameIndex` puts every vertex's names in a Python dict, one `add` per name: ~1 s
per million vertices, spent before the first question is read. When every vertex collection
is held as columns (`gaai_graph.sources.columnar.ColumnarDocuments`), `ColumnarNames`
normalises the name columns with polars expressions instead and finds names with
`KeyRows` (hashed once), so a look-up costs what it finds; display names are read from the
few rows asked for. It answers exactly as a `NameIndex` built over the same documents
would (same ids in the same order, same labels, same near matches): the normal form is
`questions.text.normalise_name`, computed by the same rule on whole columns for ASCII text
and by that function itself for the rest.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from gaai_graph.key_rows import KeyRows
from gaai_graph.questions.entities import (
    FULL_SCAN_LIMIT,
    MAX_NAME_WORDS,
    NAME_ATTRIBUTES,
    SAMPLE_SIZE,
    nearest_candidates,
)
from gaai_graph.questions.models import Candidate
from gaai_graph.questions.text import normalise_name

if TYPE_CHECKING:
    import polars as pl

__all__ = ["ColumnarNames"]

_REMEMBERED = 50_000
"""Most exact look-ups remembered (a pasted document can try many word runs)."""


def _normalised(values: pl.Expr) -> pl.Expr:
    """`normalise_name` of every ASCII cell, as one polars expression (others: null)."""
    import polars as pl

    ascii_text = values.str.len_bytes() == values.str.len_chars()  # UTF-8: one byte a char
    folded = (
        values.str.to_lowercase()
        .str.replace_all(r"['`]", "")
        .str.replace_all(r"[^0-9a-z]+", " ")
        .str.strip_chars(" ")
    )
    return pl.when(ascii_text).then(folded).otherwise(None)


@dataclass
class _Collection:
    name: str
    frame: pl.DataFrame
    attributes: list[str]
    """Name attributes present, in the order a `NameIndex` reads them."""
    keys: KeyRows | None = None


class ColumnarNames:
    """An `EntityLookup` over columns (see the module docstring).

    Args:
        frames: Vertex collection name -> its documents as a frame (at least `_key`).
        labels: Vertex collection name -> its label attribute (`label_attributes` of the
            analysed schema), read before the usual name attributes; absent or None: none.
    """

    def __init__(self, frames: dict[str, pl.DataFrame], labels: Mapping[str, str | None]) -> None:
        import polars as pl

        self._collections: list[_Collection] = []
        parts = []
        for name, frame in frames.items():
            if "_key" not in frame.columns:
                continue
            label = labels.get(name)
            preferred = [label] if label else []
            head = frame.head(SAMPLE_SIZE)
            attributes = [
                attribute
                for attribute in dict.fromkeys([*preferred, *NAME_ATTRIBUTES])
                if attribute in frame.columns and head[attribute].null_count() < head.height
            ]
            frame = frame.select(["_key", *attributes]).with_columns(
                pl.col("_key").cast(pl.String, strict=False)
            )
            self._collections.append(_Collection(name, frame, attributes))
            parts.extend(self._names(len(self._collections) - 1, frame, attributes))
        names = (
            pl.concat(parts, how="vertical")
            if parts
            else pl.DataFrame(
                schema={
                    "name": pl.String,
                    "collection": pl.Int32,
                    "row": pl.Int64,
                    "attribute": pl.Int32,
                    "item": pl.Int64,
                }
            )
        )
        self._table = names.filter(pl.col("name") != "")
        self._rows = KeyRows(self._table["name"])
        self._exact: dict[str, tuple[str, ...]] = {}
        """Answers given so far: questions try the same word runs again and again."""
        spaces = self._table["name"].str.count_matches(" ").max()
        words = int(cast(int, spaces)) + 1 if spaces is not None else 1
        self._longest = max(1, min(words, MAX_NAME_WORDS))
        self._distinct: pl.Series | None = None
        self._choices: list[str] | None = None
        self._by_initial: dict[str, list[str]] = {}
        """Names by first character, filled for the characters asked about."""

    @staticmethod
    def _names(number: int, frame: pl.DataFrame, attributes: list[str]) -> list[pl.DataFrame]:
        """Every (name, collection, row, attribute, item) a `NameIndex` would add, by attribute.

        A document without `_key` is skipped; an attribute without text adds nothing.
        """
        import polars as pl

        parts = []
        for position, attribute in enumerate([*attributes, "_key"]):
            values = pl.DataFrame({"value": frame[attribute], "_key": frame["_key"]})
            values = values.with_row_index("row").filter(pl.col("_key").is_not_null())
            dtype = frame.schema[attribute]
            if dtype == pl.String:
                values = values.with_columns(pl.lit(0, dtype=pl.Int64).alias("item"))
            elif isinstance(dtype, pl.List) and dtype.inner == pl.String:
                values = values.explode("value").with_columns(
                    pl.int_range(pl.len(), dtype=pl.Int64).over("row").alias("item")
                )
            else:
                continue
            values = values.filter(pl.col("value").is_not_null())
            names = values.select(_normalised(pl.col("value"))).to_series()
            outside_ascii = names.is_null().arg_true()
            if len(outside_ascii):  # text outside ASCII: the Python rule itself
                texts = values["value"].gather(outside_ascii).to_list()
                names = names.scatter(outside_ascii, [normalise_name(text) for text in texts])
            parts.append(
                pl.DataFrame(
                    {
                        "name": names,
                        "collection": pl.repeat(number, len(names), dtype=pl.Int32, eager=True),
                        "row": values["row"].cast(pl.Int64),
                        "attribute": pl.repeat(position, len(names), dtype=pl.Int32, eager=True),
                        "item": values["item"],
                    }
                )
            )
        return parts

    @property
    def max_words(self) -> int:
        """The most words any indexed name has (capped at `MAX_NAME_WORDS`)."""
        return self._longest

    def exact(self, normalised: str) -> Sequence[str]:
        """Vertex ids indexed under this normal form, in the order a `NameIndex` lists them."""
        found = self._exact.get(normalised)
        if found is None:
            if len(self._exact) >= _REMEMBERED:
                self._exact.clear()
            found = self._exact[normalised] = self._look_up(normalised)
        return found

    def _look_up(self, normalised: str) -> tuple[str, ...]:
        _, rows = self._rows.rows_of([normalised])
        if not len(rows):
            return ()
        hits = self._table[rows.tolist()].sort(["collection", "row", "attribute", "item"])
        ids: dict[str, None] = {}
        for number, row in hits.select("collection", "row").iter_rows():
            collection = self._collections[number]
            ids.setdefault(f"{collection.name}/{collection.frame['_key'][row]}", None)
        return tuple(ids)

    def label(self, vertex_id: str) -> str:
        """The display name (the first name of the vertex's first document), else the key."""
        name, _, key = vertex_id.partition("/")
        fallback = vertex_id.split("/", 1)[-1]
        collection = next((c for c in self._collections if c.name == name), None)
        if collection is None or not key:
            return fallback
        if collection.keys is None:
            collection.keys = KeyRows(collection.frame["_key"])
        _, rows = collection.keys.rows_of([key])
        for row in rows.tolist():
            document = collection.frame.row(row, named=True)
            for attribute in collection.attributes:
                value: Any = document.get(attribute)
                for item in value if isinstance(value, list) else [value]:
                    if isinstance(item, str) and normalise_name(item):
                        return item
        return fallback

    def _distinct_names(self) -> pl.Series:
        """Every indexed name once, in the order a `NameIndex` first adds it."""
        if self._distinct is None:
            ordered = self._table.sort(["collection", "row", "attribute", "item"])
            self._distinct = ordered["name"].unique(maintain_order=True)
        return self._distinct

    def _choices_for(self, normalised: str) -> list[str]:
        """The names a near match is searched among, as `NameIndex` chooses them.

        Above `FULL_SCAN_LIMIT` names, those sharing the query's first character: that
        bucket alone is filtered out of the column and made Python strings (a dict of every
        name by initial, as `names_by_initial` builds, costs a Python step per vertex name).
        """
        distinct = self._distinct_names()
        if distinct.len() <= FULL_SCAN_LIMIT:
            if self._choices is None:
                self._choices = distinct.to_list()
            return self._choices
        initial = normalised[:1]
        bucket = self._by_initial.get(initial)
        if bucket is None:
            bucket = distinct.filter(distinct.str.starts_with(initial)).to_list() if initial else []
            self._by_initial[initial] = bucket
        return bucket

    def nearest(self, normalised: str, limit: int) -> list[Candidate]:
        """The closest indexed names by RapidFuzz's WRatio, one candidate per vertex."""
        return nearest_candidates(self, normalised, self._choices_for(normalised), limit)
