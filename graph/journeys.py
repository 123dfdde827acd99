"""Where can an item go? Reach, paths between two organisations, and upstream sources.

The item-restricted subgraph is fetched from Neo4j one hop at a time (`cypher/reach_step`),
each flow classified by Cypher as stated, implied or unknown for the item. A layered
breadth-first search then finds, for every organisation, the best evidence class any path
gives it (a path is as strong as its weakest hop) and ONE shortest path of that class.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from graph.db import Database
from graph.errors import EdflowsError, NotFoundError
from graph.items import ItemIndex, ItemIndexCache
from graph.results import (
    ActorRef,
    Hop,
    ItemRef,
    PathsResult,
    Reached,
    ReachResult,
    ReachSummary,
    SourceRef,
    UpstreamResult,
)

EVIDENCE = ("stated", "implied", "unknown")
MAX_HOPS_CAP = 12
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
        return EVIDENCE.index(self.evidence)


@dataclass
class Subgraph:
    """The item-restricted flows reachable from (or to) one actor within max_hops."""

    edges: list[Edge] = field(default_factory=list)
    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)


class JourneyService:
    """Reach, paths and upstream queries over one Database."""

    def __init__(self, db: Database, items: ItemIndexCache | None = None) -> None:
        self.db = db
        self.items_cache = items or ItemIndexCache()

    # -- resolving ids ------------------------------------------------------------------------

    def actor(self, key: str) -> ActorRef:
        """An actor by id, or a school by its URN; 404 with near misses otherwise."""
        actor_id = f"school:{key}" if key.isdigit() else key
        rows = self.db.read("get_actor", id=actor_id)
        if rows:
            return ActorRef(**rows[0]["actor"])
        raise NotFoundError("organisation", key, self._suggest_actors(key))

    def item(self, key: str) -> ItemRef:
        index = self.index()
        if key in index.items:
            it = index.items[key]
            return ItemRef(id=it.id, name=it.name, gdpr=it.gdpr, npd_tier=index.tier(it.id))
        import difflib

        near = difflib.get_close_matches(key, list(index.items), n=3, cutoff=0.6)
        by_name = [i.id for i in index.items.values() if key.lower() in i.name.lower()][:3]
        raise NotFoundError("data item", key, list(dict.fromkeys(near + by_name))[:5])

    def index(self) -> ItemIndex:
        return self.items_cache.get(self.db)

    # -- queries --------------------------------------------------------------------------------

    def reach(
        self,
        origin: str,
        item: str,
        include_derived: bool = False,
        as_of: date | None = None,
        max_hops: int = 10,
        recipient_type: str | None = None,
    ) -> ReachResult:
        """Every organisation the item can reach from `origin`, each with one witness path."""
        start, item_ref = self.actor(origin), self.item(item)
        hops = _check_hops(max_hops)
        graph = self._fetch(start.id, item, include_derived, as_of, hops, forward=True)
        best = _layered_bfs(start.id, graph, hops, forward=True)
        derived = self._derived_only(item, include_derived)
        reached = []
        for node_id, (evidence, path) in best.items():
            actor = _actor_ref(graph.nodes[node_id])
            if recipient_type and actor.org_type != recipient_type:
                continue
            reached.append(
                Reached(
                    actor=actor, evidence=evidence, hops=len(path), path=self._hops(path, derived)
                )
            )
        reached.sort(key=lambda r: (r.hops, EVIDENCE.index(r.evidence), r.actor.name))
        return ReachResult(
            origin=start,
            item=item_ref,
            include_derived=include_derived,
            as_of=as_of.isoformat() if as_of else None,
            max_hops=hops,
            recipient_type=recipient_type,
            reached=reached,
            summary=summarise(reached),
        )

    def paths(
        self,
        origin: str,
        target: str,
        item: str,
        include_derived: bool = False,
        as_of: date | None = None,
        max_hops: int = 10,
    ) -> PathsResult:
        """The shortest path(s) of the best evidence class from `origin` to `target`."""
        start, end, item_ref = self.actor(origin), self.actor(target), self.item(item)
        hops = _check_hops(max_hops)
        graph = self._fetch(start.id, item, include_derived, as_of, hops, forward=True)
        derived = self._derived_only(item, include_derived)
        for rank, evidence in enumerate(EVIDENCE):
            usable = [e for e in graph.edges if e.rank <= rank]
            found, truncated = _all_shortest_paths(start.id, end.id, usable, hops)
            if found:
                return PathsResult(
                    origin=start,
                    target=end,
                    item=item_ref,
                    evidence=evidence,
                    hops=len(found[0]),
                    paths=[self._hops(p, derived) for p in found],
                    truncated=truncated,
                )
        return PathsResult(
            origin=start,
            target=end,
            item=item_ref,
            evidence=None,
            hops=None,
            paths=[],
            truncated=False,
        )

    def sources_of(
        self,
        target: str,
        item: str,
        include_derived: bool = False,
        as_of: date | None = None,
        max_hops: int = 10,
        limit: int = 200,
    ) -> UpstreamResult:
        """Where the item that reaches `target` came from, each origin with one path."""
        end, item_ref = self.actor(target), self.item(item)
        hops = _check_hops(max_hops)
        graph = self._fetch(end.id, item, include_derived, as_of, hops, forward=False)
        best = _layered_bfs(end.id, graph, hops, forward=False)
        derived = self._derived_only(item, include_derived)
        ranked = sorted(
            best.items(), key=lambda kv: (len(kv[1][1]), EVIDENCE.index(kv[1][0]), kv[0])
        )
        everyone = [
            Reached(actor=_actor_ref(graph.nodes[n]), evidence=e, hops=len(p), path=[])
            for n, (e, p) in ranked
        ]
        origins = [
            Reached(
                actor=_actor_ref(graph.nodes[node_id]),
                evidence=evidence,
                hops=len(path),
                path=self._hops(path, derived),
            )
            for node_id, (evidence, path) in ranked[:limit]
        ]
        # counts over every origin; retention, law and tiers over the paths that are listed
        counts, listed = summarise(everyone), summarise(origins)
        summary = listed.model_copy(
            update={
                "total": counts.total,
                "by_type": counts.by_type,
                "by_evidence": counts.by_evidence,
                "by_type_and_evidence": counts.by_type_and_evidence,
            }
        )
        return UpstreamResult(
            target=end,
            item=item_ref,
            origins=origins,
            total=len(ranked),
            truncated=len(ranked) > limit,
            summary=summary,
        )

    def item_subgraph(
        self, origin: str, item: str, include_derived: bool, as_of: date | None, max_hops: int
    ) -> Subgraph:
        """The raw item-restricted subgraph from `origin` (for the cut and for tests)."""
        start = self.actor(origin)
        self.item(item)
        return self._fetch(start.id, item, include_derived, as_of, _check_hops(max_hops), True)

    # -- helpers ------------------------------------------------------------------------------

    def _fetch(
        self,
        start: str,
        item: str,
        include_derived: bool,
        as_of: date | None,
        max_hops: int,
        forward: bool,
    ) -> Subgraph:
        index = self.index()
        params: dict[str, Any] = {
            "covering": sorted(index.covering(item, include_derived)),
            "item_tier": index.tier(item),
            "as_of": as_of.isoformat() if as_of else None,
            "layers": _layers_for(start) if forward else None,
        }
        name = "reach_step" if forward else "reach_step_back"
        graph = Subgraph()
        seen = {start}
        frontier = [start]
        for _ in range(max_hops):
            if not frontier:
                break
            rows = self.db.read(name, frontier=frontier, **params)
            next_frontier = []
            for row in rows:
                edge = Edge(
                    flow_id=row["flow"]["id"],
                    src=row["from_id"],
                    dst=row["to_id"],
                    evidence=row["evidence"],
                    matched=tuple(row["matched"]),
                    flow=row["flow"],
                )
                graph.edges.append(edge)
                other = edge.dst if forward else edge.src
                graph.nodes.setdefault(other, row["node"])
                if other not in seen:
                    seen.add(other)
                    next_frontier.append(other)
            frontier = next_frontier
        return graph

    def _derived_only(self, item: str, include_derived: bool) -> set[str]:
        """Item ids that carry only data derived from the item (shown as such on hops)."""
        if not include_derived:
            return set()
        index = self.index()
        return index.covering(item, True) - index.covering(item, False)

    def _hops(self, path: list[Edge], derived: set[str]) -> list[Hop]:
        sources = self._sources({s for e in path for s in e.flow.get("source_ids", [])})
        return [_hop(edge, sources, derived) for edge in path]

    def _sources(self, ids: set[str]) -> dict[str, SourceRef]:
        if not ids:
            return {}
        rows = self.db.read("sources_by_ids", ids=sorted(ids))
        return {r["source"]["id"]: SourceRef(**r["source"]) for r in rows}

    def _suggest_actors(self, key: str) -> list[str]:
        words = [w for w in re.split(r"[^\w]+", key.split(":", 1)[-1]) if len(w) > 1]
        if not words:
            return []
        query = " ".join(f"{_lucene_escape(w)}~" for w in words[:6])
        try:
            rows = self.db.read("suggest_actors", query=query, limit=5)
        except EdflowsError:
            raise
        except Exception:  # a query the index cannot parse: no suggestions, not an error
            return []
        return [r["id"] for r in rows]


def summarise(reached: Iterable[Reached]) -> ReachSummary:
    """Counts and the worst-case facts over every witness path."""
    reached = list(reached)
    by_type: Counter[str] = Counter()
    by_evidence: Counter[str] = Counter()
    both: dict[str, Counter[str]] = defaultdict(Counter)
    hops = {h.flow_id: h for r in reached for h in r.path}
    for r in reached:
        kind = r.actor.org_type or r.actor.kind
        by_type[kind] += 1
        by_evidence[r.evidence] += 1
        both[kind][r.evidence] += 1
    indefinite = sorted({h.to_id for h in hops.values() if h.retention_indefinite})
    longest = _longest_retention([h.retention for h in hops.values() if h.retention])
    purposes = sorted({p for h in hops.values() for p in h.purposes})
    tiers = [h.tier for h in hops.values() if h.tier is not None]
    return ReachSummary(
        total=len(reached),
        by_type=dict(sorted(by_type.items())),
        by_evidence={e: by_evidence[e] for e in EVIDENCE if by_evidence[e]},
        by_type_and_evidence={k: dict(v) for k, v in sorted(both.items())},
        longest_retention="indefinitely" if indefinite else longest,
        kept_indefinitely=bool(indefinite),
        kept_indefinitely_by=indefinite,
        purposes=purposes,
        lawful_bases=sorted({h.lawful_basis for h in hops.values() if h.lawful_basis}),
        storage_countries=sorted({h.storage_country for h in hops.values() if h.storage_country}),
        highest_tier=min(tiers) if tiers else None,
    )


def _layers_for(start: str) -> list[str] | None:
    """From a school: the national layer, the catalogue and that school's own map only."""
    if start.startswith("school:"):
        return ["national", "catalogue", f"school:{start.split(':', 1)[1]}"]
    return None


