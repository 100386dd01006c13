"""Lint rules every diagram must pass before it is deployed: OneWindow's conventions, not BPMN's.

The rules read the already-parsed XML tree; the caller supplies the department codes it knows and
the expression checkers, so this module depends on nothing but lxml.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from .warning_settings import read_warning_settings

__all__ = ["BPMN_NS", "LintProblem", "executable_processes", "lint_definitions", "shipped_diagrams"]

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
_B = f"{{{BPMN_NS}}}"
HUMAN_TASK_TAGS = (f"{_B}userTask", f"{_B}manualTask")
TIMER_TAGS = (f"{_B}timeDate", f"{_B}timeDuration", f"{_B}timeCycle")

Checker = Callable[[str], list[str]]


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


def lint_definitions(root: etree._Element, *, departments: Collection[str],
                     check_expression: Checker, check_script: Checker) -> list[LintProblem]:
    """Return every convention the diagram breaks; an empty list means it may be deployed."""
    if root.tag != f"{_B}definitions":
        return [LintProblem(f"root element must be bpmn:definitions in namespace {BPMN_NS}",
                            _local(root.tag), root.sourceline)]
    processes = executable_processes(root)
    if not processes:
        return [LintProblem('no executable process: mark the process to deploy with isExecutable="true"',
                            None, root.sourceline)]
    problems: list[LintProblem] = []
    for process in processes:
        problems += _lint_lanes(process, departments)
        problems += _lint_expressions(process, check_expression, check_script)
        problems += [LintProblem(p.message, p.element, p.line) for p in read_warning_settings(process)[1]]
    return problems


def _lint_lanes(process: etree._Element, departments: Collection[str]) -> list[LintProblem]:
    """A human task's department is its lane, so every such task needs a lane naming a department."""
    problems: list[LintProblem] = []
    lane_of: dict[str, str] = {}
    unknown: set[str] = set()
    for lane in process.iter(f"{_B}lane"):
        name = (lane.get("name") or "").strip()
        if not name:
            problems.append(LintProblem("lane has no name; a lane's name must be a department code",
                                        lane.get("id"), lane.sourceline))
            continue
        if name not in departments:
            unknown.add(name)
            problems.append(LintProblem(f"lane names unknown department '{name}'", lane.get("id"),
                                        lane.sourceline))
        for ref in lane.iterchildren(f"{_B}flowNodeRef"):
            lane_of[(ref.text or "").strip()] = name
    for task in process.iter(*HUMAN_TASK_TAGS):
        if task.get("id") not in lane_of:
            problems.append(LintProblem(
                f"{_local(task.tag)} '{task.get('name') or task.get('id')}' is not in any lane; "
                "put it in the lane of the department that handles it", task.get("id"), task.sourceline))
    return problems


def _lint_expressions(process: etree._Element, check_expression: Checker,
                      check_script: Checker) -> list[LintProblem]:
    """Refuse at deploy time every expression the restricted evaluator would refuse at run time."""
    problems: list[LintProblem] = []
    for cond in process.iter(f"{_B}conditionExpression"):
        owner = cond.getparent()
        for message in check_expression((cond.text or "").strip()):
            problems.append(LintProblem(f"condition: {message}", owner.get("id"), cond.sourceline))
    for timer in process.iter(*TIMER_TAGS):
        owner = _ancestor_with_id(timer)
        text = (timer.text or "").strip()
        if not text:
            problems.append(LintProblem("timer has an empty expression", owner, timer.sourceline))
            continue
        if "workdays(" in text and timer.tag != f"{_B}timeDate":
            problems.append(LintProblem(
                f"workdays(N) gives a date: use it in timeDate, not {_local(timer.tag)}", owner,
                timer.sourceline))
        for message in check_expression(text):
            problems.append(LintProblem(f"timer: {message}", owner, timer.sourceline))
    for script_task in process.iter(f"{_B}scriptTask"):
        script = script_task.find(f"{_B}script")
        text = script.text if script is not None and script.text else ""
        for message in check_script(text):
            problems.append(LintProblem(f"script: {message}", script_task.get("id"),
                                        (script if script is not None else script_task).sourceline))
    return problems


def _ancestor_with_id(node: etree._Element) -> str | None:
    while node is not None:
        if node.get("id"):
            return node.get("id")
        node = node.getparent()
    return None


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1]
