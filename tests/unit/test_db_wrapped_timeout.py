"""A query timeout met while iterating a result reaches edflows wrapped in the driver's
ResultFailedError; it must still come out as QueryTimeout (a 504 problem), not a 500.
(bench/soak found /sources-of answering 500 under load.)"""

from __future__ import annotations

import pytest
from neo4j.exceptions import ClientError, ResultFailedError

from graph.db import QUERY_TIMEOUT_CODES, Database, QueryTimeout


def _timed_out() -> ClientError:
    error = ClientError._hydrate_neo4j(code=QUERY_TIMEOUT_CODES[1], message="terminated")
    assert isinstance(error, ClientError) and error.code == QUERY_TIMEOUT_CODES[1]
    return error


def test_wrapped_timeout_is_query_timeout() -> None:
    db = Database.__new__(Database)  # no driver needed: only the error translation runs
    db.uri = "bolt://127.0.0.1:1"
    with pytest.raises(QueryTimeout), db._guard():
        raise ResultFailedError(None, "The result has failed.") from _timed_out()
