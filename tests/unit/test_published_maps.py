"""Schools' published statements as partial maps: each school matched to the spine by name
(and place, where the page names one) with its score, every unmatched statement with its
reason, every row citing the school's own page and marked as from its published statements."""

from __future__ import annotations

import csv
from pathlib import Path

from loaders.published_maps import MARK, match_school, published_maps


def test_statements_become_partial_maps_of_matched_schools_and_the_rest_say_why(
    shared_data: Path,
) -> None:
    statements = shared_data / "edtech-catalogue" / "school_processors.csv"
    found = published_maps(
        statements,
        shared_data / "schools" / "2017-2018_england_spine.csv",
        shared_data / "local-authorities" / "EnglishLaNameCodes.csv",
    )
    with statements.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    in_maps = sum(len(m) for m in found.maps.values())
    assert in_maps + len(found.unmatched) == len(rows)  # every statement is placed or explained
    assert in_maps > 0 and found.unmatched
    urls = {r["source_url"] for r in rows}
    for urn, partial in found.maps.items():
        assert urn.isdigit()
        for row in partial:
            assert MARK in row["evidence"] and "EXAMPLE" not in row["evidence"]
            assert any(f"<{url}>" in row["evidence"] for url in urls)  # cites the page
    for match in found.matches.values():
        assert 0 < match.score <= 1 and match.name and match.la
    for statement, reason in found.unmatched:
        assert reason and statement.url in urls


def test_a_place_in_brackets_must_agree_and_ties_are_refused() -> None:
    spine = [
        ("1", "Hook Junior School", "Hampshire", "Hook"),
        ("2", "Hook Infant School", "Hampshire", "Hook"),
        ("3", "Park School", "Devon", "Totnes"),
        ("4", "Park School", "Devon", "Barnstaple"),
        ("5", "Westdene Primary School", "Brighton and Hove", "Brighton"),
    ]
    hook = match_school("Hook Junior School (Hampshire; name from domain x)", spine)
    assert not isinstance(hook, str) and hook.urn == "1"
    elsewhere = match_school("Westdene Primary School (Kent)", spine)
    assert isinstance(elsewhere, str) and "Kent" in elsewhere
    tie = match_school("Park School (Devon)", spine)
    assert isinstance(tie, str) and "equally well" in tie
    assert "web address" in str(match_school("School at example.org (name not in excerpt)", spine))
    assert "trust" in str(match_school("Example Learning Trust", spine))
