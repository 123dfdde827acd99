"""The release-chain report for campaigners: NPD releases by year, tier and recipient type,
who received the most sensitive data, where data went on after its first recipient, the
figures the sources state and the dated timelines of the arrangements.

Built from `ExploreService.releases` and the flows out of release recipients; charts are
rendered by `web.documents.release_report` (inline SVG charts with their tables).
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from pydantic import BaseModel

from graph.db import Database
from graph.explore import ExploreService, Release
from graph.results import FigureRef, SourceRef
from graph.transparency import TransparencyService

NOT_RECEIVED = {"refused", "requested", "withdrawn"}


class SensitiveRecipient(BaseModel):
    id: str
    name: str
    recipient_type: str
    releases: int
    years: list[int]
    tiers: list[int]
    special_items: list[str]
    conflicts: bool


class ReportFigure(BaseModel):
    """A figure a source states about a release (or about the releases as a whole)."""

    flow_id: str | None = None
    recipient: str | None = None
    figure: FigureRef


class TimelineEvent(BaseModel):
    """A dated step of an arrangement, as its sources give it."""

    date: str | None = None
    kind: str
    text: str | None = None
    source_ids: list[str] = []
    undated_reason: str | None = None


class Timeline(BaseModel):
    """The timeline of one release or onward flow."""

    flow_id: str
    from_name: str
    to_name: str
    events: list[TimelineEvent]


class ReleaseReport(BaseModel):
    total: int
    by_year: dict[str, int]
    by_tier: dict[str, int]
    by_recipient_type: dict[str, int]
    by_outcome: dict[str, int]
    sensitive: list[SensitiveRecipient]
    chains: list[dict[str, Any]]
    sources: list[SourceRef]
    figures: list[ReportFigure] = []
    timelines: list[Timeline] = []


def build_release_report(db: Database) -> ReleaseReport:
    explore = ExploreService(db)
    page = explore.releases(limit=1_000_000)
    index = explore.journeys.index()
    special_ids = {
        i.id for i in index.items.values() if i.gdpr in {"special_category", "criminal_offence"}
    }

    def special(item: str) -> bool:
        return item in special_ids or any(a in special_ids for a in index.ancestors(item))

    by_recipient: dict[str, list[Release]] = defaultdict(list)
    for r in page.releases:
        if r.outcome in NOT_RECEIVED:
            continue
        if (r.tier in (1, 2)) or any(special(i) for i in r.items):
            by_recipient[r.recipient_id].append(r)
    sensitive = [
        SensitiveRecipient(
            id=rid,
            name=rs[0].recipient or rid,
            recipient_type=rs[0].recipient_type or "unknown",
            releases=len(rs),
            years=sorted({r.year for r in rs if r.year}),
            tiers=sorted({r.tier for r in rs if r.tier}),
            special_items=sorted(
                {
                    index.items[i].name
                    for r in rs
                    for i in r.items
                    if special(i) and i in index.items
                }
            ),
            conflicts=any(r.conflicts for r in rs),
        )
        for rid, rs in by_recipient.items()
    ]
    sensitive.sort(key=lambda s: (min(s.tiers or [9]), -s.releases, s.name))
    recipients = sorted({r.recipient_id for r in page.releases})
    chains = db.read("list_flows_from_actors", ids=recipients)
    for c in chains:  # names for what people read; the ids stay in `items`
        c["item_names"] = [index.items[i].name if i in index.items else i for i in c["items"] or []]
    source_ids = {s for r in page.releases for s in r.source_ids}
    source_ids |= {s for c in chains for s in c["source_ids"] or []}
    figures = [
        ReportFigure(flow_id=r.id, recipient=r.recipient or r.recipient_id, figure=f)
        for r in page.releases
        for f in r.figures
    ] + [ReportFigure(figure=f) for f in page.figures]
    source_ids |= {f.figure.source for f in figures}
    ids = [r.id for r in page.releases] + [str(c["id"]) for c in chains if c.get("id")]
    timelines = timelines_of(db, ids)
    source_ids |= {s for t in timelines for e in t.events for s in e.source_ids}
    return ReleaseReport(
        total=page.total,
        by_year=page.by_year,
        by_tier=page.by_tier,
        by_recipient_type=page.by_recipient_type,
        by_outcome=page.by_outcome,
        sensitive=sensitive,
        chains=chains,
        sources=TransparencyService(db).sources(source_ids),
        figures=figures,
        timelines=timelines,
    )


def timelines_of(db: Database, flow_ids: list[str]) -> list[Timeline]:
    """The timelines the given flows carry, each event with the sources of its claims."""
    found = []
    for row in db.read("flow_timelines", ids=sorted(set(flow_ids))):
        claims = {
            str(c.get("id") or c["source"]): c["source"] for c in json.loads(row["claims"] or "[]")
        }
        events = [
            TimelineEvent(
                date=e.get("date"),
                kind=e["kind"],
                text=e.get("text"),
                source_ids=sorted({claims[c] for c in e.get("claims") or [] if c in claims}),
                undated_reason=e.get("undated_reason"),
            )
            for e in json.loads(row["timeline"])
        ]
        events.sort(key=lambda e: (e.date is None, e.date or ""))
        found.append(
            Timeline(
                flow_id=row["id"],
                from_name=row["from_name"] or row["from_id"],
                to_name=row["to_name"] or row["to_id"],
                events=events,
            )
        )
    return found
