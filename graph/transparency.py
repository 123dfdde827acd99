"""What a school's notice and record of processing say, gathered from the graph only.

`TransparencyService.notice(urn, as_of)` groups the data a school holds (the items on its own
flows in force on `as_of`, default today: its map's systems and its census returns) by catalogue
family, and for each group asks the journey service where every item could go that day
(`JourneyService.reach` as of the same day), so the notice names exactly the organisations a
reach names; flows that had ended by then are left out. `ropa(urn)` turns the same flows
into UK GDPR Article 30 rows.
Nothing is added that the graph does not hold: a missing fact is reported as missing, and
evidence that is only implied or unknown, or sources that disagree, are marked as unsure.
Rendering lives in `web.documents.notice` and `web.documents.ropa`.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

import yaml
from pydantic import BaseModel, Field

from graph.cache import CacheSnapshot
from graph.db import Database
from graph.errors import InvalidInput
from graph.in_force import in_force, to_day
from graph.items import ItemIndex
from graph.journey_query import JourneyQuery
from graph.journeys import JourneyService
from graph.results import ActorRef, Reached, SourceRef, flow_field, iso_utc
from graph.traversal import EVIDENCE

NOT_STATED = "not stated in the map"
NOT_STATED_PROFILE = "not stated"  # a controller fact no document at hand gives
EARLIEST_AS_OF = date(2000, 1, 1)  # no flow the graph holds is dated before this
REACH_WORKERS = 8
_OUTSIDE = re.compile(
    r"\b(usa|united states|eea|eu|europe|european|ireland|netherlands|germany|india|"
    r"worldwide|global|outside the uk)\b",
    re.IGNORECASE,
)
_INSIDE = re.compile(
    r"\b(uk|united kingdom|england|wales|scotland|great britain|school premises|on site)\b",
    re.IGNORECASE,
)
_UNSURE = re.compile(r"to be confirmed|unknown|not known|illustrative", re.IGNORECASE)


class ItemLine(BaseModel):
    id: str
    name: str
    special: bool = Field(description="UK GDPR special category or criminal-offence data")


class Recipient(BaseModel):
    """One organisation that data of a group can reach, with the facts of the hop into it."""

    actor: ActorRef
    items: list[str] = Field(description="names of the group's items that can reach it")
    evidence: str = Field(description="stated, implied or unknown (the best over its items)")
    hops: int
    route: list[str] = Field(description="names of the organisations on the way, in order")
    system: str | None = Field(default=None, description="the school's system it leaves by")
    # the last hop's fields, as FlowFields declares them
    purposes: list[str] = flow_field("purposes")
    purpose_text: str | None = flow_field("purpose_text")
    lawful_basis: str | None = flow_field("lawful_basis")
    art9_condition: str | None = flow_field("art9_condition")
    retention: str | None = flow_field("retention")
    kept_indefinitely: bool = flow_field("retention_indefinite")
    storage: str | None = flow_field("storage_country")
    storage_status: str = Field(description="uk, outside, mixed or unknown")
    conflicts: list[str] = Field(default_factory=list)
    source_ids: list[str] = Field(default_factory=list)
    valid_from: str | None = Field(
        default=None, description="the latest first day of the route's flows, where stated"
    )
    valid_to: str | None = Field(
        default=None, description="the earliest last day of the route's flows, where stated"
    )


class NoticeGroup(BaseModel):
    key: str
    child_title: str
    child_about: str
    parent_title: str
    parent_about: str
    items: list[ItemLine]
    recipients: list[Recipient]


class Notice(BaseModel):
    school: ActorRef
    urn: str
    as_of: date = Field(description="the day the notice is of: only flows in force that day")
    has_map: bool
    example_map: bool
    groups: list[NoticeGroup]
    sources: list[SourceRef]


class RopaRow(BaseModel):
    """One processing activity, in the ICO template's terms."""

    activity: str
    system_or_flow: str
    processor_or_recipient: str
    business_function: str
    purpose: str
    data_subjects: str
    categories_of_data: str
    special_category_data: str
    recipients: str
    transfers_outside_uk: str
    transfer_safeguards: str
    retention: str
    destruction: str
    lawful_basis: str
    art9_condition: str
    security_measures: str
    sources: str


