"""Automatic engine choice by projection size (issue 18.7)."""

from __future__ import annotations

import pytest

from gaai_graph.engines.choice import DEFAULT_GAE_MIN_EDGES, choose_engine, gae_min_edges
from gaai_graph.errors import GaaiError


def test_an_explicit_choice_is_kept_whatever_the_size() -> None:
    assert choose_engine("local", edge_count=10**9, live_source=True) == "local"
    assert choose_engine("gae", edge_count=10, live_source=True) == "gae"


def test_auto_sends_large_projections_of_a_live_source_to_the_gae() -> None:
    assert choose_engine("auto", edge_count=999, live_source=True, min_edges=1000) == "local"
    assert choose_engine("auto", edge_count=1000, live_source=True, min_edges=1000) == "gae"


def test_auto_keeps_snapshots_local_however_large() -> None:
    assert choose_engine("auto", edge_count=10**9, live_source=False, min_edges=1000) == "local"


def test_the_operator_sets_the_threshold_in_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert gae_min_edges({}) == DEFAULT_GAE_MIN_EDGES
    assert gae_min_edges({"GAAI_GAE_MIN_EDGES": "5_000_000"}) == 5_000_000
    assert gae_min_edges({"GAAI_GAE_MIN_EDGES": "2e7"}) == 20_000_000
    monkeypatch.setenv("GAAI_GAE_MIN_EDGES", "100")
    assert choose_engine("auto", edge_count=100, live_source=True) == "gae"


@pytest.mark.parametrize("value", ["many", "-5", "0", "1e-3"])
def test_a_threshold_that_is_not_a_positive_count_is_refused_by_name(value: str) -> None:
    with pytest.raises(GaaiError, match=r"GAAI_GAE_MIN_EDGES=.*positive number of edges"):
        gae_min_edges({"GAAI_GAE_MIN_EDGES": value})


def test_an_unknown_engine_is_refused() -> None:
    with pytest.raises(GaaiError, match="'local', 'gae' or 'auto'"):
        choose_engine("cloud", edge_count=1, live_source=True)
