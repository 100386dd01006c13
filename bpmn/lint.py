"""Lint rules every diagram must pass before it is deployed: OneWindow's conventions, not BPMN's.

The rules read the already-parsed XML tree; the caller supplies how the tasks were assigned to
departments (bpmn.assignments) and the expression checkers, so this module depends on nothing but lxml.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from .assignments import AssignmentOutcome
from .data_keys import assigned_names, declared_shared
from .elements import owner_id
from .foreign_expressions import foreign_expression, python_suggestion
from .task_forms import read_task_forms
from .warning_settings import read_warning_settings

__all__ = ["BPMN_NS", "LintProblem", "executable_processes", "lint_definitions", "shipped_diagrams"]

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
_B = f"{{{BPMN_NS}}}"
HUMAN_TASK_TAGS = (f"{_B}userTask", f"{_B}manualTask")
TIMER_TAGS = (f"{_B}timeDate", f"{_B}timeDuration", f"{_B}timeCycle")

Checker = Callable[[str], list[str]]

DEFAULT_MAX_LOOP = 1_000
"""Most iterations a standard loop or instances a multi-instance may declare (setting ONEWINDOW_MAX_LOOP)."""

EXPRESSION_LABELS = {
    "conditionExpression": "条件表达式", "condition": "事件条件", "loopCardinality": "循环次数",
    "completionCondition": "完成条件", "loopCondition": "循环条件",
    "messagePath": "消息关联", "dataPath": "数据路径", "transformation": "数据转换",
    "from": "赋值", "to": "赋值",
}
"""Every element whose text SpiffWorkflow may evaluate as an expression, and how a problem names it."""
EXPRESSION_TAGS = tuple(f"{_B}{name}" for name in EXPRESSION_LABELS)

SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
SCRIPT_EXTENSION_TAGS = (f"{{{SPIFF_NS}}}preScript", f"{{{SPIFF_NS}}}postScript")
"""SpiffWorkflow's own extension scripts run before/after a task like a script task's script."""


@dataclass(frozen=True)
class LintProblem:
    """A rule violation with the element and source line it concerns."""

    message: str
    element: str | None = None
    line: int | None = None


def shipped_diagrams() -> list[Path]:
    """Return the diagrams OneWindow ships, deployed by `make run`."""
    return sorted(Path(__file__).parent.glob("*.bpmn"))


def executable_processes(root: etree._Element) -> list[etree._Element]:
    """Return the processes marked isExecutable="true" (the only ones OneWindow deploys)."""
    return [p for p in root.iterchildren(f"{_B}process") if p.get("isExecutable") == "true"]


def lint_definitions(root: etree._Element, *, assignment: AssignmentOutcome,
                     check_expression: Checker, check_script: Checker,
                     max_loop: int = DEFAULT_MAX_LOOP) -> list[LintProblem]:
    """Return every convention the diagram breaks; an empty list means it may be deployed.

    A human task's department is its lane's; `assignment` is how deployment resolved the tasks
    (bpmn.assignments.assign_departments, which also reads candidateGroups and the designer's lane
    choices): the tasks it could not resolve are problems here.
    """
    if root.tag != f"{_B}definitions":
        return [LintProblem(f"根元素须为命名空间 {BPMN_NS} 中的 bpmn:definitions",
                            _local(root.tag), root.sourceline)]
    processes = executable_processes(root)
    if not processes:
        return [LintProblem('没有可执行的流程：请为要发布的流程设置 isExecutable="true"',
                            None, root.sourceline)]
    problems = [LintProblem(message, element, line) for message, element, line in assignment.problems]
    for process in processes:
        problems += _lint_expressions(process, check_expression, check_script)
        problems += _lint_loops(process, max_loop)
        problems += _lint_shared_keys(process)
        problems += [LintProblem(p.message, p.element, p.line) for p in read_warning_settings(process)[1]]
        problems += [LintProblem(p.message, p.element, p.line) for p in read_task_forms(process)[1]]
    return problems


def _lint_expressions(process: etree._Element, check_expression: Checker,
                      check_script: Checker) -> list[LintProblem]:
    """Refuse at deploy time every expression the restricted evaluator would refuse at run time."""
    problems: list[LintProblem] = []
    for node in process.iter(*EXPRESSION_TAGS):
        owner = owner_id(node.getparent())
        text = (node.text or "").strip()
        label = EXPRESSION_LABELS[_local(node.tag)]
        if not text:
            if node.tag != f"{_B}conditionExpression":  # an empty flow condition is always-true, allowed
                problems.append(LintProblem(f"{label}的表达式为空", owner, node.sourceline))
            continue
        foreign = foreign_expression(text, node.get("language"))
        if foreign is not None:
            message = _foreign_message(text, *foreign, check_expression)
            problems.append(LintProblem(f"{label}：{message}", owner, node.sourceline))
            continue
        for message in check_expression(text):
            problems.append(LintProblem(f"{label}：{message}", owner, node.sourceline))
    for timer in process.iter(*TIMER_TAGS):
        owner = owner_id(timer)
        text = (timer.text or "").strip()
        if not text:
            problems.append(LintProblem("定时器的表达式为空", owner, timer.sourceline))
            continue
        if "workdays(" in text and timer.tag != f"{_B}timeDate":
            problems.append(LintProblem(
                f"workdays(N) 得出的是日期：请写在 timeDate 中，不能写在 {_local(timer.tag)} 中", owner,
                timer.sourceline))
        for message in check_expression(text):
            problems.append(LintProblem(f"定时器：{message}", owner, timer.sourceline))
    for script in process.iter(*SCRIPT_EXTENSION_TAGS):
        for message in check_script(script.text or ""):
            problems.append(LintProblem(f"{_local(script.tag)}：{message}", owner_id(script),
                                        script.sourceline))
    for script_task in process.iter(f"{_B}scriptTask"):
        script = script_task.find(f"{_B}script")
        text = script.text if script is not None and script.text else ""
        for message in check_script(text):
            problems.append(LintProblem(f"脚本：{message}", script_task.get("id"),
                                        (script if script is not None else script_task).sourceline))
    return problems


def _foreign_message(text: str, language: str, body: str, check_expression: Checker) -> str:
    """Say which language it is, that it is not run here, and the Python to write when it is simple."""
    message = f"“{text}”是 {language} 表达式，本系统只执行 Python 表达式（不支持 JUEL、FEEL、XPath 等）"
    suggestion = python_suggestion(language, body)
    if suggestion and not check_expression(suggestion):
        return f"{message}，可改为：{suggestion}"
    return f"{message}，例如 approved == True"


def _lint_loops(process: etree._Element, max_loop: int) -> list[LintProblem]:
    """A loop is bounded by the diagram: a maximum on standard loops, a small literal cardinality.

    A cardinality computed from data cannot be checked here; the engine's budget stops it at run time.
    """
    problems: list[LintProblem] = []
    for loop in process.iter(f"{_B}standardLoopCharacteristics"):
        owner = owner_id(loop.getparent())
        maximum = (loop.get("loopMaximum") or "").strip()
        if not maximum:
            problems.append(LintProblem(f"标准循环须设置 loopMaximum（不超过 {max_loop}）", owner,
                                        loop.sourceline))
        elif not maximum.isdigit() or int(maximum) > max_loop:
            problems.append(LintProblem(f"loopMaximum 须为不超过 {max_loop} 的整数，"
                                        f"当前为 '{maximum[:20]}'", owner, loop.sourceline))
    for cardinality in process.iter(f"{_B}loopCardinality"):
        text = (cardinality.text or "").strip()
        if text.isdigit() and int(text) > max_loop:
            problems.append(LintProblem(f"循环次数 {text[:20]} 超过上限 {max_loop}",
                                        owner_id(cardinality.getparent()), cardinality.sourceline))
    return problems


def _lint_shared_keys(process: etree._Element) -> list[LintProblem]:
    """A key written by the scripts of two departments must be declared shared (`ow:shared keys=…`).

    Otherwise the engine could not tell whose it is: completion data may not overwrite another
    department's key, so a diagram states which keys several departments may write.
    """
    lane_of = {(ref.text or "").strip(): (lane.get("name") or "").strip()
               for lane in process.iter(f"{_B}lane") for ref in lane.iterchildren(f"{_B}flowNodeRef")}
    shared = declared_shared(process)
    problems = [LintProblem(f"ow:shared 中的 '{key}' 不是有效的数据键", process.get("id"),
                            process.sourceline) for key in sorted(shared) if not key.isidentifier()]
    writers: dict[str, dict[str, etree._Element]] = {}
    for script_task in process.iter(f"{_B}scriptTask"):
        lane = lane_of.get(script_task.get("id") or "")
        script = script_task.find(f"{_B}script")
        if lane and script is not None:
            for key in assigned_names(script.text or ""):
                writers.setdefault(key, {}).setdefault(lane, script_task)
    for key, lanes in sorted(writers.items()):
        if len(lanes) > 1 and key not in shared and key != "decision":
            first = next(iter(lanes.values()))
            problems.append(LintProblem(
                f"数据键 '{key}' 由 {'、'.join(sorted(lanes))} 的脚本共同写入：请每个部门使用各自的数据键，"
                f'或在流程的 extensionElements 中用 <ow:shared keys="{key}"/> 声明为共享数据键',
                first.get("id"), first.sourceline))
    return problems


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1]
