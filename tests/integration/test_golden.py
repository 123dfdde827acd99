"""No behaviour change: the API's answers on the bundled data match tests/golden/answers.json.

The questions (reach, paths, cut, sources-of, releases) are `tests.support.golden.QUESTIONS`.
When an answer changes ON PURPOSE, regenerate the file and commit it with the change:

    .venv/bin/python -m tests.support.golden --write

(it starts a throwaway Neo4j, loads the bundled data and records every answer), then read
`git diff tests/golden/` to check that only the answers you meant to change did.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.support import golden

pytestmark = pytest.mark.integration


def test_answers_match_the_golden_file(api: TestClient) -> None:
    expected = golden.read()
    assert set(expected) == {name for name, _ in golden.QUESTIONS}
    actual = golden.ask(api)
    assert golden.differences(expected, actual) == []
    # every question was answered (a 404 recorded as golden would hide a broken question)
    assert all(a["status"] == 200 for a in actual.values())
