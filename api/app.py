"""The HTTP app: built by `create_app()`, one router per feature, errors as JSON problems.

The Neo4j driver is created once in the lifespan and kept on `app.state`; each request gets a
`Database` through the dependency in `api.deps`, and a snapshot of the app's one cache
(`app.state.cache`, graph/cache.py) synced once per request.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.middleware.gzip import GZipMiddleware

from api import problems
from api.html_errors import HtmlErrors
from api.limits import BodySizeLimit, RateLimiter, Refusals
from api.revalidation import Revalidation
from api.routers import (
    docs,
    edit,
    explore,
    flows,
    health,
    journeys,
    pages,
    proposals,
    releases,
    signin,
    transparency,
    trust,
    trust_view,
    workspace,
)
from api.sessions import SessionStore
from graph.cache import GraphCache
from graph.db import Database
from graph.runtime import limit_malloc_arenas, tune_gc
from graph.settings import Settings, get_settings

ROUTERS = [
    health.router,
    journeys.router,
    explore.router,
    releases.router,
    flows.router,
    pages.router,
    transparency.router,
    edit.router,
    trust.router,
    docs.router,
    signin.router,
    workspace.router,
    trust_view.router,
    proposals.router,
]


GZIP_FROM = 1024  # bytes: smaller answers are sent as they are
# zlib level 5: on a 0.96 MB reach answer it gives 45 KB in 5 ms, level 9 39 KB in 9 ms, level 1
# 83 KB in 3 ms (measured 2026-12-02 on this project's 2-core machine; BENCHMARKS.md)
GZIP_LEVEL = 5


def create_app(settings: Settings | None = None) -> FastAPI:
    """A new app bound to `settings` (default: from the environment)."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.db = Database(settings)
        # the ONE cache: steps, catalogue, notices, per graph generation (graph/cache.py)
        app.state.cache = GraphCache()
        app.state.sessions = SessionStore()  # the school workspace's browser sessions
        app.state.signin_limit = RateLimiter(settings.signin_limit, 60.0, "sign-in attempts")
        app.state.write_limit = RateLimiter(settings.write_limit, 60.0, "writes per token")
        app.state.refusals = Refusals()  # 401, 403 and 429 answers, for GET /refusals
        tune_gc()
        limit_malloc_arenas()  # before the thread pool's threads make arenas of their own
        try:
            yield
        finally:
            app.state.db.close()

    app = FastAPI(
        title="edflows",
        summary="Where children's data goes in English education.",
        description=(
            "Path queries over a knowledge graph of data flows from schools, through their "
            "suppliers, local authorities and the DfE, to the National Pupil Database and its "
            "recipients. Every node and flow names its sources."
        ),
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,  # served by api/routers/docs.py from the app's own files
        redoc_url=None,
    )
    problems.install(app)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(HtmlErrors)  # a browser gets its errors as a page, not JSON
    app.add_middleware(Revalidation)  # ETag from the graph's generation, 304, Cache-Control
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_FROM, compresslevel=GZIP_LEVEL)
    for router in ROUTERS:
        app.include_router(router)
    return app
