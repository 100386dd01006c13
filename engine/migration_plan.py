"""A migration plan between two versions of a process: which old element becomes which new one.

The plan is checked against both versions before any instance is touched, so a typing slip in the
mapping is a 422 naming the element rather than a batch of refused instances.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from SpiffWorkflow.specs.base import TaskSpec

from .exceptions import InvalidError, Problem
from .workflow_state import SpecBundle

__all__ = ["MAX_PLAN_ENTRIES", "MigrationPlan", "check_plan", "plan_elements"]

MAX_PLAN_ENTRIES = 200


@dataclass(frozen=True)
class MigrationPlan:
    """How the old version's elements find their place in the new one.

    `mapping`: old element id → new element id, for elements the new version renamed (every other
    element keeps its id). `cancel`: old element ids of steps the new version removed whose open
    tasks may be cancelled; without it an instance waiting there is refused.
    """

    mapping: Mapping[str, str] = field(default_factory=dict)
    cancel: frozenset[str] = frozenset()


def _elements(specs: SpecBundle) -> dict[str, TaskSpec]:
    """The BPMN flow nodes of a version by id (SpiffWorkflow's own helper specs have no bpmn_id)."""
    spec, _ = specs
    return {s.bpmn_id: s for s in spec.task_specs.values() if getattr(s, "bpmn_id", None)}


def _kind(spec: TaskSpec) -> str:
    return type(spec).__name__


def check_plan(old: SpecBundle, new: SpecBundle, plan: MigrationPlan) -> None:
    """Refuse (422) a plan naming elements that do not exist, map across kinds, or cancel kept steps."""
    before, after = _elements(old), _elements(new)
    problems: list[Problem] = []
    for source, target in plan.mapping.items():
        where = f"mapping.{source[:255]}"
        if source not in before:
            problems.append(Problem(f"旧版本中没有元素 {source[:255]}", field=where))
        elif target not in after:
            problems.append(Problem(f"新版本中没有元素 {target}", field=where))
        elif _kind(before[source]) != _kind(after[target]):
            problems.append(Problem(f"{source} 与 {target} 不是同一种元素，不能对应", field=where))
    targets = list(plan.mapping.values())
    for target in sorted({t for t in targets if targets.count(t) > 1}):
        problems.append(Problem(f"新版本的 {target} 被多个旧元素对应", field="mapping"))
    for element in sorted(plan.cancel):
        where = f"cancel.{element}"
        if element not in before:
            problems.append(Problem(f"旧版本中没有元素 {element}", field=where))
        elif element in plan.mapping or element in after:
            problems.append(Problem(f"{element} 在新版本中仍有对应环节，不能取消", field=where))
        elif not getattr(before[element], "manual", False):
            problems.append(Problem(f"{element} 不是人工环节，只有人工环节可以取消", field=where))
    if problems:
        raise InvalidError("迁移计划有误", problems)


def plan_elements(old: SpecBundle, new: SpecBundle) -> dict[str, Any]:
    """What the plan page offers: every old element with its default counterpart, and the new ones.

    The default is the same id; an old element the new version does not have defaults to nothing,
    which the designer maps by hand (a renamed step) or lets go (a removed one). A new element of the
    same kind and name is offered as the likely counterpart, for the designer to confirm.
    """
    before, after = _elements(old), _elements(new)
    fresh = [s for element, s in after.items() if element not in before]

    def row(spec: TaskSpec) -> dict[str, Any]:
        return {"id": spec.bpmn_id, "name": spec.bpmn_name, "kind": _kind(spec),
                "human": bool(getattr(spec, "manual", False))}

    def suggestion(spec: TaskSpec) -> str | None:
        """A new element of the same kind and name: most likely the same step with a new id."""
        alike = [s.bpmn_id for s in fresh if _kind(s) == _kind(spec) and spec.bpmn_name
                 and s.bpmn_name == spec.bpmn_name]
        return alike[0] if len(alike) == 1 else None

    return {
        "old": [{**row(s), "default": s.bpmn_id if s.bpmn_id in after else None,
                 "suggested": None if s.bpmn_id in after else suggestion(s)}
                for s in sorted(before.values(), key=lambda s: s.bpmn_id)],
        "new": [row(s) for s in sorted(after.values(), key=lambda s: s.bpmn_id)],
        "added": sorted(after.keys() - before.keys()),
        "removed": sorted(before.keys() - after.keys()),
    }
