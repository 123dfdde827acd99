"""Failures: Neo4j (the spare test server, `spare_neo4j`) stopped while the API runs (503 with
Retry-After, then the same app recovers on its own once Neo4j is back), and a loader killed
mid-way (kill -9 while its one transaction is open) leaving the graph exactly as it was before
that load."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph.db import Database
from graph.local_server import LocalNeo4j
from graph.settings import Settings
from loaders.registry import run_load
from tests.support.hostile import graph_state

pytestmark = [pytest.mark.integration, pytest.mark.server]
REPO = Path(__file__).resolve().parents[2]


def _wait_for(check: Callable[[], object], what: str, limit: float = 90.0) -> object:
    """Poll `check()` until it returns something truthy (bounded; not a timing assertion)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"gave up waiting for {what}")


def test_neo4j_stopped_gives_503_and_the_same_app_recovers(spare_neo4j: LocalNeo4j) -> None:
    server = spare_neo4j
    settings = Settings.for_server(server.uri, "neo4j", server.password)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        assert client.get("/healthz").status_code == 200

        server.stop()
        for url in ("/healthz", "/search?q=school"):
            down = client.get(url)
            assert down.status_code == 503, (url, down.text)
            assert down.headers["content-type"].startswith("application/problem+json")
            assert down.headers["retry-after"] == "5"
            assert down.json()["title"] == "Service Unavailable"

        server.start(timeout=300)

        def healthy() -> bool:
            response = client.get("/healthz")
            assert response.status_code in (200, 503), response.text
            return bool(response.status_code == 200)

        _wait_for(healthy, "the API to reconnect on its own")
        assert client.get("/search", params={"q": "x"}).status_code != 503


def test_a_loader_killed_mid_way_leaves_no_trace(
    db: Database, neo4j_settings: Settings, shared_data: Path
) -> None:
    run_load(db, "local-authorities", str(shared_data / "local-authorities"))
    before = graph_state(db)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "EDFLOWS_"))}
    env.update(
        NEO4J_URI=str(neo4j_settings.neo4j_uri),
        NEO4J_USER=neo4j_settings.neo4j_user,
        NEO4J_PASSWORD=neo4j_settings.neo4j_password,
        NEO4J_DATABASE=neo4j_settings.neo4j_database,
        PYTHONUNBUFFERED="1",
    )
    spine = shared_data / "schools" / "2017-2018_england_spine.csv"
    loader = subprocess.Popen(
        [sys.executable, "-m", "api.cli.main", "load", "schools", str(spine)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        assert loader.stderr is not None
        os.set_blocking(loader.stderr.fileno(), False)
        seen = bytearray()

        def writing() -> bool:
            chunk = loader.stderr.read() if loader.stderr else None
            if chunk:
                seen.extend(chunk)
            assert loader.poll() is None, f"the load ended before it was killed: {seen!r}"
            return b"writing actors: 5000/" in seen  # the first batch is in the open transaction

        _wait_for(writing, "the loader to start writing", limit=240)
        # the write transaction is open on the server right now
        rows, _, _ = db.driver.execute_query(
            "SHOW TRANSACTIONS YIELD transactionId, status, currentQuery "
            "WHERE NOT currentQuery CONTAINS 'SHOW TRANSACTIONS' "
            "RETURN count(*) AS open"
        )
        assert rows[0]["open"] >= 1
        loader.send_signal(signal.SIGKILL)
        loader.wait(timeout=30)
    finally:
        if loader.poll() is None:
            loader.kill()
            loader.wait(timeout=30)

    def rolled_back() -> bool:
        rows, _, _ = db.driver.execute_query(
            "SHOW TRANSACTIONS YIELD currentQuery "
            "WHERE NOT currentQuery CONTAINS 'SHOW TRANSACTIONS' "
            "RETURN count(*) AS open"
        )
        return bool(rows[0]["open"] == 0)

    _wait_for(rolled_back, "the server to roll back the dead loader's transaction")
    assert graph_state(db) == before, "a killed load left part of itself in the graph"
