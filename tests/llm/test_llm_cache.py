"""The in-memory LLM answer cache: answers are kept, and the oldest are forgotten past the bound."""

from __future__ import annotations

import pytest

from gaai_graph.llm.cache import LLM_CACHE, BoundedInMemoryCache, llm_cache, persistent_cache

NAMESPACE = ("llm_request",)


def test_answers_come_back_until_the_bound_forgets_the_oldest():
    cache = BoundedInMemoryCache(max_entries=3)
    for index in range(5):
        cache.set({(NAMESPACE, f"k{index}"): ({"answer": index}, None)})

    kept = cache.get([(NAMESPACE, f"k{index}") for index in range(5)])

    assert sorted(key for _, key in kept) == ["k2", "k3", "k4"]
    assert kept[(NAMESPACE, "k4")] == {"answer": 4}


def test_the_bound_counts_every_namespace():
    cache = BoundedInMemoryCache(max_entries=2)
    cache.set({(("a",), "1"): (1, None)})
    cache.set({(("b",), "2"): (2, None), (("b",), "3"): (3, None)})

    kept = cache.get([(("a",), "1"), (("b",), "2"), (("b",), "3")])

    assert kept == {(("b",), "2"): 2, (("b",), "3"): 3}


def test_a_bound_below_one_is_refused():
    with pytest.raises(ValueError, match="at least 1"):
        BoundedInMemoryCache(max_entries=0)


def test_the_environment_chooses_a_sqlite_cache_shared_across_processes(monkeypatch, tmp_path):
    assert llm_cache() is LLM_CACHE
    path = tmp_path / "nested" / "answers.sqlite"
    monkeypatch.setenv("GAAI_LLM_CACHE", str(path))

    chosen = llm_cache()
    chosen.set({(NAMESPACE, "k"): ("kept", None)})

    assert chosen is persistent_cache(str(path))
    assert path.exists()
    assert persistent_cache(str(path)).get([(NAMESPACE, "k")]) == {(NAMESPACE, "k"): "kept"}
