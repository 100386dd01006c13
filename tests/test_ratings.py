"""Ratings (好差评): an applicant grades a completed approval once by query code; a bad review opens a
call-back (1 working day) and a fix (15 working days) for the department that finished it, and an alert.
"""

from __future__ import annotations

from datetime import UTC, datetime

from engine.models import TaskRecord
from engine.workdays import SHANGHAI, FixedClock
from monitor.models import handling_department
from tests.bpmn_builder import parallel_review
from tests.conftest import START, Api

APPLICANT = {"name": "杭州示范建设有限公司", "contact": "0571-88000000"}


def _beijing(*args: int) -> datetime:
    """An instant given as Beijing wall time."""
    return datetime(*args, tzinfo=SHANGHAI)


def _start_small(api: Api) -> dict:
    r = api.post("/api/instances", "window1", json={"definition_key": "small_review", "applicant": APPLICANT,
                                                    "project": {"name": "滨江项目", "code": "p-1", "investment": 1}})
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def _complete(api: Api, user: str, instance_id: int, decision: str = "approve") -> None:
    items = api.get("/api/tasks", user).get_json()["items"]
    task = next(t for t in items if t["instance_id"] == instance_id)
    r = api.post(f"/api/tasks/{task['id']}/complete", user, json={"decision": decision, "opinion": "同意"})
    assert r.status_code == 200, r.get_json()


def _completed_approval(api: Api, clock: FixedClock) -> dict:
    """Run small_review (sthj and sw review in parallel, fgw decides) to its end on Thu 2026-09-17."""
    clock.set(_beijing(2026, 9, 17, 9, 0))
    started = _start_small(api)
    clock.set(_beijing(2026, 9, 17, 11, 0))
    _complete(api, "sthj_reviewer", started["id"])
    _complete(api, "sw_reviewer", started["id"])
    clock.set(_beijing(2026, 9, 17, 15, 0))
    _complete(api, "fgw_lead", started["id"])
    return started


def _deploy(api: Api) -> None:
    r = api.post("/api/definitions", "designer", data=parallel_review(), content_type="application/xml")
    assert r.status_code == 201, r.get_json()


def test_a_bad_review_opens_a_call_back_and_a_fix_for_the_deciding_department(api: Api, clock: FixedClock) -> None:
    _deploy(api)
    started = _completed_approval(api, clock)
    assert api.get(f"/api/instances/{started['id']}", "jiancha").get_json()["status"] == "completed"
    clock.set(START)  # Friday 2026-09-18 10:00 in Beijing
    r = api.post(f"/api/public/ratings/{started['query_code'].lower()}", json={"grade": 2, "comment": "等了很久"})
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["bad_review"] is True and body["grade"] == 2 and body["comment"] == "等了很久"
    assert body["rated_at"] == "2026-09-18T10:00:00+08:00"
    # 1 working day after Fri 09-18 is Sun 09-20, an adjusted working weekend (调休) before Mid-Autumn.
    assert body["callback_due"] == "2026-09-20T17:30:00+08:00"

    # Once per approval.
    again = api.post(f"/api/public/ratings/{started['query_code']}", json={"grade": 5})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "conflict"

    # The fgw lead's decision finished the approval, so fgw owns the follow-ups.
    r = api.get("/api/supervision/follow-ups", "fgw_reviewer")
    assert r.status_code == 200
    items = r.get_json()["items"]
    assert [(f["kind"], f["department"], f["due_at"]) for f in items] == [
        ("callback", "fgw", "2026-09-20T17:30:00+08:00"),
        # 15 working days after 09-18: 09-20 (1), 21-24 (2-5), 25 Mid-Autumn off, 28-30 (6-8),
        # 10-01..07 National Day off, 10-08 (9), 10-09 (10), Sat 10-10 adjusted (11), 10-12..15 (12-15).
        ("fix", "fgw", "2026-10-15T17:30:00+08:00"),
    ]
    assert items[0]["grade"] == 2 and items[0]["instance_id"] == started["id"] and items[0]["overdue"] is False
    assert "query_code" not in items[0] and "applicant_contact" not in items[0]
    assert api.get("/api/supervision/follow-ups", "sthj_reviewer").get_json()["items"] == []
    assert api.get("/api/supervision/follow-ups", "sthj_reviewer",
                   query_string={"department": "fgw"}).status_code == 403
    assert api.get("/api/supervision/follow-ups", "jiancha").get_json()["total"] == 2
    assert api.get("/api/supervision/follow-ups", "designer").status_code == 403
    assert api.get("/api/supervision/follow-ups").status_code == 401

    # One yellow rule alert about fgw for the bureau.
    alerts = api.get("/api/supervision/alerts", "jiancha", query_string={"source": "rule"}).get_json()["items"]
    assert [(a["kind"], a["level"], a["department"], a["instance_id"]) for a in alerts] == [
        ("bad_review", "yellow", "fgw", started["id"])]
    assert alerts[0]["details"]["grade"] == 2 and alerts[0]["details"]["fix_due"] == "2026-10-15T17:30:00+08:00"

    # The department calls back (the next day), once; others cannot close its follow-up.
    callback = items[0]["id"]
    clock.set(_beijing(2026, 9, 19, 9, 0))
    assert api.post(f"/api/supervision/follow-ups/{callback}/done", "sthj_reviewer",
                    json={"note": "x"}).status_code == 404
    assert api.post(f"/api/supervision/follow-ups/{callback}/done", "jiancha", json={"note": "x"}).status_code == 403
    assert api.post(f"/api/supervision/follow-ups/{callback}/done", "fgw_lead", json={"note": ""}).status_code == 400
    r = api.post(f"/api/supervision/follow-ups/{callback}/done", "fgw_lead", json={"note": "已电话回访，说明延误原因"})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["done_at"] == "2026-09-19T09:00:00+08:00" and r.get_json()["done_by"] == "fgw_lead"
    assert api.post(f"/api/supervision/follow-ups/{callback}/done", "fgw_lead",
                    json={"note": "again"}).status_code == 409
    assert api.post("/api/supervision/follow-ups/999999/done", "fgw_lead", json={"note": "x"}).status_code == 404

    # Past the fix deadline an open follow-up shows as overdue; `open` filters the done ones out.
    clock.set(_beijing(2026, 10, 16, 9, 0))
    open_items = api.get("/api/supervision/follow-ups", "jiancha", query_string={"open": "true"}).get_json()["items"]
    assert [(f["kind"], f["overdue"]) for f in open_items] == [("fix", True)]


