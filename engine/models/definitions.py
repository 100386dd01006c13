"""Deployed process definitions: one row per (key, version), spec stored once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column

from .base import Base, UTCDateTime

__all__ = ["ProcessDefinition", "ProcessDraft"]


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
    # {user task id: {WarningPolicy field: value}} from the diagram's `ow:warning` elements.
    task_warning_settings: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # {user task id: {"choices": [...], "opinion": {...}}} from `ow:choice` / `ow:opinion` (bpmn.task_forms).
    task_forms: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class ProcessDraft(Base):
    """A diagram a designer is still working on: saved, not deployed, one per process key.

    `revision` counts saves, so a designer whose page holds an older revision is told that someone
    saved in between instead of silently overwriting their work.
    """

    __tablename__ = "process_draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(255), unique=True)
    xml: Mapped[str] = mapped_column(Text)
    revision: Mapped[int]
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime())
    saved_by: Mapped[str] = mapped_column(String(64))
