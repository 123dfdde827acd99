"""`edflows load npd-catalogue PATH`: the data-item catalogue, with the NPD's own concepts.

PATH is the NPD metadata folder (as published by DfE's "Find and explore data in the NPD"
service, one CSV per worksheet): `csv_categories_table/IA_*.csv` hold the concept taxonomy
(categories L0-L3 -> concepts -> NPD field aliases); `csv_reduced_table/*.csv` and
`csv_single_sheet_table_*/*.csv` hold the data tables (tier, identifiability, sensitivity per
NPD field). The curated items (`graph/model/items.yaml`) load first; each NPD concept becomes a
DataItem under the curated item that `graph/model/npd_map.yaml` assigns to its category, with
the tier, identifiability and sensitivity the data tables state for its fields.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from graph.loadplan import LoadError, LoadPlan, LoadReport
from graph.model import Evidence, ItemRecord
from loaders.catalogue import catalogue_plan, curated_catalogue
from loaders.common import fingerprint
from loaders.yamlfile import read_yaml

SOURCE = "npd-find-and-explore-metadata"
SENSITIVITY = {
    "A": "never used outside DfE",
    "B": "highly sensitive (safeguarding)",
    "C": "sensitive, not special category",
    "D": "sensitive, special category",
    "E": "other",
}
IDENTIFIABILITY = {
    "1": "instant identifier",
    "2": "meaningful identifier",
    "3": "meaningless identifier",
    "4": "non-identifier with high re-identification risk",
    "5": "other",
}


@dataclass
class Concept:
    """One concept of the NPD taxonomy, where it sits and the NPD fields that carry it."""

    path: tuple[str, ...]
    name: str
    description: str
    aliases: list[str]
    sheet: str
    line: int


@dataclass
class FieldFacts:
    tiers: set[int] = field(default_factory=set)
    identifiability: set[str] = field(default_factory=set)
    sensitivity: set[str] = field(default_factory=set)
    where: list[str] = field(default_factory=list)


def plan_npd_catalogue(path: Path) -> tuple[LoadPlan, LoadReport]:
    """The curated catalogue plus one item per NPD concept found under PATH."""
    categories = _find(path, "csv_categories_table", "IA_*.csv")
    if not categories:
        raise LoadError(
            path,
            "no NPD concept taxonomy here (expected csv_categories_table/IA_*.csv).",
            hint="Point at the npd-metadata folder.",
        )
    tables = _find(path, "csv_reduced_table", "*.csv") + _find(
        path, "csv_single_sheet_table_*", "*.csv"
    )
    report = LoadReport("npd-catalogue", str(path))
    catalogue = curated_catalogue()
    plan = catalogue_plan("npd-catalogue")

    concepts: list[Concept] = []
    for sheet in categories:
        concepts += _read_concepts(sheet, report)
    facts = _read_field_facts(tables)
    mapping = _read_map()
    used_ids: set[str] = set(catalogue.items)
    seen: set[tuple[tuple[str, ...], str]] = set()
    with_tier = 0
    for concept in concepts:
        key = (concept.path, concept.name)
        if key in seen:
            report.skip("the same concept listed twice under the same category")
            continue
        seen.add(key)
        parent = _parent_for(concept.path, mapping)
        if parent is None:
            raise LoadError(
                concept.sheet,
                f"no catalogue item for NPD category {' > '.join(concept.path)}.",
                line=concept.line,
                hint="Add the category to graph/model/npd_map.yaml.",
            )
        if parent not in catalogue.items:
            raise LoadError("graph/model/npd_map.yaml", f"unknown catalogue item {parent!r}.")
        item_id = _unique(f"{parent}.npd_{_id_part(concept.name)}", used_ids)
        matched = _facts_for(concept.aliases, facts)
        tier = min(matched.tiers) if matched.tiers else None
        with_tier += tier is not None
        ident = min(matched.identifiability) if matched.identifiability else None
        evidence = [
            Evidence(
                source=SOURCE,
                locator=f"{Path(concept.sheet).name} line {concept.line}",
            )
        ]
        if matched.where:
            evidence.append(Evidence(source=SOURCE, locator="; ".join(matched.where[:3])))
        plan.items.append(
            ItemRecord(
                id=item_id,
                name=concept.name,
                description=concept.description or " > ".join(concept.path),
                gdpr=catalogue.items[parent].gdpr,
                npd_tier=tier,
                identifiability=f"{ident} ({IDENTIFIABILITY.get(ident, '?')})" if ident else None,
                sensitivity=", ".join(
                    f"{s} ({SENSITIVITY.get(s, '?')})" for s in sorted(matched.sensitivity)
                )
                or None,
                npd_aliases=concept.aliases,
                evidence=evidence,
            )
        )
        plan.links.append(("PART_OF", item_id, parent))
    plan.report_kinds = {"data items", "links", "sources"}
    plan.fingerprint = fingerprint(*(p.read_bytes() for p in [*categories, *tables]))
    report.rows_read = len(concepts)
    report.notes.append(
        f"{len(seen)} NPD concepts; {with_tier} with a tier stated in the data tables"
    )
    return plan, report


def _find(root: Path, folder_glob: str, file_glob: str) -> list[Path]:
    return sorted(p for folder in root.glob(folder_glob) for p in folder.glob(file_glob))


def _read_concepts(sheet: Path, report: LoadReport) -> list[Concept]:
    with sheet.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header_at = next((i for i, r in enumerate(rows) if r and r[0].strip() == "Category (L0)"), None)
    if header_at is None:
        raise LoadError(sheet, "no header row starting with 'Category (L0)'.")
    header = [h.strip() for h in rows[header_at]]
    try:
        concept_col = header.index("Concept level")
        description_col = header.index("Concept Description")
    except ValueError:
        raise LoadError(
            sheet, "missing column 'Concept level' or 'Concept Description'.", line=header_at + 1
        ) from None
    level_cols = [
        header.index(f"Category (L{n})") for n in range(4) if f"Category (L{n})" in header
    ]
    alias_cols = [i for i, h in enumerate(header) if h.startswith("NPD Alias")]
    current = [""] * len(level_cols)
    concepts = []
    for index, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        cells = [c.strip() for c in row] + [""] * (len(header) - len(row))
        for depth, col in enumerate(level_cols):
            if cells[col]:
                current[depth] = cells[col]
                current[depth + 1 :] = [""] * (len(level_cols) - depth - 1)
        name = cells[concept_col]
        if not name:
            continue
        path = tuple(c for c in current if c)
        concepts.append(
            Concept(
                path=path,
                name=name,
                description=cells[description_col],
                aliases=[cells[i] for i in alias_cols if cells[i]],
                sheet=str(sheet),
                line=index,
            )
        )
    return concepts


def _read_field_facts(tables: list[Path]) -> dict[str, FieldFacts]:
    facts: dict[str, FieldFacts] = {}
    for table in tables:
        with table.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
        header_at = next(
            (i for i, r in enumerate(rows) if "NPDAlias" in [c.strip() for c in r]), None
        )
        if header_at is None:
            continue
        header = [h.strip() for h in rows[header_at]]
        alias_col = header.index("NPDAlias")
        tier_col = _first(header, "Tier of Variable", "Old Tier of Variable")
        ident_col = _first(header, "Identifiability", "Identification Risk")
        sens_col = _first(header, "Sensitivity")
        for index, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
            if len(row) <= alias_col or not row[alias_col].strip():
                continue
            entry = facts.setdefault(_norm_alias(row[alias_col]), FieldFacts())
            tier = _cell(row, tier_col)
            if tier in {"1", "2", "3", "4"}:
                entry.tiers.add(int(tier))
            ident = _cell(row, ident_col)
            if ident in IDENTIFIABILITY:
                entry.identifiability.add(ident)
            sens = _cell(row, sens_col)
            if sens in SENSITIVITY:
                entry.sensitivity.add(sens)
            entry.where.append(f"{table.name} line {index}")
    return facts


def _facts_for(aliases: list[str], facts: dict[str, FieldFacts]) -> FieldFacts:
    merged = FieldFacts()
    for alias in aliases:
        found = facts.get(_norm_alias(alias))
        if found:
            merged.tiers |= found.tiers
            merged.identifiability |= found.identifiability
            merged.sensitivity |= found.sensitivity
            merged.where += found.where
    return merged


def _read_map() -> list[tuple[tuple[str, ...], str]]:
    path = Path(str(resources.files("graph.model").joinpath("npd_map.yaml")))
    raw = read_yaml(path) or {}
    out = []
    for entry in raw.get("categories") or []:
        out.append((tuple(s.strip() for s in entry["npd"]), str(entry["item"])))
    return out


def _parent_for(path: tuple[str, ...], mapping: list[tuple[tuple[str, ...], str]]) -> str | None:
    best: tuple[int, str] | None = None
    for npd_path, item in mapping:
        if path[: len(npd_path)] == npd_path and (best is None or len(npd_path) > best[0]):
            best = (len(npd_path), item)
    return best[1] if best else None


def _norm_alias(alias: str) -> str:
    return re.sub(r"\s+", "", alias).lower()


def _id_part(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "concept"


def _unique(candidate: str, used: set[str]) -> str:
    item_id, n = candidate, 2
    while item_id in used:
        item_id, n = f"{candidate}_{n}", n + 1
    used.add(item_id)
    return item_id


def _first(header: list[str], *names: str) -> int | None:
    return next((header.index(n) for n in names if n in header), None)


def _cell(row: list[str], col: int | None) -> str:
    return row[col].strip() if col is not None and col < len(row) else ""
