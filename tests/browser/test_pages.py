"""The web explorer in headless Chromium against the app on loopback with a real Neo4j.

A researcher's walk (search -> a school -> a journey -> click a node -> its sources), the
release explorer's filters, a 3,000-organisation result that must be grouped rather than
freeze the page, and no request to any host but 127.0.0.1 (checked on every page by the
`page` fixture).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from playwright.sync_api import Page, expect

from graph.results import ActorRef, Hop, ItemRef, Reached, ReachResult
from graph.traversal import summarise
from tests.browser.conftest import Recorder
from tests.support.server import serving
from web.journey import GROUP_THRESHOLD, TABLE_PAGE, build_journey
from web.render import query, render

pytestmark = pytest.mark.browser
Shoot = Callable[[str], None]


def wait_for_graph(page: Page, timeout: float = 30_000) -> None:
    """The graph is drawn, its physics has stopped and its click handlers are attached (the
    signal the benchmark uses too: body[data-graph-ready="true"])."""
    expect(page.locator("#graph")).to_have_attribute("data-state", "stable", timeout=timeout)
    expect(page.locator("body")).to_have_attribute("data-graph-ready", "true")
    assert page.evaluate("window.edflowsGraphReady") is True


def click_node(page: Page, node_id: str) -> None:
    """A real mouse click on the node's position in the canvas, as a person would make it:
    the drawing scrolled into view and moved so that the node is on screen (the opening view
    of a large drawing shows its start node at a readable zoom, not every node)."""
    page.locator("#graph").scroll_into_view_if_needed()
    point = page.evaluate(
        """id => {
          const at = edflowsNetwork.getPositions([id])[id];
          edflowsNetwork.moveTo({position: at, animation: false});
          return edflowsNetwork.canvasToDOM(at);
        }""",
        node_id,
    )
    box = page.locator("#graph").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])


def test_search_school_journey_and_sources(site: str, page: Page, shoot: Shoot) -> None:
    page.goto(site + "/")
    expect(page.get_by_role("heading", name="For campaigners")).to_be_visible()
    page.get_by_label("Search organisations").fill("Example School")
    page.get_by_role("button", name="Search").click()
    school = page.locator("a.hit", has_text="Example School (fictional")
    expect(school.first).to_be_visible()
    shoot("01-search")

    school.first.click()
    expect(page).to_have_url(f"{site}/schools/example")
    wait_for_graph(page)
    expect(page.locator(".text-alt table").first).to_be_visible()
    shoot("02-school-map")

    page.get_by_label("Follow a data item from this school").fill("pupil.contact.postcode")
    page.get_by_role("button", name="Show the journey").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Home postcode")
    wait_for_graph(page)
    expect(page.locator(".summary")).to_contain_text("organisations reached")
    expect(page.locator(".text-alt tbody tr", has_text="Home Office")).to_have_count(1)
    shoot("03-journey")

    click_node(page, "body:home-office")
    expect(page.locator("#panel-title")).to_have_text("Home Office")
    sources = page.locator("#panel .sources li")
    expect(sources.first).to_be_visible()
    assert sources.count() >= 1
    expect(page.locator("#panel .sources")).to_contain_text("Sources (")
    shoot("04-panel-node")

    # the same details without a mouse: the table's buttons are keyboard-reachable
    page.locator(".text-alt button[data-flow]").first.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#panel")).to_contain_text("Kind")
    expect(page.locator("#panel .sources")).to_be_visible()


def test_release_explorer_filters(site: str, page: Page, shoot: Shoot) -> None:
    page.goto(site + "/releases/explore")
    rows = page.locator("#releases tbody tr")
    everything = rows.count()
    assert everything > 5
    expect(page.locator("figure.chart svg rect").first).to_be_visible()
    shoot("05-releases")

    page.get_by_label("Recipient type").select_option("media")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(
        f"{site}/releases/explore?q=&recipient_type=media&tier=&year=&outcome=&item="
    )
    # the filtered page has replaced the first one before anything is counted: the table
    # holds exactly the number of rows its own count line states
    page.wait_for_load_state("load")
    expect(page.get_by_label("Recipient type")).to_have_value("media")
    stated = page.locator("#release-count").inner_text()
    filtered = int(stated.split()[0])
    expect(rows).to_have_count(filtered)
    assert 0 < filtered < everything
    for cell in rows.locator("td:nth-child(3)").all_inner_texts():
        assert cell.strip() == "media"
    expect(page.locator("#release-count")).to_contain_text(f"{filtered} release")
    shoot("06-releases-media")

    # each row opens the recipient's record
    rows.first.locator("td:nth-child(2) a").click()
    expect(page.get_by_role("heading", name="Sources", exact=False).first).to_be_visible()


def test_start_page_and_assets_stay_on_loopback(site: str, page: Page, recorder: Recorder) -> None:
    for path in ["/", "/journey?from=example&item=pupil.contact.postcode", "/releases/explore"]:
        page.goto(site + path)
        html = page.content().lower()
        assert "cdn" not in html and "bootstrap" not in html
    assert page.evaluate("typeof vis") == "undefined"  # the releases page loads no graph
    page.goto(site + "/journey?from=example&item=pupil.contact.postcode")
    wait_for_graph(page)
    assert page.evaluate("typeof vis.Network") == "function"
    assert any(u.endswith("/static/vis-network.min.js") for u in recorder.urls)
    assert not recorder.outside_hosts()


@pytest.fixture()
def large_site(app: FastAPI) -> Iterator[str]:
    """The app with one extra page: the journey view of a synthetic 3,000-organisation result."""
    result = synthetic_reach(3000)

    def large(request: Request) -> HTMLResponse:
        expand = frozenset(request.query_params.getlist("expand"))
        view = build_journey(result, expand)
        base = "/test/large-journey?" + query(size=3000, expand=sorted(expand))
        form: dict[str, Any] = {"origin": "900000", "item": "pupil.contact.postcode"}
        form.update(as_of="", include_derived=False)
        html = render(
            "journey.html",
            view=view,
            form=form,
            error=None,
            upstream=False,
            page_path="/journey",
            expand_base=base,
        )
        return HTMLResponse(html)

    app.add_api_route("/test/large-journey", large)
    with serving(app) as base_url:
        yield base_url


def test_large_result_is_grouped_not_frozen(large_site: str, page: Page, shoot: Shoot) -> None:
    page.goto(large_site + "/test/large-journey")
    note = page.locator("#group-note")
    expect(note).to_contain_text("2,999 organisations reached")
    expect(note).to_contain_text("grouped by type")
    wait_for_graph(page)
    drawn = page.evaluate("edflowsNetwork.body.data.nodes.length")
    assert drawn <= GROUP_THRESHOLD
    # the table shows one page of TABLE_PAGE rows and pages through the rest
    assert page.locator(".text-alt tbody tr").count() == TABLE_PAGE
    shoot("07-large-grouped")

    click_node(page, "group:commercial")
    expect(page.locator("#panel-title")).to_contain_text("commercial")
    expect(page.locator("#panel").get_by_role("link", name="Expand this group")).to_be_visible()
    shoot("08-large-group-panel")

    # the panel's link expands the group
    page.locator("#panel").get_by_role("link", name="Expand this group").click()
    expect(page).to_have_url(large_site + "/test/large-journey?size=3000&expand=commercial")
    wait_for_graph(page)
    expanded = page.evaluate("edflowsNetwork.body.data.nodes.length")
    assert drawn < expanded <= GROUP_THRESHOLD
    # the page still answers promptly once drawn
    assert page.evaluate("1 + 1") == 2
    shoot("09-large-expanded")


def synthetic_reach(total: int) -> ReachResult:
    """school -> MIS -> 10 datasets -> `total - 11` recipients of five types (no database)."""
    school = ActorRef(id="school:900000", name="Synthetic School", kind="School")
    mis = ActorRef(id="product:mis", name="Synthetic MIS", kind="Product")
    hop1 = _hop("flow:s-mis", school.id, mis.id)
    reached = [Reached(actor=mis, evidence="stated", hops=1, path=[hop1])]
    datasets = []
    for d in range(10):
        ds = ActorRef(id=f"dataset:d{d}", name=f"Dataset {d}", kind="Dataset")
        path = [hop1, _hop(f"flow:mis-d{d}", mis.id, ds.id)]
        datasets.append((ds, path))
        reached.append(Reached(actor=ds, evidence="stated", hops=2, path=path))
    types = ["commercial", "academic", "media", "government", "charity"]
    for n in range(total - len(reached) - 1):
        ds, path = datasets[n % 10]
        org = ActorRef(
            id=f"org:r{n}", name=f"Recipient {n:04d}", kind="Organisation", org_type=types[n % 5]
        )
        evidence = "stated" if n % 3 else "unknown"
        hop = _hop(f"flow:{ds.id}-r{n}", ds.id, org.id, evidence)
        reached.append(Reached(actor=org, evidence=evidence, hops=3, path=[*path, hop]))
    item = ItemRef(id="pupil.contact.postcode", name="Home postcode")
    return ReachResult(
        origin=school,
        item=item,
        include_derived=False,
        as_of=None,
        max_hops=10,
        recipient_type=None,
        reached=reached,
        summary=summarise(reached),
    )


def _hop(flow_id: str, src: str, dst: str, evidence: str = "stated", **extra: Any) -> Hop:
    return Hop(flow_id=flow_id, from_id=src, to_id=dst, kind="release", evidence=evidence, **extra)
