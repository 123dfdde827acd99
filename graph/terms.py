"""A flow's terms, stored once per distinct content (issue 14 B): lean flows.

Most flows share their terms with many others: each of 26,000 schools sends the census the same
items under the same law, and a file of schools' maps repeats the same rows school after school.
So the terms live on a `(:Terms {key})` node, keyed by a hash of their content, and a flow keeps
its id, its ends, its layer, its validity, its evidence (claims and sources) and the key of its
terms (`f.terms`). Two flows with the same terms point at the same node.

Readers fetch the terms in the same query (`OPTIONAL MATCH (t:Terms {id: f.terms})`) and fold
them into the flow with `unfold`. A flow written without a terms node (an `edflows import` of an
export, which carries each flow whole) keeps its terms on itself; `unfold` reads both the same.

A flow's evidence (`claims_json`) is its own, except where many flows of one load carry the
very same claims: each of 26,000 schools' census flows cites the same national documents, about
3 KB of claims a flow. Such claims go on the terms node with the terms (`SHAREABLE_FIELDS`,
`split(..., shared=...)`); claims that name one flow (a school's map row, a release) stay on it.

A flow also keeps `row_hash`, a hash of everything a load writes on it, so that a reload of an
unchanged file compares hashes and writes nothing (graph/writer.py).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

# The fields that are a flow's terms: what it carries, about whom, why, under which law, how
# long it is kept and where, who sees it and which system holds it. Everything else (id, ends,
# layer, origin, validity, outcome, claims, sources, figures, retirement) is the flow's own.
TERM_FIELDS: frozenset[str] = frozenset(
    {
        "items",
        "subjects",
        "purposes",
        "purpose_text",
        "lawful_basis",
        "art9_condition",
        "retention",
        "retention_indefinite",
        "storage_country",
        "destruction",
        "viewers",
        "category",
        "system",
    }
)


# Fields that go with the terms only when their value is shared by many flows of one load.
SHAREABLE_FIELDS: frozenset[str] = frozenset({"claims_json"})
FOLDED_FIELDS = TERM_FIELDS | SHAREABLE_FIELDS


def split(
    props: Mapping[str, Any], shared: frozenset[str] | set[str] = frozenset()
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A flow's properties as (its own, its terms). A shareable field (its claims) goes with
    the terms when its value is one of `shared` (see `shared_values`)."""
    own: dict[str, Any] = {}
    terms: dict[str, Any] = {}
    for key, value in props.items():
        if key in TERM_FIELDS or (key in SHAREABLE_FIELDS and value in shared):
            terms[key] = value
        else:
            own[key] = value
    return own, terms


def shared_values(rows: Iterable[Mapping[str, Any]]) -> set[str]:
    """The values of shareable fields that more than one of `rows` (flows' properties)
    carries: those are stored once, on the terms node."""
    seen: set[str] = set()
    shared: set[str] = set()
    for props in rows:
        for key in SHAREABLE_FIELDS:
            value = props.get(key)
            if isinstance(value, str):
                if value in seen:
                    shared.add(value)
                seen.add(value)
    return shared


def content_key(values: Mapping[str, Any]) -> str:
    """A stable key for a map of values: the first 24 hex digits of its canonical JSON's
    SHA-256 (96 bits: no two distinct contents of a national graph meet)."""
    text = json.dumps(
        values, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    )
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def unfold(flow: Mapping[str, Any], terms: Mapping[str, Any] | None) -> dict[str, Any]:
    """A flow's properties whole: its own, with its terms (from its terms node) filled in."""
    out = dict(flow)
    out.pop("terms", None)
    out.pop("row_hash", None)
    if terms:
        for key, value in terms.items():
            if key in FOLDED_FIELDS and value is not None and out.get(key) is None:
                out[key] = value
    return out


def fold_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows of a query that returns a flow's terms apart (`... AS flow, ... AS terms`, the
    convention of every query that reads flows whole) with the terms folded into the flow."""
    if not rows or "terms" not in rows[0] or "flow" not in rows[0]:
        return rows
    for row in rows:
        terms = row.pop("terms")
        if row["flow"] is not None:
            row["flow"] = unfold(row["flow"], terms)
    return rows


def terms_id(terms: Mapping[str, Any]) -> str:
    """The id of the terms node that holds `terms` (`f.terms` names it)."""
    return "terms:" + content_key(terms)
