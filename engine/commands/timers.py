"""Fire due BPMN timers through the unit of work."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import TimerRecord
from ..unit_of_work import InstanceChange, change_instance
from .executor import CommandContext

__all__ = ["FireInstanceTimersCommand", "due_timer_instances"]


def due_timer_instances(session: Session, now: datetime, limit: int = 500) -> list[int]:
    """Return instances with a pending timer due by `now`, reading only the due-time index."""
    rows = session.execute(
        select(TimerRecord.instance_id).where(TimerRecord.state == "pending", TimerRecord.due_at <= now)
        .order_by(TimerRecord.due_at).limit(limit)
    )
    return list(dict.fromkeys(r[0] for r in rows))


@dataclass(frozen=True)
class FireInstanceTimersCommand:
    """Let SpiffWorkflow fire whatever timers of one instance are due, then advance it."""

    instance_id: int

    def execute(self, ctx: CommandContext) -> None:
        """Refresh timers under the instance lock; the sync marks fired rows."""

        def act(change: InstanceChange) -> None:
            if change.instance.status != "running":
                return
            assert change.workflow is not None
            change.workflow.refresh_timers()

        change_instance(ctx, self.instance_id, act)
