"""A school's own map: the demo map loads and joins the national layer, reloads change
nothing, edits show up in the diff, bad rows leave the previous map in place."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from graph.db import Database
from graph.errors import EdflowsError
from graph.explore import ExploreService
from graph.guard import PupilDataRefused
from graph.journey_query import JourneyQuery
from graph.journeys import JourneyService
from graph.terms import unfold
from loaders.curated_files import curated_path
from loaders.registry import run_load
from loaders.school_map import diff_maps
from tests.support.demo import DEMO
from tests.support.files import csv_subset

pytestmark = pytest.mark.integration
URN = DEMO  # the fictional example school the demo map belongs to
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture()
def prepared(db: Database, shared_data: Path, tmp_path: Path) -> Database:
    """The catalogue, base map, LAs, ONE school from the real spine, the example school (in
    the same real local authority), and the suppliers."""
    one = csv_subset(
        shared_data / "schools" / "2017-2018_england_spine.csv",
        tmp_path / "one_school.csv",
        lambda r: r["URN"] == "100000",
    )
    run_load(db, "base", None)
    run_load(db, "local-authorities", str(shared_data / "local-authorities"))
    run_load(db, "schools", str(one))
    run_load(db, "example-school", None)
    run_load(db, "suppliers", None)
    return db


def demo() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(curated_path("demo_school_map.yaml").read_text())
    return data


def flows_of_map(db: Database) -> dict[str, dict]:  # type: ignore[type-arg]
    records, _, _ = db.driver.execute_query(
        "MATCH ()-[f:FLOW {origin: $origin}]->() OPTIONAL MATCH (t:Terms {id: f.terms}) "
        "RETURN f.id AS id, properties(f) AS f, properties(t) AS terms",
        origin=f"school-map:{URN}",
        database_=db.database,
    )
    whole = {r["id"]: unfold(r["f"], r["terms"]) for r in records}  # its terms folded in
    return {i: {k: v for k, v in f.items() if not k.endswith("_day")} for i, f in whole.items()}


def counts(db: Database) -> list[dict[str, object]]:
    return db.read("count_graph")


def test_demo_map_covers_every_category_and_joins_the_national_layer(prepared: Database) -> None:
    data = demo()
    assert data["example"] is True and len(data["rows"]) >= 40
    from graph.model import model

    assert {r["category"] for r in data["rows"]} == set(model().school_map_categories)

    report = run_load(prepared, "school-map", str(curated_path("demo_school_map.yaml")))
    flows = flows_of_map(prepared)
    systems = {f["system"] for f in flows.values() if f["kind"] == "system_use"}
    assert systems == {r["system"] for r in data["rows"]}
    onward = sum(len(r.get("onward") or []) for r in data["rows"])
    assert sum(1 for f in flows.values() if f["kind"] == "onward_share") == onward
    assert any("Protection of Freedoms Act 2012" in n for n in report.notes)
    assert any("EXAMPLE" in n for n in report.notes)

    graph = ExploreService(prepared).subgraph(URN, depth=2)
    ids = {n.id for n in graph.nodes}
    assert {r["product"] for r in data["rows"]} <= ids
    suppliers = [n for n in graph.nodes if n.kind == "Supplier"]
    assert suppliers, "the products' suppliers appear at depth 2"
    assert all(e.source_ids for e in graph.edges if e.type == "FLOW")

    # the school's journey runs through its MIS to the supplier and on to the national layer
    reach = JourneyService(prepared).reach(JourneyQuery(origin=URN, item="pupil.contact.postcode"))
    reached = {r.actor.id for r in reach.reached}
    assert "product:sims" in reached and "dataset:npd" in reached


def test_reloading_the_same_map_changes_nothing(prepared: Database) -> None:
    path = str(curated_path("demo_school_map.yaml"))
    run_load(prepared, "school-map", path)
    before, flows = counts(prepared), flows_of_map(prepared)
    run_load(prepared, "school-map", path)
    assert counts(prepared) == before
    assert flows_of_map(prepared) == flows


def test_an_edited_map_replaces_the_old_one_and_diff_lists_the_edits(
    prepared: Database, tmp_path: Path
) -> None:
    data = demo()
    run_load(prepared, "school-map", str(curated_path("demo_school_map.yaml")))
    removed = data["rows"].pop(3)
    data["rows"][0]["retention"] = "Six years after the pupil leaves (edited)"
    added = dict(data["rows"][1], system="A new homework app (added)")
    added.pop("onward", None)
    data["rows"].append(added)
    edited = tmp_path / "edited.yaml"
    edited.write_text(yaml.safe_dump(data, sort_keys=False))
    report = run_load(prepared, "school-map", str(edited))
    assert report.removed_flows >= 1

    systems = {f["system"] for f in flows_of_map(prepared).values()}
    assert removed["system"] not in systems and added["system"] in systems

    versions = prepared.read("map_versions", urn=URN)
    assert [v["version"] for v in versions] == [2, 1]
    diff = diff_maps(json.loads(versions[1]["rows_json"]), json.loads(versions[0]["rows_json"]))
    assert diff.added == [added["system"]]
    assert diff.removed == [removed["system"]]
    assert list(diff.changed) == [data["rows"][0]["system"]]
    assert set(diff.changed[data["rows"][0]["system"]]) == {"retention"}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("items", ["pupil.contact.postcod"], "Did you mean pupil.contact.postcode"),
        ("product", "product:simss", "Did you mean product:sims"),
        ("items", ["pupil.characteristics.ethnicity"], "no Article 9 condition"),
        ("category", "cloud", "school_map_categories"),
    ],
)
def test_bad_rows_leave_the_previous_map_in_place(
    prepared: Database, tmp_path: Path, field: str, value: object, message: str
) -> None:
    run_load(prepared, "school-map", str(curated_path("demo_school_map.yaml")))
    before, flows = counts(prepared), flows_of_map(prepared)
    data = demo()
    row = data["rows"][5]
    row[field] = value
    row.pop("art9_condition", None)
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(EdflowsError, match=message) as caught:
        run_load(prepared, "school-map", str(bad))
    assert "line" in caught.value.message
    assert counts(prepared) == before and flows_of_map(prepared) == flows


def test_a_map_with_a_child_in_it_is_refused(prepared: Database, tmp_path: Path) -> None:
    data = demo()
    data["rows"][2]["viewers"] = ["class teacher", "K801200001001"]
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(data, sort_keys=False))
    before = counts(prepared)
    with pytest.raises(PupilDataRefused):
        run_load(prepared, "school-map", str(bad))
    assert counts(prepared) == before


def test_the_blank_template_loads_once_filled_in(prepared: Database, tmp_path: Path) -> None:
    for fmt in ("csv", "yaml"):
        out = tmp_path / f"map.{fmt}"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "api.cli.main",
                "template",
                "school-map",
                "--format",
                fmt,
                "-o",
                str(out),
            ],
            cwd=REPO,
            check=True,
            capture_output=True,
        )
        text = out.read_text()
        if fmt == "yaml":
            text = text.replace("urn: ''", f"urn: '{URN}'")
        out.write_text(text)
        report = run_load(prepared, "school-map", str(out), urn=URN)
        assert report.rows_read == 1


def test_the_compiled_catalogue_csv_loads_with_matching_counts(
    db: Database, shared_data: Path
) -> None:
    import re

    path = shared_data / "edtech-catalogue" / "products.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    products = {re.sub(r"[^a-z0-9]+", "-", r["product"].lower()).strip("-") for r in rows}
    report = run_load(db, "suppliers", str(path))
    assert report.rows_read == len(rows)
    records, _, _ = db.driver.execute_query(
        "MATCH (p:Product) WHERE p.layer = 'catalogue' RETURN count(p) AS n", database_=db.database
    )
    assert records[0]["n"] == len(products)


def bulk_csv(path: Path, rows: list[dict[str, Any]], urn: str = URN) -> Path:
    """The demo map's rows as a school-maps CSV (a `urn` column plus the map's columns)."""
    from loaders.school_map import COLUMNS

    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["urn", *COLUMNS])
        for row in rows:
            cells = [row.get(c) for c in COLUMNS]
            writer.writerow(
                [urn, *["; ".join(v) if isinstance(v, list) else (v or "") for v in cells]]
            )
    return path


def without_locator(flows: dict[str, dict]) -> dict[str, dict]:  # type: ignore[type-arg]
    """Flows without their claims' locators and load ids (a CSV's line numbers differ from
    YAML's; each load has its own id)."""
    out = {}
    for flow_id, flow in flows.items():
        claims = [
            {k: v for k, v in c.items() if k != "locator"} for c in json.loads(flow["claims_json"])
        ]
        out[flow_id] = {**flow, "claims_json": claims, "load_id": None}
    return out


