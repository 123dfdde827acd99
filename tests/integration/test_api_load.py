"""Load: 50 concurrent clients of mixed read traffic (bench/load.py) against the app under
uvicorn on loopback, over the bundled data, bounded in count and time: zero errors. Throughput
and latencies are the benchmark's business; nothing here asserts on time."""

from __future__ import annotations

import pytest

from bench.load import LoadStats, mixed_read_paths, run_mixed_load
from graph.db import Database
from graph.settings import Settings
from tests.support.server import running_api

pytestmark = pytest.mark.integration


def test_fifty_clients_of_mixed_reads_get_no_errors(
    bundled: Database, neo4j_settings: Settings
) -> None:
    paths = mixed_read_paths(bundled, n=300, seed=1)
    kinds = {p.split("?")[0].split("/")[1] for p in paths}
    assert {"reach", "paths", "search", "releases", "schools", "items", "record"} <= kinds
    with running_api(neo4j_settings) as base_url:
        stats = run_mixed_load(base_url, paths, clients=50, requests_total=500, timeout_s=170)
    assert isinstance(stats, LoadStats)
    assert stats.errors == 0, stats.error_samples
    assert stats.requests == 500 and stats.clients == 50
    assert stats.p50_ms <= stats.p95_ms <= stats.p99_ms
    assert set(stats.as_dict()) >= {"rps", "p95_ms", "p99_ms", "error_samples"}


def test_only_loopback_is_ever_loaded() -> None:
    for url in ("http://example.org", "http://10.0.0.1:8000", "https://neo4j.com"):
        with pytest.raises(ValueError, match="loopback only"):
            run_mixed_load(url, ["/healthz"], clients=1, requests_total=1)
