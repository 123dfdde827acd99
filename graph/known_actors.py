"""Which organisations the graph holds, asked by id: loaders check the ids an input names.

Validating one school's map names a few dozen products and organisations; asking for those
ids (one query) replaces fetching every actor id in the graph (tens of thousands). Near misses
for an unknown id are looked for only when one is unknown, among ids of the same kind.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Protocol

from graph.db import Database


class KnownActors(Protocol):
    def among(self, ids: Iterable[str]) -> set[str]:
        """Those of `ids` that are actors in the graph."""
        ...

    def near(self, actor_id: str, n: int = 3) -> list[str]:
        """Known ids close to an unknown one (for 'did you mean' hints)."""
        ...


class GraphActors:
    """KnownActors of a database: one query per question."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def among(self, ids: Iterable[str]) -> set[str]:
        wanted = sorted(set(ids))
        if not wanted:
            return set()
        return set(self.db.read("existing_actor_ids", ids=wanted)[0]["ids"])

    def near(self, actor_id: str, n: int = 3) -> list[str]:
        kind = actor_id.split(":", 1)[0] + ":" if ":" in actor_id else ""
        same_kind = self.db.read("actor_ids_starting", prefix=kind)[0]["ids"]
        return difflib.get_close_matches(actor_id, same_kind, n=n, cutoff=0.6)


class ActorSet:
    """KnownActors from a set of ids already at hand (tests, the benchmark's generator)."""

    def __init__(self, ids: Iterable[str]) -> None:
        self.ids = set(ids)

    def among(self, ids: Iterable[str]) -> set[str]:
        return self.ids.intersection(ids)

    def near(self, actor_id: str, n: int = 3) -> list[str]:
        return difflib.get_close_matches(actor_id, list(self.ids), n=n, cutoff=0.6)


class Remembering:
    """KnownActors that remember every answer: a file of many schools' maps asks about the
    same products again and again (first ask about them all at once with `among`)."""

    def __init__(self, actors: KnownActors) -> None:
        self.actors = actors
        self.known: set[str] = set()
        self.unknown: set[str] = set()

    def among(self, ids: Iterable[str]) -> set[str]:
        wanted = set(ids)
        new = wanted - self.known - self.unknown
        if new:
            found = self.actors.among(new)
            self.known |= found
            self.unknown |= new - found
        return wanted & self.known

    def near(self, actor_id: str, n: int = 3) -> list[str]:
        return self.actors.near(actor_id, n)
