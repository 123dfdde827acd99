"""The app's one cache (graph/cache.py, its steps in graph/stepcache.py) on a real Neo4j:
cached answers are exactly the uncached answers, cold and warm; and a change to the graph,
through the API or by a loader on another connection (as `edflows load` in another process),
is seen by the very next request."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph.audit import Actor
from graph.cache import GraphCache
from graph.db import Database
from graph.journey_query import JourneyQuery
from graph.journeys import JourneyService
from graph.settings import Settings
from graph.tokens import create_token
from loaders.registry import run_load
from tests.support.demo import DEMO
from tests.support.files import csv_subset

pytestmark = pytest.mark.integration
POSTCODE = "pupil.contact.postcode"
QUERIES: list[tuple[JourneyQuery, str | None]] = [
    (JourneyQuery(origin=DEMO, item=POSTCODE), None),
    (JourneyQuery(origin=DEMO, item=POSTCODE, as_of=date(2015, 6, 1)), None),
    (JourneyQuery(origin=DEMO, item="pupil.characteristics.ethnicity", include_derived=True), None),
    (JourneyQuery(origin="body:dfe", item="pupil.identity.name", max_hops=2), None),
    (JourneyQuery(origin="dataset:npd", item=POSTCODE), "research"),
]


def test_cached_answers_are_the_uncached_answers_cold_and_warm(bundled: Database) -> None:
    plain = JourneyService(bundled)
    cache = GraphCache()
    for q, recipient_type in QUERIES:
        expected = plain.reach(q, recipient_type).model_dump()
        for _ in ("cold", "warm"):
            got = JourneyService(bundled, cache.sync(bundled)).reach(q, recipient_type)
            assert got.model_dump() == expected, q
    upstream = JourneyQuery(origin="body:home-office", item=POSTCODE)
    to_npd = JourneyQuery(origin=DEMO, item=POSTCODE)
    expected_up = plain.sources_of(upstream, limit=50).model_dump()
    expected_paths = plain.paths(to_npd, "dataset:npd").model_dump()
    for _ in ("cold", "warm"):
        cached = JourneyService(bundled, cache.sync(bundled))
        assert cached.sources_of(upstream, limit=50).model_dump() == expected_up
        assert cached.paths(to_npd, "dataset:npd").model_dump() == expected_paths
    stats = cache.stats()
    assert (
        stats["rows"] > 0 and stats["flows"] > 0 and stats["step_queries"] == 3
    )  # forward, forward as_of, backward


def reached(client: TestClient, origin: str, item: str) -> set[str]:
    answer = client.get("/reach", params={"from": origin, "item": item})
    assert answer.status_code == 200, answer.text
    return {r["actor"]["id"] for r in answer.json()["reached"]}


@pytest.fixture()
def national(db: Database, shared_data: Path) -> Database:
    """The national layer without the 26,000 schools (what the change test needs, loaded in
    seconds, so that the shared bundled graph is not changed and reloaded after it)."""
    run_load(db, "base", None)
    # the supplier catalogue names a local authority (la:873) as a supplier's parent
    run_load(db, "local-authorities", str(shared_data / "local-authorities"))
    run_load(db, "suppliers", None)
    run_load(db, "releases", str(shared_data / "npd-releases" / "releases.csv"))
    return db


def test_a_change_is_seen_by_the_next_request(
    national: Database, neo4j_settings: Settings, tmp_path: Path, shared_data: Path
) -> None:
    with TestClient(create_app(neo4j_settings)) as api:
        # from the NPD: since the register's rows joined their arrangements (one share, one
        # flow), the DfE itself reaches nothing in this graph without schools
        before = reached(api, "dataset:npd", "pupil.identity.name")
        assert before  # the national layer reaches somewhere
        assert reached(api, "dataset:npd", "pupil.identity.name") == before  # now from the cache
        supplier = national.driver.execute_query(
            "MATCH (s:Supplier) RETURN s.id AS id ORDER BY s.id LIMIT 1",
            database_=national.database,
        )[0][0]["id"]
        assert supplier not in before

        # through the API: an editor adds a flow from the NPD to that supplier
        secret = create_token(national, "editor", None, "cache test", Actor("test", "admin")).secret
        flow = {
            "id": "flow:step-cache-test",
            "kind": "data_share",
            "source_actor": "dataset:npd",
            "target_actor": supplier,
            "items": ["pupil.identity.name"],
            "claims": [{"source": "defenddigitalme-2017-talk", "locator": "slide 28"}],
        }
        added = api.post("/flows", headers={"Authorization": f"Bearer {secret}"}, json=flow)
        assert added.status_code == 201, added.text
        assert reached(api, "dataset:npd", "pupil.identity.name") == before | {supplier}
        # the cache FOLLOWED that change (dropped the steps at the flow's two ends) instead of
        # emptying itself, and its answers are still exactly the uncached ones
        cache: GraphCache = api.app.state.cache  # type: ignore[attr-defined]
        assert cache.moves["followed"] >= 1
        assert cache.stats()["rows"] > 0
        plain = JourneyService(national)
        for q in (
            JourneyQuery(origin="dataset:npd", item="pupil.identity.name"),
            JourneyQuery(origin=supplier, item="pupil.identity.name"),
        ):
            cached = JourneyService(national, cache.sync(national)).reach(q)
            assert cached.model_dump() == plain.reach(q).model_dump()
        upstream = JourneyQuery(origin=supplier, item="pupil.identity.name")
        assert (
            JourneyService(national, cache.sync(national)).sources_of(upstream, 50).model_dump()
            == plain.sources_of(upstream, 50).model_dump()
        )
        retired = api.post(
            "/flows/flow:step-cache-test/retire",
            headers={"Authorization": f"Bearer {secret}"},
            json={"valid_to": "2020-01", "reason": "a test retires it"},
        )
        assert retired.status_code == 200, retired.text
        # a retired flow stays as history: on a day after its end, the supplier is not reached
        today = JourneyQuery(
            origin="dataset:npd", item="pupil.identity.name", as_of=date(2021, 1, 1)
        )
        after_retiring = JourneyService(national, cache.sync(national)).reach(today)
        assert supplier not in {r.actor.id for r in after_retiring.reached}
        assert after_retiring.model_dump() == plain.reach(today).model_dump()
        assert cache.moves["emptied"] == 1  # only the first request's: every change followed

        # by a loader on its own connection: a register of one release replaces the real one
        # (a load replaces the flows of the file of the same name)
        npd_before = reached(api, "dataset:npd", POSTCODE)
        register = shared_data / "npd-releases" / "releases.csv"
        one = csv_subset(register, tmp_path / "releases.csv", lambda r: True, most=1)
        with Database(neo4j_settings) as other:
            run_load(other, "releases", str(one))
        npd_after = reached(api, "dataset:npd", POSTCODE)
        assert npd_after < npd_before  # fewer recipients: the next request saw the load
