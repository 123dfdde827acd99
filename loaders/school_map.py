"""`edflows load school-map --urn URN PATH`: a school's own data map, one row per system.

The map (CSV or YAML; `edflows template school-map` writes a blank one) says, for each
system the school uses, what it holds about whom, why, under which law, for how long, where,
who can see it and where it passes data on. Loading it REPLACES the school's previous map in
one transaction; every version is kept so `edflows diff school-map` can show what changed.
Each row becomes a flow from the school to the product (layer `school:<urn>`); `onward`
entries become flows from the product on, for this school only.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import Field, ValidationError, field_validator

from graph.guard import check_structure, check_text_fields
from graph.identifiers import is_urn
from graph.known_actors import KnownActors
from graph.loadplan import LoadError, LoadPlan, LoadReport
from graph.model import (
    Claim,
    EvidenceKind,
    FlowRecord,
    Purpose,
    Record,
    SchoolMapCategory,
    SourceRecord,
    Subject,
)
from loaders.catalogue import Catalogue, curated_catalogue
from loaders.common import Row, fingerprint, read_table, require_columns, slug
from loaders.yamlfile import line_of, read_yaml, strip_lines

COLUMNS = [
    "system",
    "product",
    "category",
    "items",
    "subjects",
    "purpose",
    "purposes",
    "lawful_basis",
    "art9_condition",
    "retention",
    "destruction",
    "storage",
    "viewers",
    "onward",
    "evidence",
    "evidence_kind",
    "reinstate",
]
MAX_VALUES = 200_000  # a map's values, aliases expanded (the demo map has about 1,500)
YAML_SUFFIXES = {".yaml", ".yml", ".json"}  # JSON is read as YAML, keeping line numbers
LIST_COLUMNS = {"items", "subjects", "purposes", "viewers", "onward"}
REQUIRED = ["system", "product", "category", "items", "lawful_basis", "evidence"]
BIOMETRIC_NOTE = (
    "biometric data: parental consent is required for pupils under 18 (Protection of Freedoms "
    "Act 2012)"
)


class MapRow(Record):
    """One system in a school's data map."""

    system: str = Field(min_length=1)
    product: str = Field(min_length=3)
    category: SchoolMapCategory
    items: list[str] = Field(min_length=1)
    subjects: list[Subject] = Field(default_factory=lambda: ["pupil"])
    purpose: str | None = None
    purposes: list[Purpose] = Field(default_factory=list)
    lawful_basis: str = Field(min_length=3)
    art9_condition: str | None = None
    retention: str | None = None
    destruction: str | None = None
    storage: str | None = None
    viewers: list[str] = Field(default_factory=list)
    onward: list[str] = Field(default_factory=list)
    evidence: str = Field(min_length=3)
    # what the evidence is: the school's own statement unless said otherwise ("synthetic" marks
    # the benchmark's generated maps)
    evidence_kind: EvidenceKind = "school_statement"
    # a flow retired through the API stays retired when the map is loaded again; `reinstate:
    # yes` on its row says, on purpose, that the system is in use again (the audit entry says
    # which of the two happened)
    reinstate: bool = False

    @field_validator("product", "onward", mode="before")
    @classmethod
    def _strip(cls, value: Any) -> Any:
        return value.strip() if isinstance(value, str) else value


@dataclass
class SchoolMap:
    urn: str
    rows: list[tuple[int | None, MapRow]]
    title: str | None = None
    example: bool = False
    digest: str = ""
    notes: list[str] = field(default_factory=list)


def read_school_map(
    path: Path, urn: str | None, catalogue: Catalogue, content: bytes | None = None
) -> SchoolMap:
    """Parse and validate a school map (CSV, YAML or JSON); errors name the line and column.

    `content` (an upload through the API) is read instead of the file; `path` then only names
    it in messages, and its suffix says the format."""
    raw = content if content is not None else path.read_bytes()
    if path.suffix.lower() in YAML_SUFFIXES:
        school_map = _read_yaml(path, urn, raw)
    elif content is not None:
        raise LoadError(path, "an uploaded map must be YAML or JSON.")
    else:
        school_map = _read_csv(path, urn)
    school_map.digest = fingerprint(raw)
    if not school_map.rows:
        raise LoadError(path, "the map has no rows.")
    check_map_rows(path, school_map, catalogue)
    return school_map


