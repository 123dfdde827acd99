"""The soak's machinery (bench/soak_load.py), run for a few seconds against a real API process
(uvicorn on loopback) over the bundled graph: no 5xx, no acknowledged write missing from the
graph or the audit trail, and a report with every field. (It writes: the `bundled` fixture
notices and reloads for the next test that needs it.)"""

from __future__ import annotations

import pytest

from bench.runner import REPO, start_api
from bench.soak_load import REPORT_FIELDS, prepare, run_soak, stop_api
from graph.db import Database
from graph.settings import Settings
from tests.support.demo import DEMO

pytestmark = [pytest.mark.integration, pytest.mark.writes_bundled]


def test_soak_machinery_few_seconds(
    bundled: Database, neo4j_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EDFLOWS_WRITE_LIMIT", "1000000")
    map_text = (REPO / "loaders" / "curated" / "demo_school_map.yaml").read_text()
    targets = prepare(bundled, DEMO, map_text)
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
