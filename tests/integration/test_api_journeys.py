"""Reach, paths, upstream and cut through HTTP on the bundled data, checked independently.

The independent check exports the flows with their items and tiers, decides in plain Python
which carry the item, and runs a breadth-first search; the API must agree on every reached
organisation, its evidence class and its number of hops.
"""

from __future__ import annotations

from collections import defaultdict, deque
from itertools import pairwise
from typing import Any

import pytest
from fastapi.testclient import TestClient

from graph.db import Database
from graph.identifiers import is_urn
from tests.support.demo import DEMO

pytestmark = pytest.mark.integration
POSTCODE = "pupil.contact.postcode"


def independent_edges(
    db: Database, origin: str, item: str, as_of: str | None = None
) -> list[tuple[str, str, int, str]]:
    """(from, to, evidence rank, flow id) of every flow that can carry the item."""
    records, _, _ = db.driver.execute_query(
        """
        MATCH (x:DataItem {id: $item})
        OPTIONAL MATCH (c:DataItem)-[:CONTAINS*1..]->(x)
        WITH x, collect(DISTINCT c) AS containers
        WITH [x] + containers AS bases
        UNWIND bases AS b
        OPTIONAL MATCH (b)-[:PART_OF*0..]->(up:DataItem)
        OPTIONAL MATCH (down:DataItem)-[:PART_OF*0..]->(b)
        RETURN collect(DISTINCT up.id) + collect(DISTINCT down.id) AS covering
        """,
        item=item,
        database_=db.database,
    )
    covering = set(records[0]["covering"])
    tiers, _, _ = db.driver.execute_query(
        "MATCH (d:DataItem)-[:PART_OF*0..]->(:DataItem {id: $item}) RETURN min(d.npd_tier) AS tier",
        item=item,
        database_=db.database,
    )
    item_tier = tiers[0]["tier"]
    flows, _, _ = db.driver.execute_query(
        # a flow's items live on its terms node (lean flows, graph/terms.py)
        "MATCH (a:Actor)-[f:FLOW]->(b:Actor) OPTIONAL MATCH (t:Terms {id: f.terms}) "
        "RETURN a.id AS a, b.id AS b, coalesce(t.items, f.items) AS items, "
        "f.id AS id, f.disputed_items AS disputed, "
        "f.tier AS tier, f.in_effect AS live, f.layer AS layer, f.valid_from_day AS start, "
        "f.valid_to_day AS end",
        database_=db.database,
    )
    school_layer = f"school:{origin.split(':', 1)[1]}" if origin.startswith("school:") else None
    edges: list[tuple[str, str, int, str]] = []
    for f in flows:
        if not f["live"]:
            continue
        if school_layer and f["layer"] not in {"national", "catalogue", school_layer}:
            continue
        if as_of and f["start"] and f["start"].iso_format() > as_of:
            continue
        if as_of and f["end"] and f["end"].iso_format() < as_of:
            continue
        items = f["items"] or []
        if items:
            matched = covering & set(items)
            if not matched:
                continue
            # disputed: every matched item is one that live claims both state and deny
            rank = 1 if matched <= set(f["disputed"] or []) else 0
        elif f["tier"] is not None:
            if item_tier is None or item_tier < f["tier"]:
                continue
            rank = 2
        else:
            rank = 3
        edges.append((f["a"], f["b"], rank, f["id"]))
    return edges


def independent_reach(
    db: Database, origin: str, item: str, as_of: str | None = None
) -> dict[str, tuple[str, int]]:
    """node -> (evidence class, hops), computed without the service's code."""
    edges = independent_edges(db, origin, item, as_of)
    result: dict[str, tuple[str, int]] = {}
    for rank, name in enumerate(["stated", "disputed", "implied", "unknown"]):
        adjacency: dict[str, list[str]] = defaultdict(list)
        for a, b, r, _ in edges:
            if r <= rank:
                adjacency[a].append(b)
        depth = {origin: 0}
        queue = deque([origin])
        while queue:
            node = queue.popleft()
            if depth[node] >= 10:
                continue
            for nxt in adjacency[node]:
                if nxt not in depth:
                    depth[nxt] = depth[node] + 1
                    queue.append(nxt)
        for node, hops in depth.items():
            if node != origin and node not in result:
                result[node] = (name, hops)
    return result


