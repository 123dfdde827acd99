"""`edflows backup` and `edflows restore`: the round trip gives back the same graph (the
fingerprint is equal), the tokens still work, the audit trail is intact; a damaged, cut-short or
foreign file is refused with its reason and nothing is written."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from api.cli.main import main
from graph.audit import CLI, list_entries
from graph.backup import BackupRefused, graph_fingerprint, restore, verify
from graph.db import Database
from graph.settings import Settings, get_settings
from graph.tokens import authenticate, create_token, revoke_token
from loaders.curated_files import curated_path
from loaders.registry import run_load
from tests.support.files import csv_subset

pytestmark = pytest.mark.integration


@pytest.fixture()
def cli(neo4j_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("NEO4J_URI", neo4j_settings.effective_uri)
    monkeypatch.setenv("NEO4J_USER", neo4j_settings.neo4j_user)
    monkeypatch.setenv("NEO4J_PASSWORD", neo4j_settings.neo4j_password)
    monkeypatch.setenv("NEO4J_DATABASE", neo4j_settings.neo4j_database)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_round_trip_keeps_graph_tokens_and_audit(
    db: Database, cli: None, shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one_school = csv_subset(
        shared_data / "schools" / "2017-2018_england_spine.csv",
        tmp_path / "one.csv",
        lambda r: r["URN"] == "100000",
    )
    run_load(db, "npd-catalogue", str(shared_data / "npd-metadata"))
    run_load(db, "base", None)
    run_load(db, "local-authorities", str(shared_data / "local-authorities"))
    run_load(db, "schools", str(one_school))
    run_load(db, "example-school", None)
    run_load(db, "suppliers", None)
    run_load(db, "school-map", str(curated_path("demo_school_map.yaml")))
    live = create_token(db, "school", "example", "office", CLI)
    gone = create_token(db, "editor", None, "old", CLI)
    revoke_token(db, gone.token.id, CLI)
    before = graph_fingerprint(db)
    trail = [e.model_dump() for e in list_entries(db, limit=500).entries]
    assert len(trail) == 10  # seven loads, two tokens issued, one revoked

    path = tmp_path / "edflows.jsonl.gz"
    assert main(["backup", "-o", str(path)]) == 0
    out = capsys.readouterr()
    assert "10 audit entries, 2 tokens, 7 load records" in out.out
    assert "nodes:" in out.err and "relationships:" in out.err  # progress
    assert verify(path)["fingerprint"] == before
    assert main(["backup", "-o", str(path)]) == 1  # never overwrites without --force

    assert main(["restore", str(path)]) == 1  # into a non-empty database: refused
    assert "not empty" in capsys.readouterr().err

    db.wipe()
    assert main(["restore", str(path)]) == 0
    assert "checksum verified" in capsys.readouterr().out
    assert graph_fingerprint(db) == before
    assert [e.model_dump() for e in list_entries(db, limit=500).entries] == trail
    found = authenticate(db, live.secret)
    assert found is not None and (found.id, found.role, found.urn) == (
        live.token.id,
        "school",
        "example",
    )
    assert authenticate(db, gone.secret) is None  # still revoked


def test_damaged_cut_short_and_foreign_files_are_refused(db: Database, tmp_path: Path) -> None:
    run_load(db, "base", None)
    path = tmp_path / "b.jsonl.gz"
    assert main_backup(db, path) > 0
    lines = gzip.decompress(path.read_bytes()).splitlines(keepends=True)

    edited = tmp_path / "edited.jsonl.gz"
    changed = lines[1].replace(b'"labels"', b'"labels" ', 1)
    edited.write_bytes(gzip.compress(b"".join([lines[0], changed, *lines[2:]])))
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(gzip.compress(b"".join(lines[:-1])))
    torn = tmp_path / "torn.jsonl.gz"
    torn.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    foreign = tmp_path / "export.json"
    foreign.write_text(json.dumps({"format": "edflows-graph", "version": 1}))
    other = tmp_path / "other.jsonl.gz"
    other.write_bytes(gzip.compress(b'{"format": "something-else"}\n'))

    db.wipe()
    for bad, reason in [
        (edited, "damaged: its checksum does not match"),
        (cut, "damaged: it has no end record"),
        (torn, "damaged: its compressed data is cut short"),
        (foreign, "not an edflows backup (not a gzip file)"),
        (other, "not an edflows backup (its first record"),
    ]:
        with pytest.raises(BackupRefused, match=reason.replace("(", r"\(").replace(")", r"\)")):
            restore(db, bad)
        assert db.read("count_all_nodes")[0]["nodes"] == 0, bad


def main_backup(db: Database, path: Path) -> int:
    from graph.backup import backup

    trailer = backup(db, path)
    return int(trailer["nodes"])
