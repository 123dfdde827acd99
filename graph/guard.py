"""The guard that keeps children's data out: input with pupil-level records is refused whole.

edflows holds KINDS of data ("a pupil's postcode") and organisations, never a child's data.
A table is refused when a column is named like a pupil-level identifier (UPN, ULN, forename,
date of birth, home address, ...) or when any cell holds a value shaped like a UPN. The
check runs before anything is parsed into records, so nothing of such a file is stored.
The API's write endpoints run the same guard over every request body (`check_structure`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from graph.errors import EdflowsError

# Column names (normalised: lower case, letters and digits only) that only pupil-level
# records carry. School-level files have a school's postcode or street, which are allowed.
PUPIL_COLUMNS = {
    "upn": "a unique pupil number",
    "uniquepupilnumber": "a unique pupil number",
    "formerupn": "a unique pupil number",
    "uln": "a unique learner number",
    "uniquelearnernumber": "a unique learner number",
    "forename": "a pupil's name",
    "forenames": "a pupil's name",
    "firstname": "a pupil's name",
    "surname": "a pupil's name",
    "legalsurname": "a pupil's name",
    "lastname": "a pupil's name",
    "middlenames": "a pupil's name",
    "preferredsurname": "a pupil's name",
    "pupilname": "a pupil's name",
    "studentname": "a pupil's name",
    "childname": "a child's name",
    "learnername": "a learner's name",
    "dob": "a date of birth",
    "dateofbirth": "a date of birth",
    "birthdate": "a date of birth",
    "pupildob": "a date of birth",
    "homeaddress": "a home address",
    "homepostcode": "a home postcode",
    "pupilpostcode": "a pupil's postcode",
    "candidatenumber": "an exam candidate number",
    "pupilmatchingreference": "a pupil matching reference",
    "pmr": "a pupil matching reference",
    "ninumber": "a national insurance number",
    "nationalinsurancenumber": "a national insurance number",
}

# A UPN is 13 characters: a check letter and 12 digits (a temporary UPN ends in a letter).
UPN_VALUE = re.compile(r"^[A-HJ-NP-RT-Z][0-9]{11}[0-9A-HJ-NP-RT-Z]$")
# The same shape as a word inside free text (structured documents: a note, a purpose, a label).
UPN_IN_TEXT = re.compile(r"\b[A-HJ-NP-RT-Z][0-9]{11}[0-9A-HJ-NP-RT-Z]\b", re.IGNORECASE)


class PupilDataRefused(EdflowsError):
    """The input carries pupil-level personal data; nothing of it was stored."""


def check_no_pupil_data(
    path: Path | str, header: Iterable[str], rows: Iterable[tuple[int, Mapping[str, str]]]
) -> None:
    """Raise PupilDataRefused when the table looks like pupil-level records."""
    for index, column in enumerate(header, start=1):
        what = PUPIL_COLUMNS.get(_normalise(column))
        if what:
            _refuse(path, 1, column, f"its header names {what} (column {index})")
    for line, values in rows:
        for column, value in values.items():
            if value and UPN_VALUE.match(value.strip().upper()) and value.strip()[0].isalpha():
                _refuse(path, line, column, "a value there has the shape of a unique pupil number")


def check_text_fields(path: Path | str, fields: Iterable[tuple[int | None, str, str]]) -> None:
    """The same guard for structured input (YAML): (line, field name, value) triples."""
    for line, name, value in fields:
        what = PUPIL_COLUMNS.get(_normalise(name))
        if what and value:
            _refuse(path, line or 0, name, f"the field names {what}")
        if value and UPN_VALUE.match(value.strip().upper()) and value.strip()[0].isalpha():
            _refuse(path, line or 0, name, "a value has the shape of a unique pupil number")


def check_structure(path: Path | str, data: Any, line: int | None = None) -> None:
    """The same guard over a whole nested document (a YAML or JSON upload, an API body): every
    key at any depth is checked as a field name, every string for a UPN-shaped word (alone or
    inside free text). Mappings read by
    `loaders.yamlfile` carry their line under `__line__`, which the refusal names."""
    if isinstance(data, Mapping):
        here = data.get("__line__", line)
        for key, value in data.items():
            if key == "__line__":
                continue
            name = str(key)
            what = PUPIL_COLUMNS.get(_normalise(name))
            if what and value not in (None, "", [], {}):
                _refuse(path, here or 0, name, f"the field names {what}")
            _check_value(path, here, name, value)
    elif isinstance(data, list):
        for value in data:
            check_structure(path, value, line)


def _check_value(path: Path | str, line: int | None, name: str, value: Any) -> None:
    if isinstance(value, str):
        if UPN_IN_TEXT.search(value):
            _refuse(path, line or 0, name, "a value has the shape of a unique pupil number")
    elif isinstance(value, Mapping | list):
        if isinstance(value, list):
            for item in value:
                _check_value(path, line, name, item)
        else:
            check_structure(path, value, line)


def _refuse(path: Path | str, line: int, column: str, why: str) -> None:
    raise PupilDataRefused(
        f"{path}, line {line}, column {column!r}: refused: this looks like pupil-level personal "
        f"data ({why}). edflows holds kinds of data and organisations, never a child's data. "
        "Nothing was loaded.",
        "Describe what a system holds with catalogue ids such as pupil.identity.name, "
        "not with values.",
    )


def _normalise(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())
