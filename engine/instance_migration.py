"""Move a running instance onto another version of its process: the work on the engine's task tree.

SpiffWorkflow's own `migrate_workflow` resets every waiting task, which starts each deadline timer
again from today: an applicant's review would silently get a fresh legal limit. Here the tree keeps
what has happened (finished tasks, waiting timers with the instant they fire) and only the
*predicted* part below the waiting tasks is thrown away and predicted again from the new version.
What the new version changes around a waiting point is then applied by rule:

- a step renamed in the new version follows the plan's mapping (old id → new id; same id by default);
- a deadline whose `workdays(N)` changed moves by the difference in working days, so the working
  days already used and every clock stop and extension are kept;
- a branch the new version adds to a parallel split the instance has passed is started, as long as
  the parallel part has not been joined yet (a new co-reviewing department reviews too);
- a finished step the new version no longer has leaves the engine's tree (its record stays in the
  task history and the audit chain); a waiting deadline it no longer has is dropped;
- an open step the new version no longer has is cancelled only when the plan says so; otherwise
  the instance is refused, untouched, with the reason.

Everything runs inside the unit of work's `InstanceChange`, so a refusal undoes it all.

The tree is edited through SpiffWorkflow 3.2's task internals (`_add_child`, `_remove_task`,
`_predict`, the event manager), the same ones its own `migrate_workflow` uses; pyproject.toml pins
that version, and tests/test_instance_migration.py checks that migrating to an identical version
leaves every definite task as it was.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.parallel_gateway import ParallelGateway
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.specs.base import TaskSpec
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from .deadlines import is_frozen, shift_timer
from .exceptions import ConflictError
from .instance_change import InstanceChange
from .migration_plan import MigrationPlan
from .timer_events import timer_due_at
from .workdays import SHANGHAI
from .workflow_state import SpecBundle

__all__ = ["LIVE", "MigrationReport", "element_of", "move_task_tree"]

LIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED
PREDICTED = TaskState.PREDICTED_MASK | TaskState.FUTURE
# SpiffWorkflow's own specs around an activity with boundary events, named after the activity.
_WRAPPERS = (".BoundaryEventSplit", ".BoundaryEventJoin")
_WORKDAYS = re.compile(r"^\s*workdays\(\s*(\d{1,4})\s*\)\s*$")


@dataclass
class MigrationReport:
    """What moving one instance did (or, in a dry run, would do), in the words the designer reads."""

    moved: list[dict[str, Any]] = field(default_factory=list)
    cancelled: list[dict[str, Any]] = field(default_factory=list)
    started: list[dict[str, Any]] = field(default_factory=list)
    not_started: list[dict[str, Any]] = field(default_factory=list)
    deadlines: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # (task id, working days) for every deadline moved, for the task and timer rows
    shifted: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The report without its bookkeeping, as the API and the audit event carry it."""
        return {"moved": self.moved, "cancelled": self.cancelled, "started": self.started,
                "not_started": self.not_started, "deadlines": self.deadlines, "notes": self.notes}


def element_of(spec_name: str) -> str:
    """The BPMN element a spec stands for (`review.BoundaryEventSplit` → `review`)."""
    for suffix in _WRAPPERS:
        if spec_name.endswith(suffix):
            return spec_name[: -len(suffix)]
    return spec_name


def _target_name(spec_name: str, mapping: Mapping[str, str]) -> str:
    element = element_of(spec_name)
    return mapping.get(element, element) + spec_name[len(element):]


def _label(spec: TaskSpec) -> str:
    return getattr(spec, "bpmn_name", None) or element_of(spec.name)


def _is_timer(spec: TaskSpec) -> bool:
    return isinstance(getattr(spec, "event_definition", None), TimerEventDefinition)


