"""Limits: the request size (a body larger than `settings.max_body_bytes` is refused with a
413 problem before any route sees it, whether it says its length up front or streams it), a
reusable sliding-window rate limiter (writes per token: `settings.write_limit` a minute, then a
429 problem with Retry-After), and the count of refused attempts (401, 403, 429) an admin can
list."""

from __future__ import annotations

import json
import math
import threading
import time
from collections import Counter, deque
from datetime import UTC, datetime
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

PROBLEM_JSON = "application/problem+json"


class BodyTooLarge(Exception):
    pass


class BodySizeLimit:
    """Pure ASGI middleware: checks Content-Length, then counts the bytes as they arrive."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    too_big = int(value) > self.max_bytes
                except ValueError:
                    too_big = False
                if too_big:
                    await self._refuse(send)
                    return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, tracking_send)
        except BodyTooLarge:
            if not started:
                await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        body = json.dumps(
            {
                "type": "about:blank",
                "title": "Content Too Large",
                "status": 413,
                "detail": f"the request body is larger than {self.max_bytes} bytes",
                "suggestions": [],
                "errors": [],
            }
        ).encode()
        headers = [
            (b"content-type", PROBLEM_JSON.encode()),
            (b"content-length", str(len(body)).encode()),
        ]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})


# -- rate limits and refused attempts ------------------------------------------------------------


class TooManyRequests(Exception):
    """Over a rate limit: answered as a 429 problem with Retry-After (api/problems.py)."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


class RateLimiter:
    """At most `limit` events per key in any `window` seconds (a sliding window), for one
    process. `hit(key)` counts an event, or raises TooManyRequests saying when to come back.
    Reusable: the API limits writes per token with it; a sign-in page can limit attempts per
    client address the same way."""

    def __init__(self, limit: int, window: float = 60.0, what: str = "requests") -> None:
        self.limit = limit
        self.window = window
        self.what = what
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> None:
        now = time.monotonic()
        with self._lock:
            events = self._events.setdefault(key, deque())
            while events and events[0] <= now - self.window:
                events.popleft()
            if len(events) >= self.limit:
                wait = max(1, math.ceil(events[0] + self.window - now))
                raise TooManyRequests(
                    f"more than {self.limit} {self.what} in {self.window:g} s; "
                    f"try again in {wait} s",
                    wait,
                )
            events.append(now)


class Refusals:
    """Refused attempts (401, 403, 429) since the process started, counted by status, method
    and path; an admin lists them (`GET /refusals`)."""

    def __init__(self) -> None:
        self.started = datetime.now(UTC).isoformat(timespec="seconds")
        self._counts: Counter[tuple[int, str, str]] = Counter()
        self._lock = threading.Lock()

    def count(self, status: int, method: str, path: str) -> None:
        with self._lock:
            self._counts[(status, method, path)] += 1

    def listing(self) -> dict[str, Any]:
        with self._lock:
            rows = sorted(self._counts.items(), key=lambda kv: (-kv[1], kv[0]))
        by_status: Counter[int] = Counter()
        for (status, _, _), n in rows:
            by_status[status] += n
        return {
            "since": self.started,
            "by_status": {str(k): v for k, v in sorted(by_status.items())},
            "refusals": [
                {"status": s, "method": m, "path": p, "count": n} for (s, m, p), n in rows
            ],
        }
