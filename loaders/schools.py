"""`edflows load schools PATH`: schools from the DfE school spine or a GIAS extract.

Two formats, told apart by the header:
- the performance-tables spine (URN, LA, ESTAB, SCHNAME, POSTCODE, MINORGROUP, NFTYPE, ICLOSE,
  OPENDATE, CLOSEDATE, ...), UTF-8;
- Get Information about Schools `edubasealldata` (URN, `LA (code)`, `LA (name)`,
  `EstablishmentName`, `TypeOfEstablishment (name)`, `EstablishmentStatus (name)`,
  `PhaseOfEducation (name)`, `Postcode`, `Trusts (code)`, `Trusts (name)`, ...), which GIAS
  publishes in Windows-1252.
Each school links to its local authority (and trust), closed schools are kept with their
status, and the census templates of the curated base map give every school its census flow.
A school's postcode here is the school's own address, never a pupil's.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from graph.loadplan import LoadError, LoadPlan, LoadReport
from graph.model import ActorRecord, Evidence, SourceRecord
from loaders.base_map import la_template_flows, read_base, school_template_flows
from loaders.common import Row, fingerprint, read_table, require_columns

SPINE = ["URN", "LA", "SCHNAME", "POSTCODE", "MINORGROUP", "NFTYPE"]
GIAS = [
    "URN",
    "LA (code)",
    "LA (name)",
    "EstablishmentName",
    "TypeOfEstablishment (name)",
    "EstablishmentStatus (name)",
]
# GIAS establishment groups in the spine's MINORGROUP words, so templates can use one vocabulary.
GIAS_GROUPS = {
    "Academies": "Academy",
    "Free Schools": "Academy",
    "Local authority maintained schools": "Maintained School",
    "Independent schools": "Independent School",
    "Special schools": "Special School",
    "Colleges": "College",
}
ICLOSE_STATUS = {"1": "open", "2": "closed"}


def plan_schools(path: Path) -> tuple[LoadPlan, LoadReport]:
    """Read a school list into a load plan (with the base map it needs)."""
    raw = path.read_bytes()
    head = raw[:4096].decode("utf-8", errors="replace")
    fmt = "gias" if "EstablishmentName" in head else "spine"
    encodings = ("utf-8-sig", "cp1252") if fmt == "gias" else ("utf-8-sig",)
    header, rows = read_table(path, encodings)
    require_columns(path, header, GIAS if fmt == "gias" else SPINE)

    base = read_base()
    plan = base.plan(origin=f"schools:{path.name}", with_flows=False)
    plan.report_kinds = {"actors", "flows", "links"}
    plan.fingerprint = fingerprint(raw, base.digest.encode())
    report = LoadReport("schools", str(path))
    if fmt == "gias":
        plan.sources.append(
            SourceRecord(
                id="gias-" + fingerprint(raw)[:10],
                title=f"Get Information about Schools extract {path.name}",
                publisher="Department for Education",
                kind="dataset",
                note="A GIAS establishment file loaded by a user of edflows.",
            )
        )
    source = plan.sources[-1].id if fmt == "gias" else "dfe-school-spine-2017-18"
    seen: set[str] = set()
    la_seen: dict[str, str] = {}
    for row in rows:
        report.rows_read += 1
        school = _spine_row(path, row) if fmt == "spine" else _gias_row(path, row)
        if school["urn"] in seen:
            raise LoadError(
                path, f"URN {school['urn']} appears twice.", line=row.line, column="URN"
            )
        seen.add(school["urn"])
        evidence = [Evidence(source=source, locator=f"{path.name} line {row.line}")]
        props = {k: v for k, v in school.items() if k not in {"name", "la_name", "trust_name"}}
        props = {k: v for k, v in props.items() if v not in (None, "")}
        plan.actors.append(
            ActorRecord(
                id=school["id"],
                kind="School",
                name=school["name"],
                org_type="school",
                props=props,
                evidence=evidence,
            )
        )
        la_code = school["la_code"]
        if la_code and la_code not in la_seen:
            la_seen[la_code] = school.get("la_name") or ""
            plan.stubs.append(
                ActorRecord(
                    id=f"la:{la_code}",
                    kind="LocalAuthority",
                    name=school.get("la_name") or f"Local authority {la_code}",
                    org_type="local_authority",
                    props={"code": la_code},
                    evidence=evidence,
                )
            )
        if la_code:
            plan.links.append(("IN_LA", school["id"], f"la:{la_code}"))
        if school.get("trust_code"):
            trust_id = f"trust:{school['trust_code']}"
            plan.actors.append(
                ActorRecord(
                    id=trust_id,
                    kind="Trust",
                    name=school.get("trust_name") or f"Trust {school['trust_code']}",
                    org_type="other",
                    props={"code": school["trust_code"]},
                    evidence=evidence,
                )
            )
            plan.links.append(("IN_TRUST", school["id"], trust_id))
        plan.flows += school_template_flows(base, school)
    for la_code in la_seen:
        plan.flows += la_template_flows(base, f"la:{la_code}")
    plan.actors = _one_per_id(plan.actors)
    closed = sum(1 for a in plan.actors if a.kind == "School" and a.props.get("status") == "closed")
    report.notes.append(f"{len(seen)} schools, {closed} of them closed (kept, with their status)")
    return plan, report


def _spine_row(path: Path, row: Row) -> dict[str, Any]:
    urn = _urn(path, row, "URN")
    la_code = row.get("LA")
    if la_code and not (la_code.isdigit() and len(la_code) == 3):
        raise LoadError(path, f"{la_code!r} is not a 3-digit LA code.", line=row.line, column="LA")
    iclose = row.get("ICLOSE")
    return {
        "id": f"school:{urn}",
        "urn": urn,
        "name": row.get("SCHNAME") or f"School {urn}",
        "la_code": la_code or None,
        "la_id": f"la:{la_code}" if la_code else None,
        "laestab": row.get("LAESTAB") or None,
        "postcode": row.get("POSTCODE") or None,
        "town": row.get("TOWN") or None,
        "group": row.get("MINORGROUP") or None,
        "type": row.get("NFTYPE") or None,
        "status": ICLOSE_STATUS.get(iclose, f"other (ICLOSE {iclose})" if iclose else None),
        "opened": _date(path, row, "OPENDATE"),
        "closed": _date(path, row, "CLOSEDATE"),
        "phase": _phase(row),
        "age_low": row.get("AGEL") or None,
        "age_high": row.get("AGEH") or None,
    }


def _gias_row(path: Path, row: Row) -> dict[str, Any]:
    urn = _urn(path, row, "URN")
    la_code = row.get("LA (code)")
    status = row.get("EstablishmentStatus (name)")
    group = row.get("EstablishmentTypeGroup (name)")
    return {
        "id": f"school:{urn}",
        "urn": urn,
        "name": row.get("EstablishmentName") or f"School {urn}",
        "la_code": la_code or None,
        "la_id": f"la:{la_code}" if la_code else None,
        "la_name": row.get("LA (name)") or None,
        "postcode": row.get("Postcode") or None,
        "town": row.get("Town") or None,
        "group": GIAS_GROUPS.get(group, group or None),
        "type": row.get("TypeOfEstablishment (name)") or None,
        "status": status.lower() if status else None,
        "phase": row.get("PhaseOfEducation (name)") or None,
        "opened": _date(path, row, "OpenDate"),
        "closed": _date(path, row, "CloseDate"),
        "trust_code": row.get("Trusts (code)") or None,
        "trust_name": row.get("Trusts (name)") or None,
    }


def _urn(path: Path, row: Row, column: str) -> str:
    urn = row.get(column)
    if not urn.isdigit():
        raise LoadError(path, f"{urn!r} is not a URN (digits only).", line=row.line, column=column)
    return urn


def _date(path: Path, row: Row, column: str) -> str | None:
    value = row.get(column)
    if not value:
        return None
    for fmt in ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, fmt).date().isoformat()
        except ValueError:
            continue
    raise LoadError(
        path,
        f"{value!r} is not a date.",
        line=row.line,
        column=column,
        hint="Use DD-MM-YYYY, DD/MM/YYYY or YYYY-MM-DD.",
    )


def _phase(row: Row) -> str | None:
    phases = [
        name
        for col, name in (
            ("ISPRIMARY", "primary"),
            ("ISSECONDARY", "secondary"),
            ("ISPOST16", "post-16"),
        )
        if row.get(col) == "1"
    ]
    return ", ".join(phases) or None


def _one_per_id(actors: list[ActorRecord]) -> list[ActorRecord]:
    """Keep one record per id (schools name their trust on every row)."""
    by_id: dict[str, ActorRecord] = {}
    for actor in actors:
        by_id.setdefault(actor.id, actor)
    return list(by_id.values())
