"""Claims, the unit of truth: what ONE source says about a flow, and the flow's facts computed
from them.

A claim has a source, a locator, a verbatim quote and what it asserts (items, tier, dates,
outcome, figures). It may `denies` items (the source says the flow does NOT carry them), say
the flow did not happen (`denies_flow`), and `corrects` another claim of the same flow (by
its id), which supersedes that claim: a superseded claim is kept and shown, marked, but no
longer counts. `settle` computes a flow's current facts from its live claims: the items, tier,
dates and outcome they state, the items they both state and deny (*disputed*), and the fields
they disagree on (`conflicts`: items, tier, date, outcome, storage_country, recipient).
Nobody writes conflicts by hand.

A timeline `Event` (requested, approved, agreement signed or amended, extracts sent, stopped,
destroyed) names the claims that evidence it and must be dated within its flow's claims.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import Field

from graph.model.values import PartialDate, Record, first_day, last_day

EVENT_KINDS = (
    "requested",
    "approved",
    "refused",
    "agreement_signed",
    "agreement_amended",
    "extracts_sent",
    "stopped",
    "destroyed",
)
OUTCOMES = ("released", "approved", "refused", "withdrawn", "requested")
_GRANTED = {"released", "approved"}
_NOT_GRANTED = {"refused", "withdrawn"}
_ASKED = {"requested", "refused", "withdrawn"}


class ClaimError(ValueError):
    """A claim or event that cannot stand, with where in the flow it is (`loc`)."""

    def __init__(self, loc: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.loc = loc


class Figure(Record):
    """A number a source states: what is counted, its value as written, and the period."""

    what: str = Field(min_length=3, examples=["pupils whose information was shared with police"])
    value: str = Field(min_length=1, examples=["62"])
    number: float | None = Field(
        default=None, description="the value as a number, when it is one plain number"
    )
    period: str = Field(min_length=1, examples=["2012-04 to 2016-10"])


class Claim(Record):
    """What ONE source says about a flow: kept as said, so disagreements stay visible."""

    id: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._:@-]*$",
        description="stable within its flow; default: the source id (with -2, -3 ... after "
        "the first claim of the same source)",
    )
    source: str
    locator: str | None = None
    quote: str | None = None
    items: list[str] = Field(default_factory=list)
    items_text: str | None = None
    denies: list[str] = Field(
        default_factory=list, description="items the source says the flow does NOT carry"
    )
    denies_flow: bool = Field(default=False, description="the source says the flow did not happen")
    excludes_sensitive: bool = False
    statement: str | None = None
    tier: int | None = Field(default=None, ge=1, le=4)
    date: PartialDate | None = None
    valid_from: PartialDate | None = None
    valid_to: PartialDate | None = None
    purpose_text: str | None = None
    legal_gateway: str | None = None
    storage_country: str | None = None
    outcome: str | None = None
    recipient: str | None = Field(
        default=None,
        description="the recipient (an actor id) as this source names it; where live claims "
        "name different recipients, the flow's conflicts say `recipient`",
    )
    datasets: str | None = None
    figures: list[Figure] = Field(default_factory=list)
    corrects: list[str] = Field(
        default_factory=list, description="ids of the claims of this flow that this one supersedes"
    )
    register_row: str | None = Field(
        default=None, description="the register row this claim was read from (file line N)"
    )


class Event(Record):
    """A dated step in the life of an arrangement, with the claims that evidence it."""

    date: PartialDate | None = None
    kind: Literal[
        "requested",
        "approved",
        "refused",
        "agreement_signed",
        "agreement_amended",
        "extracts_sent",
        "stopped",
        "destroyed",
    ]
    text: str | None = None
    claims: list[str] = Field(min_length=1)
    undated_reason: str | None = None

    @property
    def precision(self) -> str:
        if not self.date:
            return "undated"
        return {4: "year", 7: "month", 10: "day"}[len(self.date)]


@dataclass
class Settled:
    """A flow's facts as its live claims give them (None: no live claim states the field)."""

    items: list[str] | None = None
    tier: int | None = None
    valid_from: str | None = None
    valid_to: str | None = None
    dated: bool = False
    outcome: str | None = None
    denied: list[str] = field(default_factory=list)
    disputed: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    superseded_by: dict[str, str] = field(default_factory=dict)


