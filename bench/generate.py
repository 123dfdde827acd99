"""`edflows bench generate --scale small|medium|national`: SYNTHETIC benchmark inputs.

Shaped by the real files, never mistaken for them: every school comes from the real school list
(with its real local authority), products from the curated supplier catalogue plus SYNTHETIC
products with SYNTHETIC sub-processor chains, releases from the real register plus SYNTHETIC
releases to SYNTHETIC recipients. Every generated name starts with "SYNTHETIC" and every
generated row cites one source of kind `synthetic` that says so. Deterministic from `--seed`.

The files are in the formats the project's own loaders read, so the benchmark measures the
real loaders: `products.csv` (suppliers loader, compiled format), `school_maps.csv` (school-maps
loader: every school's map in ONE file, schools in local-authority order, loaded as ONE
transaction) and `releases.csv` (releases loader). `manifest.json` records the scale, the seed
and the counts. (`part_rows` splits the school maps into files of at most that many rows,
`school_maps/part-NN.csv`, for a server whose heap cannot take one transaction.)
"""

from __future__ import annotations

import csv
import json
import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from loaders.catalogue import curated_catalogue
from loaders.common import slug
from loaders.curated_files import curated_path

SCALES: dict[str, dict[str, int]] = {
    # schools (0 = every school in the real list), products per school, releases, recipients
    "small": {"schools": 1000, "per_school": 20, "releases": 300, "recipients": 60},
    "medium": {"schools": 8000, "per_school": 20, "releases": 1000, "recipients": 200},
    "national": {"schools": 0, "per_school": 20, "releases": 3000, "recipients": 600},
}
SYNTHETIC_TITLE = "SYNTHETIC benchmark data (edflows bench generate {scale}, seed {seed}): no fact"
# product category -> (school map category, how many a school uses)
MIX: dict[str, tuple[str, int]] = {
    "mis": ("mis", 1),
    "mis_data_extractor": ("third_parties", 1),
    "safeguarding_monitoring": ("safeguarding", 1),
    "filtering": ("safeguarding", 1),
    "safeguarding_records": ("safeguarding", 1),
    "cashless_payments": ("third_parties", 1),
    "biometrics": ("school_estate_technology", 1),
    "cctv_estate": ("school_estate_technology", 1),
    "communications": ("online_cloud_providers", 2),
    "homework_classroom": ("classroom_tools", 6),
    "cloud_office": ("online_cloud_providers", 1),
    "assessment": ("classroom_tools", 2),
    "careers": ("third_parties", 1),
}
# product category -> the compiled catalogue's category label (loaders/suppliers.py)
CSV_CATEGORY = {
    "mis": "MIS",
    "mis_data_extractor": "MIS data extraction/integration",
    "safeguarding_monitoring": "Safeguarding monitoring/filtering",
    "filtering": "Safeguarding monitoring/filtering",
    "safeguarding_records": "Safeguarding records",
    "cashless_payments": "Payments/cashless catering/biometrics",
    "biometrics": "Payments/cashless catering/biometrics",
    "cctv_estate": "Visitor management",
    "communications": "Parent communications",
    "homework_classroom": "Classroom/homework/learning apps",
    "cloud_office": "Classroom/homework/learning apps",
    "assessment": "Assessment",
    "careers": "Careers",
}
# items a synthetic product of a category processes (catalogue ids)
CATEGORY_ITEMS: dict[str, list[str]] = {
    "mis": [
        "pupil.identity.name",
        "pupil.identity.date_of_birth",
        "pupil.contact.address",
        "pupil.enrolment.year_group",
        "pupil.absence.attendance",
        "parent.contact",
    ],
    "mis_data_extractor": ["pupil.identity.name", "pupil.enrolment.groups", "parent.contact.email"],
    "safeguarding_monitoring": [
        "pupil.identity.name",
        "pupil.online.browsing_history",
        "pupil.online.screen_captures",
        "pupil.safeguarding.monitoring_alerts",
    ],
    "filtering": ["pupil.online.browsing_history", "pupil.online.device_data"],
    "safeguarding_records": [
        "pupil.identity.name",
        "pupil.safeguarding.records",
        "pupil.care.child_protection_plan",
    ],
    "cashless_payments": ["pupil.identity.name", "pupil.catering.purchases", "parent.payment"],
    "biometrics": ["pupil.identity.name", "pupil.biometric.fingerprint_template"],
    "cctv_estate": ["pupil.images.cctv"],
    "communications": [
        "pupil.identity.name",
        "parent.name",
        "parent.contact.telephone",
        "parent.contact.email",
    ],
    "homework_classroom": [
        "pupil.identity.name",
        "pupil.enrolment.groups",
        "pupil.online.classwork",
        "pupil.online.account",
    ],
    "cloud_office": ["pupil.identity.name", "pupil.online.account", "pupil.online.messages"],
    "assessment": ["pupil.identity.name", "pupil.attainment.school_assessment"],
    "careers": ["pupil.identity.name", "pupil.school_history.destinations"],
}
SYNTHETIC_PER_CATEGORY = 10  # synthetic products added to each category
HOSTS = 12  # synthetic hosting sub-processors, each with its own datacentre sub-processor
ART9 = "SYNTHETIC: 9(2)(g) substantial public interest"
# the one school-maps file (each file is one transaction: see bench/tx_memory.py for what it
# holds in Neo4j's heap)
SCHOOL_MAPS = "school_maps.csv"


