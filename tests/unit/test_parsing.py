"""Reading input without Neo4j: loose dates, CSV tables (lines, bad bytes, extra cells, pupil
data refused), school-map rows, and the YAML reader's line numbers and duplicate keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.guard import PupilDataRefused
from graph.loadplan import LoadError
from loaders.common import Row, loose_date, read_table, require_columns
from loaders.school_map import csv_row_data, parse_row
from loaders.yamlfile import line_of, read_yaml


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2018-12-18", "2018-12-18"),
        ("2018-04 (from URL path)", "2018-04"),
        ("2018", "2018"),
        ("12th June 2020", "2020-06-12"),
        ("March 22, 2023", "2023-03-22"),
        ("18-Feb-2021", "2021-02-18"),
        ("September 2016", "2016-09"),
        ("20/6/16", "2016-06-20"),  # day first, as UK pages write it
        ("1/12/2019", "2019-12-01"),
        ("2024/2025", None),  # a range
        ("Oct 18", None),  # a two-digit year without a day
        ("soon", None),
        ("31/13/2019", None),  # no thirteenth month
    ],
)
def test_loose_dates(text: str, expected: str | None) -> None:
    assert loose_date(text) == expected


def write(tmp_path: Path, text: str | bytes, name: str = "t.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_a_table_keeps_each_rows_line_and_skips_blank_rows(tmp_path: Path) -> None:
    path = write(tmp_path, '\ufeffname, kind\nA,"x, y"\n,\nB,z\n')
    header, rows = read_table(path)
    assert header == ["name", "kind"]  # BOM and spaces gone
    assert [(r.line, r.get("name"), r.get("kind")) for r in rows] == [
        (2, "A", "x, y"),
        (4, "B", "z"),
    ]


def test_a_bad_table_names_its_line(tmp_path: Path) -> None:
    with pytest.raises(LoadError) as extra:
        read_table(write(tmp_path, "a,b\n1,2\n1,2,3\n"))
    assert extra.value.line == 3 and "unquoted comma" in extra.value.message
    with pytest.raises(LoadError) as undecodable:
        read_table(write(tmp_path, b"a,b\n1,2\n\xff,3\n"))
    assert "line 3" in undecodable.value.message and "UTF-8" in undecodable.value.message
    with pytest.raises(LoadError, match="empty"):
        read_table(write(tmp_path, ""))
    assert read_table(write(tmp_path, b"a,b\n\xe9,1\n"), ("utf-8", "cp1252"))[1][0].get("a") == (
        "é"
    )


def test_pupil_level_tables_are_refused_whole(tmp_path: Path) -> None:
    with pytest.raises(PupilDataRefused):
        read_table(write(tmp_path, "school,UPN\nA,x\n"))
    with pytest.raises(PupilDataRefused):
        read_table(write(tmp_path, "school,note\nA,A12345678901B\n"))  # shaped like a UPN


def test_a_missing_column_is_named_with_its_near_miss(tmp_path: Path) -> None:
    with pytest.raises(LoadError) as caught:
        require_columns(tmp_path / "t.csv", ["sytem", "product"], ["system", "product"])
    assert "'system' (found 'sytem': rename it?)" in caught.value.message
    assert caught.value.line == 1


def test_a_school_map_row_from_csv_cells() -> None:
    cells = {
        "system": " Canteen tills ",
        "product": " product:example ",
        "category": "school_estate_technology",
        "items": "pupil.identity.name; pupil.biometric.fingerprint_template ;",
        "subjects": "",
        "lawful_basis": "6(1)(e) public task",
        "evidence": "privacy notice, 2024",
    }
    data = csv_row_data(Row(7, cells))
    assert data["items"] == ["pupil.identity.name", "pupil.biometric.fingerprint_template"]
    assert data["subjects"] == [] and "purpose" not in data
    row = parse_row(Path("map.csv"), 7, data)
    assert row.product == "product:example"
    assert row.subjects == []


def test_a_bad_school_map_row_names_its_line_and_column() -> None:
    data = {"system": "X", "product": "product:x", "category": "not-a-category", "items": ["a"]}
    data |= {"lawful_basis": "6(1)(e)", "evidence": "notice"}
    with pytest.raises(LoadError) as caught:
        parse_row(Path("map.csv"), 12, data)
    assert caught.value.line == 12 and caught.value.column == "category"


def test_yaml_keeps_lines_and_refuses_a_key_given_twice() -> None:
    data = read_yaml("m.yaml", "rows:\n  - system: A\n    items: [x]\n  - system: B\n")
    assert [line_of(r) for r in data["rows"]] == [2, 4]
    with pytest.raises(LoadError) as caught:
        read_yaml("m.yaml", "rows:\n  - system: A\n    items: [x]\n    system: B\n")
    assert caught.value.line == 4
    assert "'system' appears twice in one mapping, at line 2 and at line 4" in (
        caught.value.message
    )
    with pytest.raises(LoadError) as syntax:
        read_yaml("m.yaml", "a: [1, 2\n")
    assert "YAML syntax error" in syntax.value.message