def name_claims(claims: list[Claim]) -> None:
    """Give every claim without an id one: its source, then -2, -3 ... (order kept)."""
    seen: dict[str, int] = {}
    given = {c.id for c in claims if c.id}
    for claim in claims:
        if claim.id:
            continue
        n = seen.get(claim.source, 0) + 1
        seen[claim.source] = n
        candidate = claim.source if n == 1 else f"{claim.source}-{n}"
        while candidate in given:
            n += 1
            candidate = f"{claim.source}-{n}"
        seen[claim.source] = n
        claim.id = candidate
        given.add(candidate)


def check_claims(claims: list[Claim]) -> None:
    """Ids unique, corrections of known claims, no claim stating and denying the same item."""
    ids: set[str] = set()
    for n, claim in enumerate(claims):
        if claim.id in ids:
            raise ClaimError(("claims", n, "id"), f"claim id {claim.id!r} is used twice")
        ids.add(str(claim.id))
    for n, claim in enumerate(claims):
        for m, target in enumerate(claim.corrects):
            if target not in ids:
                raise ClaimError(
                    ("claims", n, "corrects", m),
                    f"claim {claim.id!r} corrects {target!r}, which is no claim of this flow "
                    f"(its claims: {', '.join(sorted(ids))})",
                )
            if target == claim.id:
                raise ClaimError(
                    ("claims", n, "corrects", m), f"claim {claim.id!r} corrects itself"
                )
        both = [i for i in claim.items if any(_under(i, d) for d in claim.denies)]
        if both:
            raise ClaimError(
                ("claims", n, "denies"),
                f"claim {claim.id!r} both states and denies {', '.join(both)}: a claim says "
                "one thing; split it into two claims or correct one",
            )
        if claim.denies_flow and (claim.items or claim.figures):
            raise ClaimError(
                ("claims", n, "denies_flow"),
                f"claim {claim.id!r} says the flow did not happen but states items or figures",
            )


def check_events(events: list[Event], claims: list[Claim]) -> None:
    """Every event names known claims and is dated within the dates its flow's claims give."""
    ids = {c.id for c in claims}
    span = claim_span(claims)
    for n, event in enumerate(events):
        for m, ref in enumerate(event.claims):
            if ref not in ids:
                raise ClaimError(
                    ("timeline", n, "claims", m),
                    f"event {event.kind} names claim {ref!r}, which is no claim of this flow",
                )
        if event.date is None:
            if not event.undated_reason:
                raise ClaimError(
                    ("timeline", n, "date"),
                    f"event {event.kind} has no date: give one, or say why in undated_reason",
                )
            continue
        if span is None or not (
            span[0] <= last_day(event.date) and first_day(event.date) <= span[1]
        ):
            shown = f"{span[0]} to {span[1]}" if span else "none"
            raise ClaimError(
                ("timeline", n, "date"),
                f"event {event.kind} is dated {event.date}, outside the dates its flow's claims "
                f"give ({shown}); date it from a claim or add the claim that dates it",
            )


def claim_span(claims: list[Claim]) -> tuple[Any, Any] | None:
    """The first and last day any claim's date, valid_from or valid_to can mean."""
    dates = [d for c in claims for d in (c.date, c.valid_from, c.valid_to) if d]
    if not dates:
        return None
    return min(first_day(d) for d in dates), max(last_day(d) for d in dates)


