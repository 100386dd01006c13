"""Accountability records (效能问责): append-only and hash-chained, corrections reference the original."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.models import Base, UTCDateTime

__all__ = ["LADDER", "LINK_KINDS", "AccountabilityRecord", "EscalationPolicy", "Proposal", "measure_for"]

# lowest rung first.
LADDER = {
    1: "提醒", 2: "书面检查", 3: "效能告诫", 4: "通报批评",
    5: "诫勉谈话", 6: "调离/停职", 7: "免职", 8: "纪律处分/移送",
}
LINK_KINDS = ("alerts", "complaints", "orders")
"""What a record may link to, by kind; the links are hashed as sorted id lists of these kinds."""


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


@dataclass(frozen=True)
class EscalationPolicy:
    """How earlier cases within a window raise the proposed rung (a setting).

    The proposal is `first_rung + previous cases`, capped at `max_rung`: heavier measures above the
    cap (transfer, dismissal, referral) are a human decision the system never proposes on its own.
    """

    window_days: int = 365
    first_rung: int = 1
    max_rung: int = 5

    def __post_init__(self) -> None:
        """Refuse a policy that could propose a rung outside the ladder."""
        if self.window_days < 1:
            raise ValueError("window_days must be at least 1")
        if not min(LADDER) <= self.first_rung <= self.max_rung <= max(LADDER):
            raise ValueError(f"need {min(LADDER)} <= first_rung <= max_rung <= {max(LADDER)}")

    def rung_for(self, previous: int) -> int:
        """Return the rung proposed after `previous` cases within the window."""
        return min(self.first_rung + max(previous, 0), self.max_rung)


@dataclass(frozen=True)
class Proposal:
    """The rung the system proposes for a new case, and the count it is based on."""

    rung: int
    measure: str
    previous_count: int


def measure_for(rung: int) -> str:
    """Name the measure of a rung; KeyError for a rung that is not on the ladder."""
    return LADDER[rung]
