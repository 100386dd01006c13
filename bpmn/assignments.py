"""Which department does each human task belong to, for diagrams drawn in other tools.

OneWindow gives a task to the department its lane names. Diagrams from Camunda Modeler, Flowable
or spiff-arena say it differently: no lanes and `candidateGroups` on the task, or lanes named by
role (受理窗口). Rather than refuse them, deployment resolves every human task by three rules, in
order, and records which one decided:

1. `lane`: the task's lane names a department code (or a `{data_key}`, see bpmn.lanes);
2. `candidate_groups`: `camunda:`/`flowable:`/`activiti:candidateGroups`, or Zeebe's
   `assignmentDefinition`, names a department code, directly or through the centre's group table
   (setting ONEWINDOW_GROUP_DEPARTMENTS);
3. `lane_mapping`: the designer chose a department for the task's lane when deploying.

The diagram is then rewritten into the lane convention (lanes renamed, tasks moved into a lane of
their department), so the stored version runs and reads like any other: the engine, the stages,
the data-ownership rule and the designer all understand lanes only.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from lxml import etree

from .elements import element_label, free_id
from .lanes import dynamic_lane_key

__all__ = ["RULES", "Assignment", "AssignmentOutcome", "assign_departments", "candidate_groups"]

_B = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
_HUMAN = (f"{_B}userTask", f"{_B}manualTask")
_GROUP_NAMESPACES = ("http://camunda.org/schema/1.0/bpmn", "http://flowable.org/bpmn", "http://activiti.org/bpmn")
_ZEEBE_ASSIGNMENT = "{http://camunda.org/schema/zeebe/1.0}assignmentDefinition"
RULES = ("lane", "candidate_groups", "lane_mapping")
# What may come before a laneSet in a process (BPMN 2.0 XSD, tProcess and its bases), in order.
_BEFORE_LANE_SET = {"documentation", "extensionElements", "supportedInterfaceRef", "ioSpecification",
                    "ioBinding", "auditing", "monitoring", "property", "laneSet"}


@dataclass(frozen=True)
class Assignment:
    """One human task, its department and the rule that chose it (`source`: the lane or group read)."""

    process: str
    task: str
    name: str
    department: str
    rule: str
    source: str


@dataclass
class AssignmentOutcome:
    """Every task's assignment, what could not be resolved, and whether the diagram was rewritten."""

    assignments: list[Assignment] = field(default_factory=list)
    problems: list[tuple[str, str | None, int | None]] = field(default_factory=list)
    warnings: list[tuple[str, str | None, int | None]] = field(default_factory=list)
    unknown_lanes: list[str] = field(default_factory=list)
    rewritten: bool = False


def candidate_groups(task: etree._Element) -> list[str]:
    """The candidate groups a task names in any of the dialects we read, in their order."""
    texts = [task.get(f"{{{ns}}}candidateGroups") or "" for ns in _GROUP_NAMESPACES]
    texts += [node.get("candidateGroups") or "" for node in task.iter(_ZEEBE_ASSIGNMENT)]
    groups: list[str] = []
    for text in texts:
        # Zeebe may write a FEEL list (=["zrzy", "fgw"]); the plain forms are comma separated.
        for group in re.split(r"[,\s]+", text.strip().lstrip("=").strip("[]")):
            group = group.strip("\"'")
            if group and group not in groups:
                groups.append(group)
    return groups


def assign_departments(root: etree._Element, departments: Collection[str],
                       lane_departments: Mapping[str, str] | None = None,
                       group_departments: Mapping[str, str] | None = None) -> AssignmentOutcome:
    """Resolve every human task of the executable processes and rewrite `root` into the lane convention."""
    lane_departments = dict(lane_departments or {})
    group_departments = dict(group_departments or {})
    outcome = AssignmentOutcome()
    seen_lanes: set[str] = set()
    for name, code in sorted(lane_departments.items()):
        if code not in departments:
            outcome.problems.append((f"为泳道 '{name}' 选择的 '{code}' 不是已登记的部门代码", None, None))
    for process in root.iterchildren(f"{_B}process"):
        if process.get("isExecutable") != "true":
            continue
        lanes = {(lane.get("name") or "").strip() for lane in process.iter(f"{_B}lane")}
        seen_lanes |= lanes
        _assign_process(process, departments, lane_departments, group_departments, outcome)
    for name in sorted(set(lane_departments) - seen_lanes):
        outcome.problems.append((f"流程图中没有名为 '{name}' 的泳道，无法按所选部门对应", None, None))
    return outcome