def test_only_a_completed_approval_can_be_rated_and_unknown_codes_look_like_tracking(
        api: Api, clock: FixedClock) -> None:
    _deploy(api)
    running = _start_small(api)
    r = api.post(f"/api/public/ratings/{running['query_code']}", json={"grade": 1})
    assert r.status_code == 409
    assert api.get("/api/supervision/follow-ups", "jiancha").get_json()["total"] == 0

    tracked_unknown = api.get("/api/public/track/ZZZZZZZZZZZZ")
    for code in ("ZZZZZZZZZZZZ", "not-a-code", "0000"):
        r = api.post(f"/api/public/ratings/{code}", json={"grade": 4})
        assert r.status_code == 404
        assert r.get_json() == tracked_unknown.get_json()

    for bad in ({"grade": 0}, {"grade": 6}, {"grade": "5"}, {"grade": 4.5}, {}, {"grade": 5, "comment": "长" * 1001}):
        assert api.post(f"/api/public/ratings/{running['query_code']}", json=bad).status_code == 400, bad


def test_a_good_review_opens_nothing(api: Api, clock: FixedClock) -> None:
    _deploy(api)
    started = _completed_approval(api, clock)
    assert api.get(f"/api/public/track/{started['query_code']}").get_json()["rating"] is None
    r = api.post(f"/api/public/ratings/{started['query_code']}", json={"grade": 3, "comment": "  "})
    assert r.status_code == 201
    # The tracking page learns it was rated, so it offers the rating no more.
    assert api.get(f"/api/public/track/{started['query_code']}").get_json()["rating"] == {
        "grade": 3, "rated_at": r.get_json()["rated_at"]}
    assert r.get_json()["bad_review"] is False and r.get_json()["callback_due"] is None
    assert r.get_json()["comment"] is None
    assert api.get("/api/supervision/follow-ups", "jiancha").get_json()["total"] == 0
    assert api.get("/api/supervision/alerts", "jiancha", query_string={"source": "rule"}).get_json()["items"] == []


def _task(bpmn_id: str, department: str, created: int, completed: int | None) -> TaskRecord:
    return TaskRecord(id=bpmn_id, bpmn_id=bpmn_id, department_code=department, status="completed" if completed
                      else "ready", created_at=datetime(2026, 9, 1, created, tzinfo=UTC),
                      completed_at=datetime(2026, 9, 2, completed, tzinfo=UTC) if completed else None)


def test_the_handling_department_is_the_last_to_finish_and_the_lead_wins_a_tie() -> None:
    assert handling_department([]) is None
    assert handling_department([_task("s1_sw_review", "sw", 1, None)]) is None
    assert handling_department([_task("s1_sw_review", "sw", 1, 5), _task("s1_jt_review", "jt", 1, 3)]) == "sw"
    tie = [_task("s1_sw_review", "sw", 3, 5), _task("s1_lead_decide", "fgw", 1, 5), _task("s1_jt_review", "jt", 2, 5)]
    assert handling_department(tie) == "fgw"
    assert handling_department(tie[::2]) == "sw"  # no lead step: the task created last
