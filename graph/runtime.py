"""Garbage-collector and allocator settings for a long-running process that keeps caches (the
API server).

CPython's default (a young-generation collection every 700 allocations, a full one every 100
of those) makes a process holding the StepCache's tens of thousands of objects scan them all
again and again: in the national benchmark that added about 100 ms to the slowest reaches.
Objects alive at start-up are frozen out of collection, and collections run less often
(cycles are still collected; memory grows by at most the garbage of one larger young
generation).

glibc's malloc gives each thread that allocates its own arena, up to 8 per core, and an arena
keeps what was freed in it for later. The server answers on a pool of 40 threads, so the
memory of a burst of large answers stays resident in many arenas. `limit_malloc_arenas` caps
them at 2 (as `MALLOC_ARENA_MAX=2` would, which is left as it is when set); see BENCHMARKS.md
for what it saves.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import os
import sys

THRESHOLDS = (50_000, 20, 100)


def tune_gc() -> None:
    """Freeze what start-up made and collect less often (see the module's docstring)."""
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)


M_ARENA_MAX = -8  # glibc's mallopt() parameter (malloc.h)
ARENAS = 2


def limit_malloc_arenas(arenas: int = ARENAS) -> bool:
    """Cap glibc's malloc arenas for this process (see the module's docstring). Returns whether
    it was done: not on another C library or system, nor when MALLOC_ARENA_MAX is set."""
    if not sys.platform.startswith("linux") or "MALLOC_ARENA_MAX" in os.environ:
        return False
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        mallopt = ctypes.CDLL(name).mallopt
    except (OSError, AttributeError):  # no libc to load, or one without mallopt (musl)
        return False
    return bool(mallopt(M_ARENA_MAX, arenas))
