"""Hostile input against every endpoint: each parameter of each route (query, path and JSON body
fields, read from the app's OpenAPI schema and, for the pages left out of it, from the routes
themselves) gets Cypher injection, HTML/JS, path traversal, very long and odd unicode strings.

Nothing may answer 5xx, every error is a JSON problem (or the page itself, for pages), pages
never show the input unescaped, and the graph is exactly as it was afterwards. Write endpoints
are covered the moment they are in the schema.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from httpx import Response

from api.app import create_app
from graph.db import Database
from graph.settings import Settings
from tests.support.hostile import MARKUP, PAYLOADS, TRAVERSAL, graph_state

pytestmark = pytest.mark.integration

# Valid values for parameters whose schema gives no example (mostly the pages').
BASELINE: dict[str, Any] = {
    "from": "100000",
    "origin": "100000",
    "item": "pupil.contact.postcode",
    "to": "dataset:npd",
    "org": "body:home-office",
    "urn": "100000",
    "org_id": "dataset:npd",
    "flow_id": "flow:npd-to-police",
    "source_id": "defenddigitalme-2017-talk",
    "name": "vis-network.min.js",
    "q": "telegraph",
}
# Values for one route's parameter, where the same name means another thing elsewhere.
PER_PATH: dict[tuple[str, str], Any] = {
    ("/docs-assets/{name}", "name"): "swagger-ui.css",
    ("/trusts/{code}", "code"): "1234",
    # the Home Office's upstream page gathers 24,000 origins (about 0.7 s a request, on each of
    # some 140 payloads); an authority's is the same page and the same code, at 10 ms
    ("/upstream", "org"): "la:201",
}
# Pages whose baseline is a "no such thing" page: the bundled data (the 2017-18 spine) links
# no school to a trust, so every trust page is the HTML 404 (tests/integration/test_trust.py
# covers a trust loaded from a GIAS-shaped file).
ABSENT_IN_BUNDLED = {"/trusts/{code}"}
# Preferred over the schema's examples where the example is needlessly slow.
OVERRIDE: dict[str, Any] = {"org": "la:201"}
PROBLEM_FIELDS = {"type", "title", "status", "detail"}


@dataclass
class Operation:
    """One route and method, with its parameters and a valid value for each."""

    method: str
    path: str
    page: bool
    params: dict[str, tuple[str, Any]] = field(default_factory=dict)  # name -> (in, value)
    body: dict[str, Any] | None = None
    needs_token: bool = False  # the operation declares a security requirement

    def request(self, client: TestClient, **override: tuple[str, Any]) -> Response:
        values = {**self.params, **override}
        path, query = self.path, {}
        for name, (where, value) in values.items():
            if where == "path":
                path = path.replace("{" + name + "}", quote(str(value), safe=""))
            elif where == "query" and value is not None:  # an optional parameter left out
                query[name] = value
        body = dict(self.body or {})
        for name, (where, value) in override.items():
            if where == "body":
                body[name] = value
        if self.body is None:
            response: Response = client.request(self.method, path, params=query)
            return response
        content = json.dumps(body, ensure_ascii=False).encode("utf-8", "surrogatepass")
        headers = {"content-type": "application/json"}
        response = client.request(self.method, path, params=query, content=content, headers=headers)
        return response


def _value(name: str, schema: dict[str, Any], examples: Any = None) -> Any:
    if name in OVERRIDE:
        return OVERRIDE[name]
    if examples:
        return examples[0] if isinstance(examples, list) else examples
    for key in ("examples", "example"):
        if key in schema:
            found = schema[key]
            return found[0] if isinstance(found, list) else found
    if name in BASELINE:
        return BASELINE[name]
    if "default" in schema and schema["default"] is not None:
        return schema["default"]
    kinds = {s.get("type") for s in [schema, *schema.get("anyOf", [])]}
    return 1 if "integer" in kinds else True if "boolean" in kinds else "x"


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def operations(app: FastAPI) -> list[Operation]:
    """Every documented operation (from the OpenAPI schema) and every page (from the routes)."""
    spec = app.openapi()
    found: list[Operation] = []
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            params = {
                p["name"]: (p["in"], _value(p["name"], p.get("schema", {}), p.get("examples")))
                for p in op.get("parameters", [])
                if p["in"] in ("path", "query")
            }
            body = None
            content = op.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                schema = _resolve(spec, content["application/json"].get("schema", {}))
                body = {
                    name: _value(name, _resolve(spec, prop))
                    for name, prop in schema.get("properties", {}).items()
                }
            page = "text/html" in op.get("responses", {}).get("200", {}).get("content", {})
            found.append(
                Operation(method.upper(), path, page, params, body, bool(op.get("security")))
            )
    for route in _api_routes(app.routes):
        if route.path not in spec["paths"]:
            params = {
                f.alias: (
                    where,
                    PER_PATH.get(
                        (route.path, f.alias),
                        BASELINE.get(
                            f.alias, "" if f.field_info.is_required() else f.field_info.default
                        ),
                    ),
                )
                for where, fields in (
                    ("path", route.dependant.path_params),
                    ("query", route.dependant.query_params),
                )
                for f in fields
            }
            for method in sorted(route.methods or ()):
                found.append(Operation(method, route.path, True, params))
    return found


def _api_routes(routes: list[Any]) -> Iterator[APIRoute]:
    """Every APIRoute of the app, through included routers (however FastAPI nests them)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):
            yield from _api_routes(route.original_router.routes)


