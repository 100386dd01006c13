"""Fire due BPMN timers exactly once, however many sweepers run and whichever of them dies.

A sweeper first *claims* due timer rows in a short transaction of its own (ClaimDueTimersCommand;
SKIP LOCKED on PostgreSQL, the single SQLite writer lock otherwise), with a lease. It then fires each
claimed timer through the unit of work (FireTimerCommand), which re-checks the claim under the
instance lock and marks the row fired in the same transaction as the state change. A sweeper killed
after claiming loses nothing: its lease expires and another sweeper claims the row again; the
instance lock and the row state make a second firing impossible.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select, update

from ..command_context import CommandContext
from ..exceptions import ConflictError
from ..instance_change import InstanceChange
from ..models import TimerRecord
from ..timer_events import timer_due_at
from ..unit_of_work import change_instance

__all__ = ["ClaimDueTimersCommand", "FireTimerCommand", "TimerClaim", "TimerOutcome"]

TimerOutcome = Literal["fired", "rescheduled", "parked", "lost"]
"""What firing a claimed timer came to.

- fired: the timer fired; its row is done.
- rescheduled: the timer still waits (a cycle timer fired one occurrence and waits for the next);
  its row is pending again, claim released.
- parked: the instance is not running (suspended, an incident), so nothing fired; the unit of work
  parks the row (blocked) until the instance runs again.
- lost: the claim was no longer ours (another sweeper fired or re-claimed it); nothing was written.
"""


@dataclass(frozen=True)
class TimerClaim:
    """A timer row this sweeper may fire until the lease ends."""

    timer_id: str
    instance_id: int


@dataclass(frozen=True)
class ClaimDueTimersCommand:
    """Claim up to `limit` due rows (oldest first) plus rows whose previous claim expired.

    "Due" is strictly before now, exactly as SpiffWorkflow decides whether a timer has fired. The
    claim is its own short transaction, so the rows are held by the lease, not by a lock, while they
    are fired one by one.
    """

    now: datetime
    owner: str
    limit: int = 200
    lease: timedelta = timedelta(seconds=60)

    def execute(self, ctx: CommandContext) -> list[TimerClaim]:
        """Mark the rows claimed by `owner` until now + lease; return them."""
        session = ctx.session
        skip_locked = session.get_bind().dialect.name == "postgresql"
        due = (select(TimerRecord.id, TimerRecord.instance_id)
               .where(TimerRecord.state == "pending", TimerRecord.due_at < self.now)
               .order_by(TimerRecord.due_at).limit(self.limit))
        expired = (select(TimerRecord.id, TimerRecord.instance_id)
                   .where(TimerRecord.state == "claimed", TimerRecord.claim_expires_at < self.now)
                   .order_by(TimerRecord.claim_expires_at).limit(self.limit))
        if skip_locked:
            due, expired = due.with_for_update(skip_locked=True), expired.with_for_update(skip_locked=True)
        rows = list(session.execute(due)) + list(session.execute(expired))
        if not rows:
            return []
        session.execute(
            update(TimerRecord).where(TimerRecord.id.in_([r[0] for r in rows]))
            .values(state="claimed", claimed_by=self.owner, claim_expires_at=self.now + self.lease,
                    attempts=TimerRecord.attempts + 1)
            .execution_options(synchronize_session=False)
        )
        return [TimerClaim(r[0], r[1]) for r in rows]


@dataclass(frozen=True)
class FireTimerCommand:
    """Fire one claimed timer (and whatever else of that instance is due) under the instance lock."""

    claim: TimerClaim
    owner: str

    def execute(self, ctx: CommandContext) -> TimerOutcome:
        """Return what became of the claim (see TimerOutcome)."""
        row = ctx.session.get(TimerRecord, self.claim.timer_id)
        if row is None or row.state != "claimed" or row.claimed_by != self.owner:
            return "lost"

        def act(change: InstanceChange) -> TimerOutcome:
            change.session.refresh(row)  # the claim may have been taken over while we waited
            if row.state != "claimed" or row.claimed_by != self.owner:
                raise _NoLongerOurs()
            if change.instance.status != "running":
                return "parked"
            assert change.workflow is not None
            change.workflow.refresh_timers()
            timer = change.spiff_task(row.id)
            if timer is not None and timer.has_state(TaskState.WAITING) and timer_due_at(timer) is not None:
                return "rescheduled"  # a cycle timer fired one occurrence and waits for the next
            return "fired"  # (an exhausted cycle still waits until the engine steps complete it)

        try:
            return change_instance(ctx, self.claim.instance_id, act)
        except _NoLongerOurs:
            return "lost"


class _NoLongerOurs(ConflictError):
    """Another sweeper fired or re-claimed the timer first; nothing must be written."""

    def __init__(self) -> None:
        super().__init__("timer claim lost")