def _check_hops(max_hops: int) -> int:
    if not 1 <= max_hops <= MAX_HOPS_CAP:
        raise EdflowsError(f"max_hops must be between 1 and {MAX_HOPS_CAP}")
    return max_hops


def _layered_bfs(
    start: str, graph: Subgraph, max_hops: int, forward: bool
) -> dict[str, tuple[str, list[Edge]]]:
    """For each node: the best evidence class of any path, and a shortest path of that class."""
    best: dict[str, tuple[str, list[Edge]]] = {}
    for rank, evidence in enumerate(EVIDENCE):
        adjacency: dict[str, list[Edge]] = defaultdict(list)
        for edge in graph.edges:
            if edge.rank <= rank:
                adjacency[edge.src if forward else edge.dst].append(edge)
        for key in adjacency:
            adjacency[key].sort(key=lambda e: (e.rank, e.flow_id))
        parent: dict[str, Edge] = {}
        depth = {start: 0}
        queue = deque([start])
        while queue:
            node = queue.popleft()
            if depth[node] >= max_hops:
                continue
            for edge in adjacency.get(node, []):
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


def _all_shortest_paths(
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


def _actor_ref(node: dict[str, Any]) -> ActorRef:
    return ActorRef(
        id=node["id"],
        name=node.get("name") or node["id"],
        kind=node.get("kind") or "Actor",
        org_type=node.get("org_type"),
    )


def _hop(edge: Edge, sources: dict[str, SourceRef], derived: set[str]) -> Hop:
    f = edge.flow
    return Hop(
        flow_id=edge.flow_id,
        from_id=edge.src,
        to_id=edge.dst,
        kind=f.get("kind", "flow"),
        evidence=edge.evidence,
        matched_items=list(edge.matched),
        derived=bool(edge.matched) and all(m in derived for m in edge.matched),
        items=f.get("items", []),
        subjects=f.get("subjects", []),
        purposes=f.get("purposes", []),
        purpose_text=f.get("purpose_text"),
        lawful_basis=f.get("lawful_basis"),
        art9_condition=f.get("art9_condition"),
        retention=f.get("retention"),
        retention_indefinite=bool(f.get("retention_indefinite")),
        storage_country=f.get("storage_country"),
        tier=f.get("tier"),
        valid_from=f.get("valid_from"),
        valid_to=f.get("valid_to"),
        outcome=f.get("outcome"),
        conflicts=f.get("conflicts", []),
        sources=[sources.get(s) or SourceRef(id=s) for s in f.get("source_ids", [])],
    )


def _longest_retention(statements: list[str]) -> str | None:
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


def _lucene_escape(word: str) -> str:
    return re.sub(r'([+\-!(){}\[\]^"~*?:\\/&|])', r"\\\1", word)


def claims_of(flow: dict[str, Any]) -> list[dict[str, Any]]:
    """The per-source claims stored on a flow."""
    raw = flow.get("claims_json")
    return json.loads(raw) if raw else []
