"""Limits of the API on the bundled data: request body size (413), `max_hops` and result sizes
(422 beyond the caps, `truncated` when a cap cuts a result short) and query time (a runaway
query is cancelled by Neo4j itself and answered 504)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph.db import Database
from graph.journey_query import MAX_HOPS_CAP
from graph.settings import Settings
from tests.support.demo import DEMO

pytestmark = pytest.mark.integration
REACH = {"from": DEMO, "item": "pupil.contact.postcode"}


def _problem(response: object, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    kind = response.headers["content-type"]  # type: ignore[attr-defined]
    assert kind.startswith("application/problem+json")
    body: dict[str, object] = response.json()  # type: ignore[attr-defined]
    assert body["status"] == status and body["detail"]
    return body


def test_a_large_body_is_refused_with_413(api: TestClient) -> None:
    big = b"x" * 6_000_000
    body = _problem(api.post("/reach", content=big), 413)
    assert "larger than" in str(body["detail"])
    # small bodies pass the limit and meet the route's own answer (no POST here: 405)
    _problem(api.post("/search", content=b"{}"), 405)


def test_the_limit_comes_from_the_settings(bundled: Database, neo4j_settings: Settings) -> None:
    settings = neo4j_settings.model_copy(update={"max_body_bytes": 100})
    with TestClient(create_app(settings)) as client:
        _problem(client.post("/reach", content=b"z" * 101), 413)
        _problem(client.post("/reach", content=b"z" * 100), 405)


def test_max_hops_and_result_sizes_are_bounded(api: TestClient) -> None:
    assert api.get("/reach", params={**REACH, "max_hops": MAX_HOPS_CAP}).status_code == 200
    body = _problem(api.get("/reach", params={**REACH, "max_hops": MAX_HOPS_CAP + 1}), 422)
    assert "max_hops" in str(body["detail"])
    _problem(api.get("/reach", params={**REACH, "max_hops": 0}), 422)
    for url, params in (
        ("/search", {"q": "school", "limit": 101}),
        ("/releases", {"limit": 501}),
        (f"/schools/{DEMO}/graph", {"limit": 2001}),
        ("/sources-of", {"org": "la:201", "item": "pupil.contact.postcode", "limit": 2001}),
        ("/search", {"q": "s" * 201}),
    ):
        _problem(api.get(url, params=params), 422)
    capped = api.get(f"/schools/{DEMO}/graph", params={"depth": 3, "limit": 10}).json()
    assert capped["truncated"] is True and len(capped["nodes"]) <= 10


def test_a_runaway_query_is_cancelled_and_answered_504(
    bundled: Database, neo4j_settings: Settings
) -> None:
    """A real query through a real endpoint, with a time limit far below what it needs: Neo4j
    cancels the transaction and the API says so; the same app answers again afterwards."""
    settings = neo4j_settings.model_copy(update={"query_timeout": 0.001})
    with TestClient(create_app(settings)) as client:
        body = _problem(client.get("/stats"), 504)
        assert body["title"] == "Query Timeout"
        assert "took too long and was cancelled" in str(body["detail"])
    with TestClient(create_app(neo4j_settings)) as client:
        assert client.get("/stats").status_code == 200
