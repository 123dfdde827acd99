"""One journey question, as the routers, the pages, the command line and the services share it.

A journey asks where an item can go from an organisation (or, for `sources_of`, where the item
reaching it comes from): the start, the item, whether data derived from the item counts, the
day the flows must be in force on, the longest path followed and a school's layer to follow
too. Reach, paths, sources-of and
the cut each take a `JourneyQuery` plus their own extra (a target, a type, a limit).
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

MAX_HOPS_CAP = 12
DEFAULT_HOPS = 10


class JourneyQuery(BaseModel):
    """A journey's question. `max_hops` is checked by the services (1..MAX_HOPS_CAP) so that a
    bad value is the same clear error from every interface."""

    model_config = ConfigDict(frozen=True)

    origin: str = Field(
        description="where the search starts: an organisation id or a school's URN (for "
        "sources-of, the organisation the item reaches)"
    )
    item: str = Field(description="a catalogue item id")
    include_derived: bool = Field(default=False, description="follow data derived from the item")
    as_of: date | None = Field(default=None, description="only flows in force on this day")
    max_hops: int = Field(default=DEFAULT_HOPS, description="the longest path followed")
    layer: str | None = Field(
        default=None,
        description="a school's own layer to follow too (school:<urn>); national answers "
        "follow only the national layer and the catalogue (see graph.journeys.layers_for)",
    )