@dataclass
class Generated:
    """Where the files went and what they hold."""

    folder: Path
    manifest: dict[str, Any]


def generate(
    shared_data: Path,
    out: Path,
    scale: str = "national",
    seed: int = 1,
    part_rows: int | None = None,
) -> Generated:
    """Write the synthetic inputs for `scale` into `out` (created; existing files replaced):
    the school maps as ONE file, or (`part_rows`) as parts of at most that many rows."""
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {', '.join(SCALES)}")
    size = SCALES[scale]
    rng = random.Random(seed)
    title = SYNTHETIC_TITLE.format(scale=scale, seed=seed)
    out.mkdir(parents=True, exist_ok=True)
    la_of = _schools(shared_data / "schools" / "2017-2018_england_spine.csv")
    schools = list(la_of)
    if size["schools"]:
        schools = sorted(rng.sample(schools, min(size["schools"], len(schools))))
    schools.sort(key=lambda urn: (la_of[urn], urn))
    products = _curated_products()
    synthetic = _synthetic_products(out / "products.csv", title)
    for category, entries in synthetic.items():
        products.setdefault(category, []).extend(entries)
    parts = out / "school_maps"
    if parts.exists():
        for old in parts.glob("*.csv"):
            old.unlink()
    (out / SCHOOL_MAPS).unlink(missing_ok=True)
    rows, files = _school_maps(
        out, schools, la_of, products, size["per_school"], rng, title, part_rows
    )
    releases, recipients = _releases(
        out / "releases.csv",
        shared_data / "npd-releases" / "releases.csv",
        size["releases"],
        size["recipients"],
        rng,
        title,
    )
    manifest = {
        "synthetic": True,
        "note": title,
        "scale": scale,
        "seed": seed,
        "schools": len(schools),
        "school_map_rows": rows,
        "synthetic_products": sum(len(v) for v in synthetic.values()),
        "synthetic_releases": releases,
        "synthetic_recipients": recipients,
        "school_map_files": files,
        "files": ["products.csv", *files, "releases.csv"],
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return Generated(out, manifest)


def _schools(path: Path) -> dict[str, str]:
    """The real school list (the file the schools loader reads): URN -> its LA code."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return {
            row["URN"].strip(): row["LA"].strip()
            for row in csv.DictReader(handle)
            if row["URN"].strip()
        }


def _curated_products() -> dict[str, list[tuple[str, list[str]]]]:
    """The curated catalogue's products by category: (product id, items it typically holds)."""
    raw = yaml.safe_load(curated_path("suppliers.yaml").read_text())
    out: dict[str, list[tuple[str, list[str]]]] = {}
    for product in raw.get("products") or []:
        props = product.get("props") or {}
        category = props.get("category")
        if category in MIX:
            items = props.get("typical_items") or CATEGORY_ITEMS[category]
            out.setdefault(category, []).append((product["id"], items))
    return out


def _synthetic_products(path: Path, title: str) -> dict[str, list[tuple[str, list[str]]]]:
    """SYNTHETIC products in the compiled catalogue format, each made by a SYNTHETIC supplier
    that passes data to a SYNTHETIC host, which passes it to a SYNTHETIC datacentre: chains
    product -> supplier -> host -> datacentre."""
    catalogue = curated_catalogue()
    header = [
        "product", "supplier", "supplier_parent", "category", "data_subjects", "data_items",
        "purposes", "sub_processors", "storage_location", "retention", "source_url",
        "source_title", "source_date", "source_kind", "quote",
    ]  # fmt: skip
    out: dict[str, list[tuple[str, list[str]]]] = {}
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for h in range(HOSTS):
            host, centre = f"SYNTHETIC Host {h:02d} Ltd", f"SYNTHETIC Datacentre {h:02d} Ltd"
            writer.writerow(
                [f"SYNTHETIC hosting platform {h:02d}", host, "", "MIS", "pupils",
                 "forename; surname", "hosting", centre, "", "", "", title, "", "synthetic", ""]
            )  # fmt: skip
        n = 0
        for category in MIX:
            items = CATEGORY_ITEMS[category]
            names = "; ".join(catalogue.items[i].name for i in items)
            for k in range(SYNTHETIC_PER_CATEGORY):
                n += 1
                name = f"SYNTHETIC {category.replace('_', ' ')} product {k:02d}"
                writer.writerow(
                    [name, f"SYNTHETIC Supplier {n:03d} Ltd", "", CSV_CATEGORY[category],
                     "pupils", names, "", f"SYNTHETIC Host {n % HOSTS:02d} Ltd", "", "", "",
                     title, "", "synthetic", ""]
                )  # fmt: skip
                out.setdefault(category, []).append((f"product:{slug(name)}", items))
    return out


def _school_maps(
    out: Path,
    schools: list[str],
    la_of: dict[str, str],
    products: dict[str, list[tuple[str, list[str]]]],
    per_school: int,
    rng: random.Random,
    title: str,
    part_rows: int | None = None,
) -> tuple[int, list[str]]:
    """The school-maps CSV: about `per_school` systems per school, by the MIX of categories;
    the schools in LA order. With `part_rows`: parts, a new one when the next LA would take a
    part past `part_rows`."""
    catalogue = curated_catalogue()
    special = {i for i in catalogue.items if _special(catalogue, i)}
    quota = [c for c, (_, n) in MIX.items() for _ in range(n)][:per_school]
    header = ["urn", "system", "product", "category", "items", "subjects", "lawful_basis",
              "art9_condition", "retention", "storage", "evidence", "evidence_kind"]  # fmt: skip
    by_la: dict[str, list[str]] = {}
    for urn in schools:
        by_la.setdefault(la_of[urn], []).append(urn)
    groups: list[list[str]] = [[]]
    for urns in by_la.values():
        if part_rows and groups[-1] and (len(groups[-1]) + len(urns)) * len(quota) > part_rows:
            groups.append([])
        groups[-1].extend(urns)
    names = (
        [SCHOOL_MAPS]
        if len(groups) == 1
        else [f"school_maps/part-{n:02d}.csv" for n in range(1, len(groups) + 1)]
    )
    if len(groups) > 1:
        (out / "school_maps").mkdir(exist_ok=True)
    rows, files = 0, []
    for name, group in zip(names, groups, strict=True):
        files.append(name)
        with (out / name).open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            for urn in group:
                chosen: set[str] = set()
                for category in quota:
                    options = [p for p in products[category] if p[0] not in chosen]
                    product_id, items = rng.choice(options)
                    chosen.add(product_id)
                    kept = [i for i in items if rng.random() < 0.8] or items[:1]
                    writer.writerow(
                        [urn, f"SYNTHETIC {product_id.split(':', 1)[1]}", product_id,
                         MIX[category][0], "; ".join(kept), "pupil",
                         "SYNTHETIC: Article 6(1)(e)", ART9 if special & set(kept) else "",
                         "SYNTHETIC: one year after leaving",
                         rng.choice(["UK", "UK", "EEA", "USA"]), title, "synthetic"]
                    )  # fmt: skip
                    rows += 1
    return rows, files


def _releases(
    path: Path,
    real: Path,
    total: int,
    recipients: int,
    rng: random.Random,
    title: str,
) -> tuple[int, int]:
    """SYNTHETIC releases so that, with the real register, there are about `total` releases to
    about `recipients` recipients; recipient types follow the real register's mix."""
    with real.open(encoding="utf-8-sig", newline="") as handle:
        real_rows = list(csv.DictReader(handle))
    types = Counter(r["recipient_type"] for r in real_rows if r["recipient_type"])
    real_recipients = len({r["recipient"] for r in real_rows})
    count = max(0, total - len(real_rows))
    names = []
    for k in range(max(1, recipients - real_recipients)):
        kind = rng.choices(list(types), weights=list(types.values()))[0]
        names.append((f"SYNTHETIC recipient {k:04d} ({kind})", kind))
    tiers = ["1", "2", "3", "4", "unknown"]
    outcomes = ["approved"] * 8 + ["released", "refused"]
    items = ["pupil.contact.postcode", "pupil.characteristics.ethnicity",
             "pupil.attainment.key_stage_2", "pupil.sen_health.sen_provision",
             "pupil.characteristics.fsm_eligibility", "pupil.identity.name"]  # fmt: skip
    start = date(2012, 1, 1)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["release_id", "date", "date_precision", "recipient", "recipient_type", "tier",
             "datasets", "items", "purpose", "outcome", "source_url", "source_title",
             "source_kind"]
        )  # fmt: skip
        for k in range(count):
            name, kind = rng.choice(names)
            day = start + timedelta(days=rng.randrange(12 * 365))
            stated = rng.sample(items, rng.randint(1, 3)) if rng.random() < 0.3 else []
            writer.writerow(
                [f"SYNTHETIC-{k:05d}", day.isoformat(), "day", name, kind, rng.choice(tiers),
                 "National Pupil Database", "; ".join(stated), "SYNTHETIC research project",
                 rng.choice(outcomes), "", title, "synthetic"]
            )  # fmt: skip
    return count, len(names)


