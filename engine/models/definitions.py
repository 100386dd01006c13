"""Deployed process definitions: one row per (key, version), spec stored once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column

from .base import Base, UTCDateTime

__all__ = ["ProcessDefinition"]


class ProcessDefinition(Base):
    """An immutable deployed version of one executable BPMN process."""

    __tablename__ = "process_definition"
    __table_args__ = (
        UniqueConstraint("key", "version"),
        Index("ix_process_definition_key_sha", "key", "xml_sha256"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(255))
    version: Mapped[int]
    name: Mapped[str] = mapped_column(String(255))
    xml_sha256: Mapped[str] = mapped_column(String(64))
    xml: Mapped[str] = deferred(mapped_column(Text, nullable=False))
    # The serialized SpiffWorkflow spec (process + subprocess specs), restored once per process.
    spec_json: Mapped[str] = deferred(mapped_column(Text, nullable=False))
    deployed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    deployed_by: Mapped[str | None] = mapped_column(String(64))