def reached(body: dict[str, Any]) -> dict[str, tuple[str, int]]:
    return {r["actor"]["id"]: (r["evidence"], r["hops"]) for r in body["reached"]}


def test_postcode_from_the_demo_school(api: TestClient) -> None:
    response = api.get("/reach", params={"from": DEMO, "item": POSTCODE})
    assert response.status_code == 200, response.text
    body = response.json()
    got = reached(body)
    # the school's own systems and their suppliers
    assert got["product:sims"] == ("stated", 1)
    assert any(k.startswith("supplier:") for k in got)
    # the national chain: LA -> school census -> NPD -> recipients
    assert got["la:201"][0] == "stated"
    assert got["dataset:school-census"][0] == "stated"
    assert got["dataset:npd"] == ("stated", 3)
    assert got["body:home-office"][0] == "stated"
    # a release whose sources state no items and no tier is reached, as unknown
    assert got["org:civitas"] == ("unknown", 4)
    # the Telegraph's extract is listed by its sources without postcode: not reached
    assert "org:daily-telegraph-telegraph-newspaper" not in got
    # refused and merely requested releases are not followed
    assert "org:ministry-of-defence-army" not in got
    summary = body["summary"]
    assert summary["kept_indefinitely"] is True and "dataset:npd" in summary["kept_indefinitely_by"]
    assert summary["total"] == len(got)
    assert sum(summary["by_evidence"].values()) == len(got)
    # each hop carries its evidence: flow details (once, in `flows`) and sources with titles
    # (once, in `sources`)
    npd = next(r for r in body["reached"] if r["actor"]["id"] == "dataset:npd")
    hops = [body["flows"][flow_id] for flow_id in npd["path"]]
    assert hops[0]["from_id"] == f"school:{DEMO}"
    assert all(h["source_ids"] and body["sources"][h["source_ids"][0]]["title"] for h in hops)


def test_reach_agrees_with_an_independent_breadth_first_search(
    api: TestClient, bundled: Database
) -> None:
    for origin, item in [
        (DEMO, POSTCODE),
        (DEMO, "pupil.characteristics.ethnicity"),
        ("dataset:npd", "pupil.identity.name"),
        ("la:201", "pupil.characteristics.nationality"),
    ]:
        body = api.get("/reach", params={"from": origin, "item": item}).json()
        start = f"school:{origin}" if is_urn(origin) else origin
        assert reached(body) == independent_reach(bundled, start, item), (origin, item)
        for r in body["reached"]:
            hops = [body["flows"][flow_id] for flow_id in r["path"]]
            assert len(hops) == r["hops"]
            assert hops[0]["from_id"] == start and hops[-1]["to_id"] == r["actor"]["id"]
            assert all(a["to_id"] == b["from_id"] for a, b in pairwise(hops))


def test_as_of_follows_only_flows_in_force(api: TestClient, bundled: Database) -> None:
    item = "pupil.characteristics.nationality"
    during = reached(
        api.get("/reach", params={"from": DEMO, "item": item, "as_of": "2017-03-01"}).json()
    )
    after = reached(
        api.get("/reach", params={"from": DEMO, "item": item, "as_of": "2019-03-01"}).json()
    )
    # nationality was collected by the census only from 2016 to 2018
    assert "dataset:npd" in during
    assert "dataset:npd" not in after
    assert during == independent_reach(bundled, f"school:{DEMO}", item, "2017-03-01")
    assert after == independent_reach(bundled, f"school:{DEMO}", item, "2019-03-01")


def test_recipient_type_filter(api: TestClient) -> None:
    body = api.get(
        "/reach", params={"from": DEMO, "item": POSTCODE, "recipient_type": "commercial"}
    ).json()
    assert body["reached"] and {r["actor"]["org_type"] for r in body["reached"]} == {"commercial"}


