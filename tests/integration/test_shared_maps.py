"""Maps a trust or a local authority shares: marked through `PUT /schools/{urn}/map/sharing`
(trust token or editor; an authority's through an editor), offered as a starting point in the
workspace of the schools of that trust or authority, and nowhere else (issue 16, C)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph.audit import Actor
from graph.db import Database
from graph.settings import Settings
from graph.tokens import create_token
from loaders.registry import run_load
from tests.support.workspace import csrf_of, school_token, sign_in, small_graph

pytestmark = pytest.mark.integration
SHARER, SAME_TRUST, ELSEWHERE = "100000", "100001", "107849"  # LA 201, LA 201, LA 383
MAP = {
    "urn": SHARER,
    "rows": [
        {
            "system": "Trust-wide MIS",
            "product": "product:sims",
            "category": "mis",
            "items": ["pupil.identity.name"],
            "purpose": "Running the school",
            "lawful_basis": "UK GDPR Article 6(1)(e) public task",
            "retention": "Until the pupil leaves",
            "storage": "UK",
            "evidence": "The trust's privacy notice for pupils (test fixture)",
        }
    ],
}


@pytest.fixture(scope="module")
def graph(
    session_db: Database, shared_data: Path, tmp_path_factory: pytest.TempPathFactory
) -> Database:
    db = small_graph(session_db, shared_data, tmp_path_factory, {SHARER, SAME_TRUST, ELSEWHERE})
    # a GIAS-shaped file made here (the spine has no trust columns): SHARER and SAME_TRUST in
    # one test trust, ELSEWHERE in another; codes and names are this test's, not real trusts'
    gias = tmp_path_factory.mktemp("gias") / "edubasealldata-test.csv"
    header = (
        "URN,LA (code),LA (name),EstablishmentName,TypeOfEstablishment (name),"
        "EstablishmentStatus (name),Trusts (code),Trusts (name)\n"
    )
    rows = [
        f"{urn},201,City of London,{name},Academy converter,Open,T0002,Sharing Trust (fixture)\n"
        for urn, name in ((SHARER, "Sharing school"), (SAME_TRUST, "Trust sister school"))
    ]
    rows.append(
        f"{ELSEWHERE},383,Leeds,Elsewhere school,Academy converter,Open,T0003,Other Trust\n"
    )
    gias.write_text(header + "".join(rows), encoding="utf-8")
    run_load(db, "schools", str(gias))
    return db


@pytest.fixture()
def api(graph: Database, neo4j_settings: Settings) -> Iterator[TestClient]:
    graph.driver.execute_query(
        "MATCH (s:School) REMOVE s.map_shared_with", database_=graph.database
    )
    with TestClient(create_app(neo4j_settings)) as client:
        yield client


def _bearer(db: Database, role: str, **kw: str) -> dict[str, str]:
    issued = create_token(
        db, role, kw.get("urn"), f"{role} (test)", Actor("cli"), trust=kw.get("trust")
    )
    return {"Authorization": f"Bearer {issued.secret}"}


def _starting_points(client: TestClient, db: Database, urn: str) -> str:
    with TestClient(client.app) as office:
        assert sign_in(office, school_token(db, urn).secret).status_code == 303
        page = office.get(f"/schools/{urn}/edit")
        assert page.status_code == 200
        return str(page.text.split('id="start-from"')[1].split("</select>")[0])


def test_a_trust_shares_a_schools_map_with_its_other_schools_only(
    api: TestClient, graph: Database
) -> None:
    school = _bearer(graph, "school", urn=SHARER)
    assert api.put(f"/schools/{SHARER}/map", json=MAP, headers=school).status_code == 200
    # the school itself cannot share it: that is the trust's or the authority's to do
    refused = api.put(f"/schools/{SHARER}/map/sharing", json={"trust": True}, headers=school)
    assert refused.status_code == 403 and "trust" in refused.json()["detail"]
    trust = _bearer(graph, "trust", trust="T0002")
    other_trust = _bearer(graph, "trust", trust="T0003")
    assert (
        api.put(f"/schools/{SHARER}/map/sharing", json={"trust": True}, headers=other_trust)
    ).status_code == 403
    # a trust token cannot speak for the local authority
    la = api.put(f"/schools/{SHARER}/map/sharing", json={"local_authority": True}, headers=trust)
    assert la.status_code == 403 and "editor" in la.json()["detail"]

    shared = api.put(f"/schools/{SHARER}/map/sharing", json={"trust": True}, headers=trust)
    assert shared.status_code == 200, shared.text
    assert shared.json()["shared_with"] == ["trust:T0002"]
    entry = graph.driver.execute_query(
        "MATCH (e:AuditEntry {id: $id}) RETURN e.action AS action, e.urn AS urn",
        id=shared.json()["audit_id"],
        database_=graph.database,
    ).records[0]
    assert (entry["action"], entry["urn"]) == ("school-map.share", SHARER)

    sister = _starting_points(api, graph, SAME_TRUST)
    assert f'value="shared:{SHARER}"' in sister and "Sharing Trust (fixture)" in sister
    assert f"shared:{SHARER}" not in _starting_points(api, graph, ELSEWHERE)
    assert f"shared:{SHARER}" not in _starting_points(api, graph, SHARER)  # not its own


def test_a_shared_map_starts_the_draft_and_unsharing_withdraws_it(
    api: TestClient, graph: Database
) -> None:
    school = _bearer(graph, "school", urn=SHARER)
    assert api.put(f"/schools/{SHARER}/map", json=MAP, headers=school).status_code == 200
    editor = _bearer(graph, "editor")
    answer = api.put(
        f"/schools/{SHARER}/map/sharing", json={"local_authority": True}, headers=editor
    )
    assert answer.status_code == 200 and answer.json()["shared_with"] == ["la:201"]
    with TestClient(api.app) as office:
        assert sign_in(office, school_token(graph, SAME_TRUST).secret).status_code == 303
        page = office.get(f"/schools/{SAME_TRUST}/edit")
        started = office.post(
            f"/schools/{SAME_TRUST}/edit/start",
            data={"start": f"shared:{SHARER}", "csrf": csrf_of(page.text)},
        )
        assert started.status_code == 200
        assert "Trust-wide MIS" in started.text and "describes THAT school" in started.text
        # unshared: the choice is refused with a clear page, and the draft is not replaced
        off = api.put(
            f"/schools/{SHARER}/map/sharing", json={"local_authority": False}, headers=editor
        )
        assert off.status_code == 200 and off.json()["shared_with"] == []
        again = office.post(
            f"/schools/{SAME_TRUST}/edit/start",
            data={"start": f"shared:{SHARER}", "csrf": csrf_of(page.text)},
        )
        assert again.status_code == 422 and "No such shared map" in again.text


def test_sharing_needs_a_saved_map_and_a_known_school(api: TestClient, graph: Database) -> None:
    editor = _bearer(graph, "editor")
    graph.driver.execute_query(
        "MATCH (v:MapVersion {urn: $urn}) DETACH DELETE v", urn=SAME_TRUST, database_=graph.database
    )
    none = api.put(f"/schools/{SAME_TRUST}/map/sharing", json={"trust": True}, headers=editor)
    assert none.status_code == 422 and "no saved map" in none.json()["detail"]
    unknown = api.put("/schools/99999999/map/sharing", json={"trust": True}, headers=editor)
    assert unknown.status_code == 404
