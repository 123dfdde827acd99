"""Dependency aliases for routes: one place, so every route gets the same objects."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from graph.db import Database
from graph.explore import ExploreService
from graph.items import ItemIndexCache
from graph.journeys import JourneyService
from graph.stepcache import StepCache


def get_db(request: Request) -> Database:
    """The app's one Database (driver created in the lifespan)."""
    db: Database = request.app.state.db
    return db


def get_journeys(request: Request) -> JourneyService:
    items: ItemIndexCache = request.app.state.items
    steps: StepCache = request.app.state.steps
    return JourneyService(get_db(request), items, steps)


def get_explore(request: Request) -> ExploreService:
    items: ItemIndexCache = request.app.state.items
    steps: StepCache = request.app.state.steps
    return ExploreService(get_db(request), items, steps)


DbDep = Annotated[Database, Depends(get_db)]
JourneysDep = Annotated[JourneyService, Depends(get_journeys)]
ExploreDep = Annotated[ExploreService, Depends(get_explore)]