def settle(claims: list[Claim]) -> Settled:
    """The facts of a flow from its live claims (see the module docstring)."""
    out = Settled()
    for claim in claims:
        for target in claim.corrects:
            out.superseded_by[target] = str(claim.id)
    live = [c for c in claims if c.id not in out.superseded_by]
    # a claim about what was only asked for (or refused) does not set what the flow carries
    # while other claims say what happened; it still counts where sources disagree
    asserting = [c for c in live if c.outcome not in _ASKED] or live
    stated: list[str] = []
    for claim in asserting:
        stated += [i for i in claim.items if i not in stated]
    out.items = stated or None
    out.denied = sorted({d for c in live for d in c.denies})
    conflicts: set[str] = set()
    if stated:
        out.disputed = [i for i in stated if any(_under(i, d) for d in out.denied)]
        sensitive = sensitive_items()
        if any(c.excludes_sensitive for c in live) and any(i in sensitive for i in stated):
            conflicts.add("items")
    if out.disputed:
        conflicts.add("items")
    if any(c.denies_flow for c in live) and any(not c.denies_flow for c in live):
        conflicts.add("happened")
        out.disputed = list(stated)
    if len({c.storage_country for c in live if c.storage_country}) > 1:
        conflicts.add("storage_country")
    if len({c.recipient for c in live if c.recipient}) > 1:
        conflicts.add("recipient")
    tiers = sorted({c.tier for c in asserting if c.tier is not None})
    if tiers:
        out.tier = tiers[0]  # the most sensitive stated: tier 1 is the most
    if len({c.tier for c in live if c.tier is not None}) > 1:
        conflicts.add("tier")
    starts = [c.valid_from for c in live if c.valid_from]
    ends = [c.valid_to for c in live if c.valid_to]
    if starts or ends:
        out.dated = True
        out.valid_from = min(starts, key=first_day) if starts else None
        last = max(ends, key=last_day) if ends else None
        # a claim that gives only a start keeps the flow open when that start comes after
        # every stated end (a later period, e.g. a renewed agreement); a start-only claim
        # inside or before a stated period ("new for 2016/17") does not undo its end
        open_ended = last is None or any(
            c.valid_from and not c.valid_to and first_day(c.valid_from) > last_day(last)
            for c in live
        )
        out.valid_to = None if open_ended else last
    outcomes = {c.outcome for c in live if c.outcome in OUTCOMES}
    for outcome in outcomes:
        days = {c.date for c in live if c.outcome == outcome and c.date and len(c.date) == 10}
        if len(days) > 1:
            conflicts.add("date")  # sources give different days for the same step
    if outcomes:
        out.outcome = next(o for o in OUTCOMES if o in outcomes)
        if outcomes & _GRANTED and outcomes & _NOT_GRANTED:
            conflicts.add("outcome")
    out.conflicts = sorted(conflicts)
    return out


def figures_of(claims: list[Claim], superseded_by: dict[str, str]) -> list[dict[str, Any]]:
    """Every figure of the claims, with its claim, source, quote and what superseded it."""
    rows: list[dict[str, Any]] = []
    for claim in claims:
        for figure in claim.figures:
            row = figure.model_dump(exclude_none=True)
            row.update(claim=claim.id, source=claim.source)
            if claim.quote:
                row["quote"] = claim.quote
            if claim.id in superseded_by:
                row["superseded_by"] = superseded_by[claim.id]
            rows.append(row)
    return rows


def disputes_of(claims: list[Claim], disputed: list[str]) -> list[dict[str, Any]]:
    """For each disputed item, both sides: the live claims stating it and those denying it,
    each with its source and quote (or statement, where no quote is at hand)."""
    superseded = {t for c in claims for t in c.corrects}
    live = [c for c in claims if c.id not in superseded]

    def side(claim: Claim) -> dict[str, Any]:
        row = {"claim": claim.id, "source": claim.source, "quote": claim.quote}
        if claim.statement:
            row["statement"] = claim.statement
        return {k: v for k, v in row.items() if v is not None}

    return [
        {
            "item": item,
            "stated_by": [side(c) for c in live if item in c.items],
            "denied_by": [
                side(c) for c in live if c.denies_flow or any(_under(item, d) for d in c.denies)
            ],
        }
        for item in disputed
    ]


@cache
def sensitive_items() -> frozenset[str]:
    """Catalogue items that are special category or NPD tier 1-2 (graph/model/items.yaml)."""
    text = resources.files("graph.model").joinpath("items.yaml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text) or {}
    entries = raw.get("items", []) if isinstance(raw, dict) else []
    return frozenset(
        e["id"]
        for e in entries
        if isinstance(e, dict)
        and (e.get("gdpr") == "special_category" or (e.get("npd_tier") or 9) <= 2)
    )


def _under(item: str, denied: str) -> bool:
    """`item` is the denied item or a part of it (denying pupil.identifiers denies the UPN)."""
    return item == denied or item.startswith(denied + ".")
