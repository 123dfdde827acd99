"""Errors as RFC 9457 problem documents (application/problem+json), never a stack trace."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.limits import Refusals, TooManyRequests
from graph.cache import Busy
from graph.db import QueryTimeout
from graph.errors import (
    Conflict,
    DatabaseUnavailable,
    EdflowsError,
    Forbidden,
    InvalidInput,
    NotFoundError,
    Unauthorized,
)
from graph.guard import PupilDataRefused
from graph.loadplan import LoadError, MissingReferences

log = logging.getLogger("edflows.api")
PROBLEM_JSON = "application/problem+json"


class Problem(BaseModel):
    """An error answer: what went wrong, and what to do."""

    type: str = Field(default="about:blank", examples=["about:blank"])
    title: str = Field(examples=["Not Found"])
    status: int = Field(examples=[404])
    detail: str = Field(examples=["no organisation with id 'school:99999999'"])
    suggestions: list[str] = Field(default_factory=list, examples=[["school:example"]])
    errors: list[dict[str, Any]] = Field(default_factory=list)


def problem(
    status: int, title: str, detail: str, headers: dict[str, str] | None = None, **extra: Any
) -> JSONResponse:
    body = Problem(title=title, status=status, detail=detail, **extra)
    return JSONResponse(
        body.model_dump(), status_code=status, media_type=PROBLEM_JSON, headers=headers
    )


COMMON_ERRORS = {
    "503": "the database is not reachable (with Retry-After)",
    "504": "the query took too long and was cancelled",
}


def document(app: FastAPI) -> None:
    """Make the OpenAPI schema say what the handlers below do: every error answer of every
    operation is a Problem as application/problem+json (FastAPI would say application/json,
    and a validation error body it never sends); 503 and 504 can come from any operation, 413
    from any that takes a body. Covers routes added later too."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        spec = build()
        schemas = spec.setdefault("components", {}).setdefault("schemas", {})
        schemas["Problem"] = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        ref = {"$ref": "#/components/schemas/Problem"}
        for methods in spec.get("paths", {}).values():
            for op in methods.values():
                responses = op.setdefault("responses", {})
                extra = dict(COMMON_ERRORS)
                if "requestBody" in op:
                    extra["413"] = "the request body is too large"
                for code, text in extra.items():
                    responses.setdefault(code, {"description": text})
                for code, response in responses.items():
                    if code[0] in "45":
                        response["content"] = {PROBLEM_JSON: {"schema": ref}}
        schemas.pop("HTTPValidationError", None)
        schemas.pop("ValidationError", None)
        app.openapi_schema = spec
        return spec

    app.openapi = openapi  # type: ignore[method-assign]


def count_refusal(request: Request, status: int) -> None:
    """Count a refused attempt (listed by an admin at GET /refusals)."""
    refusals: Refusals | None = getattr(request.app.state, "refusals", None)
    if refusals is not None:
        route = request.scope.get("route")
        path = getattr(route, "path", None) or request.url.path
        refusals.count(status, request.method, str(path))


def install(app: FastAPI) -> None:
    """Register the handlers that turn exceptions into problem documents."""
    document(app)

    @app.exception_handler(NotFoundError)
    async def not_found(request: Request, exc: NotFoundError) -> JSONResponse:
        return problem(404, "Not Found", exc.message, suggestions=exc.suggestions)

    @app.exception_handler(Unauthorized)
    async def unauthorized(request: Request, exc: Unauthorized) -> JSONResponse:
        count_refusal(request, 401)
        return problem(401, "Unauthorized", exc.message, headers={"WWW-Authenticate": "Bearer"})

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> JSONResponse:
        count_refusal(request, 403)
        return problem(403, "Forbidden", exc.message)

    @app.exception_handler(TooManyRequests)
    async def too_many(request: Request, exc: TooManyRequests) -> JSONResponse:
        count_refusal(request, 429)
        headers = {"Retry-After": str(exc.retry_after)}
        return problem(429, "Too Many Requests", exc.message, headers=headers)

    @app.exception_handler(Conflict)
    async def conflict(request: Request, exc: Conflict) -> JSONResponse:
        return problem(409, "Conflict", exc.message)

    @app.exception_handler(PupilDataRefused)
    async def pupil_data(request: Request, exc: PupilDataRefused) -> JSONResponse:
        log.warning("refused pupil-level data on %s %s", request.method, request.url.path)
        return problem(422, "Pupil-Level Data Refused", exc.message, suggestions=[exc.detail or ""])

    @app.exception_handler(LoadError)
    async def bad_input(request: Request, exc: LoadError) -> JSONResponse:
        where = {"line": exc.line, "column": exc.column}
        error = {"message": exc.message, **{k: v for k, v in where.items() if v is not None}}
        return problem(422, "Invalid Input", exc.message, errors=[error])

    @app.exception_handler(MissingReferences)
    async def missing(request: Request, exc: MissingReferences) -> JSONResponse:
        return problem(422, "Unknown References", exc.message)

    @app.exception_handler(InvalidInput)
    async def invalid_input(request: Request, exc: InvalidInput) -> JSONResponse:
        return problem(422, "Invalid Input", exc.message)

    @app.exception_handler(DatabaseUnavailable)
    async def unavailable(request: Request, exc: DatabaseUnavailable) -> JSONResponse:
        return problem(
            503,
            "Service Unavailable",
            "The graph database is not reachable right now; try again shortly.",
            headers={"Retry-After": "5"},
        )

    @app.exception_handler(Busy)
    async def busy(request: Request, exc: Busy) -> JSONResponse:
        return problem(503, "Service Busy", exc.message, headers={"Retry-After": "5"})

    @app.exception_handler(QueryTimeout)
    async def timeout(request: Request, exc: QueryTimeout) -> JSONResponse:
        return problem(504, "Query Timeout", f"{exc.message}. {exc.detail or ''}".strip())

    @app.exception_handler(EdflowsError)
    async def bad_request(request: Request, exc: EdflowsError) -> JSONResponse:
        return problem(400, "Bad Request", exc.message)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        """Starlette's own errors (no such route, wrong method, body too large) as problems."""
        title = HTTPStatus(exc.status_code).phrase
        headers = dict(exc.headers) if exc.headers else None
        return problem(exc.status_code, title, str(exc.detail), headers=headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {
                "parameter": ".".join(str(p) for p in err["loc"][1:]) or str(err["loc"][0]),
                "in": str(err["loc"][0]),
                "message": err["msg"],
            }
            for err in exc.errors()
        ]
        names = ", ".join(sorted({e["parameter"] for e in errors}))
        return problem(422, "Invalid Parameters", f"invalid parameter(s): {names}", errors=errors)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s", request.url.path)
        return problem(500, "Internal Server Error", "An unexpected error happened; it is logged.")
