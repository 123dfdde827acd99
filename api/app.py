"""The HTTP app: built by `create_app()`, one router per feature, errors as JSON problems.

The Neo4j driver is created once in the lifespan and kept on `app.state`; each request gets a
`Database` through the dependency in `api.deps`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api import problems
from api.html_errors import HtmlErrors
from api.limits import BodySizeLimit
from api.routers import (
    docs,
    edit,
    explore,
    flows,
    health,
    journeys,
    pages,
    releases,
    transparency,
    trust,
    workspace,
)
from api.runtime import tune_gc
from api.sessions import SessionStore, SignInLimit
from graph.db import Database
from graph.items import ItemIndexCache
from graph.settings import Settings, get_settings
from graph.stepcache import StepCache

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
    workspace.router,
]


def create_app(settings: Settings | None = None) -> FastAPI:
    """A new app bound to `settings` (default: from the environment)."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.db = Database(settings)
        app.state.items = ItemIndexCache()
        app.state.steps = StepCache()  # reach steps and sources, per graph generation
        app.state.sessions = SessionStore()  # the school workspace's browser sessions
        app.state.signin_limit = SignInLimit()
        tune_gc()
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
    for router in ROUTERS:
        app.include_router(router)
    return app