def check_map_rows(path: Path, school_map: SchoolMap, catalogue: Catalogue) -> None:
    """Check every row's items against the catalogue and its Article 9 condition; notes."""
    for line, row in school_map.rows:
        catalogue.check_ids(path, row.items, line, "items")
        special = [i for i in row.items if _gdpr(catalogue, i) == "special_category"]
        if special and not row.art9_condition:
            raise LoadError(
                path,
                f"{row.system}: {', '.join(special)} is special category data, but no "
                "Article 9 condition is given.",
                line=line,
                column="art9_condition",
                hint="Name the UK GDPR Article 9(2) condition, e.g. '9(2)(g) substantial "
                "public interest' or '9(2)(a) explicit consent'.",
            )
        if any(i.startswith("pupil.biometric") for i in row.items):
            school_map.notes.append(f"{row.system}: {BIOMETRIC_NOTE}")


def plan_school_map(
    path: Path, urn: str | None, actors: KnownActors, content: bytes | None = None
) -> tuple[LoadPlan, LoadReport, SchoolMap]:
    """A plan that replaces the school's map; `actors` answers which of the ids the map names
    are in the graph (one query for the whole map).

    `content`: the map's bytes when it was uploaded rather than read from `path`."""
    catalogue = curated_catalogue()
    school_map = read_school_map(path, urn, catalogue, content)
    school_id = f"school:{school_map.urn}"
    known_actors = actors.among({school_id, *named_actors(school_map)})
    if school_id not in known_actors:
        raise LoadError(
            path,
            f"no school with URN {school_map.urn} in the graph.",
            hint="Load the school list first (`edflows load schools ...`).",
        )
    report = LoadReport("school-map", str(path))
    report.rows_read = len(school_map.rows)
    report.notes += school_map.notes
    if school_map.example:
        report.notes.append("this map is marked as an EXAMPLE, not a real school's")
    plan = LoadPlan(
        origin=f"school-map:{school_map.urn}", fingerprint=school_map.digest, urn=school_map.urn
    )
    version = add_school_map(plan, school_map, path, known_actors, actors)
    plan.audit_rows = json.loads(version["rows_json"])
    plan.extra_writes.append(("record_map_versions", {"maps": [version]}))
    return plan, report, school_map


def named_actors(school_map: SchoolMap) -> set[str]:
    """The product and organisation ids a map's rows name."""
    return {t for _, row in school_map.rows for t in [row.product, *row.onward]}


def add_school_map(
    plan: LoadPlan,
    school_map: SchoolMap,
    path: Path,
    known_actors: set[str],
    actors: KnownActors,
) -> dict[str, Any]:
    """Add one school's map to `plan` (its sources and flows, origin `school-map:<urn>`) and
    return the row that records this version of the map. `known_actors`: those of the ids it
    names that the graph holds (`actors.among`); `actors` gives near misses for the others."""
    origin = f"school-map:{school_map.urn}"
    school_id = f"school:{school_map.urn}"
    layer = f"school:{school_map.urn}"
    seen_ids: set[str] = set()
    source_ids: set[str] = set()
    first_flow = len(plan.flows)
    for line, row in school_map.rows:
        for target in [row.product, *row.onward]:
            if target not in known_actors:
                near = actors.near(target)
                raise LoadError(
                    path,
                    f"{row.system}: unknown product or organisation {target!r}.",
                    line=line,
                    column="product" if target == row.product else "onward",
                    hint=f"Did you mean {', '.join(near)}?"
                    if near
                    else "Load the supplier catalogue, or use an id from `edflows search`.",
                )
        source = SourceRecord(
            id=f"school-{school_map.urn}-{fingerprint(row.evidence.encode())[:10]}"
            + ("-synthetic" if row.evidence_kind == "synthetic" else ""),
            title=row.evidence,
            kind=row.evidence_kind,
            note=(
                f"SYNTHETIC data map for school URN {school_map.urn}: not a statement by the school"
                if row.evidence_kind == "synthetic"
                else f"Stated in the data map of school URN {school_map.urn}"
                + (" (an EXAMPLE map)" if school_map.example else "")
            ),
        )
        if source.id not in source_ids:
            source_ids.add(source.id)
            plan.sources.append(source)
        claim = Claim(source=source.id, locator=f"{path.name} line {line}" if line else path.name)
        flow_id = f"flow:school-{school_map.urn}:{slug(row.system)}"
        if flow_id in seen_ids:
            raise LoadError(
                path,
                f"two rows for the system {row.system!r}.",
                line=line,
                column="system",
                hint="Give each system its own name.",
            )
        seen_ids.add(flow_id)
        if row.reinstate:
            plan.reinstate.add(flow_id)
            plan.reinstate.update(f"{flow_id}:to:{slug(onward)}" for onward in row.onward)
        common: dict[str, Any] = {
            "items": row.items,
            "subjects": row.subjects,
            "purposes": row.purposes,
            "purpose_text": row.purpose,
            "lawful_basis": row.lawful_basis,
            "art9_condition": row.art9_condition,
            "retention": row.retention,
            "storage_country": row.storage,
            "viewers": row.viewers,
            "claims": [claim],
            "layer": layer,
        }
        props = {
            "system": row.system,
            "category": row.category,
            "urn": school_map.urn,
            "destruction": row.destruction,
        }
        plan.flows.append(
            FlowRecord(
                id=flow_id,
                kind="system_use",
                source_actor=school_id,
                target_actor=row.product,
                props={k: v for k, v in props.items() if v},
                **common,
            )
        )
        for onward in row.onward:
            plan.flows.append(
                FlowRecord(
                    id=f"{flow_id}:to:{slug(onward)}",
                    kind="onward_share",
                    source_actor=row.product,
                    target_actor=onward,
                    props={"system": row.system, "urn": school_map.urn, "category": row.category},
                    **common,
                )
            )
    if origin != plan.origin:
        flow_ids = {f.id for f in plan.flows[first_flow:]}
        plan.flow_origins.update({flow_id: origin for flow_id in flow_ids})
    version_rows = [_version_row(row) for _, row in school_map.rows]
    return {
        "id": f"school-map:{school_map.urn}:{school_map.digest}",
        "urn": school_map.urn,
        "digest": school_map.digest,
        "path": str(path),
        "rows_json": json.dumps(version_rows, sort_keys=True),
    }


