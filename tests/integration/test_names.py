"""Names, not ids, through HTTP on the bundled data: suggestions ranked by relevance with
name, kind and id (schools with URN and town), pages that accept names, and /docs and /redoc
served from the app's own files."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

pytestmark = pytest.mark.integration
HTML = {"Accept": "text/html"}


def test_suggestions_rank_the_named_organisation_first(api: TestClient) -> None:
    hits = api.get("/orgs/suggest", params={"q": "home office"}).json()
    assert hits[0]["id"] == "body:home-office" and hits[0]["name"] == "Home Office"
    assert hits[0]["kind"] == "NationalBody"
    school = api.get("/orgs/suggest", params={"q": "100000"}).json()
    assert school[0]["id"] == "school:100000" and school[0]["urn"] == "100000"
    assert school[0]["town"]
    by_name = api.get("/orgs/suggest", params={"q": "Sir John Cass's Foundation Primary"}).json()
    assert "school:100000" in [h["id"] for h in by_name][:3]
    assert all("cass" in h["name"].lower() for h in by_name)  # nothing irrelevant
    assert api.get("/orgs/suggest", params={"q": ""}).json() == []


def test_pages_accept_names_for_organisations_and_items(api: TestClient) -> None:
    page = api.get(
        "/journey",
        params={
            "from": "Sir John Cass's Foundation Primary School",
            "item": "Ethnicity (full code)",
        },
    )
    assert page.status_code == 200 and "Where can <em>Ethnicity (full code)</em>" in page.text
    routes = api.get(
        "/routes",
        params={"from": "100000", "to": "Home Office", "item": "pupil.characteristics.ethnicity"},
    )
    assert routes.status_code == 200 and 'id="cut-list"' in routes.text
    unknown = api.get("/upstream", params={"org": "No Such Body At All", "item": "pupil.contact"})
    assert unknown.status_code == 404 and "no organisation with name" in unknown.text


def test_docs_and_redoc_load_their_files_from_the_app(api: TestClient) -> None:
    for path in ("/docs", "/redoc"):
        page = api.get(path, headers=HTML)
        assert page.status_code == 200
        assert "cdn" not in page.text.lower() and "fonts.googleapis" not in page.text
        for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js"):
            if asset in page.text:
                assert api.get(f"/docs-assets/{asset}").status_code == 200
