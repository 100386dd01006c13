"""The calendar's edge: provisional years, recomputation on every calendar change, incidents.

The clock is pinned at 2026-12-07 10:00 Beijing, when the official 2027 notice is not loaded yet.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import chinese_calendar
import holidays
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from api.wiring import db
from engine.models import AuditEvent, TaskRecord, TimerRecord
from engine.provisional_calendar import statutory_holidays
from engine.workdays import SHANGHAI, FixedClock, days_of_year
from tests.bpmn_builder import parallel_review
from tests.conftest import Api

URL = "/api/admin/calendar"
DEC_7 = datetime(2026, 12, 7, 10, 0, tzinfo=SHANGHAI)
CLOSE = time(17, 30)


# --- the provisional rule against the law -----------------------------------------------------------

LAW = {"元旦": 1, "春节": 4, "清明节": 1, "劳动节": 2, "端午节": 1, "中秋节": 1, "国庆节": 3}
"""Days off per festival under the national holiday regulation in force from 2025 (春节 counts 除夕)."""


def test_statutory_days_follow_the_regulation_for_years_to_come() -> None:
    for year in range(2027, 2041):
        days = statutory_holidays(year)
        counted: dict[str, int] = {}
        for names in days.values():
            for name in names.split("、"):
                counted[name] = counted.get(name, 0) + 1
        assert counted == LAW, (year, counted)
        assert days[date(year, 1, 1)] == "元旦" and days[date(year, 5, 1)] == days[date(year, 5, 2)] == "劳动节"
        assert all(days[date(year, 10, d)].startswith(("国庆节", "中秋节")) for d in (1, 2, 3))


def test_statutory_days_are_days_off_in_the_official_years_we_know() -> None:
    # chinese_calendar has the State Council's notices for 2025 and 2026 (the regulation's new form).
    for year in (2025, 2026):
        for day in statutory_holidays(year):
            assert not chinese_calendar.is_workday(day), day
        assert set(statutory_holidays(year)) <= set(holidays.China(years=year))


# --- deadlines over a provisional year ----------------------------------------------------------------

def _deploy(api: Api, key: str = "edge", due: str = "workdays(limit)") -> None:
    xml = parallel_review(key, ("sthj",), due=due)
    r = api.post("/api/definitions", "designer", data=xml, content_type="application/xml")
    assert r.status_code in (200, 201), r.get_json()


def _start(api: Api, limit: int, key: str = "edge", **extra: Any) -> dict[str, Any]:
    body = {"definition_key": key, "project": {"name": "边界项目", "code": "E-1", "investment": 1},
            "applicant": {"name": "甲", "contact": "1"}, "data": {"limit": limit}, **extra}
    r = api.post("/api/instances", "window1", json=body)
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["status"] == "running" and r.get_json()["incident"] is None
    return r.get_json()


def _review(api: Api, instance_id: int) -> dict[str, Any]:
    tasks = api.get(f"/api/instances/{instance_id}", "jiancha").get_json()["tasks"]
    return next(t for t in tasks if t["bpmn_id"] == "sthj_review")


def _official_2027(changes: dict[date, bool] | None = None) -> dict[str, Any]:
    """2027 as the provisional rule has it, with the notice's differences applied."""
    holidays_2027 = statutory_holidays(2027)
    days = []
    for day in days_of_year(2027):
        flag = (changes or {}).get(day, day.weekday() < 5 and day not in holidays_2027)
        days.append({"date": day.isoformat(), "is_workday": flag, "note": holidays_2027.get(day)})
    return {"days": days}


def test_a_new_application_in_december_runs_with_provisional_deadlines(api: Api, clock: FixedClock) -> None:
    clock.set(DEC_7)
    _deploy(api)
    started = _start(api, 20)
    task = _review(api, started["id"])
    # 18 working days left in December 2026, then 元旦 and a weekend: the 20th is Tuesday 5 January.
    assert task["due_at"] == "2027-01-05T17:30:00+08:00" and task["limit_days"] == 20
    assert task["provisional"] is True
    detail = api.get(f"/api/instances/{started['id']}", "jiancha").get_json()
    assert detail["provisional"] is True and detail["status"] == "running"
    tracked = api.get(f"/api/public/track/{started['query_code']}").get_json()
    assert tracked["provisional"] is True and tracked["tasks"][0]["provisional"] is True
    short = _start(api, 3)
    assert _review(api, short["id"])["provisional"] is False  # within the official 2026


