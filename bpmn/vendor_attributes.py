"""What Camunda, Flowable and Zeebe diagrams say that OneWindow does not run, said out loud.

A diagram from another modeler carries settings for its own engine: who the task goes to
(`assignee`), which form opens (`formKey`), what code runs (`class`, listeners), when it is due
(`dueDate`). Deploying them silently would let a designer believe they take effect. Each element
with such settings gets one warning naming them and why they are not followed; the diagram still
deploys.

One of them is honoured: a user task's `camunda:dueDate` / `flowable:dueDate` written as
`workdays(N)` (optionally inside `${…}`) or as an ISO 8601 duration (`P5D`, `PT4H`) becomes the
task's deadline, a non-interrupting timer attached to it exactly as the designer page's 办理时限
writes one, so the rest of the system (warnings, clock stops, extensions) treats it like any other.
"""

from __future__ import annotations

import re

from lxml import etree

from .elements import element_label, free_id
from .rewrites import Rewrite

__all__ = ["VENDOR_NAMESPACES", "honour_due_dates", "vendor_warnings"]

_B = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
VENDOR_NAMESPACES = {
    "http://camunda.org/schema/1.0/bpmn": "camunda",
    "http://flowable.org/bpmn": "flowable",
    "http://activiti.org/bpmn": "activiti",
    "http://camunda.org/schema/zeebe/1.0": "zeebe",
}
_DUE_NAMESPACES = ("http://camunda.org/schema/1.0/bpmn", "http://flowable.org/bpmn", "http://activiti.org/bpmn")
# Why a setting is not followed, by its local name; anything else is "not run by this system".
_REASONS = {
    "办理人按部门待办分派，不指定到人": ("assignee", "candidateUsers", "assignmentDefinition"),
    "表单由本系统按 ow:field 声明生成": ("formKey", "formRef", "formRefBinding", "formData", "formProperty",
                                    "formDefinition", "userTaskForm"),
    "时限请用办理时限（边界定时器 workdays(N)）": ("dueDate", "followUpDate", "taskSchedule"),
    "服务任务、脚本和监听器只按 BPMN 与 Python 脚本执行，不执行 Java 类或表达式": (
        "class", "delegateExpression", "expression", "resultVariable", "topic", "type", "taskDefinition",
        "executionListener", "taskListener", "script", "connector", "field"),
    "输入输出映射不执行（数据按本系统的数据键传递）": ("inputOutput", "ioMapping", "in", "out"),
}
_REASON_OF = {name: reason for reason, names in _REASONS.items() for name in names}
_IGNORED = {"candidateGroups", "dueDate"}  # read by bpmn.assignments and honour_due_dates
_WORKDAYS = re.compile(r"^\s*(?:[$#]\{\s*)?workdays\(\s*(\d{1,3})\s*\)\s*\}?\s*$")
_DURATION = re.compile(r"^\s*P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?\s*$")


def vendor_warnings(root: etree._Element) -> list[tuple[str, str | None, int | None]]:
    """One (message, element id, line) per element of an executable process carrying vendor settings."""
    warnings = []
    for process in root.iterchildren(f"{_B}process"):
        if process.get("isExecutable") != "true":
            continue
        for node in process.iter():
            if not isinstance(node.tag, str) or not node.get("id"):
                continue
            found = _vendor_settings(node)
            if found:
                label = element_label(node)
                reasons = sorted({_REASON_OF.get(name.split(":", 1)[1], "本系统不执行") for name in found})
                warnings.append((f"'{label}' 带有 {'、'.join(found)}：{'；'.join(reasons)}",
                                 node.get("id"), node.sourceline))
    return warnings


