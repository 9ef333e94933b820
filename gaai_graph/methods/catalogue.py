"""The method catalogue as Markdown, generated from the registry so it cannot drift.

`python -m gaai_graph.methods.catalogue > docs/methods.md` writes docs/methods.md; a test
checks the file equals what this module generates.
"""

from __future__ import annotations

from gaai_graph.methods.base import Method, ParameterSpec
from gaai_graph.methods.registry import METHODS
from gaai_graph.methods.vocabulary import METHOD_NAMES

__all__ = ["catalogue_markdown"]

_HEADER = """# Methods

Every graph method gaai_graph can run, generated from the method registry
(`gaai_graph/methods/registry.py`) by `python -m gaai_graph.methods.catalogue > docs/methods.md`;
`tests/methods/test_catalogue.py` fails when this page is out of date.

- **Engines**: `local` runs in process on python-igraph; `GAE` also runs on ArangoDB's Graph
  Analytics Engine (DESIGN.md §4).
- **Named vertices** are given as ArangoDB ids (`collection/key`), several joined with `|`.
- **Answer**: methods that answer with a value state it first in the report, with its
  convention (normalised or not, hops or distance), and carry it in the report's `answer`
  field (`{kind, value, convention, method}`, see docs/report-contract.md).
- Computations live in `gaai_graph/methods/compute/` and are checked against NetworkX in
  `tests/methods/compute/`; the few written by hand (ArticleRank, bounded short cycles,
  sole-dependency cascades, Steiner 2-approximation, neighbourhood-similarity pair search,
  attribute k nearest, maximal independent set, conductance) say so in their docstrings.
"""


def _default(spec: ParameterSpec) -> str:
    if spec.default is None:
        return "null"
    if spec.default == "":
        return '""'
    return f"`{spec.default}`"


def _parameter_line(spec: ParameterSpec) -> str:
    kind = spec.kind if spec.kind != "choice" else " / ".join(spec.choices)
    bounds = []
    if spec.minimum is not None:
        bounds.append(f"{'>' if spec.exclusive_minimum else '≥'} {spec.minimum:g}")
    if spec.maximum is not None:
        bounds.append(f"{'<' if spec.exclusive_maximum else '≤'} {spec.maximum:g}")
    limits = f", {' and '.join(bounds)}" if bounds else ""
    return (
        f"  - `{spec.name}` ({kind}{limits}; default {_default(spec)}): "
        f"{' '.join(spec.description.split())}"
    )


def _engines(method: Method) -> str:
    engines = []
    if method.local is not None:
        engines.append("local")
    if method.gae is not None:
        engines.append(f"GAE (`{method.gae.endpoint}`)")
    return ", ".join(engines) or "none yet"


def _section(method: Method) -> list[str]:
    needs = method.needs
    lines = [
        f"### `{method.name}` — {method.long_name}",
        "",
        f"{method.description}",
        "",
        f"- Reference: {method.reference}",
        f"- Engines: {_engines(method)}",
        f"- Answers: {', '.join(method.intents)}",
        f"- Result: {method.kind}"
        + (f"; direction {needs.direction}" if needs.direction != "either" else "")
        + (f"; weights {needs.weights}" if needs.weights != "ignored" else "")
        + (f"; named vertices: {needs.named_entities}" if needs.named_entities != "none" else ""),
    ]
    if method.randomized:
        lines.append("- Randomised: the run's seed makes it reproducible")
    if method.parameters:
        lines.append("- Parameters:")
        lines.extend(_parameter_line(spec) for spec in method.parameters)
    else:
        lines.append("- Parameters: none")
    return [*lines, ""]


def catalogue_markdown() -> str:
    """The catalogue page: every registered method, grouped by family module."""
    lines = [_HEADER, f"{len(METHODS)} methods.", ""]
    missing = [name for name in METHOD_NAMES if name not in METHODS]
    if missing:
        lines += [
            "Named in the vocabulary but not declared yet: "
            + ", ".join(f"`{name}`" for name in missing)
            + ".",
            "",
        ]
    families: dict[str, list[Method]] = {}
    for method in METHODS.values():
        module = method.local.__module__ if method.local is not None else "other"
        families.setdefault(module.rsplit(".", 1)[-1], []).append(method)
    for family, methods in families.items():
        lines += [f"## {family.replace('_', ' ').capitalize()} (`{family}.py`)", ""]
        for method in methods:
            lines += _section(method)
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    print(catalogue_markdown(), end="")
