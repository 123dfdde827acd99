"""What a data protection officer looks for in a school's map: rows that likely need a DPIA
(with the reason), gaps, and a completeness score. Pure functions over map rows.

The screening follows the Information Commissioner's Office's published guidance on when a
data protection impact assessment is needed (UK GDPR Article 35, and the ICO's guidance page
"When do we need to do a DPIA?"). No copy of that page is among the project's documents, so
nothing here quotes it: the reasons below are edflows' own words, and the citation is marked
unverified (see ICO_CITATION).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

ICO_CITATION = (
    'Information Commissioner\'s Office, UK GDPR guidance: "When do we need to do a DPIA?" '
    "(its screening checklist and its examples of processing likely to result in high risk). "
    "Described in edflows' own words, not quoted; unverified: no copy is among the project's "
    "documents."
)
# the fields a complete row gives (the loader already requires lawful basis and evidence)
CHECKED_FIELDS = ("lawful_basis", "retention", "destruction", "storage", "evidence", "viewers")
UK_STORAGE = re.compile(r"\b(uk|united kingdom|england|great britain|gb)\b", re.I)
AI_WORDS = re.compile(r"\b(ai|artificial intelligence|machine learning|chatbot|generative)\b", re.I)


@dataclass
class RowCheck:
    """One system's DPIA flags (reasons) and its missing fields."""

    system: str
    dpia: list[str] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)


@dataclass
class MapCheck:
    rows: list[RowCheck]
    completeness: int  # per cent of the checked fields filled in, over all rows
    citation: str = ICO_CITATION

    @property
    def flagged(self) -> list[RowCheck]:
        return [r for r in self.rows if r.dpia]

    @property
    def with_gaps(self) -> list[RowCheck]:
        return [r for r in self.rows if r.gaps]


def check_map(
    rows: list[dict[str, Any]], special_items: set[str], saved_systems: Iterable[str] | None
) -> MapCheck:
    """Flag each row; `special_items` are the catalogue's special category ids (with their
    children); `saved_systems` the systems of the last saved version (None: nothing saved, so
    no row counts as new)."""
    saved = set(saved_systems) if saved_systems is not None else None
    checks = [_check_row(row, special_items, saved) for row in rows]
    filled = sum(1 for row in rows for f in CHECKED_FIELDS if _given(row.get(f)))
    total = len(rows) * len(CHECKED_FIELDS)
    return MapCheck(checks, round(100 * filled / total) if total else 0)


def _check_row(row: dict[str, Any], special: set[str], saved: set[str] | None) -> RowCheck:
    items = [str(i) for i in row.get("items") or []]
    system = str(row.get("system") or "")
    text = " ".join(str(row.get(k) or "") for k in ("system", "product", "purpose"))
    reasons: list[str] = []
    if any(i.startswith("pupil.biometric") for i in items):
        reasons.append(
            "biometric data: it identifies a child by their body (and needs parental consent "
            "under the Protection of Freedoms Act 2012)"
        )
    if row.get("category") == "safeguarding" or any(
        i.startswith(("pupil.online.", "pupil.safeguarding.monitoring")) for i in items
    ):
        reasons.append("monitoring or filtering: children's use of devices is watched")
    special_here = [i for i in items if i in special]
    if special_here:
        reasons.append(f"special category data ({', '.join(special_here)})")
    if any(i.startswith("pupil.images.cctv") for i in items) or "cctv" in text.lower():
        reasons.append("CCTV: systematic monitoring of a place children use")
    storage = str(row.get("storage") or "")
    if storage and not UK_STORAGE.search(storage):
        reasons.append(f"stored outside the UK ({storage})")
    if AI_WORDS.search(text):
        reasons.append("an AI tool: an innovative technology")
    elif saved is not None and system not in saved:
        reasons.append("a new tool, not in the last saved map")
    gaps = [f for f in CHECKED_FIELDS if not _given(row.get(f))]
    return RowCheck(system, reasons, gaps)


def _given(value: Any) -> bool:
    if isinstance(value, list):
        return bool(value)
    return bool(str(value or "").strip())
