"""Playwright fixtures: one real server (started as `make run` starts it) and Debian's chromium.

The browser tests run against SQLite only: they exercise the pages, and every API call the pages make
is covered on SQLite and PostgreSQL by the API tests. One server with the demo data serves the whole
browser session, which keeps the added CI time small.

The server lives on a pinned date (ONEWINDOW_CLOCK_START, for set-up and serving alike, so the demo
applications are accepted on that date too): Monday 7 December 2026, when stage-one deadlines of 20
working days reach into 2027, a year whose holiday notice is not out yet, so they are provisional (暂定).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.conftest import ADMIN_PASSWORD, SECRET
from tests.live_server import REPO, live_server

DEMO_PASSWORD = "onewindow-demo"
CLOCK_START = "2026-12-07T10:00:00+08:00"
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"


@pytest.fixture(scope="session")
def live_database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The live server's database, for tests that arrange what no page can create on the pinned date."""
    return f"sqlite:///{tmp_path_factory.mktemp('browser-server') / 'browser.db'}"


@pytest.fixture(scope="session")
def live_url(tmp_path_factory: pytest.TempPathFactory, live_database_url: str) -> Iterator[str]:
    """Serve a fresh SQLite database with the demo departments, users and applications."""
    workdir = Path(live_database_url.removeprefix("sqlite:///")).parent
    # Camera sources must sit in an allowed folder: the admin test's image folder is under pytest's temp.
    env = {"ONEWINDOW_SECRET_KEY": SECRET, "ONEWINDOW_ADMIN_PASSWORD": ADMIN_PASSWORD,
           "ONEWINDOW_DEMO_PASSWORD": DEMO_PASSWORD, "ONEWINDOW_CLOCK_START": CLOCK_START,
           "ONEWINDOW_VIDEO_SOURCE_DIRS": str(tmp_path_factory.getbasetemp())}
    with live_server(live_database_url, workdir, env, demo=True, workers=2) as base:
        yield base


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Launch Debian's chromium (scripts/chromium.sh installs it); Playwright's download is unavailable."""
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("chromium is not installed: run scripts/chromium.sh (make test does)")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield chromium
        chromium.close()


# The browser logs every 4xx answer as a console error; a test provokes those on purpose (a refused
# form shows its message), so they are not faults. Anything else logged as an error is.
PROVOKED = re.compile(r"Failed to load resource: the server responded with a status of 4\d\d")


class Faults:
    """What went wrong in a page while a test drove it: uncaught exceptions, console errors, 5xx."""

    def __init__(self, page) -> None:
        self.found: list[str] = []
        page.on("pageerror", lambda exc: self.found.append(f"uncaught: {exc}"))
        page.on("console", lambda msg: msg.type == "error" and not PROVOKED.search(msg.text)
                and self.found.append(f"console: {msg.text}"))
        page.on("response", lambda r: r.status >= 500 and self.found.append(f"{r.status} {r.request.method} {r.url}"))


def _faultless(context, request: pytest.FixtureRequest) -> Iterator[object]:
    page = context.new_page()
    faults = Faults(page)
    yield page
    context.close()
    # A role sent to a page that is not its own is redirected by throwing (session.js): expected there.
    found = [f for f in faults.found if not f.endswith("wrong role") and "login required" not in f]
    if request.node.get_closest_marker("page_faults_expected") is None:
        assert not found, found


@pytest.fixture
def desktop(browser, request: pytest.FixtureRequest) -> Iterator[object]:
    """A desktop-sized page in a fresh context (its own sessionStorage); it must stay free of faults."""
    yield from _faultless(browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN"), request)


@pytest.fixture
def phone(browser, request: pytest.FixtureRequest) -> Iterator[object]:
    """A phone-sized page (390×844) in a fresh context; it must stay free of faults."""
    yield from _faultless(browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN",
                                              device_scale_factor=2, is_mobile=True, has_touch=True), request)


def shot(page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/screenshots/ (kept by CI as the run's output)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def login(page, base: str, username: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the login page and wait for the role's landing page."""
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def api_token(base: str, username: str, password: str = DEMO_PASSWORD) -> str:
    """A bearer token for arranging state over the API (the pages use the same API)."""
    r = requests.post(f"{base}/api/auth/token", json={"username": username, "password": password}, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()["access_token"]
