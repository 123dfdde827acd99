"""The app's one cache (graph/cache.py) without Neo4j: one generation for everything in it, read
once per sync; a snapshot reads and keeps for its own generation only; no generation, no cache;
a change the cache can follow (graph/generation.py `effects`) drops only what it touched, any
other empties it; identical answers asked at once are built once, and only so many at a time.

The database is a stand-in that answers only the queries the cache itself makes: the
generation, the audit window of a change and the catalogue (the rest is the callers' and is
tested on Neo4j: tests/integration/test_step_cache.py).
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any, cast

import pytest

from graph.cache import Busy, CacheSnapshot, GraphCache
from graph.db import Database

STEP = ("reach_step", None)
BACK = ("reach_step_back", None)
ROW = ("a", "b", {"id": "f1", "items": ["x"]}, {"id": "b"})


class Graph:
    """Answers `graph_generation` and `audit_window` from its list of audit entries (each an
    action, a URN and a target; a flow change with its record), and counts the reads."""

    def __init__(self) -> None:
        self.trail: list[dict[str, Any]] = [{"id": "audit-1", "action": "load"}]
        self.reads: list[str] = []
        self.hidden = 0  # entries the window does not show (committed long ago, say)

    @property
    def entries(self) -> int:
        return len(self.trail)

    @entries.setter
    def entries(self, count: int) -> None:
        self.trail = self.trail[:count]

    def change(
        self,
        action: str = "load",
        urn: str | None = None,
        target: str | None = None,
        record: dict[str, Any] | None = None,
    ) -> None:
        self.trail.append(
            {
                "id": f"audit-{len(self.trail) + 1}",
                "action": action,
                "urn": urn,
                "target": target,
                "after_json": json.dumps(record) if record else None,
            }
        )

    def read(self, name: str, **params: Any) -> list[dict[str, Any]]:
        self.reads.append(name)
        if name in ("graph_generation", "audit_window"):
            if not self.trail:
                return []
            shown = self.trail[: len(self.trail) - self.hidden] if self.hidden else self.trail
            return [
                {
                    "entries": len(self.trail),
                    "newest": self.trail[-1]["id"],
                    "window": list(reversed(shown)),
                }
            ]
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

    graph.change("load")
    moved = cache.sync(db)  # a load: every part is empty at once
    assert cache.stats() == {
        "layers": 0,
        "step_queries": 0,
        "rows": 0,
        "flows": 0,
        "hops": 0,
        "entries": 0,
    }
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
    assert graph.reads == ["graph_generation", "audit_window"]  # the first sync reads the window
    GraphCache().sync(db, ("1:audit-1",)).steps(STEP, ["a"])
    assert graph.reads.count("graph_generation") == 1  # a caller that read it already: no read


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


def filled(graph: Graph) -> tuple[GraphCache, CacheSnapshot]:
    """A cache with steps out of a and b, steps into b and c, two flows' hops, two sources."""
    db = cast(Database, graph)
    cache = GraphCache()
    snap = cache.sync(db)
    snap.keep_steps(STEP, {"a": [snap.compact(*ROW)], "b": []})
    snap.keep_steps(BACK, {"b": [snap.compact(*ROW)], "c": []})
    snap.keep_hop(("f1", "a", "b"), "hop f1")
    snap.keep_hop(("flow:school-100000:mis", "school:100000", "p"), "hop of a school's flow")
    snap.keep_sources({"s1": "one", "school-100000-abc": "the school's"})
    snap.entry("notice", "1", lambda: "notice one")
    return cache, snap


def test_an_editors_national_flow_drops_only_the_steps_at_its_ends() -> None:
    graph = Graph()
    cache, _ = filled(graph)
    record = {"id": "f9", "from": "a", "to": "c", "layer": "national"}
    graph.change("flow.add", target="f9", record=record)
    snap = cache.sync(cast(Database, graph))
    assert snap.steps(STEP, ["a", "b"]) == {"b": []}  # out of a: gone; out of b: kept
    assert snap.steps(BACK, ["b", "c"]).keys() == {"b"}  # into c: gone; into b: kept
    assert snap.hop(("f1", "a", "b")) == "hop f1"
    assert snap.sources({"s1"}) == {"s1": "one"}
    assert snap.entry("notice", "1", lambda: "rebuilt") == "rebuilt"  # whole answers go
    assert cache.moves == {"followed": 1, "emptied": 1}  # emptied: the first sync

    graph.change("flow.retire", target="f1", record={"id": "f1", "from": "a", "to": "b"})
    snap = cache.sync(cast(Database, graph))
    assert snap.hop(("f1", "a", "b")) is None  # the retired flow's hop is gone ...
    assert snap.steps(BACK, ["b"]) == {}  # ... and so are the steps into its recipient


