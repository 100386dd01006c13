"""The task index: one row per human task, derived from engine state by the unit of work."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime

__all__ = ["OPEN_TASK_STATUSES", "TASK_STATUSES", "TaskRecord"]

TASK_STATUSES = ("ready", "claimed", "completed", "cancelled")
OPEN_TASK_STATUSES = ("ready", "claimed")


class TaskRecord(Base):
    """A human task as worklists, tracking pages and boards see it."""

    __tablename__ = "task"
    __table_args__ = (
        Index("ix_task_department_status_due", "department_code", "status", "due_at"),
        Index("ix_task_instance", "instance_id", "created_at"),
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
