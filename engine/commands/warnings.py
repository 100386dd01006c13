"""Flip warning levels whose time has come: the sweeper's half of early warning (预警)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..command_context import CommandContext
from ..instance_change import InstanceChange
from ..models import OPEN_TASK_STATUSES, TaskRecord
from ..task_warnings import refresh_instance_warning, refresh_task_warning
from ..unit_of_work import change_instance

__all__ = ["RefreshWarningsCommand", "instances_with_due_warnings"]


def instances_with_due_warnings(session: Session, now: datetime, limit: int = 500) -> list[int]:
    """Return instances with a task whose next level change is due, reading only that index."""
    rows = session.execute(
        select(TaskRecord.instance_id).where(TaskRecord.next_warning_at.is_not(None),
                                             TaskRecord.next_warning_at <= now)
        .order_by(TaskRecord.next_warning_at).limit(limit)
    )
    return list(dict.fromkeys(r[0] for r in rows))


@dataclass(frozen=True)
class RefreshWarningsCommand:
    """Recompute the due warning levels of one instance's open tasks under its lock."""

    instance_id: int

    def execute(self, ctx: CommandContext) -> int:
        """Return how many tasks changed level (each change is recorded once)."""

        def act(change: InstanceChange) -> int:
            rows = list(change.session.scalars(
                select(TaskRecord).where(TaskRecord.instance_id == self.instance_id,
                                         TaskRecord.status.in_(OPEN_TASK_STATUSES))
                .execution_options(populate_existing=True)
            ))
            before = {r.id: r.warning_level for r in rows}
            for row in rows:
                if row.next_warning_at is not None and row.next_warning_at <= change.now:
                    refresh_task_warning(change, row)
            refresh_instance_warning(change, rows)
            return sum(1 for r in rows if r.warning_level != before[r.id])

        return change_instance(ctx, self.instance_id, act, load_workflow=False)
