"""The declared model (`model.yaml`) and the validated records that loaders hand to the graph.

Every loader turns its input into these records; `graph.writer` is the only code that turns
records into Cypher parameters. A record without a source is refused here, before any write.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Annotated, Any, Self

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from graph.model.claims import (
    Claim,
    ClaimError,
    Event,
    Figure,
    check_claims,
    check_events,
    disputes_of,
    figures_of,
    name_claims,
    settle,
)
from graph.model.values import (
    PARTIAL_DATE,
    PartialDate,
    Record,
    check_partial_date,
    first_day,
    last_day,
)
from graph.results import flow_field

__all__ = [
    "PARTIAL_DATE",
    "Claim",
    "ClaimError",
    "Event",
    "Figure",
    "PartialDate",
    "Record",
    "check_claims",
    "check_events",
    "check_partial_date",
    "disputes_of",
    "figures_of",
    "first_day",
    "last_day",
    "name_claims",
    "settle",
]

SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
Scalar = str | int | float | bool | None


class NodeKind(BaseModel):
    prefix: str
    description: str


class Model(BaseModel):
    """The closed vocabularies of edflows (see model.yaml)."""

    model_config = ConfigDict(frozen=True)
    node_kinds: dict[str, NodeKind]
    org_types: list[str]
    evidence_kinds: list[str]
    gdpr_classes: list[str]
    purposes: list[str]
    flow_kinds: list[str]
    data_subjects: list[str]
    product_categories: list[str]
    school_map_categories: list[str]

    def kind_of_id(self, actor_id: str) -> str | None:
        """The node kind whose prefix starts `actor_id` (`school:example` -> School)."""
        prefix = actor_id.split(":", 1)[0]
        for name, kind in self.node_kinds.items():
            if kind.prefix == prefix:
                return name
        return None


@cache
def model() -> Model:
    """The model, read from the packaged model.yaml once."""
    text = resources.files("graph.model").joinpath("model.yaml").read_text(encoding="utf-8")
    return Model.model_validate(yaml.safe_load(text))


def _in(vocabulary: str) -> AfterValidator:
    def check(value: str) -> str:
        allowed: list[str] = getattr(model(), vocabulary)
        if value not in allowed:
            raise ValueError(f"{value!r} is not one of {vocabulary}: {', '.join(allowed)}")
        return value

    return AfterValidator(check)


EvidenceKind = Annotated[str, _in("evidence_kinds")]
OrgType = Annotated[str, _in("org_types")]
GdprClass = Annotated[str, _in("gdpr_classes")]
Purpose = Annotated[str, _in("purposes")]
FlowKind = Annotated[str, _in("flow_kinds")]
Subject = Annotated[str, _in("data_subjects")]
ProductCategory = Annotated[str, _in("product_categories")]
SchoolMapCategory = Annotated[str, _in("school_map_categories")]


# -- records ----------------------------------------------------------------------------------


class SourceRecord(Record):
    """A document that evidences facts. The URL is given only when known, never invented."""

    id: str = Field(pattern=SLUG.pattern)
    title: str = Field(min_length=3)
    publisher: str | None = None
    url: str | None = Field(default=None, pattern=r"^https?://\S+$")
    date: PartialDate | None = None
    checked: PartialDate | None = None
    kind: EvidenceKind
    note: str | None = None


class Evidence(Record):
    """One source's support for a fact, with where in it (slide, page, row) and a quote."""

    source: str
    locator: str | None = None
    quote: str | None = None


class ActorRecord(Record):
    """A node that data flows to or from."""

    id: str
    kind: str
    name: str = Field(min_length=1)
    org_type: OrgType | None = None
    aliases: list[str] = Field(default_factory=list)
    props: dict[str, Scalar | list[str]] = Field(default_factory=dict)
    evidence: list[Evidence] = Field(min_length=1)
    layer: str = "national"

    @model_validator(mode="after")
    def _id_matches_kind(self) -> ActorRecord:
        kinds = model().node_kinds
        if self.kind not in kinds:
            raise ValueError(f"unknown node kind {self.kind!r} (one of {', '.join(kinds)})")
        prefix = kinds[self.kind].prefix
        if not self.id.startswith(prefix + ":") or len(self.id) <= len(prefix) + 1:
            raise ValueError(f"id {self.id!r} of a {self.kind} must start with '{prefix}:'")
        return self

    @property
    def source_ids(self) -> list[str]:
        return sorted({e.source for e in self.evidence})


def _computed(name: str) -> Any:
    """One of `FlowFields`' fields that a record computes from its claims: read-only."""
    declared = flow_field(name)
    return Field(
        default_factory=list,
        json_schema_extra={"readOnly": True},
        description=f"computed: {declared.description}",
    )


