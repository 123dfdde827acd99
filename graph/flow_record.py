"""A flow's own record (`GET /flows/{id}`, the page `/record/{id}`): everything edflows knows
about one flow and why.

Every claim (quote, locator, source, what it asserts, what it denies, what corrected it, its
figures) including the figure claims of an aggregates load, the computed facts and conflicts,
the dated timeline of the arrangement, the register rows the flow was built from, and its
audit history (the loads and API changes that wrote it).
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, Field

from graph.audit import AuditEntry, entry_from_row
from graph.db import Database
from graph.errors import NotFoundError
from graph.results import FigureRef, SourceRef, figures_from

AUDIT_LIMIT = 50


class ClaimView(BaseModel):
    """One source's statement about the flow, as kept."""

    id: str = Field(examples=["hcws272-police"])
    source: SourceRef
    locator: str | None = None
    quote: str | None = Field(default=None, description="verbatim; null where none is at hand")
    statement: str | None = Field(default=None, description="what the claim says, not a quote")
    asserts: dict[str, Any] = Field(
        default_factory=dict,
        description="what the claim states: items, tier, dates, outcome, purpose, law, ...",
        examples=[{"items": ["pupil.contact.address"], "date": "2016-11-22"}],
    )
    denies: list[str] = Field(default_factory=list)
    denies_flow: bool = False
    figures: list[dict[str, Any]] = Field(default_factory=list)
    corrects: list[str] = Field(default_factory=list, description="claims this one supersedes")
    superseded_by: str | None = Field(
        default=None, description="the claim that corrects this one: shown, but not counted"
    )
    register_row: str | None = None
    from_aggregates: bool = Field(default=False, description="a figure claim (aggregates.csv)")


class EventView(BaseModel):
    date: str | None = Field(examples=["2015-12-18"])
    precision: str = Field(examples=["day"], description="day, month, year or undated")
    kind: str = Field(examples=["agreement_signed"])
    text: str | None = None
    claims: list[str]
    undated_reason: str | None = None


class FlowView(BaseModel):
    """One flow with all its evidence."""

    id: str = Field(examples=["flow:npd-to-police"])
    from_id: str = Field(examples=["dataset:npd"])
    to_id: str = Field(examples=["org:police-forces"])
    kind: str | None = Field(default=None, examples=["data_share"])
    layer: str | None = None
    facts: dict[str, Any] = Field(
        description="the flow's current facts, computed from its live claims",
        examples=[{"items": ["pupil.contact.address"], "valid_from": "2015-07"}],
    )
    conflicts: list[str] = Field(description="fields on which live claims disagree")
    disputed_items: list[str] = Field(default_factory=list)
    denied_items: list[str] = Field(default_factory=list)
    claims: list[ClaimView]
    figures: list[FigureRef]
    timeline: list[EventView]
    register_rows: list[str] = Field(description="the register rows this flow was built from")
    audit: list[AuditEntry] = Field(description="the changes that wrote this flow, newest first")


FACT_KEYS = (
    "items",
    "subjects",
    "purposes",
    "purpose_text",
    "lawful_basis",
    "art9_condition",
    "retention",
    "retention_indefinite",
    "storage_country",
    "viewers",
    "tier",
    "valid_from",
    "valid_to",
    "outcome",
    "agreement",
    "in_effect",
)
_CLAIM_OWN = {
    "id",
    "source",
    "locator",
    "quote",
    "statement",
    "denies",
    "denies_flow",
    "figures",
    "corrects",
    "register_row",
}


def flow_view(db: Database, flow_id: str) -> FlowView:
    """The record of one flow; NotFoundError when there is none."""
    rows = db.read("get_flow", id=flow_id)
    if not rows:
        raise NotFoundError(f"no flow {flow_id!r}", "Flow ids start flow: (see a hop's flow_id).")
    row = rows[0]
    flow: dict[str, Any] = dict(row["flow"])
    own = json.loads(flow.get("claims_json") or "[]")
    extra = json.loads(flow.get("figure_claims_json") or "[]")
    claims = [*own, *({**c, "_aggregates": True} for c in extra)]
    superseded = {t: c["id"] for c in claims for t in c.get("corrects") or []}
    sources = _sources(db, {c["source"] for c in claims})
    audit_rows = db.read(
        "list_flow_audit", id=flow_id, load_id=flow.get("load_id"), limit=AUDIT_LIMIT
    )
    timeline = json.loads(flow.get("timeline_json") or "[]")
    return FlowView(
        id=flow_id,
        from_id=row["from_id"],
        to_id=row["to_id"],
        kind=flow.get("kind"),
        layer=flow.get("layer"),
        facts={k: flow[k] for k in FACT_KEYS if flow.get(k) not in (None, [])},
        conflicts=flow.get("conflicts") or [],
        disputed_items=flow.get("disputed_items") or [],
        denied_items=flow.get("denied_items") or [],
        claims=[_claim(c, sources, superseded) for c in claims],
        figures=figures_from(flow),
        timeline=[
            EventView(precision=_precision(e.get("date")), **{"date": None, **e}) for e in timeline
        ],
        register_rows=flow.get("register_rows") or [],
        audit=[entry_from_row(r["entry"]) for r in audit_rows],
    )


def _claim(
    c: dict[str, Any], sources: dict[str, SourceRef], superseded: dict[str, str]
) -> ClaimView:
    cid = str(c.get("id") or c["source"])
    return ClaimView(
        id=cid,
        source=sources.get(c["source"]) or SourceRef(id=c["source"]),
        locator=c.get("locator"),
        quote=c.get("quote"),
        statement=c.get("statement"),
        asserts={
            k: v
            for k, v in c.items()
            if k not in _CLAIM_OWN and not k.startswith("_") and v not in (None, [], False)
        },
        denies=c.get("denies") or [],
        denies_flow=bool(c.get("denies_flow")),
        figures=c.get("figures") or [],
        corrects=c.get("corrects") or [],
        superseded_by=superseded.get(cid),
        register_row=c.get("register_row"),
        from_aggregates=bool(c.get("_aggregates")),
    )


def _sources(db: Database, ids: set[str]) -> dict[str, SourceRef]:
    rows = db.read("sources_by_ids", ids=sorted(ids))
    return {r["source"]["id"]: SourceRef.model_validate(r["source"]) for r in rows}


def _precision(date: str | None) -> str:
    if not date:
        return "undated"
    return {4: "year", 7: "month", 10: "day"}.get(len(date), "day")
