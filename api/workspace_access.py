"""What every workspace page shares: refusals shown as short HTML pages (403, 404, 422), the
session that may edit a school's map, and the CSRF check of every form."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Path, Request, Response
from fastapi.responses import HTMLResponse

from api import sessions
from api.forms import FormData
from api.routers.pages import PageRoute
from api.sessions import SignedIn
from graph.db import Database
from graph.editing import may_edit_map
from web.render import render

UrnPath = Annotated[str, Path(pattern=r"^[A-Za-z0-9]{1,20}$", examples=["example"])]


class Refused(Exception):
    """A request the workspace refuses: shown as a short page, nothing written."""

    def __init__(self, status: int, title: str, detail: str, back: str | None = None) -> None:
        super().__init__(detail)
        self.status, self.title, self.detail, self.back = status, title, detail, back


class WorkspaceRoute(PageRoute):
    """A page route whose refusals are HTML pages (and the database's failures, as pages')."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def refusing(request: Request) -> Response:
            try:
                return await handler(request)
            except Refused as exc:
                html = render(
                    "workspace_error.html",
                    title=exc.title,
                    detail=exc.detail,
                    back=exc.back,
                    back_label=None,
                )
                return HTMLResponse(html, exc.status)

        return refusing


FORGED = (
    "The form did not carry this session's security token (CSRF), so it was refused. "
    "Reload the page and send the form again."
)
ENDED = (
    "You are not signed in: the session has expired, was signed out, or its token has been "
    "revoked. Sign in again with your school's token."
)


def editor_session(
    request: Request, db: Database, urn: str, form: FormData | None = None
) -> SignedIn:
    """The signed-in session that may edit `urn`'s map, or a refusal (403)."""
    signed = sessions.signed_in(request, db)
    if signed is None:
        raise Refused(403, "Please sign in", ENDED, "/signin")
    if form is not None:
        check_csrf(signed, form)
    token = signed.token
    if not may_edit_map(db, token, urn):
        if token.role == "school":
            detail = f"This session's token may edit URN {token.urn}'s map, not URN {urn}'s."
            mine = f"/schools/{token.urn}/edit"
        elif token.role == "trust":
            detail = f"URN {urn} is not a school of trust {token.trust}, which this token edits."
            mine = f"/trusts/{token.trust}"
        else:
            detail, mine = f"A {token.role} token cannot edit a school's map.", None
        raise Refused(403, "Not your school", detail, mine)
    return signed


def check_csrf(signed: SignedIn, form: FormData) -> None:
    if not sessions.csrf_matches(signed.session.csrf, form.one("csrf")):
        raise Refused(403, "The form was refused", FORGED)
