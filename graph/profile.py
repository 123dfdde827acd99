"""A school's profile: what the school itself states for its record of processing.

UK GDPR Article 30(1)(a) asks for "the name and contact details of the controller ... and the
data protection officer". The name and address come from the spine or GIAS (the School node);
the contact, the ICO registration number and the DPO are known only to the school, so the
school states them here: through `PUT /schools/{urn}/profile` (a school token for its own URN,
or a trust token for its schools) or the workspace's profile form. Each change is one
transaction with its audit entry (`school-profile.update`), and the record of processing names
that entry and its day as the source of these lines. The profile sits on the School node,
never on a flow, so it cannot change any journey, national or the school's own.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from neo4j import ManagedTransaction
from pydantic import BaseModel, Field, StringConstraints

from graph import audit
from graph.db import Database
from graph.editing import may_edit_map
from graph.errors import Forbidden, NotFoundError
from graph.queries import query
from graph.results import Timestamp
from graph.tokens import TokenInfo

PROFILE_FIELDS = ("contact", "ico_registration", "dpo_name", "dpo_contact")
LABELS = {
    "contact": "Contact",
    "ico_registration": "ICO registration number",
    "dpo_name": "Data protection officer",
    "dpo_contact": "DPO contact",
}

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
IcoNumber = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, to_upper=True, pattern=r"^[A-Za-z0-9]{4,12}$", max_length=12
    ),
]


class ProfileIn(BaseModel):
    """The school's own statement of who to contact. Every field replaces the one before; a
    field left out (or null) is no longer stated."""

    contact: Text | None = Field(
        default=None,
        description="how to contact the school about its data (postal address, email, phone)",
        examples=["The School Office, 1 Example Road, London; office@example.org"],
    )
    ico_registration: IcoNumber | None = Field(
        default=None,
        description="the school's registration number on the ICO's register of fee payers "
        "(letters and digits, as the register prints it)",
    )
    dpo_name: Text | None = Field(default=None, description="the data protection officer")
    dpo_contact: Text | None = Field(
        default=None, description="how to reach the data protection officer"
    )


class Profile(ProfileIn):
    """A school's profile as stored, with the audit entry of its last change."""

    urn: str
    updated_at: Timestamp | None = Field(default=None, description="when it was last changed")
    audit_id: str | None = Field(default=None, description="the audit entry of that change")


def get_profile(db: Database, urn: str) -> Profile:
    rows = db.read("get_school_profile", urn=urn)
    if not rows:
        raise NotFoundError("school", urn, by="URN")
    row = rows[0]
    return Profile(
        urn=str(row["urn"] or urn),
        updated_at=row["updated_at"],
        audit_id=row["audit_id"],
        **{k: row[k] for k in PROFILE_FIELDS},
    )


def set_profile(db: Database, token: TokenInfo, urn: str, body: ProfileIn) -> Profile:
    """Replace the profile of school `urn`: one transaction with its audit entry."""
    if token.role not in ("school", "trust") or not may_edit_map(db, token, urn):
        raise Forbidden(_who_may(token, urn))
    after = body.model_dump()

    def work(tx: ManagedTransaction) -> Profile:
        row = tx.run(query("get_school_profile"), urn=urn).single()
        if row is None:
            raise NotFoundError("school", urn, by="URN")
        before = {k: row[k] for k in PROFILE_FIELDS}
        stated = [LABELS[k] for k, v in after.items() if v]
        entry = audit.record(
            tx,
            token.actor,
            "school-profile.update",
            urn,
            before,
            after,
            urn=urn,
            summary="profile: " + (", ".join(stated) or "nothing stated"),
        )
        now = datetime.now(UTC)
        tx.run(query("set_school_profile"), urn=urn, updated_at=now, audit_id=entry, **after)
        return Profile.model_validate({"urn": urn, "updated_at": now, "audit_id": entry, **after})

    result: Profile = db.write_tx(work)
    return result


def _who_may(token: TokenInfo, urn: str) -> str:
    if token.role == "school":
        return f"this token is for URN {token.urn}; it cannot change the profile of URN {urn}"
    if token.role == "trust":
        return f"this token is for trust {token.trust}; URN {urn} is not one of its schools"
    return (
        f"a school's profile is stated by the school (its school token) or its trust (a trust "
        f"token); this is an {token.role} token"
    )
