"""More of the web explorer in headless Chromium on the bundled graph: the school map by the
map's own categories with the same rows in its table, the upstream view of a national dataset
(thousands of schools, grouped by local authority, a group expanded), the item picker's
server-backed suggestions (keyboard, ARIA, and the plain form without JavaScript), and an
accessibility pass over every graph view (a table alternative, keyboard-reachable controls,
text contrast).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from graph.model import model
from tests.browser.test_pages import click_node, wait_for_graph
from web.journey import GROUP_THRESHOLD

pytestmark = pytest.mark.browser
Shoot = Callable[[str], None]
NPD_UPSTREAM = "/upstream?org=dataset:npd&item=pupil.contact.postcode&max_hops=2"

# WCAG contrast of every visible text element against the background it is drawn on
CONTRAST_JS = """
() => {
  function rgb(s) { const m = s.match(/[\\d.]+/g); return m ? m.map(Number) : [0, 0, 0, 0]; }
  function lum(c) {
    const f = v => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
  }
  function background(el) {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length < 4 || c[3] > 0.5) { return c; }
    }
    return [255, 255, 255];
  }
  const bad = [];
  let checked = 0;
  document.querySelectorAll("body *").forEach(el => {
    const own = Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own || el.closest("script, style, #graph, .sr")) { return; }
    const r = el.getBoundingClientRect(), st = getComputedStyle(el);
    if (!r.width || !r.height || st.visibility === "hidden") { return; }
    const a = lum(rgb(st.color)), b = lum(background(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(st.fontSize), bold = parseInt(st.fontWeight, 10) >= 700;
    const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    checked += 1;
    if (ratio < need) {
      bad.push(el.tagName + " '" + el.textContent.trim().slice(0, 30) + "' " + ratio.toFixed(2));
    }
  });
  return { checked, bad };
}
"""


# zoom onto a node; true when a click at its centre reaches it (no other node on top)
UNCOVERED_JS = """
id => {
  edflowsNetwork.focus(id, {scale: 2.5, animation: false});
  const p = edflowsNetwork.canvasToDOM(edflowsNetwork.getPositions([id])[id]);
  return edflowsNetwork.getNodeAt(p) === id;
}
"""


def test_school_map_by_its_own_categories(site: str, page: Page, shoot: Shoot) -> None:
    page.goto(site + "/schools/example")
    wait_for_graph(page)
    hubs = page.evaluate(
        "edflowsNetwork.body.data.nodes.getIds().filter(i => i.startsWith('category:'))"
    )
    categories = set(model().school_map_categories)  # the seed's five, safeguarding, MIS
    assert categories <= {h.removeprefix("category:") for h in hubs}
    tables = page.locator(".text-alt table[data-category]")
    assert categories <= set(tables.evaluate_all("ts => ts.map(t => t.dataset.category)"))
    expect(page.locator(".text-alt h3", has_text="technology on the school estate")).to_be_visible()
    # the table underneath lists the same rows as the graph: one per arrow
    arrows = page.evaluate(
        "edflowsNetwork.body.data.edges.getIds().filter(i => !i.startsWith('hub:'))"
    )
    rows = page.locator(".text-alt tr[data-flow-id]").evaluate_all(
        "rs => rs.map(r => r.dataset.flowId)"
    )
    assert sorted(arrows) == sorted(rows) and len(rows) > 50
    shoot("10-school-map-categories")


def test_national_dataset_upstream_groups_schools_by_la(
    site: str, page: Page, shoot: Shoot
) -> None:
    page.goto(site + NPD_UPSTREAM, timeout=180_000)
    wait_for_graph(page, timeout=60_000)
    note = page.locator("#group-note")
    expect(note).to_be_visible()
    expect(note).to_contain_text("schools by local authority")
    listed = int(re.sub(r"\D", "", note.locator("strong").inner_text().split(" organisations")[0]))
    assert listed > GROUP_THRESHOLD
    ids: list[str] = page.evaluate("edflowsNetwork.body.data.nodes.getIds()")
    assert len(ids) <= GROUP_THRESHOLD
    la_groups = [i for i in ids if i.startswith("group:la:")]
    assert len(la_groups) > 100  # schools of every local authority
    # all grouped, but for the odd local authority with one such school (a group of one is not
    # drawn as a group)
    alone = [i for i in ids if i.startswith("school:")]
    assert len(alone) <= 5
    assert page.evaluate("1 + 1") == 2  # drawn, and the page still answers
    shoot("11-npd-upstream-grouped")

    # a group of a few dozen schools: click it in the graph, read it in the panel, expand it
    info: dict[str, Any] = page.evaluate(
        "JSON.parse(document.getElementById('graph-data').textContent).info"
    )
    # one that no other node covers once it is zoomed into the middle of the drawing
    candidates = sorted(
        (info[g] for g in la_groups if 10 <= info[g]["count"] <= 80), key=lambda g: g["count"]
    )
    group = next(g for g in candidates if page.evaluate(UNCOVERED_JS, g["id"]))
    click_node(page, group["id"])
    expect(page.locator("#panel-title")).to_have_text(group["name"])
    expect(page.locator("#panel")).to_contain_text("grouped by local authority")
    shoot("12-npd-upstream-group-panel")
    page.locator("#panel").get_by_role("link", name="Expand this group").click()
    expect(page).to_have_url(re.compile(r"expand=la%3A\d+$"), timeout=180_000)
    wait_for_graph(page, timeout=60_000)
    after: list[str] = page.evaluate("edflowsNetwork.body.data.nodes.getIds()")
    assert group["id"] not in after
    assert len([i for i in after if i.startswith("school:")]) == group["count"] + len(alone)
    assert len([i for i in after if i.startswith("group:la:")]) == len(la_groups) - 1
    shoot("13-npd-upstream-expanded")


def test_item_picker_suggests_as_you_type(site: str, page: Page, browser: Browser) -> None:
    page.goto(site + "/journey")
    box = page.get_by_role("combobox", name="Data item")
    expect(box).to_have_attribute("aria-expanded", "false")
    listbox_id = box.get_attribute("aria-controls")
    assert listbox_id
    box.fill("")
    box.press_sequentially("home postc", delay=30)
    listbox = page.locator(f"#{listbox_id}")
    expect(listbox).to_be_visible()
    expect(listbox).to_have_attribute("role", "listbox")
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("option", name=re.compile("Home postcode")).first).to_be_visible()
    box.press("ArrowDown")
    active = box.get_attribute("aria-activedescendant")
    assert active
    expect(page.locator(f"#{active}")).to_have_attribute("aria-selected", "true")
    box.press("Enter")  # picks the option, does not submit
    expect(box).to_have_value("pupil.contact.postcode")
    expect(listbox).to_be_hidden()
    expect(page).to_have_url(site + "/journey")
    box.press("Enter")  # now the form goes
    expect(page.get_by_role("heading", level=1)).to_contain_text("Home postcode")
    # the page carries no catalogue: suggestions come from the server as one types
    assert "<datalist" not in page.content()

    # without JavaScript the same form submits the typed item id, and the table is the answer
    plain = browser.new_context(java_script_enabled=False)
    try:
        tab = plain.new_page()
        tab.goto(site + "/journey")
        tab.get_by_label("Data item").fill("pupil.characteristics.ethnicity")
        tab.get_by_role("button", name="Show the journey").click()
        expect(tab.get_by_role("heading", level=1)).to_contain_text("Ethnicity")
        assert tab.locator(".text-alt tbody tr").count() > 1
    finally:
        plain.close()


@pytest.mark.parametrize(
    "path",
    [
        "/journey?from=example&item=pupil.contact.postcode",
        "/schools/example",
        "/upstream?org=la:202&item=pupil.contact.postcode",
    ],
)
def test_graph_views_are_accessible(site: str, page: Page, path: str) -> None:
    page.goto(site + path)
    wait_for_graph(page)
    graph = page.locator("#graph-canvas")  # vis-network's frame: named, and focusable
    expect(graph).to_have_attribute("role", "img")
    assert "table below" in (graph.get_attribute("aria-label") or "")
    # the text alternative: a table holding the same result
    table = page.locator(".text-alt table").first
    expect(table).to_be_visible()
    assert page.locator(".text-alt tbody tr").count() > 1
    assert page.locator(".text-alt th[scope=col]").count() >= 5

    # keyboard: Tab reaches the skip link, the form's controls, the graph and the table
    page.locator("body").focus()
    seen: list[str] = []
    for _ in range(40):
        page.keyboard.press("Tab")
        seen.append(
            page.evaluate(
                "() => { const e = document.activeElement; return e.id || e.dataset.node "
                "|| e.getAttribute('name') || e.textContent.trim().slice(0, 30); }"
            )
        )
        if page.evaluate("!!document.activeElement.dataset.node"):
            break
    assert seen[0] == "Skip to content"
    assert "item" in seen and "graph-canvas" in seen
    assert any(s.startswith("Show") for s in seen)  # the submit button
    assert seen.index("item") < seen.index("graph-canvas")
    assert page.evaluate("!!document.activeElement.dataset.node")  # a table row's button
    page.keyboard.press("Enter")
    expect(page.locator("#panel")).to_have_attribute("data-shown", "yes")
    # the graph itself: arrow keys pan it only while it has the focus
    graph.focus()
    before = page.evaluate("edflowsNetwork.getViewPosition()")
    page.keyboard.down("ArrowRight")  # held: vis-network moves the view while it is down
    page.wait_for_timeout(300)
    page.keyboard.up("ArrowRight")
    assert page.evaluate("edflowsNetwork.getViewPosition()") != before

    contrast = page.evaluate(CONTRAST_JS)
    assert contrast["checked"] > 20
    assert not contrast["bad"], contrast["bad"]
