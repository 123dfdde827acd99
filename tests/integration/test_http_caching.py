"""HTTP caching of public answers (api/revalidation.py): an ETag from the graph's generation,
304 for a client that has the answer, Cache-Control on every GET, gzip when accepted."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.revalidation import entity_tag, matches
from graph.audit import Actor
from graph.db import Database
from graph.settings import Settings
from graph.tokens import create_token
from loaders.registry import run_load
from tests.support.demo import DEMO

pytestmark = pytest.mark.integration
REACH = f"/reach?from={DEMO}&item=pupil.contact.postcode"


@pytest.fixture()
def client(neo4j_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(neo4j_settings)) as c:
        yield c


def test_the_same_question_on_the_same_graph_is_answered_304(
    bundled: Database, client: TestClient
) -> None:
    first = client.get(f"/reach?from={DEMO}&item=pupil.contact.postcode")
    tag = first.headers["etag"]
    assert first.status_code == 200 and tag.startswith('W/"')
    assert first.headers["cache-control"] == "no-cache"
    assert "Accept-Encoding" in first.headers["vary"]
    again = client.get(
        f"/reach?from={DEMO}&item=pupil.contact.postcode", headers={"If-None-Match": tag}
    )
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == tag
    # another question, or the same one asked for HTML, has another tag
    other = client.get(f"/reach?from={DEMO}&item=pupil.identity.name")
    assert other.headers["etag"] != tag
    page = client.get(f"/journey?from={DEMO}&item=pupil.contact.postcode")
    assert page.status_code == 200 and page.headers["etag"] not in (tag, other.headers["etag"])
    # a stale or foreign tag gets the full answer
    stale = client.get(
        f"/reach?from={DEMO}&item=pupil.contact.postcode", headers={"If-None-Match": 'W/"x"'}
    )
    assert stale.status_code == 200 and stale.json() == first.json()


def test_large_answers_are_gzipped_when_accepted(bundled: Database, client: TestClient) -> None:
    raw = client.get(REACH, headers={"Accept-Encoding": "gzip"})
    assert raw.headers["content-encoding"] == "gzip"
    plain = client.get(REACH, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert raw.json() == plain.json()
    # the bytes on the wire are gzip and much smaller
    with client.stream("GET", REACH, headers={"Accept-Encoding": "gzip"}) as streamed:
        body = b"".join(streamed.iter_raw())
    assert json.loads(gzip.decompress(body)) == plain.json()
    assert len(body) * 5 < len(plain.content)


def test_a_change_to_the_graph_changes_the_tag(db: Database, client: TestClient) -> None:
    run_load(db, "base", None)
    before = client.get("/stats")
    tag = before.headers["etag"]
    assert client.get("/stats", headers={"If-None-Match": tag}).status_code == 304
    create_token(db, "editor", None, "moves the generation", Actor("cli"))
    after = client.get("/stats", headers={"If-None-Match": tag})
    assert after.status_code == 200 and after.headers["etag"] != tag


def test_answers_for_a_token_or_a_session_are_never_cached(
    db: Database, client: TestClient
) -> None:
    run_load(db, "base", None)
    secret = create_token(db, "admin", None, "lists tokens", Actor("cli")).secret
    mine = client.get("/tokens", headers={"Authorization": f"Bearer {secret}"})
    assert mine.status_code == 200
    assert mine.headers["cache-control"] == "private, no-store" and "etag" not in mine.headers
    sign_in = client.get("/signin")
    assert "etag" not in sign_in.headers or "set-cookie" not in sign_in.headers


def test_if_none_match_follows_weak_comparison() -> None:
    tag = entity_tag("7:2026-12-02T10:00:00", "/reach", "from=1", "application/json")
    assert matches(tag, tag) and matches(tag.removeprefix("W/"), tag)
    assert matches(f'W/"other", {tag}', tag) and matches("*", tag)
    assert not matches('W/"other"', tag) and not matches(None, tag)
    assert entity_tag("8:x", "/reach", "from=1", "application/json") != tag
