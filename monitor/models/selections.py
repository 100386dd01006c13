"""Selections the bureau makes from the scores: the monthly 服务之星 and the annual 优质服务窗口.

The system proposes candidates by published rules (monitor/selection_rules.py), with the figures
that put them there; the bureau confirms or rejects each one, and only confirmed ones are published.
A proposal is kept with its figures as they were, so a later correction of the data does not
silently rewrite why someone was chosen.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.models import Base, UTCDateTime

__all__ = ["SELECTION_KINDS", "SELECTION_STATES", "Selection"]

SELECTION_KINDS = ("service_star", "quality_window")
"""服务之星 (a window staff member, monthly) and 优质服务窗口 (a department's window, yearly)."""
SELECTION_STATES = ("proposed", "confirmed", "rejected")


class Selection(Base):
    """One candidate of one selection: proposed by the rules, then confirmed or rejected by the bureau."""

    __tablename__ = "selection"
    __table_args__ = (UniqueConstraint("kind", "period", "subject"),
                      Index("ix_selection_kind_period", "kind", "period", "status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    period: Mapped[str] = mapped_column(String(7))  # 2026-11 for a star, 2026 for a window
    subject: Mapped[str] = mapped_column(String(64))  # a username, or a department code
    department_code: Mapped[str] = mapped_column(String(32))
    rank: Mapped[int]
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
