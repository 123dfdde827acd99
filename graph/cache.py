"""The app's ONE cache, keyed by the graph's generation, and the snapshot a request works from.

Everything built from the graph that requests can share lives here: the reach steps, sources,
organisations and hops (`graph.stepcache.StepCache`), the data-item catalogue (`ItemIndex`) and
named entries such as the schools' notices. It has one staleness rule: the graph's generation
(graph/generation.py), which every change edflows makes moves. `GraphCache.sync` reads it
(one small indexed read). When it moved, the cache reads the audit entries of the change
(`graph.generation.read_window`): a change it can follow (an editor's flow, a school's map or
profile, a token) drops just what it touched from the steps, and the named entries (the
catalogue stays: only loads write data items); anything else (a load, an import, entries it
cannot account for) empties every part at once. A request carrying an OLDER generation than
the cache (read just before another request moved it) works from the newer one; it never moves
the cache back. No timers.

Under load, two more things are shared (`shared`): identical answers asked at the same time are
built once (the others wait for it), and at most `HEAVY_AT_ONCE` answers are built at a time;
one that waits longer than `HEAVY_WAIT` seconds for its turn is refused with `Busy` (a 503
with Retry-After), never left to time out inside Neo4j.

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
from graph.errors import EdflowsError
from graph.generation import count_of, current, effects, key, newest_of, read_window
from graph.items import ItemIndex, read_item_index
from graph.stepcache import Step, StepCache, StepKey

T = TypeVar("T")
ENTRIES_PER_KIND = 16  # named entries (notices, ...) kept per kind; the oldest goes first
SEEN_KEPT = 20_000  # ids of audit entries the cache has followed, newest kept
HEAVY_AT_ONCE = 3  # answers built at once (2 cores: more only queue inside Neo4j and Python)
HEAVY_WAIT = 25.0  # seconds an answer may wait for its turn before a 503


class Busy(EdflowsError):
    """Too many answers being built at once: try again shortly (HTTP 503, Retry-After)."""


class _Flight:
    """One answer being built; requests asking the same wait for it."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.value: Any = None
        self.error: BaseException | None = None


