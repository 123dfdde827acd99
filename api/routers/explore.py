"""Browsing: a school's map, search, the catalogue, organisations, sources and counts."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from api.deps import ExploreDep
from api.problems import Problem
from api.responses import ModelJSON
from graph.explore import ActorDetail, ItemNode, ItemSuggestion, SearchHit, SourceDetail, Stats
from graph.identifiers import URN_PATTERN
from graph.names import ActorSuggestion
from graph.results import Subgraph

router = APIRouter(tags=["explore"])
ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "not in the graph (with suggestions)"},
    422: {"model": Problem, "description": "an invalid parameter, named"},
    503: {"model": Problem, "description": "the database is not reachable"},
}


@router.get(
    "/schools/{urn}/graph",
    response_model=Subgraph,
    responses=ERRORS,
    summary="A school's own map",
)
def school_graph(
    explore: ExploreDep,
    urn: Annotated[str, Path(pattern=URN_PATTERN, examples=["example"])],
    depth: Annotated[int, Query(ge=1, le=3, description="flows followed out of the school")] = 1,
    limit: Annotated[int, Query(ge=10, le=2000, description="most nodes returned")] = 500,
) -> ModelJSON:
    """The school's systems, suppliers and onward flows up to `depth` hops; `truncated` says
    when the cap cut it short."""
    return ModelJSON(explore.subgraph(urn, depth, limit))


@router.get(
    "/search",
    response_model=list[SearchHit],
    responses=ERRORS,
    summary="Find organisations, schools, products and items",
)
def search(
    explore: ExploreDep,
    q: Annotated[str, Query(min_length=1, max_length=200, examples=["telegraph"])],
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> list[SearchHit]:
    """By name or alias (typo-tolerant, ranked), or a school by its URN."""
    return explore.search(q, limit)


@router.get("/items", response_model=list[ItemNode], summary="The data-item catalogue as a tree")
def items(explore: ExploreDep) -> list[ItemNode]:
    """Every kind of data the graph knows, in its hierarchy, with GDPR class and NPD tier."""
    return explore.items_tree()


@router.get(
    "/items/suggest",
    response_model=list[ItemSuggestion],
    responses=ERRORS,
    summary="Catalogue items matching what is typed",
)
def suggest_items(
    explore: ExploreDep,
    q: Annotated[
        str,
        Query(
            max_length=100,
            description="the start of an item id, or words of its name",
            examples=["postc"],
        ),
    ],
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> list[ItemSuggestion]:
    """A short list for an item picker, best match first (the pages call it as you type);
    an empty `q` gives an empty list."""
    return explore.suggest_items(q, limit)


@router.get(
    "/orgs/suggest",
    response_model=list[ActorSuggestion],
    responses=ERRORS,
    summary="Organisations and schools matching what is typed",
)
def suggest_orgs(
    explore: ExploreDep,
    q: Annotated[
        str,
        Query(
            max_length=100,
            description="words of a name, a school's URN, or an id",
            examples=["home office"],
        ),
    ],
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> list[ActorSuggestion]:
    """A short list for the pages' From, Into and To fields, best match first: the URN or
    id itself, then names equal to the text, starting with it, holding every word; near
    misses only when nothing matches better. An empty `q` gives an empty list."""
    return explore.names.suggest_actors(q, limit)


@router.get(
    "/orgs/{org_id}",
    response_model=ActorDetail,
    responses=ERRORS,
    summary="One organisation, school, dataset or product",
)
def org(
    explore: ExploreDep,
    org_id: Annotated[str, Path(max_length=200, examples=["dataset:npd"])],
) -> ActorDetail:
    """Its fields, evidence and sources, and its flows in and out."""
    return explore.actor_detail(org_id)


@router.get(
    "/sources/{source_id}",
    response_model=SourceDetail,
    responses=ERRORS,
    summary="One source",
)
def source(
    explore: ExploreDep,
    source_id: Annotated[str, Path(max_length=200, examples=["defenddigitalme-2017-talk"])],
) -> SourceDetail:
    """The document, and how many nodes and flows it evidences."""
    return explore.source(source_id)


@router.get("/stats", response_model=Stats, summary="What the graph holds")
def stats(explore: ExploreDep) -> Stats:
    return explore.stats()
