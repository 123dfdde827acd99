"""`GET /healthz`: is the API up, and can it reach Neo4j?"""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.deps import DbDep

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str = Field(examples=["ok"])
    neo4j_version: str = Field(examples=["5.26.30"])
    neo4j_edition: str = Field(examples=["community"])


@router.get("/healthz", response_model=Health, summary="Health of the API and its database")
def healthz(db: DbDep) -> Health:
    """`ok` with the Neo4j version; 503 when Neo4j cannot be reached."""
    info = db.ping()
    return Health(status="ok", neo4j_version=info["version"], neo4j_edition=info["edition"])
