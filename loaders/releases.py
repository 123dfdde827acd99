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
from graph.model import ActorRecord, Claim, Event, Evidence, FlowRecord, Record, SourceRecord
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
    joined: dict[str, FlowRecord] = {}
    merged = 0
    for group in _group(entries):
        flow = _flow(group, catalogue)
        twin = _twin(base, flow, group, joined)
        if twin is not None:
            urls = {src.id: src.url for src in [*base.sources, *sources.values()]}
            joined[twin.id] = _merge_with_curated(twin, flow, urls)
            merged += 1
        else:
            plan.flows.append(flow)
    plan.flows += list(joined.values())
    if merged:
        report.notes.append(
            f"{merged} release(s) joined with {len(joined)} curated flow(s) of the base map "
            "for the same release or arrangement"
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
        register_row=f"{path.name} line {line}",
    )
    recipient_id = _recipient_id(f["recipient"], known)
    claim.recipient = recipient_id  # rows of one release naming different recipients conflict
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


def _twin(
    base: BaseMap, flow: FlowRecord, group: list[_Entry], joined: dict[str, FlowRecord]
) -> FlowRecord | None:
    """The curated flow these register rows are about, if any (then they join it).

    The same release: same recipient, dates agreeing to the month. The same arrangement: same
    sender and recipient, and the rows name the curated flow's agreement (or a version of it),
    or cite a document the curated flow cites with a date of the same month. Rows with a
    release id (a separate application) and a pilot are separate projects: they never join
    an arrangement."""
    month = (flow.valid_from or "")[:7]
    for curated in base.flows:
        if curated.kind not in {"npd_release", "access", "data_share"}:
            continue
        if curated.target_actor != flow.target_actor:
            continue
        current = joined.get(curated.id, curated)
        if (
            curated.valid_from
            and month
            and curated.valid_from[:7] == month
            and not curated.agreement
        ):
            return current
        if not curated.agreement or curated.source_actor != flow.source_actor:
            continue
        if any(e.fields["release_id"] for e in group) or _is_pilot(group):
            continue
        agreement = _agreement(curated.agreement)
        if any(_agreement(c.legal_gateway or "") == agreement for c in flow.claims):
            return current
        cited = {
            (c.source, (d or "")[:7]) for c in curated.claims for d in (c.date, c.valid_from) if d
        }
        if month and all((c.source, month) in cited for c in flow.claims):
            return current
    return None


def _agreement(text: str) -> str:
    """An agreement's name without its version: "MoU v2.1 (X)" and "MoU (X)" are one."""
    text = re.sub(r"\bv(ersion)?\s*\d+(\.\d+)*\b", " ", text.lower())
    return " ".join(text.split())


def _is_pilot(group: list[_Entry]) -> bool:
    return any("pilot" in (e.fields["purpose"] or "").lower() for e in group)


def _merge_with_curated(
    curated: FlowRecord, register: FlowRecord, urls: dict[str, str | None]
) -> FlowRecord:
    """One release or arrangement, several descriptions: the curated flow's fields and every
    source's claim; each register row a dated event of its timeline.

    A register row whose document the curated flow already cites is not repeated as a claim:
    the row is listed among the flow's register rows, and its event cites the curated claim."""
    cited: dict[str, list[Claim]] = defaultdict(list)
    for c in curated.claims:
        if urls.get(c.source):
            cited[str(urls[c.source])].append(c)
    claims = list(curated.claims)
    timeline = list(curated.timeline)
    rows = list(curated.props.get("register_rows") or [])  # type: ignore[arg-type]
    taken = {c.id for c in claims}
    for claim in register.claims:
        rows.append(str(claim.register_row))
        twin = _same_document(cited.get(urls.get(claim.source) or "", []), claim)
        if twin is None:
            claim = claim.model_copy(update={"id": _free_id(claim, taken)})
            taken.add(claim.id)
            claims.append(claim)
            twin = claim
        if claim.date and curated.agreement:
            timeline = _with_event(timeline, claim, str(twin.id), curated.agreement)
    props = {**register.props, **curated.props, "register_rows": sorted(set(rows))}
    if curated.agreement:
        for key in ("date", "year", "release_ref", "recipient_name", "duration"):
            props.pop(key, None)
    return curated.with_claims(claims, props=props, timeline=[e.model_dump() for e in timeline])


def _same_document(candidates: list[Claim], claim: Claim) -> Claim | None:
    """The curated claim of the same document, preferring one dated in the same month."""
    month = (claim.date or "")[:7]
    for candidate in candidates:
        if month and month in {(d or "")[:7] for d in (candidate.date, candidate.valid_from)}:
            return candidate
    return candidates[0] if candidates else None


def _free_id(claim: Claim, taken: set[str | None]) -> str:
    base_id = str(claim.id or claim.source)
    candidate, n = base_id, 1
    while candidate in taken:
        n += 1
        candidate = f"{base_id}-{n}"
    return candidate


def _with_event(timeline: list[Event], claim: Claim, claim_id: str, agreement: str) -> list[Event]:
    """The register row as an event: it joins the event of the same date, or starts one."""
    date = str(claim.date)
    for n, event in enumerate(timeline):
        if event.date and (event.date == date or event.date[:7] == date[:7] == date):
            if claim_id not in event.claims:
                timeline[n] = event.model_copy(update={"claims": [*event.claims, claim_id]})
            return timeline
    names_it = _agreement(claim.legal_gateway or "") == _agreement(agreement)
    if names_it:
        signed = any(e.kind.startswith("agreement") for e in timeline)
        kind = "agreement_amended" if signed else "agreement_signed"
    else:
        kind = {
            "released": "extracts_sent",
            "approved": "approved",
            "requested": "requested",
            "refused": "refused",
        }.get(claim.outcome or "", "extracts_sent")
    event = Event(date=date, kind=kind, text=claim.purpose_text, claims=[claim_id])  # type: ignore[arg-type]
    return sorted([*timeline, event], key=lambda e: e.date or "9999")


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
    outcomes = [c.outcome for c in claims if c.outcome and c.outcome != "unknown"]
    outcome = _strongest_outcome([o for o in outcomes if o])
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
        "undated_reason": None
        if date
        else "the register row(s) give no date"
        + (" (an application listed without one)" if release_id else ""),
    }
    kind = "npd_release" if source_actor == "dataset:npd" else "access"
    if first.recipient_id.startswith("body:") and kind == "npd_release":
        kind = "data_share"
    return FlowRecord(
        id=flow_id,
        kind=kind,
        source_actor=source_actor,
        target_actor=first.recipient_id,
        subjects=["pupil"],
        purpose_text=purpose,
        lawful_basis=gateway,
        valid_from=date,
        claims=claims,
        props={k: v for k, v in props.items() if v is not None},
    )


def _strongest_outcome(outcomes: list[str]) -> str:
    for outcome in ("released", "approved", "refused", "withdrawn", "requested"):
        if outcome in outcomes:
            return outcome
    return "unknown"
