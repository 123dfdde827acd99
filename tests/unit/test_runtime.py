"""The API process's allocator setting (graph/runtime.py): glibc's malloc arenas are capped,
unless the operator has set MALLOC_ARENA_MAX themselves."""

from __future__ import annotations

import ctypes.util
import sys

import pytest

from graph.runtime import limit_malloc_arenas


def test_an_operators_malloc_arena_max_is_left_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert limit_malloc_arenas() is False


def test_the_arenas_are_capped_where_glibc_is(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    glibc = sys.platform.startswith("linux") and ctypes.util.find_library("c") is not None
    assert limit_malloc_arenas() is glibc
