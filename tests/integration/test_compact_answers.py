"""The API's compact answers (graph/compact.py) on the bundled graph expand to exactly the
service's own full answers: the compact shape loses nothing and adds nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel

from graph.compact import (
    CompactPaths,
    CompactReach,
    CompactUpstream,
    expand_paths,
    expand_reach,
    expand_upstream,
)
from graph.compact_example import EXAMPLE_QUESTION, EXAMPLE_REACH
from graph.db import Database
from graph.journey_query import JourneyQuery
from graph.journeys import JourneyService
from tests.support.demo import DEMO

pytestmark = pytest.mark.integration
POSTCODE = "pupil.contact.postcode"
NAME = "pupil.identity.name"


def _full(service: JourneyService, route: str, params: dict[str, Any]) -> BaseModel:
    """The service's own (full) answer to the question the API was asked."""
    q = JourneyQuery(
        origin=params.get("from") or params["org"],
        item=params["item"],
        as_of=params.get("as_of"),
        include_derived=params.get("include_derived", False),
        max_hops=params.get("max_hops", 10),
        layer=params.get("layer"),
    )
    if route == "/reach":
        return service.reach(q, params.get("recipient_type"))
    if route == "/paths":
        return service.paths(q, params["to"])
    return service.sources_of(q, params.get("limit", 200))


QUESTIONS: list[tuple[str, dict[str, Any]]] = [
    ("/reach", {"from": DEMO, "item": POSTCODE}),
    ("/reach", {"from": DEMO, "item": POSTCODE, "as_of": "2017-03-01", "include_derived": True}),
    ("/reach", {"from": "dataset:npd", "item": NAME, "recipient_type": "commercial"}),
    ("/reach", {"from": "product:sims", "item": POSTCODE, "layer": f"school:{DEMO}"}),
    ("/paths", {"from": DEMO, "to": "body:home-office", "item": POSTCODE}),
    ("/paths", {"from": DEMO, "to": "dataset:npd", "item": NAME}),
    ("/paths", {"from": DEMO, "to": "org:daily-telegraph-telegraph-newspaper", "item": POSTCODE}),
    # small upstreams (a national body's asks every school: seconds without the cache)
    ("/sources-of", {"org": "la:201", "item": POSTCODE}),
    ("/sources-of", {"org": "la:202", "item": NAME, "limit": 50}),  # 52 origins: truncated
]
EXPAND: dict[str, tuple[type[BaseModel], Callable[[Any], BaseModel]]] = {
    "/reach": (CompactReach, expand_reach),
    "/paths": (CompactPaths, expand_paths),
    "/sources-of": (CompactUpstream, expand_upstream),
}


def test_compact_answers_expand_to_the_services_full_answers(
    api: TestClient, bundled: Database
) -> None:
    service = JourneyService(bundled)
    for route, params in QUESTIONS:
        response = api.get(route, params=params)
        assert response.status_code == 200, (route, params, response.text[:300])
        body = response.json()
        model, expand = EXPAND[route]
        compact = model.model_validate(body)
        full = _full(service, route, params)
        assert expand(compact).model_dump(mode="json") == full.model_dump(mode="json"), params
        # nothing in the maps that no path names
        named = {f for p in _paths(body) for f in p}
        assert set(body["flows"]) == named, params
        cited = {s for h in body["flows"].values() for s in h["source_ids"]}
        assert set(body["sources"]) == cited, params


def test_the_openapi_example_is_a_real_answer(api: TestClient) -> None:
    assert api.get(EXAMPLE_QUESTION).json() == EXAMPLE_REACH
    schema = api.get("/openapi.json").json()
    reach = schema["components"]["schemas"]["CompactReach"]
    # FastAPI leaves the nulls out of the schema's examples
    assert reach["examples"] == [_without_nulls(EXAMPLE_REACH)]
    assert "ONCE" in reach["properties"]["flows"]["description"]
    ok = schema["paths"]["/reach"]["get"]["responses"]["200"]["content"]["application/json"]
    assert ok["schema"]["$ref"].endswith("/CompactReach")


def _paths(body: dict[str, Any]) -> list[list[str]]:
    if "paths" in body:
        return list(body["paths"])
    return [r["path"] for r in body.get("reached", body.get("origins", []))]


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value
