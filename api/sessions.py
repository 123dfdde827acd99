"""Browser sessions for the school workspace: a token pasted once, a cookie after that.

The server keeps each session (in memory, on `app.state`): a random id in an HttpOnly,
SameSite=Strict cookie (Secure when the request came over https) names it. A session holds
only the SHA-256 hash of the token it was opened with, never its secret, and the token is
looked up again on EVERY request (`graph.tokens.authenticate_hash`): revoking the token ends
the session at the next request. Sessions expire after `SESSION_SECONDS`; sign-out ends one
at once. Every form carries the session's CSRF token (before sign-in, a CSRF cookie of its
own, double-submit); a POST without the right one is refused with a 403 page. Failed sign-in
attempts are limited per client address (`SignInLimit`).

Sessions live in one process: a restart signs everyone out (they paste their token again).
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request, Response

from graph.db import Database
from graph.tokens import TokenInfo, authenticate_hash

COOKIE = "edflows_session"
CSRF_COOKIE = "edflows_csrf"
SESSION_SECONDS = 8 * 60 * 60
MAX_SESSIONS = 10_000
SIGNIN_ATTEMPTS = 10  # failed sign-ins per client address ...
SIGNIN_WINDOW = 60.0  # ... per this many seconds


@dataclass
class Session:
    """One signed-in browser: the token's hash (never its secret), a CSRF token, a draft."""

    id: str
    token_hash: str
    csrf: str
    expires: float
    drafts: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # urn -> map rows
    origins: dict[str, str] = field(default_factory=dict)  # urn -> where the draft started
    flash: str | None = None  # a message for the next page (after a redirect)


class SessionStore:
    """The process's sessions, by id; thread-safe (routes run in a thread pool)."""

    def __init__(self, lifetime: float = SESSION_SECONDS, clock: Any = time.monotonic) -> None:
        self.lifetime = lifetime
        self.clock = clock
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    def open(self, token_hash: str) -> Session:
        with self._lock:
            self._drop_expired()
            if len(self._sessions) >= MAX_SESSIONS:
                oldest = min(self._sessions.values(), key=lambda s: s.expires)
                del self._sessions[oldest.id]
            session = Session(
                id=secrets.token_urlsafe(32),
                token_hash=token_hash,
                csrf=secrets.token_urlsafe(32),
                expires=self.clock() + self.lifetime,
            )
            self._sessions[session.id] = session
            return session

    def get(self, session_id: str | None) -> Session | None:
        """The live session with this id, or None (an expired one is dropped)."""
        if not session_id:
            return None
        with self._lock:
            session = self._sessions.get(session_id)
            if session is not None and session.expires <= self.clock():
                del self._sessions[session_id]
                return None
            return session

    def close(self, session_id: str | None) -> None:
        with self._lock:
            self._sessions.pop(session_id or "", None)

    def expire(self, session_id: str) -> None:
        """End a session as if its time had run out (tests, and a revoked token)."""
        with self._lock:
            if session_id in self._sessions:
                self._sessions[session_id].expires = 0.0

    def _drop_expired(self) -> None:
        now = self.clock()
        for key in [k for k, s in self._sessions.items() if s.expires <= now]:
            del self._sessions[key]


class SignInLimit:
    """At most SIGNIN_ATTEMPTS failed sign-ins per client address per SIGNIN_WINDOW seconds."""

    def __init__(self, attempts: int = SIGNIN_ATTEMPTS, window: float = SIGNIN_WINDOW) -> None:
        self.attempts = attempts
        self.window = window
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def blocked(self, client: str) -> bool:
        with self._lock:
            recent = self._recent(client)
            return len(recent) >= self.attempts

    def failed(self, client: str) -> None:
        with self._lock:
            self._recent(client).append(time.monotonic())

    def _recent(self, client: str) -> deque[float]:
        recent = self._failures.setdefault(client, deque())
        while recent and recent[0] <= time.monotonic() - self.window:
            recent.popleft()
        return recent


@dataclass
class SignedIn:
    """The request's session and its live token."""

    session: Session
    token: TokenInfo


def store(request: Request) -> SessionStore:
    sessions: SessionStore = request.app.state.sessions
    return sessions


def signed_in(request: Request, db: Database) -> SignedIn | None:
    """The request's live session and token; None when there is no session, it expired, or
    its token has been revoked since (then the session is ended too)."""
    sessions = store(request)
    session = sessions.get(request.cookies.get(COOKIE))
    if session is None:
        return None
    token = authenticate_hash(db, session.token_hash)
    if token is None:
        sessions.close(session.id)
        return None
    return SignedIn(session, token)


def csrf_matches(expected: str | None, given: str | None) -> bool:
    """A constant-time comparison; a missing value on either side never matches."""
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


def set_session_cookie(request: Request, response: Response, session: Session) -> None:
    response.set_cookie(
        COOKIE,
        session.id,
        max_age=SESSION_SECONDS,
        httponly=True,
        samesite="strict",
        secure=is_https(request),
        path="/",
    )


def clear_session_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(
        COOKIE, httponly=True, samesite="strict", secure=is_https(request), path="/"
    )


def signin_csrf(request: Request) -> str:
    """The pre-sign-in CSRF value: the cookie's, or a new one (set it with `set_csrf_cookie`)."""
    return request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)


def set_csrf_cookie(request: Request, response: Response, value: str) -> None:
    response.set_cookie(
        CSRF_COOKIE,
        value,
        max_age=SESSION_SECONDS,
        httponly=True,
        samesite="strict",
        secure=is_https(request),
        path="/",
    )


def is_https(request: Request) -> bool:
    return request.url.scheme == "https"


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"
