"""Names for entities in text: "Mr. Hi [people/1]", never a bare id when the data has a name.

The label attribute is chosen from the data, per collection, by the same general rule for every
graph: a mostly-string attribute present on at least half the collection's vertices whose values
tell at least half of them apart, preferring conventional label names (`LABEL_PREFERENCE`), then
names ending in name/title/label. E-mail-like values are never printed (reports must not spread
contact data): such an entity is shown by its id.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Final

__all__ = [
    "LABEL_PREFERENCE",
    "Namer",
    "choose_label_attribute",
    "display_name",
    "join_names",
]

LABEL_PREFERENCE: Final[tuple[str, ...]] = (
    "name",
    "full_name",
    "display_name",
    "title",
    "label",
    "username",
    "user_name",
    "handle",
    "screen_name",
    "nickname",
    "hostname",
    "sku",
    "code",
)
"""Attributes that conventionally hold a human label, best first."""

_LABEL_SUFFIXES: Final[tuple[str, ...]] = ("name", "title", "label")
_SAMPLE = 5000
_MIN_PRESENCE = 0.5
_MIN_DISTINCT = 0.5
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")


def _collection(vertex_id: str) -> str:
    return vertex_id.split("/", 1)[0] if "/" in vertex_id else ""


def _key(vertex_id: str) -> str:
    return vertex_id.split("/", 1)[1] if "/" in vertex_id else vertex_id


def choose_label_attribute(
    columns: Mapping[str, Sequence[object]], rows: Sequence[int] | None = None
) -> str | None:
    """Pick the attribute that best labels these vertices for people, or None.

    Args:
        columns: Attribute name -> one value per vertex (None where absent).
        rows: Vertex indices to judge on (default: all).

    Returns:
        The chosen attribute, or None when none is present, string-valued and distinctive
        enough.
    """
    candidates: dict[str, float] = {}
    chosen_rows = list(rows) if rows is not None else None
    for name, column in columns.items():
        if name.startswith("_"):
            continue
        indices = chosen_rows if chosen_rows is not None else range(len(column))
        # An even sample tells presence and distinctness as well as the whole collection.
        step = max(1, len(indices) // _SAMPLE)
        values = [column[i] for i in indices[::step]]
        if not values:
            continue
        strings = [v.strip() for v in values if isinstance(v, str) and v.strip()]
        presence = len(strings) / len(values)
        distinct = len(set(strings)) / len(strings) if strings else 0.0
        if presence >= _MIN_PRESENCE and distinct >= _MIN_DISTINCT:
            candidates[name] = presence * distinct
    lowered = {name.lower(): name for name in candidates}
    for preferred in LABEL_PREFERENCE:
        if preferred in lowered:
            return lowered[preferred]
    suffixed = [name for low, name in lowered.items() if low.endswith(_LABEL_SUFFIXES)]
    if not suffixed:
        return None
    return max(suffixed, key=lambda name: (candidates[name], name))


def display_name(vertex_id: str, label: object = None) -> str:
    """How an entity appears in text: "label [id]", or the id alone when there is no label.

    Args:
        vertex_id: ``collection/key``.
        label: A human label (name, title...), or None.

    Returns:
        The display text. A label that is empty, e-mail-like, or just the key or id is dropped.
    """
    text = str(label).strip() if label is not None else ""
    if not text or _EMAIL.search(text) or text in (vertex_id, _key(vertex_id)):
        return vertex_id
    return f"{text} [{vertex_id}]"


def join_names(names: Sequence[str], *, limit: int = 5) -> str:
    """Names joined for a sentence: "A, B and C"; beyond `limit`, "A, B, C and 4 more"."""
    if not names:
        return ""
    shown = list(names[:limit])
    rest = len(names) - len(shown)
    if rest > 0:
        return f"{', '.join(shown)} and {rest} more"
    if len(shown) == 1:
        return shown[0]
    return f"{', '.join(shown[:-1])} and {shown[-1]}"


class Namer:
    """Names vertices by index or id, with the label attribute chosen per collection."""

    def __init__(self, vertex_ids: Sequence[str], labels: Sequence[object] | None = None) -> None:
        """Create a namer from ids and (optionally) one label per vertex.

        Args:
            vertex_ids: ``collection/key`` per vertex index.
            labels: A label per vertex index (None where there is none).
        """
        self._ids = list(vertex_ids)
        self._labels: list[object] = list(labels) if labels is not None else [None] * len(self._ids)
        self._index = {vertex_id: i for i, vertex_id in enumerate(self._ids)}
        self._pattern: re.Pattern[str] | None = None
        self.label_attributes: dict[str, str | None] = {}
        """Collection -> label attribute chosen (filled by `from_columns`)."""

    @classmethod
    def from_columns(
        cls, vertex_ids: Sequence[str], columns: Mapping[str, Sequence[object]]
    ) -> Namer:
        """Create a namer choosing each collection's label attribute from the attributes.

        Args:
            vertex_ids: ``collection/key`` per vertex index.
            columns: Attribute name -> one value per vertex index (None where absent).

        Returns:
            The namer; `label_attributes` says which attribute each collection uses.
        """
        by_collection: dict[str, list[int]] = {}
        for index, vertex_id in enumerate(vertex_ids):
            by_collection.setdefault(_collection(vertex_id), []).append(index)
        labels: list[object] = [None] * len(vertex_ids)
        chosen: dict[str, str | None] = {}
        for collection, rows in by_collection.items():
            attribute = choose_label_attribute(columns, rows)
            chosen[collection] = attribute
            if attribute is not None:
                for row in rows:
                    labels[row] = columns[attribute][row]
        namer = cls(vertex_ids, labels)
        namer.label_attributes = chosen
        return namer

    @classmethod
    def from_labels(cls, labels: Mapping[str, object]) -> Namer:
        """Create a namer from vertex id -> label (e.g. `ExecutionResult.names`)."""
        return cls(list(labels), list(labels.values()))

    def label_of(self, vertex_id: str) -> str | None:
        """The label shown for a vertex id, or None when it is shown by its id alone."""
        shown = self(vertex_id)
        return None if shown == vertex_id else shown[: -len(vertex_id) - 3]

    def named_text(self, text: str) -> tuple[str, list[str]]:
        """`text` with each id this namer knows written as "Label [id]".

        An id already written after its label ("Label [id]" or "Label (id)") is left as it
        is, so the pass can run over text that names some entities itself.

        Args:
            text: A sentence that may quote vertex ids.

        Returns:
            The text, and the ids that appear in it named (in order of first appearance).
        """
        if not text or not self._index:
            return text, []
        if self._pattern is None:
            known = sorted(
                (i for i in self._index if self.label_of(i) is not None), key=len, reverse=True
            )
            if not known:
                self._pattern = re.compile(r"(?!x)x")  # matches nothing
            else:
                alternatives = "|".join(re.escape(vertex_id) for vertex_id in known)
                self._pattern = re.compile(rf"(?<![\w/])(?:{alternatives})(?![\w/])")
        named: dict[str, None] = {}
        pieces: list[str] = []
        position = 0
        for match in self._pattern.finditer(text):
            vertex_id = match.group()
            label = self.label_of(vertex_id) or ""
            before = text[: match.start()]
            named[vertex_id] = None
            if before.endswith((f"{label} [", f"{label} (")):
                continue
            pieces.append(text[position : match.start()])
            pieces.append(f"{label} [{vertex_id}]")
            position = match.end()
        pieces.append(text[position:])
        return "".join(pieces), list(named)

    def id_of(self, item: int | str) -> str:
        """The vertex id of an index (an id is returned unchanged)."""
        return self._ids[item] if isinstance(item, int) else item

    def __call__(self, item: int | str) -> str:
        """Display name of a vertex given by index or id ("Mr. Hi [people/1]")."""
        if isinstance(item, int):
            return display_name(self._ids[item], self._labels[item])
        index = self._index.get(item)
        return display_name(item, self._labels[index] if index is not None else None)

    def names(self, items: Iterable[int | str], *, limit: int = 5) -> str:
        """Display names joined for a sentence ("A [x], B [y] and 3 more")."""
        return join_names([self(item) for item in items], limit=limit)
