"""A school's record of processing activities (UK GDPR Article 30) as CSV or XLSX.

The columns follow the ICO's record of processing template for controllers; the rows come
from `TransparencyService.ropa` (one per system of the school's map, then the national flows
that start at the school). CSV and XLSX hold the same header and cells.
"""

from __future__ import annotations

import csv
import io

from graph.transparency import RopaRow

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


def ropa_table(rows: list[RopaRow]) -> list[list[str]]:
    """The header, then one list of cells per row."""
    table = [[title for _, title in COLUMNS]]
    table += [[str(getattr(row, key)) for key, _ in COLUMNS] for row in rows]
    return table


def to_csv(rows: list[RopaRow]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(ropa_table(rows))
    return out.getvalue()


def to_xlsx(rows: list[RopaRow], title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Record of processing"
    for row in ropa_table(rows):
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = 32
        for cell in column:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    book.properties.title = title
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
