"""The web explorer's pages: start, journey, school map, release explorer and records.

Thin, like the JSON routers: each page calls the graph services and hands the typed result to
a builder in `web/`, then renders a template. Not-found and bad-input errors are shown on the
page itself (with the form), not as JSON. The pages' static files, including vis-network from
the pyvis package, are served here too, so nothing is fetched from another host.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query
from fastapi.responses import FileResponse, HTMLResponse

from api.deps import ExploreDep, JourneysDep
from graph.errors import EdflowsError, NotFoundError
from graph.explore import ExploreService
from web.journey import build_journey
from web.releases import build_releases
from web.render import query, render, static_file
from web.school_map import build_school_map

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Query(max_length=200)]


@router.get("/", response_class=HTMLResponse)
def start(explore: ExploreDep, q: Text = "") -> HTMLResponse:
    hits: list[Any] = []
    error = None
    if q.strip():
        try:
            hits = explore.search(q, 25)
        except EdflowsError as exc:
            error = exc.message
    return HTMLResponse(render("start.html", q=q, hits=hits, error=error))


@router.get("/journey", response_class=HTMLResponse)
def journey(
    journeys: JourneysDep,
    explore: ExploreDep,
    origin: Annotated[str, Query(alias="from", max_length=200)] = "",
    item: Text = "",
    as_of: Annotated[str, Query(max_length=10)] = "",
    include_derived: bool = False,
    expand: Annotated[list[str] | None, Query(max_length=20)] = None,
) -> HTMLResponse:
    form = {"origin": origin, "item": item, "as_of": as_of, "include_derived": include_derived}
    if not origin and not item:
        form.update(origin="100000", item="pupil.contact.postcode")
    view, error, status = None, None, 200
    if origin and item:
        try:
            day = _day(as_of)
            result = journeys.reach(origin, item, include_derived, day)
            view = build_journey(result, frozenset(expand or []))
        except EdflowsError as exc:
            error, status = exc.message, 404 if isinstance(exc, NotFoundError) else 422
    base = query(
        **{"from": origin, "item": item, "as_of": as_of, "include_derived": include_derived},
        expand=expand or [],
    )
    page = render(
        "journey.html", view=view, form=form, error=error, items=_items(explore), expand_base=base
    )
    return HTMLResponse(page, status_code=status)


@router.get("/schools/{urn}", response_class=HTMLResponse)
def school_map(
    explore: ExploreDep,
    urn: Annotated[str, Path(pattern=r"^\d{1,8}$")],
    depth: Annotated[int, Query(ge=1, le=3)] = 2,
) -> HTMLResponse:
    try:
        graph = explore.subgraph(urn, depth, 500)
    except NotFoundError as exc:
        return HTMLResponse(render("start.html", q=urn, hits=[], error=exc.message), 404)
    view = build_school_map(graph)
    return HTMLResponse(render("school.html", view=view, urn=urn, items=_items(explore)))


@router.get("/releases/explore", response_class=HTMLResponse)
def release_explorer(
    explore: ExploreDep,
    recipient_type: Annotated[str, Query(max_length=40)] = "",
    tier: Annotated[str, Query(pattern=r"^[1-4]?$")] = "",
    year: Annotated[str, Query(pattern=r"^(\d{4})?$")] = "",
    outcome: Annotated[str, Query(max_length=20)] = "",
    item: Text = "",
) -> HTMLResponse:
    form = {"recipient_type": recipient_type, "tier": tier, "year": year, "outcome": outcome}
    form["item"] = item
    everything = explore.releases(limit=1)
    error, status = None, 200
    try:
        page = explore.releases(
            recipient_type or None,
            int(tier) if tier else None,
            int(year) if year else None,
            None,
            item or None,
            outcome or None,
            0,
            5000,
        )
    except EdflowsError as exc:
        error, status = exc.message, 404 if isinstance(exc, NotFoundError) else 422
        page = explore.releases(limit=5000)
    view = build_releases(page, everything)
    html = render("releases.html", view=view, form=form, error=error, items=_items(explore))
    return HTMLResponse(html, status_code=status)


@router.get("/record/{org_id}", response_class=HTMLResponse)
def record(explore: ExploreDep, org_id: Annotated[str, Path(max_length=200)]) -> HTMLResponse:
    try:
        detail = explore.actor_detail(org_id)
    except NotFoundError as exc:
        return HTMLResponse(render("start.html", q=org_id, hits=[], error=exc.message), 404)
    return HTMLResponse(render("record.html", d=detail))


@router.get("/static/{name}")
def static(name: Annotated[str, Path(max_length=100)]) -> FileResponse:
    found = static_file(name)
    if found is None:
        raise HTTPException(404, "no such file")
    path, media_type = found
    return FileResponse(path, media_type=media_type, headers={"Cache-Control": "max-age=3600"})


def _day(text: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise EdflowsError(f"as_of must be a date like 2017-03-01, not {text!r}") from None


def _items(explore: ExploreService) -> list[dict[str, str]]:
    """The catalogue, flat, for the item pickers."""
    flat: list[dict[str, str]] = []
    stack = list(reversed(explore.items_tree()))
    while stack:
        node = stack.pop()
        flat.append({"id": node.id, "name": node.name})
        stack.extend(reversed(node.children))
    return flat
