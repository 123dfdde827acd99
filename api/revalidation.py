"""HTTP caching of public answers: an ETag made from the graph's generation, 304 Not Modified
for a client that already has the answer, and Cache-Control on every GET.

Every answer edflows gives is a function of the graph, and the graph's generation
(graph/generation.py) moves with every change. So a public GET answer's ETag is a hash of the
generation, the path and query, and the Accept header (a browser gets HTML errors, a client
JSON): while the graph stays the same, the same question has the same tag. A request whose
`If-None-Match` holds it gets a 304 before any query runs; one small indexed read (the
generation) is the whole cost. Answers carry `Cache-Control: no-cache` (keep it, but ask again
each time: the graph can change at any moment) and `Vary: Accept, Accept-Encoding`.

Requests that are not public get no tag and `Cache-Control: private, no-store`: those with a
token (Authorization) or a workspace session cookie, and any answer that sets a cookie. With
Neo4j down there is no generation to tag with: the answer goes through untagged, `no-store`.
"""

from __future__ import annotations

import hashlib

import anyio.to_thread
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.sessions import COOKIE
from graph.db import Database
from graph.errors import DatabaseUnavailable
from graph.generation import current

GENERATION = "graph_generation"  # request.state key: the generation read for this request
DOWN = "neo4j-down"  # ... or this, when Neo4j did not answer
PUBLIC = "no-cache"
PRIVATE = "private, no-store"
VARY = "Accept, Accept-Encoding"


def entity_tag(generation: str, path: str, query: str, accept: str) -> str:
    """The weak ETag of a public answer: the same for the same question on the same graph."""
    key = "\n".join((generation, path, query, accept)).encode()
    return 'W/"' + hashlib.sha256(key).hexdigest()[:32] + '"'


def matches(if_none_match: str | None, tag: str) -> bool:
    """Whether an If-None-Match header names `tag` (weak comparison, RFC 9110 13.1.2)."""
    if not if_none_match:
        return False
    wanted = tag.removeprefix("W/")
    for candidate in if_none_match.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == wanted:
            return True
    return False


class Revalidation:
    """Pure ASGI middleware: ETag, 304 and Cache-Control for GET and HEAD answers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        private = "authorization" in headers or f"{COOKIE}=" in headers.get("cookie", "")
        tag = None if private else await self._tag(scope, headers)
        if tag is not None and matches(headers.get("if-none-match"), tag):
            await send(
                {
                    "type": "http.response.start",
                    "status": 304,
                    "headers": [
                        (b"etag", tag.encode()),
                        (b"cache-control", PUBLIC.encode()),
                        (b"vary", VARY.encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": b""})
            return

        async def tagging(message: Message) -> None:
            if message["type"] == "http.response.start":
                out = MutableHeaders(scope=message)
                if "cache-control" not in out:
                    public = tag is not None and "set-cookie" not in out
                    out["cache-control"] = PUBLIC if public else PRIVATE
                    if public and message["status"] == 200 and tag is not None:
                        out["etag"] = tag
                        out["vary"] = VARY
            await send(message)

        await self.app(scope, receive, tagging)

    @staticmethod
    async def _tag(scope: Scope, headers: Headers) -> str | None:
        state = getattr(scope.get("app"), "state", None)
        db: Database | None = getattr(state, "db", None)
        if db is None:
            return None
        state = scope.setdefault("state", {})
        try:
            generation = await anyio.to_thread.run_sync(current, db)
        except DatabaseUnavailable:
            state[GENERATION] = DOWN  # the request's cache need not ask again
            return None
        state[GENERATION] = (generation,)  # read once: the request's cache syncs to it
        if generation is None:
            return None
        query = scope.get("query_string", b"").decode("latin-1")
        return entity_tag(generation, scope["path"], query, headers.get("accept", ""))
