"""Values every record uses: partial dates (YYYY, YYYY-MM or YYYY-MM-DD) and the base record.

Kept apart from the records themselves so that `graph.model.claims` can use them too."""

from __future__ import annotations

import calendar
import re
from datetime import date
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict

PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def check_partial_date(value: str) -> str:
    """YYYY, YYYY-MM or YYYY-MM-DD, and a real calendar date."""
    if not PARTIAL_DATE.match(value):
        raise ValueError(f"{value!r} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)")
    first_day(value)
    return value


def first_day(value: str) -> date:
    """The first day a partial date can mean ("2013-02" -> 2013-02-01)."""
    parts = [int(p) for p in value.split("-")]
    year, month, day = (
        parts[0],
        parts[1] if len(parts) > 1 else 1,
        parts[2] if len(parts) > 2 else 1,
    )
    return date(year, month, day)


def last_day(value: str) -> date:
    """The last day a partial date can mean ("2013-02" -> 2013-02-28)."""
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 3:
        return date(parts[0], parts[1], parts[2])
    if len(parts) == 2:
        return date(parts[0], parts[1], calendar.monthrange(parts[0], parts[1])[1])
    return date(parts[0], 12, 31)


PartialDate = Annotated[str, AfterValidator(check_partial_date)]


class Record(BaseModel):
    """Base of every record: unknown fields are errors, strings are stripped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
