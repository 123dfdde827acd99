"""Changes through the API: a school's map, a flow added or retired, a source added.

Who may change what: a `school` token only its own school's layer (its map; flows that start at
the school or at a system of its own map; sources whose id starts `school-<urn>-`), so no
school can write a flow out of a national body; a `trust` token the maps of every school of its
trust; an `editor` token the national layer (flows outside school layers, any source); an
`admin` token only tokens (graph.tokens). A school's saved map is marked shareable (its trust's
or its local authority's schools may start their own map from it) by its trust's token or an
editor for the trust, and by an editor (acting for the authority) for the local authority:
never by the school's own token (a shared map is what a trust or an authority hands out). Each
change is ONE Neo4j transaction that also writes its audit entry; a refusal or failure writes
nothing. Labels and relationship types are fixed in the queries: a write can only ever touch
:FLOW, :Source, a :School's `map_shared_with` and (for maps, planned by the loader in the API:
api/maps.py) the school's own flows, never a :Token or :AuditEntry.
"""

from __future__ import annotations

from typing import Any

from neo4j import ManagedTransaction
from neo4j.exceptions import ConstraintError
from pydantic import BaseModel, Field

from graph import audit
from graph.db import Database
from graph.errors import Conflict, Forbidden, InvalidInput, NotFoundError
from graph.identifiers import URN_PATTERN
from graph.loadplan import LoadPlan, LoadReport
from graph.model import FlowFacts, FlowRecord, PartialDate, SourceRecord, first_day, last_day
from graph.queries import query
from graph.terms import unfold
from graph.tokens import TokenInfo
from graph.writer import check_references, flow_row, lean_rows, write_lean, write_plan

NATIONAL = "national"
API_ORIGIN = "api"


class FlowIn(FlowFacts):
    """A new flow. With `urn` it belongs to that school's own layer; without, the national
    layer. Its claims must name sources already in the graph (add them first)."""

    id: str = Field(
        pattern=r"^flow:[A-Za-z0-9][A-Za-z0-9:._-]*$",
        max_length=200,
        examples=["flow:example-app-to-analytics"],
    )
    source_actor: str = Field(max_length=200, examples=["product:sims"])
    target_actor: str = Field(max_length=200, examples=["supplier:education-software-solutions"])
    urn: str | None = Field(
        default=None,
        pattern=URN_PATTERN,
        description="the school whose own layer the flow joins (a school token's URN)",
    )
    props: dict[str, Any] = Field(
        default_factory=dict, max_length=0, description="not settable through the API"
    )


class RetireIn(BaseModel):
    """Retire a flow: it stays as history, in force until `valid_to`."""

    valid_to: PartialDate = Field(examples=["2026-07"])
    reason: str = Field(min_length=3, max_length=1000, examples=["contract ended"])


class Change(BaseModel):
    """What a write did: the audit entry that records it, and the changed record."""

    audit_id: str
    target: str
    record: dict[str, Any] | None = None


def check_map_change(db: Database, token: TokenInfo, urn: str) -> None:
    """Refuse a map upload before it is read: only a token that may edit that school's map
    (`may_edit_map`), for a school in the graph (the API then plans the map with the
    school-map loader and hands the plan to `replace_school_map`)."""
    if not may_edit_map(db, token, urn):
        raise Forbidden(_school_only(token, urn, "change the map"))
    if not db.read("get_school", urn=urn):
        raise NotFoundError("school", urn)


def replace_school_map(
    db: Database, token: TokenInfo, urn: str, plan: LoadPlan, report: LoadReport
) -> tuple[LoadReport, str]:
    """Replace a school's map with a planned upload (the loader's own rules made the plan)."""
    if not may_edit_map(db, token, urn):
        raise Forbidden(_school_only(token, urn, "change the map"))
    if plan.urn is not None and plan.urn != urn:
        raise Forbidden(_school_only(token, plan.urn, "change the map"))
    entry = write_plan(db, plan, report, actor=token.actor, action="school-map.replace")
    return report, entry


class SharingIn(BaseModel):
    """Whom a school's saved map is shared with, as a starting point for other schools' maps.
    Leave a field out to keep it as it is."""

    trust: bool | None = Field(
        default=None,
        description="shared with the schools of its trust (its trust's token, or an editor)",
    )
    local_authority: bool | None = Field(
        default=None,
        description="shared with the schools of its local authority (an editor, for the "
        "authority: local authorities have no token of their own)",
    )


