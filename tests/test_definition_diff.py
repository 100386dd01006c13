"""The designer's version list says what changed between two versions, element by element."""

from __future__ import annotations

import re
from pathlib import Path

from engine.definition_diff import diff_definitions
from tests.conftest import Api

SHIPPED = Path(__file__).resolve().parent.parent / "bpmn" / "investment_joint_approval.bpmn"


def _edited() -> bytes:
    xml = SHIPPED.read_text(encoding="utf-8")
    # A new time limit for one co-reviewer, a renamed task, and three shapes moved on the canvas.
    xml = xml.replace('<bpmn:timerEventDefinition id="s1_zrzy_deadline_timer">\n'
                      '        <bpmn:timeDate xsi:type="bpmn:tFormalExpression">workdays(20)',
                      '<bpmn:timerEventDefinition id="s1_zrzy_deadline_timer">\n'
                      '        <bpmn:timeDate xsi:type="bpmn:tFormalExpression">workdays(25)', 1)
    xml = xml.replace('name="生态环境局审查（立项用地规划许可）"', 'name="生态环境局环评审查"', 1)
    xml = re.sub(r'(<dc:Bounds x=")(\d+)', lambda m: m.group(1) + str(int(m.group(2)) + 7), xml, count=3)
    return xml.encode("utf-8")


def test_diff_reports_timer_and_name_changes_but_not_layout() -> None:
    diff = diff_definitions(SHIPPED.read_bytes(), _edited())
    assert diff.added == [] and diff.removed == []
    changed = {c.id: c for c in diff.changed}
    assert set(changed) == {"s1_zrzy_deadline", "s1_sthj_review"}
    timer = changed["s1_zrzy_deadline"]
    assert timer.type == "boundaryEvent" and timer.aspects == ("timerEventDefinition",)
    assert "workdays(20)" in timer.before["timerEventDefinition"]
    assert "workdays(25)" in timer.after["timerEventDefinition"]
    task = changed["s1_sthj_review"]
    assert task.aspects == ("name",) and task.after == {"name": "生态环境局环评审查"}


def test_diff_reports_added_and_removed_elements() -> None:
    xml = SHIPPED.read_text(encoding="utf-8")
    edited = xml.replace('<bpmn:flowNodeRef>s1_sthj_overdue_end</bpmn:flowNodeRef>',
                         '<bpmn:flowNodeRef>s1_sthj_overdue_end</bpmn:flowNodeRef>\n'
                         '        <bpmn:flowNodeRef>extra_task</bpmn:flowNodeRef>', 1)
    edited = edited.replace('</bpmn:process>', '<bpmn:task id="extra_task" name="额外" /></bpmn:process>', 1)
    diff = diff_definitions(xml.encode(), edited.encode())
    assert [(c.id, c.type, c.name) for c in diff.added] == [("extra_task", "task", "额外")]
    lane = next(c for c in diff.changed if c.type == "lane")
    assert lane.aspects == ("flowNodeRef",) and "extra_task" in lane.after["flowNodeRef"]
    reverse = diff_definitions(edited.encode(), xml.encode())
    assert [c.id for c in reverse.removed] == ["extra_task"]


def test_diff_api_defaults_to_the_latest_two_versions(api: Api) -> None:
    headers = {"Content-Type": "application/xml"}
    r = api.post("/api/definitions", "designer", data=_edited(), headers=headers)
    assert r.status_code == 201, r.get_json()
    version = r.get_json()["version"]
    body = api.get("/api/definitions/investment_joint_approval/diff", "designer").get_json()
    assert (body["from"], body["to"]) == (version - 1, version)
    assert {c["id"] for c in body["changed"]} == {"s1_zrzy_deadline", "s1_sthj_review"}
    words = {c["id"]: c["words"] for c in body["changed"]}  # the change in sentences, beside the raw aspects
    assert any("20 → 25 个工作日" in w for w in words["s1_zrzy_deadline"]), words
    assert any("生态环境局环评审查" in w for w in words["s1_sthj_review"]), words
    same = api.get(f"/api/definitions/investment_joint_approval/diff?from={version}&to={version}", "designer")
    assert same.status_code == 200 and same.get_json()["changed"] == []
    assert api.get("/api/definitions/investment_joint_approval/diff?from=99", "designer").status_code == 404
    assert api.get("/api/definitions/nope/diff", "designer").status_code == 404
    assert api.get("/api/definitions/investment_joint_approval/diff?from=x", "designer").status_code == 400
    assert api.get("/api/definitions/investment_joint_approval/diff?to=0", "designer").status_code == 400
