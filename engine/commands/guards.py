"""The checks several commands make on a task before they change it.

`department_task` takes the instance's lock and then reads the task (is it there, is it ours), so
the row it returns cannot change before the command commits; `require_open_task` checks that row
inside the unit of work.
"""

from __future__ import annotations

from collections.abc import Callable

from ..command_context import Actor, CommandContext
from ..exceptions import ConflictError, ForbiddenError, NotFoundError
from ..instance_change import InstanceChange
from ..models import OPEN_TASK_STATUSES, TaskRecord
from ..permissions import can_act_on
from ..status_words import INSTANCE_STATUS_ZH, TASK_STATUS_ZH, in_words
from ..unit_of_work import lock_instance

__all__ = ["department_task", "require_open_task", "require_running"]


def department_task(ctx: CommandContext, task_id: str, *, with_state: bool = True) -> TaskRecord:
    """Lock the task's instance, read the task, and check the caller's department before its state.

    `with_state` reads the instance's workflow state with the lock, for commands that run the engine.
    """
    row = None
    if lock_instance(ctx, of_task=task_id, with_state=with_state) is not None:
        row = ctx.session.get(TaskRecord, task_id, populate_existing=True)
    if row is None:
        raise NotFoundError(f"环节 {task_id} 不存在", task_id=task_id)
    if not can_act_on(ctx.actor, row):
        raise ForbiddenError("该环节属于其他部门", task_id=task_id)
    return row


def _task_is(row: TaskRecord) -> ConflictError:
    return ConflictError(f"该环节{in_words(TASK_STATUS_ZH, row.status)}", task_id=row.id, status=row.status)


def require_running(change: InstanceChange) -> None:
    """Refuse to change an instance that is not running (suspended, an incident, finished)."""
    if change.instance.status != "running":
        state = in_words(INSTANCE_STATUS_ZH, change.instance.status)
        raise ConflictError(f"该办件{state}，不能办理", instance_id=change.instance.id)


def require_open_task(change: InstanceChange, row: TaskRecord, *,
                      closed: Callable[[TaskRecord], ConflictError] = _task_is,
                      actor: Actor | None = None) -> None:
    """The task, read under the instance lock, must still be open and its instance running.

    `closed` builds the command's own error for a task that is no longer open; with `actor`, a task
    claimed by someone else is not open to this actor either.
    """
    if row.status not in OPEN_TASK_STATUSES:
        raise closed(row)
    if actor is not None and row.status == "claimed" and row.assignee != actor.username:
        raise ConflictError(f"该环节已由 {row.assignee} 签收办理", task_id=row.id, assignee=row.assignee)
    require_running(change)
