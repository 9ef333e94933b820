from __future__ import annotations

from pathlib import Path

from gaai_graph.methods.catalogue import catalogue_markdown
from gaai_graph.methods.registry import METHODS

DOC = Path(__file__).resolve().parents[2] / "docs" / "methods.md"


def test_docs_methods_page_is_current():
    assert DOC.read_text(encoding="utf-8") == catalogue_markdown(), (
        "docs/methods.md is out of date: run "
        "`python -m gaai_graph.methods.catalogue > docs/methods.md`"
    )


def test_every_method_has_a_reference_engines_and_its_parameters_listed():
    page = catalogue_markdown()
    assert len(METHODS) >= 35
    for name, method in METHODS.items():
        section = page.split(f"### `{name}`", 1)[1].split("### ", 1)[0]
        assert method.reference in section
        assert "- Engines: local" in section
        for spec in method.parameters:
            assert f"`{spec.name}`" in section
