"""The decisions a user task offers and the opinion it asks for (`ow:choice`, `ow:opinion`), read and checked.

Without them a step offers the approval pair 同意 / 不同意, which is wrong for most steps that are not
approvals: a complaint is accepted or not, its investigation finds it upheld or not, a reply needs its
text. A designer writes, inside a user task's `bpmn:extensionElements`:

    <ow:choice xmlns:ow="urn:onewindow:bpmn" value="accept" label="受理" />
    <ow:choice xmlns:ow="urn:onewindow:bpmn" value="reject" label="不予受理" opinion="required" />
    <ow:opinion xmlns:ow="urn:onewindow:bpmn" label="不予受理理由" required="false" />

The chosen `value` is the task's `decision` (what gateways test); the pages show the labels, and the
engine refuses a decision the step does not offer and a missing opinion where one is required. The
result is plain data stored with the deployed version, so the pages and the engine read one answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from lxml import etree

from .warning_settings import OW_NS

__all__ = ["TaskFormProblem", "read_task_forms"]

_B = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
_VALUE = re.compile(r"[a-z][a-z0-9_]{0,31}")
MAX_LABEL = 20
MAX_OPINION_LABEL = 30
_YES_NO = {"true": True, "false": False, "required": True, "optional": False}


@dataclass(frozen=True)
class TaskFormProblem:
    """Why one `ow:choice` or `ow:opinion` cannot be used, with the task it is on."""

    message: str
    element: str | None
    line: int | None


def _owner(node: etree._Element) -> etree._Element | None:
    """The user task whose extensionElements hold `node`, or None when it is anywhere else."""
    parent = node.getparent()
    owner = parent.getparent() if parent is not None else None
    if owner is None or parent.tag != f"{_B}extensionElements" or owner.tag != f"{_B}userTask":
        return None
    return owner


def _flag(node: etree._Element, name: str, problems: list[TaskFormProblem], owner_id: str) -> bool:
    text = (node.get(name) or "false").strip().lower()
    if text not in _YES_NO:
        problems.append(TaskFormProblem(
            f"{etree.QName(node).localname} 的 {name}='{node.get(name)}' 只能是 true 或 false",
            owner_id, node.sourceline))
        return False
    return _YES_NO[text]


def _choice(node: etree._Element, owner_id: str, seen: set[str],
            problems: list[TaskFormProblem]) -> dict[str, Any] | None:
    value, label = (node.get("value") or "").strip(), (node.get("label") or "").strip()
    if not _VALUE.fullmatch(value):
        problems.append(TaskFormProblem(
            f"ow:choice value='{value}' 须以小写字母开头，只含小写字母、数字和下划线，最长32个字符",
            owner_id, node.sourceline))
        return None
    if value in seen:
        problems.append(TaskFormProblem(f"ow:choice value='{value}' 在同一环节重复", owner_id,
                                        node.sourceline))
        return None
    if not label or len(label) > MAX_LABEL:
        problems.append(TaskFormProblem(
            f"ow:choice value='{value}' 须有 label（页面显示的文字，1至{MAX_LABEL}个字）",
            owner_id, node.sourceline))
        return None
    seen.add(value)
    return {"value": value, "label": label, "needs_opinion": _flag(node, "opinion", problems, owner_id)}


def read_task_forms(process: etree._Element) -> tuple[dict[str, dict[str, Any]], list[TaskFormProblem]]:
    """Return {user task id: {"choices": [...], "opinion": {...} | None}} and what is wrong with them."""
    forms: dict[str, dict[str, Any]] = {}
    problems: list[TaskFormProblem] = []
    seen: dict[str, set[str]] = {}
    for node in process.iter(f"{{{OW_NS}}}choice", f"{{{OW_NS}}}opinion"):
        kind = etree.QName(node).localname
        owner = _owner(node)
        owner_id = owner.get("id") if owner is not None else None
        if owner is None or owner_id is None:
            problems.append(TaskFormProblem(f"ow:{kind} 只能写在用户任务（userTask）的 extensionElements 中",
                                            owner_id, node.sourceline))
            continue
        form = forms.setdefault(owner_id, {"choices": [], "opinion": None})
        if kind == "choice":
            choice = _choice(node, owner_id, seen.setdefault(owner_id, set()), problems)
            if choice is not None:
                form["choices"].append(choice)
            continue
        label = (node.get("label") or "").strip()
        if form["opinion"] is not None:
            problems.append(TaskFormProblem("一个用户任务只能有一个 ow:opinion", owner_id, node.sourceline))
        elif not label or len(label) > MAX_OPINION_LABEL:
            problems.append(TaskFormProblem(f"ow:opinion 须有 label（1至{MAX_OPINION_LABEL}个字）",
                                            owner_id, node.sourceline))
        else:
            form["opinion"] = {"label": label, "required": _flag(node, "required", problems, owner_id)}
    for owner_id, form in forms.items():
        if len(form["choices"]) == 1:
            problems.append(TaskFormProblem("只有一个 ow:choice 不构成选择：至少写两个，或一个也不写",
                                            owner_id, None))
    return {k: v for k, v in forms.items() if v["choices"] or v["opinion"]}, problems
