"""Where can an item go? Reach, paths between two organisations, and upstream sources.

The item-restricted subgraph is fetched from Neo4j one hop at a time (`cypher/reach_step`),
each flow classified by Cypher as stated, implied or unknown for the item. A layered
breadth-first search then finds, for every organisation, the best evidence class any path
gives it (a path is as strong as its weakest hop) and ONE shortest path of that class.
"""

from __future__ import annotations

import json
import re
from typing import Any, cast

from graph.cache import CacheSnapshot
from graph.db import Database
from graph.errors import EdflowsError, NotFoundError
from graph.identifiers import SHARED_LAYERS, is_urn
from graph.items import ItemIndex
from graph.journey_query import MAX_HOPS_CAP, JourneyQuery
from graph.results import (
    ActorRef,
    Hop,
    ItemRef,
    PathsResult,
    Reached,
    ReachResult,
    SourceRef,
    UpstreamResult,
    flow_values,
)
from graph.stepcache import Step, StepKey
from graph.terms import unfold
from graph.traversal import (
    EVIDENCE,
    RANK,
    Edge,
    FlowGraph,
    all_shortest_paths,
    classify,
    counts,
    layered_bfs,
    summarise,
)

SCHOOL_LAYER = re.compile(r"school:[A-Za-z0-9]{1,12}")
STEP_WAIT = 30.0  # seconds a request waits for another's fetch of a step before asking itself
STEP_ROUNDS = 3  # rounds of claiming and waiting before a request fetches what is left itself