def _special(catalogue: Any, item_id: str) -> bool:
    item = catalogue.items.get(item_id)
    while item is not None:
        if item.gdpr == "special_category":
            return True
        item = catalogue.items.get(item.parent) if item.parent else None
    return False


def national_rows(shared_data: Path) -> int:
    """The school-map rows of the national scale: every school of the real list, each with the
    systems of the MIX (for the one-transaction estimate of a smaller run)."""
    schools = _schools(shared_data / "schools" / "2017-2018_england_spine.csv")
    per_school = min(SCALES["national"]["per_school"], sum(n for _, n in MIX.values()))
    return len(schools) * per_school


def split_school_maps(path: Path, part_rows: int, folder: Path) -> list[Path]:
    """The one school-maps file as parts of at most `part_rows` rows (at least one school's
    rows each: a school's rows stay together, as the loader replaces a school's map whole),
    written into `folder` as part-NN.csv; the header repeated in each."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("part-*.csv"):
        old.unlink()
    parts: list[Path] = []
    with path.open(newline="") as handle:
        header = handle.readline()
        rows: list[str] = []
        school = None

        def flush() -> None:
            part = folder / f"part-{len(parts) + 1:02d}.csv"
            part.write_text(header + "".join(rows))
            parts.append(part)
            rows.clear()

        for line in handle:
            urn = line.split(",", 1)[0]
            if urn != school and len(rows) >= part_rows:
                flush()
            school = urn
            rows.append(line)
        if rows:
            flush()
    return parts
