"""The explorer for people (issue 19), in headless Chromium on the bundled graph: the three
tasks end to end (a campaigner, a researcher, a school office manager), labels readable at
the opening zoom with no node on another's label on the three largest views, keyboard zoom
in even steps, names instead of ids, HTML error pages, and every page (the API's /docs and
/redoc included) drawn at 390 px without sideways scrolling and without a request to any
other host.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import SCREENSHOTS, Recorder
from tests.browser.test_pages import wait_for_graph
from web.style import MIN_LABEL_PX

pytestmark = pytest.mark.browser
Shoot = Callable[[str], None]

ETHNICITY = "pupil.characteristics.ethnicity"
HOME_OFFICE = "body:home-office"
TELEGRAPH = "org:daily-telegraph-telegraph-newspaper"
LARGEST_VIEWS = [  # the three largest drawings of the bundled data
    "/upstream?org=body:home-office&item=pupil.contact.postcode",
    "/journey?from=dataset:npd&item=pupil.contact.postcode",
    "/schools/example?depth=3",
]

# at the current zoom: the on-screen size of each label drawn in the view, and each pair of
# a drawn label and another node's dot that overlap
LABELS_JS = """
() => {
  const net = edflowsNetwork, scale = net.getScale(), box = document.getElementById('graph');
  const w = box.clientWidth, h = box.clientHeight, ids = net.body.data.nodes.getIds();
  const pos = net.getPositions(ids), sizes = [], overlaps = [];
  const inView = p => p.x >= 0 && p.y >= 0 && p.x <= w && p.y <= h;
  const drawn = ids.filter(id => {
    const n = net.body.nodes[id];
    return n.options.label && inView(net.canvasToDOM(pos[id]));
  });
  drawn.forEach(id => {
    const n = net.body.nodes[id], px = n.options.font.size * scale;
    if (px >= n.options.scaling.label.drawThreshold - 1) { sizes.push(px); }
  });
  const labelled = drawn.filter(id => net.body.nodes[id].options.font.size * scale >= 11);
  labelled.forEach(id => {
    const n = net.body.nodes[id], lb = n.labelModule.size;  // canvas units, under the dot
    labelled.forEach(other => {
      if (other === id) { return; }
      const o = pos[other], r = net.body.nodes[other].options.size || 14;
      if (o.x + r > lb.left && o.x - r < lb.left + lb.width &&
          o.y + r > lb.top && o.y - r < lb.top + lb.height) { overlaps.push(id + ' / ' + other); }
    });
  });
  return { scale, drawn: drawn.length, sizes, overlaps };
}
"""


@pytest.fixture(autouse=True)
def patient(page: Page) -> None:
    """The machine may be busy: a national routes or upstream page can take a while."""
    page.set_default_timeout(120_000)
    page.set_default_navigation_timeout(240_000)


def no_sideways_scroll(page: Page) -> None:
    page.evaluate("window.scrollTo(10000, window.scrollY)")
    assert page.evaluate("window.scrollX") == 0, f"{page.url} scrolls sideways"


def test_campaigner_tier_1_recipients_and_the_telegraphs_sources(
    site: str, page: Page, shoot: Shoot
) -> None:
    page.goto(site + "/releases/explore")
    # the tier filter offers every tier the data holds, and "tier not stated"; the page says
    # what the tiers mean
    options = page.locator("#f-tier option").all_inner_texts()
    assert "tier 1" in options and "tier not stated" in options
    how = page.locator("#how-to-read")
    expect(how).to_contain_text("identifying and highly sensitive")
    expect(how).to_contain_text("tier not stated")
    expect(how).to_contain_text("disputed")
    # tier words in the search box
    page.fill("#f-q", "tier 1")
    page.click("form[aria-label='Filter releases'] button[type=submit]")
    rows = page.locator("#releases tbody tr")
    assert rows.count() >= 1
    assert all(
        "tier 1" in t for t in page.locator("#releases tbody td:nth-child(4)").all_inner_texts()
    )
    page.goto(site + "/releases/explore?q=identifying")
    assert all(
        "tier 1" in t for t in page.locator("#releases tbody td:nth-child(4)").all_inner_texts()
    )
    # "telegraph 2013": the Telegraph's 2013 rows, their sources disagreeing, its record open
    page.goto(site + "/releases/explore?q=telegraph+2013")
    telegraph = page.locator("#releases tbody tr", has_text="Telegraph")
    assert telegraph.count() >= 1
    assert all(
        t.startswith("2013")
        for t in page.locator("#releases tbody td:first-child").all_inner_texts()
    )
    expect(telegraph.first.locator(".tag.warn")).to_have_text("sources disagree")
    shoot("people-campaigner-telegraph")
    # its links land: the routes from the sending dataset draw the recipient
    routes = telegraph.first.get_by_role("link", name="routes").get_attribute("href")
    page.goto(site + str(routes))
    wait_for_graph(page, timeout=120_000)
    assert TELEGRAPH in page.evaluate("edflowsNetwork.body.data.nodes.getIds()")
    # the release report is a page, linked from the explorer
    page.goto(site + "/releases/explore")
    page.click("#report-link")
    expect(page.locator("h1")).to_contain_text("who received pupil data")
    expect(page.locator("#sensitive tbody tr").first).to_be_visible()


def test_researcher_ethnicity_to_the_home_office_routes_and_cut(
    site: str, page: Page, shoot: Shoot
) -> None:
    # names, not ids: the school's name and "Home Office" are accepted, suggestions clickable
    page.goto(site + "/routes")
    page.fill("#from", "")
    page.locator("#from").press_sequentially("Example School", delay=20)
    option = page.locator("#from-options [role=option]").first
    expect(option).to_contain_text("URN example")
    expect(option).to_contain_text("fictional")
    option.click()
    assert page.input_value("#from") == "school:example"
    page.fill("#to", "Home Office")
    page.fill("#item", "Ethnicity (full code)")
    page.click("form[aria-label='Routes controls'] button[type=submit]")
    wait_for_graph(page, timeout=120_000)
    expect(page.locator("#routes-summary")).to_contain_text("shortest route")
    drawn = page.evaluate("edflowsNetwork.body.data.nodes.getIds()")
    assert HOME_OFFICE in drawn and "school:example" in drawn
    # the cut is listed and marked on the drawing
    cut = page.locator("#cut-list li")
    assert cut.count() >= 1
    marked = page.evaluate(
        "edflowsNetwork.body.data.edges.get().filter(e => e.label === 'cut').map(e => e.id)"
    )
    assert len(marked) == cut.count()
    expect(page.locator("tr.cut").first).to_be_visible()
    expect(page.locator("#how-to-read")).to_contain_text("unknown")
    shoot("people-researcher-routes")
    # from a journey, each organisation offers "all routes here"
    page.goto(site + f"/journey?from=example&item={ETHNICITY}")
    wait_for_graph(page)
    link = page.get_by_role("link", name="all routes to Home Office")
    expect(link).to_have_attribute("href", re.compile(r"to=body%3Ahome-office"))


def test_office_manager_school_page_notices_and_record_of_processing(
    site: str, page: Page, shoot: Shoot
) -> None:
    page.goto(site + "/schools/example")
    wait_for_graph(page)
    for anchor, path in [
        ("#notice-child", "/schools/example/notice?audience=child"),
        ("#notice-parent", "/schools/example/notice?audience=parent"),
        ("#ropa-csv", "/schools/example/ropa.csv"),
        ("#ropa-xlsx", "/schools/example/ropa.xlsx"),
    ]:
        expect(page.locator(anchor)).to_have_attribute("href", path)
        answer = page.request.get(site + path)
        assert answer.ok, f"{path}: {answer.status}"
    assert (
        "text/csv" in page.request.get(site + "/schools/example/ropa.csv").headers["content-type"]
    )
    # items are named, not shown as catalogue ids
    items = " ".join(page.locator("td.items").all_inner_texts())
    assert "pupil." not in items
    shoot("people-office-manager-school")
    page.click("#notice-child")
    expect(page.locator("body")).to_contain_text("Example School")
    # the same map draws the same picture
    page.goto(site + "/schools/example")
    wait_for_graph(page)
    one = page.evaluate("JSON.stringify(edflowsNetwork.getPositions())")
    page.reload()
    wait_for_graph(page)
    assert page.evaluate("JSON.stringify(edflowsNetwork.getPositions())") == one


@pytest.mark.parametrize("path", LARGEST_VIEWS)
def test_labels_are_readable_at_the_opening_zoom_and_never_under_a_node(
    site: str, page: Page, path: str
) -> None:
    page.goto(site + path)
    wait_for_graph(page, timeout=120_000)
    seen = page.evaluate(LABELS_JS)
    assert seen["drawn"] > 0 and seen["sizes"], seen
    assert min(seen["sizes"]) >= MIN_LABEL_PX, seen["sizes"][:5]
    assert not seen["overlaps"], seen["overlaps"][:5]
    # what is drawn is named in a list beside the drawing
    assert page.locator("#drawn-list li").count() == page.evaluate(
        "edflowsNetwork.body.data.nodes.length"
    )


def test_keyboard_zoom_in_even_steps_and_fit(site: str, page: Page) -> None:
    page.goto(site + f"/journey?from=example&item={ETHNICITY}")
    wait_for_graph(page)
    page.focus("#graph-canvas")
    before = page.evaluate("edflowsNetwork.getScale()")
    page.keyboard.press("+")
    once = page.evaluate("edflowsNetwork.getScale()")
    page.keyboard.press("+")
    twice = page.evaluate("edflowsNetwork.getScale()")
    assert once / before == pytest.approx(1.2, rel=0.01)
    assert twice / once == pytest.approx(1.2, rel=0.01)
    page.keyboard.press("-")
    assert page.evaluate("edflowsNetwork.getScale()") == pytest.approx(once, rel=0.01)
    page.click("[data-zoom=fit]")
    expect(page.locator("#graph-zoom")).to_contain_text("zoom")


def test_browsers_get_html_error_pages_with_the_right_words(site: str, page: Page) -> None:
    for path, words in [
        ("/schools/999999", "no school with URN 999999"),
        ("/schools/abc", "no school with URN abc"),
        ("/schools/999999/notice?audience=child", "no school with URN 999999"),
        ("/paths?from=example&to=nowhere:at-all&item=pupil.contact.postcode", "no organisation"),
        ("/no/such/page", "Not Found"),
    ]:
        answer = page.goto(site + path)
        assert answer is not None and answer.status in (404, 422), path
        assert answer.headers["content-type"].startswith("text/html"), path
        expect(page.locator("#error-detail")).to_contain_text(words)
    # an API client still gets the problem document
    api = page.request.get(site + "/schools/999999/graph", headers={"Accept": "application/json"})
    assert api.headers["content-type"].startswith("application/problem+json")


def test_every_page_at_390_px_offline(site: str, browser: Browser, recorder: Recorder) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    tab = context.new_page()
    tab.set_default_timeout(120_000)
    tab.set_default_navigation_timeout(240_000)
    tab.on("request", lambda r: recorder.urls.append(r.url))
    tab.on("pageerror", lambda e: recorder.errors.append(str(e)))
    pages = [
        "/",
        "/?q=telegraph",
        f"/journey?from=example&item={ETHNICITY}",
        "/upstream?org=dataset:npd&item=pupil.contact.postcode&max_hops=2",
        f"/routes?from=example&to={HOME_OFFICE}&item={ETHNICITY}",
        "/schools/example",
        "/releases/explore",
        "/releases/report",
        f"/record/{HOME_OFFICE}",
        "/schools/example/notice?audience=child",
        "/schools/999999",
    ]
    try:
        for path in pages:
            tab.goto(site + path)
            no_sideways_scroll(tab)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(SCREENSHOTS / "people-390-error.png"))
        for path, ready in [("/docs", ".swagger-ui .info"), ("/redoc", "redoc-wrap, .api-content")]:
            tab.goto(site + path)
            tab.wait_for_selector(ready, timeout=30_000)
            assert "edflows" in tab.content()
    finally:
        context.close()
    assert not recorder.outside_hosts(), recorder.outside_hosts()
    assert not recorder.errors, recorder.errors


def test_the_home_office_upstream_page_opens_on_its_groups_and_is_light(
    site: str, page: Page
) -> None:
    """24,000 origins: the page opens on the groups with their counts, embeds the drawn
    flows once (their sources by id) and no group's members, and its panels still read."""
    response = page.goto(site + LARGEST_VIEWS[0])
    assert response is not None and len(response.body()) < 600_000  # was 771,241 bytes
    wait_for_graph(page)
    groups = page.locator("#group-table tbody tr")
    assert groups.count() > 100
    expect(groups.first.locator("td").nth(1)).to_have_text(re.compile(r"^[\d,]+$"))
    data = page.evaluate("JSON.parse(document.getElementById('graph-data').textContent)")
    assert all("members" not in i for i in data["info"].values())
    assert all("sources" not in f for f in data["flows"].values())
    # a flow's panel lists its sources from the page's one map of sources
    button = page.locator("#result-table button[data-flow]").first
    flow = data["flows"][button.get_attribute("data-flow")]
    button.click()
    expect(page.locator("#panel .sources h3")).to_have_text(
        f"Sources ({len(flow.get('source_ids', []))})"
    )
    # a group's panel: its count and the way to expand it
    group = next(i for i in data["info"].values() if i.get("by_la"))
    page.locator("#drawn-list summary").click()
    page.locator("#drawn-list button", has_text=group["name"]).first.click()
    expect(page.locator("#panel-title")).to_have_text(group["name"])
    expect(page.locator("#panel").get_by_role("link", name="Expand this group")).to_be_visible()
