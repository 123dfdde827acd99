"""The school workspace's test graph and sign-in: the national layer with two real schools
from the spine (loaded once per module), and a browser-like client signed in with a token."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from graph.audit import Actor
from graph.db import Database
from graph.tokens import IssuedToken, create_token
from loaders.registry import run_load
from tests.conftest import GRAPH_STATE
from tests.support.files import csv_subset

LOADED: dict[str, str] = {}  # the schools small_graph last loaded
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def small_graph(
    session_db: Database, shared_data: Path, tmp: pytest.TempPathFactory, urns: set[str]
) -> Database:
    """Catalogue, base map, LAs, the schools `urns` from the real spine, suppliers; loaded
    once for the modules that ask for the same schools (unless a test emptied the database)."""
    wanted = ",".join(sorted(urns))
    if LOADED.get("urns") == wanted and not GRAPH_STATE["bundled"] and _loaded(session_db, urns):
        return session_db
    session_db.wipe()
    GRAPH_STATE["bundled"] = False
    schools = csv_subset(
        shared_data / "schools" / "2017-2018_england_spine.csv",
        tmp.mktemp("schools") / "schools.csv",
        lambda r: r["URN"] in urns,
    )
    run_load(session_db, "base", None)
    run_load(session_db, "local-authorities", str(shared_data / "local-authorities"))
    run_load(session_db, "schools", str(schools))
    run_load(session_db, "suppliers", None)
    LOADED["urns"] = wanted
    return session_db


def _loaded(db: Database, urns: set[str]) -> bool:
    records, _, _ = db.driver.execute_query(
        "MATCH (s:School) WHERE s.urn IN $urns WITH count(s) AS schools "
        "MATCH (p:Product) RETURN schools, count(p) AS products",
        urns=sorted(urns),
        database_=db.database,
    )
    return bool(records) and records[0]["schools"] == len(urns) and records[0]["products"] > 0


def school_token(db: Database, urn: str) -> IssuedToken:
    return create_token(db, "school", urn, "school office (test)", Actor("cli"))


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def sign_in(client: httpx.Client, secret: str) -> httpx.Response:
    """Sign in as a browser does: fetch the form (its CSRF cookie), post the token."""
    page = client.get("/signin")
    assert page.status_code == 200
    return client.post(
        "/signin", data={"csrf": csrf_of(page.text), "token": secret}, follow_redirects=False
    )
