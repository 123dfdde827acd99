"""Products that are not in the catalogue, in the browser: a school proposes one from its map
editor; editors review the list and accept (it joins the catalogue, citing the school's
privacy-notice address) or reject. Every form carries its CSRF token; each step is audited."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError

from api import sessions
from api.deps import DbDep
from api.forms import read_form
from api.workspace_access import ENDED, Refused, UrnPath, WorkspaceRoute, check_csrf, editor_session
from graph.errors import EdflowsError
from graph.proposals import ProposalIn, proposals, propose, review
from web.render import render

router = APIRouter(include_in_schema=False, route_class=WorkspaceRoute)
ProposalId = Annotated[str, Path(pattern=r"^proposal:[A-Za-z0-9]{1,20}:[0-9a-f]{8}$")]


@router.post("/schools/{urn}/edit/propose")
async def propose_product(request: Request, db: DbDep, urn: UrnPath) -> Response:
    form = await read_form(request)
    signed = editor_session(request, db, urn, form)
    try:
        fields = {"name": form.one("name"), "supplier": form.one("supplier")}
        body = ProposalIn.model_validate({**fields, "url": form.one("url")})
    except ValidationError as exc:
        err = exc.errors()[0]
        field = str(err["loc"][0]) if err["loc"] else "name"
        raise Refused(
            422,
            "The proposal is not complete",
            f"{field}: {err['msg']}. Give the product's name, its supplier and the web address "
            "of its privacy notice.",
            f"/schools/{urn}/edit#propose",
        ) from None
    made = await run_in_threadpool(propose, db, signed.token, urn, body)
    signed.session.flash = f"Proposed “{made.name}”: an editor will review it."
    return RedirectResponse(f"/schools/{urn}/edit#propose", 303)


@router.get("/proposals", response_class=HTMLResponse)
def review_list(request: Request, db: DbDep) -> HTMLResponse:
    signed = sessions.signed_in(request, db)
    if signed is None:
        raise Refused(403, "Please sign in", ENDED, "/signin")
    if signed.token.role != "editor":
        raise Refused(403, "Editors only", "Only an editor token reviews proposed products.")
    flash, signed.session.flash = signed.session.flash, None
    html = render(
        "workspace_proposals.html",
        pending=proposals(db, status="proposed"),
        done=[p for p in proposals(db) if p.status != "proposed"],
        token=signed.token,
        csrf=signed.session.csrf,
        message=flash,
    )
    return HTMLResponse(html)


@router.post("/proposals/{proposal_id}/{decision}")
async def decide(
    request: Request,
    db: DbDep,
    proposal_id: ProposalId,
    decision: Annotated[str, Path(pattern="^(accept|reject)$")],
) -> Response:
    form = await read_form(request)
    signed = sessions.signed_in(request, db)
    if signed is None:
        raise Refused(403, "Please sign in", ENDED, "/signin")
    check_csrf(signed, form)
    try:
        after = await run_in_threadpool(review, db, signed.token, proposal_id, decision == "accept")
    except EdflowsError as exc:
        status = 403 if "only an editor" in exc.message else 422
        raise Refused(status, "Not done", exc.message) from None
    signed.session.flash = (
        f"Accepted “{after.name}”: it is in the catalogue as {after.product_id}."
        if after.status == "accepted"
        else f"Rejected “{after.name}”."
    )
    return RedirectResponse("/proposals", 303)
