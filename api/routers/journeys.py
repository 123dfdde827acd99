"""Where can the data go? `/reach`, `/paths`, `/sources-of` and `/cut`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from api.deps import JourneyQueryDep, JourneysDep, UpstreamQueryDep
from api.problems import Problem
from api.responses import shared_json
from graph.compact import (
    CompactPaths,
    CompactReach,
    CompactUpstream,
    compact_paths,
    compact_reach,
    compact_upstream,
)
from graph.cut import minimum_cut
from graph.results import CutResult

router = APIRouter(tags=["journeys"])
ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "unknown organisation or item (with suggestions)"},
    422: {"model": Problem, "description": "an invalid parameter, named"},
    503: {"model": Problem, "description": "the database is not reachable"},
}

Layer = Annotated[
    str | None,
    Query(
        pattern=r"^school:[A-Za-z0-9]{1,12}$",
        description="also follow this school's own layer (its map and flows). Without it an "
        "answer follows the national layer and the catalogue only, plus the origin's own "
        "layer when the origin is a school",
        examples=["school:example"],
    ),
]


@router.get(
    "/reach",
    response_model=CompactReach,
    responses=ERRORS,
    summary="Where can this item go from here?",
)
def reach(
    journeys: JourneysDep,
    q: JourneyQueryDep,
    recipient_type: Annotated[
        str | None,
        Query(
            max_length=40, description="only organisations of this type", examples=["commercial"]
        ),
    ] = None,
    layer: Layer = None,
) -> Response:
    """Every organisation the item can reach from `from`, following only flows that carry it,
    each with ONE shortest witness path and its evidence class, plus a summary. Compact: each
    path is a list of flow ids; every flow's hop is once in `flows`, every source once in
    `sources` (see the README, "Answer shape")."""
    asked = q.model_copy(update={"layer": layer})
    return shared_json(
        journeys.cache,
        "reach",
        (asked.model_dump_json(), recipient_type),
        lambda: compact_reach(journeys.reach(asked, recipient_type)),
    )


@router.get(
    "/paths",
    response_model=CompactPaths,
    responses=ERRORS,
    summary="How does the item get from one organisation to another?",
)
def paths(
    journeys: JourneysDep,
    q: JourneyQueryDep,
    to: Annotated[str, Query(min_length=1, max_length=200, examples=["dataset:npd"])],
) -> Response:
    """The shortest path(s) of the best evidence class, each a list of flow ids; every hop's
    detail once in `flows`, every source once in `sources`."""
    return shared_json(
        journeys.cache,
        "paths",
        (q.model_dump_json(), to),
        lambda: compact_paths(journeys.paths(q, to)),
    )


@router.get(
    "/sources-of",
    response_model=CompactUpstream,
    responses=ERRORS,
    summary="Where did the data that reaches this organisation come from?",
)
def sources_of(
    journeys: JourneysDep,
    q: UpstreamQueryDep,
    limit: Annotated[int, Query(ge=1, le=2000, description="most origins listed")] = 200,
    layer: Layer = None,
) -> Response:
    """Every organisation from which the item can reach `org` (nearest first), each with one
    path; `total` counts them all. Schools' own layers are not followed unless `layer` names
    one. Compact as `/reach`: paths of flow ids, hops in `flows`, sources in `sources`."""
    asked = q.model_copy(update={"layer": layer})
    return shared_json(
        journeys.cache,
        "sources-of",
        (asked.model_dump_json(), limit),
        lambda: compact_upstream(journeys.sources_of(asked, limit)),
    )


@router.get(
    "/cut",
    response_model=CutResult,
    responses=ERRORS,
    summary="Which flows, if stopped, keep the item away?",
)
def cut(
    journeys: JourneysDep,
    q: JourneyQueryDep,
    to: Annotated[str, Query(min_length=1, max_length=200, examples=["body:home-office"])],
) -> Response:
    """The smallest set of flows whose stopping keeps the item from reaching `to`."""
    return shared_json(
        journeys.cache, "cut", (q.model_dump_json(), to), lambda: minimum_cut(journeys, q, to)
    )
