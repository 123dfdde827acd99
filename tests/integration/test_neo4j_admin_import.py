"""`edflows export --format neo4j-admin` read by Neo4j's own import tool: the files are imported
by `import.sh` as written (its `neo4j-admin` is the AdminTool of the project's Maven jars) into
a fresh database home of its own, a second Neo4j is started on it, and its fingerprint equals
the knowledge fingerprint of the graph exported (the audit trail is never exported). The graph
is a small real one (the national layer, two schools, the example school's map) plus one
organisation with awkward values: quotes, commas, a line break, the delimiters, an empty string,
every temporal type. Also: `--slim` keeps exactly the declared fields of the same nodes and
relationships, and a slim export is refused by `edflows import`."""

from __future__ import annotations

import json
import os
import secrets
import shlex
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from graph.backup import graph_fingerprint
from graph.db import Database
from graph.local_server import LocalNeo4j, free_port
from graph.settings import Settings
from loaders.curated_files import curated_path
from loaders.registry import run_load
from tests.support.cli import cli_env
from tests.support.files import csv_subset
from tests.support.workspace import LOADED

pytestmark = [pytest.mark.integration, pytest.mark.server]
REPO = Path(__file__).resolve().parents[2]
EDFLOWS = [sys.executable, "-m", "api.cli.main"]
URNS = {"100000", "100001"}
AWKWARD: dict[str, Any] = {
    "id": 'org:awkward "one", two',
    "name": 'Ysgol "Bro" Ŵyr, a; b | c ^ d\nsecond line',
    "kind": "organisation",
    "aliases_text": "",
    "evidence": ["stated; twice | over", "", "ŵ"],
    "layer": "national",
    "share": 0.1,
    "rank": -3,
    "generic": False,
}
TEMPORAL = (
    "date('2017-03-01') AS day, datetime('2026-12-02T10:11:12.123456789+01:00') AS at, "
    "localdatetime('2026-12-02T10:11:12') AS local, duration('P1Y2M3DT4H') AS span, "
    "localtime('09:30') AS clock, time('09:30:00+01:00') AS zoned"
)


@pytest.fixture(scope="module")
def graph(
    session_db: Database, shared_data: Path, tmp_path_factory: pytest.TempPathFactory
) -> Database:
    session_db.wipe()
    LOADED.clear()  # this is not tests.support.workspace's small graph
    schools = csv_subset(
        shared_data / "schools" / "2017-2018_england_spine.csv",
        tmp_path_factory.mktemp("schools") / "schools.csv",
        lambda r: r["URN"] in URNS,
    )
    for name, target in [
        ("base", None),
        ("local-authorities", str(shared_data / "local-authorities")),
        ("schools", str(schools)),
        ("example-school", None),
        ("suppliers", None),
        ("school-map", str(curated_path("demo_school_map.yaml"))),
    ]:
        run_load(session_db, name, target)
    session_db.driver.execute_query(
        f"WITH {TEMPORAL} "
        "CREATE (o:Actor:Organisation) SET o = $props, o.founded = day, o.checked_at = at, "
        "o.local_at = local, o.review_every = span, o.opens = clock, o.opens_zoned = zoned, "
        "o.days = [day, day + duration('P1D')], o.counts = [1, 2, 3] "
        "WITH o MATCH (la:Actor {id: 'la:201'}) "
        "CREATE (o)-[:FLOW {id: 'flow:awkward/1', items: ['pupil.contact.postcode'], "
        "source_wording: $props.name, in_effect: true}]->(la)",
        props=AWKWARD,
        database_=session_db.database,
    )
    return session_db


def _edflows(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*EDFLOWS, *args], env=cli_env(settings), cwd=REPO, capture_output=True, text=True
    )


