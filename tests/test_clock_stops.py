"""Clock stops through the HTTP API: a department's pause, the window's correction notice, BLZT codes.

Reference case: accepted Friday 2026-09-18, a stage-1 review is due at the close of
the 20th working day, Thursday 2026-10-22 17:30 Beijing time.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import chinese_calendar
from flask import Flask
from sqlalchemy import select

from api.scheduler import sweep_timers
from api.wiring import db
from engine.models import Instance, TaskRecord, TimerRecord
from engine.state_codes import instance_state_code, task_state_code
from engine.workdays import SHANGHAI, FixedClock
from tests.conftest import Api
from tests.test_joint_approval_api import STAGE1, complete, start, worklist

ORIGINAL_DUE = "2026-10-22T17:30:00+08:00"
WEDNESDAY = datetime(2026, 9, 23, 10, 0, tzinfo=SHANGHAI)
# Paused Friday 2026-09-18, resumed Wednesday 2026-09-23. Counted: the days after the pause day up to
# and including the resume day that are working days: Sun 09-20 (调休 working Sunday before the
# National Day holiday), Mon 09-21, Tue 09-22, Wed 09-23 -> 4 (Sat 09-19 is off; Fri 09-18 is not
# counted, as the acceptance day is not). 4 working days after Thu 10-22: Fri 10-23, Mon 10-26,
# Tue 10-27, Wed 10-28 -> due Wed 2026-10-28 17:30.
PAUSED_DAYS = 4
SHIFTED_DUE = "2026-10-28T17:30:00+08:00"


def move_clock(api: Api, clock: FixedClock, to: datetime) -> None:
    """Move the injected clock forward (the test client signs a fresh token per request)."""
    assert to >= clock.now()
    clock.set(to)


def task_of(api: Api, user: str, instance_id: int) -> dict:
    return next(t for t in worklist(api, user) if t["instance_id"] == instance_id)


def timer_row(app: Flask, task_id: str) -> TimerRecord:
    with app.app_context():
        row = db.session.scalars(select(TimerRecord).where(TimerRecord.attached_task_id == task_id)).one()
        db.session.expunge(row)
        return row


def detail(api: Api, instance_id: int) -> dict:
    r = api.get(f"/api/instances/{instance_id}", "jiancha")
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def test_the_reference_calendar_days() -> None:
    assert chinese_calendar.is_workday(date(2026, 9, 20))  # adjusted working Sunday
    assert not chinese_calendar.is_workday(date(2026, 9, 19))
    assert not any(chinese_calendar.is_workday(date(2026, 10, d)) for d in (24, 25))


def test_pause_then_resume_moves_due_by_the_paused_working_days(app: Flask, api: Api, clock: FixedClock) -> None:
    inst = start(api)
    task = task_of(api, "sthj_reviewer", inst["id"])
    assert task["due_at"] == ORIGINAL_DUE and task["blzt"] == 8 and task["pause"] is None

    r = api.post(f"/api/tasks/{task['id']}/pause", "sthj_reviewer",
                 json={"kind": "expert_review", "reason": "组织专家评审环境影响报告"})
    assert r.status_code == 200, r.get_json()
    paused = r.get_json()
    assert paused["status"] == "ready" and paused["due_at"] == ORIGINAL_DUE
    assert paused["pause"] == {"kind": "expert_review", "reason": "组织专家评审环境影响报告",
                               "since": "2026-09-18T10:00:00+08:00"}
    assert paused["blzt"] == 9 and paused["blzt_name"] == "特别程序开始"
    assert timer_row(app, task["id"]).due_at.year == 9999  # the engine timer is stopped too
    with app.app_context():
        assert db.session.get(TaskRecord, task["id"]).next_warning_at is None

    move_clock(api, clock, WEDNESDAY)
    r = api.post(f"/api/tasks/{task['id']}/resume", "sthj_reviewer")
    assert r.status_code == 200, r.get_json()
    resumed = r.get_json()
    assert resumed["due_at"] == SHIFTED_DUE and resumed["pause"] is None and resumed["blzt"] == 8
    timer = timer_row(app, task["id"])
    assert timer.state == "pending"
    assert timer.due_at == datetime.fromisoformat(SHIFTED_DUE)

    body = detail(api, inst["id"])
    assert [(p["kind"], p["scope"], p["paused_working_days"]) for p in body["pauses"]] == [
        ("expert_review", "task", PAUSED_DAYS)]
    events = [e for e in body["history"] if e["action"] in ("task.paused", "task.resumed")]
    assert [e["action"] for e in events] == ["task.paused", "task.resumed"]
    assert events[0]["details"]["kind"] == "expert_review" and events[0]["details"]["reason"]
    assert events[1]["details"]["paused_working_days"] == PAUSED_DAYS
    # The other reviews were never paused and keep their deadline.
    assert task_of(api, "sw_reviewer", inst["id"])["due_at"] == ORIGINAL_DUE


def test_a_paused_timer_does_not_fire_and_a_paused_task_cannot_be_completed(
        app: Flask, api: Api, clock: FixedClock) -> None:
    inst = start(api)
    task = task_of(api, "sw_reviewer", inst["id"])
    assert api.post(f"/api/tasks/{task['id']}/claim", "sw_reviewer").status_code == 200
    r = api.post(f"/api/tasks/{task['id']}/pause", "sw_reviewer", json={"kind": "hearing", "reason": "听证"})
    assert r.status_code == 200 and r.get_json()["status"] == "claimed"

    r = api.post(f"/api/tasks/{task['id']}/complete", "sw_reviewer", json={"decision": "approve"})
    assert r.status_code == 409 and r.get_json()["error"]["message"].startswith("该环节正在暂停计时：听证")

    move_clock(api, clock, datetime(2026, 10, 23, 10, 0, tzinfo=SHANGHAI))  # past the original due
    sweep_timers(app)
    assert timer_row(app, task["id"]).state == "paused"  # held by the clock stop, never claimed
    body = detail(api, inst["id"])
    fired = [e["details"]["attached_task_id"] for e in body["history"] if e["action"] == "timer.fired"]
    assert len(fired) == 3 and task["id"] not in fired  # the other three reviews did go overdue
    paused = next(t for t in body["tasks"] if t["id"] == task["id"])
    assert paused["overdue"] is False  # a stopped clock is not late

    assert api.post(f"/api/tasks/{task['id']}/resume", "sw_reviewer").status_code == 200
    timer = timer_row(app, task["id"])
    assert timer.state == "pending" and timer.due_at > clock.now()
    sweep_timers(app)
    assert timer_row(app, task["id"]).state == "pending"
    move_clock(api, clock, timer.due_at + timedelta(minutes=1))
    sweep_timers(app)
    assert timer_row(app, task["id"]).state == "fired"
    complete(api, "sw_reviewer", task["id"])


def test_pause_input_and_state_errors(api: Api) -> None:
    inst = start(api)
    task = task_of(api, "jt_reviewer", inst["id"])
    url = f"/api/tasks/{task['id']}"
    good = {"kind": "survey", "reason": "现场踏勘"}
    assert api.post(f"{url}/pause", "sw_reviewer", json=good).status_code == 403
    assert api.post(f"{url}/resume", "sw_reviewer").status_code == 403
    assert api.post(f"{url}/pause", "jiancha", json=good).status_code == 403
    assert api.post("/api/tasks/no-such-task/pause", "jt_reviewer", json=good).status_code == 404
    bad_kind = api.post(f"{url}/pause", "jt_reviewer", json={"kind": "lunch", "reason": "x"})
    assert bad_kind.status_code == 400 and "kind" in bad_kind.get_json()["error"]["details"]["fields"]
    assert api.post(f"{url}/pause", "jt_reviewer", json={"kind": "survey"}).status_code == 400
    empty = api.post(f"{url}/pause", "jt_reviewer", json={"kind": "survey", "reason": "  "})
    assert empty.status_code == 422
    assert empty.get_json()["error"]["details"]["problems"][0]["field"] == "reason"
    not_paused = api.post(f"{url}/resume", "jt_reviewer")
    assert not_paused.status_code == 409 and "该环节未暂停计时" in not_paused.get_json()["error"]["message"]
    assert api.post(f"{url}/pause", "jt_reviewer", json=good).status_code == 200
    assert api.post(f"{url}/pause", "jt_reviewer", json=good).status_code == 409
    assert api.post(f"{url}/resume", "jt_reviewer").status_code == 200
    complete(api, "jt_reviewer", task["id"])
    assert api.post(f"{url}/pause", "jt_reviewer", json=good).status_code == 409
    assert api.post(f"{url}/pause", "sw_reviewer", json=good).status_code == 403  # 403 before state
    actions = [e["action"] for e in detail(api, inst["id"])["history"]]
    assert actions.count("task.paused") == 1 and actions.count("task.resumed") == 1


def test_window_correction_notice_stops_every_task_once(app: Flask, api: Api, clock: FixedClock) -> None:
    inst = start(api)
    notice = {"reason": "请补正建设用地规划条件附图", "missing_documents": ["用地规划条件附图", "土地权属证明"]}
    url = f"/api/instances/{inst['id']}"
    assert api.post(f"{url}/pause", "sthj_reviewer", json=notice).status_code == 403
    empty = api.post(f"{url}/pause", "window1", json={**notice, "missing_documents": []})
    assert empty.status_code == 400  # the schema says at least one document, so the document says it too
    assert "missing_documents" in empty.get_json()["error"]["details"]["fields"]
    blank = api.post(f"{url}/pause", "window1", json={**notice, "reason": "   "})
    assert blank.status_code == 400 and "reason" in blank.get_json()["error"]["details"]["fields"]
    assert api.post(f"{url}/pause", "window1", json={**notice, "kind": "hearing"}).status_code == 400
    assert api.post(f"{url}/resume", "window1").status_code == 409

    r = api.post(f"{url}/pause", "window1", json=notice)
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["status"] == "running" and body["blzt"] == 6 and body["pause"]["kind"] == "correction"
    open_tasks = [t for t in body["tasks"] if t["status"] == "ready"]
    assert {t["bpmn_id"] for t in open_tasks} == set(STAGE1.values())
    assert all(t["pause"]["kind"] == "correction" and t["blzt"] == 6 for t in open_tasks)
    assert body["pauses"][0]["missing_documents"] == notice["missing_documents"]
    for t in open_tasks:
        assert timer_row(app, t["id"]).due_at.year == 9999

    second = api.post(f"{url}/pause", "window1", json={**notice, "missing_documents": ["另一份材料"]})
    assert second.status_code == 409
    assert "已于 2026-09-18 发出过补正通知" in second.get_json()["error"]["message"]
    # The department cannot lift the window's notice, nor stop the clock again, nor decide.
    zrzy = next(t for t in open_tasks if t["department"] == "zrzy")
    assert api.post(f"/api/tasks/{zrzy['id']}/resume", "zrzy_reviewer").status_code == 409
    assert api.post(f"/api/tasks/{zrzy['id']}/pause", "zrzy_reviewer",
                    json={"kind": "survey", "reason": "x"}).status_code == 409
    assert api.post(f"/api/tasks/{zrzy['id']}/complete", "zrzy_reviewer", json={}).status_code == 409

    track = api.get(f"/api/public/track/{inst['query_code']}").get_json()
    assert track["blzt"] == 6 and track["correction"]["missing_documents"] == notice["missing_documents"]
    assert all(t["paused"]["reason"] == notice["reason"] and t["blzt"] == 6 for t in track["tasks"])

    move_clock(api, clock, WEDNESDAY)
    r = api.post(f"{url}/resume", "window1")
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["blzt"] == 8 and body["pause"] is None
    assert body["pauses"][0]["paused_working_days"] == PAUSED_DAYS and body["pauses"][0]["ended_by"] == "window1"
    for t in body["tasks"]:
        assert t["due_at"] == SHIFTED_DUE and t["pause"] is None
        assert timer_row(app, t["id"]).due_at == datetime.fromisoformat(SHIFTED_DUE)
    assert api.post(f"{url}/pause", "window1", json=notice).status_code == 409  # once, ever
    actions = [e["action"] for e in body["history"]]
    assert actions.count("instance.paused") == 1 and actions.count("task.resumed") == 4
    track = api.get(f"/api/public/track/{inst['query_code']}").get_json()
    assert track["correction"] is None and all(t["paused"] is None for t in track["tasks"])


def test_a_special_procedure_overlapping_a_correction_notice(app: Flask, api: Api, clock: FixedClock) -> None:
    inst = start(api)
    sthj = task_of(api, "sthj_reviewer", inst["id"])
    assert api.post(f"/api/tasks/{sthj['id']}/pause", "sthj_reviewer",
                    json={"kind": "hearing", "reason": "举行听证"}).status_code == 200
    notice = {"reason": "请补正", "missing_documents": ["土地权属证明"]}
    body = api.post(f"/api/instances/{inst['id']}/pause", "window1", json=notice).get_json()
    kinds = {t["department"]: t["pause"]["kind"] for t in body["tasks"]}
    assert kinds == {"zrzy": "correction", "sthj": "hearing", "sw": "correction", "jt": "correction"}
    assert body["blzt"] == 6 and len(body["pauses"][1]["tasks"]) == 3
    move_clock(api, clock, WEDNESDAY)
    early = api.post(f"/api/tasks/{sthj['id']}/resume", "sthj_reviewer")
    assert early.status_code == 409 and "补正通知尚未解除" in early.get_json()["error"]["message"]
    body = api.post(f"/api/instances/{inst['id']}/resume", "window1").get_json()
    assert {t["department"]: (t["pause"] or {}).get("kind") for t in body["tasks"]}["sthj"] == "hearing"
    assert body["blzt"] == 8  # three departments are handling again
    assert timer_row(app, sthj["id"]).due_at.year == 9999
    resumed = api.post(f"/api/tasks/{sthj['id']}/resume", "sthj_reviewer").get_json()
    assert resumed["due_at"] == SHIFTED_DUE
    assert timer_row(app, sthj["id"]).due_at == datetime.fromisoformat(SHIFTED_DUE)


def test_blzt_codes_through_the_process(api: Api) -> None:
    refused, approved = start(api), start(api)
    for inst, decision in ((refused, "refuse"), (approved, "approve")):
        assert detail(api, inst["id"])["blzt"] == 8
        for dept in STAGE1:
            task = task_of(api, f"{dept}_reviewer", inst["id"])
            done = complete(api, f"{dept}_reviewer", task["id"], decision="refuse" if dept == "jt" else "approve",
                            opinion="交通组织方案不满足要求")
            assert done["blzt"] == (13 if dept == "jt" else 11)
        lead = task_of(api, "fgw_lead", inst["id"])
        complete(api, "fgw_lead", lead["id"], decision=decision, opinion="不符合产业政策")
    body = detail(api, refused["id"])
    assert body["status"] == "completed" and body["blzt"] == 13 and body["blzt_name"] == "办结（不予通过）"
    assert "shortfall" not in body["outcome"]
    assert api.get(f"/api/public/track/{refused['query_code']}").get_json()["blzt"] == 13
    assert detail(api, approved["id"])["blzt"] == 8


def test_instance_code_for_special_procedures_and_final_states() -> None:
    def task(status: str, kind: str | None = None, decision: str | None = None) -> TaskRecord:
        return TaskRecord(status=status, pause_kind=kind, submission={"decision": decision})

    running = Instance(status="running", pause_kind=None, outcome=None)
    assert instance_state_code(running, [task("ready", "hearing"), task("ready")]) == 8
    assert instance_state_code(running, [task("ready", "hearing"), task("claimed", "survey")]) == 9
    assert instance_state_code(Instance(status="running", pause_kind="correction"), []) == 6
    approved = Instance(status="completed", outcome={"end_event": "end_approved", "name": "办结·通过"})
    assert instance_state_code(approved, [], "supplied") == 11
    assert instance_state_code(approved, [], "missed") == 12
    assert instance_state_code(Instance(status="completed", outcome={"end_event": "no", "name": "不予通过"}),
                               [], "open") == 13
    assert instance_state_code(Instance(status="withdrawn"), []) == 14
    assert task_state_code(task("cancelled")) is None
    assert task_state_code(task("completed", decision="reject")) == 13
    assert task_state_code(task("claimed", "public_notice")) == 9
