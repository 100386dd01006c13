"""Extensions through the HTTP API: request, decide once, and the due time (row and engine timer) moves."""

from __future__ import annotations

from datetime import datetime

from flask import Flask

from engine.workdays import FixedClock
from tests.conftest import Api
from tests.test_clock_stops import ORIGINAL_DUE, WEDNESDAY, detail, move_clock, task_of, timer_row
from tests.test_joint_approval_api import complete, start

# 5 working days after Thu 2026-10-22: Fri 10-23, Mon 10-26, Tue 10-27, Wed 10-28, Thu 10-29.
EXTENDED_DUE = "2026-10-29T17:30:00+08:00"


def request(api: Api, user: str, task_id: str, days: int = 5, reason: str = "需补充现场核查") -> dict:
    r = api.post(f"/api/tasks/{task_id}/extensions", user, json={"working_days": days, "reason": reason})
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def decide(api: Api, user: str, extension_id: int, approve: bool, reason: str | None = "同意延期") -> object:
    return api.post(f"/api/extensions/{extension_id}/decision", user, json={"approve": approve, "reason": reason})


def test_approved_extension_moves_due_and_timer(app: Flask, api: Api) -> None:
    inst = start(api)
    task = task_of(api, "sthj_reviewer", inst["id"])
    ext = request(api, "sthj_reviewer", task["id"])
    assert ext["status"] == "pending" and ext["working_days"] == 5 and ext["requested_by"] == "sthj_reviewer"

    again = api.post(f"/api/tasks/{task['id']}/extensions", "sthj_reviewer",
                     json={"working_days": 3, "reason": "再延"})
    assert again.status_code == 409 and "已有一份待审批的延期申请" in again.get_json()["error"]["message"]
    assert decide(api, "sthj_reviewer", ext["id"], True).status_code == 403  # not the head
    assert decide(api, "window1", ext["id"], True).status_code == 403
    assert api.get("/api/extensions", "sthj_head").get_json()["items"][0]["id"] == ext["id"]
    assert api.get("/api/extensions", "jiancha").get_json()["items"][0]["id"] == ext["id"]  # watches

    r = decide(api, "sthj_head", ext["id"], True)
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["status"] == "approved" and r.get_json()["decided_by"] == "sthj_head"
    assert task_of(api, "sthj_reviewer", inst["id"])["due_at"] == EXTENDED_DUE
    assert timer_row(app, task["id"]).due_at == datetime.fromisoformat(EXTENDED_DUE)

    twice = decide(api, "sthj_head", ext["id"], False, "重复")
    assert twice.status_code == 409 and "已批准，不能重复审批" in twice.get_json()["error"]["message"]
    beyond = api.post(f"/api/tasks/{task['id']}/extensions", "sthj_reviewer",
                      json={"working_days": 2, "reason": "还要延"})
    assert beyond.status_code == 409 and "已达到允许的最多次数" in beyond.get_json()["error"]["message"]

    listed = api.get(f"/api/tasks/{task['id']}/extensions", "sthj_reviewer")
    assert listed.status_code == 200 and [e["status"] for e in listed.get_json()["items"]] == ["approved"]
    assert api.get(f"/api/tasks/{task['id']}/extensions", "jiancha").status_code == 200
    assert api.get(f"/api/tasks/{task['id']}/extensions", "sw_reviewer").status_code == 403
    body = detail(api, inst["id"])
    assert [e["status"] for e in body["extensions"]] == ["approved"]
    actions = [e["action"] for e in body["history"]]
    assert actions.count("extension.requested") == 1 and actions.count("extension.approved") == 1
    approved = next(e for e in body["history"] if e["action"] == "extension.approved")
    assert approved["details"]["working_days"] == 5 and approved["task_id"] == task["id"]


def test_refused_extension_changes_nothing(app: Flask, api: Api) -> None:
    inst = start(api)
    task = task_of(api, "sw_reviewer", inst["id"])
    ext = request(api, "sw_reviewer", task["id"], days=3)
    no_reason = decide(api, "sw_head", ext["id"], False, None)
    assert no_reason.status_code == 422
    assert no_reason.get_json()["error"]["details"]["problems"][0]["field"] == "reason"
    r = decide(api, "sw_head", ext["id"], False, "理由不充分")
    assert r.status_code == 200 and r.get_json()["status"] == "refused"
    assert task_of(api, "sw_reviewer", inst["id"])["due_at"] == ORIGINAL_DUE
    assert timer_row(app, task["id"]).due_at == datetime.fromisoformat(ORIGINAL_DUE)
    assert decide(api, "sw_head", ext["id"], True).status_code == 409
    assert "extension.refused" in [e["action"] for e in detail(api, inst["id"])["history"]]
    # A refusal does not use up the allowance: the department may ask again.
    request(api, "sw_reviewer", task["id"], days=2)


