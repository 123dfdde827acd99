"""Write endpoints: a school's map, flows and sources. Each needs a bearer token; each change
is one transaction with its audit entry; the pupil-level guard checks every body first."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from api.auth import WRITE_ERRORS, TokenDep, refuse_pupil_data
from api.deps import DbDep
from api.maps import upload_school_map
from graph.editing import (
    Change,
    FlowIn,
    RetireIn,
    Sharing,
    SharingIn,
    add_flow,
    add_source,
    retire_flow,
    set_map_sharing,
)
from graph.errors import InvalidInput
from graph.identifiers import URN_PATTERN
from graph.model import SourceRecord
from graph.profile import Profile, ProfileIn, set_profile
from loaders.school_map import MapRow

router = APIRouter(tags=["edit"], dependencies=[Depends(refuse_pupil_data)])
Urn = Annotated[str, Path(pattern=URN_PATTERN, examples=["example"])]
YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml")


class SchoolMapDocument(BaseModel):
    """A school's data map, as `edflows template school-map --format yaml` writes it (JSON or
    YAML). Each row is one system; see the README's "School data maps"."""

    urn: str | None = Field(default=None, description="if given, must be the URN in the path")
    title: str | None = None
    example: bool = False
    rows: list[MapRow] = Field(min_length=1)


class MapLoaded(BaseModel):
    """What a map upload did."""

    urn: str
    audit_id: str
    written: dict[str, int]
    removed_flows: int
    notes: list[str]


def _inline(schema: dict[str, Any]) -> dict[str, Any]:
    """A JSON schema with its local `$defs` references written out (no recursion here)."""
    defs = schema.pop("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return walk(defs[ref.removeprefix("#/$defs/")])
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    result: dict[str, Any] = walk(schema)
    return result


MAP_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "the map as JSON or YAML (the same format `edflows load school-map` "
        "reads); errors name the line and column",
        "content": {
            "application/json": {"schema": _inline(SchoolMapDocument.model_json_schema())},
            "application/yaml": {"schema": {"type": "string"}},
        },
    }
}


@router.put(
    "/schools/{urn}/map",
    response_model=MapLoaded,
    responses=WRITE_ERRORS,
    openapi_extra=MAP_BODY,
    summary="Upload or replace a school's own data map (school token of that URN)",
)
async def put_school_map(request: Request, db: DbDep, token: TokenDep, urn: Urn) -> MapLoaded:
    """Replaces the school's whole map in one transaction (every version is kept); flows the
    new map no longer has are removed from the school's layer."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    fmt: Literal["yaml", "json"]
    if kind == "application/json" or kind.endswith("+json"):
        fmt = "json"
    elif kind in YAML_TYPES:
        fmt = "yaml"
    else:
        raise InvalidInput("send the map as application/json or application/yaml")
    body = await request.body()
    report, entry = await run_in_threadpool(upload_school_map, db, token, urn, body, fmt)
    return MapLoaded(
        urn=urn,
        audit_id=entry,
        written=dict(report.written),
        removed_flows=report.removed_flows,
        notes=report.notes,
    )


@router.put(
    "/schools/{urn}/map/sharing",
    response_model=Sharing,
    responses=WRITE_ERRORS,
    summary="Share a school's saved map with its trust's or local authority's schools "
    "(trust token or editor; local authority: editor)",
)
def put_map_sharing(db: DbDep, token: TokenDep, urn: Urn, body: SharingIn) -> Sharing:
    """The schools of the trust (or local authority) then find this map among the starting
    points of their workspace (`/schools/{urn}/edit`). Leave a field out to keep it."""
    return set_map_sharing(db, token, urn, body)


@router.put(
    "/schools/{urn}/profile",
    response_model=Profile,
    responses=WRITE_ERRORS,
    summary="State a school's contact, ICO registration number and DPO (its school or trust token)",
)
def put_profile(db: DbDep, token: TokenDep, urn: Urn, body: ProfileIn) -> Profile:
    """Replaces the whole profile (a field left out is no longer stated); the record of
    processing then gives these lines, citing this change's audit entry and day."""
    return set_profile(db, token, urn, body)


@router.post(
    "/flows",
    response_model=Change,
    status_code=201,
    responses=WRITE_ERRORS,
    summary="Add a flow (editor: national layer; school token: its own layer, with urn)",
)
def post_flow(db: DbDep, token: TokenDep, body: FlowIn) -> Change:
    return add_flow(db, token, body)


@router.post(
    "/flows/{flow_id}/retire",
    response_model=Change,
    responses=WRITE_ERRORS,
    summary="Retire a flow: it stays as history, in force until valid_to",
)
def post_retire_flow(
    db: DbDep,
    token: TokenDep,
    flow_id: Annotated[str, Path(max_length=200, examples=["flow:example"])],
    body: RetireIn,
) -> Change:
    return retire_flow(db, token, flow_id, body)


@router.post(
    "/sources",
    response_model=Change,
    status_code=201,
    responses=WRITE_ERRORS,
    summary="Add a source (editor; a school token only ids starting school-<urn>-)",
)
def post_source(db: DbDep, token: TokenDep, body: SourceRecord) -> Change:
    return add_source(db, token, body)
