"""Sign-in attempts go through the same sliding-window limiter as writes (api/limits.py):
EDFLOWS_SIGNIN_LIMIT attempts a minute per client address, then a 429 problem with Retry-After;
refused attempts (403 for an unknown token, 429 over the limit) are counted for GET /refusals.
(Read-only on the bundled graph: an unknown token writes nothing.)"""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.app import create_app
from graph.db import Database
from graph.settings import Settings
from tests.support.workspace import sign_in


def test_signin_attempts_limited_with_429_problem_and_counted(
    bundled: Database, neo4j_settings: Settings
) -> None:
    settings = neo4j_settings.model_copy(update={"signin_limit": 3})
    with TestClient(create_app(settings)) as client:
        for _ in range(3):
            assert sign_in(client, "edf_not-a-token").status_code == 403
        over = sign_in(client, "edf_not-a-token")
        assert over.status_code == 429
        assert over.headers["content-type"].startswith("application/problem+json")
        assert int(over.headers["Retry-After"]) >= 1
        assert "sign-in attempts" in over.json()["detail"]
        listing = client.app.state.refusals.listing()  # type: ignore[attr-defined]
    counted = {(r["status"], r["path"]): r["count"] for r in listing["refusals"]}
    assert counted[(403, "/signin")] == 3
    assert counted[(429, "/signin")] == 1
