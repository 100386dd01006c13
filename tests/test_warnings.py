"""Early warnings: levels move green → yellow → red → escalated with the clock, each change once."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask
from sqlalchemy import select

from api.scheduler import sweep_warnings
from api.wiring import db
from engine.models import WarningEvent
from engine.workdays import FixedClock
from tests.conftest import Api

BODY = {"definition_key": "investment_joint_approval",
        "project": {"name": "p", "code": "c", "investment": 1}, "applicant": {"name": "a", "contact": "b"}}


def _levels(api: Api, user: str = "sthj_reviewer") -> list[str]:
    return [t["warning_level"] for t in api.get("/api/tasks", user).get_json()["items"]]


def test_levels_change_at_the_right_instants_and_are_recorded_once(app: Flask, api: Api,
                                                                   clock: FixedClock) -> None:
    inst = api.post("/api/instances", "window1", json=BODY).get_json()
    assert _levels(api) == ["green"]
    # Limit: 20 working days from Fri 2026-09-18, due Thu 2026-10-22 17:30. 80 % used at the close of
    # the 16th working day (Fri 10-16); escalation 2 working days after the due day (Mon 10-26 17:30).
    steps = [
        (datetime(2026, 10, 16, 9, 29, tzinfo=UTC), "green"),
        (datetime(2026, 10, 16, 9, 30, tzinfo=UTC), "yellow"),
        (datetime(2026, 10, 22, 9, 29, tzinfo=UTC), "yellow"),
        (datetime(2026, 10, 22, 9, 30, tzinfo=UTC), "red"),
        (datetime(2026, 10, 26, 9, 30, tzinfo=UTC), "escalated"),
    ]
    for instant, expected in steps:
        clock.set(instant)
        sweep_warnings(app)
        sweep_warnings(app)  # a second sweep (or a second process) must not record anything again
        assert _levels(api) == [expected], instant
    with app.app_context():
        events = db.session.scalars(select(WarningEvent).where(WarningEvent.instance_id == inst["id"],
                                                               WarningEvent.department_code == "sthj")
                                    .order_by(WarningEvent.id)).all()
        assert [(e.level_from, e.level_to) for e in events] == [
            ("green", "yellow"), ("yellow", "red"), ("red", "escalated")]
    detail = api.get(f"/api/instances/{inst['id']}", "jiancha").get_json()
    assert [e["action"] for e in detail["history"]].count("task.warning") == 3 * 4  # four stage-1 tasks
    red = api.get("/api/tasks", "jiancha", query_string={"warning": "escalated"}).get_json()
    assert red["total"] == 4
    assert api.get("/api/tasks", "jiancha", query_string={"warning": "green"}).get_json()["total"] == 0
    assert api.get("/api/tasks", "jiancha", query_string={"warning": "purple"}).status_code == 400


def test_completed_tasks_stop_warning(app: Flask, api: Api, clock: FixedClock) -> None:
    api.post("/api/instances", "window1", json=BODY)
    task = api.get("/api/tasks", "sw_reviewer").get_json()["items"][0]
    assert api.post(f"/api/tasks/{task['id']}/complete", "sw_reviewer", json={"decision": "approve"}).status_code == 200
    clock.set(datetime(2026, 10, 23, tzinfo=UTC))
    sweep_warnings(app)
    done = api.get("/api/tasks", "sw_reviewer", query_string={"status": "completed"}).get_json()["items"][0]
    assert done["warning_level"] == "green"
    assert _levels(api, "zrzy_reviewer") == ["red"]


def test_from_november_without_next_year_an_alert_opens_and_closes_once_loaded(app: Flask, clock: FixedClock) -> None:
    from api.scheduler import check_calendar
    from tests.test_calendar_api import put_json, year_2027_json

    seen: list[tuple[str, dict]] = []
    app.extensions["onewindow"].executor.subscribe(lambda name, payload: seen.append((name, payload)))
    client = Api(app.test_client())
    clock.set(datetime(2026, 10, 31, 4, 0, tzinfo=UTC))
    assert check_calendar(app) is False and seen == []
    clock.set(datetime(2026, 11, 1, 4, 0, tzinfo=UTC))
    assert check_calendar(app) is True
    assert ("calendar.next_year_missing", {"year": 2027}) in seen
    assert check_calendar(app) is True  # checked daily: the one alert is updated, not repeated
    alerts = client.get("/api/supervision/alerts", "jiancha", query_string={"source": "calendar"}).get_json()["items"]
    assert [(a["kind"], a["title"], a["state"]) for a in alerts] == [
        ("calendar_missing", "2027年工作日历尚未导入（期限暂按法定节假日计算）", "open")]
    assert put_json(client, 2027, year_2027_json()).status_code == 201  # the upload closes it at once
    alerts = client.get("/api/supervision/alerts", "jiancha", query_string={"source": "calendar"}).get_json()["items"]
    assert [a["state"] for a in alerts] == ["closed"]
    assert check_calendar(app) is False


def test_a_clock_stop_moves_the_warnings_with_the_due_date(app: Flask, api: Api, clock: FixedClock) -> None:
    api.post("/api/instances", "window1", json=BODY)
    task = api.get("/api/tasks", "sthj_reviewer").get_json()["items"][0]
    r = api.post(f"/api/tasks/{task['id']}/pause", "sthj_reviewer", json={"kind": "expert_review", "reason": "专家评审"})
    assert r.status_code == 200
    clock.set(datetime(2026, 9, 23, 2, 0, tzinfo=UTC))  # Wed: Sun 20 (调休), Mon 21, Tue 22, Wed 23 paused
    resumed = api.post(f"/api/tasks/{task['id']}/resume", "sthj_reviewer").get_json()
    assert resumed["due_at"] == "2026-10-28T17:30:00+08:00"
    # 20-day limit: yellow with 4 working days left, i.e. after the close of Thu 10-22 (not Fri 10-16,
    # which is where it would be if the paused days counted as used).
    for instant, expected in ((datetime(2026, 10, 22, 9, 29, tzinfo=UTC), "green"),
                              (datetime(2026, 10, 22, 9, 30, tzinfo=UTC), "yellow"),
                              (datetime(2026, 10, 28, 9, 30, tzinfo=UTC), "red")):
        clock.set(instant)
        sweep_warnings(app)
        assert _levels(api) == [expected], instant
