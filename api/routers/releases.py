"""`GET /releases`: the NPD release explorer."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import ExploreDep
from api.problems import Problem
from api.responses import ModelJSON
from graph.explore import ReleasePage

router = APIRouter(tags=["releases"])


@router.get(
    "/releases",
    response_model=ReleasePage,
    responses={422: {"model": Problem}, 404: {"model": Problem}},
    summary="NPD releases and shares, filtered, with counts",
)
def releases(
    explore: ExploreDep,
    recipient_type: Annotated[str | None, Query(max_length=40, examples=["media"])] = None,
    tier: Annotated[int | None, Query(ge=1, le=4)] = None,
    year: Annotated[int | None, Query(ge=1990, le=2100, examples=[2013])] = None,
    dataset: Annotated[str | None, Query(max_length=100, examples=["dataset:npd"])] = None,
    item: Annotated[str | None, Query(max_length=200, examples=["pupil.contact.postcode"])] = None,
    outcome: Annotated[str | None, Query(max_length=20, examples=["approved"])] = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> ModelJSON:
    """Releases of pupil data by the DfE, with counts by year, tier, recipient type and
    outcome over everything that matches the filters (not just this page)."""
    page = explore.releases(recipient_type, tier, year, dataset, item, outcome, offset, limit)
    return ModelJSON(page)
