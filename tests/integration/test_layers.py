"""Layers that hold: a school's token writes only its own layer, and a school's layer never
changes a national answer.

One real Neo4j, prepared ONCE for the module (catalogue, base map, LAs, two real schools from
the spine, the supplier catalogue, the example map on school A). Every role (school, editor,
admin, no token) is walked over every write endpoint and every kind of target (own school,
other school, national body, catalogue product): the status is the documented one, a refusal
changes nothing, an accepted write changes only what the role may change, and after EVERY
school-token request the national answers are byte-identical to what they were before.
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
from graph.audit import Actor
from graph.cache import GraphCache
from graph.db import Database
from graph.export import export_graph, national_layers
from graph.journey_query import JourneyQuery
from graph.journeys import JourneyService
from graph.settings import Settings
from graph.tokens import create_token
from loaders.curated_files import curated_path
from loaders.registry import run_load
from tests.support.files import csv_subset

pytestmark = pytest.mark.integration
URN_A, URN_B = "100000", "100001"
SCHOOL_A, SCHOOL_B = f"school:{URN_A}", f"school:{URN_B}"
TELEGRAPH = "org:daily-telegraph-telegraph-newspaper"
POSTCODE = "pupil.contact.postcode"
TALK = "defenddigitalme-2017-talk"
# the recipients whose /sources-of a school's write must never change
RECIPIENTS = ["body:home-office", TELEGRAPH, "dataset:npd", "org:police-forces", "product:sims"]
NATIONAL_ANSWERS: list[tuple[str, dict[str, Any]]] = [
    ("/reach", {"from": "body:dfe", "item": POSTCODE}),
    ("/reach", {"from": "product:sims", "item": POSTCODE}),
    *[("/sources-of", {"org": org, "item": POSTCODE, "limit": 2000}) for org in RECIPIENTS],
    ("/releases", {"limit": 500}),
    ("/stats", {}),
    ("/orgs/body:dfe", {}),
]


@pytest.fixture(scope="module")
def graph(
    session_db: Database, shared_data: Path, tmp_path_factory: pytest.TempPathFactory
) -> Database:
    """The national layer with schools A and B, and the example map on school A."""
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
    issued = create_token(db, role, urn, f"layers test {role}", Actor("cli"))
    return {"Authorization": f"Bearer {issued.secret}"}


def example_map(urn: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(curated_path("demo_school_map.yaml").read_text())
    data["urn"] = urn
    return data


def national(client: TestClient) -> dict[str, bytes]:
    """The national answers, as the bytes a client receives."""
    answers = {}
    for url, params in NATIONAL_ANSWERS:
        answer = client.get(url, params=params)
        assert answer.status_code == 200, (url, answer.text)
        answers[f"{url} {sorted(params.items())}"] = answer.content
    return answers


def knowledge(db: Database) -> dict[str, Any]:
    """Every node and relationship with its properties, but the audit trail and tokens."""
    nodes, _, _ = db.driver.execute_query(
        "MATCH (n) WHERE NOT (n:AuditEntry OR n:Token) "
        "RETURN n.id AS id, labels(n) AS labels, properties(n) AS props",
        database_=db.database,
    )
    rels, _, _ = db.driver.execute_query(
        "MATCH (a)-[r]->(b) WHERE NOT (a:AuditEntry OR a:Token OR b:AuditEntry OR b:Token) "
        "RETURN a.id AS a, type(r) AS t, b.id AS b, properties(r) AS props",
        database_=db.database,
    )
    return {
        "nodes": {(r["id"], tuple(sorted(r["labels"]))): _freeze(r["props"]) for r in nodes},
        "rels": {(r["a"], r["t"], r["b"], r["props"].get("id")): _freeze(r["props"]) for r in rels},
    }


def _freeze(props: dict[str, Any]) -> str:
    return json.dumps(props, sort_keys=True, default=str)


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[list[Any], list[Any]]:
    """The nodes and relationships added, removed or changed between two `knowledge`s."""
    nodes = [
        k
        for k in before["nodes"].keys() | after["nodes"].keys()
        if before["nodes"].get(k) != after["nodes"].get(k)
    ]
    rels = [
        k
        for k in before["rels"].keys() | after["rels"].keys()
        if before["rels"].get(k) != after["rels"].get(k)
    ]
    return nodes, rels


def a_flow(flow_id: str, source: str, target: str, urn: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": flow_id,
        "kind": "data_share",
        "source_actor": source,
        "target_actor": target,
        "items": [POSTCODE],
        "claims": [{"source": TALK, "locator": "slide 28"}],
    }
    if urn is not None:
        body["urn"] = urn
    return body


def test_the_issues_attack_is_refused_and_national_answers_do_not_move(
    graph: Database, client: TestClient
) -> None:
    """Issue 13: a school token for URN 100000 posted a flow in its layer from body:dfe to the
    Telegraph with the postcode, and the national reach and /sources-of then listed it."""
    school = token(graph, "school", URN_A)
    as_json = {"Content-Type": "application/json"}
    put = client.put(
        f"/schools/{URN_A}/map",
        headers={**school, **as_json},
        content=json.dumps(example_map(URN_A)),
    )
    assert put.status_code == 200, put.text
    before_answers, before_graph = national(client), knowledge(graph)

    attack = a_flow("flow:attack-dfe-to-telegraph", "body:dfe", TELEGRAPH, URN_A)
    answer = client.post("/flows", headers=school, json=attack)
    assert answer.status_code == 403, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert "must start at the school (school:100000)" in answer.json()["detail"]
    # the map's census row sends data to body:dfe, yet the DfE is no system of the school's
    assert "'body:dfe' is neither" in answer.json()["detail"]
    assert knowledge(graph) == before_graph
    assert national(client) == before_answers
    reach = client.get("/reach", params={"from": "body:dfe", "item": POSTCODE}).json()
    assert TELEGRAPH not in {
        r["actor"]["id"] for r in reach["reached"] if r["evidence"] == "stated"
    }


def test_a_schools_own_layer_is_followed_only_from_that_school_or_when_named(
    graph: Database, client: TestClient
) -> None:
    """A legitimate onward flow of the school's own system (product:sims -> the Telegraph, in
    school A's layer) shows in A's answers and in an answer that names A's layer, nowhere else."""
    school = token(graph, "school", URN_A)
    as_json = {"Content-Type": "application/json"}
    assert (
        client.put(
            f"/schools/{URN_A}/map",
            headers={**school, **as_json},
            content=json.dumps(example_map(URN_A)),
        ).status_code
        == 200
    )
    before = national(client)
    onward = a_flow("flow:layers-sims-to-telegraph", "product:sims", TELEGRAPH, URN_A)
    answer = client.post("/flows", headers=school, json=onward)
    assert answer.status_code == 201, answer.text
    assert answer.json()["record"]["layer"] == f"school:{URN_A}"
    assert national(client) == before  # the national answers, byte for byte

    def reached(params: dict[str, Any]) -> set[str]:
        body = client.get("/reach", params={"item": POSTCODE, **params})
        assert body.status_code == 200, body.text
        return {r["actor"]["id"] for r in body.json()["reached"]}

    def origins(params: dict[str, Any]) -> set[str]:
        body = client.get("/sources-of", params={"org": TELEGRAPH, "item": POSTCODE, **params})
        assert body.status_code == 200, body.text
        return {r["actor"]["id"] for r in body.json()["origins"]}

    assert TELEGRAPH in reached({"from": URN_A})  # its own journey follows its own layer
    assert TELEGRAPH not in reached({"from": URN_B})  # another school's does not
    assert TELEGRAPH not in reached({"from": "product:sims"})  # nor a national origin's
    assert TELEGRAPH in reached({"from": "product:sims", "layer": SCHOOL_A})  # unless named
    assert TELEGRAPH not in reached({"from": "product:sims", "layer": SCHOOL_B})
    assert SCHOOL_A not in origins({})
    assert SCHOOL_A in origins({"layer": SCHOOL_A})
    assert SCHOOL_B not in origins({"layer": SCHOOL_A})
    paths = client.get("/paths", params={"from": URN_A, "to": TELEGRAPH, "item": POSTCODE})
    assert paths.json()["paths"][0][-1] == onward["id"]
    bad = client.get("/sources-of", params={"org": TELEGRAPH, "item": POSTCODE, "layer": "all"})
    assert bad.status_code == 422 and "layer" in bad.text
    # the record page of the Telegraph (a national answer) does not list the school's flow
    record = client.get(f"/orgs/{TELEGRAPH}").json()
    assert onward["id"] not in {f["id"] for f in record["flows_in"]}
    # nor the record of the school's system
    sims = client.get("/orgs/product:sims").json()
    assert onward["id"] not in {f["id"] for f in sims["flows_out"]}


