"""Fixtures for the integration tests: a client for the app over the bundled graph, and a
spare local Neo4j for the tests that stop or kill their server."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph.db import Database
from graph.local_server import LocalNeo4j, free_port
from graph.settings import Settings
from tests.support.throwaway import discard

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture()
def api(bundled: Database, neo4j_settings: Settings) -> Iterator[TestClient]:
    """An HTTP client for the app, talking to the bundled graph."""
    with TestClient(create_app(neo4j_settings)) as client:
        yield client


@pytest.fixture(scope="session")
def _spare_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalNeo4j]:
    server = LocalNeo4j(
        home=tmp_path_factory.mktemp("spare-neo4j"),
        lib_dir=REPO / ".edflows" / "lib",
        port=free_port(),
        password=secrets.token_urlsafe(12),
        heap="3g",  # a school list is one transaction
        pagecache="256m",
        log=lambda _msg: None,
    )
    try:
        yield server
    finally:
        discard(server)  # a throwaway data folder: no clean stop needed


@pytest.fixture()
def spare_neo4j(_spare_server: LocalNeo4j) -> LocalNeo4j:
    """A second local Neo4j, never the session's, that a test may stop, `kill -9` and start
    again: running and empty when the test begins. One server serves every such test (each
    start of a server costs the suite tens of seconds); a test that stops it need not start it
    again, the next one does."""
    _spare_server.start(timeout=300)  # a no-op when it runs; a restart after a kill -9
    settings = Settings.for_server(_spare_server.uri, "neo4j", _spare_server.password)
    with Database(settings) as db:
        db.wipe()
    return _spare_server