class FlowFacts(Record):
    """What a flow says: items, subjects, purpose, law, retention, storage, tier, dates and
    the claims of its sources. Shared by flows and by the base map's flow templates.

    Items, tier, dates and outcome are COMPUTED from the live claims (graph/model/claims.py):
    a field that no live claim states keeps the value given here (the curator's reading of
    the sources as a whole). `conflicts`, `denied_items` and `disputed_items` are always
    computed; values given for them are replaced."""

    # the fields an answer shows are declared once, in graph/results.py `FlowFields`; here
    # they take its defaults and descriptions, with the checks a record adds
    kind: FlowKind
    items: list[str] = flow_field("items")
    subjects: list[Subject] = Field(
        default_factory=lambda: ["pupil"], description=flow_field("subjects").description
    )
    purposes: list[Purpose] = flow_field("purposes")
    purpose_text: str | None = flow_field("purpose_text")
    lawful_basis: str | None = flow_field("lawful_basis")
    art9_condition: str | None = flow_field("art9_condition")
    retention: str | None = flow_field("retention")
    retention_indefinite: bool = flow_field("retention_indefinite")
    storage_country: str | None = flow_field("storage_country")
    viewers: list[str] = Field(default_factory=list)
    tier: Annotated[int, Field(ge=1, le=4)] | None = flow_field("tier")
    valid_from: PartialDate | None = flow_field("valid_from")
    valid_to: PartialDate | None = flow_field("valid_to")
    agreement: str | None = Field(
        default=None,
        description="the agreement an arrangement runs under, without its version (register "
        "rows naming it, or a version of it, join this flow)",
        examples=["Memorandum of Understanding (DfE-Home Office)"],
    )
    claims: list[Claim] = Field(min_length=1)
    timeline: list[Event] = Field(default_factory=list)
    conflicts: list[str] = _computed("conflicts")
    denied_items: list[str] = _computed("denied_items")
    disputed_items: list[str] = _computed("disputed_items")
    props: dict[str, Scalar | list[str]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _settle_claims(self) -> FlowFacts:
        name_claims(self.claims)
        check_claims(self.claims)
        check_events(self.timeline, self.claims)
        facts = settle(self.claims)
        if facts.items is not None:
            self.items = facts.items
        if facts.tier is not None:
            self.tier = facts.tier
        if facts.dated:
            self.valid_from, self.valid_to = facts.valid_from, facts.valid_to
        if facts.outcome is not None:
            self.props["outcome"] = facts.outcome
        # the items as settled (or, where no claim lists them, the curator's reading of the
        # claims) against every live denial
        disputed = facts.disputed or [
            i for i in self.items if any(i == d or i.startswith(d + ".") for d in facts.denied)
        ]
        self.conflicts = sorted({*facts.conflicts, *(["items"] if disputed else [])})
        self.denied_items = facts.denied
        self.disputed_items = disputed
        return self

    def superseded(self) -> dict[str, str]:
        """Claim id -> the id of the claim that corrects it."""
        return {t: str(c.id) for c in self.claims for t in c.corrects}

    def figures(self) -> list[dict[str, Any]]:
        """Every figure its claims state, each with its claim, source and supersession."""
        return figures_of(self.claims, self.superseded())

    def with_claims(self, claims: list[Claim], **changes: Any) -> Self:
        """The same flow with other claims (and changes), its facts computed again."""
        data = self.model_dump(exclude={"conflicts", "denied_items", "disputed_items"})
        data.update(changes)
        data["claims"] = [c.model_dump() for c in claims]
        return type(self).model_validate(data)


class FlowRecord(FlowFacts):
    """Data items about data subjects moving from one actor to another, with its evidence."""

    id: str = Field(pattern=r"^flow:\S+$")
    source_actor: str
    target_actor: str
    layer: str = "national"

    @field_validator("source_actor", "target_actor")
    @classmethod
    def _known_prefix(cls, value: str) -> str:
        if model().kind_of_id(value) is None:
            raise ValueError(f"{value!r} is not an actor id (e.g. school:example, body:dfe)")
        return value

    @model_validator(mode="after")
    def _dates_in_order(self) -> FlowRecord:
        if (
            self.valid_from
            and self.valid_to
            and last_day(self.valid_to) < first_day(self.valid_from)
        ):
            raise ValueError(f"valid_to {self.valid_to} is before valid_from {self.valid_from}")
        return self

    @property
    def source_ids(self) -> list[str]:
        return sorted({c.source for c in self.claims})


class ItemRecord(Record):
    """A kind of data in the catalogue (never a value): `pupil.contact.postcode`."""

    id: str = Field(pattern=r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")
    name: str
    description: str | None = None
    gdpr: GdprClass = "ordinary"
    npd_tier: int | None = Field(default=None, ge=1, le=4)
    identifiability: str | None = None
    sensitivity: str | None = None
    contains: list[str] = Field(default_factory=list)
    derived_from: list[str] = Field(default_factory=list)
    aliases: list[str] = Field(default_factory=list)
    npd_aliases: list[str] = Field(default_factory=list)
    evidence: list[Evidence] = Field(min_length=1)

    @property
    def parent(self) -> str | None:
        return self.id.rsplit(".", 1)[0] if "." in self.id else None

    @property
    def source_ids(self) -> list[str]:
        return sorted({e.source for e in self.evidence})


def as_params(record: BaseModel) -> dict[str, Any]:
    """A record as plain values for Cypher parameters."""
    return record.model_dump(mode="json")
