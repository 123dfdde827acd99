"""The reach benchmark's pure pieces (bench/baselines.py, bench/tx_memory.py): the limit BFS on a
tiny hand graph and against edflows' own layered search on random graphs, the comparison of
answers, the plain-Cypher rows' reading, sizes and the ratio lines. No Neo4j, no timing."""

from __future__ import annotations

import gzip
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from bench.answer_size import GZIP_LEVEL
from bench.baselines import (
    NO,
    Agreement,
    LimitBFS,
    compare,
    cypher_answer,
    differences,
    flow_rank,
    json_sizes,
    ratio,
    ratio_line,
    rows_json,
    size_summary,
    witness_classes,
)
from bench.generate import split_school_maps
from bench.runner import _memory_refusal
from bench.tx_memory import parse_bytes
from graph.traversal import Edge, FlowGraph, classify, layered_bfs

X = frozenset({"x", "x.part"})  # the item asked about and its part
LAYERS = ["national", "catalogue", "school:1"]


def hand_graph() -> LimitBFS:
    bfs = LimitBFS()
    bfs.add("s", "a", "f01", items=["x"])  # stated
    bfs.add("a", "b", "f02", items=[], tier=2)  # implied (item tier 2 >= 2)
    bfs.add("s", "c", "f03", items=["y"])  # another item only: cannot carry
    bfs.add("c", "d", "f04")  # unknown, but c is never reached
    bfs.add("s", "e", "f05")  # unknown, one hop ...
    bfs.add("a", "e", "f06", items=["x.part", "y"])  # ... but stated in two
    bfs.add("a", "f", "f07", items=["x"], disputed=["x"])  # disputed
    bfs.add("s", "g", "f08", layer="school:2", items=["x"])  # another school's layer
    bfs.add("b", "h", "f09", items=["x"])  # stated, after an implied hop: implied
    bfs.add("s", "t", "f10", tier=1)  # tier 1 flow, item tier 2: implied
    bfs.add("s", "u", "f11", tier=3)  # tier 3 flow, item tier 2: cannot carry
    bfs.add("h", "v", "f12")  # unknown, reached only through an implied hop
    bfs.add("b", "s", "f13", items=["x"])  # back to the start: never reached
    bfs.sort()
    return bfs


def test_the_limit_bfs_on_a_hand_graph() -> None:
    got = hand_graph().witnesses("s", X, 2, LAYERS)
    assert got == {
        "a": ("stated", ("f01",)),
        "b": ("implied", ("f01", "f02")),
        "e": ("stated", ("f01", "f06")),
        "f": ("disputed", ("f01", "f07")),
        "h": ("implied", ("f01", "f02", "f09")),
        "t": ("implied", ("f10",)),
        "v": ("unknown", ("f01", "f02", "f09", "f12")),
    }
    # a shorter reach: nothing beyond two hops
    short = hand_graph().witnesses("s", X, 2, LAYERS, max_hops=2)
    assert set(short) == {"a", "b", "e", "f", "t"}
    # the other school's layer, when followed
    assert hand_graph().witnesses("s", X, 2, [*LAYERS, "school:2"])["g"] == ("stated", ("f08",))
    # an item without a tier: tiered flows cannot carry it
    untiered = hand_graph().witnesses("s", X, None, LAYERS)
    assert set(untiered) == {"a", "e", "f"}


def test_flow_rank_follows_classify() -> None:
    assert flow_rank(["x"], None, frozenset(), X, None) == 0
    assert flow_rank(["x", "x.part"], None, frozenset({"x"}), X, None) == 0  # one undisputed
    assert flow_rank(["x", "y"], None, frozenset({"x"}), X, None) == 1  # y does not count
    assert flow_rank(["y"], 1, frozenset(), X, 4) == NO
    assert flow_rank([], 2, frozenset(), X, 2) == 2
    assert flow_rank([], 3, frozenset(), X, 2) == NO
    assert flow_rank([], None, frozenset(), X, None) == 3


FLOW = st.tuples(
    st.integers(0, 6),  # from
    st.integers(0, 6),  # to
    st.sampled_from([(), ("x",), ("y",), ("x", "y"), ("x.part",)]),
    st.sampled_from([None, 1, 2, 3]),
    st.sampled_from([(), ("x",), ("x", "x.part")]),
    st.sampled_from(["national", "catalogue", "school:2"]),
)


@settings(max_examples=200, deadline=None)
@given(flows=st.lists(FLOW, max_size=25), item_tier=st.sampled_from([None, 1, 2, 3]))
def test_the_limit_bfs_agrees_with_edflows_layered_search(
    flows: list[tuple[int, int, tuple[str, ...], int | None, tuple[str, ...], str]],
    item_tier: int | None,
) -> None:
    """The same organisations, classes and hop counts as graph/traversal.py on random graphs."""
    bfs = LimitBFS()
    graph = FlowGraph()
    for k, (src, dst, items, tier, disputed, layer) in enumerate(flows):
        flow_id = f"f{k:02d}"
        bfs.add(f"n{src}", f"n{dst}", flow_id, layer, items, tier, disputed)
        if layer not in LAYERS:
            continue  # edflows never fetches another school's layer
        flow = {"id": flow_id, "items": list(items), "tier": tier, "disputed_items": disputed}
        evidence, matched = classify(flow, X, item_tier)
        if evidence is not None:
            graph.edges.append(Edge(flow_id, f"n{src}", f"n{dst}", evidence, matched, flow))
    bfs.sort()
    for hops in (1, 3, 10):
        expected = {
            node: (evidence, len(path))
            for node, (evidence, path) in layered_bfs("n0", graph, hops, forward=True).items()
        }
        got = witness_classes(bfs.witnesses("n0", X, item_tier, LAYERS, hops))
        assert got == expected


