"""Names, not ids: what people type (a school's name, "Home Office", "ethnicity") resolved to
the graph's ids, suggestions ranked by relevance while they type, and labels for the ids the
pages and documents show (items, purposes, products, organisations).

`NameService` answers from Neo4j's full-text index and the item catalogue; `Labels` is a
plain lookup the renderers call (`labels.item("pupil.contact.postcode")` -> "Home postcode"),
built once per page from the ids it shows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pydantic import BaseModel, Field

from graph.db import Database
from graph.errors import EdflowsError, NotFoundError
from graph.identifiers import is_urn
from graph.journeys import JourneyService, lucene_escape


class ActorSuggestion(BaseModel):
    """An organisation, school, product or dataset offered while someone types."""

    id: str = Field(examples=["body:home-office"])
    name: str = Field(examples=["Home Office"])
    kind: str = Field(examples=["NationalBody"])
    org_type: str | None = None
    urn: str | None = Field(default=None, description="a school's URN")
    town: str | None = Field(default=None, description="a school's town")


@dataclass
class Labels:
    """Names for ids, for what people read; an unknown id is shown as it is."""

    items: dict[str, str] = field(default_factory=dict)
    actors: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # (kind, org_type)

    def item(self, item_id: str) -> str:
        return self.items.get(item_id, item_id)

    def actor(self, actor_id: str) -> str:
        return self.actors.get(actor_id, actor_id)

    @staticmethod
    def purpose(purpose: str) -> str:
        """`direct_schooling_and_support` -> "direct schooling and support"."""
        return purpose.replace("_", " ")


class NameService:
    """Resolving and suggesting names over one Database."""

    def __init__(self, db: Database, journeys: JourneyService) -> None:
        self.db = db
        self.journeys = journeys

    def suggest_actors(self, text: str, limit: int = 10) -> list[ActorSuggestion]:
        """Actors matching what is typed, best first: a URN or id itself, then names equal to
        the text, then names starting with it, then names holding every word, then near
        misses (the full-text index's fuzzy matches), each group by the index's score."""
        text = text.strip()
        if not text:
            return []
        found: dict[str, tuple[tuple[int, float, int], ActorSuggestion]] = {}
        if is_urn(text) or ":" in text:
            key = f"school:{text}" if is_urn(text) else text
            for row in self.db.read("get_actor_suggestion", id=key):
                hit = _suggestion(row)
                found[hit.id] = ((0, 0.0, 0), hit)
        words = [w for w in re.split(r"[^\w]+", text.lower()) if w][:8]
        if words:
            for row in self.db.read("search_names", query=_query(words), limit=max(50, limit * 5)):
                if "Actor" not in row["labels"] or row["id"] in found:
                    continue
                hit = _suggestion(row)
                found[hit.id] = (
                    (_rank(hit.name, text, words), -float(row["score"]), len(hit.name)),
                    hit,
                )
        ranked = sorted(found.values(), key=lambda pair: pair[0])
        if ranked and ranked[0][0][0] < 4:  # near misses only when nothing matches better
            ranked = [pair for pair in ranked if pair[0][0] < 4]
        return [hit for _, hit in ranked][: limit if ranked[:1] and ranked[0][0][0] < 4 else 5]

    def actor_id(self, text: str) -> str:
        """The id of the actor `text` names: an id, a URN, or a name (letter case aside) that
        only one actor has. Raises NotFoundError with the best suggestions otherwise."""
        text = text.strip()
        if not text:
            raise EdflowsError("name an organisation or a school (its name, URN or id)")
        if is_urn(text) or ":" in text:
            return self.journeys.actor(text).id
        hits = self.suggest_actors(text, 10)
        exact = [h for h in hits if h.name.lower() == text.lower()]
        if len(exact) == 1:
            return exact[0].id
        if not exact and len(hits) == 1 and _rank(hits[0].name, text, _words(text)) < 3:
            return hits[0].id
        choices = [f"{h.name} ({h.id})" for h in (exact or hits)[:5]]
        raise NotFoundError("organisation", text, choices, by="name")

    def item_id(self, text: str) -> str:
        """The id of the data item `text` names: its id, or a name only one item has."""
        text = text.strip()
        index = self.journeys.index()
        if text in index.items:
            return text
        exact = [i.id for i in index.items.values() if i.name.lower() == text.lower()]
        if len(exact) == 1:
            return exact[0]
        return self.journeys.item(text).id  # raises NotFoundError with near misses

    def labels(self, actor_ids: set[str] | None = None) -> Labels:
        """Names of every catalogue item and of the actors among `actor_ids`."""
        index = self.journeys.index()
        labels = Labels(items={i.id: i.name for i in index.items.values()})
        if actor_ids:
            for row in self.db.read("list_actor_names", ids=sorted(actor_ids)):
                labels.actors[row["id"]] = row["name"] or row["id"]
                labels.kinds[row["id"]] = (row["kind"] or "Actor", row["org_type"])
        return labels


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[^\w]+", text.lower()) if w][:8]


def _query(words: list[str]) -> str:
    """Every word as typed (boosted), or each as a prefix (short words) or fuzzily."""
    exact = " AND ".join(lucene_escape(w) for w in words)
    loose = " AND ".join(
        f"({lucene_escape(w)}* OR {lucene_escape(w)}~)" if len(w) > 3 else lucene_escape(w) + "*"
        for w in words
    )
    return f"({exact})^4 OR ({loose})"


def _rank(name: str, text: str, words: list[str]) -> int:
    """1: the name is the text; 2: it starts with it; 3: it holds every word; 4: near miss."""
    lowered = name.lower()
    if lowered == text.lower():
        return 1
    if lowered.startswith(text.lower()):
        return 2
    name_words = re.split(r"[^\w]+", lowered)
    if all(any(n.startswith(w) for n in name_words) for w in words):
        return 3
    return 4


def _suggestion(node: dict[str, object]) -> ActorSuggestion:
    def text(key: str) -> str | None:
        value = node.get(key)
        return str(value) if value not in (None, "") else None

    actor_id = str(node["id"])
    urn = text("urn") or (actor_id.split(":", 1)[1] if actor_id.startswith("school:") else None)
    return ActorSuggestion(
        id=actor_id,
        name=text("name") or actor_id,
        kind=text("kind") or "Actor",
        org_type=text("org_type"),
        urn=urn if actor_id.startswith("school:") else None,
        town=text("town"),
    )
