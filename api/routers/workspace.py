"""The school workspace in the browser: sign in with a token, edit the map, save, history.

Plain forms (each with its CSRF token) that work without JavaScript. Signing in opens a
session (api.sessions); every request looks its token up again, so revoking it ends the
session at once. The map editor keeps a DRAFT in the session; saving hands the whole draft to
the API's own path (`api.maps.upload_school_map`, the loader's rules): one new map
version with its audit entry, or nothing, with the loader's error shown next to its field.
A refusal (no session, a forged form, another school's URN, a file too large) is a short HTML
page with a 403 or 422, and writes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import yaml
from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError

from api import sessions
from api.deps import DbDep
from api.forms import FormData, read_form
from api.maps import upload_school_map
from api.sessions import SignedIn
from api.workspace_access import Refused, UrnPath, WorkspaceRoute, editor_session
from graph.db import Database
from graph.dpo import check_map
from graph.errors import EdflowsError
from graph.known_actors import GraphActors
from graph.loadplan import LoadError
from graph.profile import LABELS, PROFILE_FIELDS, Profile, ProfileIn, get_profile, set_profile
from graph.proposals import proposals
from graph.workspace import catalogue_products, map_versions, school_name, shared_maps
from loaders.catalogue import curated_catalogue
from loaders.curated_files import curated_path
from loaders.published_maps import MARK as PUBLISHED_MARK
from loaders.published_maps import PublishedMaps, published_maps
from loaders.school_map import BIOMETRIC_NOTE, blank_template, diff_maps
from loaders.workspace_map import (
    XLSX,
    draft_document,
    plan_draft,
    read_upload,
    row_of_line,
    xlsx_template,
)
from web import workspace as view
from web.documents.words import count
from web.render import render

MAX_UPLOAD_BYTES = 1_000_000  # a school's map is a few kB; the template with 200 rows ~20 kB
TOO_LARGE = (
    f"The upload is larger than {MAX_UPLOAD_BYTES // 1000} kB. A school's map is a few kB: "
    "check that it is the map, with one row per system."
)
router = APIRouter(include_in_schema=False, route_class=WorkspaceRoute)


@router.get("/workspace/template.xlsx")
def template_xlsx() -> Response:
    catalogue = curated_catalogue()
    body = xlsx_template(list(view.CATEGORIES), view.LAWFUL_BASES, sorted(catalogue.items))
    headers = {"Content-Disposition": 'attachment; filename="school-map-template.xlsx"'}
    return Response(body, media_type=XLSX, headers=headers)


@router.get("/workspace/published", response_class=HTMLResponse)
def published(db: DbDep) -> HTMLResponse:
    """Which schools' published statements became partial maps (the match and its score),
    and every statement that could not be matched, with the reason; each cites its page."""
    found = _published(db)
    if found is None:
        raise Refused(404, "Not available", "The public data files are not at hand here.", "/")
    html = render(
        "workspace_published.html",
        matches=sorted(found.matches.items(), key=lambda kv: kv[1].name),
        maps=found.maps,
        unmatched=found.unmatched,
        mark=PUBLISHED_MARK,
    )
    return HTMLResponse(html)


@router.get("/workspace/template.csv")
def template_csv() -> Response:
    headers = {"Content-Disposition": 'attachment; filename="school-map-template.csv"'}
    return Response(blank_template("csv"), media_type="text/csv; charset=utf-8", headers=headers)


# -- the map editor -----------------------------------------------------------------------------


@router.get("/schools/{urn}/edit", response_class=HTMLResponse)
def edit_page(
    request: Request,
    db: DbDep,
    urn: UrnPath,
    row: Annotated[int | None, Query(ge=0, le=10_000)] = None,
    category: Annotated[str, Query(max_length=40)] = "",
) -> HTMLResponse:
    signed = editor_session(request, db, urn)
    rows = _draft(db, signed, urn)
    editing = row if row is not None and row < len(rows) else None
    form = view.form_from_row(rows[editing] if editing is not None else None)
    if editing is None and category in view.CATEGORIES:
        form["category"] = category
    return _editor_page(db, signed, urn, form=form, editing=editing)


@router.post("/schools/{urn}/edit/row", response_class=HTMLResponse)
async def edit_row(request: Request, db: DbDep, urn: UrnPath) -> Response:
    form = await read_form(request)
    signed = editor_session(request, db, urn, form)
    rows = _draft(db, signed, urn)
    editing = _index(form, rows)
    row = view.row_from_form(form.fields)
    others = [r for i, r in enumerate(rows) if i != editing]
    if any(r.get("system") == row.get("system") for r in others):
        errors = {"system": f"the draft already has a system called {row.get('system')!r}."}
        return _editor_page(db, signed, urn, view.form_from_row(row), editing, errors, 422)
    known = GraphActors(db)  # the draft's ids are asked of the graph, not every actor id
    try:
        await run_in_threadpool(plan_draft, urn, [row], known)  # the loader's own rules
    except EdflowsError as exc:
        field = view.form_field(getattr(exc, "column", None))
        errors = {field: _said(exc)}
        return _editor_page(db, signed, urn, view.form_from_row(row), editing, errors, 422)
    if editing is None:
        rows.append(row)
        signed.session.flash = f"Added “{row['system']}” to the draft (not saved yet)."
    else:
        rows[editing] = row
        signed.session.flash = f"Changed “{row['system']}” in the draft (not saved yet)."
    return RedirectResponse(f"/schools/{urn}/edit", 303)


@router.post("/schools/{urn}/edit/remove")
async def remove_row(request: Request, db: DbDep, urn: UrnPath) -> Response:
    form = await read_form(request)
    signed = editor_session(request, db, urn, form)
    rows = _draft(db, signed, urn)
    index = _index(form, rows)
    if index is not None:
        removed = rows.pop(index)
        signed.session.flash = f"Removed “{removed.get('system')}” from the draft (not saved yet)."
    return RedirectResponse(f"/schools/{urn}/edit", 303)


@router.post("/schools/{urn}/edit/save", response_class=HTMLResponse)
async def save(request: Request, db: DbDep, urn: UrnPath) -> Response:
    form = await read_form(request)
    signed = editor_session(request, db, urn, form)
    rows = _draft(db, signed, urn)
    content, starts = draft_document(urn, rows)
    try:
        report, _ = await run_in_threadpool(
            upload_school_map, db, signed.token, urn, content, "yaml"
        )
    except EdflowsError as exc:
        index = row_of_line(starts, getattr(exc, "line", None))
        field = view.form_field(getattr(exc, "column", None))
        shown = view.form_from_row(rows[index] if index is not None else None)
        return _editor_page(
            db, signed, urn, shown, index, {field: _said(exc)}, 422, save_error=_said(exc)
        )
    signed.session.flash = "Saved: " + ("; ".join(report.notes) or "a new version of the map.")
    return RedirectResponse(f"/schools/{urn}/history", 303)


@router.post("/schools/{urn}/edit/start", response_class=HTMLResponse)
async def start_from(request: Request, db: DbDep, urn: UrnPath) -> Response:
    form = await read_form(request)
    signed = editor_session(request, db, urn, form)
    choice = form.one("start")
    if choice == "demo":
        data = yaml.safe_load(curated_path("demo_school_map.yaml").read_text(encoding="utf-8"))
        signed.session.drafts[urn] = [dict(r) for r in data["rows"]]
        signed.session.origins[urn] = (
            "the shared demo map, an EXAMPLE: change every row to your school's own systems "
            "and your own privacy notice before saving"
        )
    elif choice.startswith("shared:"):
        wanted = choice.removeprefix("shared:")
        found = next((m for m in shared_maps(db, urn) if m.urn == wanted), None)
        if found is None:
            raise Refused(
                422,
                "No such shared map",
                f"no map of URN {wanted} is shared with this school's trust or local "
                "authority (it may have been unshared): choose another starting point",
                f"/schools/{urn}/edit",
            )
        signed.session.drafts[urn] = [dict(r) for r in found.rows]
        signed.session.origins[urn] = (
            f"the map of {found.label} (version {found.version}): it describes THAT school; "
            "change every row to your school's own systems and your own privacy notice "
            "before saving"
        )
    else:
        signed.session.drafts.pop(urn, None)
        signed.session.origins.pop(urn, None)
    return RedirectResponse(f"/schools/{urn}/edit", 303)


@router.post("/schools/{urn}/edit/upload", response_class=HTMLResponse)
async def upload(request: Request, db: DbDep, urn: UrnPath) -> Response:
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_UPLOAD_BYTES + 10_000:
        raise Refused(422, "The file is too large", TOO_LARGE, f"/schools/{urn}/edit")
    form = await read_form(request)
    signed = editor_session(request, db, urn, form)
    file = form.files.get("file")
    if file is None or not file.content:
        errors = {"upload": "choose a .csv or .xlsx file to upload."}
        return _editor_page(db, signed, urn, errors=errors, status=422)
    if len(file.content) > MAX_UPLOAD_BYTES:
        raise Refused(422, "The file is too large", TOO_LARGE, f"/schools/{urn}/edit")
    known = GraphActors(db)
    try:
        rows = await run_in_threadpool(read_upload, urn, file.filename, file.content, known)
    except EdflowsError as exc:
        return _editor_page(db, signed, urn, errors={"upload": _said(exc)}, status=422)
    signed.session.drafts[urn] = rows
    signed.session.origins[urn] = f"the uploaded file {file.filename} (not saved yet)"
    return RedirectResponse(f"/schools/{urn}/edit", 303)


# -- after saving -------------------------------------------------------------------------------


@router.get("/schools/{urn}/edit/profile", response_class=HTMLResponse)
def profile_page(request: Request, db: DbDep, urn: UrnPath) -> HTMLResponse:
    """The school's profile for its record of processing: contact, ICO number, DPO."""
    signed = editor_session(request, db, urn)
    stored = get_profile(db, urn)
    form = {k: getattr(stored, k) or "" for k in PROFILE_FIELDS}
    return _profile_page(db, signed, urn, form, stored)


