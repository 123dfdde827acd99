"""The school workspace over HTTP: sign in with a token, build the map in the draft, save it
through the loader's rules (one version, one audit entry), the history's diff, uploads, and
every refusal (a 403 or 422 page that writes nothing)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from api.app import create_app
from api.sessions import COOKIE
from graph.audit import Actor
from graph.db import Database
from graph.errors import EdflowsError
from graph.settings import Settings
from graph.tokens import create_token, revoke_token
from tests.support.workspace import csrf_of, school_token, sign_in, small_graph

pytestmark = pytest.mark.integration
URN = "100000"  # the school the office works for (one constant: the demo school may move)
OTHER_URN = "100001"  # another real school of the spine

A_ROW = {
    "system": "Canteen tills",
    "category": "school_estate_technology",
    "product": "product:biometric-cashless-catering-unnamed",
    "items": ["pupil.biometric.fingerprint_template", "pupil.catering"],
    "subjects": ["pupil"],
    "lawful_basis": "UK GDPR Article 6(1)(a) consent",
    "art9_condition": "9(2)(a) explicit consent",
    "retention": "Until the pupil leaves",
    "storage": "UK",
    "evidence_title": "Our privacy notice for pupils",
    "evidence_date": "2026-09",
    "evidence_url": "https://school.example/privacy",
}


@pytest.fixture(scope="module")
def graph(
    session_db: Database, shared_data: Path, tmp_path_factory: pytest.TempPathFactory
) -> Database:
    return small_graph(session_db, shared_data, tmp_path_factory, {URN, OTHER_URN})


@pytest.fixture()
def office(graph: Database, neo4j_settings: Settings) -> Iterator[TestClient]:
    """A browser of the school office, signed in with a new token of URN, on an empty map."""
    graph.driver.execute_query(
        "MATCH (v:MapVersion {urn: $urn}) DETACH DELETE v", urn=URN, database_=graph.database
    )
    with TestClient(create_app(neo4j_settings)) as client:
        issued = school_token(graph, URN)
        signed = sign_in(client, issued.secret)
        assert signed.status_code == 303 and signed.headers["location"] == "/workspace"
        client.token_id = issued.token.id
        yield client


def written(db: Database) -> dict[str, int]:
    """What a refusal must leave alone: map versions, audit entries, the school's flows."""
    records, _, _ = db.driver.execute_query(
        "CALL () { MATCH (v:MapVersion) RETURN count(v) AS versions } "
        "CALL () { MATCH (e:AuditEntry) RETURN count(e) AS audit } "
        "CALL () { MATCH ()-[f:FLOW]->() WHERE f.layer STARTS WITH 'school:' "
        "RETURN count(f) AS flows } RETURN versions, audit, flows",
        database_=db.database,
    )
    return dict(records[0])


def editor(client: TestClient, query: str = "") -> tuple[str, str]:
    page = client.get(f"/schools/{URN}/edit{query}")
    assert page.status_code == 200, page.text
    return page.text, csrf_of(page.text)


def add(client: TestClient, row: dict[str, Any]) -> Any:
    _, csrf = editor(client)
    return client.post(
        f"/schools/{URN}/edit/row", data={**row, "csrf": csrf}, follow_redirects=False
    )


