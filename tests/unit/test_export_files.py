"""The neo4j-admin files and the slim export, without Neo4j: the import tool's header
conventions, quoting (a missing property is an empty unquoted field, an empty string a quoted
one), the array delimiter, a property of two types split into two files, the lists the tool
cannot hold counted, import.sh; a slim export keeps exactly the declared fields; an output path
of the wrong kind is one line and exit code 2 (before any database is asked)."""

from __future__ import annotations

import csv
import shlex
from pathlib import Path
from typing import Any

import pytest

from api.cli.main import main
from graph.export import SLIM_NODE_FIELDS, SLIM_RELATIONSHIP_FIELDS, slim_export
from web.documents.neo4j_admin import import_arguments, write_neo4j_admin


def _data() -> dict[str, Any]:
    return {
        "counts": {"nodes": 4, "relationships": 2},
        "nodes": [
            {
                "labels": ["Actor", "School"],
                "properties": {
                    "id": "school:1",
                    "name": 'Ysgol "Bro" Ŵyr,\nline two',
                    "aliases_text": "",
                    "evidence": ["a; b", "c"],
                    "opened": "2011-09-01",
                },
            },
            {"labels": ["Actor", "LocalAuthority"], "properties": {"id": "la:201", "code": 201}},
            {"labels": ["Actor"], "properties": {"id": "org:x", "code": "X1", "aliases": []}},
            {"labels": ["Source"], "properties": {"id": "src:1", "title": "A source"}},
        ],
        "relationships": [
            {
                "type": "FLOW",
                "start": ["Actor", "school:1"],
                "end": ["Actor", "la:201"],
                "properties": {
                    "id": "flow:1",
                    "items": ["pupil.contact.postcode"],
                    "valid_from_day": {"$type": "date", "value": "2017-03-01"},
                    "tier": 1,
                    "share": 0.5,
                    "in_effect": True,
                    "claims_json": "[]",
                },
            },
            {"type": "IN_LA", "start": ["Actor", "school:1"], "end": ["Actor", "la:201"]}
            | {"properties": {}},
        ],
    }


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def test_neo4j_admin_headers_and_values(tmp_path: Path) -> None:
    export = write_neo4j_admin(_data(), tmp_path)
    names = [p.name for p in export.nodes + export.relationships]
    # `code` is a long on the LA and a string elsewhere: two Actor files
    assert names == [
        "nodes-Actor.csv",
        "nodes-Actor-2.csv",
        "nodes-Source.csv",
        "relationships-Actor-Actor.csv",
    ]
    assert export.array_delimiter == "|", "';' is inside a list element"
    first, second = _rows(tmp_path / "nodes-Actor.csv"), _rows(tmp_path / "nodes-Actor-2.csv")
    assert first[0] == [
        "id:ID(Actor)",
        ":LABEL",
        "aliases_text:string",
        "code:long",
        "evidence:string[]",
        "name:string",
        "opened:string",
    ]
    assert second[0] == ["id:ID(Actor)", ":LABEL", "aliases:string[]", "code:string"]
    assert [r[0] for r in first[1:]] == ["school:1", "la:201"] and second[1][0] == "org:x"
    school = dict(zip(first[0], first[1], strict=True))
    assert school[":LABEL"] == "Actor|School"
    assert school["name:string"] == 'Ysgol "Bro" Ŵyr,\nline two'
    assert school["evidence:string[]"] == "a; b|c"
    raw = (tmp_path / "nodes-Actor.csv").read_text(encoding="utf-8")
    assert raw.splitlines()[1:] == [
        '"school:1","Actor|School","",,"a; b|c","Ysgol ""Bro"" Ŵyr,',
        'line two","2011-09-01"',
        '"la:201","Actor|LocalAuthority",,"201",,,',
    ], "all quoted, quotes doubled; an empty string quoted, a missing value not"
    assert second[1] == ["org:x", "Actor", "", "X1"]
    assert export.lost_lists == 1, "the empty list of org:x cannot be written"
    assert "1 empty list values" in export.readme.read_text(encoding="utf-8")

    rels = _rows(tmp_path / "relationships-Actor-Actor.csv")
    assert rels[0] == [
        ":START_ID(Actor)",
        ":END_ID(Actor)",
        ":TYPE",
        "claims_json:string",
        "id:string",
        "in_effect:boolean",
        "items:string[]",
        "share:double",
        "tier:long",
        "valid_from_day:date",
    ]
    flow = "school:1,la:201,FLOW,[],flow:1,true,pupil.contact.postcode,0.5,1,2017-03-01"
    assert rels[1] == flow.split(",")
    assert rels[2] == ["school:1", "la:201", "IN_LA", "", "", "", "", "", "", ""]
    text = (tmp_path / "relationships-Actor-Actor.csv").read_text(encoding="utf-8")
    last = text.splitlines()[-1]
    assert last == '"school:1","la:201","IN_LA",,,,,,,', "no property: empty, unquoted fields"


def test_import_script_names_every_file(tmp_path: Path) -> None:
    export = write_neo4j_admin(_data(), tmp_path)
    command = export.script.read_text(encoding="utf-8").splitlines()[-1]
    assert command.startswith("exec neo4j-admin database import full neo4j ")
    args = shlex.split(command)[2:]
    assert args == import_arguments(export)
    assert "--array-delimiter=|" in args and "--bad-tolerance=0" in args
    files = {a.split("=", 1)[1] for a in args if a.startswith(("--nodes=", "--relationships="))}
    assert files == {p.name for p in export.nodes + export.relationships}
    assert export.script.stat().st_mode & 0o111, "import.sh is executable"


def test_slim_keeps_exactly_the_declared_fields() -> None:
    full = _data()
    slim = slim_export(full)
    assert slim["slim"] is True and slim["counts"] == full["counts"]
    assert [n["labels"] for n in slim["nodes"]] == [n["labels"] for n in full["nodes"]]
    for before, after in zip(full["nodes"], slim["nodes"], strict=True):
        props = before["properties"]
        assert after["properties"] == {k: props[k] for k in SLIM_NODE_FIELDS if k in props}
    for before, after in zip(full["relationships"], slim["relationships"], strict=True):
        assert (after["type"], after["start"], after["end"]) == (
            before["type"],
            before["start"],
            before["end"],
        )
        props = before["properties"]
        assert after["properties"] == {k: props[k] for k in SLIM_RELATIONSHIP_FIELDS if k in props}
    school = slim["nodes"][0]["properties"]
    assert set(school) == {"id", "name", "opened"}, "aliases_text and evidence are left out"
    assert "tier" not in slim["relationships"][0]["properties"]


@pytest.mark.parametrize(
    ("fmt", "kind", "message"),
    [
        ("csv", "file", "{p} is a file; --format csv writes a folder: name a folder"),
        (
            "neo4j-admin",
            "file",
            "{p} is a file; --format neo4j-admin writes a folder: name a folder",
        ),
        ("graphml", "folder", "{p} is a folder; --format graphml writes a file: name a file"),
        ("json", "missing", "{p.parent} is not a folder: cannot write {p}"),
    ],
)
def test_output_of_the_wrong_kind(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str, kind: str, message: str
) -> None:
    path = tmp_path / "out"
    if kind == "file":
        path.write_text("x")
    elif kind == "folder":
        path.mkdir()
    else:
        path = tmp_path / "no-such-folder" / "out.json"
    code = main(["export", "--format", fmt, "--slim", "-o", str(path)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert err == ["edflows: error: " + message.format(p=path)]
