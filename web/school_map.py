"""The school map view: a school's own subgraph grouped by category (MIS, classroom tools,
safeguarding, ...). Each category is drawn as a hub between the school and its systems, and
the same rows are listed in a table underneath.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from pyvis.network import Network

from graph.results import GraphEdge, GraphNode, Subgraph
from web import style

NO_CATEGORY = "national and other"


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
        }


def build_school_map(graph: Subgraph) -> SchoolMapView:
    """The drawable map: school -> category -> system -> onward recipients."""
    nodes = {n.id: n for n in graph.nodes}
    root = graph.root.id
    category_of = {n.id: n.category for n in graph.nodes if n.category}
    net = Network(directed=True)
    net.add_node(
        root,
        label=graph.root.name,
        title=graph.root.name,
        color=style.KIND_COLOURS["School"],
        level=0,
        size=22,
    )
    rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    hubs: set[str] = set()
    for edge in graph.edges:
        src, dst = nodes.get(edge.from_id), nodes.get(edge.to_id)
        if src is None or dst is None:
            continue
        category = _category(edge, src, dst, category_of, root)
        rows[category].append(_row(edge, src, dst))
        hub = f"category:{category}"
        if edge.from_id == root:
            if hub not in hubs:
                hubs.add(hub)
                net.add_node(
                    hub,
                    label=category.replace("_", " "),
                    title=f"category: {category.replace('_', ' ')}",
                    color={"background": "#ffffff", "border": style.category_colour(category)},
                    borderWidth=3,
                    shape="box",
                    level=1,
                )
                net.add_edge(root, hub, id=f"hub:{category}", color="#999999", dashes=[2, 4])
            _add_node(net, dst, category, level=2)
            net.add_edge(hub, dst.id, id=edge.id, title=edge.kind or edge.type, color="#333333")
        else:
            _add_node(net, src, category, level=src.depth + 1)
            _add_node(net, dst, category, level=dst.depth + 1)
            net.add_edge(src.id, dst.id, id=edge.id, title=edge.kind or edge.type, color="#555555")
    keys = {style.node_key(n.kind, n.org_type) for n in graph.nodes}
    legend = style.legend(keys)
    info = {
        n.id: {"id": n.id, "name": n.name, "type": style.node_key(n.kind, n.org_type)}
        for n in graph.nodes
    }
    return SchoolMapView(
        graph=graph,
        nodes=net.nodes,
        edges=net.edges,
        options=style.vis_options(hierarchical=False),
        legend=legend,
        info=info,
        categories={k: rows[k] for k in sorted(rows, key=lambda c: (c == NO_CATEGORY, c))},
    )


def _category(
    edge: GraphEdge,
    src: GraphNode,
    dst: GraphNode,
    category_of: dict[str, str],
    root: str,
) -> str:
    """The category a row belongs to: the system's own, else the one it came from."""
    for node_id in (dst.id, src.id):
        if node_id != root and category_of.get(node_id):
            return category_of[node_id]
    return NO_CATEGORY


def _add_node(net: Network, node: GraphNode, category: str, level: int) -> None:
    net.add_node(
        node.id,
        label=node.name if len(node.name) <= 38 else node.name[:37] + "...",
        title=f"{node.name} ({style.node_key(node.kind, node.org_type)})",
        color=style.node_colour(node.kind, node.org_type),
        level=level,
    )


def _row(edge: GraphEdge, src: GraphNode, dst: GraphNode) -> dict[str, Any]:
    return {
        "from_id": src.id,
        "from": src.name,
        "to_id": dst.id,
        "to": dst.name,
        "type": style.node_key(dst.kind, dst.org_type),
        "kind": (edge.kind or edge.type).replace("_", " "),
        "items": edge.items,
        "sources": edge.source_ids,
    }
