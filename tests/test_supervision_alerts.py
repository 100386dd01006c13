"""E-supervision alerts: deadline warnings and rule hits become one alert per condition, handled
through acknowledge → explain → decide; the board counts open work by department, stage and level.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask

from api.scheduler import sweep_supervision, sweep_warnings
from api.wiring import services
from engine.command_context import Actor
from engine.workdays import FixedClock
from monitor.commands.alerts import RaiseAlertCommand
from monitor.models import AlertSignal
from tests.conftest import Api

BODY = {"definition_key": "investment_joint_approval",
        "project": {"name": "滨江项目", "code": "c", "investment": 1}, "applicant": {"name": "a", "contact": "b"}}


def _alerts(api: Api, **params: str) -> list[dict]:
    r = api.get("/api/supervision/alerts", "jiancha", query_string=params)
    assert r.status_code == 200, r.get_json()
    return r.get_json()["items"]


def test_a_late_review_raises_one_alert_that_worsens(app: Flask, api: Api, clock: FixedClock) -> None:
    api.post("/api/instances", "window1", json=BODY)
    clock.set(datetime(2026, 10, 16, 10, 0, tzinfo=UTC))  # yellow for all four stage-1 reviews
    sweep_warnings(app)
    assert sweep_supervision(app) == 4
    assert {a["level"] for a in _alerts(api, source="deadline")} == {"yellow"}
    clock.set(datetime(2026, 10, 23, 1, 0, tzinfo=UTC))  # red
    sweep_warnings(app)
    assert sweep_supervision(app) == 0  # the same conditions: the four alerts are updated, not duplicated
    assert sweep_supervision(app) == 0
    alerts = _alerts(api, source="deadline")
    assert len(alerts) == 4 and {a["level"] for a in alerts} == {"red"}
    sthj = next(a for a in alerts if a["department"] == "sthj")
    assert sthj["title"] == "办理超时（红灯）" and sthj["details"]["level_from"] == "yellow"

    # The department sees its own alerts only, and explains; the bureau acknowledges and decides.
    own = api.get("/api/supervision/alerts", "sthj_reviewer").get_json()["items"]
    assert [a["id"] for a in own] == [sthj["id"]]
    assert api.get(f"/api/supervision/alerts/{sthj['id']}", "sw_reviewer").status_code == 404
    assert api.post(f"/api/supervision/alerts/{sthj['id']}/acknowledge", "sthj_reviewer").status_code == 403
    assert api.post(f"/api/supervision/alerts/{sthj['id']}/acknowledge", "jiancha").get_json()["state"] == "acknowledged"
    assert api.post(f"/api/supervision/alerts/{sthj['id']}/acknowledge", "jiancha").status_code == 409
    r = api.post(f"/api/supervision/alerts/{sthj['id']}/explanation", "sthj_reviewer",
                 json={"explanation": "专家评审延误，已催办"})
    assert r.status_code == 200 and r.get_json()["state"] == "explained"
    assert api.post(f"/api/supervision/alerts/{sthj['id']}/explanation", "sthj_reviewer",
                    json={"explanation": ""}).status_code == 400
    bad = api.post(f"/api/supervision/alerts/{sthj['id']}/decision", "jiancha", json={"decision": "fire", "reason": "x"})
    assert bad.status_code == 400
    r = api.post(f"/api/supervision/alerts/{sthj['id']}/decision", "jiancha",
                 json={"decision": "dismiss", "reason": "理由成立"})
    assert r.status_code == 200 and r.get_json()["state"] == "closed"
    assert len(_alerts(api, state="closed")) == 1


def test_rules_flag_suspiciously_fast_reviews(app: Flask, api: Api, clock: FixedClock) -> None:
    api.post("/api/instances", "window1", json=BODY)
    fast = api.get("/api/tasks", "sw_reviewer").get_json()["items"][0]
    clock.advance(timedelta(seconds=30))
    api.post(f"/api/tasks/{fast['id']}/complete", "sw_reviewer", json={"decision": "approve", "opinion": "同意"})
    slow = api.get("/api/tasks", "jt_reviewer").get_json()["items"][0]
    clock.advance(timedelta(hours=2))
    api.post(f"/api/tasks/{slow['id']}/complete", "jt_reviewer", json={"decision": "approve", "opinion": "同意"})
    sweep_supervision(app)
    rules = _alerts(api, source="rule")
    assert [(a["kind"], a["department"]) for a in rules] == [("fast_completion", "sw")]
    assert rules[0]["details"]["seconds"] == 30


def test_a_task_claimed_and_left_alone_opens_one_alert(app: Flask, api: Api, clock: FixedClock) -> None:
    api.post("/api/instances", "window1", json=BODY)
    task = api.get("/api/tasks", "sw_reviewer").get_json()["items"][0]
    assert api.post(f"/api/tasks/{task['id']}/claim", "sw_reviewer").status_code == 200
    clock.set(datetime(2026, 9, 21, 2, 0, tzinfo=UTC))  # two working days later (Sun 20 is a 调休 workday)
    assert sweep_supervision(app) == 0 and _alerts(api, source="rule") == []
    clock.set(datetime(2026, 9, 24, 2, 0, tzinfo=UTC))
    assert sweep_supervision(app) == 1
    [alert] = _alerts(api, source="rule")
    assert (alert["kind"], alert["department"], alert["level"]) == ("claimed_untouched", "sw", "yellow")
    assert sweep_supervision(app) == 0  # the live alert is updated, not opened again
    assert [a["id"] for a in _alerts(api, source="rule")] == [alert["id"]]


def test_board_counts_open_work_and_lists_red_items(app: Flask, api: Api, clock: FixedClock) -> None:
    api.post("/api/instances", "window1", json=BODY)
    api.post("/api/instances", "window1", json=BODY)
    task = api.get("/api/tasks", "sw_reviewer").get_json()["items"][0]
    clock.advance(timedelta(hours=1))
    api.post(f"/api/tasks/{task['id']}/complete", "sw_reviewer", json={"decision": "approve"})
    clock.set(datetime(2026, 10, 23, 1, 0, tzinfo=UTC))
    sweep_warnings(app)
    r = api.get("/api/supervision/board", "jiancha")
    assert r.status_code == 200
    body = r.get_json()
    cells = {(c["department"], c["stage"]): c for c in body["cells"]}
    assert cells[("sthj", "s1")]["red"] == 2 and cells[("sthj", "s1")]["stage_name"] == "立项用地规划许可"
    assert cells[("sw", "s1")]["red"] == 1
    assert len(body["red_list"]) == 7 and body["red_list"][0]["project_name"] == "滨江项目"
    assert body["month"] == "2026-10"
    assert api.get("/api/supervision/board", "sthj_reviewer").status_code == 403


def test_an_account_without_a_department_lists_no_alerts(app: Flask, api: Api) -> None:
    """An alert about no department (the calendar watch's) is the bureau's, not every departmentless account's."""
    signal = AlertSignal(source="system", kind="calendar_missing", level="yellow", dedup_key="test:no-department",
                         subject="calendar:2027", title="明年工作日历未发布")
    with app.app_context():
        services().executor.execute(RaiseAlertCommand(signal), Actor("jiancha", "supervisor", "jcj"))
    assert [a["kind"] for a in _alerts(api)] == ["calendar_missing"]
    listed = api.get("/api/supervision/alerts", "designer")
    assert listed.status_code == 200 and listed.get_json()["items"] == []


def test_speed_is_no_fault_in_a_step_without_a_time_limit() -> None:
    """接件登记 and the like are done on the spot; only a review against a legal limit can be too fast."""
    from engine.models import AuditEvent, TaskRecord
    from monitor.rules import RuleSettings, rule_signals

    started = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)  # Monday 10:00 in Beijing: office hours
    done = AuditEvent(at=started + timedelta(seconds=5), actor="window1", action="task_completed", details={})

    def task(due_at: datetime | None) -> TaskRecord:
        return TaskRecord(id="t1", instance_id=1, department_code="zwfw", created_at=started, due_at=due_at,
                          warning_level="green")

    assert rule_signals(RuleSettings(), task(None), done) == []
    [signal] = rule_signals(RuleSettings(), task(started + timedelta(days=20)), done)
    assert signal.kind == "fast_completion"