class GraphCache:
    """Steps, catalogue and named entries for ONE graph generation; kept on `app.state`."""

    def __init__(
        self,
        steps: StepCache | None = None,
        heavy_at_once: int = HEAVY_AT_ONCE,
        heavy_wait: float = HEAVY_WAIT,
    ) -> None:
        self._lock = threading.Lock()
        self._moving = threading.Lock()  # one request at a time reads a change's entries
        self._index_lock = threading.Lock()  # ... and the catalogue
        self._generation: str | None = None
        self.steps = steps or StepCache()
        self._index: ItemIndex | None = None
        self._entries: dict[str, OrderedDict[Any, Any]] = {}
        self._seen: OrderedDict[str, None] = OrderedDict()  # audit entries followed
        self._flights: dict[Any, _Flight] = {}
        self._heavy = threading.BoundedSemaphore(heavy_at_once)
        self._holding = threading.local()  # a build inside a build takes no second turn
        self.heavy_wait = heavy_wait
        self.moves = {"followed": 0, "emptied": 0}  # how the cache followed changes

    def sync(self, db: Database, known: tuple[str | None] | None = None) -> CacheSnapshot:
        """Read the graph's generation (unless the caller just read it: `known`, a 1-tuple);
        when it moved, follow the change (or forget everything). The snapshot a request (or
        one query outside the app) works from."""
        generation = known[0] if known is not None else current(db)
        with self._lock:
            if self._covers(generation):
                return CacheSnapshot(self, self._generation)
        with self._moving:
            with self._lock:
                if self._covers(generation):
                    return CacheSnapshot(self, self._generation)
            self._move(db)
            with self._lock:
                return CacheSnapshot(self, self._generation)

    def _covers(self, generation: str | None) -> bool:
        """Whether the cache is at `generation` or past it: it has followed the entry that
        was newest then, and at least as many entries. Under `_lock`."""
        if generation is None or self._generation is None:
            return generation == self._generation
        if generation == self._generation:
            return True
        asked, mine = count_of(generation), count_of(self._generation)
        return (
            asked is not None
            and mine is not None
            and asked <= mine
            and newest_of(generation) in self._seen
        )

    def _move(self, db: Database) -> None:
        """Read the change's entries and follow them, or empty everything. Under `_moving`.

        The window's count and its entries are read by one query but not at one instant (a
        write may commit between the two): more new entries than the count moved are all
        followed, and the cache counts what it followed; fewer mean entries it cannot see,
        and it empties itself."""
        window = read_window(db)
        with self._lock:
            before = count_of(self._generation)
            after = count_of(window.generation)
            new = [e for e in window.entries if e.id not in self._seen]
            followed = (
                effects(new)
                if before is not None and after is not None and len(new) >= after - before
                else None
            )
            if followed is None:
                generation = window.generation
                self._index = None
                self._entries.clear()
                self.steps.move_to(generation)
                self.moves["emptied"] += 1
            else:
                newest = window.entries[0].id if window.entries else newest_of(window.generation)
                generation = key(max(after or 0, (before or 0) + len(new)), newest)
                if followed.answers:
                    self._entries.clear()
                self.steps.forget(generation, followed)
                self.moves["followed"] += 1
            self._generation = generation
            for entry in reversed(window.entries):  # oldest first: the newest are kept longest
                self._seen[entry.id] = None
                self._seen.move_to_end(entry.id)
            while len(self._seen) > SEEN_KEPT:
                self._seen.popitem(last=False)

    def shared(self, generation: str | None, key: Any, build: Callable[[], T]) -> T:
        """`build()` once for every request asking `key` of this generation at the same time
        (the others wait for it, and get its answer or its error), and at most
        `HEAVY_AT_ONCE` builds at a time. Nothing is kept after: see `entry` for that."""
        flight_key = (generation, key)
        with self._lock:
            flight = self._flights.get(flight_key)
            leader = flight is None
            if flight is None:
                flight = self._flights[flight_key] = _Flight()
        if not leader:
            flight.done.wait()
            if flight.error is not None:
                raise flight.error
            value: T = flight.value
            return value
        nested = getattr(self._holding, "turn", False)
        try:
            if not nested and not self._heavy.acquire(timeout=self.heavy_wait):
                raise Busy("edflows is building many answers at once; try again in a few seconds")
            self._holding.turn = True
            try:
                flight.value = build()
            finally:
                self._holding.turn = nested
                if not nested:
                    self._heavy.release()
        except BaseException as exc:
            flight.error = exc
            raise
        finally:
            with self._lock:
                self._flights.pop(flight_key, None)
            flight.done.set()
        return flight.value  # type: ignore[no-any-return]

    def index(self, generation: str | None, db: Database) -> ItemIndex:
        """The catalogue, read once (by one request while the others wait) and kept until a
        change the cache cannot follow: no followed change (a flow, a map, a profile) changes
        the data items, which only loads write."""
        with self._index_lock:
            with self._lock:
                if self._index is not None and self.steps.readable(generation):
                    return self._index
                now = self._generation
            index = read_item_index(db)
            with self._lock:
                if generation is not None and self._generation == now:
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

    def layer(self, key: tuple[str, str | None, bool]) -> dict[str, list[Step]] | None:
        """A school layer's kept steps (graph/stepcache.py `layer`); None without a cache."""
        return self.cache.steps.layer(self.generation, key) if self.cache else None

    def keep_layer(self, key: tuple[str, str | None, bool], steps: dict[str, list[Step]]) -> None:
        if self.cache:
            self.cache.steps.keep_layer(self.generation, key, steps)

    def claim_steps(
        self, key: StepKey, nodes: list[str]
    ) -> tuple[list[str], list[threading.Event]]:
        """The `nodes` whose step this request fetches, and the fetches of others to wait for
        (graph/stepcache.py `claim`); without a cache, all of them and none."""
        if self.cache is None:
            return nodes, []
        return self.cache.steps.claim(self.generation, key, nodes)

    def release_steps(self, key: StepKey, nodes: list[str]) -> None:
        if self.cache:
            self.cache.steps.release(self.generation, key, nodes)

    def shared(self, kind: str, key: Any, build: Callable[[], T]) -> T:
        """An answer built once for all the requests asking it at once (`GraphCache.shared`);
        without a cache (the command line, tests), simply built."""
        if self.cache is None:
            return build()
        return self.cache.shared(self.generation, (kind, key), build)

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
        """A named entry (`kind`: "notice", ...) of this generation, built once if missing
        (once for all the requests that miss it at the same time)."""
        if self.cache is None or self.generation is None:
            return build()
        found = self.cache.entry(self.generation, kind, key)
        if found is not None:
            kept: T = found
            return kept
        cache, generation = self.cache, self.generation

        def build_and_keep() -> T:
            value = build()
            cache.keep_entry(generation, kind, key, value)
            return value

        return cache.shared(generation, ("entry", kind, key), build_and_keep)
