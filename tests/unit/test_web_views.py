"""The page builders without a database: the school map groups its rows by the map's own
categories, and a large upstream view groups schools by local authority (expandable)."""

from __future__ import annotations

from typing import Any

from graph.results import (
    ActorRef,
    GraphEdge,
    GraphNode,
    Hop,
    ItemRef,
    Reached,
    Subgraph,
    UpstreamResult,
)
from graph.traversal import summarise
from web.journey import build_upstream
from web.school_map import NO_CATEGORY, SCHOOL_MAP_CATEGORIES, build_school_map, categorised


def test_school_map_rows_follow_the_flows_own_category() -> None:
    school = ActorRef(id="school:1", name="A School", kind="School")
    nodes = [
        GraphNode(id="school:1", name="A School", kind="School", depth=0),
        GraphNode(id="product:sims", name="SIMS", kind="Product", category="mis", depth=1),
        GraphNode(id="product:wonde", name="Wonde", kind="Product", category="other", depth=1),
        GraphNode(id="product:app", name="App", kind="Product", category="homework", depth=2),
        GraphNode(id="product:lone", name="Lone", kind="Product", category="filtering", depth=2),
        GraphNode(id="la:1", name="An LA", kind="LocalAuthority", depth=1),
        GraphNode(id="body:dfe", name="DfE", kind="NationalBody", depth=2),
    ]
    edges = [
        # the school's own map: each row's category, not the product's
        GraphEdge(id="f1", from_id="school:1", to_id="product:sims", type="FLOW", category="mis"),
        GraphEdge(
            id="f2",
            from_id="school:1",
            to_id="product:wonde",
            type="FLOW",
            category="third_parties",
        ),
        # the catalogue's onward flow: no category of its own, inherits the one it came by
        GraphEdge(id="f3", from_id="product:wonde", to_id="product:app", type="FLOW"),
        # national flows: no category anywhere
        GraphEdge(id="f4", from_id="school:1", to_id="la:1", type="FLOW"),
        GraphEdge(id="f5", from_id="la:1", to_id="body:dfe", type="FLOW"),
        # a sender reached by no categorised flow: the product's own category is the fallback
        GraphEdge(id="f6", from_id="la:1", to_id="product:lone", type="FLOW"),
        GraphEdge(id="f7", from_id="product:lone", to_id="body:dfe", type="FLOW"),
    ]
    graph = Subgraph(root=school, depth=2, nodes=nodes, edges=edges, truncated=False, limit=500)
    got = {edge.id: category for edge, category in categorised(graph)}
    assert got["f1"] == "mis" and got["f2"] == "third_parties"
    assert got["f3"] == "third_parties"
    assert got["f4"] == got["f5"] == got["f6"] == NO_CATEGORY
    assert got["f7"] == "filtering"

    view = build_school_map(graph)
    # the table lists exactly the flows drawn, each under its category, in the model's order
    drawn = {e["id"] for e in view.edges if not e["id"].startswith("hub:")}
    listed = {row["flow_id"] for rows in view.categories.values() for row in rows}
    assert drawn == listed == {e.id for e in edges}
    order = list(view.categories)
    assert order == ["third_parties", "mis", "filtering", NO_CATEGORY]
    assert SCHOOL_MAP_CATEGORIES.index("third_parties") < SCHOOL_MAP_CATEGORIES.index("mis")
    hubs = {n["id"] for n in view.nodes if n["id"].startswith("category:")}
    assert hubs == {"category:mis", "category:third_parties", f"category:{NO_CATEGORY}"}
    assert view.label("school_estate_technology") == "technology on the school estate"


