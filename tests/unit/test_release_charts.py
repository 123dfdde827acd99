"""The release report's charts (web/documents/release_report.py), without Neo4j: a timeline's
dated steps are placed in date order on its axis, undated ones only in its table, and every
chart's numbers are in a table beside it."""

from __future__ import annotations

import re

from graph.release_report import Timeline, TimelineEvent
from web.documents.release_report import count_table, timeline_chart, timeline_rows, year_of

TIMELINE = Timeline(
    flow_id="flow:test",
    from_name="Dataset <A>",
    to_name="Body B",
    events=[
        TimelineEvent(date="2015-07", kind="extracts_sent", source_ids=["s1"]),
        TimelineEvent(date="2015-12-18", kind="agreement_signed", source_ids=["s2", "s3"]),
        TimelineEvent(date="2016", kind="stopped", source_ids=[]),
        TimelineEvent(kind="destroyed", undated_reason="the source gives no date"),
    ],
)


def test_partial_dates_are_placed_in_order() -> None:
    assert year_of("2015") == 2015.0
    assert year_of("2015-07") == 2015.5
    assert 2015.96 < year_of("2015-12-18") < 2016.0
    assert year_of("2015") < year_of("2015-07") < year_of("2015-12-18") < year_of("2016")


def test_timeline_chart_draws_the_dated_steps_and_the_table_all_of_them() -> None:
    svg = timeline_chart(TIMELINE)
    assert svg.startswith("<svg") and "<title>Dataset &lt;A&gt; to Body B: timeline</title>" in svg
    xs = [int(x) for x in re.findall(r'<circle cx="(\d+)"', svg)]
    assert len(xs) == 3 and xs == sorted(xs) and len(set(xs)) == 3
    assert {"2015", "2016", "2017"} <= set(re.findall(r">(\d{4})</text>", svg))
    rows = timeline_rows(TIMELINE)
    assert [r[0] for r in rows] == [
        "2015-07",
        "2015-12-18",
        "2016",
        "undated (the source gives no date)",
    ]
    assert rows[1][1:] == ["agreement signed", "", "s2, s3"] and rows[2][3] == "no source"


def test_a_count_table_holds_the_chart_numbers() -> None:
    table = count_table("Releases by tier", {"1": 3, "not stated": 12})
    assert "<caption>Releases by tier: the numbers</caption>" in table
    assert "<td>1</td><td>3</td>" in table and "<td>not stated</td><td>12</td>" in table
