"""Which real Neo4j the tests use: NEO4J_URI, else testcontainers (Docker), else the local server.

Kept apart from conftest.py so the precedence itself is unit-tested.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

NEO4J_IMAGE = "neo4j:5.26-community"


def choose_route(env: Mapping[str, str], docker_available: Callable[[], bool]) -> str:
    """'uri' when NEO4J_URI is set, 'testcontainers' when a Docker engine answers, else 'local'.

    Docker is only asked when NEO4J_URI is unset (asking can take a moment).
    """
    if env.get("NEO4J_URI"):
        return "uri"
    if docker_available():
        return "testcontainers"
    return "local"


def docker_engine_answers() -> bool:
    """True when a Docker engine answers a ping within two seconds."""
    try:
        import docker

        client = docker.from_env(timeout=2)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except Exception:
        return False