def test_compare_and_differences() -> None:
    want = {"a": ("stated", 1), "b": ("implied", 2)}
    assert compare(want, dict(want)) == Agreement(True, True, True)
    assert compare(want, dict(want)).full
    other_class = {"a": ("stated", 1), "b": ("unknown", 2)}
    assert compare(want, other_class) == Agreement(True, True, False)
    longer = {"a": ("stated", 1), "b": ("implied", 3)}
    assert compare(want, longer) == Agreement(True, False, True)
    fewer = {"a": ("stated", 1)}
    assert compare(want, fewer) == Agreement(False, False, False)
    assert not compare(want, fewer).full
    assert differences(want, {"a": ("unknown", 2), "c": ("stated", 1)}) == {
        "only_expected": ["b"],
        "only_got": ["c"],
        "hops_differ": ["a"],
        "class_differs": ["a"],
    }


def test_cypher_rows_read_as_classes_and_hops() -> None:
    rows = [
        {"id": "a", "class_rank": 0, "hops": 1, "path": [{"id": "f01"}]},
        {"id": "f", "class_rank": 1, "hops": 2, "path": [{"id": "f01"}, {"id": "f07"}]},
        {"id": "v", "class_rank": 3, "hops": 4, "path": []},
    ]
    assert cypher_answer(rows) == {
        "a": ("stated", 1),
        "f": ("disputed", 2),
        "v": ("unknown", 4),
    }


def test_sizes_are_plain_and_gzip_at_the_api_level() -> None:
    body = rows_json([{"id": "a", "path": ["f01"] * 200}])
    plain, packed = json_sizes(body)
    assert plain == len(body) and packed == len(gzip.compress(body, GZIP_LEVEL)) < plain
    summary = size_summary([(100, 10), (200, 20), (300, 30)])
    assert summary["plain_p50_bytes"] == 200 and summary["plain_max_bytes"] == 300
    assert summary["gzip_p50_bytes"] == 20 and summary["gzip_max_bytes"] == 30
    assert summary["answers"] == 3 and summary["gzip_level"] == GZIP_LEVEL
    assert size_summary([])["plain_max_bytes"] == 0


def test_ratio_lines() -> None:
    assert ratio(12.0, 4.0) == 3.0
    assert ratio(None, 4.0) is None and ratio(5.0, 0.0) is None
    assert ratio_line("warm p95 / limit p95", 3.0, 2.0, 2.0) == (
        "warm p95 / limit p95: 3 / 2 ms = 1.5x (target <= 2x: yes)"
    )
    assert ratio_line("cold p95 / limit p95", 90.0, 0.5, 8.0) == (
        "cold p95 / limit p95: 90 / 0.5 ms = 180x (target <= 8x: NO)"
    )
    assert ratio_line("x", None, 1.0, 2.0) == "x: n/a (target <= 2x)"


def test_neo4j_byte_settings_parse() -> None:
    assert parse_bytes("1.40GiB") == round(1.4 * 1024**3)
    assert parse_bytes("512.00KiB") == 512 * 1024
    assert parse_bytes("0B") == 0
    assert parse_bytes("2g") is None and parse_bytes(None) is None


def test_the_one_school_maps_file_splits_at_school_boundaries(tmp_path: Path) -> None:
    lines = ["urn,system\n"] + [f"{urn},s{k}\n" for urn in (1, 2, 3, 4) for k in range(3)]
    whole = tmp_path / "school_maps.csv"
    whole.write_text("".join(lines))
    parts = split_school_maps(whole, 5, tmp_path / "parts")
    texts = [p.read_text().splitlines() for p in parts]
    assert [p.name for p in parts] == ["part-01.csv", "part-02.csv"]
    assert all(t[0] == "urn,system" for t in texts)
    assert [len(t) - 1 for t in texts] == [6, 6]  # two schools each: none cut in two
    assert [row for t in texts for row in t[1:]] == [line.strip() for line in lines[1:]]
    assert len(split_school_maps(whole, 100, tmp_path / "parts")) == 1
    assert len(list((tmp_path / "parts").glob("*.csv"))) == 1  # the old parts are gone


def test_a_memory_refusal_is_told_from_other_failures() -> None:
    class Refused(Exception):
        code = "Neo.TransientError.General.MemoryPoolOutOfMemoryError"

    wrapped = RuntimeError("the load failed")
    wrapped.__cause__ = Refused("The allocation of an extra 2.0 MiB would use more than ...")
    assert _memory_refusal(Refused()) and _memory_refusal(wrapped)
    assert not _memory_refusal(RuntimeError("Neo.ClientError.Schema.ConstraintValidationFailed"))
