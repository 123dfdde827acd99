"""The web explorer's pages: start, journey, school map, release explorer and records.

Thin, like the JSON routers: each page calls the graph services and hands the typed result to
a builder in `web/`, then renders a template. Not-found and bad-input errors are shown on the
page itself (with the form), not as JSON; when Neo4j cannot be reached (or a query times out)
a page answers a short HTML error page (503 with Retry-After, or 504) through `PageRoute`,
while the JSON routes keep their problem+json answers. The pages' static files, including
vis-network from the pyvis package, are served here too, so nothing is fetched from another
host.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Path, Query, Request, Response
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute

from api.deps import DbDep, ExploreDep, JourneysDep
from graph.cut import minimum_cut
from graph.db import QueryTimeout
from graph.errors import DatabaseUnavailable, EdflowsError, NotFoundError
from graph.explore import ExploreService
from graph.flow_record import flow_view
from graph.identifiers import EXAMPLE_URN, is_urn
from graph.journey_query import DEFAULT_HOPS, MAX_HOPS_CAP, JourneyQuery
from graph.journeys import JourneyService
from graph.model import first_day
from graph.release_report import build_release_report
from web.documents.release_report import bar_chart, timeline_chart, timeline_rows
from web.journey import JourneyView, build_journey, build_upstream
from web.releases import DEFAULT_ITEM, build_releases, narrow, release_links, release_words
from web.render import query, render, static_file
from web.routes import build_routes
from web.school_map import build_school_map

RETRY_AFTER = "5"
JOURNEY_SCHOOL = EXAMPLE_URN  # a release row's journey starts here when it reaches the recipient
# how many origins an upstream page lists (a national dataset has ~24,000: all of them)
UPSTREAM_LIMIT = 30000


class PageRoute(APIRoute):
    """A page's route: an unreachable database or a query that timed out is answered with a
    short HTML page (503 + Retry-After, or 504), not with the API's problem+json."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except DatabaseUnavailable:
                html = render(
                    "unavailable.html",
                    title="The graph database is not reachable",
                    detail="The pages read everything from the graph database, which is not "
                    "answering right now. Try again in a few seconds.",
                    retry=request.url.path + (f"?{request.url.query}" if request.url.query else ""),
                )
                return HTMLResponse(html, 503, headers={"Retry-After": RETRY_AFTER})
            except QueryTimeout:
                html = render(
                    "unavailable.html",
                    title="That took too long",
                    detail="The query was cancelled because it ran too long. Narrow it down "
                    "(fewer hops, a date, a smaller depth) and try again.",
                    retry=None,
                )
                return HTMLResponse(html, 504)

        return page_handler


router = APIRouter(include_in_schema=False, route_class=PageRoute)
Text = Annotated[str, Query(max_length=200)]


def _shown(exc: EdflowsError) -> EdflowsError:
    """An error the page shows with its form; the database's own failures go to PageRoute."""
    if isinstance(exc, DatabaseUnavailable | QueryTimeout):
        raise exc
    return exc


@router.get("/", response_class=HTMLResponse)
def start(explore: ExploreDep, q: Text = "") -> HTMLResponse:
    hits: list[Any] = []
    error = None
    releases = 0
    if q.strip():
        try:
            hits = explore.search(q, 25)
        except EdflowsError as exc:
            error = _shown(exc).message
        releases = _matching_releases(explore, q)
    return HTMLResponse(render("start.html", q=q, hits=hits, error=error, releases=releases))


def _matching_releases(explore: ExploreService, q: str) -> int:
    """How many NPD releases the search words name (a recipient, a year, a tier)."""
    words = release_words(q)
    if not (words.tier or words.year or words.names):
        return 0
    page = explore.releases(
        None,
        int(words.tier) if words.tier else None,
        int(words.year) if words.year else None,
        None,
        None,
        None,
        0,
        5000,
    )
    return narrow(page, False, words.names).total


