"""The graph algorithms behind the journeys, free of Neo4j: the layered breadth-first search
that finds each organisation's best evidence class and one shortest path of that class, all
shortest paths between two organisations, and the summary over a set of witness paths."""

from __future__ import annotations

import re
from collections import Counter, defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from graph.results import Reached, ReachSummary

EVIDENCE = ("stated", "disputed", "implied", "unknown")  # strongest first
RANK = {evidence: rank for rank, evidence in enumerate(EVIDENCE)}
MAX_PATHS = 20
_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(year|month|week|day)s?", re.IGNORECASE)
_DAYS = {"year": 365.0, "month": 30.4, "week": 7.0, "day": 1.0}


@dataclass(frozen=True)
class Edge:
    """A flow that can carry the item, as fetched."""

    flow_id: str
    src: str
    dst: str
    evidence: str
    matched: tuple[str, ...]
    flow: dict[str, Any]

    @property
    def rank(self) -> int:
        return RANK[self.evidence]


def classify(
    flow: dict[str, Any], covering: frozenset[str] | set[str], item_tier: int | None
) -> tuple[str | None, tuple[str, ...]]:
    """Can this flow carry the item, and on what evidence? (None: it cannot.)

    `stated`: the flow lists an item in `covering` (the item, its parts, and with
    include_derived what is derived from it); `disputed`: it lists such items, but every one
    of them is also denied by a live claim of the flow (`disputed_items`: some sources say
    it carries them, others say not); `implied`: it lists no items but states an NPD
    tier that covers the item (`item_tier` >= the flow's tier: tier 1 is the most sensitive);
    `unknown`: it states neither. A flow that lists other items only, or a tier below the
    item's, cannot carry it. Returns the class and the covering items it lists."""
    items = flow.get("items") or ()
    if items:
        if covering.isdisjoint(items):
            return None, ()
        matched = tuple([i for i in items if i in covering])
        disputed = flow.get("disputed_items")
        if disputed and all(i in disputed for i in matched):
            return "disputed", matched
        return "stated", matched
    tier = flow.get("tier")
    if tier is None:
        return "unknown", ()
    if item_tier is not None and item_tier >= tier:
        return "implied", ()
    return None, ()


@dataclass
class FlowGraph:
    """The item-restricted flows reachable from (or to) one actor within max_hops."""

    edges: list[Edge] = field(default_factory=list)
    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)


def counts(kinds: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """`total`, `by_type`, `by_evidence` and `by_type_and_evidence` of a summary, from each
    organisation's type (its org_type, else its kind) and evidence class."""
    total = 0
    by_type: Counter[str] = Counter()
    by_evidence: Counter[str] = Counter()
    both: dict[str, Counter[str]] = defaultdict(Counter)
    for kind, evidence in kinds:
        total += 1
        by_type[kind] += 1
        by_evidence[evidence] += 1
        both[kind][evidence] += 1
    return {
        "total": total,
        "by_type": dict(sorted(by_type.items())),
        "by_evidence": {e: by_evidence[e] for e in EVIDENCE if by_evidence[e]},
        "by_type_and_evidence": {k: dict(v) for k, v in sorted(both.items())},
    }


def summarise(reached: Iterable[Reached]) -> ReachSummary:
    """Counts and the worst-case facts over every witness path."""
    reached = list(reached)
    hops = {h.flow_id: h for r in reached for h in r.path}
    indefinite = sorted({h.to_id for h in hops.values() if h.retention_indefinite})
    longest = longest_retention([h.retention for h in hops.values() if h.retention])
    purposes = sorted({p for h in hops.values() for p in h.purposes})
    tiers = [h.tier for h in hops.values() if h.tier is not None]
    return ReachSummary(
        **counts((r.actor.org_type or r.actor.kind, r.evidence) for r in reached),
        longest_retention="indefinitely" if indefinite else longest,
        kept_indefinitely=bool(indefinite),
        kept_indefinitely_by=indefinite,
        purposes=purposes,
        lawful_bases=sorted({h.lawful_basis for h in hops.values() if h.lawful_basis}),
        storage_countries=sorted({h.storage_country for h in hops.values() if h.storage_country}),
        highest_tier=min(tiers) if tiers else None,
    )


def layered_bfs(
    start: str, graph: FlowGraph, max_hops: int, forward: bool
) -> dict[str, tuple[str, list[Edge]]]:
    """For each node: the best evidence class of any path, and a shortest path of that class."""
    best: dict[str, tuple[str, list[Edge]]] = {}
    # one adjacency for the three passes, each list by (class, flow id): a pass for class
    # `rank` follows a list's edges until the first of a weaker class
    adjacency: dict[str, list[tuple[int, Edge]]] = defaultdict(list)
    for edge in graph.edges:
        adjacency[edge.src if forward else edge.dst].append((edge.rank, edge))
    for key in adjacency:
        adjacency[key].sort(key=lambda pair: (pair[0], pair[1].flow_id))
    present = {edge.rank for edge in graph.edges}
    for rank, evidence in enumerate(EVIDENCE):
        if rank > 0 and rank not in present:
            continue  # no edge of this class: the pass would find nothing new
        parent: dict[str, Edge] = {}
        depth = {start: 0}
        queue = deque([start])
        while queue:
            node = queue.popleft()
            if depth[node] >= max_hops:
                continue
            for edge_rank, edge in adjacency.get(node, ()):
                if edge_rank > rank:
                    break
                nxt = edge.dst if forward else edge.src
                if nxt not in depth:
                    depth[nxt] = depth[node] + 1
                    parent[nxt] = edge
                    queue.append(nxt)
        for node in depth:
            if node == start or node in best:
                continue
            path = []
            cursor = node
            while cursor != start:
                edge = parent[cursor]
                path.append(edge)
                cursor = edge.src if forward else edge.dst
            best[node] = (evidence, list(reversed(path)) if forward else path)
    return best


def all_shortest_paths(
    start: str, end: str, edges: list[Edge], max_hops: int
) -> tuple[list[list[Edge]], bool]:
    """Every shortest path from start to end (up to MAX_PATHS), and whether more exist."""
    adjacency: dict[str, list[Edge]] = defaultdict(list)
    for edge in edges:
        adjacency[edge.src].append(edge)
    depth = {start: 0}
    parents: dict[str, list[Edge]] = defaultdict(list)
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == end or depth[node] >= max_hops:
            continue
        for edge in sorted(adjacency.get(node, []), key=lambda e: e.flow_id):
            if edge.dst not in depth:
                depth[edge.dst] = depth[node] + 1
                queue.append(edge.dst)
            if depth[edge.dst] == depth[node] + 1:
                parents[edge.dst].append(edge)
    if end not in depth or end == start:
        return [], False
    paths: list[list[Edge]] = []
    truncated = False

    def walk(node: str, tail: list[Edge]) -> None:
        nonlocal truncated
        if len(paths) >= MAX_PATHS:
            truncated = True
            return
        if node == start:
            paths.append(list(reversed(tail)))
            return
        for edge in parents[node]:
            walk(edge.src, [*tail, edge])

    walk(end, [])
    return paths, truncated


def longest_retention(statements: list[str]) -> str | None:
    """The statement naming the longest period ("5 years" beats "12 months")."""
    best: tuple[float, str] | None = None
    for text in statements:
        for number, unit in _DURATION.findall(text):
            days = float(number) * _DAYS[unit.lower()]
            if best is None or days > best[0]:
                best = (days, text)
    if best:
        return best[1]
    return statements[0] if statements else None