def _version_row(row: MapRow) -> dict[str, Any]:
    """A row as a map version records it (`reinstate` only when given, so versions stored
    before the column existed compare equal)."""
    data = row.model_dump(exclude_none=True)
    if not data.get("reinstate"):
        data.pop("reinstate", None)
    return data


def blank_template(fmt: str) -> str:
    """A blank school map with one worked example row, in CSV or YAML."""
    example = {
        "system": "Example: the school's MIS",
        "product": "product:sims",
        "category": "mis",
        "items": ["pupil.identity.name", "pupil.contact.postcode"],
        "subjects": ["pupil", "parent"],
        "purpose": "Running the school: registers, contacts, census returns",
        "purposes": ["direct_schooling_and_support", "administration_and_accountability"],
        "lawful_basis": "UK GDPR Article 6(1)(e) public task",
        "art9_condition": "",
        "retention": "Until the pupil leaves, then the school's retention schedule",
        "destruction": "Deleted by the supplier at the end of the contract",
        "storage": "UK",
        "viewers": ["office staff", "class teachers"],
        "onward": [],
        "evidence": "Our privacy notice (give its title, date and web address)",
    }
    if fmt == "yaml":
        return (
            "# A school's data map for edflows: one entry under rows per system.\n"
            "# Columns are explained in the README (School data maps). Never put a child's\n"
            "# own data here: only kinds of data, by catalogue id (see `edflows items`).\n"
            + yaml.safe_dump({"urn": "", "title": "", "rows": [example]}, sort_keys=False)
        )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerow(["; ".join(v) if isinstance(v, list) else v for v in example.values()])
    return out.getvalue()


def _read_yaml(path: Path, urn: str | None, content: bytes) -> SchoolMap:
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad_line = content[: exc.start].count(b"\n") + 1
        raise LoadError(path, f"not valid UTF-8 (byte {exc.start}).", line=bad_line) from exc
    try:
        raw = read_yaml(path, text)
        if not isinstance(raw, dict) or "rows" not in raw:
            raise LoadError(path, "expected a mapping with `urn` and `rows`.", line=1)
        if _expanded_size(raw, {}) > MAX_VALUES:
            raise LoadError(
                path,
                f"the map holds more than {MAX_VALUES} values once its YAML aliases (*name) "
                "are expanded.",
                hint="A school map has one row per system; write the rows out in full.",
            )
        check_structure(path, raw)
    except RecursionError:
        raise LoadError(path, "the map is nested too deeply to be a school map.") from None
    return _school_map(path, urn, raw)


def _expanded_size(value: Any, seen: dict[int, int]) -> int:
    """How many values `value` holds once YAML aliases are expanded (shared parts counted once
    per use, each computed once), without expanding anything."""
    key = id(value)
    if key in seen:
        return seen[key]
    children: list[Any] = []
    if isinstance(value, dict):
        children = list(value.values())
    elif isinstance(value, list):
        children = value
    size = 1 + sum(_expanded_size(child, seen) for child in children)
    seen[key] = size
    return size


