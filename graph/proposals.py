"""Products that are not in the catalogue: a school proposes one (its name, its supplier and
the address of its privacy notice); it shows as *proposed* in that school's workspace only;
an editor accepts it (it joins the catalogue, citing that privacy notice) or rejects it. Each
step is one transaction with its audit entry."""

from __future__ import annotations

import re
import secrets
from typing import Any

from neo4j import ManagedTransaction
from neo4j.exceptions import ConstraintError
from pydantic import BaseModel, Field, HttpUrl

from graph import audit
from graph.db import Database
from graph.editing import may_edit_map
from graph.errors import Conflict, Forbidden, InvalidInput, NotFoundError
from graph.queries import query
from graph.tokens import TokenInfo


class ProposalIn(BaseModel):
    name: str = Field(min_length=2, max_length=200)
    supplier: str = Field(min_length=2, max_length=200)
    url: HttpUrl


class Proposal(BaseModel):
    id: str
    urn: str
    name: str
    supplier: str
    url: str
    status: str
    created: str
    product_id: str | None = None
    reviewed: str | None = None


def propose(db: Database, token: TokenInfo, urn: str, body: ProposalIn) -> Proposal:
    if not may_edit_map(db, token, urn):
        raise Forbidden(f"this token cannot propose products for URN {urn}")
    props = {
        "id": f"proposal:{urn}:{secrets.token_hex(4)}",
        "urn": urn,
        "name": body.name.strip(),
        "supplier": body.supplier.strip(),
        "url": str(body.url),
    }

    def work(tx: ManagedTransaction) -> Proposal:
        row = tx.run(query("create_proposal"), props=props).single()
        assert row is not None
        made = Proposal.model_validate(row["proposal"])
        audit.record(tx, token.actor, "product.propose", made.id, None, made.model_dump(), urn=urn)
        return made

    result: Proposal = db.write_tx(work)
    return result


def proposals(db: Database, urn: str | None = None, status: str | None = None) -> list[Proposal]:
    rows = db.read("list_proposals", urn=urn, status=status)
    return [Proposal.model_validate(r["proposal"]) for r in rows]


def review(db: Database, token: TokenInfo, proposal_id: str, accept: bool) -> Proposal:
    """Accept (the product joins the catalogue with the given source) or reject; editors only."""
    if token.role != "editor":
        raise Forbidden(f"only an editor token reviews proposed products; this is {token.role}")
    pending = {p.id: p for p in proposals(db, status="proposed")}
    if proposal_id not in pending:
        raise NotFoundError("pending proposal", proposal_id)
    before = pending[proposal_id]
    product_id = f"product:{_slug(before.name)}" if accept else None

    def work(tx: ManagedTransaction) -> Proposal:
        if product_id is not None:
            source: dict[str, Any] = {
                "id": f"proposal-{proposal_id.rsplit(':', 1)[1]}-privacy-notice",
                "title": f"{before.name}: privacy notice (named by school URN {before.urn})",
                "url": before.url,
                "kind": "privacy_notice",
                "note": f"Proposed by school URN {before.urn}; accepted by an editor.",
            }
            product = {
                "id": product_id,
                "name": before.name,
                "kind": "Product",
                "org_type": "other",
                "supplier_name": before.supplier,
                "layer": "catalogue",
            }
            tx.run(query("create_proposed_product"), source=source, product=product).consume()
        status = "accepted" if accept else "rejected"
        row = tx.run(
            query("review_proposal"), id=proposal_id, status=status, product_id=product_id
        ).single()
        if row is None:
            raise Conflict(f"the proposal {proposal_id} has been reviewed already")
        after = Proposal.model_validate(row["proposal"])
        action = "product.accept" if accept else "product.reject"
        audit.record(
            tx,
            token.actor,
            action,
            proposal_id,
            before.model_dump(),
            after.model_dump(),
            urn=before.urn,
        )
        return after

    try:
        result: Proposal = db.write_tx(work)
    except ConstraintError:
        raise Conflict(f"the catalogue already has {product_id}; reject this one") from None
    return result


def _slug(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    if not slug:
        raise InvalidInput("a product's name needs letters or digits")
    return slug
