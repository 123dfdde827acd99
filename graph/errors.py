"""Errors that edflows shows to people: one clear line, plus detail on request."""

from __future__ import annotations


class EdflowsError(Exception):
    """An error a user can act on: `message` is one line; `detail` is shown with --verbose."""

    def __init__(self, message: str, detail: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail


class NotFoundError(EdflowsError):
    """An id that is not in the graph; `suggestions` are near misses that are."""

    def __init__(
        self, kind: str, key: str, suggestions: list[str] | None = None, by: str = "id"
    ) -> None:
        """`by`: what `key` is ("id", or "URN" for a school asked for by its URN)."""
        self.kind = kind
        self.key = key
        self.suggestions = suggestions or []
        hint = f" Did you mean: {', '.join(self.suggestions)}?" if self.suggestions else ""
        shown = key if by == "URN" else repr(key)
        super().__init__(f"no {kind} with {by} {shown}.{hint}")


class DatabaseUnavailable(EdflowsError):
    """Neo4j cannot be reached."""


class Unauthorized(EdflowsError):
    """A write without a live token (none, unknown or revoked): HTTP 401."""


class Forbidden(EdflowsError):
    """A live token whose role or school does not cover the change: HTTP 403."""


class Conflict(EdflowsError):
    """The change clashes with what is there (an id already taken, a flow already retired)."""


class InvalidInput(EdflowsError):
    """Well-formed input that asks for something impossible (HTTP 422)."""
