"""How a path answer words its measure and its places: hops or a weight's unit, labels.

A route's length is hops unless a weight attribute is used; then it is that attribute's sum,
stated in the unit the attribute's name carries ("distance_km" -> km, "travel_minutes" ->
minutes) so that "14.39 km" answers "how far", and the attribute is named in the convention.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from gaai_graph.methods.base import LocalJob

__all__ = ["convention_unit", "label_of", "labels_of", "unit_of", "unit_word"]

_UNITS: dict[str, str] = {
    "km": "km",
    "kms": "km",
    "kilometre": "km",
    "kilometres": "km",
    "kilometer": "km",
    "kilometers": "km",
    "m": "m",
    "metre": "m",
    "metres": "m",
    "meter": "m",
    "meters": "m",
    "mi": "miles",
    "mile": "miles",
    "miles": "miles",
    "min": "minutes",
    "mins": "minutes",
    "minute": "minutes",
    "minutes": "minutes",
    "h": "hours",
    "hr": "hours",
    "hrs": "hours",
    "hour": "hours",
    "hours": "hours",
    "s": "seconds",
    "sec": "seconds",
    "secs": "seconds",
    "second": "seconds",
    "seconds": "seconds",
}
"""Unit words an attribute name may end or start with, and how the answer states them."""


def unit_of(attribute: str | None) -> str | None:
    """The unit an attribute's name carries ("distance_km" -> "km"), or None.

    Args:
        attribute: A numeric edge attribute's name, or None (hops).

    Returns:
        The unit word, or None when the name carries none.
    """
    if not attribute:
        return None
    spaced = re.sub(r"([a-z])([A-Z])", r"\1_\2", attribute).lower()
    parts = [part for part in re.split(r"[^a-z]+", spaced) if part]
    for part in parts[-1:] + parts[:1]:
        if part in _UNITS:
            return _UNITS[part]
    return None


def unit_word(attribute: str | None) -> str:
    """What a length is counted in: "hops", the attribute's unit, or "total <attribute>"."""
    if not attribute:
        return "hops"
    return unit_of(attribute) or f"total {attribute}"


def convention_unit(attribute: str | None) -> str:
    """The measure for a convention: "hops", "km (sum of distance_km)" or "total weight"."""
    unit = unit_of(attribute)
    if not attribute or unit is None:
        return unit_word(attribute)
    return f"{unit} (sum of {attribute})"


def label_of(job: LocalJob, index: int) -> str:
    """A vertex's human label (its id when it has none)."""
    labels = job.data.labels
    if 0 <= index < len(labels) and labels[index]:
        return str(labels[index])
    return job.data.vertex_ids[index]


def labels_of(job: LocalJob, indices: Sequence[int]) -> list[str]:
    """Human labels of vertex indices."""
    return [label_of(job, i) for i in indices]
