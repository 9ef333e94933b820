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

    memory._malloc_trim.cache_clear()
    monkeypatch.setattr(memory.ctypes, "CDLL", no_library)
    try:
        assert give_back_freed_memory() is False
    finally:
        memory._malloc_trim.cache_clear()


def test_finding_the_c_library_starts_no_process(monkeypatch: pytest.MonkeyPatch) -> None:
    # `ctypes.util.find_library` runs `ldconfig -p`: a fork of the whole run's memory.
    import subprocess

    from gaai_graph import memory

    def refuse(*args: object, **kwargs: object) -> object:
        raise AssertionError(f"a process was started: {args!r}")

    memory._malloc_trim.cache_clear()
    monkeypatch.setattr(subprocess, "Popen", refuse)
    try:
        give_back_freed_memory()
    finally:
        memory._malloc_trim.cache_clear()
