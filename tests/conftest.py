"""Test fixtures: ONE real Neo4j per test session, and a clean database for each test.

The server comes from, in order: NEO4J_URI (any existing Neo4j), testcontainers'
Neo4jContainer when a Docker engine answers, or edflows' own local server on a free loopback
port with a throwaway data directory (the usual case on machines without Docker).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.db import Database
from graph.generation import current
from graph.local_server import LocalNeo4j, free_port
from graph.settings import Settings
from tests.support.neo4j_routes import NEO4J_IMAGE, choose_route, docker_engine_answers
from tests.support.throwaway import discard

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("EDFLOWS_SHARED_DATA", REPO.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real public data files (../shared/data); tests that need them fail if absent."""
    assert SHARED_DATA.is_dir(), (
        f"{SHARED_DATA} is missing: set EDFLOWS_SHARED_DATA to the shared data folder"
    )
    return SHARED_DATA


@pytest.fixture(scope="session")
def neo4j_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """Settings that point at a real, running Neo4j for the whole session."""
    route = choose_route(os.environ, docker_engine_answers)
    if route == "uri":
        yield Settings()
        return
    if route == "testcontainers":
        from testcontainers.neo4j import Neo4jContainer

        password = secrets.token_urlsafe(16)
        with Neo4jContainer(NEO4J_IMAGE, password=password) as container:
            yield Settings.for_server(container.get_connection_url(), "neo4j", password)
        return
    server = LocalNeo4j(
        home=tmp_path_factory.mktemp("neo4j-home"),
        lib_dir=REPO / ".edflows" / "lib",
        port=free_port(),
        password=secrets.token_urlsafe(16),
        heap="3g",  # a reload of the school list needs over 1.4 GiB of transaction memory
        pagecache="1g",
        log=lambda _msg: None,
    )
    server.start(timeout=300)
    try:
        yield Settings.for_server(server.uri, "neo4j", server.password)
    finally:
        discard(server)  # a throwaway data folder: no clean stop needed


@pytest.fixture(scope="session")
def session_db(neo4j_settings: Settings) -> Iterator[Database]:
    with Database(neo4j_settings) as db:
        db.apply_schema()
        yield db


# the graph generation (graph/generation.py) right after the bundled data was loaded
_BUNDLED: dict[str, str | None] = {"generation": None}


@pytest.fixture()
def db(session_db: Database) -> Database:
    """The session's database, emptied before the test (the schema stays)."""
    session_db.wipe()
    return session_db


@pytest.fixture()
def bundled(session_db: Database, shared_data: Path) -> Database:
    """The database holding everything `edflows up` loads, loaded once and reloaded only when
    the graph changed since: every change edflows makes (a load, an API write, a wipe by the
    `db` fixture) moves the graph's generation, so a test that writes needs no flag. (Writes
    by raw Cypher leave no audit entry: a test that makes them must use `db`, not this.)"""
    if _BUNDLED["generation"] is None or current(session_db) != _BUNDLED["generation"]:
        from loaders.bundled import load_bundled

        session_db.wipe()
        load_bundled(session_db, shared_data)
        _BUNDLED["generation"] = current(session_db)
    return session_db


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests on the bundled graph run first, together: loading it takes minutes, and any
    test on an empty database (`db`) between two of them would make the next one reload it.
    Those that change it (marked `writes_bundled`) come last among them, so a change costs
    at most one reload each. The order is otherwise kept (the sort is stable)."""

    def rank(item: pytest.Item) -> int:
        if "bundled" not in getattr(item, "fixturenames", ()):
            return 2
        return 1 if item.get_closest_marker("writes_bundled") else 0

    items.sort(key=rank)