def test_the_step_cache_and_the_national_export_never_hold_a_schools_layer(
    graph: Database, client: TestClient
) -> None:
    """After journeys from school A (its own layer followed), the app's shared StepCache holds
    no flow of any school's layer; a national export has none either, unless it names one."""
    school = token(graph, "school", URN_A)
    onward = a_flow("flow:layers-cache-sims-to-telegraph", "product:sims", TELEGRAPH, URN_A)
    assert client.post("/flows", headers=school, json=onward).status_code == 201
    app_cache = GraphCache()
    cache = app_cache.steps
    journeys = JourneyService(graph, app_cache.sync(graph))
    own = journeys.reach(JourneyQuery(origin=URN_A, item=POSTCODE))
    telegraph = next(r for r in own.reached if r.actor.id == TELEGRAPH)
    assert telegraph.path[-1].flow_id.startswith("flow:layers-")  # an onward flow of A's layer
    journeys.sources_of(JourneyQuery(origin=TELEGRAPH, item=POSTCODE, layer=SCHOOL_A))
    journeys.reach(JourneyQuery(origin="product:sims", item=POSTCODE))
    assert cache.stats()["flows"] > 0
    cached_layers = {flow.get("layer") for flow in cache._flows.values()}
    assert cached_layers <= {"national", "catalogue"}, cached_layers
    # A's own layer is kept apart, under its own key, holding its own flows only
    assert {key[0] for key in cache._layers} == {SCHOOL_A}
    kept = {
        step[2]["layer"] for steps in cache._layers.values() for s in steps.values() for step in s
    }
    assert kept == {SCHOOL_A}, kept
    # the same journeys again, from the cache: a national origin still does not see A's layer
    national = journeys.reach(JourneyQuery(origin="product:sims", item=POSTCODE)).reached
    assert not any(h.flow_id.startswith("flow:layers-") for r in national for h in r.path)
    assert (
        journeys.reach(JourneyQuery(origin=URN_A, item=POSTCODE)).model_dump() == own.model_dump()
    )

    def flow_ids(data: dict[str, Any]) -> set[str]:
        return {r["properties"].get("id") for r in data["relationships"] if r["type"] == "FLOW"}

    national_only = flow_ids(export_graph(graph, layers=national_layers()))
    assert onward["id"] not in national_only
    assert not any(f.startswith(f"flow:school-{URN_A}:") for f in national_only)
    named = flow_ids(export_graph(graph, layers=national_layers(SCHOOL_A)))
    assert onward["id"] in named and national_only < named
    assert onward["id"] in flow_ids(export_graph(graph))  # the whole graph: a backup
    subgraph = flow_ids(export_graph(graph, root="product:sims", depth=1))
    assert onward["id"] not in subgraph


