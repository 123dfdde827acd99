"""The school map view: a school's own subgraph grouped by the categories of its own map (the
seed's five: classroom tools, online / cloud providers, paper records, technology on the school
estate, third parties; plus safeguarding and the MIS). Each category is drawn as a hub between
the school and its systems, and the same rows (one per flow drawn) are listed in a table
underneath, category by category.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from pyvis.network import Network

from graph.model import model
from graph.results import GraphEdge, GraphNode, Subgraph
from web import style
from web.layout import place

NO_CATEGORY = "national and other"
# the seed's five (slide 11), safeguarding and the MIS, in the model's order
SCHOOL_MAP_CATEGORIES: list[str] = list(model().school_map_categories)
CATEGORY_LABELS: dict[str, str] = {
    "classroom_tools": "classroom tools",
    "online_cloud_providers": "online / cloud providers",
    "paper_records": "paper records",
    "school_estate_technology": "technology on the school estate",
    "third_parties": "third parties",
    "safeguarding": "safeguarding",
    "mis": "MIS (management information system)",
}


@dataclass
class SchoolMapView:
    """Everything the school map template draws."""

    graph: Subgraph
    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    options: dict[str, Any]
    legend: list[dict[str, str]]
    info: dict[str, dict[str, Any]]
    categories: dict[str, list[dict[str, Any]]]

    @property
    def graph_data(self) -> dict[str, Any]:
        return {
            "nodes": self.nodes,
            "edges": self.edges,
            "options": self.options,
            "info": self.info,
            "flows": {},
            "anchor": self.graph.root.id,
        }

    def label(self, category: str) -> str:
        return label(category)


def build_school_map(graph: Subgraph) -> SchoolMapView:
    """The drawable map: school -> category -> system -> onward recipients."""
    nodes = {n.id: n for n in graph.nodes}
    root = graph.root.id
    net = Network(directed=True)
    net.add_node(
        root,
        label=style.wrap_label(graph.root.name),
        title=graph.root.name,
        color=style.KIND_COLOURS["School"],
        level=0,
        size=22,
    )
    rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    hubs: set[str] = set()
    drawn: set[str] = {root}
    for edge, category in categorised(graph):
        src, dst = nodes[edge.from_id], nodes[edge.to_id]
        rows[category].append(_row(edge, src, dst, category))
        hub = f"category:{category}"
        if edge.from_id == root:
            if hub not in hubs:
                hubs.add(hub)
                net.add_node(
                    hub,
                    label=style.wrap_label(label(category)),
                    title=f"category: {label(category)}",
                    color={"background": "#ffffff", "border": style.category_colour(category)},
                    borderWidth=3,
                    shape="box",
                    level=1,
                    group_order=f"{category_order(category)[0]:02d}",
                )
                net.add_edge(root, hub, id=f"hub:{category}", color="#999999", dashes=[2, 4])
            _add_node(net, drawn, dst, level=2, order=f"{category_order(category)[0]:02d}")
            net.add_edge(hub, dst.id, id=edge.id, title=_title(edge), color="#333333")
        else:
            _add_node(net, drawn, src, level=src.depth + 1)
            _add_node(net, drawn, dst, level=dst.depth + 1)
            net.add_edge(src.id, dst.id, id=edge.id, title=_title(edge), color="#555555")
    place(net.nodes)  # fixed positions: the same map always draws the same picture
    keys = {style.node_key(n.kind, n.org_type) for n in graph.nodes if n.id in drawn}
    info = {
        n.id: {"id": n.id, "name": n.name, "type": style.node_key(n.kind, n.org_type)}
        for n in graph.nodes
        if n.id in drawn
    }
    # the category circles are drawn too: the list beside the drawing names them as well
    for hub in sorted(hubs):
        category = hub.split(":", 1)[1]
        info[hub] = {"id": hub, "name": f"category: {label(category)}", "type": "category"}
    return SchoolMapView(
        graph=graph,
        nodes=net.nodes,
        edges=net.edges,
        options=style.vis_options(),
        legend=style.legend(keys),
        info=info,
        categories={k: rows[k] for k in sorted(rows, key=category_order)},
    )


def categorised(graph: Subgraph) -> list[tuple[GraphEdge, str]]:
    """Every drawable row of the map with its category.

    A flow of the school's own map carries the category its row gives it. A flow without one
    (the supplier catalogue's onward flows, the national layer) inherits the category of the
    flow that reached its sender, else takes the product's own category, else NO_CATEGORY.
    Edges are in breadth-first order (by depth), so a sender's category is known first.
    """
    nodes = {n.id: n for n in graph.nodes}
    root = graph.root.id
    reached_as: dict[str, str] = {}
    out: list[tuple[GraphEdge, str]] = []
    edges = [e for e in graph.edges if e.from_id in nodes and e.to_id in nodes]
    for edge in sorted(edges, key=lambda e: nodes[e.from_id].depth):
        src, dst = nodes[edge.from_id], nodes[edge.to_id]
        category = (
            edge.category
            or (reached_as.get(src.id) if src.id != root else None)
            or (dst.category if edge.from_id == root else None)
            or (src.category if src.id != root else None)
            or NO_CATEGORY
        )
        if category != NO_CATEGORY:
            reached_as.setdefault(dst.id, category)
        out.append((edge, category))
    return out


def category_order(category: str) -> tuple[int, str]:
    """The school-map categories in the model's order, then anything else by name."""
    if category in SCHOOL_MAP_CATEGORIES:
        return (SCHOOL_MAP_CATEGORIES.index(category), category)
    return (len(SCHOOL_MAP_CATEGORIES) + (category == NO_CATEGORY), category)


def label(category: str) -> str:
    return CATEGORY_LABELS.get(category, category.replace("_", " "))


def _title(edge: GraphEdge) -> str:
    return (edge.kind or edge.type).replace("_", " ")


def _add_node(
    net: Network, drawn: set[str], node: GraphNode, level: int, order: str = "99"
) -> None:
    if node.id in drawn:
        return
    drawn.add(node.id)
    net.add_node(
        node.id,
        label=style.wrap_label(node.name),
        group_order=order,
        title=f"{node.name} ({style.node_key(node.kind, node.org_type)})",
        color=style.node_colour(node.kind, node.org_type),
        level=level,
    )


def _row(edge: GraphEdge, src: GraphNode, dst: GraphNode, category: str) -> dict[str, Any]:
    return {
        "flow_id": edge.id,
        "category": category,
        "from_id": src.id,
        "from": src.name,
        "to_id": dst.id,
        "to": dst.name,
        "type": style.node_key(dst.kind, dst.org_type),
        "kind": (edge.kind or edge.type).replace("_", " "),
        "items": edge.items,
        "sources": edge.source_ids,
    }
