"""Wording shared by the requirement rules: word patterns, and the priority a wording implies.

"must", "critical", "urgent" make a requirement high priority; "nice to have", "optional",
"could" low; anything else medium.
"""

from __future__ import annotations

import re

from gaai_graph.models import Priority

__all__ = ["classify_priority", "is_demo_source", "word_set", "words"]


def word_set(text: str) -> frozenset[str]:
    """The whitespace-separated words of `text` as a set."""
    return frozenset(text.split())


def words(*alternatives: str) -> re.Pattern[str]:
    """A case-insensitive pattern matching any of `alternatives` as whole words."""
    return re.compile(rf"\b(?:{'|'.join(alternatives)})\b", re.IGNORECASE)


_HIGH_PRIORITY = words(
    r"must",
    r"mustn't",
    r"shall",
    r"critical",
    r"critically",
    r"urgent",
    r"urgently",
    r"essential",
    r"mandatory",
    r"required",
    r"crucial",
    r"vital",
    r"asap",
    r"immediately",
    r"blockers?",
    r"(?:top|high|highest|first) priority",
    r"p[01]",
)
_LOW_PRIORITY = words(
    r"nice[- ]to[- ]have",
    r"optional(?:ly)?",
    r"if (?:possible|time (?:permits|allows))",
    r"would be nice",
    r"eventually",
    r"(?:low|lowest) priority",
    r"stretch(?: goal)?",
    r"p[34]",
    r"^could",
    r"(?:we|it|this|that|you|they|analysis|report|reports|tool|system|team|user|users) could",
)
_MEDIUM_PRIORITY = words(r"should", r"shouldn't", r"(?:medium|normal) priority", r"p2")


def classify_priority(text: str) -> Priority:
    """Return the priority a statement's wording implies (medium when it implies none).

    Args:
        text: The statement.

    Returns:
        "high" for must/critical/urgent wording, "low" for could/nice to have/optional,
        otherwise "medium".
    """
    if _HIGH_PRIORITY.search(text):
        return "high"
    if _LOW_PRIORITY.search(text):
        return "low"
    return "medium"


def is_demo_source(source: str) -> bool:
    """Return True for the bundled demo source ("demo" or "demo:<scale>")."""
    return source == "demo" or source.startswith("demo:")
