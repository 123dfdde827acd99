"""The audit trail: who changed what, when, with the state before and after.

Every change to the graph (an API write, a token issued or revoked, a loader's load) writes ONE
(:AuditEntry) in the SAME transaction as the change, through `record()`: a change that fails
leaves no entry, and an entry never describes a change that did not happen. Entries are only
ever created; nothing in edflows edits or deletes them (short of `edflows db reset`).
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from neo4j import ManagedTransaction
from pydantic import BaseModel, Field

from graph.db import Database
from graph.queries import query
from graph.results import Timestamp

AUDIT_PAGE_MAX = 500
BULK_SUMMARY = (
    "bulk load: before and after summarise the load (flows of this input before; records "
    "written, nodes, links and flows created, flows updated and removed; the file and its "
    "checksum) "
    "instead of listing every row"
)
MAP_SUMMARY = (
    "school map: before and after give the map's rows in full, with the load's counts, the "
    "file and its checksum"
)


@dataclass(frozen=True)
class Actor:
    """Who makes a change: a token (its id and role), a loader or the command line."""

    name: str  # "token:<id>", "loader:<name>" or "cli"
    role: str | None = None  # the token's role; None for loaders and the CLI

    @classmethod
    def loader(cls, name: str) -> Actor:
        return cls(f"loader:{name}")


CLI = Actor("cli")


class AuditEntry(BaseModel):
    """One recorded change."""

    id: str = Field(examples=["audit:20261130T052000-3f9a1c2b"])
    at: Timestamp = Field(description="when (ISO 8601 in UTC, milliseconds, fixed width)")
    actor: str = Field(examples=["token:tok_3f9a1c2b4d5e", "loader:schools", "cli"])
    role: str | None = Field(default=None, examples=["school"])
    action: str = Field(examples=["school-map.replace", "flow.add", "flow.retire", "load"])
    target: str = Field(examples=["example", "flow:example", "my-source", "tok_3f9a1c2b4d5e"])
    urn: str | None = Field(default=None, description="the school the change concerns, if any")
    before: Any = Field(default=None, description="the state before (null: nothing there)")
    after: Any = Field(default=None, description="the state after")
    load_id: str | None = None
    summary: str | None = Field(
        default=None, description="set when before/after summarise a bulk change"
    )


class AuditPage(BaseModel):
    """A page of the audit trail, newest first."""

    entries: list[AuditEntry]
    limit: int
    offset: int
    next_offset: int | None = Field(description="offset of the next page; null on the last")


def record(
    tx: ManagedTransaction,
    actor: Actor,
    action: str,
    target: str,
    before: Any,
    after: Any,
    urn: str | None = None,
    load_id: str | None = None,
    summary: str | None = None,
) -> str:
    """Write one audit entry inside the caller's transaction; returns its id."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    entry_id = f"audit:{stamp}-{secrets.token_hex(6)}"
    props = {
        "id": entry_id,
        "actor": actor.name,
        "role": actor.role,
        "action": action,
        "target": target,
        "urn": urn,
        "before_json": json.dumps(before, sort_keys=True, ensure_ascii=False, default=str),
        "after_json": json.dumps(after, sort_keys=True, ensure_ascii=False, default=str),
        "load_id": load_id,
        "summary": summary,
    }
    tx.run(query("record_audit"), props={k: v for k, v in props.items() if v is not None}).consume()
    return entry_id


def list_entries(
    db: Database,
    urn: str | None = None,
    since: datetime | None = None,
    actor: str | None = None,
    target: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> AuditPage:
    """A page of entries, newest first; `since` is inclusive."""
    limit = max(1, min(limit, AUDIT_PAGE_MAX))
    rows = db.read(
        "list_audit",
        urn=urn,
        since=_utc(since).isoformat() if since else None,
        actor=actor,
        target=target,
        offset=max(0, offset),
        limit=limit + 1,
    )
    entries = [_entry(r["entry"]) for r in rows[:limit]]
    more = len(rows) > limit
    return AuditPage(
        entries=entries, limit=limit, offset=offset, next_offset=offset + limit if more else None
    )


def entry_from_row(row: dict[str, Any]) -> AuditEntry:
    """An entry as a query returns it (before and after as JSON text)."""
    return _entry(row)


def _entry(row: dict[str, Any]) -> AuditEntry:
    data = dict(row)
    data["before"] = json.loads(data.pop("before_json") or "null")
    data["after"] = json.loads(data.pop("after_json") or "null")
    return AuditEntry.model_validate(data)


def _utc(moment: datetime) -> datetime:
    """`moment` in UTC: Python accepts offsets Neo4j refuses (beyond +-18:00); a moment that
    cannot move to UTC (year 1 with a positive offset) becomes the earliest or latest one."""
    try:
        return moment.astimezone(UTC)
    except (OverflowError, ValueError):
        return (datetime.min if moment.year < 2000 else datetime.max).replace(tzinfo=UTC)