class RopaHistoryRow(BaseModel):
    """A flow not in force on the record's date, with the days it was in force."""

    valid_from: date | None
    valid_to: date | None
    row: RopaRow


class RopaController(BaseModel):
    """Who the controller is: only what the School node holds, from the spine or GIAS and from
    the school's own profile (graph/profile.py); the rest is "not stated"."""

    name: str
    urn: str
    address: list[tuple[str, str]] = Field(description="(label, value) of each address field")
    contact: str = NOT_STATED_PROFILE
    ico_registration: str = NOT_STATED_PROFILE
    dpo: str = NOT_STATED_PROFILE
    dpo_contact: str = NOT_STATED_PROFILE
    profile_source: str = Field(
        default="not stated: the school states these in its workspace (Profile) or through "
        "PUT /schools/URN/profile",
        description="where the contact, ICO number and DPO lines come from",
    )


class RopaRecord(BaseModel):
    """A school's record of processing as of a day: rows in force, history, controller."""

    as_of: date
    controller: RopaController
    rows: list[RopaRow]
    history: list[RopaHistoryRow]
    sources: list[dict[str, Any]]


class TransparencyService:
    """Builds notices and Article 30 records from a school's flows and their reach."""

    def __init__(self, db: Database, cache: CacheSnapshot | None = None) -> None:
        self.db = db
        self.journeys = JourneyService(db, cache)

    def notice(self, urn: str, as_of: date | None = None) -> Notice:
        """Everything the notice for school `urn` says as of `as_of` (default today), for
        either audience; kept in the app's cache (graph/cache.py) until the graph's generation
        moves (a notice runs one reach per item the school holds), which every change does,
        edits and retirements included."""
        day = check_as_of(as_of)
        return self.journeys.cache.entry(
            "notice", (urn, day.isoformat()), lambda: self._build_notice(urn, day)
        )

    def _build_notice(self, urn: str, day: date) -> Notice:
        school = self.journeys.actor(urn)
        flows = self.school_flows(school.id)
        own = [
            f
            for f in flows
            if f["from_id"] == school.id
            and in_force(
                to_day(f["flow"].get("valid_from_day")), to_day(f["flow"].get("valid_to_day")), day
            )
        ]
        index = self.journeys.index()
        held = sorted({i for f in own for i in f["flow"].get("items") or [] if i in index.items})
        reaches = self._reach_all(school.id, [i for i in held if group_of(index, i)], day)
        systems = {f["flow"]["id"]: _system_name(f) for f in own}
        names = self._names({h.to_id for r in reaches.values() for x in r for h in x.path})
        groups = []
        for spec in group_specs():
            items = [i for i in held if group_of(index, i) == spec["key"]]
            if not items:
                continue
            merged: dict[str, Recipient] = {}
            for item in items:
                for reached in reaches[item]:
                    _merge(merged, reached, index.items[item].name, systems, names)
            groups.append(
                NoticeGroup(
                    key=spec["key"],
                    child_title=spec["child"]["title"],
                    child_about=spec["child"]["about"],
                    parent_title=spec["parent"]["title"],
                    parent_about=spec["parent"]["about"],
                    items=[_item_line(index, i) for i in items],
                    recipients=sorted(
                        merged.values(),
                        key=lambda r: (EVIDENCE.index(r.evidence), r.hops, r.actor.name),
                    ),
                )
            )
        source_ids = {s for g in groups for r in g.recipients for s in r.source_ids}
        sources = self.sources(source_ids)
        map_flows = [f for f in own if f["flow"].get("layer") == f"school:{urn}"]
        map_sources = {s for f in map_flows for s in f["flow"].get("source_ids") or []}
        example = any("EXAMPLE" in (s.get("note") or "") for s in self._raw_sources(map_sources))
        return Notice(
            school=school,
            urn=urn,
            as_of=day,
            has_map=bool(map_flows),
            example_map=example,
            groups=groups,
            sources=sources,
        )

    def ropa(self, urn: str, as_of: date | None = None) -> RopaRecord:
        """The record of processing as of `as_of` (default today): one row per system of the
        school's map, then one per national flow from the school, for the flows in force that
        day; the others go to `history` with their dates."""
        day = check_as_of(as_of)
        school = self.journeys.actor(urn)
        flows = self.school_flows(school.id)
        index = self.journeys.index()

        def live(flow: dict[str, Any]) -> bool:
            return in_force(
                to_day(flow.get("valid_from_day")), to_day(flow.get("valid_to_day")), day
            )

        onward: dict[str, list[str]] = {}
        for f in flows:
            if (
                f["flow"].get("kind") == "onward_share"
                and f["flow"].get("system")
                and live(f["flow"])
            ):
                onward.setdefault(f["flow"]["system"], []).append(f["to_name"] or f["to_id"])
        own = [f for f in flows if f["from_id"] == school.id]
        own.sort(key=lambda f: (f["flow"].get("layer") == "national", _system_name(f)))
        rows: list[RopaRow] = []
        history: list[RopaHistoryRow] = []
        source_ids: set[str] = set()
        for f in own:
            flow = f["flow"]
            source_ids |= set(flow.get("source_ids") or [])
            row = self._ropa_row(f, index, onward)
            if live(flow):
                rows.append(row)
            else:
                history.append(
                    RopaHistoryRow(
                        valid_from=to_day(flow.get("valid_from_day")),
                        valid_to=to_day(flow.get("valid_to_day")),
                        row=row,
                    )
                )
        return RopaRecord(
            as_of=day,
            controller=self._controller(urn),
            rows=rows,
            history=history,
            sources=self._raw_sources(source_ids),
        )

    def _controller(self, urn: str) -> RopaController:
        found = self.db.read("get_school_controller", urn=urn)
        node = found[0] if found else {"name": None, "urn": urn}
        labels = [("town", "Town"), ("postcode", "Postcode"), ("la_name", "Local authority")]
        stated = {
            key: str(node[field])
            for key, field in (
                ("contact", "contact"),
                ("ico_registration", "ico_registration"),
                ("dpo", "dpo_name"),
                ("dpo_contact", "dpo_contact"),
            )
            if node.get(field)
        }
        if node.get("profile_audit_id"):
            day = iso_utc(node.get("profile_updated_at"))[:10]
            stated["profile_source"] = (
                f"stated by the school in edflows on {day} (audit entry {node['profile_audit_id']})"
            )
        return RopaController(
            name=node["name"] or f"School {urn}",
            urn=str(node["urn"] or urn),
            address=[(label, str(node[key])) for key, label in labels if node.get(key)],
            **stated,
        )

    def _ropa_row(
        self, f: dict[str, Any], index: ItemIndex, onward: dict[str, list[str]]
    ) -> RopaRow:
        flow = f["flow"]
        items = flow.get("items") or []
        special = [i for i in items if _is_special(index, i)]
        storage = flow.get("storage_country")
        status = storage_status(storage)
        recipients = [f["to_name"] or f["to_id"], *onward.get(flow.get("system") or "", [])]
        sources = self._raw_sources(set(flow.get("source_ids") or []))
        return RopaRow(
            activity="school data map" if flow.get("system") else "national data flow",
            system_or_flow=_system_name(f),
            processor_or_recipient=f"{f['to_name'] or f['to_id']} ({f['to_id']})",
            business_function=flow.get("category") or flow.get("kind") or NOT_STATED,
            purpose="; ".join(
                p
                for p in [
                    (flow.get("purpose_text") or "").rstrip(". "),
                    ", ".join(flow.get("purposes") or []),
                ]
                if p
            )
            or NOT_STATED,
            data_subjects=", ".join(flow.get("subjects") or []) or NOT_STATED,
            categories_of_data="; ".join(_item_name(index, i) for i in items) or NOT_STATED,
            special_category_data="; ".join(_item_name(index, i) for i in special) or "none listed",
            recipients="; ".join(dict.fromkeys(recipients)),
            transfers_outside_uk=_transfer_text(status, storage),
            transfer_safeguards=NOT_STATED if status != "uk" else "not applicable",
            retention=flow.get("retention") or NOT_STATED,
            destruction=flow.get("destruction") or NOT_STATED,
            lawful_basis=flow.get("lawful_basis") or NOT_STATED,
            art9_condition=flow.get("art9_condition")
            or (NOT_STATED if special else "not applicable (no special category data)"),
            security_measures=(
                "access limited to: " + ", ".join(flow["viewers"])
                if flow.get("viewers")
                else NOT_STATED
            ),
            sources="; ".join(_source_text(s) for s in sources) or NOT_STATED,
        )

    # -- shared reads ---------------------------------------------------------------------------

    def school_flows(self, school_id: str) -> list[dict[str, Any]]:
        urn = school_id.split(":", 1)[1]
        return self.db.read("list_school_flows", school_id=school_id, layer=f"school:{urn}")

    def sources(self, ids: set[str]) -> list[SourceRef]:
        return [
            SourceRef(**{k: v for k, v in s.items() if k in SourceRef.model_fields})
            for s in self._raw_sources(ids)
        ]

    def _raw_sources(self, ids: set[str]) -> list[dict[str, Any]]:
        if not ids:
            return []
        return [r["source"] for r in self.db.read("list_sources_full", ids=sorted(ids))]

    def _names(self, ids: set[str]) -> dict[str, str]:
        rows = self.db.read("list_actor_names", ids=sorted(ids))
        return {r["id"]: r["name"] or r["id"] for r in rows}

    def _reach_all(self, school_id: str, items: list[str], day: date) -> dict[str, list[Reached]]:
        """Reach of every item as of `day`, several at a time (each reach is a few round
        trips)."""
        self.journeys.index()  # load the catalogue once, before the threads start
        with ThreadPoolExecutor(max_workers=REACH_WORKERS) as pool:
            results = pool.map(
                lambda i: (
                    self.journeys.reach(JourneyQuery(origin=school_id, item=i, as_of=day)).reached
                ),
                items,
            )
            return dict(zip(items, results, strict=True))


