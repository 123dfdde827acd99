"""`edflows load releases PATH [--mapping MAP.yaml]`: a register of NPD releases and shares.

The register format (documented in the README) has one row per SOURCE: what one document says
about one release. Rows about the same release merge into ONE flow (NPD -> recipient) whose
claims keep each source's own statement; where sources disagree the flow lists the conflict.
Rows merge when they share a `release_id`, or name the same recipient with dates that agree to
the month (a row with no date joins the recipient's only dated release). A mapping file lets
another register (e.g. DfE's "external data shares" spreadsheet) load without code.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from pydantic import Field, ValidationError

from graph.loadplan import LoadError, LoadPlan, LoadReport
from graph.model import ActorRecord, Claim, Evidence, FlowRecord, Record, SourceRecord
from loaders.base_map import BaseMap, read_base
from loaders.catalogue import Catalogue, curated_catalogue
from loaders.common import Row, fingerprint, read_table, require_columns, slug
from loaders.yamlfile import build, read_yaml

FIELDS = [
    "release_id",
    "date",
    "date_precision",
    "recipient",
    "recipient_type",
    "tier",
    "datasets",
    "data_items",
    "items",
    "purpose",
    "outcome",
    "access",
    "duration",
    "legal_gateway",
    "source_url",
    "source_title",
    "source_date",
    "source_kind",
    "quote",
]
REQUIRED = ["recipient", "source_title"]
OUTCOMES = {"approved", "released", "requested", "refused", "withdrawn", "unknown"}
KIND_BY_HOST = {
    "whatdotheyknow.com": "foi_answer",
    "questions-statements.parliament.uk": "parliament",
    "parliament.uk": "parliament",
    "theyworkforyou.com": "parliament",
    "streetguide.co.uk": "parliament",
    "defenddigitalme.org": "campaign",
    "defenddigitalme.com": "campaign",
    "gov.uk": "official_register",
    "kcl.ac.uk": "privacy_notice",
    "childnc.net": "privacy_notice",
    "locrating.com": "vendor_page",
}


class RegisterMapping(Record):
    """How another register's columns map onto the register fields (no code needed)."""

    columns: dict[str, str] = Field(default_factory=dict)
    constants: dict[str, str] = Field(default_factory=dict)
    values: dict[str, dict[str, str]] = Field(default_factory=dict)
    date_formats: list[str] = Field(default_factory=lambda: ["%Y-%m-%d", "%Y-%m", "%Y"])


@dataclass
class _Entry:
    line: int
    fields: dict[str, str]
    claim: Claim
    recipient_id: str


def plan_releases(path: Path, mapping_path: Path | None = None) -> tuple[LoadPlan, LoadReport]:
    """Read a release register into a load plan of NPD -> recipient flows with claims."""
    mapping = _read_mapping(mapping_path) if mapping_path else None
    header, rows = read_table(path, ("utf-8-sig", "cp1252"))
    _check_header(path, header, mapping)
    catalogue = curated_catalogue()
    known = _known_recipients()
    base = read_base()
    plan = base.plan(origin=f"releases:{path.name}", with_flows=False)
    plan.report_kinds = {"actors", "flows", "sources"}
    plan.fingerprint = fingerprint(path.read_bytes(), base.digest.encode())
    report = LoadReport("releases", str(path))
    base_actor_ids = {a.id for a in base.actors}
    by_url = {s.url: s for s in plan.sources if s.url}
    sources: dict[str, SourceRecord] = {}
    actors: dict[str, ActorRecord] = {}
    entries: list[_Entry] = []
    for row in rows:
        report.rows_read += 1
        fields = _fields(path, row, mapping)
        entry = _entry(path, row.line, fields, catalogue, known, sources, by_url)
        entries.append(entry)
        if entry.recipient_id not in base_actor_ids and entry.recipient_id not in actors:
            actors[entry.recipient_id] = _recipient(path, entry, known)
    plan.sources += list(sources.values())
    plan.actors += list(actors.values())
    curated = _curated_releases(base)
    merged = 0
    for group in _group(entries):
        flow = _flow(group, catalogue)
        twin = curated.get((flow.target_actor, (flow.valid_from or "")[:7]))
        if twin is not None:
            urls = {src.id: src.url for src in [*base.sources, *sources.values()]}
            flow = _merge_with_curated(twin, flow, urls, catalogue)
            merged += 1
        plan.flows.append(flow)
    if merged:
        report.notes.append(
            f"{merged} release(s) joined with the curated base map's flow for the same release"
        )
    report.notes.append(
        f"{len(entries)} source rows merged into {len(plan.flows)} releases "
        f"({sum(1 for f in plan.flows if f.conflicts)} with conflicting claims)"
    )
    unmapped = sorted({t for e in entries for t in _unmapped(e.claim, catalogue)})
    if unmapped:
        report.notes.append(
            f"{len(unmapped)} item phrase(s) kept as text only (no catalogue item): "
            + "; ".join(unmapped[:10])
            + (" ..." if len(unmapped) > 10 else "")
        )
    return plan, report