def test_neo4j_admin_import_gives_the_same_graph(
    graph: Database, neo4j_settings: Settings, tmp_path: Path
) -> None:
    out = tmp_path / "admin"
    done = _edflows(neo4j_settings, "export", "--format", "neo4j-admin", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert "neo4j-admin database import full neo4j" in done.stdout
    assert "warning" not in done.stderr, "nothing of this graph is lost"

    copy = LocalNeo4j(
        home=tmp_path / "home",
        lib_dir=REPO / ".edflows" / "lib",
        port=free_port(),
        password=secrets.token_urlsafe(16),
        heap="512m",
        pagecache="64m",
        log=lambda _msg: None,
    )
    copy.ensure_jars()
    # `neo4j-admin` on PATH is Neo4j's AdminTool from the same jars; import.sh runs as written
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "neo4j-admin"
    shim.write_text(f'#!/bin/sh\nexec {shlex.join(copy.admin_command([]))} "$@"\n')
    shim.chmod(0o755)
    env = {**copy.admin_env(), "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    imported = subprocess.run(
        ["sh", str(out / "import.sh")], env=env, capture_output=True, text=True, check=False
    )
    assert imported.returncode == 0, imported.stdout[-2000:] + imported.stderr[-2000:]
    assert "IMPORT DONE" in imported.stdout

    expected = graph_fingerprint(graph, knowledge_only=True)
    assert expected != graph_fingerprint(graph), "the loads' audit entries are left out"
    copy.start(timeout=120)
    try:
        with Database(Settings.for_server(copy.uri, "neo4j", copy.password)) as restored:
            awkward = restored.driver.execute_query(
                "MATCH (o:Organisation {id: $id}) RETURN o.name AS name, o.aliases_text AS empty",
                id=AWKWARD["id"],
                database_=restored.database,
            ).records
            assert [dict(r) for r in awkward] == [{"name": AWKWARD["name"], "empty": ""}]
            assert graph_fingerprint(restored) == expected
    finally:
        copy.stop(timeout=2.0)  # a throwaway home: no need to wait for a clean checkpoint


def test_slim_export_keeps_the_declared_fields(
    graph: Database, neo4j_settings: Settings, tmp_path: Path
) -> None:
    paths = {}
    for kind in ("full", "slim"):
        for fmt in ("json", "graphml"):
            path = paths[kind, fmt] = tmp_path / f"{kind}.{fmt}"
            slim = ["--slim"] if kind == "slim" else []
            done = _edflows(neo4j_settings, "export", "--format", fmt, *slim, "-o", str(path))
            assert done.returncode == 0, done.stderr
    full = json.loads(paths["full", "json"].read_text(encoding="utf-8"))
    slim = json.loads(paths["slim", "json"].read_text(encoding="utf-8"))
    fields = slim["fields"]
    assert slim["slim"] is True and slim["counts"] == full["counts"]
    assert fields == {
        "nodes": [
            "id",
            "name",
            "title",
            "kind",
            "typical_items",
            "opened",
            "closed",
            "date_of_operation",
            "date_of_termination",
            "date",
            "source_ids",
        ],
        "relationships": [
            "id",
            "kind",
            "items",
            "valid_from",
            "valid_to",
            "valid_from_day",
            "valid_to_day",
            "date",
            "source_ids",
        ],
    }
    assert [(n["labels"], n["properties"]["id"]) for n in slim["nodes"]] == [
        (n["labels"], n["properties"]["id"]) for n in full["nodes"]
    ]
    for before, after in zip(full["nodes"], slim["nodes"], strict=True):
        props = before["properties"]
        assert after["properties"] == {k: props[k] for k in fields["nodes"] if k in props}
    assert len(slim["relationships"]) == len(full["relationships"])
    for before, after in zip(full["relationships"], slim["relationships"], strict=True):
        assert [after[k] for k in ("type", "start", "end")] == [
            before[k] for k in ("type", "start", "end")
        ]
        props = before["properties"]
        assert after["properties"] == {k: props[k] for k in fields["relationships"] if k in props}
    flows = [r["properties"] for r in slim["relationships"] if r["type"] == "FLOW"]
    cited = [p for p in flows if p["id"] != "flow:awkward/1"]
    assert cited and all({"id", "source_ids"} <= set(p) for p in cited)
    assert any("items" in p for p in cited), "items are kept"
    assert any("valid_from_day" in p for p in flows), "dates are kept"

    # the slim GraphML: the same nodes and edges, only declared (or structural) attributes
    full_graph = nx.read_graphml(paths["full", "graphml"], force_multigraph=True)
    slim_graph = nx.read_graphml(paths["slim", "graphml"], force_multigraph=True)
    assert set(slim_graph.nodes) == set(full_graph.nodes)
    assert Counter(list(slim_graph.edges(keys=True))) == Counter(list(full_graph.edges(keys=True)))
    node_attrs = {k for _, d in slim_graph.nodes(data=True) for k in d}
    edge_attrs = {k for _, _, d in slim_graph.edges(data=True) for k in d}
    assert node_attrs <= {"labels", "label", *fields["nodes"]}
    assert edge_attrs <= {"type", *fields["relationships"]}
    assert paths["slim", "graphml"].stat().st_size < paths["full", "graphml"].stat().st_size / 2

    refused = _edflows(neo4j_settings, "import", str(paths["slim", "json"]))
    assert refused.returncode == 1
    assert refused.stderr.strip().splitlines() == [
        "edflows: error: a slim export cannot be restored: it holds only ids, names, kinds, "
        "items, dates and source ids; restore a full export (`edflows export --format json`)"
    ]
