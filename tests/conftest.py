"""Fixtures every test gets: no test writes into the real home directory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from gaai_graph.runner import STATE_DIR_VARIABLE


@pytest.fixture(scope="session", autouse=True)
def _isolated_state_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Point the runner's default checkpoint store at a temporary directory.

    Session-wide so module-scoped fixtures that run the workflow are covered too; subprocesses
    (`gaai`, a Jupyter kernel) inherit it through the environment.
    """
    state_dir = tmp_path_factory.mktemp("gaai-state")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(STATE_DIR_VARIABLE, str(state_dir))
        yield state_dir


@pytest.fixture(autouse=True)
def _state_dir_per_test(
    _isolated_state_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path_factory: pytest.TempPathFactory,
) -> Path:
    """Give every test a checkpoint store of its own, so no test meets another's runs."""
    own = tmp_path_factory.mktemp("gaai-state-test")
    monkeypatch.setenv(STATE_DIR_VARIABLE, str(own))
    return own


@pytest.fixture
def state_dir(_isolated_state_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A state directory of this test's own (for tests that look inside it)."""
    own = tmp_path / "state"
    monkeypatch.setenv(STATE_DIR_VARIABLE, str(own))
    return own
