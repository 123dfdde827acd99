"""A transaction Neo4j refuses for its memory limit is 'transient' by Neo4j's code, but the same
transaction meets the same limit again: edflows does not retry it (bench found five useless
attempts of a national load), and says what to do in one line."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from neo4j.exceptions import Neo4jError

from graph.db import MEMORY_LIMIT_CODES, Database
from graph.errors import EdflowsError


def test_a_memory_refusal_is_not_retried_and_says_what_to_do(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db = Database.__new__(Database)  # no driver needed: only the retry loop and its guard run
    db.uri = "bolt://127.0.0.1:1"
    db.settings = SimpleNamespace(retry_time=30.0, unavailable_retry_time=30.0)  # type: ignore[assignment]
    waits: list[float] = []
    monkeypatch.setattr("graph.db.time.sleep", waits.append)
    attempts: list[int] = []

    def attempt() -> None:
        attempts.append(1)
        error = Neo4jError._hydrate_neo4j(
            code="Neo.TransientError.General.MemoryPoolOutOfMemoryError", message="too big"
        )
        assert error.is_retryable() and error.code in MEMORY_LIMIT_CODES
        raise error

    with pytest.raises(EdflowsError, match="needs more memory than the server allows") as err:
        db._retrying(attempt)
    assert attempts == [1] and waits == []
    assert "EDFLOWS_HEAP" in (err.value.detail or "")


def test_other_transient_errors_are_still_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    db = Database.__new__(Database)
    db.uri = "bolt://127.0.0.1:1"
    db.settings = SimpleNamespace(retry_time=30.0, unavailable_retry_time=30.0)  # type: ignore[assignment]
    monkeypatch.setattr("graph.db.time.sleep", lambda _s: None)
    attempts: list[int] = []

    def attempt() -> str:
        attempts.append(1)
        if len(attempts) < 3:
            raise Neo4jError._hydrate_neo4j(
                code="Neo.TransientError.Transaction.DeadlockDetected", message="deadlock"
            )
        return "done"

    assert db._retrying(attempt) == "done" and len(attempts) == 3
