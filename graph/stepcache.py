"""A cache of reach steps and sources, kept per graph generation, shared by an app's requests.

A journey from any school runs through the same few national and catalogue organisations (the
LA, the DfE, the NPD and its hundreds of recipients, the suppliers): fetching the NPD's 3,000
release flows again for every school was most of a national reach's time. This cache keeps,
for each step query (direction and `as_of`), the flows in effect out of (or into) each
organisation, whatever the item (the item's evidence class is decided in Python,
graph/traversal.py `classify`); sources and organisations by id; and the hops built from them
(immutable within a generation).

It is never stale: it is a part of the app's one cache (graph/cache.py), which reads the
graph's generation (graph/generation.py) once per request; a new generation empties it. It is
bounded (rows and sources); when full, the least recently used step query goes first. Only the
shared layers (national, catalogue) are ever in a step: a school's own layer is read apart for
the answers that follow it (graph/journeys.py), so the cache cannot carry one school's flows
into another answer. Schools' steps out (their census returns) are not kept either: each starts
only its own journeys, and there are 26,000 of them.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

Step = tuple[str, str, dict[str, Any], dict[str, Any]]  # (from id, to id, flow, other end)
StepKey = tuple[str, str | None]  # (the step query, as_of)

MAX_ROWS = 150_000
MAX_SOURCES = 50_000


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
        self._hops: dict[tuple[Any, ...], Any] = {}
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
                self._nodes.clear()
                self._values.clear()
                self._rows = 0
                self._generation = generation

    def steps(
        self, generation: str | None, key: StepKey, nodes: list[str]
    ) -> dict[str, list[Step]]:
        """The cached rows of those `nodes` that have them (an empty list: no flows)."""
        with self._lock:
            if generation is None or generation != self._generation or key not in self._steps:
                return {}
            self._steps.move_to_end(key)
            known = self._steps[key]
            return {n: known[n] for n in nodes if n in known}

    def keep_steps(
        self, generation: str | None, key: StepKey, rows_by_node: dict[str, list[Step]]
    ) -> None:
        with self._lock:
            if generation is None or generation != self._generation:
                return
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
        26,000 census flows into LAs say the same things; kept apart they cost ~200 MB)."""
        kept = self._flows.get(flow["id"])
        if kept is None:
            kept = {k: self._value(v) for k, v in flow.items() if v is not None}
            self._flows[flow["id"]] = kept
        return kept

    def _node(self, node: dict[str, Any]) -> dict[str, Any]:
        kept = self._nodes.get(node["id"])
        if kept is None:
            kept = {k: self._value(v) for k, v in node.items() if v is not None}
            self._nodes[node["id"]] = kept
        return kept

    def _value(self, value: Any) -> Any:
        if isinstance(value, list):
            value = tuple(self._value(v) for v in value)
        elif not isinstance(value, str):
            return value
        return self._values.setdefault(value, value)

    def sources(self, generation: str | None, ids: set[str]) -> dict[str, Any]:
        with self._lock:
            if generation is None or generation != self._generation:
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
            if generation is None or generation != self._generation:
                return None
            return self._actors.get(actor_id)

    def keep_actor(self, generation: str | None, actor: Any) -> None:
        with self._lock:
            if generation is None or generation != self._generation:
                return
            if len(self._actors) >= self.max_sources:
                self._actors.clear()
            self._actors[actor.id] = actor

    def hop(self, generation: str | None, key: tuple[Any, ...]) -> Any:
        with self._lock:
            if generation is None or generation != self._generation:
                return None
            return self._hops.get(key)

    def keep_hop(self, generation: str | None, key: tuple[Any, ...], hop: Any) -> None:
        with self._lock:
            if generation is None or generation != self._generation:
                return
            if len(self._hops) >= self.max_sources:
                self._hops.clear()
            self._hops[key] = hop

    def stats(self) -> dict[str, int]:
        with self._lock:
            return {"step_queries": len(self._steps), "rows": self._rows, "flows": len(self._flows)}
