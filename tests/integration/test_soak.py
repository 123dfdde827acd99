"""The soak's machinery (bench/soak_load.py), run for a few seconds against a real API process
(uvicorn on loopback) over a small real graph (the national layer, two schools of the spine and
the fictional example school): no 5xx, no acknowledged write missing from the graph or the
audit trail, and a report with every field. The bundled graph is not needed for the machinery,
and loading it again after the soak's writes would cost the suite a minute."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.runner import REPO, start_api
from bench.soak_load import REPORT_FIELDS, prepare, run_soak, stop_api
from graph.db import Database
from graph.settings import Settings
from loaders.registry import run_load
from tests.support.demo import DEMO
from tests.support.workspace import small_graph

pytestmark = pytest.mark.integration


def test_soak_machinery_few_seconds(
    session_db: Database,
    shared_data: Path,
    tmp_path_factory: pytest.TempPathFactory,
    neo4j_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("EDFLOWS_WRITE_LIMIT", "1000000")
    graph = small_graph(session_db, shared_data, tmp_path_factory, {"100000", "100001"})
    run_load(graph, "example-school", None)
    map_text = (REPO / "loaders" / "curated" / "demo_school_map.yaml").read_text()
    targets = prepare(graph, DEMO, map_text)
    api, base = start_api(neo4j_settings)
    lines: list[str] = []
    try:
        report = run_soak(
            base, api.pid, targets, seconds=6, clients=4, progress=lines.append, progress_every=2
        )
    finally:
        stop_api(api)
    assert set(REPORT_FIELDS) <= set(report)
    assert report["errors_5xx"] == 0, report["status_counts"]
    assert report["transport_errors"] == 0
    assert report["writes_missing"] == 0, report["missing"]
    assert report["writes_acknowledged"] > 0
    assert report["requests"] > report["writes_acknowledged"]
    assert report["rss_samples"] >= 2 and report["rss_last_mb"] > 0
    writes = {"POST /flows", "PUT /schools/{urn}/map"}
    reads = {"reach", "paths", "sources-of", "releases", "page:school", "page:org", "page:home"}
    assert writes <= set(report["p95_ms"]) <= writes | reads  # which reads: chance
    assert set(report["p95_ms"]) & reads
    assert lines and lines[0].startswith("soak:")
