"""The record of processing's files are safe to open (no Neo4j): no formula in any cell of
either file, a BOM on the CSV, and an XLSX a DPO can file (frozen header, Sources links)."""

from __future__ import annotations

import csv
import io
from datetime import date

from openpyxl import load_workbook

from graph.transparency import RopaController, RopaHistoryRow, RopaRecord, RopaRow
from web.documents.ropa import BOM, COLUMNS, neutralise, to_csv, to_xlsx, web_url

EVIL = '=HYPERLINK("http://evil.example/","click")'


def _row(system: str, **overrides: str) -> RopaRow:
    cells = {key: f"{title} of {system}" for key, title in COLUMNS}
    cells["system_or_flow"] = system
    cells.update(overrides)
    return RopaRow(**cells)


def _record() -> RopaRecord:
    return RopaRecord(
        as_of=date(2026, 12, 2),
        controller=RopaController(
            name="Example School", urn="example", address=[("Town", "Exampleton")]
        ),
        rows=[
            _row(EVIL),
            _row("Tills", purpose="+1 cmd", retention="-2", recipients="@SUM(A1)"),
            _row("Tabs", destruction="\tx", lawful_basis="\rdde", sources="plain"),
        ],
        history=[
            RopaHistoryRow(
                valid_from=date(2016, 9, 1),
                valid_to=date(2018, 6, 30),
                row=_row("census return to la:201", categories_of_data="Nationality"),
            )
        ],
        sources=[
            {"id": "s1", "title": "A page", "url": "https://www.gov.uk/a"},
            {"id": "s2", "title": "A map value", "url": "javascript:alert(1)"},
            {"id": "s3", "title": "No url"},
        ],
    )


def test_neutralise_follows_owasp() -> None:
    for start in ["=", "+", "-", "@", "\t", "\r"]:
        assert neutralise(start + "x") == "'" + start + "x"
    assert neutralise("Our MIS") == "Our MIS"
    assert neutralise(None) == ""
    assert neutralise(EVIL) == "'" + EVIL
    assert web_url("https://www.gov.uk/a") == "https://www.gov.uk/a"
    for bad in ["javascript:alert(1)", EVIL, "www.gov.uk", "", None, "file:///etc/passwd"]:
        assert web_url(bad) is None


def test_csv_starts_with_a_bom_and_has_no_formula() -> None:
    text = to_csv(_record())
    assert text.startswith(BOM)
    lines = list(csv.reader(io.StringIO(text[len(BOM) :])))
    cells = [cell for line in lines for cell in line]
    assert "'" + EVIL in cells and EVIL not in cells
    for cell in cells:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    assert ["Controller", "Example School"] in lines
    assert ["Date of the record", "2026-12-02"] in lines
    assert ["ICO registration number", "not stated"] in lines
    header = [title for _, title in COLUMNS]
    start = lines.index(header)
    assert [r[1] for r in lines[start + 1 : start + 4]] == ["'" + EVIL, "Tills", "Tabs"]
    history = next(n for n, line in enumerate(lines) if line and line[0].startswith("History"))
    assert lines[history + 1] == ["In force from", "In force to", *header]
    assert lines[history + 2][:2] == ["2016-09-01", "2018-06-30"]
    assert lines[history + 2][3] == "census return to la:201"


def test_xlsx_has_no_formula_a_frozen_header_and_source_links() -> None:
    book = load_workbook(io.BytesIO(to_xlsx(_record(), "Record of processing, URN example")))
    assert book.sheetnames == ["Record of processing", "Controller", "History", "Sources"]
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    record = book["Record of processing"]
    assert record.freeze_panes == "A2"
    assert record["B2"].value == "'" + EVIL and record["B2"].data_type == "s"
    assert record["E3"].value == "'+1 cmd" and record["L3"].value == "'-2"
    assert record["I3"].value == "'@SUM(A1)" and record["M4"].value == "'\tx"
    assert record["A2"].alignment.wrap_text
    assert all(12 <= record.column_dimensions[c].width <= 60 for c in "ABCDEFGHIJKLMNOPQ")
    assert (
        book["History"]["A2"].value == "2016-09-01" and book["History"]["B2"].value == "2018-06-30"
    )
    assert book["History"].freeze_panes == "A2"
    controller = {r[0]: r[1] for r in book["Controller"].iter_rows(values_only=True)}
    assert controller["Controller"] == "Example School" and controller["Town"] == "Exampleton"
    assert controller["Data protection officer"] == "not stated"
    sources = book["Sources"]
    assert sources.freeze_panes == "A2"
    assert sources["E2"].hyperlink is not None and sources["E2"].hyperlink.target == (
        "https://www.gov.uk/a"
    )
    assert sources["E3"].hyperlink is None and sources["E4"].hyperlink is None
    links = [c.hyperlink for s in book.worksheets for r in s.iter_rows() for c in r if c.hyperlink]
    assert len(links) == 1