def test_loading_an_official_2027_that_differs_moves_every_open_deadline(
        app: Flask, api: Api, clock: FixedClock) -> None:
    clock.set(DEC_7)
    _deploy(api)
    started = _start(api, 20, shortfall={"documents": ["环评批复"], "deadline_working_days": 20,
                                         "commitment": "承诺二十个工作日内补齐"})
    notice = _official_2027({date(2027, 1, 4): False})  # the notice makes Monday 4 January a holiday too

    dry = api.call("PUT", f"{URL}/2027?dry_run=true", "admin", json=notice)
    assert dry.status_code == 200, dry.get_json()
    assert dry.get_json()["recomputed"]["dry_run"] is True
    assert {d["subject"] for d in dry.get_json()["recomputed"]["deadlines"]} == {"task", "shortfall"}
    assert _review(api, started["id"])["due_at"] == "2027-01-05T17:30:00+08:00"  # nothing stored
    assert api.get(f"{URL}/2027", "admin").get_json()["provisional"] is True

    loaded = api.call("PUT", f"{URL}/2027", "admin", json=notice)
    assert loaded.status_code == 201, loaded.get_json()
    assert loaded.get_json()["recomputed"]["count"] == dry.get_json()["recomputed"]["count"] == 2
    task = _review(api, started["id"])
    assert task["due_at"] == "2027-01-06T17:30:00+08:00" and task["provisional"] is False
    detail = api.get(f"/api/instances/{started['id']}", "jiancha").get_json()
    assert detail["shortfall"]["due_at"] == "2027-01-06T17:30:00+08:00"
    moved = [e for e in detail["history"] if e["action"] == "deadline.recomputed"]
    assert {(e["details"]["subject"], e["details"]["old"][:10], e["details"]["new"][:10]) for e in moved} == {
        ("task", "2027-01-05", "2027-01-06"), ("shortfall", "2027-01-05", "2027-01-06")}
    assert all(e["details"]["reason"] == "导入2027年工作日历" for e in moved)
    with app.app_context():
        timer = db.session.scalar(select(TimerRecord).where(TimerRecord.attached_task_id == task["id"]))
        assert timer is not None and timer.due_at == datetime(2027, 1, 6, 9, 30, tzinfo=UTC)


def test_a_deadline_moved_into_the_past_turns_red_at_once(api: Api, clock: FixedClock) -> None:
    clock.set(datetime(2026, 12, 11, 10, 0, tzinfo=SHANGHAI))  # Friday
    _deploy(api)
    started = _start(api, 1)
    assert _review(api, started["id"])["due_at"] == "2026-12-14T17:30:00+08:00"
    clock.set(datetime(2026, 12, 12, 18, 0, tzinfo=SHANGHAI))  # Saturday evening
    r = api.call("PATCH", f"{URL}/2026/days/2026-12-12", "admin", json={"is_workday": True, "note": "调休上班"})
    assert r.status_code == 200 and r.get_json()["recomputed"]["count"] == 1
    task = _review(api, started["id"])
    assert task["due_at"] == "2026-12-12T17:30:00+08:00" and task["warning_level"] == "red"


def test_a_frozen_deadline_and_a_finished_stop_are_recounted(app: Flask, api: Api, clock: FixedClock) -> None:
    clock.set(DEC_7)
    _deploy(api)
    started = _start(api, 5)
    task = _review(api, started["id"])
    assert task["due_at"] == "2026-12-14T17:30:00+08:00"
    clock.set(datetime(2026, 12, 8, 9, 0, tzinfo=SHANGHAI))
    assert api.post(f"/api/tasks/{task['id']}/pause", "sthj_reviewer",
                    json={"kind": "expert_review", "reason": "专家评审"}).status_code == 200
    clock.set(datetime(2026, 12, 10, 9, 0, tzinfo=SHANGHAI))
    assert api.post(f"/api/tasks/{task['id']}/resume", "sthj_reviewer").status_code == 200  # 2 days stopped
    assert _review(api, started["id"])["due_at"] == "2026-12-16T17:30:00+08:00"
    assert api.post(f"/api/tasks/{task['id']}/pause", "sthj_reviewer",
                    json={"kind": "public_notice", "reason": "公示"}).status_code == 200
    # 12-09 becomes a day off: the finished stop lasted 1 working day; the frozen deadline moves too.
    r = api.call("PATCH", f"{URL}/2026/days/2026-12-09", "admin", json={"is_workday": False, "note": "停电"})
    assert r.status_code == 200, r.get_json()
    # 5 + 1 working days after 12-07, with 12-09 off: 12-08, 10, 11, 14, 15, 16.
    assert _review(api, started["id"])["due_at"] == "2026-12-16T17:30:00+08:00"
    clock.set(datetime(2026, 12, 11, 9, 0, tzinfo=SHANGHAI))
    assert api.post(f"/api/tasks/{task['id']}/resume", "sthj_reviewer").status_code == 200  # 1 more day
    assert _review(api, started["id"])["due_at"] == "2026-12-17T17:30:00+08:00"
    pauses = api.get(f"/api/instances/{started['id']}", "jiancha").get_json()["pauses"]
    assert [p["paused_working_days"] for p in pauses] == [1, 1]