def test_upstream_groups_schools_by_local_authority_and_expands() -> None:
    target = ActorRef(id="dataset:npd", name="National Pupil Database", kind="Dataset")
    census = ActorRef(id="dataset:census", name="School census", kind="Dataset")
    last = _hop("flow:census-npd", census.id, target.id)
    origins = [Reached(actor=census, evidence="stated", hops=1, path=[last])]
    las = {n: ActorRef(id=f"la:{n}", name=f"Borough {n}", kind="LocalAuthority") for n in range(3)}
    by_school: dict[str, ActorRef] = {}
    for n in range(1500):
        school = ActorRef(id=f"school:{n}", name=f"School {n:04d}", kind="School")
        by_school[school.id] = las[n % 3]
        first = _hop(f"flow:s{n}", school.id, census.id)
        origins.append(Reached(actor=school, evidence="stated", hops=2, path=[first, last]))
    result = UpstreamResult(
        target=target,
        item=ItemRef(id="pupil.contact.postcode", name="Home postcode"),
        origins=origins,
        total=len(origins),
        truncated=False,
        summary=summarise(origins),
    )
    asked: list[list[str]] = []

    def lookup(ids: list[str]) -> dict[str, ActorRef]:
        asked.append(ids)
        return {i: by_school[i] for i in ids}

    view = build_upstream(result, local_authorities=lookup)
    assert len(asked) == 1 and len(asked[0]) == 1500  # asked once, for the schools only
    assert [g.key for g in view.la_groups] == ["la:0", "la:1", "la:2"] and not view.type_groups
    assert view.la_groups[0].title == "schools in Borough 0" and view.schools_grouped == 1500
    ids = {n["id"] for n in view.nodes}
    assert ids == {target.id, census.id, "group:la:0", "group:la:1", "group:la:2"}
    assert all(n["x"] < 0 for n in view.nodes if n["id"] != target.id)  # right to left
    # group edges run the way the data moves: from the schools into the census
    assert {(e["from"], e["to"]) for e in view.edges if e["id"].startswith("group-edge:")} == {
        (f"group:la:{n}", census.id) for n in range(3)
    }
    assert view.info["group:la:1"]["by_la"] is True and view.info["group:la:1"]["count"] == 500
    assert view.rows[1]["group"] == "schools in Borough 0" and view.rows[1]["via"] == [
        "School census"
    ]

    # expanding one LA draws its schools one by one; the others stay grouped
    expanded = build_upstream(result, frozenset({"la:1"}), local_authorities=lookup)
    drawn = {n["id"] for n in expanded.nodes}
    assert "group:la:1" not in drawn and {"group:la:0", "group:la:2"} <= drawn
    assert {f"school:{n}" for n in range(1, 1500, 3)} <= drawn
    assert len(drawn) == 2 + 2 + 500

    # small results are never grouped, and the lookup is not even asked
    small = UpstreamResult(**(result.model_dump() | {"origins": origins[:50], "total": 50}))
    asked.clear()
    assert not build_upstream(small, local_authorities=lookup).groups and not asked


def _hop(flow_id: str, src: str, dst: str) -> Hop:
    return Hop(flow_id=flow_id, from_id=src, to_id=dst, kind="census_return", evidence="stated")


def test_a_wide_level_wraps_into_columns_placed_by_the_server() -> None:
    from web.layout import COLUMN_ROWS, COLUMN_WIDTH, ROW_HEIGHT, place
    from web.style import FONT_SIZE, LABEL_LINE, wrap_label

    nodes: list[dict[str, Any]] = [{"id": "s", "level": 0, "color": "a", "label": "school"}]
    nodes += [{"id": f"r{i}", "level": 1, "color": "b", "label": f"r{i:03d}"} for i in range(100)]
    place(nodes)
    wide = [n for n in nodes if n["level"] == 1]
    columns = {n["x"] for n in wide}
    assert len(columns) == -(-100 // COLUMN_ROWS)  # columns of at most COLUMN_ROWS
    assert all(n["x"] > nodes[0]["x"] for n in wide)  # left to right by hop
    assert max(sum(1 for n in wide if n["x"] == x) for x in columns) == COLUMN_ROWS
    assert len({(n["x"], n["y"]) for n in nodes}) == len(nodes)  # no two in one place
    place(nodes, reverse=True)
    assert all(n["x"] < 0 for n in wide)  # upstream: right to left into the anchor
    # a label (two lines at most) fits between rows, a line of it between columns
    label = wrap_label("Department for Education National Pupil Database extract recipients")
    assert len(label.split("\n")) == 2 and all(len(x) <= LABEL_LINE for x in label.split("\n"))
    assert ROW_HEIGHT >= 28 + 2 * FONT_SIZE * 1.2 + 8
    assert COLUMN_WIDTH >= LABEL_LINE * FONT_SIZE * 0.56


def test_a_page_embeds_each_flow_once_in_the_compact_shape() -> None:
    from graph.compact import CompactHop
    from graph.results import SourceRef
    from web.compact_view import compact_flows

    source = SourceRef(id="s1", title="A paper")
    hop = Hop(
        flow_id="f1", from_id="a", to_id="b", kind="share", evidence="stated", sources=[source]
    )
    other = Hop(flow_id="f2", from_id="b", to_id="c", kind="share", evidence="implied", tier=2)
    flows, sources = compact_flows([hop, other, hop])
    assert list(flows) == ["f1", "f2"] and sources == {"s1": {"id": "s1", "title": "A paper"}}
    assert flows["f1"]["source_ids"] == ["s1"] and "sources" not in flows["f1"]
    assert "retention" not in flows["f1"]  # at its default: left out
    # what is embedded reads back as the compact hop of graph/compact.py
    back = CompactHop.model_validate(flows["f2"])
    assert back.tier == 2 and back.source_ids == [] and back.evidence == "implied"
