"""Whether a flow is in force on a day: the one rule the documents share with reach_step.cypher.

A flow is in force on `day` when its first day (`valid_from_day`) is not after it and its last
day (`valid_to_day`) is not before it; an open end does not limit it. The record of processing
and the notices use this to leave out (or list as history) the flows not in force on their date.
"""

from __future__ import annotations

from datetime import date
from typing import Any


def in_force(valid_from_day: date | None, valid_to_day: date | None, day: date) -> bool:
    """True when a flow with these first and last days is in force on `day`."""
    if valid_from_day is not None and valid_from_day > day:
        return False
    return valid_to_day is None or valid_to_day >= day


def to_day(value: Any) -> date | None:
    """A Neo4j or Python date (or None) as a Python date."""
    if value is None:
        return None
    if isinstance(value, date):
        return value
    to_native = getattr(value, "to_native", None)
    if callable(to_native):
        native = to_native()
        assert isinstance(native, date)
        return native
    raise TypeError(f"not a date: {value!r}")
