"""`gaai_graph.sources`: the bounded graph cache and the bounds of `demo:<scale>`."""

from __future__ import annotations

import math

import pytest

from gaai_graph import sources
from gaai_graph.errors import SourceError
from gaai_graph.sources import MAX_DEMO_SCALE, demo_scale, load_graph_sync


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    sources._cache.clear()


@pytest.mark.parametrize("scale", ["1e9", "0", "0.1", "nan", "inf", "-inf", "-3", "five", ""])
def test_demo_scales_outside_the_bounds_are_refused_in_one_line(scale: str) -> None:
    with pytest.raises(SourceError) as caught:
        demo_scale(f"demo:{scale}")
    message = str(caught.value)
    assert "\n" not in message
    assert f"from 0.2 to {MAX_DEMO_SCALE:g}" in message and repr(scale) in message


def test_demo_scales_inside_the_bounds_are_read() -> None:
    assert demo_scale("demo:0.2") == 0.2
    assert demo_scale(f"demo:{MAX_DEMO_SCALE:g}") == MAX_DEMO_SCALE
    assert math.isfinite(demo_scale("demo:2.5"))


def test_the_cache_keeps_only_the_most_recently_used_graphs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GAAI_GRAPH_CACHE_ENTRIES", "2")
    first = load_graph_sync("demo:0.2")
    load_graph_sync("demo:0.25")
    assert load_graph_sync("demo:0.2") is first  # a hit refreshes it
    load_graph_sync("demo:0.3")  # evicts demo:0.25, the least recently used
    assert [key[0] for key in sources._cache] == ["demo:0.2", "demo:0.3"]
    assert load_graph_sync("demo:0.2") is first


def test_the_cache_is_bounded_by_default() -> None:
    for scale in ("0.2", "0.21", "0.22", "0.23", "0.24", "0.25"):
        load_graph_sync(f"demo:{scale}")
    assert len(sources._cache) == sources.DEFAULT_CACHE_ENTRIES


@pytest.mark.parametrize("value", ["0", "-1", "many"])
def test_a_bad_cache_setting_is_named(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GAAI_GRAPH_CACHE_ENTRIES", value)
    with pytest.raises(SourceError, match="GAAI_GRAPH_CACHE_ENTRIES must be a whole number"):
        load_graph_sync("demo")


def test_an_unsupported_url_source_is_refused_without_its_password() -> None:
    # It was used as a path first (to find its modification time) and quoted whole.
    with pytest.raises(SourceError) as refused:
        load_graph_sync("ftp://user:pw-s3cret@files.example/graph")
    assert "unsupported source" in str(refused.value)
    assert "pw-s3cret" not in str(refused.value)
