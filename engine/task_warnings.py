"""Apply warning levels to task rows inside a unit of work, recording each change exactly once."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .models import OPEN_TASK_STATUSES, TaskRecord, WarningEvent
from .warning_levels import highest_level

if TYPE_CHECKING:
    from .instance_change import InstanceChange

__all__ = ["refresh_instance_warning", "refresh_task_warning"]


def refresh_task_warning(change: InstanceChange, row: TaskRecord) -> None:
    """Recompute a task's level from its due time and the clock; a change becomes a warning_event."""
    runtime = change.ctx.runtime
    if row.status not in OPEN_TASK_STATUSES or row.pause_kind is not None:
        row.next_warning_at = None  # a stopped or finished clock does not move the level
        return
    state = runtime.warning_state(row.created_at, row.due_at, change.now, row.limit_days, row.warning_policy)
    row.next_warning_at = state.next_change_at
    previous = row.warning_level or "green"
    if state.level == previous:
        return
    row.warning_level = state.level
    change.session.add(WarningEvent(
        instance_id=row.instance_id, task_id=row.id, subject="task", department_code=row.department_code,
        level_from=previous, level_to=state.level, due_at=row.due_at, at=change.now,
    ))
    change.record("task.warning", row.id, level_from=previous, level_to=state.level,
                  due_at=row.due_at.isoformat() if row.due_at else None)


def refresh_instance_warning(change: InstanceChange, open_rows: list[TaskRecord]) -> None:
    """An instance is as urgent as its most urgent open task."""
    change.instance.warning_level = highest_level([r.warning_level for r in open_rows
                                                   if r.status in OPEN_TASK_STATUSES])