# --- the property: after any edits, every open deadline is what a fresh computation gives ----------

def _fresh_due(model: dict[date, bool], start: datetime, days: int) -> datetime:
    """The close of the Nth working day after the start's Beijing date, counted one day at a time."""
    day, left = start.astimezone(SHANGHAI).date(), days
    while left:
        day += timedelta(days=1)
        left -= model[day]
    return datetime.combine(day, CLOSE, SHANGHAI)


def _working_days(model: dict[date, bool], first: datetime, last: datetime) -> int:
    start, end = first.astimezone(SHANGHAI).date(), last.astimezone(SHANGHAI).date()
    return sum(model[start + timedelta(days=i)] for i in range(1, (end - start).days + 1))


INSTANTS = st.builds(lambda d, h: datetime.combine(date(2026, 12, 1) + timedelta(days=d), time(h), SHANGHAI),
                     st.integers(0, 45), st.integers(8, 20))
EDIT_DAYS = st.builds(lambda d: date(2026, 12, 1) + timedelta(days=d), st.integers(0, 80))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_every_open_deadline_equals_a_fresh_computation_after_calendar_changes(
        app: Flask, api: Api, clock: FixedClock, data: st.DataObject) -> None:
    _deploy(api)
    # The test's own day table, kept as it edits. The database outlives one example, so it starts
    # from the days as stored (2027: the provisional rule's, until an example loads a notice).
    model: dict[date, bool] = {}
    for year in (2026, 2027):
        model.update({date.fromisoformat(d["date"]): d["is_workday"]
                      for d in api.get(f"{URL}/{year}", "admin").get_json()["days"]})
    cases: list[tuple[int, datetime, int, list[tuple[datetime, datetime]]]] = []
    for _ in range(data.draw(st.integers(1, 3), label="applications")):
        start = data.draw(INSTANTS, label="accepted")
        limit = data.draw(st.integers(1, 25), label="limit")
        clock.set(start)
        instance_id = _start(api, limit)["id"]
        stops = []
        if data.draw(st.booleans(), label="stopped"):
            paused = start + timedelta(hours=data.draw(st.integers(0, 240), label="after"))
            resumed = paused + timedelta(hours=data.draw(st.integers(0, 400), label="for"))
            task_id = _review(api, instance_id)["id"]
            clock.set(paused)
            assert api.post(f"/api/tasks/{task_id}/pause", "sthj_reviewer",
                            json={"kind": "survey", "reason": "现场勘查"}).status_code == 200
            clock.set(resumed)
            assert api.post(f"/api/tasks/{task_id}/resume", "sthj_reviewer").status_code == 200
            stops.append((paused, resumed))
        cases.append((instance_id, start, limit, stops))

    for _ in range(data.draw(st.integers(1, 3), label="edits")):
        if data.draw(st.booleans(), label="upload 2027"):
            changes = {day: not model[day] for day in data.draw(
                st.lists(EDIT_DAYS.filter(lambda d: d.year == 2027), max_size=4), label="notice differs")}
            body = {"days": [{"date": d.isoformat(), "is_workday": changes.get(d, model[d])}
                             for d in days_of_year(2027)]}
            if not any(day["is_workday"] for day in body["days"]):
                continue
            r = api.call("PUT", f"{URL}/2027", "admin", json=body)
            assert r.status_code in (200, 201), r.get_json()
            model.update(changes)
        else:
            day = data.draw(EDIT_DAYS, label="edited day")
            r = api.call("PATCH", f"{URL}/{day.year}/days/{day.isoformat()}", "admin",
                         json={"is_workday": not model[day]})
            if day.year == 2027 and r.status_code == 404:  # 2027 still provisional: no day rows to edit
                continue
            assert r.status_code == 200, r.get_json()
            model[day] = not model[day]

    for instance_id, start, limit, stops in cases:
        expected = _fresh_due(model, start, limit + sum(_working_days(model, a, b) for a, b in stops))
        task = _review(api, instance_id)
        assert datetime.fromisoformat(task["due_at"]) == expected, (start, limit, stops)
        with app.app_context():
            timer = db.session.scalar(select(TimerRecord).where(TimerRecord.attached_task_id == task["id"]))
            assert timer is not None and timer.due_at == expected
            row = db.session.get(TaskRecord, task["id"])
            assert row is not None and row.due_at == expected
            db.session.rollback()