def _vendor_settings(node: etree._Element) -> list[str]:
    """prefix:name of the vendor attributes on `node` and vendor elements in its own extensionElements."""
    names = []
    for attribute in node.attrib:
        qname = etree.QName(attribute)
        if qname.namespace in VENDOR_NAMESPACES and qname.localname not in _IGNORED:
            names.append(f"{VENDOR_NAMESPACES[qname.namespace]}:{qname.localname}")
    extensions = node.find(f"{_B}extensionElements")
    for child in extensions.iter() if extensions is not None else ():
        if not isinstance(child.tag, str):
            continue
        qname = etree.QName(child)
        if qname.namespace not in VENDOR_NAMESPACES or qname.localname in ("properties", "property"):
            continue
        if qname.localname == "assignmentDefinition" and set(child.attrib) <= {"candidateGroups"}:
            continue
        name = f"{VENDOR_NAMESPACES[qname.namespace]}:{qname.localname}"
        if name not in names:
            names.append(name)
    return names


def honour_due_dates(root: etree._Element) -> tuple[list[Rewrite], list[tuple[str, str | None, int | None]]]:
    """Turn clean `dueDate`s of user tasks into deadline timers; say why the others are not followed.

    Returns the rewrites made and warnings for the dueDates left alone (an expression we cannot read,
    or a task that already has a deadline timer). An honoured dueDate attribute is removed, so the
    stored diagram states the deadline once.
    """
    rewrites: list[Rewrite] = []
    warnings: list[tuple[str, str | None, int | None]] = []
    for process in root.iterchildren(f"{_B}process"):
        if process.get("isExecutable") != "true":
            continue
        timed = {b.get("attachedToRef") for b in process.iter(f"{_B}boundaryEvent")
                 if b.find(f"{_B}timerEventDefinition") is not None}
        for task in list(process.iter(f"{_B}userTask")):
            for namespace in _DUE_NAMESPACES:
                attribute = f"{{{namespace}}}dueDate"
                text = task.get(attribute)
                if text is None:
                    continue
                tid = task.get("id") or ""
                label = element_label(task)
                shown = f"{VENDOR_NAMESPACES[namespace]}:dueDate=\"{text}\""
                timer = _timer_for(text)
                if tid in timed:
                    warnings.append((f"'{label}' 已有办理时限定时器，{shown} 未采用", tid, task.sourceline))
                elif timer is None:
                    warnings.append((f"'{label}' 的 {shown} 不是 workdays(N) 或 ISO 8601 时长（如 P5D），"
                                     "未采用：请用办理时限设置", tid, task.sourceline))
                else:
                    _attach_deadline(process, task, *timer)
                    del task.attrib[attribute]
                    timed.add(tid)
                    rewrites.append(Rewrite(tid, "due_date", shown, f"{timer[0]}: {timer[1]}"))
    return rewrites, warnings


def _timer_for(text: str) -> tuple[str, str] | None:
    """(timer element, expression) of a clean dueDate: workdays(N) in timeDate, a duration in timeDuration."""
    workdays = _WORKDAYS.match(text)
    if workdays and 1 <= int(workdays.group(1)) <= 365:
        return "timeDate", f"workdays({int(workdays.group(1))})"
    if _DURATION.match(text):
        return "timeDuration", f'"{text.strip()}"'  # the timer expression is Python: a quoted ISO duration
    return None


def _attach_deadline(process: etree._Element, task: etree._Element, kind: str, expression: str) -> None:
    """Add the non-interrupting deadline timer after the task, in the task's lane."""
    tid = task.get("id") or ""
    bid = free_id(process, f"{tid}_deadline")
    boundary = etree.Element(f"{_B}boundaryEvent", id=bid, attachedToRef=tid, cancelActivity="false")
    task.addnext(boundary)  # in the document before the timer's id is chosen, so the two cannot clash
    definition = etree.SubElement(boundary, f"{_B}timerEventDefinition", id=free_id(process, f"{bid}_timer"))
    etree.SubElement(definition, f"{_B}{kind}").text = expression
    for ref in process.iter(f"{_B}flowNodeRef"):
        if (ref.text or "").strip() == tid:
            twin = etree.Element(f"{_B}flowNodeRef")
            twin.text = bid
            ref.addnext(twin)
            break
