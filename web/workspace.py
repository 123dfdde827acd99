"""The school workspace's views: the map editor's categories (with the seed talk's own
prompts), its pickers (products, grouped items, the six lawful bases), a row as a form and a
form as a row, and the history's diff. Pure functions; the router renders the templates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from graph.workspace import Product
from loaders.catalogue import Catalogue
from loaders.school_map import BIOMETRIC_NOTE, MapDiff

SEED = "defenddigitalme 2017 talk"
# The seed talk's prompts, verbatim from /work/shared/seed (slide numbers are its footers).
PROMPT_ADMIN = (
    "The technology the office uses for admin include: absence / sickness? biometrics for "
    "lockers/library/canteen/ printing? cashless systems? CCTV? clubs and homework? "
    "communications from school? Interoperability / data transfers from SIMS systems? RFID?",
    f"{SEED}, slide 9",
)
PROMPT_APPS = (
    "The app providers I use are: when I sign up children with any provider / company / "
    "teaching / technology tool, what data does it collect? or do I create or do I enter from "
    "and for each child? Retention? Destruction? Storage where?",
    f"{SEED}, slide 10",
)
PROMPT_FLOWS = (
    "second step is to work out the data flows and access: who can view what data for how "
    "long and why?",
    f"{SEED}, slide 11",
)
PROMPT_SAFEGUARDING = (
    "The safeguarding providers used at school are: when children use our computers and "
    "technology what information does the provider / company / BYOD/ technology tool collect? "
    "Store? Pass on to which others?",
    f"{SEED}, slide 12",
)
CATEGORIES: dict[str, tuple[str, tuple[str, str]]] = {
    "mis": ("MIS (the office's admin system)", PROMPT_ADMIN),
    "classroom_tools": ("a. classroom tools", PROMPT_APPS),
    "online_cloud_providers": ("b. online / cloud providers", PROMPT_APPS),
    "paper_records": ("c. paper records", PROMPT_FLOWS),
    "school_estate_technology": ("d. technology on the school estate", PROMPT_ADMIN),
    "third_parties": ("e. third parties", PROMPT_FLOWS),
    "safeguarding": ("safeguarding providers", PROMPT_SAFEGUARDING),
}
LAWFUL_BASES = [
    "UK GDPR Article 6(1)(a) consent",
    "UK GDPR Article 6(1)(b) contract",
    "UK GDPR Article 6(1)(c) legal obligation",
    "UK GDPR Article 6(1)(d) vital interests",
    "UK GDPR Article 6(1)(e) public task",
    "UK GDPR Article 6(1)(f) legitimate interests",
]
ART9_CONDITIONS = [
    "9(2)(a) explicit consent",
    "9(2)(b) employment, social security and social protection law",
    "9(2)(c) vital interests",
    "9(2)(f) legal claims",
    "9(2)(g) substantial public interest",
    "9(2)(h) health or social care",
    "9(2)(i) public health",
    "9(2)(j) archiving, research and statistics",
]
FIELDS = [
    "system",
    "product",
    "category",
    "items",
    "subjects",
    "purpose",
    "lawful_basis",
    "art9_condition",
    "retention",
    "destruction",
    "storage",
    "viewers",
    "onward",
    "evidence_title",
    "evidence_date",
    "evidence_url",
]
EVIDENCE = re.compile(r"^(?P<title>.*?)(?: \((?P<date>[^()]*)\))?(?: <(?P<url>[^<>\s]+)>)?$")


@dataclass
class ItemChoice:
    id: str
    name: str
    special: bool


@dataclass
class ItemGroup:
    id: str
    name: str
    items: list[ItemChoice] = field(default_factory=list)


@dataclass
class CategoryView:
    id: str
    title: str
    prompt: str
    prompt_source: str
    rows: list[tuple[int, dict[str, Any]]]


def item_groups(catalogue: Catalogue) -> list[ItemGroup]:
    """The taxonomy grouped by its second level (`pupil.contact`, `parent.contact`, ...)."""
    special = special_items(catalogue)
    groups: dict[str, ItemGroup] = {}
    for item in catalogue.items.values():
        parts = item.id.split(".")
        key = ".".join(parts[:2])
        if key not in groups:
            top = catalogue.items.get(key)
            groups[key] = ItemGroup(key, top.name if top else key)
        groups[key].items.append(ItemChoice(item.id, item.name, item.id in special))
    return sorted(groups.values(), key=lambda g: g.id)


def special_items(catalogue: Catalogue) -> set[str]:
    """Special category ids: marked so, or under an item that is (as the loader decides)."""
    out = set()
    for item_id in catalogue.items:
        current = catalogue.items.get(item_id)
        while current is not None:
            if current.gdpr == "special_category":
                out.add(item_id)
                break
            current = catalogue.items.get(current.parent) if current.parent else None
    return out


def categories(rows: list[dict[str, Any]]) -> list[CategoryView]:
    views = []
    for key, (title, (prompt, source)) in CATEGORIES.items():
        mine = [(i, r) for i, r in enumerate(rows) if r.get("category") == key]
        views.append(CategoryView(key, title, prompt, source, mine))
    return views


def row_from_form(form: dict[str, list[str]]) -> dict[str, Any]:
    """A map row (the loader's fields) from the editor's form; empty fields left out."""

    def one(name: str) -> str:
        values = form.get(name) or [""]
        return values[-1].strip()

    def many(name: str) -> list[str]:
        out: list[str] = []
        for value in form.get(name) or []:
            out += [v.strip() for v in re.split(r"[;\n]", value) if v.strip()]
        return list(dict.fromkeys(out))

    row: dict[str, Any] = {
        key: one(key)
        for key in (
            "system",
            "product",
            "category",
            "purpose",
            "lawful_basis",
            "art9_condition",
            "retention",
            "destruction",
            "storage",
        )
    }
    row.update({key: many(key) for key in ("items", "subjects", "viewers", "onward")})
    row["evidence"] = evidence_text(
        one("evidence_title"), one("evidence_date"), one("evidence_url")
    )
    return {k: v for k, v in row.items() if v not in ("", [])}


def evidence_text(title: str, date: str, url: str) -> str:
    """`Our privacy notice (2026-09) <https://...>`: the school's own evidence in one field."""
    text = title
    if date:
        text += f" ({date})"
    if url:
        text += f" <{url}>"
    return text.strip()


def form_from_row(row: dict[str, Any] | None) -> dict[str, Any]:
    """The editor's form values for a row (blank for a new one)."""
    row = row or {}
    match = EVIDENCE.match(str(row.get("evidence") or ""))
    parts = match.groupdict() if match else {}
    form: dict[str, Any] = {key: row.get(key, "") for key in FIELDS}
    for key in ("items", "subjects", "viewers", "onward"):
        form[key] = list(row.get(key) or [])
    form["subjects"] = form["subjects"] or ["pupil"]
    form["evidence_title"] = parts.get("title") or ""
    form["evidence_date"] = parts.get("date") or ""
    form["evidence_url"] = parts.get("url") or ""
    return form


def form_field(column: str | None) -> str:
    """The form field that shows a loader error about `column`."""
    if column == "evidence":
        return "evidence_title"
    return column if column in FIELDS else "system"


def reminders(row: dict[str, Any]) -> list[str]:
    if any(str(i).startswith("pupil.biometric") for i in row.get("items") or []):
        return [BIOMETRIC_NOTE]
    return []


def products_by_id(products: list[Product]) -> dict[str, Product]:
    return {p.id: p for p in products}


@dataclass
class DiffView:
    added: list[str]
    removed: list[str]
    changed: list[tuple[str, list[tuple[str, Any, Any]]]]

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def diff_view(diff: MapDiff) -> DiffView:
    return DiffView(
        diff.added,
        diff.removed,
        [
            (name, [(key, old, new) for key, (old, new) in fields.items()])
            for name, fields in diff.changed.items()
        ],
    )
