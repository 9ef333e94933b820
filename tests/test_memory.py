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


def test_run_and_resume_limit_the_arenas_to_the_cores_before_they_read_anything(
    tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from gaai_graph import cli, cores, memory

    calls: list[tuple[int, int]] = []
    monkeypatch.setattr(cores, "usable_cores", lambda: 3)
    monkeypatch.setattr(
        memory,
        "limit_malloc_arenas",
        lambda count: calls.append((count, threading.active_count())) or True,
    )
    threads_before = threading.active_count()
    # A refused run (no such snapshot) still sets the limit first, with no thread started;
    # so does a resume of a thread that does not exist.
    assert cli.main(["run", "--source", "/no/such/snapshot", "--out", str(tmp_path)]) != 0
    assert cli.main(["resume", "--thread-id", "run-nothing", "--out", str(tmp_path)]) != 0
    assert calls == [(3, threads_before), (3, threads_before)]
