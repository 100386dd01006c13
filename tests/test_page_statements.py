"""Each page, with the API calls its module makes on opening, costs a bounded number of SQL statements,
and that number does not grow with the data: the worklist with 10,000 open tasks costs what it costs
with one.

A count is exact where a timing flakes with the machine's load; the 300 ms page budget is measured by
`make bench` (bench/page_bench.py), which prints each page's server time beside a no-work request.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import insert

from api.wiring import db
from engine.models import TaskRecord
from tests.conftest import Api
from tests.sql_statements import counted
from tests.test_joint_approval_api import APPLICATION, start

# The account cache expires on the wall clock; a re-read of the caller's account in the middle of a
# measurement (a loaded machine) would be counted as the page's, so accounts are remembered for a minute.
pytestmark = pytest.mark.app_settings(ONEWINDOW_ACCOUNT_CACHE_SECONDS="60")

# The most statements any applicant or staff page may cost when it opens (page shell plus its calls).
# Today's heaviest is the work page: the instance with its tasks, history and materials, and the diagram.
PAGE_BUDGET = 40



def page_statements(api: Api, app: Flask, user: str | None, urls: list[str]) -> int:
    """Statements to serve the page and its opening calls, warm (token signed beforehand, outside)."""
    headers = {"Authorization": f"Bearer {api.login(user)}"} if user else {}

    def serve() -> None:
        for url in urls:
            r = api.client.get(url, headers=headers)
            assert r.status_code == 200, (url, r.status_code, r.get_data(as_text=True)[:300])
            r.close()

    serve()  # warm: the per-process caches (definitions, calendar) are not what is being counted
    with counted(app) as statements:
        serve()
    return len(statements)


def _front_pages(first: dict, second: dict) -> dict[str, tuple[str | None, list[str]]]:
    code, iid = first["query_code"], first["id"]
    return {
        "/": (None, ["/"]),
        "/login": (None, ["/login"]),
        "/track": (None, ["/track"]),
        "/track/<code>": (None, [f"/track/{code}", f"/api/public/track/{code}", f"/api/public/track/{code}/diagram"]),
        "/window": ("window1", ["/window", "/api/definitions", "/ui/session"]),
        "/window/receipt/<id>": ("window1", [f"/window/receipt/{iid}", f"/api/instances/{iid}",
                                             f"/track/{code}/qr.svg"]),
        "/worklist": ("zrzy_reviewer", ["/worklist", "/api/tasks?sort=due_at&page=1&per_page=50"]),
        "/worklist/<id>": ("zrzy_reviewer", [f"/worklist/{second['id']}", f"/api/instances/{second['id']}",
                                             "/api/definitions/investment_joint_approval/versions/1/xml"]),
        "/board": ("fgw_lead", ["/board", "/api/instances/lead-board"]),
    }


def test_front_pages_cost_a_bounded_number_of_statements_that_does_not_grow_with_applications(
        api: Api, app: Flask) -> None:
    first = start(api)
    second = start(api, {**APPLICATION, "project": {**APPLICATION["project"], "name": "城东污水处理厂提标改造工程"}})
    pages = _front_pages(first, second)
    before = {name: page_statements(api, app, user, urls) for name, (user, urls) in pages.items()}
    print("statements per page:", before)
    heavy = {name: n for name, n in before.items() if n > PAGE_BUDGET}
    assert not heavy, heavy
    for n in range(5):  # five more applications in the same departments' worklists and the lead's board
        start(api, {**APPLICATION, "project": {**APPLICATION["project"], "name": f"第{n + 3}个项目"}})
    after = {name: page_statements(api, app, user, urls) for name, (user, urls) in pages.items()}
    assert after == before, {name: (before[name], after[name]) for name in pages if after[name] != before[name]}


def _insert(app: Flask, rows: list[dict]) -> None:
    with app.app_context():
        db.session.execute(insert(TaskRecord), rows)
        db.session.commit()
        db.session.remove()


def test_the_worklist_costs_the_same_statements_with_1000_and_10000_open_tasks(api: Api, app: Flask, clock) -> None:
    instance = start(api)
    pages = {
        "worklist page 1": ["/worklist", "/api/tasks?sort=due_at&page=1&per_page=50"],
        "latest due first": ["/api/tasks?sort=-due_at&page=1&per_page=50"],
        "page 20": ["/api/tasks?sort=due_at&page=20&per_page=50"],
        "red only": ["/api/tasks?warning=red&per_page=50"],
    }
    now = clock.now()
    rows = [{"id": str(uuid.uuid4()), "instance_id": instance["id"], "definition_key": "investment_joint_approval",
             "bpmn_id": "s1_zrzy_review", "name": "自然资源和规划局审查（立项用地规划许可）",
             "department_code": "zrzy", "status": "claimed" if i % 3 == 0 else "ready",
             "assignee": "zrzy_reviewer" if i % 3 == 0 else None,
             "created_at": now - timedelta(minutes=i), "due_at": now + timedelta(hours=(i * 37) % 2000 - 300),
             "limit_days": 20, "warning_level": ("green", "yellow", "red")[i % 3]} for i in range(10_000)]
    _insert(app, rows[:1_000])  # enough that every page measured has rows
    before = {name: page_statements(api, app, "zrzy_reviewer", urls) for name, urls in pages.items()}
    _insert(app, rows[1_000:])
    first = api.get("/api/tasks", "zrzy_reviewer", query_string={"per_page": 50}).get_json()
    assert first["total"] == 10_001 and len(first["items"]) == 50
    dues = [t["due_at"] for t in first["items"]]
    assert dues == sorted(dues)
    last = api.get("/api/tasks", "zrzy_reviewer", query_string={"per_page": 50, "page": 201}).get_json()
    assert len(last["items"]) == 1
    with counted(app) as statements:
        assert api.get("/api/tasks?per_page=50", "zrzy_reviewer").status_code == 200
    listing = [s for s in statements if "FROM task" in s or "FROM \"task" in s]
    assert listing and all("LIMIT" in s.upper() for s in listing if "count(" not in s.lower()), listing
    after = {name: page_statements(api, app, "zrzy_reviewer", urls) for name, urls in pages.items()}
    assert after == before, (before, after)
