"""`edflows load local-authorities PATH`: local authorities from the DfE/ONS code lists.

Reads any of three published formats (detected from the header), or a folder holding them:
- `las.csv` (dfeR): GSS code, name, dates of operation and termination, region, DfE code;
- `EnglishLaNameCodes.csv` (GIAS): name, DfE 3-digit code, GSS code;
- `local_auth_codes_2011.csv`: DfE 3-digit code, GSS code, name (pre-2019 boundaries).
One LocalAuthority per DfE 3-digit code (`la:<code>`). A row naming two authorities
("314 / 318") gives two. Reorganisations keep every GSS code an authority has had, with dates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from graph.loadplan import LoadError, LoadPlan, LoadReport
from graph.model import ActorRecord, Evidence
from loaders.base_map import la_template_flows, read_base
from loaders.common import Row, fingerprint, read_table

LAS = ["new_la_code", "la_name", "old_la_code", "status"]
GIAS = [
    "English local authority (LA) name",
    "Get Information about Schools (GIAS) local authority (LA) code",
]
CODES_2011 = ["Old LA Code", "New LA Code", "LA Name"]
LIST_START = "2009-01-01"
SOURCE_BY_FORMAT = {
    "las": "dfe-la-codes-dfer",
    "gias": "dfe-la-codes-dfer",
    "2011": "la-codes-2011",
}


@dataclass
class _Authority:
    code: str
    names: list[tuple[str, str]] = field(default_factory=list)  # (sort key, name)
    gss: list[str] = field(default_factory=list)
    history: list[str] = field(default_factory=list)
    region: str | None = None
    live: bool | None = None
    opened: str | None = None
    terminated: str | None = None
    evidence: list[Evidence] = field(default_factory=list)


def plan_local_authorities(path: Path) -> tuple[LoadPlan, LoadReport]:
    """Read one LA code file (or a folder of them) into a load plan."""
    files = sorted(p for p in path.glob("*.csv")) if path.is_dir() else [path]
    if not files:
        raise LoadError(path, "no CSV files here.")
    report = LoadReport("local-authorities", str(path))
    authorities: dict[str, _Authority] = {}
    digests: list[bytes] = []
    for file in files:
        header, rows = read_table(file)
        fmt = _detect(file, header)
        digests.append(file.read_bytes())
        for row in rows:
            report.rows_read += 1
            _read_row(file, fmt, row, authorities, report)
    base = read_base()
    plan = base.plan(origin=f"local-authorities:{path.name}", with_flows=False)
    plan.report_kinds = {"actors", "flows"}
    plan.fingerprint = fingerprint(*digests, base.digest.encode())
    for code, la in sorted(authorities.items()):
        name = sorted(la.names)[-1][1] if la.names else f"Local authority {code}"
        props: dict[str, str | int | float | bool | list[str] | None] = {
            "code": code,
            "gss_code": la.gss[-1] if la.gss else None,
            "gss_codes": sorted(set(la.gss)),
            "gss_history": la.history,
            "region_code": la.region,
            "status": None if la.live is None else ("live" if la.live else "terminated"),
            "date_of_operation": la.opened,
            "date_of_termination": None if la.live else la.terminated,
        }
        plan.actors.append(
            ActorRecord(
                id=f"la:{code}",
                kind="LocalAuthority",
                name=name,
                org_type="local_authority",
                props={k: v for k, v in props.items() if v not in (None, [])},
                evidence=_dedupe(la.evidence),
            )
        )
        # las.csv starts every authority that existed then at 2009-01-01 (the list's own start),
        # so only a later date of operation (a reorganisation) is a real start.
        started = la.opened if la.opened and la.opened > LIST_START else None
        ended = None if la.live else la.terminated
        plan.flows += la_template_flows(base, f"la:{code}", started, ended)
    return plan, report


def _detect(path: Path, header: list[str]) -> str:
    if all(c in header for c in LAS):
        return "las"
    if all(c in header for c in GIAS):
        return "gias"
    if all(c in header for c in CODES_2011):
        return "2011"
    raise LoadError(
        path,
        "not a local-authority code list this loader knows.",
        line=1,
        hint="Expected the columns of las.csv (new_la_code, la_name, old_la_code, status), "
        "EnglishLaNameCodes.csv or local_auth_codes_2011.csv.",
    )


def _read_row(
    path: Path, fmt: str, row: Row, authorities: dict[str, _Authority], report: LoadReport
) -> None:
    evidence = Evidence(source=SOURCE_BY_FORMAT[fmt], locator=f"{path.name} line {row.line}")
    if fmt == "las":
        codes, gss, names = row.get("old_la_code"), row.get("new_la_code"), row.get("la_name")
    elif fmt == "gias":
        codes = row.get(GIAS[1])
        gss = row.get(
            "Office for National Statistics (ONS) local authority (LA) code (also known as "
            "Government Statistical Service (GSS) local authority (LA) code on GIAS)"
        )
        names = row.get(GIAS[0])
    else:
        codes, gss, names = row.get("Old LA Code"), row.get("New LA Code"), row.get("LA Name")
    code_list = [c.strip() for c in codes.split("/")]
    gss_list = [g.strip() for g in gss.split("/")] if gss else []
    name_list = [n.strip() for n in names.split("/")]
    if code_list == ["x"] or not codes:
        report.skip("no DfE 3-digit code in the file (x or empty)")
        return
    if len(code_list) != len(name_list) or (gss_list and len(gss_list) != len(code_list)):
        raise LoadError(
            path,
            f"{len(code_list)} codes but {len(name_list)} names in one row.",
            line=row.line,
            column="old_la_code" if fmt == "las" else None,
        )
    for i, code in enumerate(code_list):
        if not (code.isdigit() and len(code) == 3):
            raise LoadError(
                path,
                f"{code!r} is not a DfE 3-digit local authority code.",
                line=row.line,
                hint="Use codes such as 201 or 926.",
            )
        la = authorities.setdefault(code, _Authority(code))
        la.evidence.append(evidence)
        one_gss = gss_list[i] if gss_list else None
        if fmt == "las":
            opened = _day(path, row, "date_of_operation")
            ended = _day(path, row, "date_of_termination")
            live = row.get("status") == "live"
            la.names.append((("1" if live else "0") + (opened or ""), name_list[i]))
            la.region = row.get("parent_geography_code") or la.region
            la.live = live or bool(la.live)
            la.opened = min(filter(None, [la.opened, opened]), default=None)
            la.terminated = max(filter(None, [la.terminated, ended]), default=None)
            if one_gss:
                la.history.append(f"{one_gss} from {opened or '?'} to {ended or 'now'}")
                if live or not la.gss:
                    la.gss.append(one_gss)
        else:
            la.names.append(("", name_list[i]))
            if one_gss and one_gss not in la.gss:
                la.gss.insert(0, one_gss)


def _day(path: Path, row: Row, column: str) -> str | None:
    value = row.get(column)
    if not value:
        return None
    try:
        return datetime.strptime(value, "%d/%m/%Y").date().isoformat()
    except ValueError:
        raise LoadError(
            path, f"{value!r} is not a date.", line=row.line, column=column, hint="Use DD/MM/YYYY."
        ) from None


def _dedupe(evidence: list[Evidence]) -> list[Evidence]:
    seen: dict[str, Evidence] = {}
    for e in evidence:
        seen.setdefault(e.model_dump_json(), e)
    return list(seen.values())