def _assign_process(process: etree._Element, departments: Collection[str], lane_departments: dict[str, str],
                    group_departments: dict[str, str], outcome: AssignmentOutcome) -> None:
    lane_of: dict[str, etree._Element] = {}
    for lane in process.iter(f"{_B}lane"):
        for ref in lane.iterchildren(f"{_B}flowNodeRef"):
            lane_of[(ref.text or "").strip()] = lane  # a nested lane comes later and wins
    pid = process.get("id") or ""
    moves: list[tuple[etree._Element, str]] = []
    renames: set[str] = set()
    unknown: set[str] = set()
    stuck: dict[etree._Element, list[str]] = {}
    for task in process.iter(*_HUMAN):
        tid = task.get("id") or ""
        label = element_label(task)
        lane = lane_of.get(tid)
        lane_name = (lane.get("name") or "").strip() if lane is not None else ""
        groups = candidate_groups(task)
        if lane_name and (lane_name in departments or dynamic_lane_key(lane_name) is not None):
            outcome.assignments.append(Assignment(pid, tid, label, lane_name, "lane", lane_name))
            named = {_group_department(g, departments, group_departments) for g in groups}
            other = sorted(d for d in named if d is not None and d != lane_name)
            if other:
                outcome.warnings.append((f"环节 '{label}' 的候选组指向 {'、'.join(other)}，与泳道部门 "
                                         f"{lane_name} 不一致：按泳道办理", tid, task.sourceline))
            continue
        by_group = _department_of_groups(groups, departments, group_departments)
        if isinstance(by_group, str):
            outcome.assignments.append(Assignment(pid, tid, label, by_group, "candidate_groups",
                                                  ",".join(groups)))
            moves.append((task, by_group))
            continue
        if lane_name in lane_departments and lane_departments[lane_name] in departments:
            outcome.assignments.append(Assignment(pid, tid, label, lane_departments[lane_name],
                                                  "lane_mapping", lane_name))
            renames.add(lane_name)
            continue
        if lane is not None and not groups:
            stuck.setdefault(lane, []).append(label)  # the lane is what to fix: one problem for it
        else:
            outcome.problems.append((_unresolved(label, lane, groups, by_group), tid, task.sourceline))
        if lane_name:
            unknown.add(lane_name)
    for lane, labels in stuck.items():
        outcome.problems.append((_unresolved_lane(lane, labels), lane.get("id"), lane.sourceline))
    outcome.unknown_lanes += sorted(unknown - set(outcome.unknown_lanes))
    for lane in process.iter(f"{_B}lane"):
        name = (lane.get("name") or "").strip()
        if name in renames:
            lane.set("name", lane_departments[name])
            outcome.rewritten = True
    for task, department in moves:
        if _move_into_department_lane(process, task.get("id") or "", department):
            outcome.rewritten = True


def _group_department(group: str, departments: Collection[str], table: Mapping[str, str]) -> str | None:
    if group in departments:
        return group
    mapped = table.get(group)
    return mapped if mapped in departments else None


def _department_of_groups(groups: list[str], departments: Collection[str],
                          table: Mapping[str, str]) -> str | list[str] | None:
    """The one department the groups name; the several it names (a problem); None when it names none."""
    found = sorted({d for g in groups if (d := _group_department(g, departments, table)) is not None})
    if len(found) == 1:
        return found[0]
    return found or None


def _unresolved(label: str, lane: etree._Element | None, groups: list[str],
                by_group: list[str] | None) -> str:
    """Why a task (outside any lane, or naming candidate groups) has no department, and what to do."""
    if by_group:
        return (f"环节 '{label}' 的候选组指向多个部门（{'、'.join(by_group)}）：一个环节只能由一个部门办理，"
                "请只保留一个部门代码")
    lane_name = (lane.get("name") or "").strip() if lane is not None else ""
    where = (f"所在泳道 '{lane_name}' 不是已登记的部门代码" if lane_name
             else "所在泳道没有名称" if lane is not None else "不在任何泳道中")
    fixes = ["把它放进负责办理的部门的泳道（泳道名称写部门代码）"]
    if lane_name:
        fixes.append(f"或在发布时为泳道 '{lane_name}' 选择部门")
    if groups:
        where += (f"，候选组 {'、'.join(groups)} 也不是部门代码"
                  "（可在 ONEWINDOW_GROUP_DEPARTMENTS 对照表中登记）")
    else:
        fixes.append("或在环节上用 candidateGroups 写明部门代码")
    return f"环节 '{label}' {where}：请{'，'.join(fixes)}"


def _unresolved_lane(lane: etree._Element, labels: list[str]) -> str:
    """Why a lane's tasks have no department: the lane is named otherwise than by a department code."""
    name = (lane.get("name") or "").strip()
    tasks = "、".join(labels[:5]) + ("等" if len(labels) > 5 else "")
    if not name:
        return f"泳道没有名称（其中的环节：{tasks}）：泳道名称须为部门代码"
    return (f"泳道名称 '{name}' 不是已登记的部门代码（其中的环节：{tasks}）：请改为部门代码，"
            "或在发布时为它选择部门，或在环节上用 candidateGroups 写明部门代码")


def _move_into_department_lane(process: etree._Element, task_id: str, department: str) -> bool:
    """Put the task's flowNodeRef in a lane named `department` (made if missing); True if anything changed."""
    lanes = list(process.iter(f"{_B}lane"))
    target = next((lane for lane in lanes if (lane.get("name") or "").strip() == department), None)
    if target is not None and any((ref.text or "").strip() == task_id
                                  for ref in target.iterchildren(f"{_B}flowNodeRef")):
        return False
    for lane in lanes:
        for ref in list(lane.iterchildren(f"{_B}flowNodeRef")):
            if (ref.text or "").strip() == task_id:
                lane.remove(ref)
    if target is None:
        lane_set = process.find(f"{_B}laneSet")
        if lane_set is None:
            lane_set = etree.Element(f"{_B}laneSet", id=free_id(process, "LaneSet_ow"))
            position = max((i + 1 for i, child in enumerate(process) if isinstance(child.tag, str)
                            and etree.QName(child).localname in _BEFORE_LANE_SET), default=0)
            process.insert(position, lane_set)
        target = etree.SubElement(lane_set, f"{_B}lane", id=free_id(process, f"Lane_ow_{department}"),
                                  name=department)
    ref = etree.Element(f"{_B}flowNodeRef")
    ref.text = task_id
    child_lanes = target.find(f"{_B}childLaneSet")
    if child_lanes is not None:
        child_lanes.addprevious(ref)
    else:
        target.append(ref)
    return True