def test_a_file_of_many_maps_writes_what_single_maps_write(
    prepared: Database, tmp_path: Path
) -> None:
    # a CSV cell splits lists on ";", so list entries holding one are written with "," in both
    data = demo()
    for row in data["rows"]:
        for key, value in row.items():
            if isinstance(value, list):
                row[key] = [v.replace(";", ",") for v in value]
    single_map = tmp_path / "demo.yaml"
    single_map.write_text(yaml.safe_dump(data, sort_keys=False))
    run_load(prepared, "school-map", str(single_map))
    single = without_locator(flows_of_map(prepared))
    bulk = bulk_csv(tmp_path / "maps.csv", data["rows"])
    report = run_load(prepared, "school-maps", str(bulk))
    assert report.written["flows"] == len(single)
    assert without_locator(flows_of_map(prepared)) == single
    assert all(
        "maps.csv line" in json.loads(f["claims_json"])[0]["locator"]
        for f in flows_of_map(prepared).values()
    )

    before = counts(prepared)
    again = run_load(prepared, "school-maps", str(bulk))
    assert counts(prepared) == before and again.removed_flows == 0

    # a row dropped from the file is dropped from that school's map, as a single map would
    rows = data["rows"]
    run_load(prepared, "school-maps", str(bulk_csv(tmp_path / "fewer.csv", rows[1:])))
    assert len(flows_of_map(prepared)) == len(single) - 1 - len(rows[0].get("onward") or [])


def test_a_bad_row_in_a_file_of_many_maps_refuses_the_whole_file(
    prepared: Database, tmp_path: Path
) -> None:
    rows = demo()["rows"]
    run_load(prepared, "school-maps", str(bulk_csv(tmp_path / "maps.csv", rows)))
    before, flows = counts(prepared), flows_of_map(prepared)
    rows[3]["items"] = ["pupil.contact.postcodee"]
    with pytest.raises(EdflowsError, match=r"unknown data item 'pupil.contact.postcodee'") as bad:
        run_load(prepared, "school-maps", str(bulk_csv(tmp_path / "bad.csv", rows)))
    assert "line 5" in bad.value.message and "items" in bad.value.message
    with pytest.raises(EdflowsError, match="no school with URN 999999") as unknown:
        run_load(prepared, "school-maps", str(bulk_csv(tmp_path / "x.csv", rows[:2], "999999")))
    assert "line 2" in unknown.value.message
    assert counts(prepared) == before and flows_of_map(prepared) == flows
