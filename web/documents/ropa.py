"""A school's record of processing activities (UK GDPR Article 30) as CSV or XLSX.

The columns follow the ICO's record of processing template for controllers; the rows come
from `TransparencyService.ropa` (one per system of the school's map, then the national flows
that start at the school), as of a day: flows not in force that day are listed apart, as
history, with their dates. The controller comes first (CSV: header lines; XLSX: a sheet).

Both files are safe to open (OWASP, CSV injection): a cell that starts with `=`, `+`, `-`, `@`,
a tab or a carriage return gets a leading single quote, so no spreadsheet reads it as a
formula; every XLSX cell is a string. The CSV starts with a UTF-8 byte-order mark. The XLSX
has a Sources sheet whose links are the sources' own http(s) URLs, never a map value.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any
from urllib.parse import urlparse

from graph.transparency import RopaHistoryRow, RopaRecord, RopaRow

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# characters XML 1.0 cannot hold (openpyxl refuses them); tab, LF and CR are allowed
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
MIN_WIDTH, MAX_WIDTH = 12, 60

COLUMNS: list[tuple[str, str]] = [
    ("activity", "Processing activity"),
    ("system_or_flow", "System or flow"),
    ("processor_or_recipient", "Processor or recipient"),
    ("business_function", "Business function"),
    ("purpose", "Purpose of processing"),
    ("data_subjects", "Categories of individuals"),
    ("categories_of_data", "Categories of personal data"),
    ("special_category_data", "Special category or criminal offence data"),
    ("recipients", "Categories of recipients"),
    ("transfers_outside_uk", "Transfers outside the UK"),
    ("transfer_safeguards", "Safeguards for transfers"),
    ("retention", "Retention schedule"),
    ("destruction", "Destruction"),
    ("lawful_basis", "Article 6 lawful basis"),
    ("art9_condition", "Article 9 condition"),
    ("security_measures", "Technical and organisational security measures"),
    ("sources", "Sources"),
]
HISTORY_COLUMNS = ["In force from", "In force to"]
SOURCE_COLUMNS = ["Source id", "Title", "Publisher", "Date", "URL"]


def neutralise(value: Any) -> str:
    """A cell's text that no spreadsheet takes for a formula (OWASP: prefix a single quote)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def web_url(value: Any) -> str | None:
    """`value` when it is an absolute http or https URL (a link may be made of it), else None."""
    text = str(value or "").strip()
    parsed = urlparse(text)
    return text if parsed.scheme in {"http", "https"} and parsed.netloc else None


def ropa_table(rows: list[RopaRow]) -> list[list[str]]:
    """The header, then one list of cells per row (not yet neutralised)."""
    table = [[title for _, title in COLUMNS]]
    table += [[str(getattr(row, key)) for key, _ in COLUMNS] for row in rows]
    return table


def history_table(history: list[RopaHistoryRow]) -> list[list[str]]:
    """The flows not in force on the record's day: their first and last days, then the row."""
    table = [HISTORY_COLUMNS + [title for _, title in COLUMNS]]
    for h in history:
        days = [h.valid_from.isoformat() if h.valid_from else "open", _end(h)]
        table.append(days + [str(getattr(h.row, key)) for key, _ in COLUMNS])
    return table


def controller_table(record: RopaRecord) -> list[list[str]]:
    """The controller's facts as (label, value) lines; what no document gives is "not stated"."""
    c = record.controller
    lines = [["Controller", c.name], ["URN", c.urn]]
    lines += [[label, value] for label, value in c.address] or [["Address", "not stated"]]
    lines += [
        ["Date of the record", record.as_of.isoformat()],
        ["Contact", c.contact],
        ["ICO registration number", c.ico_registration],
        ["Data protection officer", c.dpo],
        ["DPO contact", c.dpo_contact],
        ["Source of these four lines", c.profile_source],
    ]
    return lines


def sources_table(record: RopaRecord) -> list[list[str]]:
    table = [SOURCE_COLUMNS]
    for s in record.sources:
        table.append([str(s.get(k) or "") for k in ("id", "title", "publisher", "date", "url")])
    return table


def to_csv(record: RopaRecord) -> str:
    """Controller lines, a blank line, the record; then a blank line and a History block."""
    out = io.StringIO()
    writer = csv.writer(out)

    def write(table: list[list[str]]) -> None:
        writer.writerows([[neutralise(cell) for cell in row] for row in table])

    write([["Record of processing activities (UK GDPR Article 30)"]])
    write(controller_table(record))
    writer.writerow([])
    write(ropa_table(record.rows))
    writer.writerow([])
    write([[f"History: flows not in force on {record.as_of.isoformat()}"]])
    write(history_table(record.history))
    return BOM + out.getvalue()


def to_xlsx(record: RopaRecord, title: str) -> bytes:
    """Sheets: Record of processing, Controller, History, Sources; every cell a string."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Record of processing"
    _fill(sheet, ropa_table(record.rows))
    _fill(book.create_sheet("Controller"), controller_table(record), header=False)
    _fill(book.create_sheet("History"), history_table(record.history))
    sources = book.create_sheet("Sources")
    _fill(sources, sources_table(record))
    for n, s in enumerate(record.sources, start=2):
        url = web_url(s.get("url"))
        if url:
            cell = sources.cell(row=n, column=len(SOURCE_COLUMNS))
            cell.hyperlink = url
            cell.style = "Hyperlink"
    book.properties.title = title
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _fill(sheet: Any, table: list[list[str]], header: bool = True) -> None:
    from openpyxl.styles import Alignment, Font

    widths: dict[int, int] = {}
    for r, row in enumerate(table, start=1):
        for c, value in enumerate(row, start=1):
            text = _ILLEGAL.sub("", neutralise(value))
            cell = sheet.cell(row=r, column=c)
            cell.value = text
            cell.data_type = "s"  # a string, never a formula
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if r == 1 if header else c == 1:
                cell.font = Font(bold=True)
            longest = max((len(line) for line in text.splitlines()), default=0)
            widths[c] = max(widths.get(c, MIN_WIDTH), min(longest + 2, MAX_WIDTH))
    for c, width in widths.items():
        sheet.column_dimensions[sheet.cell(row=1, column=c).column_letter].width = width
    sheet.freeze_panes = "A2" if header else "B1"


def _end(h: RopaHistoryRow) -> str:
    return h.valid_to.isoformat() if h.valid_to else "open"
