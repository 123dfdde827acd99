"""Browsing endpoints through HTTP on the bundled data: school map, search, catalogue,
records, releases, stats; and the CLI printing the same JSON as the API."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from graph.db import Database
from graph.model import model
from graph.settings import Settings
from tests.support.cli import cli_env
from tests.support.demo import DEMO

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]


def test_school_graph_by_depth(api: TestClient, bundled: Database) -> None:
    one = api.get(f"/schools/{DEMO}/graph", params={"depth": 1}).json()
    assert one["root"]["id"] == f"school:{DEMO}" and one["truncated"] is False
    depth1 = {n["id"] for n in one["nodes"] if n["depth"] == 1}
    records, _, _ = bundled.driver.execute_query(
        "MATCH (:School {urn: $urn})-[f:FLOW]->(b) "
        "WHERE f.layer IN ['national', 'catalogue', 'school:' + $urn] RETURN collect(b.id) AS ids",
        urn=DEMO,
    )
    assert set(records[0]["ids"]) <= depth1
    assert "product:sims" in depth1 and "la:201" in depth1
    three = api.get(f"/schools/{DEMO}/graph", params={"depth": 3}).json()
    assert len(three["nodes"]) > len(one["nodes"])
    assert "dataset:npd" in {n["id"] for n in three["nodes"]}
    capped = api.get(f"/schools/{DEMO}/graph", params={"depth": 3, "limit": 10}).json()
    assert capped["truncated"] is True and len(capped["nodes"]) <= 10
    assert api.get(f"/schools/{DEMO}/graph", params={"depth": 4}).status_code == 422
    missing = api.get("/schools/99999999/graph")
    assert missing.status_code == 404


def test_the_demo_map_belongs_to_a_fictional_school_in_a_real_authority(
    api: TestClient, bundled: Database
) -> None:
    """Issue 13 F: the demo map describes no real school. Its school says it is an example,
    sits in the real la:201, reaches the NPD through the census, and no real school of the
    bundled data has a map of its own."""
    school = api.get(f"/orgs/{DEMO}").json()
    assert school["actor"]["id"] == "school:example" and "fictional" in school["actor"]["name"]
    assert [s["id"] for s in school["sources"]] == ["edflows-example-school"]
    assert school["fields"]["example"] is True and school["fields"]["la_code"] == "201"
    records, _, _ = bundled.driver.execute_query(
        "MATCH ()-[f:FLOW]->() WHERE f.layer STARTS WITH 'school:' "
        "RETURN collect(DISTINCT f.layer) AS layers",
        database_=bundled.database,
    )
    assert records[0]["layers"] == ["school:example"]
    reach = api.get("/reach", params={"from": DEMO, "item": "pupil.contact.postcode"}).json()
    reached = {r["actor"]["id"] for r in reach["reached"]}
    assert {"la:201", "dataset:npd"} <= reached


def test_school_map_by_the_maps_own_categories(api: TestClient) -> None:
    """Every flow of the school's own map carries its row's category, through the API and onto
    the page, where each sits in its category's table; national flows carry none."""
    graph = api.get(f"/schools/{DEMO}/graph", params={"depth": 2}).json()
    own = [e for e in graph["edges"] if e["layer"] == f"school:{DEMO}"]
    assert {e["category"] for e in own} == set(model().school_map_categories)  # all seven
    assert all(e["category"] is None for e in graph["edges"] if e["layer"] == "national")
    mis = next(e for e in own if e["to_id"] == "product:sims" and e["kind"] == "system_use")
    assert mis["category"] == "mis"

    page = api.get(f"/schools/{DEMO}", params={"depth": 2})
    assert page.status_code == 200
    rows_in = {
        category: set(re.findall(r'data-flow-id="([^"]+)"', body))
        for category, body in re.findall(
            r'<table data-category="([^"]+)"[^>]*>(.*?)</table>', page.text, re.S
        )
    }
    assert set(model().school_map_categories) <= set(rows_in)
    for edge in own:
        assert edge["id"] in rows_in[edge["category"]], edge["id"]
    # the same rows as the drawing: one per arrow, the category hubs aside
    data = re.search(r'<script id="graph-data" type="application/json">(.*?)</script>', page.text)
    assert data is not None
    drawn = json.loads(data.group(1))
    arrows = {e["id"] for e in drawn["edges"] if not e["id"].startswith("hub:")}
    assert arrows == set().union(*rows_in.values())
    assert "datalist" not in page.text  # the item picker asks the server as you type


