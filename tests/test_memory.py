"""Tests of handing freed memory back to the operating system."""

from __future__ import annotations

import ctypes.util
import sys

import pytest

from gaai_graph.memory import give_back_freed_memory


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or ctypes.util.find_library("c") is None,
    reason="malloc_trim is glibc's",
)
def test_the_c_library_is_asked_to_trim_on_glibc() -> None:
    import platform

    if platform.libc_ver()[0] != "glibc":
        pytest.skip("not glibc")
    assert give_back_freed_memory() is True


def test_nothing_is_called_without_a_c_library(monkeypatch: pytest.MonkeyPatch) -> None:
    from gaai_graph import memory

    def no_library(name: object) -> object:
        raise OSError("no C library here")

    memory._c_function.cache_clear()
    monkeypatch.setattr(memory.ctypes, "CDLL", no_library)
    try:
        assert give_back_freed_memory() is False
    finally:
        memory._c_function.cache_clear()


def test_finding_the_c_library_starts_no_process(monkeypatch: pytest.MonkeyPatch) -> None:
    # `ctypes.util.find_library` runs `ldconfig -p`: a fork of the whole run's memory.
    import subprocess

    from gaai_graph import memory

    def refuse(*args: object, **kwargs: object) -> object:
        raise AssertionError(f"a process was started: {args!r}")

    memory._c_function.cache_clear()
    monkeypatch.setattr(subprocess, "Popen", refuse)
    try:
        give_back_freed_memory()
    finally:
        memory._c_function.cache_clear()


def test_the_arena_limit_is_asked_of_glibc_unless_the_operator_set_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from gaai_graph import memory

    asked: list[tuple[int, int]] = []

    def mallopt(parameter: int, value: int) -> int:
        asked.append((parameter, value))
        return 1

    monkeypatch.setattr(memory, "_c_function", lambda name: mallopt)
    monkeypatch.delenv(memory.ARENA_VARIABLE, raising=False)
    assert memory.limit_malloc_arenas(0) is True
    assert asked == [(memory._M_ARENA_MAX, 1)]  # never fewer than one arena
    monkeypatch.setenv(memory.ARENA_VARIABLE, "4")
    assert memory.limit_malloc_arenas(2) is False
    assert len(asked) == 1
    monkeypatch.setattr(memory, "_c_function", lambda name: None)  # not glibc
    monkeypatch.delenv(memory.ARENA_VARIABLE)
    assert memory.limit_malloc_arenas(2) is False


def test_glibc_accepts_the_arena_limit() -> None:
    import platform

    from gaai_graph import memory

    if platform.libc_ver()[0] != "glibc":
        pytest.skip("not glibc")
    mallopt = memory._c_function("mallopt")
    assert mallopt is not None
    assert mallopt(memory._M_ARENA_MAX, 64) == 1


def test_run_and_resume_keep_one_arena_set_before_they_read_anything(
    tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from gaai_graph import cli, memory

    calls: list[tuple[int, int]] = []

    def limit_malloc_arenas(count: int) -> bool:
        calls.append((count, threading.active_count()))
        return True

    monkeypatch.setattr(memory, "limit_malloc_arenas", limit_malloc_arenas)
    threads_before = threading.active_count()
    # A refused run (no such snapshot) still sets the limit first, with no thread started;
    # so does a resume of a thread that does not exist.
    assert cli.main(["run", "--source", "/no/such/snapshot", "--out", str(tmp_path)]) != 0
    assert cli.main(["resume", "--thread-id", "run-nothing", "--out", str(tmp_path)]) != 0
    assert calls == [(1, threads_before), (1, threads_before)]


def _recording_trims(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    from gaai_graph import memory

    trims: list[int] = []

    def malloc_trim(pad: int) -> int:
        trims.append(pad)
        return 1

    monkeypatch.setattr(memory, "_c_function", lambda name: malloc_trim)
    return trims


def test_freed_memory_is_kept_within_the_block_and_given_back_after_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from gaai_graph import memory

    trims = _recording_trims(monkeypatch)
    with memory.freed_memory_kept():
        assert give_back_freed_memory() is False
        with memory.freed_memory_kept():
            assert give_back_freed_memory() is False
        assert give_back_freed_memory() is False  # the outer block is still open
    assert trims == []
    assert give_back_freed_memory() is True
    assert trims == [0]


def test_a_block_that_raises_still_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    from gaai_graph import memory

    trims = _recording_trims(monkeypatch)
    with pytest.raises(RuntimeError), memory.freed_memory_kept():
        raise RuntimeError("an analysis failed")
    assert give_back_freed_memory() is True
    assert trims == [0]


@pytest.mark.parametrize("one_arena", [True, False])
def test_a_run_keeps_freed_memory_only_when_its_threads_share_one_arena(
    monkeypatch: pytest.MonkeyPatch, one_arena: bool
) -> None:
    from gaai_graph import cli_run_start, memory

    trims = _recording_trims(monkeypatch)
    # False: not glibc, or the operator's MALLOC_ARENA_MAX left in charge.
    monkeypatch.setattr(memory, "limit_malloc_arenas", lambda count: one_arena)
    with cli_run_start.tuned_for_a_run():
        asked = give_back_freed_memory()
    assert asked is not one_arena
    assert trims == ([] if one_arena else [0])
    assert give_back_freed_memory() is True  # the run's block is over: the API trims again