@router.post("/schools/{urn}/edit/profile", response_class=HTMLResponse)
async def save_profile(request: Request, db: DbDep, urn: UrnPath) -> Response:
    form = await read_form(request)
    signed = editor_session(request, db, urn, form)
    fields = {k: form.one(k).strip() for k in PROFILE_FIELDS}
    try:
        body = ProfileIn.model_validate({k: v or None for k, v in fields.items()})
    except ValidationError as exc:
        errors = {str(e["loc"][0]): f"{LABELS[str(e['loc'][0])]}: {e['msg']}" for e in exc.errors()}
        return _profile_page(db, signed, urn, fields, get_profile(db, urn), errors, 422)
    saved = await run_in_threadpool(set_profile, db, signed.token, urn, body)
    signed.session.flash = f"Saved the profile (audit entry {saved.audit_id})."
    return RedirectResponse(f"/schools/{urn}/edit/profile", 303)


@router.get("/schools/{urn}/history", response_class=HTMLResponse)
def history(
    request: Request,
    db: DbDep,
    urn: UrnPath,
    a: Annotated[int | None, Query(ge=0, le=1_000_000)] = None,
    b: Annotated[int | None, Query(ge=1, le=1_000_000)] = None,
) -> HTMLResponse:
    """Public, like every reading page; a signed-in school sees its session too."""
    name = school_name(db, urn)
    if name is None:
        raise Refused(404, "No such school", f"No school with URN {urn} is in the graph.", "/")
    versions = map_versions(db, urn)
    numbers = {v.version: v for v in versions}
    newest = versions[0].version if versions else 0
    b = b if b in numbers else newest
    a = a if a is not None and (a == 0 or a in numbers) else (b - 1 if b - 1 in numbers else 0)
    old = numbers[a].rows if a else []
    new = numbers[b].rows if b else []
    signed = sessions.signed_in(request, db)
    flash = None
    if signed is not None:
        flash, signed.session.flash = signed.session.flash, None
    latest = versions[0].rows if versions else []
    items = sorted({str(i) for r in latest for i in r.get("items") or []})
    html = render(
        "workspace_history.html",
        urn=urn,
        school=name,
        versions=versions,
        a=a,
        b=b,
        diff=view.diff_view(diff_maps(old, new)),
        map_items=items,
        message=flash,
        notes=[],
        signed=signed is not None,
        token=signed.token if signed else None,
        csrf=signed.session.csrf if signed else "",
    )
    return HTMLResponse(html)


