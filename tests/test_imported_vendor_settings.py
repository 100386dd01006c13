"""Camunda and Flowable settings in an imported diagram: a clean dueDate is honoured, the rest is named.

And JUEL/FEEL conditions: refused with a preview of the Python, rewritten when the designer asks,
and the rewritten diagram routes as the original meant.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.bpmn_builder import definitions, parallel_review
from tests.conftest import Api
from tests.test_joint_approval_api import APPLICATION, complete, start, worklist

VENDORS = ('xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:flowable="http://flowable.org/bpmn" '
           'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"')


def _file(body: str, key: str = "vendor") -> bytes:
    xml = definitions(f'<bpmn:process id="{key}" name="外来设置" isExecutable="true">{body}</bpmn:process>').decode()
    return xml.replace('xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"', VENDORS, 1).encode()


def _deploy(api: Api, xml: bytes, **query: str):
    return api.post("/api/definitions", "designer", data=xml, content_type="application/xml", query_string=query)


def _start(api: Api, key: str) -> dict:
    return start(api, {**APPLICATION, "definition_key": key})


def _due(api: Api, instance: dict, bpmn_id: str) -> str | None:
    tasks = api.get(f"/api/instances/{instance['id']}", "jiancha").get_json()["tasks"]
    return next(t for t in tasks if t["bpmn_id"] == bpmn_id)["due_at"]


SETTINGS = (
    '<bpmn:startEvent id="start"/><bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="split"/>'
    '<bpmn:parallelGateway id="split"/>'
    '<bpmn:sequenceFlow id="f1" sourceRef="split" targetRef="a"/>'
    '<bpmn:sequenceFlow id="f2" sourceRef="split" targetRef="b"/>'
    '<bpmn:sequenceFlow id="f3" sourceRef="split" targetRef="c"/>'
    '<bpmn:userTask id="a" name="环评审查" camunda:candidateGroups="sthj" camunda:dueDate="${workdays(5)}"'
    ' camunda:assignee="zhang" camunda:formKey="embedded:app:forms/a.html"/>'
    '<bpmn:userTask id="b" name="水务审查" flowable:candidateGroups="sw" flowable:dueDate="P3D">'
    '<bpmn:extensionElements><flowable:taskListener event="create" class="com.example.Notify"/>'
    "</bpmn:extensionElements></bpmn:userTask>"
    '<bpmn:userTask id="c" name="交通审查" camunda:candidateGroups="jt"'
    ' camunda:dueDate="${dateTime().plusDays(5).toDate()}"/>'
    '<bpmn:sequenceFlow id="f4" sourceRef="a" targetRef="join"/>'
    '<bpmn:sequenceFlow id="f5" sourceRef="b" targetRef="join"/>'
    '<bpmn:sequenceFlow id="f6" sourceRef="c" targetRef="join"/>'
    '<bpmn:parallelGateway id="join"/><bpmn:sequenceFlow id="f7" sourceRef="join" targetRef="end"/>'
    '<bpmn:endEvent id="end"/>')


def test_a_clean_due_date_becomes_the_tasks_deadline_and_the_rest_is_named(api: Api) -> None:
    r = _deploy(api, _file(SETTINGS))
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert {(w["element"]) for w in body["warnings"]} == {"a", "b", "c"}
    said = {w["element"]: w["message"] for w in body["warnings"]}
    assert "camunda:assignee" in said["a"] and "camunda:formKey" in said["a"] and "不指定到人" in said["a"]
    assert "flowable:taskListener" in said["b"] and "Java" in said["b"]
    assert "dateTime()" in said["c"] and "未采用" in said["c"]
    assert [(w["kind"], w["element"], w["after"]) for w in body["rewrites"]] == [
        ("due_date", "a", "timeDate: workdays(5)"), ("due_date", "b", 'timeDuration: "P3D"')]

    # The deadline is what a native workdays(5) timer gives, on the same clock.
    assert _deploy(api, parallel_review(departments=("sthj",))).status_code == 201
    native = _start(api, "small_review")
    imported = _start(api, "vendor")
    assert _due(api, imported, "a") == _due(api, native, "sthj_review") is not None
    started = api.get(f"/api/instances/{imported['id']}", "jiancha").get_json()["created_at"]
    assert datetime.fromisoformat(_due(api, imported, "b")) - datetime.fromisoformat(started) == timedelta(days=3)
    assert _due(api, imported, "c") is None  # not followed, as the warning said

    stored = api.get("/api/definitions/vendor/versions/1/xml", "designer").data.decode()
    assert 'camunda:dueDate="${workdays' not in stored and "flowable:dueDate" not in stored
    assert 'attachedToRef="a"' in stored and 'attachedToRef="b"' in stored


GATE = (
    '<bpmn:startEvent id="start"/><bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="decide"/>'
    '<bpmn:userTask id="decide" name="牵头决定" camunda:candidateGroups="fgw"/>'
    '<bpmn:sequenceFlow id="f1" sourceRef="decide" targetRef="gate"/><bpmn:exclusiveGateway id="gate"/>'
    '<bpmn:sequenceFlow id="yes" sourceRef="gate" targetRef="issue"><bpmn:conditionExpression'
    " xsi:type=\"bpmn:tFormalExpression\">${decision == 'approve'}</bpmn:conditionExpression>"
    "</bpmn:sequenceFlow>"
    '<bpmn:sequenceFlow id="no" sourceRef="gate" targetRef="refused"><bpmn:conditionExpression'
    ' xsi:type="bpmn:tFormalExpression">= decision = "reject"</bpmn:conditionExpression></bpmn:sequenceFlow>'
    '<bpmn:userTask id="issue" name="制证" camunda:candidateGroups="fgw"/>'
    '<bpmn:sequenceFlow id="f2" sourceRef="issue" targetRef="issued"/>'
    '<bpmn:endEvent id="issued"/><bpmn:endEvent id="refused"/>')


def test_juel_and_feel_conditions_are_previewed_then_rewritten_on_request_and_route_right(api: Api) -> None:
    refused = _deploy(api, _file(GATE, "routing"))
    assert refused.status_code == 422
    preview = refused.get_json()["error"]["details"]["condition_rewrites"]
    assert preview == [{"element": "yes", "before": "${decision == 'approve'}", "after": "decision == 'approve'"},
                       {"element": "no", "before": '= decision = "reject"', "after": 'decision == "reject"'}]

    r = _deploy(api, _file(GATE, "routing"), rewrite_conditions="true")
    assert r.status_code == 201, r.get_json()
    assert [(w["kind"], w["element"]) for w in r.get_json()["rewrites"]] == [("condition", "yes"), ("condition", "no")]
    stored = api.get("/api/definitions/routing/versions/1/xml", "designer").data.decode()
    assert "${" not in stored and 'decision == "reject"' in stored

    approved, rejected = _start(api, "routing"), _start(api, "routing")
    for instance, decision in ((approved, "approve"), (rejected, "reject")):
        [task] = [t for t in worklist(api, "fgw_lead") if t["instance_id"] == instance["id"]]
        complete(api, "fgw_lead", task["id"], decision=decision)
    assert [t["name"] for t in worklist(api, "fgw_lead") if t["instance_id"] == approved["id"]] == ["制证"]
    assert not [t for t in worklist(api, "fgw_lead") if t["instance_id"] == rejected["id"]]
    assert api.get(f"/api/instances/{rejected['id']}", "jiancha").get_json()["status"] == "completed"


def test_a_condition_too_rich_to_rewrite_is_not_offered(api: Api) -> None:
    gate = GATE.replace("${decision == 'approve'}", "${execution.getVariable('decision') == 'approve'}")
    refused = _deploy(api, _file(gate, "gate_rich"))
    assert refused.status_code == 422
    details = refused.get_json()["error"]["details"]
    assert [p["element"] for p in details["condition_rewrites"]] == ["no"]
    still = _deploy(api, _file(gate, "gate_rich"), rewrite_conditions="true")
    assert still.status_code == 422
    [problem] = still.get_json()["error"]["details"]["problems"]
    assert problem["element"] == "yes" and "JUEL" in problem["message"]
