"""Fixtures for the HTTP tests: a client for the app over the bundled graph."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph.db import Database
from graph.settings import Settings


@pytest.fixture()
def api(bundled: Database, neo4j_settings: Settings) -> Iterator[TestClient]:
    """An HTTP client for the app, talking to the bundled graph."""
    with TestClient(create_app(neo4j_settings)) as client:
        yield client
