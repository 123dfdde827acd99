"""Schools' own published statements (`edtech-catalogue/school_processors.csv`) turned into
PARTIAL maps of those real schools, as starting points for their workspace.

Each statement names a school (as its page shows it, sometimes only its web domain, often
with a place in brackets), a product, the data items and purpose in the page's words, the
page's address and a verbatim quote. No statement states a URN, so each school is matched
against the school spine by its name, and by its local authority or town where the statement
gives a place: the match and its score are shown, and every statement that cannot be matched
is listed with the reason. Every row cites the school's own page; the map is marked "from the
school's published statements", never as an example. A partial map is not a saved map: it
lacks what the statements do not say (lawful basis, retention, ...), which the school adds
before saving.
"""

from __future__ import annotations

import csv
import difflib
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from loaders.catalogue import curated_catalogue
from loaders.curated_files import curated_path
from loaders.yamlfile import read_yaml

MARK = "from the school's published statements"
MIN_SCORE = 0.93  # name similarity (0-1) a match needs; a stated place must agree as well
CATEGORY_OF_PRODUCT = {
    "mis": "mis",
    "mis_data_extractor": "mis",
    "safeguarding_monitoring": "safeguarding",
    "filtering": "safeguarding",
    "safeguarding_records": "safeguarding",
    "cashless_payments": "school_estate_technology",
    "biometrics": "school_estate_technology",
    "cctv_estate": "school_estate_technology",
    "communications": "third_parties",
    "homework_classroom": "classroom_tools",
    "cloud_office": "online_cloud_providers",
    "assessment": "classroom_tools",
    "careers": "third_parties",
}
NOISE = re.compile(
    r"\b(the|school|schools|primary|junior|infant|academy|community|college|high|of|and|"
    r"church|england|c ?of ?e|ce|cofe|catholic|technology|st)\b"
)


@dataclass
class Match:
    urn: str
    name: str
    la: str
    score: float


@dataclass
class Statement:
    line: int
    school: str
    product: str
    data_items: str
    purpose: str
    url: str
    quote: str


@dataclass
class PublishedMaps:
    """Matched schools' partial maps (by URN), and every statement that was not matched."""

    maps: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    matches: dict[str, Match] = field(default_factory=dict)  # school text -> its match
    unmatched: list[tuple[Statement, str]] = field(default_factory=list)


def published_maps(statements_csv: Path, spine_csv: Path, la_names_csv: Path) -> PublishedMaps:
    """Match each statement's school and build the partial maps (read once per process)."""
    return _published(str(statements_csv), str(spine_csv), str(la_names_csv))


@cache
def _published(statements_csv: str, spine_csv: str, la_names_csv: str) -> PublishedMaps:
    las = _la_names(Path(la_names_csv))
    spine = _spine(Path(spine_csv), las)
    products = _products()
    out = PublishedMaps()
    decided: dict[str, Match | str] = {}
    for statement in _statements(Path(statements_csv)):
        if statement.school not in decided:
            decided[statement.school] = match_school(statement.school, spine)
        found = decided[statement.school]
        if isinstance(found, str):
            out.unmatched.append((statement, found))
            continue
        out.matches[statement.school] = found
        out.maps.setdefault(found.urn, []).append(_row(statement, products))
    return out


def match_school(text: str, spine: list[tuple[str, str, str, str]]) -> Match | str:
    """The spine school (urn, name, LA name, town) a statement names, or why there is none."""
    name, place = _name_and_place(text)
    if not name:
        return "the page does not show the school's name (only its web address)"
    if re.search(r"\btrust\b|\bschools\b|\bacademies\b|provider", text, re.I):
        return "a trust or provider, not one school"
    wanted = _normal(name)
    scored = []
    for urn, school, la, town in spine:
        other = _normal(school)
        # ratio() is at most 2*min/(sum of lengths) and at most quick_ratio(): names that
        # cannot reach MIN_SCORE are skipped before the costly ratio (the same matches)
        if 2 * min(len(wanted), len(other)) < MIN_SCORE * (len(wanted) + len(other)):
            continue
        matcher = difflib.SequenceMatcher(None, wanted, other)
        if matcher.quick_ratio() < MIN_SCORE:
            continue
        score = matcher.ratio()
        if score >= MIN_SCORE:
            scored.append((score, urn, school, la, town))
    if place:
        here = [s for s in scored if _place_agrees(place, s[3], s[4])]
        if scored and not here:
            return f"no school of that name in or near {place!r} in the spine"
        scored = here
    if not scored:
        return f"no school in the spine has a name close to {name!r} (score {MIN_SCORE} or more)"
    # ties on the main score are told apart by the names with only punctuation removed
    # ("Hook Junior School" is not "Hook Infant School")
    light = _light(name)
    ranked = [
        (s[0], difflib.SequenceMatcher(None, light, _light(s[2])).ratio(), *s[1:]) for s in scored
    ]
    ranked.sort(reverse=True)
    best = ranked[0]
    ties = [s for s in ranked if s[:2] == best[:2]]
    if len(ties) > 1:
        names = "; ".join(f"{s[3]} (URN {s[2]}, {s[4]})" for s in ties[:4])
        return f"{len(ties)} schools match equally well: {names}"
    return Match(urn=best[2], name=best[3], la=best[4], score=round(best[0], 2))


