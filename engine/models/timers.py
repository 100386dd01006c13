"""Waiting BPMN timers, one row each, so a sweep reads due rows instead of every instance."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime

__all__ = ["TimerRecord"]


class TimerRecord(Base):
    """A timer event waiting in some instance, with the instant it is due."""

    __tablename__ = "timer"
    __table_args__ = (
        Index(
            "ix_timer_pending_due",
            "due_at",
            postgresql_where=text("state = 'pending'"),
            sqlite_where=text("state = 'pending'"),
        ),
        Index("ix_timer_instance", "instance_id"),
        Index("ix_timer_claimed_expiry", "claim_expires_at", postgresql_where=text("state = 'claimed'"),
              sqlite_where=text("state = 'claimed'")),
    )

    # The SpiffWorkflow task UUID of the waiting timer event.
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instance.id"))
    bpmn_id: Mapped[str] = mapped_column(String(255))
    attached_task_id: Mapped[str | None] = mapped_column(String(36))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    state: Mapped[str] = mapped_column(String(16))  # pending | claimed | fired | cancelled | paused
    fired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A sweeper's claim; when it expires (the sweeper died) another sweeper may claim the row again.
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claim_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    # How the due time was reckoned, for a `workdays(N)` timer: the close of the Nth working day after
    # the Beijing date of `anchor_at`, later by the working days of extensions and clock stops. A
    # calendar change recomputes it from these; None: not a working-day timer, never moved.
    anchor_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    workdays: Mapped[int | None]
