"""Fuzzing: schemathesis generates requests for every operation of the OpenAPI schema (valid and
invalid ones, from a fixed seed) and checks each answer against the schema: no 5xx, only
documented status codes and content types, bodies that match the response models. Runs in
process against the ASGI app over the bundled data; new endpoints are fuzzed once documented."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from api.app import create_app
from graph.db import Database
from graph.settings import Settings

pytestmark = pytest.mark.integration


@pytest.fixture()
def api_schema(bundled: Database, neo4j_settings: Settings) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_asgi("/openapi.json", create_app(neo4j_settings))


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=12,
    derandomize=True,  # the same examples every run
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_conforms_to_the_schema(case: schemathesis.Case[Any]) -> None:
    case.call_and_validate()
