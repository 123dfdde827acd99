"""A school's transparency outputs, rendered from the bundled data and checked against the
graph: the "Where does my data go?" notice (child and parent), the Article 30 record (CSV and
XLSX), and the release-chain report and notice PDF from the command line."""

from __future__ import annotations

import csv
import html
import io
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from graph.db import Database
from graph.explore import ExploreService
from graph.journey_query import JourneyQuery
from graph.journeys import JourneyService
from graph.settings import Settings
from graph.transparency import NOT_STATED
from tests.support.demo import DEMO
from web.documents.readability import flesch_reading_ease
from web.documents.ropa import COLUMNS

pytestmark = pytest.mark.integration
POSTCODE = "pupil.contact.postcode"
REPO = Path(__file__).resolve().parents[2]


def _read(db: Database, text: str, **params: object) -> list[dict[str, object]]:
    records, _, _ = db.driver.execute_query(text, params, database_=db.database)
    return [r.data() for r in records]


def test_parent_notice_names_every_recipient_of_the_postcode(
    api: TestClient, bundled: Database
) -> None:
    today = date.today()
    reach = JourneyService(bundled).reach(JourneyQuery(origin=DEMO, item=POSTCODE, as_of=today))
    assert len(reach.reached) > 5
    page = api.get(f"/schools/{DEMO}/notice", params={"audience": "parent"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    md = api.get(f"/schools/{DEMO}/notice", params={"audience": "parent", "format": "md"}).text
    where_i_live = md.split("## Contact details and address", 1)[1].split("\n## ", 1)[0]
    # each organisation's facts once, in "The organisations, one by one", linked by anchor
    one_by_one = md.split("## The organisations, one by one", 1)[1].split("\n## ", 1)[0]
    for reached in reach.reached:
        assert html.escape(reached.actor.name) in page.text, reached.actor.id
        line = re.search(rf"- \[{re.escape(reached.actor.name)}\]\(#(org-\d+)\) \(", where_i_live)
        assert line, reached.actor.id
        assert f'<a id="{line.group(1)}"></a>{reached.actor.name} (' in one_by_one
        assert reached.actor.id not in where_i_live  # named, not shown by id
    # unsure evidence and disagreeing sources are said as such
    if any(r.evidence != "stated" for r in reach.reached):
        assert "UNSURE" in where_i_live
    if any(h.conflicts for r in reach.reached for h in r.path):
        assert "Sources disagree about" in one_by_one
    # the example map is flagged, and the rights are stated without invented addresses
    assert "EXAMPLE" in md and "Information Commissioner's Office (ICO)" in md
    for group in ("Identity and school records", "Photographs, CCTV and biometric data"):
        assert f"## {group}" in md


def test_notice_links_only_to_addresses_the_graph_holds(api: TestClient, bundled: Database) -> None:
    page = api.get(f"/schools/{DEMO}/notice", params={"audience": "parent"}).text
    hrefs = {html.unescape(h) for h in re.findall(r'href="([^"]+)"', page)}
    outside = {h for h in hrefs if not h.startswith("#")}
    assert outside, "the sources list has web addresses"
    known = {r["url"] for r in _read(bundled, "MATCH (s:Source) RETURN s.url AS url")}
    assert outside <= known
    assert {h[1:] for h in hrefs - outside} <= set(re.findall(r' id="([^"]+)"', page))
    assert "<script" not in page.lower()


def test_child_notice_is_plain_and_complete(api: TestClient, bundled: Database) -> None:
    md = api.get(f"/schools/{DEMO}/notice", params={"audience": "child", "format": "md"}).text
    plain = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", md)
    text = "\n".join(re.sub(r"^(#+|-|>)\s*", "", line) for line in plain.splitlines())
    score = flesch_reading_ease(text)
    assert score >= 70, f"Flesch reading ease {score:.1f}"
    for heading in ("Where I live", "My face and fingerprints", "What I do online"):
        assert f"## {heading}" in md
    assert "tell the ICO" in md and "only an example" in md
    today = date.today()
    reach = JourneyService(bundled).reach(JourneyQuery(origin=DEMO, item=POSTCODE, as_of=today))
    where_i_live = md.split("## Where I live", 1)[1].split("\n## ", 1)[0]
    places = re.search(r"Who gets it: (\d+) places?: ", where_i_live)
    assert places and int(places.group(1)) >= len(reach.reached)
    assert f"/schools/{DEMO}/notice?audience=child&part=places&as_of={today}#" in where_i_live
    if any(r.evidence != "stated" for r in reach.reached):
        assert re.search(r"We are not sure about (\d+|any of them)\.", where_i_live)
    assert "Why: " in where_i_live and "How long: " in where_i_live


def test_notice_errors(api: TestClient) -> None:
    assert api.get("/schools/99999999/notice").status_code == 404
    assert api.get(f"/schools/{DEMO}/notice", params={"audience": "cat"}).status_code == 422


def test_ropa_has_one_row_per_activity_with_a_lawful_basis(
    api: TestClient, bundled: Database
) -> None:
    response = api.get(f"/schools/{DEMO}/ropa.csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(response.text.removeprefix("\ufeff"))))
    start = lines.index([title for _, title in COLUMNS])
    rows = lines[start : lines.index([], start)]  # the record: controller lines before it
    header, body = rows[0], rows[1:]
    assert header == [title for _, title in COLUMNS]
    col = {title: n for n, title in enumerate(header)}
    systems = _read(
        bundled,
        "MATCH (:School {urn: $urn})-[f:FLOW {layer: 'school:' + $urn}]->() "
        "OPTIONAL MATCH (t:Terms {id: f.terms}) "
        "RETURN coalesce(t.system, f.system) AS system, "
        "coalesce(t.lawful_basis, f.lawful_basis) AS basis",
        urn=DEMO,
    )
    national = _read(
        bundled,
        "MATCH (:School {urn: $urn})-[f:FLOW {layer: 'national'}]->() "
        "WHERE coalesce(f.valid_to_day, date()) >= date() "
        "AND coalesce(f.valid_from_day, date()) <= date() RETURN f.id AS id",
        urn=DEMO,
    )
    assert len(systems) == 51 and national
    assert len(body) == len(systems) + len(national)
    named = [r[col["System or flow"]] for r in body]
    assert sorted(named[: len(systems)]) == sorted(str(s["system"]) for s in systems)
    for row in body:
        assert row[col["Article 6 lawful basis"]].strip()
    for row in body[: len(systems)]:
        assert row[col["Article 6 lawful basis"]] != NOT_STATED
    census = [r for r in body if r[col["Processing activity"]] == "national data flow"]
    assert any("Education Act 1996" in r[col["Article 6 lawful basis"]] for r in census)
    # the ClassDojo row says where the map says its data is kept
    dojo = next(r for r in body if r[col["System or flow"]].startswith("ClassDojo"))
    assert dojo[col["Transfers outside the UK"]].startswith("yes")

    xlsx = api.get(f"/schools/{DEMO}/ropa.xlsx")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content))["Record of processing"]
    cells = [
        ["" if c is None else str(c) for c in row] for row in sheet.iter_rows(values_only=True)
    ]
    assert cells == rows


def _env(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    env.update(
        NEO4J_URI=settings.effective_uri,
        NEO4J_USER=settings.neo4j_user,
        NEO4J_PASSWORD=settings.neo4j_password,
    )
    return env


def test_cli_notice_pdf_and_release_report(
    bundled: Database, neo4j_settings: Settings, tmp_path: Path
) -> None:
    env = _env(neo4j_settings)

    def cli(*args: str) -> None:
        subprocess.run(
            [sys.executable, "-m", "api.cli.main", *args],
            env=env,
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        )

    pdf = tmp_path / "notice.pdf"
    cli("notice", "--urn", DEMO, "--audience", "child", "--format", "pdf", "-o", str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 2000

    page = tmp_path / "releases.html"
    cli("report", "releases", "--format", "html", "-o", str(page))
    text = page.read_text()
    assert text.count("<svg") >= 3 and "http://www.w3.org/2000/svg" in text
    md_path = tmp_path / "releases.md"
    cli("report", "releases", "--format", "md", "-o", str(md_path))
    md = md_path.read_text()
    releases = ExploreService(bundled).releases(limit=100_000)
    assert f"{releases.total} releases and shares" in md
    for year, count in releases.by_year.items():
        assert f"| {year} | {count} |" in md
    received = [r for r in releases.releases if r.outcome not in {"refused", "requested"}]
    for r in received:
        if r.tier in (1, 2):
            assert (r.recipient or r.recipient_id).replace("|", "\\|") in md
    onward = _read(
        bundled,
        "MATCH (:Dataset)-[rel:FLOW]->(r:Actor)-[f:FLOW {layer: 'national'}]->(b:Actor) "
        "WHERE rel.kind IN ['npd_release', 'data_share', 'access'] "
        "RETURN DISTINCT r.name AS a, b.name AS b",
    )
    for chain in onward:
        assert f"{chain['a']} -> {chain['b']}" in md


def test_release_report_charts_have_tables_and_timelines_come_from_the_flows(
    bundled: Database, neo4j_settings: Settings
) -> None:
    from api.app import create_app
    from graph.flow_record import flow_view
    from graph.release_report import build_release_report
    from web.documents.release_report import report_html, report_markdown

    report = build_release_report(bundled)
    # the Home Office arrangement's timeline, as its own record gives it, with its sources
    home_office = flow_view(bundled, "flow:npd-to-home-office")
    shown = next(t for t in report.timelines if t.flow_id == "flow:npd-to-home-office")
    claims = {c.id: c.source.id for c in home_office.claims}
    expected = {
        (e.date, e.kind): {claims[c] for c in e.claims if c in claims} for e in home_office.timeline
    }
    assert {(e.date, e.kind): set(e.source_ids) for e in shown.events} == expected
    assert [e.date for e in shown.events] == sorted(e.date or "" for e in shown.events)
    assert all(e.source_ids for e in shown.events)
    every_source = {s.id for s in report.sources}
    assert {s for t in report.timelines for e in t.events for s in e.source_ids} <= every_source

    page = report_html(report)
    for title, counts in (
        ("Releases by year", report.by_year),
        ("Releases by tier", report.by_tier),
    ):
        table = page.split(f"<caption>{title}: the numbers</caption>")[1].split("</table>")[0]
        assert all(f"<td>{html.escape(k)}</td><td>{v}</td>" in table for k, v in counts.items())
    assert page.count("<svg") == 4 + len(report.timelines)
    assert "2015-07 extracts sent" in page and "2015-12-18 agreement signed" in page
    md = report_markdown(report)
    assert "| 2016-10-07 | agreement amended |" in md

    with TestClient(create_app(neo4j_settings)) as client:
        served = client.get("/releases/report")
    assert served.status_code == 200
    assert served.text.count("<svg") == 4 + len(report.timelines)
    assert "the numbers of the chart" in served.text and 'id="timelines-h"' in served.text
    assert 'href="/record/flow%3Anpd-to-home-office"' in served.text
