"""Tests of what `gaai run` does while it starts (reading ahead, the collector setting)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


def test_a_run_command_collects_garbage_less_often_and_restores_the_setting() -> None:
    import gc

    from gaai_graph.cli_run_start import RUN_COLLECTION_THRESHOLD, fewer_collections

    before = gc.get_threshold()
    with pytest.raises(RuntimeError), fewer_collections():
        assert gc.get_threshold()[0] == max(before[0], RUN_COLLECTION_THRESHOLD)
        assert gc.get_threshold()[1:] == before[1:]
        raise RuntimeError("the run failed")
    assert gc.get_threshold() == before


def test_a_snapshot_is_loaded_ahead_once_and_the_run_reuses_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    import gaai_graph.sources as sources
    from gaai_graph.cli_run_start import load_ahead
    from gaai_graph.sources.snapshot import write_jsonl

    write_jsonl(sources.load_graph_sync("demo"), tmp_path / "snap")
    loads: list[str] = []
    real = sources._load_uncached

    def counted(spec: str) -> Any:
        loads.append(spec)
        return real(spec)

    monkeypatch.setattr(sources, "_load_uncached", counted)
    load_ahead(str(tmp_path / "snap"))
    for thread in threading.enumerate():
        if thread.name == "gaai-load-ahead":
            thread.join()
    assert loads == [str(tmp_path / "snap")]
    sources.load_graph_sync(str(tmp_path / "snap"))
    assert len(loads) == 1  # the run found it loaded

    load_ahead("demo")
    load_ahead("demo:2")
    load_ahead("arangodb://localhost:8529/shop")
    assert not [t for t in threading.enumerate() if t.name == "gaai-load-ahead"]
    assert len(loads) == 1


def test_a_load_ahead_that_fails_is_silent_and_the_run_reports_the_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import threading

    from gaai_graph.cli_run_start import load_ahead
    from gaai_graph.errors import SnapshotFormatError
    from gaai_graph.sources import load_graph_sync

    (tmp_path / "people.jsonl").write_bytes(b'{"_key": "a"}\n[1]\n')
    load_ahead(str(tmp_path))
    for thread in threading.enumerate():
        if thread.name == "gaai-load-ahead":
            thread.join()
    assert capsys.readouterr() == ("", "")
    with pytest.raises(SnapshotFormatError, match="got an array"):
        load_graph_sync(str(tmp_path))