def _school_map(path: Path, urn: str | None, raw: dict[str, Any]) -> SchoolMap:
    if not isinstance(raw, dict) or "rows" not in raw:
        raise LoadError(path, "expected a mapping with `urn` and `rows`.", line=1)
    if not isinstance(raw.get("rows") or [], list):
        raise LoadError(path, "`rows` must be a list of systems.", line=line_of(raw))
    file_urn = str(raw.get("urn") or "").strip()
    urn = _urn(path, urn, file_urn)
    rows: list[tuple[int | None, MapRow]] = []
    for entry in raw.get("rows") or []:
        line = line_of(entry)
        if not isinstance(entry, dict):
            raise LoadError(path, "each row must be a mapping (key: value lines).", line=line)
        data = strip_lines(entry)
        check_text_fields(path, _text_fields(line, data))
        rows.append((line, parse_row(path, line, data)))
    return SchoolMap(urn=urn, rows=rows, title=raw.get("title"), example=bool(raw.get("example")))


def _read_csv(path: Path, urn: str | None) -> SchoolMap:
    header, table = read_table(path)
    require_columns(path, header, REQUIRED)
    if urn is None:
        raise LoadError(path, "a CSV map needs --urn URN.")
    rows: list[tuple[int | None, MapRow]] = []
    for row in table:
        rows.append((row.line, parse_row(path, row.line, csv_row_data(row))))
    return SchoolMap(urn=_urn(path, urn, ""), rows=rows)


def csv_row_data(row: Row) -> dict[str, Any]:
    """A CSV row's map fields: list columns split on `;`, empty cells left out."""
    data: dict[str, Any] = {}
    for column in COLUMNS:
        value = row.get(column)
        if column in LIST_COLUMNS:
            data[column] = [v.strip() for v in value.split(";") if v.strip()]
        elif value:
            data[column] = value
    return data


def parse_row(path: Path, line: int | None, data: dict[str, Any]) -> MapRow:
    """One validated map row; a bad value is a LoadError naming its line and column."""
    try:
        return MapRow.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        column = str(err["loc"][0]) if err["loc"] else None
        raise LoadError(
            path, f"{err['msg']} (value {err.get('input')!r}).", line=line, column=column
        ) from None


def _urn(path: Path, given: str | None, in_file: str) -> str:
    if given and in_file and given != in_file:
        raise LoadError(path, f"--urn {given} but the file says urn {in_file}.")
    urn = (given or in_file).strip()
    if not is_urn(urn):
        raise LoadError(path, f"{urn!r} is not a URN.", hint="Give --urn with the school's URN.")
    return urn


def _text_fields(line: int | None, data: dict[str, Any]) -> list[tuple[int | None, str, str]]:
    out = []
    for key, value in data.items():
        values = value if isinstance(value, list) else [value]
        out += [(line, key, str(v)) for v in values if v is not None]
    return out


def _gdpr(catalogue: Catalogue, item_id: str) -> str | None:
    item = catalogue.items.get(item_id)
    while item is not None:
        if item.gdpr == "special_category":
            return item.gdpr
        item = catalogue.items.get(item.parent) if item.parent else None
    return None


@dataclass
class MapDiff:
    """What changed between two versions of a school's map, by system."""

    added: list[str]
    removed: list[str]
    changed: dict[str, dict[str, tuple[Any, Any]]]

    def render(self) -> str:
        lines = []
        lines += [f"+ added:   {name}" for name in self.added]
        lines += [f"- removed: {name}" for name in self.removed]
        for name, fields in self.changed.items():
            lines.append(f"~ changed: {name}")
            lines += [f"    {k}: {old!r} -> {new!r}" for k, (old, new) in fields.items()]
        return "\n".join(lines) or "no changes"


def diff_maps(old_rows: list[dict[str, Any]], new_rows: list[dict[str, Any]]) -> MapDiff:
    """Rows are matched by their system name; changed rows list each changed field."""
    old = {r["system"]: r for r in old_rows}
    new = {r["system"]: r for r in new_rows}
    changed: dict[str, dict[str, tuple[Any, Any]]] = {}
    for name in sorted(set(old) & set(new)):
        fields = {
            key: (old[name].get(key), new[name].get(key))
            for key in sorted(set(old[name]) | set(new[name]))
            if old[name].get(key) != new[name].get(key)
        }
        if fields:
            changed[name] = fields
    return MapDiff(
        added=sorted(set(new) - set(old)), removed=sorted(set(old) - set(new)), changed=changed
    )
