"""The checks several commands make on a task before they change it.

`department_task` runs before the unit of work (is it there, is it ours); `require_open_task` runs
inside it, under the instance lock, where a concurrent change can no longer slip in between.
"""

from __future__ import annotations

from collections.abc import Callable

from ..command_context import Actor, CommandContext
from ..exceptions import ConflictError, ForbiddenError, NotFoundError
from ..instance_change import InstanceChange
from ..models import OPEN_TASK_STATUSES, TaskRecord
from ..permissions import can_act_on

__all__ = ["department_task", "require_open_task", "require_running"]


def department_task(ctx: CommandContext, task_id: str) -> TaskRecord:
    """Load a task and check the caller's department before looking at its state."""
    row = ctx.session.get(TaskRecord, task_id)
    if row is None:
        raise NotFoundError(f"task {task_id} not found", task_id=task_id)
    if not can_act_on(ctx.actor, row):
        raise ForbiddenError("this task belongs to another department", task_id=task_id)
    return row


def _task_is(row: TaskRecord) -> ConflictError:
    return ConflictError(f"task is {row.status}", task_id=row.id, status=row.status)


def require_running(change: InstanceChange) -> None:
    """Refuse to change an instance that is not running (suspended, an incident, finished)."""
    if change.instance.status != "running":
        raise ConflictError(f"instance is {change.instance.status}", instance_id=change.instance.id)


def require_open_task(change: InstanceChange, row: TaskRecord, *,
                      closed: Callable[[TaskRecord], ConflictError] = _task_is,
                      actor: Actor | None = None) -> None:
    """Re-read the task under the instance lock: it must still be open and its instance running.

    `closed` builds the command's own error for a task that is no longer open; with `actor`, a task
    claimed by someone else is not open to this actor either.
    """
    change.session.refresh(row)
    if row.status not in OPEN_TASK_STATUSES:
        raise closed(row)
    if actor is not None and row.status == "claimed" and row.assignee != actor.username:
        raise ConflictError(f"task is claimed by {row.assignee}", task_id=row.id, assignee=row.assignee)
    require_running(change)
