"""Dependency aliases for routes: one place, so every route gets the same objects."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from graph.db import Database


def get_db(request: Request) -> Database:
    """The app's one Database (driver created in the lifespan)."""
    db: Database = request.app.state.db
    return db


DbDep = Annotated[Database, Depends(get_db)]
