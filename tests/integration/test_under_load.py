"""The API under concurrent load (graph/cache.py `GraphCache.shared`, on a real Neo4j): identical
journeys asked at the same moment are computed once and answered alike; beyond the bound on
journeys computed at a time, a request waits, then gets a 503 problem with Retry-After (an
HTML page for a browser), never a timeout inside Neo4j."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph.cache import GraphCache
from graph.db import Database
from graph.journeys import JourneyService
from graph.settings import Settings
from tests.support.demo import DEMO

pytestmark = pytest.mark.integration
REACH = {"from": DEMO, "item": "pupil.contact.postcode"}


@pytest.fixture()
def api(neo4j_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(neo4j_settings)) as client:
        yield client


def test_identical_journeys_at_once_are_computed_once(
    bundled: Database, api: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    computed: list[str] = []
    gate = threading.Event()
    real = JourneyService.reach

    def counted(self: JourneyService, *args: object, **kwargs: object) -> object:
        computed.append("reach")
        gate.wait(10)  # hold the first computation until every request has arrived
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(JourneyService, "reach", counted)
    answers: list[bytes] = []

    def ask() -> None:
        answer = api.get("/reach", params=REACH)
        assert answer.status_code == 200
        answers.append(answer.content)

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for t in threads:
        t.start()
    for _ in range(200):  # the first computation has begun ...
        if computed:
            break
        threading.Event().wait(0.05)
    threading.Event().wait(1.0)  # ... and the other three have joined its flight
    gate.set()
    for t in threads:
        t.join(30)
    assert len(answers) == 4 and len(set(answers)) == 1
    assert computed == ["reach"]


def test_beyond_the_bound_a_journey_is_refused_503_with_retry_after(
    bundled: Database, api: TestClient
) -> None:
    api.app.state.cache = GraphCache(heavy_at_once=1, heavy_wait=0.2)  # type: ignore[attr-defined]
    cache: GraphCache = api.app.state.cache  # type: ignore[attr-defined]
    holding, release = threading.Event(), threading.Event()

    def slow() -> str:
        holding.set()
        release.wait(10)
        return "done"

    worker = threading.Thread(target=lambda: cache.shared(None, "hold", slow))
    worker.start()
    holding.wait(10)
    try:
        refused = api.get("/reach", params=REACH)
        assert refused.status_code == 503
        assert refused.headers["retry-after"] == "5"
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert "try again" in refused.json()["detail"]
        page = api.get("/reach", params=REACH, headers={"Accept": "text/html"})
        assert page.status_code == 503 and "<html" in page.text.lower()
    finally:
        release.set()
        worker.join(10)
    assert api.get("/reach", params=REACH).status_code == 200  # the turn is free again