# -- rows -------------------------------------------------------------------------------------


def _read_mapping(path: Path) -> RegisterMapping:
    raw = read_yaml(path)
    mapping = build(path, RegisterMapping, raw, "mapping")
    unknown = set(mapping.columns) | set(mapping.constants)
    unknown -= set(FIELDS)
    if unknown:
        raise LoadError(
            path,
            f"unknown register field(s): {', '.join(sorted(unknown))}.",
            hint=f"Fields are: {', '.join(FIELDS)}.",
        )
    return mapping


def _check_header(path: Path, header: list[str], mapping: RegisterMapping | None) -> None:
    if mapping is None:
        require_columns(path, header, REQUIRED)
        if "source_url" not in header:
            require_columns(path, header, ["source_url"])
        return
    require_columns(path, header, list(mapping.columns.values()))
    for name in REQUIRED:
        if name not in mapping.columns and name not in mapping.constants:
            raise LoadError(path, f"the mapping gives no column or constant for {name!r}.")


def _fields(path: Path, row: Row, mapping: RegisterMapping | None) -> dict[str, str]:
    if mapping is None:
        return {name: row.get(name) for name in FIELDS}
    fields = {name: "" for name in FIELDS}
    fields.update(mapping.constants)
    for name, column in mapping.columns.items():
        fields[name] = row.get(column)
    for name, recode in mapping.values.items():
        if fields.get(name) in recode:
            fields[name] = recode[fields[name]]
    if fields["date"] and not re.match(r"^\d{4}(-\d{2}(-\d{2})?)?$", fields["date"]):
        fields["date"] = _parse_date(
            path,
            row.line,
            mapping.columns.get("date", "date"),
            fields["date"],
            mapping.date_formats,
        )
    return fields


def _parse_date(path: Path, line: int, column: str, value: str, formats: list[str]) -> str:
    for fmt in formats:
        try:
            parsed = datetime.strptime(value.strip(), fmt)
        except ValueError:
            continue
        return parsed.strftime(
            "%Y-%m-%d" if "%d" in fmt else "%Y-%m" if "%m" in fmt or "%B" in fmt else "%Y"
        )
    if value.strip().lower() in {"pending", "unknown", "n/a", ""}:
        return ""
    raise LoadError(
        path,
        f"{value!r} is not a date in any of the formats {formats}.",
        line=line,
        column=column,
        hint="Add its format under date_formats in the mapping.",
    )


def _entry(
    path: Path,
    line: int,
    f: dict[str, str],
    catalogue: Catalogue,
    known: dict[str, dict[str, str]],
    sources: dict[str, SourceRecord],
    by_url: dict[str, SourceRecord],
) -> _Entry:
    if not f["recipient"]:
        raise LoadError(path, "no recipient.", line=line, column="recipient")
    if not f["source_title"] and not f["source_url"]:
        raise LoadError(
            path,
            "no source: every release needs one.",
            line=line,
            column="source_url",
            hint="Give source_url and source_title.",
        )
    # one document, one id: a page the curated files already cite keeps their id
    source = by_url.get(f["source_url"]) or _source(path, line, f)
    sources.setdefault(source.id, source)
    tier = None
    if f["tier"] and f["tier"].lower() not in {"unknown", ""}:
        if f["tier"] not in {"1", "2", "3", "4"}:
            raise LoadError(
                path, f"tier {f['tier']!r} is not 1-4 or 'unknown'.", line=line, column="tier"
            )
        tier = int(f["tier"])
    outcome = (f["outcome"] or "unknown").lower()
    if outcome not in OUTCOMES:
        raise LoadError(
            path,
            f"outcome {outcome!r} is not one of {', '.join(sorted(OUTCOMES))}.",
            line=line,
            column="outcome",
        )
    items = [i.strip() for i in f["items"].split(";") if i.strip()] if f["items"] else []
    catalogue.check_ids(path, items, line, "items")
    for phrase in _phrases(f["data_items"]):
        item_id = catalogue.resolve_text(phrase)
        if item_id and item_id not in items:
            items.append(item_id)
    date = f["date"] or None
    if date:
        try:
            claim_date = Claim(source=source.id, date=date).date
        except ValueError:
            raise LoadError(
                path,
                f"{date!r} is not a date.",
                line=line,
                column="date",
                hint="Use YYYY, YYYY-MM or YYYY-MM-DD.",
            ) from None
        date = claim_date
    claim = Claim(
        source=source.id,
        locator=f"{path.name} line {line}",
        quote=f["quote"] or None,
        items=items,
        items_text=f["data_items"] or None,
        tier=tier,
        date=date,
        purpose_text=f["purpose"] or None,
        legal_gateway=f["legal_gateway"] or None,
        outcome=outcome,
        datasets=f["datasets"] or None,
    )
    recipient_id = _recipient_id(f["recipient"], known)
    return _Entry(line, f, claim, recipient_id)


