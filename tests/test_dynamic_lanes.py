"""`{data_key}` lanes: a task goes to the department its instance's data names when the task starts."""

from __future__ import annotations

from bpmn.lanes import dynamic_lane_key, lane_department
from tests.bpmn_builder import definitions
from tests.conftest import Api
from tests.test_joint_approval_api import APPLICATION


def _diagram(lane: str) -> bytes:
    """Start -> one user task in `lane` -> end; the start's lane is the window's."""
    body = ('<bpmn:startEvent id="start"/><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="ask"/>'
            '<bpmn:userTask id="ask" name="答复"/><bpmn:sequenceFlow id="f2" sourceRef="ask" targetRef="end"/>'
            '<bpmn:endEvent id="end"/>')
    lanes = ('<bpmn:laneSet id="ls"><bpmn:lane id="lane_window" name="zwfw"><bpmn:flowNodeRef>start'
             f'</bpmn:flowNodeRef></bpmn:lane><bpmn:lane id="lane_dynamic" name="{lane}"><bpmn:flowNodeRef>ask'
             '</bpmn:flowNodeRef><bpmn:flowNodeRef>end</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>')
    return definitions(f'<bpmn:process id="chosen" name="择部门答复" isExecutable="true">{lanes}{body}'
                       '</bpmn:process>')


def test_a_lane_in_braces_names_a_data_key_and_anything_else_a_department() -> None:
    assert dynamic_lane_key("{answer_department}") == "answer_department"
    assert dynamic_lane_key(" {x1} ") == "x1"
    for name in ("sthj", "{}", "{1x}", "{a b}", "{a}}", "{{a}", None):
        assert dynamic_lane_key(name) is None
    assert lane_department("{d}", {"d": " sw "}) == "sw"
    assert lane_department("{d}", {"d": 3}) == lane_department("{d}", {}) == ""
    assert lane_department("sthj", {"sthj": "sw"}) == "sthj"


def test_deploy_accepts_a_data_key_lane_and_still_names_a_malformed_one(api: Api) -> None:
    assert api.post("/api/definitions", "designer", data=_diagram("{answering}"),
                    headers={"Content-Type": "application/xml"}).status_code in (200, 201)
    refused = api.post("/api/definitions", "designer", data=_diagram("{two words}"),
                       headers={"Content-Type": "application/xml"})
    assert refused.status_code == 422
    assert "'{two words}'" in " ".join(p["message"] for p in refused.get_json()["error"]["details"]["problems"])


def _task_of(api: Api, data: dict) -> dict:
    r = api.post("/api/instances", "window1", json={**APPLICATION, "definition_key": "chosen", "data": data})
    assert r.status_code == 201, r.get_json()
    detail = api.get(f"/api/instances/{r.get_json()['id']}", "jiancha").get_json()
    (task,) = [t for t in detail["tasks"] if t["bpmn_id"] == "ask"]
    return task


def test_the_task_belongs_to_the_department_the_data_names_and_only_it_may_act(api: Api) -> None:
    assert api.post("/api/definitions", "designer", data=_diagram("{answering}"),
                    headers={"Content-Type": "application/xml"}).status_code in (200, 201)
    task = _task_of(api, {"answering": "sw"})
    assert task["department"] == "sw"
    assert api.post(f"/api/tasks/{task['id']}/claim", "sthj_reviewer").status_code == 403
    assert api.post(f"/api/tasks/{task['id']}/claim", "sw_reviewer").status_code == 200
    # No department named: the task belongs to nobody rather than to a wrong one.
    orphan = _task_of(api, {"answering": ""})
    assert orphan["department"] == ""
    assert api.post(f"/api/tasks/{orphan['id']}/claim", "sw_reviewer").status_code == 403
