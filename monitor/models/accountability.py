"""Accountability records (效能问责): append-only and hash-chained, corrections reference the original."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.models import Base, UTCDateTime

__all__ = ["LADDER", "AccountabilityRecord"]

# lowest rung first.
LADDER = {
    1: "提醒", 2: "书面检查", 3: "效能告诫", 4: "通报批评",
    5: "诫勉谈话", 6: "调离/停职", 7: "免职", 8: "纪律处分/移送",
}


class AccountabilityRecord(Base):
    """One measure taken against a person and/or department, in one global chain."""

    __tablename__ = "accountability_record"
    __table_args__ = (Index("ix_accountability_department", "department_code", "decided_at"),
                      Index("ix_accountability_person", "person", "decided_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(unique=True)
    person: Mapped[str | None] = mapped_column(String(64))
    department_code: Mapped[str | None] = mapped_column(String(32))
    rung: Mapped[int]
    measure: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text)
    links: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # {"alerts": [..], "orders": [..], …}
    decided_by: Mapped[str] = mapped_column(String(64))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime())
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("accountability_record.id"))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
