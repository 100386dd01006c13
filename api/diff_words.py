"""A version diff in words a designer reads: "自然资源和规划局审查：时限 20 → 18 个工作日".

`engine.definition_diff` compares two diagrams element by element and reports raw aspects
(`timeDate: workdays(20)`, `@name`, `flowNodeRef`). A process designer at a service centre wants to
know what the change means for the work: which step's limit moved, which department's lane gained a
step, which branch condition changed. This module turns each element change into such sentences,
naming steps by their names and lanes by department names, and keeps the raw aspects for the rest.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from lxml import etree

from engine.definition_diff import DefinitionDiff, ElementChange

__all__ = ["ASPECT_WORDS", "KIND_WORDS", "change_words", "diff_words"]

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
KIND_WORDS = {
    "userTask": "环节", "task": "环节", "manualTask": "环节", "scriptTask": "自动环节",
    "serviceTask": "自动环节", "businessRuleTask": "自动环节", "callActivity": "子流程",
    "subProcess": "子流程", "exclusiveGateway": "分支", "inclusiveGateway": "分支",
    "parallelGateway": "并行分支", "eventBasedGateway": "事件分支", "sequenceFlow": "连线",
    "startEvent": "开始", "endEvent": "结束", "boundaryEvent": "期限事件",
    "intermediateCatchEvent": "等待事件", "intermediateThrowEvent": "事件", "lane": "泳道",
    "laneSet": "泳道组", "process": "流程", "participant": "参与方", "collaboration": "协作图",
    "textAnnotation": "注释", "association": "注释连线", "dataObjectReference": "数据",
}
ASPECT_WORDS = {
    "name": "名称", "timeDate": "期限", "timeDuration": "期限", "timeCycle": "周期",
    "conditionExpression": "条件", "flowNodeRef": "包含的环节", "script": "脚本", "extensionElements":
    "扩展设置", "default": "默认去向", "sourceRef": "起点", "targetRef": "终点",
    "attachedToRef": "所属环节", "cancelActivity": "是否中断", "isExecutable": "是否可执行",
    "type": "类型", "documentation": "说明", "multiInstanceLoopCharacteristics": "多实例设置",
    "standardLoopCharacteristics": "循环设置", "incoming": "入线", "outgoing": "出线",
    "timerEventDefinition": "期限定义", "conditionalEventDefinition": "条件事件定义",
    "messageEventDefinition": "消息定义", "signalEventDefinition": "信号定义",
}
WORKDAYS = re.compile(r"workdays\(\s*(\d+)\s*\)")


@dataclass(frozen=True)
class _Element:
    kind: str
    name: str | None
    attached_to: str | None
    source: str | None
    target: str | None


def _elements(root: etree._Element) -> dict[str, _Element]:
    found = {}
    for node in root.iter(f"{{{BPMN}}}*"):
        element_id = node.get("id")
        if element_id:
            found[element_id] = _Element(etree.QName(node).localname, node.get("name"),
                                         node.get("attachedToRef"), node.get("sourceRef"),
                                         node.get("targetRef"))
    return found


class _Namer:
    """Names of steps and lanes in the two versions, lanes by their departments' names."""

    def __init__(self, old: dict[str, _Element], new: dict[str, _Element], departments: Mapping[str, str]):
        self.old, self.new, self.departments = old, new, departments

    def element(self, element_id: str | None) -> str:
        if not element_id:
            return "—"
        found = self.new.get(element_id) or self.old.get(element_id)
        if found is None:
            return element_id
        if found.kind == "lane":
            return self.department(found.name) or element_id
        return found.name or f"{KIND_WORDS.get(found.kind, found.kind)} {element_id}"

    def department(self, name: str | None) -> str | None:
        return self.departments.get(name or "", name) if name else None

    def refs(self, value: str | None) -> str:
        return "、".join(self.element(ref) for ref in (value or "").split()) or "无"

    def flow(self, element: _Element | None, element_id: str) -> str:
        if element is None:
            return element_id
        if element.name:
            return f"“{element.name}”"
        return f"{self.element(element.source)} → {self.element(element.target)}"