# -- helpers ------------------------------------------------------------------------------------


def check_as_of(as_of: date | None) -> date:
    """The day a document is of: `as_of`, default today; a day before any data is refused."""
    day = as_of or date.today()
    if day < EARLIEST_AS_OF:
        raise InvalidInput(
            f"as_of {day.isoformat()} is before any data edflows holds: "
            f"give a day from {EARLIEST_AS_OF.isoformat()} on"
        )
    return day


@cache
def group_specs() -> list[dict[str, Any]]:
    """The notice's groups of data (graph/model/notice_groups.yaml), in order."""
    text = resources.files("graph.model").joinpath("notice_groups.yaml").read_text("utf-8")
    groups: list[dict[str, Any]] = yaml.safe_load(text)["groups"]
    return groups


def group_of(index: ItemIndex, item_id: str) -> str | None:
    """The key of the group an item belongs to; None for data not about the pupil or family."""
    if item_id.startswith("staff"):
        return None
    family: dict[str, str] = {f: s["key"] for s in group_specs() for f in s["families"]}
    for candidate in [item_id, *index.ancestors(item_id)]:
        if candidate in family:
            return family[candidate]
    return "other"


def storage_status(storage: str | None) -> str:
    """Whether a storage statement keeps the data in the UK: uk, outside, mixed or unknown."""
    if not storage:
        return "unknown"
    outside, inside = bool(_OUTSIDE.search(storage)), bool(_INSIDE.search(storage))
    unsure = bool(_UNSURE.search(storage)) and "illustrative)" not in storage.lower()
    if outside and inside:
        return "mixed"
    if outside:
        return "mixed" if unsure else "outside"
    if inside:
        return "mixed" if "to be confirmed" in storage.lower() else "uk"
    return "unknown"


