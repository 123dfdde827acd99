"""Limits on writes: each token may write `write_limit` times a minute, then gets a 429 problem
with Retry-After; refused attempts (401, 403, 429) are counted and an admin lists them."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.limits import RateLimiter, TooManyRequests
from graph.audit import CLI
from graph.db import Database
from graph.settings import Settings
from graph.tokens import create_token

pytestmark = pytest.mark.integration


def _bearer(db: Database, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {create_token(db, role, None, role, CLI).secret}"}


def _source(n: int) -> dict[str, str]:
    return {"id": f"limit-test-{n}", "title": f"limit test {n}", "kind": "foi_answer"}


def test_writes_over_the_limit_are_429_and_refusals_are_listed(
    db: Database, neo4j_settings: Settings
) -> None:
    settings = neo4j_settings.model_copy(update={"write_limit": 3})
    editor, other, admin = _bearer(db, "editor"), _bearer(db, "editor"), _bearer(db, "admin")
    with TestClient(create_app(settings)) as client:
        for n in range(3):
            assert client.post("/sources", headers=editor, json=_source(n)).status_code == 201
        over = client.post("/sources", headers=editor, json=_source(3))
        assert over.status_code == 429, over.text
        assert over.headers["content-type"] == "application/problem+json"
        assert 1 <= int(over.headers["retry-after"]) <= 60
        assert over.json()["title"] == "Too Many Requests"
        assert not db.read("get_source", id="limit-test-3")  # refused: nothing written
        # the limit is per token: another token still writes; reads are never limited
        assert client.post("/sources", headers=other, json=_source(4)).status_code == 201
        assert client.get("/audit").status_code == 200

        assert client.post("/sources", json=_source(5)).status_code == 401
        assert client.get("/refusals", headers=editor).status_code == 403
        listing = client.get("/refusals", headers=admin)
        assert listing.status_code == 200, listing.text
        body = listing.json()
        assert body["by_status"] == {"401": 1, "403": 1, "429": 1}
        rows = {(r["status"], r["method"], r["path"]): r["count"] for r in body["refusals"]}
        assert rows[(429, "POST", "/sources")] == 1 and rows[(403, "GET", "/refusals")] == 1


def test_the_limiter_slides_its_window(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [1000.0]
    monkeypatch.setattr("api.limits.time.monotonic", lambda: clock[0])
    limiter = RateLimiter(2, 60.0, "sign-in attempts")
    limiter.hit("client")
    clock[0] += 10
    limiter.hit("client")
    with pytest.raises(TooManyRequests) as over:
        limiter.hit("client")
    assert over.value.retry_after == 50 and "2 sign-in attempts in 60 s" in over.value.message
    limiter.hit("someone else")
    clock[0] += 50.5  # the first attempt has left the window
    limiter.hit("client")
