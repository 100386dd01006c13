"""A version diff read as sentences: steps by name, lanes by department, limits in working days."""

from __future__ import annotations

from api.diff_words import diff_words
from engine.definition_diff import diff_trees, parse_version
from tests.live_server import REPO

SHIPPED = (REPO / "bpmn" / "investment_joint_approval.bpmn").read_bytes()
NAMES = {"zrzy": "自然资源和规划局", "sthj": "生态环境局", "fgw": "发展和改革委员会"}


def _words(new: bytes) -> dict[str, dict[str, list[str]]]:
    old_root, new_root = parse_version(SHIPPED), parse_version(new)
    return diff_words(diff_trees(old_root, new_root), old_root, new_root, NAMES)


def test_a_limit_moved_reads_as_the_step_and_its_working_days() -> None:
    new = SHIPPED.replace(b"<bpmn:timeDate xsi:type=\"bpmn:tFormalExpression\">workdays(20)</bpmn:timeDate>\n"
                          b"      </bpmn:timerEventDefinition>\n    </bpmn:boundaryEvent>\n    <bpmn:scriptTask "
                          b"id=\"s1_zrzy_record\"",
                          b"<bpmn:timeDate xsi:type=\"bpmn:tFormalExpression\">workdays(18)</bpmn:timeDate>\n"
                          b"      </bpmn:timerEventDefinition>\n    </bpmn:boundaryEvent>\n    <bpmn:scriptTask "
                          b"id=\"s1_zrzy_record\"", 1)
    assert new != SHIPPED
    words = _words(new)["changed"]
    assert words["s1_zrzy_deadline"] == ["自然资源和规划局审查（立项用地规划许可）：时限 20 → 18 个工作日"]


def test_renames_conditions_and_lanes_read_in_chinese() -> None:
    new = (SHIPPED.replace(b'name="\xe8\x87\xaa\xe7\x84\xb6\xe8\xb5\x84\xe6\xba\x90\xe5\x92\x8c\xe8\xa7\x84\xe5\x88\x92'
                           b'\xe5\xb1\x80\xe5\xae\xa1\xe6\x9f\xa5\xef\xbc\x88\xe7\xab\x8b',
                           "name=\"规划审查（立".encode(), 1)
           .replace(b'targetRef="s2_split" name="\xe9\x80\x9a\xe8\xbf\x87">\n      <bpmn:conditionExpression '
                    b'xsi:type="bpmn:tFormalExpression">decision == "approve"',
                    b'targetRef="s2_split" name="\xe9\x80\x9a\xe8\xbf\x87">\n      <bpmn:conditionExpression '
                    b'xsi:type="bpmn:tFormalExpression">decision == "approve" and ok', 1)
           .replace(b'<bpmn:lane id="Lane_fgw" name="fgw">', b'<bpmn:lane id="Lane_fgw" name="sthj">', 1))
    words = _words(new)["changed"]
    assert words["s1_zrzy_review"] == ["环节“自然资源和规划局审查（立项用地规划许可）”改名为“规划审查（立项用地规划许可）”"]
    assert words["flow_s1_gate_to_s2_split"] == [
        '连线 “通过” 的条件：decision == "approve" → decision == "approve" and ok']
    assert words["Lane_fgw"] == ["泳道“发展和改革委员会”改名为“生态环境局”"]
    every = [w for group in _words(new).values() for sentences in group.values() for w in sentences]
    assert not any(code in w for w in every for code in ("fgw", "zrzy", "timerEventDefinition", "@"))


def test_added_and_removed_steps_are_named() -> None:
    new = SHIPPED.replace(b'<bpmn:boundaryEvent id="s1_zrzy_deadline"', b'<bpmn:boundaryEvent id="s1_zrzy_limit"')
    new = new.replace(b'<bpmn:flowNodeRef>s1_zrzy_deadline</bpmn:flowNodeRef>',
                      b'<bpmn:flowNodeRef>s1_zrzy_limit</bpmn:flowNodeRef>')
    words = _words(new)
    assert words["added"]["s1_zrzy_limit"] == ["新增自然资源和规划局审查（立项用地规划许可）的期限事件“20个工作日”"]
    assert words["removed"]["s1_zrzy_deadline"] == ["删除自然资源和规划局审查（立项用地规划许可）的期限事件“20个工作日”"]
