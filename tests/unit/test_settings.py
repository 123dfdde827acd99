"""Configuration: which Neo4j edflows (and its tests) talk to, and what it refuses."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from graph.settings import PLACEHOLDER_PASSWORD, Settings
from tests.support.neo4j_routes import choose_route


def test_defaults_use_the_local_server(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE", "EDFLOWS_BOLT_PORT"):
        monkeypatch.delenv(var, raising=False)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.uses_local_server
    assert settings.effective_uri == "bolt://127.0.0.1:7687"
    assert settings.neo4j_database == "neo4j"


def test_neo4j_variables_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEO4J_URI", "neo4j+s://abcd1234.databases.neo4j.io")
    monkeypatch.setenv("NEO4J_USER", "reader")
    monkeypatch.setenv("NEO4J_PASSWORD", "s3cret")
    monkeypatch.setenv("NEO4J_DATABASE", "edflows")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert not settings.uses_local_server
    assert settings.effective_uri == "neo4j+s://abcd1234.databases.neo4j.io"
    assert (settings.neo4j_user, settings.neo4j_password) == ("reader", "s3cret")
    assert settings.neo4j_database == "edflows"


def test_local_port_moves_the_local_uri(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.setenv("EDFLOWS_BOLT_PORT", "7799")
    assert Settings(_env_file=None).effective_uri == "bolt://127.0.0.1:7799"  # type: ignore[call-arg]


def test_placeholder_password_is_refused_for_a_remote_server(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NEO4J_URI", "neo4j://db.example.org:7687")
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    with pytest.raises(ValidationError, match="NEO4J_PASSWORD"):
        Settings(_env_file=None)  # type: ignore[call-arg]


def test_placeholder_password_is_fine_on_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEO4J_URI", "bolt://localhost:7687")
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    assert Settings(_env_file=None).neo4j_password == PLACEHOLDER_PASSWORD  # type: ignore[call-arg]


def test_route_precedence_uri_first() -> None:
    asked: list[bool] = []

    def docker() -> bool:
        asked.append(True)
        return True

    assert choose_route({"NEO4J_URI": "bolt://x:7687"}, docker) == "uri"
    assert asked == [], "Docker is not even asked when NEO4J_URI is set"


def test_route_precedence_docker_before_local() -> None:
    assert choose_route({}, lambda: True) == "testcontainers"
    assert choose_route({"NEO4J_URI": ""}, lambda: True) == "testcontainers"
    assert choose_route({}, lambda: False) == "local"