def _row(statement: Statement, products: dict[str, tuple[str, str]]) -> dict[str, Any]:
    catalogue = curated_catalogue()
    found = products.get(_normal_product(statement.product))
    items = []
    for phrase in re.split(r"[;,]", statement.data_items):
        item = catalogue.resolve_text(phrase) if phrase.strip() else None
        if item and item not in items:
            items.append(item)
    row: dict[str, Any] = {
        "system": statement.product,
        "product": found[0] if found else "",
        "category": CATEGORY_OF_PRODUCT.get(found[1], "third_parties") if found else "",
        "items": items,
        "purpose": statement.purpose or None,
        "evidence": f"The school's own page ({MARK}): “{statement.quote}” <{statement.url}>",
    }
    return {k: v for k, v in row.items() if v not in (None, "", [])}


def _name_and_place(text: str) -> tuple[str, str | None]:
    if re.match(r"^school at ", text, re.I):
        return "", None
    inside = re.findall(r"\(([^)]*)\)?", text)
    name = re.sub(r"\(.*", "", text).strip()
    place = None
    for part in inside:
        first = part.split(";")[0].strip()
        if first.startswith("name from domain") or first.startswith("page headed"):
            continue
        first = first.removeprefix("local authority:").strip().removesuffix(" Council")
        if first and not re.search(r"college|education|name", first, re.I):
            place = first
            break
    return name, place


def _place_agrees(place: str, la: str, town: str) -> bool:
    words = {w for w in re.findall(r"[a-z]+", place.lower()) if len(w) > 2 and w != "and"}
    text = f"{la} {town}".lower()
    return any(w in text for w in words) or (place.lower() in {"bcp"} and "bournemouth" in text)


@cache  # called for every spine school and every statement
def _normal(name: str) -> str:
    text = re.sub(r"[^a-z0-9 ]", " ", name.lower().replace("'s", "s").replace("&", " and "))
    text = NOISE.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip()


def _light(name: str) -> str:
    text = re.sub(r"[^a-z0-9 ]", " ", name.lower().replace("'s", "s").replace("&", " and "))
    return " ".join(re.sub(r"\b(the|school)\b", " ", text).split())


def _normal_product(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", re.sub(r"\([^)]*\)", "", name.lower()))


def _statements(path: Path) -> list[Statement]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        return [
            Statement(
                line=reader.line_num,
                school=(r.get("school_name") or "").strip(),
                product=(r.get("product") or "").strip(),
                data_items=r.get("data_items") or "",
                purpose=(r.get("purpose") or "").strip(),
                url=(r.get("source_url") or "").strip(),
                quote=(r.get("quote") or "").strip(),
            )
            for r in reader
        ]


def _spine(path: Path, las: dict[str, str]) -> list[tuple[str, str, str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [
            (r["URN"], r["SCHNAME"], las.get(r.get("LA") or "", ""), r.get("TOWN") or "")
            for r in csv.DictReader(handle)
            if r.get("ICLOSE") != "2"
        ]


def _la_names(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        next(reader, None)
        return {row[1]: row[0] for row in reader if len(row) > 1}


def _products() -> dict[str, tuple[str, str]]:
    """Normalised product names and aliases of the curated catalogue -> (id, category)."""
    raw = read_yaml(curated_path("suppliers.yaml")) or {}
    out: dict[str, tuple[str, str]] = {}
    for entry in raw.get("actors") or raw.get("products") or []:
        if not isinstance(entry, dict) or not str(entry.get("id", "")).startswith("product:"):
            continue
        category = str((entry.get("props") or {}).get("category") or "other")
        for name in [entry.get("name"), *(entry.get("aliases") or [])]:
            if name:
                out.setdefault(_normal_product(str(name)), (str(entry["id"]), category))
    return out