class Sharing(BaseModel):
    """A school map's sharing after a change, and the audit entry that records it."""

    audit_id: str
    urn: str
    shared_with: list[str] = Field(examples=[["trust:16776", "la:201"]])


def set_map_sharing(db: Database, token: TokenInfo, urn: str, body: SharingIn) -> Sharing:
    """Mark (or unmark) a school's saved map as shareable with its trust's or its local
    authority's schools; one transaction with its audit entry."""
    if token.role not in ("trust", "editor"):
        raise Forbidden(
            "a school's map is marked shareable by its trust (a trust token, or an editor) or "
            f"its local authority (an editor); a {token.role} token cannot"
        )
    if body.local_authority is not None and token.role != "editor":
        raise Forbidden(
            "only an editor marks a map shareable with a local authority's schools "
            "(authorities have no token of their own)"
        )

    def work(tx: ManagedTransaction) -> Sharing:
        row = tx.run(query("school_map_sharing"), urn=urn).single()
        if row is None:
            raise NotFoundError("school", urn, by="URN")
        trusts, la = list(row["trusts"]), row["la"]
        if token.role == "trust" and f"trust:{token.trust}" not in trusts:
            raise Forbidden(
                f"this token is for trust {token.trust}; URN {urn} is not one of its schools"
            )
        if not row["versions"]:
            raise InvalidInput(f"URN {urn} has no saved map to share; save one first")
        before = sorted(row["shared_with"])
        shared = set(before)
        for wanted, ids, what in (
            (body.trust, trusts, "a trust"),
            (body.local_authority, [la] if la else [], "a local authority"),
        ):
            if wanted is None:
                continue
            if wanted and not ids:
                raise InvalidInput(
                    f"URN {urn} is in no {what.removeprefix('a ')}: nothing to share it with"
                )
            shared = shared | set(ids) if wanted else shared - set(ids)
        after = sorted(shared)
        tx.run(query("set_map_sharing"), urn=urn, shared_with=after).consume()
        entry = audit.record(
            tx,
            token.actor,
            "school-map.share",
            urn,
            {"shared_with": before},
            {"shared_with": after},
            urn=urn,
            summary="shared with " + (", ".join(after) or "nobody"),
        )
        return Sharing(audit_id=entry, urn=urn, shared_with=after)

    result: Sharing = db.write_tx(work)
    return result


def may_edit_map(db: Database, token: TokenInfo, urn: str) -> bool:
    """A school token edits its own school's map; a trust token every school of its trust."""
    if token.role == "school":
        return token.urn == urn
    if token.role == "trust" and token.trust:
        return any(r["code"] == token.trust for r in db.read("school_trust", urn=urn))
    return False


def add_flow(db: Database, token: TokenInfo, body: FlowIn) -> Change:
    layer = _layer_for(token, body.urn, "add a flow")
    fields = body.model_dump(exclude={"urn", "props"})
    try:
        record = FlowRecord.model_validate({**fields, "layer": layer})
    except ValueError as exc:
        raise InvalidInput(f"the flow is not valid: {exc}") from None
    origin = f"{API_ORIGIN}:{layer}"
    row = flow_row(record, origin)

    def work(tx: ManagedTransaction) -> Change:
        if layer != NATIONAL:
            _check_school_start(tx, layer, record.source_actor)
        if tx.run(query("get_flow"), id=record.id).single() is not None:
            raise Conflict(f"a flow with id {record.id!r} exists; choose another id")
        check_references(tx, LoadPlan(origin=origin, flows=[record], replace_flows=False))
        # an API flow's load id names its origin (no file): `api:<layer>`
        write_lean(tx, lean_rows([row], {}), origin, [origin])
        after = _flow(tx, record.id)
        entry = audit.record(
            tx, token.actor, "flow.add", record.id, None, after, urn=_urn_of(layer)
        )
        return Change(audit_id=entry, target=record.id, record=after)

    return _write(db, work, f"a flow with id {record.id!r} exists")


