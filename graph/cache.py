"""The app's ONE cache, keyed by the graph's generation, and the snapshot a request works from.

Everything built from the graph that requests can share lives here: the reach steps, sources,
organisations and hops (`graph.stepcache.StepCache`), the data-item catalogue (`ItemIndex`) and
named entries such as the schools' notices. It has one staleness rule: the graph's generation
(graph/generation.py), which every change edflows makes moves. `GraphCache.sync` reads it
(one small indexed read) and, when it moved, empties every part at once. No timers.

A request syncs once (api/deps.py) and gets a `CacheSnapshot`: the cache as of that
generation. What the snapshot reads and keeps is for its generation only, so a request that
started before a change never mixes old and new, and never stores old results under the new
generation. A snapshot without a cache (`CacheSnapshot.uncached()`: the command line, tests)
keeps nothing but its own catalogue, read once.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

from graph.db import Database
from graph.generation import current
from graph.items import ItemIndex, read_item_index
from graph.stepcache import Step, StepCache, StepKey

T = TypeVar("T")
ENTRIES_PER_KIND = 16  # named entries (notices, ...) kept per kind; the oldest goes first


class GraphCache:
    """Steps, catalogue and named entries for ONE graph generation; kept on `app.state`."""

    def __init__(self, steps: StepCache | None = None) -> None:
        self._lock = threading.Lock()
        self._generation: str | None = None
        self.steps = steps or StepCache()
        self._index: ItemIndex | None = None
        self._entries: dict[str, OrderedDict[Any, Any]] = {}

    def sync(self, db: Database, known: tuple[str | None] | None = None) -> CacheSnapshot:
        """Read the graph's generation (unless the caller just read it: `known`, a 1-tuple);
        when it moved, forget everything. The snapshot a request (or one query outside the
        app) works from."""
        generation = known[0] if known is not None else current(db)
        with self._lock:
            if generation != self._generation:
                self._generation = generation
                self._index = None
                self._entries.clear()
                self.steps.move_to(generation)
        return CacheSnapshot(self, generation)

    def index(self, generation: str | None, db: Database) -> ItemIndex:
        """The catalogue for `generation`, read once per generation."""
        with self._lock:
            if generation is not None and generation == self._generation and self._index:
                return self._index
        index = read_item_index(db)
        with self._lock:
            if generation is not None and generation == self._generation:
                self._index = index
        return index

    def entry(self, generation: str | None, kind: str, key: Any) -> Any:
        with self._lock:
            if generation is None or generation != self._generation:
                return None
            return self._entries.get(kind, {}).get(key)

    def keep_entry(self, generation: str | None, kind: str, key: Any, value: Any) -> None:
        with self._lock:
            if generation is None or generation != self._generation:
                return
            kept = self._entries.setdefault(kind, OrderedDict())
            kept[key] = value
            while len(kept) > ENTRIES_PER_KIND:
                kept.popitem(last=False)

    def stats(self) -> dict[str, int]:
        with self._lock:
            entries = sum(len(e) for e in self._entries.values())
        return {**self.steps.stats(), "entries": entries}


class CacheSnapshot:
    """The cache as one request sees it: every read and keep is for its generation only."""

    def __init__(self, cache: GraphCache | None, generation: str | None) -> None:
        self.cache = cache
        self.generation = generation
        self._lock = threading.Lock()
        self._index: ItemIndex | None = None

    @classmethod
    def uncached(cls) -> CacheSnapshot:
        """A snapshot that keeps nothing (every step is asked of Neo4j)."""
        return cls(None, None)

    def index(self, db: Database) -> ItemIndex:
        """The catalogue, the same object for the whole snapshot."""
        with self._lock:
            if self._index is None:
                self._index = (
                    self.cache.index(self.generation, db) if self.cache else read_item_index(db)
                )
            return self._index

    def steps(self, key: StepKey, nodes: list[str]) -> dict[str, list[Step]]:
        """The kept step rows of those `nodes` that have them (an empty list: no flows)."""
        return self.cache.steps.steps(self.generation, key, nodes) if self.cache else {}

    def keep_steps(self, key: StepKey, rows_by_node: dict[str, list[Step]]) -> None:
        if self.cache:
            self.cache.steps.keep_steps(self.generation, key, rows_by_node)

    def compact(self, src: str, dst: str, flow: dict[str, Any], other: dict[str, Any]) -> Step:
        """A step row as the cache keeps it (shared copies), or as it came without a cache."""
        if self.cache:
            return self.cache.steps.compact(src, dst, flow, other)
        return (src, dst, flow, other)

    def sources(self, ids: set[str]) -> dict[str, Any]:
        return self.cache.steps.sources(self.generation, ids) if self.cache else {}

    def keep_sources(self, found: dict[str, Any]) -> None:
        if self.cache:
            self.cache.steps.keep_sources(self.generation, found)

    def actor(self, actor_id: str) -> Any:
        return self.cache.steps.actor(self.generation, actor_id) if self.cache else None

    def keep_actor(self, actor: Any) -> None:
        if self.cache:
            self.cache.steps.keep_actor(self.generation, actor)

    def hop(self, key: tuple[Any, ...]) -> Any:
        return self.cache.steps.hop(self.generation, key) if self.cache else None

    def keep_hop(self, key: tuple[Any, ...], hop: Any) -> None:
        if self.cache:
            self.cache.steps.keep_hop(self.generation, key, hop)

    def entry(self, kind: str, key: Any, build: Callable[[], T]) -> T:
        """A named entry (`kind`: "notice", ...) of this generation, built once if missing."""
        if self.cache is None or self.generation is None:
            return build()
        found = self.cache.entry(self.generation, kind, key)
        if found is not None:
            kept: T = found
            return kept
        value = build()
        self.cache.keep_entry(self.generation, kind, key, value)
        return value
