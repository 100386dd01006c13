"""Supervision's own working-day deadlines, recomputed when the calendar changes.

The engine recomputes the deadlines it keeps; it calls this (registered on the runtime) for the
ones supervision keeps: reply deadlines of open orders (N working days from issue or re-issue) and
follow-ups of bad reviews (N working days from the rating). Runs inside the calendar command's
transaction, with the runtime's calendar already showing the change.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from engine.command_context import CommandContext
from engine.deadline_recompute import CalendarChange, MovedDeadline
from engine.pending_calendar import PendingCalendar
from engine.workdays import SHANGHAI, CalendarUnknownDayError, workday_deadline, working_days_between

from .models import FollowUp, Rating, SupervisionOrder

__all__ = ["recompute_supervision_deadlines"]


def recompute_supervision_deadlines(ctx: CommandContext, change: CalendarChange) -> list[MovedDeadline]:
    """Move open orders' reply deadlines and open follow-ups; return what moved."""
    runtime, session = ctx.runtime, ctx.session
    moved: list[MovedDeadline] = []

    def deadline(start: datetime, days: int) -> datetime:
        return workday_deadline(runtime.calendar, start, days, runtime.workday_close)

    orders = session.scalars(select(SupervisionOrder).where(
        SupervisionOrder.status == "issued", SupervisionOrder.issued_at < change.ends_at))
    for order in orders:
        # A rejected reply re-issues the order with a fresh deadline from the rejection.
        fresh = deadline(order.decided_at or order.issued_at, order.reply_working_days)
        if fresh != order.due_at:
            moved.append(MovedDeadline("order", str(order.id), order.instance_id, order.due_at, fresh))
            order.due_at = fresh

    # Follow-ups keep no N: read it back on the calendar that computed them (the one stored until now).
    stored = runtime.calendar.stored if isinstance(runtime.calendar, PendingCalendar) else runtime.calendar
    follow_ups = session.execute(select(FollowUp, Rating.rated_at, Rating.instance_id)
                                 .join(Rating, Rating.id == FollowUp.rating_id)
                                 .where(FollowUp.done_at.is_(None), Rating.rated_at < change.ends_at)).all()
    for follow_up, rated_at, instance_id in follow_ups:
        try:
            days = working_days_between(stored, rated_at.astimezone(SHANGHAI).date(),
                                        follow_up.due_at.astimezone(SHANGHAI).date())
        except CalendarUnknownDayError:
            continue
        fresh = deadline(rated_at, days) if days else follow_up.due_at
        if fresh != follow_up.due_at:
            moved.append(MovedDeadline("follow_up", str(follow_up.id), instance_id, follow_up.due_at, fresh))
            follow_up.due_at = fresh
    return moved
