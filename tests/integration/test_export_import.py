"""Exports and the restore of a JSON export: the round trip gives back the same nodes,
relationships and properties (dates and datetimes included); GraphML parses and declares its
keys; a subgraph export brings its sources; import refuses a non-empty database."""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from graph.audit import list_entries
from graph.db import Database
from graph.errors import EdflowsError
from graph.export import export_graph, import_graph
from graph.terms import unfold
from loaders.curated_files import curated_path
from loaders.registry import run_load
from tests.support.demo import DEMO
from web.documents.exports import write_csv, write_graphml, write_json

pytestmark = pytest.mark.integration
GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"


def _load_small_graph(db: Database, shared_data: Path, tmp_path: Path) -> None:
    """The bundled sources, with the school list cut to the demo school and its neighbours."""
    spine = (shared_data / "schools/2017-2018_england_spine.csv").read_text(encoding="utf-8")
    schools = tmp_path / "spine.csv"
    schools.write_text("\n".join(spine.splitlines()[:6]) + "\n", encoding="utf-8")
    for name, target in [
        ("npd-catalogue", str(shared_data / "npd-metadata")),
        ("base", None),
        ("local-authorities", str(shared_data / "local-authorities")),
        ("schools", str(schools)),
        ("example-school", None),
        ("suppliers", None),
        ("releases", str(shared_data / "npd-releases/releases.csv")),
        ("school-map", str(curated_path("demo_school_map.yaml"))),
    ]:
        run_load(db, name, target)


def _snapshot(db: Database) -> tuple[dict[Any, Any], list[Any]]:
    """The knowledge, as stored: every node but the terms nodes, and every relationship, each
    flow read whole (its terms node folded in, graph/terms.py). How flows share their terms
    is storage: an import may share claims a little differently from the loads that wrote them,
    as it sees every flow at once."""
    nodes, _, _ = db.driver.execute_query(
        # the knowledge: the audit trail and tokens are never exported (see the last test)
        "MATCH (n) WHERE NOT (n:AuditEntry OR n:Token OR n:Terms) "
        "RETURN labels(n) AS labels, properties(n) AS props",
        database_=db.database,
    )
    rels, _, _ = db.driver.execute_query(
        "MATCH (a)-[r]->(b) OPTIONAL MATCH (t:Terms {id: r.terms}) "
        "RETURN type(r) AS type, a.id AS a, b.id AS b, properties(r) AS props, "
        "properties(t) AS terms",
        database_=db.database,
    )
    by_node = {(tuple(sorted(r["labels"])), r["props"]["id"]): r["props"] for r in nodes}
    assert len(by_node) == len(nodes)
    # a flow's row hash is the loader's note of what it wrote (graph/writer.py), not knowledge:
    # an export leaves it out, and the next load of the same file writes it again
    by_rel = sorted(
        (
            r["type"],
            r["a"],
            r["b"],
            json.dumps(unfold(r["props"], r["terms"]), sort_keys=True, default=repr),
        )
        for r in rels
    )
    return by_node, by_rel


def _terms_nodes(db: Database) -> int:
    records, _, _ = db.driver.execute_query(
        "MATCH (t:Terms) RETURN count(t) AS n", database_=db.database
    )
    return int(records[0]["n"])