def test_signing_in_sets_a_strict_httponly_session_and_opens_the_schools_editor(
    graph: Database, office: TestClient
) -> None:
    landing = office.get("/workspace", follow_redirects=False)
    assert landing.headers["location"] == f"/schools/{URN}/edit"
    html, _ = editor(office)
    # the seed's own prompts, by category, with the slide they come from
    assert "Retention? Destruction? Storage where?" in html and "slide 10" in html
    assert "Pass on to which others?" in html and "slide 12" in html
    assert "who can view what data for how long and why?" in html
    # every input, select and textarea of the page has a label
    ids = set(re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', html))
    labelled = set(re.findall(r'<label for="([^"]+)"', html))
    assert ids - labelled == set()
    # reading stays public: the history is open without a session
    with TestClient(office.app) as anonymous:
        assert anonymous.get(f"/schools/{URN}/history").status_code == 200


def test_the_session_cookie_is_httponly_and_samesite_strict(
    graph: Database, neo4j_settings: Settings
) -> None:
    with TestClient(create_app(neo4j_settings)) as client:
        answer = sign_in(client, school_token(graph, URN).secret)
    cookie = next(h for h in answer.headers.get_list("set-cookie") if h.startswith(COOKIE))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Max-Age=" in cookie
    assert "Secure" not in cookie  # served over http here; over https it is Secure


def test_a_special_category_item_without_an_article_9_condition_is_shown_at_its_field(
    graph: Database, office: TestClient
) -> None:
    before = written(graph)
    refused = add(office, {**A_ROW, "art9_condition": ""})
    assert refused.status_code == 422
    assert 'id="err-art9_condition"' in refused.text
    assert "special category data, but no Article 9 condition" in refused.text
    assert "Protection of Freedoms Act 2012" in refused.text  # the biometric reminder
    assert written(graph) == before


def test_a_saved_map_is_one_version_with_one_audit_entry_and_the_history_shows_the_diff(
    graph: Database, office: TestClient
) -> None:
    assert add(office, A_ROW).status_code == 303
    mis = {
        **A_ROW,
        "system": "Our MIS",
        "category": "mis",
        "product": "product:sims",
        "items": ["pupil.identity.name", "pupil.contact.postcode"],
        "art9_condition": "",
        "lawful_basis": "UK GDPR Article 6(1)(e) public task",
    }
    assert add(office, mis).status_code == 303
    html, csrf = editor(office)
    assert "Canteen tills" in html and "Our MIS" in html
    assert "biometric data" in html and "Completeness:" in html  # the DPO panel
    before = written(graph)
    saved = office.post(f"/schools/{URN}/edit/save", data={"csrf": csrf}, follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"] == f"/schools/{URN}/history"
    after = written(graph)
    assert after["versions"] == before["versions"] + 1
    assert after["audit"] == before["audit"] + 1
    assert after["flows"] > before["flows"]

    # change one row, remove nothing, add one: the diff names each
    html, csrf = editor(office, "?row=1")
    changed = {**mis, "retention": "Six years after the pupil leaves", "row": "1"}
    answer = office.post(
        f"/schools/{URN}/edit/row", data={**changed, "csrf": csrf}, follow_redirects=False
    )
    assert answer.status_code == 303
    app_row = {
        **mis,
        "system": "Homework app",
        "category": "classroom_tools",
        "product": "product:sims-teacher-app",
    }
    assert add(office, app_row).status_code == 303
    _, csrf = editor(office)
    office.post(f"/schools/{URN}/edit/save", data={"csrf": csrf})
    history = office.get(f"/schools/{URN}/history")
    assert "v2" in history.text
    diff = history.text.split('id="diff"')[1].split("</div>")[0]
    assert "Homework app" in diff.split("Added")[1]
    assert "Six years after the pupil leaves" in diff.split("Changed")[1]
    assert f"/schools/{URN}/ropa.csv" in history.text and "audience=child" in history.text
    assert 'value="pupil.contact.postcode"' in history.text  # a journey for each map item
    first = office.get(f"/schools/{URN}/history", params={"a": 0, "b": 1}).text
    assert "Canteen tills" in first.split('id="diff"')[1] and "Homework app" not in first


def test_forged_or_missing_csrf_tokens_are_refused_and_write_nothing(
    graph: Database, office: TestClient
) -> None:
    assert add(office, A_ROW).status_code == 303
    before = written(graph)
    for data in ({}, {"csrf": "forged"}):
        answer = office.post(f"/schools/{URN}/edit/save", data=data)
        assert answer.status_code == 403 and "security token" in answer.text
    answer = office.post(f"/schools/{URN}/edit/row", data={**A_ROW, "system": "X"})
    assert answer.status_code == 403
    assert written(graph) == before
    # sign-in without the form's own token is refused too
    with TestClient(office.app) as fresh:
        refused = fresh.post("/signin", data={"token": "edf_x", "csrf": "nope"})
        assert refused.status_code == 403


def test_a_revoked_token_or_an_expired_session_ends_at_the_next_request(
    graph: Database, office: TestClient
) -> None:
    assert add(office, A_ROW).status_code == 303
    _, csrf = editor(office)
    before = written(graph)
    revoke_token(graph, office.token_id, Actor("cli"))
    refused = office.post(f"/schools/{URN}/edit/save", data={"csrf": csrf})
    assert refused.status_code == 403 and "revoked" in refused.text
    assert office.get(f"/schools/{URN}/edit").status_code == 403
    after = written(graph)  # the revocation itself is audited; nothing else was written
    assert (after["versions"], after["flows"], after["audit"]) == (
        before["versions"],
        before["flows"],
        before["audit"] + 1,
    )

    # a second session whose time has run out
    issued = create_token(graph, "school", URN, "expiry test", Actor("cli"))
    sign_in(office, issued.secret)
    _, csrf = editor(office)
    office.app.state.sessions.expire(office.cookies[COOKIE])  # type: ignore[attr-defined]
    expired = office.post(f"/schools/{URN}/edit/save", data={"csrf": csrf})
    assert expired.status_code == 403 and "expired" in expired.text
    assert written(graph)["versions"] == before["versions"]


def test_another_schools_urn_in_the_path_is_refused(graph: Database, office: TestClient) -> None:
    _, csrf = editor(office)
    before = written(graph)
    assert office.get(f"/schools/{OTHER_URN}/edit").status_code == 403
    answer = office.post(
        f"/schools/{OTHER_URN}/edit/row", data={**A_ROW, "csrf": csrf}, follow_redirects=False
    )
    assert answer.status_code == 403 and f"not URN {OTHER_URN}" in answer.text
    assert office.post(f"/schools/{OTHER_URN}/edit/save", data={"csrf": csrf}).status_code == 403
    assert written(graph) == before


def upload(client: TestClient, name: str, content: bytes) -> Any:
    _, csrf = editor(client)
    return client.post(
        f"/schools/{URN}/edit/upload",
        data={"csrf": csrf},
        files={"file": (name, content)},
        follow_redirects=False,
    )


def test_uploads_too_large_bad_rows_or_pupil_level_data_are_refused_whole(
    graph: Database, office: TestClient
) -> None:
    before = written(graph)
    big = upload(office, "map.csv", b"system,product\n" + b"x,y\n" * 300_000)
    assert big.status_code == 422 and "larger than" in big.text

    template = office.get("/workspace/template.csv").text
    bad = template.replace("product:sims", "product:no-such-thing")
    answer = upload(office, "our-map.csv", bad.encode())
    assert answer.status_code == 422
    assert "our-map.csv, line 2, column &#39;product&#39;" in answer.text

    pupils = "system,product,category,items,lawful_basis,evidence,UPN\n"
    refused = upload(office, "pupils.csv", pupils.encode())
    assert refused.status_code == 422 and "pupil-level" in refused.text
    assert written(graph) == before
    html, _ = editor(office)
    assert "the uploaded file" not in html  # the draft is untouched


def test_the_xlsx_template_has_drop_down_lists_and_a_filled_one_uploads(
    graph: Database, office: TestClient
) -> None:
    answer = office.get("/workspace/template.xlsx")
    assert answer.status_code == 200
    book = load_workbook(io.BytesIO(answer.content))
    sheet = book["map"]
    ranges = {str(dv.sqref): dv.formula1 for dv in sheet.data_validations.dataValidation}
    headers = [c.value for c in sheet[1]]
    for column in ("category", "lawful_basis", "items"):
        letter = "ABCDEFGHIJKLMNOP"[headers.index(column)]
        assert any(r.startswith(f"{letter}2:") for r in ranges), column
    assert book["lists"]["A1"].value == "mis"
    sheet["A2"] = "Our MIS, from the spreadsheet"
    out = io.BytesIO()
    book.save(out)
    done = upload(office, "our-map.xlsx", out.getvalue())
    assert done.status_code == 303, done.text
    html, _ = editor(office)
    assert "Our MIS, from the spreadsheet" in html and "the uploaded file our-map.xlsx" in html


def test_a_trust_token_edits_every_school_of_its_trust_and_sees_them_together(
    graph: Database, neo4j_settings: Settings, tmp_path: Path
) -> None:
    # a GIAS-shaped file made here (the bundled spine has no trust columns): URN and OTHER_URN
    # in one test trust; the trust's code and name are this test's, not a real trust's
    gias = tmp_path / "edubasealldata-test.csv"
    header = (
        "URN,LA (code),LA (name),EstablishmentName,TypeOfEstablishment (name),"
        "EstablishmentStatus (name),Trusts (code),Trusts (name)\n"
    )
    rows = [
        f"{urn},201,City of London,{name},Academy converter,Open,T0001,Test Trust (fixture)\n"
        for urn, name in ((URN, "School A of the test"), (OTHER_URN, "School B of the test"))
    ]
    gias.write_text(header + "".join(rows), encoding="utf-8")
    from loaders.registry import run_load

    run_load(graph, "schools", str(gias))
    issued = create_token(graph, "trust", None, "trust office", Actor("cli"), trust="T0001")
    assert issued.token.trust == "T0001"
    with TestClient(create_app(neo4j_settings)) as trust:
        signed = sign_in(trust, issued.secret)
        assert signed.status_code == 303
        assert trust.get("/workspace", follow_redirects=False).headers["location"] == (
            "/trusts/T0001"
        )
        for urn in (URN, OTHER_URN):
            page = trust.get(f"/schools/{urn}/edit")
            assert page.status_code == 200
            row = {**A_ROW, "system": f"Tills of {urn}"}
            posted = trust.post(
                f"/schools/{urn}/edit/row",
                data={**row, "csrf": csrf_of(page.text)},
                follow_redirects=False,
            )
            assert posted.status_code == 303
            saved = trust.post(f"/schools/{urn}/edit/save", data={"csrf": csrf_of(page.text)})
            assert (saved.status_code == 200 and "v1" in saved.text) or "v2" in saved.text
        view = trust.get("/trusts/T0001")
        assert view.status_code == 200
        schools = view.text.split('id="trust-schools"')[1].split("</table>")[0]
        assert "School A of the test" in schools and "School B of the test" in schools
        assert "%" in schools and "no destruction" in schools  # completeness and gaps
        products = view.text.split('id="trust-products"')[1].split("</table>")[0]
        assert "School A of the test, School B of the test" in products
    with pytest.raises(EdflowsError):
        create_token(graph, "trust", None, "no code", Actor("cli"))
