"""The record of processing as of a date, with its controller, on the bundled graph (read
only), and a school-map value shaped like a formula, written through `PUT /schools/{urn}/map`
on a small graph of its own, that comes out inert in both files (issue 17, A)."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from api.app import create_app
from graph.db import Database
from graph.settings import Settings
from tests.support.cli import cli_env
from tests.support.demo import DEMO
from tests.support.workspace import school_token, small_graph
from web.documents.ropa import BOM, COLUMNS

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]
SPINE_URN = "100001"  # a real school of the spine: City of London School for Girls, EC2Y 8BB
EVIL = '=HYPERLINK("http://evil.example/","click")'
NATIONALITY = "Nationality"
HEADER = [title for _, title in COLUMNS]


def _blocks(text: str) -> tuple[dict[str, str], list[list[str]], list[list[str]]]:
    """The CSV's controller lines, its record (header first) and its History block."""
    assert text.startswith(BOM)
    lines = list(csv.reader(io.StringIO(text[len(BOM) :])))
    start = lines.index(HEADER)
    controller = {line[0]: line[1] for line in lines[1:start] if len(line) == 2}
    history_at = next(n for n, line in enumerate(lines) if line and line[0].startswith("History"))
    record = [line for line in lines[start:history_at] if line]
    history = [line for line in lines[history_at + 1 :] if line]
    return controller, record, history


def _census_of_nationality(rows: list[list[str]], offset: int = 0) -> list[list[str]]:
    """The national flows (census returns) among `rows` that carry nationality; the school's
    own map may hold nationality too (its MIS), which is current on any day."""
    activity = offset + HEADER.index("Processing activity")
    categories = offset + HEADER.index("Categories of personal data")
    return [
        r for r in rows[1:] if r[activity] == "national data flow" and NATIONALITY in r[categories]
    ]


def test_census_of_nationality_follows_as_of(api: TestClient, bundled: Database) -> None:
    # the nationality census flow's days as the graph holds them (NOTE: the bundled graph gives
    # it no end today, see the report of issue 17: a claim with only a start keeps it open)
    records, _, _ = bundled.driver.execute_query(
        "MATCH (:School {urn: $urn})-[f:FLOW {layer: 'national'}]->() "
        "OPTIONAL MATCH (t:Terms {id: f.terms}) "  # a flow's terms are on its terms node
        "WITH f, coalesce(t.items, f.items) AS items "
        "WHERE 'pupil.characteristics.nationality' IN items "
        "RETURN f.valid_from_day AS start, f.valid_to_day AS end",
        urn=DEMO,
        database_=bundled.database,
    )
    assert records
    start = records[0]["start"].to_native()
    end = records[0]["end"].to_native() if records[0]["end"] else None
    assert start.isoformat() == "2016-09-01"

    before = api.get(f"/schools/{DEMO}/ropa.csv", params={"as_of": "2016-08-31"})
    assert before.status_code == 200
    controller, record, history = _blocks(before.text)
    assert controller["Date of the record"] == "2016-08-31"
    assert not _census_of_nationality(record)
    assert history[0] == ["In force from", "In force to", *HEADER]
    ended = _census_of_nationality(history, 2)
    assert ended and all(r[0] == "2016-09-01" for r in ended)
    assert all(r[1] == (end.isoformat() if end else "open") for r in ended)

    then = api.get(f"/schools/{DEMO}/ropa.csv", params={"as_of": "2017-03-01"})
    _, record_then, history_then = _blocks(then.text)
    assert _census_of_nationality(record_then)
    assert not _census_of_nationality(history_then, 2)
    assert _blocks(then.text)[0]["Date of the record"] == "2017-03-01"
    # every flow is in exactly one of the two, on either day
    assert len(record) + len(history) == len(record_then) + len(history_then)
    # today: where the graph holds the flow's end, it is history; the record says so either way
    _, record_now, history_now = _blocks(api.get(f"/schools/{DEMO}/ropa.csv").text)
    assert bool(_census_of_nationality(history_now, 2)) == (end is not None)
    assert bool(_census_of_nationality(record_now)) == (end is None)

    xlsx = api.get(f"/schools/{DEMO}/ropa.xlsx", params={"as_of": "2017-03-01"})
    book = load_workbook(io.BytesIO(xlsx.content))
    sheet = [
        ["" if c is None else str(c) for c in row]
        for row in book["Record of processing"].iter_rows(values_only=True)
    ]
    assert sheet == record_then
    assert [
        ["" if c is None else str(c) for c in r]
        for r in book["History"].iter_rows(values_only=True)
    ] == history_then


