"""Read due times out of SpiffWorkflow timer events, where SpiffWorkflow keeps them internally."""

from __future__ import annotations

from datetime import datetime

from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

__all__ = ["attached_deadline", "attached_task", "is_working_day_timer", "timer_due_at", "waiting_timers"]


def waiting_timers(workflow: BpmnWorkflow) -> list[Task]:
    """Return every timer event task currently waiting, in the main process and subprocesses."""
    return [
        t for t in workflow.get_tasks(state=TaskState.WAITING)
        if isinstance(getattr(t.task_spec, "event_definition", None), TimerEventDefinition)
    ]


def timer_due_at(task: Task) -> datetime | None:
    """Return when a waiting timer fires, from the value SpiffWorkflow fixed when it started waiting."""
    value = task.internal_data.get("event_value")
    if isinstance(value, dict):  # cycle timers keep the next occurrence
        value = value.get("next") if value.get("cycles", 0) != 0 else None
    if not isinstance(value, str):
        return None
    try:
        return TimerEventDefinition.get_datetime(value)
    except ValueError:
        return None


def attached_deadline(task: Task) -> datetime | None:
    """Return the earliest due time of the timer boundary events attached to a human task."""
    parent = task.parent
    if parent is None or not isinstance(parent.task_spec, BoundaryEventSplit):
        return None
    dues = [
        timer_due_at(sibling) for sibling in parent.children
        if sibling is not task and sibling.has_state(TaskState.WAITING)
        and isinstance(getattr(sibling.task_spec, "event_definition", None), TimerEventDefinition)
    ]
    dues = [d for d in dues if d is not None]
    return min(dues) if dues else None


def attached_task(timer: Task) -> Task | None:
    """Return the activity a boundary timer is attached to, or None for other timers."""
    parent = timer.parent
    if parent is None or not isinstance(parent.task_spec, BoundaryEventSplit):
        return None
    return next((c for c in parent.children
                 if c is not timer and not hasattr(c.task_spec, "event_definition")), None)


def is_working_day_timer(timer: Task) -> bool:
    """Tell whether a timer's expression reckons in working days, so a calendar change must move it."""
    expression = getattr(timer.task_spec.event_definition, "expression", None)
    return isinstance(expression, str) and "workdays(" in expression
