"""A trust's view of its schools' maps: each school's completeness and gaps, and the products
used across the trust. Public, like every reading page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api import sessions
from api.deps import DbDep
from api.workspace_access import Refused, UrnPath, WorkspaceRoute
from graph.dpo import check_map
from graph.workspace import catalogue_products, trust_maps
from loaders.catalogue import curated_catalogue
from web import workspace as view
from web.render import render

router = APIRouter(include_in_schema=False, route_class=WorkspaceRoute)


@router.get("/trusts/{code}", response_class=HTMLResponse)
def trust_view(request: Request, db: DbDep, code: UrnPath) -> HTMLResponse:
    """Each school of the trust with its completeness and gaps, and the products used across
    the trust. Public, like every reading page; a trust's session gets edit links."""
    name, schools = trust_maps(db, code)
    if name is None:
        raise Refused(404, "No such trust", f"No trust with code {code} is in the graph.", "/")
    special = view.special_items(curated_catalogue())
    products = view.products_by_id(catalogue_products(db))
    summaries = [(school, check_map(school.rows, special, None)) for school in schools]
    used: dict[str, list[str]] = {}
    for school in schools:
        for row in school.rows:
            used.setdefault(str(row.get("product")), []).append(school.name)
    signed = sessions.signed_in(request, db)
    editable = signed is not None and signed.token.role == "trust" and signed.token.trust == code
    html = render(
        "workspace_trust.html",
        code=code,
        trust=name,
        summaries=summaries,
        used=sorted(used.items(), key=lambda kv: (-len(set(kv[1])), kv[0])),
        products=products,
        editable=editable,
        signed=signed is not None,
        token=signed.token if signed else None,
        csrf=signed.session.csrf if signed else "",
    )
    return HTMLResponse(html)
