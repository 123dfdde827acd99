"""Browser-test fixtures: the app served by uvicorn on a free loopback port over the bundled
graph, and Debian's chromium driven through Playwright (never a downloaded browser).

Every request the browser makes is recorded, so tests can check that nothing leaves
127.0.0.1.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fastapi import FastAPI
from playwright.sync_api import Browser, Page, sync_playwright

from api.app import create_app
from graph.db import Database
from graph.settings import Settings
from tests.support.server import serving

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


@pytest.fixture()
def app(bundled: Database, neo4j_settings: Settings) -> FastAPI:
    """The real app over the bundled graph (tests may add a route before it is served)."""
    return create_app(neo4j_settings)


@pytest.fixture()
def site(app: FastAPI) -> Iterator[str]:
    with serving(app) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (make setup does)")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Recorder:
    """The URLs the page asked for, and the JavaScript errors it raised."""

    def __init__(self) -> None:
        self.urls: list[str] = []
        self.errors: list[str] = []

    def outside_hosts(self) -> set[str]:
        hosts = {urlsplit(u).hostname for u in self.urls if not u.startswith(("data:", "blob:"))}
        return {h or "?" for h in hosts} - {"127.0.0.1"}


@pytest.fixture()
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture()
def page(browser: Browser, recorder: Recorder) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    tab.on("request", lambda r: recorder.urls.append(r.url))
    tab.on("pageerror", lambda e: recorder.errors.append(str(e)))
    tab.set_default_timeout(30_000)
    yield tab
    context.close()
    assert not recorder.errors, f"JavaScript errors: {recorder.errors}"
    assert not recorder.outside_hosts(), f"requests left loopback: {recorder.outside_hosts()}"


@pytest.fixture()
def shoot(page: Page) -> Callable[[str], None]:
    """Save a screenshot of the page as artifacts/screenshots/NAME.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> None:
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)

    return take
