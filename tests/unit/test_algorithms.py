"""The journeys' graph algorithms without Neo4j: the layered breadth-first search (best evidence
class, one shortest witness path), all shortest paths between two organisations, the minimum
cut, and what summaries count. Small hand-made graphs whose answers can be read off by eye."""

from __future__ import annotations

from graph.cut import min_cut_edges
from graph.results import ActorRef, Hop, Reached
from graph.traversal import (
    MAX_PATHS,
    Edge,
    FlowGraph,
    all_shortest_paths,
    counts,
    layered_bfs,
    longest_retention,
    summarise,
)


def edge(src: str, dst: str, evidence: str = "stated", flow_id: str | None = None) -> Edge:
    return Edge(flow_id or f"{src}-{dst}", src, dst, evidence, (), {})


def graph(*edges: Edge) -> FlowGraph:
    return FlowGraph(edges=list(edges))


def ids(path: list[Edge]) -> list[str]:
    return [e.flow_id for e in path]


def test_every_reached_node_has_its_shortest_path() -> None:
    g = graph(edge("s", "a"), edge("a", "b"), edge("s", "b", flow_id="direct"), edge("b", "c"))
    best = layered_bfs("s", g, 10, forward=True)
    assert {n: (e, ids(p)) for n, (e, p) in best.items()} == {
        "a": ("stated", ["s-a"]),
        "b": ("stated", ["direct"]),
        "c": ("stated", ["direct", "b-c"]),
    }


def test_a_stated_path_beats_a_shorter_unknown_one() -> None:
    g = graph(edge("s", "t", "unknown"), edge("s", "a"), edge("a", "t"))
    best = layered_bfs("s", g, 10, forward=True)
    assert best["t"][0] == "stated" and ids(best["t"][1]) == ["s-a", "a-t"]


def test_a_path_is_as_strong_as_its_weakest_hop() -> None:
    g = graph(edge("s", "a"), edge("a", "b", "implied"), edge("b", "c"), edge("s", "d", "unknown"))
    best = layered_bfs("s", g, 10, forward=True)
    assert {n: e for n, (e, _) in best.items()} == {
        "a": "stated",
        "b": "implied",
        "c": "implied",
        "d": "unknown",
    }


def test_max_hops_stops_the_search_and_cycles_end() -> None:
    g = graph(edge("s", "a"), edge("a", "b"), edge("b", "s"), edge("b", "c"))
    assert set(layered_bfs("s", g, 2, forward=True)) == {"a", "b"}
    assert set(layered_bfs("s", g, 3, forward=True)) == {"a", "b", "c"}


def test_backwards_the_search_follows_flows_into_the_node() -> None:
    g = graph(edge("x", "a"), edge("a", "t"), edge("y", "t", "implied"), edge("t", "z"))
    best = layered_bfs("t", g, 10, forward=False)
    assert {n: (e, ids(p)) for n, (e, p) in best.items()} == {
        "a": ("stated", ["a-t"]),
        "y": ("implied", ["y-t"]),
        "x": ("stated", ["x-a", "a-t"]),  # a path backwards reads from its origin onwards
    }


def test_all_shortest_paths_and_only_those() -> None:
    g = [edge("s", "a"), edge("s", "b"), edge("a", "t"), edge("b", "t"), edge("s", "c")]
    g += [edge("c", "d"), edge("d", "t")]  # a longer way is not listed
    paths, truncated = all_shortest_paths("s", "t", g, 10)
    assert sorted(ids(p) for p in paths) == [["s-a", "a-t"], ["s-b", "b-t"]]
    assert not truncated


def test_no_path_no_answer_and_too_many_are_truncated() -> None:
    assert all_shortest_paths("s", "t", [edge("t", "s")], 10) == ([], False)
    assert all_shortest_paths("s", "s", [edge("s", "a")], 10) == ([], False)
    assert all_shortest_paths("s", "t", [edge("s", "a"), edge("a", "t")], 1) == ([], False)
    many = [edge("s", f"m{i}") for i in range(MAX_PATHS + 5)]
    many += [edge(f"m{i}", "t") for i in range(MAX_PATHS + 5)]
    paths, truncated = all_shortest_paths("s", "t", many, 10)
    assert len(paths) == MAX_PATHS and truncated


def test_the_minimum_cut_is_the_narrowest_place() -> None:
    # two ways out of s join at b: the one flow b -> t is the cut, not the two before it
    g = [edge("s", "a"), edge("s", "c"), edge("a", "b"), edge("c", "b"), edge("b", "t")]
    assert ids(min_cut_edges("s", "t", g) or []) == ["b-t"]
    # two disjoint ways: both must stop; parallel flows between one pair all count
    g = [edge("s", "a"), edge("a", "t"), edge("s", "t", flow_id="f1"), edge("s", "t", flow_id="f2")]
    assert sorted(ids(min_cut_edges("s", "t", g) or [])) == ["f1", "f2", "s-a"]


def test_nothing_to_cut_when_the_target_is_not_reached() -> None:
    assert min_cut_edges("s", "t", [edge("s", "a"), edge("t", "s")]) is None
    assert min_cut_edges("s", "s", [edge("s", "a")]) is None


def hop(flow_id: str, to: str, **facts: object) -> Hop:
    return Hop(flow_id=flow_id, from_id="s", to_id=to, kind="flow", evidence="stated", **facts)  # type: ignore[arg-type]


def reached(actor: str, org_type: str, evidence: str, path: list[Hop]) -> Reached:
    ref = ActorRef(id=actor, name=actor, kind="Organisation", org_type=org_type)
    return Reached(actor=ref, evidence=evidence, hops=len(path), path=path)


def test_a_summary_counts_organisations_and_gives_the_worst_case() -> None:
    a = hop("f1", "a", retention="12 months", lawful_basis="6(1)(e)", tier=2, purposes=["research"])
    b = hop("f2", "b", retention="5 years", storage_country="US")
    c = hop("f3", "c", retention_indefinite=True, tier=1)
    summary = summarise(
        [
            reached("a", "commercial", "stated", [a]),
            reached("b", "commercial", "implied", [a, b]),
            reached("c", "media", "unknown", [c]),
        ]
    )
    assert summary.total == 3
    assert summary.by_type == {"commercial": 2, "media": 1}
    assert summary.by_evidence == {"stated": 1, "implied": 1, "unknown": 1}
    assert summary.longest_retention == "indefinitely" and summary.kept_indefinitely_by == ["c"]
    assert summary.highest_tier == 1 and summary.storage_countries == ["US"]
    assert summary.lawful_bases == ["6(1)(e)"] and summary.purposes == ["research"]


def test_counts_keep_the_evidence_order_and_the_longest_retention_is_read_from_words() -> None:
    assert counts([("x", "unknown"), ("x", "stated")])["by_evidence"] == {
        "stated": 1,
        "unknown": 1,
    }
    assert longest_retention(["12 months", "2 years then review", "30 days"]) == (
        "2 years then review"
    )
    assert longest_retention(["as long as needed"]) == "as long as needed"
    assert longest_retention([]) is None
