"""Bearer tokens for the write endpoints: a FastAPI security scheme, so OpenAPI documents it.

Every request with a token looks it up again (by the hash of its secret): nothing is cached,
so a token revoked a moment ago is refused on the very next request. No token, an unknown
token or a revoked one is a 401 with `WWW-Authenticate: Bearer`; a live token whose role does
not cover the change is a 403 (see graph.editing).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.deps import DbDep
from api.limits import RateLimiter
from api.problems import Problem
from graph.errors import Forbidden, InvalidInput, Unauthorized
from graph.guard import check_structure
from graph.tokens import TokenInfo, authenticate

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="bearerToken",
    description="A write token from `edflows token create` (school, editor or admin).",
)


def current_token(
    request: Request,
    db: DbDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> TokenInfo:
    """The request's live token, or 401; over the token's write limit, 429 (api/limits.py)."""
    if credentials is None:
        raise Unauthorized("this change needs a write token: send `Authorization: Bearer <token>`")
    token = authenticate(db, credentials.credentials)
    if token is None:
        raise Unauthorized("the token is unknown or has been revoked")
    if request.method not in ("GET", "HEAD"):
        limiter: RateLimiter = request.app.state.write_limit
        limiter.hit(token.id)
    return token


TokenDep = Annotated[TokenInfo, Depends(current_token)]


def admin_token(token: TokenDep) -> TokenInfo:
    if token.role != "admin":
        raise Forbidden(f"only an admin token manages tokens; this is a {token.role} token")
    return token


AdminDep = Annotated[TokenInfo, Depends(admin_token)]


async def refuse_pupil_data(request: Request) -> None:
    """The loaders' pupil-level guard over a JSON request body, before it is validated."""
    body = await request.body()
    if not body or "json" not in request.headers.get("content-type", ""):
        return
    try:
        data = await request.json()
    except ValueError:
        return  # not JSON: the body's own validation answers with a 422
    except RecursionError:
        raise InvalidInput("the request body is nested too deeply") from None
    try:
        check_structure("request body", data)
    except RecursionError:
        raise InvalidInput("the request body is nested too deeply") from None


WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {
        "model": Problem,
        "description": "no token, an unknown one or a revoked one (WWW-Authenticate: Bearer)",
    },
    403: {"model": Problem, "description": "the token's role or school does not cover this"},
    404: {"model": Problem, "description": "what the change names is not in the graph"},
    409: {"model": Problem, "description": "the id is taken, or the change is already made"},
    413: {"model": Problem, "description": "the request body is too large"},
    422: {
        "model": Problem,
        "description": "invalid input (with line and column), or pupil-level data refused whole",
    },
    503: {"model": Problem, "description": "the database is not reachable"},
}
