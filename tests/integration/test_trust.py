"""Trust: write tokens, the write endpoints, the audit trail and the pupil-level guard on writes.

One real Neo4j, prepared ONCE for the module (catalogue, base map, LAs, two real schools from the
spine, suppliers); every test makes its own changes with its own ids and checks what they did
(and that refused ones did nothing) against snapshots of the whole graph and audit trail.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from api.app import create_app
from api.cli.main import main
from graph.audit import Actor, list_entries
from graph.db import Database
from graph.settings import Settings, get_settings
from graph.tokens import create_token, hash_secret
from loaders.curated_files import curated_path
from loaders.registry import run_load
from tests.support.files import csv_subset

pytestmark = pytest.mark.integration
URN_A, URN_B = "100000", "100001"
ADMIN = Actor("cli")


@pytest.fixture(scope="module")
def graph(
    session_db: Database, shared_data: Path, tmp_path_factory: pytest.TempPathFactory
) -> Database:
    """The national layer the writes build on, with schools URN_A and URN_B; loaded once."""
    session_db.wipe()
    two = csv_subset(
        shared_data / "schools" / "2017-2018_england_spine.csv",
        tmp_path_factory.mktemp("schools") / "two_schools.csv",
        lambda r: r["URN"] in {URN_A, URN_B},
    )
    run_load(session_db, "base", None)
    run_load(session_db, "local-authorities", str(shared_data / "local-authorities"))
    run_load(session_db, "schools", str(two))
    run_load(session_db, "suppliers", None)
    return session_db


@pytest.fixture(scope="module")
def client(graph: Database, neo4j_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(neo4j_settings)) as http:
        yield http


def token(db: Database, role: str, urn: str | None = None) -> dict[str, str]:
    """Authorization headers for a new token."""
    issued = create_token(db, role, urn, f"test {role}", ADMIN)
    return {"Authorization": f"Bearer {issued.secret}"}


def snapshot(db: Database) -> dict[str, Any]:
    """Every node and relationship with its properties, the audit trail and the tokens."""
    nodes, _, _ = db.driver.execute_query(
        "MATCH (n) RETURN labels(n) AS labels, properties(n) AS props ORDER BY n.id",
        database_=db.database,
    )
    rels, _, _ = db.driver.execute_query(
        "MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS t, b.id AS b, properties(r) AS props "
        "ORDER BY a, t, b, r.id",
        database_=db.database,
    )
    return {
        "nodes": [(sorted(r["labels"]), sorted(r["props"].items())) for r in nodes],
        "rels": [(r["a"], r["t"], r["b"], sorted(r["props"].items())) for r in rels],
    }


def audit_for(db: Database, target: str) -> list[dict[str, Any]]:
    records, _, _ = db.driver.execute_query(
        "MATCH (e:AuditEntry {target: $target}) RETURN properties(e) AS e ORDER BY e.at",
        target=target,
        database_=db.database,
    )
    return [dict(r["e"]) for r in records]


def demo_map(urn: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(curated_path("demo_school_map.yaml").read_text())
    data["urn"] = urn
    return data


def a_flow(flow_id: str, **extra: Any) -> dict[str, Any]:
    """A national flow between two actors of the base map, evidenced by the seed talk."""
    return {
        "id": flow_id,
        "kind": "data_share",
        "source_actor": "body:dfe",
        "target_actor": "body:home-office",
        "items": ["pupil.identity.name"],
        "purposes": ["immigration_enforcement"],
        "valid_from": "2016-06",
        "claims": [{"source": "defenddigitalme-2017-talk", "locator": "slide 28"}],
        **extra,
    }


def flows_on_paths(client: TestClient, as_of: str) -> set[str]:
    """The flows on the shortest paths of a name from the DfE to the Home Office that day."""
    answer = client.get(
        "/paths",
        params={
            "from": "body:dfe",
            "to": "body:home-office",
            "item": "pupil.identity.name",
            "as_of": as_of,
        },
    )
    assert answer.status_code == 200, answer.text
    return {flow_id for path in answer.json()["paths"] for flow_id in path}


# -- refusals --


def test_every_refusal_is_a_401_or_403_problem_and_changes_nothing(
    graph: Database, client: TestClient
) -> None:
    school_a = token(graph, "school", URN_A)
    school_b = token(graph, "school", URN_B)
    editor = token(graph, "editor")
    admin = token(graph, "admin")
    body = json.dumps(demo_map(URN_A))
    as_json = {"Content-Type": "application/json"}
    before = snapshot(graph)

    cases: list[tuple[str, str, dict[str, str], Any, int]] = [
        # no token, a made-up token, a token of the wrong shape
        ("PUT", f"/schools/{URN_A}/map", {}, body, 401),
        ("PUT", f"/schools/{URN_A}/map", {"Authorization": "Bearer edf_madeup"}, body, 401),
        ("POST", "/flows", {"Authorization": "Basic dXNlcjpwYXNz"}, a_flow("flow:t-r1"), 401),
        ("POST", "/tokens", {}, {"role": "admin"}, 401),
        # another school's URN, and roles that do not cover the change
        ("PUT", f"/schools/{URN_A}/map", school_b, body, 403),
        ("PUT", f"/schools/{URN_A}/map", editor, body, 403),
        ("PUT", f"/schools/{URN_A}/map", admin, body, 403),
        ("POST", "/flows", school_a, a_flow("flow:t-r2"), 403),
        ("POST", "/flows", school_b, a_flow("flow:t-r3", urn=URN_A), 403),
        ("POST", "/flows", admin, a_flow("flow:t-r4"), 403),
        ("POST", "/flows", editor, a_flow("flow:t-r5", urn=URN_A), 403),
        ("POST", "/tokens", editor, {"role": "admin"}, 403),
        ("POST", "/tokens", school_a, {"role": "school", "urn": URN_B}, 403),
        ("GET", "/tokens", editor, None, 403),
        (
            "POST",
            "/sources",
            school_a,
            {"id": "not-my-school-x", "title": "A note", "kind": "school_statement"},
            403,
        ),
        (
            "POST",
            "/sources",
            admin,
            {"id": "admin-source-x", "title": "A note", "kind": "news"},
            403,
        ),
    ]
    for method, url, headers, payload, status in cases:
        if isinstance(payload, str):
            answer = client.request(method, url, headers={**headers, **as_json}, content=payload)
        else:
            answer = client.request(method, url, headers=headers, json=payload)
        assert answer.status_code == status, (method, url, headers, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"
        problem = answer.json()
        assert problem["status"] == status and problem["detail"]
        if status == 401:
            assert answer.headers["www-authenticate"] == "Bearer"
    assert (
        "URN 100001"
        in client.put(
            f"/schools/{URN_A}/map", headers={**school_b, **as_json}, content=body
        ).json()["detail"]
    )
    assert snapshot(graph) == before


def test_a_revoked_token_is_refused_from_the_next_request(
    graph: Database, client: TestClient
) -> None:
    admin = token(graph, "admin")
    created = client.post("/tokens", headers=admin, json={"role": "editor", "label": "temp"})
    assert created.status_code == 201
    issued = created.json()
    editor = {"Authorization": f"Bearer {issued['secret']}"}
    source = {"id": "revocation-test-1", "title": "A revocation test note", "kind": "news"}
    assert client.post("/sources", headers=editor, json=source).status_code == 201

    revoked = client.post(f"/tokens/{issued['token']['id']}/revoke", headers=admin)
    assert revoked.status_code == 200 and revoked.json()["revoked"] is True
    before = snapshot(graph)
    again = {**source, "id": "revocation-test-2"}
    refused = client.post("/sources", headers=editor, json=again)
    assert refused.status_code == 401 and refused.headers["www-authenticate"] == "Bearer"
    assert "revoked" in refused.json()["detail"]
    assert snapshot(graph) == before

    # the token list never shows a secret or a hash; the audit trail has both changes
    listed = client.get("/tokens", headers=admin).json()
    mine = next(t for t in listed if t["id"] == issued["token"]["id"])
    assert mine["revoked"] is True and "hash" not in mine and "secret" not in mine
    assert issued["secret"] not in json.dumps(listed)
    entries = audit_for(graph, issued["token"]["id"])
    assert [e["action"] for e in entries] == ["token.create", "token.revoke"]
    assert hash_secret(issued["secret"]) not in json.dumps(entries, default=str)
    assert json.loads(entries[1]["before_json"])["revoked"] is False
    assert json.loads(entries[1]["after_json"])["revoked"] is True


# -- school maps --


def test_an_uploaded_map_is_in_the_school_graph_and_reach_with_one_audit_entry(
    graph: Database, client: TestClient
) -> None:
    school = token(graph, "school", URN_A)
    yaml_text = yaml.safe_dump(demo_map(URN_A), sort_keys=False)
    answer = client.put(
        f"/schools/{URN_A}/map",
        headers={**school, "Content-Type": "application/yaml"},
        content=yaml_text,
    )
    assert answer.status_code == 200, answer.text
    loaded = answer.json()
    assert loaded["written"]["flows"] > 40 and loaded["audit_id"].startswith("audit:")

    view = client.get(f"/schools/{URN_A}/graph", params={"depth": 2}).json()
    systems = {n["id"] for n in view["nodes"]}
    assert {r["product"] for r in demo_map(URN_A)["rows"]} <= systems
    reach = client.get("/reach", params={"from": URN_A, "item": "pupil.contact.postcode"}).json()
    reached = {r["actor"]["id"] for r in reach["reached"]}
    assert "product:sims" in reached and "dataset:npd" in reached

    # a replacement, as JSON, without one row: the audit entry has both versions' rows
    data = demo_map(URN_A)
    dropped = data["rows"].pop(0)
    answer = client.put(f"/schools/{URN_A}/map", headers=school, json=data)
    assert answer.status_code == 200, answer.text
    assert answer.json()["removed_flows"] >= 1
    entries = [e for e in audit_for(graph, URN_A) if e["action"] == "school-map.replace"]
    assert len(entries) == 2
    first, second = (json.loads(e["before_json"]) for e in entries)
    assert first["rows"] is None and first["flows_of_this_input"] == 0
    assert dropped["system"] in {r["system"] for r in second["rows"]}
    after = json.loads(entries[1]["after_json"])
    assert dropped["system"] not in {r["system"] for r in after["rows"]}
    assert entries[1]["actor"].startswith("token:tok_") and entries[1]["role"] == "school"
    assert entries[1]["urn"] == URN_A and entries[1]["load_id"].startswith("school-map:")

    public = client.get("/audit", params={"urn": URN_A, "actor": entries[1]["actor"]}).json()
    assert [e["id"] for e in public["entries"]][:1] == [entries[1]["id"]]


def test_a_bad_map_is_a_422_with_line_and_column_and_leaves_no_trace(
    graph: Database, client: TestClient
) -> None:
    school = token(graph, "school", URN_B)
    text = curated_path("demo_school_map.yaml").read_text()
    text = text.replace('urn: "example"', f'urn: "{URN_B}"').replace(
        "product:sims", "product:simss"
    )
    before = snapshot(graph)
    answer = client.put(
        f"/schools/{URN_B}/map",
        headers={**school, "Content-Type": "application/yaml"},
        content=text,
    )
    assert answer.status_code == 422
    problem = answer.json()
    assert "Did you mean product:sims" in problem["detail"]
    assert problem["errors"][0]["line"] > 1 and problem["errors"][0]["column"] == "product"

    # the URN in the body must be the one in the path; broken YAML names its line
    data = demo_map(URN_A)
    wrong = client.put(f"/schools/{URN_B}/map", headers=school, json=data)
    assert wrong.status_code == 422 and "URN" in wrong.json()["detail"].upper()
    broken = client.put(
        f"/schools/{URN_B}/map",
        headers={**school, "Content-Type": "application/yaml"},
        content="urn: '100001'\nrows:\n  - system: [unclosed\n",
    )
    assert broken.status_code == 422 and broken.json()["errors"][0]["line"] >= 3
    other = client.put(
        f"/schools/{URN_B}/map",
        headers={**school, "Content-Type": "text/plain"},
        content="hello",
    )
    assert other.status_code == 422
    # YAML aliases (a "billion laughs" bomb) and absurd nesting are refused, not expanded
    bomb = "l0: &l0 [x, x, x, x, x, x, x, x, x]\n"
    for level in range(1, 7):
        bomb += f"l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * 9)}]\n"
    bomb += "urn: '100001'\nrows: [*l6]\n"
    aliased = client.put(
        f"/schools/{URN_B}/map",
        headers={**school, "Content-Type": "application/yaml"},
        content=bomb,
    )
    assert aliased.status_code == 422 and "aliases" in aliased.json()["detail"]
    deep = client.put(
        f"/schools/{URN_B}/map",
        headers={**school, "Content-Type": "application/json"},
        content='{"urn": "100001", "rows": ' + "[" * 5000 + "]" * 5000 + "}",
    )
    assert deep.status_code == 422, deep.text
    assert snapshot(graph) == before


# -- the pupil-level guard on every write body --


def test_pupil_level_data_in_any_write_body_is_refused_whole(
    graph: Database, client: TestClient
) -> None:
    school = token(graph, "school", URN_B)
    editor = token(graph, "editor")
    admin = token(graph, "admin")
    with_upn = demo_map(URN_B)
    with_upn["rows"][3]["viewers"] = ["class teacher", "K801200001001"]
    with_pupils = demo_map(URN_B)
    with_pupils["pupils"] = [{"forename": "Ann", "surname": "Example", "dob": "2010-01-01"}]
    yaml_upn = yaml.safe_dump(with_upn, sort_keys=False)
    before = snapshot(graph)

    refusals = [
        client.put(f"/schools/{URN_B}/map", headers=school, json=with_upn),
        client.put(f"/schools/{URN_B}/map", headers=school, json=with_pupils),
        client.put(
            f"/schools/{URN_B}/map",
            headers={**school, "Content-Type": "application/yaml"},
            content=yaml_upn,
        ),
        client.post(
            "/flows",
            headers=editor,
            json=a_flow("flow:t-guard-1", purpose_text="pupil K801200001001 moved"),
        ),
        client.post("/flows", headers=editor, json={**a_flow("flow:t-guard-2"), "upn": "x"}),
        client.post(
            "/sources",
            headers=editor,
            json={
                "id": "guard-src",
                "title": "Class list",
                "kind": "news",
                "note": "A12345678901B",
            },
        ),
        client.post("/tokens", headers=admin, json={"role": "editor", "label": "K801200001001"}),
    ]
    for answer in refusals:
        assert answer.status_code == 422, answer.text
        assert answer.json()["title"] == "Pupil-Level Data Refused"
        assert "never a child's data" in answer.json()["detail"]
    assert snapshot(graph) == before


# -- flows and sources --


def test_flows_and_sources_add_and_retire_each_with_one_audit_entry(
    graph: Database, client: TestClient
) -> None:
    editor = token(graph, "editor")
    school = token(graph, "school", URN_B)
    source = {
        "id": "trust-test-foi",
        "title": "An FOI answer used by the trust test",
        "kind": "foi_answer",
        "date": "2016-10",
    }
    added = client.post("/sources", headers=editor, json=source)
    assert added.status_code == 201, added.text
    assert client.post("/sources", headers=editor, json=source).status_code == 409

    flow = a_flow("flow:trust-test-share", claims=[{"source": "trust-test-foi"}])
    answer = client.post("/flows", headers=editor, json=flow)
    assert answer.status_code == 201, answer.text
    assert answer.json()["record"]["layer"] == "national"
    assert client.post("/flows", headers=editor, json=flow).status_code == 409
    unknown = client.post(
        "/flows", headers=editor, json=a_flow("flow:t-x", target_actor="org:nope")
    )
    assert unknown.status_code == 422 and "org:nope" in unknown.json()["detail"]
    assert "flow:trust-test-share" in flows_on_paths(client, "2018-01-01")

    # a school token cannot retire a national flow; an editor can, once; history stays
    url = "/flows/flow:trust-test-share/retire"
    retire = {"valid_to": "2018-12", "reason": "the share was stopped"}
    assert client.post(url, headers=school, json=retire).status_code == 403
    assert (
        client.post(url, headers=editor, json={**retire, "valid_to": "2015-01"}).status_code == 422
    )
    done = client.post(url, headers=editor, json=retire)
    assert done.status_code == 200, done.text
    assert done.json()["record"]["retired"] is True
    assert client.post(url, headers=editor, json=retire).status_code == 409
    assert client.post("/flows/flow:nope/retire", headers=editor, json=retire).status_code == 404
    assert "flow:trust-test-share" not in flows_on_paths(client, "2020-01-01")
    stored = graph.read("get_flow", id="flow:trust-test-share")[0]["flow"]
    assert stored["valid_to"] == "2018-12" and stored["valid_from"] == "2016-06"

    entries = audit_for(graph, "flow:trust-test-share")
    assert [e["action"] for e in entries] == ["flow.add", "flow.retire"]
    assert json.loads(entries[0]["before_json"]) is None
    assert json.loads(entries[0]["after_json"])["to"] == "body:home-office"
    retire_before = json.loads(entries[1]["before_json"])
    retire_after = json.loads(entries[1]["after_json"])
    assert "valid_to" not in retire_before and retire_after["valid_to"] == "2018-12"
    assert retire_after["retired_reason"] == "the share was stopped"
    assert [e["action"] for e in audit_for(graph, "trust-test-foi")] == ["source.add"]

    # a school token adds a flow and a source in its own layer only
    own_source = {"id": f"school-{URN_B}-policy", "title": "Our policy", "kind": "school_statement"}
    assert client.post("/sources", headers=school, json=own_source).status_code == 201
    own = {
        **a_flow("flow:trust-test-school-app", urn=URN_B),
        "kind": "system_use",
        "source_actor": f"school:{URN_B}",
        "target_actor": "product:sims",
        "purposes": ["direct_schooling_and_support"],
        "claims": [{"source": own_source["id"]}],
    }
    answer = client.post("/flows", headers=school, json=own)
    assert answer.status_code == 201, answer.text
    assert answer.json()["record"]["layer"] == f"school:{URN_B}"
    entry = audit_for(graph, "flow:trust-test-school-app")[0]
    assert entry["urn"] == URN_B and entry["role"] == "school"
    retired = client.post(
        "/flows/flow:trust-test-school-app/retire",
        headers=school,
        json={"valid_to": "2026", "reason": "we stopped using it"},
    )
    assert retired.status_code == 200


def test_writes_cannot_reach_audit_entries_or_tokens(graph: Database, client: TestClient) -> None:
    editor = token(graph, "editor")
    entry = client.get("/audit", params={"limit": 1}).json()["entries"][0]
    tokens = graph.driver.execute_query(
        "MATCH (t:Token) RETURN t.id AS id LIMIT 1", database_=graph.database
    ).records
    before = snapshot(graph)
    retire = {"valid_to": "2020", "reason": "try to retire an audit entry"}
    for target in (entry["id"], tokens[0]["id"]):
        answer = client.post(f"/flows/{target}/retire", headers=editor, json=retire)
        assert answer.status_code == 404
    for method in ("PUT", "PATCH", "DELETE", "POST"):
        assert client.request(method, "/audit").status_code == 405
    labels = client.post(
        "/sources",
        headers=editor,
        json={"id": entry["id"], "title": "x", "kind": "news", "labels": ["AuditEntry"]},
    )
    assert labels.status_code == 422
    assert snapshot(graph) == before
    paths = client.get("/openapi.json").json()["paths"]
    assert set(paths["/audit"]) == {"get"}
    assert not any("audit" in p and set(v) - {"get"} for p, v in paths.items())


# -- loaders, the audit endpoint and the CLI --


def test_loads_write_one_summary_entry_and_a_failed_load_none(
    graph: Database, tmp_path: Path
) -> None:
    loads_before = list_entries(graph, actor="loader:suppliers").entries
    run_load(graph, "suppliers", None)
    loads = list_entries(graph, actor="loader:suppliers").entries
    assert len(loads) == len(loads_before) + 1
    last = loads[0]
    assert last.action == "load" and last.load_id and last.target in last.load_id
    assert last.after["checksum"] and last.after["file"] and "flows" in last.after["written"]
    # a reload of the same file creates no flow: it updates them all, and removes none
    assert last.after["created"]["flows"] == 0 and last.after["flows_removed"] == 0
    assert last.after["flows_updated"] == last.after["written"]["flows"]
    assert last.before["flows_of_this_input"] == last.after["written"]["flows"]
    assert last.summary and "summarise" in last.summary

    bad = tmp_path / "bad.yaml"
    data = demo_map(URN_B)
    data["rows"][0]["items"] = ["pupil.contact.postcod"]
    bad.write_text(yaml.safe_dump(data, sort_keys=False))
    before = snapshot(graph)
    with pytest.raises(Exception, match="Did you mean"):
        run_load(graph, "school-map", str(bad))
    assert snapshot(graph) == before


def test_the_audit_endpoint_filters_and_pages_newest_first(
    graph: Database, client: TestClient
) -> None:
    everything = client.get("/audit", params={"limit": 500}).json()["entries"]
    times = [e["at"] for e in everything]
    assert times == sorted(times, reverse=True) and len(everything) >= 5
    first = client.get("/audit", params={"limit": 2}).json()
    second = client.get("/audit", params={"limit": 2, "offset": 2}).json()
    assert first["next_offset"] == 2
    assert [e["id"] for e in first["entries"] + second["entries"]] == [
        e["id"] for e in everything[:4]
    ]
    loaders = client.get("/audit", params={"actor": "loader", "limit": 500}).json()["entries"]
    assert loaders and all(e["actor"].startswith("loader:") for e in loaders)
    assert {e["action"] for e in loaders} == {"load"}
    newest = everything[0]["at"]
    since = client.get("/audit", params={"since": newest}).json()["entries"]
    assert since and all(e["at"] >= newest for e in since)
    assert client.get("/audit", params={"since": "2999-01-01"}).json()["entries"] == []
    assert client.get("/audit", params={"urn": "x'; MATCH (n) DETACH DELETE n"}).status_code == 422


def test_the_cli_creates_lists_and_revokes_tokens_and_shows_the_audit(
    graph: Database,
    client: TestClient,
    neo4j_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("NEO4J_URI", neo4j_settings.effective_uri)
    monkeypatch.setenv("NEO4J_USER", neo4j_settings.neo4j_user)
    monkeypatch.setenv("NEO4J_PASSWORD", neo4j_settings.neo4j_password)
    monkeypatch.setenv("NEO4J_DATABASE", neo4j_settings.neo4j_database)
    get_settings.cache_clear()
    try:
        assert (
            main(["token", "create", "--role", "school", "--urn", URN_B, "--label", "office"]) == 0
        )
        out = capsys.readouterr().out
        secret = out.strip().splitlines()[-1]
        token_id = out.split("token ", 1)[1].split(" ", 1)[0]
        assert secret.startswith("edf_") and token_id.startswith("tok_")
        headers = {"Authorization": f"Bearer {secret}"}
        own = {"id": f"school-{URN_B}-cli", "title": "Our notice", "kind": "school_statement"}
        assert client.post("/sources", headers=headers, json=own).status_code == 201

        assert main(["token", "list"]) == 0
        listed = capsys.readouterr().out
        assert token_id in listed and secret not in listed and "live" in listed

        assert main(["token", "revoke", token_id]) == 0
        assert "Revoked" in capsys.readouterr().out
        again = {**own, "id": f"school-{URN_B}-cli-2"}
        assert client.post("/sources", headers=headers, json=again).status_code == 401

        # a school token needs an existing school; errors are one line
        assert main(["token", "create", "--role", "school", "--urn", "99999999"]) == 1
        assert "no school" in capsys.readouterr().err
        assert main(["token", "create", "--role", "school"]) == 1
        assert "--urn" in capsys.readouterr().err

        assert main(["audit", "--urn", URN_B]) == 0
        shown = capsys.readouterr().out
        assert "token.create" in shown and "token.revoke" in shown and "source.add" in shown
        assert "cli" in shown and token_id in shown
        assert "revoked: False -> True" in shown
        assert main(["audit", "--since", "2999-01-01"]) == 0
        assert "No audit entries." in capsys.readouterr().out
        assert main(["audit", "--actor", "loader", "--json", "--limit", "3"]) == 0
        page = json.loads(capsys.readouterr().out)
        assert len(page["entries"]) == 3
        assert all(e["actor"].startswith("loader:") for e in page["entries"])
    finally:
        get_settings.cache_clear()
