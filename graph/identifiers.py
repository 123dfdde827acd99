"""Allow-lists for the names that Cypher cannot take as parameters' values alone: node labels and
relationship types. Any code that puts a label or a relationship type into a query (in the text,
or through `$(...)` dynamic labels) checks it here first, so none ever comes from input
unchecked."""

from __future__ import annotations

from collections.abc import Iterable

from graph.errors import EdflowsError
from graph.model import model

# A school's URN: the DfE's number (digits), or "example", the one fictional school edflows makes
# for its demonstration map (loaders/curated/example_school.yaml). Every route, parser and
# search that takes a URN uses these two.
EXAMPLE_URN = "example"
URN_PATTERN = rf"^(?:\d{{1,8}}|{EXAMPLE_URN})$"


def is_urn(text: str) -> bool:
    """True when `text` is a school's URN: up to 8 digits, or the example school's."""
    return text == EXAMPLE_URN or (text.isdigit() and len(text) <= 8)


# The layers every answer follows (the national layer and the catalogue). A school's own layer,
# `school:<urn>`, is followed only from that school or when named (graph/journeys.py), and is
# never in a shared cache (graph/stepcache.py, graph/generation.py).
SHARED_LAYERS = ("national", "catalogue")

KEY_LABELS = ("Actor", "DataItem", "Source", "Load", "MapVersion", "Terms")
ACTOR_LINK_TYPES = frozenset(
    {"IN_LA", "IN_TRUST", "MADE_BY", "SUBSIDIARY_OF", "SUB_PROCESSOR_OF", "USES"}
)
ITEM_LINK_TYPES = frozenset({"PART_OF", "CONTAINS", "DERIVED_FROM"})
RELATIONSHIP_TYPES = frozenset({"FLOW"}) | ACTOR_LINK_TYPES | ITEM_LINK_TYPES


class BadIdentifier(EdflowsError):
    """A label or relationship type that is not one of edflows' own."""


def node_labels() -> frozenset[str]:
    """Every label a node of edflows may carry: the key labels and the model's node kinds."""
    return frozenset(KEY_LABELS) | frozenset(model().node_kinds)


def check_label(label: object) -> str:
    """`label` if it is one of edflows' node labels, else a BadIdentifier."""
    if not isinstance(label, str) or label not in node_labels():
        raise BadIdentifier(
            f"{label!r} is not a node label of edflows (one of {', '.join(sorted(node_labels()))})"
        )
    return label


def check_labels(labels: Iterable[object]) -> list[str]:
    return [check_label(label) for label in labels]


def check_rel_type(rel_type: object, allowed: Iterable[str] = RELATIONSHIP_TYPES) -> str:
    """`rel_type` if it is in `allowed` (default: every relationship type of edflows)."""
    allowed = frozenset(allowed)
    if not isinstance(rel_type, str) or rel_type not in allowed:
        names = ", ".join(sorted(allowed))
        raise BadIdentifier(f"{rel_type!r} is not an allowed relationship type (one of {names})")
    return rel_type
