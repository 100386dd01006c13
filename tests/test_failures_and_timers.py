"""Run-time failures become visible, retryable incidents; due timers fire through the sweep."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from api.scheduler import sweep_timers
from api.wiring import db, services
from engine.audit import verify_chain
from engine.command_context import Actor
from engine.commands.timers import ClaimDueTimersCommand, FireTimerCommand, TimerClaim
from engine.models import AuditEvent, TimerRecord
from engine.workdays import FixedClock
from tests.bpmn_builder import definitions, parallel_review, process_xml
from tests.conftest import Api, tamper

TIMER = Actor.system("timer")
BODY = {"project": {"name": "p", "code": "c", "investment": 1}, "applicant": {"name": "a", "contact": "b"}}


def _start(api: Api, key: str) -> dict:
    r = api.post("/api/instances", "window1", json={"definition_key": key, **BODY})
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def _finish_reviews(api: Api, instance_id: int) -> None:
    for t in api.get(f"/api/instances/{instance_id}", "jiancha").get_json()["tasks"]:
        if t["status"] == "ready":
            dept = t["department"]
            user = f"{dept}_lead" if t["bpmn_id"] == "decide" else f"{dept}_reviewer"
            r = api.post(f"/api/tasks/{t['id']}/complete", user, json={"decision": "approve"})
            assert r.status_code == 200, r.get_json()


def test_failing_expression_is_an_incident_and_admin_retries(api: Api) -> None:
    xml = parallel_review("fragile", ("sthj",), condition="score > 3")
    assert api.post("/api/definitions", "designer", data=xml, content_type="application/xml").status_code == 201
    inst = _start(api, "fragile")
    _finish_reviews(api, inst["id"])
    _finish_reviews(api, inst["id"])  # the lead's decision reaches the gateway, which needs `score`
    failed = api.get(f"/api/instances/{inst['id']}", "jiancha").get_json()
    assert failed["status"] == "incident"
    assert failed["error"]["task"] == "gate" and "score" in failed["error"]["message"]
    assert failed["incident"]["task"] == "gate" and "score" in failed["incident"]["reason"]
    assert failed["history"][-1]["action"] == "instance.incident"
    listed = api.get("/api/admin/incidents", "admin").get_json()["items"]
    assert [i["id"] for i in listed] == [inst["id"]] and listed[0]["incident"]["task"] == "gate"
    tracked = api.get(f"/api/public/track/{inst['query_code']}").get_json()
    assert tracked["status"] == "incident" and tracked["stage"] == "办理异常，中心已知悉并处理中"
    assert "score" not in str(tracked)  # no internal details for the public

    assert api.post(f"/api/instances/{inst['id']}/retry", "jiancha", json={}).status_code == 403
    ok = api.post(f"/api/instances/{inst['id']}/retry", "admin", json={"data": {"score": 5}})
    assert ok.status_code == 200, ok.get_json()
    done = ok.get_json()
    assert done["status"] == "completed", [(e["action"], e["details"].get("tasks")) for e in done["history"][-4:]]
    assert done["outcome"]["end_event"] == "ok"
    assert "instance.retried" in [e["action"] for e in done["history"]]
    again = api.post(f"/api/instances/{inst['id']}/retry", "admin", json={})
    assert again.status_code == 409
    assert api.get("/api/admin/incidents", "admin").get_json()["items"] == []


def test_script_escape_at_run_time_fails_cleanly(api: Api) -> None:
    # Data supplied by a user cannot smuggle code: it is a value, never evaluated.
    inst = _start(api, "investment_joint_approval")
    task = api.get("/api/tasks", "sthj_reviewer").get_json()["items"][0]
    r = api.post(f"/api/tasks/{task['id']}/complete", "sthj_reviewer",
                 json={"decision": "__import__('os').system('touch /tmp/pwned')", "data": {}})
    assert r.status_code == 200
    detail = api.get(f"/api/instances/{inst['id']}", "jiancha").get_json()
    assert detail["status"] == "running"
    assert detail["data"]["s1_sthj_decision"].startswith("__import__")


def test_due_timer_fires_once_through_the_sweep(app: Flask, api: Api, clock: FixedClock) -> None:
    xml = parallel_review("late", ("sthj",), due="workdays(1)")
    assert api.post("/api/definitions", "designer", data=xml, content_type="application/xml").status_code == 201
    inst = _start(api, "late")
    with app.app_context():
        pending = db.session.scalars(select(TimerRecord).where(TimerRecord.instance_id == inst["id"])).all()
        assert [t.state for t in pending] == ["pending"]
        # Friday 2026-09-18: the next working day is the adjusted working Sunday 2026-09-20.
        assert pending[0].due_at.isoformat() == "2026-09-20T09:30:00+00:00"
    assert sweep_timers(app).claimed == 0  # not due yet
    clock.advance(timedelta(days=2, hours=8))  # 2026-09-20 18:00 Beijing time
    health = api.get("/api/health").get_json()["timers"]
    assert health["due_unfired"] == 1 and health["lag_seconds"] == 30 * 60
    assert sweep_timers(app).fired == 1
    assert sweep_timers(app).claimed == 0
    health = api.get("/api/health").get_json()["timers"]
    assert health["due_unfired"] == 0 and health["fired_last_hour"] == 1 and health["lag_seconds"] == 0
    with app.app_context():
        timer = db.session.scalars(select(TimerRecord).where(TimerRecord.instance_id == inst["id"])).one()
        assert timer.state == "fired" and timer.fired_at is not None
    detail = api.get(f"/api/instances/{inst['id']}", "jiancha").get_json()
    assert [e["action"] for e in detail["history"]].count("timer.fired") == 1
    # Non-interrupting: the review stays open after its deadline passed.
    assert [t["bpmn_id"] for t in detail["tasks"] if t["status"] == "ready"] == ["sthj_review"]
    assert detail["tasks"][0]["overdue"] is True
    overdue = api.get("/api/tasks", "sthj_reviewer", query_string={"overdue": "true"}).get_json()
    assert overdue["total"] == 1


def test_a_claim_holds_a_timer_for_its_lease_and_a_lost_claim_writes_nothing(
        app: Flask, api: Api, clock: FixedClock) -> None:
    xml = parallel_review("leased", ("sthj",), due="workdays(1)")
    assert api.post("/api/definitions", "designer", data=xml, content_type="application/xml").status_code == 201
    inst = _start(api, "leased")
    clock.advance(timedelta(days=2, hours=8))  # past the due time (see the test above)
    lease = timedelta(seconds=60)
    with app.app_context():
        executor = services().executor

        def claim(owner: str) -> list[TimerClaim]:
            return executor.execute(ClaimDueTimersCommand(clock.now(), owner, lease=lease), TIMER)

        first = claim("a")
        assert [c.instance_id for c in first] == [inst["id"]]
        assert claim("b") == []  # held by a's lease
        clock.advance(lease + timedelta(seconds=1))  # a died: its lease runs out
        second = claim("b")
        assert second == first
        row = db.session.get(TimerRecord, first[0].timer_id)
        assert (row.state, row.claimed_by, row.attempts) == ("claimed", "b", 2)
        assert executor.execute(FireTimerCommand(first[0], "a"), TIMER) == "lost"
        assert executor.execute(FireTimerCommand(second[0], "b"), TIMER) == "fired"
        assert executor.execute(FireTimerCommand(second[0], "b"), TIMER) == "lost"  # fired already
        db.session.rollback()  # end the read that saw the claim, to see the firing
        row = db.session.get(TimerRecord, first[0].timer_id)
        assert (row.state, row.claimed_by) == ("fired", None)
        assert claim("a") == []
    detail = api.get(f"/api/instances/{inst['id']}", "jiancha").get_json()
    assert [e["action"] for e in detail["history"]].count("timer.fired") == 1


def test_audit_log_is_append_only_and_verifiable(app: Flask, api: Api) -> None:
    inst = _start(api, "investment_joint_approval")
    with app.app_context():
        assert verify_chain(db.session, inst["id"]) == []
        for statement in ("UPDATE audit_event SET actor = 'mallory'", "DELETE FROM audit_event"):
            try:
                db.session.execute(text(statement))
                db.session.commit()
                raise AssertionError(f"{statement} was allowed")
            except DatabaseError as exc:
                db.session.rollback()
                assert "append-only" in str(exc)
        assert db.session.scalars(select(AuditEvent.actor).where(AuditEvent.instance_id == inst["id"])).first() \
            == "window1"


def test_verify_audit_cli_reports_intact_chains(app: Flask, api: Api) -> None:
    _start(api, "investment_joint_approval")
    result = app.test_cli_runner().invoke(args=["ow", "verify-audit"])
    assert result.exit_code == 0 and "全部记录链完好" in result.output


def test_tampering_is_detected_by_the_chain(app: Flask, api: Api) -> None:
    inst = _start(api, "investment_joint_approval")
    tamper(app, "audit_event", "UPDATE audit_event SET actor = 'mallory' WHERE seq = 2 AND instance_id = :i",
           i=inst["id"])
    with app.app_context():
        assert verify_chain(db.session, inst["id"]) == [2]
    result = app.test_cli_runner().invoke(args=["ow", "verify-audit"])
    assert result.exit_code == 1 and f"办件 {inst['id']} 的办理记录链第 2 条" in result.output


def test_a_condition_failing_after_a_completion_is_an_incident_not_a_500(api: Api) -> None:
    # A conditional event right after the task: its condition needs `approved`, which nobody set.
    body = ('<bpmn:startEvent id="start"/><bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="review"/>'
            '<bpmn:userTask id="review" name="审查"/><bpmn:sequenceFlow id="f1" sourceRef="review" targetRef="wait"/>'
            '<bpmn:intermediateCatchEvent id="wait"><bpmn:conditionalEventDefinition><bpmn:condition '
            'xsi:type="bpmn:tFormalExpression">approved == True</bpmn:condition></bpmn:conditionalEventDefinition>'
            '</bpmn:intermediateCatchEvent><bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="end"/>'
            '<bpmn:endEvent id="end"/>')
    xml = definitions(process_xml("waits", body, {"sthj": ["start", "review", "wait", "end"]}))
    assert api.post("/api/definitions", "designer", data=xml, content_type="application/xml").status_code == 201
    inst = _start(api, "waits")
    task = api.get("/api/tasks", "sthj_reviewer").get_json()["items"][0]
    r = api.post(f"/api/tasks/{task['id']}/complete", "sthj_reviewer", json={"decision": "approve"})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["status"] == "completed" and r.get_json()["instance_status"] == "incident"
    assert r.get_json()["incident"]["task"] == "wait" and "approved" in r.get_json()["incident"]["reason"]
    # The token never reached the event (its condition raised on arrival): a retry makes it arrive again,
    # which without the missing data is the same incident, and with it goes on.
    again = api.post(f"/api/instances/{inst['id']}/retry", "admin", json={})
    assert again.status_code == 200 and again.get_json()["status"] == "incident", again.get_json()
    retried = api.post(f"/api/instances/{inst['id']}/retry", "admin", json={"data": {"approved": True}})
    # The condition now holds: the event fires, the incident is over and the decision was kept.
    assert retried.status_code == 200 and retried.get_json()["status"] == "completed", retried.get_json()
    assert [(t["bpmn_id"], t["status"]) for t in retried.get_json()["tasks"]] == [("review", "completed")]