def _phrases(text: str) -> list[str]:
    return [p.strip() for p in (text or "").split(";") if p.strip()]


def _unmapped(claim: Claim, catalogue: Catalogue) -> list[str]:
    return [p for p in _phrases(claim.items_text or "") if catalogue.resolve_text(p) is None]


def _source(path: Path, line: int, f: dict[str, str]) -> SourceRecord:
    url = f["source_url"] or None
    key = url or f["source_title"]
    host = urlparse(url).netloc.removeprefix("www.") if url else ""
    kind = f.get("source_kind") or KIND_BY_HOST.get(host, "news" if url else "unverified")
    date = f["source_date"] or None
    try:
        return SourceRecord(
            id="src-" + fingerprint(key.encode())[:12],
            title=f["source_title"] or key,
            url=url,
            date=date,
            kind=kind,
        )
    except ValidationError as exc:
        err = exc.errors()[0]
        column = {"date": "source_date", "url": "source_url", "kind": "source_kind"}.get(
            str(err["loc"][0]), "source_title"
        )
        raise LoadError(path, f"bad source: {err['msg']}.", line=line, column=column) from None


def _known_recipients() -> dict[str, dict[str, str]]:
    raw = read_yaml(Path(str(resources.files("loaders.curated").joinpath("recipients.yaml"))))
    return {
        k.lower(): {kk: vv for kk, vv in v.items() if kk != "__line__"}
        for k, v in (raw.get("recipients") or {}).items()
        if k != "__line__"
    }


def _recipient_id(name: str, known: dict[str, dict[str, str]]) -> str:
    hit = known.get(name.lower())
    return hit["id"] if hit else f"org:{slug(name)}"


def _recipient(path: Path, entry: _Entry, known: dict[str, dict[str, str]]) -> ActorRecord:
    f = entry.fields
    hit = known.get(f["recipient"].lower(), {})
    org_type = hit.get("org_type") or f["recipient_type"] or "other"
    kind = {"body": "NationalBody", "dataset": "Dataset"}.get(
        entry.recipient_id.split(":", 1)[0], "Organisation"
    )
    try:
        return ActorRecord(
            id=entry.recipient_id,
            kind=kind,
            name=hit.get("name") or f["recipient"],
            org_type=org_type,
            aliases=[f["recipient"]] if hit.get("name") else [],
            evidence=[
                Evidence(
                    source=entry.claim.source, locator=entry.claim.locator, quote=entry.claim.quote
                )
            ],
        )
    except ValidationError as exc:  # was a raw pydantic traceback (found by hostile input)
        err = exc.errors()[0]
        column = "recipient_type" if err["loc"][:1] == ("org_type",) else "recipient"
        message = str(err["msg"]).removeprefix("Value error, ")
        raise LoadError(
            path, f"bad recipient: {message}.", line=entry.line, column=column
        ) from None


# -- merging rows into releases ---------------------------------------------------------------


def _group(entries: list[_Entry]) -> list[list[_Entry]]:
    """Rows about the same release, by release_id or by recipient and agreeing dates."""
    groups: dict[str, list[_Entry]] = defaultdict(list)
    undated: list[_Entry] = []
    for entry in entries:
        release_id = entry.fields["release_id"]
        if release_id:
            groups[f"id:{release_id}"].append(entry)
        elif entry.claim.date:
            groups[f"{entry.recipient_id}@{_month(entry.claim.date)}"].append(entry)
        else:
            undated.append(entry)
    for entry in undated:
        same = [k for k, g in groups.items() if g[0].recipient_id == entry.recipient_id]
        if len(same) == 1:
            groups[same[0]].append(entry)
        else:
            groups[f"{entry.recipient_id}@undated:{entry.line}"].append(entry)
    return [
        sorted(g, key=lambda e: e.line)
        for _, g in sorted(groups.items(), key=lambda kv: kv[1][0].line)
    ]


def _month(date: str) -> str:
    """A date to the month; a year-only date stays a year (it merges with no day date)."""
    return date[:7]


def _curated_releases(base: BaseMap) -> dict[tuple[str, str], FlowRecord]:
    """The base map's flows that describe a register release: by recipient and month."""
    return {
        (f.target_actor, f.valid_from[:7]): f
        for f in base.flows
        if f.kind in {"npd_release", "access", "data_share"} and f.valid_from
    }