def test_recomputation_is_audited_in_the_instance_chain(app: Flask, api: Api, clock: FixedClock) -> None:
    clock.set(DEC_7)
    _deploy(api)
    started = _start(api, 20)
    assert api.call("PUT", f"{URL}/2027", "admin", json=_official_2027({date(2027, 1, 4): False})).status_code == 201
    with app.app_context():
        actions = list(db.session.scalars(select(AuditEvent.action).where(
            AuditEvent.instance_id == started["id"]).order_by(AuditEvent.seq)))
    assert actions[-1] == "deadline.recomputed"
    assert api.get("/api/supervision/chain", "jiancha").get_json()["intact"] is True


def test_an_extension_and_a_supervision_order_move_with_the_calendar(api: Api, clock: FixedClock) -> None:
    clock.set(DEC_7)
    _deploy(api)
    started = _start(api, 5)
    task = _review(api, started["id"])
    r = api.post(f"/api/tasks/{task['id']}/extensions", "sthj_reviewer",
                 json={"working_days": 3, "reason": "需补充现场核查"})
    assert r.status_code == 201, r.get_json()
    assert api.post(f"/api/extensions/{r.get_json()['id']}/decision", "sthj_head",
                    json={"approve": True, "reason": "同意"}).status_code == 200
    assert _review(api, started["id"])["due_at"] == "2026-12-17T17:30:00+08:00"  # 5 + 3 working days
    order = api.post("/api/supervision/orders", "jiancha", json={
        "kind": "order", "department": "sthj", "content": "请说明进度", "reply_working_days": 3})
    assert order.status_code == 201 and order.get_json()["due_at"] == "2026-12-10T17:30:00+08:00"

    r = api.call("PATCH", f"{URL}/2026/days/2026-12-08", "admin", json={"is_workday": False, "note": "停电"})
    assert r.status_code == 200
    assert {d["subject"] for d in r.get_json()["recomputed"]["deadlines"]} == {"task", "order"}
    assert _review(api, started["id"])["due_at"] == "2026-12-18T17:30:00+08:00"
    reread = api.get(f"/api/supervision/orders/{order.get_json()['id']}", "jiancha").get_json()
    assert reread["due_at"] == "2026-12-11T17:30:00+08:00"


def test_a_complaint_runs_its_working_day_deadline_through_a_calendar_change(api: Api, clock: FixedClock) -> None:
    clock.set(DEC_7)
    started = _start_joint(api)
    r = api.post("/api/public/complaints", json={"query_code": started["query_code"], "text": "审批拖延，久无答复"})
    assert r.status_code == 201, r.get_json()
    complaint = api.get("/api/supervision/complaints", "jiancha").get_json()["items"][0]
    instance_id = complaint["handling_instance_id"]
    first = api.get(f"/api/instances/{instance_id}", "jiancha").get_json()["tasks"][0]
    r = api.call("PATCH", f"{URL}/2026/days/2026-12-09", "admin", json={"is_workday": False})
    assert r.status_code == 200
    moved = api.get(f"/api/instances/{instance_id}", "jiancha").get_json()["tasks"][0]
    assert moved["id"] == first["id"]
    assert datetime.fromisoformat(moved["due_at"]).date() == (
        datetime.fromisoformat(first["due_at"]).date() + timedelta(days=1))


def _start_joint(api: Api) -> dict[str, Any]:
    r = api.post("/api/instances", "window1", json={
        "definition_key": "investment_joint_approval", "project": {"name": "p", "code": "c", "investment": 1},
        "applicant": {"name": "a", "contact": "b"}})
    assert r.status_code == 201, r.get_json()
    return r.get_json()
