"""No diagram can stall the service: lint bounds loops and reads every expression; the engine runs on a budget."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select

from api.wiring import db
from engine.engine_budget import EngineBudget
from engine.models import Instance, TaskRecord
from tests.bpmn_builder import definitions, invalid_diagram, process_xml
from tests.conftest import Api

PROJECT = {"project": {"name": "p", "code": "c", "investment": 1}, "applicant": {"name": "a", "contact": "b"}}


def _diagram(key: str, middle: str, lane_nodes: tuple[str, ...] = ()) -> bytes:
    """Start -> review (sthj) -> `middle` (element id "step") -> end."""
    body = ('<bpmn:startEvent id="start"/><bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="review"/>'
            '<bpmn:userTask id="review" name="审查"/><bpmn:sequenceFlow id="f1" sourceRef="review" targetRef="step"/>'
            f'{middle}<bpmn:sequenceFlow id="f2" sourceRef="step" targetRef="end"/><bpmn:endEvent id="end"/>')
    return definitions(process_xml(key, body, {"sthj": ["start", "review", "step", "end", *lane_nodes]}))


def _deploy(api: Api, xml: bytes) -> object:
    return api.post("/api/definitions", "designer", data=xml, content_type="application/xml")


def _problems(response: object) -> list[dict]:
    assert response.status_code == 422, response.get_json()
    return response.get_json()["error"]["details"]["problems"]


LOOP_SCRIPT = ('<bpmn:scriptTask id="step"><bpmn:standardLoopCharacteristics {attrs}>{condition}'
               '</bpmn:standardLoopCharacteristics><bpmn:script>n = 1</bpmn:script></bpmn:scriptTask>')


@pytest.mark.parametrize(("fixture", "expected"), [
    ("loop_without_maximum", "须设置 loopMaximum"),
    ("loop_maximum_above_limit", "不超过 1000"),
    ("loop_maximum_not_a_number", "不超过 1000"),
])
def test_lint_refuses_unbounded_standard_loops(api: Api, fixture: str, expected: str) -> None:
    xml = invalid_diagram(fixture)
    assert any(expected in p["message"] and p["element"] == "step" for p in _problems(_deploy(api, xml)))


def test_lint_refuses_a_literal_cardinality_above_the_limit(api: Api) -> None:
    xml = invalid_diagram("loop_cardinality_above_limit")
    assert any("超过上限 1000" in p["message"] for p in _problems(_deploy(api, xml)))


@pytest.mark.parametrize(("fixture", "label"), [
    ("hostile_loop_cardinality", "循环次数"),
    ("hostile_completion_condition", "完成条件"),
    ("hostile_loop_condition", "循环条件"),
    ("hostile_event_condition", "事件条件"),
])
def test_lint_reads_every_expression_site(api: Api, fixture: str, label: str) -> None:
    xml = invalid_diagram(fixture)
    assert b"__import__('os').system('id')" in xml
    problems = _problems(_deploy(api, xml))
    assert any(p["message"].startswith(f"{label}：") and p["element"] == "step" for p in problems), problems


def test_a_cardinality_from_data_above_the_limit_registers_nothing(app: Flask, api: Api) -> None:
    middle = ('<bpmn:userTask id="step"><bpmn:multiInstanceLoopCharacteristics><bpmn:loopCardinality>n'
              '</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics></bpmn:userTask>')
    first = _diagram("from_data", middle).replace(b'targetRef="review"/>', b'targetRef="step"/>', 1)
    first = first.replace(b'<bpmn:userTask id="review" name="\xe5\xae\xa1\xe6\x9f\xa5"/>'
                          b'<bpmn:sequenceFlow id="f1" sourceRef="review" targetRef="step"/>', b"")
    assert _deploy(api, first).status_code == 201
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(Instance))
    r = api.post("/api/instances", "window1", json={"definition_key": "from_data", "data": {"n": 1_000_000}, **PROJECT})
    assert r.status_code == 422, r.get_json()
    assert r.get_json()["error"]["code"] == "engine_budget" and "多实例数量" in r.get_json()["error"]["message"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Instance)) == before
    ok = api.post("/api/instances", "window1", json={"definition_key": "from_data", "data": {"n": 2}, **PROJECT})
    assert ok.status_code == 201 and ok.get_json()["status"] == "running"


def test_a_loop_over_budget_is_rolled_back_and_becomes_an_incident(app: Flask, api: Api) -> None:
    app.extensions["onewindow"].runtime.budget = EngineBudget(max_steps=200, max_seconds=30.0, max_instances=1000)
    xml = _diagram("spins", LOOP_SCRIPT.format(attrs='loopMaximum="1000"',
                                               condition="<bpmn:loopCondition>True</bpmn:loopCondition>"))
    assert _deploy(api, xml).status_code == 201
    started = api.post("/api/instances", "window1", json={"definition_key": "spins", **PROJECT}).get_json()
    task = next(t for t in api.get("/api/tasks", "sthj_reviewer").get_json()["items"]
                if t["instance_id"] == started["id"])
    r = api.post(f"/api/tasks/{task['id']}/complete", "sthj_reviewer", json={"decision": "approve"})
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "engine_budget", r.get_json()
    assert "200 步" in r.get_json()["error"]["message"]
    detail = api.get(f"/api/instances/{started['id']}", "jiancha").get_json()
    assert detail["status"] == "incident" and "200 步" in detail["incident"]["reason"]
    # The completion was rolled back with the loop: the task is still open for after the retry.
    with app.app_context():
        assert db.session.get(TaskRecord, task["id"]).status == "ready"
    # The lock was released: other work goes on at once.
    assert api.post("/api/instances", "window1", json={"definition_key": "spins", **PROJECT}).status_code == 201
    assert "instance.incident" in [e["action"] for e in detail["history"]]
