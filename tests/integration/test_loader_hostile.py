"""Hostile input to the loaders: every field of real CSV inputs carries Cypher injection, HTML/JS
and path traversal strings, and file names are hostile too. Each load is either refused with one
clear error (naming the file) and leaves the graph as it was, or stores the string inertly as a
literal (read back from the graph) and deletes nothing; nothing is ever executed."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from graph.db import Database
from graph.errors import EdflowsError
from graph.identifiers import node_labels
from loaders.registry import LOADERS, run_load
from tests.support.hostile import graph_state

pytestmark = pytest.mark.integration

FIELD_PAYLOADS = [
    '"}) MATCH (n) DETACH DELETE n //',
    "<script>alert(1)</script>",
    "../../etc/passwd",
]
SPINE = (
    "URN,LA,ESTAB,LAESTAB,SCHNAME,POSTCODE,MINORGROUP,NFTYPE,ICLOSE,OPENDATE,CLOSEDATE\n"
    "100000,201,3614,2013614,Sir John Cass's Foundation Primary School,EC3A 5DE,"
    "Maintained School,Voluntary aided school,1,,\n"
)


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def _write(path: Path, rows: list[list[str]]) -> Path:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def _everything(db: Database) -> str:
    """Every label, type and property value in the graph, as one JSON text."""
    rows, _, _ = db.driver.execute_query(
        "MATCH (n) OPTIONAL MATCH (n)-[r]->() "
        "RETURN labels(n) AS l, properties(n) AS p, collect([type(r), properties(r)]) AS r"
    )
    return json.dumps([row.data() for row in rows], ensure_ascii=False, default=str)


def _labels(db: Database) -> set[str]:
    rows, _, _ = db.driver.execute_query("CALL db.labels() YIELD label RETURN collect(label) AS l")
    return set(rows[0]["l"])


@pytest.fixture()
def inputs(shared_data: Path) -> dict[str, str]:
    """Small real inputs for the CSV loaders: a header and real rows."""
    releases = (shared_data / "npd-releases" / "releases.csv").read_text(encoding="utf-8")
    return {"releases": "\n".join(releases.splitlines()[:3]) + "\n", "schools": SPINE}


def test_every_field_of_every_csv_loader(
    db: Database, shared_data: Path, inputs: dict[str, str], tmp_path: Path
) -> None:
    run_load(db, "local-authorities", str(shared_data / "local-authorities"))
    las = _count_las(db)
    refused = stored = 0
    for loader, text in inputs.items():
        header, *body = _rows(text)
        for column, name in enumerate(header):
            # one payload per field, taking turns: every payload reaches every loader
            for k, payload in [(column % 3, FIELD_PAYLOADS[column % 3])]:
                rows = [list(r) for r in body]
                rows[0][column] = payload
                path = _write(tmp_path / f"{loader}-{column}-{k}.csv", [header, *rows])
                before = graph_state(db)
                try:
                    run_load(db, loader, str(path))
                except EdflowsError as exc:
                    refused += 1
                    assert str(path) in exc.message, exc.message
                    assert graph_state(db) == before, f"{loader}.{name}: a refusal wrote"
                    continue
                stored += 1
                after = graph_state(db)
                assert after["nodes"] >= before["nodes"], f"{loader}.{name}: nodes vanished"
                own = node_labels() | {"AuditEntry", "Token", "Proposal"}  # + edflows' bookkeeping
                assert _labels(db) <= own, f"{loader}.{name}: a foreign label"
                if payload in _everything(db):
                    continue  # kept as the literal text it is
                # otherwise the loader normalised the field away (an id, a code): never ran it
                assert after["relationships"] >= before["relationships"]
    assert refused and stored, (refused, stored)
    assert _count_las(db) == las, "local authorities loaded before were changed or deleted"


def _count_las(db: Database) -> int:
    rows, _, _ = db.driver.execute_query("MATCH (n:LocalAuthority) RETURN count(n) AS n")
    return int(rows[0]["n"])


def test_a_stored_payload_reads_back_as_the_same_string(db: Database, tmp_path: Path) -> None:
    header, row = _rows(SPINE)
    for payload in FIELD_PAYLOADS:
        row[header.index("SCHNAME")] = payload
        run_load(db, "schools", str(_write(tmp_path / "s.csv", [header, row])))
        rows, _, _ = db.driver.execute_query(
            "MATCH (s:School {urn: '100000'}) RETURN s.name AS name"
        )
        assert rows[0]["name"] == payload


@pytest.mark.parametrize("loader", sorted(LOADERS))
def test_hostile_file_names_are_refused_clearly(db: Database, loader: str) -> None:
    before = graph_state(db)
    for target in (
        "../../etc/passwd",
        "/etc",
        "x\x00.csv",
        "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/dev/null",
        "../" * 30 + "etc/shadow",
    ):
        with pytest.raises(EdflowsError) as caught:
            run_load(db, loader, target, urn="100000")
        assert caught.value.message.strip(), target
    assert graph_state(db) == before
