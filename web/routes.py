"""The routes view: every shortest route of the best evidence class between two organisations
(a paths result) drawn left to right, hop by hop, with the flows of the minimum cut (a cut
result) marked on the drawing and listed beside it.

All the routes have the same length, so a node's column is its place on a route; a node met
at different places on different routes (rare) takes the first. Rows of one column are
ordered by name, and positions are computed here (no physics), so the same question always
draws the same picture.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from graph.names import Labels
from graph.results import CutResult, Hop, PathsResult
from web import style
from web.compact_view import compact_flows

CUT_COLOUR = "#B2182B"
COLUMN_GAP, ROW_GAP = 300, 110  # px between columns (hops) and between rows


@dataclass
class RoutesView:
    """Everything the routes template draws and lists."""

    paths: PathsResult
    cut: CutResult
    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    options: dict[str, Any]
    legend: list[dict[str, str]]
    info: dict[str, dict[str, Any]]
    flows: dict[str, dict[str, Any]]  # each drawn flow's compact hop, once
    sources: dict[str, Any]  # each source of those flows, once
    routes: list[list[dict[str, Any]]]  # each route as its steps (names, flow, evidence)
    cut_rows: list[dict[str, Any]]
    item_names: dict[str, str]

    @property
    def graph_data(self) -> dict[str, Any]:
        return {
            "nodes": self.nodes,
            "edges": self.edges,
            "options": self.options,
            "info": self.info,
            "flows": self.flows,
            "sources": self.sources,
            "anchor": self.paths.origin.id,
            "item_names": self.item_names,
        }


def build_routes(
    paths: PathsResult, cut: CutResult, labels: Labels, kinds: dict[str, tuple[str, str | None]]
) -> RoutesView:
    """`kinds`: each actor id on the routes -> (kind, org_type), for colours and the legend."""
    cut_ids = {h.flow_id for h in cut.flows}
    column: dict[str, int] = {paths.origin.id: 0}
    hops: dict[str, Hop] = {}
    for route in paths.paths:
        for i, hop in enumerate(route):
            hops.setdefault(hop.flow_id, hop)
            column.setdefault(hop.from_id, i)
            column.setdefault(hop.to_id, i + 1)
    for hop in cut.flows:  # a cut flow off the shortest routes is still drawn
        hops.setdefault(hop.flow_id, hop)
        column.setdefault(hop.from_id, max(column.values(), default=0))
        column.setdefault(hop.to_id, column[hop.from_id] + 1)
    by_column: dict[int, list[str]] = defaultdict(list)
    for actor_id, col in column.items():
        by_column[col].append(actor_id)
    nodes, keys, info = [], set(), {}
    for col, members in sorted(by_column.items()):
        members.sort(key=lambda a: (labels.actor(a).lower(), a))
        for row, actor_id in enumerate(members):
            kind, org_type = kinds.get(actor_id, ("Actor", None))
            key = style.node_key(kind, org_type)
            keys.add(key)
            name = labels.actor(actor_id)
            end = actor_id in (paths.origin.id, paths.target.id)
            nodes.append(
                {
                    "id": actor_id,
                    "label": style.wrap_label(name),
                    "title": f"{name} ({key})",
                    "color": style.node_colour(kind, org_type),
                    "size": 22 if end else 14,
                    "x": col * COLUMN_GAP,
                    "y": round((row - (len(members) - 1) / 2) * ROW_GAP),
                    "shape": "dot",
                }
            )
            info[actor_id] = {"id": actor_id, "name": name, "type": key}
    edges = []
    for flow_id, hop in hops.items():
        edge = {
            "id": flow_id,
            "from": hop.from_id,
            "to": hop.to_id,
            "title": f"{hop.kind.replace('_', ' ')} ({hop.evidence})",
            "width": style.SENSITIVE_WIDTH if hop.tier == 1 else style.NORMAL_WIDTH,
            **style.EDGE_STYLES.get(hop.evidence, style.EDGE_STYLES["unknown"]),
        }
        if flow_id in cut_ids:
            edge.update(color=CUT_COLOUR, width=5, label="cut", font={"color": CUT_COLOUR})
        edges.append(edge)
    routes = [[_step(h, labels, cut_ids) for h in route] for route in paths.paths]
    cut_rows = [_step(h, labels, cut_ids) for h in cut.flows]
    flows, sources = compact_flows(hops.values())
    return RoutesView(
        paths=paths,
        cut=cut,
        nodes=nodes,
        edges=edges,
        options=style.vis_options(hierarchical=False, physics=False),
        legend=style.legend(keys),
        info=info,
        flows=flows,
        sources=sources,
        routes=routes,
        cut_rows=cut_rows,
        item_names={i: labels.item(i) for h in hops.values() for i in [*h.items, *h.matched_items]},
    )


def _step(hop: Hop, labels: Labels, cut_ids: set[str]) -> dict[str, Any]:
    return {
        "flow_id": hop.flow_id,
        "from_id": hop.from_id,
        "from": labels.actor(hop.from_id),
        "to_id": hop.to_id,
        "to": labels.actor(hop.to_id),
        "kind": hop.kind.replace("_", " "),
        "evidence": hop.evidence,
        "purpose": hop.purpose_text or ", ".join(labels.purpose(p) for p in hop.purposes),
        "lawful_basis": hop.lawful_basis,
        "retention": hop.retention,
        "tier": hop.tier,
        "dates": " to ".join(d for d in (hop.valid_from, hop.valid_to) if d),
        "sources": len(hop.sources),
        "cut": hop.flow_id in cut_ids,
    }
