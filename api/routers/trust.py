"""Tokens (admin only) and the audit trail (public, read-only: nothing here edits or deletes an
entry, and no endpoint anywhere can)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, Field

from api.auth import WRITE_ERRORS, AdminDep, refuse_pupil_data
from api.deps import DbDep
from api.problems import Problem
from graph import audit
from graph.audit import AuditPage
from graph.identifiers import URN_PATTERN
from graph.tokens import IssuedToken, Role, TokenInfo, create_token, list_tokens, revoke_token

router = APIRouter(tags=["trust"])
READ_ERRORS: dict[int | str, dict[str, Any]] = {
    422: {"model": Problem, "description": "an invalid parameter, named"},
    503: {"model": Problem, "description": "the database is not reachable"},
}


class TokenCreate(BaseModel):
    """A token to issue; a school token names its school's URN."""

    role: Role
    urn: str | None = Field(default=None, pattern=URN_PATTERN, examples=["example"])
    trust: str | None = Field(
        default=None, pattern=r"^[A-Za-z0-9]{1,20}$", description="a trust token's trust code"
    )
    label: str | None = Field(default=None, max_length=200, examples=["Head's office laptop"])


@router.post(
    "/tokens",
    response_model=IssuedToken,
    status_code=201,
    responses=WRITE_ERRORS,
    dependencies=[Depends(refuse_pupil_data)],
    summary="Issue a token (admin); its secret is shown in this answer only",
)
def post_token(db: DbDep, admin: AdminDep, body: TokenCreate) -> IssuedToken:
    return create_token(db, body.role, body.urn, body.label, admin.actor, body.trust)


@router.get(
    "/tokens",
    response_model=list[TokenInfo],
    responses=WRITE_ERRORS,
    summary="List tokens (admin), without their secrets",
)
def get_tokens(db: DbDep, admin: AdminDep) -> list[TokenInfo]:
    return list_tokens(db)


@router.post(
    "/tokens/{token_id}/revoke",
    response_model=TokenInfo,
    responses=WRITE_ERRORS,
    summary="Revoke a token (admin): refused from the next request on",
)
def post_revoke(
    db: DbDep,
    admin: AdminDep,
    token_id: Annotated[str, Path(pattern=r"^tok_[0-9a-f]{1,64}$", examples=["tok_3f9a1c2b4d5e"])],
) -> TokenInfo:
    return revoke_token(db, token_id, admin.actor)


class RefusalCount(BaseModel):
    status: int = Field(examples=[401])
    method: str = Field(examples=["POST"])
    path: str = Field(examples=["/flows"])
    count: int


class RefusalList(BaseModel):
    """Refused attempts (401, 403, 429) since the API process started."""

    since: str = Field(description="when this process started counting (ISO 8601, UTC)")
    by_status: dict[str, int] = Field(examples=[{"401": 3, "429": 1}])
    refusals: list[RefusalCount]


@router.get(
    "/refusals",
    response_model=RefusalList,
    responses=WRITE_ERRORS,
    summary="Refused attempts (401, 403, 429) by status and route, since start (admin)",
)
def get_refusals(request: Request, admin: AdminDep) -> dict[str, Any]:
    listing: dict[str, Any] = request.app.state.refusals.listing()
    return listing


@router.get(
    "/audit",
    response_model=AuditPage,
    responses=READ_ERRORS,
    summary="The audit trail: who changed what, when, before and after (newest first)",
)
def get_audit(
    db: DbDep,
    urn: Annotated[
        str | None, Query(pattern=URN_PATTERN, description="changes concerning this school")
    ] = None,
    since: Annotated[
        datetime | None, Query(description="from this time on (ISO 8601)", examples=["2026-11-30"])
    ] = None,
    actor: Annotated[
        str | None,
        Query(
            max_length=100,
            description="token:<id>, loader:<name>, loader (any loader) or cli",
            examples=["loader:schools"],
        ),
    ] = None,
    target: Annotated[
        str | None, Query(max_length=200, description="a URN, flow id, source id or token id")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=audit.AUDIT_PAGE_MAX)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> AuditPage:
    return audit.list_entries(db, urn, since, actor, target, limit, offset)