# -- helpers ------------------------------------------------------------------------------------


def _draft(db: Database, signed: SignedIn, urn: str) -> list[dict[str, Any]]:
    """The session's draft of the map; a new draft starts from the last saved version."""
    drafts = signed.session.drafts
    if urn not in drafts:
        versions = map_versions(db, urn)
        drafts[urn] = [dict(r) for r in versions[0].rows] if versions else []
        published = _published(db)
        if not versions and published is not None and urn in published.maps:
            drafts[urn] = [dict(r) for r in published.maps[urn]]
            matched = [(k, m) for k, m in published.matches.items() if m.urn == urn]
            signed.session.origins[urn] = (
                f"the school's published statements ({PUBLISHED_MARK}): "
                f"{count(len(drafts[urn]), 'statement')} of “{matched[0][0]}”, "
                f"matched to URN {urn} "
                f"({matched[0][1].name}, {matched[0][1].la}) with score {matched[0][1].score}. "
                "Each row cites the school's own page; add what the pages do not say "
                "(lawful basis, retention, storage, ...) before saving"
            )
    return drafts[urn]


def _published(db: Database) -> PublishedMaps | None:
    """The schools' published statements as partial maps, when the public files are at hand."""
    data = Path(db.settings.shared_data)
    files = (
        data / "edtech-catalogue" / "school_processors.csv",
        data / "schools" / "2017-2018_england_spine.csv",
        data / "local-authorities" / "EnglishLaNameCodes.csv",
    )
    return published_maps(*files) if all(f.is_file() for f in files) else None


