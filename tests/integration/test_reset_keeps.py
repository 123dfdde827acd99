"""`db reset` and `import --replace` delete the knowledge but keep the audit trail and the
tokens (and say how many they kept), unless `--all` is given; a kept token still works."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from api.cli.main import main
from graph.audit import CLI, list_entries
from graph.db import Database
from graph.settings import Settings, get_settings
from graph.tokens import create_token, list_tokens
from loaders.registry import run_load

pytestmark = pytest.mark.integration


@pytest.fixture()
def cli(neo4j_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """`main([...])` talks to the session's Neo4j."""
    monkeypatch.setenv("NEO4J_URI", neo4j_settings.effective_uri)
    monkeypatch.setenv("NEO4J_USER", neo4j_settings.neo4j_user)
    monkeypatch.setenv("NEO4J_PASSWORD", neo4j_settings.neo4j_password)
    monkeypatch.setenv("NEO4J_DATABASE", neo4j_settings.neo4j_database)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _knowledge(db: Database) -> int:
    return int(db.read("count_nodes")[0]["nodes"])


def test_reset_keeps_the_trail_and_tokens_unless_all(
    db: Database, cli: None, capsys: pytest.CaptureFixture[str]
) -> None:
    run_load(db, "base", None)
    create_token(db, "editor", None, "kept", CLI)
    entries = len(list_entries(db, limit=500).entries)
    assert _knowledge(db) > 0 and entries == 2  # the load and the token

    assert main(["db", "reset"]) == 2  # without --yes nothing happens
    assert "Run again with --yes" in capsys.readouterr().out and _knowledge(db) > 0

    assert main(["db", "reset", "--yes"]) == 0
    out = capsys.readouterr().out
    assert f"Kept {entries} audit entries and 1 tokens" in out
    assert _knowledge(db) == 0
    assert [t.label for t in list_tokens(db)] == ["kept"]
    newest = list_entries(db).entries[0]
    assert (newest.action, newest.after["kept"]) == (
        "db.reset",
        {"audit_entries": entries, "tokens": 1},
    )

    assert main(["db", "reset", "--yes", "--all"]) == 0
    assert "the audit trail and the tokens too" in capsys.readouterr().out
    assert list_tokens(db) == [] and list_entries(db).entries == []


def test_import_replace_keeps_the_trail_and_tokens_unless_all(
    db: Database, cli: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_load(db, "base", None)
    create_token(db, "admin", None, "kept", CLI)
    export = tmp_path / "graph.json"
    assert main(["export", "--format", "json", "-o", str(export)]) == 0
    knowledge = _knowledge(db)
    capsys.readouterr()

    assert main(["import", str(export), "--replace"]) == 0
    out = capsys.readouterr().out
    assert "Kept 2 audit entries and 1 tokens" in out
    assert _knowledge(db) == knowledge and len(list_tokens(db)) == 1
    actions = [e.action for e in list_entries(db).entries]
    assert actions == ["import", "token.create", "load"]

    assert main(["import", str(export), "--replace", "--all"]) == 0
    assert list_tokens(db) == []
    assert [e.action for e in list_entries(db).entries] == ["import"]
    # an export carries each flow's terms whole, not the terms nodes (graph/terms.py)
    records, _, _ = db.driver.execute_query(
        "MATCH (t:Terms) RETURN count(t) AS n", database_=db.database
    )
    terms = int(records[0]["n"])
    assert terms > 0, "the base layer's flows share terms nodes"
    assert json.loads(export.read_text())["counts"]["nodes"] == knowledge - terms
