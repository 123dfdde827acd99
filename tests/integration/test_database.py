"""A real Neo4j answers, the schema is idempotent, and the API reports health."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph.db import Database
from graph.settings import Settings

pytestmark = pytest.mark.integration


def test_ping_reports_neo4j_5_26_community(db: Database) -> None:
    info = db.ping()
    assert info["version"].startswith("5.26"), info
    assert info["edition"] == "community"


def _schema(db: Database) -> tuple[set[str], set[str]]:
    def work(tx):  # type: ignore[no-untyped-def]
        constraints = {r["name"] for r in tx.run("SHOW CONSTRAINTS YIELD name")}
        indexes = {r["name"] for r in tx.run("SHOW INDEXES YIELD name")}
        return constraints, indexes

    result: tuple[set[str], set[str]] = db.read_tx(work)
    return result


def test_schema_applies_twice_without_change(db: Database) -> None:
    db.apply_schema()
    first = _schema(db)
    db.apply_schema()
    assert _schema(db) == first
    constraints, indexes = first
    assert {"actor_id", "item_id", "source_id", "flow_id"} <= constraints
    assert "name_search" in indexes


def test_uniqueness_constraint_is_enforced(db: Database) -> None:
    from neo4j.exceptions import ConstraintError

    db.driver.execute_query("CREATE (:Actor {id: 'school:1'})", database_=db.database)
    with pytest.raises(ConstraintError):
        db.driver.execute_query("CREATE (:Actor {id: 'school:1'})", database_=db.database)


def test_wipe_empties_the_database(db: Database) -> None:
    db.driver.execute_query("CREATE (:Actor {id: 'x'})-[:FLOW {id: 'f'}]->(:Actor {id: 'y'})")
    db.wipe()
    records, _, _ = db.driver.execute_query("MATCH (n) RETURN count(n) AS n")
    assert records[0]["n"] == 0


def test_healthz_reports_the_server(neo4j_settings: Settings, db: Database) -> None:
    with TestClient(create_app(neo4j_settings)) as client:
        response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["neo4j_version"].startswith("5.26")


def test_unreachable_neo4j_is_a_503_problem(neo4j_settings: Settings) -> None:
    from graph.local_server import free_port

    dead = neo4j_settings.model_copy(update={"neo4j_uri": f"bolt://127.0.0.1:{free_port()}"})
    with TestClient(create_app(dead)) as client:
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["retry-after"]
    assert "not reachable" in response.json()["detail"]


def test_a_routing_uri_works_and_reads_go_to_readers(neo4j_settings: Settings) -> None:
    """neo4j:// (cluster/Aura style) against the same server: the driver fetches a routing
    table, and Database.read sends reads with READ routing."""
    uri = neo4j_settings.effective_uri.replace("bolt://", "neo4j://")
    routed = Settings.for_server(uri, neo4j_settings.neo4j_user, neo4j_settings.neo4j_password)
    with Database(routed) as db:
        assert db.ping()["edition"] == "community"
        table = db.driver.execute_query(
            "CALL dbms.routing.getRoutingTable({}) YIELD servers RETURN servers",
            database_=db.database,
        ).records[0]["servers"]
        roles = {server["role"] for server in table}
        assert {"READ", "WRITE", "ROUTE"} <= roles
