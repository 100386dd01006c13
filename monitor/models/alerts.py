"""Alerts: one record per thing the supervision bureau must look at, whatever raised it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from engine.models import Base, UTCDateTime

__all__ = ["ALERT_LEVELS", "ALERT_SOURCES", "ALERT_STATES", "LEVEL_RANK", "Alert", "AlertSignal",
           "BoardSnapshot", "FedEvent", "MonitorCursor"]

ALERT_SOURCES = ("deadline", "rule", "video", "complaint", "calendar", "order", "incident")
ALERT_LEVELS = ("info", "yellow", "red", "escalated")
ALERT_STATES = ("open", "acknowledged", "explained", "decided", "closed")
LEVEL_RANK = {"info": 0, "yellow": 1, "red": 2, "escalated": 3}
"""A live alert's level only rises: yellow → red → escalated."""


@dataclass(frozen=True)
class AlertSignal:
    """What a source reports; `dedup_key` names the condition so repeats update one alert."""

    source: str
    kind: str
    level: str
    dedup_key: str
    subject: str
    title: str
    department_code: str | None = None
    instance_id: int | None = None
    task_id: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    evidence: dict[str, Any] | None = None


class Alert(Base):
    """An ongoing condition (deduplicated by `dedup_key` while not closed) and its handling."""

    __tablename__ = "alert"
    __table_args__ = (
        # One live alert per condition: a sweep updates it instead of opening another.
        Index("uq_alert_live_dedup", "dedup_key", unique=True,
              postgresql_where=text("state <> 'closed'"), sqlite_where=text("state <> 'closed'")),
        Index("ix_alert_state_level", "state", "level"),
        Index("ix_alert_department_state", "department_code", "state"),
        Index("ix_alert_opened", "opened_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(48))
    level: Mapped[str] = mapped_column(String(16))
    department_code: Mapped[str | None] = mapped_column(String(32))
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("instance.id"))
    task_id: Mapped[str | None] = mapped_column(String(36))
    subject: Mapped[str] = mapped_column(String(128))  # e.g. "task:<uuid>", "instance:12", "camera:3"
    dedup_key: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(255))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    evidence: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # e.g. {"snapshot": path, "sha256": …}
    state: Mapped[str] = mapped_column(String(16), default="open")
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_by: Mapped[str | None] = mapped_column(String(64))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    explanation: Mapped[str | None] = mapped_column(Text)
    explained_by: Mapped[str | None] = mapped_column(String(64))
    explained_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision: Mapped[str | None] = mapped_column(String(24))  # dismiss | order | card | accountability
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class MonitorCursor(Base):
    """How far e-supervision has read an engine table (an outbox), so each row is handled once."""

    __tablename__ = "monitor_cursor"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_id: Mapped[int] = mapped_column(default=0)


class FedEvent(Base):
    """An engine row a feed has handled above its cursor's mark (see monitor.outbox)."""

    __tablename__ = "monitor_fed"

    feed: Mapped[str] = mapped_column(String(64), primary_key=True)
    event_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)


class BoardSnapshot(Base):
    """The board's department × stage × level counts, recomputed by the scheduler every few seconds.

    Counting every open task per request costs time proportional to the open work (hundreds of
    milliseconds at 100,000 open instances on SQLite); the board reads this row instead.
    """

    __tablename__ = "board_snapshot"

    id: Mapped[int] = mapped_column(primary_key=True)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    cells: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
