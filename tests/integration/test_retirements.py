"""Retirements hold: a school that uploads its map again does not bring back a flow retired
through the API, unless the new map names it on purpose (`reinstate: true` on its row); the
load's audit entry says which happened. A retired flow the new map leaves out stays as history.

Builds on the trust tests' national layer (one module-scoped graph with schools 100000 and
100001); this module changes only school 100001's map.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from graph.db import Database
from loaders.common import slug
from tests.integration.test_trust import URN_B, audit_for, client, demo_map, graph, token

pytestmark = pytest.mark.integration
__all__ = ["client", "graph"]  # the trust module's fixtures, used here


def _flow(db: Database, flow_id: str) -> dict[str, Any]:
    rows = db.read("get_flow", id=flow_id)
    assert len(rows) == 1, f"{flow_id} is not in the graph"
    flow: dict[str, Any] = rows[0]["flow"]
    return flow


def _last_map_entry(db: Database) -> dict[str, Any]:
    entries = [e for e in audit_for(db, URN_B) if e["action"] == "school-map.replace"]
    after: dict[str, Any] = json.loads(entries[-1]["after_json"])
    return after


def test_a_retired_flow_stays_retired_when_the_map_is_uploaded_again(
    graph: Database, client: TestClient
) -> None:
    school = token(graph, "school", URN_B)
    data = demo_map(URN_B)
    row = data["rows"][0]
    flow_id = f"flow:school-{URN_B}:{slug(row['system'])}"

    assert client.put(f"/schools/{URN_B}/map", headers=school, json=data).status_code == 200
    retire = client.post(
        f"/flows/{flow_id}/retire",
        headers=school,
        json={"valid_to": "2026-07", "reason": "contract ended"},
    )
    assert retire.status_code == 200, retire.text
    retired = _flow(graph, flow_id)
    assert retired["retired"] is True and retired["valid_to"] == "2026-07"

    # the same map again: the flow is rewritten from the map but keeps its retirement
    again = client.put(f"/schools/{URN_B}/map", headers=school, json=data)
    assert again.status_code == 200, again.text
    kept = _flow(graph, flow_id)
    assert kept["retired"] is True
    assert (kept["valid_to"], kept["retired_reason"]) == ("2026-07", "contract ended")
    entry = _last_map_entry(graph)
    assert entry["kept_retired"] == [flow_id] and entry["reinstated"] == []

    # a map that leaves the row out: the retired flow stays, as history
    without = {**data, "rows": data["rows"][1:]}
    assert client.put(f"/schools/{URN_B}/map", headers=school, json=without).status_code == 200
    assert _flow(graph, flow_id)["retired"] is True

    # the map names it on purpose: reinstated, and the audit entry says so
    back = {**data, "rows": [{**row, "reinstate": True}, *data["rows"][1:]]}
    answer = client.put(f"/schools/{URN_B}/map", headers=school, json=back)
    assert answer.status_code == 200, answer.text
    flow = _flow(graph, flow_id)
    assert "retired" not in flow and "valid_to" not in flow
    entry = _last_map_entry(graph)
    assert entry["reinstated"] == [flow_id] and entry["kept_retired"] == []
