"""A school's profile (issue 17, A): the contact, ICO registration number and DPO that only the
school can state, through `PUT /schools/{urn}/profile` or the workspace's form, given by both
records of processing with the audit entry as their source; refused to every other token, and
unable to change any journey."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from api.app import create_app
from graph.audit import Actor
from graph.db import Database
from graph.settings import Settings
from graph.tokens import create_token
from tests.support.workspace import csrf_of, school_token, sign_in, small_graph

pytestmark = pytest.mark.integration
URN, OTHER = "100000", "100001"  # two real schools of the spine (LA 201)
EVIL = '=HYPERLINK("http://evil.example/","click")'
PROFILE = {
    "contact": "The school office (test fixture), " + EVIL,
    "ico_registration": "z9999999",
    "dpo_name": "A. Officer (test fixture)",
    "dpo_contact": "+44 dpo line (test fixture)",
}


@pytest.fixture()
def api(
    session_db: Database,
    shared_data: Path,
    tmp_path_factory: pytest.TempPathFactory,
    neo4j_settings: Settings,
) -> Iterator[tuple[Database, TestClient]]:
    db = small_graph(session_db, shared_data, tmp_path_factory, {URN, OTHER})
    db.driver.execute_query(
        "MATCH (s:School) REMOVE s.profile_contact, s.profile_ico_registration, "
        "s.profile_dpo_name, s.profile_dpo_contact, s.profile_updated_at, s.profile_audit_id",
        database_=db.database,
    )
    with TestClient(create_app(neo4j_settings)) as client:
        yield db, client


def _controller(csv_text: str) -> dict[str, str]:
    assert csv_text.startswith("\ufeff")
    lines = list(csv.reader(io.StringIO(csv_text.removeprefix("\ufeff"))))
    return {line[0]: line[1] for line in lines[: lines.index([])] if len(line) == 2}


def _bearer(db: Database, role: str, urn: str | None = None) -> dict[str, str]:
    issued = create_token(db, role, urn, f"{role} (test)", Actor("cli"))
    return {"Authorization": f"Bearer {issued.secret}"}


def test_the_school_states_its_profile_and_the_record_cites_it(
    api: tuple[Database, TestClient],
) -> None:
    db, client = api
    assert client.get(f"/schools/{URN}/profile").json()["contact"] is None
    before = _controller(client.get(f"/schools/{URN}/ropa.csv").text)
    assert before["Contact"] == before["Data protection officer"] == "not stated"
    journey = client.get("/reach", params={"from": URN, "item": "pupil.identity.name"}).json()

    saved = client.put(f"/schools/{URN}/profile", json=PROFILE, headers=_bearer(db, "school", URN))
    assert saved.status_code == 200, saved.text
    body = saved.json()
    assert body["ico_registration"] == "Z9999999"  # as the register prints it
    assert body["audit_id"].startswith("audit:") and body["updated_at"].endswith("Z")
    assert client.get(f"/schools/{URN}/profile").json() == body

    controller = _controller(client.get(f"/schools/{URN}/ropa.csv").text)
    assert controller["Contact"] == PROFILE["contact"]  # starts with a letter: left as it is
    assert controller["ICO registration number"] == "Z9999999"
    assert controller["Data protection officer"] == PROFILE["dpo_name"]
    assert controller["DPO contact"] == "'" + PROFILE["dpo_contact"]  # OWASP: '+' neutralised
    source = controller["Source of these four lines"]
    assert body["audit_id"] in source and body["updated_at"][:10] in source
    book = load_workbook(io.BytesIO(client.get(f"/schools/{URN}/ropa.xlsx").content))
    sheet = {r[0]: r[1] for r in book["Controller"].iter_rows(values_only=True)}
    assert sheet == controller
    assert all(c.data_type != "f" for r in book["Controller"].iter_rows() for c in r)

    audit = client.get("/audit", params={"urn": URN}).json()
    entry = next(e for e in audit["entries"] if e["id"] == body["audit_id"])
    assert entry["action"] == "school-profile.update" and entry["urn"] == URN
    # a profile is no flow: the school's journeys are unchanged
    after = client.get("/reach", params={"from": URN, "item": "pupil.identity.name"}).json()
    assert after == journey
    # a field left out is no longer stated
    cleared = client.put(
        f"/schools/{URN}/profile", json={"dpo_name": "B"}, headers=_bearer(db, "school", URN)
    )
    assert cleared.json()["contact"] is None and cleared.json()["dpo_name"] == "B"
    assert _controller(client.get(f"/schools/{URN}/ropa.csv").text)["Contact"] == "not stated"


def test_only_the_school_or_its_trust_may_state_it(api: tuple[Database, TestClient]) -> None:
    db, client = api
    url = f"/schools/{URN}/profile"
    assert client.put(url, json=PROFILE).status_code == 401
    for headers in (_bearer(db, "school", OTHER), _bearer(db, "editor"), _bearer(db, "admin")):
        refused = client.put(url, json=PROFILE, headers=headers)
        assert refused.status_code == 403, refused.text
        assert "profile" in refused.json()["detail"] or "URN" in refused.json()["detail"]
    bad = client.put(url, json={"ico_registration": "Z-1"}, headers=_bearer(db, "school", URN))
    assert bad.status_code == 422 and "ico_registration" in bad.text
    assert client.get(url).json()["audit_id"] is None  # nothing was written
    assert client.get("/schools/99999999/profile").status_code == 404


def test_the_workspace_form_saves_the_profile(api: tuple[Database, TestClient]) -> None:
    db, client = api
    assert sign_in(client, school_token(db, URN).secret).status_code == 303
    page = client.get(f"/schools/{URN}/edit/profile")
    assert page.status_code == 200 and "Nothing stated yet" in page.text
    assert f'href="/schools/{URN}/edit/profile"' in client.get(f"/schools/{URN}/edit").text
    csrf = csrf_of(page.text)
    wrong = client.post(
        f"/schools/{URN}/edit/profile", data={"csrf": csrf, "ico_registration": "no spaces!"}
    )
    assert wrong.status_code == 422 and 'id="profile-ico_registration-error"' in wrong.text
    forged = client.post(f"/schools/{URN}/edit/profile", data={"dpo_name": "X"})
    assert forged.status_code == 403
    saved = client.post(
        f"/schools/{URN}/edit/profile",
        data={"csrf": csrf, **PROFILE},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    shown = client.get(saved.headers["location"])
    assert "Saved the profile" in shown.text and "Last changed" in shown.text
    assert client.get(f"/schools/{URN}/profile").json()["dpo_name"] == PROFILE["dpo_name"]
    # another school's form is not this session's
    assert client.get(f"/schools/{OTHER}/edit/profile").status_code == 403