def move_task_tree(change: InstanceChange, new_specs: SpecBundle, plan: MigrationPlan,
                   to_version: int) -> MigrationReport:
    """Re-point the locked instance's workflow at `new_specs` by the plan; ConflictError if it cannot."""
    workflow = change.workflow
    assert workflow is not None
    if workflow.subprocesses:
        raise ConflictError("办件正在子流程中，暂不支持迁移")
    new_spec, new_subprocess_specs = new_specs
    report = MigrationReport()
    old_names = set(workflow.spec.task_specs)
    targeted = {_target_name(name, plan.mapping) for name in old_names}
    added = {element_of(name) for name in new_spec.task_specs if name not in targeted}

    _drop_predictions(workflow)
    targets: dict[Task, tuple[TaskSpec, TaskSpec]] = {}
    finished_without_spec: list[Task] = []
    for task in list(workflow.tasks.values()):
        if task.id not in workflow.tasks:
            continue  # went with a cancelled step's subtree
        old = task.task_spec
        new = new_spec.task_specs.get(_target_name(old.name, plan.mapping))
        if new is not None:
            if task.has_state(LIVE) and type(new) is not type(old):
                element = element_of(old.name)
                raise ConflictError(f"正在办理的「{_label(old)}」（{element}）在第 {to_version} 版中"
                                    "换成了另一种元素，不能迁移", element=element)
            targets[task] = (old, new)
        elif task.has_state(LIVE):
            _remove_live(task, plan, report, to_version)
        elif task.has_state(PREDICTED):
            _remove_subtree(workflow, task)  # a prediction the new version does not make
        else:
            finished_without_spec.append(task)
    for task in finished_without_spec:
        if task.id in workflow.tasks:
            _splice_out(workflow, task)

    workflow.spec, workflow.subprocess_specs = new_spec, new_subprocess_specs
    for task, (_, new) in targets.items():
        if task.id in workflow.tasks:
            task.task_spec = new
    if workflow.last_task is not None and workflow.last_task.id not in workflow.tasks:
        workflow.last_task = None

    for task, (old, new) in targets.items():
        if task.id in workflow.tasks and task.has_state(TaskState.WAITING) and _is_timer(new):
            _move_deadline(change, task, old, new, report)
    for task in [t for t in workflow.tasks.values() if t.has_state(LIVE)]:
        _predict_below(task)
    for task in [t for t in workflow.tasks.values() if t.has_state(PREDICTED)
                 and t.parent is not None and t.parent.has_state(TaskState.FINISHED_MASK)]:
        task.task_spec._predict(task, mask=PREDICTED)  # a next step not yet updated, under a finished one
    _start_added_branches(workflow, added, report)
    return report


def _drop_predictions(workflow: BpmnWorkflow) -> None:
    """Remove what is predicted below the waiting tasks: the new version predicts its own path there."""
    for task in list(workflow.tasks.values()):
        parent = task.parent
        if (task.id in workflow.tasks and task.has_state(PREDICTED) and parent is not None
                and parent.has_state(LIVE)):
            _remove_subtree(workflow, task)


def _predict_below(task: Task) -> None:
    """Predict a waiting task's path again, as SpiffWorkflow would have from the new version.

    A waiting event may never happen, so what follows it is only possible (MAYBE), as SpiffWorkflow
    predicted it before the event started waiting; everything else predicts from its own spec.
    """
    spec = task.task_spec
    if task.has_state(TaskState.WAITING) and hasattr(spec, "event_definition"):
        task._sync_children(spec.outputs, TaskState.MAYBE)
        for child in task.children:
            child.task_spec._predict(child, looked_ahead=1, mask=PREDICTED)
    else:
        spec._predict(task, mask=LIVE | PREDICTED)


def _remove_live(task: Task, plan: MigrationPlan, report: MigrationReport,
                 to_version: int) -> None:
    """An open task whose element the new version dropped: a deadline goes, a step only when planned."""
    workflow = task.workflow
    spec = task.task_spec
    element = element_of(spec.name)
    if _is_timer(spec):
        attached = _attached_to(task)
        report.deadlines.append({
            "task_id": str(attached.id) if attached is not None else None,
            "bpmn_id": element_of(attached.task_spec.name) if attached is not None else element,
            "name": _label(attached.task_spec) if attached is not None else _label(spec),
            "old": None if is_frozen(task) else _local(timer_due_at(task)),
            "new": None, "change": "removed"})
        _remove_subtree(workflow, task)
        return
    if element not in plan.cancel or not getattr(spec, "manual", False):
        raise ConflictError(f"正在办理的「{_label(spec)}」（{element}）在第 {to_version} 版中已删除："
                            "请在迁移计划中把它对应到新版本的环节，或选择取消它", element=element)
    report.cancelled.append({"task_id": str(task.id), "bpmn_id": element, "name": _label(spec)})
    parent = task.parent
    if parent is not None and isinstance(parent.task_spec, BoundaryEventSplit):
        _remove_subtree(workflow, parent)  # the step with its deadline timers
    else:
        _remove_subtree(workflow, task)