ROLES = ["none", "admin", "school", "editor"]
TARGETS = ["own school", "other school", "national body", "catalogue product"]
ENDPOINTS = ["PUT map", "POST flows", "POST sources", "POST retire"]
# what each role may do, by endpoint and target (a map belongs to a school: no national target)
EXPECTED: dict[tuple[str, str], dict[str, int]] = {
    ("school", "PUT map"): {"own school": 200, "other school": 403},
    ("school", "POST flows"): {
        "own school": 201,
        "other school": 403,
        "national body": 403,
        "catalogue product": 201,  # a system of its own map: an onward flow
    },
    ("school", "POST sources"): {
        "own school": 201,
        "other school": 403,
        "national body": 403,
        "catalogue product": 403,
    },
    ("school", "POST retire"): {
        "own school": 200,
        "other school": 403,
        "national body": 403,
        "catalogue product": 403,
    },
    ("editor", "PUT map"): {"own school": 403, "other school": 403},
    ("editor", "POST flows"): {
        "own school": 403,
        "other school": 403,
        "national body": 201,
        "catalogue product": 201,
    },
    ("editor", "POST sources"): {t: 201 for t in TARGETS},
    ("editor", "POST retire"): {
        "own school": 403,
        "other school": 403,
        "national body": 200,
        "catalogue product": 200,
    },
}


