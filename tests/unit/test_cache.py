"""The app's one cache (graph/cache.py) without Neo4j: one generation for everything in it, read
once per sync; a snapshot reads and keeps for its own generation only; no generation, no cache.

The database is a stand-in that answers only the generation query and the catalogue query,
the two reads the cache itself makes (the rest is the callers' and is tested on Neo4j).
"""

from __future__ import annotations

from typing import Any, cast

from graph.cache import CacheSnapshot, GraphCache
from graph.db import Database

STEP = ("reach_step", None)
ROW = ("a", "b", {"id": "f1", "items": ["x"]}, {"id": "b"})


class Graph:
    """Answers `graph_generation` with its current generation and counts the reads."""

    def __init__(self) -> None:
        self.entries = 1
        self.reads: list[str] = []

    def change(self) -> None:
        self.entries += 1

    def read(self, name: str, **params: Any) -> list[dict[str, Any]]:
        self.reads.append(name)
        if name == "graph_generation":
            if self.entries == 0:
                return []
            return [{"entries": self.entries, "newest": f"audit-{self.entries}"}]
        if name == "item_index":
            return [
                {"id": "x", "name": "X", "parent": None, "gdpr": None, "npd_tier": 2,
                 "description": None, "contains": [], "derived_from": []}
            ]  # fmt: skip
        raise AssertionError(f"unexpected query {name}")


def test_everything_is_kept_for_one_generation_and_dropped_together() -> None:
    graph = Graph()
    db = cast(Database, graph)
    cache = GraphCache()
    first = cache.sync(db)
    first.keep_steps(STEP, {"a": [first.compact(*ROW)]})
    first.keep_sources({"s1": "source one"})
    assert first.entry("notice", "100000", lambda: "notice one") == "notice one"
    index = first.index(db)
    again = cache.sync(db)  # same generation: everything is still there
    assert again.steps(STEP, ["a"]) == {
        "a": [("a", "b", {"id": "f1", "items": ("x",)}, {"id": "b"})]
    }
    assert again.sources({"s1"}) == {"s1": "source one"}
    assert again.entry("notice", "100000", lambda: "rebuilt") == "notice one"
    assert again.index(db) is index
    assert graph.reads.count("item_index") == 1  # the catalogue was read once

    graph.change()
    moved = cache.sync(db)  # a new generation: every part is empty at once
    assert cache.stats() == {"step_queries": 0, "rows": 0, "flows": 0, "entries": 0}
    assert moved.steps(STEP, ["a"]) == {}
    assert moved.sources({"s1"}) == {}
    assert moved.entry("notice", "100000", lambda: "notice two") == "notice two"
    assert moved.index(db) is not index


def test_a_snapshot_of_an_older_generation_reads_and_keeps_nothing_new() -> None:
    graph = Graph()
    db = cast(Database, graph)
    cache = GraphCache()
    old = cache.sync(db)
    graph.change()
    new = cache.sync(db)
    old.keep_steps(STEP, {"a": [ROW]})  # a request that began before the change
    old.keep_sources({"s1": "old"})
    assert old.entry("notice", "1", lambda: "old notice") == "old notice"
    assert new.steps(STEP, ["a"]) == {} and new.sources({"s1"}) == {}
    assert new.entry("notice", "1", lambda: "new notice") == "new notice"
    assert old.entry("notice", "1", lambda: "old again") == "old again"  # never the new one


def test_one_sync_is_one_read_and_a_snapshot_reads_nothing_more() -> None:
    graph = Graph()
    db = cast(Database, graph)
    snapshot = GraphCache().sync(db)
    for _ in range(3):
        snapshot.steps(STEP, ["a"])
        snapshot.entry("notice", "1", lambda: "n")
    assert graph.reads == ["graph_generation"]


def test_without_a_generation_or_a_cache_nothing_is_kept() -> None:
    graph = Graph()
    graph.entries = 0  # no audit trail: nothing to key on
    db = cast(Database, graph)
    cache = GraphCache()
    snapshot = cache.sync(db)
    snapshot.keep_steps(STEP, {"a": [ROW]})
    built: list[str] = []

    def build() -> str:
        built.append("notice")
        return "notice"

    for _ in range(2):
        assert snapshot.entry("notice", "1", build) == "notice"
    assert snapshot.steps(STEP, ["a"]) == {} and len(built) == 2
    plain = CacheSnapshot.uncached()
    plain.keep_steps(STEP, {"a": [ROW]})
    assert plain.steps(STEP, ["a"]) == {}
    assert plain.compact(*ROW) == ROW  # rows as they came
    assert plain.index(db) is plain.index(db)  # the catalogue once per snapshot all the same