def _attached_to(timer: Task) -> Task | None:
    parent = timer.parent
    if parent is None or not isinstance(parent.task_spec, BoundaryEventSplit):
        return None
    return next((c for c in parent.children if c is not timer and not _is_timer(c.task_spec)), None)


def _splice_out(workflow: BpmnWorkflow, task: Task) -> None:
    """Take a finished task whose element is gone out of the tree; its children take its place."""
    parent = task.parent
    if parent is None:
        raise ConflictError("办件的起点在新版本中不存在，不能迁移")
    at = parent._children.index(task.id)
    parent._children[at:at + 1] = list(task._children)
    for child in task.children:
        child._parent = parent.id
    workflow.tasks.pop(task.id)
    workflow.event_manager.remove_task(task)


def _remove_subtree(workflow: BpmnWorkflow, task: Task) -> None:
    """Remove a task and what hangs below it, from the tree and from the events it was waiting for."""
    for gone in list(task):
        workflow.event_manager.remove_task(gone)
    workflow._remove_task(task.id)


def _move_deadline(change: InstanceChange, timer: Task, old: TaskSpec, new: TaskSpec,
                   report: MigrationReport) -> None:
    """A waiting deadline whose limit the new version changed keeps its used days: it moves by the change."""
    before = getattr(old.event_definition, "expression", None)
    after = getattr(new.event_definition, "expression", None)
    if before == after:
        return
    attached = _attached_to(timer)
    subject = attached.task_spec if attached is not None else new
    old_days, new_days = (_WORKDAYS.match(e or "") for e in (before, after))
    if old_days is None or new_days is None:
        report.notes.append(
            f"「{_label(subject)}」的期限由 {before} 改为 {after}，无法按工作日换算，保留原期限")
        return
    days = int(new_days.group(1)) - int(old_days.group(1))
    before_due, after_due = shift_timer(change, timer, days)
    report.deadlines.append({
        "task_id": str(attached.id) if attached is not None else None,
        "bpmn_id": element_of(subject.name), "name": _label(subject),
        "old_days": int(old_days.group(1)), "new_days": int(new_days.group(1)), "change": "moved",
        "old": _local(before_due), "new": _local(after_due), "paused": is_frozen(timer)})
    if attached is not None:
        report.shifted[str(attached.id)] = report.shifted.get(str(attached.id), 0) + days
    report.shifted[str(timer.id)] = days


def _local(instant: datetime | None) -> str | None:
    return instant.astimezone(SHANGHAI).isoformat() if instant is not None else None


def _start_added_branches(workflow: BpmnWorkflow, added: set[str], report: MigrationReport) -> None:
    """Start what the new version adds to a parallel split the instance passed, unless already joined."""
    for task in [t for t in workflow.tasks.values() if t.has_state(TaskState.COMPLETED)]:
        spec = task.task_spec
        present = {child.task_spec for child in task.children}
        for output in spec.outputs:
            element = element_of(output.name)
            if output in present or element not in added:
                continue
            label = _label(workflow.spec.task_specs.get(element, output))
            if _is_timer(output):
                report.not_started.append({"bpmn_id": element, "name": label,
                                           "reason": f"「{_label(spec)}」已在办理，新增的期限不补设"})
                continue
            if not isinstance(spec, ParallelGateway) or len(spec.outputs) < 2:
                report.not_started.append({"bpmn_id": element, "name": label,
                                           "reason": f"办件已办过「{_label(spec)}」，新增环节不补办"})
                continue
            join = _join_after(output)
            if join is not None and any(t.task_spec is join and t.has_state(TaskState.COMPLETED)
                                        and t.is_descendant_of(task) for t in workflow.tasks.values()):
                report.not_started.append({"bpmn_id": element, "name": label,
                                           "reason": f"并行审查已在「{_label(join)}」汇合，新增环节不补办"})
                continue
            branch = task._add_child(output, TaskState.FUTURE)
            output._predict(branch, mask=LIVE | PREDICTED)
            output._update(branch)
            report.started.append({"bpmn_id": element, "name": label})


def _join_after(spec: TaskSpec) -> TaskSpec | None:
    """The first parallel join downstream of a branch's first element, where the branch merges."""
    seen: set[str] = set()
    queue = [spec]
    while queue:
        current = queue.pop(0)
        if current.name in seen:
            continue
        seen.add(current.name)
        if isinstance(current, ParallelGateway) and len(current.inputs) > 1:
            return current
        queue.extend(current.outputs)
    return None
