"""Clock stops, extensions, 容缺 shortfalls and warning transitions: the history of a time limit."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime

__all__ = ["PAUSE_KINDS", "Extension", "Pause", "Shortfall", "WarningEvent"]

PAUSE_KINDS = ("correction", "hearing", "survey", "tendering", "expert_review", "public_notice")


class Pause(Base):
    """A stopped clock on a task (or, for a window correction, on every open task of an instance)."""

    __tablename__ = "clock_pause"
    __table_args__ = (Index("ix_clock_pause_task", "task_id"),
                      Index("ix_clock_pause_instance", "instance_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instance.id"))
    task_id: Mapped[str | None] = mapped_column(String(36))  # None: the whole instance
    kind: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # e.g. the missing documents
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    started_by: Mapped[str | None] = mapped_column(String(64))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_by: Mapped[str | None] = mapped_column(String(64))
    paused_working_days: Mapped[int | None]


class Extension(Base):
    """A request for more working days on a task, decided by the lead department or supervision."""

    __tablename__ = "extension"
    __table_args__ = (Index("ix_extension_task", "task_id"), Index("ix_extension_status", "status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instance.id"))
    task_id: Mapped[str] = mapped_column(String(36))
    working_days: Mapped[int]
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))  # pending | approved | refused
    requested_by: Mapped[str | None] = mapped_column(String(64))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_reason: Mapped[str | None] = mapped_column(Text)


class Shortfall(Base):
    """容缺受理: secondary documents accepted as missing, with their own deadline."""

    __tablename__ = "shortfall"
    __table_args__ = (
        Index("ix_shortfall_open_due", "due_at", postgresql_where=text("status = 'open'"),
              sqlite_where=text("status = 'open'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instance.id"), unique=True)
    documents: Mapped[list[str]] = mapped_column(JSON)
    commitment: Mapped[str | None] = mapped_column(Text)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16))  # open | supplied | missed
    # The promised working days from acceptance, so a calendar change can recompute `due_at`.
    working_days: Mapped[int | None]
    supplied_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class WarningEvent(Base):
    """One change of warning level, recorded exactly once for supervision to pick up."""

    __tablename__ = "warning_event"
    # by instance for its history; by time for the bureau's warnings-per-day chart
    __table_args__ = (Index("ix_warning_event_instance", "instance_id", "at"),
                      Index("ix_warning_event_at", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instance.id"))
    task_id: Mapped[str | None] = mapped_column(String(36))
    subject: Mapped[str] = mapped_column(String(16))  # task | shortfall
    department_code: Mapped[str | None] = mapped_column(String(32))
    level_from: Mapped[str] = mapped_column(String(16))
    level_to: Mapped[str] = mapped_column(String(16))
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    at: Mapped[datetime] = mapped_column(UTCDateTime())