def _days(text: str | None) -> str | None:
    found = WORKDAYS.search(text or "")
    return found.group(1) if found else None


ATTRIBUTE_NOISE = re.compile(r"(?:^|\s)(?:type|language|evaluatesToTypeRef)=\S+")


def _short(text: str | None, limit: int = 60) -> str:
    """An expression as written, without the XML attributes the raw diff carries along."""
    value = " ".join(ATTRIBUTE_NOISE.sub(" ", text or "").split()) or "无"
    return value if len(value) <= limit else value[:limit] + "…"


def change_words(change: ElementChange, namer: _Namer) -> list[str]:
    """Sentences for one changed element; an aspect with no sentence of its own is named in a last one."""
    kind = change.type
    element = namer.new.get(change.id) or namer.old.get(change.id)
    words: list[str] = []
    handled: set[str] = set()
    before, after = change.before, change.after
    if kind == "boundaryEvent" and element is not None:
        for aspect in ("timeDate", "timeDuration", "timerEventDefinition"):
            old_days, new_days = _days(before.get(aspect)), _days(after.get(aspect))
            if aspect in change.aspects and old_days and new_days and old_days != new_days:
                words.append(f"{namer.element(element.attached_to)}：时限 {old_days} → {new_days} 个工作日")
                handled.add(aspect)
    if "name" in change.aspects:
        what = KIND_WORDS.get(kind, kind)
        old_name, new_name = before.get("name"), after.get("name")
        if kind == "lane":
            old_name, new_name = namer.department(old_name), namer.department(new_name)
        words.append(f"{what}“{old_name or '无名称'}”改名为“{new_name or '无名称'}”")
        handled.add("name")
    if kind == "lane" and "flowNodeRef" in change.aspects:
        was, now = (set((side.get("flowNodeRef") or "").split()) for side in (before, after))
        gained, lost = now - was, was - now
        lane = namer.element(change.id)
        if gained:
            words.append(f"{lane}泳道新增环节：{namer.refs(' '.join(sorted(gained)))}")
        if lost:
            words.append(f"{lane}泳道移出环节：{namer.refs(' '.join(sorted(lost)))}")
        handled.add("flowNodeRef")
    if "conditionExpression" in change.aspects:
        old_rule, new_rule = (_short(side.get("conditionExpression")) for side in (before, after))
        words.append(f"连线 {namer.flow(element, change.id)} 的条件：{old_rule} → {new_rule}")
        handled.add("conditionExpression")
    rest = [a for a in change.aspects if a not in handled]
    if rest:
        subject = (f"连线 {namer.flow(element, change.id)}" if kind == "sequenceFlow"
                   else namer.element(change.id))
        words.append(f"{subject}：{'、'.join(ASPECT_WORDS.get(a, a) for a in rest)}有变动")
    return words


def _presence_words(change: ElementChange, namer: _Namer, verb: str) -> list[str]:
    element = namer.new.get(change.id) or namer.old.get(change.id)
    what = KIND_WORDS.get(change.type, change.type)
    if change.type == "sequenceFlow":
        return [f"{verb}连线 {namer.flow(element, change.id)}"]
    if change.type == "lane":
        return [f"{verb}泳道“{namer.element(change.id)}”"]
    if change.type == "boundaryEvent" and element is not None and element.attached_to:
        return [f"{verb}{namer.element(element.attached_to)}的{what}“{change.name or change.id}”"]
    return [f"{verb}{what}“{change.name or change.id}”"]


def diff_words(diff: DefinitionDiff, old_root: etree._Element, new_root: etree._Element,
               departments: Mapping[str, str]) -> dict[str, dict[str, list[str]]]:
    """Sentences per element id for each of added, removed and changed, from the trees the diff read."""
    namer = _Namer(_elements(old_root), _elements(new_root), departments)
    return {"added": {c.id: _presence_words(c, namer, "新增") for c in diff.added},
            "removed": {c.id: _presence_words(c, namer, "删除") for c in diff.removed},
            "changed": {c.id: change_words(c, namer) for c in diff.changed}}
