"""Fixtures for tests that read the whole bundled graph (loaded once per module, not wiped)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph.db import Database
from graph.settings import Settings
from loaders.bundled import load_bundled


@pytest.fixture(scope="module")
def bundled(session_db: Database, shared_data: Path) -> Database:
    """The database holding everything `edflows up` loads. Tests using it only read."""
    session_db.wipe()
    load_bundled(session_db, shared_data)
    return session_db


@pytest.fixture(scope="module")
def api(bundled: Database, neo4j_settings: Settings) -> Iterator[TestClient]:
    """An HTTP client for the app, talking to the bundled graph."""
    with TestClient(create_app(neo4j_settings)) as client:
        yield client