def test_include_derived_follows_data_made_from_the_item(api: TestClient) -> None:
    plain = reached(api.get("/reach", params={"from": DEMO, "item": POSTCODE}).json())
    derived = api.get(
        "/reach", params={"from": DEMO, "item": POSTCODE, "include_derived": True}
    ).json()
    assert set(plain) <= set(reached(derived))


def test_paths_between_two_organisations(api: TestClient) -> None:
    body = api.get("/paths", params={"from": DEMO, "to": "dataset:npd", "item": POSTCODE}).json()
    assert body["evidence"] == "stated" and body["hops"] == 3
    assert body["paths"] and all(len(p) == 3 for p in body["paths"])
    assert body["flows"][body["paths"][0][-1]]["to_id"] == "dataset:npd"
    none = api.get(
        "/paths",
        params={"from": DEMO, "to": "org:daily-telegraph-telegraph-newspaper", "item": POSTCODE},
    ).json()
    assert none["paths"] == [] and none["evidence"] is None and none["flows"] == {}


def test_sources_of_a_recipient(api: TestClient) -> None:
    body = api.get(
        "/sources-of", params={"org": "body:home-office", "item": POSTCODE, "limit": 50}
    ).json()
    origins = {o["actor"]["id"] for o in body["origins"]}
    assert "dataset:npd" in origins and "dataset:school-census" in origins
    assert body["total"] > len(body["origins"])  # every school sends the census: capped
    assert body["truncated"] is True
    for origin in body["origins"]:
        assert body["flows"][origin["path"][-1]]["to_id"] == "body:home-office"


def test_cut_separates_the_recipient(api: TestClient, bundled: Database) -> None:
    body = api.get("/cut", params={"from": DEMO, "to": "body:home-office", "item": POSTCODE}).json()
    assert body["reachable"] is True and body["cut_size"] == len(body["flows"]) >= 1
    cut = {h["flow_id"] for h in body["flows"]}
    # stopping the cut's flows disconnects the school from the Home Office for the postcode
    edges = independent_edges(bundled, f"school:{DEMO}", POSTCODE)
    assert "body:home-office" in _bfs(f"school:{DEMO}", edges)
    assert "body:home-office" not in _bfs(f"school:{DEMO}", [e for e in edges if e[3] not in cut])
    # and every flow in the cut is needed: put any one back and the postcode gets through
    for flow_id in cut:
        kept = [e for e in edges if e[3] not in cut or e[3] == flow_id]
        assert "body:home-office" in _bfs(f"school:{DEMO}", kept)


def test_unknown_ids_are_404_with_near_misses(api: TestClient) -> None:
    response = api.get("/reach", params={"from": DEMO, "item": "pupil.contact.postcod"})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert POSTCODE in response.json()["suggestions"]
    response = api.get("/reach", params={"from": "org:daily-telegraf", "item": POSTCODE})
    assert response.status_code == 404
    assert "org:daily-telegraph-telegraph-newspaper" in response.json()["suggestions"]


def test_invalid_parameters_are_422_naming_them(api: TestClient) -> None:
    response = api.get("/reach", params={"from": DEMO, "item": POSTCODE, "max_hops": 99})
    assert response.status_code == 422
    assert "max_hops" in response.json()["detail"]
    response = api.get("/reach", params={"from": DEMO, "item": POSTCODE, "as_of": "last year"})
    assert response.status_code == 422 and "as_of" in response.json()["detail"]
    response = api.get("/reach", params={"item": POSTCODE})
    assert response.status_code == 422 and "from" in response.json()["detail"]


def _bfs(start: str, edges: list[tuple[str, str, int, str]]) -> set[str]:
    adjacency: dict[str, list[str]] = defaultdict(list)
    for a, b, _, _ in edges:
        adjacency[a].append(b)
    seen = {start}
    queue = deque([start])
    while queue:
        for nxt in adjacency[queue.popleft()]:
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen
