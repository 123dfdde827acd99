"""The national loaders on the REAL public files: counts match counts computed from the files.

Expected numbers are computed here straight from the CSVs with the csv module, not copied
from the loaders and not hard-coded, so a loader that drops or duplicates rows fails.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from graph.db import Database
from loaders.registry import run_load
from tests.support.files import csv_subset

pytestmark = pytest.mark.integration


def counts(db: Database) -> dict[str, int]:
    return {f"{r['what']}:{r['name']}": r["count"] for r in db.read("count_graph")}


def scalar(db: Database, cypher: str, **params: object) -> object:
    records, _, _ = db.driver.execute_query(cypher, params, database_=db.database)
    return records[0][0]


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_local_authorities_one_node_per_dfe_code(db: Database, shared_data: Path) -> None:
    folder = shared_data / "local-authorities"
    codes: set[str] = set()
    for row in rows(folder / "las.csv"):
        codes |= {c.strip() for c in row["old_la_code"].split("/") if c.strip() != "x"}
    for row in rows(folder / "EnglishLaNameCodes.csv"):
        codes.add(row["Get Information about Schools (GIAS) local authority (LA) code"])
    for row in rows(folder / "local_auth_codes_2011.csv"):
        codes.add(row["Old LA Code"])

    report = run_load(db, "local-authorities", str(folder))

    assert scalar(db, "MATCH (l:LocalAuthority) RETURN count(l)") == len(codes)
    assert report.skipped["no DfE 3-digit code in the file (x or empty)"] == sum(
        1 for r in rows(folder / "las.csv") if r["old_la_code"] == "x"
    )
    # a reorganised authority keeps its history: Gateshead changed its GSS code in 2013
    gss = scalar(db, "MATCH (l:LocalAuthority {code: '390'}) RETURN l.gss_codes")
    assert gss == ["E08000020", "E08000037"]
    # a combined row gives two authorities with their own names
    assert scalar(db, "MATCH (l:LocalAuthority {code: '318'}) RETURN l.name") == (
        "Richmond upon Thames"
    )


def test_schools_from_the_spine(bundled: Database, shared_data: Path) -> None:
    """The whole spine, as the bundled load wrote it (read only: the graph is not changed)."""
    spine = shared_data / "schools" / "2017-2018_england_spine.csv"
    data = rows(spine)
    urns = {r["URN"] for r in data}
    las = {r["LA"] for r in data if r["LA"]}
    closed = sum(1 for r in data if r["ICLOSE"] == "2")
    from_spine = "MATCH (s:School) WHERE 'dfe-school-spine-2017-18' IN s.source_ids "

    assert scalar(bundled, from_spine + "RETURN count(s)") == len(urns)
    assert scalar(
        bundled, from_spine + "MATCH (s)-[r:IN_LA]->(:LocalAuthority) RETURN count(r)"
    ) == sum(1 for r in data if r["LA"])
    in_graph = scalar(bundled, "MATCH (l:LocalAuthority) RETURN collect(l.code)")
    assert isinstance(in_graph, list) and las <= set(in_graph)
    assert scalar(bundled, from_spine + "AND s.status = 'closed' RETURN count(s)") == closed
    # every school carries its evidence: the spine, with the line it came from
    school = scalar(bundled, "MATCH (s:School {urn: $urn}) RETURN s{.*}", urn=data[0]["URN"])
    assert isinstance(school, dict)
    assert school["source_ids"] == ["dfe-school-spine-2017-18"]
    assert json.loads(school["evidence"][0])["locator"].endswith("line 2")
    assert school["postcode"] == data[0]["POSTCODE"]


def test_a_spine_loaded_twice_changes_nothing(
    db: Database, shared_data: Path, tmp_path: Path
) -> None:
    """Loading the same school list again changes no count and no flow's properties (on a
    cut of the real spine: the same loader and the same rows, 2,000 of them)."""
    spine = csv_subset(
        shared_data / "schools" / "2017-2018_england_spine.csv",
        tmp_path / "spine.csv",
        lambda _row: True,
        most=2000,
    )
    data = rows(spine)
    run_load(db, "schools", str(spine))
    assert scalar(db, "MATCH (s:School) RETURN count(s)") == len({r["URN"] for r in data})
    first = counts(db)
    props_before = scalar(db, "MATCH ()-[f:FLOW]->() RETURN collect(f{.*})[0..50]")
    run_load(db, "schools", str(spine))
    assert counts(db) == first
    assert scalar(db, "MATCH ()-[f:FLOW]->() RETURN collect(f{.*})[0..50]") == props_before


def test_npd_catalogue_one_item_per_concept(db: Database, shared_data: Path) -> None:
    folder = shared_data / "npd-metadata"
    expected: set[tuple[tuple[str, ...], str]] = set()
    for sheet in sorted((folder / "csv_categories_table").glob("IA_*.csv")):
        with sheet.open(encoding="utf-8-sig", newline="") as handle:
            table = list(csv.reader(handle))
        start = next(i for i, r in enumerate(table) if r and r[0].strip() == "Category (L0)")
        header = [h.strip() for h in table[start]]
        levels = [header.index(f"Category (L{n})") for n in range(4)]
        concept = header.index("Concept level")
        path = ["", "", "", ""]
        for row in table[start + 1 :]:
            row = [c.strip() for c in row] + [""] * len(header)
            for depth, col in enumerate(levels):
                if row[col]:
                    path[depth] = row[col]
                    path[depth + 1 :] = [""] * (3 - depth)
            if row[concept]:
                expected.add((tuple(p for p in path if p), row[concept]))

    run_load(db, "npd-catalogue", str(folder))

    npd_items = scalar(db, "MATCH (i:DataItem) WHERE i.id CONTAINS '.npd_' RETURN count(i)")
    assert npd_items == len(expected)
    # every NPD concept hangs under a curated item; the tree has no orphans
    assert (
        scalar(
            db,
            "MATCH (i:DataItem) WHERE i.parent IS NOT NULL AND NOT (i)-[:PART_OF]->(:DataItem) "
            "RETURN count(i)",
        )
        == 0
    )
    # the data tables' tiers arrive: UPN is a tier 1 field in the school census table
    tiers = scalar(
        db,
        "MATCH (i:DataItem) WHERE 'UPN_[term][yy]' IN i.npd_aliases RETURN collect(i.npd_tier)",
    )
    assert isinstance(tiers, list) and tiers and all(t == 1 for t in tiers)


def test_release_register_merges_rows_about_one_release(db: Database, shared_data: Path) -> None:
    register = shared_data / "npd-releases" / "releases.csv"
    data = rows(register)
    telegraph_rows = [r for r in data if r["recipient"].startswith("Daily Telegraph")]

    run_load(db, "releases", str(register))

    all_claims = db.driver.execute_query(
        "MATCH ()-[f:FLOW]->() WHERE f.origin = 'releases:releases.csv' RETURN f.claims_json AS c",
        database_=db.database,
    ).records
    register_urls = {r["source_url"] for r in data}
    source_urls = {
        r["id"]: r["url"]
        for r in db.driver.execute_query("MATCH (s:Source) RETURN s.id AS id, s.url AS url").records
    }
    kept = [
        claim
        for record in all_claims
        for claim in json.loads(record["c"])
        if claim.get("register_row")
    ]
    # every source row is kept as a claim, except where the curated base map's flow for the
    # same release or arrangement already cites the same document (that claim stands for it,
    # and the flow lists the row among its register rows)
    assert len(kept) <= len(data)
    listed = db.driver.execute_query(
        "MATCH ()-[f:FLOW]->() RETURN collect(f.register_rows) AS rows", database_=db.database
    ).records[0]["rows"]
    assert len({row for rows in listed for row in rows}) == len(data)
    assert {source_urls[c["source"]] for c in kept} <= register_urls
    telegraph = scalar(
        db,
        "MATCH (:Dataset {id: 'dataset:npd'})-[f:FLOW]->(o:Actor) "
        "WHERE o.name STARTS WITH 'Daily Telegraph' OPTIONAL MATCH (t:Terms {id: f.terms}) "
        "RETURN collect(f{.*, items: coalesce(t.items, f.items)})",
    )
    assert isinstance(telegraph, list) and len(telegraph) == 1, "4 rows, one release"
    flow = telegraph[0]
    cited = {source_urls.get(c["source"]) for c in json.loads(flow["claims_json"])}
    assert {r["source_url"] for r in telegraph_rows} <= cited, "every source of the 4 rows"
    # the sources disagree about what was in it: shown as a conflict, not resolved
    assert "items" in flow["conflicts"]
    assert flow["tier"] == 2
    assert "pupil.characteristics.ethnicity" in " ".join(flow["items"])
    with_ids = {r["release_id"] for r in data if r["release_id"]}
    assert scalar(
        db, "MATCH ()-[f:FLOW]->() WHERE f.release_ref IS NOT NULL RETURN count(f)"
    ) == len(with_ids)
    urls = {r["source_url"] for r in data}
    assert scalar(
        db, "MATCH (s:Source) WHERE s.url IN $urls RETURN count(s)", urls=sorted(urls)
    ) == len(urls)
    refused = scalar(db, "MATCH ()-[f:FLOW {outcome: 'refused'}]->() RETURN collect(f.in_effect)")
    assert isinstance(refused, list) and refused and not any(refused)
