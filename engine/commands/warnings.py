"""Flip warning levels whose time has come: the sweeper's half of early warning (预警)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..command_context import CommandContext
from ..instance_change import InstanceChange
from ..models import OPEN_TASK_STATUSES, TaskRecord
from ..task_warnings import refresh_instance_warning, refresh_task_warning
from ..unit_of_work import change_instance

__all__ = ["RefreshWarningsCommand"]


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