def test_work_left_open_past_its_deadline_lowers_the_boards_on_time_rate(app: Flask, api: Api,
                                                                         clock: FixedClock) -> None:
    """Counting only finished work let a department sitting on a late review read 100 %."""
    api.post("/api/instances", "window1", json=BODY)
    api.post("/api/instances", "window1", json=BODY)
    clock.set(datetime(2026, 10, 9, 2, 0, tzinfo=UTC))  # a new month, both sw reviews still in time
    first = api.get("/api/tasks", "sw_reviewer").get_json()["items"][0]
    api.post(f"/api/tasks/{first['id']}/complete", "sw_reviewer", json={"decision": "approve", "opinion": "同意"})
    rates = {r["department"]: r for r in api.get("/api/supervision/board", "jiancha").get_json()["on_time"]}
    assert (rates["sw"]["completed"], rates["sw"]["open_late"], rates["sw"]["rate"]) == (1, 0, 1.0)

    clock.set(datetime(2026, 10, 23, 1, 0, tzinfo=UTC))  # the second is now past its deadline, still open
    rates = {r["department"]: r for r in api.get("/api/supervision/board", "jiancha").get_json()["on_time"]}
    assert (rates["sw"]["completed"], rates["sw"]["open_late"], rates["sw"]["on_time"]) == (1, 1, 1)
    assert rates["sw"]["rate"] == 0.5
    assert rates["sthj"]["completed"] == 0 and rates["sthj"]["rate"] == 0.0  # late and nothing finished
