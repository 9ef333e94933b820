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

    memory._malloc_trim.cache_clear()
    monkeypatch.setattr(memory.ctypes.util, "find_library", lambda name: None)
    try:
        assert give_back_freed_memory() is False
    finally:
        memory._malloc_trim.cache_clear()
