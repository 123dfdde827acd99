"""Claims, disputes, corrections, stated figures and one flow per arrangement, on the bundled
data through HTTP (the issue's "done when"), and the bad input they must refuse."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from graph.db import Database
from graph.errors import EdflowsError
from loaders.curated_files import curated_path
from loaders.registry import run_load

pytestmark = pytest.mark.integration
NAT = "pupil.characteristics.nationality"
NATIONALITY_FLOW = "flow:school-census-nationality-to-npd"


def hop_into(body: dict[str, Any], actor: str) -> dict[str, Any]:
    reached: dict[str, dict[str, Any]] = {r["actor"]["id"]: r for r in body["reached"]}
    return reached[actor]


def test_nationality_into_the_npd_in_march_2017_is_disputed_with_both_sides(
    api: TestClient,
) -> None:
    body = api.get("/reach", params={"from": "100000", "item": NAT, "as_of": "2017-03-01"}).json()
    npd = hop_into(body, "dataset:npd")
    assert npd["evidence"] == "disputed"
    last = body["flows"][npd["path"][-1]]
    assert last["flow_id"] == NATIONALITY_FLOW and last["evidence"] == "disputed"
    assert last["record"] == f"/flows/{NATIONALITY_FLOW}"
    (dispute,) = [d for d in last["disputes"] if d["item"] == NAT]
    stated = {s["claim"]: s for s in dispute["stated_by"]}
    denied = {s["claim"]: s for s in dispute["denied_by"]}
    assert "destroyed in 2020" in stated["ddm-boycott-timeline"]["quote"]
    assert set(denied) == {"hl4568-denial", "pq108863-denial"}
    # the denials' words are not at hand: no quote is invented, the claim says so instead
    assert all(d.get("quote") is None and "not at hand" in d["statement"] for d in denied.values())
    assert body["summary"]["by_evidence"].get("disputed", 0) >= 1
    # a path is as strong as its weakest hop: through the disputed hop, never stated
    for r in body["reached"]:
        if NATIONALITY_FLOW in r["path"]:
            assert r["evidence"] in {"disputed", "implied", "unknown"}


def test_the_police_flow_shows_62_pupils_and_the_older_figures_superseded(
    api: TestClient,
) -> None:
    response = api.get("/flows/flow:npd-to-police")
    assert response.status_code == 200
    flow = response.json()
    live = {f["value"]: f for f in flow["figures"] if f["superseded_by"] is None}
    assert {"33", "16", "62"} <= set(live)
    assert live["62"]["source"] == "parliament-hcws272"
    assert live["62"]["period"] == "2012-04 to 2016-10"
    old = [f for f in flow["figures"] if f["superseded_by"]]
    assert {f["value"] for f in old} == {"31", "21"}
    assert {f["superseded_by"] for f in old} == {"fig-hcws272-police"}
    assert live["62"]["claim"] == "fig-hcws272-police"
    ids = [c["id"] for c in flow["claims"]]
    assert len(ids) == len(set(ids)), "claim ids are unique within a flow"
    claims = {c["id"]: c for c in flow["claims"]}
    assert claims["pq48634-police"]["superseded_by"] == "hcws272-police"
    assert claims["foi-police"]["superseded_by"] == "hcws272-police"
    assert claims["hcws272-police"]["corrects"] == ["pq48634-police", "foi-police"]
    assert claims["hcws272-police"]["quote"].startswith("In response to PQ48634")
    assert flow["audit"] and flow["audit"][0]["action"] == "load"


def test_the_home_office_share_is_one_flow_with_its_figures_and_timeline(
    api: TestClient,
) -> None:
    flow = api.get("/flows/flow:npd-to-home-office").json()
    figures = {f["value"]: f for f in flow["figures"]}
    for value in ("6,883", "1,780"):
        assert figures[value]["period"] == "2015-07 to 2022-09"
        assert figures[value]["source"] == "ddm-2022-12-18-home-office"
        assert figures[value]["superseded_by"] is None
    assert figures["2,462"]["superseded_by"] == "fig-hcws272-ho-individuals"
    assert figures["2,461"]["superseded_by"] is None
    events = [(e["date"], e["kind"], e["precision"]) for e in flow["timeline"]]
    assert events == [
        ("2015-07", "extracts_sent", "month"),
        ("2015-12-18", "agreement_signed", "day"),
        ("2016-10-07", "agreement_amended", "day"),
    ]
    assert flow["register_rows"] == [
        "releases.csv line 58",
        "releases.csv line 59",
        "releases.csv line 60",
    ]
    assert flow["facts"]["valid_from"] == "2015-07" and "valid_to" not in flow["facts"]
    assert flow["conflicts"] == []
    # every event cites claims of this flow
    ids = {c["id"] for c in flow["claims"]}
    assert all(set(e["claims"]) <= ids for e in flow["timeline"])


def test_the_release_explorer_shows_that_share_once(api: TestClient) -> None:
    page = api.get("/releases", params={"limit": 500}).json()
    home_office = [r for r in page["releases"] if r["recipient_id"] == "body:home-office"]
    arrangement = [
        r for r in home_office if (r["date"] or "")[:7] in {"2015-07", "2015-12", "2016-10"}
    ]
    assert [r["id"] for r in arrangement] == ["flow:npd-to-home-office"]
    (share,) = arrangement
    assert share["date_precision"] == "month" and len(share["register_rows"]) == 3
    assert share["record"] == "/flows/flow:npd-to-home-office"
    assert "1,780" in {f["value"] for f in share["figures"]}
    # the pilot and the DSAP applications stay separate releases; undated ones say why
    ids = {r["id"] for r in home_office}
    assert {"flow:release:home-office:2013", "flow:release:ds00804", "flow:release:ds00689"} <= ids
    undated = [r for r in home_office if r["date"] is None]
    assert undated and all(
        r["date_precision"] == "undated" and r["undated_reason"] for r in undated
    )
    assert any(f["value"] == "887" for f in page["figures"])  # about the register as a whole
    html = api.get("/releases/explore").text
    assert html.count('href="/record/flow%3Anpd-to-home-office"') == 1


def test_a_flows_record_page_shows_claims_figures_and_timeline(api: TestClient) -> None:
    html = api.get("/record/flow:npd-to-home-office").text
    assert "Memorandum of Understanding v1.0 finalised" in html
    assert "6,883" in html and "superseded by" in html
    nationality = api.get(f"/record/{NATIONALITY_FLOW}").text
    assert "some official papers say this flow carries" in nationality
    assert "No quote at hand." in nationality and "unverified" in nationality
    assert api.get("/record/flow:no-such-flow").status_code == 404
    assert api.get("/flows/flow:no-such-flow").status_code == 404
    journey = api.get("/journey", params={"from": "100000", "item": NAT, "as_of": "2017-03-01"})
    assert "disputed: some papers say so, others say not" in journey.text
    assert 'href="/record/flow%3A' in journey.text


def test_the_openapi_documents_a_flow_record_with_an_example(api: TestClient) -> None:
    spec = api.get("/openapi.json").json()
    get = spec["paths"]["/flows/{flow_id}"]["get"]
    example = get["responses"]["200"]["content"]["application/json"]["example"]
    assert example["id"] == "flow:npd-to-police" and example["figures"][0]["value"] == "62"


# -- bad input -------------------------------------------------------------------------------


@pytest.fixture()
def loaded(db: Database, shared_data: Path) -> Database:
    run_load(db, "base", None)
    run_load(db, "releases", str(shared_data / "npd-releases" / "releases.csv"))
    run_load(db, "aggregates", str(shared_data / "npd-releases" / "aggregates.csv"))
    return db


def snapshot(db: Database) -> Any:
    rows, _, _ = db.driver.execute_query(
        "MATCH ()-[f:FLOW]->() RETURN f.id AS id, properties(f) AS p ORDER BY id",
        database_=db.database,
    )
    flows = {r["id"]: {k: v for k, v in r["p"].items()} for r in rows}
    return flows, db.read("count_graph")


def refused(db: Database, loader: str, path: Path, *needles: str) -> str:
    before = snapshot(db)
    with pytest.raises(EdflowsError) as caught:
        run_load(db, loader, str(path))
    assert snapshot(db) == before, "a refused load must leave the graph exactly as it was"
    message = caught.value.message
    assert str(path) in message and "Nothing was loaded." in message
    for needle in needles:
        assert needle in message, message
    return message


def broken_base(tmp_path: Path, old: str, new: str) -> tuple[Path, int]:
    text = curated_path("base.yaml").read_text(encoding="utf-8")
    assert text.count(old) == 1
    start = text.index(old)
    line = text[:start].count("\n") + 1
    path = tmp_path / "base.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path, line


def test_a_claim_that_corrects_an_unknown_claim_is_refused(
    loaded: Database, tmp_path: Path
) -> None:
    path, line = broken_base(
        tmp_path, "      - id: hcws272-police\n", "      - id: hcws272-police\n"
    )
    path.write_text(
        path.read_text().replace("corrects: [pq48634-police, foi-police]", "corrects: [pq-typo]")
    )
    refused(loaded, "base", path, f"line {line}", "corrects", "'pq-typo'", "no claim of this flow")


def test_a_claim_that_states_and_denies_the_same_item_is_refused(
    loaded: Database, tmp_path: Path
) -> None:
    old = (
        "        items_text: \"limited data including a pupil's address and school details; not "
        'nationality or country of birth"\n'
        "        denies: [pupil.characteristics.nationality, "
        "pupil.characteristics.country_of_birth]\n"
    )
    new = old.replace(
        "denies: [pupil.characteristics.nationality", "denies: [pupil.contact.address"
    )
    path, _ = broken_base(tmp_path, old, new)
    refused(loaded, "base", path, "both states and denies pupil.contact.address", "denies")


def test_a_timeline_event_dated_outside_its_flows_claims_is_refused(
    loaded: Database, tmp_path: Path
) -> None:
    old = '      - date: "2015-07"\n        kind: extracts_sent\n'
    path, line = broken_base(tmp_path, old, old.replace("2015-07", "2009-01"))
    refused(loaded, "base", path, f"line {line}", "timeline", "outside the dates")


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ('pupils shared,62,,https://example.org/a,"quote"', "period"),
        ('pupils shared,62,2016,,"quote"', "source_url"),
    ],
)
def test_a_figure_without_a_period_or_a_source_is_refused(
    loaded: Database, tmp_path: Path, row: str, column: str
) -> None:
    path = tmp_path / "aggregates.csv"
    path.write_text(
        "what,count,period,source_url,quote\nnpd requests,5,2016,https://example.org/b,q\n"
        + row
        + "\n"
    )
    refused(loaded, "aggregates", path, "line 3", f"column '{column}'")


def test_loading_the_figures_twice_changes_nothing(loaded: Database, shared_data: Path) -> None:
    before = snapshot(loaded)[0]
    run_load(loaded, "aggregates", str(shared_data / "npd-releases" / "aggregates.csv"))
    after = snapshot(loaded)[0]
    assert after == before
    # a base reload keeps the figures the aggregates load attached
    run_load(loaded, "base", None)
    police = snapshot(loaded)[0]["flow:npd-to-police"]
    assert police["figures_json"] == before["flow:npd-to-police"]["figures_json"]


def test_the_release_report_states_the_figures_with_their_corrections(bundled: Database) -> None:
    from graph.release_report import build_release_report
    from web.documents.release_report import report_markdown

    report = build_release_report(bundled)
    by_value = {(f.flow_id, f.figure.value): f for f in report.figures}
    assert by_value[("flow:npd-to-home-office", "6,883")].figure.period == "2015-07 to 2022-09"
    assert by_value[("flow:npd-to-police", "31")].figure.superseded_by == "fig-hcws272-police"
    text = report_markdown(report)
    assert "| 62 | 2012-04 to 2016-10 | parliament-hcws272 |" in text
    assert "31 (superseded by fig-hcws272-police)" in text
