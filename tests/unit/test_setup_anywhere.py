"""Set-up anywhere: the registers edflows compiles ship byte-identical to the shared copies;
`edflows data fetch` gets each public file from its pinned origin (here a local HTTP server on
127.0.0.1 serving the same files: no test sends traffic off the machine), checks its SHA-256
and refuses a file that does not match; `edflows up` chooses its data folder; the Docker
image's COPY set is enough to install the package."""

from __future__ import annotations

import functools
import hashlib
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.errors import EdflowsError
from graph.settings import Settings
from loaders import bundled, public_data
from loaders.public_data import fetch, manifest, registers_dir

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("EDFLOWS_SHARED_DATA", REPO.parent / "shared" / "data"))


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_registers_ship_byte_identical_to_the_shared_copies() -> None:
    shipped = sorted(p for p in registers_dir().rglob("*") if p.is_file())
    names = {str(p.relative_to(registers_dir())) for p in shipped}
    assert {
        "npd-releases/releases.csv",
        "npd-releases/aggregates.csv",
        "npd-releases/PROVENANCE.md",
        "edtech-catalogue/products.csv",
        "edtech-catalogue/school_processors.csv",
        "edtech-catalogue/PROVENANCE.md",
    } == names
    if SHARED.is_dir():
        for path in shipped:
            copy = SHARED / path.relative_to(registers_dir())
            assert path.read_bytes() == copy.read_bytes(), path


def test_the_manifest_pins_every_file_up_loads_with_its_origin() -> None:
    entries, missing = manifest()
    paths = {e.path for e in entries}
    assert {
        "schools/2017-2018_england_spine.csv",
        "local-authorities/las.csv",
        "npd-releases/releases.csv",
        "npd-metadata/csv_reduced_table/Datasets___Tiers.csv",
        "dpv/dpv2.3_pd_modules_extended.csv",
    } <= paths
    for e in entries:
        assert len(e.sha256) == 64
        assert bool(e.url) + bool(e.derived_from) + e.register == 1, e
        if e.url:  # a repository at a pinned commit
            assert e.url.startswith("https://raw.githubusercontent.com/"), e.url
            assert len(e.url.split("/")[5]) == 40, e.url
        if e.derived_from:
            assert e.derived_from in paths and e.sheet
    assert {m["path"] for m in missing} >= {"local-authorities/local_auth_codes_2011.csv"}
    if SHARED.is_dir():
        for e in entries:
            assert _sha(SHARED / e.path) == e.sha256, e.path


@pytest.fixture()
def mirror(tmp_path: Path) -> Iterator[str]:
    """A loopback HTTP server answering each manifest URL's path with the shared copy."""
    assert SHARED.is_dir(), f"{SHARED} is missing: set EDFLOWS_SHARED_DATA"
    root = tmp_path / "mirror"
    for e in manifest()[0]:
        if e.url and (SHARED / e.path).is_file():
            served = root / e.url.split("://", 1)[1].split("/", 1)[1]
            served.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(SHARED / e.path, served)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


SOME = {
    "local-authorities/las.csv",
    "local-authorities/EnglishLaNameCodes.csv",
    "npd-metadata/single_sheet_table_KS4.xlsx",
    "npd-metadata/csv_single_sheet_table_KS4/KS4.csv",
    "npd-releases/releases.csv",
}


def test_fetch_downloads_converts_and_checks(mirror: str, tmp_path: Path) -> None:
    lines: list[str] = []
    target = tmp_path / "data"
    written = fetch(target, base_url=mirror, progress=lines.append, only=SOME)
    assert sorted(written) == sorted(SOME)
    for path in SOME:
        assert (target / path).read_bytes() == (SHARED / path).read_bytes(), path
    assert any("converted from npd-metadata/single_sheet_table_KS4.xlsx" in x for x in lines)
    assert any(mirror in x and "SHA-256 checked" in x for x in lines)
    # again: nothing downloaded, every file checked
    assert fetch(target, base_url=mirror, progress=lines.append, only=SOME) == []


def test_a_file_that_does_not_match_its_pin_is_refused_and_not_kept(
    mirror: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (entry,) = [e for e in manifest()[0] if e.path == "local-authorities/las.csv"]
    tampered = tmp_path / "mirror" / entry.url.split("://", 1)[1].split("/", 1)[1]  # type: ignore[union-attr]
    tampered.write_bytes(tampered.read_bytes() + b"extra,row\n")
    target = tmp_path / "data"
    with pytest.raises(EdflowsError, match="does not have the pinned SHA-256"):
        fetch(target, base_url=mirror, progress=lambda _line: None, only={entry.path})
    assert not (target / entry.path).exists()
    assert not list(target.rglob("*.partial"))


def test_up_chooses_its_data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fetched: list[Path] = []

    def fake_fetch(target: Path) -> list[str]:
        fetched.append(target)
        return []

    monkeypatch.setattr(public_data, "fetch", fake_fetch)
    monkeypatch.chdir(tmp_path)  # a clone with no ../shared beside it
    for var in ("EDFLOWS_SHARED_DATA", "EDFLOWS_STATE_DIR"):
        monkeypatch.delenv(var, raising=False)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert bundled.data_folder(settings) == Path(".edflows/shared-data")
    assert fetched == [Path(".edflows/shared-data")]

    (tmp_path.parent / "shared" / "data").mkdir(parents=True, exist_ok=True)
    try:
        assert bundled.data_folder(settings) == Path("../shared/data")
    finally:
        shutil.rmtree(tmp_path.parent / "shared")
    monkeypatch.setenv("EDFLOWS_SHARED_DATA", str(tmp_path / "elsewhere"))
    chosen = Settings(_env_file=None)  # type: ignore[call-arg]
    assert bundled.data_folder(chosen) == tmp_path / "elsewhere"
    assert len(fetched) == 1


PIP_WHEEL = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"]


def test_the_docker_copy_set_installs(tmp_path: Path) -> None:
    """Exactly the files the Dockerfile copies build a wheel (its `pip install .`)."""
    build = tmp_path / "app"
    build.mkdir()
    for line in (REPO / "Dockerfile").read_text().splitlines():
        if not line.startswith("COPY "):
            continue
        *sources, dest = line.split()[1:]
        for source in sources:
            target = build / source if dest != "./" else build / Path(source).name
            if (REPO / source).is_dir():
                shutil.copytree(
                    REPO / source, target, ignore=shutil.ignore_patterns("__pycache__", "results")
                )
            else:
                shutil.copyfile(REPO / source, target)
    done = subprocess.run(
        [*PIP_WHEEL, "-w", str(tmp_path / "wheel"), str(build)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert list((tmp_path / "wheel").glob("edflows-*.whl"))
