"""The pages and the API while Neo4j cannot be reached: the app is pointed at a loopback Bolt
port where nothing listens (the shared test server is left alone). Pages answer a short HTML
page with 503 and Retry-After; the JSON API keeps answering problem+json."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph.local_server import free_port
from graph.settings import Settings

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def down() -> Iterator[TestClient]:
    """The app bound to a Bolt port with no server behind it."""
    settings = Settings.for_server(f"bolt://127.0.0.1:{free_port()}", "neo4j", "not-used")
    with TestClient(create_app(settings)) as client:
        yield client


def test_pages_answer_html_503_with_retry_after(down: TestClient) -> None:
    for path in ["/journey?from=100000&item=pupil.contact.postcode", "/?q=telegraph"]:
        page = down.get(path)
        assert page.status_code == 503, path
        assert page.headers["content-type"].startswith("text/html")
        assert page.headers["retry-after"] == "5"
        assert "<h1>The graph database is not reachable</h1>" in page.text
        assert "Try this page again" in page.text and "problem" not in page.text
    # a page that needs no query still works: the form is there, the suggestions will wait
    empty = down.get("/journey")
    assert empty.status_code == 200 and 'data-suggest="items"' in empty.text


def test_api_keeps_problem_json(down: TestClient) -> None:
    answer = down.get("/reach", params={"from": "100000", "item": "pupil.contact.postcode"})
    assert answer.status_code == 503
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.headers["retry-after"] == "5"
    assert answer.json()["title"] == "Service Unavailable"
