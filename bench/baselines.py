"""The reach benchmark's baselines and checks, beside edflows' own reach (bench/runner.py).

- `LimitBFS`: the LIMIT baseline and the check. Every flow in effect is loaded once into an
  adjacency in the benchmark's own memory (`cypher/bench_all_flows.cypher`); a reach is then a
  breadth-first search in Python with the documented rules, written here independently of
  graph/traversal.py: the national layer, the catalogue and the school's own map; a flow
  carries the item when it lists a covering item (stated; disputed when every such item is
  also denied by a live claim), lists no items but a tier that covers the item (implied), or
  states neither (unknown); an organisation's class is the best over its paths, a path's
  class its weakest hop, and its witness is a shortest path of that class. Its answer is each
  organisation's class and ONE witness path as flow ids (what a compact answer's paths are);
  the hops' fields are not assembled. No query, no cache, no serialisation: as fast as the
  same answer can be had in this process.
- The plain-Cypher same-answer baseline (`cypher/bench_shortest_reach.cypher`) is read into
  the same shape by `cypher_answer`.
- `compare`: do two answers agree on the reached set, the hop counts and the classes?
- `json_sizes` and `size_summary`: an answer's bytes, plain and gzip (the API's level).
- `ratio_line`: "a / b = 3.2x (target <= 2x: NO)", for the printed output.

Nothing here measures or asserts time.
"""

from __future__ import annotations

import gzip
import json
from collections import defaultdict, deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bench.answer_size import GZIP_LEVEL
from bench.measure import percentile
from graph.db import Database
from graph.items import ItemIndex
from graph.journeys import layers_for

EVIDENCE = ("stated", "disputed", "implied", "unknown")  # strongest first: a class's rank
NO = len(EVIDENCE)  # the rank of a flow that cannot carry the item