def test_every_role_endpoint_and_target_writes_only_in_scope(
    graph: Database, client: TestClient
) -> None:
    headers = {
        "none": {},
        "admin": token(graph, "admin"),
        "school": token(graph, "school", URN_A),
        "editor": token(graph, "editor"),
    }
    school_b = token(graph, "school", URN_B)
    as_json = {"Content-Type": "application/json"}
    for urn, tok in ((URN_A, headers["school"]), (URN_B, school_b)):
        put = client.put(
            f"/schools/{urn}/map", headers={**tok, **as_json}, content=json.dumps(example_map(urn))
        )
        assert put.status_code == 200, put.text
    # flows to retire: one per role and target, each live until its case runs
    catalogue = graph.driver.execute_query(
        "MATCH ()-[f:FLOW {layer: 'catalogue'}]->() WHERE f.in_effect "
        "RETURN f.id AS id ORDER BY f.id LIMIT 1",
        database_=graph.database,
    ).records[0]["id"]
    to_retire: dict[tuple[str, str], str] = {}
    for role in ROLES:
        own = a_flow(f"flow:layers-retire-{role}-a", SCHOOL_A, "product:wonde", URN_A)
        other = a_flow(f"flow:layers-retire-{role}-b", SCHOOL_B, "product:wonde", URN_B)
        nat = a_flow(f"flow:layers-retire-{role}-n", "body:dfe", "body:ons", None)
        for body, tok in ((own, headers["school"]), (other, school_b), (nat, headers["editor"])):
            assert client.post("/flows", headers=tok, json=body).status_code == 201
        to_retire.update(
            {
                (role, "own school"): own["id"],
                (role, "other school"): other["id"],
                (role, "national body"): nat["id"],
                (role, "catalogue product"): catalogue,
            }
        )
    baseline = national(client)
    outcomes: list[tuple[str, str, str, int]] = []

    def request(role: str, endpoint: str, target: str) -> Any:
        tag = f"{role}-{target.split()[0]}"
        auth = headers[role]
        if endpoint == "PUT map":
            school = URN_A if target == "own school" else URN_B
            return client.put(
                f"/schools/{school}/map",
                headers={**auth, **as_json},
                content=json.dumps(example_map(school)),
            )
        if endpoint == "POST flows":
            urn: str | None
            sender, urn = {
                "own school": (SCHOOL_A, URN_A),
                "other school": (SCHOOL_B, URN_B),
                "national body": ("body:dfe", None if role == "editor" else URN_A),
                "catalogue product": ("product:sims", None if role == "editor" else URN_A),
            }[target]
            if role == "school" and target == "other school":
                urn = URN_A  # its own layer, but from another school
            body = a_flow(f"flow:layers-{tag}", sender, TELEGRAPH, urn)
            return client.post("/flows", headers=auth, json=body)
        if endpoint == "POST sources":
            prefix = {
                "own school": f"school-{URN_A}-",
                "other school": f"school-{URN_B}-",
                "national body": "dfe-",
                "catalogue product": "product-sims-",
            }[target]
            body = {"id": f"{prefix}layers-{role}", "title": "A note", "kind": "school_statement"}
            return client.post("/sources", headers=auth, json=body)
        flow_id = to_retire[(role, target)]
        return client.post(
            f"/flows/{flow_id}/retire",
            headers=auth,
            json={"valid_to": "2026-01", "reason": "stopped"},
        )

    for role in ROLES:
        for endpoint in ENDPOINTS:
            targets = TARGETS[:2] if endpoint == "PUT map" else TARGETS
            for target in targets:
                if role == "none":
                    expected = 401
                elif role == "admin":
                    expected = 403
                else:
                    expected = EXPECTED[(role, endpoint)][target]
                before = knowledge(graph)
                answer = request(role, endpoint, target)
                case = (role, endpoint, target, answer.text)
                assert answer.status_code == expected, case
                outcomes.append((role, endpoint, target, answer.status_code))
                after = knowledge(graph)
                nodes, rels = changed(before, after)
                if expected >= 400:
                    assert answer.headers["content-type"] == "application/problem+json", case
                    assert (nodes, rels) == ([], []), case
                    if expected == 401:
                        assert answer.headers["www-authenticate"] == "Bearer"
                else:
                    assert rels or nodes or endpoint == "PUT map", case  # a re-upload: no change
                    for a, kind, b, flow_id in rels:
                        assert kind == "FLOW", case
                        props = json.loads(after["rels"].get((a, kind, b, flow_id)) or "{}")
                        layer = props.get("layer")
                        if role == "school":
                            assert layer == f"school:{URN_A}", case
                        else:
                            assert layer in {"national", "catalogue"}, case
                    for node_id, labels in nodes:
                        assert set(labels) & {"Source", "MapVersion", "Load"}, case
                        if role == "school" and "Source" in labels:
                            assert node_id.startswith(f"school-{URN_A}-"), case
                if role == "school":
                    assert national(client) == baseline, case  # byte-identical
                elif expected < 400:
                    baseline = national(client)  # an editor changes the national layer
    assert len(outcomes) == len(ROLES) * (2 + 3 * 4)

    # the same change again is a 409; a bad map is a 422 naming the line; neither writes
    before = knowledge(graph)
    again = client.post(
        f"/flows/{to_retire[('school', 'own school')]}/retire",
        headers=headers["school"],
        json={"valid_to": "2026-01", "reason": "stopped"},
    )
    assert again.status_code == 409, again.text
    taken = client.post(
        "/flows",
        headers=headers["school"],
        json=a_flow("flow:layers-school-own", SCHOOL_A, TELEGRAPH, URN_A),
    )
    assert taken.status_code == 409, taken.text
    bad_map = client.put(
        f"/schools/{URN_A}/map",
        headers={**headers["school"], "Content-Type": "application/yaml"},
        content=f"urn: '{URN_A}'\nrows:\n  - system: [unclosed\n",
    )
    assert bad_map.status_code == 422 and "line" in bad_map.json()["detail"]
    unknown_item = a_flow("flow:layers-bad-item", SCHOOL_A, TELEGRAPH, URN_A)
    unknown_item["items"] = ["pupil.contact.postcod"]
    assert client.post("/flows", headers=headers["school"], json=unknown_item).status_code == 422
    assert knowledge(graph) == before
    assert national(client) == baseline