def test_json_round_trip_is_exact(db: Database, shared_data: Path, tmp_path: Path) -> None:
    _load_small_graph(db, shared_data, tmp_path)
    before_nodes, before_rels = _snapshot(db)
    assert len(before_nodes) > 2000 and len(before_rels) > 2000
    dated = [p for p in before_rels if "valid_from_day" in p[3]]
    assert dated, "the graph has Date values to round-trip"

    path = tmp_path / "graph.json"
    write_json(export_graph(db), path)
    data = json.loads(path.read_text(encoding="utf-8"))
    # the terms nodes are not exported: each flow carries its terms whole (graph/terms.py)
    terms = _terms_nodes(db)
    assert terms, "flows share terms nodes"
    knowledge = len(before_nodes)
    assert data["counts"] == {"nodes": knowledge, "relationships": len(before_rels)}
    assert any(n["labels"] == ["Source"] for n in data["nodes"]), "sources are exported"

    with pytest.raises(EdflowsError, match="not empty"):
        import_graph(db, data)
    import_graph(db, data, replace=True)
    after_nodes, after_rels = _snapshot(db)
    assert 0 < _terms_nodes(db) <= terms, "the import stores the flows lean again"
    assert after_nodes.keys() == before_nodes.keys()
    for key, props in before_nodes.items():
        assert after_nodes[key] == props, key
    assert after_rels == before_rels

    db.wipe()
    import_graph(db, data)
    assert _snapshot(db) == (before_nodes, before_rels)
    # the import itself is recorded in the audit trail; loads' entries are not exported
    entries = list_entries(db).entries
    assert [(e.actor, e.action) for e in entries] == [("cli", "import")]
    assert entries[0].after["nodes"] == knowledge
    assert not any({"AuditEntry", "Token"} & set(n["labels"]) for n in data["nodes"])


def test_graphml_csv_and_subgraph(db: Database, shared_data: Path, tmp_path: Path) -> None:
    _load_small_graph(db, shared_data, tmp_path)
    data = export_graph(db, root=DEMO, depth=2)
    ids = {n["properties"]["id"] for n in data["nodes"]}
    assert {f"school:{DEMO}", "la:201", "product:sims"} <= ids
    flows = [r for r in data["relationships"] if r["type"] == "FLOW"]
    cited = {s for r in flows for s in r["properties"].get("source_ids", [])}
    assert cited and cited <= ids, "a subgraph brings the sources its flows cite"
    assert all(r["start"][1] in ids and r["end"][1] in ids for r in data["relationships"])

    path = tmp_path / "school.graphml"
    write_graphml(data, path)
    root = ET.parse(path).getroot()
    keys = {k.get("id"): k for k in root.findall(f"{GRAPHML}key")}
    assert all(k.get("attr.type") in {"string", "long", "double", "boolean"} for k in keys.values())
    graph = root.find(f"{GRAPHML}graph")
    assert graph is not None
    nodes, edges = graph.findall(f"{GRAPHML}node"), graph.findall(f"{GRAPHML}edge")
    assert len(nodes) == len(data["nodes"]) and len(edges) == len(data["relationships"])
    node_ids = {n.get("id") for n in nodes}
    for element in nodes + edges:
        for d in element.findall(f"{GRAPHML}data"):
            assert d.get("key") in keys
    assert all(e.get("source") in node_ids and e.get("target") in node_ids for e in edges)
    in_effect = keys.get("e_in_effect")
    assert in_effect is not None and in_effect.get("attr.type") == "boolean"
    items = next(
        d.text
        for e in edges
        for d in e.findall(f"{GRAPHML}data")
        if d.get("key") == "e_items" and d.text
    )
    assert isinstance(json.loads(items), list), "lists are JSON-encoded"

    # networkx reads it back: the same nodes, edges, flow ids and items as the export
    read = nx.read_graphml(path, force_multigraph=True)
    assert {d["id"] for _, d in read.nodes(data=True)} == ids
    assert read.number_of_edges() == len(data["relationships"])
    real = {n: d["id"] for n, d in read.nodes(data=True)}
    got = sorted(
        (real[a], real[b], d["type"], d.get("id"), d.get("items"))
        for a, b, d in read.edges(data=True)
    )
    want = sorted(
        (
            r["start"][1],
            r["end"][1],
            r["type"],
            r["properties"].get("id"),
            json.dumps(r["properties"]["items"], ensure_ascii=False)
            if "items" in r["properties"]
            else None,
        )
        for r in data["relationships"]
    )
    assert got == want
    assert {k for _, _, k in read.edges(keys=True) if k in {f["properties"]["id"] for f in flows}}

    nodes_csv, rels_csv = write_csv(data, tmp_path / "csv")
    with nodes_csv.open(encoding="utf-8") as f:
        assert len(list(csv.DictReader(f))) == len(data["nodes"])
    with rels_csv.open(encoding="utf-8") as f:
        assert len(list(csv.DictReader(f))) == len(data["relationships"])
