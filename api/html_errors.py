"""Error answers a person can read: when a browser asks for HTML (its Accept names text/html)
and a route answers an error as a problem document, the problem is shown as an HTML page with
the same status, wording and suggestions, and links on.

Pure ASGI middleware, so it covers every route (pages, the JSON API, the documents, even a
path no route knows) without touching their handlers. Clients that ask for JSON (the API's
users, the pages' own fetches) keep the problem+json answer.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from web.render import render

PROBLEM_TYPES = (b"application/problem+json", b"application/json")


def wants_html(scope: Scope) -> bool:
    """A browser's navigation: GET or HEAD with text/html in its Accept header."""
    if scope.get("method") not in {"GET", "HEAD"}:
        return False
    for name, value in scope.get("headers", []):
        if name == b"accept":
            return b"text/html" in value
    return False


def error_page(status: int, problem: dict[str, Any], path: str) -> bytes:
    """The HTML page for a problem document answered on `path`."""
    suggestions = [s for s in problem.get("suggestions") or [] if isinstance(s, str) and s]
    errors = [e for e in problem.get("errors") or [] if isinstance(e, dict)]
    html = render(
        "error.html",
        status=status,
        title=str(problem.get("title") or "Error"),
        detail=str(problem.get("detail") or ""),
        suggestions=suggestions,
        errors=errors,
        path=path,
    )
    return html.encode()


class HtmlErrors:
    """Turns a problem+json error into an HTML page for a browser's navigation."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not wants_html(scope):
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers", []))
                is_problem = headers.get(b"content-type", b"").split(b";")[0] in PROBLEM_TYPES
                if message["status"] >= 400 and is_problem:
                    start = message
                    return
                await send(message)
            elif message["type"] == "http.response.body" and start is not None:
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    await self._answer(start, b"".join(chunks), scope, send)
            else:
                await send(message)

        await self.app(scope, receive, capture)

    async def _answer(self, start: Message, body: bytes, scope: Scope, send: Send) -> None:
        try:
            problem = json.loads(body or b"{}")
        except ValueError:
            problem = {}
        if not isinstance(problem, dict):
            problem = {}
        page = error_page(start["status"], problem, scope.get("path", ""))
        keep = [
            (k, v)
            for k, v in start.get("headers", [])
            if k not in {b"content-type", b"content-length"}
        ]
        headers = [
            *keep,
            (b"content-type", b"text/html; charset=utf-8"),
            (b"content-length", str(len(page)).encode()),
        ]
        await send({"type": "http.response.start", "status": start["status"], "headers": headers})
        await send(
            {"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else page}
        )
