"""Bad input: a clear error naming file, line and column, and the graph exactly as it was.

Each test loads something real first, then a broken file, and checks the graph is unchanged.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from graph.db import Database
from graph.errors import EdflowsError
from graph.guard import PupilDataRefused
from graph.loadplan import LoadError
from loaders.registry import run_load

pytestmark = pytest.mark.integration

SPINE_HEADER = "URN,LA,ESTAB,LAESTAB,SCHNAME,POSTCODE,MINORGROUP,NFTYPE,ICLOSE,OPENDATE,CLOSEDATE"
GOOD_ROW = (
    "100000,201,3614,2013614,Sir John Cass's Foundation Primary School,EC3A 5DE,"
    "Maintained School,Voluntary aided school,1,,"
)
REGISTER_HEADER = (
    "release_id,date,date_precision,recipient,recipient_type,tier,datasets,data_items,items,"
    "purpose,outcome,access,duration,legal_gateway,source_url,source_title,source_date,quote"
)


def snapshot(db: Database) -> list[dict[str, object]]:
    return db.read("count_graph")


@pytest.fixture()
def loaded(db: Database, shared_data: Path) -> Database:
    """A graph with the real release register in it, to prove failures leave it alone."""
    run_load(db, "releases", str(shared_data / "npd-releases" / "releases.csv"))
    return db


def fails(db: Database, loader: str, path: Path, match: str) -> LoadError | EdflowsError:
    before = snapshot(db)
    with pytest.raises(EdflowsError, match=match) as caught:
        run_load(db, loader, str(path))
    assert snapshot(db) == before, "a failed load must leave the graph exactly as it was"
    return caught.value


def test_missing_column_is_named_with_a_near_miss(loaded: Database, tmp_path: Path) -> None:
    bad = tmp_path / "schools.csv"
    bad.write_text(SPINE_HEADER.replace("SCHNAME", "SCHOOLNAME") + "\n" + GOOD_ROW + "\n")
    error = fails(loaded, "schools", bad, "missing column")
    assert "'SCHNAME' (found 'SCHOOLNAME': rename it?)" in error.message
    assert "line 1" in error.message and str(bad) in error.message


def test_wrong_encoding_names_the_line(loaded: Database, tmp_path: Path) -> None:
    bad = tmp_path / "schools.csv"
    row = GOOD_ROW.replace("Sir John", "Sir J\xf6hn")
    bad.write_bytes((SPINE_HEADER + "\n" + GOOD_ROW + "\n").encode() + row.encode("cp1252"))
    error = fails(loaded, "schools", bad, "cannot decode")
    assert "line 3" in error.message


def test_bad_date_names_line_and_column(loaded: Database, tmp_path: Path) -> None:
    bad = tmp_path / "schools.csv"
    row = GOOD_ROW + "31-02-2019"
    bad.write_text(SPINE_HEADER + "\n" + GOOD_ROW + "\n" + row.replace("100000", "100001") + "\n")
    error = fails(loaded, "schools", bad, "is not a date")
    assert "line 3, column 'CLOSEDATE'" in error.message


def test_unknown_item_id_gets_near_miss_suggestions(loaded: Database, tmp_path: Path) -> None:
    bad = tmp_path / "register.csv"
    bad.write_text(
        REGISTER_HEADER
        + "\n,2020-01-01,day,Example Research Ltd,commercial,1,NPD,,pupil.contact.postcod,,"
        "approved,,,,https://example.org/register,Example register,,\n"
    )
    error = fails(loaded, "releases", bad, "unknown data item")
    assert "line 2, column 'items'" in error.message
    assert "pupil.contact.postcode" in error.message


def test_release_without_a_source_is_refused(loaded: Database, tmp_path: Path) -> None:
    bad = tmp_path / "register.csv"
    bad.write_text(
        REGISTER_HEADER + "\n,2020-01-01,day,Example Research Ltd,commercial,1,NPD,,,,approved,"
        ",,,,,,\n"
    )
    fails(loaded, "releases", bad, "no source")


@pytest.mark.parametrize(
    ("header", "row", "why"),
    [
        ("URN,LA,SCHNAME,UPN", "100000,201,A school,A123456789012", "unique pupil number"),
        ("URN,LA,SCHNAME,Forename,Surname", "100000,201,A school,Ada,Lovelace", "pupil's name"),
        ("URN,LA,SCHNAME,Date of birth", "100000,201,A school,2010-01-01", "date of birth"),
        ("URN,LA,SCHNAME,Notes", "100000,201,A school,H801200001001", "unique pupil number"),
    ],
)
def test_pupil_level_files_are_refused_whole(
    loaded: Database, tmp_path: Path, header: str, row: str, why: str
) -> None:
    bad = tmp_path / "pupils.csv"
    bad.write_text(f"{header}\n{row}\n")
    before = snapshot(loaded)
    with pytest.raises(PupilDataRefused, match=why) as caught:
        run_load(loaded, "schools", str(bad))
    assert "never a child's data" in caught.value.message
    assert snapshot(loaded) == before


def test_a_school_file_with_school_addresses_is_fine(db: Database, tmp_path: Path) -> None:
    ok = tmp_path / "schools.csv"
    ok.write_text(
        SPINE_HEADER + ",STREET,TELNUM\n" + GOOD_ROW + ",St James's Passage,02072831147\n"
    )
    report = run_load(db, "schools", str(ok))
    assert report.rows_read == 1


def test_one_bad_file_in_a_folder_loads_nothing(
    loaded: Database, shared_data: Path, tmp_path: Path
) -> None:
    """A folder of LA code lists with one broken file: none of the good ones is written."""
    folder = tmp_path / "la"
    folder.mkdir()
    shutil.copy(shared_data / "local-authorities" / "las.csv", folder / "las.csv")
    (folder / "broken.csv").write_text("Old LA Code,New LA Code,LA Name\n12,E1,Nowhere\n")
    error = fails(loaded, "local-authorities", folder, "not a DfE 3-digit")
    assert "broken.csv, line 2" in error.message