def _transfer_text(status: str, storage: str | None) -> str:
    quoted = f" (the map says: {storage})" if storage else ""
    return {
        "uk": f"no{quoted}",
        "outside": f"yes{quoted}",
        "mixed": f"possibly{quoted}",
        "unknown": f"not stated clearly{quoted}" if storage else NOT_STATED,
    }[status]


def _merge(
    merged: dict[str, Recipient],
    reached: Reached,
    item_name: str,
    systems: dict[str, str],
    names: dict[str, str],
) -> None:
    key = reached.actor.id
    current = merged.get(key)
    if current is not None:
        if item_name not in current.items:
            current.items.append(item_name)
        better = EVIDENCE.index(reached.evidence) < EVIDENCE.index(current.evidence)
        if not better and not (
            reached.evidence == current.evidence and reached.hops < current.hops
        ):
            return
    last = reached.path[-1]
    conflicts = sorted({c for h in reached.path for c in h.conflicts})
    merged[key] = Recipient(
        actor=reached.actor,
        items=current.items if current else [item_name],
        evidence=reached.evidence,
        hops=reached.hops,
        route=[names.get(h.to_id, h.to_id) for h in reached.path[:-1]],
        system=systems.get(reached.path[0].flow_id),
        purposes=last.purposes,
        purpose_text=last.purpose_text,
        lawful_basis=last.lawful_basis,
        art9_condition=last.art9_condition,
        retention=last.retention,
        kept_indefinitely=last.retention_indefinite,
        storage=last.storage_country,
        storage_status=storage_status(last.storage_country),
        conflicts=conflicts,
        source_ids=sorted({s.id for h in reached.path for s in h.sources}),
        valid_from=max(
            (h.valid_from for h in reached.path if h.valid_from), key=_first_day, default=None
        ),
        valid_to=min((h.valid_to for h in reached.path if h.valid_to), key=_last_day, default=None),
    )


