"""Fire due BPMN timers exactly once, however many sweepers run and whichever of them dies.

A sweeper first *claims* due timer rows in a short transaction (SKIP LOCKED on PostgreSQL; the
single SQLite writer lock otherwise), with a lease. It then fires each claimed timer through the unit
of work, which re-checks the claim under the instance lock and marks the row fired in the same
transaction as the state change. A sweeper killed after claiming loses nothing: its lease expires
and another sweeper claims the row again; the instance lock and the row state make a second firing
impossible.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from ..command_context import CommandContext
from ..exceptions import ConflictError
from ..instance_change import InstanceChange
from ..models import TimerRecord
from ..unit_of_work import change_instance

__all__ = ["FireTimerCommand", "TimerClaim", "claim_due_timers"]


@dataclass(frozen=True)
class TimerClaim:
    """A timer row this sweeper may fire until the lease ends."""

    timer_id: str
    instance_id: int


def claim_due_timers(session_factory: sessionmaker[Session], now: datetime, owner: str, *,
                     limit: int = 200, lease: timedelta = timedelta(seconds=60)) -> list[TimerClaim]:
    """Claim up to `limit` due rows (oldest first) plus rows whose previous claim expired.

    "Due" is strictly before now, exactly as SpiffWorkflow decides whether a timer has fired.
    """
    with session_factory() as session:
        skip_locked = session.get_bind().dialect.name == "postgresql"
        due = (select(TimerRecord.id, TimerRecord.instance_id)
               .where(TimerRecord.state == "pending", TimerRecord.due_at < now)
               .order_by(TimerRecord.due_at).limit(limit))
        expired = (select(TimerRecord.id, TimerRecord.instance_id)
                   .where(TimerRecord.state == "claimed", TimerRecord.claim_expires_at < now)
                   .order_by(TimerRecord.claim_expires_at).limit(limit))
        if skip_locked:
            due, expired = due.with_for_update(skip_locked=True), expired.with_for_update(skip_locked=True)
        rows = list(session.execute(due)) + list(session.execute(expired))
        if not rows:
            session.rollback()
            return []
        session.execute(
            update(TimerRecord).where(TimerRecord.id.in_([r[0] for r in rows]))
            .values(state="claimed", claimed_by=owner, claim_expires_at=now + lease,
                    attempts=TimerRecord.attempts + 1)
            .execution_options(synchronize_session=False)
        )
        session.commit()
    return [TimerClaim(r[0], r[1]) for r in rows]


@dataclass(frozen=True)
class FireTimerCommand:
    """Fire one claimed timer (and whatever else of that instance is due) under the instance lock."""

    claim: TimerClaim
    owner: str

    def execute(self, ctx: CommandContext) -> bool:
        """Return True when this sweeper fired it; False when it was not (or no longer ours) to fire."""
        row = ctx.session.get(TimerRecord, self.claim.timer_id)
        if row is None or row.state != "claimed" or row.claimed_by != self.owner:
            return False

        def act(change: InstanceChange) -> bool:
            change.session.refresh(row)  # the claim may have been taken over while we waited
            if row.state != "claimed" or row.claimed_by != self.owner:
                raise _NoLongerOurs()
            if change.instance.status == "running":
                assert change.workflow is not None
                change.workflow.refresh_timers()
            return True

        try:
            change_instance(ctx, self.claim.instance_id, act)
        except _NoLongerOurs:
            return False
        return row.state == "fired"  # a cycle timer goes back to pending with its next occurrence


class _NoLongerOurs(ConflictError):
    """Another sweeper fired or re-claimed the timer first; nothing must be written."""

    def __init__(self) -> None:
        super().__init__("timer claim lost")