def test_item_suggestions(api: TestClient) -> None:
    first = api.get("/items/suggest", params={"q": "postc"}).json()
    assert first[0]["id"] == "pupil.contact.postcode" and first[0]["name"] == "Home postcode"
    assert len(first) <= 10
    by_words = api.get("/items/suggest", params={"q": "home postcode", "limit": 50}).json()
    assert "pupil.contact.postcode" in [i["id"] for i in by_words]
    assert api.get("/items/suggest", params={"q": "pupil.contact.postcode"}).json()[0] == {
        "id": "pupil.contact.postcode",
        "name": "Home postcode",
        "gdpr": first[0]["gdpr"],
        "npd_tier": first[0]["npd_tier"],
    }
    assert api.get("/items/suggest", params={"q": " "}).json() == []
    assert api.get("/items/suggest", params={"q": "zzzzqqq"}).json() == []
    assert api.get("/items/suggest", params={"q": "x", "limit": 0}).status_code == 422


def test_upstream_page(api: TestClient) -> None:
    """Where a postcode reaching a local authority comes from: its schools, as a page."""
    page = api.get("/upstream", params={"org": "la:202", "item": "pupil.contact.postcode"})
    assert page.status_code == 200
    assert "Where does <em>Home postcode</em> reaching" in page.text
    rows = re.findall(r"<tr><td>([^<]+)</td><td>school</td>", page.text)
    assert len(rows) > 10
    assert 'id="group-note"' not in page.text  # small: drawn whole
    missing = api.get("/upstream", params={"org": "la:nowhere", "item": "pupil.contact.postcode"})
    assert missing.status_code == 404 and 'role="alert"' in missing.text


def test_national_upstream_page_opens_on_its_groups_and_embeds_what_it_shows(
    api: TestClient,
) -> None:
    """The Home Office's upstream page (24,000 origins): the groups with their counts, the
    drawn flows once each with their sources by id (compact), one page of the table, and
    the next page served from the same kept view."""
    params = {"org": "body:home-office", "item": "pupil.contact.postcode"}
    page = api.get("/upstream", params=params)
    assert page.status_code == 200
    assert len(page.content) < 600_000  # was 771,241 bytes with full hops and group members
    groups = re.findall(r"<tr><td>(schools in [^<]+)</td><td>([\d,]+)</td>", page.text)
    assert len(groups) > 100 and all(int(n.replace(",", "")) > 1 for _, n in groups)
    raw = re.search(r'<script id="graph-data" type="application/json">(.*?)</script>', page.text)
    assert raw is not None
    data = json.loads(raw.group(1))
    drawn = {e["id"] for e in data["edges"]} & set(data["flows"])
    assert drawn == set(data["flows"]) and data["flows"]  # only the drawn flows, once each
    for flow in data["flows"].values():
        assert "sources" not in flow and set(flow["source_ids"]) <= set(data["sources"])
    info = data["info"]
    groups_info = [i for i in info.values() if "group" in i]
    assert groups_info and all("members" not in g for g in groups_info)
    table = page.text.split('id="result-table"', 1)[1].split("</table>", 1)[0]
    assert table.count("<tr><td>") == 100  # one page of the table
    pages = re.search(r"of ([\d,]+), nearest first", page.text)
    assert pages is not None and int(pages.group(1).replace(",", "")) > 20_000
    second = api.get("/upstream", params={**params, "table_page": 1})
    assert "Rows 101 to 200 of" in second.text


def test_search_is_ranked_and_typo_tolerant(api: TestClient) -> None:
    hits = api.get("/search", params={"q": "telegraph"}).json()
    assert hits[0]["id"] == "org:daily-telegraph-telegraph-newspaper"
    typo = api.get("/search", params={"q": "telegrahp"}).json()
    assert "org:daily-telegraph-telegraph-newspaper" in [h["id"] for h in typo]
    urn = api.get("/search", params={"q": DEMO}).json()
    assert urn[0]["id"] == f"school:{DEMO}" and urn[0]["urn"] == DEMO
    item = api.get("/search", params={"q": "postcode"}).json()
    assert "pupil.contact.postcode" in [h["id"] for h in item]
    school = api.get("/search", params={"q": "Example School"}).json()
    assert f"school:{DEMO}" in [h["id"] for h in school[:5]]
    hostile = api.get("/search", params={"q": 'x") OR 1=1 //'})
    assert hostile.status_code == 200


