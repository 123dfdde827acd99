"""docker-compose.yml: Neo4j pinned to 5.26 Community, the API wired with the same variables.

(`docker-compose config` was also run on it by hand; these machines have no Docker engine.)
"""

from __future__ import annotations

from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]


def test_compose_pins_neo4j_and_passes_the_same_variables() -> None:
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    neo4j = compose["services"]["neo4j"]
    api = compose["services"]["api"]
    assert neo4j["image"] == "neo4j:5.26-community"
    assert "healthcheck" in neo4j and "healthcheck" in api
    assert set(api["environment"]) >= {
        "NEO4J_URI",
        "NEO4J_USER",
        "NEO4J_PASSWORD",
        "NEO4J_DATABASE",
    }
    assert api["environment"]["NEO4J_URI"] == "bolt://neo4j:7687"
    assert api["depends_on"]["neo4j"]["condition"] == "service_healthy"
    assert all(port.startswith("127.0.0.1:") for s in (neo4j, api) for port in s["ports"])
