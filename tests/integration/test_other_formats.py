"""Formats users bring: a GIAS extract (Windows-1252, trusts) and another register via a mapping."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.db import Database
from loaders.registry import run_load

pytestmark = pytest.mark.integration

GIAS_HEADER = (
    "URN,LA (code),LA (name),EstablishmentName,TypeOfEstablishment (name),"
    "EstablishmentStatus (name),PhaseOfEducation (name),EstablishmentTypeGroup (name),"
    "Postcode,Trusts (code),Trusts (name),OpenDate,CloseDate"
)
GIAS_ROWS = [
    "137000,201,City of London,École Example Academy,Academy converter,Open,Primary,Academies,"
    "EC1A 1AA,5001,Example Learning Trust,01-09-2011,",
    "137001,201,City of London,Example Closed School,Community school,Closed,Secondary,"
    "Local authority maintained schools,EC1A 1AB,,,,31-08-2015",
]


def one(db: Database, cypher: str) -> object:
    records, _, _ = db.driver.execute_query(cypher, database_=db.database)
    return records[0][0]


def test_gias_extract_in_windows_1252(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "edubasealldata20261130.csv"
    path.write_bytes(("\n".join([GIAS_HEADER, *GIAS_ROWS]) + "\n").encode("cp1252"))

    report = run_load(db, "schools", str(path))

    assert report.rows_read == 2
    assert one(db, "MATCH (s:School {urn: '137000'}) RETURN s.name") == "École Example Academy"
    assert one(db, "MATCH (:School {urn: '137000'})-[:IN_TRUST]->(t:Trust) RETURN t.name") == (
        "Example Learning Trust"
    )
    assert one(db, "MATCH (s:School {urn: '137001'}) RETURN s.status") == "closed"
    assert one(db, "MATCH (s:School {urn: '137001'}) RETURN s.closed") == "2015-08-31"
    assert one(db, "MATCH (s:School {urn: '137000'}) RETURN s.group") == "Academy"
    assert one(db, "MATCH (l:LocalAuthority {code: '201'}) RETURN l.name") == "City of London"


def test_another_register_loads_through_a_mapping(db: Database, tmp_path: Path) -> None:
    register = tmp_path / "external-data-shares.csv"
    register.write_text(
        "DfE reference,Requester,Date first Extract sent,Tier,Data\n"
        'DR170124.04,University of Exeter,"August 15, 2017",1,postcode\n'
        "DR170999.01,Example Analytics Ltd,pending,2,\n"
    )
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "columns:\n"
        "  release_id: DfE reference\n"
        "  recipient: Requester\n"
        "  date: Date first Extract sent\n"
        "  tier: Tier\n"
        "  data_items: Data\n"
        "constants:\n"
        "  source_title: DfE external data shares (example extract)\n"
        "  recipient_type: academic\n"
        "  outcome: approved\n"
        "date_formats: ['%B %d, %Y']\n"
    )
    report = run_load(db, "releases", str(register), mapping=str(mapping))
    assert report.rows_read == 2
    flow = one(
        db,
        "MATCH (:Dataset {id: 'dataset:npd'})-[f:FLOW {release_ref: 'DR170124.04'}]->(o) "
        "OPTIONAL MATCH (t:Terms {id: f.terms}) "
        "RETURN f{.*, to: o.name, items: coalesce(t.items, f.items)}",
    )
    assert isinstance(flow, dict)
    assert flow["to"] == "University of Exeter"
    assert flow["valid_from"] == "2017-08-15"
    assert flow["tier"] == 1
    assert flow["items"] == ["pupil.contact.postcode"]