def retire_flow(db: Database, token: TokenInfo, flow_id: str, body: RetireIn) -> Change:
    def work(tx: ManagedTransaction) -> Change:
        before = _flow(tx, flow_id)
        if before is None:
            raise NotFoundError("flow", flow_id)
        _layer_for(token, _urn_of(str(before.get("layer") or NATIONAL)), "retire a flow")
        if before.get("retired"):
            raise Conflict(f"the flow {flow_id!r} is already retired")
        valid_from = before.get("valid_from")
        if valid_from and last_day(body.valid_to) < first_day(str(valid_from)):
            raise InvalidInput(
                f"valid_to {body.valid_to} is before the flow's valid_from {valid_from}"
            )
        tx.run(
            query("retire_flow"),
            id=flow_id,
            valid_to=body.valid_to,
            valid_to_day=last_day(body.valid_to).isoformat(),
            reason=body.reason,
        ).consume()
        after = _flow(tx, flow_id)
        urn = _urn_of(str(before.get("layer") or NATIONAL))
        entry = audit.record(tx, token.actor, "flow.retire", flow_id, before, after, urn=urn)
        return Change(audit_id=entry, target=flow_id, record=after)

    return _write(db, work, "")


def add_source(db: Database, token: TokenInfo, source: SourceRecord) -> Change:
    if token.role == "school":
        if not source.id.startswith(f"school-{token.urn}-"):
            raise Forbidden(
                f"a school token may add only its school's own sources, with ids starting "
                f"'school-{token.urn}-'"
            )
    elif token.role != "editor":
        raise Forbidden(f"a {token.role} token cannot add sources; use an editor token")
    props = {k: v for k, v in source.model_dump(mode="json").items() if v is not None}

    def work(tx: ManagedTransaction) -> Change:
        if tx.run(query("get_source"), id=source.id).single() is not None:
            raise Conflict(f"a source with id {source.id!r} exists; choose another id")
        row = tx.run(query("create_source"), props=props).single()
        after = dict(row["source"]) if row else None
        urn = token.urn if token.role == "school" else None
        entry = audit.record(tx, token.actor, "source.add", source.id, None, after, urn=urn)
        return Change(audit_id=entry, target=source.id, record=after)

    return _write(db, work, f"a source with id {source.id!r} exists")


# -- helpers ----------------------------------------------------------------------------------


def _layer_for(token: TokenInfo, urn: str | None, what: str) -> str:
    """The layer a token may write, or Forbidden."""
    if urn is not None:
        if token.role == "school" and token.urn == urn:
            return f"school:{urn}"
        raise Forbidden(_school_only(token, urn, what))
    if token.role == "editor":
        return NATIONAL
    raise Forbidden(
        f"a {token.role} token cannot {what} in the national layer; that needs an editor token"
    )


def _check_school_start(tx: ManagedTransaction, layer: str, sender: str) -> None:
    """A school layer's flow starts at the school or at a system of its own map, or Forbidden."""
    school = f"school:{_urn_of(layer)}"
    if sender == school:
        return
    row = tx.run(query("is_school_system"), school=school, id=sender, layer=layer).single()
    if row is not None and row["system"]:
        return
    raise Forbidden(
        f"a school's flow must start at the school ({school}) or at a system of its own map "
        f"(a product or supplier its map sends data to, for an onward flow); {sender!r} is "
        "neither. Flows of national organisations need an editor token"
    )


def _school_only(token: TokenInfo, urn: str, what: str) -> str:
    if token.role == "school":
        return f"this token is for URN {token.urn}; it cannot {what} for URN {urn}"
    if token.role == "trust":
        return f"this token is for trust {token.trust}; URN {urn} is not one of its schools"
    return (
        f"only a school token of URN {urn} can {what} for that school; "
        f"this is an {token.role} token"
    )


def _urn_of(layer: str) -> str | None:
    return layer.removeprefix("school:") if layer.startswith("school:") else None


def _flow(tx: ManagedTransaction, flow_id: str) -> dict[str, Any] | None:
    row = tx.run(query("get_flow"), id=flow_id).single()
    if row is None:
        return None
    whole = unfold(dict(row["flow"]), row["terms"])
    flow = {k: v for k, v in whole.items() if not k.endswith("_day")}
    flow.update({"from": row["from_id"], "to": row["to_id"]})
    return flow


def _write(db: Database, work: Any, clash: str) -> Change:
    try:
        change: Change = db.write_tx(work)
    except ConstraintError as exc:  # a concurrent write took the id first
        raise Conflict(clash or "the change clashes with a concurrent one") from exc
    return change