def test_items_tree(api: TestClient) -> None:
    roots = {n["id"]: n for n in api.get("/items").json()}
    assert "pupil" in roots
    contact = next(c for c in roots["pupil"]["children"] if c["id"] == "pupil.contact")
    assert "pupil.contact.postcode" in [c["id"] for c in contact["children"]]


def test_org_record_with_flows_and_sources(api: TestClient) -> None:
    body = api.get("/orgs/dataset:npd").json()
    assert body["actor"]["name"] == "National Pupil Database"
    assert body["flows_out_total"] >= len(body["flows_out"]) > 10
    assert body["flows_in"] and body["sources"]
    assert all(s["title"] for s in body["sources"])
    school = api.get(f"/orgs/{DEMO}").json()
    assert school["fields"]["urn"] == DEMO
    assert {"type": "IN_LA", "id": "la:201", "name": school["memberships"][0]["name"]} in school[
        "memberships"
    ]
    missing = api.get("/orgs/org:no-such-thing")
    assert missing.status_code == 404


def test_source_record(api: TestClient) -> None:
    body = api.get("/sources/defenddigitalme-2017-talk").json()
    assert body["source"]["kind"] == "seed_talk"
    assert body["cited_by_flows"] > 0
    assert api.get("/sources/no-such-source").status_code == 404


def test_release_explorer_filters_and_counts(api: TestClient) -> None:
    everything = api.get("/releases", params={"limit": 500}).json()
    assert everything["total"] == len(everything["releases"]) > 50
    assert sum(everything["by_year"].values()) == everything["total"]
    assert sum(everything["by_tier"].values()) == everything["total"]
    media = api.get("/releases", params={"recipient_type": "media", "limit": 500}).json()
    assert media["total"] >= 3
    assert {r["recipient_type"] for r in media["releases"]} == {"media"}
    tier2 = api.get("/releases", params={"tier": 2}).json()
    assert "org:daily-telegraph-telegraph-newspaper" in {
        r["recipient_id"] for r in tier2["releases"]
    }
    year = api.get("/releases", params={"year": 2013, "limit": 500}).json()
    assert year["releases"] and all(r["year"] == 2013 for r in year["releases"])
    page = api.get("/releases", params={"limit": 5, "offset": 5}).json()
    assert len(page["releases"]) == 5
    assert page["releases"][0]["id"] == everything["releases"][5]["id"]
    with_item = api.get("/releases", params={"item": "pupil.characteristics.ethnicity"}).json()
    assert with_item["total"] >= 1
    assert api.get("/releases", params={"tier": 9}).status_code == 422


def test_stats_and_health(api: TestClient) -> None:
    stats = api.get("/stats").json()
    assert stats["actors"]["School"] > 20000
    assert stats["flows"]["census_return"] > 10000
    assert stats["data_items"] > 1000 and stats["sources"] > 100
    assert stats["flows_with_conflicts"] >= 1
    assert api.get("/healthz").json()["status"] == "ok"


def test_openapi_has_an_example_for_every_endpoint(api: TestClient) -> None:
    schema = api.get("/openapi.json").json()
    for path, methods in schema["paths"].items():
        for method, spec in methods.items():
            params = spec.get("parameters", [])
            for param in params:
                if param.get("required"):
                    has_example = (
                        "example" in param
                        or "examples" in param
                        or ("examples" in param.get("schema", {}))
                    )
                    assert has_example, f"{method.upper()} {path}: {param['name']} has no example"


def test_cli_reach_prints_the_api_json(
    api: TestClient, bundled: Database, neo4j_settings: Settings
) -> None:
    env = cli_env(neo4j_settings)
    args = ["reach", "--from", DEMO, "--item", "pupil.contact.postcode"]
    out = subprocess.run(
        [sys.executable, "-m", "api.cli.main", *args, "--json"],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    from_api = api.get("/reach", params={"from": DEMO, "item": "pupil.contact.postcode"}).json()
    assert json.loads(out.stdout) == from_api
    table = subprocess.run(
        [sys.executable, "-m", "api.cli.main", *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "National Pupil Database" in table.stdout and "Kept indefinitely by" in table.stdout