def _check(op: Operation, name: str, payload: str, response: Response) -> None:
    where = f"{op.method} {op.path} {name}={payload[:60]!r}"
    assert response.status_code < 500, f"{where}: {response.status_code} {response.text[:300]}"
    kind = response.headers.get("content-type", "")
    if response.status_code >= 400 and not kind.startswith("text/html"):
        assert kind.startswith("application/problem+json"), f"{where}: {kind}"
        problem = response.json()
        assert set(problem) >= PROBLEM_FIELDS and problem["status"] == response.status_code
    if kind.startswith("text/html"):
        html = response.text
        if payload in MARKUP:
            assert payload not in html, f"{where}: the page shows the input unescaped"
        assert 'href="javascript:' not in html.lower(), where
    if kind.startswith(("application/json", "application/problem+json")):
        response.json()  # always valid JSON


@pytest.fixture()
def client(bundled: Database, neo4j_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(neo4j_settings), raise_server_exceptions=False) as c:
        yield c


def test_every_operation_is_found_and_its_baseline_works(client: TestClient) -> None:
    ops = operations(client.app)  # type: ignore[arg-type]
    paths = {op.path for op in ops}
    assert {"/reach", "/search", "/schools/{urn}/graph", "/journey", "/static/{name}"} <= paths
    for op in ops:
        response = op.request(client)
        if op.needs_token:  # without a token: a 401 problem asking for one, nothing else
            assert response.status_code == 401, f"{op.method} {op.path}: {response.text[:300]}"
            assert response.headers["content-type"].startswith("application/problem+json")
            assert response.headers["www-authenticate"].startswith("Bearer")
            continue
        if op.method != "GET":
            continue
        if op.page and response.status_code == 403 and "Please sign in" in response.text:
            continue  # a school's workspace page: an anonymous visitor is asked to sign in
        if op.path in ABSENT_IN_BUNDLED:
            assert response.status_code == 404, f"{op.method} {op.path}: {response.status_code}"
            assert response.headers["content-type"].startswith("text/html"), op.path
            continue
        assert response.status_code == 200, f"{op.method} {op.path}: {response.text[:300]}"


def test_every_parameter_with_every_payload(client: TestClient, bundled: Database) -> None:
    before = graph_state(bundled)
    ops = operations(client.app)  # type: ignore[arg-type]
    sent = 0
    turn = 0
    for op in ops:
        targets = [(n, w) for n, (w, _) in op.params.items()]
        targets += [(n, "body") for n in op.body or {}]
        for name, where in targets:
            # half the payloads per parameter, alternating, so every payload reaches every
            # route; pages always get every markup payload
            turn += 1
            chosen = [p for i, p in enumerate(PAYLOADS) if (i + turn) % 2 == 0]
            chosen += [p for p in MARKUP if op.page and p not in chosen]
            for payload in chosen:
                response = op.request(client, **{name: (where, payload)})
                _check(op, name, payload, response)
                sent += 1
    assert sent > 700
    assert graph_state(bundled) == before, "hostile input changed the graph"


def test_traversal_in_raw_paths_never_leaves_the_static_folder(client: TestClient) -> None:
    for payload in [*TRAVERSAL, "../api/app.py", "%2e%2e/%2e%2e/pyproject.toml"]:
        raw = [f"/static/{payload}"] if payload.isprintable() else []
        for url in [*raw, f"/static/{quote(payload, safe='')}"]:
            response = client.get(url)
            assert response.status_code in (400, 404, 422), f"{url}: {response.status_code}"
            assert "root:" not in response.text and "[project]" not in response.text


def test_bytes_that_are_not_utf8_are_refused_cleanly(client: TestClient) -> None:
    for url in ("/search?q=%ff%fe", "/reach?from=%c0%ae%c0%ae&item=x", "/?q=%ed%a0%80"):
        response = client.get(url)
        assert response.status_code < 500, url
        if response.status_code >= 400:
            assert response.headers["content-type"].startswith(
                ("application/problem+json", "text/html")
            )


def test_search_and_pages_echo_input_only_escaped(client: TestClient) -> None:
    """The start page and the journey page show the typed text back: escaped, never raw."""
    for payload in MARKUP:
        for url, params in (
            ("/", {"q": payload}),
            ("/journey", {"from": payload, "item": "pupil.contact.postcode"}),
            ("/journey", {"from": "100000", "item": payload}),
            ("/record/" + quote(payload, safe=""), {}),
        ):
            response = client.get(url, params=params)
            assert response.status_code in (200, 404, 422)
            kind = response.headers["content-type"]
            # a "/" in a path segment means no such route: a JSON problem, not a page
            assert kind.startswith(("text/html", "application/problem+json"))
            if kind.startswith("text/html"):
                assert payload not in response.text
