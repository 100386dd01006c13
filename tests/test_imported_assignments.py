"""Diagrams from Camunda Modeler, Flowable and spiff-arena: every task finds its department, by a named rule.

A Camunda-style process puts no lanes and writes `camunda:candidateGroups` on its tasks; spiff-arena
names lanes by role (受理窗口). Deployment resolves each human task by our lane convention, then
candidate groups (directly or through ONEWINDOW_GROUP_DEPARTMENTS), then the designer's choice of
department for a lane, says which rule decided, and stores the diagram in the lane convention.
"""

from __future__ import annotations

import json

import pytest
from lxml import etree

from tests.bpmn_builder import definitions
from tests.conftest import Api
from tests.test_joint_approval_api import APPLICATION, complete, start, worklist

CAMUNDA = 'xmlns:camunda="http://camunda.org/schema/1.0/bpmn"'
FLOWABLE = 'xmlns:flowable="http://flowable.org/bpmn"'
B = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"


def _review(groups: tuple[str, str, str], prefix: str = "camunda", lanes: str = "") -> bytes:
    """Two parallel reviews and a lead's decision, assigned by candidate groups only (no lanes)."""
    first, second, lead = groups
    body = (
        f'<bpmn:process id="imported" name="外来流程" isExecutable="true">{lanes}'
        '<bpmn:startEvent id="start"/><bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="split"/>'
        '<bpmn:parallelGateway id="split"/>'
        '<bpmn:sequenceFlow id="f1" sourceRef="split" targetRef="review_a"/>'
        '<bpmn:sequenceFlow id="f2" sourceRef="split" targetRef="review_b"/>'
        f'<bpmn:userTask id="review_a" name="环评审查" {prefix}:candidateGroups="{first}"/>'
        f'<bpmn:userTask id="review_b" name="水务审查" {prefix}:candidateGroups="{second}"/>'
        '<bpmn:sequenceFlow id="f3" sourceRef="review_a" targetRef="join"/>'
        '<bpmn:sequenceFlow id="f4" sourceRef="review_b" targetRef="join"/>'
        '<bpmn:parallelGateway id="join"/><bpmn:sequenceFlow id="f5" sourceRef="join" targetRef="decide"/>'
        f'<bpmn:userTask id="decide" name="牵头决定" {prefix}:candidateGroups="{lead}"/>'
        '<bpmn:sequenceFlow id="f6" sourceRef="decide" targetRef="end"/><bpmn:endEvent id="end"/>'
        "</bpmn:process>")
    xml = definitions(body).decode()
    return xml.replace("<bpmn:definitions ", f"<bpmn:definitions {CAMUNDA} {FLOWABLE} ", 1).encode()


def _spiff_arena_style() -> bytes:
    """Lanes named by role, as spiff-arena's examples do; no candidate groups."""
    lanes = ('<bpmn:laneSet id="ls"><bpmn:lane id="l1" name="受理窗口"><bpmn:flowNodeRef>start</bpmn:flowNodeRef>'
             '<bpmn:flowNodeRef>accept</bpmn:flowNodeRef></bpmn:lane>'
             '<bpmn:lane id="l2" name="审批科室"><bpmn:flowNodeRef>approve</bpmn:flowNodeRef>'
             '<bpmn:flowNodeRef>end</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>')
    return definitions(
        f'<bpmn:process id="arena" name="角色泳道" isExecutable="true">{lanes}'
        '<bpmn:startEvent id="start"/><bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="accept"/>'
        '<bpmn:userTask id="accept" name="受理"/><bpmn:sequenceFlow id="f1" sourceRef="accept" targetRef="approve"/>'
        '<bpmn:userTask id="approve" name="审批"/><bpmn:sequenceFlow id="f2" sourceRef="approve" targetRef="end"/>'
        '<bpmn:endEvent id="end"/></bpmn:process>')


def _deploy(api: Api, xml: bytes, lanes: list[str] | None = None):
    query = [("lane_department", choice) for choice in lanes or []]
    return api.post("/api/definitions", "designer", data=xml, content_type="application/xml", query_string=query)


def _start(api: Api, key: str) -> dict:
    return start(api, {**APPLICATION, "definition_key": key})


def _lanes_of(api: Api, key: str, version: int = 1) -> dict[str, set[str]]:
    xml = api.get(f"/api/definitions/{key}/versions/{version}/xml", "designer").data
    root = etree.fromstring(xml)
    return {lane.get("name"): {ref.text for ref in lane.iter(f"{B}flowNodeRef")} for lane in root.iter(f"{B}lane")}


