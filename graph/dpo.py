"""What a data protection officer looks for in a school's map: rows that likely need a DPIA
(with the reason), gaps, and a completeness score. Pure functions over map rows.

The screening follows the Information Commissioner's Office's published guidance on when a
data protection impact assessment is needed (UK GDPR Article 35): its page "When do we need to
do a DPIA?" (with the screening checklist) and its list "Examples of processing 'likely to result
in high risk'" (ICO_PAGES; both read on 2026-12-02 in stored copies of the pages). Each reason
below names the ICO criterion it follows, by the criterion's heading; the explanations are
edflows' own words, not quotes. One check is edflows' own and says so: storage outside the UK
(the ICO's lists do not name it; it matters for a school's record of transfers).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

ICO_PAGES = (
    (
        "When do we need to do a DPIA?",
        "https://ico.org.uk/for-organisations/guide-to-data-protection/guide-to-the-general-data-"
        "protection-regulation-gdpr/data-protection-impact-assessments-dpias/when-do-we-need-to-"
        "do-a-dpia/",
    ),
    (
        "Examples of processing 'likely to result in high risk'",
        "https://ico.org.uk/for-organisations/uk-gdpr-guidance-and-resources/accountability-and-"
        "governance/data-protection-impact-assessments-dpias/examples-of-processing-likely-to-"
        "result-in-high-risk/",
    ),
)
ICO_CITATION = (
    "Information Commissioner's Office, UK GDPR guidance: "
    + "; ".join(f'"{title}" ({url})' for title, url in ICO_PAGES)
    + ", read on 2026-12-02. Each reason names the ICO criterion it follows; the explanations "
    "are edflows' own words, not quoted."
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
            "biometric data (ICO: biometric data): it identifies a child by their body, and "
            "needs parental consent under the Protection of Freedoms Act 2012"
        )
    if row.get("category") == "safeguarding" or any(
        i.startswith(("pupil.online.", "pupil.safeguarding.monitoring")) for i in items
    ):
        reasons.append(
            "monitoring or filtering (ICO: tracking): children's use of devices is watched"
        )
    special_here = [i for i in items if i in special]
    if special_here:
        reasons.append(
            f"special category data ({', '.join(special_here)}; ICO screening checklist: "
            "special category data)"
        )
    if any(i.startswith("pupil.images.cctv") for i in items) or "cctv" in text.lower():
        reasons.append(
            "CCTV (ICO screening checklist: systematic monitoring): a place children use is watched"
        )
    storage = str(row.get("storage") or "")
    if storage and not UK_STORAGE.search(storage):
        reasons.append(
            f"stored outside the UK ({storage}; edflows' own check, not an ICO criterion: a "
            "transfer the record of processing must show)"
        )
    if AI_WORDS.search(text):
        reasons.append("an AI tool (ICO: innovative technology)")
    elif saved is not None and system not in saved:
        reasons.append(
            "a new tool, not in the last saved map (ICO screening checklist: new technologies)"
        )
    gaps = [f for f in CHECKED_FIELDS if not _given(row.get(f))]
    return RowCheck(system, reasons, gaps)


def _given(value: Any) -> bool:
    if isinstance(value, list):
        return bool(value)
    return bool(str(value or "").strip())
