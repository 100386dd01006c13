"""A department cannot overwrite data another department (or the window) wrote, unless the diagram shares it."""

from __future__ import annotations

from tests.bpmn_builder import invalid_diagram
from tests.conftest import Api

BODY = {"project": {"name": "p", "code": "c", "investment": 1}, "applicant": {"name": "a", "contact": "b"}}


def _stage_one(api: Api) -> tuple[int, dict[str, str]]:
    r = api.post("/api/instances", "window1", json={"definition_key": "investment_joint_approval",
                                                    "data": {"land_area_mu": 120}, **BODY})
    assert r.status_code == 201
    instance_id = r.get_json()["id"]
    tasks = api.get(f"/api/instances/{instance_id}", "jiancha").get_json()["tasks"]
    return instance_id, {t["department"]: t["id"] for t in tasks if t["status"] == "ready"}


def test_a_department_cannot_rewrite_another_departments_decision(api: Api) -> None:
    instance_id, tasks = _stage_one(api)
    r = api.post(f"/api/tasks/{tasks['sthj']}/complete", "sthj_reviewer",
                 json={"decision": "reject", "opinion": "不符合生态保护红线要求"})
    assert r.status_code == 200, r.get_json()
    r = api.post(f"/api/tasks/{tasks['zrzy']}/complete", "zrzy_reviewer",
                 json={"decision": "approve", "data": {"s1_sthj_decision": "approve"}})
    assert r.status_code == 422
    # The shipped diagram copies each decision in the co-reviewer's own lane, so sthj's script owns the key
    # (named as the clerk knows the department).
    assert r.get_json()["error"]["details"]["problems"] == [
        {"field": "data.s1_sthj_decision",
         "message": "data.s1_sthj_decision 由生态环境局写入，本部门不能修改（流程未声明该字段为共享）"}]
    detail = api.get(f"/api/instances/{instance_id}", "jiancha").get_json()
    assert detail["data"]["s1_sthj_decision"] == "reject"
    assert next(t for t in detail["tasks"] if t["department"] == "zrzy")["status"] == "ready"  # nothing stored


def test_registered_data_and_earlier_submissions_belong_to_their_writers(api: Api) -> None:
    _, tasks = _stage_one(api)
    r = api.post(f"/api/tasks/{tasks['zrzy']}/complete", "zrzy_reviewer",
                 json={"decision": "approve", "data": {"land_area_mu": 80}})
    assert r.status_code == 422 and "由受理窗口写入" in r.get_json()["error"]["details"]["problems"][0]["message"]
    assert api.post(f"/api/tasks/{tasks['sthj']}/complete", "sthj_reviewer",
                    json={"decision": "approve", "data": {"site_visit": "已现场核查"}}).status_code == 200
    r = api.post(f"/api/tasks/{tasks['zrzy']}/complete", "zrzy_reviewer",
                 json={"decision": "approve", "data": {"site_visit": "未核查"}})
    assert r.status_code == 422 and r.get_json()["error"]["details"]["problems"][0]["field"] == "data.site_visit"
    ok = api.post(f"/api/tasks/{tasks['zrzy']}/complete", "zrzy_reviewer",
                  json={"decision": "approve", "data": {"zrzy_note": "用地符合规划"}})
    assert ok.status_code == 200, ok.get_json()


def _two_lane_diagram(shared: str = "") -> bytes:
    """Scripts in the sthj and sw lanes both assign `remarks`: refused as stored, fine once declared shared."""
    xml = invalid_diagram("script_key_written_in_two_lanes")
    if shared:  # extensionElements come first in a process
        extension = (f'<bpmn:extensionElements><ow:shared xmlns:ow="urn:onewindow:bpmn" keys="{shared}"/>'
                     "</bpmn:extensionElements>")
        assert xml.count(b'isExecutable="true">') == 1
        xml = xml.replace(b'isExecutable="true">', b'isExecutable="true">' + extension.encode(), 1)
    return xml


def test_lint_asks_for_a_shared_declaration_and_then_both_may_write(api: Api) -> None:
    r = api.post("/api/definitions", "designer", data=_two_lane_diagram(), content_type="application/xml")
    assert r.status_code == 422
    problem = r.get_json()["error"]["details"]["problems"][0]
    assert "数据键 'remarks' 由 sthj、sw 的脚本共同写入" in problem["message"] and problem["element"] == "sa"
    r = api.post("/api/definitions", "designer", data=_two_lane_diagram("remarks"), content_type="application/xml")
    assert r.status_code == 201, r.get_json()
    started = api.post("/api/instances", "window1", json={"definition_key": "shared_notes", **BODY}).get_json()
    first = api.get(f"/api/instances/{started['id']}", "jiancha").get_json()["tasks"][0]
    assert api.post(f"/api/tasks/{first['id']}/complete", "sthj_reviewer", json={"decision": "ok"}).status_code == 200
    second = next(t for t in api.get(f"/api/instances/{started['id']}", "jiancha").get_json()["tasks"]
                  if t["status"] == "ready")
    r = api.post(f"/api/tasks/{second['id']}/complete", "sw_reviewer",
                 json={"decision": "ok", "data": {"remarks": "乙补充"}})
    assert r.status_code == 200, r.get_json()