def test_only_the_departments_own_head_decides_its_request(api: Api) -> None:
    inst = start(api)
    task = task_of(api, "zrzy_reviewer", inst["id"])
    ext = request(api, "zrzy_reviewer", task["id"])
    # Another unit's head, the lead departments' coordinators and the bureau all get 403.
    for user in ("sthj_head", "fgw_lead", "zrzy_lead", "jiancha", "admin"):
        assert decide(api, user, ext["id"], True).status_code == 403, user
    assert ext["id"] not in [e["id"] for e in api.get("/api/extensions", "sthj_head").get_json()["items"]]
    assert decide(api, "zrzy_head", ext["id"], True).status_code == 200
    assert decide(api, "zrzy_head", 999_999, True).status_code == 404


def test_bad_extension_requests(api: Api) -> None:
    inst = start(api)
    task = task_of(api, "jt_reviewer", inst["id"])
    url = f"/api/tasks/{task['id']}/extensions"
    for days in (0, 400, -1):
        r = api.post(url, "jt_reviewer", json={"working_days": days, "reason": "x"})
        assert r.status_code == 422, days
        assert r.get_json()["error"]["details"]["problems"][0]["field"] == "working_days"
    assert api.post(url, "jt_reviewer", json={"working_days": "5", "reason": "x"}).status_code == 400
    assert api.post(url, "jt_reviewer", json={"working_days": 5}).status_code == 400
    assert api.post(url, "jt_reviewer", json={"working_days": 5, "reason": " "}).status_code == 422
    assert api.post(url, "sw_reviewer", json={"working_days": 400, "reason": "x"}).status_code == 403
    complete(api, "jt_reviewer", task["id"])
    done = api.post(url, "jt_reviewer", json={"working_days": 5, "reason": "x"})
    assert done.status_code == 409 and "已办结" in done.get_json()["error"]["message"]
    assert api.get(url, "jt_reviewer").get_json()["items"] == []  # nothing was stored


def test_extension_approved_while_paused_survives_the_resume(app: Flask, api: Api, clock: FixedClock) -> None:
    inst = start(api)
    task = task_of(api, "jt_reviewer", inst["id"])
    assert api.post(f"/api/tasks/{task['id']}/pause", "jt_reviewer",
                    json={"kind": "public_notice", "reason": "公示"}).status_code == 200
    ext = request(api, "jt_reviewer", task["id"])
    assert decide(api, "jt_head", ext["id"], True).status_code == 200
    assert task_of(api, "jt_reviewer", inst["id"])["due_at"] == EXTENDED_DUE
    assert timer_row(app, task["id"]).due_at.year == 9999  # still stopped
    move_clock(api, clock, WEDNESDAY)
    assert api.post(f"/api/tasks/{task['id']}/resume", "jt_reviewer").status_code == 200
    # 5 extension days then 4 paused days after Thu 10-22: 10-23, 26, 27, 28, 29, 30, 11-02, 03, 04.
    expected = "2026-11-04T17:30:00+08:00"
    assert task_of(api, "jt_reviewer", inst["id"])["due_at"] == expected
    assert timer_row(app, task["id"]).due_at == datetime.fromisoformat(expected)



def test_extension_rules_come_from_settings(database_url: str, tmp_path) -> None:
    from tests.conftest import Api, another_app

    with another_app(database_url, tmp_path / "instance", ONEWINDOW_EXTENSION_MAX_WORKING_DAYS="3") as app:
        api = Api(app.test_client())
        api.post("/api/instances", "window1", json={
            "definition_key": "investment_joint_approval",
            "project": {"name": "p", "code": "c", "investment": 1}, "applicant": {"name": "a", "contact": "b"}})
        task = api.get("/api/tasks", "sthj_reviewer").get_json()["items"][0]
        url = f"/api/tasks/{task['id']}/extensions"
        assert api.post(url, "sthj_reviewer", json={"working_days": 4, "reason": "x"}).status_code == 422
        assert api.post(url, "sthj_reviewer", json={"working_days": 3, "reason": "x"}).status_code == 201
