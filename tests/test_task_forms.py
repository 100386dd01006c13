"""A step declares the decisions it offers and the opinion it asks for (`ow:choice`, `ow:opinion`).

The engine holds every completion to them and the work page draws them; bad declarations are refused
at deploy, naming the task.
"""

from __future__ import annotations

import pytest
from flask import Flask

from tests.bpmn_builder import parallel_review
from tests.conftest import Api

OW = 'xmlns:ow="urn:onewindow:bpmn"'
TASK = '<bpmn:userTask id="sthj_review" name="sthj 审查"/>'


def _with_form(elements: str, *, key: str = "formed_review") -> bytes:
    """The small parallel review, with `elements` in the sthj review task's extensionElements."""
    xml = parallel_review(key).decode()
    assert TASK in xml
    return xml.replace(TASK, f'<bpmn:userTask id="sthj_review" name="sthj 审查"><bpmn:extensionElements>'
                             f'{elements}</bpmn:extensionElements></bpmn:userTask>').encode()


def _deploy(api: Api, xml: bytes):
    return api.post("/api/definitions", "designer", data=xml, content_type="application/xml")


def _start(api: Api, key: str) -> dict:
    body = {"definition_key": key, "project": {"name": "p", "code": "c", "investment": 1},
            "applicant": {"name": "a", "contact": "b"}}
    r = api.post("/api/instances", "window1", json=body)
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def _task(api: Api, instance_id: int, user: str) -> dict:
    items = api.get("/api/tasks", user).get_json()["items"]
    return next(t for t in items if t["instance_id"] == instance_id)


CHOICES = (f'<ow:choice {OW} value="approve" label="同意" />'
           f'<ow:choice {OW} value="approve_with_conditions" label="附条件同意" opinion="required" />'
           f'<ow:choice {OW} value="refuse" label="不同意" opinion="required" />'
           f'<ow:opinion {OW} label="审查意见" />')


def test_a_step_accepts_only_its_declared_decisions_and_one_without_keeps_the_open_pair(
        app: Flask, api: Api) -> None:
    assert _deploy(api, _with_form(CHOICES)).status_code == 201
    instance = _start(api, "formed_review")
    forms = api.get(f"/api/instances/{instance['id']}", "sthj_reviewer").get_json()["task_forms"]
    assert list(forms) == ["sthj_review"]  # the sw step declares nothing
    assert [c["label"] for c in forms["sthj_review"]["choices"]] == ["同意", "附条件同意", "不同意"]
    sthj, sw = _task(api, instance["id"], "sthj_reviewer"), _task(api, instance["id"], "sw_reviewer")
    odd = api.post(f"/api/tasks/{sthj['id']}/complete", "sthj_reviewer", json={"decision": "maybe"})
    assert odd.status_code == 422 and odd.get_json()["error"]["details"]["problems"][0]["field"] == "decision"
    bare = api.post(f"/api/tasks/{sthj['id']}/complete", "sthj_reviewer",
                    json={"decision": "approve_with_conditions"})
    assert bare.get_json()["error"]["details"]["problems"] == [
        {"field": "opinion", "message": "选择“附条件同意”时须填写审查意见"}]
    done = api.post(f"/api/tasks/{sthj['id']}/complete", "sthj_reviewer",
                    json={"decision": "approve_with_conditions", "opinion": "须落实雨污分流"})
    assert done.status_code == 200, done.get_json()
    # A step that declares nothing takes any short decision word, and a refusal still needs its reason.
    refused = api.post(f"/api/tasks/{sw['id']}/complete", "sw_reviewer", json={"decision": "refuse"})
    assert refused.get_json()["error"]["details"]["problems"] == [
        {"field": "opinion", "message": "不同意时须在意见中写明理由"}]
    assert api.post(f"/api/tasks/{sw['id']}/complete", "sw_reviewer",
                    json={"decision": "approve"}).status_code == 200


@pytest.mark.parametrize(("elements", "says"), [
    (f'<ow:choice {OW} value="Accept" label="受理" /><ow:choice {OW} value="b" label="乙" />', "小写字母开头"),
    (f'<ow:choice {OW} value="a" label="甲" /><ow:choice {OW} value="a" label="乙" />', "重复"),
    (f'<ow:choice {OW} value="a" /><ow:choice {OW} value="b" label="乙" />', "须有 label"),
    (f'<ow:choice {OW} value="a" label="甲" />', "至少写两个"),
    (f'<ow:choice {OW} value="a" label="甲" opinion="sometimes" /><ow:choice {OW} value="b" label="乙" />',
     "只能是 true 或 false"),
    (f'<ow:opinion {OW} label="意见" /><ow:opinion {OW} label="意见二" />', "只能有一个"),
    (f'<ow:opinion {OW} />', "须有 label"),
])
def test_bad_declarations_are_refused_at_deploy_naming_the_task(api: Api, elements: str, says: str) -> None:
    r = _deploy(api, _with_form(elements))
    assert r.status_code == 422
    problem = r.get_json()["error"]["details"]["problems"][0]
    assert says in problem["message"] and problem["element"] == "sthj_review", problem


def test_a_choice_outside_a_user_task_is_refused(api: Api) -> None:
    xml = parallel_review("misplaced").decode().replace(
        '<bpmn:endEvent id="ok"', f'<bpmn:endEvent id="ok"><bpmn:extensionElements><ow:choice {OW} value="a" '
        f'label="甲" /></bpmn:extensionElements></bpmn:endEvent><bpmn:endEvent id="ok_"', 1)
    r = _deploy(api, xml.encode())
    assert r.status_code == 422
    assert "只能写在用户任务" in r.get_json()["error"]["details"]["problems"][0]["message"]
