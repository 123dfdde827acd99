"""Signing in and out of the school workspace: a token pasted once opens a session
(api.sessions); `/workspace` then leads each token to its own place."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse

from api import sessions
from api.deps import DbDep
from api.forms import read_form
from api.limits import RateLimiter
from api.problems import count_refusal
from api.workspace_access import FORGED, Refused, WorkspaceRoute, check_csrf
from graph.tokens import authenticate, hash_secret
from web.render import render

router = APIRouter(include_in_schema=False, route_class=WorkspaceRoute)


@router.get("/signin", response_class=HTMLResponse)
def signin_page(request: Request) -> HTMLResponse:
    return _signin(request, None, 200)


@router.post("/signin", response_class=HTMLResponse)
async def signin(request: Request, db: DbDep) -> Response:
    form = await read_form(request)
    if not sessions.csrf_matches(request.cookies.get(sessions.CSRF_COOKIE), form.one("csrf")):
        raise Refused(403, "The sign-in form had expired", FORGED, "/signin")
    # the SAME sliding-window limiter as writes (api/limits.py): EDFLOWS_SIGNIN_LIMIT attempts a
    # minute per client address, then a 429 problem with Retry-After, counted for GET /refusals
    limiter: RateLimiter = request.app.state.signin_limit
    limiter.hit(sessions.client_address(request))
    secret = form.one("token").strip()
    token = await run_in_threadpool(authenticate, db, secret)
    if token is None:
        count_refusal(request, 403)
        return _signin(request, "That token is unknown or has been revoked.", 403)
    session = sessions.store(request).open(hash_secret(secret))
    answer = RedirectResponse("/workspace", 303)
    sessions.set_session_cookie(request, answer, session)
    answer.delete_cookie(sessions.CSRF_COOKIE, path="/")
    return answer


@router.post("/signout")
async def signout(request: Request, db: DbDep) -> Response:
    form = await read_form(request)
    signed = sessions.signed_in(request, db)
    if signed is not None:
        check_csrf(signed, form)
        sessions.store(request).close(signed.session.id)
    answer = RedirectResponse("/signin", 303)
    sessions.clear_session_cookie(request, answer)
    return answer


@router.get("/workspace")
def workspace(request: Request, db: DbDep) -> Response:
    signed = sessions.signed_in(request, db)
    if signed is None:
        return RedirectResponse("/signin", 303)
    if signed.token.role == "school" and signed.token.urn:
        return RedirectResponse(f"/schools/{signed.token.urn}/edit", 303)
    if signed.token.role == "trust" and signed.token.trust:
        return RedirectResponse(f"/trusts/{signed.token.trust}", 303)
    if signed.token.role == "editor":
        return RedirectResponse("/proposals", 303)
    raise Refused(
        403,
        "No school to edit",
        f"A {signed.token.role} token has no school map to edit in the workspace; "
        "sign in with your school's token.",
        "/signin",
    )


def _signin(request: Request, error: str | None, status: int) -> HTMLResponse:
    csrf = sessions.signin_csrf(request)
    hours = sessions.SESSION_SECONDS // 3600
    html = render("workspace_signin.html", csrf=csrf, error=error, hours=hours)
    answer = HTMLResponse(html, status)
    sessions.set_csrf_cookie(request, answer, csrf)
    return answer