def _first_day(stated: str) -> str:
    """A stated start ("2016", "2016-09" or "2016-09-01") as the first day it can mean."""
    return {4: stated + "-01-01", 7: stated + "-01"}.get(len(stated), stated)


def _last_day(stated: str) -> str:
    """A stated end as a sort key after every day it can mean ("2018-06" -> "2018-06-31")."""
    return {4: stated + "-12-31", 7: stated + "-31"}.get(len(stated), stated)


def _system_name(row: dict[str, Any]) -> str:
    flow = row["flow"]
    if flow.get("system"):
        return str(flow["system"])
    kind = str(flow.get("kind") or "flow").replace("_", " ")
    return f"{kind} to {row['to_name'] or row['to_id']}"


def _is_special(index: ItemIndex, item_id: str) -> bool:
    for candidate in [item_id, *index.ancestors(item_id)]:
        item = index.items.get(candidate)
        if item and item.gdpr in {"special_category", "criminal_offence"}:
            return True
    return False


def _item_line(index: ItemIndex, item_id: str) -> ItemLine:
    return ItemLine(
        id=item_id, name=_item_name(index, item_id), special=_is_special(index, item_id)
    )


def _item_name(index: ItemIndex, item_id: str) -> str:
    item = index.items.get(item_id)
    return item.name if item else item_id


def _source_text(source: dict[str, Any]) -> str:
    parts = [str(source.get("title") or source["id"])]
    parts += [str(source[k]) for k in ("publisher", "date", "url") if source.get(k)]
    return ", ".join(parts)
