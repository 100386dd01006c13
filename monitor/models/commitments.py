"""Department public commitments (一把手公开承诺、阳光考评): what a department's head promises for a year.

The head of a department publishes the year's commitments (承诺事项, each with a measurable target
and a date), reports progress as the year goes, and the supervision bureau assesses each one
(兑现, 部分兑现, 未兑现) in public. A published commitment's wording never changes: a promise edited
after the fact would not be a promise. Progress reports are kept in full, so the public page can
show how a commitment moved, not only where it stands.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.models import Base, UTCDateTime

__all__ = ["ASSESSMENTS", "MAX_COMMITMENTS_A_YEAR", "MAX_NOTE", "MAX_TARGET", "MAX_TITLE",
           "CommitmentProgress", "DepartmentCommitment"]

ASSESSMENTS = ("fulfilled", "partly_fulfilled", "not_fulfilled")
"""The bureau's verdict: 兑现, 部分兑现, 未兑现."""
MAX_COMMITMENTS_A_YEAR = 30
MAX_TITLE = 200
MAX_TARGET = 1000
MAX_NOTE = 1000


class DepartmentCommitment(Base):
    """One published commitment of one department for one year, with its latest progress and verdict."""

    __tablename__ = "department_commitment"
    __table_args__ = (Index("ix_department_commitment_year", "year", "department_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    department_code: Mapped[str] = mapped_column(String(32))
    year: Mapped[int]
    title: Mapped[str] = mapped_column(String(MAX_TITLE))
    target: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date] = mapped_column(Date)
    pledged_by: Mapped[str] = mapped_column(String(64))  # the head's name as published (一把手)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime())
    published_by: Mapped[str] = mapped_column(String(64))
    # The latest progress report, copied from CommitmentProgress for the lists.
    progress_percent: Mapped[int] = mapped_column(default=0)
    progress_note: Mapped[str | None] = mapped_column(Text)
    progress_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    assessment: Mapped[str | None] = mapped_column(String(24))  # one of ASSESSMENTS, once assessed
    assessment_note: Mapped[str | None] = mapped_column(Text)
    assessed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    assessed_by: Mapped[str | None] = mapped_column(String(64))


class CommitmentProgress(Base):
    """One progress report on a commitment: how far it is (0–100 %) and what was done."""

    __tablename__ = "commitment_progress"
    __table_args__ = (Index("ix_commitment_progress_commitment", "commitment_id", "reported_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("department_commitment.id"))
    percent: Mapped[int]
    note: Mapped[str] = mapped_column(Text)
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reported_by: Mapped[str] = mapped_column(String(64))
