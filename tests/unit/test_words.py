"""Numbers with nouns: every noun the notices, pages and commands count, for 0, 1 and 2."""

from __future__ import annotations

import pytest

from web.documents.notice import CHILD_KIND, CHILD_TYPE, PARENT_KIND, PARENT_TYPE
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
    "app or firm": "apps and firms",
    "research group": "research groups",
    "government database": "government databases",
    "school": "schools",
    "school system or app": "school systems and apps",
    "supplier": "suppliers",
    "government body": "government bodies",
    "health body": "health bodies",
    "research body": "research bodies",
    "media organisation": "media organisations",
    "local authority": "local authorities",
    "national dataset": "national datasets",
    "academy trust": "academy trusts",
    "other organisation": "other organisations",
    "group": "groups",
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


def test_every_kind_the_notices_count_is_covered() -> None:
    for kinds in (CHILD_TYPE, CHILD_KIND, PARENT_TYPE, PARENT_KIND):
        assert set(kinds.values()) <= set(PAIRS), set(kinds.values()) - set(PAIRS)
    assert count(1, CHILD_TYPE["local_authority"]) == "1 council"
    assert count(1, CHILD_TYPE["government"]) == "1 part of the government"