def test_a_camunda_style_diagram_runs_with_its_candidate_groups_as_departments(api: Api) -> None:
    r = _deploy(api, _review(("sthj", "sw", "fgw")))
    assert r.status_code == 201, r.get_json()
    rules = {a["task"]: (a["department"], a["rule"], a["source"]) for a in r.get_json()["assignments"]}
    assert rules == {"review_a": ("sthj", "candidate_groups", "sthj"), "review_b": ("sw", "candidate_groups", "sw"),
                     "decide": ("fgw", "candidate_groups", "fgw")}
    # Stored in the lane convention, so every other part of the system reads it as it reads ours.
    lanes = _lanes_of(api, "imported")
    assert lanes["sthj"] == {"review_a"} and lanes["sw"] == {"review_b"} and lanes["fgw"] == {"decide"}

    instance = _start(api, "imported")
    [sthj] = [t for t in worklist(api, "sthj_reviewer") if t["instance_id"] == instance["id"]]
    [sw] = [t for t in worklist(api, "sw_reviewer") if t["instance_id"] == instance["id"]]
    assert (sthj["name"], sw["name"]) == ("环评审查", "水务审查")
    assert not [t for t in worklist(api, "fgw_lead") if t["instance_id"] == instance["id"]]
    complete(api, "sthj_reviewer", sthj["id"])
    complete(api, "sw_reviewer", sw["id"])
    [decide] = [t for t in worklist(api, "fgw_lead") if t["instance_id"] == instance["id"]]
    assert decide["name"] == "牵头决定"
    complete(api, "fgw_lead", decide["id"])
    assert api.get(f"/api/instances/{instance['id']}", "jiancha").get_json()["status"] == "completed"

    again = _deploy(api, _review(("sthj", "sw", "fgw")))
    assert again.status_code == 200 and again.get_json()["version"] == 1  # the same upload is the same version


def test_flowable_groups_and_a_group_listed_in_the_centres_table(api: Api) -> None:
    r = _deploy(api, _review(("sthj", "sw", "fgw"), prefix="flowable"))
    assert r.status_code == 201, r.get_json()
    assert {a["rule"] for a in r.get_json()["assignments"]} == {"candidate_groups"}

    refused = _deploy(api, _review(("环保组", "sw", "fgw")))
    assert refused.status_code == 422
    [problem] = refused.get_json()["error"]["details"]["problems"]
    assert problem["element"] == "review_a"
    assert "环保组" in problem["message"] and "ONEWINDOW_GROUP_DEPARTMENTS" in problem["message"]


@pytest.mark.app_settings(ONEWINDOW_GROUP_DEPARTMENTS=json.dumps({"环保组": "sthj", "水务组": "sw"}))
def test_the_group_table_turns_other_group_names_into_departments(api: Api) -> None:
    r = _deploy(api, _review(("环保组", "水务组,sw", "fgw")))
    assert r.status_code == 201, r.get_json()
    rules = {a["task"]: (a["department"], a["source"]) for a in r.get_json()["assignments"]}
    assert rules["review_a"] == ("sthj", "环保组") and rules["review_b"] == ("sw", "水务组,sw")


def test_groups_naming_two_departments_are_refused_by_name(api: Api) -> None:
    r = _deploy(api, _review(("sthj,sw", "sw", "fgw")))
    assert r.status_code == 422
    [problem] = r.get_json()["error"]["details"]["problems"]
    assert problem["element"] == "review_a" and "多个部门" in problem["message"] and "sthj、sw" in problem["message"]


def test_our_lane_wins_over_a_different_group_and_the_answer_warns(api: Api) -> None:
    lanes = ('<bpmn:laneSet id="ls"><bpmn:lane id="l" name="jt"><bpmn:flowNodeRef>review_a</bpmn:flowNodeRef>'
             "</bpmn:lane></bpmn:laneSet>")
    r = _deploy(api, _review(("sthj", "sw", "fgw"), lanes=lanes))
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert {a["task"]: a["rule"] for a in body["assignments"]}["review_a"] == "lane"
    assert [w["element"] for w in body["warnings"]] == ["review_a"]
    assert "sthj" in body["warnings"][0]["message"] and "按泳道办理" in body["warnings"][0]["message"]


def test_role_named_lanes_get_a_department_chosen_at_deploy(api: Api) -> None:
    refused = _deploy(api, _spiff_arena_style())
    assert refused.status_code == 422
    details = refused.get_json()["error"]["details"]
    assert details["unknown_lanes"] == ["受理窗口", "审批科室"]
    assert {p["element"] for p in details["problems"]} == {"l1", "l2"}  # the lanes are what to fix
    assert all("在发布时为它选择部门" in p["message"] for p in details["problems"])

    r = _deploy(api, _spiff_arena_style(), ["受理窗口=zwfw", "审批科室=zrzy"])
    assert r.status_code == 201, r.get_json()
    rules = {a["task"]: (a["department"], a["rule"], a["source"]) for a in r.get_json()["assignments"]}
    assert rules == {"accept": ("zwfw", "lane_mapping", "受理窗口"), "approve": ("zrzy", "lane_mapping", "审批科室")}
    assert set(_lanes_of(api, "arena")) == {"zwfw", "zrzy"}
    instance = _start(api, "arena")
    assert [t["name"] for t in worklist(api, "window1") if t["instance_id"] == instance["id"]] == ["受理"]


@pytest.mark.parametrize(("choice", "status", "needle"), [
    ("受理窗口", 400, "泳道名称=部门代码"),
    ("受理窗口=nowhere", 422, "'nowhere' 不是已登记的部门代码"),
    ("没有这条泳道=zwfw", 422, "没有名为 '没有这条泳道' 的泳道"),
])
def test_a_wrong_lane_choice_is_named(api: Api, choice: str, status: int, needle: str) -> None:
    r = _deploy(api, _spiff_arena_style(), [choice, "审批科室=zrzy"])
    assert r.status_code == status, r.get_json()
    assert needle in json.dumps(r.get_json(), ensure_ascii=False)