class JourneyService:
    """Reach, paths and upstream queries over one Database, for one snapshot of the cache."""

    def __init__(self, db: Database, cache: CacheSnapshot | None = None) -> None:
        """`cache`: the request's snapshot of the app's cache (graph/cache.py); none: a
        snapshot that keeps nothing (every step is asked of Neo4j)."""
        self.db = db
        self.cache = cache or CacheSnapshot.uncached()

    # -- resolving ids ------------------------------------------------------------------------

    def actor(self, key: str) -> ActorRef:
        """An actor by id, or a school by its URN; 404 with near misses otherwise."""
        actor_id = f"school:{key}" if is_urn(key) else key
        known = self.cache.actor(actor_id)
        if known is not None:
            return cast(ActorRef, known)
        rows = self.db.read("get_actor", id=actor_id)
        if rows:
            found = ActorRef(**rows[0]["actor"])
            self.cache.keep_actor(found)
            return found
        if is_urn(key):
            raise NotFoundError("school", key, by="URN")
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
        """The data-item catalogue (one per snapshot)."""
        return self.cache.index(self.db)

    # -- queries --------------------------------------------------------------------------------

    def reach(self, q: JourneyQuery, recipient_type: str | None = None) -> ReachResult:
        """Every organisation the item can reach from `q.origin`, each with one witness path.
        `q.layer`: a school's own layer to follow too (see `layers_for`)."""
        start, item_ref = self.actor(q.origin), self.item(q.item)
        hops = _check_hops(q.max_hops)
        graph = self._fetch(start.id, q, forward=True)
        best = layered_bfs(start.id, graph, hops, forward=True)
        derived = self._derived_only(q.item, q.include_derived)
        kept = [
            (_actor_ref(graph.nodes[node_id]), evidence, path)
            for node_id, (evidence, path) in best.items()
        ]
        kept = [k for k in kept if not recipient_type or k[0].org_type == recipient_type]
        sources = self.sources_of_paths([path for _, _, path in kept])
        hop_of: dict[str, Hop] = {}  # witness paths share their first hops: one Hop per flow
        reached = [
            Reached(
                actor=actor,
                evidence=evidence,
                hops=len(path),
                path=[self._hop(hop_of, edge, sources, derived) for edge in path],
            )
            for actor, evidence, path in kept
        ]
        reached.sort(key=lambda r: (r.hops, EVIDENCE.index(r.evidence), r.actor.name))
        return ReachResult(
            origin=start,
            item=item_ref,
            include_derived=q.include_derived,
            as_of=q.as_of.isoformat() if q.as_of else None,
            max_hops=hops,
            recipient_type=recipient_type,
            reached=reached,
            summary=summarise(reached),
        )

    def paths(self, q: JourneyQuery, target: str) -> PathsResult:
        """The shortest path(s) of the best evidence class from `q.origin` to `target`."""
        start, end = self.actor(q.origin), self.actor(target)
        item_ref = self.item(q.item)
        hops = _check_hops(q.max_hops)
        graph = self._fetch(start.id, q, forward=True)
        derived = self._derived_only(q.item, q.include_derived)
        for rank, evidence in enumerate(EVIDENCE):
            usable = [e for e in graph.edges if e.rank <= rank]
            found, truncated = all_shortest_paths(start.id, end.id, usable, hops)
            if found:
                cited = self.sources_of_paths(found)
                return PathsResult(
                    origin=start,
                    target=end,
                    item=item_ref,
                    evidence=evidence,
                    hops=len(found[0]),
                    paths=[self.path_hops(p, derived, cited) for p in found],
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

    def sources_of(self, q: JourneyQuery, limit: int = 200) -> UpstreamResult:
        """Where the item that reaches `q.origin` came from, each origin with one path. Only
        the national layer and the catalogue are followed, and `q.layer` (a school's) if named."""
        end, item_ref = self.actor(q.origin), self.item(q.item)
        hops = _check_hops(q.max_hops)
        graph = self._fetch(end.id, q, forward=False)
        best = layered_bfs(end.id, graph, hops, forward=False)
        derived = self._derived_only(q.item, q.include_derived)
        ranked = sorted(best.items(), key=lambda kv: (len(kv[1][1]), RANK[kv[1][0]], kv[0]))
        chosen = ranked[:limit]
        # the sources of every listed path in one query (thousands of origins share a few)
        sources = self.sources_of_paths([path for _, (_, path) in chosen])
        hop_of: dict[str, Hop] = {}  # paths share their last hops: one Hop per flow
        origins = [
            Reached(
                actor=_actor_ref(graph.nodes[node_id]),
                evidence=evidence,
                hops=len(path),
                path=[self._hop(hop_of, edge, sources, derived) for edge in path],
            )
            for node_id, (evidence, path) in chosen
        ]
        # counts over every origin; retention, law and tiers over the paths that are listed
        every = counts((_type_of(graph.nodes[n]), e) for n, (e, _) in ranked)
        summary = summarise(origins).model_copy(update=every)
        return UpstreamResult(
            target=end,
            item=item_ref,
            origins=origins,
            total=len(ranked),
            truncated=len(ranked) > limit,
            summary=summary,
        )

    def item_subgraph(self, q: JourneyQuery) -> FlowGraph:
        """The raw item-restricted subgraph from `q.origin` (for the cut and for tests)."""
        start = self.actor(q.origin)
        self.item(q.item)
        _check_hops(q.max_hops)
        return self._fetch(start.id, q, forward=True)

    # -- helpers ------------------------------------------------------------------------------

    def _fetch(self, start: str, q: JourneyQuery, forward: bool) -> FlowGraph:
        """The item-restricted flows within `q.max_hops` of `start`, one step a hop: the flows
        in effect out of (or into) the frontier in the SHARED layers (national, catalogue:
        `_step_rows`, kept in the cache), of which `classify` keeps those that can carry the
        item. A school's own layer is never in a shared step: when the answer follows it (it
        starts at that school, or the query names the layer), its flows are read apart
        (`_layer_steps`, kept per layer) and joined in here."""
        index = self.index()
        covering = frozenset(index.covering(q.item, q.include_derived))
        item_tier = index.tier(q.item)
        key: StepKey = (
            "reach_step" if forward else "reach_step_back",
            q.as_of.isoformat() if q.as_of else None,
        )
        own = self._layer_steps(layers_for(start, q.layer), key[1], forward)
        graph = FlowGraph()
        seen = {start}
        frontier = [start]
        for _ in range(q.max_hops):
            if not frontier:
                break
            rows_by_node = self._step_rows(key, frontier, forward)
            if own:
                rows_by_node = {n: [*rows_by_node[n], *own.get(n, [])] for n in frontier}
            next_frontier = []
            for node in frontier:
                for src, dst, flow, other_node in rows_by_node[node]:
                    evidence, matched = classify(flow, covering, item_tier)
                    if evidence is None:
                        continue
                    edge = Edge(
                        flow_id=flow["id"],
                        src=src,
                        dst=dst,
                        evidence=evidence,
                        matched=matched,
                        flow=flow,
                    )
                    graph.edges.append(edge)
                    other = edge.dst if forward else edge.src
                    graph.nodes.setdefault(other, other_node)
                    if other not in seen:
                        seen.add(other)
                        next_frontier.append(other)
            frontier = next_frontier
        return graph

    def _step_rows(self, key: StepKey, frontier: list[str], forward: bool) -> dict[str, list[Step]]:
        """Every flow in effect out of (or into) each frontier organisation, any item: from the
        cache where it has them, the rest in one query, kept for the graph's generation (a
        school's steps too: its shared-layer flows, a few census returns; its own map is in
        `_layer_steps`)."""
        rows_by_node = self.cache.steps(key, frontier)
        asked = [n for n in frontier if n not in rows_by_node]
        if not asked:
            return rows_by_node
        # what another request is fetching right now is waited for, not asked again; what
        # it could not keep (a change touched it meanwhile) is claimed and fetched anew
        wanted = asked
        for attempt in range(STEP_ROUNDS):
            if not wanted:
                break
            if attempt == STEP_ROUNDS - 1:  # the last round asks for all that is left
                rows_by_node.update(self._fetch_steps(key, wanted))
                break
            mine, waits = self.cache.claim_steps(key, wanted)
            try:
                rows_by_node.update(self._fetch_steps(key, mine))
            finally:
                self.cache.release_steps(key, mine)
            for event in waits:
                event.wait(STEP_WAIT)
            wanted = [n for n in wanted if n not in rows_by_node]
            if wanted:
                rows_by_node.update(self.cache.steps(key, wanted))
                wanted = [n for n in wanted if n not in rows_by_node]
        return rows_by_node

    def _fetch_steps(self, key: StepKey, nodes: list[str]) -> dict[str, list[Step]]:
        """The step rows of `nodes` from Neo4j, kept in the cache."""
        if not nodes:
            return {}
        name, day = key
        forward = name == "reach_step"
        fetched: dict[str, list[Step]] = {n: [] for n in nodes}
        compact = self.cache.compact
        for step in self.db.read_each(
            name,
            lambda r: compact(r["from_id"], r["to_id"], unfold(r["flow"], r["terms"]), r["node"]),
            frontier=nodes,
            as_of=day,
            layers=list(SHARED_LAYERS),
        ):
            fetched[step[0] if forward else step[1]].append(step)
        self.cache.keep_steps(key, fetched)
        return fetched

    def _layer_steps(
        self, layers: list[str], day: str | None, forward: bool
    ) -> dict[str, list[Step]]:
        """The flows in effect of the school layers among `layers`, by the node a step starts
        from (its sender forward, its recipient backward). Kept apart from the shared steps,
        for the cache's generation only: any change the cache follows drops them all."""
        by_node: dict[str, list[Step]] = {}
        for layer in layers:
            if layer in SHARED_LAYERS:
                continue
            key = (layer, day, forward)
            kept = self.cache.layer(key)
            if kept is None:
                kept = {}
                school = f"school:{layer.removeprefix('school:')}"
                # forward, the school's shared-layer flows out come in the same round trip:
                # the first step of its journey, kept as its shared step
                shared = list(SHARED_LAYERS) if forward else []
                first: list[Step] = []
                for row in self.db.read(
                    "reach_layer_flows", school=school, layer=layer, as_of=day, shared=shared
                ):
                    if row["flow"].get("layer", "national") != layer:
                        first.append(
                            self.cache.compact(
                                row["from_id"], row["to_id"], row["flow"], row["to_node"]
                            )
                        )
                        continue
                    other = row["to_node"] if forward else row["from_node"]
                    # not through the shared copies (`compact`): the shared steps' flows
                    # never meet a school's layer (tests/integration/test_layers.py)
                    step: Step = (row["from_id"], row["to_id"], row["flow"], other)
                    kept.setdefault(step[0] if forward else step[1], []).append(step)
                if forward:
                    self.cache.keep_steps(("reach_step", day), {school: first})
                self.cache.keep_layer(key, kept)
            for node, steps in kept.items():
                by_node.setdefault(node, []).extend(steps)
        return by_node

    def _derived_only(self, item: str, include_derived: bool) -> set[str]:
        """Item ids that carry only data derived from the item (shown as such on hops)."""
        if not include_derived:
            return set()
        index = self.index()
        return index.covering(item, True) - index.covering(item, False)

    def sources_of_paths(self, paths: list[list[Edge]]) -> dict[str, SourceRef]:
        """Every source the paths' flows cite, in ONE query (not one per path)."""
        return self.sources_by_id(
            {s for p in paths for e in p for s in e.flow.get("source_ids") or []}
        )

    def path_hops(
        self, path: list[Edge], derived: set[str], sources: dict[str, SourceRef]
    ) -> list[Hop]:
        """A path's hops with their details (`sources`: from `sources_of_paths`)."""
        return [_hop(edge, sources, derived) for edge in path]

    def _hop(
        self, hop_of: dict[str, Hop], edge: Edge, sources: dict[str, SourceRef], derived: set[str]
    ) -> Hop:
        """One Hop object per flow within a result (paths share hops; the JSON is the same),
        and across results through the cache: a hop depends only on its flow, the item's
        evidence class and matched items, and the sources, all fixed within a generation."""
        if edge.flow_id in hop_of:
            return hop_of[edge.flow_id]
        is_derived = bool(edge.matched) and all(m in derived for m in edge.matched)
        key = (edge.flow_id, edge.src, edge.dst, edge.evidence, edge.matched, is_derived)
        hop = cast(Hop | None, self.cache.hop(key))
        if hop is None:
            hop = _hop(edge, sources, derived)
            self.cache.keep_hop(key, hop)
        hop_of[edge.flow_id] = hop
        return hop

    def sources_by_id(self, ids: set[str]) -> dict[str, SourceRef]:
        """Sources by id, from the cache where it has them, the rest in one query."""
        if not ids:
            return {}
        known: dict[str, SourceRef] = self.cache.sources(ids)
        missing = ids - known.keys()
        if missing:
            rows = self.db.read("sources_by_ids", ids=sorted(missing))
            found = {r["source"]["id"]: SourceRef(**r["source"]) for r in rows}
            self.cache.keep_sources(found)
            known.update(found)
        return known

    def _suggest_actors(self, key: str) -> list[str]:
        words = [w for w in re.split(r"[^\w]+", key.split(":", 1)[-1]) if len(w) > 1]
        if not words:
            return []
        query = " ".join(f"{lucene_escape(w)}~" for w in words[:6])
        try:
            rows = self.db.read("suggest_actors", query=query, limit=5)
        except EdflowsError:
            raise
        except Exception:  # a query the index cannot parse: no suggestions, not an error
            return []
        return [r["id"] for r in rows]


def layers_for(start: str, layer: str | None = None) -> list[str]:
    """The layers an answer that starts at `start` follows: always the national layer and the
    catalogue; a school's own layer (its map, its flows) only from that school, or when the
    caller names it (`layer="school:<urn>"`). National answers never see a school's layer
    otherwise: one school's edit cannot change what anyone else is told."""
    layers = list(SHARED_LAYERS)
    if start.startswith("school:"):
        layers.append(start)  # a school's id is its layer's name: school:<urn>
    if layer is not None and layer not in layers:
        layers.append(check_layer(layer))
    return layers


def check_layer(layer: str) -> str:
    """A layer named by a caller: `national`, `catalogue` or `school:<urn>`."""
    if layer in SHARED_LAYERS or SCHOOL_LAYER.fullmatch(layer):
        return layer
    raise EdflowsError(
        f"unknown layer {layer!r}: name a school's layer as school:<urn> (e.g. school:example)"
    )


def _check_hops(max_hops: int) -> int:
    if not 1 <= max_hops <= MAX_HOPS_CAP:
        raise EdflowsError(f"max_hops must be between 1 and {MAX_HOPS_CAP}")
    return max_hops


def _type_of(node: dict[str, Any]) -> str:
    """An organisation's type as summaries count it (as ActorRef gives it: org_type, else kind)."""
    return str(node.get("org_type") or node.get("kind") or "Actor")


def _actor_ref(node: dict[str, Any]) -> ActorRef:
    return ActorRef(
        id=node["id"],
        name=node.get("name") or node["id"],
        kind=node.get("kind") or "Actor",
        org_type=node.get("org_type"),
    )


def _hop(edge: Edge, sources: dict[str, SourceRef], derived: set[str]) -> Hop:
    """A flow's hop: its ends and evidence from the edge, its fields (`FlowFields`) from the
    flow as the step query projects it (`flow_values`)."""
    f = edge.flow
    return Hop(
        flow_id=edge.flow_id,
        from_id=edge.src,
        to_id=edge.dst,
        evidence=edge.evidence,
        matched_items=list(edge.matched),
        derived=bool(edge.matched) and all(m in derived for m in edge.matched),
        **flow_values(f),
        sources=[sources.get(s) or SourceRef(id=s) for s in (f.get("source_ids") or [])],
    )


def lucene_escape(word: str) -> str:
    """A word safe inside a full-text (Lucene) query: its special characters escaped."""
    return re.sub(r'([+\-!(){}\[\]^"~*?:\\/&|])', r"\\\1", word)


def claims_of(flow: dict[str, Any]) -> list[dict[str, Any]]:
    """The per-source claims stored on a flow."""
    raw = flow.get("claims_json")
    return json.loads(raw) if raw else []