def test_a_schools_map_drops_its_own_hops_and_sources_and_no_shared_step() -> None:
    graph = Graph()
    cache, _ = filled(graph)
    graph.change("school-map.replace", urn="100000", target="100000")
    snap = cache.sync(cast(Database, graph))
    assert snap.hop(("flow:school-100000:mis", "school:100000", "p")) is None
    assert snap.sources({"s1", "school-100000-abc"}) == {"s1": "one"}
    assert snap.steps(STEP, ["a", "b"]).keys() == {"a", "b"}
    assert snap.hop(("f1", "a", "b")) == "hop f1"


def test_a_token_changes_no_answer_and_keeps_everything() -> None:
    graph = Graph()
    cache, _ = filled(graph)
    graph.change("token.create", target="token:1")
    snap = cache.sync(cast(Database, graph))
    assert snap.entry("notice", "1", lambda: "rebuilt") == "notice one"
    assert snap.steps(STEP, ["a"]) != {}


@pytest.mark.parametrize(
    ("action", "record"),
    [
        ("load", None),  # bulk: anything may have changed
        ("import", None),
        ("product.review", None),  # an action the cache does not know
        ("flow.add", None),  # a flow change whose record names no ends
    ],
)
def test_a_change_the_cache_cannot_follow_empties_it(
    action: str, record: dict[str, Any] | None
) -> None:
    graph = Graph()
    cache, _ = filled(graph)
    graph.change(action, target="x", record=record)
    snap = cache.sync(cast(Database, graph))
    assert snap.steps(STEP, ["a", "b"]) == {} and snap.sources({"s1"}) == {}
    assert cache.moves["emptied"] == 2  # the first sync, and this one


def test_entries_the_window_does_not_show_empty_the_cache() -> None:
    graph = Graph()
    cache, _ = filled(graph)
    graph.change("token.create", target="t1")
    graph.change("token.create", target="t2")
    graph.hidden = 1  # two new entries, one shown: the cache cannot know what the other did
    snap = cache.sync(cast(Database, graph))
    assert snap.steps(STEP, ["b"]) == {}


def test_an_older_generation_does_not_move_the_cache_back() -> None:
    graph = Graph()
    cache, _ = filled(graph)
    db = cast(Database, graph)
    old = f"{graph.entries}:{graph.trail[-1]['id']}"
    graph.change("token.create", target="t1")
    new = cache.sync(db)
    reads = len(graph.reads)
    late = cache.sync(db, (old,))  # a request that read the generation before the change
    assert late.generation == new.generation and len(graph.reads) == reads
    assert late.steps(STEP, ["a"]) != {}
    graph.entries = 0  # a wiped trail: no generation, nothing cached
    assert cache.sync(db).steps(STEP, ["a"]) == {}


def test_identical_answers_asked_at_once_are_built_once() -> None:
    cache = GraphCache()
    snap = cache.sync(cast(Database, Graph()))
    started, release = threading.Event(), threading.Event()
    builds: list[int] = []

    def build() -> str:
        builds.append(1)
        started.set()
        release.wait(5)
        return "answer"

    got: list[str] = []
    leader = threading.Thread(target=lambda: got.append(snap.shared("reach", "q", build)))
    leader.start()
    started.wait(5)
    followers = [
        threading.Thread(target=lambda: got.append(snap.shared("reach", "q", build)))
        for _ in range(3)
    ]
    for t in followers:
        t.start()
    time.sleep(0.1)  # the followers are waiting on the leader's build
    release.set()
    for t in [leader, *followers]:
        t.join(5)
    assert got == ["answer"] * 4 and len(builds) == 1
    assert snap.shared("reach", "q", lambda: "again") == "again"  # nothing kept after


def test_a_followers_sees_the_leaders_error() -> None:
    snap = GraphCache().sync(cast(Database, Graph()))

    def fail() -> str:
        raise ValueError("no such item")

    with pytest.raises(ValueError, match="no such item"):
        snap.shared("reach", "q", fail)


def test_answers_beyond_the_bound_wait_then_are_refused_busy() -> None:
    cache = GraphCache(heavy_at_once=1, heavy_wait=0.2)
    snap = cache.sync(cast(Database, Graph()))
    holding, release = threading.Event(), threading.Event()

    def slow() -> str:
        holding.set()
        release.wait(5)
        return "slow"

    worker = threading.Thread(target=lambda: snap.shared("sources-of", "x", slow))
    worker.start()
    holding.wait(5)
    with pytest.raises(Busy):
        snap.shared("sources-of", "y", lambda: "other")
    # a build inside a build takes no second turn (it would wait for itself)
    release.set()
    worker.join(5)
    nested = snap.shared("a", 1, lambda: snap.shared("b", 2, lambda: "inner"))
    assert nested == "inner"


