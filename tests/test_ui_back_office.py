"""Back-office pages (supervision, designer, admin): each renders in Chinese with what it loads.

A page is a Jinja shell whose ES module then calls the JSON API, so a page's cost is the shell plus
the API calls it makes on opening; its SQL statements are counted on the demo data (three
applications, one of them six weeks late, swept so the bureau has red tasks and deadline alerts).
`make bench` times the same pages.
"""

from __future__ import annotations

import json
import re

import pytest
from flask import Flask

from api.cli import seed_demo_applications
from api.scheduler import sweep_supervision, sweep_timers, sweep_warnings
from api.wiring import db
from tests.conftest import Api
from tests.test_joint_approval_api import APPLICATION, start
from tests.test_page_statements import PAGE_BUDGET, page_statements

# The account cache expires on the wall clock; a re-read of the caller's account in the middle of a
# measurement (a loaded machine) would be counted as the page's, so accounts are remembered for a minute.
pytestmark = pytest.mark.app_settings(ONEWINDOW_ACCOUNT_CACHE_SECONDS="60")

YEAR = 2026

# page -> (user, the API calls its module makes when it opens)
PAGES: dict[str, tuple[str, list[str]]] = {
    "/supervision": ("jiancha", ["/api/supervision/board", "/api/supervision/charts?days=30&months=12",
                                 "/api/admin/departments", "/api/definitions"]),
    "/supervision/alerts": ("jiancha", ["/api/supervision/alerts?page=1&per_page=30"]),
    "/supervision/alerts/1": ("jiancha", ["/api/supervision/alerts/1", "/api/instances/{instance}",
                                          "/api/supervision/accountability/ladder"]),
    "/supervision/orders": ("jiancha", ["/api/supervision/orders?page=1&per_page=30", "/api/supervision/cards"]),
    "/supervision/complaints": ("jiancha", ["/api/supervision/complaints?page=1&per_page=30"]),
    # the chain check walks every audit log: it runs on its button, not when the page opens
    "/supervision/accountability": ("jiancha", ["/api/supervision/accountability?page=1&per_page=30"]),
    "/supervision/scores": ("jiancha", [f"/api/supervision/scores?period={YEAR}-11"]),
    "/designer": ("designer", ["/api/definitions", "/api/definitions/drafts"]),
    "/designer/new": ("designer", []),
    "/designer/investment_joint_approval/edit": ("designer", [
        "/api/definitions/investment_joint_approval",
        "/api/definitions/investment_joint_approval/versions/1/xml"]),
    "/designer/investment_joint_approval": ("designer", ["/api/definitions/investment_joint_approval"]),
    "/admin": ("admin", ["/api/admin/departments", "/api/admin/users"]),
    "/admin/calendar": ("admin", ["/api/admin/calendar/status", f"/api/admin/calendar/{YEAR}"]),
    "/admin/cameras": ("admin", ["/api/cameras"]),
    "/admin/incidents": ("admin", ["/api/definitions", "/api/admin/incidents"]),
    "/admin/archive": ("admin", ["/api/admin/departments"]),
}



def _strings(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="strings">(.*?)</script>', html, re.S)
    assert match, "every page hands its strings to its ES module"
    return json.loads(match.group(1))


@pytest.fixture
def demo(app: Flask) -> dict[str, int]:
    """The demo applications, swept once as the scheduler would, and the late one's alert."""
    with app.app_context():
        seed_demo_applications()
        db.session.remove()
    sweep_timers(app)
    sweep_warnings(app)
    sweep_supervision(app)
    with app.app_context():
        from monitor.models import Alert

        alert = db.session.get(Alert, 1)
        assert alert is not None and alert.source == "deadline", "the demo should raise a deadline alert"
        instance = alert.instance_id
        db.session.remove()
    return {"instance": instance}


def test_every_page_costs_a_bounded_number_of_statements_that_does_not_grow_with_the_data(
        app: Flask, api: Api, demo: dict[str, int]) -> None:
    pages = {page: (user, [page, *(call.format(**demo) for call in calls)]) for page, (user, calls) in PAGES.items()}
    before = {page: page_statements(api, app, user, urls) for page, (user, urls) in pages.items()}
    print("statements per page:", before)
    heavy = {page: n for page, n in before.items() if n > PAGE_BUDGET}
    assert not heavy, heavy
    for n in range(3):  # more applications, more late tasks, more alerts for the lists to show
        start(api, {**APPLICATION, "project": {**APPLICATION["project"], "name": f"第{n + 4}个项目"}})
    sweep_timers(app)
    sweep_warnings(app)
    sweep_supervision(app)
    after = {page: page_statements(api, app, user, urls) for page, (user, urls) in pages.items()}
    assert after == before, {page: (before[page], after[page]) for page in pages if after[page] != before[page]}


def test_pages_render_in_chinese_with_their_module_and_strings(api: Api) -> None:
    for page in PAGES:
        html = api.get(page).get_data(as_text=True)
        assert 'lang="zh-CN"' in html and "/static/css/back_office.css" in html, page
        t = _strings(html)
        assert t["title"] and re.search(r"[\u4e00-\u9fff]", t["title"]), page
        assert re.search(r'<script type="module" src="/static/js/pages/(supervision|designer|admin)/\w+\.js">',
                         html), page


def test_roles_land_on_their_back_office_page(api: Api) -> None:
    assert api.get("/ui/session", "jiancha").get_json()["landing"] == "/supervision"
    assert api.get("/ui/session", "designer").get_json()["landing"] == "/designer"
    assert api.get("/ui/session", "admin").get_json()["landing"] == "/admin"


def test_static_modules_and_vendor_bundles_are_served(api: Api) -> None:
    paths = ["/static/js/pages/supervision/board.js", "/static/js/pages/designer/modeler.js",
             "/static/js/pages/admin/cameras.js", "/static/css/back_office.css"]
    for path in paths:
        r = api.get(path)
        assert r.status_code == 200, path
        r.close()
