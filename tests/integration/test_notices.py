"""The notices on the bundled graph (read only), for the demo school and a real school of the
spine: counts in the right number, the child's main part in at most 800 words at Flesch 80 or
more, the parent's summary and linked references, no catalogue id, and the notice's day."""

from __future__ import annotations

import html
import io
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from pypdf import PdfReader

from graph.cache import GraphCache
from graph.db import Database
from graph.journeys import JourneyService
from graph.transparency import TransparencyService
from tests.support.demo import DEMO
from web.documents.notice import main_part, notice_blocks, plain_text, to_pdf
from web.documents.readability import flesch_reading_ease, words

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]
REAL = "100000"  # a real school of the spine (used by other tests too), with no map
NATIONALITY = "Nationality"  # the item's name: collected by the census from 2016-09 to 2018-06
SINGULAR = (
    "council|place|organisation|firm|university|charity|police force|health service|"
    "other group|app or firm|research group|government database|school system or app|"
    "supplier|company|government body|health body|research body|local authority|"
    "national dataset|media organisation|news firm|paper and web page|group"
)
PLURAL = (
    "councils|parts|places|organisations|firms|universities|charities|papers|police forces|"
    "health services|news firms|other groups|apps and firms|research groups|government "
    "databases|school systems and apps|suppliers|companies|government bodies|health bodies|"
    "research bodies|local authorities|national datasets|media organisations|groups"
)
BAD_PLURAL = re.compile(
    rf"\b1 ({PLURAL})\b|\b(?<![.\d])([02-9]|\d\d+) ({SINGULAR})\b(?! (of|or|and)\b)"
    r"|\b1 (tell|keep)\b|\b([02-9]|\d\d+) (tells|keeps)\b"
)
ACTOR_ID = re.compile(r"\b(school|la|trust|body|dataset|org|product|supplier):[a-z0-9]")
LINK = re.compile(r"\[([^\]]*)\]\(([^)]*)\)")


def _md(api: TestClient, urn: str, audience: str, **params: str) -> str:
    r = api.get(f"/schools/{urn}/notice", params={"audience": audience, "format": "md", **params})
    assert r.status_code == 200, r.text
    return str(r.text)


def _text(md: str) -> str:
    """What a reader reads: no markup, link texts without their targets, no anchors."""
    md = re.sub(r'<a id="[^"]*"></a>', "", LINK.sub(r"\1", md))
    return "\n".join(re.sub(r"^(#+|-|>)\s*", "", line) for line in md.splitlines())


def _catalogue_ids(db: Database) -> set[str]:
    model = yaml.safe_load((REPO / "graph" / "model" / "model.yaml").read_text())
    ids = set(JourneyService(db).index().items)
    ids |= {p for p in model["purposes"]} | {k for k in model["flow_kinds"]}
    ids |= {t for t in model["org_types"] if "_" in t}
    groups = yaml.safe_load((REPO / "graph" / "model" / "notice_groups.yaml").read_text())
    ids |= {g["key"] for g in groups["groups"]}
    # ids that are also plain words ("pupil", "parent", "commercial") are not looked for
    return {i for i in ids if "." in i or "_" in i}


@pytest.mark.parametrize("urn", [DEMO, REAL])
def test_counts_are_in_the_right_number(api: TestClient, bundled: Database, urn: str) -> None:
    for audience, part in [("child", "main"), ("child", "places"), ("parent", "main")]:
        for day in ("2017-01-01", date.today().isoformat()):
            text = _text(_md(api, urn, audience, part=part, as_of=day))
            assert not BAD_PLURAL.search(text), BAD_PLURAL.search(text)
            assert "(s)" not in text
    child = _md(api, urn, "child")
    counts = re.findall(r"Who gets it: (\d+) (places?):", child)
    assert counts
    assert all((n == "1") == (noun == "place") for n, noun in counts)


@pytest.mark.parametrize("urn", [DEMO, REAL])
def test_child_main_part_is_short_and_easy(api: TestClient, bundled: Database, urn: str) -> None:
    main = _text(_md(api, urn, "child"))
    score, length = flesch_reading_ease(main), words(main)
    print(f"\n{urn} child main part: {length} words, Flesch {score:.1f} (textstat 0.7.3)")
    assert score >= 80 and length <= 800, (score, length)
    # the PDF's appendix of places is not part of the main part: the same words
    notice = TransparencyService(bundled, GraphCache().sync(bundled)).notice(urn)
    appendix = notice_blocks(notice, "child", "all")
    assert words(plain_text(main_part(appendix))) == length
    assert words(plain_text(appendix)) > length
    # every group links to its list of places, and every place is named there
    md = _md(api, urn, "child")
    places = _md(api, urn, "child", part="places")
    for group in notice.groups:
        if group.recipients:
            assert f"part=places&as_of={notice.as_of}#places-{group.key})" in md
            assert f'<a id="places-{group.key}"></a>' in places
        for r in group.recipients:
            assert r.actor.name in places
    # the places are by name, so not short; the main part is what a child reads first
    assert words(_text(places)) > 0


