"""The data-item catalogue: the curated items (`graph/model/items.yaml`), their aliases, and
the mapping of free text ("FSM indicator") and NPD concepts onto catalogue ids.

`edflows load npd-catalogue PATH` loads the curated items plus one item per concept of the NPD
concept taxonomy, with tiers, identifiability and sensitivity from the NPD data tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from graph.loadplan import LoadError, LoadPlan
from graph.model import ItemRecord, SourceRecord
from loaders.common import suggest
from loaders.curated_files import shared_sources
from loaders.yamlfile import build, read_yaml


@dataclass
class Catalogue:
    """The curated items with an alias index."""

    items: dict[str, ItemRecord]
    sources: list[SourceRecord] = field(default_factory=list)
    aliases: dict[str, str] = field(default_factory=dict)

    def resolve_text(self, text: str) -> str | None:
        """The catalogue id a source's phrase names, or None ("FSM indicator" -> ...fsm...)."""
        phrase = normalise_phrase(text)
        if phrase in self.aliases:
            return self.aliases[phrase]
        singular = phrase[:-1] if phrase.endswith("s") else phrase + "s"
        return self.aliases.get(singular)

    def check_ids(self, path: Path | str, ids: list[str], line: int | None, column: str) -> None:
        """Refuse ids that are not in the catalogue, with near-miss suggestions."""
        for item_id in ids:
            if item_id not in self.items:
                near = suggest(item_id, self.items)
                raise LoadError(
                    path,
                    f"unknown data item {item_id!r}.",
                    line=line,
                    column=column,
                    hint=f"Did you mean {', '.join(near)}?"
                    if near
                    else "See `edflows items` or GET /items for the catalogue.",
                )


def normalise_phrase(text: str) -> str:
    """Lower case, no parenthetical remarks or quotes, single spaces."""
    text = re.sub(r"\([^)]*\)", " ", text.lower())
    text = re.sub("['\"\u2018\u2019\u201c\u201d]", "", text)
    return re.sub(r"\s+", " ", text).strip(" .;,")


@cache
def curated_catalogue() -> Catalogue:
    """The packaged curated items, validated, with their alias index."""
    path = Path(str(resources.files("graph.model").joinpath("items.yaml")))
    raw = read_yaml(path) or {}
    sources = [build(path, SourceRecord, s, "source") for s in raw.get("sources") or []]
    items = [build(path, ItemRecord, i, "item") for i in raw.get("items") or []]
    catalogue = Catalogue({i.id: i for i in items}, sources)
    for item in items:
        for alias in [item.name, *item.aliases]:
            catalogue.aliases.setdefault(normalise_phrase(alias), item.id)
    for item in items:
        if item.parent and item.parent not in catalogue.items:
            raise LoadError(path, f"item {item.id}: its parent {item.parent} is not in the file.")
        for other in [*item.contains, *item.derived_from]:
            if other not in catalogue.items:
                raise LoadError(path, f"item {item.id}: refers to unknown item {other}.")
    return catalogue


def catalogue_plan(origin: str) -> LoadPlan:
    """The curated catalogue as a load plan: items, their links and their sources.

    Every loader whose records name items includes it, so each loads on its own.
    """
    catalogue = curated_catalogue()
    plan = LoadPlan(origin=origin)
    plan.sources = shared_sources() + catalogue.sources
    plan.items = list(catalogue.items.values())
    for item in plan.items:
        if item.parent:
            plan.links.append(("PART_OF", item.id, item.parent))
        plan.links += [("CONTAINS", item.id, other) for other in item.contains]
        plan.links += [("DERIVED_FROM", item.id, other) for other in item.derived_from]
    return plan
