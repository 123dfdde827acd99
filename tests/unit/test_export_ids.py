"""Export ids: GraphML node and edge ids are XML NMTOKENs (checked against the production of
XML 1.0, not against the encoder's own rule), distinct for distinct nodes, with a flow's id as
its edge id; Gephi's CSV headers; an unknown export format is one line and exit code 2."""

from __future__ import annotations

import csv
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from api.cli.main import main
from tests.support.demo import DEMO_ID
from web.documents.exports import edge_key, nmtoken_safe, node_key, write_csv, write_graphml

# XML 1.0 (fifth edition) productions [4] NameStartChar, [4a] NameChar, [7] Nmtoken
NAME_START = (
    ":A-Z_a-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
NAME_CHAR = NAME_START + r"\-.0-9\u00b7\u0300-\u036f\u203f-\u2040"
NMTOKEN = re.compile(f"[{NAME_CHAR}]+")
GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"

AWKWARD = [
    DEMO_ID,
    "school:100000/extra",
    "load:schools#ab12",
    "a b",
    "a_b",
    "a_5f_b",
    "https://example.org/x?y=1&z=2",
    "Ysgol Gymraeg Bro Ŵyr",
    "",
    "flow:census-return:123",
]


def test_every_id_is_an_nmtoken_and_distinct() -> None:
    keys = [node_key(label, i) for label in ("Actor", "Source", "DataItem") for i in AWKWARD]
    for key in keys:
        assert NMTOKEN.fullmatch(key), key
    assert len(set(keys)) == len(keys), "distinct nodes get distinct ids"
    assert nmtoken_safe("a_b") != nmtoken_safe("a_5f_b") != nmtoken_safe("a/b")
    assert node_key("Actor", "school:1") == "Actor.school:1"
    assert "/" not in node_key("Actor", DEMO_ID)


def test_flow_id_is_the_edge_id() -> None:
    flow = {"type": "FLOW", "properties": {"id": "flow:npd-to-police"}}
    assert edge_key(flow) == "flow:npd-to-police"
    assert edge_key({"type": "IN_LA", "properties": {}}) is None


def _data() -> dict[str, Any]:
    return {
        "nodes": [
            {"labels": ["Actor", "School"], "properties": {"id": DEMO_ID, "name": "A school"}},
            {"labels": ["Actor"], "properties": {"id": "la:201", "name": "An LA"}},
        ],
        "relationships": [
            {
                "type": "FLOW",
                "start": ["Actor", DEMO_ID],
                "end": ["Actor", "la:201"],
                "properties": {"id": "flow:x/1", "items": ["pupil.contact.postcode"]},
            },
            {
                "type": "IN_LA",
                "start": ["Actor", DEMO_ID],
                "end": ["Actor", "la:201"],
                "properties": {},
            },
        ],
    }


def test_graphml_ids_and_flow_attribute(tmp_path: Path) -> None:
    path = tmp_path / "g.graphml"
    write_graphml(_data(), path)
    graph = ET.parse(path).getroot().find(f"{GRAPHML}graph")
    assert graph is not None
    nodes = graph.findall(f"{GRAPHML}node")
    edges = graph.findall(f"{GRAPHML}edge")
    assert all(NMTOKEN.fullmatch(n.get("id") or "") for n in nodes)
    flow_edge = next(e for e in edges if e.get("id"))
    assert NMTOKEN.fullmatch(flow_edge.get("id") or "")
    kept = {d.get("key"): d.text for d in flow_edge.findall(f"{GRAPHML}data")}
    assert kept["e_id"] == "flow:x/1", "the real flow id stays an attribute"
    node_ids = {
        d.text for n in nodes for d in n.findall(f"{GRAPHML}data") if d.get("key") == "n_id"
    }
    assert node_ids == {DEMO_ID, "la:201"}, "the real node id stays an attribute"


def test_gephi_csv_headers(tmp_path: Path) -> None:
    nodes_csv, edges_csv = write_csv(_data(), tmp_path)
    assert edges_csv.name == "edges.csv"
    with nodes_csv.open(encoding="utf-8") as f:
        assert next(csv.reader(f))[:2] == ["Id", "Label"]
    with edges_csv.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0])[:5] == ["Source", "Target", "Type", "Id", "Label"]
    assert {r["Type"] for r in rows} == {"Directed"}
    assert [r["Label"] for r in rows] == ["FLOW", "IN_LA"]
    assert len({r["Id"] for r in rows}) == 2


def test_unknown_export_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["export", "--format", "gexf", "-o", str(tmp_path / "x")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert err == [
        "edflows: error: unknown export format 'gexf'; "
        "known formats: json, graphml, csv, neo4j-admin"
    ]
    assert not (tmp_path / "x").exists()
