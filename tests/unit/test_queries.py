"""The Cypher files ship with the package and load by name."""

from __future__ import annotations

import pytest

from graph.queries import available, query, statements


def test_every_query_file_is_found_by_name() -> None:
    names = available()
    assert "schema" in names and "ping" in names
    for name in names:
        assert query(name).strip(), f"cypher/{name}.cypher is empty"


def test_schema_statements_are_all_idempotent() -> None:
    parts = statements("schema")
    assert len(parts) >= 5
    for text in parts:
        assert "IF NOT EXISTS" in text, text


def test_unknown_or_unsafe_names_are_refused() -> None:
    with pytest.raises(LookupError):
        query("no_such_query")
    with pytest.raises(ValueError):
        query("../pyproject")
