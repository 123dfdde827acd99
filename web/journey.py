"""The journey view: a reach result turned into a pyvis (vis-network) graph, levels by hop from
the school, with the data the side panel and the text alternative need.

Results with more than GROUP_THRESHOLD nodes are grouped: organisations that pass nothing on
are collapsed into one node per type ("commercial x 2,000"), each group expandable by name
(`expand`). Whatever still exceeds the threshold is cut, and the page says so.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from pyvis.network import Network

from graph.results import ActorRef, Hop, Reached, ReachResult
from web import style

GROUP_THRESHOLD = 1000
TABLE_LIMIT = 2000
GROUP_MEMBERS_SHOWN = 100
WIDEST_LEVEL = 80  # more nodes on one level: a force layout (clusters) instead of columns
_EVIDENCE_RANK = {"stated": 0, "implied": 1, "unknown": 2}


@dataclass
class Group:
    """Organisations of one type shown as one node."""

    key: str
    members: list[Reached]

    @property
    def node_id(self) -> str:
        return f"group:{self.key}"

    @property
    def label(self) -> str:
        return f"{style.node_key('Organisation', self.key)} x {len(self.members):,}"


@dataclass
class JourneyView:
    """Everything the journey template draws."""

    result: ReachResult
    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    options: dict[str, Any]
    legend: list[dict[str, str]]
    info: dict[str, dict[str, Any]]
    flows: dict[str, dict[str, Any]]
    rows: list[dict[str, Any]]
    groups: list[Group] = field(default_factory=list)
    total_nodes: int = 0
    cut: int = 0

    @property
    def graph_data(self) -> dict[str, Any]:
        return {
            "nodes": self.nodes,
            "edges": self.edges,
            "options": self.options,
            "info": self.info,
            "flows": self.flows,
        }


def build_journey(
    result: ReachResult, expand: frozenset[str] = frozenset(), threshold: int = GROUP_THRESHOLD
) -> JourneyView:
    """The drawable journey for `result`; types named in `expand` are never grouped."""
    actors: dict[str, ActorRef] = {result.origin.id: result.origin}
    level: dict[str, int] = {result.origin.id: 0}
    reached = {r.actor.id: r for r in result.reached}
    hops: dict[str, Hop] = {}
    for r in result.reached:
        actors[r.actor.id] = r.actor
        level[r.actor.id] = r.hops
        for depth, hop in enumerate(r.path, start=1):
            hops.setdefault(hop.flow_id, hop)
            if hop.to_id not in actors:  # on a path but filtered out of the result
                actors[hop.to_id] = ActorRef(id=hop.to_id, name=hop.to_id, kind="Actor")
                level[hop.to_id] = depth
    total_nodes = len(actors)
    groups: list[Group] = []
    if total_nodes > threshold:
        groups = _groups(result, hops, expand)
        for group in groups:
            for member in group.members:
                actors.pop(member.actor.id, None)
                hops.pop(member.path[-1].flow_id, None)
    cut = 0
    if len(actors) + len(groups) > threshold:
        keep = sorted(actors, key=lambda a: (level[a], actors[a].name))[: max(1, threshold)]
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
            label=_short(actor.name),
            title=f"{actor.name} ({key})",
            color=style.node_colour(actor.kind, actor.org_type),
            level=level[actor_id],
            size=22 if actor_id == result.origin.id else 14,
        )
    for hop in hops.values():
        net.add_edge(hop.from_id, hop.to_id, **_edge_style(hop.flow_id, hop.evidence, hop))
    for group in groups:
        keys.add("group")
        net.add_node(
            group.node_id,
            label=group.label,
            title=f"{group.label}: click for the list and to expand",
            color=style.GROUP_COLOUR,
            shape="box",
            level=min(m.hops for m in group.members),
        )
        for pred, members in _by_predecessor(group).items():
            if pred in actors:
                evidence = min((m.evidence for m in members), key=_EVIDENCE_RANK.__getitem__)
                edge_id = f"group-edge:{pred}:{group.key}"
                net.add_edge(pred, group.node_id, **_edge_style(edge_id, evidence, None))

    info = {a: _actor_info(actors[a], reached.get(a), actors) for a in actors}
    info.update({g.node_id: _group_info(g) for g in groups})
    flows: dict[str, dict[str, Any]] = {k: h.model_dump() for k, h in hops.items()}
    rows = [_row(r, reached) for r in result.reached[:TABLE_LIMIT]]
    widest = max(Counter(n.get("level", 0) for n in net.nodes).values(), default=0)
    return JourneyView(
        result=result,
        nodes=net.nodes,
        edges=net.edges,
        options=style.vis_options(hierarchical=widest <= WIDEST_LEVEL),
        legend=style.legend(keys),
        info=info,
        flows=flows,
        rows=rows,
        groups=groups,
        total_nodes=total_nodes,
        cut=cut,
    )


def _groups(result: ReachResult, hops: dict[str, Hop], expand: frozenset[str]) -> list[Group]:
    """Organisations that pass nothing on, one group per type not asked to be expanded."""
    senders = {h.from_id for h in hops.values()}
    by_type: dict[str, list[Reached]] = defaultdict(list)
    for r in result.reached:
        key = r.actor.org_type or r.actor.kind
        if r.actor.id not in senders and r.path and key not in expand:
            by_type[key].append(r)
    return [Group(key, members) for key, members in sorted(by_type.items()) if len(members) > 1]


def _by_predecessor(group: Group) -> dict[str, list[Reached]]:
    preds: dict[str, list[Reached]] = defaultdict(list)
    for member in group.members:
        preds[member.path[-1].from_id].append(member)
    return preds


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
    actor: ActorRef, reached: Reached | None, actors: dict[str, ActorRef]
) -> dict[str, Any]:
    info: dict[str, Any] = {
        "id": actor.id,
        "name": actor.name,
        "type": style.node_key(actor.kind, actor.org_type),
    }
    if reached:
        info["evidence"] = reached.evidence
        info["hops"] = reached.hops
        info["via"] = [_name(h.from_id, actors) for h in reached.path[1:]]
    return info


def _group_info(group: Group) -> dict[str, Any]:
    shown = sorted(group.members, key=lambda m: m.actor.name)[:GROUP_MEMBERS_SHOWN]
    return {
        "id": group.node_id,
        "group": group.key,
        "name": group.label,
        "count": len(group.members),
        "members": [
            {"id": m.actor.id, "name": m.actor.name, "evidence": m.evidence} for m in shown
        ],
    }


def _row(r: Reached, reached: dict[str, Reached]) -> dict[str, Any]:
    via = [reached[h.from_id].actor.name if h.from_id in reached else h.from_id for h in r.path]
    return {
        "id": r.actor.id,
        "name": r.actor.name,
        "type": style.node_key(r.actor.kind, r.actor.org_type),
        "evidence": r.evidence,
        "hops": r.hops,
        "via": via[1:],
        "flow_id": r.path[-1].flow_id if r.path else None,
    }


def _name(actor_id: str, actors: dict[str, ActorRef]) -> str:
    return actors[actor_id].name if actor_id in actors else actor_id


def _short(name: str, limit: int = 38) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "..."
