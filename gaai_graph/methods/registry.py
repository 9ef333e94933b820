"""The method registry: every method module's declarations, looked up by name or intent.

Nodes (template design, use cases, reports), the engines and the renderers read methods here
and never name an algorithm themselves. A family module lists its methods in `METHODS`; the
registry collects them in `_FAMILIES` order, which is also the order in which method names are
matched in a requirement: a method whose name contains another's ("strongly connected
components" ⊃ "connected components") must come first.
"""

from __future__ import annotations

import re
from types import ModuleType
from typing import TYPE_CHECKING, Any, Literal

from gaai_graph.errors import TemplateValidationError
from gaai_graph.methods import (
    centrality,
    centrality_extra,
    cohesion,
    colouring,
    communities,
    components,
    connectivity,
    cycles,
    dependencies,
    loops,
    partitions,
    paths,
    projection,
    sharing,
    similarity,
    trees,
)
from gaai_graph.methods.base import Method
from gaai_graph.methods.vocabulary import METHOD_NAMES
from gaai_graph.models import Intent

__all__ = [
    "METHODS",
    "RegisteredMethodName",
    "default_method",
    "get_method",
    "label_of",
    "methods_answering",
    "name_patterns",
    "validate_parameters",
]

_FAMILIES: tuple[ModuleType, ...] = (
    centrality,
    cohesion,
    cycles,
    # Shared identifiers answer rings by default; connected components stay available.
    sharing,
    components,
    communities,
    # Families answering with values (h21-methods); none declares use-case intents or
    # aliases yet, so the requirement matching order above is unchanged.
    centrality_extra,
    partitions,
    connectivity,
    dependencies,
    loops,
    paths,
    trees,
    similarity,
    colouring,
    projection,
)


def _collect() -> dict[str, Method]:
    methods: dict[str, Method] = {}
    for family in _FAMILIES:
        for method in family.METHODS:
            if method.name not in METHOD_NAMES:
                raise ValueError(f"{family.__name__}: {method.name!r} is not in METHOD_NAMES")
            if method.name in methods:
                raise ValueError(f"{family.__name__}: method {method.name!r} declared twice")
            methods[method.name] = method
    return methods


METHODS: dict[str, Method] = _collect()
"""Every declared method by name, in family order."""

if TYPE_CHECKING:
    RegisteredMethodName = str
else:
    # A Literal built from the registry, so structured model output is constrained to the
    # methods an engine runs (a JSON-schema enum) and a wrong name fails validation early.
    RegisteredMethodName = Literal[tuple(METHODS)]


def get_method(name: str) -> Method:
    """Return method `name`, or raise a clear error naming the known ones.

    Raises:
        TemplateValidationError: no method of that name is declared.
    """
    method = METHODS.get(name)
    if method is None:
        known = ", ".join(sorted(METHODS))
        raise TemplateValidationError(f"unknown algorithm {name!r}; known algorithms: {known}")
    return method


def label_of(name: str) -> str:
    """Short name of method `name` for titles and notes; the name itself when unknown."""
    method = METHODS.get(name)
    return method.label if method is not None else name


def validate_parameters(name: str, parameters: dict[str, Any]) -> dict[str, Any]:
    """Check `parameters` for method `name` and return them with defaults filled in.

    Args:
        name: A registered method name.
        parameters: Parameters as given by a template (may omit any with a default).

    Returns:
        Every parameter the method accepts, each coerced to its type.

    Raises:
        TemplateValidationError: the method is unknown, a parameter is unknown, of the wrong
            type, or out of range.
    """
    return get_method(name).validate(parameters)


def default_method(intent: Intent) -> Method:
    """The method whose projection rule answers use-case intent `intent` by default.

    Raises:
        KeyError: no method is the default for `intent`.
    """
    for method in METHODS.values():
        if intent in method.default_for and method.design is not None:
            return method
    raise KeyError(f"no method answers {intent!r} by default")


def methods_answering(intent: Intent) -> frozenset[str]:
    """Names of the methods that answer use-case intent `intent` when a requirement names them."""
    return frozenset(m.name for m in METHODS.values() if intent in m.use_case_intents)


def name_patterns() -> list[tuple[Method, re.Pattern[str]]]:
    """How people name each method in a requirement, in matching order."""
    return [
        (method, re.compile(rf"\b(?:{method.aliases})\b", re.IGNORECASE))
        for method in METHODS.values()
        if method.aliases and method.use_case_intents
    ]
