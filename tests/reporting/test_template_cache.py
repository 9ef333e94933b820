"""The compiled-template cache saves compilation and never changes or loses a page."""

from __future__ import annotations

import pickle
from pathlib import Path

import jinja2
import pytest
from jinja2.bccache import bc_magic

from gaai_graph.reporting import html
from gaai_graph.reporting.template_cache import bytecode_cache

_OPTIONS = {"autoescape": True, "trim_blocks": True, "lstrip_blocks": True}
_SOURCE = "{% for x in items %}\n  <b>{{ x }}</b>\n{% endfor %}\n"


def _environment(templates: Path, cache: jinja2.BytecodeCache | None, **options: bool):
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates), bytecode_cache=cache, **options
    )


def _templates(tmp_path: Path, source: str = _SOURCE) -> Path:
    folder = tmp_path / "templates"
    folder.mkdir(exist_ok=True)
    (folder / "page.j2").write_text(source)
    return folder


def test_a_second_process_reuses_the_compiled_template(tmp_path, monkeypatch):
    templates = _templates(tmp_path)
    cache_dir = tmp_path / "cache"
    first = _environment(templates, bytecode_cache(_OPTIONS, cache_dir), **_OPTIONS)
    expected = first.get_template("page.j2").render(items=["a<", "b"])
    assert list(cache_dir.iterdir()), "the compiled template was not stored"

    def no_compiling(*args, **kwargs):
        raise AssertionError("compiled again although the cache holds the template")

    second = _environment(templates, bytecode_cache(_OPTIONS, cache_dir), **_OPTIONS)
    monkeypatch.setattr(second, "compile", no_compiling)
    assert second.get_template("page.j2").render(items=["a<", "b"]) == expected
    assert expected == _environment(templates, None, **_OPTIONS).get_template("page.j2").render(
        items=["a<", "b"]
    )


def test_an_edited_template_is_compiled_again(tmp_path):
    templates = _templates(tmp_path)
    cache_dir = tmp_path / "cache"
    render = _environment(templates, bytecode_cache(_OPTIONS, cache_dir), **_OPTIONS)
    assert "<b>a</b>" in render.get_template("page.j2").render(items=["a"])
    (templates / "page.j2").write_text("<i>{{ items | length }}</i>")
    again = _environment(templates, bytecode_cache(_OPTIONS, cache_dir), **_OPTIONS)
    assert again.get_template("page.j2").render(items=["a"]) == "<i>1</i>"


def test_other_options_do_not_share_compiled_code(tmp_path):
    templates = _templates(tmp_path)
    cache_dir = tmp_path / "cache"
    loose = {"autoescape": True, "trim_blocks": False, "lstrip_blocks": False}
    trimmed = _environment(templates, bytecode_cache(_OPTIONS, cache_dir), **_OPTIONS)
    trimmed_page = trimmed.get_template("page.j2").render(items=["a"])
    untrimmed = _environment(templates, bytecode_cache(loose, cache_dir), **loose)
    untrimmed_page = untrimmed.get_template("page.j2").render(items=["a"])
    assert untrimmed_page == _environment(templates, None, **loose).get_template("page.j2").render(
        items=["a"]
    )
    assert trimmed_page != untrimmed_page


def test_an_unusable_directory_means_no_cache(tmp_path):
    not_a_directory = tmp_path / "file"
    not_a_directory.write_text("")
    assert bytecode_cache(_OPTIONS, not_a_directory) is None


def test_a_cache_that_cannot_be_written_or_read_still_renders(tmp_path):
    templates = _templates(tmp_path)
    cache_dir = tmp_path / "cache"
    cache = bytecode_cache(_OPTIONS, cache_dir)
    assert cache is not None
    cache_dir.rmdir()  # writing the compiled code now fails
    page = _environment(templates, cache, **_OPTIONS).get_template("page.j2")
    assert "<b>a</b>" in page.render(items=["a"])

    cache_dir.mkdir()
    _environment(templates, bytecode_cache(_OPTIONS, cache_dir), **_OPTIONS).get_template("page.j2")
    (stored,) = cache_dir.iterdir()
    stored.write_bytes(bc_magic + b"not a pickle")
    with pytest.raises(pickle.UnpicklingError):
        pickle.loads(b"not a pickle")
    again = _environment(templates, bytecode_cache(_OPTIONS, cache_dir), **_OPTIONS)
    assert "<b>a</b>" in again.get_template("page.j2").render(items=["a"])


def test_report_pages_are_rendered_through_the_cache():
    html._environment.cache_clear()
    try:
        assert isinstance(html._environment().bytecode_cache, jinja2.FileSystemBytecodeCache)
    finally:
        html._environment.cache_clear()