@router.get("/journey", response_class=HTMLResponse)
def journey(
    journeys: JourneysDep,
    explore: ExploreDep,
    origin: Annotated[str, Query(alias="from", max_length=200)] = "",
    item: Text = "",
    as_of: Annotated[str, Query(max_length=10)] = "",
    include_derived: bool = False,
    expand: Annotated[list[str] | None, Query(max_length=20)] = None,
    table_page: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> HTMLResponse:
    """Where an item can go from a school or organisation, each named by name, URN or id."""
    form: dict[str, Any] = {"origin": origin, "item": item, "as_of": as_of}
    form["include_derived"] = include_derived
    if not origin and not item:
        form.update(origin="example", item="pupil.contact.postcode")
    view, error, status = None, None, 200
    if origin and item:
        try:
            origin, item = explore.names.actor_id(origin), explore.names.item_id(item)
            q = JourneyQuery(
                origin=origin, item=item, include_derived=include_derived, as_of=_day(as_of)
            )
            wanted = frozenset(expand or [])

            def build_reach() -> JourneyView:
                built = build_journey(journeys.reach(q), wanted, **_grouping(explore))
                return _name_items(explore, built)

            view = _kept(journeys, "journey_page", q, wanted, build_reach).at_page(table_page)
        except EdflowsError as exc:
            error, status = _shown(exc).message, _status(exc)
    params = {"from": origin, "item": item, "as_of": as_of, "include_derived": include_derived}
    expand_base = "/journey?" + query(**params, expand=expand or [])
    return _journey_page(view, form, error, status, "/journey", expand_base)


@router.get("/upstream", response_class=HTMLResponse)
def upstream(
    journeys: JourneysDep,
    explore: ExploreDep,
    org: Annotated[str, Query(max_length=200)] = "",
    item: Text = "",
    as_of: Annotated[str, Query(max_length=10)] = "",
    include_derived: bool = False,
    max_hops: Annotated[int, Query(ge=1, le=MAX_HOPS_CAP)] = DEFAULT_HOPS,
    expand: Annotated[list[str] | None, Query(max_length=20)] = None,
    table_page: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> HTMLResponse:
    """Where the item reaching `org` comes from: every origin with one path, schools grouped
    by local authority when there are thousands."""
    form: dict[str, Any] = {"origin": org, "item": item, "as_of": as_of, "max_hops": max_hops}
    form["include_derived"] = include_derived
    if not org and not item:
        form.update(origin="body:home-office", item="pupil.contact.postcode")
    view, error, status = None, None, 200
    if org and item:
        try:
            org, item = explore.names.actor_id(org), explore.names.item_id(item)
            q = JourneyQuery(
                origin=org,
                item=item,
                include_derived=include_derived,
                as_of=_day(as_of),
                max_hops=max_hops,
            )
            wanted = frozenset(expand or [])

            def build_sources() -> JourneyView:
                result = journeys.sources_of(q, limit=UPSTREAM_LIMIT)
                return _name_items(explore, build_upstream(result, wanted, **_grouping(explore)))

            view = _kept(journeys, "upstream_page", q, wanted, build_sources).at_page(table_page)
        except EdflowsError as exc:
            error, status = _shown(exc).message, _status(exc)
    params = {"org": org, "item": item, "as_of": as_of, "include_derived": include_derived}
    expand_base = "/upstream?" + query(**params, max_hops=max_hops, expand=expand or [])
    return _journey_page(view, form, error, status, "/upstream", expand_base)


@router.get("/routes", response_class=HTMLResponse)
def routes(
    journeys: JourneysDep,
    explore: ExploreDep,
    origin: Annotated[str, Query(alias="from", max_length=200)] = "",
    to: Annotated[str, Query(max_length=200)] = "",
    item: Text = "",
    as_of: Annotated[str, Query(max_length=10)] = "",
    include_derived: bool = False,
) -> HTMLResponse:
    """Every shortest route of the best evidence class from one organisation to another,
    and the flows of the minimum cut, marked on the drawing."""
    form: dict[str, Any] = {"origin": origin, "target": to, "item": item, "as_of": as_of}
    form["include_derived"] = include_derived
    if not (origin or to or item):
        form.update(origin="example", target="body:home-office", item="pupil.characteristics")
    view, error, status = None, None, 200
    if origin and to and item:
        try:
            names = explore.names
            origin, to, item = names.actor_id(origin), names.actor_id(to), names.item_id(item)
            q = JourneyQuery(
                origin=origin, item=item, include_derived=include_derived, as_of=_day(as_of)
            )
            found = journeys.paths(q, to)
            cut = minimum_cut(journeys, q, to)
            hops = [h for r in found.paths for h in r] + cut.flows
            ids = {h.from_id for h in hops} | {h.to_id for h in hops} | {origin, to}
            labels = names.labels(ids)
            view = build_routes(found, cut, labels, labels.kinds)
        except EdflowsError as exc:
            error, status = _shown(exc).message, _status(exc)
    page = render("routes.html", view=view, form=form, error=error)
    return HTMLResponse(page, status_code=status)


def _kept(
    journeys: JourneyService,
    kind: str,
    q: JourneyQuery,
    expand: frozenset[str],
    build: Callable[[], JourneyView],
) -> JourneyView:
    """A journey or upstream view from the app's one cache (graph/cache.py), built once per
    graph generation and question: each of its table's pages is then a slice of it. The
    view keeps the table's rows in a light form, not the result (the Home Office's upstream
    result holds 24,000 full paths, about 25 MB; its kept view about 5 MB, BENCHMARKS.md).
    A kept view is shared by requests: they only read it (`at_page` makes a copy)."""
    key = (q.origin, q.item, q.as_of, q.include_derived, q.max_hops, q.layer, tuple(sorted(expand)))
    return journeys.cache.entry(kind, key, build)


def _name_items(explore: ExploreService, view: JourneyView) -> JourneyView:
    """The names of the items the drawn flows carry, for the flow panel."""
    wanted = {
        i for f in view.flows.values() for i in [*f.get("items", ()), *f.get("matched_items", ())]
    }
    labels = explore.names.labels()
    view.item_names = {i: labels.item(i) for i in sorted(wanted)}
    return view


def _journey_page(
    view: JourneyView | None,
    form: dict[str, Any],
    error: str | None,
    status: int,
    page_path: str,
    expand_base: str,
) -> HTMLResponse:
    """The journey template, for a reach ("/journey") or its reverse ("/upstream")."""
    page = render(
        "journey.html",
        view=view,
        form=form,
        error=error,
        upstream=page_path == "/upstream",
        page_path=page_path,
        expand_base=expand_base,
    )
    return HTMLResponse(page, status_code=status)


@router.get("/schools/{urn}", response_class=HTMLResponse)
def school_map(
    explore: ExploreDep,
    urn: Annotated[str, Path(max_length=40)],
    depth: Annotated[int, Query(ge=1, le=3)] = 2,
) -> HTMLResponse:
    """A school's own map, with links to its notices and record of processing."""
    if not is_urn(urn):
        return _error_page(404, "No such school", f"no school with URN {urn}: a URN is a number")
    try:
        graph = explore.subgraph(urn, depth, 500)
    except NotFoundError as exc:
        return _error_page(404, "No such school", exc.message)
    view = build_school_map(graph)
    labels = explore.names.labels()
    return HTMLResponse(render("school.html", view=view, urn=urn, labels=labels))


@router.get("/releases/report", response_class=HTMLResponse)
def release_report(db: DbDep, explore: ExploreDep) -> HTMLResponse:
    """The release-chain report (who received the most sensitive data, and onward chains)."""
    report = build_release_report(db)
    charts = {
        title: bar_chart(title, counts)
        for title, counts in (
            ("Releases by year", report.by_year),
            ("Releases by tier", report.by_tier),
            ("Releases by recipient type", report.by_recipient_type),
            ("Releases by outcome", report.by_outcome),
        )
    }
    html = render(
        "release_report.html",
        r=report,
        labels=explore.names.labels(),
        charts=charts,
        timelines=[(t, timeline_chart(t), timeline_rows(t)) for t in report.timelines],
    )
    return HTMLResponse(html)


@router.get("/releases/explore", response_class=HTMLResponse)
def release_explorer(
    explore: ExploreDep,
    recipient_type: Annotated[str, Query(max_length=40)] = "",
    tier: Annotated[str, Query(pattern=r"^([1-4]|none)?$")] = "",
    year: Annotated[str, Query(pattern=r"^(\d{4})?$")] = "",
    outcome: Annotated[str, Query(max_length=20)] = "",
    item: Text = "",
    q: Text = "",
) -> HTMLResponse:
    """NPD releases, filtered by controls or by words ("tier 1", "telegraph 2013")."""
    form = {"recipient_type": recipient_type, "tier": tier, "year": year, "outcome": outcome}
    form.update(item=item, q=q)
    words = release_words(q)
    tier = tier or words.tier
    year = year or words.year
    everything = explore.releases(limit=1)
    error, status = None, 200
    try:
        item_id = explore.names.item_id(item) if item else None
        page = explore.releases(
            recipient_type or None,
            int(tier) if tier.isdigit() else None,
            int(year) if year else None,
            None,
            item_id,
            outcome or None,
            0,
            5000,
        )
    except EdflowsError as exc:
        error, status = _shown(exc).message, _status(exc)
        page = explore.releases(limit=5000)
    page = narrow(page, tier == "none", words.names)
    view = build_releases(page, everything)
    html = render("releases.html", view=view, form=form, error=error, links=release_links)
    return HTMLResponse(html, status_code=status)


@router.get("/releases/journey/{flow_id}")
def release_journey(
    journeys: JourneysDep, explore: ExploreDep, flow_id: Annotated[str, Path(max_length=200)]
) -> Response:
    """A release row's journey: one that really reaches the recipient through THIS flow. From
    the demo school when its witness path ends with the flow, else from the sending dataset
    when that one's does; else the routes page, which draws every flow between the two."""
    rows = explore.db.read("get_flow", id=flow_id)
    if not rows:
        return _error_page(404, "Not in the graph", f"no flow with id {flow_id!r}")
    flow, sender, recipient = rows[0]["flow"], rows[0]["from_id"], rows[0]["to_id"]
    item = (flow.get("items") or [DEFAULT_ITEM])[0]
    since = flow.get("valid_from")
    day = first_day(since) if isinstance(since, str) and since[:4].isdigit() else None
    params = {"item": item, "as_of": day.isoformat() if day else ""}
    for origin in (JOURNEY_SCHOOL, sender):
        result = journeys.reach(JourneyQuery(origin=origin, item=item, as_of=day))
        hit = next((r for r in result.reached if r.actor.id == recipient), None)
        if hit is not None and hit.path and hit.path[-1].flow_id == flow_id:
            url = (
                "/journey?" + query(**{"from": origin}, **params) + "#" + quote(recipient, safe="")
            )
            return RedirectResponse(url, 303)
    return RedirectResponse("/routes?" + query(**{"from": sender, "to": recipient}, **params), 303)


@router.get("/record/{org_id}", response_class=HTMLResponse)
def record(
    explore: ExploreDep, db: DbDep, org_id: Annotated[str, Path(max_length=200)]
) -> HTMLResponse:
    """An organisation's record, or (ids starting `flow:`) a flow's own record."""
    if org_id.startswith("flow:"):
        try:
            view = flow_view(db, org_id)
        except NotFoundError as exc:
            return _error_page(404, "Not in the graph", exc.message)
        labels = explore.names.labels({view.from_id, view.to_id})
        return HTMLResponse(render("flow_record.html", d=view, labels=labels))
    try:
        detail = explore.actor_detail(org_id)
    except NotFoundError as exc:
        return _error_page(404, "Not in the graph", exc.message)
    # the organisations its facts name (a controller, a local authority), by name
    named = {v for v in detail.fields.values() if isinstance(v, str) and ":" in v[:20]}
    labels = explore.names.labels(named)
    return HTMLResponse(render("record.html", d=detail, labels=labels))


@router.get("/static/{name}")
def static(name: Annotated[str, Path(max_length=100)]) -> FileResponse:
    found = static_file(name)
    if found is None:
        raise HTTPException(404, "no such file")
    path, media_type = found
    return FileResponse(path, media_type=media_type, headers={"Cache-Control": "max-age=3600"})


def _error_page(status: int, title: str, detail: str) -> HTMLResponse:
    html = render(
        "error.html", status=status, title=title, detail=detail, suggestions=[], errors=[]
    )
    return HTMLResponse(html, status)


def _status(exc: EdflowsError) -> int:
    return 404 if isinstance(exc, NotFoundError) else 422


def _grouping(explore: ExploreService) -> dict[str, Any]:
    """How the journey builders find the local authority of the schools they group."""
    return {"local_authorities": explore.local_authorities}


def _day(text: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise EdflowsError(f"as_of must be a date like 2017-03-01, not {text!r}") from None
