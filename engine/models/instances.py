"""Workflow instances: the narrow row the read paths use plus the deferred engine state."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from .base import Base, UTCDateTime

__all__ = ["INSTANCE_STATUSES", "Instance"]

INSTANCE_STATUSES = ("running", "suspended", "completed", "incident", "withdrawn")
"""`incident`: the engine stopped on an error in the diagram; an administrator retries it."""


class Instance(Base):
    """One application running through one definition version."""

    __tablename__ = "instance"
    __table_args__ = (Index("ix_instance_status_created", "status", "created_at"),
                      Index("ix_instance_status_completed", "status", "completed_at"),
                      # the window's list of its registrations, newest first
                      Index("ix_instance_created_by_created", "created_by", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    query_code: Mapped[str] = mapped_column(String(16), unique=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definition.id"), index=True)
    definition_key: Mapped[str] = mapped_column(String(255))
    definition_version: Mapped[int]
    status: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    project_name: Mapped[str] = mapped_column(String(255))
    project_code: Mapped[str] = mapped_column(String(64), index=True)
    investment: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    applicant_name: Mapped[str] = mapped_column(String(255))
    applicant_contact: Mapped[str] = mapped_column(String(255))
    # A copy of the workflow's top-level data after each step, so reads never deserialize state.
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    state_format: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = deferred(mapped_column(Text, nullable=False))
    lock_version: Mapped[int] = mapped_column(default=1)
    # The head of the instance's audit chain (engine.audit): the next event links to it without a read.
    audit_seq: Mapped[int] = mapped_column(default=0, server_default="0")
    audit_hash: Mapped[str] = mapped_column(String(64), default="0" * 64, server_default="0" * 64)
    warning_level: Mapped[str] = mapped_column(String(16), default="green", server_default="green")
    pause_kind: Mapped[str | None] = mapped_column(String(32))
    pause_reason: Mapped[str | None] = mapped_column(Text)
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __mapper_args__ = {"version_id_col": lock_version}
