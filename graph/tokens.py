"""Write tokens: issued once, stored hashed, checked on every request, revoked at once.

A token's secret (`edf_` + 43 URL-safe characters, 256 random bits) is shown only when it is
created. The graph keeps (:Token {id, hash, role, urn, label, created, revoked}) where `hash`
is the SHA-256 of the secret: a request's secret is hashed and looked up through the unique
index on `hash`, so no secret is ever compared character by character, and nothing is cached
between requests, so a revoked token is refused from the very next request.

Roles: `school` (one school's own map and flows, by URN), `trust` (the maps of every school
of one academy trust, by its GIAS trust code), `editor` (the national layer), `admin`
(tokens). Issuing and revoking are changes, recorded in the audit trail.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Literal

from neo4j import ManagedTransaction
from pydantic import BaseModel, Field

from graph import audit
from graph.audit import Actor
from graph.db import Database
from graph.errors import InvalidInput, NotFoundError
from graph.queries import query
from graph.results import Timestamp

Role = Literal["school", "trust", "editor", "admin"]
ROLES: tuple[Role, ...] = ("school", "trust", "editor", "admin")
SECRET_PREFIX = "edf_"


class TokenInfo(BaseModel):
    """A token as listed: everything but its secret and hash."""

    id: str = Field(examples=["tok_3f9a1c2b4d5e"])
    role: Role
    urn: str | None = Field(default=None, description="the school of a school token")
    trust: str | None = Field(default=None, description="the trust code of a trust token")
    label: str | None = None
    created: Timestamp
    revoked: bool
    revoked_at: Timestamp | None = None

    @property
    def actor(self) -> Actor:
        return Actor(f"token:{self.id}", self.role)


class IssuedToken(BaseModel):
    """A new token WITH its secret: shown once, never stored or shown again."""

    token: TokenInfo
    secret: str = Field(description="send as `Authorization: Bearer <secret>`; shown only once")


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(
    db: Database,
    role: str,
    urn: str | None,
    label: str | None,
    actor: Actor,
    trust: str | None = None,
) -> IssuedToken:
    """Issue a token (a school token needs the URN of a school in the graph, a trust token the
    code of a trust in the graph)."""
    if role not in ROLES:
        raise InvalidInput(f"unknown role {role!r}; roles: {', '.join(ROLES)}")
    if role == "school" and not urn:
        raise InvalidInput("a school token needs --urn, the URN of the school it may edit")
    if role != "school" and urn:
        raise InvalidInput(f"only a school token has a URN (this one is {role})")
    if role == "trust" and not trust:
        raise InvalidInput("a trust token needs --trust, the GIAS code of the trust it may edit")
    if role != "trust" and trust:
        raise InvalidInput(f"only a trust token has a trust code (this one is {role})")
    if urn and not db.read("get_school", urn=urn):
        raise NotFoundError("school", urn)
    if trust and not db.read("get_trust", code=trust):
        raise NotFoundError("trust", f"trust:{trust}")
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    props = {
        "id": f"tok_{secrets.token_hex(6)}",
        "hash": hash_secret(secret),
        "role": role,
        "urn": urn,
        "trust": trust,
        "label": label,
    }

    def work(tx: ManagedTransaction) -> TokenInfo:
        row = tx.run(
            query("create_token"), props={k: v for k, v in props.items() if v is not None}
        ).single()
        assert row is not None
        info = TokenInfo.model_validate(row["token"])
        shown = info.model_dump(exclude_none=True)
        audit.record(tx, actor, "token.create", info.id, None, shown, urn=urn)
        return info

    return IssuedToken(token=db.write_tx(work), secret=secret)


def list_tokens(db: Database) -> list[TokenInfo]:
    return [TokenInfo.model_validate(r["token"]) for r in db.read("list_tokens")]


def revoke_token(db: Database, token_id: str, actor: Actor) -> TokenInfo:
    """Revoke at once; revoking a revoked token changes nothing and records nothing."""

    def work(tx: ManagedTransaction) -> TokenInfo:
        row = tx.run(query("revoke_token"), id=token_id).single()
        if row is None:
            raise NotFoundError("token", token_id)
        after = TokenInfo.model_validate(row["after"])
        if not row["before"]["revoked"]:
            before = TokenInfo.model_validate(row["before"]).model_dump(exclude_none=True)
            shown = after.model_dump(exclude_none=True)
            audit.record(tx, actor, "token.revoke", token_id, before, shown, urn=after.urn)
        return after

    return db.write_tx(work)


def authenticate(db: Database, secret: str) -> TokenInfo | None:
    """The live (unrevoked) token with this secret, or None. Reads the graph every time."""
    if not secret.startswith(SECRET_PREFIX) or len(secret) > 200:
        return None
    return authenticate_hash(db, hash_secret(secret))


def authenticate_hash(db: Database, token_hash: str) -> TokenInfo | None:
    """The live token with this secret's hash, or None: a browser session keeps only the hash
    of the token it was opened with and looks it up again on every request."""
    # routed as a write: on a cluster the leader answers, so a revocation counts at once
    rows = db.write("token_by_hash", hash=token_hash)
    if not rows:
        return None
    info = TokenInfo.model_validate(rows[0]["token"])
    return None if info.revoked else info
