"""`edflows load suppliers [PATH]`: products schools use, the companies behind them, their
parents and sub-processors, with the data each processes.

PATH is either the project's curated catalogue (`loaders/curated/suppliers.yaml`, the
default) or a compiled catalogue in the edtech-catalogue CSV format (`products.csv`, one source
per row, or the folder holding it). Rows about the same product merge into one Product whose
processing flow keeps every source's claim. Flows from the catalogue have layer `catalogue`:
they hold for every school that uses the product.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from graph.loadplan import LoadError, LoadPlan, LoadReport
from graph.model import ActorRecord, Claim, Evidence, FlowRecord, SourceRecord, model
from loaders.base_map import read_base
from loaders.catalogue import Catalogue, curated_catalogue
from loaders.common import Row, fingerprint, loose_date, read_table, require_columns, slug
from loaders.curated_files import curated_path
from loaders.releases import KIND_BY_HOST
from loaders.yamlfile import build, line_of, read_yaml, strip_lines

CSV_COLUMNS = ["product", "supplier", "category", "data_items", "source_url", "source_title"]
CATEGORY_FROM_CSV = {
    "MIS": "mis",
    "MIS data extraction/integration": "mis_data_extractor",
    "Safeguarding monitoring/filtering": "safeguarding_monitoring",
    "Safeguarding records": "safeguarding_records",
    "Payments/cashless catering/biometrics": "cashless_payments",
    "Parent communications": "communications",
    "Classroom/homework/learning apps": "homework_classroom",
    "Visitor management": "cctv_estate",
    "Assessment": "assessment",
    "Careers": "careers",
    "School data analytics": "other",
    "National pupil data (DfE)": "other",
}
# Phrases in a sub-processor list that describe a list rather than name an organisation.
NOT_AN_ORGANISATION = re.compile(r"\b(list|partners|sub-processors|on request|example)\b", re.I)
SUBJECTS = {
    "pupil": "pupil",
    "student": "pupil",
    "child": "pupil",
    "parent": "parent",
    "guardian": "parent",
    "famil": "parent",
    "staff": "staff",
    "teacher": "staff",
}


def plan_suppliers(path: Path | None) -> tuple[LoadPlan, LoadReport]:
    """Read the curated YAML catalogue or a products.csv into a load plan."""
    path = path or curated_path("suppliers.yaml")
    if path.is_dir():
        path = path / "products.csv"
    if path.suffix.lower() in {".yaml", ".yml"}:
        return _plan_yaml(path)
    return _plan_csv(path)


# -- the curated YAML ---------------------------------------------------------------------------


def _start(path: Path) -> tuple[LoadPlan, LoadReport]:
    """A plan holding the catalogue and base actors a supplier load builds on."""
    base = read_base()
    plan = base.plan(origin=f"suppliers:{path.name}", with_flows=False)
    plan.fingerprint = fingerprint(path.read_bytes(), base.digest.encode())
    plan.report_kinds = {"actors", "flows", "links", "sources"}
    return plan, LoadReport("suppliers", str(path))


def _plan_yaml(path: Path) -> tuple[LoadPlan, LoadReport]:
    raw = read_yaml(path) or {}
    plan, report = _start(path)
    catalogue = curated_catalogue()
    plan.sources += [build(path, SourceRecord, s, "source") for s in raw.get("sources") or []]
    categories = model().product_categories
    for section, kind in (("suppliers", "Supplier"), ("products", "Product")):
        for entry in raw.get(section) or []:
            actor = build(path, ActorRecord, entry, kind.lower())
            if actor.kind != kind:
                raise LoadError(
                    path,
                    f"{actor.id}: a {section[:-1]} must have kind {kind}.",
                    line=line_of(entry),
                )
            _check_actor_props(path, entry, actor, categories, catalogue)
            plan.actors.append(actor.model_copy(update={"layer": "catalogue"}))
            parent = actor.props.get("parent")
            if isinstance(parent, str):
                plan.links.append(("SUBSIDIARY_OF", actor.id, parent))
            supplier = actor.props.get("supplier")
            if isinstance(supplier, str):
                plan.links.append(("MADE_BY", actor.id, supplier))
    for entry in raw.get("flows") or []:
        flow = build(path, FlowRecord, entry, "flow")
        catalogue.check_ids(path, flow.items, line_of(entry), "items")
        plan.flows.append(flow.model_copy(update={"layer": "catalogue"}))
    report.rows_read = len(plan.actors) + len(plan.flows)
    _note_categories(plan, report)
    return plan, report


def _check_actor_props(
    path: Path,
    raw: dict[str, Any],
    actor: ActorRecord,
    categories: list[str],
    catalogue: Catalogue,
) -> None:
    category = actor.props.get("category")
    if actor.kind == "Product" and category not in categories:
        raise LoadError(
            path,
            f"{actor.id}: category {category!r} is not one of {', '.join(categories)}.",
            line=line_of(raw),
            column="props.category",
        )
    items = actor.props.get("typical_items") or []
    if isinstance(items, list):
        catalogue.check_ids(path, items, line_of(raw), "props.typical_items")


# -- a compiled catalogue in CSV ------------------------------------------------------------


def _plan_csv(path: Path) -> tuple[LoadPlan, LoadReport]:
    header, rows = read_table(path)
    require_columns(path, header, CSV_COLUMNS)
    plan, report = _start(path)
    catalogue = curated_catalogue()
    sources: dict[str, SourceRecord] = {}
    curated_raw = read_yaml(curated_path("suppliers.yaml")) or {}
    curated = [
        SourceRecord.model_validate(strip_lines(s)) for s in curated_raw.get("sources") or []
    ]
    by_url = {s.url: s for s in [*plan.sources, *curated] if s.url}
    products: dict[str, dict[str, Any]] = {}
    suppliers: dict[str, ActorRecord] = {}
    claims: dict[tuple[str, str], list[Claim]] = defaultdict(list)
    for row in rows:
        report.rows_read += 1
        # one document, one id: a page the curated files already cite keeps their id
        source = by_url.get(row.get("source_url")) or _row_source(path, row)
        sources.setdefault(source.id, source)
        evidence = Evidence(
            source=source.id, locator=f"{path.name} line {row.line}", quote=row.get("quote") or None
        )
        category = CATEGORY_FROM_CSV.get(row.get("category"))
        if category is None:
            raise LoadError(
                path,
                f"unknown category {row.get('category')!r}.",
                line=row.line,
                column="category",
                hint=f"Use one of {', '.join(CATEGORY_FROM_CSV)}.",
            )
        product_id = f"product:{slug(row.get('product'))}"
        entry = products.setdefault(
            product_id,
            {"name": row.get("product"), "evidence": [], "category": category, "items": []},
        )
        entry["evidence"].append(evidence)
        items = [i for i in (catalogue.resolve_text(p) for p in _split(row.get("data_items"))) if i]
        entry["items"] += [i for i in items if i not in entry["items"]]
        supplier_name = row.get("supplier")
        if supplier_name:
            supplier_id = f"supplier:{slug(supplier_name)}"
            entry["supplier"] = supplier_id
            _add_supplier(suppliers, supplier_id, supplier_name, evidence)
            parent = row.get("supplier_parent")
            if parent:
                parent_id = f"supplier:{slug(parent)}"
                _add_supplier(suppliers, parent_id, parent, evidence)
                plan.links.append(("SUBSIDIARY_OF", supplier_id, parent_id))
            claims[(product_id, supplier_id)].append(_claim(source.id, row, items, path))
        for sub in _split(row.get("sub_processors")):
            name = re.sub(r"\([^)]*\)", "", sub).strip()
            if not name or NOT_AN_ORGANISATION.search(name):
                report.notes.append(f"{row.get('product')}: sub-processors kept as text: {sub!r}")
                continue
            sub_id = f"supplier:{slug(name)}"
            _add_supplier(suppliers, sub_id, name, evidence)
            claims[(entry.get("supplier", product_id), sub_id)].append(
                _claim(source.id, row, items, path)
            )
    for product_id, entry in products.items():
        props: dict[str, Any] = {"category": entry["category"], "typical_items": entry["items"]}
        if entry.get("supplier"):
            props["supplier"] = entry["supplier"]
            plan.links.append(("MADE_BY", product_id, entry["supplier"]))
        plan.actors.append(
            ActorRecord(
                id=product_id,
                kind="Product",
                name=entry["name"],
                org_type="other",
                props=props,
                evidence=entry["evidence"],
                layer="catalogue",
            )
        )
    plan.actors += list(suppliers.values())
    plan.sources += list(sources.values())
    for (source_actor, target_actor), group in claims.items():
        items = list(dict.fromkeys(i for c in group for i in c.items))
        pair = f"{source_actor.split(':', 1)[1]}:{target_actor.split(':', 1)[1]}"
        plan.flows.append(
            FlowRecord(
                id=f"flow:processing:{pair}",
                kind="processing",
                source_actor=source_actor,
                target_actor=target_actor,
                items=items,
                subjects=sorted({s for c in group for s in _subjects(c.items_text or "")})
                or ["pupil"],
                claims=group,
                layer="catalogue",
                storage_country=next((c.statement for c in group if c.statement), None),
            )
        )
    report.notes = list(dict.fromkeys(report.notes))
    _note_categories(plan, report)
    return plan, report


def _row_source(path: Path, row: Row) -> SourceRecord:
    url = row.get("source_url") or None
    host = re.sub(r"^www\.", "", url.split("/")[2]) if url and "//" in url else ""
    kind = KIND_BY_HOST.get(host, "vendor_page" if url else "unverified")
    if "sch.uk" in host or "school" in host:
        kind = "school_statement"
    kind = row.get("source_kind") or kind  # a compiler may say what the document is
    key = url or row.get("source_title")
    given = row.get("source_date")
    date = loose_date(given) if given else None
    try:
        return SourceRecord(
            id="src-" + fingerprint(key.encode())[:12],
            title=row.get("source_title") or key,
            url=url,
            date=date,
            kind=kind,
            note=f"date as the page gives it: {given}" if given and given != date else None,
        )
    except ValidationError as exc:
        err = exc.errors()[0]
        raise LoadError(
            path, f"bad source: {err['msg']}.", line=row.line, column=f"source_{err['loc'][0]}"
        ) from None


def _claim(source: str, row: Row, items: list[str], path: Path) -> Claim:
    return Claim(
        source=source,
        locator=f"{path.name} line {row.line}",
        quote=row.get("quote") or None,
        items=items,
        items_text=row.get("data_items") or row.get("data_subjects") or None,
        purpose_text=row.get("purposes") or None,
        statement=row.get("storage_location") or None,
    )


def _add_supplier(
    suppliers: dict[str, ActorRecord], supplier_id: str, name: str, evidence: Evidence
) -> None:
    if supplier_id in suppliers:
        current = suppliers[supplier_id]
        if evidence not in current.evidence:
            suppliers[supplier_id] = current.model_copy(
                update={"evidence": [*current.evidence, evidence]}
            )
        return
    suppliers[supplier_id] = ActorRecord(
        id=supplier_id,
        kind="Supplier",
        name=name,
        org_type="supplier",
        evidence=[evidence],
        layer="catalogue",
    )


def _split(text: str) -> list[str]:
    return [p.strip() for p in (text or "").split(";") if p.strip()]


def _subjects(text: str) -> set[str]:
    return {v for k, v in SUBJECTS.items() if k in text.lower()}


def _note_categories(plan: LoadPlan, report: LoadReport) -> None:
    found = {str(a.props.get("category")) for a in plan.actors if a.kind == "Product"}
    missing = [c for c in model().product_categories if c not in found]
    products = sum(1 for a in plan.actors if a.kind == "Product")
    report.notes.append(f"{products} products in {len(found)} categories")
    if missing:
        report.notes.append("no product in categories: " + ", ".join(missing))
