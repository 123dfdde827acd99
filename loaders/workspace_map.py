"""The school workspace's files: its draft map as the loader's own YAML, an uploaded CSV or
XLSX map read by the loader's own CSV path, and the blank map as an .xlsx with drop-down lists.

Nothing here validates on its own: every check is `loaders.school_map.plan_school_map`, so a
map saved in the browser passes exactly the rules of `edflows load school-map`. An uploaded
XLSX is turned into the same CSV first (sheet row N is CSV line N), so the loader's errors name
the spreadsheet's own row and column, and its pupil-level guard refuses the file whole.
"""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path
from typing import Any

import yaml

from graph.errors import EdflowsError
from loaders.common import LoadError, LoadPlan, LoadReport
from loaders.school_map import COLUMNS, LIST_COLUMNS, SchoolMap, plan_school_map

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEMPLATE_ROWS = 200  # rows of the .xlsx template that carry the drop-down lists


def draft_document(urn: str, rows: list[dict[str, Any]]) -> tuple[bytes, list[int]]:
    """The draft as the YAML map the loader reads, and the line each row starts on (1-based),
    so an error's line names its row."""
    lines = [f"urn: {yaml.safe_dump(urn).splitlines()[0]}", "rows:"]
    starts: list[int] = []
    for row in rows:
        starts.append(len(lines) + 1)
        dumped = yaml.safe_dump([row], sort_keys=False, allow_unicode=True).splitlines()
        lines += dumped
    return ("\n".join(lines) + "\n").encode("utf-8"), starts


def row_of_line(starts: list[int], line: int | None) -> int | None:
    """The index of the draft row that holds `line`, or None."""
    if line is None:
        return None
    found = None
    for index, start in enumerate(starts):
        if start <= line:
            found = index
    return found


def plan_draft(
    urn: str, rows: list[dict[str, Any]], known: set[str]
) -> tuple[LoadPlan, LoadReport, SchoolMap, list[int]]:
    """The loader's plan for the draft (raises the loader's LoadError), and the row starts."""
    content, starts = draft_document(urn, rows)
    try:
        plan, report, school_map = plan_school_map(Path(f"upload-{urn}.yaml"), urn, known, content)
    except LoadError as exc:
        exc.row_index = row_of_line(starts, exc.line)  # type: ignore[attr-defined]
        raise
    return plan, report, school_map, starts


def read_upload(urn: str, filename: str, content: bytes, known: set[str]) -> list[dict[str, Any]]:
    """An uploaded CSV or XLSX map, validated whole by the loader; its rows for the draft.

    Errors (LoadError, or the guard's refusal) name the file as uploaded, its row and column."""
    name = Path(filename or "map.csv").name or "map.csv"
    suffix = Path(name).suffix.lower()
    if suffix not in {".csv", ".xlsx"}:
        raise LoadError(name, "upload a .csv or .xlsx map (the template is an .xlsx).")
    text = _xlsx_to_csv(name, content) if suffix == ".xlsx" else _decode(name, content)
    with tempfile.TemporaryDirectory(prefix="edflows-upload-") as folder:
        path = Path(folder) / (Path(name).stem + ".csv")
        path.write_text(text, encoding="utf-8")
        try:
            _, _, school_map = plan_school_map(path, urn, known)
        except EdflowsError as exc:  # its message names the temporary copy: name the upload
            exc.message = exc.message.replace(str(path), name)
            exc.args = (exc.message,)
            raise
    return [row.model_dump(exclude_none=True) for _, row in school_map.rows]


def xlsx_template(categories: list[str], bases: list[str], items: list[str]) -> bytes:
    """The blank map as a spreadsheet: the loader's columns, a worked example row, drop-down
    lists for category, lawful basis and items (items accept several ids separated by `;`, so
    their list suggests rather than refuses)."""
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation

    from loaders.school_map import blank_template

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "map"
    example = next(csv.reader(io.StringIO(blank_template("csv").splitlines()[1])))
    sheet.append(COLUMNS)
    sheet.append(example + [""] * (len(COLUMNS) - len(example)))
    lists = book.create_sheet("lists")
    for column, values in enumerate((categories, bases, items), start=1):
        for row, value in enumerate(values, start=1):
            lists.cell(row=row, column=column, value=value)
    lists.sheet_state = "hidden"
    for name, letter, values in (
        ("category", "A", categories),
        ("lawful_basis", "B", bases),
        ("items", "C", items),
    ):
        target = _letter(COLUMNS.index(name) + 1)
        rule = DataValidation(
            type="list",
            formula1=f"=lists!${letter}$1:${letter}${len(values)}",
            allow_blank=True,
            showErrorMessage=name != "items",
            errorTitle=f"Not a {name.replace('_', ' ')}",
            error="Pick one from the list.",
        )
        sheet.add_data_validation(rule)
        rule.add(f"{target}2:{target}{TEMPLATE_ROWS}")
    for position, heading in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[_letter(position)].width = 28 if heading in LIST_COLUMNS else 22
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_to_csv(name: str, content: bytes) -> str:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several kinds for a file that is not a workbook
        raise LoadError(name, f"not a readable .xlsx workbook ({type(exc).__name__}).") from None
    sheet = book.worksheets[0]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for values in sheet.iter_rows(values_only=True):
        writer.writerow(["" if v is None else str(v).replace("\n", " ") for v in values])
    book.close()
    return out.getvalue()


def _decode(name: str, content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise LoadError(name, f"not valid UTF-8 (byte {exc.start}).", line=line) from None


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index))
