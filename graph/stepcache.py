"""A cache of reach steps and sources, kept per graph generation, shared by an app's requests.

A journey from any school runs through the same few national and catalogue organisations (the
LA, the DfE, the NPD and its hundreds of recipients, the suppliers): fetching the NPD's 3,000
release flows again for every school was most of a national reach's time. This cache keeps,
for each step query (direction and `as_of`), the flows in effect out of (or into) each
organisation, whatever the item (the item's evidence class is decided in Python,
graph/traversal.py `classify`); sources and organisations by id; and the hops built from them
(immutable within a generation).

It is never stale: it is a part of the app's one cache (graph/cache.py), which reads the
graph's generation (graph/generation.py) once per request. When the generation moves, the cache
reads what the change touched: a known, local change (an editor's flow, a school's map) drops
just the steps, flows and hops it touched (`forget`); anything else empties it (`move_to`).
Requests that miss the same organisation's step at once fetch it once (`claim`, `release`):
the others wait for it instead of asking Neo4j the same 26,000-flow question side by side. A
fetch that began a few generations ago (a 30,000-flow step takes seconds; an editor writes
every second) is still kept, for the organisations no change since then has touched
(`keep_steps` checks the changes followed since its generation): otherwise, under steady
writes, the big steps would never be kept at all. It is
bounded (rows and sources); when full, the least recently used step query goes first. Only the
shared layers (national, catalogue) are ever in a step: a school's own layer is read apart for
the answers that follow it (graph/journeys.py), so a step cannot carry one school's flows into
another answer. That layer is kept apart too (`layer`, `keep_layer`): by (layer, day,
direction), for the cache's own generation only, at most MAX_LAYERS of them, and all dropped by
any change the cache follows. Schools' steps out (their census returns, a few flows each) are
kept like any other step, as they are asked.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from graph.generation import Effects

Step = tuple[str, str, dict[str, Any], dict[str, Any]]  # (from id, to id, flow, other end)
StepKey = tuple[str, str | None]  # (the step query, as_of)
FORWARD = "reach_step"  # the step query out of organisations; "reach_step_back": into them

MAX_ROWS = 150_000
MAX_SOURCES = 50_000
HISTORY = 512  # changes followed, remembered for fetches that began before them
MAX_LAYERS = 2_000  # schools' own layers kept (a few dozen flows each), newest used last


class StepCache:
    """Step rows by step query and organisation, and sources by id, for one generation."""

    def __init__(self, max_rows: int = MAX_ROWS, max_sources: int = MAX_SOURCES) -> None:
        self._lock = threading.Lock()
        self._generation: str | None = None
        self._steps: OrderedDict[StepKey, dict[str, list[Step]]] = OrderedDict()
        self._rows = 0
        self._flows: dict[str, dict[str, Any]] = {}  # one dict per flow, shared by step queries
        self._nodes: dict[str, dict[str, Any]] = {}  # one dict per organisation
        self._values: dict[Any, Any] = {}  # one copy of each repeated text and list
        self._sources: dict[str, Any] = {}
        self._actors: dict[str, Any] = {}
        self._hops: dict[tuple[Any, ...], Any] = {}  # keyed (flow id, ...)
        self._hop_keys: dict[str, set[tuple[Any, ...]]] = {}  # flow id -> its hops' keys
        self._fetching: dict[tuple[StepKey, str], threading.Event] = {}
        # a school's own layer, as `reach_layer_flows` gives it, by (layer, day, forward):
        # kept for the cache's generation only, and dropped by any change the cache follows
        self._layers: OrderedDict[tuple[str, str | None, bool], dict[str, list[Step]]] = (
            OrderedDict()
        )
        # the changes followed since the last emptying: (generation before, out of, into)
        self._history: list[tuple[str | None, frozenset[str], frozenset[str]]] = []
        self._befores: set[str | None] = set()  # the generations in `_history`
        self.max_rows = max_rows
        self.max_sources = max_sources

    def move_to(self, generation: str | None) -> None:
        """Follow the graph to `generation` (graph.cache.GraphCache.sync reads it): a new one
        empties the cache. Reads and keeps name their generation; another one is ignored."""
        with self._lock:
            if generation != self._generation:
                self._steps.clear()
                self._flows.clear()
                self._sources.clear()
                self._actors.clear()
                self._hops.clear()
                self._hop_keys.clear()
                self._layers.clear()
                self._nodes.clear()
                self._values.clear()
                self._rows = 0
                self._history.clear()
                self._befores.clear()
                self._generation = generation

    def forget(self, generation: str | None, effects: Effects) -> None:
        """Follow the graph to `generation` by dropping only what `effects` touched: the steps
        out of (into) the organisations whose flows out (in) changed, the records and hops of
        the flows that changed, and a school's own hops and sources. What stays is the same in
        both generations (graph/generation.py `effects` decides; it gives None otherwise)."""
        with self._lock:
            self._layers.clear()  # a school's own map is small: read again after any change
            for (name, _day), entry in self._steps.items():
                for node in effects.out_of if name == FORWARD else effects.into:
                    dropped = entry.pop(node, None)
                    if dropped is not None:
                        self._rows -= len(dropped) + 1
            for flow_id in effects.flows:
                self._flows.pop(flow_id, None)
            self._drop_hops(effects.flows)
            if effects.flow_prefixes:
                prefixes = tuple(effects.flow_prefixes)
                self._drop_hops([f for f in self._hop_keys if f.startswith(prefixes)])
            if effects.source_prefixes:
                prefixes = tuple(effects.source_prefixes)
                for source_id in [s for s in self._sources if s.startswith(prefixes)]:
                    del self._sources[source_id]
            self._history.append(
                (self._generation, frozenset(effects.out_of), frozenset(effects.into))
            )
            del self._history[:-HISTORY]
            self._befores = {before for before, _, _ in self._history}
            self._generation = generation

    def readable(self, generation: str | None) -> bool:
        with self._lock:
            return self._readable(generation)

    def _readable(self, generation: str | None) -> bool:
        """Whether a request of `generation` may read what is kept: it is the cache's, or one
        the cache followed on from (not emptied since). What it reads is then as new as the
        cache or newer than its generation, never older: like a read of Neo4j a moment later.
        (Keeps are stricter: `keep_steps`.) Under `_lock`."""
        if generation is None:
            return False
        return generation == self._generation or generation in self._befores

    def _touched_since(self, generation: str | None, name: str) -> frozenset[str] | None:
        """The organisations whose `name` steps changed since `generation` (one this cache
        followed), or None when it cannot say (emptied since, or too long ago). Under `_lock`."""
        for at, (before, _, _) in enumerate(self._history):
            if before == generation:
                later = self._history[at:]
                return frozenset().union(*(o if name == FORWARD else i for _, o, i in later))
        return None

    def _drop_hops(self, flow_ids: Iterable[str]) -> None:
        for flow_id in flow_ids:
            for hop_key in self._hop_keys.pop(flow_id, ()):
                self._hops.pop(hop_key, None)

    def claim(
        self, generation: str | None, key: StepKey, nodes: list[str]
    ) -> tuple[list[str], list[threading.Event]]:
        """Which of `nodes` this caller fetches (nobody else is fetching them), and the events
        of those another request is fetching now: wait for them, then read the cache again
        (what they kept is there, unless a change touched it meanwhile). Always `release`
        what was claimed, fetched or not. Without a generation nothing is kept: no waiting."""
        if generation is None:
            return nodes, []
        mine: list[str] = []
        waits: dict[int, threading.Event] = {}
        with self._lock:
            for node in nodes:
                event = self._fetching.get((key, node))
                if event is None:
                    self._fetching[(key, node)] = threading.Event()
                    mine.append(node)
                else:
                    waits[id(event)] = event
        return mine, list(waits.values())

    def release(self, generation: str | None, key: StepKey, nodes: list[str]) -> None:
        if generation is None:
            return
        with self._lock:
            for node in nodes:
                event = self._fetching.pop((key, node), None)
                if event is not None:
                    event.set()

    def steps(
        self, generation: str | None, key: StepKey, nodes: list[str]
    ) -> dict[str, list[Step]]:
        """The cached rows of those `nodes` that have them (an empty list: no flows)."""
        with self._lock:
            if not self._readable(generation) or key not in self._steps:
                return {}
            self._steps.move_to_end(key)
            known = self._steps[key]
            return {n: known[n] for n in nodes if n in known}

    def keep_steps(
        self, generation: str | None, key: StepKey, rows_by_node: dict[str, list[Step]]
    ) -> None:
        with self._lock:
            if generation is None:
                return
            if generation != self._generation:  # fetched before changes this cache followed
                touched = self._touched_since(generation, key[0])
                if touched is None:
                    return
                rows_by_node = {n: r for n, r in rows_by_node.items() if n not in touched}
            entry = self._steps.setdefault(key, {})
            self._steps.move_to_end(key)
            for node, rows in rows_by_node.items():
                if node in entry:
                    continue
                entry[node] = rows
                self._rows += len(rows) + 1
            while self._rows > self.max_rows and len(self._steps) > 1:
                _, dropped = self._steps.popitem(last=False)
                self._rows -= sum(len(r) + 1 for r in dropped.values())

    def compact(self, src: str, dst: str, flow: dict[str, Any], other: dict[str, Any]) -> Step:
        """A step as kept: see `_flow`. (Done as each record arrives, so the driver's copies
        are garbage at once; thread-safe enough: at worst two requests each keep a copy.)"""
        return (self._value(src), self._value(dst), self._flow(flow), self._node(other))

    def _flow(self, flow: dict[str, Any]) -> dict[str, Any]:
        """The one kept copy of a flow: nulls dropped, repeated texts and lists shared (the
        26,000 census flows into LAs say the same things; kept apart they cost ~200 MB). A
        copy is shared only while it says the same: a fetch that read a flow before (or after)
        a change never hands its version to a row of another."""
        return self._shared(self._flows, flow)

    def _node(self, node: dict[str, Any]) -> dict[str, Any]:
        return self._shared(self._nodes, node)

    def _shared(self, kept: dict[str, dict[str, Any]], record: dict[str, Any]) -> dict[str, Any]:
        made = {k: self._value(v) for k, v in record.items() if v is not None}
        found = kept.get(record["id"])
        if found == made:
            return found
        kept[record["id"]] = made
        return made

    def _value(self, value: Any) -> Any:
        if isinstance(value, list):
            value = tuple(self._value(v) for v in value)
        elif not isinstance(value, str):
            return value
        return self._values.setdefault(value, value)

    def sources(self, generation: str | None, ids: set[str]) -> dict[str, Any]:
        with self._lock:
            if not self._readable(generation):
                return {}
            return {i: self._sources[i] for i in ids if i in self._sources}

    def keep_sources(self, generation: str | None, found: dict[str, Any]) -> None:
        with self._lock:
            if generation is None or generation != self._generation:
                return
            if len(self._sources) + len(found) > self.max_sources:
                self._sources.clear()
            self._sources.update(found)

    def actor(self, generation: str | None, actor_id: str) -> Any:
        with self._lock:
            if not self._readable(generation):
                return None
            return self._actors.get(actor_id)

    def keep_actor(self, generation: str | None, actor: Any) -> None:
        with self._lock:  # no change the cache follows changes an organisation's record
            if not self._readable(generation):
                return
            if len(self._actors) >= self.max_sources:
                self._actors.clear()
            self._actors[actor.id] = actor

    def hop(self, generation: str | None, key: tuple[Any, ...]) -> Any:
        with self._lock:
            if not self._readable(generation):
                return None
            return self._hops.get(key)

    def keep_hop(self, generation: str | None, key: tuple[Any, ...], hop: Any) -> None:
        with self._lock:
            if generation is None or generation != self._generation:
                return
            if len(self._hops) >= self.max_sources:
                self._hops.clear()
                self._hop_keys.clear()
            self._hops[key] = hop
            self._hop_keys.setdefault(str(key[0]), set()).add(key)

    def layer(
        self, generation: str | None, key: tuple[str, str | None, bool]
    ) -> dict[str, list[Step]] | None:
        """A school layer's steps by the node they start from, if kept (None: not kept)."""
        with self._lock:
            if not self._readable(generation):
                return None
            found = self._layers.get(key)
            if found is not None:
                self._layers.move_to_end(key)
            return found

    def keep_layer(
        self,
        generation: str | None,
        key: tuple[str, str | None, bool],
        steps: dict[str, list[Step]],
    ) -> None:
        """Keep a layer read at `generation`: only the cache's own (a read from before a
        change the cache followed may be older than what it holds)."""
        with self._lock:
            if generation is None or generation != self._generation:
                return
            self._layers[key] = steps
            self._layers.move_to_end(key)
            while len(self._layers) > MAX_LAYERS:
                self._layers.popitem(last=False)

    def stats(self) -> dict[str, int]:
        with self._lock:
            return {
                "layers": len(self._layers),
                "step_queries": len(self._steps),
                "rows": self._rows,
                "flows": len(self._flows),
                "hops": len(self._hops),
            }
