"""The timer backlog an operator watches to see that the sweepers keep up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import TimerRecord

__all__ = ["TimerBacklog", "timer_backlog"]


@dataclass(frozen=True)
class TimerBacklog:
    """Counts at one instant; `oldest_due_unfired` tells how far behind the sweepers are."""

    due_unfired: int
    claimed: int
    pending: int
    fired_last_hour: int
    oldest_due_unfired: datetime | None


def timer_backlog(session: Session, now: datetime) -> TimerBacklog:
    """Count timers by state; "due" is strictly before now, as the sweepers decide it."""
    live = TimerRecord.state.in_(("pending", "claimed"))
    return TimerBacklog(
        due_unfired=session.scalar(select(func.count()).where(live, TimerRecord.due_at < now)) or 0,
        claimed=session.scalar(select(func.count()).where(TimerRecord.state == "claimed")) or 0,
        pending=session.scalar(select(func.count()).where(TimerRecord.state == "pending")) or 0,
        fired_last_hour=session.scalar(select(func.count()).where(
            TimerRecord.state == "fired", TimerRecord.fired_at >= now - timedelta(hours=1))) or 0,
        oldest_due_unfired=session.scalar(select(func.min(TimerRecord.due_at))
                                          .where(live, TimerRecord.due_at < now)),
    )
