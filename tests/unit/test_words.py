"""Numbers with nouns: every noun the notices, pages and commands count, for 0, 1 and 2."""

from __future__ import annotations

import pytest

from web.documents.notice import CHILD_TYPE
from web.documents.words import count, plural

PAIRS = {
    # the notices
    "council": "councils",
    "part of the government": "parts of the government",
    "firm": "firms",
    "university": "universities",
    "charity": "charities",
    "health service": "health services",
    "news firm": "news firms",
    "police force": "police forces",
    "other group": "other groups",
    "place": "places",
    "organisation": "organisations",
    "paper and web page": "papers and web pages",
    # the usual rules
    "body": "bodies",
    "company": "companies",
    "day": "days",
    "bus": "buses",
    "search": "searches",
    # the pages and commands
    "release": "releases",
    "release and share": "releases and shares",
    "shortest path": "shortest paths",
    "hop": "hops",
    "file": "files",
    "statement": "statements",
    "school": "schools",
    "system": "systems",
    "hour": "hours",
    "category": "categories",
    "row": "rows",
}


@pytest.mark.parametrize("singular", sorted(PAIRS))
def test_count(singular: str) -> None:
    assert plural(singular) == PAIRS[singular]
    assert count(0, singular) == f"0 {PAIRS[singular]}"
    assert count(1, singular) == f"1 {singular}"
    assert count(2, singular) == f"2 {PAIRS[singular]}"


def test_every_child_type_is_covered() -> None:
    assert set(CHILD_TYPE.values()) <= set(PAIRS)
    assert count(1, CHILD_TYPE["local_authority"]) == "1 council"
    assert count(1, CHILD_TYPE["government"]) == "1 part of the government"
