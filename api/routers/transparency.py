"""A school's transparency outputs: the "Where does my data go?" notice and its Article 30
record of processing (CSV and XLSX)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import HTMLResponse, PlainTextResponse, Response

from api.deps import DbDep, TransparencyDep
from api.problems import Problem
from graph.identifiers import URN_PATTERN
from graph.profile import Profile, get_profile
from web.documents.notice import notice_blocks, to_html, to_markdown
from web.documents.ropa import to_csv, to_xlsx

router = APIRouter(tags=["transparency"])
ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "no such school (with suggestions)"},
    422: {"model": Problem, "description": "an invalid parameter, named"},
    503: {"model": Problem, "description": "the database is not reachable"},
}
Urn = Annotated[str, Path(pattern=URN_PATTERN, examples=["example"])]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RopaDay = Annotated[
    date | None,
    Query(
        description="the day the record is of (YYYY-MM-DD, from 2000-01-01; default today): "
        "flows not in force that day are listed as history",
        examples=["2017-03-01"],
    ),
]

NoticeDay = Annotated[
    date | None,
    Query(
        description="the day the notice is of (YYYY-MM-DD, from 2000-01-01; default today): "
        "flows not in force that day are left out",
        examples=["2017-01-01"],
    ),
]


@router.get(
    "/schools/{urn}/notice",
    response_class=HTMLResponse,
    responses={**ERRORS, 200: {"content": {"text/html": {}, "text/markdown": {}}}},
    summary='"Where does my data go?" for a school\'s pupils or parents',
)
def notice(
    service: TransparencyDep,
    urn: Urn,
    audience: Annotated[str, Query(pattern="^(child|parent)$", examples=["child"])] = "parent",
    format: Annotated[str, Query(pattern="^(html|md)$")] = "html",
    part: Annotated[
        str,
        Query(
            pattern="^(main|places|all)$",
            description="the child version's part: main (a few lines per group of data), "
            "places (every place by name) or all (both); the parent version is always whole",
        ),
    ] = "main",
    as_of: NoticeDay = None,
) -> Response:
    """Each group of data the school holds, who receives it, why, for how long, under which
    law, whether it leaves the UK and what the reader can do; with sources. The child version
    is in short plain sentences, with every place by name behind a link (`part=places`); the
    parent version opens with a summary, then gives every fact the graph holds, group by
    group, with linked references. Both are as of `as_of` (default today)."""
    result = service.notice(urn, as_of)
    blocks = notice_blocks(result, audience, part, base=f"/schools/{urn}/notice")
    if format == "md":
        return PlainTextResponse(to_markdown(blocks), media_type="text/markdown; charset=utf-8")
    return HTMLResponse(to_html(blocks, f"Where does my data go? {result.school.name}"))


@router.get(
    "/schools/{urn}/ropa.csv",
    response_class=PlainTextResponse,
    responses={**ERRORS, 200: {"content": {"text/csv": {}}}},
    summary="A school's record of processing activities (Article 30), as CSV",
)
def ropa_csv(service: TransparencyDep, urn: Urn, as_of: RopaDay = None) -> Response:
    """Controller lines, then one row per system of the school's map and per national flow
    from the school in force on `as_of`, then a History block of the flows that are not."""
    return Response(
        to_csv(service.ropa(urn, as_of)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="ropa-{urn}.csv"'},
    )


@router.get(
    "/schools/{urn}/ropa.xlsx",
    response_class=Response,
    responses={**ERRORS, 200: {"content": {XLSX: {}}}},
    summary="A school's record of processing activities (Article 30), as XLSX",
)
def ropa_xlsx(service: TransparencyDep, urn: Urn, as_of: RopaDay = None) -> Response:
    """The same rows as the CSV, in a spreadsheet: sheets Record of processing, Controller,
    History and Sources (with links)."""
    body = to_xlsx(service.ropa(urn, as_of), f"Record of processing, URN {urn}")
    return Response(
        body,
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="ropa-{urn}.xlsx"'},
    )


@router.get(
    "/schools/{urn}/profile",
    response_model=Profile,
    responses=ERRORS,
    summary="What a school states for its record of processing: contact, ICO number, DPO",
)
def school_profile(db: DbDep, urn: Urn) -> Profile:
    """The school's own statement (null fields were never stated), with the audit entry and
    the moment of its last change. The school changes it with `PUT /schools/{urn}/profile`."""
    return get_profile(db, urn)