def _index(form: FormData, rows: list[dict[str, Any]]) -> int | None:
    text = form.one("row")
    return int(text) if text.isdigit() and int(text) < len(rows) else None


def _said(exc: EdflowsError) -> str:
    """The loader's message without the draft's internal file name."""
    message = exc.message
    if isinstance(exc, LoadError) and message.startswith(exc.path):
        message = message[len(exc.path) :].lstrip(", ")
    return message


def _profile_page(
    db: Database,
    signed: SignedIn,
    urn: str,
    form: dict[str, str],
    stored: Profile,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    flash, signed.session.flash = signed.session.flash, None
    html = render(
        "workspace_profile.html",
        urn=urn,
        school=school_name(db, urn) or f"URN {urn}",
        token=signed.token,
        csrf=signed.session.csrf,
        form=form,
        labels=LABELS,
        stored=stored,
        errors=errors or {},
        message=flash,
    )
    return HTMLResponse(html, status)


def _editor_page(
    db: Database,
    signed: SignedIn,
    urn: str,
    form: dict[str, Any] | None = None,
    editing: int | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
    save_error: str | None = None,
) -> HTMLResponse:
    rows = _draft(db, signed, urn)
    catalogue = curated_catalogue()
    special = view.special_items(catalogue)
    products = catalogue_products(db)
    versions = map_versions(db, urn)
    saved = [r.get("system") for r in versions[0].rows] if versions else None
    flash, signed.session.flash = signed.session.flash, None
    html = render(
        "workspace_edit.html",
        urn=urn,
        school=school_name(db, urn) or f"URN {urn}",
        token=signed.token,
        csrf=signed.session.csrf,
        rows=rows,
        categories=view.categories(rows),
        category_titles=[(k, v) for k, v in view.CATEGORIES.items()],
        products=view.products_by_id(products),
        product_list=products,
        chains={p.id: f"{p.name}: {p.chain}" for p in products},
        groups=view.item_groups(catalogue),
        special=special,
        bases=view.LAWFUL_BASES,
        art9=view.ART9_CONDITIONS,
        form=form or view.form_from_row(None),
        editing=editing,
        errors=errors or {},
        row_error=next(iter((errors or {}).values()), None),
        save_error=save_error,
        message=flash,
        origin=signed.session.origins.get(urn),
        notes=[],
        check=check_map(rows, special, [str(s) for s in saved] if saved is not None else None),
        reminders=view.reminders,
        biometric_note=BIOMETRIC_NOTE,
        max_upload_kb=MAX_UPLOAD_BYTES // 1000,
        proposed=proposals(db, urn=urn),
        shared=shared_maps(db, urn),
    )
    return HTMLResponse(html, status)
