"""Where can the data go? `/reach`, `/paths`, `/sources-of` and `/cut`."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.deps import JourneysDep
from api.problems import Problem
from api.responses import ModelJSON
from graph.cut import minimum_cut
from graph.journeys import MAX_HOPS_CAP
from graph.results import CutResult, PathsResult, ReachResult, UpstreamResult

router = APIRouter(tags=["journeys"])
ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "unknown organisation or item (with suggestions)"},
    422: {"model": Problem, "description": "an invalid parameter, named"},
    503: {"model": Problem, "description": "the database is not reachable"},
}

From = Annotated[
    str,
    Query(
        alias="from",
        min_length=1,
        max_length=200,
        description="an organisation id (e.g. body:dfe, school:100000) or a school's URN",
        examples=["100000"],
    ),
]
Item = Annotated[
    str,
    Query(
        min_length=1,
        max_length=200,
        description="a catalogue item id",
        examples=["pupil.contact.postcode"],
    ),
]
Derived = Annotated[
    bool, Query(description="also follow data derived from the item (postcode -> area codes)")
]
AsOf = Annotated[
    date | None,
    Query(description="only flows in force on this day (YYYY-MM-DD)", examples=["2017-01-01"]),
]
Hops = Annotated[int, Query(ge=1, le=MAX_HOPS_CAP, description="the longest path followed")]
Layer = Annotated[
    str | None,
    Query(
        pattern=r"^school:[A-Za-z0-9]{1,12}$",
        description="also follow this school's own layer (its map and flows). Without it an "
        "answer follows the national layer and the catalogue only, plus the origin's own "
        "layer when the origin is a school",
        examples=["school:100000"],
    ),
]


@router.get(
    "/reach",
    response_model=ReachResult,
    responses=ERRORS,
    summary="Where can this item go from here?",
)
def reach(
    journeys: JourneysDep,
    origin: From,
    item: Item,
    include_derived: Derived = False,
    as_of: AsOf = None,
    max_hops: Hops = 10,
    recipient_type: Annotated[
        str | None,
        Query(
            max_length=40, description="only organisations of this type", examples=["commercial"]
        ),
    ] = None,
    layer: Layer = None,
) -> ModelJSON:
    """Every organisation the item can reach from `from`, following only flows that carry it,
    each with ONE shortest witness path and its evidence class, plus a summary."""
    return ModelJSON(
        journeys.reach(origin, item, include_derived, as_of, max_hops, recipient_type, layer)
    )


@router.get(
    "/paths",
    response_model=PathsResult,
    responses=ERRORS,
    summary="How does the item get from one organisation to another?",
)
def paths(
    journeys: JourneysDep,
    origin: From,
    to: Annotated[str, Query(min_length=1, max_length=200, examples=["dataset:npd"])],
    item: Item,
    include_derived: Derived = False,
    as_of: AsOf = None,
    max_hops: Hops = 10,
) -> ModelJSON:
    """The shortest path(s) of the best evidence class, with every hop's detail."""
    return ModelJSON(journeys.paths(origin, to, item, include_derived, as_of, max_hops))


@router.get(
    "/sources-of",
    response_model=UpstreamResult,
    responses=ERRORS,
    summary="Where did the data that reaches this organisation come from?",
)
def sources_of(
    journeys: JourneysDep,
    org: Annotated[str, Query(min_length=1, max_length=200, examples=["body:home-office"])],
    item: Item,
    include_derived: Derived = False,
    as_of: AsOf = None,
    max_hops: Hops = 10,
    limit: Annotated[int, Query(ge=1, le=2000, description="most origins listed")] = 200,
    layer: Layer = None,
) -> ModelJSON:
    """Every organisation from which the item can reach `org` (nearest first), each with one
    path; `total` counts them all. Schools' own layers are not followed unless `layer` names
    one."""
    return ModelJSON(journeys.sources_of(org, item, include_derived, as_of, max_hops, limit, layer))


@router.get(
    "/cut",
    response_model=CutResult,
    responses=ERRORS,
    summary="Which flows, if stopped, keep the item away?",
)
def cut(
    journeys: JourneysDep,
    origin: From,
    to: Annotated[str, Query(min_length=1, max_length=200, examples=["body:home-office"])],
    item: Item,
    include_derived: Derived = False,
    as_of: AsOf = None,
    max_hops: Hops = 10,
) -> ModelJSON:
    """The smallest set of flows whose stopping keeps the item from reaching `to`."""
    return ModelJSON(minimum_cut(journeys, origin, to, item, include_derived, as_of, max_hops))
