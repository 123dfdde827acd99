"""Timestamps in results are fixed-width UTC with milliseconds, so they sort as strings."""

from datetime import UTC, datetime, timedelta, timezone

from neo4j.time import DateTime

from graph.results import iso_utc


def test_trailing_zeros_are_kept_so_strings_sort_as_moments() -> None:
    moments = [
        datetime(2026, 11, 30, 8, 22, 48, 350000, tzinfo=UTC),
        datetime(2026, 11, 30, 8, 22, 48, 358000, tzinfo=UTC),
        datetime(2026, 11, 30, 8, 22, 48, 0, tzinfo=UTC),
    ]
    stamps = [iso_utc(m) for m in moments]
    assert stamps[0] == "2026-11-30T08:22:48.350Z"
    assert stamps[2] == "2026-11-30T08:22:48.000Z"
    assert sorted(stamps) == [stamps[2], stamps[0], stamps[1]]


def test_neo4j_datetimes_and_offsets_become_utc() -> None:
    neo = DateTime(2026, 11, 30, 9, 22, 48, 350_000_000, tzinfo=timezone(timedelta(hours=1)))
    assert iso_utc(neo) == "2026-11-30T08:22:48.350Z"
    assert iso_utc("not a moment") == "not a moment"