def test_a_step_another_request_is_fetching_is_waited_for() -> None:
    snap = GraphCache().sync(cast(Database, Graph()))
    mine, waits = snap.claim_steps(STEP, ["a", "b"])
    assert mine == ["a", "b"] and waits == []
    theirs, wait = snap.claim_steps(STEP, ["b", "c"])
    assert theirs == ["c"] and len(wait) == 1 and not wait[0].is_set()
    snap.release_steps(STEP, mine)
    assert wait[0].is_set()
    assert CacheSnapshot.uncached().claim_steps(STEP, ["a"]) == (["a"], [])


def test_a_fetch_begun_before_changes_is_kept_where_they_did_not_touch() -> None:
    graph = Graph()
    db = cast(Database, graph)
    cache = GraphCache()
    slow = cache.sync(db)  # a big step fetch begins here ...
    graph.change("flow.add", target="f9", record={"id": "f9", "from": "a", "to": "c"})
    graph.change("school-map.replace", urn="100000", target="100000")
    cache.sync(db)  # ... two changes are followed meanwhile ...
    slow.keep_steps(STEP, {"a": [ROW], "b": []})  # ... and it ends: a was touched, b not
    slow.keep_steps(BACK, {"b": [ROW], "c": []})
    now = cache.sync(db)
    assert now.steps(STEP, ["a", "b"]) == {"b": []}
    assert now.steps(BACK, ["b", "c"]).keys() == {"b"}
    graph.change("load")
    cache.sync(db)  # emptied: what began before cannot be placed any more
    slow.keep_steps(STEP, {"b": []})
    assert cache.sync(db).steps(STEP, ["b"]) == {}


def test_a_shared_flow_copy_is_never_an_older_version() -> None:
    snap = GraphCache().sync(cast(Database, Graph()))
    old = snap.compact("a", "b", {"id": "f1", "valid_to": None}, {"id": "b"})
    new = snap.compact("a", "b", {"id": "f1", "valid_to": "2020-01"}, {"id": "b"})
    assert old[2] == {"id": "f1"} and new[2] == {"id": "f1", "valid_to": "2020-01"}
    again = snap.compact("a", "b", {"id": "f1", "valid_to": "2020-01"}, {"id": "b"})
    assert again[2] is new[2]  # the same content: one shared copy


def test_a_request_that_began_before_a_followed_change_still_reads_the_cache() -> None:
    graph = Graph()
    db = cast(Database, graph)
    cache, early = filled(graph)
    graph.change("school-map.replace", urn="100000", target="100000")
    cache.sync(db)
    # the request of the generation before reads what is kept now (as new or newer than it)
    assert early.steps(STEP, ["a"]).keys() == {"a"}
    assert early.sources({"s1"}) == {"s1": "one"}
    graph.change("load")
    cache.sync(db)
    assert early.steps(STEP, ["a"]) == {}  # emptied since: nothing to read


def test_a_window_that_sees_an_entry_its_count_missed_is_followed_not_emptied() -> None:
    graph = Graph()
    db = cast(Database, graph)
    cache, _ = filled(graph)
    graph.change("token.create", target="t1")
    graph.change("token.create", target="t2")
    counted = graph.read

    def skewed(name: str, **params: Any) -> list[dict[str, Any]]:
        rows = counted(name, **params)
        if name == "audit_window":  # the count was read before t2 committed, the list after
            rows[0]["entries"] -= 1
            rows[0]["newest"] = "audit-2"
        return rows

    graph.read = skewed  # type: ignore[method-assign]
    cache.sync(db, ("2:audit-2",))
    graph.read = counted  # type: ignore[method-assign]
    snap = cache.sync(db)  # the count has caught up: nothing new, nothing to empty
    assert cache.moves == {"followed": 1, "emptied": 1}
    assert snap.steps(STEP, ["a"]) != {}


def test_the_catalogue_is_read_once_across_followed_changes() -> None:
    graph = Graph()
    db = cast(Database, graph)
    cache = GraphCache()
    first = cache.sync(db).index(db)
    graph.change("flow.add", target="f9", record={"id": "f9", "from": "a", "to": "c"})
    graph.change("school-map.replace", urn="100000", target="100000")
    assert cache.sync(db).index(db) is first
    assert graph.reads.count("item_index") == 1
    graph.change("load")  # a load may write data items
    assert cache.sync(db).index(db) is not first