@pytest.mark.parametrize("urn", [DEMO, REAL])
def test_parent_notice_opens_with_a_summary(api: TestClient, bundled: Database, urn: str) -> None:
    md = _md(api, urn, "parent")
    text = _text(md)
    score = flesch_reading_ease(text)
    print(f"\n{urn} parent notice: {words(text)} words, Flesch {score:.1f} (textstat 0.7.3)")
    assert score >= 60, score
    summary = md.split("## Summary", 1)[1].split("## About this notice", 1)[0]
    notice = TransparencyService(bundled, GraphCache().sync(bundled)).notice(urn)
    assert md.index("## Summary") < md.index(f"## {notice.groups[0].parent_title}")
    assert "### Where the school is unsure" in summary
    for group in notice.groups:
        assert f"[{group.parent_title}](#{group.key}):" in summary
    assert re.search(r"Why: [a-z]", summary) and "How long: stated for" in summary
    # the summary is the first page of the PDF; the details start on the next
    reader = PdfReader(io.BytesIO(to_pdf(notice_blocks(notice, "parent"), notice.school.name)))
    first, second = (" ".join((p.extract_text() or "").split()) for p in reader.pages[:2])
    assert "Where the school is unsure" in first and "About this notice" in second


@pytest.mark.parametrize("urn", [DEMO, REAL])
def test_no_catalogue_id_and_every_reference_is_a_link(
    api: TestClient, bundled: Database, urn: str
) -> None:
    ids = _catalogue_ids(bundled)
    for audience, part in [("child", "main"), ("child", "places"), ("parent", "main")]:
        md = _md(api, urn, audience, part=part)
        text = _text(md)
        found = {t.strip(".") for t in re.findall(r"[\w.]+", text)} & ids
        assert not found, (audience, part, sorted(found)[:10])
        assert not ACTOR_ID.search(text), ACTOR_ID.search(text)
        assert not re.search(r"\[\d+\](?!\()", md), "a bare [N] reference"
    parent = _md(api, urn, "parent")
    targets = [t for _, t in LINK.findall(parent)]
    refs = re.findall(r"\[source (\d+)\]\(#source-(\d+)\)", parent)
    assert refs and all(a == b for a, b in refs)
    assert len(refs) == len(re.findall(r"\bsource \d+\b", _text(parent)))
    for target in {t for t in targets if t.startswith("#")}:
        assert f'<a id="{target[1:]}"></a>' in parent, target
    page = api.get(f"/schools/{urn}/notice", params={"audience": "parent"}).text
    ids_in_page = set(re.findall(r' id="([^"]+)"', page))
    hrefs = {html.unescape(h) for h in re.findall(r'href="([^"]+)"', page)}
    assert {h[1:] for h in hrefs if h.startswith("#")} <= ids_in_page
    known = {
        r["url"]
        for r in bundled.driver.execute_query(
            "MATCH (s:Source) RETURN s.url AS url", database_=bundled.database
        ).records
    }
    assert {h for h in hrefs if not h.startswith("#")} <= known
    # the PDF's references go to its list of sources; its addresses open
    notice = TransparencyService(bundled, GraphCache().sync(bundled)).notice(urn)
    reader = PdfReader(io.BytesIO(to_pdf(notice_blocks(notice, "parent"), notice.school.name)))
    annots = [a.get_object() for p in reader.pages for a in p.get("/Annots", []) or []]
    # (a PDF link cannot hold "(" or ")": they are written %28 and %29)
    uris = {a["/A"]["/URI"] for a in annots if "/A" in a}
    assert {u.replace("%28", "(").replace("%29", ")") for u in uris} <= known
    inside = {str(a["/Dest"]) for a in annots if "/Dest" in a}
    assert inside and inside <= set(reader.named_destinations)


def test_notices_are_as_of_a_day(api: TestClient, bundled: Database) -> None:
    # the census return of nationality ran from 2016-09 to 2018-06: listed on 2017-01-01 only
    then = _md(api, DEMO, "parent", as_of="2017-01-01")
    now = _md(api, DEMO, "parent")
    assert "as of 1 January 2017" in then
    assert f"as of {date.today().day} {date.today():%B %Y}" in now
    assert NATIONALITY in then and NATIONALITY not in now
    # a listed route with stated dates is dated, and none listed had ended by the day
    ends = re.findall(r"In force (?:from \S+ )?until (\d{4}(?:-\d\d){0,2})\.", then)
    assert "In force from" in then
    assert all(end >= "2017" if len(end) == 4 else end >= "2017-01" for end in ends), ends
    assert "It says what was true on 1 January 2017." in _md(api, DEMO, "child", as_of="2017-01-01")
    assert _md(api, DEMO, "child") != _md(api, DEMO, "child", as_of="2017-01-01")
    for audience in ("child", "parent"):
        early = api.get(
            f"/schools/{DEMO}/notice", params={"audience": audience, "as_of": "1999-12-31"}
        )
        assert early.status_code == 422 and "2000-01-01" in early.json()["detail"]
    assert api.get(f"/schools/{DEMO}/notice", params={"as_of": "soon"}).status_code == 422
    assert api.get(f"/schools/{DEMO}/notice", params={"part": "rest"}).status_code == 422
    # the command line refuses the same day before it reads anything: a usage error
    cli = [sys.executable, "-m", "api.cli.main", "notice", "--urn", DEMO, "--as-of"]
    early_cli = subprocess.run([*cli, "1999-12-31"], cwd=REPO, capture_output=True, text=True)
    assert early_cli.returncode == 2 and "2000-01-01" in early_cli.stderr
