"""What the school workspace reads from the graph: the school, the catalogue's products with
their supplier chains (for the editor's picker), and the saved versions of a school's map.

Writing goes through the one existing path (`api.maps.upload_school_map`), so the
workspace saves a map exactly as the API and the loader do.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from graph.db import Database


@dataclass(frozen=True)
class Product:
    """A product of the catalogue, as the editor's picker shows it."""

    id: str
    name: str
    category: str | None
    supplier_id: str | None
    supplier: str | None
    sub_processors: tuple[str, ...] = ()

    @property
    def chain(self) -> str:
        """`Supplier -> sub-processor, sub-processor`, or what is not known."""
        if not self.supplier:
            return "supplier not in the catalogue"
        subs = ", ".join(self.sub_processors) or "no sub-processors listed"
        return f"{self.supplier} → {subs}"


@dataclass
class MapVersion:
    """One saved version of a school's map (newest has the highest number)."""

    version: int
    loaded_at: str
    path: str
    rows: list[dict[str, Any]] = field(default_factory=list)


def school_name(db: Database, urn: str) -> str | None:
    """The school's name, or None when no school has this URN."""
    rows = db.read("get_school", urn=urn)
    return str(rows[0]["name"] or f"URN {urn}") if rows else None


def catalogue_products(db: Database) -> list[Product]:
    return [
        Product(
            id=r["id"],
            name=r["name"] or r["id"],
            category=r["category"],
            supplier_id=r["supplier_id"],
            supplier=r["supplier"],
            sub_processors=tuple(r["sub_processors"] or ()),
        )
        for r in db.read("list_catalogue_products")
    ]


def map_versions(db: Database, urn: str) -> list[MapVersion]:
    """Every saved version of the school's map, newest first."""
    return [
        MapVersion(
            version=int(r["version"]),
            loaded_at=str(r["loaded_at"] or ""),
            path=str(r["path"] or ""),
            rows=json.loads(r["rows_json"] or "[]"),
        )
        for r in db.read("map_versions", urn=urn)
    ]


@dataclass
class TrustSchool:
    """A school of a trust with its latest saved map's rows (empty: no map saved)."""

    urn: str
    name: str
    version: int | None
    rows: list[dict[str, Any]] = field(default_factory=list)


def trust_maps(db: Database, code: str) -> tuple[str | None, list[TrustSchool]]:
    """The trust's name (None: no such trust, or no schools) and its schools' latest maps."""
    records = db.read("trust_maps", code=code)
    if not records:
        found = db.read("get_trust", code=code)
        return (str(found[0]["name"]) if found else None), []
    schools = [
        TrustSchool(
            urn=str(r["urn"]),
            name=str(r["name"] or r["urn"]),
            version=r["version"],
            rows=json.loads(r["rows_json"]) if r["rows_json"] else [],
        )
        for r in records
    ]
    return str(records[0]["trust"] or f"Trust {code}"), schools


@dataclass
class SharedMap:
    """A school's saved map that its trust or local authority shares with this school's."""

    urn: str
    name: str
    version: int
    shared_by: list[str]  # the trust's or authority's names
    rows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.name} (URN {self.urn}), shared by {', '.join(self.shared_by)}"


def shared_maps(db: Database, urn: str) -> list[SharedMap]:
    """The maps other schools' trusts or local authority marked shareable with this school."""
    return [
        SharedMap(
            urn=str(r["urn"]),
            name=str(r["name"] or f"URN {r['urn']}"),
            version=int(r["version"]),
            shared_by=[str(n or i) for n, i in zip(r["by_names"], r["by_ids"], strict=True)],
            rows=json.loads(r["rows_json"] or "[]"),
        )
        for r in db.read("shared_maps_for", urn=urn)
    ]