def test_controller_is_what_the_school_node_holds(api: TestClient, bundled: Database) -> None:
    records, _, _ = bundled.driver.execute_query(
        "MATCH (s:School {urn: $urn}) RETURN s.name AS name, s.town AS town, "
        "s.postcode AS postcode",
        urn=DEMO,
        database_=bundled.database,
    )
    node = records[0].data()
    controller, _, _ = _blocks(api.get(f"/schools/{DEMO}/ropa.csv").text)
    assert controller["Controller"] == node["name"] and controller["URN"] == DEMO
    assert controller.get("Town") == node["town"] and controller.get("Postcode") == node["postcode"]
    if not node["town"] and not node["postcode"]:
        assert controller["Address"] == "not stated"  # the fictional school has none: never invent
    for label in ["Contact", "ICO registration number", "Data protection officer"]:
        assert controller[label] == "not stated"
    book = load_workbook(io.BytesIO(api.get(f"/schools/{DEMO}/ropa.xlsx").content))
    assert {r[0]: r[1] for r in book["Controller"].iter_rows(values_only=True)} == controller
    links = [c.hyperlink.target for r in book["Sources"].iter_rows() for c in r if c.hyperlink]
    assert links and all(t.startswith(("http://", "https://")) for t in links)


def test_bad_days_and_unknown_schools_are_clear_problems(api: TestClient) -> None:
    early = api.get(f"/schools/{DEMO}/ropa.csv", params={"as_of": "1999-12-31"})
    assert early.status_code == 422 and "2000-01-01" in early.json()["detail"]
    assert api.get(f"/schools/{DEMO}/ropa.xlsx", params={"as_of": "soon"}).status_code == 422
    missing = api.get("/schools/99999999/ropa.xlsx")
    assert missing.status_code == 404 and "99999999" in missing.json()["detail"]


def test_cli_writes_the_record_as_of_a_day(
    bundled: Database, neo4j_settings: Settings, tmp_path: Path
) -> None:
    env = cli_env(neo4j_settings)
    out = tmp_path / "ropa.xlsx"
    cmd = [sys.executable, "-m", "api.cli.main", "ropa", "--urn", DEMO, "--as-of", "2017-03-01"]
    done = subprocess.run([*cmd, "--format", "xlsx", "-o", str(out)], env=env, cwd=REPO)
    assert done.returncode == 0
    book = load_workbook(out)
    rows = [
        ["" if c is None else str(c) for c in r] for r in book.active.iter_rows(values_only=True)
    ]
    assert _census_of_nationality(rows)
    text = subprocess.run(cmd, env=env, cwd=REPO, capture_output=True, text=True)
    assert text.returncode == 0 and text.stdout.startswith(BOM)
    assert ["Date of the record", "2017-03-01"] in list(csv.reader(io.StringIO(text.stdout)))
    early = subprocess.run(
        [*cmd[:-1], "1990-01-01"], env=env, cwd=REPO, capture_output=True, text=True
    )
    assert early.returncode == 2 and "2000-01-01" in early.stderr


@pytest.fixture()
def small(
    session_db: Database,
    shared_data: Path,
    tmp_path_factory: pytest.TempPathFactory,
    neo4j_settings: Settings,
) -> Iterator[tuple[Database, TestClient]]:
    db = small_graph(session_db, shared_data, tmp_path_factory, {SPINE_URN})
    with TestClient(create_app(neo4j_settings)) as client:
        yield db, client


def test_a_formula_in_the_map_comes_out_inert(small: tuple[Database, TestClient]) -> None:
    db, client = small
    school = {"Authorization": f"Bearer {school_token(db, SPINE_URN).secret}"}
    row = {
        "system": "Tills " + EVIL,
        "product": "product:sims",
        "category": "mis",
        "items": ["pupil.identity.name"],
        "purpose": EVIL,
        "lawful_basis": "+44 UK GDPR Article 6(1)(e) public task",
        "retention": "-1 year after leaving",
        "storage": "UK",
        "evidence": "@the school's privacy notice for pupils (test fixture)",
    }
    saved = client.put(
        f"/schools/{SPINE_URN}/map", headers=school, json={"urn": SPINE_URN, "rows": [row]}
    )
    assert saved.status_code == 200, saved.text

    controller, record, _ = _blocks(client.get(f"/schools/{SPINE_URN}/ropa.csv").text)
    assert controller["Controller"] == "City of London School for Girls"
    assert controller["Town"] == "London" and controller["Postcode"] == "EC2Y 8BB"
    mapped = next(r for r in record[1:] if r[0] == "school data map")
    purpose = mapped[HEADER.index("Purpose of processing")]
    assert purpose.startswith("'=HYPERLINK(") and EVIL in purpose
    assert mapped[HEADER.index("Article 6 lawful basis")].startswith("'+44")
    assert mapped[HEADER.index("Retention schedule")].startswith("'-1")
    for cell in (c for line in record for c in line):
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell

    book = load_workbook(io.BytesIO(client.get(f"/schools/{SPINE_URN}/ropa.xlsx").content))
    for sheet in book.worksheets:
        for line in sheet.iter_rows():
            for cell in line:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    values = [c.value for r in book["Record of processing"].iter_rows() for c in r]
    assert any(str(v).startswith("'=HYPERLINK(") for v in values)
    links = [
        c.hyperlink.target for s in book.worksheets for r in s.iter_rows() for c in r if c.hyperlink
    ]
    assert all("evil.example" not in t for t in links)
