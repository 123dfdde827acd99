"""The app's StepCache (graph/stepcache.py) on a real Neo4j: cached answers are exactly the
uncached answers, cold and warm; and a change to the graph, through the API or by a loader on
another connection (as `edflows load` in another process), is seen by the very next request."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from graph.audit import Actor
from graph.db import Database
from graph.journeys import JourneyService
from graph.settings import Settings
from graph.stepcache import StepCache
from graph.tokens import create_token
from loaders.registry import run_load
from tests.conftest import GRAPH_STATE
from tests.support.files import csv_subset

pytestmark = pytest.mark.integration
DEMO = "100000"
POSTCODE = "pupil.contact.postcode"
QUERIES: list[tuple[str, str, dict[str, Any]]] = [
    (DEMO, POSTCODE, {}),
    (DEMO, POSTCODE, {"as_of": date(2015, 6, 1)}),
    (DEMO, "pupil.characteristics.ethnicity", {"include_derived": True}),
    ("body:dfe", "pupil.identity.name", {"max_hops": 2}),
    ("dataset:npd", POSTCODE, {"recipient_type": "research"}),
]


def test_cached_answers_are_the_uncached_answers_cold_and_warm(bundled: Database) -> None:
    plain = JourneyService(bundled)
    cache = StepCache()
    for origin, item, options in QUERIES:
        expected = plain.reach(origin, item, **options).model_dump()
        for _ in ("cold", "warm"):
            got = JourneyService(bundled, steps=cache).reach(origin, item, **options)
            assert got.model_dump() == expected, (origin, item, options)
    expected_up = plain.sources_of("body:home-office", POSTCODE, limit=50).model_dump()
    expected_paths = plain.paths(DEMO, "dataset:npd", POSTCODE).model_dump()
    for _ in ("cold", "warm"):
        cached = JourneyService(bundled, steps=cache)
        assert cached.sources_of("body:home-office", POSTCODE, limit=50).model_dump() == (
            expected_up
        )
        assert cached.paths(DEMO, "dataset:npd", POSTCODE).model_dump() == expected_paths
    stats = cache.stats()
    assert (
        stats["rows"] > 0 and stats["flows"] > 0 and stats["step_queries"] == 3
    )  # forward, forward as_of, backward


def reached(client: TestClient, origin: str, item: str) -> set[str]:
    answer = client.get("/reach", params={"from": origin, "item": item})
    assert answer.status_code == 200, answer.text
    return {r["actor"]["id"] for r in answer.json()["reached"]}


def test_a_change_is_seen_by_the_next_request(
    api: TestClient, bundled: Database, neo4j_settings: Settings, tmp_path: Path, shared_data: Path
) -> None:
    try:
        before = reached(api, "body:dfe", "pupil.identity.name")
        assert reached(api, "body:dfe", "pupil.identity.name") == before  # now from the cache
        supplier = bundled.driver.execute_query(
            "MATCH (s:Supplier) RETURN s.id AS id ORDER BY s.id LIMIT 1",
            database_=bundled.database,
        )[0][0]["id"]
        assert supplier not in before

        # through the API: an editor adds a flow from the DfE to that supplier
        secret = create_token(bundled, "editor", None, "cache test", Actor("test", "admin")).secret
        flow = {
            "id": "flow:step-cache-test",
            "kind": "data_share",
            "source_actor": "body:dfe",
            "target_actor": supplier,
            "items": ["pupil.identity.name"],
            "claims": [{"source": "defenddigitalme-2017-talk", "locator": "slide 28"}],
        }
        added = api.post("/flows", headers={"Authorization": f"Bearer {secret}"}, json=flow)
        assert added.status_code == 201, added.text
        assert reached(api, "body:dfe", "pupil.identity.name") == before | {supplier}

        # by a loader on its own connection: a register of one release replaces the real one
        # (a load replaces the flows of the file of the same name)
        npd_before = reached(api, "dataset:npd", POSTCODE)
        register = shared_data / "npd-releases" / "releases.csv"
        one = csv_subset(register, tmp_path / "releases.csv", lambda r: True, most=1)
        with Database(neo4j_settings) as other:
            run_load(other, "releases", str(one))
        npd_after = reached(api, "dataset:npd", POSTCODE)
        assert npd_after < npd_before  # fewer recipients: the next request saw the load
    finally:
        GRAPH_STATE["bundled"] = False  # this test changed the bundled graph
