"""Pure logic of the explorer for people: search words that read as release filters, labels
wrapped to fit the layout, and which requests get an HTML error page."""

from __future__ import annotations

from api.html_errors import error_page, wants_html
from graph.explore import Release, ReleasePage
from web.releases import narrow, release_links, release_words
from web.style import LABEL_LINE, wrap_label


def test_tier_year_and_name_words_read_as_filters() -> None:
    assert release_words("tier 1").tier == "1"
    assert release_words("T2").tier == "2"
    assert release_words("identifying").tier == "1"
    words = release_words("telegraph 2013")
    assert (words.tier, words.year, words.names) == ("", "2013", ["telegraph"])
    assert release_words("Home Office tier 2 2015").names == ["home", "office"]


def _page(*releases: Release) -> ReleasePage:
    return ReleasePage(
        total=len(releases),
        offset=0,
        limit=50,
        releases=list(releases),
        by_year={},
        by_tier={},
        by_recipient_type={},
        by_outcome={},
    )


def test_name_words_and_tier_not_stated_narrow_the_page() -> None:
    telegraph = Release(
        id="flow:r1", dataset_id="dataset:npd", recipient_id="org:t", recipient="Daily Telegraph"
    )
    home = Release(
        id="flow:r2",
        dataset_id="dataset:npd",
        recipient_id="body:h",
        recipient="Home Office",
        tier=1,
    )
    page = _page(telegraph, home)
    assert [r.id for r in narrow(page, False, ["telegraph"]).releases] == ["flow:r1"]
    assert narrow(page, False, ["telegraph"]).total == 1
    assert [r.id for r in narrow(page, True, []).releases] == ["flow:r1"]
    assert narrow(page, False, []) is page


def test_a_release_row_links_its_record_and_routes_that_reach_the_recipient() -> None:
    r = Release(
        id="flow:npd-release:1",
        dataset_id="dataset:npd",
        recipient_id="body:home-office",
        items=["pupil.characteristics.ethnicity"],
        date="2015-07-01",
    )
    links = release_links(r)
    assert links["record"] == "/record/flow%3Anpd-release%3A1"
    assert "from=dataset%3Anpd" in links["routes"] and "to=body%3Ahome-office" in links["routes"]
    assert "as_of=2015-07-01" in links["routes"]
    assert links["journey"] == "/releases/journey/flow%3Anpd-release%3A1"


def test_labels_wrap_on_words_in_two_lines_at_most() -> None:
    assert wrap_label("Home Office") == "Home Office"
    long = wrap_label("Sir John Cass's Foundation Primary School in the City of London")
    lines = long.split("\n")
    assert len(lines) == 2 and lines[-1].endswith("...")
    assert all(len(line) <= LABEL_LINE for line in lines)


def test_only_a_browser_navigation_gets_an_html_error_page() -> None:
    browser = {"method": "GET", "headers": [(b"accept", b"text/html,application/xhtml+xml")]}
    assert wants_html(browser)
    assert not wants_html({"method": "GET", "headers": [(b"accept", b"application/json")]})
    assert not wants_html({"method": "POST", "headers": browser["headers"]})
    page = error_page(
        404,
        {"title": "Not Found", "detail": "no school with URN 999999.", "suggestions": ["la:201"]},
        "/schools/999999",
    ).decode()
    assert "no school with URN 999999." in page and 'href="/record/la%3A201"' in page
    assert "<script" not in page


def test_routes_are_drawn_column_by_hop_with_the_cut_marked() -> None:
    from graph.names import Labels
    from graph.results import ActorRef, CutResult, Hop, ItemRef, PathsResult
    from web.routes import CUT_COLOUR, build_routes

    def hop(flow_id: str, src: str, dst: str) -> Hop:
        return Hop(flow_id=flow_id, from_id=src, to_id=dst, kind="share", evidence="stated")

    school = ActorRef(id="school:1", name="A School", kind="School")
    home = ActorRef(id="body:home-office", name="Home Office", kind="NationalBody")
    item = ItemRef(id="pupil.x", name="X")
    routes = [
        [
            hop("f1", "school:1", "la:1"),
            hop("f2", "la:1", "dataset:npd"),
            hop("f3", "dataset:npd", home.id),
        ],
        [
            hop("f1", "school:1", "la:1"),
            hop("f2", "la:1", "dataset:npd"),
            hop("f4", "dataset:npd", home.id),
        ],
    ]
    paths = PathsResult(
        origin=school,
        target=home,
        item=item,
        evidence="stated",
        hops=3,
        paths=routes,
        truncated=False,
    )
    cut = CutResult(
        origin=school,
        target=home,
        item=item,
        reachable=True,
        cut_size=1,
        flows=[routes[0][0]],
        note="n",
    )
    labels = Labels(actors={"la:1": "Camden", "dataset:npd": "NPD", home.id: "Home Office"})
    view = build_routes(paths, cut, labels, {})
    x = {n["id"]: n["x"] for n in view.nodes}
    assert x["school:1"] < x["la:1"] < x["dataset:npd"] < x[home.id]  # a column per hop
    edges = {e["id"]: e for e in view.edges}
    assert set(edges) == {"f1", "f2", "f3", "f4"}  # both parallel flows into the Home Office
    assert edges["f1"]["color"] == CUT_COLOUR and edges["f1"]["label"] == "cut"
    assert "label" not in edges["f3"]
    assert [s["cut"] for s in view.routes[0]] == [True, False, False]
    assert view.routes[0][1]["from"] == "Camden" and view.routes[0][1]["purpose"] == ""
    again = build_routes(paths, cut, labels, {})
    assert again.nodes == view.nodes  # the same question draws the same picture
