"""The API's documentation pages, /docs (Swagger UI) and /redoc, with every script, style
and font served by the app itself, so they work offline.

The files come from the `fastapi-offline` package (Swagger UI under Apache 2.0, Redoc under
MIT; see that package's licence); FastAPI's own pages would load them from a CDN, and Redoc
would load Google fonts. Following FastAPI's "self-hosting JavaScript and CSS for docs".
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated

import fastapi_offline
from fastapi import APIRouter, HTTPException, Request
from fastapi import Path as PathParam
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, Response

DOCS_ASSETS = Path(fastapi_offline.__file__).resolve().parent / "static"
ASSET_TYPES = {
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "redoc.standalone.js": "text/javascript",
    "favicon.png": "image/png",
}
ASSET_URL = "/docs-assets"

router = APIRouter(include_in_schema=False)


@router.get("/docs", response_class=HTMLResponse)
def swagger_ui(request: Request) -> HTMLResponse:
    return get_swagger_ui_html(
        openapi_url=request.app.openapi_url,
        title=f"{request.app.title} API",
        swagger_js_url=f"{ASSET_URL}/swagger-ui-bundle.js",
        swagger_css_url=f"{ASSET_URL}/swagger-ui.css",
        swagger_favicon_url=f"{ASSET_URL}/favicon.png",
    )


@router.get("/redoc", response_class=HTMLResponse)
def redoc(request: Request) -> HTMLResponse:
    page = get_redoc_html(
        openapi_url=request.app.openapi_url,
        title=f"{request.app.title} API",
        redoc_js_url=f"{ASSET_URL}/redoc.standalone.js",
        redoc_favicon_url=f"{ASSET_URL}/favicon.png",
        with_google_fonts=False,
    )
    # ReDoc's bundle draws its maker's logo from that maker's host: the page may load nothing
    # from another host, so the browser is told to fetch images from this app only
    page.headers["Content-Security-Policy"] = REDOC_POLICY
    return page


REDOC_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self' 'unsafe-inline'; worker-src 'self' blob:; font-src 'self' data:"
)


@router.get(ASSET_URL + "/{name}")
def asset(name: Annotated[str, PathParam(max_length=40)]) -> Response:
    if name not in ASSET_TYPES:
        raise HTTPException(404, f"no documentation file {name!r}")
    headers = {"Cache-Control": "max-age=86400"}
    if name == "redoc.standalone.js":
        return Response(_redoc_bundle(), media_type=ASSET_TYPES[name], headers=headers)
    return FileResponse(DOCS_ASSETS / name, media_type=ASSET_TYPES[name], headers=headers)


# ReDoc's bundle draws its maker's logo from its maker's host; served from here, the page
# loads nothing from another host, so the logo is an empty picture of this app's own.
REDOC_LOGO = b"https://cdn.redoc.ly/redoc/logo-mini.svg"
EMPTY_SVG = b"data:image/svg+xml,%3Csvg%20xmlns%3D%22http%3A%2F%2Fwww.w3.org%2F2000%2Fsvg%22%2F%3E"


@cache
def _redoc_bundle() -> bytes:
    return (DOCS_ASSETS / "redoc.standalone.js").read_bytes().replace(REDOC_LOGO, EMPTY_SVG)
