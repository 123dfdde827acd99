"""Dependency aliases for routes: one place, so every route gets the same objects.

Each request syncs the app's one cache (graph/cache.py, kept on `app.state.cache`) ONCE, in
`get_cache`: FastAPI runs a dependency once per request however many others use it, so the
journeys, explore and transparency services of one request share one snapshot, of one graph
generation.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Depends, Query, Request

from api.revalidation import DOWN, GENERATION
from graph.cache import CacheSnapshot, GraphCache
from graph.db import Database
from graph.errors import DatabaseUnavailable
from graph.explore import ExploreService
from graph.journey_query import DEFAULT_HOPS, MAX_HOPS_CAP, JourneyQuery
from graph.journeys import JourneyService
from graph.transparency import TransparencyService


def get_db(request: Request) -> Database:
    """The app's one Database (driver created in the lifespan)."""
    db: Database = request.app.state.db
    return db


def get_cache(request: Request) -> CacheSnapshot:
    """The app's cache as of the graph's generation now: read once for the whole request."""
    cache: GraphCache = request.app.state.cache
    read = getattr(request.state, GENERATION, None)  # api/revalidation.py read it already
    if read == DOWN:
        return CacheSnapshot.uncached()
    try:
        return cache.sync(get_db(request), None if read is None else (read[0],))
    except DatabaseUnavailable:
        # Neo4j is down: the request goes on with a snapshot that keeps nothing (so nothing
        # stale), a page that needs no query still answers, and any query answers 503
        return CacheSnapshot.uncached()


CacheDep = Annotated[CacheSnapshot, Depends(get_cache)]


def get_journeys(request: Request, cache: CacheDep) -> JourneyService:
    return JourneyService(get_db(request), cache)


def get_explore(request: Request, cache: CacheDep) -> ExploreService:
    return ExploreService(get_db(request), cache)


def get_transparency(request: Request, cache: CacheDep) -> TransparencyService:
    return TransparencyService(get_db(request), cache)


# -- the journey question, declared once for every route that asks one -----------------------

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


def journey_query(
    origin: Annotated[
        str,
        Query(
            alias="from",
            min_length=1,
            max_length=200,
            description="an organisation id (e.g. body:dfe, school:example) or a school's URN",
            examples=["example"],
        ),
    ],
    item: Item,
    include_derived: Derived = False,
    as_of: AsOf = None,
    max_hops: Hops = DEFAULT_HOPS,
) -> JourneyQuery:
    """A journey from `from` (reach, paths, cut)."""
    return JourneyQuery(
        origin=origin, item=item, include_derived=include_derived, as_of=as_of, max_hops=max_hops
    )


def upstream_query(
    org: Annotated[
        str,
        Query(
            min_length=1,
            max_length=200,
            description="the organisation the item reaches",
            examples=["body:home-office"],
        ),
    ],
    item: Item,
    include_derived: Derived = False,
    as_of: AsOf = None,
    max_hops: Hops = DEFAULT_HOPS,
) -> JourneyQuery:
    """A journey backwards into `org` (sources-of)."""
    return JourneyQuery(
        origin=org, item=item, include_derived=include_derived, as_of=as_of, max_hops=max_hops
    )


DbDep = Annotated[Database, Depends(get_db)]
JourneysDep = Annotated[JourneyService, Depends(get_journeys)]
ExploreDep = Annotated[ExploreService, Depends(get_explore)]
TransparencyDep = Annotated[TransparencyService, Depends(get_transparency)]
JourneyQueryDep = Annotated[JourneyQuery, Depends(journey_query)]
UpstreamQueryDep = Annotated[JourneyQuery, Depends(upstream_query)]
