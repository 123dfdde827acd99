"""The journey views drawn with pyvis (vis-network): where an item can go FROM an organisation
(a reach result, laid out left to right from it) and where the item reaching an organisation
comes FROM (an upstream result, laid out right to left into it), levels by hop, with the data
the side panel and the text alternative need.

Results with more than GROUP_THRESHOLD nodes are grouped: the end points of the drawing
(organisations that pass nothing on in a reach; that receive nothing in an upstream view) are
collapsed, schools into one node per local authority ("schools in Camden x 87"), everything
else into one node per type ("commercial x 2,000"). Each group can be expanded by its key
(`expand`). Whatever still exceeds the threshold is cut, and the page says so.

A view embeds only what it shows: the drawn nodes, each drawn flow's hop once and each source
once (the compact shape, web/compact_view.py), a group as its count (its members are drawn
and listed when it is expanded), and one page of TABLE_PAGE rows. It keeps every row in a
light form (`TableRow`, not the result's full paths), so a built view is small enough to be
kept in the app's cache and paged from (`JourneyView.at_page`) without the result.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

from pyvis.network import Network

from graph.results import ActorRef, Hop, ItemRef, Reached, ReachResult, ReachSummary, UpstreamResult
from web import style
from web.compact_view import compact_flows
from web.layout import place

GROUP_THRESHOLD = 1000
TABLE_PAGE = 100  # rows of the table on one page (the rest is paged, not rendered at once)
_EVIDENCE_RANK = {"stated": 0, "disputed": 1, "implied": 2, "unknown": 3}

# school id -> its local authority; called only when a result is large enough to be grouped
LaLookup = Callable[[list[str]], dict[str, ActorRef]]


@dataclass
class Group:
    """End points shown as one node: schools of one local authority, or organisations of one
    type."""

    key: str  # what `expand` names: "commercial", or the LA's id ("la:202")
    title: str  # "commercial", "schools in Camden"
    members: list[Reached]
    by_la: bool = False

    @property
    def node_id(self) -> str:
        return f"group:{self.key}"

    @property
    def label(self) -> str:
        return f"{self.title} x {len(self.members):,}"

    def counted(self) -> GroupCount:
        return GroupCount(self.key, self.title, len(self.members), self.by_la)


@dataclass(frozen=True)
class GroupCount:
    """A group as the page shows it: its key, title and how many it holds."""

    key: str
    title: str
    count: int
    by_la: bool

    @property
    def node_id(self) -> str:
        return f"group:{self.key}"

    @property
    def label(self) -> str:
        return f"{self.title} x {self.count:,}"


class TableRow(NamedTuple):
    """One organisation of the result as the table lists it (names, not hops)."""

    id: str
    name: str
    type: str
    evidence: str
    hops: int
    via: tuple[str, ...]  # the names between it and the anchor, the way the data moves
    flow_id: str | None  # its flow next to it on the path (the first upstream, the last in a reach)
    group: str  # the group it is drawn in ("" if drawn on its own)


@dataclass
class JourneyView:
    """Everything the journey template draws, for a reach or an upstream result."""

    anchor: ActorRef  # the origin of a reach, the target of an upstream view
    item: ItemRef
    upstream: bool
    summary: ReachSummary
    total: int  # organisations in the result
    listed: int  # organisations drawn or grouped (an upstream result may list fewer)
    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    options: dict[str, Any]
    legend: list[dict[str, str]]
    info: dict[str, dict[str, Any]]
    flows: dict[str, dict[str, Any]]  # each drawn flow's compact hop, once
    sources: dict[str, Any]  # each source of those flows, once
    table: list[TableRow]  # every organisation of the result, nearest first
    as_of: str | None = None
    include_derived: bool = False
    groups: list[GroupCount] = field(default_factory=list)
    total_nodes: int = 0
    cut: int = 0
    table_page: int = 0  # which TABLE_PAGE rows of `table` the page lists
    item_names: dict[str, str] = field(default_factory=dict)  # for the flow panel

    @property
    def table_pages(self) -> int:
        return max(1, -(-len(self.table) // TABLE_PAGE))

    @property
    def rows(self) -> list[dict[str, Any]]:
        """The rows of the page `table_page`."""
        start = self.table_page * TABLE_PAGE
        return [
            {**row._asdict(), "via": list(row.via)}
            for row in self.table[start : start + TABLE_PAGE]
        ]

    def at_page(self, table_page: int) -> JourneyView:
        """The same view listing another page of the table (the view itself is not changed:
        a cached view is shared by requests)."""
        return replace(self, table_page=max(0, min(table_page, self.table_pages - 1)))

    @property
    def la_groups(self) -> list[GroupCount]:
        return [g for g in self.groups if g.by_la]

    @property
    def schools_grouped(self) -> int:
        return sum(g.count for g in self.la_groups)

    @property
    def type_groups(self) -> list[GroupCount]:
        return [g for g in self.groups if not g.by_la]

    @property
    def graph_data(self) -> dict[str, Any]:
        return {
            "nodes": self.nodes,
            "edges": self.edges,
            "options": self.options,
            "info": self.info,
            "flows": self.flows,
            "sources": self.sources,
            "anchor": self.anchor.id,
            "item_names": self.item_names,
            "routes": {
                "from": None if self.upstream else self.anchor.id,
                "to": self.anchor.id if self.upstream else None,
                "item": self.item.id,
                "as_of": self.as_of,
                "include_derived": self.include_derived,
            },
        }


def build_journey(
    result: ReachResult,
    expand: frozenset[str] = frozenset(),
    threshold: int = GROUP_THRESHOLD,
    local_authorities: LaLookup | None = None,
    table_page: int = 0,
) -> JourneyView:
    """The drawable reach; groups named in `expand` are never grouped."""
    return _build(
        result,
        result.origin,
        result.reached,
        False,
        expand,
        threshold,
        local_authorities,
        table_page,
    )


def build_upstream(
    result: UpstreamResult,
    expand: frozenset[str] = frozenset(),
    threshold: int = GROUP_THRESHOLD,
    local_authorities: LaLookup | None = None,
    table_page: int = 0,
) -> JourneyView:
    """The drawable upstream view (where the item reaching `result.target` comes from)."""
    return _build(
        result,
        result.target,
        result.origins,
        True,
        expand,
        threshold,
        local_authorities,
        table_page,
    )


def _build(
    result: ReachResult | UpstreamResult,
    anchor: ActorRef,
    entries: list[Reached],
    upstream: bool,
    expand: frozenset[str],
    threshold: int,
    local_authorities: LaLookup | None,
    table_page: int = 0,
) -> JourneyView:
    actors: dict[str, ActorRef] = {anchor.id: anchor}
    level: dict[str, int] = {anchor.id: 0}
    reached = {r.actor.id: r for r in entries}
    hops: dict[str, Hop] = {}
    for r in entries:
        actors[r.actor.id] = r.actor
        level[r.actor.id] = r.hops
        for i, hop in enumerate(r.path):
            hops.setdefault(hop.flow_id, hop)
            # a node on the path: its distance from the anchor
            other, depth = (hop.from_id, r.hops - i) if upstream else (hop.to_id, i + 1)
            if other not in actors:  # on a path but filtered out of (or not listed in) the result
                actors[other] = ActorRef(id=other, name=other, kind="Actor")
                level[other] = depth
    total_nodes = len(actors)
    groups: list[Group] = []
    if total_nodes > threshold:
        schools = [r.actor.id for r in entries if r.actor.kind == "School"]
        las = local_authorities(schools) if local_authorities and schools else {}
        groups = _groups(entries, hops, expand, upstream, las)
        for group in groups:
            for member in group.members:
                actors.pop(member.actor.id, None)
                hops.pop(_end_hop(member, upstream).flow_id, None)
    cut = 0
    if len(actors) + len(groups) > threshold:
        room = max(1, threshold - len(groups))
        keep = sorted(actors, key=lambda a: (level[a], actors[a].name))[:room]
        cut = len(actors) - len(keep)
        actors = {a: actors[a] for a in keep}
        hops = {k: h for k, h in hops.items() if h.from_id in actors and h.to_id in actors}

    net = Network(directed=True)
    keys: set[str] = set()
    for actor_id, actor in actors.items():
        key = style.node_key(actor.kind, actor.org_type)
        keys.add(key)
        net.add_node(
            actor_id,
            label=style.wrap_label(actor.name),
            title=f"{actor.name} ({key})",
            color=style.node_colour(actor.kind, actor.org_type),
            level=level[actor_id],
            size=22 if actor_id == anchor.id else 14,
        )
    for hop in hops.values():
        net.add_edge(hop.from_id, hop.to_id, **_edge_style(hop.flow_id, hop.evidence, hop))
    for group in groups:
        keys.add("group")
        net.add_node(
            group.node_id,
            label=style.wrap_label(group.label),
            title=f"{group.label}: click for the list and to expand",
            color=style.GROUP_COLOUR,
            shape="box",
            level=min(m.hops for m in group.members),
        )
        for neighbour, members in _by_neighbour(group, upstream).items():
            if neighbour in actors:
                evidence = min((m.evidence for m in members), key=_EVIDENCE_RANK.__getitem__)
                edge_id = f"group-edge:{neighbour}:{group.key}"
                ends = (group.node_id, neighbour) if upstream else (neighbour, group.node_id)
                net.add_edge(*ends, **_edge_style(edge_id, evidence, None))

    info = {a: _actor_info(actors[a], reached.get(a), actors, upstream) for a in actors}
    info.update({g.node_id: _group_info(g) for g in groups})
    flows, sources = compact_flows(hops.values())
    grouped_as = {m.actor.id: g.title for g in groups for m in g.members}
    table = [_row(r, reached, upstream, grouped_as) for r in entries]
    place(net.nodes, reverse=upstream)
    view = JourneyView(
        anchor=anchor,
        item=result.item,
        upstream=upstream,
        summary=result.summary,
        total=result.total if isinstance(result, UpstreamResult) else len(entries),
        listed=len(entries),
        nodes=net.nodes,
        edges=net.edges,
        options=style.vis_options(),
        legend=style.legend(keys),
        info=info,
        flows=flows,
        sources=sources,
        table=table,
        as_of=getattr(result, "as_of", None),
        include_derived=getattr(result, "include_derived", False),
        groups=[g.counted() for g in groups],
        total_nodes=total_nodes,
        cut=cut,
    )
    return view.at_page(table_page)


def _groups(
    entries: list[Reached],
    hops: dict[str, Hop],
    expand: frozenset[str],
    upstream: bool,
    las: dict[str, ActorRef],
) -> list[Group]:
    """The end points of the drawing, schools by LA and the rest by type, one group per key
    not asked to be expanded (a "group" of one stays a node)."""
    inner = {h.to_id for h in hops.values()} if upstream else {h.from_id for h in hops.values()}
    by_key: dict[str, list[Reached]] = defaultdict(list)
    titles: dict[str, tuple[str, bool]] = {}
    for r in entries:
        if r.actor.id in inner or not r.path:
            continue
        la = las.get(r.actor.id) if r.actor.kind == "School" else None
        if la is not None:
            key, title, by_la = la.id, f"schools in {la.name}", True
        else:
            key = r.actor.org_type or r.actor.kind
            title, by_la = key.replace("_", " "), False
        if key in expand:
            continue
        by_key[key].append(r)
        titles[key] = (title, by_la)
    return [
        Group(key, titles[key][0], members, titles[key][1])
        for key, members in sorted(by_key.items(), key=lambda kv: (titles[kv[0]][1], kv[0]))
        if len(members) > 1
    ]


def _end_hop(member: Reached, upstream: bool) -> Hop:
    """The hop that joins an end point to the rest of the drawing."""
    return member.path[0] if upstream else member.path[-1]


def _by_neighbour(group: Group, upstream: bool) -> dict[str, list[Reached]]:
    out: dict[str, list[Reached]] = defaultdict(list)
    for member in group.members:
        hop = _end_hop(member, upstream)
        out[hop.to_id if upstream else hop.from_id].append(member)
    return out


def _edge_style(edge_id: str, evidence: str, hop: Hop | None) -> dict[str, Any]:
    """Dash pattern by evidence class; thicker for tier 1 or special-category data."""
    sensitive = hop is not None and (hop.tier == 1 or hop.art9_condition is not None)
    title = f"{evidence} flow" if hop is None else f"{hop.kind.replace('_', ' ')} ({evidence})"
    return {
        "id": edge_id,
        "title": title,
        "width": style.SENSITIVE_WIDTH if sensitive else style.NORMAL_WIDTH,
        **style.EDGE_STYLES.get(evidence, style.EDGE_STYLES["unknown"]),
    }


def _actor_info(
    actor: ActorRef, reached: Reached | None, actors: dict[str, ActorRef], upstream: bool
) -> dict[str, Any]:
    info: dict[str, Any] = {
        "id": actor.id,
        "name": actor.name,
        "type": style.node_key(actor.kind, actor.org_type),
    }
    if reached:
        info["evidence"] = reached.evidence
        info["hops"] = reached.hops
        info["via"] = [_name(i, actors) for i in _via(reached, upstream)]
    return info


def _group_info(group: Group) -> dict[str, Any]:
    """A group's panel: its count (its members are drawn and listed once it is expanded)."""
    return {
        "id": group.node_id,
        "group": group.key,
        "name": group.label,
        "title": group.title,
        "by_la": group.by_la,
        "count": len(group.members),
    }


def _via(r: Reached, upstream: bool) -> list[str]:
    """The organisations between the anchor and `r`, in the direction the data moves."""
    if upstream:
        return [h.to_id for h in r.path[:-1]]
    return [h.from_id for h in r.path[1:]]


def _row(
    r: Reached, reached: dict[str, Reached], upstream: bool, grouped_as: dict[str, str]
) -> TableRow:
    return TableRow(
        id=r.actor.id,
        name=r.actor.name,
        type=style.node_key(r.actor.kind, r.actor.org_type),
        evidence=r.evidence,
        hops=r.hops,
        via=tuple(reached[i].actor.name if i in reached else i for i in _via(r, upstream)),
        flow_id=_end_hop(r, upstream).flow_id if r.path else None,
        group=grouped_as.get(r.actor.id, ""),
    )


def _name(actor_id: str, actors: dict[str, ActorRef]) -> str:
    return actors[actor_id].name if actor_id in actors else actor_id
