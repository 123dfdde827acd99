"""The data-item catalogue in memory, and what it means for a flow to carry an item.

A flow that lists item X carries X. It also carries every item below X in the hierarchy
(`pupil.contact` carries `pupil.contact.postcode`) and everything X contains (an address
contains its postcode). With `include_derived`, items derived from the item count too
(area codes and deprivation scores derived from a postcode). An NPD tier T covers an item whose
own tier (or its most sensitive part's) is T or higher: a tier 1 extract can hold tier 2 items.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from graph.db import Database


@dataclass(frozen=True)
class Item:
    id: str
    name: str
    parent: str | None
    gdpr: str | None
    npd_tier: int | None
    description: str | None = None
    contains: tuple[str, ...] = ()
    derived_from: tuple[str, ...] = ()


@dataclass
class ItemIndex:
    """The catalogue with its hierarchy, containment and derivation links."""

    items: dict[str, Item]
    children: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    contained_by: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    derivations: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def build(cls, items: list[Item]) -> ItemIndex:
        index = cls({i.id: i for i in items})
        for item in items:
            if item.parent:
                index.children[item.parent].append(item.id)
            for inner in item.contains:
                index.contained_by[inner].append(item.id)
            for origin in item.derived_from:
                index.derivations[origin].append(item.id)
        return index

    def ancestors(self, item_id: str) -> list[str]:
        out = []
        parent = self.items[item_id].parent if item_id in self.items else None
        while parent and parent in self.items and parent not in out:
            out.append(parent)
            parent = self.items[parent].parent
        return out

    def descendants(self, item_id: str) -> set[str]:
        out: set[str] = set()
        stack = [item_id]
        while stack:
            for child in self.children.get(stack.pop(), []):
                if child not in out:
                    out.add(child)
                    stack.append(child)
        return out

    def containers(self, item_id: str) -> set[str]:
        """Items that contain this one (transitively), or contain one of its ancestors' parts."""
        out: set[str] = set()
        stack = [item_id]
        while stack:
            for outer in self.contained_by.get(stack.pop(), []):
                if outer not in out:
                    out.add(outer)
                    stack.append(outer)
        return out

    def derived(self, item_id: str) -> set[str]:
        """Items derived from this one or from any of its parts, transitively."""
        out: set[str] = set()
        stack = [item_id, *self.descendants(item_id)]
        while stack:
            for made in self.derivations.get(stack.pop(), []):
                if made not in out:
                    out.add(made)
                    stack.append(made)
                    stack.extend(self.descendants(made))
        return out

    def targets(self, item_id: str, include_derived: bool) -> set[str]:
        """The items whose presence on a flow means the data asked about moves."""
        base = {item_id, *self.containers(item_id)}
        if include_derived:
            for made in self.derived(item_id):
                base |= {made, *self.containers(made)}
        return base

    def covering(self, item_id: str, include_derived: bool = False) -> set[str]:
        """Every item id that, listed on a flow, means the flow carries the item."""
        out: set[str] = set()
        for target in self.targets(item_id, include_derived):
            out.add(target)
            out.update(self.ancestors(target))
            out.update(self.descendants(target))
        return out

    def tier(self, item_id: str) -> int | None:
        """The item's NPD tier: its own, else the most sensitive (lowest) of its parts."""
        own = self.items[item_id].npd_tier if item_id in self.items else None
        if own is not None:
            return own
        tiers = [self.items[d].npd_tier for d in self.descendants(item_id)]
        known = [t for t in tiers if t is not None]
        return min(known) if known else None


def read_item_index(db: Database) -> ItemIndex:
    """The catalogue as the graph holds it now (graph/cache.py keeps it per generation)."""
    return ItemIndex.build(
        [
            Item(
                id=r["id"],
                name=r["name"],
                parent=r["parent"],
                gdpr=r["gdpr"],
                npd_tier=r["npd_tier"],
                description=r["description"],
                contains=tuple(r["contains"]),
                derived_from=tuple(r["derived_from"]),
            )
            for r in db.read("item_index")
        ]
    )
