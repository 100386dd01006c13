"""The task index: one row per human task, derived from engine state by the unit of work."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime

__all__ = ["OPEN_TASK_STATUSES", "RED_OPEN_PREDICATE", "REFUSING_DECISIONS", "TASK_STATUSES",
           "WARNING_LEVELS", "TaskRecord"]

TASK_STATUSES = ("ready", "claimed", "completed", "cancelled")
OPEN_TASK_STATUSES = ("ready", "claimed")
WARNING_LEVELS = ("green", "yellow", "red", "escalated")
# Decisions (a submission's `decision`) that refuse: completing with one needs an opinion stating the
# reason, and an item ending on one is 办结（不予通过）(BLZT 13).
REFUSING_DECISIONS = frozenset({"refuse", "reject", "not_approve", "return"})
# Open red/escalated tasks: the supervision board's red list reads them through a partial index.
RED_OPEN_PREDICATE = "warning_level IN ('red', 'escalated') AND status IN ('ready', 'claimed')"


class TaskRecord(Base):
    """A human task as worklists, tracking pages and boards see it."""

    __tablename__ = "task"
    __table_args__ = (
        Index("ix_task_department_status_due", "department_code", "status", "due_at"),
        Index("ix_task_instance", "instance_id", "created_at"),
        Index("ix_task_department_warning", "department_code", "warning_level"),
        Index("ix_task_status_completed", "status", "completed_at"),
        # Covering indexes for the supervision board: its group-by and red list never touch the table.
        Index("ix_task_board", "status", "department_code", "definition_key", "bpmn_id", "warning_level"),
        Index("ix_task_red_due", "due_at", postgresql_where=text(RED_OPEN_PREDICATE),
              sqlite_where=text(RED_OPEN_PREDICATE)),
        Index("ix_task_next_warning", "next_warning_at", postgresql_where=text("next_warning_at IS NOT NULL"),
              sqlite_where=text("next_warning_at IS NOT NULL")),
    )

    # The SpiffWorkflow task UUID, stable across serialization.
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instance.id"))
    definition_key: Mapped[str] = mapped_column(String(255))
    bpmn_id: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(255))
    department_code: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    assignee: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_by: Mapped[str | None] = mapped_column(String(64))
    submission: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The working-day limit this task started with (None when it has no deadline).
    limit_days: Mapped[int | None]
    pause_kind: Mapped[str | None] = mapped_column(String(32))
    pause_reason: Mapped[str | None] = mapped_column(Text)
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    warning_level: Mapped[str] = mapped_column(String(16), default="green", server_default="green")
    # When the warning level next changes by itself; the sweeper picks rows by this index.
    next_warning_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Thresholds the diagram set for this task (`ow:warning`), copied when the task became ready so a
    # later deployment cannot change the rules of work already under way; None: the defaults.
    warning_policy: Mapped[dict[str, Any] | None] = mapped_column(JSON)
