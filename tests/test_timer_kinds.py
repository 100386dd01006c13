"""Every timer kind SpiffWorkflow offers fires through our sweep with the injected clock."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from api.scheduler import sweep_timers
from engine.workdays import FixedClock
from tests.bpmn_builder import definitions, process_xml
from tests.conftest import Api

BODY = {"project": {"name": "p", "code": "c", "investment": 1}, "applicant": {"name": "a", "contact": "b"}}


def _deploy_and_start(api: Api, xml: bytes, key: str, data: dict | None = None) -> dict:
    r = api.post("/api/definitions", "designer", data=xml, content_type="application/xml")
    assert r.status_code == 201, r.get_json()
    r = api.post("/api/instances", "window1", json={"definition_key": key, **BODY, "data": data or {}})
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def test_interrupting_boundary_timer_cancels_the_task_and_escalates(app: Flask, api: Api,
                                                                    clock: FixedClock) -> None:
    body = ('<bpmn:startEvent id="s"/><bpmn:sequenceFlow id="a" sourceRef="s" targetRef="review"/>'
            '<bpmn:userTask id="review" name="审查"/>'
            '<bpmn:boundaryEvent id="late" attachedToRef="review"><bpmn:timerEventDefinition>'
            '<bpmn:timeDuration>"PT2H"</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>'
            '<bpmn:sequenceFlow id="b" sourceRef="review" targetRef="done"/><bpmn:endEvent id="done"/>'
            '<bpmn:sequenceFlow id="c" sourceRef="late" targetRef="escalate"/>'
            '<bpmn:userTask id="escalate" name="督办"/>'
            '<bpmn:sequenceFlow id="d" sourceRef="escalate" targetRef="closed"/><bpmn:endEvent id="closed"/>')
    xml = definitions(process_xml("interrupting", body, {"sthj": ["s", "review", "late", "done"],
                                                         "fgw": ["escalate", "closed"]}))
    inst = _deploy_and_start(api, xml, "interrupting")
    task = api.get("/api/tasks", "sthj_reviewer").get_json()["items"][0]
    assert task["due_at"] == "2026-09-18T12:00:00+08:00"
    clock.advance(timedelta(hours=2, seconds=1))
    assert sweep_timers(app).fired == 1
    detail = api.get(f"/api/instances/{inst['id']}", "jiancha").get_json()
    states = {t["bpmn_id"]: t["status"] for t in detail["tasks"]}
    assert states == {"review": "cancelled", "escalate": "ready"}
    late = api.post(f"/api/tasks/{task['id']}/complete", "sthj_reviewer", json={"decision": "approve"})
    assert late.status_code == 409


def test_cycle_timer_start_event_runs_each_cycle(app: Flask, api: Api, clock: FixedClock) -> None:
    body = ('<bpmn:startEvent id="tick"><bpmn:timerEventDefinition><bpmn:timeCycle>'
            '"R3/2026-09-18T11:00:00+08:00/PT1H"</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:startEvent>'
            '<bpmn:sequenceFlow id="a" sourceRef="tick" targetRef="count"/>'
            '<bpmn:scriptTask id="count"><bpmn:script>reminders = reminders + 1</bpmn:script></bpmn:scriptTask>'
            '<bpmn:sequenceFlow id="b" sourceRef="count" targetRef="end"/><bpmn:endEvent id="end"/>')
    inst = _deploy_and_start(api, definitions(process_xml("reminders", body)), "reminders", {"reminders": 0})
    sweeps = []
    for _ in range(5):
        clock.advance(timedelta(hours=1, seconds=1))
        stats = sweep_timers(app)
        sweeps.append((stats.claimed, stats.rescheduled, stats.fired, stats.lost))
    detail = api.get(f"/api/instances/{inst['id']}", "jiancha").get_json()
    # 11:00 and 12:00 fire and the timer waits for the next occurrence; 13:00 is the last one.
    assert sweeps == [(1, 1, 0, 0), (1, 1, 0, 0), (1, 0, 1, 0), (0, 0, 0, 0), (0, 0, 0, 0)]
    # Each occurrence runs its own branch (its own copy of the data), and each is in the history.
    assert [e["action"] for e in detail["history"]].count("timer.fired") == 3
    assert detail["status"] == "completed"