# an organisation's answer: (its evidence class, its witness path as flow ids)
Witness = tuple[str, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class Arc:
    """One flow in effect, as the BFS needs it."""

    dst: str
    flow_id: str
    layer: str
    items: tuple[str, ...]
    tier: int | None
    disputed: frozenset[str]


def flow_rank(
    items: Sequence[str],
    tier: int | None,
    disputed: frozenset[str] | set[str],
    covering: frozenset[str] | set[str],
    item_tier: int | None,
) -> int:
    """The rank (index in EVIDENCE) of the class with which a flow carries the item; NO when
    it cannot."""
    if items:
        matched = [i for i in items if i in covering]
        if not matched:
            return NO
        if disputed and all(i in disputed for i in matched):
            return 1  # disputed
        return 0  # stated
    if tier is None:
        return 3  # unknown
    if item_tier is not None and item_tier >= tier:
        return 2  # implied
    return NO


class LimitBFS:
    """Every flow in effect in memory, reach as a breadth-first search (see the module)."""

    def __init__(self, index: ItemIndex | None = None) -> None:
        self.index = index
        self.out: dict[str, list[Arc]] = defaultdict(list)
        self.flows = 0
        # one copy of each distinct list of items (most flows share their terms): a national
        # adjacency is half a million flows
        self._items: dict[tuple[str, ...], tuple[str, ...]] = {}

    def add(
        self,
        src: str,
        dst: str,
        flow_id: str,
        layer: str = "national",
        items: Iterable[str] = (),
        tier: int | None = None,
        disputed: Iterable[str] = (),
    ) -> None:
        listed = tuple(items)
        listed = self._items.setdefault(listed, listed)
        self.out[src].append(Arc(dst, flow_id, layer, listed, tier, frozenset(disputed)))
        self.flows += 1

    def sort(self) -> None:
        """Each node's flows by id, so that witness paths do not depend on the load order."""
        for arcs in self.out.values():
            arcs.sort(key=lambda a: a.flow_id)

    @classmethod
    def load(cls, db: Database, index: ItemIndex) -> LimitBFS:
        bfs = cls(index)
        for row in db.read_plain("bench_all_flows", timeout=600):
            bfs.add(
                row["src"],
                row["dst"],
                row["id"],
                row["layer"],
                row["items"] or (),
                row["tier"],
                row["disputed"] or (),
            )
        bfs.sort()
        return bfs

    def witnesses(
        self,
        start: str,
        covering: frozenset[str] | set[str],
        item_tier: int | None,
        layers: Iterable[str],
        max_hops: int = 10,
    ) -> dict[str, Witness]:
        """Every organisation the item reaches from `start`: its class and one witness path.
        A pass per class, strongest first, follows the flows of that class or stronger; the
        first pass that reaches an organisation gives its class and its path. A pass that
        met no flow of the next class from what it reached makes the next pass needless."""
        allowed = set(layers)
        ranks: dict[int, int] = {}  # id(arc) -> its rank, once per answer
        best: dict[str, Witness] = {}
        rank = 0
        while rank < NO:
            parent: dict[str, tuple[str, str]] = {}  # node -> (previous node, flow id)
            depth = {start: 0}
            queue = deque([start])
            weaker = NO  # the strongest class above `rank` met from a reached node
            while queue:
                node = queue.popleft()
                if depth[node] >= max_hops:
                    continue
                for arc in self.out.get(node, ()):
                    if arc.layer not in allowed:
                        continue
                    r = ranks.get(id(arc))
                    if r is None:
                        r = ranks[id(arc)] = flow_rank(
                            arc.items, arc.tier, arc.disputed, covering, item_tier
                        )
                    if r > rank:
                        weaker = min(weaker, r)
                        continue
                    if arc.dst not in depth:
                        depth[arc.dst] = depth[node] + 1
                        parent[arc.dst] = (node, arc.flow_id)
                        queue.append(arc.dst)
            for node in depth:
                if node == start or node in best:
                    continue
                path: list[str] = []
                cursor = node
                while cursor != start:
                    cursor, flow_id = parent[cursor]
                    path.append(flow_id)
                best[node] = (EVIDENCE[rank], tuple(reversed(path)))
            rank = weaker
        return best

    def answer(self, start: str, item: str, max_hops: int = 10) -> dict[str, Witness]:
        """`witnesses` for an item of the catalogue, on the layers a reach from `start`
        follows (graph/journeys.py `layers_for`)."""
        if self.index is None:
            raise ValueError("an item by id needs the catalogue (LimitBFS(index))")
        return self.witnesses(
            start,
            self.index.covering(item),
            self.index.tier(item),
            layers_for(start),
            max_hops,
        )

    def reach(self, start: str, item: str, max_hops: int = 10) -> dict[str, str]:
        """Each reached organisation's evidence class."""
        return {org: w[0] for org, w in self.answer(start, item, max_hops).items()}


# -- answers, compared -------------------------------------------------------------------------

# what the checks compare: organisation -> (evidence class, hops of its witness path)
Classes = dict[str, tuple[str, int]]


def witness_classes(answer: Mapping[str, Witness]) -> Classes:
    return {org: (cls, len(path)) for org, (cls, path) in answer.items()}


def cypher_answer(rows: Iterable[Mapping[str, Any]]) -> Classes:
    """The rows of cypher/bench_shortest_reach.cypher, as organisation -> (class, hops)."""
    return {r["id"]: (EVIDENCE[r["class_rank"]], r["hops"]) for r in rows}


@dataclass(frozen=True)
class Agreement:
    reached: bool  # the same organisations
    hops: bool  # and each with a witness path of the same length
    classes: bool  # and the same evidence class

    @property
    def full(self) -> bool:
        return self.reached and self.hops and self.classes


def compare(expected: Classes, got: Classes) -> Agreement:
    same_set = set(expected) == set(got)
    return Agreement(
        reached=same_set,
        hops=same_set and all(expected[o][1] == got[o][1] for o in expected),
        classes=same_set and all(expected[o][0] == got[o][0] for o in expected),
    )


def differences(expected: Classes, got: Classes, limit: int = 5) -> dict[str, list[str]]:
    """What differs, a few of each, for the results file."""
    both = set(expected) & set(got)
    return {
        "only_expected": sorted(set(expected) - set(got))[:limit],
        "only_got": sorted(set(got) - set(expected))[:limit],
        "hops_differ": sorted(o for o in both if expected[o][1] != got[o][1])[:limit],
        "class_differs": sorted(o for o in both if expected[o][0] != got[o][0])[:limit],
    }


# -- sizes and ratios ----------------------------------------------------------------------------


def json_sizes(body: bytes) -> tuple[int, int]:
    """An answer's JSON bytes as they are and gzip-compressed at the API's level."""
    return len(body), len(gzip.compress(body, GZIP_LEVEL))


def rows_json(rows: Any) -> bytes:
    """Rows of a query as JSON, the way a client would pass them on."""
    return json.dumps(rows, separators=(",", ":"), default=str).encode()


def size_summary(sizes: Sequence[tuple[int, int]]) -> dict[str, Any]:
    """p50, p95 and max of plain and gzip bytes over a series of answers."""
    plain = [float(p) for p, _ in sizes]
    packed = [float(g) for _, g in sizes]
    return {
        "answers": len(sizes),
        "plain_p50_bytes": round(percentile(plain, 50)),
        "plain_p95_bytes": round(percentile(plain, 95)),
        "plain_max_bytes": round(max(plain, default=0)),
        "gzip_p50_bytes": round(percentile(packed, 50)),
        "gzip_p95_bytes": round(percentile(packed, 95)),
        "gzip_max_bytes": round(max(packed, default=0)),
        "gzip_level": GZIP_LEVEL,
    }


def ratio(top: float | None, bottom: float | None) -> float | None:
    """top / bottom to 2 places; None when either is missing or zero."""
    if not top or not bottom:
        return None
    return round(top / bottom, 2)


def ratio_line(what: str, top: float | None, bottom: float | None, at_most: float) -> str:
    """`what: 12.0 / 4.0 ms = 3x (target <= 2x: NO)`; `n/a` where a side is missing."""
    value = ratio(top, bottom)
    if value is None:
        return f"{what}: n/a (target <= {at_most:g}x)"
    met = "yes" if value <= at_most else "NO"
    return f"{what}: {top:g} / {bottom:g} ms = {value:g}x (target <= {at_most:g}x: {met})"


def kib(n: float) -> str:
    """Bytes as KiB with one decimal: `12.3 KiB`."""
    return f"{n / 1024:.1f} KiB"