def _merge_with_curated(
    curated: FlowRecord, register: FlowRecord, urls: dict[str, str | None], catalogue: Catalogue
) -> FlowRecord:
    """One release, two descriptions: the curated flow's fields and every source's claim.

    A register row whose document the curated flow already cites is not repeated.
    """
    cited = {urls.get(c.source) for c in curated.claims} - {None}
    extra = [c for c in register.claims if urls.get(c.source) not in cited]
    claims = curated.claims + extra
    conflicts = sorted(set(curated.conflicts) | set(register.conflicts))
    if "items" not in conflicts and _items_conflict(claims, catalogue):
        conflicts.append("items")
    items = list(curated.items) + [i for i in register.items if i not in curated.items]
    return curated.model_copy(
        update={
            "claims": claims,
            "conflicts": sorted(conflicts),
            "items": items,
            "props": {**register.props, **curated.props},
        }
    )


def _items_conflict(claims: list[Claim], catalogue: Catalogue) -> bool:
    """Do the sources disagree about what was released?"""
    stated = [frozenset(c.items) for c in claims if c.items]
    if len(set(stated)) > 1:
        return True
    listed = {i for c in claims for i in c.items}
    for claim in claims:
        for excluded in claim.items_excluded:
            if any(i == excluded or i.startswith(excluded + ".") for i in listed):
                return True
        if claim.excludes_sensitive and any(
            catalogue.items[i].gdpr == "special_category" or (catalogue.items[i].npd_tier or 9) <= 2
            for i in listed
            if i in catalogue.items
        ):
            return True
    return False


def _flow(group: list[_Entry], catalogue: Catalogue) -> FlowRecord:
    first = group[0]
    claims = [e.claim for e in group]
    release_id = next((e.fields["release_id"] for e in group if e.fields["release_id"]), "")
    dates = sorted({c.date for c in claims if c.date}, key=lambda d: (len(d), d))
    date = max(dates, key=len) if dates else None
    flow_id = "flow:release:" + (
        slug(release_id)
        if release_id
        else f"{first.recipient_id.split(':', 1)[1]}:{date or 'undated'}"
    )
    if not release_id and not date:
        flow_id += f":line-{first.line}"
    items: list[str] = []
    for claim in claims:
        items += [i for i in claim.items if i not in items]
    tiers = sorted({c.tier for c in claims if c.tier is not None})
    conflicts = []
    if len(tiers) > 1:
        conflicts.append("tier")
    if _items_conflict(claims, catalogue):
        conflicts.append("items")
    days = {c.date for c in claims if c.date and len(c.date) == 10}
    if len(days) > 1:
        conflicts.append("date")
    outcomes = [c.outcome for c in claims if c.outcome and c.outcome != "unknown"]
    outcomes = [o for o in outcomes if o]
    if len(set(outcomes)) > 1 and not set(outcomes) <= {"approved", "released"}:
        conflicts.append("outcome")
    outcome = _strongest_outcome(outcomes)
    datasets = "; ".join(dict.fromkeys(c.datasets for c in claims if c.datasets))
    source_actor = (
        "dataset:lrs" if "learning records service" in datasets.lower() else "dataset:npd"
    )
    purpose = next((c.purpose_text for c in claims if c.purpose_text), None)
    gateway = next((c.legal_gateway for c in claims if c.legal_gateway), None)
    props: dict[str, Any] = {
        "outcome": outcome,
        "release_ref": release_id or None,
        "recipient_name": first.fields["recipient"],
        "recipient_type": first.fields["recipient_type"] or None,
        "datasets": datasets or None,
        "access": next((e.fields["access"] for e in group if e.fields["access"]), None),
        "duration": next((e.fields["duration"] for e in group if e.fields["duration"]), None),
        "date": date,
        "year": int(date[:4]) if date else None,
    }
    kind = "npd_release" if source_actor == "dataset:npd" else "access"
    if first.recipient_id.startswith("body:") and kind == "npd_release":
        kind = "data_share"
    return FlowRecord(
        id=flow_id,
        kind=kind,
        source_actor=source_actor,
        target_actor=first.recipient_id,
        items=items,
        subjects=["pupil"],
        purpose_text=purpose,
        lawful_basis=gateway,
        tier=tiers[0] if tiers else None,
        valid_from=date,
        claims=claims,
        conflicts=conflicts,
        props={k: v for k, v in props.items() if v is not None},
    )


def _strongest_outcome(outcomes: list[str]) -> str:
    for outcome in ("released", "approved", "refused", "withdrawn", "requested"):
        if outcome in outcomes:
            return outcome
    return "unknown"
