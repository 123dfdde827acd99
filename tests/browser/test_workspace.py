"""The school workspace in headless Chromium, as a school office uses it: sign in with the
token, add three systems (one biometric), meet the error for a special category item without
an Article 9 condition, save, see the diff, open the journey, download the record of
processing. Each step saves a screenshot under artifacts/screenshots/ (git-ignored). A
keyboard-only pass signs in and adds a system without the mouse; every field has a label.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from api.app import create_app
from graph.db import Database
from graph.settings import Settings
from tests.support.server import serving
from tests.support.workspace import school_token, small_graph

pytestmark = pytest.mark.browser
URN = "100000"  # the school the office works for (one constant: the demo school may move)
OTHER_URN = "100001"  # loaded too, so this module shares the integration tests' graph
Shoot = Callable[[str], None]
UNLABELLED = """() => Array.from(document.querySelectorAll('input, select, textarea'))
  .filter(el => el.type !== 'hidden' && el.offsetParent !== null)
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
  .map(el => el.name || el.id)"""


@pytest.fixture(scope="module")
def graph(
    session_db: Database, shared_data: Path, tmp_path_factory: pytest.TempPathFactory
) -> Database:
    return small_graph(session_db, shared_data, tmp_path_factory, {URN, OTHER_URN})


@pytest.fixture()
def site(graph: Database, neo4j_settings: Settings) -> Iterator[str]:
    graph.driver.execute_query(
        "MATCH (v:MapVersion {urn: $urn}) DETACH DELETE v", urn=URN, database_=graph.database
    )
    with serving(create_app(neo4j_settings)) as base_url:
        yield base_url


def sign_in(page: Page, site: str, secret: str) -> None:
    page.goto(site + "/signin")
    page.get_by_label("Your school's token").fill(secret)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{site}/schools/{URN}/edit")


def add_system(
    page: Page,
    system: str,
    category: str,
    product: str,
    items: list[str],
    basis: str,
    art9: str = "",
) -> None:
    page.goto(page.url.split("?")[0].split("#")[0] + f"?category={category}#row-form")
    page.get_by_label("What the school calls it").fill(system)
    page.get_by_label("Product (type to pick from the catalogue)").fill(product)
    for item in items:
        page.locator(f"input[name='items'][value='{item}']").check()
    page.get_by_label("Lawful basis (UK GDPR Article 6)").select_option(basis)
    page.get_by_label("Article 9 condition", exact=False).fill(art9)
    page.get_by_label("Retention: how long is it kept?").fill("Until the pupil leaves")
    page.get_by_label("Storage: in which country is it kept?").fill("UK")
    page.get_by_label("Title", exact=True).fill("Our privacy notice for pupils")
    page.get_by_label("Date", exact=True).fill("2026-09")
    page.get_by_label("Address (web page)").fill("https://school.example/privacy")
    page.get_by_role("button", name="Add it to the draft").click()


def test_a_school_office_maps_its_school_and_files_the_paperwork(
    graph: Database, site: str, page: Page, shoot: Shoot
) -> None:
    secret = school_token(graph, URN).secret
    sign_in(page, site, secret)
    expect(page.get_by_role("heading", name="a. classroom tools", exact=False)).to_be_visible()
    shoot("workspace-01-signed-in")

    add_system(
        page,
        "Our MIS",
        "mis",
        "product:sims",
        ["pupil.identity.name", "pupil.contact.postcode"],
        "UK GDPR Article 6(1)(e) public task",
    )
    expect(page.locator("#ws-message")).to_contain_text("Added “Our MIS”")
    add_system(
        page,
        "Homework app",
        "classroom_tools",
        "product:sims-teacher-app",
        ["pupil.identity.name"],
        "UK GDPR Article 6(1)(e) public task",
    )
    # the biometric row without its Article 9 condition: the error sits at its field
    add_system(
        page,
        "Canteen tills",
        "school_estate_technology",
        "product:biometric-cashless-catering-unnamed",
        ["pupil.biometric.fingerprint_template"],
        "UK GDPR Article 6(1)(a) consent",
    )
    error = page.locator("#err-art9_condition")
    expect(error).to_contain_text("no Article 9 condition")
    expect(page.locator("#biometric-reminder")).to_contain_text("Protection of Freedoms Act 2012")
    expect(page.locator("#f-art9_condition")).to_have_attribute("aria-invalid", "true")
    shoot("workspace-02-art9-error")
    page.get_by_label("Article 9 condition", exact=False).fill("9(2)(a) explicit consent")
    page.get_by_role("button", name="Add it to the draft").click()
    expect(page.locator("#ws-message")).to_contain_text("Added “Canteen tills”")
    expect(page.locator("#dpia-flags")).to_contain_text("biometric data")
    shoot("workspace-03-three-systems")

    page.get_by_role("button", name="Save the map").click()
    expect(page).to_have_url(f"{site}/schools/{URN}/history")
    expect(page.locator("#ws-message")).to_contain_text("Protection of Freedoms Act 2012")
    diff = page.locator("#diff")
    for system in ("Our MIS", "Homework app", "Canteen tills"):
        expect(diff.locator("ul.added")).to_contain_text(system)
    shoot("workspace-04-diff")

    with page.expect_download() as download:
        page.locator("#ropa-csv").click()
    ropa = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "Canteen tills" in ropa and "Our MIS" in ropa

    page.get_by_label("Data item in the map").select_option("pupil.contact.postcode")
    page.get_by_role("button", name="Show the journey").click()
    expect(page).to_have_url(f"{site}/journey?from={URN}&item=pupil.contact.postcode")
    reached = page.locator("table tbody").first
    expect(reached).to_contain_text("SIMS", timeout=60_000)  # the map's MIS is on the way
    shoot("workspace-05-journey")


def test_keyboard_only_sign_in_and_add_and_every_field_has_a_label(
    graph: Database, site: str, page: Page, shoot: Shoot
) -> None:
    secret = school_token(graph, URN).secret
    page.goto(site + "/signin")
    assert page.evaluate(UNLABELLED) == []
    page.keyboard.press("Tab")  # the skip link, then the site's navigation ...
    for _ in range(40):
        if page.evaluate("document.activeElement.id") == "token":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "token"
    page.keyboard.type(secret)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{site}/schools/{URN}/edit")
    assert page.evaluate(UNLABELLED) == []

    page.locator("#f-system").focus()
    page.keyboard.type("Paper registers")
    page.keyboard.press("Tab")  # category
    page.keyboard.type("c. paper")  # a select picks the option by typing
    page.keyboard.press("Tab")  # product
    page.keyboard.type("product:sims")
    page.keyboard.press("Tab")  # the item filter (JavaScript on)
    page.keyboard.type("Name")
    name_box = page.locator("input[name='items'][value='pupil.identity.name']")
    name_box.focus()
    page.keyboard.press("Space")
    expect(name_box).to_be_checked()
    page.locator("#f-lawful_basis").focus()
    page.keyboard.type("UK GDPR Article 6(1)(e)")
    page.locator("#f-evidence_title").focus()
    page.keyboard.type("Our privacy notice")
    page.keyboard.press("Enter")  # submits the form it is in
    expect(page.locator("#ws-message")).to_contain_text("Added “Paper registers”")
    expect(page.locator("section[data-category='paper_records'] tbody")).to_contain_text(
        "Paper registers"
    )
    shoot("workspace-06-keyboard")
